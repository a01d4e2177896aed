"""My applications, the private tracker page, in a real Chromium: what is due on which day,
marking steps done, moving an application after a reply, its files (JSON, CSV, .ics), imports
that must be refused, deleting everything, the scenario page written for an application,
offline use and accessibility.

Every expected date is worked out here from the scenario's timing in the site model and the
business days of build_scripts/business_days.py over the holiday files the site serves, never
read back from the page's script."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from helpers import ROOT, serious_violations
from playwright.sync_api import Browser, Locator, Page, expect

import build_scripts
from build_scripts import business_days
from build_scripts.expand import StepView
from build_scripts.schema import REPLIES

TRACKER = "/my-applications/"
STORE = "followup-kit:applications"
ZONE = ZoneInfo("Europe/London")
UPCOMING_DAYS = 14
"""The page's "Coming up in the next 14 days"."""
GROUPS = ("overdue", "now", "soon", "undated")


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    # The clock is set in this zone, so "today" is the same day for the test and the page.
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Europe/London"}


@pytest.fixture(scope="module")
def site_model() -> build_scripts.Site:
    return build_scripts.load_site(build_scripts.Project.from_root(ROOT))


@pytest.fixture(scope="module")
def holiday_files(built_site: Path) -> dict[str, dict]:
    folder = built_site / "assets" / "holidays"
    return {code: json.loads((folder / f"{code}.json").read_text("utf-8")) for code in ("US", "DE")}


# ---- What the page should show, worked out from the scenarios and business days ----


@dataclasses.dataclass(frozen=True)
class Application:
    company: str
    role: str
    scenario: str
    dates: dict[str, dt.date]
    country: str = "US"
    """US is the English edition's default; another country is chosen in the form."""

    @property
    def name(self) -> str:
        return f"{self.company}, {self.role}"


@dataclasses.dataclass(frozen=True)
class Days:
    """The dates the three applications are built around, found in the site's holiday files so
    that a German public holiday falls on a weekday that is not a US one."""

    holiday: dt.date
    """A German public holiday, Tuesday to Thursday, that the US does not have."""
    interview: dt.date
    decision: dt.date
    applied: dt.date


@pytest.fixture(scope="module")
def days(holiday_files: dict[str, dict]) -> Days:
    german, american = holiday_files["DE"], holiday_files["US"]
    year = german["years"][0] + 1  # the whole plan stays inside the files' years
    holiday = next(
        day
        for day in map(dt.date.fromisoformat, german["holidays"])
        if day.year == year and day.isoweekday() in (2, 3, 4)
        if day.isoformat() not in american["holidays"]
    )
    return Days(
        holiday=holiday,
        interview=holiday - dt.timedelta(days=2),
        decision=holiday - dt.timedelta(days=1),
        applied=holiday - dt.timedelta(days=12),
    )


def three_applications(days: Days) -> list[Application]:
    return [
        Application(
            "Northwind Health", "Data Analyst", "post-interview", {"interview": days.interview}
        ),
        Application(
            "Contoso", "Engineer", "passed-deadline", {"decision_date": days.decision}, "DE"
        ),
        Application("Fabrikam", "Designer", "application-follow-up", {"application": days.applied}),
    ]


@dataclasses.dataclass(frozen=True)
class Row:
    """One step of an application's plan as the page should see it."""

    step: StepView
    start: dt.date | None
    """From when it can be sent: its earliest day, else its ideal day, else (a "within" step)
    the day it counts from."""
    end: dt.date | None
    """By when: its latest day, else the ideal day of a step with no earliest one; None for an
    "at least" step, which is never overdue."""
    planned: dt.date | None
    """The date later steps count from, and the reminder's day: ideal, else earliest."""
    blocked: bool
    missing: str | None
    mark: dict | None
    past: bool = False
    """Over before the application's plan started (the day it was added or last moved)."""

    def standing(self, day: dt.date) -> str:
        if self.mark:
            return "done"
        if self.past:
            return "past"
        if self.blocked:
            return "waiting"
        if self.start is None:
            return "undated"
        if self.end is not None and self.end < day:
            return "overdue"
        if self.start <= day:
            return "now"
        if self.start <= day + dt.timedelta(days=UPCOMING_DAYS):
            return "soon"
        return "later"


def scenario_of(site: build_scripts.Site, scenario_id: str):
    return next(s for s in site.scenarios if s.id == scenario_id)


def shifted(base: dt.date, unit: str, amount: int, calendar: business_days.Calendar) -> dt.date:
    if unit == "business_days":
        return business_days.add_business_days(base, amount, calendar)
    if unit == "days":
        return base + dt.timedelta(days=amount)
    assert unit == "hours", unit
    return base + dt.timedelta(days=amount // 24)  # no time of day is given in these tests


def expected_plan(
    site: build_scripts.Site,
    holiday_files: dict[str, dict],
    app: Application,
    marks: dict[str, dict] | None = None,
    since: dt.date | None = None,
) -> list[Row]:
    """The scenario's timeline counted from the application's dates: a step after another
    counts from the day that one was sent, or else from its planned day, and waits for it
    (unless it was over before the plan started on `since`)."""
    calendar = business_days.calendar(holiday_files[app.country])
    marks = marks or {}
    rows: list[Row] = []
    for step in scenario_of(site, app.scenario).steps:
        if step.after_step:
            before = rows[step.after_step - 1]
            missing = before.missing
            blocked = (before.mark is None and not before.past) or before.blocked
            sent = before.mark and before.mark["state"] == "sent"
            base = dt.date.fromisoformat(before.mark["on"]) if sent else before.planned
        else:
            base = app.dates.get(step.anchor)
            missing, blocked = (None if base else step.anchor), False
        if base is None:
            rows.append(Row(step, None, None, None, blocked, missing, marks.get(step.id)))
            continue
        bounds = {
            name: shifted(base, step.unit, getattr(step, name), calendar)
            for name in ("earliest", "ideal", "latest")
            if getattr(step, name) is not None
        }
        planned = bounds.get("ideal") or bounds.get("earliest") or bounds["latest"]
        start = bounds.get("earliest") or bounds.get("ideal") or base
        end = bounds.get("latest") or (None if "earliest" in bounds else bounds.get("ideal"))
        mark = marks.get(step.id)
        past = not mark and not blocked and bool(since and end and end < since)
        rows.append(Row(step, start, end, planned, blocked, missing, mark, past))
    return rows


def expected_due(
    site: build_scripts.Site,
    holiday_files: dict[str, dict],
    apps: list[Application],
    day: dt.date,
    marks: dict[str, dict[str, dict]] | None = None,
    since: dt.date | None = None,
) -> dict[str, set[tuple[str, str]]]:
    """Per group of the due list, the (company, step id) pairs it should hold on `day`, with
    the steps marked in `marks` (company -> step id -> mark), the applications added on
    `since`; a missing date is listed once per application, at the first step that needs it,
    and only while nothing else of the application is planned."""
    groups: dict[str, set[tuple[str, str]]] = {group: set() for group in GROUPS}
    for app in apps:
        seen = set()
        rows = expected_plan(site, holiday_files, app, (marks or {}).get(app.company), since)
        states = [row.standing(day) for row in rows]
        planned = any(state in ("overdue", "now", "soon", "later") for state in states)
        for row, state in zip(rows, states, strict=True):
            if state == "undated":
                if planned or row.missing in seen:
                    continue
                seen.add(row.missing)
            if state in groups:
                groups[state].add((app.company, row.step.id))
    return groups


def shown_date(day: dt.date) -> str:
    """A date as the page shows it to an en-GB reader: "Wed, 5 May 2027"."""
    month = "Sept" if day.month == 9 else f"{day:%b}"
    return f"{day:%a}, {day.day} {month} {day.year}"


# ---- Driving the page ----


def set_today(page: Page, day: dt.date, minutes: int = 0) -> None:
    page.clock.set_fixed_time(dt.datetime.combine(day, dt.time(12, minutes), tzinfo=ZONE))


def settled(page: Page) -> None:
    """The tracker has drawn its lists with every application's holidays loaded."""
    expect(page.locator("[data-fu-tracker]")).to_have_attribute("data-fu-calendars", "ready")


def open_tracker(page: Page, day: dt.date, path: str = TRACKER) -> None:
    set_today(page, day)
    page.goto(path)
    settled(page)


def add_application(page: Page, app: Application) -> str:
    """Add through the page's form; returns the new application's id."""
    page.locator("[data-fu-add]").click()
    form = page.locator("[data-fu-app-form]")
    form.locator("#fu-app-company").fill(app.company)
    form.locator("#fu-app-role").fill(app.role)
    form.locator("#fu-app-scenario").select_option(app.scenario)
    for key, day in app.dates.items():
        form.locator(f"#fu-app-date-{key}").fill(day.isoformat())
    form.locator("#fu-app-country").select_option(app.country)
    form.locator("[data-fu-save]").click()
    expect(form).to_be_hidden()
    settled(page)
    return app_id(page, app.company)


def add_all(page: Page, apps: list[Application]) -> dict[str, str]:
    """Company -> id."""
    return {app.company: add_application(page, app) for app in apps}


def stored(page: Page) -> dict:
    return json.loads(page.evaluate(f"localStorage.getItem('{STORE}')") or "null")


def app_id(page: Page, company: str) -> str:
    return next(a["id"] for a in stored(page)["applications"] if a["details"]["company"] == company)


def shown_due(page: Page, ids: dict[str, str]) -> dict[str, set[tuple[str, str]]]:
    """Per group of the page's due list, the (company, step id) pairs it shows."""
    found = page.evaluate(
        """() => Object.fromEntries(
             [...document.querySelectorAll('[data-fu-today] [data-fu-group]')].map(g => [
               g.dataset.fuGroup,
               [...g.querySelectorAll('li.fu-due')].map(li => [li.dataset.app, li.dataset.step])
             ]))"""
    )
    companies = {v: k for k, v in ids.items()}
    return {group: {(companies[a], step) for a, step in found.get(group, [])} for group in GROUPS}


def due_item(page: Page, application: str, step: str) -> Locator:
    return page.locator(f'[data-fu-today] li.fu-due[data-app="{application}"][data-step="{step}"]')


def plan_line(page: Page, application: str, step: str) -> Locator:
    return page.locator(f'.fu-app[data-app="{application}"] .fu-plan li[data-step="{step}"]')


def downloaded(page: Page, target: Locator) -> bytes:
    with page.expect_download() as info:
        target.click()
    return Path(info.value.path()).read_bytes()


def ics_events(content: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(content.decode("utf-8")).walk("VEVENT"))


def keys_of_this_site(page: Page) -> list[str]:
    return page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('followup-kit:')).sort()"
    )


# ---- 1. What is due, on chosen days ----


def test_the_due_lists_follow_each_applications_plan_day_by_day(
    page: Page, site_model, holiday_files, days: Days
) -> None:
    apps = three_applications(days)
    northwind, contoso = apps[0].company, apps[1].company
    added = days.interview + dt.timedelta(days=1)
    open_tracker(page, added)
    ids = add_all(page, apps)
    checked = {
        # The day after the interview the thank-you is due now ...
        days.interview + dt.timedelta(days=1): [("now", (northwind, "thank-you"))],
        # ... a day later it is overdue. Contoso counts German business days: its first
        # check-in waits for the day after the German holiday (with US days it would be due).
        days.holiday: [
            ("overdue", (northwind, "thank-you")),
            ("soon", (contoso, "first-check-in")),
        ],
        days.holiday + dt.timedelta(days=1): [("now", (contoso, "first-check-in"))],
    }
    for day, must in checked.items():
        set_today(page, day)
        page.reload()
        settled(page)
        expect(page.locator("[data-fu-today-date]")).to_contain_text(shown_date(day))
        shown = shown_due(page, ids)
        for group, item in must:
            assert item in shown[group], (day, group, shown)
        assert shown == expected_due(site_model, holiday_files, apps, day, since=added), day


# ---- 2. Marking an overdue step sent ----


def test_marking_an_overdue_step_sent_plans_the_next_from_the_day_it_was_sent(
    page: Page, site_model, holiday_files, days: Days
) -> None:
    app = three_applications(days)[1]  # passed-deadline, German business days
    first = expected_plan(site_model, holiday_files, app)[0]
    today = first.end + dt.timedelta(days=2)
    open_tracker(page, days.decision)  # added on its decision day, then the days pass
    ids = add_all(page, [app])
    set_today(page, today)
    page.reload()
    settled(page)
    item = due_item(page, ids[app.company], "first-check-in")
    expect(item).to_have_class("fu-due fu-due-overdue")
    expect(item).to_contain_text(f"Was due by {shown_date(first.end)}")

    item.locator('[data-act="sent"]').click()

    expect(item).to_have_count(0)
    sent = {"first-check-in": {"state": "sent", "on": today.isoformat()}}
    second = expected_plan(site_model, holiday_files, app, sent)[1]
    assert second.step.id == "second-check-in"
    # Counted from the day it was sent: from the planned day (as after a skipped step) it
    # would start earlier.
    skipped = {"first-check-in": {"state": "skipped", "on": today.isoformat()}}
    assert second.start > expected_plan(site_model, holiday_files, app, skipped)[1].start
    following = due_item(page, ids[app.company], "second-check-in")
    expect(following).to_have_class(f"fu-due fu-due-{second.standing(today)}")
    expect(following.locator(".fu-due-when")).to_contain_text(f"From {shown_date(second.start)}")
    expect(plan_line(page, ids[app.company], "first-check-in")).to_contain_text(
        f"Done on {shown_date(today)}"
    )
    assert stored(page)["applications"][0]["steps"] == sent
    expected = expected_due(
        site_model, holiday_files, [app], today, {app.company: sent}, since=days.decision
    )
    assert shown_due(page, ids) == expected


# ---- 3. A reply moves the application on ----


def test_a_reply_moves_the_application_to_its_next_scenario_and_plans_its_steps(
    page: Page, site_model, holiday_files, days: Days
) -> None:
    app = three_applications(days)[0]
    today = days.interview + dt.timedelta(days=1)
    label, anchor, target = REPLIES["interview"]
    next_interview = today + dt.timedelta(days=6)
    open_tracker(page, today)
    ids = add_all(page, [app])
    card = page.locator(f'.fu-app[data-app="{ids[app.company]}"]')

    card.locator('[data-act="reply"]').click()
    form = card.locator(".fu-reply-form")
    form.get_by_label(label).check()
    form.locator("input[name=date]").fill(next_interview.isoformat())
    expect(form.locator("select[name=scenario]")).to_have_value(target)
    form.get_by_role("button", name="Move the application").click()

    moved = dataclasses.replace(app, scenario=target, dates={anchor: next_interview})
    situation = card.locator(".fu-app-facts a")
    expect(situation).to_have_text(scenario_of(site_model, target).title)
    assert situation.evaluate("a => a.href").endswith(
        f"/scenarios/{target}/?application={ids[app.company]}"
    )
    record = stored(page)["applications"][0]
    assert (record["scenario"], record["dates"][anchor]) == (target, next_interview.isoformat())
    assert record["history"][-1]["event"] == "reply"
    expected = expected_due(site_model, holiday_files, [moved], today, since=today)
    assert any(expected.values())
    shown = shown_due(page, ids)
    assert shown == expected
    old_steps = {s.id for s in scenario_of(site_model, app.scenario).steps}
    assert not old_steps & {step for group in shown.values() for _, step in group}


def test_a_decision_date_passed_without_news_offers_to_move_the_application_on(
    page: Page, site_model, holiday_files, days: Days
) -> None:
    _, anchor, target = REPLIES["decision_date"]
    app = dataclasses.replace(
        three_applications(days)[0], dates={"interview": days.interview, anchor: days.decision}
    )
    open_tracker(page, days.decision)
    ids = add_all(page, [app])
    offer = page.locator(f'[data-fu-today] li[data-app="{ids[app.company]}"][data-deadline]')
    expect(offer).to_have_count(0)  # not on the decision day itself

    later = days.decision + dt.timedelta(days=2)
    set_today(page, later)
    page.reload()
    settled(page)
    expect(offer).to_be_visible()
    expect(offer).to_contain_text(shown_date(days.decision))
    offer.get_by_role("button").click()

    expect(offer).to_have_count(0)
    record = stored(page)["applications"][0]
    assert record["scenario"] == target
    assert record["history"][-1]["event"] == "moved"
    moved = dataclasses.replace(app, scenario=target)
    assert shown_due(page, ids) == expected_due(
        site_model, holiday_files, [moved], later, since=later
    )


# ---- 4. Export and import ----


def test_an_exported_file_imported_into_an_empty_browser_gives_the_same_state(
    page: Page, browser: Browser, browser_context_args: dict, days: Days
) -> None:
    today = days.interview + dt.timedelta(days=1)
    open_tracker(page, today)
    add_all(page, three_applications(days))
    content = downloaded(page, page.locator("[data-fu-export-json]"))
    exported = json.loads(content)
    assert (exported["format"], exported["version"]) == ("followup-kit applications", 1)
    assert len(exported["applications"]) == 3

    other = browser.new_context(**browser_context_args)
    try:
        fresh = other.new_page()
        open_tracker(fresh, today)
        assert stored(fresh) is None
        fresh.locator("[data-fu-import]").set_input_files(
            files=[{"name": "export.json", "mimeType": "application/json", "buffer": content}]
        )
        expect(fresh.locator("[data-fu-tracker-status]")).to_contain_text("Imported 3")
        settled(fresh)
        assert stored(fresh)["applications"] == stored(page)["applications"]
        assert stored(fresh)["profile"] == stored(page)["profile"]
        expect(fresh.locator("[data-fu-today]")).to_have_text(
            page.locator("[data-fu-today]").inner_text(), use_inner_text=True
        )
    finally:
        other.close()


# ---- 5. CSV ----


def test_the_csv_has_a_row_per_application_and_no_formula_cells(
    page: Page, site_model, holiday_files, days: Days
) -> None:
    formula = '=HYPERLINK("https://example.com/","Fabrikam")'
    apps = three_applications(days)
    apps[2] = dataclasses.replace(apps[2], company=formula)
    today = days.interview + dt.timedelta(days=1)
    open_tracker(page, today)
    add_all(page, apps)
    content = downloaded(page, page.locator("[data-fu-export-csv]"))
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == len(apps)
    for app, row in zip(apps, rows, strict=True):
        pending = [
            r
            for r in expected_plan(site_model, holiday_files, app, since=today)
            if r.standing(today) in ("overdue", "now", "soon", "later")
        ]
        nxt = pending[0]
        company = "'" + app.company if app.company.startswith("=") else app.company
        assert {
            key: row[key]
            for key in (
                "Company",
                "Job title",
                "Situation",
                "Next step",
                "Next step from",
                "Next step by",
            )
        } == {
            "Company": company,
            "Job title": app.role,
            "Situation": scenario_of(site_model, app.scenario).title,
            "Next step": nxt.step.title,
            "Next step from": nxt.start.isoformat(),
            "Next step by": nxt.end.isoformat() if nxt.end else "",
        }
    assert rows[2]["Company"].startswith("'=")


# ---- 6. Calendar files ----


def test_the_ics_for_all_has_an_event_per_pending_step_and_stable_uids(
    page: Page, site_model, holiday_files, days: Days
) -> None:
    apps = three_applications(days)
    today = days.interview + dt.timedelta(days=1)
    open_tracker(page, today)
    ids = add_all(page, apps)
    plans = {app.name: expected_plan(site_model, holiday_files, app, since=today) for app in apps}
    expected = sorted(
        (name, row.step.title, row.planned)
        for name, rows in plans.items()
        for row in rows
        if not row.mark and not row.blocked and not row.past and row.planned
    )
    first = ics_events(downloaded(page, page.locator("[data-fu-ics-all]")))
    # A step over before its application was added is there only to cancel a reminder an
    # earlier file may have added: the same UID, STATUS:CANCELLED, no alarm.
    cancelled = [e for e in first if str(e.get("STATUS")) == "CANCELLED"]
    assert sorted(str(e["SUMMARY"]) for e in cancelled) == sorted(
        f"{row.step.title} ({name})" for name, rows in plans.items() for row in rows if row.past
    )
    assert not any(e.walk("VALARM") for e in cancelled)
    got = []
    for event in (e for e in first if e not in cancelled):
        summary = str(event["SUMMARY"])
        app = next(a for a in apps if a.name in summary)
        step = next(
            r.step.title
            for r in expected_plan(site_model, holiday_files, app)
            if r.step.title in summary
        )
        got.append((app.name, step, event.decoded("DTSTART")))
        assert f"application={ids[app.company]}" in str(event["URL"])
    assert sorted(got) == expected

    set_today(page, today, minutes=7)
    second = ics_events(downloaded(page, page.locator("[data-fu-ics-all]")))
    assert sorted(str(e["UID"]) for e in second) == sorted(str(e["UID"]) for e in first)
    assert len({str(e["UID"]) for e in first}) == len(first)
    before = {str(e["UID"]): int(e["SEQUENCE"]) for e in first}
    for event in second:
        assert int(event["SEQUENCE"]) >= before[str(event["UID"])]

    northwind = apps[0]
    card = page.locator(f'.fu-app[data-app="{ids[northwind.company]}"]')
    own = ics_events(downloaded(page, card.locator('[data-act="ics"]')))
    own = [e for e in own if str(e.get("STATUS")) != "CANCELLED"]
    assert len(own) == sum(1 for e in expected if e[0] == northwind.name)
    for event in own:
        assert northwind.name in str(event["SUMMARY"])
        assert f"application={ids[northwind.company]}" in str(event["URL"])
    assert {str(e["UID"]) for e in own} <= {str(e["UID"]) for e in first}


# ---- 7. Imports that must be refused ----


IMPORTED_DAY = dt.date(2027, 1, 5)
"""Any day: the files made from this export are refused, whatever their dates."""


def export_of(day: dt.date = IMPORTED_DAY, **app_changes: object) -> dict:
    """A valid export of one application (not one already stored), changed as given."""
    app = {
        "id": "importedapp01",
        "scenario": "post-interview",
        "details": {"company": "Imported Ltd", "role": "Tester", "contact_name": ""},
        "dates": {"interview": day.isoformat()},
        "steps": {},
        "history": [{"on": day.isoformat(), "event": "created", "to": "post-interview"}],
        "closed": None,
        "country": "US",
        "region": "",
        "notes": "",
        "created": day.isoformat(),
        "updated": f"{day.isoformat()}T12:00:00.000Z",
    }
    app.update(app_changes)
    return {
        "format": "followup-kit applications",
        "version": 1,
        "exported": f"{day.isoformat()}T12:00:00.000Z",
        "profile": {},
        "applications": [app],
    }


def as_file(content: dict | str) -> bytes:
    return (content if isinstance(content, str) else json.dumps(content, indent=2)).encode()


def hostile_files() -> dict[str, tuple[bytes, str]]:
    """Name -> (file, what the refusal names): the valid export, each spoiled one way."""
    valid = export_of()
    details = {"company": "Imported Ltd", "role": "Tester"}
    return {
        "version-2": (as_file({**valid, "version": 2}), "newer version"),
        "not-json": (b"format: followup-kit applications\n", "not JSON"),
        "wrong-format": (as_file({**valid, "format": "someone else's backup"}), "not an export"),
        "over-1-mb": (as_file(valid) + b" " * (1024 * 1024), "KB"),
        "script-in-a-field": (
            as_file(export_of(details={**details, "company": "<script>alert(1)</script>"})),
            "markup",
        ),
        "unknown-scenario": (
            as_file(export_of(scenario="no-such-scenario")),
            "no-such-scenario",
        ),
        "proto-key": (as_file(export_of(details={**details, "__proto__": "x"})), "__proto__"),
        "impossible-date": (
            as_file(export_of(dates={"interview": "2027-02-30"})),
            "not a date",
        ),
        "words-for-a-date": (
            as_file(export_of(dates={"interview": "next Tuesday"})),
            "not a date",
        ),
    }


def import_file(page: Page, content: bytes) -> None:
    page.locator("[data-fu-import]").set_input_files(
        files=[{"name": "applications.json", "mimeType": "application/json", "buffer": content}]
    )


def test_the_valid_file_the_refused_ones_are_made_from_is_imported(page: Page, days: Days) -> None:
    open_tracker(page, days.interview)
    ids = add_all(page, three_applications(days)[:1])
    import_file(page, as_file(export_of()))
    expect(page.locator("[data-fu-tracker-status]")).to_contain_text("Imported 1")
    assert [a["id"] for a in stored(page)["applications"]] == [*ids.values(), "importedapp01"]
    expect(page.locator("[data-fu-tracker-alert]")).to_have_text("")


HOSTILE_FILES = hostile_files()


@pytest.mark.parametrize("case", list(HOSTILE_FILES))
def test_a_malformed_or_hostile_import_is_refused_and_changes_nothing(
    page: Page, days: Days, case: str
) -> None:
    content, named = HOSTILE_FILES[case]
    open_tracker(page, days.interview)
    add_all(page, three_applications(days)[:1])
    before = page.evaluate(f"localStorage.getItem('{STORE}')")
    import_file(page, content)
    alert = page.locator("[data-fu-tracker-alert]")
    expect(alert).to_contain_text("Nothing was imported")
    expect(alert).to_contain_text(named)
    assert page.evaluate(f"localStorage.getItem('{STORE}')") == before
    expect(page.locator(".fu-app")).to_have_count(1)


# ---- 8. Delete everything ----


def test_delete_everything_removes_every_key_of_this_site(page: Page, days: Days) -> None:
    set_today(page, days.interview)
    page.goto("/scenarios/post-interview/")
    page.get_by_label("Company").fill("Northwind Health")
    page.get_by_label("Interview date").fill(days.interview.isoformat())
    page.locator("[data-fu-country]").select_option("DE")
    page.evaluate("localStorage.setItem('another-site:keep', '1')")
    open_tracker(page, days.interview)
    add_all(page, three_applications(days)[:1])
    assert len(keys_of_this_site(page)) >= 4, keys_of_this_site(page)

    page.locator("[data-fu-delete-all]").click()
    page.locator("[data-fu-delete-yes]").click()

    expect(page.locator(".fu-app")).to_have_count(0)
    expect(page.locator("[data-fu-today]")).to_contain_text("No applications yet")
    assert keys_of_this_site(page) == []
    assert page.evaluate("localStorage.getItem('another-site:keep')") == "1"
    page.reload()
    expect(page.locator(".fu-app")).to_have_count(0)


# ---- 9. The scenario page, written for an application ----


def test_the_filled_in_link_opens_the_scenario_for_that_application_and_marks_the_step(
    page: Page, site_model, days: Days
) -> None:
    app = three_applications(days)[0]
    today = days.interview + dt.timedelta(days=1)
    step = scenario_of(site_model, app.scenario).steps[0]
    open_tracker(page, today)
    ids = add_all(page, [app])
    application = ids[app.company]
    link = due_item(page, application, step.id).get_by_role("link")
    expect(link).to_have_text(f"Open “{step.template.title}”, filled in")

    link.click()
    page.wait_for_url(f"**/scenarios/{app.scenario}/?application={application}*")
    expect(page.locator("[data-fu-app]")).to_have_value(application)
    expect(page.locator("[data-fu-app] option:checked")).to_have_text(app.name)
    blank = page.locator('.fu-blank[data-key="company"]').first
    expect(blank).to_have_text(app.company)
    mark = page.locator(f'.fu-template[data-template="{step.template.id}"] [data-fu-mark-sent]')
    mark.click()
    expect(mark).to_be_hidden()
    assert stored(page)["applications"][0]["steps"] == {
        step.id: {"state": "sent", "on": today.isoformat()}
    }

    page.goto(TRACKER)
    settled(page)
    expect(due_item(page, application, step.id)).to_have_count(0)
    line = plan_line(page, application, step.id)
    expect(line).to_have_class("fu-plan-done")
    expect(line).to_contain_text(f"Done on {shown_date(today)}")


# ---- 10. Offline ----


def go_offline(page: Page) -> None:
    """Offline, with only what the service worker kept: not the browser's own HTTP cache."""
    page.context.new_cdp_session(page).send("Network.clearBrowserCache")
    page.context.set_offline(True)
    # Really offline: a page the worker never kept cannot be fetched.
    assert page.evaluate("fetch('../faq/').then(() => 'fetched', () => 'failed')") == "failed"


def test_the_tracker_works_offline_once_loaded(page: Page, days: Days) -> None:
    # The session's site is served on http://127.0.0.1, where service workers may register.
    app = three_applications(days)[0]  # its plan counts hours and days, not business days
    open_tracker(page, days.interview + dt.timedelta(days=1))
    ids = add_all(page, [app])
    page.reload()
    settled(page)
    expect(page.locator("[data-fu-tracker]")).to_have_attribute("data-fu-offline", "ready")
    due = page.locator("[data-fu-today]").inner_text()

    go_offline(page)
    page.reload()
    settled(page)
    expect(page.locator(f'.fu-app[data-app="{ids[app.company]}"] h3')).to_have_text(app.name)
    expect(page.locator("[data-fu-today]")).to_have_text(due, use_inner_text=True)


def test_offline_the_applications_keep_their_countrys_business_days(page: Page, days: Days) -> None:
    app = three_applications(days)[1]  # German business days
    open_tracker(page, days.holiday)
    add_all(page, [app])
    expect(page.locator("[data-fu-tracker]")).to_have_attribute("data-fu-offline", "ready")
    due = page.locator("[data-fu-today]").inner_text()

    go_offline(page)
    page.reload()
    settled(page)
    expect(page.locator("[data-fu-tracker-status]")).not_to_contain_text("could not be loaded")
    expect(page.locator("[data-fu-today]")).to_have_text(due, use_inner_text=True)


# ---- 11. Accessibility, narrow screens, the German edition ----


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_the_tracker_with_a_reply_form_open_has_no_serious_violations(
    page: Page, days: Days, width: int, scheme: str
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    open_tracker(page, days.holiday)
    ids = add_all(page, three_applications(days))
    card = page.locator(f'.fu-app[data-app="{ids["Northwind Health"]}"]')
    card.locator('[data-act="reply"]').click()
    expect(card.locator(".fu-reply-form")).to_be_visible()
    # Judged at rest, as every page is in test_accessibility.py: the pointer left on the
    # button just clicked would show its hover colours (see the test after this one).
    page.mouse.move(0, 0)
    assert serious_violations(page) == []
    if width < 400:
        assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def test_the_german_tracker_plans_an_application_with_german_business_days(
    page: Page, site_model, holiday_files, days: Days
) -> None:
    app = three_applications(days)[0]
    today = days.interview + dt.timedelta(days=1)
    open_tracker(page, today, "/de" + TRACKER)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.locator("[data-fu-add]").click()
    form = page.locator("[data-fu-app-form]")
    expect(form.locator("#fu-app-country")).to_have_value("DE")  # the edition's country
    ids = add_all(page, [dataclasses.replace(app, country="DE")])
    expect(page.locator(".fu-app")).to_have_count(1)
    expected = expected_due(
        site_model, holiday_files, [dataclasses.replace(app, country="DE")], today, since=today
    )
    assert shown_due(page, ids) == expected
    assert (app.company, "thank-you") in expected["now"]
    expect(page.locator(".fu-app-facts")).to_contain_text("Deutschland")
    assert "/de/scenarios/post-interview/" in page.locator(".fu-app-facts a").evaluate(
        "a => a.href"
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_hovered_tracker_button_keeps_its_contrast(page: Page, days: Days, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)
    open_tracker(page, days.holiday)
    page.locator("[data-fu-export-json]").hover()
    assert serious_violations(page) == []
