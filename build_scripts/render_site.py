"""Step 4a: render the site's generated Markdown pages from the view models."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .expand import ScenarioView, Site
from .templating import make_env

SCENARIO_LIST_MARKER = "<!-- followup:scenario-list -->"
"""A hand-written page may hold this line; it is replaced by the table of scenarios."""


@dataclass(frozen=True)
class PageKind:
    """A kind of generated page: a template, and the pages it makes from the site."""

    template: str
    pages: Callable[[Site], list[tuple[str, dict]]]
    """Returns (src_uri, extra template context) for every page of this kind."""


PAGE_KINDS: tuple[PageKind, ...] = (
    PageKind("site/scenario.md.j2", lambda site: [(s.src_uri, {"s": s}) for s in site.scenarios]),
    PageKind("site/scenarios_index.md.j2", lambda site: [("scenarios/index.md", {})]),
    PageKind("site/timing.md.j2", lambda site: [("timing.md", {})]),
)


@dataclass(frozen=True)
class GeneratedPage:
    src_uri: str
    markdown: str
    scenario: ScenarioView | None = None


def render(site: Site, templates_dir: Path) -> list[GeneratedPage]:
    """Every generated page, as Markdown for MkDocs."""
    env = make_env(templates_dir, "markdown")
    pages: list[GeneratedPage] = []
    for kind in PAGE_KINDS:
        template = env.get_template(kind.template)
        for src_uri, context in kind.pages(site):
            markdown = template.render(site=site, **context)
            pages.append(GeneratedPage(src_uri, markdown, context.get("s")))
    return pages


def scenario_list(site: Site, templates_dir: Path, base: str) -> str:
    """The scenario table for hand-written pages; `base` is the relative path to `scenarios/`."""
    env = make_env(templates_dir, "markdown")
    with_base = env.from_string('{% include "site/_scenario_list.md.j2" %}')
    return with_base.render(site=site, base=base)


def fill_markers(markdown: str, site: Site, templates_dir: Path, page_src_uri: str) -> str:
    """Replace the generated-content markers of a hand-written page."""
    if SCENARIO_LIST_MARKER not in markdown:
        return markdown
    depth = page_src_uri.count("/")
    base = "../" * depth + "scenarios/"
    return markdown.replace(SCENARIO_LIST_MARKER, scenario_list(site, templates_dir, base))
