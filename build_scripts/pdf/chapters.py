"""The guide's hand-written Markdown pages, converted to print HTML with links inside the PDF.

Each page is converted on its own, with the project's Markdown extensions: its heading ids get
the chapter's prefix (two chapters may both have a "Why" heading), links to other pages point
at their chapter or scenario in the guide, and the site's markers (the download buttons, the
scenario list, the chooser) are replaced by their print versions.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from .. import chooser
from ..expand import Site
from ..i18n import _
from ..links import (
    CHOOSER_MARKER,
    DOWNLOADS_MARKER,
    FAQ_PAGE,
    SCENARIO_LIST_MARKER,
    SCENARIOS_INDEX,
    SOURCES_PAGE,
    TIMING_PAGE,
    chapter_anchor,
    scenario_anchor,
)
from ..nav import GuideEntry


@dataclass(frozen=True)
class Chapter:
    """A guide page converted for print."""

    id: str
    title: str
    html: Markup
    kind: str
    headings: tuple[tuple[str, str], ...] = ()
    """(id, text) of the chapter's second-level headings, for the outline."""


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
    targets = {SCENARIOS_INDEX: "part-scenarios", SOURCES_PAGE: "ch-references"}
    for entry in entries:
        if entry.kind == "page":
            targets[entry.src_uri] = chapter_anchor(entry.src_uri)
        elif entry.kind == "timing":
            targets[TIMING_PAGE] = "ch-timing"
        elif entry.kind == "faq":
            targets[FAQ_PAGE] = "ch-faq"
    for scenario in site.scenarios:
        targets[scenario.src_uri] = scenario_anchor(scenario.id)

    chapters = []
    for entry in entries:
        if entry.kind == "faq":
            # Its sections in the outline: one per category with questions.
            headings = tuple((f"ch-faq-{c.id}", c.title) for c in site.faq_categories)
            chapters.append(Chapter("ch-faq", entry.title, Markup(""), "faq", headings))
            continue
        if entry.kind != "page":
            cid = {"timing": "ch-timing", "scenarios": "part-scenarios"}[entry.kind]
            chapters.append(Chapter(cid, entry.title, Markup(""), entry.kind))
            continue
        cid = chapter_anchor(entry.src_uri)
        title, body = _strip_title(entry.markdown)
        body = body.replace(DOWNLOADS_MARKER, "").replace(
            SCENARIO_LIST_MARKER, "\n\n" + scenario_list_html + "\n\n"
        )
        if CHOOSER_MARKER in body:
            flow = chooser.print_html(chooser_path)
            body = body.replace(CHOOSER_MARKER, "\n\n" + flow + "\n\n")
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


def with_scenarios(entries: Sequence[GuideEntry]) -> list[GuideEntry]:
    """The entries, with the scenarios at the end when the navigation does not place them."""
    if any(entry.kind == "scenarios" for entry in entries):
        return list(entries)
    return [*entries, GuideEntry("scenarios", _("Scenarios"))]
