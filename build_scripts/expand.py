"""Step 3: turn validated scenarios into view models (order, URLs, numbering, cross-links). Pure."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import i18n, links
from .i18n import N_, _
from .schema import (
    ANCHOR_INPUT_LABELS,
    ANCHOR_LABELS,
    CATEGORY_TITLES,
    CHANNEL_LIMITS,
    CHANNELS,
    REGION_NAMES,
    SHARED_AVOID_PHRASES,
    SOURCE_KINDS,
    Scenario,
    Source,
    Timing,
    placeholder_keys,
    template_tokens,
)
from .sources import citations, page_key

if TYPE_CHECKING:
    from .chooser import Step
    from .nav import GuideEntry

UNIT_AMOUNTS = {
    "hours": (N_("{count} hour"), N_("{count} hours")),
    "days": (N_("{count} day"), N_("{count} days")),
    "business_days": (N_("{count} business day"), N_("{count} business days")),
}
"""How an amount of each unit is written, for a count of one and for any other count. In every
timing sentence the amount is a measure of time ("2 days after", "within 2 days of"), so one
form per count serves: a language whose sentences need another case words them around it
(German: "spätestens 2 Tage nach ..." for "within 2 days of ...")."""


SOURCE_KIND_INLINE = {
    "university": N_("university"),
    "public-service": N_("public service"),
    "professional-body": N_("professional body"),
    "recruiter": N_("recruiter"),
    "job-board": N_("job board"),
    "survey": N_("survey"),
    "publisher": N_("publisher"),
    "vendor-blog": N_("vendor blog"),
    "blog": N_("blog"),
}
"""Each source kind as a printed citation writes it, inside a sentence (schema.SOURCE_KINDS
has the labels)."""


@dataclass(frozen=True)
class Segment:
    """A run of template text, or a placeholder (then `key` is set and `text` is its label)."""

    text: str
    key: str | None = None


@dataclass(frozen=True)
class PlaceholderView:
    key: str
    label: str
    help: str
    example: str


@dataclass(frozen=True)
class VariantView:
    """A template's channel variant (a LinkedIn note, a text, a phone or voicemail script)."""

    channel: str
    label: str
    """The tab's label ("LinkedIn invitation")."""
    what: str
    """What the channel is, in a few words."""
    when: str
    """When to choose it over email."""
    anchor: str
    """HTML id of its tab panel on the scenario page (`template-standard--text`)."""
    subject: str | None
    """An InMail's subject; None for every other channel."""
    body: str
    subject_segments: tuple[Segment, ...]
    body_segments: tuple[Segment, ...]
    unit: str
    """What the limit counts: "characters" or "words"."""
    limit: int
    """How long the filled-in body may be, in `unit`."""

    @property
    def spoken(self) -> bool:
        """A script to say (phone, voicemail) rather than a message to send."""
        return self.unit == "words"


@dataclass(frozen=True)
class TemplateView:
    id: str
    anchor: str
    """HTML id of the template on its page (`template-standard`)."""
    title: str
    purpose: str
    reply: bool
    """Sent as a reply in the existing thread: no subject of its own."""
    subject: str | None
    body: str
    subject_segments: tuple[Segment, ...]
    body_segments: tuple[Segment, ...]
    placeholder_keys: tuple[str, ...]
    """Placeholders this template uses, in order of first use (its variants' too)."""
    variants: tuple[VariantView, ...] = ()
    """The same message for other channels, in the order of CHANNELS."""

    @property
    def file_types(self) -> tuple[str, ...]:
        """Its downloads: no .eml draft for a reply, since a draft starts a new thread."""
        return ("txt",) if self.reply else links.TEMPLATE_FILE_TYPES


@dataclass(frozen=True)
class SourceView:
    number: int
    id: str
    title: str
    publisher: str
    url: str
    year: int | None
    kind: str | None = None
    claim: str | None = None
    checked: dt.date | None = None

    @property
    def kind_label(self) -> str:
        """The kind as shown next to a citation ("University"), or "" when not given."""
        return _(SOURCE_KINDS[self.kind][0]) if self.kind else ""

    @property
    def kind_inline(self) -> str:
        """The kind as written inside a citation in print ("[2 university]"), or "": each
        language decides its own capitals."""
        return _(SOURCE_KIND_INLINE[self.kind]) if self.kind else ""


def source_view(number: int, source: Source) -> SourceView:
    return SourceView(
        number,
        source.id,
        source.title,
        source.publisher,
        str(source.url),
        source.year,
        source.kind,
        source.claim,
        source.checked,
    )


@dataclass(frozen=True)
class RegionView:
    region: str
    name: str
    timing: str | None
    note: str
    sources: tuple[SourceView, ...]


@dataclass(frozen=True)
class StepView:
    number: int
    id: str
    title: str
    text: str
    anchor: str
    """The named anchor this step is ultimately measured from (`interview`)."""
    after_step: int | None
    """Number of the earlier step it is measured from, if any."""
    unit: str
    earliest: int | None
    ideal: int | None
    latest: int | None
    when: str
    """The timing as a sentence ("2-24 hours after the interview, ideally 4")."""
    template: TemplateView | None
    sources: tuple[SourceView, ...]
    optional: bool = False
    """The reader may skip it."""
    ours: bool = False
    """The project's own suggestion, not a source's."""

    @property
    def flags(self) -> str:
        """ "Optional", "Our suggestion" or both, for display; "" for a plain step."""
        return _join_flags((self.optional, _("Optional")), (self.ours, _("Our suggestion")))

    @property
    def flags_inline(self) -> str:
        """The flags as written inside a sentence or brackets ("optional, our suggestion"):
        each language decides its own capitals (German nouns keep theirs)."""
        return _join_flags((self.optional, _("optional")), (self.ours, _("our suggestion")))


def _join_flags(*flags: tuple[bool, str]) -> str:
    return ", ".join(label for on, label in flags if on)


@dataclass(frozen=True)
class RelatedView:
    id: str
    title: str
    src_uri: str


@dataclass(frozen=True)
class FaqView:
    """A question readers ask about a scenario, with its short answer."""

    number: int
    question: str
    answer: tuple[str, ...]
    """Paragraphs of the answer."""
    anchor: str
    """Its id on the FAQ page and in the guide (`faq-passed-deadline-1`)."""


@dataclass(frozen=True)
class ScenarioView:
    id: str
    title: str
    summary: str
    category: str
    category_title: str
    order: int
    trigger: tuple[str, ...]
    """Paragraphs of the trigger text."""
    steps: tuple[StepView, ...]
    placeholders: tuple[PlaceholderView, ...]
    templates: tuple[TemplateView, ...]
    tips_do: tuple[str, ...]
    tips_dont: tuple[str, ...]
    sources: tuple[SourceView, ...]
    related: tuple[RelatedView, ...]
    regions: tuple[RegionView, ...]
    """Regional notes, in the order of REGION_NAMES."""
    src_uri: str
    """Path of the generated page inside the docs folder (`scenarios/post-interview.md`)."""
    source_file: str
    """The YAML file it came from, relative to the project root."""
    anchors: tuple[str, ...]
    """Named anchors its timeline is measured from, in order of first use."""
    used_placeholders: tuple[PlaceholderView, ...]
    """Placeholders that the templates use, in order of first use."""
    min_words: int
    max_words: int
    avoid: tuple[str, ...]
    """Phrases to avoid: the shared list plus the scenario's own, lowercase."""
    faq: tuple[FaqView, ...] = ()
    """Questions readers ask about this situation, in file order."""
    translated: bool = True
    """False in an edition other than the default one when the scenario has no translation
    into its language: its page and PDF chapter say that it is shown in the default one."""


@dataclass(frozen=True)
class CategoryView:
    id: str
    title: str
    scenarios: tuple[ScenarioView, ...]


@dataclass(frozen=True)
class Reference:
    """A source, once, with the scenarios and guide pages that cite it."""

    source: SourceView
    cited_by: tuple[ScenarioView, ...]
    cited_in_guide: tuple[GuideEntry, ...] = ()


def references(
    ordered: Sequence[ScenarioView],
    guide: Sequence[GuideEntry] = (),
    registry: Sequence[Source] = (),
) -> tuple[Reference, ...]:
    """Every source cited by a scenario or a guide page, one entry per page (however its
    address is spelled), by publisher then title. A guide page's link counts when its address
    is a registered source (`registry`) or a scenario's source."""
    found: dict[str, tuple[SourceView, list[ScenarioView], list[GuideEntry]]] = {}
    for scenario in ordered:
        for source in scenario.sources:
            entry = found.setdefault(page_key(source.url), (source, [], []))
            if scenario not in entry[1]:
                entry[1].append(scenario)
    registered = {page_key(str(s.url)): source_view(0, s) for s in registry}
    for page in guide:
        for cite in citations(page.markdown):
            key = page_key(cite.url)
            if key not in found and key in registered:
                found[key] = (registered[key], [], [])
            if key in found and page not in found[key][2]:
                found[key][2].append(page)
    refs = [
        Reference(source, tuple(cited), tuple(pages)) for source, cited, pages in found.values()
    ]
    return tuple(
        sorted(
            refs,
            key=lambda r: (r.source.publisher.casefold(), r.source.title.casefold(), r.source.url),
        )
    )


@dataclass(frozen=True)
class Site:
    """Everything the renderers need, in display order."""

    scenarios: tuple[ScenarioView, ...]
    categories: tuple[CategoryView, ...]
    chooser: tuple[Step, ...] = ()
    """The "which scenario fits?" questions (content/chooser.yml), flattened for display."""
    guide: tuple[GuideEntry, ...] = ()
    """The guide's chapters in reading order."""
    references: tuple[Reference, ...] = ()
    """Every source once, with the scenarios and guide pages that cite it, by publisher then
    title."""

    @property
    def faq_categories(self) -> tuple[CategoryView, ...]:
        """The categories and scenarios that have questions, for the FAQ page and chapter."""
        found = []
        for category in self.categories:
            asked = tuple(s for s in category.scenarios if s.faq)
            if asked:
                found.append(CategoryView(category.id, category.title, asked))
        return tuple(found)

    @property
    def source_kinds(self) -> dict[str, str]:
        """The kind of every cited page, by its page_key(): for the labels after guide links."""
        return {page_key(r.source.url): r.source.kind for r in self.references if r.source.kind}

    @property
    def regional_timing(self) -> tuple[tuple[RegionView, ScenarioView], ...]:
        """Every regional note that gives a timing, by region (in REGION_NAMES order), then by
        scenario in display order: the timing table's "by country" section."""
        order = list(REGION_NAMES)
        rows = [
            (region, scenario)
            for category in self.categories
            for scenario in category.scenarios
            for region in scenario.regions
            if region.timing
        ]
        return tuple(sorted(rows, key=lambda row: order.index(row[0].region)))


def split_segments(text: str, labels: dict[str, str]) -> tuple[Segment, ...]:
    """Split template text into literal runs (`{{` and `}}` made single braces) and
    placeholders. The text is valid: validation refused any other brace."""
    return tuple(
        Segment(labels[token.text], token.text)
        if token.kind == "placeholder"
        else Segment(token.text)
        for token in template_tokens(text)
    )


def paragraphs(text: str) -> tuple[str, ...]:
    """Blank-line separated paragraphs, each folded to one line."""
    blocks = [" ".join(line.strip() for line in block.splitlines()) for block in text.split("\n\n")]
    return tuple(b.strip() for b in blocks if b.strip())


def _amount(value: int, unit: str) -> str:
    one, many = UNIT_AMOUNTS[unit]
    return _(one if value == 1 else many, count=value)


def describe_timing(timing: Timing, after: str) -> str:
    """A sentence for a timing in the active edition's language: `after` is what it is
    measured from, as it reads after "after" ("the interview"; German: "dem Gespräch")."""
    unit, lo, ideal, hi = timing.unit, timing.earliest, timing.ideal, timing.latest

    def exactly(value: int) -> str:
        return (
            _("{amount} after {anchor}", amount=_amount(value, unit), anchor=after)
            if value
            else _("as soon as possible after {anchor}", anchor=after)
        )

    def within(value: int) -> str:
        return _("within {amount} of {anchor}", amount=_amount(value, unit), anchor=after)

    if lo is not None and hi is not None and lo != hi:
        text = (
            within(hi)
            if lo == 0
            else _("{low}-{amount} after {anchor}", low=lo, amount=_amount(hi, unit), anchor=after)
        )
    elif lo is not None and hi is not None:
        text = exactly(lo)
    elif hi is not None:
        text = within(hi)
    elif lo is not None:
        text = _("at least {amount} after {anchor}", amount=_amount(lo, unit), anchor=after)
    else:
        assert ideal is not None
        return exactly(ideal)
    if ideal is not None and ideal not in (lo, hi):
        text = _("{timing}, ideally {amount}", timing=text, amount=_amount(ideal, unit))
    return text


def _sort_key(scenario: Scenario) -> tuple[int, int, str]:
    return (list(CATEGORY_TITLES).index(scenario.category), scenario.order, scenario.title.lower())


def _variant_view(
    template_id: str,
    channel: str,
    when: str,
    subject: str | None,
    body: str,
    labels: dict[str, str],
) -> VariantView:
    label, what = (_(text) for text in CHANNELS[channel])
    unit, limit = CHANNEL_LIMITS[channel]
    return VariantView(
        channel=channel,
        label=label,
        what=what,
        when=when,
        anchor=links.variant_panel(template_id, channel),
        subject=subject,
        body=body,
        subject_segments=split_segments(subject or "", labels),
        body_segments=split_segments(body, labels),
        unit=unit,
        limit=limit,
    )


def _expand_one(scenario: Scenario, source_file: str, titles: dict[str, str]) -> ScenarioView:
    labels = {key: p.label for key, p in scenario.placeholders.items()}
    templates = {}
    for t in scenario.templates:
        subject = t.subject or ""
        variants = tuple(
            _variant_view(t.id, v.channel, v.when, v.subject, v.body, labels)
            for v in sorted(t.channels, key=lambda v: list(CHANNELS).index(v.channel))
        )
        texts = [subject, t.body, *(x for v in variants for x in (v.subject or "", v.body))]
        keys = list(dict.fromkeys(key for text in texts for key in placeholder_keys(text)))
        templates[t.id] = TemplateView(
            id=t.id,
            anchor=links.template_heading(t.id),
            title=t.title,
            purpose=t.purpose,
            reply=t.reply,
            subject=t.subject,
            body=t.body,
            subject_segments=split_segments(subject, labels),
            body_segments=split_segments(t.body, labels),
            placeholder_keys=tuple(keys),
            variants=variants,
        )
    sources = {s.id: source_view(i, s) for i, s in enumerate(scenario.sources, start=1)}
    steps: list[StepView] = []
    numbers: dict[str, StepView] = {}
    anchors: list[str] = []
    for number, step in enumerate(scenario.timeline, start=1):
        if step.from_ in numbers:
            earlier = numbers[step.from_]
            anchor, after_step = earlier.anchor, earlier.number
            after = _("step {number}", number=earlier.number)
        else:
            anchor, after_step = step.from_, None
            after = _(ANCHOR_LABELS[step.from_])
            if anchor not in anchors:
                anchors.append(anchor)
        view = StepView(
            number=number,
            id=step.id,
            title=step.title,
            text=step.text,
            anchor=anchor,
            after_step=after_step,
            unit=step.timing.unit,
            earliest=step.timing.earliest,
            ideal=step.timing.ideal,
            latest=step.timing.latest,
            when=describe_timing(step.timing, after),
            template=templates.get(step.template) if step.template else None,
            sources=tuple(sources[s] for s in step.sources),
            optional=step.optional,
            ours=step.ours,
        )
        steps.append(view)
        numbers[step.id] = view
    placeholder_views = {
        key: PlaceholderView(key, p.label, p.help, p.example)
        for key, p in scenario.placeholders.items()
    }
    used = dict.fromkeys(key for t in templates.values() for key in t.placeholder_keys)
    return ScenarioView(
        id=scenario.id,
        title=scenario.title,
        summary=scenario.summary,
        category=scenario.category,
        category_title=_(CATEGORY_TITLES[scenario.category]),
        order=scenario.order,
        trigger=paragraphs(scenario.trigger),
        steps=tuple(steps),
        placeholders=tuple(placeholder_views.values()),
        templates=tuple(templates.values()),
        tips_do=scenario.tips.do,
        tips_dont=scenario.tips.dont,
        sources=tuple(sources.values()),
        related=tuple(
            RelatedView(other, titles[other], links.scenario_page(other))
            for other in scenario.related
            # A related scenario that is itself broken is left out (its problem is reported).
            if other in titles
        ),
        regions=tuple(
            RegionView(
                n.region,
                _(REGION_NAMES[n.region]),
                n.timing,
                n.note,
                tuple(sources[s] for s in n.sources),
            )
            for n in sorted(scenario.regions, key=lambda n: list(REGION_NAMES).index(n.region))
        ),
        src_uri=links.scenario_page(scenario.id),
        source_file=source_file,
        anchors=tuple(anchors),
        used_placeholders=tuple(placeholder_views[key] for key in used),
        min_words=scenario.body_words.min,
        max_words=scenario.body_words.max,
        avoid=tuple(dict.fromkeys(p.lower() for p in (*_shared_avoid(), *scenario.avoid))),
        faq=tuple(
            FaqView(n, q.question, paragraphs(q.answer), links.faq_anchor(scenario.id, n))
            for n, q in enumerate(scenario.faq, start=1)
        ),
    )


def _shared_avoid() -> tuple[str, ...]:
    """The phrases every template of the active edition's language avoids."""
    catalog = i18n.active()
    return SHARED_AVOID_PHRASES if catalog.language == "en" else catalog.edition.avoid


def expand(
    scenarios: Sequence[Scenario],
    source_files: dict[str, str],
    guide: Sequence[GuideEntry] = (),
    registry: Sequence[Source] = (),
    untranslated: frozenset[str] = frozenset(),
) -> Site:
    """Build the site's view models. `source_files` maps scenario id to its YAML path; the
    guide's chapters and their registered sources (content/sources.yml) join the references.
    The `untranslated` scenarios are shown in the default language with a note (in an edition
    other than the default one)."""
    ordered = sorted(scenarios, key=_sort_key)
    titles = {s.id: s.title for s in ordered}
    views = tuple(
        dataclasses.replace(_expand_one(s, source_files.get(s.id, ""), titles), translated=False)
        if s.id in untranslated
        else _expand_one(s, source_files.get(s.id, ""), titles)
        for s in ordered
    )
    categories = tuple(
        CategoryView(cid, _(title), tuple(v for v in views if v.category == cid))
        for cid, title in CATEGORY_TITLES.items()
        if any(v.category == cid for v in views)
    )
    return Site(
        scenarios=views,
        categories=categories,
        guide=tuple(guide),
        references=references(views, guide, registry),
    )


def _keys(*texts: tuple[Segment, ...]) -> list[str]:
    """The placeholders of some texts, in order of first use."""
    return list(dict.fromkeys(seg.key for text in texts for seg in text if seg.key))


def timeline_data(scenario: ScenarioView) -> list[dict]:
    """A scenario's steps as plain data (what the page scripts plan with)."""
    return [
        {
            "id": step.id,
            "title": step.title,
            "anchor": step.anchor,
            "after_step": step.after_step,
            "unit": step.unit,
            "earliest": step.earliest,
            "ideal": step.ideal,
            "latest": step.latest,
            "when": step.when,
            "template": step.template.id if step.template else None,
            "optional": step.optional,
            "ours": step.ours,
        }
        for step in scenario.steps
    ]


def scenario_data(scenario: ScenarioView) -> dict:
    """One scenario as plain data: for templates.json and for the interactive scenario page."""
    return {
        "id": scenario.id,
        "title": scenario.title,
        "summary": scenario.summary,
        "category": scenario.category,
        "page": scenario.src_uri.removesuffix(".md") + "/",
        "body_words": {"min": scenario.min_words, "max": scenario.max_words},
        "avoid": list(scenario.avoid),
        "anchors": {a: _(ANCHOR_INPUT_LABELS[a]) for a in scenario.anchors},
        "timeline": timeline_data(scenario),
        "placeholders": {
            p.key: {"label": p.label, "help": p.help, "example": p.example}
            for p in scenario.placeholders
        },
        "templates": [
            {
                "id": t.id,
                "title": t.title,
                "purpose": t.purpose,
                "reply": t.reply,
                "subject": t.subject,
                "body": t.body,
                "placeholders": _keys(t.subject_segments, t.body_segments),
                "files": {
                    **{ext: links.template_file(scenario.id, t.id, ext) for ext in t.file_types},
                },
                "channels": [
                    {
                        "channel": v.channel,
                        "label": v.label,
                        "when": v.when,
                        "subject": v.subject,
                        "body": v.body,
                        "placeholders": _keys(v.subject_segments, v.body_segments),
                        "limit": {"unit": v.unit, "max": v.limit},
                        "file": links.variant_file(scenario.id, t.id, v.channel),
                    }
                    for v in t.variants
                ],
            }
            for t in scenario.templates
        ],
    }
