"""The project: where its parts are, its settings, and what the build takes from mkdocs.yml.

Read without MkDocs (mkdocs.yml is plain YAML to us; tags such as !ENV are skipped), so the
command line and the exports see the same project as the MkDocs plugin, which makes its Project
from MkDocs' own config instead (build_scripts/mkdocs_plugin.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from .errors import ScenarioError
from .i18n import ENGLISH, Catalog
from .root import ProjectNotFoundError, find_root  # noqa: F401 (part of the API)
from .settings import CONFIG_FILE, LenientLoader, Settings, line_of, parse_settings

WORD_LIST = Path("content") / "wordlist.txt"
"""Words the spelling check accepts, one per line (relative to the project folder)."""

PLUGIN_NAME = "followup"
"""The plugin's name in mkdocs.yml (`plugins: - followup`), as registered in pyproject.toml."""

MKDOCS_EXTENSIONS = ("toc", "tables", "fenced_code")
"""The Markdown extensions MkDocs always loads, before those mkdocs.yml lists."""

FOLDER_OPTIONS = ("scenarios", "templates", "assets")
"""The plugin's options: folders, relative to mkdocs.yml."""


_SOURCE_FOLDERS = {"templates": "templates", "assets": "content/assets"}
"""Where the package's own templates and assets are in a source checkout (pyproject.toml maps
them into the package: build_scripts/templates, build_scripts/assets)."""


def bundled(part: str) -> Path:
    """The package's own copy of the templates or the assets, for a site that sets none: inside
    the installed package, or in the checkout an editable install points to."""
    package = Path(__file__).resolve().parent
    for folder in (package / part, package.parent / _SOURCE_FOLDERS[part]):
        if folder.is_dir():
            return folder
    raise ProjectNotFoundError(f"this installation of followup-kit has no {part} folder")


@dataclass(frozen=True)
class SiteConfig:
    """What the build takes from mkdocs.yml besides `extra.followup`."""

    name: str = "Follow-up guide"
    description: str = ""
    author: str = ""
    language: str = "en"
    docs_dir: str = "docs"
    nav: tuple = ()
    """The navigation as written (empty when mkdocs.yml has none)."""
    markdown_extensions: tuple[str, ...] = ()
    mdx_configs: Mapping[str, dict] = field(default_factory=dict)
    directory_urls: bool = True
    """`use_directory_urls`: whether `a.md` is published as `a/` or as `a.html`."""


@dataclass(frozen=True)
class Project:
    """Where a followup-kit project keeps its parts, and its settings."""

    root: Path
    settings: Settings = field(default_factory=Settings)
    settings_errors: tuple[ScenarioError, ...] = ()
    config: SiteConfig = field(default_factory=SiteConfig)
    folders: Mapping[str, str] = field(default_factory=dict)
    """The plugin's folder options as set (`scenarios`, `templates`, `assets`)."""
    catalog: Catalog = ENGLISH
    """The interface text of this edition's language (English for the default edition)."""
    default_docs_dir: str | None = None
    """In an edition other than the default one, the default edition's docs folder (whose
    scenarios, sources and chooser this edition translates); None in the default edition."""

    @classmethod
    def from_root(cls, root: Path) -> Project:
        """A project as its mkdocs.yml describes it."""
        path = root / CONFIG_FILE
        try:
            text = path.read_text(encoding="utf-8")
            config = yaml.load(text, Loader=LenientLoader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            problem = ScenarioError(CONFIG_FILE, 1, 1, "(file)", f"cannot read: {exc}")
            return cls(root, settings_errors=(problem,))
        config = config if isinstance(config, dict) else {}
        settings, problems = parse_settings(config.get("extra"), text)
        folders, more = _plugin_options(config.get("plugins"), text)
        return cls(root, settings, (*problems, *more), site_config(config), folders)

    @property
    def languages(self) -> tuple[str, ...]:
        """Every edition's language, the default one first."""
        return self.settings.languages or (self.config.language,)

    @property
    def language(self) -> str:
        """This edition's language."""
        return self.config.language

    @property
    def is_default_edition(self) -> bool:
        return self.default_docs_dir is None

    @property
    def country(self) -> str:
        """The country the date planner counts business days for until the reader picks one."""
        return self.settings.countries.get(self.language) or self.catalog.edition.country or "US"

    def edition(self, language: str) -> Project:
        """This project's edition in `language` (one of `languages` after the first): its
        pages and translations in the docs folder's `language` folder, over this project's
        scenarios, sources and chooser."""
        from .i18n import STRINGS_FILE, load_catalog

        folder = f"{self.config.docs_dir}/{language}"
        catalog, problems = load_catalog(
            self.root / folder / STRINGS_FILE, f"{folder}/{STRINGS_FILE}", language
        )
        config = replace(
            self.config,
            docs_dir=folder,
            language=language,
            name=catalog.edition.site_name or self.config.name,
            description=catalog.edition.site_description or self.config.description,
            nav=translated_nav(self.config.nav, catalog),
        )
        return replace(
            self,
            config=config,
            settings_errors=(*self.settings_errors, *problems),
            catalog=catalog,
            default_docs_dir=self.config.docs_dir,
        )

    @property
    def base_docs_dir(self) -> str:
        """The default edition's docs folder (relative to the project folder)."""
        return self.default_docs_dir or self.config.docs_dir

    @property
    def docs_dir(self) -> Path:
        return self.root / self.config.docs_dir

    @property
    def scenarios_dir(self) -> Path:
        return self.root / self.folders.get("scenarios", f"{self.base_docs_dir}/scenarios")

    @property
    def translations_dir(self) -> Path | None:
        """Where this edition's translations of the scenarios are (None: the default edition)."""
        return None if self.is_default_edition else self.docs_dir / "scenarios"

    @property
    def word_list(self) -> Path:
        """Words the spelling check accepts in this edition's language, one per line."""
        return self.docs_dir / WORD_LIST.name

    @property
    def local_scenarios_dir(self) -> Path | None:
        folder = self.settings.local_scenarios
        return self.root / folder if folder else None

    @property
    def templates_dir(self) -> Path:
        folder = self.folders.get("templates")
        return self.root / folder if folder else bundled("templates")

    @property
    def assets_dir(self) -> Path:
        """The page script and style the scenario pages need (followup.js, followup.css)."""
        folder = self.folders.get("assets")
        return self.root / folder if folder else bundled("assets")

    @property
    def pdf_fonts_dir(self) -> Path:
        """The fonts the PDFs embed (made by `python -m build_scripts.fonts`)."""
        return self.templates_dir / "pdf" / "fonts"

    @property
    def chooser_file(self) -> str:
        """The "which scenario fits?" questions, relative to the project folder (an edition
        without its own asks them in the default language)."""
        own = f"{self.config.docs_dir}/chooser.yml"
        if self.is_default_edition or (self.root / own).is_file():
            return own
        return f"{self.base_docs_dir}/chooser.yml"

    @property
    def sources_file(self) -> str:
        """The registry of the sources the guide pages cite, relative to the project folder."""
        return f"{self.base_docs_dir}/sources.yml"

    @property
    def sources_translation(self) -> str | None:
        """This edition's translation of the registry (its claims, its own sources), if any."""
        own = f"{self.config.docs_dir}/sources.yml"
        return None if self.is_default_edition or not (self.root / own).is_file() else own

    def edition_folders(self) -> list[Path]:
        """The folders of the other editions, in the default edition's docs folder."""
        return [self.root / self.base_docs_dir / code for code in self.languages[1:]]

    def is_build_input(self, path: Path) -> bool:
        """Scenario files, the chooser and the spelling word list may live in the docs folder,
        but they are inputs of the build, not pages or assets: they stay out of the site. So
        do the other editions' folders, which are built as sites of their own, and the
        interface text of this one."""
        from .i18n import STRINGS_FILE

        path = path.resolve()
        if self.is_default_edition and any(
            path.is_relative_to(f.resolve()) for f in self.edition_folders()
        ):
            return True
        folders = [
            f.resolve()
            for f in (self.scenarios_dir, self.local_scenarios_dir, self.translations_dir)
            if f
        ]
        if path.suffix in (".yml", ".yaml") and any(path.is_relative_to(f) for f in folders):
            return True
        inputs = [
            self.root / self.chooser_file,
            self.root / self.sources_file,
            self.word_list,
            self.root / WORD_LIST,
            self.docs_dir / STRINGS_FILE,
        ]
        if self.sources_translation:
            inputs.append(self.root / self.sources_translation)
        return path in {p.resolve() for p in inputs}


def translated_nav(nav: object, catalog: Catalog) -> tuple:
    """mkdocs.yml's navigation with each title in the catalog's language (the same pages:
    an edition's pages have the default edition's file names)."""

    def walk(item: object) -> object:
        if isinstance(item, Mapping):
            return {
                catalog.gettext(str(title)) if isinstance(title, str) else title: walk(value)
                for title, value in item.items()
            }
        if isinstance(item, list | tuple):
            return [walk(value) for value in item]
        return item

    return tuple(walk(list(nav or ())))


def site_config(config: Mapping) -> SiteConfig:
    """The parts of a mkdocs.yml mapping the build uses (MkDocs' defaults where unset)."""
    theme = config.get("theme")
    language = theme.get("language") if isinstance(theme, Mapping) else None
    names: list[str] = list(MKDOCS_EXTENSIONS)
    configs: dict[str, dict] = {}
    for item in config.get("markdown_extensions") or ():
        name, options = next(iter(item.items())) if isinstance(item, Mapping) else (item, None)
        if str(name) not in names:
            names.append(str(name))
        if isinstance(options, Mapping):
            configs[str(name)] = dict(options)
    nav = config.get("nav")

    def text(key: str, default: str = "") -> str:
        value = config.get(key)
        return value if isinstance(value, str) else default

    return SiteConfig(
        name=text("site_name", SiteConfig.name),
        description=text("site_description"),
        author=text("site_author"),
        language=language if isinstance(language, str) else "en",
        docs_dir=text("docs_dir", "docs"),
        nav=tuple(nav) if isinstance(nav, list) else (),
        markdown_extensions=tuple(names),
        mdx_configs=configs,
        directory_urls=config.get("use_directory_urls") is not False,
    )


def _plugin_options(plugins: object, text: str) -> tuple[dict[str, str], list[ScenarioError]]:
    """The folder options of `plugins: - followup: {...}` (none when the plugin is not listed:
    the command line and the exports work without it)."""
    items = plugins.items() if isinstance(plugins, Mapping) else plugins or ()
    for item in items:
        if isinstance(item, tuple):
            name, options = item
        elif isinstance(item, Mapping):
            name, options = next(iter(item.items()))
        else:
            name, options = item, None
        if name != PLUGIN_NAME or options is None:
            continue
        if not isinstance(options, Mapping):
            return {}, [_option_error(text, PLUGIN_NAME, "expected a mapping of options")]
        folders, problems = {}, []
        for key, value in options.items():
            if key not in FOLDER_OPTIONS:
                expected = ", ".join(FOLDER_OPTIONS)
                problems.append(_option_error(text, key, f"unknown option; expected {expected}"))
            elif not isinstance(value, str) or not value.strip():
                problems.append(
                    _option_error(text, key, "expected a folder, relative to mkdocs.yml")
                )
            else:
                folders[key] = value
        return folders, problems
    return {}, []


def _option_error(text: str, key: str, message: str) -> ScenarioError:
    path = f"plugins.{PLUGIN_NAME}" + ("" if key == PLUGIN_NAME else f".{key}")
    return ScenarioError(CONFIG_FILE, line_of(text, key), 1, path, message)
