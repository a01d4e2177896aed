"""Channel variants of a template (LinkedIn, text, phone, voicemail): refused when malformed,
linted for length once filled in, and carried to the page's tabs, the PDFs, the pack and
templates.json. Built from a small fixture scenario, not from the content being written."""

from __future__ import annotations

import datetime as dt
import html as html_module
import io
import json
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from helpers import ROOT, build_site, copy_project, parse_html, squash
from pypdf import PdfReader

from build_scripts import links
from build_scripts.expand import expand, scenario_data
from build_scripts.lint import lint, load_word_list
from build_scripts.load import load_text
from build_scripts.render_pack import JSON_FORMAT_VERSION, render
from build_scripts.schema import CHANNEL_LIMITS, CHANNELS
from build_scripts.validate import validate

FILE = "content/scenarios/channels-demo.yml"
WORDS = load_word_list(ROOT) | {"linkedin", "voicemail"}

VOICEMAIL = (
    "Hello {name}, this is {your_name}. Thank you for the interview for the {role} role. "
    "No need to call back. Goodbye."
)
CONNECTION = (
    "Dear {name}, thank you for the talk about the {role} role. I would be glad to stay in "
    "touch. {your_name}"
)

DEMO = """\
id: channels-demo
title: A scenario with channel variants
summary: You want to see a template offered as a LinkedIn note, a text and a voicemail.
category: waiting
trigger: A short description of the situation.
timeline:
  - id: first
    title: Send the first note
    text: Write a short note.
    from: interview
    timing: { unit: business_days, earliest: 1, latest: 2 }
    template: note
    sources: [guide]
placeholders:
  name:
    label: Their name
    help: Who you write to.
    example: Ms Rivera
  role:
    label: Job title
    help: The title from the posting.
    example: Data Analyst
  your_name:
    label: Your name
    help: As on your application.
    example: Sam Taylor
templates:
  - id: note
    title: Short note
    purpose: The usual case.
    subject: Thank you, {name}
    body: |
      Dear {name},

      Thank you for the conversation about the {role} role and the team. I enjoyed hearing how
      the work is planned and how the team shares what it learns, and I would be glad to help
      with the projects you described. I remain very interested in the position.

      Kind regards,
      {your_name}
    channels:
      - channel: voicemail
        when: If you call and nobody answers.
        body: |
          @VOICEMAIL@
      - channel: linkedin-connection
        when: If you only have their LinkedIn profile.
        body: |
          @CONNECTION@
      - channel: linkedin-inmail
        when: If you are not connected and have no email address for them.
        subject: "Thank you: {role} interview"
        body: |
          Dear {name},

          Thank you for the talk about the {role} role.

          Kind regards,
          {your_name}
  - id: brief
    title: Brief note
    purpose: When they prefer few words.
    subject: "{role}: thanks"
    body: |
      Hello {name},

      Many thanks for your time. The {role} work sounds like a good fit for me, and I hope
      we can talk again about what comes next for your group and its plans this year. I am
      still keen, and happy to send anything else that would help you decide.

      Best wishes,
      {your_name}
tips:
  do: [Keep it short.]
  dont: [Send it twice.]
sources:
  - id: guide
    title: A guide
    publisher: Someone
    kind: university
    claim: Ask after a week.
    checked: 2026-11-30
    url: https://example.org/guide
""".replace("@VOICEMAIL@", VOICEMAIL).replace("@CONNECTION@", CONNECTION)


def checked(text: str) -> tuple[list, list[str]]:
    raw = load_text(text.encode(), FILE)
    valid, errors = validate([raw])
    return valid, [str(e) for e in errors]


def findings(text: str) -> list[str]:
    valid, errors = checked(text)
    assert errors == [], errors
    return [str(f) for f in lint(valid, WORDS)]


def replace(old: str, new: str, text: str = DEMO) -> str:
    assert old in text, old
    return text.replace(old, new)


# ---- schema and validation ----


def test_the_fixture_is_valid_and_lint_clean() -> None:
    assert findings(DEMO) == []


def test_an_unknown_channel_is_refused_at_its_line_with_a_suggestion() -> None:
    _, errors = checked(replace("channel: voicemail", "channel: voicemal"))
    assert errors == [
        f"{FILE}:42:18: templates[0].channels[0].channel: expected one of "
        "'linkedin-connection', 'linkedin-message', 'linkedin-inmail', 'text', 'phone' or "
        "'voicemail', got text 'voicemal'; did you mean 'voicemail'?"
    ]


def test_two_variants_for_one_channel_are_refused() -> None:
    _, errors = checked(replace("channel: voicemail", "channel: linkedin-connection"))
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{FILE}:28:5: templates[0]: ")
    assert "two variants for the channel linkedin-connection" in errors[0]


def test_an_inmail_without_a_subject_is_refused() -> None:
    _, errors = checked(replace('        subject: "Thank you: {role} interview"\n', ""))
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{FILE}:50:9: templates[0].channels[2]: ")
    assert "a linkedin-inmail variant needs a subject" in errors[0]


@pytest.mark.parametrize("channel", ["voicemail", "linkedin-connection"])
def test_a_subject_on_any_other_channel_is_refused(channel: str) -> None:
    line = f"      - channel: {channel}\n"
    _, errors = checked(replace(line, line + "        subject: Hello\n"))
    assert len(errors) == 1, errors
    where = rf"{FILE}:\d+:9: templates\[0\]\.channels\[\d\]: "
    assert re.match(where + "only a linkedin-inmail variant has a subject", errors[0])


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("this is {your_name}.", "this is {your_nmae}.", "45:33: templates[0].channels[0].body"),
        (
            'subject: "Thank you: {role} interview"',
            'subject: "Thank you: {rol} interview"',
            "52:30: templates[0].channels[2].subject",
        ),
    ],
)
def test_an_undeclared_placeholder_in_a_variant_is_reported_at_its_line_and_column(
    old: str, new: str, where: str
) -> None:
    _, errors = checked(replace(old, new))
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{FILE}:{where}: placeholder "), errors
    assert "is not declared under placeholders; did you mean" in errors[0]


# ---- lint FU115: lengths once filled in with the examples ----


def fu115(text: str) -> list[str]:
    return [f for f in findings(text) if "FU115" in f]


def test_an_invitation_note_is_measured_in_characters_with_the_examples_filled_in() -> None:
    # "{name} " is 7 characters as written and 10 filled in ("Ms Rivera "): 25 of them are 174
    # characters as written, 249 filled in.
    over = replace(CONNECTION, "{name} " * 25)
    assert len(" ".join(("{name} " * 25).split())) < CHANNEL_LIMITS["linkedin-connection"][1]
    (found,) = fu115(over)
    assert found.startswith(f"{FILE}:48:15: templates[0].channels[1].body: warning FU115")
    assert "this LinkedIn invitation is 249 characters with the example values" in found
    assert "keep it to 200 characters" in found


def test_an_invitation_note_of_exactly_200_characters_filled_in_passes() -> None:
    body = "{name} " * 20  # 199 characters filled in, runs of spaces counted once
    assert fu115(replace(CONNECTION, body)) == []
    over = replace(CONNECTION, body + "xy")
    assert fu115(over) != []


def test_a_voicemail_is_measured_in_words_with_the_examples_filled_in() -> None:
    # {role} is one word as written and two filled in ("Data Analyst").
    assert fu115(replace(VOICEMAIL, "{role} " * 40)) == []  # 80 words
    (found,) = fu115(replace(VOICEMAIL, "{role} " * 41))
    assert found.startswith(f"{FILE}:44:15: templates[0].channels[0].body: warning FU115")
    assert "this Voicemail is 82 words with the example values; keep it to 80 words" in found


def test_an_inmail_subject_over_linkedins_limit_is_flagged() -> None:
    (found,) = fu115(replace('"Thank you: {role} interview"', '"' + "{role} " * 20 + '"'))
    assert "templates[0].channels[2].subject: warning FU115" in found
    assert "InMail subject is 259 characters" in found


def test_avoid_list_and_unused_placeholders_include_variants() -> None:
    text = replace("Goodbye.", "Just checking in. Goodbye.")
    assert any("FU105" in f and "templates[0].channels[0].body" in f for f in findings(text))
    only_in_variant = replace("      Kind regards,\n      {your_name}\n", "      Kind regards\n")
    assert not [f for f in findings(only_in_variant) if "FU104" in f]


# ---- expand ----


@pytest.fixture(scope="module")
def demo_site():
    valid, errors = checked(DEMO)
    assert errors == []
    return expand([scenario for scenario, _ in valid], {"channels-demo": FILE})


def test_variants_are_views_in_tab_order_with_their_limits(demo_site) -> None:
    template = demo_site.scenarios[0].templates[0]
    assert [v.channel for v in template.variants] == [
        "linkedin-connection",
        "linkedin-inmail",
        "voicemail",
    ]
    connection, inmail, voicemail = template.variants
    assert (connection.label, connection.unit, connection.limit) == (
        "LinkedIn invitation",
        "characters",
        200,
    )
    assert connection.what == CHANNELS["linkedin-connection"][1]
    assert connection.anchor == "template-note--linkedin-connection"
    assert (voicemail.unit, voicemail.limit, voicemail.spoken) == ("words", 80, True)
    assert inmail.subject == "Thank you: {role} interview"
    assert [s.key for s in inmail.subject_segments] == [None, "role", None]
    assert connection.subject is None
    assert connection.subject_segments == ()
    assert voicemail.when == "If you call and nobody answers."


def test_scenario_data_carries_the_variants_for_the_page_and_templates_json(demo_site) -> None:
    template = scenario_data(demo_site.scenarios[0])["templates"][0]
    assert template["placeholders"] == ["name", "role", "your_name"]
    voicemail = template["channels"][2]
    assert voicemail == {
        "channel": "voicemail",
        "label": "Voicemail",
        "when": "If you call and nobody answers.",
        "subject": None,
        "body": VOICEMAIL,
        "placeholders": ["name", "your_name", "role"],
        "limit": {"unit": "words", "max": 80},
        "file": "downloads/templates/channels-demo/note.voicemail.txt",
    }


def test_a_placeholder_used_only_in_a_variant_gets_a_field_on_the_page() -> None:
    text = replace("      Kind regards,\n      {your_name}\n", "      Kind regards\n")
    valid, errors = checked(text)
    assert errors == []
    scenario = expand([sc for sc, _ in valid], {"channels-demo": FILE}).scenarios[0]
    assert "your_name" in [p.key for p in scenario.used_placeholders]
    template = scenario_data(scenario)["templates"][0]
    assert "your_name" not in template["placeholders"]  # the email's own blanks only


# ---- pack and templates.json ----


def test_each_variant_is_a_text_file_in_the_pack_and_in_templates_json(demo_site) -> None:
    outputs = render(demo_site, dt.date(2026, 11, 30))
    text = outputs["downloads/templates/channels-demo/note.linkedin-inmail.txt"].decode()
    assert text == (
        "LinkedIn InMail: If you are not connected and have no email address for them.\n"
        "Limit: 1900 characters.\n"
        "Subject: Thank you: [Job title] interview\n\n"
        "Dear [Their name],\n\nThank you for the talk about the [Job title] role.\n\n"
        "Kind regards,\n[Your name]\n"
    )
    voicemail = outputs[links.variant_file("channels-demo", "note", "voicemail")].decode()
    assert voicemail.startswith("Voicemail: If you call and nobody answers.\nLimit: 80 words.\n\n")
    assert "Hello [Their name], this is [Your name]." in voicemail
    with zipfile.ZipFile(io.BytesIO(outputs[links.PACK_ZIP])) as archive:
        names = set(archive.namelist())
        member = "follow-up-templates/channels-demo/note.voicemail.txt"
        assert archive.read(member).decode() == voicemail
        assert "channel" in archive.read("follow-up-templates/README.txt").decode()
    assert {
        f"follow-up-templates/channels-demo/note.{c}.txt"
        for c in ("linkedin-connection", "linkedin-inmail", "voicemail")
    } <= names
    document = json.loads(outputs[links.TEMPLATES_JSON])
    assert document["version"] == JSON_FORMAT_VERSION == 3
    channels = document["scenarios"][0]["templates"][0]["channels"]
    assert [c["channel"] for c in channels] == [
        "linkedin-connection",
        "linkedin-inmail",
        "voicemail",
    ]
    for channel in channels:
        assert channel["file"] in outputs


# ---- the built site and PDFs (one strict build of a project with the fixture added) ----


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("channels")
    project = copy_project(root / "project")
    (project / FILE).write_text(DEMO, encoding="utf-8")
    build_site(project, root / "site")  # strict: a warning fails it
    return root / "site"


def page(built: Path) -> str:
    html = (built / "scenarios" / "channels-demo" / "index.html").read_text(encoding="utf-8")
    return html[html.index("<article") : html.index("</article>")]


def test_the_page_shows_tabs_that_work_without_javascript(built: Path) -> None:
    html = page(built)
    elements = parse_html(html).elements
    radios = [a for tag, a in elements if tag == "input" and a.get("type") == "radio"]
    assert [r["id"] for r in radios] == [
        "template-note--email-tab",
        "template-note--linkedin-connection-tab",
        "template-note--linkedin-inmail-tab",
        "template-note--voicemail-tab",
    ]
    # Without JavaScript the email's tab is the one shown: its radio alone is checked.
    assert [r["id"] for r in radios if "checked" in r] == ["template-note--email-tab"]
    assert {r["name"] for r in radios} == {"template-note--channels"}
    labels = re.findall(r'<label for="(template-[^"]+)">([^<]+)</label>', html)
    assert labels == [
        ("template-note--email-tab", "Email"),
        ("template-note--linkedin-connection-tab", "LinkedIn invitation"),
        ("template-note--linkedin-inmail-tab", "LinkedIn InMail"),
        ("template-note--voicemail-tab", "Voicemail"),
    ]
    # Material's content tabs: inputs, then the labels, then one block per input.
    assert '<div class="tabbed-set tabbed-alternate fu-channels" data-tabs="1:4">' in html
    blocks = [a for tag, a in elements if "tabbed-block" in (a.get("class") or "")]
    assert [b["id"] for b in blocks] == [
        "template-note--email",
        "template-note--linkedin-connection",
        "template-note--linkedin-inmail",
        "template-note--voicemail",
    ]
    ids = Counter(a["id"] for _, a in elements if a.get("id"))
    assert [i for i, n in ids.items() if n > 1] == []


def test_each_tab_shows_when_subject_body_blanks_counter_and_download(built: Path) -> None:
    html = page(built)
    start = html.index('id="template-note--linkedin-inmail"')
    inmail = html[start : html.index('id="template-note--voicemail"')]
    assert "If you are not connected and have no email address for them." in inmail
    assert '<span class="fu-blank" data-key="role">[Job title]</span> interview' in inmail
    assert 'data-fu-variant-copy="body"' in inmail
    assert 'data-fu-variant-copy="subject"' in inmail
    assert "Keep it to 1900 characters once your details are in." in inmail
    voicemail = html[html.index('id="template-note--voicemail"') :]
    assert ">Copy script</button>" in voicemail
    assert "Keep it to about 80 words once your details are in." in voicemail
    assert 'data-fu-counter-alert role="status" aria-live="polite"' in voicemail
    link = '<a class="fu-file" download href="../../downloads/templates/channels-demo/'
    assert f'{link}note.voicemail.txt">Voicemail as text</a>' in html
    assert (built / links.variant_file("channels-demo", "note", "voicemail")).is_file()
    attribute = re.search(r'data-fu-json="([^"]*)"', html).group(1)
    data = json.loads(html_module.unescape(attribute))
    assert [c["channel"] for c in data["templates"][0]["channels"]] == [
        "linkedin-connection",
        "linkedin-inmail",
        "voicemail",
    ]
    assert data["templates"][1]["channels"] == []


def test_a_template_without_variants_has_no_tabs(built: Path) -> None:
    html = page(built)
    brief = html[html.index('id="template-brief"') :]
    assert "tabbed" not in brief
    assert "<input" not in brief
    assert 'data-fu-copy="email"' in brief
    assert html.count('class="tabbed-set') == 1


def test_the_pdfs_print_each_variant_in_its_own_box(built: Path) -> None:
    for pdf in (built / links.scenario_pdf("channels-demo"), built / links.GUIDE_PDF):
        text = squash(" ".join(p.extract_text() for p in PdfReader(pdf).pages))
        assert "LinkedIn invitation: If you only have their LinkedIn profile." in text, pdf
        assert "Voicemail: If you call and nobody answers." in text
        assert "Subject: Thank you: [Job title] interview" in text
        assert "Hello [Their name], this is [Your name]." in text
