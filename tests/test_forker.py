"""A forker's scenario shows up everywhere; built-ins can be hidden or replaced; the CI workflow
is valid."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml
from helpers import ROOT, build_site, outline_titles, pdftotext
from pypdf import PdfReader

from build_scripts.links import GUIDE_PDF, PACK_ZIP, TEMPLATES_JSON
from build_scripts.links import scenario_pdf as scenario_pdf_path

NEW_TITLE = "After a take-home task"


def forker_scenario(source: Path, scenario_id: str, title: str) -> str:
    text = source.read_text()
    text = text.replace("id: post-interview", f"id: {scenario_id}")
    text = text.replace("title: Thank-you note after an interview", f"title: {title}")
    text = text.replace("category: thank-you", "category: waiting")
    return re.sub(r"related: \[.*\]", "related: [post-interview]", text)


def test_a_new_scenario_appears_in_every_output(project: Path, tmp_path: Path) -> None:
    scenarios = project / "content" / "scenarios"
    (scenarios / "after-take-home.yml").write_text(
        forker_scenario(scenarios / "post-interview.yml", "after-take-home", NEW_TITLE)
    )
    site = tmp_path / "site"
    build_site(project, site)

    page = (site / "scenarios" / "after-take-home" / "index.html").read_text()
    assert NEW_TITLE in page
    assert "data-fu-panel" in page
    assert 'id="fu-data"' in page
    assert "data-fu-planner" in page
    home = (site / "index.html").read_text()
    # The home page lists every scenario (it has no sidebar, and its chooser shows the
    # scenarios that chooser.yml names).
    assert 'href="scenarios/after-take-home/"' in home
    assert NEW_TITLE in (site / "timing" / "index.html").read_text()
    assert NEW_TITLE in (site / "scenarios" / "index.html").read_text()

    guide = site / GUIDE_PDF
    reader = PdfReader(guide)
    assert (1, NEW_TITLE) in [(depth, title) for depth, title, _ in outline_titles(reader)]
    assert NEW_TITLE in pdftotext(guide)
    assert "after-take-home__company" in reader.get_fields()  # its worksheet
    assert NEW_TITLE in pdftotext(site / scenario_pdf_path("after-take-home"))

    with zipfile.ZipFile(site / PACK_ZIP) as archive:
        assert "follow-up-templates/after-take-home/standard.eml" in archive.namelist()
    data = json.loads((site / TEMPLATES_JSON).read_text())
    assert "after-take-home" in [s["id"] for s in data["scenarios"]]


def test_hide_removes_a_built_in_scenario_everywhere(project: Path, tmp_path: Path) -> None:
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "    paper: a4\n", "    paper: a4\n    hide: [after-rejection, negotiating-an-offer]\n"
        )
    )
    site = tmp_path / "site"
    build_site(project, site)  # strict: a guide page's link to a hidden scenario would warn
    assert not (site / "scenarios" / "after-rejection").exists()
    # A guide page that linked to a hidden scenario keeps the words, without the link.
    offers = (site / "offers" / "index.html").read_text()
    assert "negotiating-an-offer" not in offers
    assert "Asking about an offer or negotiating it" in offers
    assert "negotiating it" in pdftotext(site / GUIDE_PDF)
    assert not (site / scenario_pdf_path("after-rejection")).exists()
    assert "after-rejection" not in (site / "index.html").read_text()
    assert "Replying to a rejection" not in pdftotext(site / GUIDE_PDF)
    data = json.loads((site / TEMPLATES_JSON).read_text())
    assert "after-rejection" not in [s["id"] for s in data["scenarios"]]
    # Its questions leave the questions-and-answers page with it.
    asked = yaml.safe_load((project / "content/scenarios/after-rejection.yml").read_text())["faq"]
    faq = (site / "faq" / "index.html").read_text()
    assert "faq-after-rejection-1" not in faq
    assert html.escape(asked[0]["question"], quote=False) not in faq
    # Other scenarios listed it as related; the links are dropped, not broken.
    assert (
        "after-rejection" not in (site / "scenarios" / "post-interview" / "index.html").read_text()
    )


def test_a_local_scenario_replaces_the_built_in_one_with_its_id(
    project: Path, tmp_path: Path
) -> None:
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "    paper: a4\n", "    paper: a4\n    local_scenarios: content/local-scenarios\n"
        )
    )
    local = project / "content" / "local-scenarios"
    local.mkdir()
    replacement = (project / "content" / "scenarios" / "post-interview.yml").read_text()
    replacement = replacement.replace(
        "title: Thank-you note after an interview", "title: Our own thank-you guidance"
    )
    (local / "post-interview.yml").write_text(replacement)
    site = tmp_path / "site"
    build_site(project, site)
    page = (site / "scenarios" / "post-interview" / "index.html").read_text()
    assert "Our own thank-you guidance" in page
    assert "Thank-you note after an interview" not in (site / "index.html").read_text()
    assert not (site / "local-scenarios").exists()


def test_settings_mistakes_are_reported_with_the_setting(project: Path) -> None:
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "    paper: a4\n", "    paper: a4\n    hide: [after-rejectoin]\n    colour: red\n"
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "build_scripts", "check"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert (
        "extra.followup.hide[0]: no scenario with id 'after-rejectoin'; "
        "did you mean 'after-rejection'?" in done.stderr
    )
    assert "extra.followup.colour: unknown setting" in done.stderr
    assert "Traceback" not in done.stderr
    config.write_text(
        config.read_text().replace("    colour: red\n", "    page_footer: Seite {seite}\n")
    )
    done = subprocess.run(
        [sys.executable, "-m", "build_scripts", "check"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert (
        "extra.followup.page_footer: unknown field {seite}; the wording may use {page} and "
        "{total}" in done.stderr
    )


def test_the_page_footer_speaks_the_language_the_settings_give(
    project: Path, tmp_path: Path
) -> None:
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "    paper: a4\n",
            "    paper: a4\n    page_footer: Página {page} de {total}\n"
            "    contents_footer: Página {page}\n",
        )
    )
    site = tmp_path / "site"
    build_site(project, site)
    guide = site / GUIDE_PDF
    assert "Página ii" in pdftotext(guide, 2)
    text = pdftotext(guide)
    assert re.search(r"Página 1 de \d+", text)
    assert "Page 1 of" not in text
    own = site / scenario_pdf_path("post-interview")
    assert f"Página 1 de {len(PdfReader(own).pages)}" in pdftotext(own)


def test_the_publishing_workflow_is_a_valid_github_workflow() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(ROOT / ".github" / "workflows" / "publish.yml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_vscode_maps_scenario_files_to_the_schema() -> None:
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text())
    mapped = settings["yaml.schemas"]["./content/schema/scenario.schema.json"]
    assert "content/scenarios/*.yml" in mapped
    assert (ROOT / "content" / "schema" / "scenario.schema.json").is_file()


def test_ids_shaped_like_another_scenarios_pdf_anchors_build_side_by_side(
    project: Path, tmp_path: Path
) -> None:
    # A scenario's sections in the guide are `sc-<id>--worksheet` and `sc-<id>--template-<t>`:
    # ids cannot hold "--", so no id can name another scenario's section.
    scenarios = project / "content" / "scenarios"
    shaped = {
        "post-interview-worksheet": "Worksheet-shaped id",
        "post-interview-template-standard": "Template-shaped id",
    }
    for scenario_id, title in shaped.items():
        (scenarios / f"{scenario_id}.yml").write_text(
            forker_scenario(scenarios / "post-interview.yml", scenario_id, title)
        )
    site = tmp_path / "site"
    build_site(project, site)
    titles = [title for depth, title, _ in outline_titles(PdfReader(site / GUIDE_PDF))]
    for title in shaped.values():
        assert title in titles
    assert "Thank-you note after an interview" in titles
