"""The core's floor under the outputs: the project as mkdocs.yml describes it, the build options
(the one place the environment is read), and the reading order (navigation and guide)."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from helpers import ROOT

from build_scripts import SiteConfig, load_site
from build_scripts.nav import NAV_LIMIT, guide_chapters, with_scenarios
from build_scripts.options import OptionsError, build_options
from build_scripts.project import Project, bundled
from build_scripts.settings import Settings


def test_options_take_the_command_line_over_the_environment_over_the_settings() -> None:
    settings = Settings(paper="letter")
    assert build_options(settings, environ={}).paper == "letter"
    assert build_options(settings, environ={"FOLLOWUP_PAPER": "A4"}).paper == "a4"
    assert build_options(settings, paper="letter", environ={"FOLLOWUP_PAPER": "a4"}).paper == (
        "letter"
    )
    with pytest.raises(OptionsError, match="FOLLOWUP_PAPER: expected one of a4, letter"):
        build_options(settings, environ={"FOLLOWUP_PAPER": "a3"})


def test_options_read_the_edition_pdf_switches_lint_and_debug_from_the_environment() -> None:
    options = build_options(Settings(), environ={"SOURCE_DATE_EPOCH": "1767225600"})
    assert options.edition == dt.date(2026, 1, 1)
    assert options.pdf
    assert options.lint is None
    assert not options.debug
    assert not build_options(Settings(), environ={"FOLLOWUP_PDF": "off"}).pdf
    assert not build_options(Settings(), serve=True, environ={}).pdf
    assert build_options(Settings(), serve=True, environ={"FOLLOWUP_PDF_ON_SERVE": "1"}).pdf
    assert build_options(Settings(), environ={"FOLLOWUP_LINT": "strict"}).lint == "strict"
    assert build_options(Settings(), environ={"FOLLOWUP_DEBUG": "1"}).debug
    with pytest.raises(OptionsError, match="FOLLOWUP_LINT"):
        build_options(Settings(), environ={"FOLLOWUP_LINT": "loud"})


def test_only_the_options_module_reads_the_environment() -> None:
    readers = []
    for module in sorted((ROOT / "build_scripts").rglob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv"):
                readers.append(module.relative_to(ROOT).as_posix())
    # cli.py passes the environment on to the MkDocs it starts (and sets FOLLOWUP_* for it).
    assert sorted(set(readers)) == ["build_scripts/cli.py", "build_scripts/options.py"]


def test_the_project_reads_its_folders_and_site_settings_from_mkdocs_yml(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Handbook\nsite_url: !ENV [SITE_URL, 'https://x.example/']\ndocs_dir: pages\n"
        "theme: {name: material, language: de}\n"
        "markdown_extensions: [admonition, {toc: {permalink: true}}]\n"
        "plugins:\n  - search\n  - followup:\n      scenarios: data/followups\n"
        "nav: [index.md, {Scenarios: scenarios/index.md}]\n",
        encoding="utf-8",
    )
    project = Project.from_root(tmp_path)
    assert project.settings_errors == ()
    assert project.config.name == "Handbook"
    assert project.config.language == "de"
    assert project.docs_dir == tmp_path / "pages"
    assert project.scenarios_dir == tmp_path / "data" / "followups"
    assert project.templates_dir == bundled("templates")
    assert (project.templates_dir / "site" / "scenario.md.j2").is_file()
    assert (project.assets_dir / "followup.js").is_file()
    # MkDocs' own extensions come first, as MkDocs loads them.
    assert project.config.markdown_extensions[:3] == ("toc", "tables", "fenced_code")
    assert project.config.mdx_configs["toc"] == {"permalink": True}


def test_a_bad_plugin_option_names_mkdocs_yml_its_line_and_key(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: X\nplugins:\n  - followup:\n      scenario: data\n      templates: 3\n",
        encoding="utf-8",
    )
    problems = [str(p) for p in Project.from_root(tmp_path).settings_errors]
    assert problems == [
        "mkdocs.yml:4:1: plugins.followup.scenario: unknown option; expected scenarios, "
        "templates, assets",
        "mkdocs.yml:5:1: plugins.followup.templates: expected a folder, relative to mkdocs.yml",
    ]


def test_the_guide_follows_the_navigation_and_skips_generated_pages(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "why.md").write_text("---\ndescription: For the site.\n---\n# Why\n\nBecause.\n")
    (docs / "how.md").write_text("# How\n")
    nav = [
        {"Home": "why.md"},
        "timing.md",
        {"Scenarios": "scenarios/index.md"},
        {"More": ["how.md", "missing.md", "add-a-scenario.md"]},
    ]
    chapters = guide_chapters(nav, docs)
    assert [(c.kind, c.title, c.src_uri) for c in chapters] == [
        ("page", "Home", "why.md"),
        ("timing", "Timing at a glance", ""),
        ("scenarios", "Scenarios", ""),
        ("page", "how.md", "how.md"),
    ]
    assert chapters[0].markdown == "# Why\n\nBecause.\n"  # without the front matter
    # With no scenario index in the navigation, the scenarios come last.
    assert guide_chapters(["how.md"], docs)[-1].kind == "scenarios"


def test_the_navigation_gets_every_scenario_by_category_in_the_index_section() -> None:
    site = load_site(Project.from_root(ROOT))
    nav = with_scenarios(["index.md", {"Read": "scenarios/index.md"}, "about.md"], site)
    assert nav[0] == "index.md"
    assert nav[2] == "about.md"
    (title, pages), *_ = nav[1].items()
    assert title == "Read"
    assert pages[0] == "scenarios/index.md"
    listed = [uri for section in pages[1:] for uri in next(iter(section.values()))]
    assert listed == [s.src_uri for c in site.categories for s in c.scenarios]
    # A navigation without the index gets a Scenarios section at its end.
    assert next(iter(with_scenarios(["index.md"], site)[-1])) == "Scenarios"
    assert len(site.scenarios) <= NAV_LIMIT


def test_a_site_config_needs_no_mkdocs_yml() -> None:
    project = Project(ROOT, config=SiteConfig(docs_dir="content"))
    assert project.scenarios_dir == ROOT / "content" / "scenarios"
    assert project.chooser_file == "content/chooser.yml"


RENDERERS = {"render_site", "render_pack", "pdf"}


def _imported(module: Path) -> set[str]:
    """The build_scripts modules `module` imports (relative imports, by top-level name)."""
    names = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom) or not node.level:
            continue
        if module.parent.name == "pdf" and node.level == 1:
            continue  # inside the pdf package
        if node.module:
            names.add(node.module.split(".")[0])
        else:
            names.update(alias.name for alias in node.names)
    return names


def test_no_renderer_imports_another_renderer_the_lint_or_the_hosts() -> None:
    package = ROOT / "build_scripts"
    for renderer in RENDERERS:
        path = package / renderer
        modules = sorted(path.glob("*.py")) if path.is_dir() else [path.with_suffix(".py")]
        for module in modules:
            forbidden = (RENDERERS - {renderer}) | {"lint", "outputs", "cli", "mkdocs_plugin"}
            assert not _imported(module) & forbidden, module.relative_to(ROOT)


def test_the_mkdocs_plugin_uses_the_core_only_through_its_public_api() -> None:
    plugin = (ROOT / "build_scripts" / "mkdocs_plugin.py").read_text(encoding="utf-8")
    tree = ast.parse(plugin)
    ours = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom | ast.Import) and "build_scripts" in ast.unparse(node)
    ]
    assert [ast.unparse(node) for node in ours] == ["import build_scripts as core"]
    import build_scripts

    used = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "core"
    }
    assert used <= set(build_scripts.__all__)
