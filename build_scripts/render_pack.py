"""Output: the template pack: each template as .txt and .eml (its channel variants as .txt), a
ZIP, and templates.json."""

from __future__ import annotations

import base64
import datetime as dt
import email.policy
import functools
import io
import json
import zipfile
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime

from .expand import Site, TemplateView, VariantView, scenario_data
from .i18n import N_, _
from .links import DRAFT_SENDER, PACK_ZIP, TEMPLATES_JSON, template_file, variant_file
from .schema import PLACEHOLDER_SYNTAX
from .templating import blanks_text

JSON_FORMAT_VERSION = 3
"""templates.json's layout. 2: a template has `reply` (true: sent in an existing thread, then
`subject` is null and `files` has no .eml); steps have `optional` and `ours`. 3: a template has
`channels`, its variants for LinkedIn, text, phone and voicemail (see README.md)."""


DRAFT_NAME = N_("[Your name]")
"""The name in the drafts' From, a blank like those of the body."""


def draft_from() -> Address:
    """The drafts' From: the reader's name as a blank, like the blanks of the body. Built as an
    Address so that the brackets are quoted: bare, they make the header unreadable to mail
    parsers."""
    return Address(display_name=_(DRAFT_NAME), addr_spec=DRAFT_SENDER)


REPLY_NOTE = N_(
    "Send this as a reply in the existing email thread: press Reply and keep its subject."
)
"""The first line of a reply's text file, in place of a subject."""

LIMITS = {
    "characters": N_("Limit: {limit} characters."),
    "words": N_("Limit: {limit} words."),
}
"""How a variant's text file states its limit, by the unit the limit counts."""


def as_text(template: TemplateView) -> str:
    """A template as plain text, blanks shown as [Label]."""
    body = blanks_text(template.body_segments)
    if template.reply:
        return f"{_(REPLY_NOTE)}\n\n{body}\n"
    subject = blanks_text(template.subject_segments)
    return _("Subject: {subject}", subject=subject) + f"\n\n{body}\n"


def variant_as_text(variant: VariantView) -> str:
    """A channel variant as plain text, blanks shown as [Label]: what it is for and when, then
    the InMail's subject if any, then the message or script."""
    lines = [
        _("{channel}: {when}", channel=variant.label, when=variant.when),
        _(LIMITS[variant.unit], limit=variant.limit),
    ]
    if variant.subject is not None:
        lines.append(_("Subject: {subject}", subject=blanks_text(variant.subject_segments)))
    return "\n".join(lines) + f"\n\n{blanks_text(variant.body_segments)}\n"


def as_eml(template: TemplateView, edition: dt.date) -> bytes:
    """A template as an unsent RFC 5322 draft in UTF-8 (blanks shown as [Label])."""
    return _eml(
        blanks_text(template.subject_segments),
        blanks_text(template.body_segments),
        edition,
        _(DRAFT_NAME),
    )


@functools.lru_cache(maxsize=4096)
def _eml(subject: str, body: str, edition: dt.date, sender_name: str = DRAFT_NAME) -> bytes:
    # Kept between builds of one process: under `mkdocs serve` an edit changes a few drafts,
    # and Python's email package is a tenth of a rebuild.
    # A header is one line: characters that Python counts as line breaks (U+2028, U+0085...)
    # pass the schema's single-line check but would make the email package refuse the header.
    subject = " ".join(subject.splitlines())
    if "=?" in subject:
        # The email package writes ASCII text as it is, and a mail reader would decode
        # "=?...?=" in it as an encoded word: such a subject goes out encoded, as parsed source.
        source = f"Subject: {_encoded_words(subject)}\r\n\r\n".encode("ascii")
        message = BytesParser(EmailMessage, policy=email.policy.SMTP).parsebytes(source)
    else:
        message = EmailMessage(policy=email.policy.SMTP)
        message["Subject"] = subject
    # The sender's name is a blank in the edition's language, so it is part of the cache's key.
    message["From"] = Address(display_name=sender_name, addr_spec=DRAFT_SENDER)
    message["Date"] = format_datetime(dt.datetime.combine(edition, dt.time(9), dt.UTC))
    message["X-Unsent"] = "1"
    # Mail knows only whole lines: a carriage return the YAML spelled out ends a line too.
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    message.set_content(body + "\n", cte="quoted-printable")
    return message.as_bytes()


def _encoded_words(text: str) -> str:
    """RFC 2047 encoded words for `text`, each within 75 characters, one per folded line."""
    words: list[str] = []
    chunk = ""
    for char in text:
        # 45 bytes are 60 characters of base64, 72 with "=?utf-8?b?" and "?=".
        if len((chunk + char).encode()) > 45:
            words.append(chunk)
            chunk = ""
        chunk += char
    words.append(chunk)
    encoded = (base64.b64encode(word.encode()).decode("ascii") for word in words)
    return "\r\n ".join(f"=?utf-8?b?{word}?=" for word in encoded)


def templates_json(site: Site) -> bytes:
    """Every scenario's timing, placeholders and templates, for other tools."""
    document = {
        "format": "followup-kit templates",
        "version": JSON_FORMAT_VERSION,
        "placeholder_syntax": PLACEHOLDER_SYNTAX,
        "scenarios": [scenario_data(s) for s in site.scenarios],
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def readme() -> str:
    """The pack's README.txt, in the active edition's language."""
    title = _("Interview follow-up email templates")
    files = (
        ("<scenario>/<template>.txt", _("the subject and body as plain text")),
        (
            "<scenario>/<template>.eml",
            _("the same as an unsent email draft; open it in your mail app"),
        ),
        (
            "<scenario>/<template>.<channel>.txt",
            _(
                "the same message for another channel, where a template has one:\n"
                "linkedin-connection (an invitation note), linkedin-message,\n"
                "linkedin-inmail, text (a text message), phone or voicemail (a script)"
            ),
        ),
    )
    listing = []
    for name, about in files:
        # The descriptions line up in a column; a long name puts its own on the next line.
        lines = about.splitlines()
        first = f"  {name:<28}{lines[0]}" if len(name) < 28 else f"  {name}\n{' ' * 30}{lines[0]}"
        listing.append("\n".join([first, *(f"{' ' * 30}{line}" for line in lines[1:])]))
    paragraphs = [
        f"{title}\n{'=' * (len(title) + 1)}",
        _("One folder per scenario, one or two files per template:") + "\n\n" + "\n".join(listing),
        _(
            "A template meant as a reply in an existing email thread has no subject and no "
            ".eml draft\n"
            "(a draft would start a new thread): press Reply in the thread and paste the text."
        ),
        _(
            "Replace every [Bracketed label] with your own details before you send, and in "
            "the .eml\n"
            "drafts put your own name and address in place of {sender}.\n"
            "templates.json holds the same templates with their timing, for other tools.",
            sender=draft_from(),
        ),
    ]
    return "\n\n".join(paragraphs) + "\n"


def render(site: Site, edition: dt.date) -> dict[str, bytes]:
    """Every file of the pack, keyed by its path in the site."""
    outputs: dict[str, bytes] = {}
    members: dict[str, bytes] = {"README.txt": readme().encode()}
    for scenario in site.scenarios:
        for template in scenario.templates:
            text = as_text(template).encode("utf-8")
            outputs[template_file(scenario.id, template.id, "txt")] = text
            members[f"{scenario.id}/{template.id}.txt"] = text
            if "eml" in template.file_types:
                eml = as_eml(template, edition)
                outputs[template_file(scenario.id, template.id, "eml")] = eml
                members[f"{scenario.id}/{template.id}.eml"] = eml
            for variant in template.variants:
                text = variant_as_text(variant).encode("utf-8")
                outputs[variant_file(scenario.id, template.id, variant.channel)] = text
                members[f"{scenario.id}/{template.id}.{variant.channel}.txt"] = text
    json_bytes = templates_json(site)
    members["templates.json"] = json_bytes
    outputs[TEMPLATES_JSON] = json_bytes
    buffer = io.BytesIO()
    stamp = (edition.year, edition.month, edition.day, 0, 0, 0)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(f"follow-up-templates/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, members[name])
    outputs[PACK_ZIP] = buffer.getvalue()
    return outputs
