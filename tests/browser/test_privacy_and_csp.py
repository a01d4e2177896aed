"""The site asks no third party for anything, its CSP holds, and the reader's details stay put."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from test_accessibility import PAGES


@pytest.mark.parametrize("path", PAGES)
def test_pages_make_no_third_party_requests_and_break_no_csp_rule(
    page: Page, base_url: str, path: str
) -> None:
    requests: list[str] = []
    messages: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: messages.append(message.text))
    page.on("pageerror", lambda error: messages.append(str(error)))
    page.goto(path)
    page.wait_for_load_state("networkidle")
    origin = urlsplit(base_url).netloc
    foreign = [url for url in requests if urlsplit(url).netloc not in (origin, "")]
    assert foreign == []
    assert [m for m in messages if "Content Security Policy" in m or "Refused" in m] == []
    assert page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1


def test_the_policy_blocks_injected_inline_script(page: Page) -> None:
    page.goto("/scenarios/post-interview/")
    page.evaluate(
        """() => { const s = document.createElement('script');
        s.textContent = 'window.__injected = true'; document.body.appendChild(s); }"""
    )
    assert page.evaluate("window.__injected === true") is False


def test_details_never_travel_in_urls_or_requests(page: Page) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/scenarios/post-interview/")
    page.get_by_label("Company").fill("Secretcorp Unique")
    page.get_by_label("Interview date").fill("2026-11-19")
    page.locator(".md-content a[href$='passed-deadline/']").first.click()
    page.wait_for_url("**/scenarios/passed-deadline/")
    expect(page.get_by_label("Company")).to_have_value("Secretcorp Unique")
    page.reload()
    page.wait_for_load_state("networkidle")
    assert not [url for url in requests if "Secretcorp" in url or "2026-11-19" in url]
    assert "Secretcorp" not in page.url
    stored = page.evaluate("localStorage.getItem('followup-kit:details')")
    assert "Secretcorp Unique" in stored
