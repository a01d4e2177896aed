"""The search index of each edition: what a reader finds a scenario by is in it, and what every
scenario page repeats (template bodies, sources, the blanks table, controls) is not, so that the
index a reader downloads before the first result stays small as scenarios multiply."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
import yaml
from helpers import build_site, copy_project

# The sections of a scenario page that search indexes (the page itself, anchor ""), by edition.
INDEXED = {
    "": {
        "",
        "when-to-use-this",
        "timeline",
        "questions-people-ask",
        "around-the-world",
    },
    "de": {
        "",
        "wann-dieses-szenario-passt",
        "zeitplan",
        "haufige-fragen",
        "in-anderen-landern",
    },
}
TIMELINE = {"": "timeline", "de": "zeitplan"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's site in both editions, without PDFs."""
    project = copy_project(tmp_path_factory.mktemp("search") / "project", editions=True)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("FOLLOWUP_PDF", "off")
        build_site(project, project / "site")
    return project


def _scenarios(project: Path, edition: str) -> list[dict]:
    """Each scenario's data, with the edition's translation laid over it."""
    scenarios = []
    for file in sorted((project / "content" / "scenarios").glob("*.yml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        translation = project / "content" / edition / "scenarios" / file.name
        if edition and translation.is_file():
            data |= yaml.safe_load(translation.read_text(encoding="utf-8"))
        scenarios.append(data)
    return scenarios


def _docs(project: Path, edition: str) -> list[dict]:
    index = project / "site" / edition / "search" / "search_index.json"
    docs = json.loads(index.read_text(encoding="utf-8"))["docs"]
    for doc in docs:
        doc["text"] = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", doc["text"])).split())
    return docs


def _scenario_docs(docs: list[dict], scenario_id: str) -> dict[str, dict]:
    """The index entries of one scenario page, by section anchor ("" for the page itself)."""
    page = f"scenarios/{scenario_id}/"
    return {
        d["location"].removeprefix(page).lstrip("#"): d
        for d in docs
        if d["location"] == page or d["location"].startswith(page + "#")
    }


@pytest.mark.parametrize("edition", ["", "de"])
def test_each_scenario_is_found_by_its_title_summary_situation_steps_and_templates(
    site: Path, edition: str
) -> None:
    docs = _docs(site, edition)
    for s in _scenarios(site, edition):
        entries = _scenario_docs(docs, s["id"])
        assert entries[""]["title"] == s["title"]
        assert " ".join(s["summary"].split()) in entries[""]["text"]
        indexed = " ".join(f"{e['title']} {e['text']}" for e in entries.values())
        first_paragraph = " ".join(s["trigger"].split("\n\n")[0].split())
        assert first_paragraph in indexed, s["id"]
        for step in s["timeline"]:
            assert " ".join(step["title"].split()) in indexed, (s["id"], step["id"])
        for template in s["templates"]:
            assert " ".join(template["title"].split()) in indexed, (s["id"], template["id"])


@pytest.mark.parametrize("edition", ["", "de"])
def test_template_bodies_sources_blanks_and_controls_stay_out_of_the_index(
    site: Path, edition: str
) -> None:
    docs = _docs(site, edition)
    for s in _scenarios(site, edition):
        entries = _scenario_docs(docs, s["id"])
        sections = {a for a in entries if not a.startswith("template-")}
        assert sections <= INDEXED[edition], s["id"]
        indexed = " ".join(e["text"] for e in entries.values())
        for template in s["templates"]:
            # A line of the body without blanks: none of the email's own words are indexed.
            lines = [
                line.strip()
                for line in template["body"].splitlines()
                if len(line.strip()) > 30 and "{" not in line
            ]
            for line in lines[:2]:
                assert line not in indexed, (s["id"], template["id"])
        # The timeline keeps the steps' titles, not their texts, timings or citations.
        timeline = entries[TIMELINE[edition]]["text"]
        assert timeline == " ".join(" ".join(step["title"].split()) for step in s["timeline"])
    text = " ".join(d["text"] for d in docs)
    for control in ("Copy email", "Open in email app", "Download .eml", "Clear my details"):
        assert control not in text
    assert "E-Mail kopieren" not in text


def test_the_scenario_lists_leave_finding_a_scenario_to_its_own_page(site: Path) -> None:
    docs = _docs(site, "")
    home_and_index = [d for d in docs if d["location"].split("#")[0] in ("", "scenarios/")]
    assert home_and_index, "the home page and the scenario index are still indexed"
    text = " ".join(d["text"] for d in home_and_index)
    for s in _scenarios(site, ""):
        assert " ".join(s["summary"].split()) not in text, s["id"]
