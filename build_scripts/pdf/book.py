"""The guide as a book: its parts in order, contents, outline, page numbers, labels and footers.

What the reader sees of the book's structure is decided here, and worded here: the contents
and the outline (from the page numbers of the rendered parts), the footer's text ("Page 3 of
40", the contents in roman numerals, the cover's label), and the HTML of each part (a
chapter, a scenario, a slice of the reference list, the cover and contents) from the print
templates. The jobs that render the parts are made here too, with the cache key of the
whole guide.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from jinja2 import Environment
from markupsafe import Markup

from .. import i18n
from ..expand import ScenarioView, Site
from ..i18n import N_, _
from ..links import GUIDE_PDF, scenario_anchor, template_anchor, worksheet_anchor
from ..links import scenario_pdf as scenario_pdf_path
from ..schema import ANCHOR_INPUT_LABELS
from . import stamp
from .cache import PartCache
from .chapters import Chapter
from .jobs import PdfJob
from .join import CROSS_LINK_SCHEME, OutlineEntry, PageLabel, PartInfo
from .options import PAPER_SIZES, PdfError, PdfOptions


@dataclass(frozen=True)
class PageFooter:
    """What the foot of each page says, and the cover's label.

    `text` numbers the body pages and `front_text` the contents (in roman numerals); both are
    format strings with the fields `{page}` and `{total}`, so a translation can pass
    "Página {page} de {total}". Any character can be used: stamp.py draws characters the
    footer's font lacks with a system font that has them."""

    text: str = N_("Page {page} of {total}")
    front_text: str = N_("Page {page}")
    cover_label: str = N_("Cover")
    """The cover's page label, shown by PDF viewers in place of a page number."""

    def __post_init__(self) -> None:
        for wording in (self.text, self.front_text):
            try:
                wording.format(page=1, total=1)
            except (KeyError, IndexError, ValueError) as exc:
                raise ValueError(
                    f"page footer {wording!r}: {exc!s} is not a field it can use; write "
                    "{page} for the page number and {total} for the page count, as in "
                    "'Page {page} of {total}'"
                ) from None

    def body_label(self, page: int, total: int) -> str:
        return self.text.format(page=page, total=total)

    def front_label(self, page: int) -> str:
        return self.front_text.format(page=roman(page), total="")

    def page_labels(self, front_pages: int) -> dict[int, PageLabel]:
        """The cover, the contents in roman numerals from ii, then 1, 2, 3 ..."""
        labels = {0: PageLabel("D", 1)}
        if front_pages:
            labels[0] = PageLabel(prefix=self.cover_label)
            if front_pages > 1:
                labels[1] = PageLabel("r", 2)
            labels[front_pages] = PageLabel("D", 1)
        return labels


def roman(number: int) -> str:
    """`number` in lower-case roman numerals, as a book numbers its front matter: 4 -> "iv"."""
    numerals = (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    )  # fmt: skip
    out = ""
    for value, letters in numerals:
        while number >= value:
            out += letters
            number -= value
    return out


def page_footer(options: PdfOptions, pdf_dir: Path) -> tuple[PageFooter, Path]:
    """The page numbers' wording in the active edition's language (settings give it in
    English), and their font file (from `pdf_dir`/fonts/)."""
    try:
        wording = PageFooter(
            _(options.page_footer), _(options.contents_footer), _(options.cover_label)
        )
        font = stamp.footer_font(pdf_dir / "fonts", options.footer_style)
    except ValueError as exc:
        raise PdfError("the PDFs' page footer", [str(exc)]) from None
    return wording, font


def scenario_list_html(site: Site) -> Markup:
    """The table of every scenario by category, where a chapter has the scenario list marker."""
    rows = []
    for category in site.categories:
        rows.append(
            Markup('<tr class="category"><th colspan="2">{}</th></tr>').format(category.title)
        )
        for s in category.scenarios:
            rows.append(
                Markup('<tr><td>{}</td><td><a href="#{}">{}</a></td></tr>').format(
                    s.summary, scenario_anchor(s.id), s.title
                )
            )
    return Markup(
        '<table class="scenario-list"><thead><tr><th>{}</th><th>{}</th></tr>'
        "</thead><tbody>{}</tbody></table>"
    ).format(_("Your situation"), _("Scenario"), Markup("").join(rows))


def _worksheet_fields(scenario: ScenarioView) -> list[tuple[str, str]]:
    """(field name suffix, label) of the date fields a scenario's worksheet asks for."""
    anchors = ["interview", "decision_date"]
    anchors += [a for a in scenario.anchors if a not in anchors]
    return [(f"date-{a}", _(ANCHOR_INPUT_LABELS[a])) for a in anchors]


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
        return f'href="{CROSS_LINK_SCHEME}{anchor}"'

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
                    dataclasses.replace(
                        category, title=_("{title} (continued)", title=category.title)
                    )
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


def _page_number(part_start: int, info: PartInfo, anchor: str) -> str:
    return str(part_start + info.anchors.get(anchor, 0))


def guide_structure(
    chapters: Sequence[Chapter],
    ordered: Sequence[ScenarioView],
    site: Site,
    infos: dict[str, PartInfo],
    back: Sequence[Chapter] = (),
) -> tuple[list[ContentsEntry], list[OutlineEntry]]:
    """The contents (with page numbers) and the outline of the joined guide.

    Pages after the cover and contents count from 1, in the order of `chapters`, then
    `ordered` (the scenarios), then `back` (the reference list)."""
    starts: dict[str, int] = {}
    page = 1
    names = [c.id for c in chapters] + [scenario_anchor(s.id) for s in ordered]
    names += [c.id for c in back]
    for name in names:
        starts[name] = page
        page += infos[name].pages
    contents: list[ContentsEntry] = []
    outline: list[OutlineEntry] = [OutlineEntry(_("Contents"), "toc")]
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
                OutlineEntry(
                    str(chapter.title),
                    chapter.id,
                    tuple(OutlineEntry(str(t), a) for a, t in chapter.headings),
                )
            )
            continue
        scenario_outline = []
        for category in site.categories:
            contents.append(ContentsEntry("category", category.title))
            for s in category.scenarios:
                anchor = scenario_anchor(s.id)
                info, start = infos[anchor], starts[anchor]
                parts = [(t.title, template_anchor(s.id, t.id)) for t in s.templates]
                parts.append((_("Worksheet"), worksheet_anchor(s.id)))
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
                    OutlineEntry(
                        s.title,
                        anchor,
                        tuple(OutlineEntry(title, a) for title, a in parts),
                    )
                )
        outline.append(OutlineEntry(str(chapter.title), chapter.id, tuple(scenario_outline)))
    for chapter in back:
        number = _page_number(starts[chapter.id], infos[chapter.id], chapter.id)
        contents.append(ContentsEntry("chapter", chapter.title, chapter.id, number))
        headings = tuple(OutlineEntry(str(t), a) for a, t in chapter.headings)
        outline.append(OutlineEntry(str(chapter.title), chapter.id, headings))
    return contents, outline


@dataclass(frozen=True)
class Parts:
    """The guide's parts as jobs, in reading order: chapters, scenarios, the reference list."""

    chapters: list[PdfJob]
    scenarios: list[PdfJob]
    references: list[PdfJob]
    """The parts after the scenarios: chapters placed after them, then the reference list."""
    lead: list[Chapter]
    """The chapters before the scenarios, the scenarios' opening page last."""
    back: list[Chapter]
    """The chapters after the scenarios: those the navigation places after them (such as the
    questions and answers), then the reference list when there are sources."""

    @property
    def in_order(self) -> list[PdfJob]:
        return [*self.chapters, *self.scenarios, *self.references]

    @property
    def long(self) -> list[PdfJob]:
        """The long documents, which should start rendering first."""
        return [*self.chapters, *self.references]


def _fixed(name: str, document: str, html: str, label: str) -> PdfJob:
    """A job whose HTML is made already (and is its own cache key)."""
    return PdfJob(name, document, html, lambda: html, label=label)


def part_jobs(
    site: Site,
    chapters: Sequence[Chapter],
    scenario_list: Markup,
    options: PdfOptions,
    env: Environment,
    standalone: Callable[[bytes], bytes],
) -> Parts:
    """A job per chapter, per scenario (also published alone, stamped by `standalone`) and per
    REFERENCES_CHUNK sources of the reference list."""
    # Chapter HTML is cheap to make and is its own cache key; a scenario's HTML is made only
    # when it is not in the cache, keyed by its view (a frozen dataclass: its repr describes
    # every input). A scenario's PDF does not show its related scenarios: renaming one of
    # those must not re-render it. (Put `related` back if the print template uses it.)
    chapter_jobs = [
        _fixed(
            chapter.id,
            f"{GUIDE_PDF} ({chapter.title})",
            chapter_html(site, chapter, scenario_list, options, env),
            f"guide:{chapter.id}",
        )
        for chapter in chapters
    ]
    # Chapters the navigation places after the scenarios are printed after them too.
    split = next((i + 1 for i, c in enumerate(chapters) if c.kind == "scenarios"), len(chapters))
    lead, after = list(chapters[:split]), list(chapters[split:])
    after_jobs = chapter_jobs[split:]
    chapter_jobs = chapter_jobs[:split]
    # The print templates' own words come from the edition's catalog: a changed translation
    # renders the scenarios again.
    catalog = i18n.fingerprint()
    scenario_jobs = [
        PdfJob(
            scenario_anchor(s.id),
            f"{scenario_pdf_path(s.id)} (from {s.source_file})",
            repr((dataclasses.replace(s, related=()), options, catalog)),
            functools.partial(scenario_html, site, s, options, env),
            standalone=standalone,
            label=scenario_pdf_path(s.id),
        )
        for s in reading_order(site)
    ]
    # The reference list, in parts of REFERENCES_CHUNK entries that render in parallel.
    refs = list(site.references)
    chapter = Chapter("ch-references", _("References"), Markup(""), "references")
    template = env.get_template("pdf/references.html.j2")
    back_jobs = []
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
        back_jobs.append(_fixed(name, f"{GUIDE_PDF} (References)", html, "guide:ch-references"))
    references = [chapter] if back_jobs else []
    return Parts(chapter_jobs, scenario_jobs, [*after_jobs, *back_jobs], lead, after + references)


def front_jobs(
    site: Site, contents: Sequence[ContentsEntry], options: PdfOptions, env: Environment
) -> list[PdfJob]:
    """The cover and the contents, once every page number is known."""
    return [
        _fixed(f"front-{n}", f"{GUIDE_PDF} (cover and contents)", html, "guide:contents")
        for n, html in enumerate(front_html(site, contents, options, env))
    ]


def guide_key(
    cache: PartCache, options: PdfOptions, parts: Parts, chapters: Sequence[Chapter], site: Site
) -> str:
    """The joined guide's cache key: its parts' inputs, and what its contents and outline show."""
    return cache.key(
        "guide",
        repr(options),
        *(cache.key(job.inputs) for job in parts.in_order),
        repr([(c.id, c.title, c.headings) for c in chapters]),
        repr([(c.title, [(s.id, s.title) for s in c.scenarios]) for c in site.categories]),
    )


def reading_order(site: Site) -> list[ScenarioView]:
    """The scenarios as the guide prints them: by category."""
    return [s for category in site.categories for s in category.scenarios]
