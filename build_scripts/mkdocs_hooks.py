"""The MkDocs adapter (the only module that imports mkdocs): scenario pages as virtual files.

Listed under `hooks:` in mkdocs.yml. Pages are generated in memory on every build, so nothing is
written into `content/` and `mkdocs serve` picks up YAML and template edits without a loop.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import get_data

try:
    import build_scripts
except ModuleNotFoundError:  # not installed: MkDocs only puts this file's folder on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import build_scripts

from build_scripts import (
    chooser,
    csp,
    lint,
    output,
    page_meta,
    pdf,
    render_pack,
    render_site,
    templating,
)
from build_scripts.settings import parse_settings

log = logging.getLogger("mkdocs.plugins.followup")

_state: dict = {"serve": False}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def on_startup(command: str, dirty: bool) -> None:
    _state["serve"] = command == "serve"


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder: Callable) -> LiveReloadServer:
    """Let the live-reload script through the pages' Content-Security-Policy.

    The development server inserts an inline script into every page it sends (it polls for a
    newer build, then reloads). Each copy differs (it carries the build and request numbers),
    so it cannot be allowed at build time: the page's policy gets the hash of exactly the script
    inserted into it, at the moment it is sent. Built sites never get it."""
    insert = getattr(server, "_inject_js_into_html", None)
    if insert is None:  # a future MkDocs: say so rather than leave the author waiting
        log.warning(
            "This MkDocs version inserts its live-reload script differently: pages will not "
            "reload by themselves under the site's Content-Security-Policy (press F5)."
        )
        return server

    def insert_allowed(content: bytes, epoch: int) -> bytes:
        sent = insert(content, epoch)
        try:
            before, after = content.decode("utf-8"), sent.decode("utf-8")
        except UnicodeDecodeError:
            return sent
        return csp.allow_inserted_script(before, after).encode("utf-8")

    server._inject_js_into_html = insert_allowed
    return server


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Build into a staging folder; site/ is replaced only when everything succeeded."""
    _state.pop("staging", None)
    if not _state["serve"]:
        _tell_about_site_url(config.site_url)
        final = Path(config.site_dir)
        _state["staging"] = (output.staging_dir(final), final)
        config.site_dir = str(_state["staging"][0])
    return config


EXAMPLE_SITE_URL = "https://followup-kit.example.org/"
"""The address in the project's own mkdocs.yml, which a fork has to replace with its own."""


def _tell_about_site_url(site_url: str | None) -> None:
    """Tell a forker who has not set `site_url` yet what that breaks. At INFO level: a warning
    would fail every strict build (`mkdocs build --strict`, `followup build`) of the project's
    own mkdocs.yml, as in its CI."""
    if site_url and site_url.rstrip("/") != EXAMPLE_SITE_URL.rstrip("/"):
        return
    where = f"still the example address {site_url}" if site_url else "not set"
    log.info(
        "site_url is %s: the sitemap, the canonical links and Material's instant navigation "
        "need the address the site is published at. Set site_url in mkdocs.yml (or the "
        "SITE_URL environment variable) before you publish.",
        where,
    )


def on_post_build(config: MkDocsConfig) -> None:
    staged = _state.pop("staging", None)
    if staged is not None:
        output.swap_into_place(*staged)


def on_build_error(error: Exception) -> None:
    staged = _state.pop("staging", None)
    if staged is not None:
        output.discard(staged[0])
        log.error("Nothing was written: the previous site in %s is as it was.", staged[1])


def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    """Keep the theme's compiled templates between builds: compiling them anew is a tenth of
    a rebuild under `mkdocs serve`. (Turned off with the PDF cache, FOLLOWUP_CACHE_DIR=off.)"""
    env.bytecode_cache = templating.bytecode_cache(pdf.cache_root(os.environ))
    return env


def on_post_page(html: str, page: Page, config: MkDocsConfig) -> str:
    return csp.add_policy(templating.fill_deferred(html))


def on_post_template(html: str, template_name: str, config: MkDocsConfig) -> str:
    return csp.add_policy(html) if template_name.endswith(".html") else html


def _project(config: MkDocsConfig) -> build_scripts.Project:
    root = Path(config.config_file_path).resolve().parent
    text = Path(config.config_file_path).read_text(encoding="utf-8")
    settings, problems = parse_settings(config.extra, text)
    return build_scripts.Project(root, settings, tuple(problems))


def on_files(files: Files, config: MkDocsConfig) -> Files:
    try:
        return _generate(files, config)
    except PluginError:
        raise
    except Exception as exc:
        # An author's mistake never gets here (it is a ScenarioError or PdfError); this is a bug.
        if os.environ.get("FOLLOWUP_DEBUG") == "1":
            raise
        raise PluginError(
            f"internal error in followup-kit ({type(exc).__name__}: {exc}). This is a bug: "
            "please report it with the output of `followup build --debug`."
        ) from None


def _generate(files: Files, config: MkDocsConfig) -> Files:
    project = _project(config)
    _drop_build_inputs(files, project)
    result = build_scripts.check(project)
    if result.errors:
        report = build_scripts.ScenarioErrors(result.errors).report()
        if not _state["serve"]:
            raise PluginError(f"Invalid scenario files:\n{report}")
        # While serving, show the problems instead of stopping the server.
        log.warning("Invalid scenario files:\n%s", report)
        _add_problem_pages(files, config, result)
    known = {s.id for s in result.site.scenarios} | set(project.settings.hide)
    path, chooser_errors, chooser_notes = chooser.load(project.root, known)
    for note in chooser_notes:
        log.info("%s", note)
    if chooser_errors:
        report = build_scripts.ScenarioErrors(chooser_errors).report()
        if not _state["serve"]:
            raise PluginError(f"Invalid {chooser.CHOOSER_FILE}:\n{report}")
        log.warning("Invalid %s:\n%s", chooser.CHOOSER_FILE, report)
    _state["chooser"] = chooser.steps(path, {s.id: s.title for s in result.site.scenarios})
    _insert_scenarios_into_nav(config, result.site)
    downloads = _add_downloads(files, config, project, result.site)
    _state.update(site=result.site, downloads=downloads)
    _state["summaries"] = {s.src_uri: s.summary for s in result.site.scenarios}
    taken = {f.src_uri for f in files}
    pages = render_site.render(
        result.site, project.templates_dir, downloads, example=_example(project, result.site)
    )
    for page in pages:
        if page.src_uri in taken:
            files.remove(files.get_file_from_path(page.src_uri))
        generated = File.generated(config, page.src_uri, content=page.markdown)
        if page.scenario is not None:
            generated.edit_uri = Path(page.scenario.source_file).relative_to("content").as_posix()
            if len(result.site.scenarios) > NAV_LIMIT:
                generated.inclusion = InclusionLevel.NOT_IN_NAV
        files.append(generated)
    return files


def _example(project: build_scripts.Project, site: build_scripts.Site) -> tuple[str, str]:
    """A real scenario file to show on the authoring page (post-interview when it exists)."""
    chosen = next((s for s in site.scenarios if s.id == "post-interview"), None)
    chosen = chosen or (site.scenarios[0] if site.scenarios else None)
    if chosen is None:
        return ("", "")
    return (chosen.source_file, (project.root / chosen.source_file).read_text(encoding="utf-8"))


def _pdf_options(config: MkDocsConfig, project: build_scripts.Project) -> pdf.PdfOptions:
    paper = str(os.environ.get("FOLLOWUP_PAPER") or project.settings.paper).lower()
    if paper not in pdf.PAPER_SIZES:
        raise PluginError(
            f"FOLLOWUP_PAPER: expected one of {', '.join(pdf.PAPER_SIZES)}, got {paper!r}"
        )
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    edition = (
        dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        if epoch and epoch.isdigit()
        else dt.datetime.now(dt.UTC).date()
    )
    return pdf.PdfOptions(
        title=config.site_name,
        subtitle=config.site_description or "",
        author=config.site_author or config.site_name,
        edition=edition,
        paper=paper,  # type: ignore[arg-type]
        language=config.theme.get("language") or "en",
        page_footer=project.settings.page_footer,
        contents_footer=project.settings.contents_footer,
        cover_label=project.settings.cover_label,
        footer_style=project.settings.footer_style,
    )


def _guide_entries(config: MkDocsConfig, files: Files) -> list[pdf.GuideEntry]:
    """The guide's chapters in navigation order: hand-written pages, timing, scenarios."""
    entries: list[pdf.GuideEntry] = []

    def walk(items: list, section: str | None) -> None:
        for item in items:
            title, value = next(iter(item.items())) if isinstance(item, dict) else (None, item)
            if isinstance(value, list):
                walk(value, title)
            elif value == "scenarios/index.md" or (
                section == "Scenarios" and value.startswith("scenarios/")
            ):
                if not any(e.kind == "scenarios" for e in entries):
                    entries.append(pdf.GuideEntry("scenarios", section or title or "Scenarios"))
            elif value == "timing.md":
                entries.append(pdf.GuideEntry("timing", title or "Timing at a glance"))
            elif isinstance(value, str) and value.endswith(".md"):
                file = files.get_file_from_path(value)
                if file is not None and not file.generated_by:
                    # Without its front matter (a page's `description:` is for the site).
                    body, _ = get_data(file.content_string)
                    entries.append(pdf.GuideEntry("page", title or value, value, body))

    walk(config.nav or [], None)
    if not any(e.kind == "scenarios" for e in entries):
        entries.append(pdf.GuideEntry("scenarios", "Scenarios"))
    return entries


def _add_downloads(
    files: Files, config: MkDocsConfig, project: build_scripts.Project, site: build_scripts.Site
) -> render_site.Downloads:
    """Add the template pack and the PDFs to the site (PDFs are skipped while serving,
    unless FOLLOWUP_PDF_ON_SERVE=1)."""
    options = _pdf_options(config, project)
    outputs = render_pack.render(site, options.edition)
    wanted = os.environ.get("FOLLOWUP_PDF", "").lower() not in ("off", "0", "no")
    if wanted and (not _state["serve"] or os.environ.get("FOLLOWUP_PDF_ON_SERVE") == "1"):
        try:
            outputs |= pdf.render_all(
                site,
                _guide_entries(config, files),
                options,
                project.templates_dir,
                asset_dirs=[project.root / "content" / "assets"],
                extensions=config.markdown_extensions,
                extension_configs=config.mdx_configs,
                chooser_path=_state.get("chooser", []),
                cache_root=pdf.cache_root(os.environ),
                cache_max_bytes=pdf.max_bytes(os.environ),
                progress=not os.environ.get("CI") and sys.stderr.isatty(),
            )
        except pdf.PdfError as exc:
            if not _state["serve"]:
                raise PluginError(f"PDF not built: {exc}") from None
            log.warning("PDF not built: %s", exc)
    sizes = {}
    for path, data in outputs.items():
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)
        if isinstance(data, Path):  # a rendered PDF, copied from the cache by MkDocs
            files.append(File.generated(config, path, abs_src_path=str(data)))
            sizes[path] = data.stat().st_size
        else:
            files.append(File.generated(config, path, content=data))
            sizes[path] = len(data)
    return render_site.Downloads(sizes)


def _drop_build_inputs(files: Files, project: build_scripts.Project) -> None:
    """Scenario files, the chooser and the spelling word list live in the docs folder, but they
    are inputs of the build, not pages or assets: keep them out of the published site."""
    folders = [f.resolve() for f in (project.scenarios_dir, project.local_scenarios_dir) if f]
    inputs = {(project.root / p).resolve() for p in (chooser.CHOOSER_FILE, lint.WORD_LIST)}
    for file in list(files):
        if file.abs_src_path is None:
            continue
        source = Path(file.abs_src_path).resolve()
        scenario = file.src_uri.endswith((".yml", ".yaml")) and any(
            source.is_relative_to(f) for f in folders
        )
        if scenario or source in inputs:
            files.remove(file)


def _add_problem_pages(
    files: Files, config: MkDocsConfig, result: build_scripts.CheckResult
) -> None:
    """Under `mkdocs serve`, a broken scenario's page shows its errors at its usual address."""
    by_file: dict[str, list[str]] = {}
    for error in result.errors:
        by_file.setdefault(error.path, []).append(str(error))
    valid_ids = {s.id for s in result.site.scenarios}
    for path, lines in by_file.items():
        scenario_id = result.ids_by_file.get(path) or Path(path).stem
        if not _SLUG.match(scenario_id) or scenario_id in valid_ids:
            continue
        # A list, not a code block: code blocks do not wrap, and a problem's end (where the
        # did-you-mean hint is) would be cut off at the column's edge.
        body = "\n".join(f"- {templating.md_escape(line)}" for line in lines)
        markdown = (
            f"# Problems in {scenario_id}\n\n"
            "This page is shown by `mkdocs serve` because the scenario file has problems. "
            "Fix them and save; the page reloads.\n\n" + body + "\n"
        )
        files.append(File.generated(config, f"scenarios/{scenario_id}.md", content=markdown))


NAV_LIMIT = 60
"""Above this many scenarios, scenario pages are reached from the scenario index, not the
navigation: every page renders its navigation, so listing them all makes the site build grow
with the square of their number (and a menu of hundreds helps nobody)."""


def _insert_scenarios_into_nav(config: MkDocsConfig, site: build_scripts.Site) -> None:
    """Put every scenario, by category, into the nav section that holds `scenarios/index.md`
    (only the index when there are more than NAV_LIMIT)."""
    sections = [
        {category.title: [s.src_uri for s in category.scenarios]} for category in site.categories
    ]
    if len(site.scenarios) > NAV_LIMIT:
        sections = []
    if config.nav is None:
        return
    for i, item in enumerate(config.nav):
        if item == "scenarios/index.md":
            config.nav[i] = {"Scenarios": ["scenarios/index.md", *sections]}
            return
        if isinstance(item, dict):
            (title, value), *_ = item.items()
            if value == "scenarios/index.md" or (
                isinstance(value, list) and "scenarios/index.md" in value
            ):
                config.nav[i] = {title: ["scenarios/index.md", *sections]}
                return
    config.nav.append({"Scenarios": ["scenarios/index.md", *sections]})


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    site = _state.get("site")
    if site is None or page.file.generated_by:
        return markdown
    return render_site.fill_markers(
        markdown,
        site,
        _project(config).templates_dir,
        page.file.src_uri,
        _state.get("downloads", render_site.NO_DOWNLOADS),
        _state.get("chooser", []),
    )


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Give the page its own description (site_overrides/main.html puts it in the description
    and Open Graph tags): the `description:` of its front matter, else a scenario's summary,
    else its first paragraph."""
    if not page.meta.get("description"):
        summaries = _state.get("summaries", {}) if page.file.generated_by else {}
        summary = summaries.get(page.file.src_uri)
        described = summary or page_meta.shorten(page_meta.first_paragraph(html))
        if described:
            page.meta["description"] = described
    return html


def _run_the_installed_adapter() -> None:
    """mkdocs.yml loads this file by its path in the project, but `build_scripts` may be
    installed from another copy (a non-editable `pip install .`). Then the installed adapter's
    hooks replace this file's, so the adapter and the core it calls are always one version."""
    here = Path(__file__).resolve().parent
    installed = Path(build_scripts.__file__).resolve().parent
    if installed == here:
        return
    import importlib

    adapter = importlib.import_module("build_scripts.mkdocs_hooks")
    names = globals()
    for name in [n for n in names if n.startswith("on_")]:
        del names[name]
    names.update({n: getattr(adapter, n) for n in dir(adapter) if n.startswith("on_")})


_run_the_installed_adapter()
