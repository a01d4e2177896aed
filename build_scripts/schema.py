"""The scenario file format: one frozen pydantic model per YAML mapping, one attribute per key."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    model_validator,
)

from .i18n import N_

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
"""Scenario, step, template and source ids: lowercase letters, digits, single hyphens."""

PLACEHOLDER_KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
"""Placeholder keys as written between braces in subjects and bodies, e.g. `{interviewer_name}`."""

PLACEHOLDER_SYNTAX = (
    "{key} is a placeholder: key is lowercase letters, digits and _, starting with a letter, "
    "and is declared under the scenario's placeholders. {{ stands for a literal { and }} for "
    "a literal }. No other braces are allowed: there are no expressions, formats or indexes."
)
"""The placeholder syntax of subjects and bodies, as documented in templates.json and on the
authoring page."""

_TEMPLATE_TOKEN = re.compile(
    r"(?P<escape>\{\{|\}\})|\{(?P<key>[a-z][a-z0-9_]*)\}|(?P<bad>\{[^{}\n]{0,60}\}|[{}])"
)


@dataclass(frozen=True)
class TemplateToken:
    """A run of template text: literal text, an escaped brace, a placeholder or a mistake."""

    start: int
    end: int
    kind: Literal["text", "placeholder", "bad"]
    text: str
    """The literal text (an escaped brace already single), the placeholder's key, or the
    faulty expression as written."""


def template_tokens(text: str) -> Iterator[TemplateToken]:
    """Split subject or body text by PLACEHOLDER_SYNTAX, left to right (`{{name}}` is the
    literal text `{name}`), so that every brace is either an escape, a placeholder or bad."""
    position = 0
    literal: list[str] = []
    literal_start = 0
    for match in _TEMPLATE_TOKEN.finditer(text):
        literal.append(text[position : match.start()])
        position = match.end()
        if match.group("escape"):
            literal.append(match.group("escape")[0])
            continue
        if "".join(literal):
            yield TemplateToken(literal_start, match.start(), "text", "".join(literal))
        literal = []
        literal_start = match.end()
        if match.group("key"):
            yield TemplateToken(match.start(), match.end(), "placeholder", match.group("key"))
        else:
            yield TemplateToken(match.start(), match.end(), "bad", match.group("bad"))
    literal.append(text[position:])
    if "".join(literal):
        yield TemplateToken(literal_start, len(text), "text", "".join(literal))


def placeholder_keys(text: str) -> list[str]:
    """The placeholders of subject or body text, in order (repeats included)."""
    return [t.text for t in template_tokens(text) if t.kind == "placeholder"]


def _single_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError("must be a single line of text")
    return value


class Prose:
    """Marks a text type as the author's own writing, which the lint spell-checks (FU106)."""


PROSE = Prose()

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=64)]
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=4000),
    PROSE,
]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_single_line),
]
"""One line that names something (a person, a publisher, a page's title): not prose, since
names are not in a dictionary."""
Line = Annotated[Name, PROSE]
PlaceholderKey = Annotated[str, StringConstraints(pattern=PLACEHOLDER_KEY_PATTERN, max_length=40)]

Anchor = Literal[
    "application",
    "interview",
    "event",
    "submission",
    "decision_date",
    "rejection",
    "verbal_offer",
    "offer",
    "offer_deadline",
    "decision",
    "references_requested",
]
"""The moments a timeline can be measured from. A step may also be measured from an earlier step."""

ANCHOR_LABELS: dict[str, str] = {
    "application": N_("your application"),
    "interview": N_("the interview"),
    "event": N_("the event or meeting"),
    "submission": N_("your submission"),
    "decision_date": N_("the employer's stated decision date"),
    "rejection": N_("the rejection"),
    "verbal_offer": N_("the verbal offer"),
    "offer": N_("the written offer"),
    "offer_deadline": N_("the offer deadline"),
    "decision": N_("your decision"),
    "references_requested": N_("their request for references"),
}
"""How each anchor reads in a sentence ("2 business days after the interview", "within 24
hours of the written offer")."""

ANCHOR_INPUT_LABELS: dict[str, str] = {
    "application": N_("Date you applied"),
    "interview": N_("Interview date"),
    "event": N_("Date of the event or meeting"),
    "submission": N_("Date you submitted the assignment"),
    "decision_date": N_("Employer's stated decision date"),
    "rejection": N_("Date the rejection arrived"),
    "verbal_offer": N_("Date of the verbal offer"),
    "offer": N_("Date the written offer arrived"),
    "offer_deadline": N_("Offer deadline"),
    "decision": N_("Date you decided"),
    "references_requested": N_("Date they asked for references"),
}
"""How each anchor is asked for in a form (worksheets, date planner)."""

REPLIES: dict[str, tuple[str, str | None, str]] = {
    "interview": (N_("They invited me to another interview"), "interview", "multi-round"),
    "assignment": (N_("They sent me a task to do"), None, "take-home-assignment"),
    "references": (N_("They asked for references"), "references_requested", "references"),
    "decision_date": (
        N_("They gave me a date for their decision"),
        "decision_date",
        "passed-deadline",
    ),
    "on_hold": (N_("They put the role on hold"), None, "position-on-hold"),
    "offer": (N_("They made me an offer"), "verbal_offer", "verbal-offer-pending"),
    "written_offer": (N_("A written offer arrived"), "offer", "negotiating-an-offer"),
    "rejection": (N_("They said no"), "rejection", "after-rejection"),
    "other": (N_("Something else"), None, ""),
}
"""What a reply can say, for the applications tracker's "Reply received": (how the reader puts
it, the anchor whose date it sets or None, the scenario it usually leads to). The reader can
pick any other scenario; a suggested one a fork does not have is simply not suggested."""


Category = Literal["thank-you", "waiting", "decision", "offer", "networking"]

CATEGORY_TITLES: dict[str, str] = {
    "thank-you": N_("Saying thank you"),
    "waiting": N_("While you wait"),
    "decision": N_("After a decision"),
    "offer": N_("Offers and withdrawals"),
    "networking": N_("Networking and references"),
}
"""Navigation sections, in the order they appear."""


Region = Literal["us", "uk", "de", "fr", "es", "nl", "jp", "in", "au"]

REGION_NAMES: dict[str, str] = {
    "us": N_("United States"),
    "uk": N_("United Kingdom"),
    "de": N_("Germany"),
    "fr": N_("France"),
    "es": N_("Spain and Latin America"),
    "nl": N_("Netherlands and Belgium"),
    "jp": N_("Japan"),
    "in": N_("India"),
    "au": N_("Australia and New Zealand"),
}
"""Regions a scenario can carry notes for, in display order."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Timing(_Model):
    """When a step should happen, measured from its `from` point. Give at least one of the three."""

    unit: Literal["hours", "days", "business_days"]
    """`hours`, `days` (calendar days) or `business_days` (Monday to Friday)."""

    earliest: Annotated[int, Field(ge=0, le=3650)] | None = None
    """The soonest it makes sense; sooner looks hasty or pushy."""

    ideal: Annotated[int, Field(ge=0, le=3650)] | None = None
    """The best moment, when the guidance names one."""

    latest: Annotated[int, Field(ge=0, le=3650)] | None = None
    """After this it is late (or no longer worth sending)."""

    @model_validator(mode="after")
    def _ordered(self) -> Timing:
        given = [(k, v) for k, v in self.__dict__.items() if k != "unit" and v is not None]
        if not given:
            raise ValueError("give at least one of earliest, ideal or latest")
        for (name_a, a), (name_b, b) in pairwise(given):
            if a > b:
                raise ValueError(f"{name_a} ({a}) is after {name_b} ({b}); they must not decrease")
        return self


class Step(_Model):
    """One step of a scenario's timeline, in the order they happen."""

    id: Slug
    """Short id of the step, unique in the scenario (`thank-you`, `first-check-in`)."""

    title: Line
    """What to do, as a short imperative ("Send your thank-you email")."""

    text: Text
    """One or two sentences: why this step, and how."""

    from_: Annotated[str, Field(alias="from", min_length=1, max_length=64)]
    """What the timing is measured from: an anchor (`interview`, `decision_date`, ...)
    or the id of an earlier step."""

    timing: Timing
    """How long after `from` to act."""

    template: Slug | None = None
    """Id of the template to send at this step, if any."""

    sources: tuple[Slug, ...] = ()
    """Ids of entries under `sources` that back this step's timing."""

    optional: bool = False
    """True when the reader may skip this step (shown as "Optional")."""

    ours: bool = False
    """True when the step is the project's own suggestion rather than a source's advice (shown
    as "Our suggestion"); such a step needs no `sources`."""


class Placeholder(_Model):
    """A blank the reader fills in, written `{key}` in subjects and bodies."""

    label: Line
    """Short name shown on the blank and on the input ("Interviewer's name")."""

    help: Line
    """One line that tells the reader what to put there."""

    example: Name
    """A realistic example value ("Ms Rivera")."""


Channel = Literal[
    "linkedin-connection", "linkedin-message", "linkedin-inmail", "text", "phone", "voicemail"
]
"""Ways to send a message other than email, for a template's channel variants."""

CHANNELS: dict[str, tuple[str, str]] = {
    "linkedin-connection": (
        N_("LinkedIn invitation"),
        N_("the note on a LinkedIn connection request (200 characters on a free account)"),
    ),
    "linkedin-message": (
        N_("LinkedIn message"),
        N_("a message to someone you are already connected to"),
    ),
    "linkedin-inmail": (
        N_("LinkedIn InMail"),
        N_("a paid message to someone you are not connected to (subject up to 200 characters)"),
    ),
    "text": (N_("Text message"), N_("a text to a recruiter who has texted you first")),
    "phone": (
        N_("Phone call"),
        N_("what to say when you call; a script to glance at, not to read out"),
    ),
    "voicemail": (N_("Voicemail"), N_("what to leave when nobody answers, in about 30 seconds")),
}
"""Each channel's tab label and what it is, in display order."""

CHANNEL_LIMITS: dict[str, tuple[str, int]] = {
    "linkedin-connection": ("characters", 200),
    "linkedin-inmail": ("characters", 1900),
    "linkedin-message": ("characters", 1000),
    "text": ("characters", 320),
    "voicemail": ("words", 80),
    "phone": ("words", 180),
}
"""How long each channel's body may be once filled in with the examples: the hard limits
LinkedIn sets (a free account's invitation note; InMail kept under LinkedIn's 2,000), two text
message segments, and about 30 seconds of speech for a voicemail (the lint warns above them)."""

INMAIL_SUBJECT_LIMIT = 200
"""Characters LinkedIn allows in an InMail subject."""


class Variant(_Model):
    """The same message for another channel: a LinkedIn note, a text, a phone or voicemail
    script. It uses the template's placeholders and is shown as a tab under the email."""

    channel: Channel
    """`linkedin-connection`, `linkedin-message`, `linkedin-inmail`, `text`, `phone` or
    `voicemail`."""

    when: Line
    """When to choose this channel over email, in one line ("Only if the recruiter has been
    texting you")."""

    subject: Line | None = None
    """Subject line, for `linkedin-inmail` only (LinkedIn requires one)."""

    body: Text
    """The message or script; may use the template's placeholders, written `{key}`."""

    @model_validator(mode="after")
    def _subject_for_inmail(self) -> Variant:
        if self.channel == "linkedin-inmail" and self.subject is None:
            raise ValueError("a linkedin-inmail variant needs a subject: LinkedIn requires one")
        if self.channel != "linkedin-inmail" and self.subject is not None:
            raise ValueError(
                f"only a linkedin-inmail variant has a subject; remove it from this "
                f"{self.channel} variant"
            )
        return self


class Template(_Model):
    """A ready-to-send email."""

    id: Slug
    """Short id, unique in the scenario (`standard`, `brief`)."""

    title: Line
    """Name of the variant ("Standard thank-you")."""

    purpose: Line
    """When to choose this variant over the others."""

    reply: bool = False
    """True for a message sent as a reply in an existing email thread (a status check, an
    answer to their email): it has no `subject`, and the reader presses Reply so that it stays
    in the thread with the thread's own subject."""

    subject: Line | None = None
    """Subject line of a new email (not of a `reply`); may use placeholders, written `{key}`.
    Braces are only for placeholders: write `{{` and `}}` for a literal brace."""

    body: Text
    """The email body; may use placeholders, written `{key}` (`{{` and `}}` for a literal
    brace). It is sent exactly as written: one line per paragraph, a blank line between
    paragraphs."""

    channels: tuple[Variant, ...] = Field(default=(), max_length=6)
    """The same message for other channels (LinkedIn, text, phone, voicemail), one per
    channel, shown as tabs next to the email."""

    @model_validator(mode="after")
    def _subject_or_reply(self) -> Template:
        if self.reply and self.subject is not None:
            raise ValueError(
                "a reply (reply: true) has no subject of its own: remove subject; the reader "
                "presses Reply and the thread keeps its subject"
            )
        if not self.reply and self.subject is None:
            raise ValueError(
                "give a subject, or write reply: true for a message sent as a reply in an "
                "existing thread"
            )
        if self.subject is not None and re.match(r"(?i)\s*(re|fwd?|aw|sv|vs)\s*:", self.subject):
            raise ValueError(
                'subject starts like a reply or a forward ("Re:"), but the buttons start a '
                "new email: write reply: true and no subject for a reply in the thread"
            )
        seen = [v.channel for v in self.channels]
        for channel in seen:
            if seen.count(channel) > 1:
                raise ValueError(f"two variants for the channel {channel}: give one per channel")
        return self


class RegionalNote(_Model):
    """How timing or etiquette differs in one region."""

    region: Region
    """`us`, `uk`, `de`, `fr`, `es`, `nl`, `jp`, `in` or `au`."""

    timing: Line | None = None
    """The local timing in a few words, for the timing table ("status check after 2-6 weeks")."""

    note: Text
    """What a reader there should do differently, in one or two sentences."""

    sources: tuple[Slug, ...] = ()
    """Ids of entries under `sources` that back this note."""


class Tips(_Model):
    """Advice for the scenario."""

    do: tuple[Line, ...] = Field(default=(), max_length=20)
    """Things to do."""

    dont: tuple[Line, ...] = Field(default=(), max_length=20)
    """Things to avoid."""


SourceKind = Literal[
    "university",
    "public-service",
    "professional-body",
    "recruiter",
    "job-board",
    "survey",
    "publisher",
    "vendor-blog",
    "blog",
]
"""What kind of organisation stands behind a source, strongest first."""

SOURCE_KINDS: dict[str, tuple[str, str]] = {
    "university": (N_("University"), N_("a university or college careers service")),
    "public-service": (
        N_("Public service"),
        N_("a government or public careers or employment service"),
    ),
    "professional-body": (
        N_("Professional body"),
        N_("a professional association or national code"),
    ),
    "recruiter": (N_("Recruiter"), N_("a staffing firm or recruitment agency")),
    "job-board": (N_("Job board"), N_("a job board or careers platform")),
    "survey": (N_("Survey"), N_("a survey, as released by the firm that ran it")),
    "publisher": (N_("Publisher"), N_("a newspaper, magazine or established publisher")),
    "vendor-blog": (
        N_("Vendor blog"),
        N_("a company that sells a product, writing about the topic"),
    ),
    "blog": (N_("Blog"), N_("a personal or unknown blog or content site")),
}
"""Each kind's short label (shown next to citations) and what it covers, strongest first."""

WEAK_SOURCE_KINDS: frozenset[str] = frozenset({"vendor-blog", "blog"})
"""Kinds that should not back a timing on their own (the lint warns)."""


class Question(_Model):
    """A question readers ask, answered in a few sentences; the FAQ page collects them all and
    links each to its scenario."""

    question: Line
    """The question as a reader would ask it ("Can I follow up if they never gave a date?")."""

    answer: Text
    """A short answer in two to four sentences; the scenario page has the rest."""

    @model_validator(mode="after")
    def _is_a_question(self) -> Question:
        if not self.question.rstrip().endswith("?"):
            raise ValueError("a question ends with a question mark")
        return self


class Source(_Model):
    """A public page that backs a timing or a claim, read before it was cited."""

    id: Slug
    """Short id used by timeline steps (`indeed-wait`)."""

    title: Name
    """The page's own title, as the page shows it (not one guessed from its address)."""

    publisher: Name
    """Who published it, spelled the same way in every file ("Indeed", "Robert Half")."""

    kind: SourceKind
    """What stands behind it: `university`, `public-service`, `professional-body`, `recruiter`,
    `job-board`, `survey`, `publisher`, `vendor-blog` or `blog` (shown next to each citation)."""

    claim: Line
    """What it supports, in one short line of our own words ("US, 2017: 80% of HR managers
    weigh thank-you notes")."""

    checked: dt.date
    """The date someone last read the page and found it says what `claim` says (2026-11-30)."""

    url: HttpUrl
    """Public address (https; the lint flags http and staging or test hosts)."""

    year: Annotated[int, Field(ge=1990, le=2100)] | None = None
    """Year of publication, when known."""


SHARED_AVOID_PHRASES: tuple[str, ...] = (
    "just checking in",
    "just following up",
    "just wanted to follow up",
    "touching base",
    "circling back",
    "per my last email",
    "as per my previous email",
    "why is this taking so long",
    "please respond by",
    "i need to hear back",
    "i need this job",
    "to whom it may concern",
)
"""Phrases every follow-up should avoid: filler, pressure and demands for a reply."""


class WordRange(_Model):
    """How long a template body should be, in words."""

    min: Annotated[int, Field(ge=1, le=2000)] = 50
    """Fewer words than this reads as curt."""

    max: Annotated[int, Field(ge=1, le=2000)] = 200
    """More words than this is more than a busy reader will take in."""

    @model_validator(mode="after")
    def _ordered(self) -> WordRange:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is more than max ({self.max})")
        return self


class LintSettings(_Model):
    """How `followup check` judges this scenario's writing."""

    ignore: tuple[Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]+$")], ...] = ()
    """Lint rules to silence for this scenario, by code or name (`FU108`, `timing-unsourced`),
    when the author means what the rule flags."""


class Scenario(_Model):
    """One follow-up situation: when it applies, what to send and when."""

    id: Slug
    """The scenario's slug; its page is `scenarios/<id>/`. Unique across all files."""

    title: Line
    """Page title ("Thank-you note after an interview")."""

    summary: Line
    """One sentence shown in lists and at the top of the page."""

    category: Category
    """Navigation section: `thank-you`, `waiting`, `decision`, `offer` or `networking`."""

    order: Annotated[int, Field(ge=0, le=10000)] = 100
    """Position inside the category; lower comes first."""

    trigger: Text
    """The situation this scenario is for, as the reader would describe it."""

    timeline: tuple[Step, ...] = Field(min_length=1, max_length=30)
    """The follow-up steps, in order."""

    placeholders: dict[PlaceholderKey, Placeholder] = Field(default_factory=dict)
    """Blanks used by the templates, keyed by the name written between braces."""

    templates: tuple[Template, ...] = Field(min_length=1, max_length=20)
    """The emails, most common variant first."""

    tips: Tips = Tips()
    """Do and don't lists."""

    sources: tuple[Source, ...] = Field(default=(), max_length=40)
    """Public references for the timing claims."""

    related: tuple[Slug, ...] = ()
    """Ids of other scenarios worth reading next."""

    faq: tuple[Question, ...] = Field(default=(), max_length=12)
    """Questions readers ask about this situation, with short answers, for the FAQ page and
    the scenario page."""

    regions: tuple[RegionalNote, ...] = Field(default=(), max_length=20)
    """Where timing or etiquette differs by country, one entry per region."""

    body_words: WordRange = WordRange()
    """Length guidance for this scenario's template bodies (default 50-200 words)."""

    avoid: tuple[Line, ...] = Field(default=(), max_length=40)
    """Phrases to avoid in this scenario, on top of the shared list (just checking in, ...)."""

    lint: LintSettings = LintSettings()
    """Settings for the content lint of `followup check`."""


def json_schema() -> dict:
    """The JSON Schema that editors use to autocomplete and check scenario files."""
    schema = Scenario.model_json_schema(by_alias=True)
    schema["title"] = "followup-kit scenario"
    return schema


IDENTITY_FIELDS = {"Scenario": "id", "Step": "id", "Template": "id", "Source": "id",
                   "Variant": "channel", "RegionalNote": "region"}  # fmt: skip
"""What a translation must still give of each part: the key that says which part it
translates (build_scripts/translations.py)."""


def translation_json_schema() -> dict:
    """The JSON Schema of a scenario's translation (`content/<language>/scenarios/<id>.yml`):
    the scenario's, where nothing is required but the keys that identify the parts it
    translates, and lists may be shorter (a translation gives only what it changes)."""
    schema = json_schema()
    schema["title"] = "followup-kit scenario translation"
    schema["description"] = (
        "A scenario's text in another language, laid over the scenario file of the same id: "
        "mappings merge, lists of steps, templates, sources, channel variants and regional "
        "notes merge by id, channel or region, and other lists replace the original's."
    )

    def relax(node: object, name: str | None) -> None:
        if isinstance(node, dict):
            if "required" in node and isinstance(node["required"], list):
                keep = [IDENTITY_FIELDS[name]] if name in IDENTITY_FIELDS else []
                if keep:
                    node["required"] = keep
                else:
                    del node["required"]
            node.pop("minItems", None)
            for key, value in node.items():
                relax(value, key if key in IDENTITY_FIELDS else None)
        elif isinstance(node, list):
            for value in node:
                relax(value, None)

    relax(schema, "Scenario")
    for name, definition in schema.get("$defs", {}).items():
        relax(definition, name)
    return schema
