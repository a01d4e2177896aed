"""Step 2: raw data -> typed Scenario objects, collecting every problem of every file."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from . import characters, links
from .errors import KeyPath, ScenarioError, did_you_mean, format_key_path
from .load import Position, RawScenario, Span
from .schema import ANCHOR_LABELS, Scenario, template_tokens

ENGINE_OUTPUTS = {
    "404": "404.html, MkDocs' page for missing addresses",
    "sitemap": "sitemap.xml, written by MkDocs",
    "search": "search/, the search index of the search plugin",
    "assets": "assets/, the theme's scripts, styles and images",
}
"""What MkDocs and Material write at the top of every site besides our pages (their own
outputs, which no function of ours can list)."""


@dataclass(frozen=True)
class SiteRules:
    """What validation needs to know about the project around the scenario files."""

    reserved_ids: dict[str, str] | None = None
    """Names the site already uses for its own pages and folders, with what uses them."""
    drawable: frozenset[int] | None = None
    """The code points the PDF fonts can draw; None skips the check (tests of other rules)."""
    fonts_dir: str = characters.FONTS_DIR.as_posix()


def site_names(docs_dir: Path) -> dict[str, str]:
    """Every name the built site uses at its top level and in `scenarios/`, where scenario
    pages go: the pages we generate, the downloads, the hand-written pages and folders of
    the docs folder, and what MkDocs and the theme write themselves."""
    folder = links.SCENARIOS_FOLDER
    names = dict(ENGINE_OUTPUTS)
    paths = list(links.GENERATED)
    if docs_dir.is_dir():
        for entry in docs_dir.iterdir():
            if not entry.name.startswith((".", "_")):
                paths.append(entry.name + ("/" if entry.is_dir() else ""))
        inside = docs_dir / folder
        if inside.is_dir():
            paths += [
                f"{folder}/{e.name}"
                for e in inside.iterdir()
                if e.suffix not in (".yml", ".yaml") and not e.name.startswith((".", "_"))
            ]
    # A name inside the scenarios' own folder is the sharper clash: list those first.
    for path in sorted(paths, key=lambda p: (not p.startswith(f"{folder}/"), p)):
        first, _, rest = path.partition("/")
        if first == folder and rest:
            names.setdefault(rest.split("/")[0].split(".")[0], path)
        names.setdefault(first.split(".")[0], path)
    return names


def project_rules(root: Path) -> SiteRules:
    """The rules for the scenarios of the project at `root`."""
    fonts = root / characters.FONTS_DIR
    return SiteRules(
        reserved_ids=site_names(root / "content"),
        # Without fonts of its own the PDF uses the system's, which differ from machine to
        # machine: then nothing can be promised, and nothing is refused.
        drawable=characters.drawable(fonts) if characters.font_files(fonts) else None,
        fonts_dir=characters.FONTS_DIR.as_posix(),
    )


def _describe(value: object) -> str:
    """How a wrong value reads in a message: "text 'x'", "the number 3", "a list"."""
    if isinstance(value, bool):
        return f"the true/false value {str(value).lower()}"
    if value is None:
        return "an empty value"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return "text '{}'".format(value[:60].replace("\n", "\\n"))
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _fields_of(model: type, loc: Sequence[str | int]) -> list[str]:
    """Names (as written in YAML) of the keys allowed at the mapping that holds `loc[-1]`."""
    from pydantic import BaseModel

    current: object = model
    for part in loc[:-1]:
        if isinstance(part, int) or not (
            isinstance(current, type) and issubclass(current, BaseModel)
        ):
            if isinstance(part, int):
                continue
            return []
        field = next(
            (f for name, f in current.model_fields.items() if (f.alias or name) == part), None
        )
        if field is None:
            return []
        current = _inner_model(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items()]
    return []


def _inner_model(annotation: object) -> object:
    from typing import get_args

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _message(error: dict, raw: RawScenario) -> tuple[KeyPath, str, bool]:
    """(key path, message, point at the key rather than the value) for one pydantic error."""
    loc: KeyPath = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    if loc and loc[-1] == "[key]":
        loc = loc[:-1]
        return (
            loc,
            f"placeholder name '{loc[-1]}' must be lowercase letters, digits and _, "
            "starting with a letter (like interviewer_name)",
            True,
        )
    if kind == "missing":
        return loc, "required key is missing", True
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _fields_of(Scenario, loc)
        hint = did_you_mean(key, allowed)
        listing = f" (allowed here: {', '.join(allowed)})" if allowed and not hint else ""
        return loc, f"unknown key '{key}'{hint}{listing}", True
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        hint = did_you_mean(
            str(value), [s.strip(" '") for s in expected.replace(" or ", ",").split(",")]
        )
        return loc, f"expected one of {expected}, got {_describe(value)}{hint}", False
    if kind == "string_pattern_mismatch":
        return (
            loc,
            f"expected an id of lowercase letters, digits and single hyphens "
            f"(like 'post-interview'), got {_describe(value)}",
            False,
        )
    if kind == "string_type":
        hint = ""
        if isinstance(value, bool):
            hint = " (YAML reads yes/no/on/off/true/false as true/false; put the text in quotes)"
        elif isinstance(value, (int, float)):
            hint = " (put it in quotes to make it text)"
        return loc, f"expected text, got {_describe(value)}{hint}", False
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return loc, f"expected a mapping of keys (key: value), got {_describe(value)}", False
    if kind in ("list_type", "tuple_type"):
        return loc, f"expected a list (lines starting with '- '), got {_describe(value)}", False
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return loc, f"expected a whole number, got {_describe(value)}", False
    if kind == "string_too_short":
        return loc, "must not be empty", False
    if kind == "too_short":
        minimum = error.get("ctx", {}).get("min_length", 1)
        return loc, f"needs at least {minimum} item{'s' if minimum != 1 else ''}", False
    msg = str(error["msg"]).removeprefix("Value error, ")
    if kind.startswith(
        ("url_", "greater_", "less_", "string_too_long", "too_long")
    ) and not isinstance(value, (dict, list)):
        msg = f"{msg}, got {_describe(value)}"
    return loc, msg[0].lower() + msg[1:] if msg else msg, False


def text_position(raw: RawScenario, key_path: KeyPath, offset: int) -> Position:
    """Where character `offset` of the string at `key_path` is, as exactly as its style allows."""
    info = raw.scalars.get(key_path)
    value = raw.data
    for part in key_path:
        value = value[part]  # type: ignore[index]
    if info is None or not isinstance(value, str):
        return raw.position(key_path)
    before = value[:offset]
    if info.style == "|":
        line = info.start.line + 1 + before.count("\n")
        column = info.indent + (offset - (before.rfind("\n") + 1)) + 1
        return Position(line, column)
    if "\n" not in value and info.style is None:
        return Position(info.start.line, info.start.column + offset)
    if info.style in ("'", '"'):
        span = next((s for s in raw.spans if s.key_path == key_path and not s.is_key), None)
        source = raw.text[span.start : span.end] if span else "\n"
        if "\n" not in source:  # on one line: count the escapes before the character
            index = 1
            for _ in range(min(offset, len(value))):
                if info.style == "'" and source.startswith("''", index):
                    index += 2
                elif info.style == '"' and source.startswith("\\", index):
                    escape = _ESCAPE.match(source, index)
                    index = escape.end() if escape else index + 2
                else:
                    index += 1
            return Position(info.start.line, info.start.column + index)
    return info.start


def _items(data: object, key: str) -> list[tuple[int, dict]]:
    """(index, mapping) of the list under `key`, skipping what is not a mapping."""
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _text(item: dict, key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) else None


def _unknown_sources(
    raw: RawScenario, where: KeyPath, item: dict, source_ids: list[str]
) -> Iterable[ScenarioError]:
    """A `sources` list (of a step or a regional note) that names no entry under `sources`."""
    sources = item.get("sources")
    for j, source in enumerate(sources if isinstance(sources, list) else []):
        if isinstance(source, str) and source not in source_ids:
            yield raw.error(
                (*where, "sources", j),
                f"no source with id '{source}' under sources{did_you_mean(source, source_ids)}",
            )


def _semantic_errors(raw: RawScenario) -> Iterable[ScenarioError]:
    """Checks that need more than one field: references inside the scenario.

    They read the raw data, defensively, so that they also run when the schema rejected
    something else in the file: the author sees every problem in one run."""
    data = raw.data
    for field in ("timeline", "templates", "sources"):
        seen: set[str] = set()
        for i, item in _items(data, field):
            item_id = _text(item, "id")
            if item_id is not None and item_id in seen:
                yield raw.error((field, i, "id"), f"duplicate id '{item_id}' in {field}")
            if item_id is not None:
                seen.add(item_id)

    steps = _items(data, "timeline")
    template_ids = [t for _, item in _items(data, "templates") if (t := _text(item, "id"))]
    source_ids = [s for _, item in _items(data, "sources") if (s := _text(item, "id"))]
    earlier_steps: list[str] = []
    for i, step in steps:
        origin = _text(step, "from")
        if origin is not None and origin not in ANCHOR_LABELS and origin not in earlier_steps:
            hint = did_you_mean(origin, [*ANCHOR_LABELS, *earlier_steps])
            later = any(_text(other, "id") == origin for j, other in steps if j >= i)
            reason = (
                f"step '{origin}' comes later; a step can only follow an earlier one"
                if later
                else f"'{origin}' is neither an anchor ({', '.join(ANCHOR_LABELS)}) "
                f"nor an earlier step{hint}"
            )
            yield raw.error(("timeline", i, "from"), reason)
        if (step_id := _text(step, "id")) is not None:
            earlier_steps.append(step_id)
        template = _text(step, "template")
        if template is not None and template not in template_ids:
            yield raw.error(
                ("timeline", i, "template"),
                f"no template with id '{template}'{did_you_mean(template, template_ids)}",
            )
        yield from _unknown_sources(raw, ("timeline", i), step, source_ids)

    seen_regions: set[str] = set()
    for i, note in _items(data, "regions"):
        region = _text(note, "region")
        if region is not None and region in seen_regions:
            yield raw.error(("regions", i, "region"), f"region '{region}' is listed twice")
        if region is not None:
            seen_regions.add(region)
        yield from _unknown_sources(raw, ("regions", i), note, source_ids)

    placeholders = data.get("placeholders") if isinstance(data, dict) else None
    declared = list(placeholders) if isinstance(placeholders, dict) else []
    for i, template in _items(data, "templates"):
        for field in ("subject", "body"):
            yield from _template_text_errors(raw, ("templates", i, field), declared)
        for j, _ in _items(template, "channels"):
            for field in ("subject", "body"):
                yield from _template_text_errors(
                    raw, ("templates", i, "channels", j, field), declared
                )


def _template_text_errors(
    raw: RawScenario, key_path: KeyPath, declared: list[str]
) -> Iterator[ScenarioError]:
    """Every brace of a subject or body is a declared `{key}`, or an escape (`{{`, `}}`)."""
    value: object = raw.data
    for part in key_path:
        value = value.get(part) if isinstance(value, dict) else value[part]  # type: ignore[index]
    if not isinstance(value, str):
        return
    for token in template_tokens(value):
        if token.kind == "text":
            continue
        pos = text_position(raw, key_path, token.start)
        if token.kind == "placeholder":
            if token.text in declared:
                continue
            message = (
                f"placeholder '{{{token.text}}}' is not declared under placeholders"
                f"{did_you_mean(token.text, declared)}"
            )
        elif len(token.text) == 1:
            message = (
                f"a single '{token.text}' is not allowed: braces are only for placeholders "
                f"like {{name}}; write {token.text * 2} for a literal '{token.text}'"
            )
        else:
            message = (
                f"'{token.text}' is not a placeholder: a placeholder is {{key}}, a key declared "
                "under placeholders (lowercase letters, digits and _) with nothing else between "
                "the braces; write {{ and }} for literal braces"
                f"{_placeholder_hint(token.text, declared)}"
            )
        yield ScenarioError(raw.path, pos.line, pos.column, format_key_path(key_path), message)


def _placeholder_hint(expression: str, declared: list[str]) -> str:
    """`{Company name}` -> "; did you mean '{company_name}'?" when such a key is declared."""
    guess = re.sub(r"[^a-z0-9]+", "_", expression.strip("{}").strip().lower()).strip("_")
    if guess in declared:
        return f"; did you mean '{{{guess}}}'?"
    match = did_you_mean(guess, declared) if guess else ""
    return match.replace("'", "'{", 1).replace("'?", "}'?") if match else ""


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer("\n", text))]


def _offset_position(starts: list[int], offset: int) -> Position:
    line = bisect.bisect_right(starts, offset) - 1
    return Position(line + 1, offset - starts[line] + 1)


_ESCAPE = re.compile(r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.S)
_SHORT_ESCAPES = {"N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029", "0": "\x00"}


def _escaped_chars(raw: RawScenario, span: Span) -> Iterator[tuple[int, str]]:
    """(offset, character) of every backslash escape of a double-quoted scalar."""
    if span.style != '"':
        return
    for match in _ESCAPE.finditer(raw.text, span.start, span.end):
        code = match.group(0)[1:]
        if code[0] in "xuU" and len(code) > 1:
            yield match.start(), chr(int(code[1:], 16))
        elif code in _SHORT_ESCAPES:
            yield match.start(), _SHORT_ESCAPES[code]
        elif code in "abtnvfre":
            yield (
                match.start(),
                {"a": "\a", "b": "\b", "v": "\v", "f": "\f", "e": "\x1b"}.get(code, "\t"),
            )


def _span_at(spans: list[Span], starts: list[int], offset: int) -> Span | None:
    index = bisect.bisect_right(starts, offset) - 1
    if index >= 0 and spans[index].start <= offset < spans[index].end:
        return spans[index]
    return None


def _character_errors(raw: RawScenario, rules: SiteRules) -> Iterator[ScenarioError]:
    """Invisible formatting anywhere in the file (comments included), and characters that no
    PDF font can draw in any text value, each at its exact line and column."""
    text = raw.text
    lines = _line_starts(text)
    spans = sorted(raw.spans, key=lambda s: s.start)
    span_starts = [s.start for s in spans]

    def error(offset: int, span: Span | None, message: str) -> ScenarioError:
        pos = _offset_position(lines, offset)
        where = format_key_path(span.key_path) if span else "(file)"
        if span is not None and span.is_key:
            message = f"in the key: {message}"
        elif span is None:
            message = f"outside any value (a comment?): {message}"
        return ScenarioError(raw.path, pos.line, pos.column, where, message)

    def invisible(offset: int, char: str, literal: bool) -> str | None:
        kind = characters.invisible_kind(char)
        if kind is None:
            return None
        if (
            literal
            and characters.is_joiner(char)
            and characters.joiner_is_spelling(
                text[offset - 1 : offset], text[offset + 1 : offset + 2]
            )
        ):
            return None
        return (
            f"{characters.describe(char)} is {kind}; text must show what it holds: remove it "
            "(see SECURITY.md)"
        )

    # Distinct characters first: most files hold only a few dozen, and none of the suspects.
    distinct = set(text)
    escapes = [
        (offset, char, span)
        for span in spans
        if span.style == '"' and "\\" in text[span.start : span.end]
        for offset, char in _escaped_chars(raw, span)
    ]
    found: set[int] = set()
    suspects = {c for c in distinct if not " " <= c <= "~" and characters.invisible_kind(c)}
    if suspects:
        for match in re.finditer(f"[{re.escape(''.join(sorted(suspects)))}]", text):
            message = invisible(match.start(), match.group(0), literal=True)
            if message:
                found.add(match.start())
                yield error(match.start(), _span_at(spans, span_starts, match.start()), message)
    for offset, char, span in escapes:
        message = invisible(offset, char, literal=False)
        if message:
            found.add(offset)
            yield error(offset, span, message)

    if rules.drawable is None:
        return
    drawable = rules.drawable
    undrawable = {c for c in distinct if ord(c) not in drawable and c not in "\n\r\t"}
    pattern = re.compile(f"[{re.escape(''.join(sorted(undrawable)))}]") if undrawable else None
    for span in spans:
        if span.is_key or not span.is_text:
            continue
        missing = [(offset, char) for offset, char, where in escapes if where is span] + (
            [(m.start(), m.group(0)) for m in pattern.finditer(text, span.start, span.end)]
            if pattern is not None
            else []
        )
        missing = [
            (offset, char)
            for offset, char in missing
            if ord(char) not in drawable and char not in "\n\r\t" and offset not in found
        ]
        if not missing:
            continue
        missing.sort()
        offset, char = missing[0]
        others = len({c for _, c in missing}) - 1
        more = (
            f" (and {others} more such character{'s' if others != 1 else ''} in this text)"
            if others
            else ""
        )
        if characters.is_emoji(char):
            message = (
                f"{characters.describe(char)} is an emoji{more}; no font in {rules.fonts_dir}/ "
                "can draw it, so the PDF could not show it: write it in words"
            )
        else:
            message = (
                f"{characters.describe(char)}{more}: no font in {rules.fonts_dir}/ can draw "
                "it, so the PDF could not show it; remove it, or add a font that has it to "
                f"{rules.fonts_dir}/ (with an @font-face rule in templates/pdf/print.css)"
            )
        yield error(offset, span, message)


def character_errors(raw: RawScenario, rules: SiteRules) -> Iterator[ScenarioError]:
    """Invisible characters, and characters the PDF fonts cannot draw, in any YAML input."""
    return _character_errors(raw, rules)


def _id_errors(raw: RawScenario, rules: SiteRules) -> Iterator[ScenarioError]:
    """A scenario id that is already the name of one of the site's own pages or folders."""
    scenario_id = raw.data.get("id") if isinstance(raw.data, dict) else None
    if rules.reserved_ids and isinstance(scenario_id, str) and scenario_id in rules.reserved_ids:
        yield raw.error(
            ("id",),
            f"id '{scenario_id}' is taken by the site itself ({rules.reserved_ids[scenario_id]}); "
            "choose another id",
        )


def _useful_errors(errors: list[dict]) -> list[dict]:
    """Drop errors that only repeat another one: a list "too short" because its only item is
    invalid, and a missing key that a misspelt unknown key was meant to be."""
    locs = [tuple(e["loc"]) for e in errors]
    misspelt = set()
    for e in errors:
        if e["type"] == "extra_forbidden":
            loc = tuple(e["loc"])
            allowed = _fields_of(Scenario, loc)
            hint = did_you_mean(str(loc[-1]), allowed)
            if hint:
                misspelt.add((*loc[:-1], hint.split("'")[1]))
    useful = []
    for e, loc in zip(errors, locs, strict=True):
        if e["type"] == "too_short" and any(
            o[: len(loc)] == loc and len(o) > len(loc) for o in locs
        ):
            continue
        if e["type"] == "missing" and loc in misspelt:
            continue
        useful.append(e)
    return useful


def validate_one(
    raw: RawScenario, rules: SiteRules = SiteRules()
) -> tuple[Scenario | None, list[ScenarioError]]:
    """Validate one file. Returns the scenario (if the schema accepted it) and its problems."""
    semantic = [*_semantic_errors(raw), *_character_errors(raw, rules), *_id_errors(raw, rules)]
    try:
        scenario = Scenario.model_validate(raw.data)
    except ValidationError as exc:
        schema = [
            raw.error(*_message(e, raw)) for e in _useful_errors(exc.errors(include_url=False))
        ]
        return None, schema + semantic
    return scenario, semantic


def validate(
    raws: Sequence[RawScenario], rules: SiteRules = SiteRules()
) -> tuple[list[tuple[Scenario, RawScenario]], list[ScenarioError]]:
    """Validate every file and the links between files (unique ids, `related`).

    Ids are unique within a layer; a scenario of a higher layer (the forker's local folder)
    replaces the one of a lower layer (the built-in scenarios) with the same id."""
    valid: list[tuple[Scenario, RawScenario]] = []
    errors: list[ScenarioError] = []
    for raw in raws:
        scenario, problems = validate_one(raw, rules)
        errors.extend(problems)
        if scenario is not None and not problems:
            valid.append((scenario, raw))

    first_file: dict[tuple[str, int], str] = {}
    top_layer: dict[str, int] = {}
    for scenario, raw in valid:
        first_file.setdefault((scenario.id, raw.layer), raw.path)
        top_layer[scenario.id] = max(top_layer.get(scenario.id, raw.layer), raw.layer)
    ids = list(top_layer)
    # A scenario that exists but has problems of its own is still a valid target for `related`:
    # its own errors are reported, and the link is left out until it is fixed.
    existing = set(ids) | {
        raw.data["id"]
        for raw in raws
        if isinstance(raw.data, dict) and isinstance(raw.data.get("id"), str)
    }
    accepted: list[tuple[Scenario, RawScenario]] = []
    for scenario, raw in valid:
        problems = []
        first = first_file[(scenario.id, raw.layer)]
        if first != raw.path:
            problems.append(
                raw.error(
                    ("id",), f"id '{scenario.id}' is already used by {first}; ids must be unique"
                )
            )
        for i, other in enumerate(scenario.related):
            if other == scenario.id:
                problems.append(raw.error(("related", i), "a scenario cannot be related to itself"))
            elif other not in existing:
                problems.append(
                    raw.error(
                        ("related", i),
                        f"no scenario with id '{other}'{did_you_mean(other, ids)}",
                    )
                )
        errors.extend(problems)
        if not problems and raw.layer == top_layer[scenario.id]:
            accepted.append((scenario, raw))
    return accepted, errors
