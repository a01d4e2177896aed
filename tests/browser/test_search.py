"""Material's search from the keyboard, in each edition: "/" opens it on a scenario page, a word
of a scenario's title finds that scenario, and the arrow keys and Enter open it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect


@pytest.mark.parametrize(
    ("start", "query", "title", "target"),
    [
        (
            "/scenarios/post-interview/",
            "withdrawing",
            "Withdrawing, accepting or declining an offer",
            "/scenarios/withdraw-application/",
        ),
        (
            "/de/scenarios/post-interview/",
            "Personalvermittlung",
            "Die Personalvermittlung meldet sich nicht mehr",
            "/de/scenarios/agency-recruiter/",
        ),
    ],
    ids=["en", "de"],
)
def test_a_scenario_is_found_by_a_word_of_its_title_and_opened_by_keyboard(
    page: Page, start: str, query: str, title: str, target: str
) -> None:
    page.goto(start)
    page.wait_for_load_state("networkidle")  # the search index
    page.keyboard.press("/")
    field = page.locator("[data-md-component=search-query]")
    expect(field).to_be_focused()
    page.keyboard.type(query)
    first = page.locator(".md-search-result__item").first
    expect(first).to_contain_text(title)
    # The query's word is highlighted in the result, as Material does with search.highlight.
    expect(first.locator("mark").first).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(first.locator("a").first).to_be_focused()
    page.keyboard.press("Enter")
    # Material adds ?h=<query> (the highlight on the opened page) and may add an anchor.
    expect(page).to_have_url(re.compile(re.escape(target) + r"(\?h=[^#]*)?(#.*)?$"))
    expect(page.locator(".md-content h1")).to_contain_text(title)
