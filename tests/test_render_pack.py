"""The template pack's .eml drafts, read back by Python's own strict email parser."""

from __future__ import annotations

import datetime as dt
import email.policy
import io
import re
import zipfile
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from helpers import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

import build_scripts
from build_scripts import links, render_pack
from build_scripts.links import DRAFT_SENDER

EDITION = dt.date(2026, 3, 2)


def parse(raw: bytes) -> EmailMessage:
    return BytesParser(policy=email.policy.default).parsebytes(raw)


def defects(message: EmailMessage) -> list[str]:
    """Every defect the parser noted, in the message and in each of its headers."""
    found = [f"message: {d!r}" for d in message.defects]
    found += [f"{name}: {d!r}" for name, value in message.items() for d in value.defects]
    return found


def assert_valid_draft(raw: bytes, subject: str, body: str) -> None:
    message = parse(raw)
    assert defects(message) == []
    (sender,) = message["From"].addresses
    assert sender.addr_spec == DRAFT_SENDER
    assert sender.display_name == "[Your name]"
    # No recipient is known when the pack is built: the reader adds one in their mail app.
    assert message["To"] is None
    assert message["Subject"] == subject
    assert message["Date"].datetime.date() == EDITION
    assert message["X-Unsent"] == "1"
    assert message.get_content_type() == "text/plain"
    assert message.get_content().replace("\r\n", "\n") == body + "\n"


@pytest.fixture(scope="module")
def site() -> build_scripts.Site:
    return build_scripts.load_site(build_scripts.Project.from_root(ROOT))


def test_every_built_eml_parses_without_defects_with_a_valid_from(site) -> None:
    outputs = render_pack.render(site, EDITION)
    checked = 0
    for scenario in site.scenarios:
        for template in scenario.templates:
            eml = links.template_file(scenario.id, template.id, "eml")
            if template.reply:  # a draft would start a new thread: there is none
                assert eml not in outputs
                continue
            raw = outputs[eml]
            subject, body = render_pack.as_text(template).removesuffix("\n").split("\n\n", 1)
            assert_valid_draft(raw, subject.removeprefix("Subject: "), body)
            checked += 1
    assert checked >= len(site.scenarios)


def test_the_zip_holds_the_same_valid_drafts(site) -> None:
    outputs = render_pack.render(site, EDITION)
    with zipfile.ZipFile(io.BytesIO(outputs[links.PACK_ZIP])) as archive:
        names = [n for n in archive.namelist() if n.endswith(".eml")]
        assert names
        for name in names:
            scenario_id, template_file = name.split("/")[-2:]
            raw = archive.read(name)
            assert raw == outputs[f"downloads/templates/{scenario_id}/{template_file}"]
            assert defects(parse(raw)) == []


def test_the_pack_readme_names_the_draft_sender(site) -> None:
    outputs = render_pack.render(site, EDITION)
    with zipfile.ZipFile(io.BytesIO(outputs[links.PACK_ZIP])) as archive:
        readme = archive.read("follow-up-templates/README.txt").decode()
    assert str(Address("[Your name]", addr_spec=DRAFT_SENDER)) in readme


# What the schema lets through: no control characters but tab and line breaks (schema.Text),
# subjects on one line (schema.Line), both stripped.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ANY = st.characters(exclude_categories=("Cs",))
subject_text = (
    st.one_of(
        st.text(_ANY, min_size=1, max_size=200),
        st.sampled_from(
            [
                "=?utf-8?q?not_an_encoded_word?=",
                'Re: [Company] <role> "quoted" (comment) ; , : @ \\',
                "Zoë's thank-you — merci, 谢谢, شكرا",
                "x" * 200,
                "word " * 40,
                "line\u2028separator\x85next",
            ]
        ),
    )
    .map(str.strip)
    .filter(lambda t: t and not _CONTROL.search(t) and not re.search("[\r\n]", t))
)
body_text = (
    st.text(_ANY, max_size=400).map(str.strip).filter(lambda t: t and not _CONTROL.search(t))
)


@settings(deadline=None)  # a loaded CI machine must not turn a slow example into a failure
@given(subject=subject_text, body=body_text)
def test_any_subject_and_body_round_trip_through_a_draft(subject: str, body: str) -> None:
    raw = render_pack._eml(subject, body, EDITION)
    message = parse(raw)
    assert defects(message) == []
    # A header is one line: the line and paragraph separators that pass the schema become spaces.
    assert message["Subject"] == re.sub("[\x85\u2028\u2029]", " ", subject)
    assert message["From"].addresses[0].addr_spec == DRAFT_SENDER
    # Mail is made of lines: a carriage return (written "\r" in the YAML) ends one as well.
    lines = re.split("\r\n|\r|\n", body)
    assert message.get_content().replace("\r\n", "\n") == "\n".join(lines) + "\n"
