"""Hand-written pages to print HTML: titles split off, heading ids per chapter, links between
pages pointed inside the guide, the site's markers replaced."""

from __future__ import annotations

import pytest
from helpers import ROOT
from markupsafe import Markup

import build_scripts
from build_scripts.links import DOWNLOADS_MARKER, SCENARIO_LIST_MARKER
from build_scripts.links import chapter_anchor as chapter_id
from build_scripts.pdf import GuideEntry
from build_scripts.pdf.chapters import _strip_title, convert_chapters, with_scenarios


@pytest.fixture(scope="module")
def site() -> build_scripts.Site:
    return build_scripts.load_site(build_scripts.Project.from_root(ROOT))


@pytest.mark.parametrize(
    ("src_uri", "expected"),
    [
        ("why-follow-up.md", "ch-why-follow-up"),
        ("index.md", "ch-index"),
        ("guides/Deep Dive.md", "ch-guides-deep-dive"),
    ],
)
def test_a_chapter_is_named_after_its_page(src_uri: str, expected: str) -> None:
    assert chapter_id(src_uri) == expected


def test_a_leading_title_line_is_split_off() -> None:
    assert _strip_title("# Why follow up #\n\nBody.\n") == ("Why follow up", "Body.\n")
    assert _strip_title("No title here.\n") == (None, "No title here.\n")


def test_the_scenarios_are_added_at_the_end_unless_the_navigation_places_them() -> None:
    page = GuideEntry("page", "Home", "index.md", "# Home\n")
    assert [e.kind for e in with_scenarios([page])] == ["page", "scenarios"]
    placed = [GuideEntry("scenarios", "All scenarios"), page]
    assert with_scenarios(placed) == placed


def test_links_between_pages_point_inside_the_guide(site) -> None:
    scenario = site.scenarios[0]
    entries = [
        GuideEntry(
            "page",
            "A",
            "a.md",
            "# Page A\n\n## Why\n\n"
            "[b](b.md#how) [same](#why) [scenario](scenarios/"
            f"{scenario.id}.md) [web](https://example.org/b.md) [timing](timing.md)\n\n"
            f"{DOWNLOADS_MARKER}\n\n{SCENARIO_LIST_MARKER}\n",
        ),
        GuideEntry("page", "B", "b.md", "# Page B\n\n## How\n"),
        GuideEntry("timing", "Timing"),
        GuideEntry("scenarios", "Scenarios"),
    ]
    table = Markup('<table class="scenario-list"></table>')
    chapters = convert_chapters(site, entries, ["toc"], {"toc": {"permalink": True}}, table)
    assert [(c.id, c.kind) for c in chapters] == [
        ("ch-a", "page"),
        ("ch-b", "page"),
        ("ch-timing", "timing"),
        ("part-scenarios", "scenarios"),
    ]
    a = chapters[0]
    assert a.title == "Page A"
    assert a.headings == (("ch-a-why", "Why"),)
    assert 'id="ch-a-why"' in a.html
    assert 'href="#ch-b-how"' in a.html
    assert 'href="#ch-a-why"' in a.html
    assert f'href="#sc-{scenario.id}"' in a.html
    assert 'href="https://example.org/b.md"' in a.html
    assert 'href="#ch-timing"' in a.html
    assert DOWNLOADS_MARKER not in a.html
    assert '<table class="scenario-list"></table>' in a.html
    assert "headerlink" not in a.html  # the site's permalinks are left out of print
    assert chapters[1].headings == (("ch-b-how", "How"),)
