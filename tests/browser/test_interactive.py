"""The interactive scenario pages in a real Chromium: fill in, copy, mail, .eml, dates, .ics."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import re
import urllib.parse
import zipfile
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest
from helpers import ROOT, copy_project, served_build
from playwright.sync_api import BrowserContext, Page, expect

import build_scripts

VALUES = {
    "interviewer_name": "Ms Rivera",
    "role": "Data Analyst",
    "company": "Northwind Health",
    "interview_day": "this morning",
    "topic": "the new reporting dashboard",
    "your_strength": "building self-service reports",
    "your_name": "Sam Taylor",
}


@pytest.fixture(scope="module")
def site_model() -> build_scripts.Site:
    return build_scripts.load_site(build_scripts.Project.from_root(ROOT))


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "locale": "en-GB",
        "permissions": ["clipboard-read", "clipboard-write"],
    }


def scenario(site: build_scripts.Site, scenario_id: str):
    return next(s for s in site.scenarios if s.id == scenario_id)


def expected_text(template, values: dict[str, str], labels: dict[str, str]) -> tuple[str, str]:
    def fill(text: str) -> str:
        return re.sub(
            r"\{([a-z][a-z0-9_]*)\}",
            lambda m: values.get(m.group(1)) or f"[{labels[m.group(1)]}]",
            text,
        )

    return " ".join(fill(template.subject).split()), fill(template.body).rstrip()


def fill_panel(page: Page, values: dict[str, str]) -> None:
    for key, value in values.items():
        field = page.locator(f'[data-fu-key="{key}"]')
        if field.count():
            field.fill(value)


def test_filling_the_panel_updates_every_template(page: Page, site_model) -> None:
    page.goto("/scenarios/post-interview/")
    panel = page.locator("[data-fu-panel]")
    expect(panel).to_be_visible()
    expect(page.locator(".fu-blanks-table")).to_be_hidden()
    page.get_by_label("Interviewer's name").fill("Ms Rivera")
    blanks = page.locator('.fu-blank[data-key="interviewer_name"]')
    assert blanks.count() >= 2
    for i in range(blanks.count()):
        expect(blanks.nth(i)).to_have_text("Ms Rivera")
    untouched = page.locator('.fu-blank[data-key="company"]').first
    expect(untouched).to_have_text("[Company]")
    expect(untouched).not_to_have_class(re.compile("fu-filled"))


def test_values_survive_instant_navigation_and_reload_and_clear_erases_them(page: Page) -> None:
    page.goto("/scenarios/post-interview/")
    page.get_by_label("Company").fill("Northwind Health")
    page.evaluate("window.__same_document = true")
    page.locator(".md-content a[href$='passed-deadline/']").first.click()
    page.wait_for_url("**/scenarios/passed-deadline/")
    assert page.evaluate("window.__same_document === true"), "instant navigation did a full load"
    expect(page.get_by_label("Company")).to_have_value("Northwind Health")
    expect(page.locator('.fu-blank[data-key="company"]').first).to_have_text("Northwind Health")

    page.reload()
    expect(page.get_by_label("Company")).to_have_value("Northwind Health")

    page.get_by_role("button", name="Clear my details").click()
    expect(page.get_by_label("Company")).to_have_value("")
    expect(page.locator('.fu-blank[data-key="company"]').first).to_have_text("[Company]")
    expect(page.locator("[data-fu-panel-status]")).to_contain_text("cleared")
    assert page.evaluate("localStorage.getItem('followup-kit:details')") is None
    page.reload()
    expect(page.get_by_label("Company")).to_have_value("")


def test_copy_puts_the_filled_email_on_the_clipboard(page: Page, site_model) -> None:
    s = scenario(site_model, "post-interview")
    labels = {p.key: p.label for p in s.placeholders}
    page.goto("/scenarios/post-interview/")
    fill_panel(page, {"interviewer_name": "Ms Rivera", "role": "Data Analyst"})
    box = page.locator('.fu-template[data-template="standard"]')
    subject, body = expected_text(
        s.templates[0], {"interviewer_name": "Ms Rivera", "role": "Data Analyst"}, labels
    )
    box.get_by_role("button", name="Copy email").click()
    expect(box.locator("[data-fu-copy-status]")).to_have_text("Email copied to the clipboard.")
    assert page.evaluate("navigator.clipboard.readText()") == f"Subject: {subject}\n\n{body}"
    box.get_by_role("button", name="Copy subject").click()
    expect(box.locator("[data-fu-copy-status]")).to_have_text("Subject copied to the clipboard.")
    assert page.evaluate("navigator.clipboard.readText()") == subject
    box.get_by_role("button", name="Copy body").click()
    expect(box.locator("[data-fu-copy-status]")).to_have_text("Body copied to the clipboard.")
    assert page.evaluate("navigator.clipboard.readText()") == body


def test_mailto_link_carries_the_subject_and_body(page: Page, site_model) -> None:
    s = scenario(site_model, "post-interview")
    labels = {p.key: p.label for p in s.placeholders}
    page.goto("/scenarios/post-interview/")
    fill_panel(page, VALUES)
    link = page.locator('.fu-template[data-template="brief"] [data-fu-mailto]')
    href = link.get_attribute("href")
    assert href.startswith("mailto:?")
    query = urllib.parse.parse_qs(href.removeprefix("mailto:?"))
    subject, body = expected_text(s.templates[1], VALUES, labels)
    assert query["subject"] == [subject]
    assert query["body"] == [body.replace("\n", "\r\n")]
    assert "+" not in href  # spaces must be %20 in mailto, not +


def test_an_email_too_long_for_a_mail_link_offers_copy_instead(page: Page) -> None:
    page.goto("/scenarios/post-interview/")
    page.get_by_label("Topic you discussed").fill("a long tangent " * 120)
    box = page.locator('.fu-template[data-template="standard"]')
    expect(box.get_by_role("link", name="Open in email app")).to_have_count(0)
    off = box.get_by_role("button", name="Open in email app")
    expect(off).to_have_attribute("aria-disabled", "true")
    off.click(force=True)  # aria-disabled: Playwright would wait for it to be enabled
    status = page.locator('.fu-template[data-template="standard"] [data-fu-copy-status]')
    expect(status).to_contain_text("too long to open in a mail app")


def test_downloaded_eml_is_a_valid_utf8_draft(page: Page, site_model, tmp_path: Path) -> None:
    s = scenario(site_model, "post-interview")
    labels = {p.key: p.label for p in s.placeholders}
    values = {**VALUES, "company": "Zürich Café Ltd", "your_name": "Zoë Taylor"}
    page.goto("/scenarios/post-interview/")
    fill_panel(page, values)
    page.get_by_label("Your email address (optional)").fill("zoe@example.org")
    with page.expect_download() as info:
        page.locator('.fu-template[data-template="standard"]').get_by_role(
            "button", name="Download .eml"
        ).click()
    raw = Path(info.value.path()).read_bytes()
    assert b"\r\n" in raw
    assert not re.search(rb"[^\r]\n", raw)
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78
    message = email.message_from_bytes(raw, policy=email.policy.default)
    subject, body = expected_text(s.templates[0], values, labels)
    assert message["Subject"] == subject
    assert message["From"].addresses[0].addr_spec == "zoe@example.org"
    assert message["From"].addresses[0].display_name == "Zoë Taylor"
    assert message["Date"].datetime is not None
    assert message.get_content_type() == "text/plain"
    # Mail uses CRLF line ends on the wire; compare the text itself.
    assert message.get_content().replace("\r\n", "\n").rstrip("\n") == body
    assert "Zürich Café Ltd" in message.get_content()


def test_planner_dates_and_ics_for_a_thursday(page: Page, tmp_path: Path) -> None:
    page.goto("/scenarios/passed-deadline/")
    page.get_by_label("Employer's stated decision date").fill("2026-11-19")  # a Thursday
    first = page.locator('.fu-step[data-step="1"] [data-fu-dates]')
    # 1-2 business days after a Thursday: Friday, then Monday across the weekend.
    expect(first).to_have_text("Earliest Fri, 20 Nov 2026 · Latest Mon, 23 Nov 2026")
    with page.expect_download() as info:
        page.get_by_role("button", name="Add reminders to my calendar (.ics)").click()
    text = Path(info.value.path()).read_bytes().decode("utf-8")
    calendar = icalendar.Calendar.from_ical(text)
    events = [c for c in calendar.walk("VEVENT")]
    assert [e.decoded("DTSTART") for e in events] == [
        dt.date(2026, 11, 20),  # step 1: 1 business day after Thursday
        dt.date(2026, 11, 27),  # step 2: 7 days after step 1
        dt.date(2026, 12, 4),  # step 3: 5 business days after Friday 27, across a weekend
    ]
    assert all(e.decoded("DTEND") - e.decoded("DTSTART") == dt.timedelta(days=1) for e in events)
    assert len({str(e["UID"]) for e in events}) == 3
    assert "Send a polite first check-in" in str(events[0]["SUMMARY"])
    assert all(e.walk("VALARM") for e in events)
    lines = text.split("\r\n")
    assert len(lines) > 20
    assert "\n" not in "".join(lines)
    assert all(len(line.encode()) <= 75 for line in lines)


def test_planner_uses_the_interview_time_for_hour_steps(page: Page) -> None:
    page.goto("/scenarios/post-interview/")
    page.get_by_label("Interview date").fill("2026-11-19")
    first = page.locator('.fu-step[data-step="1"] [data-fu-dates]')
    expect(first).to_have_text(
        "Earliest Thu, 19 Nov 2026 · Ideal Thu, 19 Nov 2026 · Latest Fri, 20 Nov 2026"
    )
    page.get_by_label("Time the interview ended (optional)").fill("15:30")
    expect(first).to_have_text(
        "Earliest Thu, 19 Nov 2026, 17:30 · Ideal Thu, 19 Nov 2026, 19:30 · "
        "Latest Fri, 20 Nov 2026, 15:30"
    )
    second = page.locator('.fu-step[data-step="2"] [data-fu-dates]')
    # 7-14 days after the interview, ideally 8: calendar days, so the time of day drops.
    expect(second).to_have_text(
        "Earliest Thu, 26 Nov 2026 · Ideal Fri, 27 Nov 2026 · Latest Thu, 3 Dec 2026"
    )


def test_quality_meter_flags_a_long_subject_blanks_and_phrases(page: Page) -> None:
    page.goto("/scenarios/post-interview/")
    meter = page.locator('.fu-template[data-template="brief"] [data-fu-meter]')
    expect(meter).to_contain_text("Once you fill in your details above")
    page.get_by_label("Company").fill("Northwind Health")
    expect(meter).to_contain_text("Still blank: Job title, Interviewer's name")
    long_role = "Senior Clinical Data Quality and Reporting Analyst"
    page.get_by_label("Job title").fill(long_role)
    subject = f"{long_role} role: thanks for your time"
    assert len(subject) > 60
    expect(meter.locator(".fu-meter-bad")).to_contain_text(f"Subject: {len(subject)} characters")
    page.get_by_label("Topic you discussed").fill("just checking in on the plans")
    expect(meter).to_contain_text("Avoid: “just checking in”")
    fill_panel(page, {**VALUES, "interviewer_name": "Ms Rivera", "topic": "the dashboard"})
    expect(meter.locator(".fu-meter-bad")).to_have_count(0)
    expect(meter).to_contain_text("Every blank is filled in.")


def test_pack_zip_and_json_hold_every_template(built_site: Path, site_model) -> None:
    data = json.loads((built_site / "downloads" / "templates.json").read_text())
    replies = {(s.id, t.id) for s in site_model.scenarios for t in s.templates if t.reply}
    expected = {(s.id, t.id) for s in site_model.scenarios for t in s.templates}
    assert {(s["id"], t["id"]) for s in data["scenarios"] for t in s["templates"]} == expected
    for s in data["scenarios"]:
        assert s["timeline"]
        assert all("unit" in step for step in s["timeline"])
    with zipfile.ZipFile(built_site / "downloads" / "follow-up-templates.zip") as archive:
        names = set(archive.namelist())
        for scenario_id, template_id in expected:
            assert f"follow-up-templates/{scenario_id}/{template_id}.txt" in names
            draft = f"follow-up-templates/{scenario_id}/{template_id}.eml"
            assert (draft in names) == ((scenario_id, template_id) not in replies)
        assert "follow-up-templates/templates.json" in names
        eml = archive.read("follow-up-templates/post-interview/standard.eml")
        assert email.message_from_bytes(eml, policy=email.policy.default)["X-Unsent"] == "1"


def test_without_javascript_the_templates_and_downloads_still_work(browser, base_url: str) -> None:
    context: BrowserContext = browser.new_context(java_script_enabled=False, base_url=base_url)
    page = context.new_page()
    page.goto("/scenarios/post-interview/")
    expect(page.locator("[data-fu-panel]")).to_be_hidden()
    expect(page.locator(".fu-blanks-table")).to_be_visible()
    expect(page.locator('.fu-blank[data-key="company"]').first).to_have_text("[Company]")
    link = page.get_by_role("link", name="Email draft (.eml)").first
    response = page.request.get(urllib.parse.urljoin(page.url, link.get_attribute("href")))
    assert response.ok
    assert b"Subject: " in response.body()
    context.close()


def hour_chain_steps(s) -> list[int]:
    """Numbers of the steps measured in hours all the way back to a named anchor: the steps
    whose dates depend on the time of that anchor."""
    timed: list[int] = []
    for step in s.steps:
        if step.unit == "hours" and (step.after_step is None or step.after_step in timed):
            timed.append(step.number)
    return timed


def step_dates(page: Page) -> list[str]:
    return page.locator(".fu-step [data-fu-dates]").evaluate_all(
        "nodes => nodes.map(n => n.hidden ? '' : n.textContent)"
    )


def test_every_time_field_changes_the_dates_and_every_hour_step_gets_a_time(
    page: Page, site_model
) -> None:
    for s in site_model.scenarios:
        page.goto(f"/scenarios/{s.id}/")
        for field in page.locator("[data-fu-anchor]").all():
            field.fill("2026-11-19")
        times = page.locator("[data-fu-time]").all()
        for field in times:
            before = step_dates(page)
            field.fill("15:30")
            after = step_dates(page)
            label = field.evaluate("f => f.labels[0].textContent")
            assert after != before, f"{s.id}: '{label}' changes no date"
        dates = step_dates(page)
        for number in hour_chain_steps(s):
            assert re.search(r", \d\d:\d\d", dates[number - 1]), (
                f"{s.id}: step {number} is measured in hours but shows no time: "
                f"{dates[number - 1]!r}"
            )
        if not hour_chain_steps(s):
            assert times == [], f"{s.id}: a time field that no step uses"
        page.evaluate("localStorage.clear()")


def test_planner_uses_the_time_of_a_rejection_for_its_hour_steps(page: Page) -> None:
    page.goto("/scenarios/after-rejection/")
    page.get_by_label("Date the rejection arrived").fill("2026-11-19")
    page.get_by_label("Time the rejection arrived (optional)").fill("15:30")
    first = page.locator('.fu-step[data-step="1"] [data-fu-dates]')
    # 4-48 hours after Thursday 15:30.
    expect(first).to_have_text("Earliest Thu, 19 Nov 2026, 19:30 · Latest Sat, 21 Nov 2026, 15:30")
    expect(page.get_by_label("Time the interview ended (optional)")).to_have_count(0)


def test_without_javascript_no_control_that_needs_it_is_visible(
    browser, base_url: str, site_model
) -> None:
    context: BrowserContext = browser.new_context(java_script_enabled=False, base_url=base_url)
    page = context.new_page()
    for s in site_model.scenarios:
        page.goto(f"/scenarios/{s.id}/")
        # Every button on a scenario page works through followup.js, and so does everything
        # the page marks `hidden` until the script shows it.
        shown = page.locator(".md-content button, .md-content [hidden]").evaluate_all(
            "nodes => nodes.filter(n => n.getClientRects().length > 0)"
            ".map(n => n.outerHTML.slice(0, 80))"
        )
        assert shown == [], s.id
        expect(page.get_by_role("link", name="Open in email app")).to_have_count(0)
    context.close()


def test_a_mail_link_too_long_is_reachable_explains_why_and_logs_no_error(page: Page) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/scenarios/post-interview/")
    page.get_by_label("Topic you discussed").fill("a long tangent " * 120)
    box = page.locator('.fu-template[data-template="standard"]')
    box.get_by_role("button", name="Copy body").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate_handle("document.activeElement")
    off = box.get_by_role("button", name="Open in email app")
    expect(off).to_be_focused()
    assert focused.evaluate("e => e.getAttribute('aria-disabled')") == "true"
    expect(off).to_have_accessible_description(re.compile("too long for a mail link"))
    page.keyboard.press("Enter")
    expect(box.locator("[data-fu-copy-status]")).to_contain_text("too long to open in a mail app")
    off.click(force=True)
    page.wait_for_timeout(300)
    assert errors == []
    # Shortening the email brings the real link back.
    page.get_by_label("Topic you discussed").fill("the dashboard")
    expect(box.get_by_role("link", name="Open in email app")).to_have_attribute(
        "href", re.compile("^mailto:")
    )
    expect(off).to_be_hidden()


def test_clear_my_details_removes_everything_the_page_stored(page: Page) -> None:
    page.goto("/scenarios/post-interview/")
    before = set(page.evaluate("Object.keys(localStorage)"))
    page.get_by_label("Company").fill("Northwind Health")
    page.get_by_label("Your email address (optional)").fill("sam@example.org")
    page.get_by_label("Interview date").fill("2026-11-19")
    page.get_by_label("Time the interview ended (optional)").fill("15:30")
    assert set(page.evaluate("Object.keys(localStorage)")) > before
    page.get_by_role("button", name="Clear my details").click()
    assert set(page.evaluate("Object.keys(localStorage)")) <= before
    expect(page.get_by_label("Interview date")).to_have_value("")
    expect(page.get_by_label("Time the interview ended (optional)")).to_have_value("")
    expect(page.locator('.fu-step[data-step="1"] [data-fu-dates]')).to_be_hidden()
    page.reload()
    expect(page.get_by_label("Interview date")).to_have_value("")
    expect(page.get_by_label("Company")).to_have_value("")


def test_quality_meter_waits_for_input_and_every_built_in_template_passes_it(
    page: Page, site_model
) -> None:
    for s in site_model.scenarios:
        page.goto(f"/scenarios/{s.id}/")
        meters = page.locator("[data-fu-meter]")
        expect(meters).to_have_count(len(s.templates))
        for i in range(meters.count()):
            expect(meters.nth(i)).to_contain_text("Check before sending")
            expect(meters.nth(i).locator(".fu-meter-warn, .fu-meter-bad")).to_have_count(0)
        for p in s.used_placeholders:
            page.locator(f'[data-fu-key="{p.key}"]').fill(p.example)
        for i in range(meters.count()):
            meter = meters.nth(i)
            expect(meter).to_contain_text("Every blank is filled in.")
            warnings = meter.locator(".fu-meter-warn, .fu-meter-bad").all_text_contents()
            assert warnings == [], f"{s.id}/{s.templates[i].id}: {warnings}"
        page.evaluate("localStorage.clear()")


def test_search_index_has_the_templates_subjects_not_their_bodies_or_buttons(
    built_site: Path,
) -> None:
    # The bodies repeat the same letter phrases on every scenario page: at 1000 scenarios they
    # made most of a 7 MB index. A template is found by its title, purpose and subject.
    index = json.loads((built_site / "search" / "search_index.json").read_text())
    text = " ".join(doc["text"] for doc in index["docs"])
    for control in ("Copy email", "Open in email app", "Download .eml", "Clear my details"):
        assert control not in text
    assert "Dear [Interviewer" not in text
    assert "interview: thank you" in text


@pytest.fixture(scope="module")
def brace_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fork whose thank-you template has literal braces (`{{` / `}}`), served on 127.0.0.1."""
    project = copy_project(tmp_path_factory.mktemp("braces") / "project")
    source = project / "content/scenarios/post-interview.yml"
    text = source.read_text(encoding="utf-8")
    changed = text.replace(
        'subject: "{role} interview: thank you"',
        'subject: "{role} interview: thank you (ref {{2024-17}})"',
    )
    assert changed != text
    source.write_text(changed, encoding="utf-8")
    with served_build(project, project / "site", pdf=False) as url:
        yield url


def test_literal_braces_come_out_single_in_copy_mail_link_and_eml(
    page: Page, brace_site: str
) -> None:
    page.goto(brace_site + "/scenarios/post-interview/")
    fill_panel(page, {"role": "Data Analyst"})
    card = page.locator('.fu-template[data-template="standard"]')
    expected = "Data Analyst interview: thank you (ref {2024-17})"
    card.get_by_role("button", name="Copy subject").click()
    assert page.evaluate("navigator.clipboard.readText()") == expected
    href = card.get_by_role("link", name="Open in email app").get_attribute("href")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(href).query)
    assert query["subject"] == [expected]
    with page.expect_download() as info:
        card.get_by_role("button", name="Download .eml").click()
    message = email.message_from_bytes(
        Path(info.value.path()).read_bytes(), policy=email.policy.default
    )
    assert message["Subject"] == expected


@pytest.mark.parametrize(
    ("name", "address", "role"),
    [
        ("=?utf-8?q?Admin?=", "a[b]@example.org", "=?utf-8?q?Boss?="),
        ("Zoë Taylor", "zoë@example.org", "Analyst"),
        ("Sam Taylor", ".dot.@example.org", "Analyst"),
    ],
)
def test_eml_headers_keep_what_the_reader_typed_and_refuse_bad_addresses(
    page: Page, name: str, address: str, role: str
) -> None:
    page.goto("/scenarios/post-interview/")
    fill_panel(page, {**VALUES, "your_name": name, "role": role})
    page.get_by_label("Your email address (optional)").fill(address)
    with page.expect_download() as info:
        page.locator('.fu-template[data-template="standard"]').get_by_role(
            "button", name="Download .eml"
        ).click()
    raw = Path(info.value.path()).read_bytes()
    assert raw.split(b"\r\n\r\n", 1)[0].isascii()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert not message.defects
    sender = message["From"].addresses[0]
    assert sender.display_name == name
    # An address that is not a plain ASCII dot-atom falls back to the example sender.
    assert sender.addr_spec == "your-address@example.invalid"
    assert message["Subject"] == f"{role} interview: thank you"


def test_a_reply_in_the_thread_offers_its_text_without_a_subject_mail_link_or_draft(
    page: Page, site_model
) -> None:
    s, t = next((s, t) for s in site_model.scenarios for t in s.templates if t.reply)
    labels = {p.key: p.label for p in s.placeholders}
    page.goto(f"/{s.src_uri.removesuffix('.md')}/")
    values = {key: f"value of {key}" for key in t.placeholder_keys}
    fill_panel(page, values)
    box = page.locator(f'.fu-template[data-template="{t.id}"]')
    expect(box.locator(".fu-reply")).to_contain_text("a reply in the existing email thread")
    for absent in (
        "[data-fu-mailto]",
        "[data-fu-eml]",
        '[data-fu-copy="subject"]',
        ".fu-subject-text",
    ):
        assert box.locator(absent).count() == 0, absent
    box.get_by_role("button", name="Copy text for your reply").click()
    expect(box.locator("[data-fu-copy-status]")).to_contain_text("reply in the existing thread")
    body = re.sub(
        r"\{([a-z][a-z0-9_]*)\}",
        lambda m: values.get(m.group(1)) or f"[{labels[m.group(1)]}]",
        t.body,
    ).rstrip()
    assert page.evaluate("navigator.clipboard.readText()") == body
    expect(box.locator("[data-fu-meter]")).to_contain_text("goes as a reply in the existing thread")
    assert page.locator(f'a[href$="/{t.id}.eml"]').count() == 0
