"""`mkdocs serve` under the site's Content-Security-Policy: the open page reloads itself after a
save, and a broken scenario's problems page shows every problem in full."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import copy_project
from playwright.sync_api import Browser, Page, expect
from test_serve import mkdocs_serve

SCENARIO = Path("content") / "scenarios" / "post-interview.yml"
TITLE = "Thank-you note after an interview"


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`mkdocs serve` of a copy of the project: its address and the copy's folder."""
    folder = tmp_path_factory.mktemp("serve")
    project = copy_project(folder / "project")
    with mkdocs_serve(project, folder / "serve.log") as root:
        yield root, project


@pytest.fixture
def open_page(browser: Browser, dev_server: tuple[str, Path]) -> Iterator[tuple[Page, list[str]]]:
    """The scenario's page, open in Chromium, with every console message and page error it
    produces from now on; the scenario file is put back afterwards."""
    root, project = dev_server
    original = (project / SCENARIO).read_text(encoding="utf-8")
    context = browser.new_context()
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.on("pageerror", lambda error: messages.append(str(error)))
    page.goto(root + "scenarios/post-interview/")
    expect(page.locator("h1")).to_contain_text(TITLE)
    try:
        yield page, messages
    finally:
        context.close()
        (project / SCENARIO).write_text(original, encoding="utf-8")


def _save(dev_server: tuple[str, Path], old: str, new: str) -> None:
    scenario = dev_server[1] / SCENARIO
    text = scenario.read_text(encoding="utf-8")
    assert old in text
    scenario.write_text(text.replace(old, new), encoding="utf-8")


def _csp_violations(messages: list[str]) -> list[str]:
    return [m for m in messages if "Content Security Policy" in m or "Refused" in m]


def test_saving_a_scenario_reloads_the_open_page_by_itself(open_page, dev_server) -> None:
    page, messages = open_page
    # A mark on this document: a reload by the page itself replaces it; only that can clear it.
    page.evaluate("() => { window.__followup_before_save = true }")
    _save(dev_server, f"title: {TITLE}", "title: Thanks, reloaded by itself")
    expect(page.locator("h1")).to_contain_text("Thanks, reloaded by itself", timeout=30_000)
    assert page.evaluate("() => window.__followup_before_save") is None
    assert _csp_violations(messages) == []
    assert "Enabled live reload" in messages


def test_the_problems_page_shows_each_did_you_mean_hint_in_full(open_page, dev_server) -> None:
    page, messages = open_page
    _save(dev_server, "category: thank-you", "category: thank-yuo")
    content = page.locator("article.md-content__inner")
    expect(content).to_contain_text("Problems in post-interview", timeout=30_000)
    hint = "did you mean 'thank-you'?"
    expect(content).to_contain_text("post-interview.yml:5:11: category: expected one of")
    # Present in the text is not enough: the hint must be inside the visible column, not cut
    # off at its right edge or behind a horizontal scroll bar.
    box = page.evaluate(
        """(hint) => {
            const article = document.querySelector('article.md-content__inner');
            const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.textContent.indexOf(hint);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + hint.length);
                let clip = article.getBoundingClientRect();
                for (let el = node.parentElement; el !== article; el = el.parentElement) {
                    const style = getComputedStyle(el);
                    if (style.overflowX !== 'visible') clip = el.getBoundingClientRect();
                }
                const r = range.getBoundingClientRect();
                return {left: r.left, right: r.right, clipLeft: clip.left, clipRight: clip.right};
            }
            return null;
        }""",
        hint,
    )
    assert box is not None, f"{hint!r} is not on the page"
    assert box["clipLeft"] <= box["left"] < box["right"] <= box["clipRight"] + 0.5, box
    assert _csp_violations(messages) == []
