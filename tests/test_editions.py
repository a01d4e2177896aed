"""Editions in other languages: the German edition built from the same data, the language
switcher, translations laid over scenario files, and what adding a language takes."""

from __future__ import annotations

import html
import json
import posixpath
import re
import shutil
from pathlib import Path

import pytest
import yaml
from helpers import build_site, copy_project, followup, pdftotext
from pypdf import PdfReader

from build_scripts import Project, check
from build_scripts.errors import ScenarioErrors
from build_scripts.load import load_text
from build_scripts.translations import overlay, untranslated
from build_scripts.validate import validate_one


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project, both editions, PDFs included."""
    project = copy_project(tmp_path_factory.mktemp("editions") / "project", editions=True)
    build_site(project, project / "site")
    return project


def _pages(site: Path) -> set[str]:
    return {
        p.relative_to(site).as_posix()
        for p in site.rglob("index.html")
        if not p.relative_to(site).as_posix().startswith("de/")
    }


def test_every_page_of_the_site_has_its_german_counterpart(built: Path) -> None:
    site = built / "site"
    english = _pages(site)
    german = {p.relative_to(site / "de").as_posix() for p in (site / "de").rglob("index.html")}
    assert len(english) > 40
    assert english == german


def test_german_pages_are_german_throughout(built: Path) -> None:
    site = built / "site" / "de"
    for scenario_file in sorted((built / "content" / "de" / "scenarios").glob("*.yml")):
        data = yaml.safe_load(scenario_file.read_text(encoding="utf-8"))
        page = (site / "scenarios" / data["id"] / "index.html").read_text(encoding="utf-8")
        assert '<html lang="de"' in page
        assert data["title"] in html.unescape(page), data["id"]
        # Every scenario is translated: none carries the "shown in English" note.
        assert "not been translated" not in page
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["de"]
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Was ist gerade passiert?" in html.unescape(home)
    # Umlauts and ß reach the page as characters.
    assert "ü" in home
    assert "ß" in (site / "why-follow-up" / "index.html").read_text("utf-8")


def _switcher(page: Path) -> dict[str, str]:
    text = page.read_text(encoding="utf-8")
    return dict(
        (lang, href)
        for href, lang in re.findall(
            r'<a href="([^"]*)" hreflang="([a-z-]+)"[^>]*class="md-select__link"', text
        )
    )


@pytest.mark.parametrize("page", ["why-follow-up", "scenarios/post-interview", ""])
def test_the_language_switcher_leads_to_the_same_page(built: Path, page: str) -> None:
    site = built / "site"
    for here, there in (("", "de/"), ("de/", "")):
        folder = posixpath.join(here, page) if page else here.rstrip("/")
        links = _switcher(site / folder / "index.html")
        assert set(links) == {"en", "de"}
        target = posixpath.normpath(posixpath.join(folder or ".", links["de" if there else "en"]))
        expected = posixpath.normpath(posixpath.join(there, page) if page else there or ".")
        assert target == expected
        assert (site / target / "index.html").is_file()


def test_the_german_guide_pdf_is_german(built: Path) -> None:
    guide = built / "site" / "de" / "downloads" / "follow-up-guide.pdf"
    reader = PdfReader(guide)
    assert reader.trailer["/Root"]["/Lang"] == "de"
    footer = re.search(r"Seite (\d+) von (\d+)", pdftotext(guide, 12))
    assert footer is not None
    assert int(footer.group(1)) < int(footer.group(2)) <= len(reader.pages)
    text = pdftotext(guide)
    assert "Was ist gerade passiert?" in text
    assert "ä" in text
    assert "ß" in text
    english = PdfReader(built / "site" / "downloads" / "follow-up-guide.pdf")
    assert english.trailer["/Root"]["/Lang"] == "en"


def test_the_template_pack_is_per_language(built: Path) -> None:
    german = json.loads(
        (built / "site" / "de" / "downloads" / "templates.json").read_text(encoding="utf-8")
    )
    english = json.loads((built / "site" / "downloads" / "templates.json").read_text("utf-8"))
    data = yaml.safe_load(
        (built / "content" / "de" / "scenarios" / "post-interview.yml").read_text("utf-8")
    )
    text = json.dumps(german, ensure_ascii=False)
    assert data["templates"][0]["subject"] in text
    assert data["templates"][0]["subject"] not in json.dumps(english, ensure_ascii=False)


# Translations laid over scenario files


def _raw(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_text(path.read_bytes(), name)


BASE = """\
id: demo
title: Demo
summary: A demo.
category: waiting
trigger: Something happened.
timeline:
  - id: first
    title: Write
    text: Write it.
    from: interview
    timing: {unit: days, earliest: 1, ideal: 2, latest: 3}
    ours: true
placeholders:
  name:
    label: Name
    help: Their name.
    example: Ms Rivera
templates:
  - id: note
    title: Note
    purpose: A note.
    subject: "Thanks, {name}"
    body: |
      Dear {name},

      Thank you.
tips:
  do: [One, Two]
"""


def test_a_translation_merges_by_identity_and_replaces_lists(tmp_path: Path) -> None:
    base = _raw(tmp_path, "demo.yml", BASE)
    translation = _raw(
        tmp_path,
        "de-demo.yml",
        """\
id: demo
title: Vorführung
timeline:
  - id: first
    title: Schreiben
    timing: {unit: days, earliest: 5, ideal: 6, latest: 9}
templates:
  - id: note
    subject: "Danke, {name}"
    channels:
      - channel: phone
        when: Wenn Sie anrufen.
        body: Guten Tag, {name}.
tips:
  do: [Eins]
""",
    )
    merged = overlay(base, translation).data
    assert merged["title"] == "Vorführung"
    assert merged["summary"] == "A demo."  # left untranslated
    step = merged["timeline"][0]
    assert (step["title"], step["text"], step["timing"]["earliest"]) == (
        "Schreiben",
        "Write it.",
        5,
    )
    assert merged["templates"][0]["subject"] == "Danke, {name}"
    assert merged["templates"][0]["body"].startswith("Dear")
    assert merged["templates"][0]["channels"][0]["channel"] == "phone"
    assert merged["tips"]["do"] == ["Eins"]
    scenario, problems = validate_one(base)
    assert scenario is not None
    assert problems == []
    left = {".".join(map(str, p)) for p in untranslated(base, translation, scenario)}
    assert {"summary", "trigger", "timeline.0.text", "templates.0.body"} <= left
    assert not {"title", "tips.do.0", "tips.do.1"} & left
    assert "placeholders.name.example" in left


def test_a_problem_of_a_translation_points_into_it(tmp_path: Path) -> None:
    base = _raw(tmp_path, "demo.yml", BASE)
    translation = _raw(
        tmp_path,
        "de-demo.yml",
        'id: demo\ntemplates:\n  - id: note\n    subject: "Danke, {nam}"\n',
    )
    _, problems = validate_one(overlay(base, translation))
    assert [(p.path, p.line, p.key_path) for p in problems] == [
        ("de-demo.yml", 4, "templates[0].subject")
    ]
    assert "{nam}" in problems[0].message


def test_a_broken_translation_stops_the_build_and_keeps_the_site(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", editions=True)
    broken = project / "content" / "de" / "scenarios" / "post-interview.yml"
    text = broken.read_text(encoding="utf-8")
    broken.write_text(text.replace("id: post-interview", "id: post-interviw", 1), "utf-8")
    result = followup(project, "check")
    assert result.returncode == 1
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("id:"))
    assert f"content/de/scenarios/post-interview.yml:{line}:5: id: no scenario with id " in (
        result.stderr
    )
    assert "did you mean 'post-interview'" in result.stderr
    assert "Traceback" not in result.stderr
    (project / "site").mkdir()
    (project / "site" / "index.html").write_text("previous", encoding="utf-8")
    built = followup(project, "build")
    assert built.returncode == 1
    assert "Traceback" not in built.stderr
    assert (project / "site" / "index.html").read_text(encoding="utf-8") == "previous"


# Adding a language: a code in settings, a folder of translations, a word list


def test_a_third_language_is_a_code_a_folder_and_a_word_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_project(tmp_path / "project", editions=True)
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "languages: [en, de]", "languages: [en, de, fr]"
        ),
        encoding="utf-8",
    )
    folder = project / "content" / "fr"
    (folder / "scenarios").mkdir(parents=True)
    (folder / "strings.yml").write_text(
        "edition:\n  name: Français\n  country: FR\n  site_name: Bien relancer\n"
        "strings:\n  Scenarios: Scénarios\n  Guides: Guides\n",
        encoding="utf-8",
    )
    (folder / "wordlist.txt").write_text("relance\n", encoding="utf-8")
    (folder / "scenarios" / "post-interview.yml").write_text(
        "id: post-interview\ntitle: Remercier après un entretien\n", encoding="utf-8"
    )
    (folder / "why-follow-up.md").write_text("# Pourquoi relancer\n\nParce que.\n", "utf-8")

    result = followup(project, "check")
    assert result.returncode == 0, result.stderr
    assert "fr: 28 valid scenarios checked" in result.stderr
    assert re.search(
        r"content/scenarios/phone-screen\.yml:\d+:\d+: id: warning FU116", result.stderr
    )
    assert re.search(
        r"content/fr/scenarios/post-interview\.yml:\d+:\d+: summary: warning FU116", result.stderr
    )
    assert followup(project, "check", "--strict").returncode == 1

    monkeypatch.setenv("FOLLOWUP_PDF", "off")
    build_site(project, project / "site")
    site = project / "site" / "fr"
    scenario = (site / "scenarios" / "post-interview" / "index.html").read_text("utf-8")
    assert '<html lang="fr"' in scenario
    assert "Remercier après un entretien" in scenario
    assert "not been translated" not in scenario
    other = (site / "scenarios" / "phone-screen" / "index.html").read_text("utf-8")
    assert "not been translated" in other
    assert "Pourquoi relancer" in (site / "why-follow-up" / "index.html").read_text("utf-8")
    assert "not been translated" in (site / "etiquette" / "index.html").read_text("utf-8")
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["fr"]
    switcher = _switcher(project / "site" / "index.html")
    assert set(switcher) == {"en", "de", "fr"}
    shutil.rmtree(project / "site")


def test_followup_new_starts_a_translation_with_every_text_to_translate(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", editions=True)
    target = project / "content" / "de" / "scenarios" / "references.yml"
    target.unlink()
    done = followup(project, "new", "references", "--language", "de")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "content/de/scenarios/references.yml"
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert data["id"] == "references"
    assert data["timeline"][0]["id"] == "heads-up"
    assert data["timeline"][0]["title"].startswith("TODO translate: ")
    assert "from" not in data["timeline"][0]
    assert "url" not in json.dumps(data)  # sources keep their addresses: only claims to translate
    result = followup(project, "check")
    assert result.returncode == 1  # a TODO is an error: nothing half-translated is published
    todos = re.findall(r"references\.yml:\d+:\d+: \S+: error FU109", result.stderr)
    assert len(todos) > 40
    assert not re.search(r"references\.yml.*FU106", result.stderr)  # no spelling noise
    assert not re.search(r"references\.yml.*FU116", result.stderr)  # nothing left out
    again = followup(project, "new", "references", "--language", "de")
    assert again.returncode == 1
    assert "already exists; not overwriting" in again.stderr
    wrong = followup(project, "new", "references", "--language", "fr")
    assert wrong.returncode == 2
    assert "not one of the site's other editions (de)" in wrong.stderr


def test_an_edition_without_its_strings_is_refused_with_the_file(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", editions=True)
    (project / "content" / "de" / "strings.yml").unlink()
    result = check(Project.from_root(project).edition("de"))
    assert [(e.path, e.message) for e in result.errors] == [
        ("content/de/strings.yml", "missing: every edition needs its strings.yml")
    ]
    with pytest.raises(ScenarioErrors):
        raise ScenarioErrors(result.errors)
