"""Author mistakes give exact `file:line:col: key path: message` errors (golden files)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import build_scripts
from build_scripts.errors import ScenarioErrors

CASES = sorted(p for p in (Path(__file__).parent / "golden" / "errors").iterdir() if p.is_dir())


def run_check(case: Path, root: Path) -> str:
    scenarios = root / "content" / "scenarios"
    scenarios.mkdir(parents=True)
    for file in case.iterdir():
        if file.name != "expected.txt":
            shutil.copy2(file, scenarios / file.name)
    # A project whose docs folder is content/, as this one's mkdocs.yml says.
    config = build_scripts.SiteConfig(docs_dir="content")
    result = build_scripts.check(build_scripts.Project(root, config=config))
    return ScenarioErrors(result.errors).report() + "\n" if result.errors else "no problems\n"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_error_messages_match_golden(case: Path, tmp_path: Path, update_goldens: bool) -> None:
    actual = run_check(case, tmp_path)
    expected_file = case / "expected.txt"
    if update_goldens:
        expected_file.write_text(actual, encoding="utf-8")
    assert actual == expected_file.read_text(encoding="utf-8")


def test_every_error_case_reports_a_problem() -> None:
    for case in CASES:
        assert (case / "expected.txt").read_text(encoding="utf-8") != "no problems\n", case.name


def _font_with(path: Path, text: str) -> None:
    """A minimal TrueType font whose cmap holds the characters of `text` (empty outlines)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    names = [".notdef"] + [f"uni{ord(c):04X}" for c in dict.fromkeys(text)]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(c): f"uni{ord(c):04X}" for c in text})
    builder.setupGlyf({name: TTGlyphPen(None).glyph() for name in names})
    builder.setupHorizontalMetrics({name: (500, 0) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Fork Script", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.save(str(path))


def _scenario_file(project: Path, name: str, title: str) -> Path:
    source = (CASES[0].parent / "undeclared-placeholder" / "demo.yml").read_text(encoding="utf-8")
    text = source.replace("id: demo", f"id: {name}").replace("title: Demo scenario", title)
    text = text.replace("{nmae}", "{name}")
    target = project / "content" / "scenarios" / f"{name}.yml"
    target.write_text(text, encoding="utf-8")
    return target


def test_characters_no_project_font_draws_are_refused_until_a_font_for_them_is_added(
    project: Path,
) -> None:
    _scenario_file(project, "fork-script", "title: Thanks, Жанна")
    problems = [
        str(e) for e in build_scripts.check(build_scripts.Project.from_root(project)).errors
    ]
    assert problems == [
        "content/scenarios/fork-script.yml:2:16: title: U+0416 CYRILLIC CAPITAL LETTER ZHE "
        "(and 2 more such characters in this text): no font in templates/pdf/fonts/ can draw it, "
        "so the PDF could not show it; remove it, or add a font that has it to "
        "templates/pdf/fonts/ (with an @font-face rule in templates/pdf/print.css)"
    ]
    # A fork that ships a font for the script is not refused: coverage is read from the fonts.
    _font_with(project / "templates" / "pdf" / "fonts" / "ForkScript.ttf", "Жанна")
    assert build_scripts.check(build_scripts.Project.from_root(project)).errors == []


def test_ids_are_refused_when_the_docs_folder_already_has_a_page_or_folder_of_that_name(
    project: Path,
) -> None:
    _scenario_file(project, "help", "title: Help")
    _scenario_file(project, "press", "title: Press")
    assert build_scripts.check(build_scripts.Project.from_root(project)).errors == []
    (project / "content" / "help.md").write_text("# Help\n", encoding="utf-8")
    (project / "content" / "press").mkdir()
    problems = [
        str(e) for e in build_scripts.check(build_scripts.Project.from_root(project)).errors
    ]
    assert problems == [
        "content/scenarios/help.yml:1:5: id: id 'help' is taken by the site itself (help.md); "
        "choose another id",
        "content/scenarios/press.yml:1:5: id: id 'press' is taken by the site itself (press/); "
        "choose another id",
    ]
