"""Step 4: the outputs, in the order they are built, and `build_outputs`, which runs them.

Each output turns the expanded Site into files keyed by their path in the site: bytes, or a
Path to a file already written (a rendered PDF in the cache). A new output is one module with
a render function plus one line in OUTPUTS; MkDocs, `followup build` and `followup export`
pick it up from here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import business_days, lint, pdf, render_pack, render_site, tracker
from .errors import ScenarioError
from .expand import Site
from .i18n import activated
from .links import MARKERS, scenario_page
from .nav import _FRONT_MATTER, untranslated_note
from .options import BuildOptions
from .project import Project
from .sources import with_kinds, without_links_to

log = logging.getLogger("mkdocs.plugins.followup")

Files = dict[str, bytes | Path]


@dataclass(frozen=True)
class Output:
    """One kind of output: its name, when it is wanted, and how it is rendered."""

    name: str
    wanted: Callable[[BuildOptions], bool]
    render: Callable[[Site, Project, BuildOptions, Mapping[str, bytes | Path]], Files]
    """(site, project, options, the files of the outputs before it) -> its files."""


def _pack(site: Site, project: Project, options: BuildOptions, built: Mapping) -> Files:
    return dict(render_pack.render(site, options.edition))


def _pdfs(site: Site, project: Project, options: BuildOptions, built: Mapping) -> Files:
    config = project.config
    pdf_options = pdf.PdfOptions(
        title=config.name,
        subtitle=config.description,
        author=config.author or config.name,
        edition=options.edition,
        paper=options.paper,
        language=config.language,
        page_footer=project.settings.page_footer,
        contents_footer=project.settings.contents_footer,
        cover_label=project.settings.cover_label,
        footer_style=project.settings.footer_style,
    )
    try:
        return pdf.render_all(
            site,
            list(site.guide),
            pdf_options,
            project.templates_dir,
            asset_dirs=[project.assets_dir],
            extensions=list(config.markdown_extensions),
            extension_configs=dict(config.mdx_configs),
            chooser_path=list(site.chooser),
            cache_root=options.cache_root,
            cache_max_bytes=options.cache_max_bytes,
            progress=options.progress,
        )
    except pdf.PdfError as exc:
        if not options.serve:
            raise
        log.warning("PDF not built: %s", exc)  # serving: the pages still show
        return {}


def _pages(site: Site, project: Project, options: BuildOptions, built: Mapping) -> Files:
    """The generated pages, and the hand-written pages that hold a marker, filled in."""
    downloads = render_site.Downloads(
        {
            path: data.stat().st_size if isinstance(data, Path) else len(data)
            for path, data in built.items()
        }
    )
    files: Files = {}
    for page in render_site.render(
        site,
        project.templates_dir,
        downloads,
        example=_example(project, site),
        rules=lint.RULES,
        inputs=render_site.PageInputs(project.config.directory_urls, project.assets_dir),
    ):
        files[page.src_uri] = page.markdown.encode("utf-8")
    kinds = site.source_kinds
    hidden = {scenario_page(i) for i in project.settings.hide}
    others = project.edition_folders()  # in the default edition's docs folder
    pages = hand_written_pages(
        project.docs_dir, exclude=others if project.is_default_edition else ()
    )
    if not project.is_default_edition:
        # A page this edition has not translated: the default edition's, with a note.
        own = {src_uri for src_uri, _ in pages}
        base = project.root / project.base_docs_dir
        pages += [
            (src_uri, with_untranslated_note(markdown))
            for src_uri, markdown in hand_written_pages(base, exclude=others)
            if src_uri not in own and src_uri not in files
        ]
        pages.sort()
    for src_uri, markdown in pages:
        if src_uri in files:
            continue
        # Each cited source's kind after its link, links to hidden scenarios reduced to their
        # text, and the markers filled in.
        filled = without_links_to(with_kinds(markdown, kinds), hidden)
        if any(marker in markdown for marker in MARKERS):
            filled = render_site.fill_markers(
                filled,
                site,
                project.templates_dir,
                src_uri,
                downloads,
                site.chooser,
                project.config.directory_urls,
            )
        if filled != markdown or not (project.docs_dir / src_uri).is_file():
            files[src_uri] = filled.encode("utf-8")
    return files


OUTPUTS: tuple[Output, ...] = (
    Output("pack", lambda options: True, _pack),
    Output("pdf", lambda options: options.pdf, _pdfs),
    Output("holidays", lambda options: True, business_days.render),
    Output("tracker", lambda options: True, tracker.render),
    # Last: a page's download buttons name the files that were built, with their sizes.
    Output("pages", lambda options: True, _pages),
)


def build_outputs(
    site: Site, project: Project, options: BuildOptions, only: tuple[str, ...] = ()
) -> Files:
    """Every wanted output's files (only the named outputs when `only` is given)."""
    files: Files = {}
    with activated(project.catalog):
        for output in OUTPUTS:
            if output.wanted(options) and (not only or output.name in only):
                files |= output.render(site, project, options, files)
    return files


def hand_written_pages(docs_dir: Path, exclude: list[Path] = ()) -> list[tuple[str, str]]:
    """(src_uri, Markdown) of every page in the docs folder (not in hidden folders, nor in the
    folders `exclude` names: the other editions')."""
    pages = []
    skipped = [folder.resolve() for folder in exclude]
    if docs_dir.is_dir():
        for path in sorted(docs_dir.rglob("*.md")):
            relative = path.relative_to(docs_dir)
            if any(part.startswith((".", "_")) for part in relative.parts):
                continue
            if any(path.resolve().is_relative_to(folder) for folder in skipped):
                continue
            pages.append((relative.as_posix(), path.read_text(encoding="utf-8-sig")))
    return pages


def with_untranslated_note(markdown: str) -> str:
    """A default-edition page shown in another edition: its front matter, then the note."""
    match = _FRONT_MATTER.match(markdown)
    if match is None:
        return untranslated_note(markdown)
    return markdown[: match.end()] + untranslated_note(markdown[match.end() :])


def _example(project: Project, site: Site) -> tuple[str, str]:
    """A real scenario file to show on the authoring page (post-interview when it exists)."""
    chosen = next((s for s in site.scenarios if s.id == "post-interview"), None)
    chosen = chosen or (site.scenarios[0] if site.scenarios else None)
    if chosen is None:
        return ("", "")
    return (chosen.source_file, (project.root / chosen.source_file).read_text(encoding="utf-8"))


__all__ = ["OUTPUTS", "Files", "Output", "ScenarioError", "build_outputs"]
