"""Step 4b: render the printable guide and one PDF per scenario with WeasyPrint.

The PDFs come from the same view models as the site, through their own print templates and
stylesheet in templates/pdf/; the site's HTML is never converted.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import hashlib
import logging
import mimetypes
import multiprocessing
import os
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from .expand import ScenarioView, Site
from .render_site import DOWNLOADS_MARKER, GUIDE_PDF, SCENARIO_LIST_MARKER, scenario_pdf_path
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


def write_pdf(html: str, document: str, base_dir: Path, allowed_roots: Iterable[Path]) -> bytes:
    """Render one HTML document to PDF bytes; refuse anything WeasyPrint warns about."""
    import weasyprint

    refused: list[str] = []
    handler, warnings = _weasyprint_warnings()
    weasy_log = logging.getLogger("weasyprint")
    weasy_log.addHandler(handler)
    try:
        rendered = weasyprint.HTML(
            string=html,
            base_url=base_dir.resolve().as_uri() + "/",
            url_fetcher=make_url_fetcher(allowed_roots, refused),
        ).render(**WRITE_OPTIONS)
        pdf = rendered.write_pdf(**WRITE_OPTIONS)
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
    return pdf


def _scenario_list(site: Site) -> Markup:
    rows = []
    for category in site.categories:
        rows.append(
            Markup('<tr class="category"><th colspan="2">{}</th></tr>').format(category.title)
        )
        for s in category.scenarios:
            rows.append(
                Markup(
                    '<tr><td>{}</td><td><a href="#sc-{}">{}</a> '
                    '<span class="page-ref" data-target="#sc-{}"></span></td></tr>'
                ).format(s.summary, s.id, s.title, s.id)
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


def guide_html(
    site: Site, chapters: Sequence[Chapter], options: PdfOptions, templates_dir: Path
) -> str:
    env = make_env(templates_dir, "html")
    return env.get_template("pdf/guide.html.j2").render(
        chapters=chapters, scenario_list=_scenario_list(site), **_context(site, options)
    )


def scenario_html(
    site: Site, scenario: ScenarioView, options: PdfOptions, templates_dir: Path
) -> str:
    env = make_env(templates_dir, "html")
    return env.get_template("pdf/scenario.html.j2").render(s=scenario, **_context(site, options))


@dataclass(frozen=True)
class PdfJob:
    """One PDF to make: where it goes in the site, its name in messages, a description of
    everything its HTML is made from (the cache key), and how to make that HTML."""

    path: str
    document: str
    inputs: str
    make_html: Callable[[], str]


def cache_dir() -> Path | None:
    """Where rendered PDFs are kept by the hash of everything that went into them.

    FOLLOWUP_CACHE_DIR sets it ("off" turns caching off); the default is the user's cache
    folder, so throwaway copies of a project share it too."""
    setting = os.environ.get("FOLLOWUP_CACHE_DIR")
    if setting is not None:
        return None if setting.strip().lower() in ("", "off", "0", "none") else Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "followup-kit" / "pdf"


def _inputs_digest(folders: Sequence[Path]) -> str:
    """A hash of everything a PDF can load besides its HTML, and of how it is rendered."""
    from importlib.metadata import version

    # The version from the package metadata: importing WeasyPrint costs 0.4 s, which a build
    # that finds every PDF in the cache should not pay.
    digest = hashlib.sha256()
    digest.update(f"weasyprint {version('weasyprint')} {sorted(WRITE_OPTIONS.items())}".encode())
    # Our own code shapes the HTML too (filters, escaping), so a change to it is a change.
    for folder in (*folders, Path(__file__).parent):
        for file in sorted(Path(folder).rglob("*")):
            if "__pycache__" in file.parts:
                continue
            if file.is_file():
                digest.update(file.relative_to(folder).as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def _render(html: str, document: str, base_dir: Path, allowed: tuple[Path, ...]) -> bytes:
    return write_pdf(html, document, base_dir, allowed)


def _report_progress(futures: Sequence[concurrent.futures.Future]) -> None:
    """Step lines while many PDFs render, on a terminal only (CI logs stay quiet)."""
    if len(futures) < 10 or os.environ.get("CI") or not sys.stderr.isatty():
        return
    step = max(1, len(futures) // 10)
    for done, _ in enumerate(concurrent.futures.as_completed(futures), start=1):
        if done % step == 0 or done == len(futures):
            log.info("PDFs: %d of %d rendered", done, len(futures))


def render_jobs(
    jobs: Sequence[PdfJob], base_dir: Path, allowed: tuple[Path, ...]
) -> dict[str, bytes]:
    """Render PDFs in parallel across the machine's cores, reusing cached ones.

    Raises the PdfError of the first failing job, in job order."""
    folder = cache_dir()
    base = _inputs_digest(allowed)
    keys = {
        job.path: hashlib.sha256((base + job.inputs).encode("utf-8")).hexdigest() for job in jobs
    }
    outputs: dict[str, bytes] = {}
    todo = []
    for job in jobs:
        cached = folder / f"{keys[job.path]}.pdf" if folder else None
        if cached is not None and cached.is_file():
            outputs[job.path] = cached.read_bytes()
        else:
            todo.append(job)
    workers = min(len(todo), os.cpu_count() or 1)
    if workers > 1:
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [
                pool.submit(_render, job.make_html(), job.document, base_dir, allowed)
                for job in todo
            ]
            _report_progress(futures)
            results = [future.exception() or future.result() for future in futures]
    else:
        results = []
        for job in todo:
            try:
                results.append(_render(job.make_html(), job.document, base_dir, allowed))
            except PdfError as exc:
                results.append(exc)
    for job, result in zip(todo, results, strict=True):
        if isinstance(result, BaseException):
            raise result
        outputs[job.path] = result
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            partial = folder / f".{keys[job.path]}.{os.getpid()}.tmp"
            partial.write_bytes(result)
            os.replace(partial, folder / f"{keys[job.path]}.pdf")
    log.info(
        "PDFs: rendered %d%s, reused %d from the cache",
        len(todo),
        f" ({', '.join(job.path for job in todo)})" if 0 < len(todo) <= 5 else "",
        len(jobs) - len(todo),
    )
    return {job.path: outputs[job.path] for job in jobs}


def render_all(
    site: Site,
    entries: Sequence[GuideEntry],
    options: PdfOptions,
    templates_dir: Path,
    asset_dirs: Sequence[Path],
    extensions: Sequence[str | Extension] = (),
    extension_configs: dict[str, dict] | None = None,
) -> dict[str, bytes]:
    """The guide and every scenario's PDF, keyed by their path in the site."""
    pdf_dir = templates_dir / "pdf"
    allowed = (pdf_dir, *asset_dirs)

    def make_guide() -> str:
        chapters = convert_chapters(
            site, entries, extensions, extension_configs or {}, _scenario_list(site)
        )
        return guide_html(site, chapters, options, templates_dir)

    def make_scenario(scenario: ScenarioView) -> Callable[[], str]:
        return lambda: scenario_html(site, scenario, options, templates_dir)

    log.debug("Step 4b - Rendering the PDFs")
    # The views are frozen dataclasses, so their repr describes every input of the HTML; the
    # HTML is only made for documents that are not in the cache.
    # The guide is the longest job, so it starts first; a problem in a scenario's own PDF is
    # reported first, because it names the scenario's file.
    guide = PdfJob(
        GUIDE_PDF,
        GUIDE_PDF,
        repr((site, entries, list(extensions), extension_configs, options)),
        make_guide,
    )
    scenarios = [
        PdfJob(
            scenario_pdf_path(s.id),
            f"{scenario_pdf_path(s.id)} (from {s.source_file})",
            # A scenario's own PDF does not show its related scenarios: renaming one of those
            # must not re-render it. (Put `related` back here if the print template uses it.)
            repr((dataclasses.replace(s, related=()), options)),
            make_scenario(s),
        )
        for s in site.scenarios
    ]
    try:
        return render_jobs([guide, *scenarios], pdf_dir, allowed)
    except PdfError as exc:
        if exc.document == GUIDE_PDF:
            # Render the scenario PDFs alone: if one of them fails too, its error names the file.
            render_jobs(scenarios, pdf_dir, allowed)
        raise
