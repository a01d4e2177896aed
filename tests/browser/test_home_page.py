"""The home page in a real Chromium: the chooser fills the first screen on a laptop and on a
phone, works by keyboard and without JavaScript, the search field hands its query to Material's
search, and axe finds nothing serious in either colour scheme.

Built from the full chooser tree (stand-ins for scenarios not written yet), the biggest it gets.
"""

from __future__ import annotations

import itertools

import pytest
import yaml
from helpers import ROOT, serious_violations
from playwright.sync_api import Browser, BrowserContext, Page, expect

from build_scripts import chooser

TOP_ANSWERS = [
    a["answer"]
    for a in yaml.safe_load((ROOT / chooser.CHOOSER_FILE).read_text(encoding="utf-8"))["answers"]
]
LAPTOP, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def home_url(base_url: str) -> str:
    """The real site, as the other browser tests see it (built and served once per session)."""
    return base_url


def open_home(
    browser: Browser, url: str, viewport: dict, scheme: str = "light", javascript: bool = True
) -> tuple[BrowserContext, Page]:
    context = browser.new_context(
        viewport=viewport, color_scheme=scheme, java_script_enabled=javascript, base_url=url
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/")
    if javascript:  # (a style tag is added by script: it would never load without)
        page.wait_for_load_state("networkidle")  # the search index
        page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
    return context, page


def cards(page: Page):
    return page.locator(".fu-chooser__choices > li")


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280x800", "390x844"])
def test_the_chooser_and_search_fill_the_first_screen(
    browser: Browser, home_url: str, viewport: dict
) -> None:
    context, page = open_home(browser, home_url, viewport)
    heading = page.get_by_role("heading", name="What just happened?", level=2)
    boxes = [heading.bounding_box()]
    expect(cards(page)).to_have_count(len(TOP_ANSWERS))
    for index, answer in enumerate(TOP_ANSWERS):
        card = cards(page).nth(index)
        expect(card).to_contain_text(answer)
        boxes.append(card.bounding_box())
    boxes.append(page.get_by_role("searchbox", name="Not listed? Search the site").bounding_box())
    for box in boxes:
        assert box is not None
        assert box["y"] >= 0
        assert box["y"] + box["height"] <= viewport["height"], box
        assert box["x"] + box["width"] <= viewport["width"], box
    # Big touch targets: every card at least 44 px high and most of the column wide.
    for index in range(len(TOP_ANSWERS)):
        box = cards(page).nth(index).bounding_box()
        assert box["height"] >= 44
        assert box["width"] >= min(viewport["width"] - 40, 500)
    context.close()


@pytest.mark.parametrize("width", [320, 360, 390])
def test_nothing_overflows_on_narrow_screens_even_with_every_card_open(
    browser: Browser, home_url: str, width: int
) -> None:
    context, page = open_home(browser, home_url, {"width": width, "height": 800})
    for summary in page.locator(".fu-chooser summary").all():
        summary.click()
    assert page.locator(".fu-chooser details[open]").count() == len(
        page.locator(".fu-chooser details").all()
    )
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    for link in page.locator(".fu-chooser a").all():
        box = link.bounding_box()
        assert box["x"] >= 0, box
        assert box["x"] + box["width"] <= width, box
    context.close()


def test_without_javascript_a_scenario_is_two_clicks_away(browser: Browser, home_url: str) -> None:
    context, page = open_home(browser, home_url, PHONE, javascript=False)
    assert page.evaluate("document.documentElement.className") == "no-js"
    # No field that could do nothing: the link to the list of every scenario instead.
    expect(page.locator(".fu-home-search__form")).to_be_hidden()
    expect(page.get_by_role("link", name="Browse every scenario, by stage")).to_be_visible()
    page.locator("summary", has_text="I am waiting to hear back").click()
    panel = page.locator("details[open] .fu-choice__panel")
    expect(panel.get_by_role("heading", name="What are you waiting for?", level=3)).to_be_visible()
    panel.get_by_role("link", name="A decision, and they never gave a date").click()
    expect(page).to_have_url(f"{home_url}/scenarios/no-timeline-given/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    context.close()


def test_the_chooser_works_by_keyboard_with_a_visible_focus(
    browser: Browser, home_url: str
) -> None:
    context, page = open_home(browser, home_url, LAPTOP)
    first = page.locator(".fu-chooser summary").first
    first.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".fu-chooser details").first).to_have_attribute("open", "")
    style = first.evaluate(
        "e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]"
    )
    assert style[0] == "solid", style
    assert style[1] != "0px", style
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('fu-answer')")
    target = page.evaluate("document.activeElement.href")  # absolute
    assert target.startswith(f"{home_url}/scenarios/")
    page.keyboard.press("Enter")
    expect(page).to_have_url(target)
    context.close()


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280x800", "390x844"])
def test_the_search_field_opens_materials_search_with_what_was_typed(
    browser: Browser, home_url: str, viewport: dict
) -> None:
    context, page = open_home(browser, home_url, viewport)
    field = page.get_by_role("searchbox", name="Not listed? Search the site")
    field.fill("salary")
    field.press("Enter")
    material = page.locator("[data-md-component=search-query]")
    expect(material).to_have_value("salary")
    expect(material).to_be_focused()
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    expect(page.locator(".md-search-result__meta")).to_contain_text("matching")
    assert page.url.rstrip("/") == home_url  # handed over in the page, not submitted
    # The button does the same.
    page.keyboard.press("Escape")
    field.fill("recruiter")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(material).to_have_value("recruiter")
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280x800", "390x844"])
def test_home_page_has_no_serious_accessibility_violations(
    browser: Browser, home_url: str, scheme: str, viewport: dict
) -> None:
    context, page = open_home(browser, home_url, viewport, scheme)
    assert serious_violations(page) == []
    page.locator(".fu-chooser summary").nth(1).click()  # a panel open, its links showing
    page.locator(".fu-chooser details[open] a").first.hover()
    assert serious_violations(page) == []
    # Headings in order: one h1, then the chooser's h2, then its panels' h3.
    levels = page.evaluate(
        "[...document.querySelectorAll('article h1, article h2, article h3, article h4')]"
        ".map(h => +h.tagName[1])"
    )
    assert levels[0] == 1
    assert levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    context.close()


def test_the_colour_scheme_chosen_on_the_site_applies_to_the_chooser(
    browser: Browser, home_url: str
) -> None:
    context, page = open_home(browser, home_url, LAPTOP, "light")
    light = page.locator(".fu-chooser details").first.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    page.locator("label[for=__palette_1]").click()  # Material's toggle: stored, then applied
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    dark = page.locator(".fu-chooser details").first.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    assert light != dark
    assert serious_violations(page) == []
    context.close()


def test_the_search_field_works_after_instant_navigation_to_the_home_page(
    browser: Browser, home_url: str
) -> None:
    context, page = open_home(browser, home_url, LAPTOP)
    page.goto("/why-follow-up/")
    page.wait_for_load_state("networkidle")
    page.evaluate("window.__fuSamePage = true")  # gone if the browser loads a new document
    page.locator("a.md-header__button.md-logo").click()
    expect(page.get_by_role("heading", name="What just happened?")).to_be_visible()
    assert page.evaluate("window.__fuSamePage === true")  # Material swapped the content in
    field = page.get_by_role("searchbox", name="Not listed? Search the site")
    field.fill("referee")
    field.press("Enter")
    expect(page.locator("[data-md-component=search-query]")).to_have_value("referee")
    context.close()
