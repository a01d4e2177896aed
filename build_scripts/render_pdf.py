"""Step 4b: render the printable guide and one PDF per scenario with WeasyPrint.

The PDFs come from the same view models as the site, through their own print templates and
stylesheet in templates/pdf/; the site's HTML is never converted.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import logging
import mimetypes
import multiprocessing
import os
import re
import signal
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Literal

import markdown
from jinja2 import Environment
from markdown.extensions import Extension
from markdown.extensions.toc import slugify
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from . import chooser, pdf_cache, pdf_join
from .expand import ScenarioView, Site, SourceView
from .fonts import CODEPOINTS
from .links import CHOOSER_MARKER, DOWNLOADS_MARKER, GUIDE_PDF, SCENARIO_LIST_MARKER
from .links import scenario_pdf as scenario_pdf_path
from .pdf_cache import PartCache
from .schema import ANCHOR_INPUT_LABELS
from .templating import make_env

log = logging.getLogger("mkdocs.plugins.followup")

Paper = Literal["a4", "letter"]
PAPER_SIZES: dict[str, str] = {"a4": "A4", "letter": "letter"}

WRITE_OPTIONS = {"pdf_forms": True, "pdf_variant": "pdf/ua-1"}
"""Fillable worksheets, and a tagged PDF/UA-1 document for screen readers."""


class PdfError(Exception):
    """WeasyPrint warned about something, or a resource was refused; the PDF is not trusted."""

    def __init__(self, document: str, problems: Sequence[str]) -> None:
        self.document = document
        self.problems = list(problems)
        super().__init__(
            f"{document}: " + "; ".join(self.problems)
            if len(self.problems) == 1
            else f"{document}:\n" + "\n".join(f"  {p}" for p in self.problems)
        )

    def __reduce__(self) -> tuple:  # to come back whole from a worker process
        return (PdfError, (self.document, self.problems))


@dataclass(frozen=True)
class PdfOptions:
    """Settings shared by every PDF of a build."""

    title: str
    subtitle: str
    author: str
    edition: dt.date
    paper: Paper = "a4"
    language: str = "en"
    keywords: tuple[str, ...] = ("job interview", "follow-up", "thank-you email", "templates")
    page_footer: str = "Page {page} of {total}"
    """The foot of each page (format fields `{page}` and `{total}`)."""
    contents_footer: str = "Page {page}"
    """The foot of each contents page (`{page}` in roman numerals)."""


def page_footer(options: PdfOptions, pdf_dir: Path) -> pdf_join.PageFooter:
    """The page numbers' wording and font: the project's own, in `pdf_dir`/fonts/."""
    try:
        return pdf_join.PageFooter(
            pdf_dir / "fonts" / pdf_join.FOOTER_FONT_FILE,
            options.page_footer,
            options.contents_footer,
        )
    except ValueError as exc:
        raise PdfError("the PDFs' page footer", [str(exc)]) from None


@dataclass(frozen=True)
class GuideEntry:
    """One entry of the guide, in navigation order.

    `kind` is "page" (a hand-written Markdown page), "timing" (the generated timing table) or
    "scenarios" (every scenario, by category).
    """

    kind: Literal["page", "timing", "scenarios"]
    title: str
    src_uri: str = ""
    markdown: str = ""


@dataclass(frozen=True)
class Chapter:
    """A guide page converted for print."""

    id: str
    title: str
    html: Markup
    kind: str
    headings: tuple[tuple[str, str], ...] = ()
    """(id, text) of the chapter's second-level headings, for the outline."""


@dataclass
class _Resources:
    allowed_roots: tuple[Path, ...]
    refused: list[str] = field(default_factory=list)


def chapter_id(src_uri: str) -> str:
    """`why-follow-up.md` -> `ch-why-follow-up`; `index.md` -> `ch-index`."""
    stem = src_uri.removesuffix(".md").replace("/", "-")
    return "ch-" + re.sub(r"[^a-z0-9-]+", "-", stem.lower()).strip("-")


class _PdfLinks(Treeprocessor):
    """Point links between pages at places inside the PDF, and prefix heading ids per chapter."""

    def __init__(self, md: markdown.Markdown, targets: dict[str, str], prefix: str) -> None:
        super().__init__(md)
        self.targets = targets
        self.prefix = prefix

    def run(self, root: ET.Element) -> None:
        for element in root.iter("a"):
            href = element.get("href", "")
            if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.IGNORECASE):
                continue
            page, _, fragment = href.partition("#")
            page = re.sub(r"^(\./|\.\./)+", "", page)
            if not page:
                element.set("href", f"#{self.prefix}-{fragment}" if fragment else "#")
            elif page in self.targets:
                target = self.targets[page]
                if fragment and target.startswith("ch-"):
                    target = f"{target}-{fragment}"
                element.set("href", f"#{target}")


class _PdfLinksExtension(Extension):
    def __init__(self, targets: dict[str, str], prefix: str) -> None:
        super().__init__()
        self.targets = targets
        self.prefix = prefix

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.treeprocessors.register(
            _PdfLinks(md, self.targets, self.prefix), "followup_pdf_links", 0
        )


def _strip_title(text: str) -> tuple[str | None, str]:
    """Split off a leading `# Title` line."""
    match = re.match(r"\s*#\s+(.+?)\s*#*\s*\n", text + "\n")
    if match is None:
        return None, text
    return match.group(1).strip(), text[match.end() :]


def _flatten(tokens: list[dict]) -> Iterable[dict]:
    for token in tokens:
        yield token
        yield from _flatten(token.get("children", []))


def convert_chapters(
    site: Site,
    entries: Sequence[GuideEntry],
    extensions: Sequence[str | Extension],
    extension_configs: dict[str, dict],
    scenario_list_html: Markup,
    chooser_path: Sequence[chooser.Step] = (),
) -> list[Chapter]:
    """Hand-written pages to print HTML, with links retargeted inside the PDF."""
    targets = {"scenarios/index.md": "part-scenarios"}
    for entry in entries:
        if entry.kind == "page":
            targets[entry.src_uri] = chapter_id(entry.src_uri)
        elif entry.kind == "timing":
            targets["timing.md"] = "ch-timing"
    for scenario in site.scenarios:
        targets[scenario.src_uri] = f"sc-{scenario.id}"

    chapters = []
    for entry in entries:
        if entry.kind != "page":
            cid = {"timing": "ch-timing", "scenarios": "part-scenarios"}[entry.kind]
            chapters.append(Chapter(cid, entry.title, Markup(""), entry.kind))
            continue
        cid = chapter_id(entry.src_uri)
        title, body = _strip_title(entry.markdown)
        body = body.replace(DOWNLOADS_MARKER, "").replace(
            SCENARIO_LIST_MARKER, "\n\n" + scenario_list_html + "\n\n"
        )
        if CHOOSER_MARKER in body:
            flow = chooser.to_markdown(list(chooser_path), "index.md")
            body = body.replace(CHOOSER_MARKER, flow)
        configs = {name: dict(options) for name, options in extension_configs.items()}
        toc = configs.setdefault("toc", {})
        toc["slugify"] = lambda value, separator, _cid=cid: f"{_cid}-{slugify(value, separator)}"
        toc.pop("permalink", None)
        md = markdown.Markdown(
            extensions=[*extensions, _PdfLinksExtension(targets, cid)],
            extension_configs=configs,
        )
        html = md.convert(body)
        headings = tuple(
            (t["id"], Markup(t["name"])) for t in _flatten(md.toc_tokens) if t["level"] == 2
        )
        chapters.append(Chapter(cid, title or entry.title, Markup(html), "page", headings))
    return chapters


_NO_GLYPH = re.compile(r'\.notdef glyph rendered for Unicode string unsupported by fonts: "(.+?)"')


def _weasyprint_warnings() -> tuple[logging.Handler, list[str]]:
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                messages.append(record.getMessage())

    return Collect(), messages


def make_url_fetcher(allowed_roots: Iterable[Path], refused: list[str]):
    """A WeasyPrint URL fetcher that serves only files under `allowed_roots`.

    Everything else (other files, `http:`, `data:`, ...) is refused and recorded in `refused`.
    """
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = tuple(Path(root).resolve() for root in allowed_roots)

    class ProjectOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                refused.append(f"{url[:120]} (only the project's own files may be loaded)")
                raise ValueError("refused by followup-kit: not a project file")
            path = Path(unquote(parts.path)).resolve()
            if not any(path.is_relative_to(root) for root in roots) or not path.is_file():
                refused.append(f"{url[:120]} (outside the template and asset folders)")
                raise ValueError("refused by followup-kit: outside the allowed folders")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), body=path.read_bytes(), headers={"Content-Type": kind}
            )

    return ProjectOnlyFetcher(allowed_protocols=("file",), allow_redirects=False)


def _fits_shipped_fonts(html: str) -> bool:
    """Whether every character of a document is drawn by the fonts in templates/pdf/fonts."""
    return {ord(c) for c in unescape(html)} - {9, 10, 13} <= CODEPOINTS


_STYLES: dict[tuple, tuple] = {}
atexit.register(_STYLES.clear)  # before interpreter teardown, which the font config dislikes


def _print_style(base_dir: Path, allowed_roots: tuple[Path, ...]) -> tuple[list, object | None]:
    """The print stylesheet (`base_dir`/print.css) and its fonts, parsed once per process.

    Returns ([], None) when there is no print.css. Problems found while parsing are logged to
    WeasyPrint's logger, like the document's own."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    sheet = base_dir / "print.css"
    if not sheet.is_file():
        return [], None
    fonts = base_dir / "fonts"
    stamp = [sheet.stat().st_mtime_ns]
    stamp += [f.stat().st_mtime_ns for f in sorted(fonts.glob("*"))] if fonts.is_dir() else []
    key = (str(base_dir), tuple(map(str, allowed_roots)), tuple(stamp))
    if key not in _STYLES:
        refused: list[str] = []
        font_config = FontConfiguration()
        css = CSS(
            filename=str(sheet),
            url_fetcher=make_url_fetcher(allowed_roots, refused),
            font_config=font_config,
        )
        if refused:
            raise PdfError(sheet.name, [f"refused to load {r}" for r in refused])
        _STYLES.clear()
        _STYLES[key] = ([css], font_config)
    return _STYLES[key]


NEARLY_EMPTY = 0.2
"""A last page filled less than this (a share of its height) is worth a tighter setting."""
FIT_BODY = '<body class="'
"""Where the `fit` class goes: print.css sets a document with it a little tighter."""


def _last_page_fill(document: object) -> float:
    """How far down its content area the last page of a rendered document is drawn on (0-1)."""
    from weasyprint.formatting_structure import boxes

    page = document.pages[-1]._page_box  # type: ignore[attr-defined]
    top, bottom = page.content_box_y(), page.content_box_y()
    for child in page.children:
        if isinstance(child, boxes.MarginBox):
            continue
        for box in child.descendants():
            inked = isinstance(box, boxes.TextBox | boxes.ReplacedBox) or (
                box.style["border_bottom_width"] and box.style["border_bottom_style"] != "none"
            )
            if inked:
                bottom = max(bottom, box.position_y + box.margin_height())
    return (bottom - top) / page.height if page.height else 1.0


def write_pdf(html: str, document: str, base_dir: Path, allowed_roots: Iterable[Path]) -> bytes:
    """Render one HTML document to PDF bytes; refuse anything WeasyPrint warns about.

    Fonts are embedded whole when the text stays inside the shipped fonts (identical bytes in
    every part, so the joined guide holds one copy); otherwise they are subset, so that a
    fallback font for another script adds only the glyphs it draws."""
    import weasyprint

    options = {**WRITE_OPTIONS, "full_fonts": _fits_shipped_fonts(html)}
    refused: list[str] = []
    handler, warnings = _weasyprint_warnings()
    weasy_log = logging.getLogger("weasyprint")
    weasy_log.addHandler(handler)
    allowed_roots = tuple(allowed_roots)
    try:
        stylesheets, font_config = _print_style(base_dir, allowed_roots)
        if warnings:  # the stylesheet itself is faulty: do not keep it
            _STYLES.clear()

        def render(source: str):  # -> weasyprint.Document
            return weasyprint.HTML(
                string=source,
                base_url=base_dir.resolve().as_uri() + "/",
                url_fetcher=make_url_fetcher(allowed_roots, refused),
            ).render(stylesheets=stylesheets, font_config=font_config, **options)

        rendered = render(html)
        if (
            len(rendered.pages) > 1
            and _last_page_fill(rendered) < NEARLY_EMPTY
            and FIT_BODY in html
        ):
            # A few lines alone on the last page: set the document a little tighter, and
            # keep that if it saves the page.
            tighter = render(html.replace(FIT_BODY, FIT_BODY + "fit ", 1))
            if len(tighter.pages) < len(rendered.pages):
                rendered = tighter
        pdf = rendered.write_pdf(**options)
    finally:
        weasy_log.removeHandler(handler)
    problems = [f"refused to load {r}" for r in refused]
    missing = "".join(dict.fromkeys(m.group(1) for w in warnings if (m := _NO_GLYPH.search(w))))
    if missing:
        problems.append(
            f"no installed font has these characters: {' '.join(missing)} (install a font "
            "that does, such as Debian's fonts-noto-cjk for Chinese, Japanese and Korean, or "
            "remove them)"
        )
    problems += [
        w
        for w in warnings
        if not _NO_GLYPH.search(w) and not any(r.split(" (")[0] in w for r in refused)
    ]
    if problems:
        raise PdfError(document, problems)
    return _complete_checkboxes(pdf) if 'type="checkbox"' in html else pdf


_RADIO_OR_PUSHBUTTON = (1 << 15) | (1 << 16)


def _complete_checkboxes(pdf: bytes) -> bytes:
    """Give each checkbox what every viewer and form filler needs.

    WeasyPrint names the ticked state "on" and draws only that state; its form asks viewers to
    redraw fields (/NeedAppearances, for the text fields), and a viewer that redraws a box
    (poppler: Evince, Okular) draws the caption in /MK with the font in /DA, which it lacks:
    a ticked box showed empty. The ticked state becomes "Yes" (what Acrobat and pypdf use),
    an empty "Off" appearance is added, and the caption is ZapfDingbats' check mark."""
    import io

    import pikepdf
    from pikepdf import Dictionary, Name, String

    with pikepdf.open(io.BytesIO(pdf)) as document:
        form = document.Root.get("/AcroForm")
        boxes = [
            field
            for field in (form.get("/Fields", ()) if form is not None else ())
            if field.get("/FT") == Name.Btn
            and "/AP" in field
            and not int(field.get("/Ff", 0)) & _RADIO_OR_PUSHBUTTON
        ]
        if not boxes:
            return pdf
        for box in boxes:
            normal = box.AP.N
            ticked = [key for key in normal if key != "/Off"]
            if len(ticked) != 1:
                continue
            drawing = normal[ticked[0]]
            empty = document.make_stream(
                b"", Type=Name.XObject, Subtype=Name.Form, BBox=drawing.BBox, Resources=Dictionary()
            )
            box.AP = Dictionary(N=Dictionary(Yes=drawing, Off=empty))
            state = Name.Yes if box.get("/AS") == Name(ticked[0]) else Name.Off
            box.AS = state
            box.V = state
            characteristics = box.get("/MK", Dictionary())
            characteristics.CA = String("4")  # a check mark in ZapfDingbats
            box.MK = characteristics
            colour = " ".join(f"{float(c):g}" for c in characteristics.get("/BC", (0, 0, 0)))
            box.DA = String(f"/ZaDb 0 Tf {colour} rg")
        # The form's resources are the pages' own dictionary in WeasyPrint's output: the
        # form gets a copy with the font added, so that no page lists a font it never draws
        # with (and none that is not embedded).
        resources = Dictionary(dict(form.get("/DR", Dictionary()).items()))
        fonts = Dictionary(dict(resources.get("/Font", Dictionary()).items()))
        fonts.ZaDb = document.make_indirect(
            Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.ZapfDingbats)
        )
        resources.Font = fonts
        form.DR = resources
        out = io.BytesIO()
        document.save(out, **pdf_join.SAVE_OPTIONS)
        return out.getvalue()


def _scenario_list(site: Site) -> Markup:
    rows = []
    for category in site.categories:
        rows.append(
            Markup('<tr class="category"><th colspan="2">{}</th></tr>').format(category.title)
        )
        for s in category.scenarios:
            rows.append(
                Markup('<tr><td>{}</td><td><a href="#sc-{}">{}</a></td></tr>').format(
                    s.summary, s.id, s.title
                )
            )
    return Markup(
        '<table class="scenario-list"><thead><tr><th>Your situation</th><th>Scenario</th></tr>'
        "</thead><tbody>{}</tbody></table>"
    ).format(Markup("").join(rows))


def _worksheet_fields(scenario: ScenarioView) -> list[tuple[str, str]]:
    """(field name suffix, label) of the date fields a scenario's worksheet asks for."""
    anchors = ["interview", "decision_date"]
    anchors += [a for a in scenario.anchors if a not in anchors]
    return [(f"date-{a}", ANCHOR_INPUT_LABELS[a]) for a in anchors]


def _context(site: Site, options: PdfOptions) -> dict:
    return {
        "site": site,
        "options": options,
        "page_size": PAPER_SIZES[options.paper],
        "worksheet_fields": _worksheet_fields,
    }


def _link_across_parts(html: str) -> str:
    """Links to anchors that are not in this part become `followup-pdf:<anchor>`; the join
    turns them into links inside the guide."""
    ids = set(re.findall(r'\bid="([^"]+)"', html))

    def retarget(match: re.Match) -> str:
        anchor = match.group(1)
        if not anchor or anchor in ids:
            return match.group(0)
        return f'href="{pdf_join.CROSS_LINK_SCHEME}{anchor}"'

    return re.sub(r'href="#([^"]*)"', retarget, html)


def chapter_html(
    site: Site, chapter: Chapter, scenario_list: Markup, options: PdfOptions, env: Environment
) -> str:
    html = env.get_template("pdf/chapter.html.j2").render(
        chapter=chapter, scenario_list=scenario_list, **_context(site, options)
    )
    return _link_across_parts(html)


def scenario_html(site: Site, scenario: ScenarioView, options: PdfOptions, env: Environment) -> str:
    return env.get_template("pdf/scenario.html.j2").render(s=scenario, **_context(site, options))


@dataclass(frozen=True)
class ContentsEntry:
    kind: Literal["chapter", "category", "scenario", "template"]
    title: str
    anchor: str = ""
    page: str = ""
    children: tuple[ContentsEntry, ...] = ()


REFERENCES_CHUNK = 150
"""Sources per part of the reference list (a long list renders in parallel)."""

CONTENTS_CHUNK = 30
"""Scenarios per part of the contents: long contents render in parallel."""


def front_html(
    site: Site, contents: Sequence[ContentsEntry], options: PdfOptions, env: Environment
) -> list[str]:
    """The cover and the contents, as documents of at most CONTENTS_CHUNK scenarios each."""
    chunks: list[list[ContentsEntry]] = [[]]
    count = 0
    category: ContentsEntry | None = None
    for entry in contents:
        if entry.kind in ("category", "scenario") and count >= CONTENTS_CHUNK:
            chunks.append([])
            count = 0
            if entry.kind == "scenario" and category is not None:
                chunks[-1].append(
                    dataclasses.replace(category, title=f"{category.title} (continued)")
                )
        if entry.kind == "category":
            category = entry
        count += entry.kind == "scenario"
        chunks[-1].append(entry)
    template = env.get_template("pdf/front.html.j2")
    return [
        _link_across_parts(
            template.render(contents=chunk, first=number == 0, **_context(site, options))
        )
        for number, chunk in enumerate(chunks)
    ]


@dataclass(frozen=True)
class PdfJob:
    """One PDF to render: its name, its name in messages, a description of everything its HTML
    is made from (the cache key), how to make that HTML, and, for a part also published as a
    document of its own, the footer of its own page numbers (`standalone`)."""

    name: str
    document: str
    inputs: str
    make_html: Callable[[], str]
    standalone: pdf_join.PageFooter | None = None
    label: str = ""
    """How the job is named in the build log (default: `name`)."""


@dataclass(frozen=True)
class Rendered:
    """Where a rendered job's files are (in the cache folder, or a scratch folder)."""

    part: Path
    own: Path | None = None
    """The part as a document of its own, for jobs that are published alone."""


def _inputs_digest(folders: Sequence[Path]) -> str:
    """A hash of everything a PDF can load besides its HTML, and of how it is rendered."""
    from importlib.metadata import version

    # Versions from the package metadata: importing WeasyPrint costs 0.4 s, which a build
    # that finds every PDF in the cache should not pay. Our own code shapes the HTML too
    # (filters, escaping), so a change to it is a change.
    return pdf_cache.inputs_digest(
        (*folders, Path(__file__).parent),
        f"weasyprint {version('weasyprint')} pikepdf {version('pikepdf')} "
        f"{sorted(WRITE_OPTIONS.items())}",
    )


def _render(
    html: str,
    document: str,
    base_dir: Path,
    allowed: tuple[Path, ...],
    standalone: pdf_join.PageFooter | None,
) -> tuple[bytes, bytes | None]:
    part = write_pdf(html, document, base_dir, allowed)
    return part, pdf_join.standalone(part, standalone) if standalone else None


def _report_progress(futures: Sequence[concurrent.futures.Future]) -> None:
    """Step lines while many PDFs render, on a terminal only (CI logs stay quiet)."""
    if len(futures) < 10 or os.environ.get("CI") or not sys.stderr.isatty():
        return
    step = max(1, len(futures) // 10)
    for done, _ in enumerate(concurrent.futures.as_completed(futures), start=1):
        if done % step == 0 or done == len(futures):
            log.info("PDFs: %d of %d rendered", done, len(futures))


def _quiet_worker() -> None:
    """In each pool worker: leave Ctrl-C to the build (which stops the workers itself, without
    a traceback from each), and end with the build if it is killed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)  # Linux only; elsewhere, no-op
    except (OSError, AttributeError):
        pass
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # the build died before prctl
        os._exit(1)


_PR_SET_PDEATHSIG = 1


class _Renderer:
    """Renders jobs on every core (one pool for the whole build), reusing cached PDFs."""

    def __init__(self, base_dir: Path, allowed: tuple[Path, ...], cache: PartCache) -> None:
        self.base_dir, self.allowed, self.cache = base_dir, allowed, cache
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None
        self.rendered = self.reused = 0
        self.names: list[str] = []

    def __enter__(self) -> _Renderer:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if self.pool is None:
            return
        if kind is None:
            self.pool.shutdown(cancel_futures=True)
            return
        # Failed or interrupted: stop the workers now rather than wait for their renders.
        workers = list((getattr(self.pool, "_processes", None) or {}).values())
        self.pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(5)

    def _finish(self, key: str, result: tuple[bytes, bytes | None]) -> Rendered:
        part, own = result
        return Rendered(
            self.cache.put(key, part), self.cache.put(key, own, ".own") if own else None
        )

    def _settle(
        self, key: str, future: concurrent.futures.Future, done: concurrent.futures.Future
    ) -> None:
        """Resolve `future` from a worker's result; whatever happens, it is resolved (an
        exception escaping a done-callback would be dropped and leave the build waiting)."""
        try:
            if done.cancelled():
                future.cancel()
            elif done.exception() is not None:
                future.set_exception(done.exception())
            else:
                future.set_result(self._finish(key, done.result()))
        except BaseException as exc:
            if not future.done():
                future.set_exception(exc)

    def submit(self, jobs: Sequence[PdfJob]) -> list[concurrent.futures.Future]:
        """A future per job, in job order (already resolved for cached jobs)."""
        futures: list[concurrent.futures.Future] = []
        todo = []
        for job in jobs:
            key = self.cache.key(job.inputs)
            part = self.cache.get(key)
            own = self.cache.get(key, ".own") if job.standalone else None
            future: concurrent.futures.Future = concurrent.futures.Future()
            if part is not None and (own is not None or not job.standalone):
                future.set_result(Rendered(part, own))
                self.reused += 1
            else:
                todo.append((job, key, future))
            futures.append(future)
        self.rendered += len(todo)
        self.names += [job.label or job.name for job, _, _ in todo]
        if len(todo) > 1 and self.pool is None and (os.cpu_count() or 1) > 1:
            self.pool = concurrent.futures.ProcessPoolExecutor(
                os.cpu_count(),
                mp_context=multiprocessing.get_context("fork"),
                initializer=_quiet_worker,
            )
        for job, key, future in todo:
            args = (job.make_html(), job.document, self.base_dir, self.allowed, job.standalone)
            if self.pool is None:
                try:
                    future.set_result(self._finish(key, _render(*args)))
                except (PdfError, OSError) as exc:
                    future.set_exception(exc)
                continue
            work = self.pool.submit(_render, *args)
            work.add_done_callback(
                lambda done, key=key, future=future: self._settle(key, future, done)
            )
        return futures

    def run(self, jobs: Sequence[PdfJob]) -> dict[str, Rendered]:
        """Render and wait; raises the PdfError of the first failing job, in job order."""
        futures = self.submit(jobs)
        _report_progress(futures)
        concurrent.futures.wait(futures)
        for future in futures:
            if future.exception() is not None:
                raise future.exception()
        return {job.name: future.result() for job, future in zip(jobs, futures, strict=True)}

    def summary(self) -> str:
        names = list(dict.fromkeys(self.names))
        listed = f" ({', '.join(names)})" if 0 < len(names) <= 10 else ""
        return f"PDFs: rendered {self.rendered}{listed}, reused {self.reused} from the cache"


def _abandon(joiner: pdf_join.Joiner) -> None:
    """Stop a join and remove its partial file, even when the disk is full (closing the file
    then fails while flushing what is left)."""
    try:
        joiner.abort()
    except OSError:
        with contextlib.suppress(OSError):
            joiner.partial.unlink(missing_ok=True)


@contextlib.contextmanager
def _disk_errors() -> Iterator[None]:
    """A file that cannot be written (a full disk under the scratch folder too) stops the
    PDFs with a message, not a traceback."""
    try:
        yield
    except OSError as exc:
        log.debug("Could not write the PDFs", exc_info=True)
        reason = exc.strerror or str(exc)
        where = f" ({exc.filename})" if exc.filename else ""
        raise PdfError(GUIDE_PDF, [f"could not write the PDFs: {reason}{where}"]) from None


def _page_number(part_start: int, info: pdf_join.PartInfo, anchor: str) -> str:
    return str(part_start + info.anchors.get(anchor, 0))


def guide_structure(
    chapters: Sequence[Chapter],
    ordered: Sequence[ScenarioView],
    site: Site,
    infos: dict[str, pdf_join.PartInfo],
    back: Sequence[Chapter] = (),
) -> tuple[list[ContentsEntry], list[pdf_join.OutlineEntry]]:
    """The contents (with page numbers) and the outline of the joined guide.

    Pages after the cover and contents count from 1, in the order of `chapters`, then
    `ordered` (the scenarios), then `back` (the reference list)."""
    starts: dict[str, int] = {}
    page = 1
    names = [c.id for c in chapters] + [f"sc-{s.id}" for s in ordered] + [c.id for c in back]
    for name in names:
        starts[name] = page
        page += infos[name].pages
    contents: list[ContentsEntry] = []
    outline: list[pdf_join.OutlineEntry] = [pdf_join.OutlineEntry("Contents", "toc")]
    for chapter in chapters:
        info = infos[chapter.id]
        contents.append(
            ContentsEntry(
                "chapter",
                chapter.title,
                chapter.id,
                _page_number(starts[chapter.id], info, chapter.id),
            )
        )
        if chapter.kind != "scenarios":
            outline.append(
                pdf_join.OutlineEntry(
                    str(chapter.title),
                    chapter.id,
                    tuple(pdf_join.OutlineEntry(str(t), a) for a, t in chapter.headings),
                )
            )
            continue
        scenario_outline = []
        for category in site.categories:
            contents.append(ContentsEntry("category", category.title))
            for s in category.scenarios:
                anchor = f"sc-{s.id}"
                info, start = infos[anchor], starts[anchor]
                parts = [(t.title, f"{anchor}--{t.anchor}") for t in s.templates]
                parts.append(("Worksheet", f"{anchor}--worksheet"))
                contents.append(
                    ContentsEntry(
                        "scenario",
                        s.title,
                        anchor,
                        _page_number(start, info, anchor),
                        tuple(
                            ContentsEntry("template", title, a, _page_number(start, info, a))
                            for title, a in parts
                        ),
                    )
                )
                scenario_outline.append(
                    pdf_join.OutlineEntry(
                        s.title,
                        anchor,
                        tuple(pdf_join.OutlineEntry(title, a) for title, a in parts),
                    )
                )
        outline.append(
            pdf_join.OutlineEntry(str(chapter.title), chapter.id, tuple(scenario_outline))
        )
    for chapter in back:
        number = _page_number(starts[chapter.id], infos[chapter.id], chapter.id)
        contents.append(ContentsEntry("chapter", chapter.title, chapter.id, number))
        outline.append(pdf_join.OutlineEntry(str(chapter.title), chapter.id))
    return contents, outline


@dataclass(frozen=True)
class Reference:
    """A source, once, with the scenarios that cite it."""

    source: SourceView
    cited_by: tuple[ScenarioView, ...]


def references(ordered: Sequence[ScenarioView]) -> list[Reference]:
    """Every scenario's sources, one entry per address, by publisher then title."""
    found: dict[str, tuple[SourceView, list[ScenarioView]]] = {}
    for scenario in ordered:
        for source in scenario.sources:
            entry = found.setdefault(source.url, (source, []))
            if scenario not in entry[1]:
                entry[1].append(scenario)
    refs = [Reference(source, tuple(cited)) for source, cited in found.values()]
    return sorted(
        refs,
        key=lambda r: (r.source.publisher.casefold(), r.source.title.casefold(), r.source.url),
    )


def render_all(
    site: Site,
    entries: Sequence[GuideEntry],
    options: PdfOptions,
    templates_dir: Path,
    asset_dirs: Sequence[Path],
    extensions: Sequence[str | Extension] = (),
    extension_configs: dict[str, dict] | None = None,
    chooser_path: Sequence[chooser.Step] = (),
) -> dict[str, Path]:
    """The files of the guide and of every scenario's PDF, keyed by their path in the site.

    Each chapter and each scenario is rendered on its own (in parallel, cached by its inputs);
    a scenario's part is also its own PDF. The cover and contents are rendered last, when
    every page number is known, and the parts are joined into the guide."""
    pdf_dir = templates_dir / "pdf"
    allowed = (pdf_dir, *asset_dirs)
    cache = PartCache(_inputs_digest(allowed))
    env = make_env(templates_dir, "html")
    footer = page_footer(options, pdf_dir)
    log.debug("Step 4b - Rendering the PDFs")

    if not any(entry.kind == "scenarios" for entry in entries):
        entries = [*entries, GuideEntry("scenarios", "Scenarios")]
    scenario_list = _scenario_list(site)
    chapters = convert_chapters(
        site, entries, extensions, extension_configs or {}, scenario_list, chooser_path
    )
    ordered = [s for category in site.categories for s in category.scenarios]
    # Chapter HTML is cheap to make and is its own cache key; a scenario's HTML is made only
    # when it is not in the cache, keyed by its view (a frozen dataclass: its repr describes
    # every input). A scenario's PDF does not show its related scenarios: renaming one of
    # those must not re-render it. (Put `related` back if the print template uses it.)
    chapter_jobs = []
    for chapter in chapters:
        html = chapter_html(site, chapter, scenario_list, options, env)
        chapter_jobs.append(
            PdfJob(
                chapter.id,
                f"{GUIDE_PDF} ({chapter.title})",
                html,
                lambda h=html: h,
                label=f"guide:{chapter.id}",
            )
        )
    scenario_jobs = [
        PdfJob(
            f"sc-{s.id}",
            f"{scenario_pdf_path(s.id)} (from {s.source_file})",
            repr((dataclasses.replace(s, related=()), options)),
            lambda s=s: scenario_html(site, s, options, env),
            standalone=footer,
            label=scenario_pdf_path(s.id),
        )
        for s in ordered
    ]
    # The reference list, in parts of REFERENCES_CHUNK entries that render in parallel.
    back: list[Chapter] = []
    back_jobs: list[PdfJob] = []
    refs = references(ordered)
    chapter = Chapter("ch-references", "References", Markup(""), "references")
    template = env.get_template("pdf/references.html.j2")
    for start in range(0, len(refs), REFERENCES_CHUNK):
        html = _link_across_parts(
            template.render(
                chapter=chapter,
                references=refs[start : start + REFERENCES_CHUNK],
                start=start + 1,
                **_context(site, options),
            )
        )
        name = chapter.id if start == 0 else f"{chapter.id}-{start}"
        back_jobs.append(
            PdfJob(name, f"{GUIDE_PDF} (References)", html, lambda h=html: h,
                   label="guide:ch-references")
        )  # fmt: skip
    if back_jobs:
        back.append(chapter)
    part_jobs = [*chapter_jobs, *scenario_jobs, *back_jobs]
    guide_key = cache.key(
        "guide",
        repr(options),
        *(cache.key(job.inputs) for job in part_jobs),
        repr([(c.id, c.title, c.headings) for c in chapters]),
        repr([(c.title, [(s.id, s.title) for s in c.scenarios]) for c in site.categories]),
    )
    guide = cache.get(guide_key)
    with _disk_errors(), _Renderer(pdf_dir, allowed, cache) as renderer:
        # The long documents (chapters, references) start first; the parts are joined in
        # reading order.
        early = [*chapter_jobs, *back_jobs]
        by_name = dict(
            zip(
                [job.name for job in [*early, *scenario_jobs]],
                renderer.submit([*early, *scenario_jobs]),
                strict=True,
            )
        )
        futures = [by_name[job.name] for job in part_jobs]
        _report_progress(futures)
        # Join the parts in order while later ones render; on a problem, stop and report the
        # first one (scenarios first: their messages name the scenario file).
        joiner: pdf_join.Joiner | None = None
        if guide is None:
            try:
                joiner = pdf_join.Joiner(cache.path(guide_key), footer)
            except OSError as exc:  # the cache's disk is full: joined below, without it
                cache.disable(exc)
        infos: dict[str, pdf_join.PartInfo] = {}
        join_error: pdf_join.JoinError | None = None
        try:
            for job, future in zip(part_jobs, futures, strict=True):
                if joiner is None:
                    break
                try:
                    part = future.result().part
                except (PdfError, OSError):
                    break  # reported below, in order
                try:
                    infos[job.name] = joiner.append(part, job.document)
                except pdf_join.JoinError as exc:
                    join_error = exc  # reported below, after the parts' own problems
                    break
                except OSError as exc:  # the cache's disk is full: join again without it
                    _abandon(joiner)
                    joiner = None
                    cache.disable(exc)
            concurrent.futures.wait(futures)
            first_scenario = len(chapter_jobs)
            after = first_scenario + len(scenario_jobs)
            scenario_futures = futures[first_scenario:after]
            for future in [*scenario_futures, *futures[:first_scenario], *futures[after:]]:
                if future.exception() is not None:
                    raise future.exception()
            if join_error is not None:
                raise PdfError(GUIDE_PDF, [str(join_error)]) from None
            outputs = {
                scenario_pdf_path(s.id): future.result().own
                for s, future in zip(ordered, scenario_futures, strict=True)
            }
            while guide is None:
                try:
                    if joiner is None:
                        joiner = pdf_join.Joiner(cache.path(guide_key), footer)
                        infos = {}
                    for job, future in zip(part_jobs, futures, strict=True):
                        if job.name not in infos:
                            infos[job.name] = joiner.append(future.result().part, job.document)
                    contents, outline = guide_structure(chapters, ordered, site, infos, back)
                    front_jobs = [
                        PdfJob(
                            f"front-{n}",
                            f"{GUIDE_PDF} (cover and contents)",
                            html,
                            lambda h=html: h,
                            label="guide:contents",
                        )
                        for n, html in enumerate(front_html(site, contents, options, env))
                    ]
                    front = renderer.run(front_jobs)
                    joiner.add_front([front[job.name].part for job in front_jobs])
                    guide = cache.adopt(joiner.finish(outline), guide_key)
                except pdf_join.JoinError as exc:
                    raise PdfError(GUIDE_PDF, [str(exc)]) from None
                except OSError as exc:
                    if joiner is not None:
                        _abandon(joiner)
                        joiner = None
                    if cache.folder is None or isinstance(exc, pdf_cache.CacheWriteError):
                        raise
                    cache.disable(exc)  # then join once more, in the scratch folder
        except BaseException:
            if joiner is not None:
                _abandon(joiner)
            raise
        log.info(renderer.summary())
    cache.evict()
    outputs[GUIDE_PDF] = guide
    return outputs
