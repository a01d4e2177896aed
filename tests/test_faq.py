"""Questions and answers: each scenario's `faq:` entries on its page, on the generated FAQ page
(linked to the scenario) and in the guide; a fork's questions join by themselves."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from helpers import build_site, followup, parse_html

from build_scripts.links import FAQ_PAGE
from build_scripts.nav import with_scenarios

HOSTILE = 'Can I write <script>alert("q")</script> and [a link](javascript:alert(1))?'


def add_questions(project: Path, scenario_id: str, questions: list[dict]) -> None:
    path = project / "content" / "scenarios" / f"{scenario_id}.yml"
    data = yaml.safe_load(path.read_text())
    data["faq"] = questions
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def test_every_question_is_on_the_faq_page_and_its_scenario_page(
    project: Path, tmp_path: Path
) -> None:
    add_questions(
        project,
        "after-rejection",
        [
            {
                "question": "Should I ask why I was turned down?",
                "answer": "Once, politely.\n\nThen let it go.",
            },
            {"question": HOSTILE, "answer": "No <b>markup</b> runs here."},
        ],
    )
    site = tmp_path / "site"
    build_site(project, site)

    faq = (site / "faq" / "index.html").read_text()
    # Each question is a heading with a stable id, followed by its answer and a link to the
    # scenario page; the hostile one is shown as text.
    assert re.search(r'<h3 id="faq-after-rejection-1">Should I ask why I was turned down\?', faq)
    assert "<p>Once, politely.</p>\n<p>Then let it go.</p>" in faq
    assert 'href="../scenarios/after-rejection/"' in faq
    assert "<script>alert" not in faq
    assert "&lt;script&gt;" in faq
    assert 'href="javascript:' not in faq
    assert "<b>markup</b>" not in faq
    # Every question of every scenario in the project, once.
    questions = [
        q["question"]
        for file in sorted((project / "content" / "scenarios").glob("*.yml"))
        for q in yaml.safe_load(file.read_text()).get("faq", [])
    ]
    headings = [tag for tag, _ in parse_html(faq).elements if tag == "h3"]
    assert len(headings) == len(questions)

    page = (site / "scenarios" / "after-rejection" / "index.html").read_text()
    assert 'id="questions-people-ask"' in page
    assert 'id="faq-after-rejection-1"' in page
    assert 'href="../../faq/"' in page
    assert "<script>alert" not in page
    home = (site / "index.html").read_text()
    assert 'href="faq/"' in home  # in the navigation


def test_a_question_must_end_with_a_question_mark(project: Path) -> None:
    add_questions(project, "after-rejection", [{"question": "Tell me more", "answer": "Fine."}])
    path = project / "content" / "scenarios" / "after-rejection.yml"
    result = followup(project, "check")
    assert result.returncode == 1
    line = path.read_text().splitlines().index("- question: Tell me more") + 1
    assert re.search(
        rf"after-rejection\.yml:{line}:\d+: faq\[0\]: a question ends with a question mark",
        result.stderr + result.stdout,
    ), result.stderr
    assert "Traceback" not in result.stderr


def test_a_forks_navigation_gets_the_faq_page_only_when_there_are_questions() -> None:
    class View:
        def __init__(self, asked: bool) -> None:
            self.faq = ("q",) if asked else ()
            self.src_uri = "scenarios/x.md"

    class Site:
        def __init__(self, asked: bool) -> None:
            self.scenarios = (View(asked),)
            self.categories = ()

    nav = [{"Home": "index.md"}]
    assert {"Questions and answers": FAQ_PAGE} in with_scenarios(nav, Site(True))
    assert {"Questions and answers": FAQ_PAGE} not in with_scenarios(nav, Site(False))
    placed = [{"Home": "index.md"}, {"FAQ": FAQ_PAGE}]
    assert with_scenarios(placed, Site(True)).count({"FAQ": FAQ_PAGE}) == 1
