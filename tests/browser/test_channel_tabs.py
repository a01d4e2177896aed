"""Channel variants in a real Chromium: tabs by mouse, keyboard and without JavaScript, live
fill-in, Copy, the length counter and its warning, and axe with the tabs open."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers import copy_project, serious_violations, served_build
from playwright.sync_api import Page, expect
from test_channels import CONNECTION, DEMO, FILE, VOICEMAIL


@pytest.fixture(scope="module")
def channels_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The project plus a small scenario whose template has three variants, served locally."""
    project = copy_project(tmp_path_factory.mktemp("channels") / "project")
    (project / FILE).write_text(DEMO, encoding="utf-8")
    with served_build(project, project / "site", pdf=False) as url:
        yield url + "/scenarios/channels-demo/"


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "locale": "en-GB",
        "permissions": ["clipboard-read", "clipboard-write"],
    }


def panel(page: Page, channel: str):
    return page.locator(f"#template-note--{channel}")


def open_tab(page: Page, channel: str) -> None:
    page.locator(f"label[for='template-note--{channel}-tab']").click()
    expect(panel(page, channel)).to_be_visible()


def fill(text: str, values: dict[str, str], labels: dict[str, str]) -> str:
    for key, label in labels.items():
        text = text.replace("{" + key + "}", values.get(key) or f"[{label}]")
    return text


LABELS = {"name": "Their name", "role": "Job title", "your_name": "Your name"}


def test_clicking_a_tab_shows_its_variant_and_hides_the_email(
    page: Page, channels_site: str
) -> None:
    page.goto(channels_site)
    expect(panel(page, "email")).to_be_visible()
    expect(panel(page, "voicemail")).to_be_hidden()
    page.locator(".fu-template[data-template='note']").get_by_text("Voicemail", exact=True).click()
    expect(panel(page, "voicemail")).to_be_visible()
    expect(panel(page, "email")).to_be_hidden()
    expect(panel(page, "voicemail")).to_contain_text("If you call and nobody answers.")
    expect(page.get_by_role("radio", name="Voicemail")).to_be_checked()


def test_the_arrow_keys_move_between_tabs(page: Page, channels_site: str) -> None:
    page.goto(channels_site)
    email = page.get_by_role("radio", name="Email", exact=True)
    email.focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="LinkedIn invitation")).to_be_checked()
    expect(panel(page, "linkedin-connection")).to_be_visible()
    page.keyboard.press("ArrowRight")
    expect(panel(page, "linkedin-inmail")).to_be_visible()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(email).to_be_checked()
    expect(panel(page, "email")).to_be_visible()


def test_tabs_switch_without_javascript(browser, channels_site: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(channels_site)
    expect(panel(page, "email")).to_be_visible()
    expect(panel(page, "linkedin-connection")).to_be_hidden()
    page.locator("label[for='template-note--linkedin-connection-tab']").click()
    expect(panel(page, "linkedin-connection")).to_be_visible()
    expect(panel(page, "linkedin-connection").locator("[data-fu-counter]")).to_have_text(
        "Keep it to 200 characters once your details are in."
    )
    expect(panel(page, "linkedin-connection").get_by_role("button")).to_have_count(0)
    context.close()


def test_details_fill_the_variant_and_copy_puts_its_filled_text_on_the_clipboard(
    page: Page, channels_site: str
) -> None:
    page.goto(channels_site)
    page.get_by_label("Their name").fill("Ms Rivera")
    page.get_by_label("Your name").fill("Sam Taylor")
    open_tab(page, "linkedin-connection")
    note = panel(page, "linkedin-connection")
    expect(note.locator(".fu-blank[data-key='name']")).to_have_text("Ms Rivera")
    expect(note.locator(".fu-blank[data-key='role']")).to_have_text("[Job title]")
    values = {"name": "Ms Rivera", "your_name": "Sam Taylor"}
    note.get_by_role("button", name="Copy message").click()
    expect(note.locator("[data-fu-variant-status]")).to_have_text(
        "LinkedIn invitation copied to the clipboard."
    )
    assert page.evaluate("navigator.clipboard.readText()") == fill(CONNECTION, values, LABELS)

    open_tab(page, "voicemail")
    panel(page, "voicemail").get_by_role("button", name="Copy script").click()
    assert page.evaluate("navigator.clipboard.readText()") == fill(VOICEMAIL, values, LABELS)

    open_tab(page, "linkedin-inmail")
    inmail = panel(page, "linkedin-inmail")
    inmail.get_by_role("button", name="Copy subject").click()
    assert page.evaluate("navigator.clipboard.readText()") == "Thank you: [Job title] interview"
    inmail.get_by_role("button", name="Copy message").click()
    assert page.evaluate("navigator.clipboard.readText()") == (
        "Dear Ms Rivera,\n\nThank you for the talk about the [Job title] role.\n\n"
        "Kind regards,\nSam Taylor"
    )


def test_the_counter_follows_the_details_and_warns_above_the_limit(
    page: Page, channels_site: str
) -> None:
    page.goto(channels_site)
    open_tab(page, "linkedin-connection")
    note = panel(page, "linkedin-connection")
    counter = note.locator("[data-fu-counter]")
    alert = note.locator("[data-fu-counter-alert]")
    examples = {"name": "Ms Rivera", "role": "Data Analyst", "your_name": "Sam Taylor"}
    size = len(fill(CONNECTION, examples, LABELS))
    expect(counter).to_have_text(
        f"{size} of 200 characters (blanks you have not filled in count as their examples)."
    )
    expect(counter).to_have_attribute("data-state", "ok")
    expect(alert).to_have_text("")  # nothing is announced until the limit is crossed

    page.get_by_label("Their name").fill("Dr Alexandra Montgomery-Fitzwilliam")
    page.get_by_label("Job title").fill("Senior Data Analyst")
    page.get_by_label("Your name").fill("Sam Taylor")
    values = {
        "name": "Dr Alexandra Montgomery-Fitzwilliam",
        "role": "Senior Data Analyst",
        "your_name": "Sam Taylor",
    }
    size = len(fill(CONNECTION, values, LABELS))
    assert size <= 200
    expect(counter).to_have_text(f"{size} of 200 characters.")

    values["role"] = "Senior Data Analyst, Population Health Reporting and Analytics Platform Team"
    page.get_by_label("Job title").fill(values["role"])
    size = len(fill(CONNECTION, values, LABELS))
    assert size > 200
    expect(counter).to_have_text(
        f"{size} of 200 characters: {size - 200} over the limit, shorten it."
    )
    expect(counter).to_have_attribute("data-state", "over")
    expect(alert).to_have_text("LinkedIn invitation: now over the limit of 200 characters.")
    assert counter.evaluate("e => getComputedStyle(e).fontWeight") == "700"

    page.get_by_label("Job title").fill("Analyst")
    expect(counter).to_have_attribute("data-state", "ok")
    expect(alert).to_have_text("LinkedIn invitation: back within the limit of 200 characters.")

    # Words for a spoken script: the voicemail counts its words.
    voicemail = panel(page, "voicemail").locator("[data-fu-counter]")
    expect(voicemail).to_contain_text(" of about 80 words.")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("channel", ["email", "linkedin-inmail"])
def test_axe_finds_nothing_serious_with_a_tab_open(
    page: Page, channels_site: str, scheme: str, channel: str
) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto(channels_site)
    page.get_by_label("Job title").fill("Senior Data Analyst, Population Health Reporting " * 30)
    open_tab(page, channel)
    assert serious_violations(page) == []
