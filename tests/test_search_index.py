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

# The headings of a scenario page whose sections search indexes (folded into the page's entry,
# in page order), and those it leaves out with their sections, by edition.
INDEXED = {
    "": ("When to use this", "Timeline", "Questions people ask", "Around the world"),
    "de": ("Wann dieses Szenario passt", "Zeitplan", "Häufige Fragen", "In anderen Ländern"),
}
LEFT_OUT = {
    "": ("Your details", "Templates", "Tips", "Related scenarios", "Sources"),
    "de": ("Ihre Angaben", "Vorlagen", "Tipps", "Verwandte Szenarien", "Quellen"),
}


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


def _plain(text: str) -> str:
    """An index entry's text without its markup, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def _docs(project: Path, edition: str) -> list[dict]:
    index = project / "site" / edition / "search" / "search_index.json"
    docs = json.loads(index.read_text(encoding="utf-8"))["docs"]
    for doc in docs:
        doc["html"] = doc["text"]
        doc["text"] = _plain(doc["text"])
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
def test_each_scenario_page_is_one_entry_with_the_sections_readers_look_for_in_page_order(
    site: Path, edition: str
) -> None:
    docs = _docs(site, edition)
    for s in _scenarios(site, edition):
        entries = _scenario_docs(docs, s["id"])
        assert list(entries) == [""], s["id"]
        # Each section's heading starts a paragraph of the page's text.
        markup = entries[""]["html"]
        found = [markup.find(f"<p>{h}</p>") for h in INDEXED[edition]]
        # Every scenario has a situation and a timeline; FAQ and regions are optional.
        assert found[0] > 0, s["id"]
        assert found[1] > found[0], s["id"]
        assert [i for i in found if i >= 0] == sorted(i for i in found if i >= 0), s["id"]
        for heading in LEFT_OUT[edition]:
            assert f"<p>{heading}</p>" not in markup, (s["id"], heading)
    # The guide's pages keep a result for each of their sections.
    guide = [d["location"] for d in docs if d["location"].startswith("etiquette/")]
    assert len(guide) > 3
    assert all("#" in loc for loc in guide[1:])


@pytest.mark.parametrize("edition", ["", "de"])
def test_each_scenario_is_found_by_its_title_summary_situation_steps_and_templates(
    site: Path, edition: str
) -> None:
    docs = _docs(site, edition)
    for s in _scenarios(site, edition):
        entry = _scenario_docs(docs, s["id"])[""]
        assert entry["title"] == s["title"]
        text = entry["text"]
        assert text.startswith(" ".join(s["summary"].split())), s["id"]
        first_paragraph = " ".join(s["trigger"].split("\n\n")[0].split())
        assert first_paragraph in text, s["id"]
        # The timeline's heading, then its list of the steps' titles alone: not their texts,
        # timings or citations.
        markup = entry["html"]
        start = markup.index(f"<p>{INDEXED[edition][1]}</p>")
        timeline = markup[start : markup.index("</ol>", start)]
        steps = " ".join(" ".join(step["title"].split()) for step in s["timeline"])
        assert _plain(timeline) == f"{INDEXED[edition][1]} {steps}", s["id"]
        for template in s["templates"]:
            assert " ".join(template["title"].split()) in text, (s["id"], template["id"])


@pytest.mark.parametrize("edition", ["", "de"])
def test_template_bodies_and_controls_stay_out_of_the_index(site: Path, edition: str) -> None:
    docs = _docs(site, edition)
    for s in _scenarios(site, edition):
        text = _scenario_docs(docs, s["id"])[""]["text"]
        for template in s["templates"]:
            # A line of the body without blanks: none of the email's own words are indexed.
            lines = [
                line.strip()
                for line in template["body"].splitlines()
                if len(line.strip()) > 30 and "{" not in line
            ]
            for line in lines[:2]:
                assert line not in text, (s["id"], template["id"])
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


def test_folding_keeps_other_pages_sections_and_leaves_a_folded_index_as_it_is() -> None:
    from build_scripts.search_index import FOLDED_BOOST, fold_sections

    docs = [
        {"location": "guide/", "title": "Guide", "text": "<p>A guide.</p>"},
        {"location": "guide/#part", "title": "Part", "text": "<p>Its part.</p>"},
        {"location": "scenarios/a/", "title": "A", "text": "<p>Summary.</p>"},
        {"location": "scenarios/a/#when", "title": "When", "text": "<p>Situation.</p>"},
        {"location": "scenarios/a/#t0", "title": "Thanks", "text": ""},
    ]
    folded = fold_sections(docs, {"scenarios/a/"})
    assert folded == [
        docs[0],
        docs[1],
        {
            "location": "scenarios/a/",
            "title": "A",
            "text": "<p>Summary.</p> <p>When</p> <p>Situation.</p> <p>Thanks</p>",
            "boost": FOLDED_BOOST,
        },
    ]
    assert docs[2]["text"] == "<p>Summary.</p>"  # the entries handed in are left as they were
    assert fold_sections(folded, {"scenarios/a/"}) == folded
