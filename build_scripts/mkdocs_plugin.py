"""The MkDocs plugin (`plugins: - followup`): a thin adapter over the core's public API.

It turns MkDocs' config into a Project and BuildOptions, calls the core, hands the files to
MkDocs, puts the scenarios into the navigation, shows problem pages under `mkdocs serve`,
adds the Content-Security-Policy and folds each scenario page's sections into one search
entry. Pages are generated in memory on every build, so nothing is written into the docs
folder and `mkdocs serve` picks up YAML and template edits.
"""

from __future__ import annotations

import logging
import os
import sys
from contextvars import ContextVar
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

import build_scripts as core

log = logging.getLogger("mkdocs.plugins.followup")

_EDITION: ContextVar[tuple[core.Project, bool] | None] = ContextVar(
    "followup_edition", default=None
)
"""While the default edition's build builds another edition: its project, and whether this is
`mkdocs serve`."""


class FollowupConfig(Config):
    scenarios = c.Optional(c.Dir(exists=False))
    """The scenario files' folder (default: `scenarios/` in the docs folder)."""
    templates = c.Optional(c.Dir(exists=True))
    """The Jinja templates (default: the copy installed with followup-kit)."""
    assets = c.Optional(c.Dir(exists=True))
    """followup.js and followup.css (default: the copy installed with followup-kit)."""


class FollowupPlugin(BasePlugin[FollowupConfig]):
    def __init__(self) -> None:
        self.serve = False
        self.staging: tuple[Path, Path] | None = None
        self.site: core.Site | None = None
        self.summaries: dict[str, str] = {}
        self.scenario_urls: set[str] = set()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serve = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        edition = _EDITION.get()
        if edition is not None:  # another edition, set up by the default one's build
            self.project, self.serve = edition
            self.options = core.build_options(self.project.settings, serve=self.serve)
            config.extra["followup_edition"] = core.edition_data(self.project)
            return config
        config_file = Path(config.config_file_path).resolve()
        settings, problems = core.parse_settings(
            config.extra, config_file.read_text(encoding="utf-8")
        )
        site = core.SiteConfig(
            name=config.site_name,
            description=config.site_description or "",
            author=config.site_author or "",
            language=config.theme.get("language") or "en",
            docs_dir=os.path.relpath(config.docs_dir, config_file.parent),
            nav=tuple(config.nav or ()),
            markdown_extensions=tuple(config.markdown_extensions),
            mdx_configs=dict(config.mdx_configs),
            directory_urls=bool(config.use_directory_urls),
        )
        folders = {name: self.config[name] for name in core.FOLDER_OPTIONS if self.config[name]}
        if settings.languages and settings.languages[0] != site.language:
            problems.append(
                core.ScenarioError(
                    core.CONFIG_FILE,
                    core.line_of(config_file.read_text(encoding="utf-8"), "languages"),
                    1,
                    "extra.followup.languages[0]",
                    f"the first language is the default edition's, theme.language "
                    f"({site.language!r}); got {settings.languages[0]!r}",
                )
            )
        self.project = core.Project(config_file.parent, settings, tuple(problems), site, folders)
        if len(self.project.languages) > 1 and "alternate" not in config.extra:
            config.extra["alternate"] = core.alternates(self.project, here=None)
        config.extra["followup_edition"] = core.edition_data(self.project)
        try:
            self.options = core.build_options(settings, serve=self.serve)
        except core.OptionsError as exc:
            raise PluginError(str(exc)) from None
        core.show_tracebacks(self.options.debug)
        if self.options.quiet:  # MkDocs' own --quiet would stop --strict from counting warnings
            for handler in logging.getLogger("mkdocs").handlers:
                handler.addFilter(_warnings_and_errors)
        for kind, name in (("extra_css", "followup.css"), ("extra_javascript", "followup.js")):
            if not any(str(item).endswith(name) for item in config[kind]):
                config[kind].append(f"{core.ASSETS_FOLDER}/{name}")
        if not self.serve:
            _tell_about_site_url(config.site_url)
            final = Path(config.site_dir)
            self.staging = (core.staging_dir(final), final)
            config.site_dir = str(self.staging[0])
        return config

    def on_serve(self, server, config: MkDocsConfig, builder):
        """Let the live-reload script through the pages' Content-Security-Policy: the server
        inserts it into every page it sends, each copy different (it carries the build and
        request numbers), so each page's policy gets the hash of exactly the script inserted
        into it, as it is sent. Built sites never get it."""
        insert = getattr(server, "_inject_js_into_html", None)
        if insert is None:  # a future MkDocs: say so rather than leave the author waiting
            log.warning(
                "This MkDocs version inserts its live-reload script differently: pages will "
                "not reload by themselves under the site's Content-Security-Policy (press F5)."
            )
            return server

        def insert_allowed(content: bytes, epoch: int) -> bytes:
            sent = insert(content, epoch)
            try:
                return core.allow_inserted_script(content.decode(), sent.decode()).encode()
            except UnicodeDecodeError:
                return sent

        server._inject_js_into_html = insert_allowed
        return server

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        try:
            return self._generate(files, config)
        except PluginError:
            raise
        except Exception as exc:  # an author's mistake never gets here: this is a bug
            if self.options.debug:
                raise
            raise PluginError(
                f"internal error in followup-kit ({type(exc).__name__}: {exc}). This is a bug: "
                "please report it with the output of `followup build --debug`."
            ) from None

    def _generate(self, files: Files, config: MkDocsConfig) -> Files:
        result = core.check(self.project, self.options)
        self.site = result.site
        self.summaries = {s.src_uri: s.summary for s in result.site.scenarios}
        self.scenario_urls = set()  # a new set: another edition's build must not add to this one
        if self.options.lint:  # as `followup check` prints them (not MkDocs' to count)
            for line in (*result.notes, *result.findings):
                print(line, file=sys.stderr)
            print(core.summary(result), file=sys.stderr)
        for note in result.notes if not self.options.lint else ():
            log.info("%s", note)
        if result.failed:
            report = core.ScenarioErrors(result.errors).report() if result.errors else ""
            if not self.serve:
                raise PluginError(
                    f"Invalid input files:\n{report}" if report else "Lint errors (listed above)"
                )
            log.warning("Invalid input files:\n%s", report)  # serve shows problem pages
            self._add(files, config, core.problem_pages(result))
        for file in list(files):
            if file.abs_src_path and self.project.is_build_input(Path(file.abs_src_path)):
                files.remove(file)
        try:
            built = core.build_outputs(result.site, self.project, self.options)
        except core.PdfError as exc:
            raise PluginError(f"PDF not built: {exc}") from None
        if not any(f.src_uri == f"{core.ASSETS_FOLDER}/followup.js" for f in files):
            for asset in sorted(self.project.assets_dir.glob("followup*.*")):
                built[f"{core.ASSETS_FOLDER}/{asset.name}"] = asset
        if not self.project.is_default_edition:
            # The default edition's images, downloads and schema, where this one has none.
            for path, source in core.shared_files(self.project).items():
                if path not in built and files.get_file_from_path(path) is None:
                    built[path] = source
        self._add(files, config, built)
        if config.nav is not None:
            config.nav[:] = core.with_scenarios(config.nav, result.site)
        return files

    def _add(self, files: Files, config: MkDocsConfig, built: dict[str, bytes | Path]) -> None:
        many = len(self.site.scenarios if self.site else ()) > core.NAV_LIMIT
        sources = {s.src_uri: s.source_file for s in self.site.scenarios} if self.site else {}
        for path, data in built.items():
            existing = files.get_file_from_path(path)
            page = path.endswith(".md") and isinstance(data, bytes)
            if page and existing is not None and not existing.generated_by:
                # A hand-written page with its markers filled in: it keeps its place and source.
                existing.content_string = data.decode("utf-8")
                continue
            if existing is not None:
                files.remove(existing)
            if isinstance(data, Path):  # a rendered PDF, copied from the cache by MkDocs
                file = File.generated(config, path, abs_src_path=str(data))
            else:
                file = File.generated(config, path, content=data)
            if path in sources:
                source = self.project.root / sources[path]
                docs = Path(config.docs_dir)
                file.edit_uri = (
                    source.relative_to(docs).as_posix() if source.is_relative_to(docs) else None
                )
                if many:
                    file.inclusion = InclusionLevel.NOT_IN_NAV
            files.append(file)

    def on_env(self, env, config: MkDocsConfig, files: Files):
        env.bytecode_cache = core.bytecode_cache(self.options.cache_root)
        # Our theme overrides (site_overrides/) write their text in the edition's language.
        env.globals["_"] = self.project.catalog.gettext
        return env

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        # The raw HTML blocks that Markdown did not need to read, back before search sees the
        # page, except those that add nothing to search (put back in on_post_page); all their
        # anchors as MkDocs would have collected them.
        html, ids = core.fill_raw_html(html, for_search=True)
        if ids and page.present_anchor_ids is not None:
            page.present_anchor_ids |= ids
        if page.file.src_uri in self.summaries:
            self.scenario_urls.add(page.url)
        described = core.describe(self.summaries, page.file.src_uri, html)
        if not page.meta.get("description") and described:
            page.meta["description"] = described
        return html

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        return core.add_policy(core.fill_deferred(output))

    def on_post_template(self, output_content: str, template_name: str, config: MkDocsConfig):
        return core.add_policy(output_content) if template_name.endswith(".html") else None

    @event_priority(-50)  # after the search plugin has written its index
    def on_post_build(self, config: MkDocsConfig) -> None:
        index = Path(config.site_dir) / "search" / "search_index.json"
        if index.is_file():
            core.fold_index_file(index, self.scenario_urls)
        if _EDITION.get() is not None:
            return  # another edition: the default one's build puts the site in place
        # MkDocs gives every build of one mkdocs.yml the same plugin instance, so the editions'
        # builds run through this one: its state is the default edition's again after them.
        state = dict(self.__dict__)
        others = state["project"].languages[1:]
        if others and not self.options.editions:
            # Like the PDFs, the other editions wait for a build, so a preview stays fast.
            log.info(
                "Other editions (%s) are not previewed: set FOLLOWUP_EDITIONS_ON_SERVE=1",
                ", ".join(others),
            )
            others = []
        try:
            for language in others:
                self._build_edition(state["project"], language, config)
        finally:
            self.__dict__.update(state)
        staged, self.staging = self.staging, None
        if staged is not None:
            core.swap_into_place(*staged)

    def _build_edition(self, project: core.Project, language: str, config: MkDocsConfig) -> None:
        """Build the edition in `language` into the site's `language/` folder: MkDocs' own
        build of the same mkdocs.yml, with that edition's pages, navigation, theme language
        (Material's interface and search language follow it) and address."""
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        edition = project.edition(language)
        overrides = {
            "docs_dir": str(edition.docs_dir),
            "site_dir": str(Path(config.site_dir) / language),
            "site_name": edition.config.name,
            "site_description": edition.config.description or None,
            "site_url": f"{config.site_url.rstrip('/')}/{language}/" if config.site_url else None,
            "strict": config.strict,
        }
        if edition.config.nav:
            overrides["nav"] = list(edition.config.nav)
        edition_config = load_config(config.config_file_path, **overrides)
        edition_config.theme["language"] = language
        # mkdocs.yml's own words: the light/dark toggle's label, the footer's copyright line
        # and the title of the headings' permalinks.
        say = edition.catalog.gettext
        for scheme in edition_config.theme.get("palette") or ():
            toggle = scheme.get("toggle") if isinstance(scheme, dict) else None
            if isinstance(toggle, dict) and isinstance(toggle.get("name"), str):
                toggle["name"] = say(toggle["name"])
        if edition_config.copyright:
            edition_config.copyright = say(edition_config.copyright)
        toc = edition_config.mdx_configs.setdefault("toc", {})
        toc["permalink_title"] = say(toc.get("permalink_title") or core.N_("Permanent link"))
        if "alternate" not in edition_config.extra or edition_config.extra["alternate"] is None:
            edition_config.extra["alternate"] = core.alternates(project, here=language)
        log.info("Building the %s edition", edition.catalog.edition.name)
        token = _EDITION.set((edition, self.serve))
        try:
            build(edition_config, serve_url=None, dirty=False)
        finally:
            _EDITION.reset(token)

    def on_build_error(self, error: Exception) -> None:
        if _EDITION.get() is not None:
            return  # the default edition's build fails with it, and discards the site
        staged, self.staging = self.staging, None
        if staged is not None:
            core.discard(staged[0])
            log.error("Nothing was written: the previous site in %s is as it was.", staged[1])


def _warnings_and_errors(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING


EXAMPLE_SITE_URL = "https://followup-kit.example.org/"
"""The address in the project's own mkdocs.yml, which a fork has to replace with its own."""


def _tell_about_site_url(site_url: str | None) -> None:
    """Tell a forker who has not set `site_url` yet what that breaks (at INFO level: a warning
    would fail every strict build of the project's own mkdocs.yml, as in its CI)."""
    if site_url and site_url.rstrip("/") != EXAMPLE_SITE_URL.rstrip("/"):
        return
    where = f"still the example address {site_url}" if site_url else "not set"
    log.info(
        "site_url is %s: the sitemap, the canonical links and Material's instant navigation "
        "need the address the site is published at. Set site_url in mkdocs.yml (or the "
        "SITE_URL environment variable) before you publish.",
        where,
    )
