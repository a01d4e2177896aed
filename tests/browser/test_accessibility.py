"""Axe finds no serious or critical problem on any page, in light and dark mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT, serious_violations
from playwright.sync_api import Page, expect

import build_scripts
from build_scripts.links import GENERATED


def page_path(src_uri: str) -> str:
    """A page's URL path: `timing.md` is `/timing/`, `scenarios/index.md` is `/scenarios/`."""
    return "/" + src_uri.removesuffix(".md").removesuffix("index").rstrip("/") + "/"


def site_pages() -> list[str]:
    """Every page of the site as a URL path: guide pages, generated pages, scenario pages, in
    every edition (the German one under /de/ has the same pages)."""
    project = build_scripts.Project.from_root(ROOT)
    site = build_scripts.load_site(project)
    guide = [p.stem for p in (ROOT / "content").glob("*.md") if p.name != "index.md"]
    pages = [
        "/",
        *sorted(f"/{name}/" for name in guide),
        # The pages the build generates (the timing table, the sources, the questions...).
        *(page_path(page) for page in GENERATED if page.endswith(".md")),
        *(f"/scenarios/{s.id}/" for s in site.scenarios),
    ]
    return pages + [f"/{language}{path}" for language in project.languages[1:] for path in pages]


PAGES = site_pages()


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_serious_accessibility_violations(page: Page, path: str) -> None:
    page.goto(path)
    assert serious_violations(page) == []


@pytest.mark.parametrize(
    "path", [p for p in PAGES if "/scenarios/" in p and not p.endswith("/scenarios/")]
)
def test_filled_scenario_page_in_dark_mode_has_no_serious_violations(page: Page, path: str) -> None:
    page.emulate_media(color_scheme="dark")
    page.goto(path)
    for field in page.locator("[data-fu-key]").all()[:3]:
        field.fill("Sample value")
    page.locator("[data-fu-anchor]").first.fill("2026-11-19")
    assert serious_violations(page) == []


def test_every_page_of_the_built_site_is_checked(built_site: Path) -> None:
    built = {
        "/" + str(p.parent.relative_to(built_site)).replace(".", "").strip("/") + "/"
        for p in built_site.rglob("index.html")
    }
    built = {"/" if b == "//" else b for b in built}
    assert built - {"/search/", "/de/search/"} <= set(PAGES)


# One word, several words (results with "more on this page"), and a word no page has (results
# that list the missing term): each shows other parts of the results list.
@pytest.mark.parametrize("query", ["thank", "offer deadline salary", "recruiter zzyzx"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_with_a_query_typed_has_no_serious_violations(
    page: Page, scheme: str, query: str
) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto("/scenarios/post-interview/")
    page.wait_for_load_state("networkidle")  # the search index
    search = page.get_by_role("textbox", name="Search")
    search.click()
    search.press_sequentially(query)
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    expect(page.locator(".md-search-result__meta")).to_contain_text("matching")
    assert serious_violations(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_email_too_long_for_a_mail_link_has_no_serious_violations(
    page: Page, scheme: str
) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto("/scenarios/post-interview/")
    page.get_by_label("Topic you discussed").fill("a long tangent " * 120)
    expect(page.locator("[data-fu-mail-note]").first).to_be_visible()
    assert serious_violations(page) == []
