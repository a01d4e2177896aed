"""The content lint: every rule fires on a small bad example and stays quiet on our content."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import ROOT, followup
from pydantic import BaseModel, Field

import build_scripts
from build_scripts.errors import format_key_path
from build_scripts.lint import RULES, lint, load_word_list, prose_paths
from build_scripts.load import load_text
from build_scripts.schema import Line, Scenario, Text
from build_scripts.validate import validate

GOOD = """\
id: demo
title: A demo scenario
summary: You want to try the lint.
category: waiting
trigger: A short description of the situation.
timeline:
  - id: first
    title: Send the first note
    text: Write a short note.
    from: interview
    timing: { unit: business_days, earliest: 1, latest: 2 }
    template: note
    sources: [guide]
  - id: second
    title: Send the second note
    text: Write again.
    from: first
    timing: { unit: days, earliest: 7, latest: 10 }
    sources: [guide]
placeholders:
  name:
    label: Their name
    help: Who you write to.
    example: Ms Rivera
templates:
  - id: note
    title: Short note
    purpose: The usual case.
    subject: Thank you, {name}
    body: |
      Dear {name},

      Thank you for the conversation about the role and the team. I enjoyed hearing how the
      work is planned and how the team shares what it learns, and I would be glad to help
      with the projects you described. I remain very interested in the position.

      Kind regards,
      Sam
tips:
  do: [Keep it short.]
  dont: [Send it twice.]
sources:
  - id: guide
    title: A guide
    publisher: Someone
    kind: university
    claim: Ask after a week.
    checked: 2026-11-30
    url: https://example.org/guide
"""


def findings_for(text: str, words: frozenset[str] = frozenset()) -> list[str]:
    raw = load_text(text.encode(), "content/scenarios/demo.yml")
    valid, errors = validate([raw])
    assert errors == [], errors
    return [str(f) for f in lint(valid, words)]


def codes(findings: list[str]) -> set[str]:
    return {re.search(r" (FU\d{3}) ", f).group(1) for f in findings}


def test_the_good_example_is_clean() -> None:
    assert findings_for(GOOD) == []


@pytest.mark.parametrize(
    ("change", "code", "where"),
    [
        (
            ("subject: Thank you, {name}", "subject: Thank you for the interview today, {name}"),
            "FU101",
            "templates[0].subject",
        ),
        (
            (
                "subject: Thank you, {name}",
                "subject: Thank you for the interview about the data analyst role today, {name}",
            ),
            "FU102",
            "templates[0].subject",
        ),
        (
            (
                "  name:\n",
                "  unused:\n    label: Unused\n    help: Never used.\n    example: x\n  name:\n",
            ),
            "FU104",
            "placeholders.unused",
        ),
        (
            ("I remain very interested", "I was just checking in and remain very interested"),
            "FU105",
            "templates[0].body",
        ),
        (("Write a short note.", "Write a short noet."), "FU106", "timeline[0].text"),
        (("    sources: [guide]\n  - id: second", "  - id: second"), "FU108", "timeline[0]"),
        (("title: A demo scenario", "title: TODO a title"), "FU109", "title"),
    ],
)
def test_each_rule_fires_on_a_minimal_bad_example(change, code, where) -> None:
    text = GOOD.replace(*change)
    assert text != GOOD
    found = findings_for(text)
    assert code in codes(found), found
    assert any(f": {where}: " in f and code in f for f in found), found


def test_body_length_outside_the_range_is_flagged_with_its_position() -> None:
    text = GOOD.replace("body_words", "x") + "body_words: { min: 80, max: 120 }\n"
    found = findings_for(text)
    assert any(
        f.startswith("content/scenarios/demo.yml:30:11: templates[0].body: warning FU103")
        for f in found
    ), found


def test_a_timeline_that_runs_backwards_is_flagged() -> None:
    text = GOOD.replace(
        "    from: first\n    timing: { unit: days, earliest: 7, latest: 10 }",
        "    from: interview\n    timing: { unit: hours, latest: 2 }",
    )
    found = findings_for(text)
    assert any("timeline[1].timing: warning FU107 timeline-backwards" in f for f in found), found


def test_spelling_points_at_the_word_and_suggests_a_fix() -> None:
    text = GOOD.replace("I enjoyed hearing", "I enjoyed heraing")
    found = findings_for(text)
    line = next(f for f in found if "FU106" in f)
    _path, line_no, column, *_ = line.split(":")
    source_line = text.splitlines()[int(line_no) - 1]
    assert source_line[int(column) - 1 :].startswith("heraing"), line
    assert "did you mean 'hearing'?" in line


def test_the_project_word_list_accepts_words() -> None:
    text = GOOD.replace("Write a short note.", "Write a short note to the organisation.")
    assert codes(findings_for(text)) == {"FU106"}
    assert findings_for(text, frozenset({"organisation"})) == []


def test_rules_can_be_silenced_per_scenario_by_code_or_name() -> None:
    text = GOOD.replace("I remain very interested", "Just checking in: I remain very interested")
    assert "FU105" in codes(findings_for(text))
    assert findings_for(text + "lint: { ignore: [FU105] }\n") == []
    assert findings_for(text + "lint: { ignore: [avoid-phrase] }\n") == []
    unknown = findings_for(text + "lint: { ignore: [avoid-phrases] }\n")
    assert any(
        "unknown lint rule 'avoid-phrases'; did you mean 'avoid-phrase'?" in f for f in unknown
    )


def test_every_rule_has_a_distinct_code_and_name() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)


def test_built_in_content_passes_the_lint_strictly() -> None:
    result = build_scripts.check(build_scripts.Project.from_root(ROOT))
    assert result.errors == []
    assert [str(f) for f in lint(result.scenarios, load_word_list(ROOT))] == []


def test_strict_turns_warnings_into_a_failing_exit(project: Path) -> None:
    file = project / "content" / "scenarios" / "post-interview.yml"
    file.write_text(file.read_text().replace("Check the spelling", "Check the speling"))
    loose = followup(project, "check")
    assert loose.returncode == 0
    assert "warning FU106 spelling: 'speling'" in loose.stderr
    strict = followup(project, "check", "--strict")
    assert strict.returncode == 1
    assert "error FU106 spelling: 'speling'" in strict.stderr


FILLED = {
    "title": "After a take-home assignment",
    "summary": "You have handed in a take-home task and want to follow up.",
    "trigger": "You finished a take-home task for an employer and sent it in.",
    "timeline[0].title": "Confirm that your work arrived",
    "timeline[0].text": "Send a short note with what you delivered and how to run it.",
    "placeholders.contact_name.help": "The recruiter who sent you the task.",
    "templates[0].title": "Submission note",
    "templates[0].purpose": "The day you hand in the task.",
    "templates[0].subject": "{role}: my take-home task",
    "tips.do[0]": "Say how long the task took you.",
    "tips.dont[0]": "Apologise for the parts you skipped.",
    "sources[0].title": "Take-home assignment guide",
    "sources[0].publisher": "Example Careers",
    "sources[0].claim": "Send a short note the day you hand in the task.",
}


def test_the_scaffold_passes_strict_once_its_todos_are_filled(project: Path) -> None:
    done = followup(project, "new", "after-take-home")
    assert done.returncode == 0, done.stderr
    path = project / "content" / "scenarios" / "after-take-home.yml"
    assert path.read_text().startswith(
        "# yaml-language-server: $schema=../schema/scenario.schema.json"
    )
    unfilled = followup(project, "check")
    assert unfilled.returncode == 1
    assert "error FU109 todo-left" in unfilled.stderr
    text = path.read_text()
    text = text.replace('"TODO the page title, e.g. After a take-home assignment"', FILLED["title"])
    text = text.replace(
        '"TODO one sentence, e.g. You have handed in a take-home task and want to follow up."',
        FILLED["summary"],
    )
    text = text.replace(
        "TODO describe the moment this scenario is for, in one or two short paragraphs.",
        FILLED["trigger"],
    )
    text = text.replace(
        '"TODO what to do, e.g. Send a short confirmation"', FILLED["timeline[0].title"]
    )
    text = text.replace('"TODO one or two sentences on why and how."', FILLED["timeline[0].text"])
    text = text.replace(
        '"TODO who the email goes to, e.g. the recruiter who sent the task."',
        FILLED["placeholders.contact_name.help"],
    )
    text = text.replace(
        '"TODO name of this variant, e.g. Standard note"', FILLED["templates[0].title"]
    )
    text = text.replace('"TODO when to choose this variant."', FILLED["templates[0].purpose"])
    text = text.replace('"{role}: TODO a few words"', f'"{FILLED["templates[0].subject"]}"')
    text = text.replace(
        "TODO the first paragraph: thanks, and what this email is about.",
        "Thank you for the chance to work on the task. I have attached my solution, with a "
        "short README that explains how to run it and the choices I made along the way.",
    )
    text = text.replace(
        "TODO the second paragraph: the one thing you want the reader to know or do.",
        "It took me about four hours. If anything is unclear, I would be glad to walk the team "
        "through it on a call.",
    )
    text = text.replace('"TODO one thing to do."', FILLED["tips.do[0]"])
    text = text.replace('"TODO one thing to avoid."', FILLED["tips.dont[0]"])
    text = text.replace('"TODO the page\'s own title"', FILLED["sources[0].title"])
    text = text.replace(
        '"TODO what this page supports, in one line of your own words"',
        FILLED["sources[0].claim"],
    )
    text = text.replace('"TODO who published it"', FILLED["sources[0].publisher"])
    text = text.replace("https://example.org/TODO", "https://example.org/take-home")
    path.write_text(text)
    done = followup(project, "check", "--strict")
    assert done.returncode == 0, done.stderr


def test_new_refuses_bad_ids_and_existing_files(project: Path) -> None:
    bad = followup(project, "new", "After_Take_Home")
    assert bad.returncode == 2
    assert "not a valid id" in bad.stderr
    existing = followup(project, "new", "post-interview")
    assert existing.returncode == 1
    assert "not overwriting" in existing.stderr
    before = (project / "content" / "scenarios" / "post-interview.yml").read_text()
    assert before == (ROOT / "content" / "scenarios" / "post-interview.yml").read_text()


def test_a_second_template_that_copies_the_first_is_flagged() -> None:
    body = GOOD[GOOD.index("    body: |") : GOOD.index("tips:")]
    copy = (
        "  - id: again\n    title: Again\n    purpose: A copy.\n    subject: Thanks again, {name}\n"
        + body.replace("very interested", "keen")
    )
    found = findings_for(GOOD.replace("tips:", copy + "tips:"))
    assert any(
        "templates[1].body: warning FU110 near-duplicate" in f and "'note'" in f for f in found
    ), found
    # A template that says something else is fine.
    other = (
        "  - id: other\n    title: Other\n    purpose: Different.\n"
        "    subject: A question, {name}\n"
        "    body: |\n      Dear {name},\n\n      Could you tell me when you expect to decide? I am"
        " still keen, and I have a reference ready should the panel want one before then. The"
        " project you described sounds like a good place to start.\n\n      Best,\n      Sam\n"
    )
    assert "FU110" not in codes(findings_for(GOOD.replace("tips:", other + "tips:")))


def spell_checked(text: str) -> list[str]:
    """The key paths that the spelling rule reads in a valid scenario."""
    valid, errors = validate([load_text(text.encode(), "content/scenarios/demo.yml")])
    assert errors == [], errors
    return [format_key_path(p) for p in prose_paths(valid[0][0])]


def test_every_prose_field_of_the_example_is_spell_checked() -> None:
    text = (
        GOOD
        + "regions:\n  - region: uk\n    timing: a week\n    note: Write sooner.\n"
        + "avoid: [hope this finds you]\n"
    )
    assert spell_checked(text) == [
        "title",
        "summary",
        "trigger",
        "timeline[0].title",
        "timeline[0].text",
        "timeline[1].title",
        "timeline[1].text",
        "placeholders.name.label",
        "placeholders.name.help",
        "templates[0].title",
        "templates[0].purpose",
        "templates[0].subject",
        "templates[0].body",
        "tips.do[0]",
        "tips.dont[0]",
        "sources[0].claim",
        "regions[0].timing",
        "regions[0].note",
        "avoid[0]",
    ]


class _Aside(BaseModel):
    """A nested mapping a future schema might add."""

    label: Text
    """Prose, one level down."""

    link: str
    """Not prose: a plain string."""


class _ScenarioWithMore(Scenario):
    """The scenario model with fields that lint.py has never heard of."""

    motto: Line
    """A new prose field."""

    asides: dict[str, tuple[_Aside, ...]] = Field(default_factory=dict)
    """New prose inside a dict of tuples of models."""


def test_a_new_prose_field_is_spell_checked_without_changing_the_lint() -> None:
    text = (
        GOOD
        + "motto: Follow up with kindnes.\n"
        + "asides:\n  first:\n    - label: A thuoghtful word.\n      link: xqzlink\n"
    )
    raw = load_text(text.encode(), "content/scenarios/demo.yml")
    scenario = _ScenarioWithMore.model_validate(raw.data)
    found = [str(f) for f in lint([(scenario, raw)])]
    line = GOOD.count("\n") + 1
    where = f"content/scenarios/demo.yml:{line}:23: motto: warning FU106 spelling: 'kindnes'"
    assert any(f.startswith(where) for f in found), found
    assert any(": asides.first[0].label: " in f and "'thuoghtful'" in f for f in found), found
    assert not any("xqzlink" in f for f in found), found


def test_ids_urls_categories_names_and_settings_are_not_spell_checked() -> None:
    text = (
        GOOD.replace("id: demo", "id: demo-xqzt")
        .replace("id: guide", "id: xqzt-guide")
        .replace("sources: [guide]", "sources: [xqzt-guide]")
        .replace("title: A guide", "title: Xqzt Handbuch")
        .replace("publisher: Someone", "publisher: Xqztcorp")
        .replace("https://example.org/guide", "https://xqzt.example.org/xqztpage")
        .replace("example: Ms Rivera", "example: Ms Xqztova")
        .replace("  name:\n", "  xqzt_name:\n")
        .replace("{name}", "{xqzt_name}")
        + "lint: { ignore: [timing-unsourced] }\n"
    )
    paths = set(spell_checked(text))
    for not_prose in (
        "id",
        "category",
        "timeline[0].id",
        "timeline[0].from",
        "timeline[0].sources[0]",
        "placeholders.xqzt_name.example",
        "templates[0].id",
        "sources[0].id",
        "sources[0].title",
        "sources[0].publisher",
        "sources[0].url",
        "lint.ignore[0]",
    ):
        assert not_prose not in paths, paths
    assert "placeholders.xqzt_name.label" in paths
    assert findings_for(text) == []
