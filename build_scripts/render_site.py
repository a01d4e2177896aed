"""Step 4a: render the site's generated Markdown pages from the view models."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from .expand import ScenarioView, Site
from .templating import make_env

GUIDE_PDF = "downloads/follow-up-guide.pdf"
"""Where the guide PDF lands in the site."""


def scenario_pdf_path(scenario_id: str) -> str:
    """Where a scenario's own PDF lands in the site."""
    return f"downloads/scenarios/{scenario_id}.pdf"


SCENARIO_LIST_MARKER = "<!-- followup:scenario-list -->"
"""A hand-written page may hold this line; it is replaced by the table of scenarios."""

DOWNLOADS_MARKER = "<!-- followup:downloads -->"
"""A hand-written page may hold this line; it is replaced by the guide PDF's download button."""


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
class Downloads:
    """Sizes in bytes of the PDFs built alongside the site, by their path in the site.

    `None` means PDFs were not built (as during `mkdocs serve`)."""

    sizes: dict[str, int] | None

    def link(self, path: str, from_page: str, label: str, primary: bool = False) -> str | None:
        """A Markdown download button for `path`, relative to `from_page`, or None."""
        if self.sizes is None or path not in self.sizes:
            return None
        href = "../" * from_page.count("/") + path
        style = ".md-button .md-button--primary" if primary else ".md-button"
        size = human_size(self.sizes[path])
        return f"[{label} (PDF, {size})]({href}){{ {style} .fu-download download }}"


def human_size(size: int) -> str:
    """1234 -> "1 KB", 2_500_000 -> "2.4 MB" (binary units, as file managers show)."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


NO_DOWNLOADS = Downloads(None)


@dataclass(frozen=True)
class GeneratedPage:
    src_uri: str
    markdown: str
    scenario: ScenarioView | None = None


def render(
    site: Site, templates_dir: Path, downloads: Downloads = NO_DOWNLOADS
) -> list[GeneratedPage]:
    """Every generated page, as Markdown for MkDocs."""
    env = make_env(templates_dir, "markdown")
    pages: list[GeneratedPage] = []
    for kind in PAGE_KINDS:
        template = env.get_template(kind.template)
        for src_uri, context in kind.pages(site):
            markdown = template.render(
                site=site, downloads=_download_links(downloads, src_uri, context), **context
            )
            pages.append(GeneratedPage(src_uri, markdown, context.get("s")))
    return pages


def _download_links(downloads: Downloads, src_uri: str, context: dict) -> Markup | None:
    """The download buttons of a page: the guide, and the page's own scenario PDF if any."""
    links = []
    scenario = context.get("s")
    if scenario is not None:
        links.append(
            downloads.link(
                scenario_pdf_path(scenario.id), src_uri, "Download this scenario", primary=True
            )
        )
    links.append(downloads.link(GUIDE_PDF, src_uri, "Download the full guide"))
    if downloads.sizes is None:
        return None
    return Markup(" ".join(link for link in links if link))


def scenario_list(site: Site, templates_dir: Path, base: str) -> str:
    """The scenario table for hand-written pages; `base` is the relative path to `scenarios/`."""
    env = make_env(templates_dir, "markdown")
    with_base = env.from_string('{% include "site/_scenario_list.md.j2" %}')
    return with_base.render(site=site, base=base)


PDFS_SKIPPED_NOTE = (
    "*The PDF downloads are made by `followup build` and `mkdocs build`; "
    "`mkdocs serve` skips them to stay fast.*"
)


def fill_markers(
    markdown: str,
    site: Site,
    templates_dir: Path,
    page_src_uri: str,
    downloads: Downloads = NO_DOWNLOADS,
) -> str:
    """Replace the generated-content markers of a hand-written page."""
    if SCENARIO_LIST_MARKER in markdown:
        base = "../" * page_src_uri.count("/") + "scenarios/"
        markdown = markdown.replace(SCENARIO_LIST_MARKER, scenario_list(site, templates_dir, base))
    if DOWNLOADS_MARKER in markdown:
        button = downloads.link(
            GUIDE_PDF, page_src_uri, "Download the printable guide", primary=True
        )
        markdown = markdown.replace(DOWNLOADS_MARKER, button or PDFS_SKIPPED_NOTE)
    return markdown
