"""`followup export`: the outputs without MkDocs; `followup build` reads every scenario once."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from helpers import ENV, ROOT, copy_project

from build_scripts.links import GUIDE_PDF, PACK_ZIP, TEMPLATES_JSON, scenario_pdf

MAIN = "import sys; from build_scripts.cli import main; sys.exit(main(sys.argv[1:]))"
SCENARIOS = sorted(p.stem for p in (ROOT / "content" / "scenarios").glob("*.yml"))


def followup(*args: object, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "build_scripts.cli", *map(str, args)],
        cwd=cwd,
        env={**ENV, "SOURCE_DATE_EPOCH": "1767225600", **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This project's pages exported (without the PDFs, to stay quick)."""
    out = tmp_path_factory.mktemp("export") / "out"
    done = followup("export", "pages", "--out", out, cwd=ROOT, FOLLOWUP_PDF="off")
    assert done.returncode == 0, done.stderr
    return out


def test_exported_pages_build_with_plain_mkdocs_and_no_followup_plugin(exported: Path) -> None:
    config = (exported / "mkdocs.yml").read_text(encoding="utf-8")
    assert "followup" not in re.sub(r"#.*", "", config).split("plugins:")[1].split("\n\n")[0]
    assert "hooks:" not in config
    assert "site_url: !ENV [SITE_URL" in config  # kept for the engine to resolve
    site = exported / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
        cwd=exported,
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for scenario in SCENARIOS:
        assert (site / "scenarios" / scenario / "index.html").is_file(), scenario
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "followup:" not in home  # every marker was filled in
    assert 'href="scenarios/post-interview/"' in home  # the chooser's and the list's links


def test_exported_docs_hold_pages_assets_and_no_build_inputs(exported: Path) -> None:
    docs = exported / "docs"
    assert not list(docs.rglob("*.yml"))  # scenario files and the chooser are inputs
    assert not (docs / "wordlist.txt").exists()
    assert (docs / "assets" / "followup.js").is_file()
    assert (exported / "overrides" / "main.html").is_file()
    page = (docs / "scenarios" / "post-interview.md").read_text(encoding="utf-8")
    front = yaml.safe_load(page.split("---\n")[1])
    assert front["description"].startswith("You just finished an interview")
    # The page's data is in the page itself (a build puts it in after Markdown, from memory).
    assert "@@fu-json:" not in page
    assert 'data-fu-json="{&#34;anchors' in page
    nav = yaml.safe_load(re.sub(r"!ENV", "", (exported / "mkdocs.yml").read_text()))["nav"]
    scenarios = next(item["Scenarios"] for item in nav if "Scenarios" in item)
    listed = [p for section in scenarios[1:] for p in next(iter(section.values()))]
    assert sorted(listed) == [f"scenarios/{s}.md" for s in SCENARIOS]


def test_export_pdf_works_in_a_project_without_plugins_and_without_mkdocs(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"\nplugins:\n(?:  .*\n|\n(?=  ))*", "\n", config)
    assert "- followup" not in config
    assert "plugins:" not in config
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    # Importing MkDocs fails in this run: the export must not need it.
    fake = tmp_path / "no-mkdocs" / "mkdocs"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('raise ImportError("mkdocs was imported")\n')
    out = tmp_path / "pdfs"
    done = followup(
        "--project",
        project,
        "export",
        "pdf",
        "--out",
        out,
        cwd=tmp_path,
        PYTHONPATH=str(fake.parent),
        FOLLOWUP_CACHE_DIR=str(tmp_path / "cache"),
    )
    assert done.returncode == 0, done.stderr
    assert (out / GUIDE_PDF).read_bytes()[:5] == b"%PDF-"
    for scenario in SCENARIOS:
        assert (out / scenario_pdf(scenario)).read_bytes()[:5] == b"%PDF-"
    assert not list(out.rglob("*.md"))
    assert not (out / PACK_ZIP).exists()


def test_export_pack_is_the_sites_pack(tmp_path: Path) -> None:
    out = tmp_path / "pack"
    done = followup("export", "pack", "--out", out, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out / PACK_ZIP) as archive:
        names = archive.namelist()
    assert "follow-up-templates/templates.json" in names
    assert (out / TEMPLATES_JSON).read_bytes().startswith(b"{")
    assert not (out / GUIDE_PDF).exists()


def test_export_of_a_broken_project_writes_nothing(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "content" / "scenarios" / "broken.yml").write_text("id: Not A Slug\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "kept.txt").write_text("from before")
    done = followup("export", "pack", "--out", out, cwd=project)
    assert done.returncode == 1
    assert "content/scenarios/broken.yml:1:" in done.stderr
    assert "was not changed" in done.stderr
    assert "Traceback" not in done.stderr
    assert [p.name for p in out.iterdir()] == ["kept.txt"]


@pytest.mark.parametrize("where", [".", "content", "content/scenarios", "templates", ".."])
def test_export_refuses_a_folder_holding_the_project_or_its_inputs(
    tmp_path: Path, where: str
) -> None:
    project = copy_project(tmp_path / "project")
    done = followup("export", "pack", "--out", project / where, cwd=project)
    assert done.returncode == 1
    assert "holds the project or its files" in done.stderr
    assert "was not changed" in done.stderr
    assert (project / "content" / "scenarios" / "post-interview.yml").is_file()


def test_export_replaces_only_a_previous_export_or_an_empty_folder(tmp_path: Path) -> None:
    out = tmp_path / "notes"
    out.mkdir()
    (out / "mine.txt").write_text("my own notes")
    done = followup("export", "pack", "--out", out, cwd=ROOT)
    assert done.returncode == 1
    assert "was not written by `followup export`" in done.stderr
    assert (out / "mine.txt").read_text() == "my own notes"
    fresh = tmp_path / "pack"
    assert followup("export", "pack", "--out", fresh, cwd=ROOT).returncode == 0
    (fresh / "stale.txt").write_text("left from before")
    assert followup("export", "pack", "--out", fresh, cwd=ROOT).returncode == 0
    assert not (fresh / "stale.txt").exists()  # replaced as a whole
    assert (fresh / PACK_ZIP).is_file()


def test_followup_build_reads_the_scenarios_in_mkdocs_only(tmp_path: Path) -> None:
    """The command itself loads no scenario: it starts MkDocs, whose plugin checks, lints and
    builds. (Before, it checked every file, then MkDocs read them all again.)"""
    project = copy_project(tmp_path / "project")
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", MAIN, "build", "--quiet"],
        cwd=project,
        env={**ENV, "FOLLOWUP_PDF": "off"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "build_scripts.cli" in imported
    assert not {"build_scripts.load", "build_scripts.validate", "build_scripts.lint"} & imported
    # The plugin ran the lint inside the build and said so.
    assert f"{len(SCENARIOS)} valid scenarios checked, no problems." in done.stderr
    assert (project / "site" / "scenarios" / "post-interview" / "index.html").is_file()


def test_followup_build_stops_on_a_lint_error_with_site_unchanged(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    scenario = project / "content" / "scenarios" / "post-interview.yml"
    scenario.write_text(scenario.read_text().replace("summary: ", "summary: TODO ", 1))
    done = followup("build", "--quiet", cwd=project, FOLLOWUP_PDF="off")
    assert done.returncode == 1
    assert "FU109" in done.stderr
    assert "site/ was not changed" in done.stderr
    assert not (project / "site").exists()


def test_a_quiet_followup_build_still_fails_on_a_warning(tmp_path: Path) -> None:
    """MkDocs' own --quiet stops --strict from counting warnings: a quiet build passed a page
    with a broken link. The quiet build hides MkDocs' INFO lines instead."""
    project = copy_project(tmp_path / "project")
    page = project / "content" / "etiquette.md"
    page.write_text(page.read_text() + "\n[Gone](scenarios/no-such-scenario.md)\n")
    done = followup("build", "--quiet", cwd=project, FOLLOWUP_PDF="off")
    assert done.returncode == 1
    assert "contains a link 'scenarios/no-such-scenario.md'" in done.stderr
    assert "site/ was not changed" in done.stderr
    assert "INFO" not in done.stderr
