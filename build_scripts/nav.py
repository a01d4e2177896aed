"""The reading order: the navigation with the scenarios in it, and the guide's chapters in the
same order. Pure functions over mkdocs.yml's `nav` as written (a list of pages and sections)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .expand import Site
from .i18n import _
from .links import (
    FAQ_PAGE,
    GENERATED,
    SCENARIOS_FOLDER,
    SCENARIOS_INDEX,
    SOURCES_PAGE,
    TIMING_PAGE,
    TRACKER_PAGE,
)

NAV_LIMIT = 60
"""Above this many scenarios, scenario pages are reached from the scenario index, not the
navigation: every page renders its navigation, so listing them all makes the site build grow
with the square of their number (and a menu of hundreds helps nobody)."""


@dataclass(frozen=True)
class GuideEntry:
    """One entry of the guide, in navigation order.

    `kind` is "page" (a hand-written Markdown page), "timing" (the generated timing table),
    "faq" (the questions collected from the scenarios) or "scenarios" (every scenario, by
    category).
    """

    kind: Literal["page", "timing", "faq", "scenarios"]
    title: str
    src_uri: str = ""
    markdown: str = ""


def _entry(item: object) -> tuple[str | None, object]:
    """A nav item as (title, value): `page.md`, `{Title: page.md}` or `{Title: [items]}`."""
    if isinstance(item, dict) and item:
        title, value = next(iter(item.items()))
        return (str(title) if title is not None else None), value
    return None, item


def with_scenarios(nav: Sequence, site: Site) -> list:
    """`nav` with every scenario, by category, in the section that holds the scenario index
    (only the index when there are more than NAV_LIMIT); a Scenarios section is added at the
    end when no section holds it."""
    sections = [
        {category.title: [s.src_uri for s in category.scenarios]} for category in site.categories
    ]
    if len(site.scenarios) > NAV_LIMIT:
        sections = []
    result = list(nav)
    if not _mentions(result, SOURCES_PAGE):
        # The list of every source (a page the build adds): at the end when a fork's
        # navigation, written before it existed, leaves it out.
        result.append({_("Sources"): SOURCES_PAGE})
    if not _mentions(result, FAQ_PAGE) and any(s.faq for s in site.scenarios):
        # Likewise the questions and answers collected from the scenarios.
        result.append({_("Questions and answers"): FAQ_PAGE})
    if not _mentions(result, TRACKER_PAGE):
        # And the applications tracker.
        result.append({_("My applications"): TRACKER_PAGE})
    for i, item in enumerate(result):
        title, value = _entry(item)
        if value == SCENARIOS_INDEX or (isinstance(value, list) and SCENARIOS_INDEX in value):
            result[i] = {title or _("Scenarios"): [SCENARIOS_INDEX, *sections]}
            return result
    result.append({_("Scenarios"): [SCENARIOS_INDEX, *sections]})
    return result


def _mentions(items: Sequence, page: str) -> bool:
    """Whether the navigation lists `page` anywhere, in any section."""
    for item in items:
        _title, value = _entry(item)
        if value == page or (isinstance(value, list) and _mentions(value, page)):
            return True
    return False


def guide_chapters(
    nav: Sequence, docs_dir: Path, fallback: Path | None = None
) -> tuple[GuideEntry, ...]:
    """The guide's chapters in navigation order: the hand-written pages (read from `docs_dir`,
    without their front matter), the timing table, and the scenarios where the scenario index
    is (at the end when the navigation does not list it). In an edition other than the
    default one, a page it has not translated is the default edition's (from `fallback`),
    with a note that says so."""
    entries: list[GuideEntry] = []

    def walk(items: Sequence, section: str | None) -> None:
        for item in items:
            title, value = _entry(item)
            if isinstance(value, list):
                walk(value, title)
            elif not isinstance(value, str):
                continue
            elif value == SCENARIOS_INDEX or (
                section in ("Scenarios", _("Scenarios"))
                and value.startswith(f"{SCENARIOS_FOLDER}/")
            ):
                if not any(e.kind == "scenarios" for e in entries):
                    entries.append(GuideEntry("scenarios", section or title or _("Scenarios")))
            elif value == TIMING_PAGE:
                entries.append(GuideEntry("timing", title or _("Timing at a glance")))
            elif value == FAQ_PAGE:
                entries.append(GuideEntry("faq", title or _("Questions and answers")))
            elif value.endswith(".md") and value not in GENERATED:
                for folder in (docs_dir, fallback) if fallback else (docs_dir,):
                    page = folder / value
                    if page.is_file() and page.resolve().is_relative_to(folder.resolve()):
                        body = without_front_matter(page.read_text(encoding="utf-8-sig"))
                        if folder is not docs_dir:
                            body = untranslated_note(body)
                        entries.append(GuideEntry("page", title or value, value, body))
                        break

    walk(nav, None)
    if not any(e.kind == "scenarios" for e in entries):
        entries.append(GuideEntry("scenarios", _("Scenarios")))
    return tuple(entries)


def untranslated_note(markdown: str) -> str:
    """A page of the default edition shown in another edition, with a note saying so."""
    note = _("This page has not been translated yet; it is shown in English.")
    admonition = f'!!! note "{_("Not translated yet")}"\n\n    {note}\n\n'
    heading, newline, rest = markdown.lstrip("\n").partition("\n")
    if heading.startswith("# "):  # under the page's title
        return f"{heading}{newline}\n{admonition}{rest.lstrip(chr(10))}"
    return admonition + markdown


_FRONT_MATTER = re.compile(r"\A-{3}[ \t]*\n.*?^(?:-{3}|\.{3})[ \t]*\n", re.DOTALL | re.MULTILINE)


def without_front_matter(text: str) -> str:
    """A page's Markdown without its YAML front matter (a `description:` is for the site)."""
    match = _FRONT_MATTER.match(text)
    return text[match.end() :] if match else text
