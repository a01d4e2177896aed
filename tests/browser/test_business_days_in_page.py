"""Business days per country in the date planner, in a real Chromium: the reader's country and
region, their weekend and public holidays, reminders kept out of the night, and the page's
arithmetic held to build_scripts/business_days.py."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import Page, expect

from build_scripts import business_days


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "locale": "en-GB"}


@pytest.fixture(scope="session")
def german_site(base_url: str) -> str:
    """The session's site's German edition: <html lang="de">, the edition's default country
    DE, its interface text from content/de/strings.yml."""
    return base_url.rstrip("/") + "/de"


def ics_events(page: Page) -> list[icalendar.Event]:
    with page.expect_download() as info:
        page.locator("[data-fu-ics]").click()
    text = Path(info.value.path()).read_bytes().decode("utf-8")
    return list(icalendar.Calendar.from_ical(text).walk("VEVENT"))


def test_german_reader_skips_christmas_with_germany_preselected(browser, german_site: str) -> None:
    context = browser.new_context(locale="de-DE", accept_downloads=True)
    page = context.new_page()
    page.goto(german_site + "/scenarios/passed-deadline/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    country = page.locator("[data-fu-country]")
    expect(country).to_have_value("DE")
    expect(country.locator("option:checked")).to_have_text("Deutschland")
    page.locator('[data-fu-anchor="decision_date"]').fill("2026-12-23")  # a Wednesday
    first = page.locator('.fu-step[data-step="1"] [data-fu-dates]')
    # 1-2 business days: Thursday 24, then across Christmas (25 Dec, a Friday; 26 Dec, a
    # Saturday) and the weekend to Monday 28.
    expect(first).to_have_text(
        "Frühestens Do., 24. Dez. 2026 · Spätestens Mo., 28. Dez. 2026 "
        "(ohne den Feiertag am Fr., 25. Dez.)"
    )
    status = page.locator("[data-fu-calendar-status]")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_contain_text("Samstag und Sonntag")
    expect(status).to_contain_text("Deutschland")
    events = ics_events(page)
    assert events[0].decoded("DTSTART") == dt.date(2026, 12, 24)
    assert "spätestens Mo., 28. Dez. 2026" in str(events[0]["DESCRIPTION"])
    context.close()


def test_a_land_holiday_counts_only_in_its_land(browser, german_site: str) -> None:
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.goto(german_site + "/scenarios/passed-deadline/")
    region = page.locator("[data-fu-region]")
    expect(region.locator('option[value="BY"]')).to_have_text("Bayern")
    page.locator('[data-fu-anchor="decision_date"]').fill("2027-01-05")  # a Tuesday
    first = page.locator('.fu-step[data-step="1"] [data-fu-dates]')
    # Epiphany, 6 January, is a holiday in Bavaria, not in North Rhine-Westphalia.
    region.select_option("NW")
    expect(first).to_have_text("Frühestens Mi., 6. Jan. 2027 · Spätestens Do., 7. Jan. 2027")
    region.select_option("BY")
    expect(first).to_have_text(
        "Frühestens Do., 7. Jan. 2027 · Spätestens Fr., 8. Jan. 2027 "
        "(ohne den Feiertag am Mi., 6. Jan.)"
    )
    expect(page.locator("[data-fu-calendar-status]")).to_contain_text("Bayern (Deutschland)")
    context.close()


def test_gulf_reader_skips_friday_and_saturday_and_the_choice_survives_a_reload(
    page: Page,
) -> None:
    page.goto("/scenarios/passed-deadline/")
    country = page.locator("[data-fu-country]")
    expect(country).to_have_value("US")  # the edition's default
    country.select_option("SA")
    page.get_by_label("Employer's stated decision date").fill("2026-11-19")  # a Thursday
    first = page.locator('.fu-step[data-step="1"] [data-fu-dates]')
    # Saudi Arabia rests on Friday and Saturday: 1-2 business days after Thursday are Sunday
    # and Monday.
    expect(first).to_have_text("Earliest Sun, 22 Nov 2026 · Latest Mon, 23 Nov 2026")
    expect(page.locator("[data-fu-calendar-status]")).to_contain_text(
        "Business days skip Friday and Saturday and the public holidays of Saudi Arabia"
    )
    events = ics_events(page)
    assert events[0].decoded("DTSTART") == dt.date(2026, 11, 22)
    assert "latest Mon, 23 Nov 2026" in str(events[0]["DESCRIPTION"])
    for event in events:
        assert event.decoded("DTSTART").isoweekday() not in (5, 6)

    page.reload()
    expect(country).to_have_value("SA")
    expect(first).to_have_text("Earliest Sun, 22 Nov 2026 · Latest Mon, 23 Nov 2026")

    page.get_by_role("button", name="Clear my details").click()
    expect(country).to_have_value("US")
    assert page.evaluate("localStorage.getItem('followup-kit:calendar')") is None


def test_an_hour_step_that_falls_at_night_is_reminded_at_nine_the_next_morning(
    page: Page,
) -> None:
    page.goto("/scenarios/post-interview/")
    page.get_by_label("Interview date").fill("2026-11-19")
    page.get_by_label("Time the interview ended (optional)").fill("17:00")
    first = page.locator('.fu-step[data-step="1"] [data-fu-dates]')
    # Ideally 4 hours later: 21:00, at night, so the reminder moves to 09:00 on Friday.
    expect(first).to_contain_text("Ideal Thu, 19 Nov 2026, 21:00")
    expect(first).to_contain_text("Reminder Fri, 20 Nov 2026, 09:00, moved out of the night")
    event = ics_events(page)[0]
    assert event.decoded("DTSTART") == dt.datetime(2026, 11, 20, 9, 0)  # floating local time
    assert event.decoded("DTSTART").tzinfo is None
    assert "Moved to Fri, 20 Nov 2026, 09:00" in str(event["DESCRIPTION"])

    page.get_by_label("Time the interview ended (optional)").fill("03:00")
    # Earliest 05:00 and ideal 07:00 are night too: the ideal's reminder moves to 09:00 the
    # same morning.
    expect(first).to_contain_text("Reminder Thu, 19 Nov 2026, 09:00")


def test_while_the_holidays_cannot_load_the_planner_says_so_and_counts_monday_to_friday(
    page: Page,
) -> None:
    page.route("**/assets/holidays/DE.json", lambda route: route.abort())
    page.goto("/scenarios/passed-deadline/")
    page.locator("[data-fu-country]").select_option("DE")
    page.get_by_label("Employer's stated decision date").fill("2026-12-23")
    expect(page.locator("[data-fu-calendar-status]")).to_contain_text(
        "could not be loaded, so business days are Monday to Friday"
    )
    expect(page.locator('.fu-step[data-step="1"] [data-fu-dates]')).to_have_text(
        "Earliest Thu, 24 Dec 2026 · Latest Fri, 25 Dec 2026"
    )


def test_no_holiday_file_loads_before_the_planner_is_used(page: Page) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url) if "/holidays/" in r.url else None)
    page.goto("/scenarios/passed-deadline/")
    expect(page.locator("[data-fu-country] option")).not_to_have_count(1)  # index is there
    assert [u for u in requested if not u.endswith("/index.json")] == []
    page.get_by_label("Employer's stated decision date").fill("2026-11-19")
    expect(page.locator("[data-fu-calendar-status]")).to_contain_text("United States")
    assert any(u.endswith("/holidays/US.json") for u in requested)


CASES_COUNTRIES = ("DE", "US", "GB", "SA", "QA", "KW", "CH", "AE", "MY", "IL", "FR", "JP")


def test_the_page_counts_business_days_as_the_python_reference_does(
    page: Page, built_site: Path
) -> None:
    rng = random.Random(16)
    files = {
        code: json.loads((built_site / "assets/holidays" / f"{code}.json").read_text("utf-8"))
        for code in CASES_COUNTRIES
    }
    cases = []
    for _ in range(200):
        code = rng.choice(CASES_COUNTRIES)
        data = files[code]
        region = rng.choice([None, *data["subdivisions"]])
        first, last = data["years"]
        start = dt.date(first, 1, 1) + dt.timedelta(days=rng.randrange(365 * (last - first) + 300))
        count = rng.randrange(-3, 15)
        expected = business_days.add_business_days(
            start, count, business_days.calendar(data, region)
        )
        cases.append([code, region, start.isoformat(), count, expected.isoformat()])
    page.goto("/scenarios/passed-deadline/")
    got = page.evaluate(
        """([files, cases]) => cases.map(([code, region, start, count]) =>
             window.followupKit.addBusinessDays(files[code], region, start, count))""",
        [files, cases],
    )
    mismatches = [(c, g) for c, g in zip(cases, got, strict=True) if c[4] != g]
    assert mismatches == []
