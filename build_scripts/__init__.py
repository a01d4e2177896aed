"""followup-kit: interview follow-up scenarios in YAML -> a website, a PDF guide, a template pack.

The pipeline (`build(project, options)` runs it; MkDocs and the command line both call it):

0. project      where the parts are, settings (project.py), how to build (options.py)
1. load         read the scenario files safely, keeping the line and column of every key
2. validate     typed, frozen models (schema.py); every problem of every file at once; the
                chooser (chooser.py) and the settings too
3. expand       pure: order, URLs, numbering, cross-links, timing sentences -> the `Site` view
                model, with the chooser and the guide's chapters (nav.py) in reading order
4. outputs      each output renders the Site into files (outputs.py lists them): the template
                pack (render_pack.py), the PDFs (pdf/), the site's pages (render_site.py)
5. publish      MkDocs turns the pages into the website (mkdocs_plugin.py, the only MkDocs
                code); `followup export` writes the files into a folder instead
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .csp import add_policy, allow_inserted_script
    from .editions import alternates, edition_data, shared_files
    from .errors import ScenarioError, ScenarioErrors
    from .expand import Site
    from .i18n import N_
    from .links import ASSETS_FOLDER
    from .nav import NAV_LIMIT, with_scenarios
    from .options import BuildOptions, OptionsError, build_options
    from .output import discard, show_tracebacks, staging_dir, swap_into_place
    from .outputs import OUTPUTS, build_outputs
    from .page_meta import describe
    from .pdf import PdfError
    from .pipeline import CheckResult, build, check, load_site, problem_pages, summary
    from .project import FOLDER_OPTIONS, Project, ProjectNotFoundError, SiteConfig, find_root
    from .search_index import fold_index_file
    from .settings import CONFIG_FILE, line_of, parse_settings
    from .templating import bytecode_cache, fill_deferred, fill_raw_html

_API = {
    "CheckResult": "pipeline",
    "build": "pipeline",
    "check": "pipeline",
    "load_site": "pipeline",
    "problem_pages": "pipeline",
    "summary": "pipeline",
    "ScenarioError": "errors",
    "ScenarioErrors": "errors",
    "Site": "expand",
    "N_": "i18n",
    "BuildOptions": "options",
    "OptionsError": "options",
    "build_options": "options",
    "FOLDER_OPTIONS": "project",
    "Project": "project",
    "ProjectNotFoundError": "project",
    "SiteConfig": "project",
    "find_root": "project",
    "parse_settings": "settings",
    "CONFIG_FILE": "settings",
    "line_of": "settings",
    "alternates": "editions",
    "edition_data": "editions",
    "shared_files": "editions",
    "ASSETS_FOLDER": "links",
    "NAV_LIMIT": "nav",
    "with_scenarios": "nav",
    "OUTPUTS": "outputs",
    "build_outputs": "outputs",
    "PdfError": "pdf",
    "add_policy": "csp",
    "allow_inserted_script": "csp",
    "discard": "output",
    "show_tracebacks": "output",
    "staging_dir": "output",
    "swap_into_place": "output",
    "describe": "page_meta",
    "fold_index_file": "search_index",
    "bytecode_cache": "templating",
    "fill_deferred": "templating",
    "fill_raw_html": "templating",
}
"""The public API, by the module that holds each name. Loaded on first use, so the
`followup` command starts without loading what its subcommand does not need (the PDF code
alone loads WeasyPrint)."""

__all__ = [
    "ASSETS_FOLDER",
    "CONFIG_FILE",
    "FOLDER_OPTIONS",
    "NAV_LIMIT",
    "N_",
    "OUTPUTS",
    "BuildOptions",
    "CheckResult",
    "OptionsError",
    "PdfError",
    "Project",
    "ProjectNotFoundError",
    "ScenarioError",
    "ScenarioErrors",
    "Site",
    "SiteConfig",
    "add_policy",
    "allow_inserted_script",
    "alternates",
    "build",
    "build_options",
    "build_outputs",
    "bytecode_cache",
    "check",
    "describe",
    "discard",
    "edition_data",
    "fill_deferred",
    "fill_raw_html",
    "find_root",
    "fold_index_file",
    "line_of",
    "load_site",
    "parse_settings",
    "problem_pages",
    "shared_files",
    "show_tracebacks",
    "staging_dir",
    "summary",
    "swap_into_place",
    "with_scenarios",
]


def __getattr__(name: str) -> object:
    if name in _API:
        return getattr(importlib.import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
