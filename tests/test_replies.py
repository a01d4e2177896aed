"""Replies in a thread: a template marked `reply: true` has no subject of its own, and no output
starts a new email for it (no fake "Re:", no .eml draft, no mail link)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from helpers import ROOT

from build_scripts import render_pack, render_site
from build_scripts.expand import expand
from build_scripts.links import TEMPLATES_JSON, template_file
from build_scripts.load import load_text
from build_scripts.render_site import Downloads
from build_scripts.templating import fill_deferred
from build_scripts.validate import validate

SCENARIO = """\
id: demo
title: A demo scenario
summary: You are waiting for news.
category: waiting
trigger: A short description of the situation.
timeline:
  - id: first
    title: Ask for news
    text: Write a short note in the thread.
    from: decision_date
    timing: { unit: business_days, earliest: 1, latest: 2 }
    template: check-in
    sources: [guide]
  - id: close
    title: Close the loop
    text: An extra of ours; most guidance stops after two.
    from: first
    timing: { unit: days, earliest: 7 }
    optional: true
    ours: true
templates:
  - id: check-in
    title: Check-in
    purpose: In the thread of their last email.
    reply: true
    body: |
      Dear Ms Rivera,

      I hope the week is going well. Is there any news on the timing of a decision?

      Kind regards,
      Sam
  - id: fresh
    title: New email
    purpose: When there is no thread.
    subject: "Data Analyst role: any news?"
    body: |
      Dear Ms Rivera,

      Is there any news on the Data Analyst role?

      Kind regards,
      Sam
sources:
  - id: guide
    title: A guide
    publisher: Example University Career Center
    kind: university
    claim: Ask after the date has passed.
    checked: 2026-11-30
    url: https://careers.example-university.edu/follow-up
"""


def problems(text: str) -> list[str]:
    raw = load_text(text.encode(), "content/scenarios/demo.yml")
    return [f"{e.key_path}: {e.message}" for e in validate([raw])[1]]


def site_of(text: str = SCENARIO):
    raw = load_text(text.encode(), "content/scenarios/demo.yml")
    valid, errors = validate([raw])
    assert errors == []
    return expand([s for s, _ in valid], {"demo": raw.path})


def test_the_example_is_valid() -> None:
    assert problems(SCENARIO) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("    reply: true\n", "a reply (reply: true) has no subject of its own"),
        ('    subject: "Data Analyst role: any news?"\n', "give a subject, or write reply: true"),
    ],
)
def test_a_reply_has_no_subject_and_a_new_email_has_one(change: str, message: str) -> None:
    if change.startswith("    reply"):
        text = SCENARIO.replace(change, change + '    subject: "Any news?"\n')
    else:
        text = SCENARIO.replace(change, "")
    found = problems(text)
    assert any(message in p for p in found), found


@pytest.mark.parametrize(
    "subject", ["Re: Data Analyst role", "RE : role", "Fwd: role", "AW: Stelle"]
)
def test_a_subject_dressed_as_a_reply_or_forward_is_refused(subject: str) -> None:
    text = SCENARIO.replace("Data Analyst role: any news?", subject)
    found = problems(text)
    assert any("templates[1]" in p and "write reply: true" in p for p in found), found


def test_a_subject_that_only_starts_with_re_letters_is_fine() -> None:
    assert problems(SCENARIO.replace("Data Analyst role: any news?", "Regarding the role")) == []


def test_the_pack_has_no_draft_for_a_reply_and_its_text_says_to_reply() -> None:
    site = site_of()
    files = render_pack.render(site, dt.date(2026, 11, 30))
    assert template_file("demo", "check-in", "eml") not in files
    assert template_file("demo", "fresh", "eml") in files
    text = files[template_file("demo", "check-in", "txt")].decode()
    assert text.startswith(render_pack.REPLY_NOTE + "\n\n")
    assert "Subject:" not in text
    data = json.loads(files[TEMPLATES_JSON])
    reply, fresh = data["scenarios"][0]["templates"]
    assert (reply["reply"], reply["subject"], sorted(reply["files"])) == (True, None, ["txt"])
    assert (fresh["reply"], sorted(fresh["files"])) == (False, ["eml", "txt"])


def demo_page(site) -> str:
    """The demo scenario's generated page (Markdown with its HTML blocks)."""
    pages = render_site.render(site, ROOT / "templates", Downloads({}))
    return fill_deferred(next(p.markdown for p in pages if p.src_uri == "scenarios/demo.md"))


def test_the_page_shows_a_reply_without_subject_mail_link_or_draft() -> None:
    markdown = demo_page(site_of())
    reply = markdown.split('data-template="check-in"')[1].split('data-template="fresh"')[0]
    assert "Send as:</span> a reply in the existing email thread" in reply
    for absent in ("fu-subject-text", "data-fu-mailto", "data-fu-eml", 'data-fu-copy="subject"'):
        assert absent not in reply
    assert 'data-fu-copy="body"' in reply
    assert "check-in.eml" not in markdown
    assert "fresh.eml" in markdown
    fresh = markdown.split('data-template="fresh"')[1]
    assert "data-fu-mailto" in fresh
    assert "fu-subject-text" in fresh


def test_optional_and_own_steps_are_labelled_and_need_no_source() -> None:
    site = site_of()
    markdown = demo_page(site)
    close = markdown.split('id="step-close"')[1].split("</li>")[0]
    assert '<span class="fu-flag" data-search-exclude>Optional</span>' in close
    assert "Our suggestion</span>" in close
    first = markdown.split('id="step-first"')[1].split("</li>")[0]
    assert "fu-flag" not in first
    assert '[1<span class="fu-cite-kind"> · University</span>]' in first
    assert site.scenarios[0].steps[1].flags == "Optional, Our suggestion"
