"""Sources: each has a kind, a claim and the date it was read; weak, insecure, inconsistent and
unregistered sources are found by the lint; the kind shows next to every citation."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, followup

from build_scripts import sources
from build_scripts.lint import lint, lint_sources
from build_scripts.load import load_text
from build_scripts.nav import GuideEntry
from build_scripts.schema import SOURCE_KINDS
from build_scripts.validate import validate

SCENARIO = """\
id: {id}
title: A demo scenario {id}
summary: You want to try the lint.
category: waiting
trigger: A short description of the situation.
timeline:
  - id: first
    title: Send the first note
    text: Write a short note.
    from: interview
    timing: {{ unit: business_days, earliest: 1, latest: 2 }}
    template: note
    sources: [{cites}]
templates:
  - id: note
    title: Short note
    purpose: The usual case.
    subject: Thank you for the interview
    body: |
      Dear Ms Rivera,

      Thank you for the conversation about the role and the team. I enjoyed hearing how the
      work is planned and how the team shares what it learns, and I would be glad to help
      with the projects you described. I remain very interested in the position.

      Kind regards,
      Sam
sources:
{sources}
"""

UNIVERSITY = """\
  - id: uni
    title: Thank-you letters
    publisher: Example University Career Center
    kind: university
    claim: Send a thank-you within 24 hours.
    checked: 2026-11-30
    url: https://careers.example-university.edu/thank-you
"""

VENDOR = """\
  - id: vendor
    title: How to follow up
    publisher: Followly
    kind: vendor-blog
    claim: Wait two days.
    checked: 2026-11-30
    url: https://followly.com/blog/follow-up
"""


def scenario_text(scenario_id: str, cites: str, source_entries: str) -> str:
    return SCENARIO.format(id=scenario_id, cites=cites, sources=source_entries.rstrip("\n"))


def lint_texts(*texts: str, registry: str | None = None, guide: tuple = ()) -> list[str]:
    raws = [
        load_text(text.encode(), f"content/scenarios/demo-{i}.yml") for i, text in enumerate(texts)
    ]
    valid, errors = validate(raws)
    assert errors == [], errors
    entries, registry_raw = (), None
    if registry is not None:
        registry_raw = load_text(registry.encode(), "content/sources.yml")
        entries = sources.Registry.model_validate(registry_raw.data).sources
    found = lint(valid) + lint_sources(valid, entries, registry_raw, guide, "content")
    return [str(f) for f in found]


def test_a_source_reads_its_kind_claim_and_checked_date() -> None:
    raw = load_text(scenario_text("demo", "uni", UNIVERSITY).encode(), "content/scenarios/d.yml")
    ((scenario, _),) = validate([raw])[0]
    source = scenario.sources[0]
    assert source.kind == "university"
    assert source.claim == "Send a thank-you within 24 hours."
    assert source.checked == dt.date(2026, 11, 30)


def test_an_unknown_kind_is_an_error_naming_the_file_line_and_the_kinds() -> None:
    text = scenario_text("demo", "uni", UNIVERSITY.replace("kind: university", "kind: univ"))
    raw = load_text(text.encode(), "content/scenarios/demo.yml")
    _valid, errors = validate([raw])
    line = text.splitlines().index("    kind: univ") + 1
    (error,) = errors
    assert (error.path, error.line, error.key_path) == (
        "content/scenarios/demo.yml",
        line,
        "sources[0].kind",
    )
    assert "university" in error.message
    assert "vendor-blog" in error.message


def test_a_timing_backed_only_by_blogs_is_a_warning_until_a_stronger_source_joins() -> None:
    weak = lint_texts(scenario_text("demo", "vendor", VENDOR))
    assert any("timeline[0].sources: warning FU111 source-weak" in f for f in weak), weak
    strong = lint_texts(scenario_text("demo", "vendor, uni", VENDOR + UNIVERSITY))
    assert not any("FU111" in f for f in strong), strong


@pytest.mark.parametrize(
    "url",
    [
        "http://careers.example-university.edu/thank-you",
        "https://staging.faraday.email/blog/thank-you",
        "https://test-site.example.com/guide",
        "https://192.168.1.20/guide",
        "https://localhost/guide",
    ],
)
def test_an_insecure_or_staging_address_is_an_error(url: str) -> None:
    text = scenario_text(
        "demo", "uni", UNIVERSITY.replace("https://careers.example-university.edu/thank-you", url)
    )
    found = lint_texts(text)
    assert any("sources[0].url: error FU112 source-address" in f for f in found), found


def test_one_page_under_two_titles_or_two_spellings_is_found_across_files() -> None:
    first = scenario_text("one", "uni", UNIVERSITY)
    retitled = scenario_text(
        "two", "uni", UNIVERSITY.replace("title: Thank-you letters", "title: Thank you notes")
    )
    found = lint_texts(first, retitled)
    assert any(
        f.startswith("content/scenarios/demo-1.yml:")
        and "sources[0].title: warning FU113" in f
        and "'Thank-you letters' at content/scenarios/demo-0.yml:" in f
        for f in found
    ), found
    respelled = scenario_text(
        "two",
        "uni",
        UNIVERSITY.replace("https://careers.", "https://www.careers.").replace(
            "thank-you\n", "thank-you/\n"
        ),
    )
    found = lint_texts(first, respelled)
    assert any("sources[0].url: warning FU113" in f and "spell its address" in f for f in found)


def test_one_publisher_under_two_names_is_found() -> None:
    first = scenario_text("one", "uni", UNIVERSITY)
    renamed = scenario_text(
        "two",
        "uni",
        UNIVERSITY.replace(
            "Example University Career Center", "Example university career-center"
        ).replace("/thank-you", "/other-page"),
    )
    found = lint_texts(first, renamed)
    assert any("sources[0].publisher: warning FU113" in f and "spelled" in f for f in found)
    same_site = scenario_text(
        "two",
        "uni",
        UNIVERSITY.replace("Example University Career Center", "EUCC").replace(
            "/thank-you", "/other-page"
        ),
    )
    found = lint_texts(first, same_site)
    assert any("one site, one publisher name" in f for f in found), found


def test_consistent_sources_in_two_files_are_quiet() -> None:
    assert (
        lint_texts(scenario_text("one", "uni", UNIVERSITY), scenario_text("two", "uni", UNIVERSITY))
        == []
    )


def test_a_guide_link_to_an_unregistered_page_is_found_with_its_line_and_column() -> None:
    page = GuideEntry(
        "page",
        "Why follow up",
        "why.md",
        "# Why\n\nSome text.\n\nA [survey](https://press.example-firm.com/release) says so.\n",
    )
    found = lint_texts(scenario_text("one", "uni", UNIVERSITY), guide=(page,))
    assert any(
        f.startswith("content/why.md:5:3: link: warning FU114 citation-unregistered") for f in found
    ), found
    registry = "sources:\n" + UNIVERSITY.replace("id: uni", "id: firm").replace(
        "https://careers.example-university.edu/thank-you", "https://press.example-firm.com/release"
    ).replace("Example University Career Center", "Example Firm").replace(
        "kind: university", "kind: survey"
    )
    assert (
        lint_texts(scenario_text("one", "uni", UNIVERSITY), registry=registry, guide=(page,)) == []
    )


def test_guide_links_get_their_kind_after_them_but_not_in_code() -> None:
    markdown = (
        "See [the guide](https://careers.example-university.edu/thank-you/).\n\n"
        "```\n[not a citation](https://careers.example-university.edu/thank-you)\n```\n"
    )
    kinds = {sources.page_key("https://careers.example-university.edu/thank-you"): "university"}
    out = sources.with_kinds(markdown, kinds)
    assert out.count('class="fu-kind"') == 1
    assert '(https://careers.example-university.edu/thank-you/) <span class="fu-kind"' in out
    assert ">University</span>." in out


def test_a_broken_registry_fails_check_with_the_file_line_and_no_traceback(project: Path) -> None:
    (project / "content" / "sources.yml").write_text(
        "sources:\n" + UNIVERSITY.replace("    claim:", "    claims:"), encoding="utf-8"
    )
    result = followup(project, "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(
        r"content/sources\.yml:6:5: sources\[0\]\.claims: "
        r"unknown key 'claims'; did you mean 'claim'\?",
        result.stderr,
    ), result.stderr


def test_every_built_in_source_has_a_kind_a_claim_and_a_checked_date() -> None:
    files = [
        *sorted((ROOT / "content" / "scenarios").glob("*.yml")),
        ROOT / "content" / "sources.yml",
    ]
    counted = 0
    for file in files:
        for source in yaml.safe_load(file.read_text(encoding="utf-8")).get("sources", []):
            assert source.get("kind") in SOURCE_KINDS, (file.name, source["id"])
            assert source.get("claim"), (file.name, source["id"])
            assert isinstance(source.get("checked"), dt.date), (file.name, source["id"])
            assert source["url"].startswith("https://"), (file.name, source["id"])
            counted += 1
    assert counted > 50


def test_every_external_link_of_the_guide_pages_is_a_source_with_a_kind() -> None:
    registry = yaml.safe_load((ROOT / "content" / "sources.yml").read_text(encoding="utf-8"))
    known = {sources.page_key(s["url"]) for s in registry["sources"]}
    for file in (ROOT / "content" / "scenarios").glob("*.yml"):
        known |= {
            sources.page_key(s["url"])
            for s in yaml.safe_load(file.read_text(encoding="utf-8")).get("sources", [])
        }
    pages = sorted((ROOT / "content").glob("*.md"))
    links = [
        (page.name, cite.url)
        for page in pages
        for cite in sources.citations(page.read_text(encoding="utf-8"))
    ]
    assert len(links) > 20
    assert [link for link in links if sources.page_key(link[1]) not in known] == []


def test_the_registry_is_held_to_the_character_rules_of_scenario_files(project: Path) -> None:
    text = "sources:\n" + UNIVERSITY.replace("Thank-you letters", "Thank-you\u200b letters")
    (project / "content" / "sources.yml").write_text(text, encoding="utf-8")
    result = followup(project, "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(r"content/sources\.yml:3:\d+: .*U\+200B", result.stderr), result.stderr


def test_links_to_hidden_scenarios_become_their_text_outside_code() -> None:
    page = (
        "Read [the rejection page](scenarios/after-rejection.md#templates) or "
        "[the thank-you](./scenarios/post-interview.md), not "
        "![a picture](scenarios/after-rejection.md).\n"
        "```\n[in code](scenarios/after-rejection.md)\n```\n"
    )
    assert sources.without_links_to(page, {"scenarios/after-rejection.md"}) == (
        "Read the rejection page or [the thank-you](./scenarios/post-interview.md), not "
        "![a picture](scenarios/after-rejection.md).\n"
        "```\n[in code](scenarios/after-rejection.md)\n```\n"
    )
    assert sources.without_links_to(page, set()) == page
