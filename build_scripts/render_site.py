"""Output: the site's generated Markdown pages, rendered from the view models."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from . import chooser, reference, tracker
from .errors import ScenarioError
from .expand import ScenarioView, Site, scenario_data
from .i18n import N_, _
from .links import (
    AUTHORING_PAGE,
    CHOOSER_MARKER,
    DOWNLOADS_MARKER,
    DRAFT_SENDER,
    FAQ_PAGE,
    GUIDE_PDF,
    PACK_ZIP,
    SCENARIO_LIST_MARKER,
    SCENARIOS_INDEX,
    SOURCES_PAGE,
    TEMPLATES_JSON,
    TIMING_PAGE,
    TRACKER_PAGE,
    page_link,
    relative,
    scenario_page,
    scenario_pdf,
    template_file,
)
from .schema import (
    ANCHOR_INPUT_LABELS,
    CHANNEL_LIMITS,
    CHANNELS,
    INMAIL_SUBJECT_LIMIT,
    SLUG_PATTERN,
    SOURCE_KINDS,
)
from .templating import make_env, md_escape


@dataclass(frozen=True)
class PageInputs:
    """What some generated pages need besides the site: the URL style of mkdocs.yml, and the
    folder of the page scripts (the tracker page carries the translations of its script)."""

    directory_urls: bool = True
    assets_dir: Path | None = None


@dataclass(frozen=True)
class PageKind:
    """A kind of generated page: a template, and the pages it makes from the site."""

    template: str
    pages: Callable[[Site, PageInputs], list[tuple[str, dict]]]
    """(site, inputs) -> (src_uri, extra template context) for every page of this kind."""


def sources_context(site: Site, directory_urls: bool = True) -> dict:
    """Every source, grouped by kind (strongest kind first; sources without a kind last)."""
    groups = []
    for kind, (label, about) in (*SOURCE_KINDS.items(), (None, (N_("Kind not given"), ""))):
        refs = [r for r in site.references if r.source.kind == kind]
        if refs:
            groups.append(
                {
                    "kind": kind,
                    "label": _(label),
                    "about": _(about) if about else "",
                    "references": refs,
                }
            )
    return {"groups": groups, "page": SOURCES_PAGE, "directory_urls": directory_urls}


def authoring_context() -> dict:
    """The field reference, anchors and categories, read from the code itself."""
    return {
        "reference": reference.sections(),
        "anchors": reference.anchors(),
        "categories": reference.categories(),
        "channels": [
            (key, label, what, *CHANNEL_LIMITS[key]) for key, (label, what) in CHANNELS.items()
        ],
        "inmail_subject_limit": INMAIL_SUBJECT_LIMIT,
    }


def scenario_context(scenario: ScenarioView, directory_urls: bool = True) -> dict:
    """What the scenario page template needs besides the scenario itself."""
    return {
        "s": scenario,
        "anchors": [(a, _(ANCHOR_INPUT_LABELS[a])) for a in scenario.anchors],
        "files": {
            t.id: {
                ext: relative(scenario.src_uri, template_file(scenario.id, t.id, ext))
                for ext in t.file_types
            }
            for t in scenario.templates
        },
        "data": {**scenario_data(scenario), "sender": DRAFT_SENDER},
        "tracker_link": page_link(scenario.src_uri, TRACKER_PAGE, directory_urls),
    }


PAGE_KINDS: tuple[PageKind, ...] = (
    PageKind(
        "site/scenario.md.j2",
        lambda site, inputs: [
            (s.src_uri, scenario_context(s, inputs.directory_urls)) for s in site.scenarios
        ],
    ),
    PageKind(
        "site/scenarios_index.md.j2",
        lambda site, inputs: [(SCENARIOS_INDEX, {"directory_urls": inputs.directory_urls})],
    ),
    PageKind(
        "site/timing.md.j2",
        lambda site, inputs: [(TIMING_PAGE, {"directory_urls": inputs.directory_urls})],
    ),
    PageKind("site/authoring.md.j2", lambda site, inputs: [(AUTHORING_PAGE, authoring_context())]),
    PageKind(
        "site/sources.md.j2",
        lambda site, inputs: [(SOURCES_PAGE, sources_context(site, inputs.directory_urls))],
    ),
    PageKind("site/faq.md.j2", lambda site, inputs: [(FAQ_PAGE, {"page": FAQ_PAGE})]),
    PageKind(
        "site/tracker.md.j2",
        lambda site, inputs: [(TRACKER_PAGE, tracker.page_context(site, inputs))],
    ),
)


@dataclass(frozen=True)
class Downloads:
    """Sizes in bytes of the files built alongside the site (PDFs, template pack), by path.
    PDFs are missing from it when they were not built (as during `mkdocs serve`)."""

    sizes: dict[str, int]

    def link(self, path: str, from_page: str, label: str, primary: bool = False) -> str | None:
        """A Markdown download button for `path`, relative to `from_page`, or None."""
        if path not in self.sizes:
            return None
        href = relative(from_page, path)
        style = ".md-button .md-button--primary" if primary else ".md-button"
        size = human_size(self.sizes[path])
        kind = path.rsplit(".", 1)[-1].upper()
        # A button, not something to find: search quotes the page's text, not its controls.
        attributes = f"{style} .fu-download download data-search-exclude"
        return f"[{label} ({kind}, {size})]({href}){{ {attributes} }}"


def human_size(size: int) -> str:
    """1234 -> "1 KB", 2_500_000 -> "2.4 MB" (binary units, as file managers show)."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


NO_DOWNLOADS = Downloads({})


@dataclass(frozen=True)
class GeneratedPage:
    src_uri: str
    markdown: str
    scenario: ScenarioView | None = None


def render(
    site: Site,
    templates_dir: Path,
    downloads: Downloads = NO_DOWNLOADS,
    example: tuple[str, str] = ("", ""),
    rules: Sequence[object] = (),
    inputs: PageInputs = PageInputs(),
) -> list[GeneratedPage]:
    """Every generated page, as Markdown for MkDocs. `example` is (path, text) of a scenario
    file to show on the authoring page, `rules` the lint rules it lists."""
    env = make_env(templates_dir, "markdown")
    env.globals.update(example_path=example[0], example_text=example[1], rules=rules)
    pages: list[GeneratedPage] = []
    for kind in PAGE_KINDS:
        template = env.get_template(kind.template)
        for src_uri, context in kind.pages(site, inputs):
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
                scenario_pdf(scenario.id), src_uri, _("Download this scenario"), primary=True
            )
        )
    links.append(downloads.link(GUIDE_PDF, src_uri, _("Download the full guide")))
    present = [link for link in links if link]
    return Markup(" ".join(present)) if present else None


def scenario_list(site: Site, templates_dir: Path, page: str, directory_urls: bool = True) -> str:
    """The scenario table for the hand-written page `page`."""
    env = make_env(templates_dir, "markdown")
    included = env.from_string('{% include "site/_scenario_list.md.j2" %}')
    return included.render(site=site, page=page, level=3, directory_urls=directory_urls)


PDFS_SKIPPED_NOTE = N_(
    "*The PDF downloads are made by `followup build` and `mkdocs build`; "
    "`mkdocs serve` skips them to stay fast.*"
)


def fill_markers(
    markdown: str,
    site: Site,
    templates_dir: Path,
    page_src_uri: str,
    downloads: Downloads = NO_DOWNLOADS,
    chooser_path: Sequence[chooser.Step] = (),
    directory_urls: bool = True,
) -> str:
    """Replace the generated-content markers of a hand-written page (`directory_urls` as in
    mkdocs.yml: the chooser is raw HTML, whose links MkDocs leaves as they are)."""
    if CHOOSER_MARKER in markdown:
        markdown = markdown.replace(
            CHOOSER_MARKER, chooser.to_html(chooser_path, page_src_uri, directory_urls)
        )
    if SCENARIO_LIST_MARKER in markdown:
        markdown = markdown.replace(
            SCENARIO_LIST_MARKER,
            scenario_list(site, templates_dir, page_src_uri, directory_urls),
        )
    if DOWNLOADS_MARKER in markdown:
        guide = downloads.link(
            GUIDE_PDF, page_src_uri, _("Download the printable guide"), primary=True
        )
        pack = downloads.link(PACK_ZIP, page_src_uri, _("All templates as files"))
        data = downloads.link(TEMPLATES_JSON, page_src_uri, "templates.json")
        lines = [guide or _(PDFS_SKIPPED_NOTE), " ".join(link for link in (pack, data) if link)]
        markdown = markdown.replace(DOWNLOADS_MARKER, "\n\n".join(lines))
    return markdown


def problem_pages(
    errors: Sequence[ScenarioError], ids_by_file: dict[str, str], valid_ids: set[str]
) -> dict[str, bytes]:
    """Under `mkdocs serve`, a broken scenario's page shows its errors at its usual address."""
    by_file: dict[str, list[str]] = {}
    for error in errors:
        by_file.setdefault(error.path, []).append(str(error))
    pages: dict[str, bytes] = {}
    for path, lines in by_file.items():
        scenario_id = ids_by_file.get(path) or Path(path).stem
        if not re.fullmatch(SLUG_PATTERN, scenario_id) or scenario_id in valid_ids:
            continue
        # A list, not a code block: code blocks do not wrap, and a problem's end (where the
        # did-you-mean hint is) would be cut off at the column's edge.
        body = "\n".join(f"- {md_escape(line)}" for line in lines)
        markdown = (
            f"# Problems in {scenario_id}\n\n"
            "This page is shown by `mkdocs serve` because the scenario file has problems. "
            "Fix them and save; the page reloads.\n\n" + body + "\n"
        )
        pages[scenario_page(scenario_id)] = markdown.encode("utf-8")
    return pages
