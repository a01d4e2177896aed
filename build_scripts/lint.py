"""Content lint: rules about how good a valid scenario is, each with a code an author can silence.

Validation (validate.py) decides whether a file can be built at all; the lint judges the
writing: subject lengths, body lengths, unused blanks, phrases to avoid, spelling, timelines
that run backwards, timings without sources. `followup check` runs both.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import itertools
import json
import os
import re
import tempfile
import types
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel

from .errors import KeyPath, ScenarioError, did_you_mean, format_key_path
from .load import RawScenario
from .project import WORD_LIST
from .schema import (
    CHANNEL_LIMITS,
    CHANNELS,
    INMAIL_SUBJECT_LIMIT,
    SHARED_AVOID_PHRASES,
    WEAK_SOURCE_KINDS,
    Prose,
    Scenario,
    Source,
    placeholder_keys,
    template_tokens,
)
from .sources import address_problem, host_of, page_key, publisher_key, unregistered
from .validate import SiteRules, text_position

if TYPE_CHECKING:
    from .nav import GuideEntry

PHONE_SUBJECT = 40
"""Characters of a subject line that phones show (about 30-40)."""

DESKTOP_SUBJECT = 60
"""Characters of a subject line that desktop mail clients show (about 50-70)."""

"""The project's own words for the spelling rule, one per line (relative to the project root)."""

Severity = Literal["warning", "error"]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str


NEAR_DUPLICATE = 0.7
"""Share of words two templates may have in common (in order) before FU110 calls them copies."""


RULES: tuple[Rule, ...] = (
    Rule("FU101", "subject-phone", "warning", f"subject longer than phones show ({PHONE_SUBJECT})"),
    Rule(
        "FU102",
        "subject-desktop",
        "error",
        f"subject longer than desktops show ({DESKTOP_SUBJECT})",
    ),
    Rule("FU103", "body-length", "warning", "body word count outside the scenario's body_words"),
    Rule("FU104", "placeholder-unused", "warning", "placeholder declared but never used"),
    Rule("FU105", "avoid-phrase", "warning", "a phrase from the avoid list"),
    Rule("FU106", "spelling", "warning", "word not in the dictionary or content/wordlist.txt"),
    Rule("FU107", "timeline-backwards", "warning", "a step comes before the step above it"),
    Rule("FU108", "timing-unsourced", "warning", "a timeline step without sources"),
    Rule("FU109", "todo-left", "error", "a TODO from the scaffold is still there"),
    Rule(
        "FU110",
        "near-duplicate",
        "warning",
        f"two templates of a scenario share most of their wording ({NEAR_DUPLICATE:.0%} or more)",
    ),
    Rule("FU111", "source-weak", "warning", "a timing backed by vendor or other blogs alone"),
    Rule("FU112", "source-address", "error", "a source on http:// or a staging or test host"),
    Rule(
        "FU113",
        "source-inconsistent",
        "warning",
        "one page under two titles, one publisher under two names, or one page written two ways",
    ),
    Rule(
        "FU114", "citation-unregistered", "warning", "a guide page links to an unregistered source"
    ),
    Rule(
        "FU115",
        "channel-length",
        "warning",
        "a channel variant longer than its channel allows (LinkedIn limits, text, voicemail)",
    ),
    Rule("FU116", "untranslated", "warning", "text an edition shows in the default language"),
)
RULES_BY_KEY = {key: rule for rule in RULES for key in (rule.code, rule.name)}

_UNIT_HOURS = {"hours": 1.0, "days": 24.0, "business_days": 24.0 * 7 / 5}
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['\u2019][A-Za-z]+)*")


@dataclass(frozen=True)
class Finding:
    """One lint finding: where, which rule, and what to do."""

    error: ScenarioError
    rule: Rule
    severity: Severity

    def __str__(self) -> str:
        e = self.error
        return (
            f"{e.where}: {e.key_path}: "
            f"{self.severity} {self.rule.code} {self.rule.name}: {e.message}"
        )


@dataclass(frozen=True)
class Language:
    """What the lint needs to know about the language a scenario is written in."""

    code: str = "en"
    """The dictionary's language (pyspellchecker ships en, de, es, fr, it, nl, pt, ru...)."""
    avoid: tuple[str, ...] = SHARED_AVOID_PHRASES
    """Phrases every template in the language avoids."""
    word_list: str = WORD_LIST.as_posix()
    """Where the language's own words are (for the spelling messages)."""


ENGLISH = Language()


class _Context:
    def __init__(self, scenario: Scenario, raw: RawScenario, language: Language = ENGLISH) -> None:
        self.scenario = scenario
        self.raw = raw
        self.language = language
        self.findings: list[Finding] = []
        self.ignored = {
            RULES_BY_KEY[key].code for key in scenario.lint.ignore if key in RULES_BY_KEY
        }

    def add(self, code: str, key_path: KeyPath, message: str, offset: int | None = None) -> None:
        rule = RULES_BY_KEY[code]
        if rule.code in self.ignored:
            return
        if offset is None:
            error = self.raw.error(key_path, message)
        else:
            pos = text_position(self.raw, key_path, offset)
            error = ScenarioError(
                self.raw.path, pos.line, pos.column, format_key_path(key_path), message
            )
        self.findings.append(Finding(error, rule, rule.severity))

    def text(self, key_path: KeyPath) -> str:
        value: object = self.raw.data
        for part in key_path:
            try:
                value = value[part]  # type: ignore[index]
            except (KeyError, IndexError, TypeError):
                return ""
        return value if isinstance(value, str) else ""


def _with_examples(text: str, scenario: Scenario) -> str:
    return "".join(
        scenario.placeholders[t.text].example if t.kind == "placeholder" else t.text
        for t in template_tokens(text)
    )


def _without_placeholders(text: str) -> str:
    """The text with every placeholder blanked out, each character where it was."""
    for token in template_tokens(text):
        if token.kind == "placeholder":
            text = text[: token.start] + " " * (token.end - token.start) + text[token.end :]
    return text


def _check_lint_settings(ctx: _Context) -> None:
    for i, key in enumerate(ctx.scenario.lint.ignore):
        if key not in RULES_BY_KEY:
            known = [k for r in RULES for k in (r.code, r.name)]
            ctx.findings.append(
                Finding(
                    ctx.raw.error(
                        ("lint", "ignore", i),
                        f"unknown lint rule '{key}'{did_you_mean(key, known)}",
                    ),
                    Rule("FU100", "lint-settings", "error", "unknown rule in lint.ignore"),
                    "error",
                )
            )


def _subjects(ctx: _Context) -> None:
    for i, template in enumerate(ctx.scenario.templates):
        if template.subject is None:
            continue  # a reply: the thread's subject
        length = len(" ".join(_with_examples(template.subject, ctx.scenario).split()))
        where = ("templates", i, "subject")
        if length > DESKTOP_SUBJECT:
            ctx.add(
                "FU102",
                where,
                f"subject is {length} characters with the example values; desktop mail shows "
                f"about {DESKTOP_SUBJECT}: shorten it",
            )
        elif length > PHONE_SUBJECT:
            ctx.add(
                "FU101",
                where,
                f"subject is {length} characters with the example values; phones show about "
                f"{PHONE_SUBJECT}: put the key words first or shorten it",
            )


def _bodies(ctx: _Context) -> None:
    low, high = ctx.scenario.body_words.min, ctx.scenario.body_words.max
    for i, template in enumerate(ctx.scenario.templates):
        words = len(_with_examples(template.body, ctx.scenario).split())
        if not low <= words <= high:
            ctx.add(
                "FU103",
                ("templates", i, "body"),
                f"body is {words} words with the example values; this scenario asks for "
                f"{low}-{high} (change body_words if the situation needs it)",
            )


def _channels(ctx: _Context) -> None:
    """Each channel variant within its channel's length once filled in with the examples:
    LinkedIn's limits for invitation notes and InMail, two text segments, a short voicemail."""
    for i, template in enumerate(ctx.scenario.templates):
        for j, variant in enumerate(template.channels):
            where = ("templates", i, "channels", j)
            unit, limit = CHANNEL_LIMITS[variant.channel]
            filled = " ".join(_with_examples(variant.body, ctx.scenario).split())
            size = len(filled) if unit == "characters" else len(filled.split())
            if size > limit:
                ctx.add(
                    "FU115",
                    (*where, "body"),
                    f"this {CHANNELS[variant.channel][0]} is {size} {unit} with the example "
                    f"values; keep it to {limit} {unit}",
                )
            if variant.subject is not None:
                length = len(" ".join(_with_examples(variant.subject, ctx.scenario).split()))
                if length > INMAIL_SUBJECT_LIMIT:
                    ctx.add(
                        "FU115",
                        (*where, "subject"),
                        f"InMail subject is {length} characters with the example values; "
                        f"LinkedIn allows {INMAIL_SUBJECT_LIMIT}",
                    )


def _near_duplicates(ctx: _Context) -> None:
    bodies = [template.body.lower().split() for template in ctx.scenario.templates]
    for i, j in itertools.combinations(range(len(bodies)), 2):
        matcher = difflib.SequenceMatcher(None, bodies[i], bodies[j], autojunk=False)
        if matcher.ratio() >= NEAR_DUPLICATE:
            ctx.add(
                "FU110",
                ("templates", j, "body"),
                f"reads much like template '{ctx.scenario.templates[i].id}' "
                f"({matcher.ratio():.0%} of the wording in common): make it say something "
                "different, or keep one",
            )


def _unused_placeholders(ctx: _Context) -> None:
    used = {
        key
        for template in ctx.scenario.templates
        for text in (
            template.subject or "",
            template.body,
            *(v.subject or "" for v in template.channels),
            *(v.body for v in template.channels),
        )
        for key in placeholder_keys(text)
    }
    for key in ctx.scenario.placeholders:
        if key not in used:
            ctx.add(
                "FU104",
                ("placeholders", key),
                f"placeholder '{key}' is declared but no template uses it; use it as {{{key}}} "
                "or remove it",
            )


def _avoid_phrases(ctx: _Context) -> None:
    phrases = dict.fromkeys(p.lower() for p in (*ctx.language.avoid, *ctx.scenario.avoid))
    paths = [
        ("templates", i, *channel, field)
        for i, template in enumerate(ctx.scenario.templates)
        for channel in [(), *(("channels", j) for j in range(len(template.channels)))]
        for field in ("subject", "body")
    ]
    for key_path in paths:
        lowered = ctx.text(key_path).lower()
        for phrase in phrases:
            for match in re.finditer(rf"\b{re.escape(phrase)}\b", lowered):
                ctx.add(
                    "FU105",
                    key_path,
                    f"'{phrase}' is on the avoid list: say what you want in plain words",
                    offset=match.start(),
                )


@cache
def _dictionary(language: str = "en") -> object:
    from spellchecker import SpellChecker

    return SpellChecker(language=language, distance=1)


def _is_prose(annotation: object) -> bool:
    """Whether a declared type is text marked as prose (`schema.PROSE` in its Annotated
    metadata), directly or as one arm of a union (`Line | None`)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *extras = get_args(annotation)
        return any(isinstance(extra, Prose) for extra in extras) or _is_prose(base)
    if origin in (Union, types.UnionType):
        return any(_is_prose(arm) for arm in get_args(annotation))
    return False


def _item_type(annotation: object, index: int | None) -> object:
    """The declared type of one item of a tuple or list (index) or of a dict value (None)."""
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is Annotated:
        return _item_type(args[0], index)
    if origin in (Union, types.UnionType):
        wanted = (tuple, list, Sequence) if index is not None else (dict, Mapping)
        arm = next((a for a in args if get_origin(a) in wanted), None)
        return _item_type(arm, index) if arm is not None else None
    if index is None:
        return args[1] if len(args) == 2 else None
    if len(args) == 2 and args[1] is Ellipsis:
        return args[0]
    if origin is tuple:
        return args[index] if index < len(args) else None
    return args[0] if args else None


def _prose_in(value: object, annotation: object, key_path: KeyPath) -> Iterator[KeyPath]:
    if isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            if name not in value.model_fields_set:
                continue  # a default: not written in the file, so nothing to point at
            declared = field.annotation
            if field.metadata:
                declared = Annotated[declared, *field.metadata]
            child = (*key_path, field.alias or name)
            yield from _prose_in(getattr(value, name), declared, child)
    elif isinstance(value, str):
        if _is_prose(annotation):
            yield key_path
    elif isinstance(value, tuple | list):
        for i, item in enumerate(value):
            yield from _prose_in(item, _item_type(annotation, i), (*key_path, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _prose_in(item, _item_type(annotation, None), (*key_path, key))


def prose_paths(scenario: BaseModel) -> list[KeyPath]:
    """The key path (as written in the file) of every prose string of a validated scenario.

    Prose is decided by the declared type, not the field's name: a field typed `Line` or
    `Text` (or a tuple, dict or optional of them, at any depth) is prose; ids, keys, urls,
    enums, numbers, names (`Name`) and the lint settings are not. A new prose field of the
    schema is therefore spell-checked without any change here."""
    return list(_prose_in(scenario, type(scenario), ()))


def _spelling(ctx: _Context, words: frozenset[str]) -> None:
    checker = _dictionary(ctx.language.code)
    for key_path in prose_paths(ctx.scenario):
        text = ctx.text(key_path)
        if re.search(r"\bTODO\b", text):  # still to write (FU109 says so), or to translate
            continue
        text = _without_placeholders(text)
        for match in _WORD.finditer(text):
            word = match.group(0).replace("\u2019", "'")
            lowered = word.lower()
            if lowered in words or lowered.removesuffix("'s") in words or len(word) < 3:
                continue
            if word.isupper():  # acronyms (CV, UK) and TODO, which FU109 reports
                continue
            if not checker.unknown([lowered.removesuffix("'s")]):
                continue
            guess = checker.correction(lowered)
            hint = f"; did you mean '{guess}'?" if guess and guess != lowered else ""
            ctx.add(
                "FU106",
                key_path,
                f"'{word}' is not in the dictionary{hint} "
                f"(add real words to {ctx.language.word_list})",
                offset=match.start(),
            )


def _timeline_order(ctx: _Context) -> None:
    planned: dict[str, tuple[str, float]] = {}
    previous: tuple[str, float] | None = None
    for i, step in enumerate(ctx.scenario.timeline):
        timing = step.timing
        amount = next(v for v in (timing.ideal, timing.earliest, timing.latest) if v is not None)
        hours = amount * _UNIT_HOURS[timing.unit]
        if step.from_ in planned:
            root, base = planned[step.from_]
            here = (root, base + hours)
        else:
            here = (step.from_, hours)
        if previous is not None and previous[0] == here[0] and here[1] < previous[1]:
            ctx.add(
                "FU107",
                ("timeline", i, "timing"),
                "this step comes earlier than the step above it; reorder the steps or check "
                "the timing",
            )
        planned[step.id] = here
        previous = here


def _sources(ctx: _Context) -> None:
    kinds = {source.id: source.kind for source in ctx.scenario.sources}
    for i, step in enumerate(ctx.scenario.timeline):
        if not step.sources and not step.ours:
            ctx.add(
                "FU108",
                ("timeline", i),
                "this step's timing has no source; cite one under sources, or write ours: true "
                "when the step is the project's own suggestion",
            )
        elif step.sources and all(kinds[s] in WEAK_SOURCE_KINDS for s in step.sources):
            ctx.add(
                "FU111",
                ("timeline", i, "sources"),
                "this step's timing rests on blogs alone ("
                + ", ".join(f"{s}: {kinds[s]}" for s in step.sources)
                + "); add a stronger source (a university or public careers service, a recruiter, "
                "a job board, a survey) or say in the text that it is one guide's advice",
            )
    for i, note in enumerate(ctx.scenario.regions):
        if (
            note.timing
            and note.sources
            and all(kinds[s] in WEAK_SOURCE_KINDS for s in note.sources)
        ):
            ctx.add(
                "FU111",
                ("regions", i, "sources"),
                "this region's timing rests on blogs alone; add a stronger source or say in "
                "the note that it is one guide's advice",
            )
    for i, source in enumerate(ctx.scenario.sources):
        problem = address_problem(str(source.url))
        if problem:
            ctx.add("FU112", ("sources", i, "url"), problem)


def _todos(ctx: _Context) -> None:
    def walk(value: object, key_path: KeyPath) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, (*key_path, key))
        elif isinstance(value, list):
            for i, child in enumerate(value):
                walk(child, (*key_path, i))
        elif isinstance(value, str):
            for match in re.finditer(r"\bTODO\b", value):
                ctx.add("FU109", key_path, "replace this TODO with your text", offset=match.start())

    walk(ctx.raw.data, ())


def load_word_list(path: Path) -> frozenset[str]:
    """The words of a word list file (or of the project folder's content/wordlist.txt)."""
    path = path / WORD_LIST if path.is_dir() else path
    if not path.is_file():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def _lint_one(
    scenario: Scenario, raw: RawScenario, words: frozenset[str], language: Language = ENGLISH
) -> list[Finding]:
    ctx = _Context(scenario, raw, language)
    _check_lint_settings(ctx)
    _subjects(ctx)
    _bodies(ctx)
    _channels(ctx)
    _near_duplicates(ctx)
    _unused_placeholders(ctx)
    _avoid_phrases(ctx)
    _spelling(ctx, words)
    _timeline_order(ctx)
    _sources(ctx)
    _todos(ctx)
    return ctx.findings


LINT_FORMAT = 1
"""The layout of a cache entry and of the findings in it: raise it when either changes."""

_CODE = ("lint.py", "schema.py", "validate.py", "load.py", "errors.py")
"""The modules whose code decides a scenario's findings (rules, prose types, positions, how
messages are shown): a change to any of them is a change of every cache key."""


@cache
def _code_digest() -> str | None:
    """A digest of the lint's code and of the dictionary's version; None when the code cannot
    be read (then nothing is cached, rather than keyed on too little)."""
    digest = hashlib.sha256(f"lint format {LINT_FORMAT}\0".encode())
    here = Path(__file__).parent
    try:
        for name in _CODE:
            digest.update(b"%s\0%s\0" % (name.encode(), (here / name).read_bytes()))
    except OSError:
        return None
    # The dictionary ships with pyspellchecker: a new version may know other words.
    with contextlib.suppress(metadata.PackageNotFoundError):
        digest.update(metadata.version("pyspellchecker").encode())
    return digest.hexdigest()


def _cache_key(
    scenario: Scenario, raw: RawScenario, words: frozenset[str], language: Language = ENGLISH
) -> str | None:
    """sha256 over everything a scenario's findings depend on, or None when it cannot be
    cached (no code digest, or a RawScenario that was not read from a file's text)."""
    code = _code_digest()
    if code is None or not raw.text:
        return None
    model = type(scenario)
    parts = [
        code,
        raw.path,
        raw.text,
        sorted(words),
        [language.code, list(language.avoid), language.word_list],
        # The file's text decides the model, but a caller may validate with another model.
        f"{model.__module__}.{model.__qualname__}",
        scenario.model_dump_json(by_alias=True),
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _entry_file(cache_dir: Path, path: str) -> Path:
    """One entry per scenario file, overwritten when its key changes, so the cache does not
    grow with every edit under `mkdocs serve`."""
    name = hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return cache_dir / f"lint-{name}.json"


def _finding_to_json(finding: Finding) -> dict[str, object]:
    e, r = finding.error, finding.rule
    return {
        "path": e.path,
        "line": e.line,
        "column": e.column,
        "key_path": e.key_path,
        "message": e.message,
        "rule": {"code": r.code, "name": r.name, "severity": r.severity, "summary": r.summary},
        "severity": finding.severity,
    }


_T = TypeVar("_T")


def _typed(mapping: dict, name: str, kind: type[_T]) -> _T:
    value = mapping.get(name)
    if type(value) is not kind:  # exactly: a bool is an int, but not a line number
        raise ValueError(f"{name}: expected {kind.__name__}, got {type(value).__name__}")
    return value


def _severity(mapping: dict) -> Severity:
    value = _typed(mapping, "severity", str)
    if value == "warning" or value == "error":
        return value
    raise ValueError(f"severity: {value!r}")


def _finding_from_json(item: object) -> Finding:
    """The Finding that _finding_to_json wrote; ValueError for anything else."""
    if not isinstance(item, dict) or not isinstance(item.get("rule"), dict):
        raise ValueError("a finding is a mapping with a rule")
    rule = item["rule"]
    error = ScenarioError(
        _typed(item, "path", str),
        _typed(item, "line", int),
        _typed(item, "column", int),
        _typed(item, "key_path", str),
        _typed(item, "message", str),
    )
    return Finding(
        error,
        Rule(
            _typed(rule, "code", str),
            _typed(rule, "name", str),
            _severity(rule),
            _typed(rule, "summary", str),
        ),
        _severity(item),
    )


def _cached(file: Path, key: str) -> list[Finding] | None:
    """The findings stored under key, or None when there are none to trust (no entry, another
    key, an unreadable or corrupt file): a cache problem is a miss, never a failure."""
    try:
        entry = json.loads(file.read_bytes())
        if not isinstance(entry, dict) or entry.get("format") != LINT_FORMAT:
            return None
        if entry.get("key") != key or not isinstance(entry.get("findings"), list):
            return None
        return [_finding_from_json(item) for item in entry["findings"]]
    except (OSError, ValueError, RecursionError):
        return None


def _store(file: Path, key: str, findings: list[Finding]) -> None:
    """Keep the findings under key, atomically (a reader sees the old entry or the new one);
    a cache that cannot be written is no cache, not an error."""
    entry = {
        "format": LINT_FORMAT,
        "key": key,
        "findings": [_finding_to_json(f) for f in findings],
    }
    data = json.dumps(entry, indent=1).encode()
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=file.parent, prefix=".lint-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temp, file)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    except OSError:
        pass


def lint(
    scenarios: Iterable[tuple[Scenario, RawScenario]],
    words: frozenset[str] = frozenset(),
    cache_dir: Path | None = None,
    language: Language = ENGLISH,
) -> list[Finding]:
    """Every finding for every scenario, in file and position order.

    With `cache_dir`, each scenario's findings are kept there under a sha256 of everything
    they depend on (the file's path and text, the word list, the lint's code and the
    dictionary's version), and a scenario whose key is found is not linted again: a rebuild
    that changed nothing never loads the dictionary. The findings are the same either way."""
    findings: list[Finding] = []
    for scenario, raw in scenarios:
        if cache_dir is None or (key := _cache_key(scenario, raw, words, language)) is None:
            findings.extend(_lint_one(scenario, raw, words, language))
            continue
        entry = _entry_file(cache_dir, raw.path)
        found = _cached(entry, key)
        if found is None:
            found = _lint_one(scenario, raw, words, language)
            _store(entry, key, found)
        findings.extend(found)
    return sorted(findings, key=lambda f: f.error)


def lint_translations(
    translations: Sequence[tuple[RawScenario, RawScenario]],
    untranslated: Collection[str],
    scenarios: Sequence[tuple[Scenario, RawScenario]],
    translations_dir: str,
    rules: SiteRules,
) -> list[Finding]:
    """FU116: what an edition other than the default one shows in the default language: each
    scenario it has no translation of (at the scenario file's id), and each text a translation
    leaves out (at the translation's nearest key)."""
    from .translations import overlay
    from .translations import untranslated as left_out
    from .validate import validate_one

    rule = RULES_BY_KEY["FU116"]
    findings = []
    for scenario, raw in scenarios:
        if scenario.id in untranslated:
            where = f"{translations_dir}/{scenario.id}.yml"
            message = f"no translation ({where}): this edition shows the scenario untranslated"
            findings.append(Finding(raw.error(("id",), message), rule, rule.severity))
    for base, translation in translations:
        scenario, problems = validate_one(base, rules)
        if scenario is None or problems:
            continue  # the default edition reports them
        merged = overlay(base, translation)
        for key_path in left_out(base, translation, scenario):
            message = "not translated: this text is still the default edition's"
            findings.append(Finding(merged.error(key_path, message), rule, rule.severity))
    return sorted(findings, key=lambda f: f.error)


def lint_sources(
    scenarios: Iterable[tuple[Scenario, RawScenario]],
    registry: Sequence[Source],
    registry_raw: RawScenario | None,
    guide: Sequence[GuideEntry],
    docs_dir: str,
    registry_file: str = "content/sources.yml",
) -> list[Finding]:
    """The rules that look at every source of the project at once: the same page under two
    titles or two publishers or two spellings of its address (FU113), one publisher under two
    names (FU113), the registry's addresses (FU112), and guide links to pages that are not
    registered sources (FU114). Each finding points at the later mention and names the first."""
    mentions: list[tuple[Source, RawScenario, KeyPath, frozenset[str]]] = []
    for scenario, raw in scenarios:
        ignored = frozenset(
            RULES_BY_KEY[key].code for key in scenario.lint.ignore if key in RULES_BY_KEY
        )
        mentions += [(s, raw, ("sources", i), ignored) for i, s in enumerate(scenario.sources)]
    if registry_raw is not None:
        mentions += [(s, registry_raw, ("sources", i), frozenset()) for i, s in enumerate(registry)]
    findings: list[Finding] = []

    def add(code: str, raw: RawScenario, where: KeyPath, ignored: frozenset, message: str) -> None:
        rule = RULES_BY_KEY[code]
        if rule.code not in ignored:
            findings.append(Finding(raw.error(where, message), rule, rule.severity))

    def at(raw: RawScenario, where: KeyPath) -> str:
        return f"{raw.path}:{raw.error(where, '').line}"

    pages: dict[str, tuple[Source, RawScenario, KeyPath]] = {}
    publishers: dict[str, tuple[str, RawScenario, KeyPath]] = {}
    hosts: dict[str, tuple[str, RawScenario, KeyPath]] = {}
    for source, raw, where, ignored in mentions:
        url = str(source.url)
        if raw is registry_raw and (problem := address_problem(url)):
            add("FU112", raw, (*where, "url"), ignored, problem)
        key = page_key(url)
        named = False  # whether this mention's publisher was already reported
        if key in pages:
            first, first_raw, first_where = pages[key]
            for field in ("title", "publisher", "kind"):
                ours, theirs = getattr(source, field), getattr(first, field)
                if ours != theirs and ours is not None and theirs is not None:
                    named = named or field == "publisher"
                    add(
                        "FU113",
                        raw,
                        (*where, field),
                        ignored,
                        f"this page's {field} is '{theirs}' at {at(first_raw, first_where)}: "
                        f"give one page one {field} everywhere",
                    )
            if url != str(first.url):
                add(
                    "FU113",
                    raw,
                    (*where, "url"),
                    ignored,
                    f"the same page is written '{first.url}' at {at(first_raw, first_where)}: "
                    "spell its address one way",
                )
        else:
            pages[key] = (source, raw, where)
        name_key = publisher_key(source.publisher)
        seen = publishers.setdefault(name_key, (source.publisher, raw, where))
        if seen[0] != source.publisher and not named:
            named = True
            add(
                "FU113",
                raw,
                (*where, "publisher"),
                ignored,
                f"publisher '{source.publisher}' is spelled '{seen[0]}' at {at(seen[1], seen[2])}: "
                "spell one publisher one way",
            )
        host = host_of(url)
        first_on_host = hosts.setdefault(host, (source.publisher, raw, where))
        if first_on_host[0] != source.publisher and not named:
            add(
                "FU113",
                raw,
                (*where, "publisher"),
                ignored,
                f"{host} is published by '{first_on_host[0]}' at "
                f"{at(first_on_host[1], first_on_host[2])}: one site, one publisher name",
            )
    for page in guide:
        if page.kind != "page" or not page.src_uri:
            continue
        path = f"{docs_dir}/{page.src_uri}"
        for error in unregistered(page.markdown, path, pages, registry_file):
            findings.append(Finding(error, RULES_BY_KEY["FU114"], RULES_BY_KEY["FU114"].severity))
    return sorted(findings, key=lambda f: f.error)


def strictly(findings: Sequence[Finding]) -> list[Finding]:
    """The same findings with every warning raised to an error (`--strict`)."""
    return [Finding(f.error, f.rule, "error") for f in findings]
