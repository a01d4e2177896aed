"""The "What just happened?" chooser (content/chooser.yml); its place on the home page is
tested in test_home.py."""

from __future__ import annotations

from pathlib import Path

from helpers import ROOT, build_site, copy_project, followup, parse_html

from build_scripts import chooser


def write(root: Path, text: str) -> None:
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / chooser.CHOOSER_FILE).write_text(text, encoding="utf-8")


def test_the_built_in_path_reaches_every_scenario() -> None:
    ids = {p.stem for p in (ROOT / "content" / "scenarios").glob("*.yml")}
    path, errors, notes = chooser.load(ROOT, ids)
    assert errors == []
    # Scenarios other branches are writing are left out until they are merged, by design.
    assert all(str(note).endswith("(left out)") for note in notes)
    steps = chooser.steps(path, {i: i for i in ids})
    assert {step.scenario_id for step in steps if step.scenario_id} == ids


def test_hidden_scenarios_and_empty_questions_are_left_out(tmp_path: Path) -> None:
    write(
        tmp_path,
        "question: Where are you?\n"
        "answers:\n"
        "  - answer: Waiting\n"
        "    next:\n"
        "      question: Was a date given?\n"
        "      answers:\n"
        "        - {answer: 'Yes', scenario: passed-deadline}\n"
        "  - {answer: Rejected, scenario: after-rejection}\n",
    )
    path, errors, _ = chooser.load(tmp_path, {"passed-deadline", "after-rejection"})
    assert errors == []
    shown = chooser.steps(path, {"after-rejection": "Replying to a rejection"})
    assert [(s.depth, s.text, s.scenario_id) for s in shown] == [
        (0, "Where are you?", ""),
        (1, "Rejected", "after-rejection"),
    ]
    html = chooser.to_html(shown, "index.md")
    assert (
        '<a class="fu-choice fu-choice--link" href="scenarios/after-rejection/">'
        '<span class="fu-answer__text">Rejected</span>'
        '<span class="fu-answer__scenario">Replying to a rejection</span></a>'
    ) in html
    assert "Was a date given?" not in html


def test_mistakes_name_the_file_line_and_problem(tmp_path: Path) -> None:
    write(
        tmp_path,
        "question: Where are you?\n"
        "answers:\n"
        "  - answer: Rejected\n"
        "    scenario: after-rejectoin\n"
        "  - answer: Both\n"
        "    scenario: after-rejection\n"
        "    next: {question: Why?, answers: [{answer: x, scenario: after-rejection}]}\n"
        "  - answr: typo\n",
    )
    _, errors, _ = chooser.load(tmp_path, {"after-rejection"})
    lines = [str(e) for e in errors]
    assert any(
        line.startswith("content/chooser.yml:8:") and "unknown key 'answr'" in line
        for line in lines
    ), lines
    assert any("not both or neither" in line for line in lines), lines
    # No file: no chooser, and no problem.
    assert chooser.load(tmp_path / "elsewhere", {"after-rejection"}) == (None, [], [])
    write(
        tmp_path,
        "question: Where?\nanswers:\n  - {answer: Turned down, scenario: after-rejectoin}\n",
    )
    path, errors, notes = chooser.load(tmp_path, {"after-rejection"})
    assert errors == []
    assert [str(e) for e in notes] == [
        "content/chooser.yml:3:37: answers[0].scenario: no scenario has the id "
        "'after-rejectoin'; did you mean 'after-rejection'? (left out)"
    ]
    assert chooser.steps(path, {"after-rejection": "Replying"}) == []


def test_the_home_page_shows_the_path_without_javascript(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("FOLLOWUP_PDF", "off")
    site = tmp_path / "site"
    build_site(ROOT, site)
    page = parse_html((site / "index.html").read_text(encoding="utf-8"))
    links = [attrs.get("href") for tag, attrs in page.elements if tag == "a"]
    assert "scenarios/passed-deadline/" in links
    assert "What are you waiting for?" in " ".join(page.text)
    assert ("details", {"class": "fu-choice"}) in page.elements


def test_a_broken_chooser_stops_the_build_and_a_missing_scenario_is_left_out(
    tmp_path: Path,
) -> None:
    project = copy_project(tmp_path / "project")
    path = project / chooser.CHOOSER_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - answer: They asked", "  - answr: They asked"), "utf-8")
    done = followup(project, "build", "--quiet")
    assert done.returncode == 1
    assert "content/chooser.yml:" in done.stderr
    assert "unknown key 'answr'; did you mean 'answer'?" in done.stderr
    assert "Traceback" not in done.stderr
    # An answer naming a scenario the project does not have (a fork deleted it, say) is
    # left out, and the build says so.
    path.write_text(
        text + "  - answer: I was invited to lunch with the team\n    scenario: team-lunch\n",
        "utf-8",
    )
    done = followup(project, "build")
    assert done.returncode == 0, done.stderr
    line = len(text.splitlines()) + 2
    assert (
        f"content/chooser.yml:{line}:15: answers[6].scenario: no scenario has the id "
        "'team-lunch' (left out)"
    ) in done.stderr
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert "They asked for my references" in home
    assert "lunch with the team" not in home


def test_check_reports_a_broken_chooser_with_its_position(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    path = project / chooser.CHOOSER_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - answer: They asked", "  - answr: They asked"), "utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "answer: They asked" in row)
    for args in (("check",), ("check", "--strict")):
        done = followup(project, *args)
        assert done.returncode == 1, done.stderr
        assert f"content/chooser.yml:{line}:" in done.stderr
        assert "unknown key 'answr'; did you mean 'answer'?" in done.stderr
        assert "Traceback" not in done.stderr
    # A missing scenario is a note, not a failure: a fork may delete built-in scenarios.
    path.write_text(text + "  - answer: Lunch\n    scenario: team-lunch\n", "utf-8")
    done = followup(project, "check", "--strict")
    assert done.returncode == 0, done.stderr
    assert "'team-lunch' (left out)" in done.stderr
