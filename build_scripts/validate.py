"""Step 2: raw data -> typed Scenario objects, collecting every problem of every file."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import ValidationError

from .errors import KeyPath, ScenarioError, did_you_mean
from .load import Position, RawScenario
from .schema import ANCHOR_LABELS, PLACEHOLDER_RE, Scenario


def _describe(value: object) -> str:
    """How a wrong value reads in a message: "text 'x'", "the number 3", "a list"."""
    if isinstance(value, bool):
        return f"the true/false value {str(value).lower()}"
    if value is None:
        return "an empty value"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"text {value[:60]!r}"
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
    if "\n" not in value and info.style in ("'", '"') and "\\" not in value and "'" not in value:
        return Position(info.start.line, info.start.column + 1 + offset)
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
            text = _text(template, field)
            for match in PLACEHOLDER_RE.finditer(text or ""):
                key = match.group(1)
                if key in declared:
                    continue
                pos = text_position(raw, ("templates", i, field), match.start())
                yield ScenarioError(
                    raw.path,
                    pos.line,
                    pos.column,
                    f"templates[{i}].{field}",
                    f"placeholder '{{{key}}}' is not declared under placeholders"
                    f"{did_you_mean(key, declared)}",
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


def validate_one(raw: RawScenario) -> tuple[Scenario | None, list[ScenarioError]]:
    """Validate one file. Returns the scenario (if the schema accepted it) and its problems."""
    semantic = list(_semantic_errors(raw))
    try:
        scenario = Scenario.model_validate(raw.data)
    except ValidationError as exc:
        schema = [
            raw.error(*_message(e, raw)) for e in _useful_errors(exc.errors(include_url=False))
        ]
        return None, schema + semantic
    return scenario, semantic


def validate(
    raws: Sequence[RawScenario],
) -> tuple[list[tuple[Scenario, RawScenario]], list[ScenarioError]]:
    """Validate every file and the links between files (unique ids, `related`).

    Ids are unique within a layer; a scenario of a higher layer (the forker's local folder)
    replaces the one of a lower layer (the built-in scenarios) with the same id."""
    valid: list[tuple[Scenario, RawScenario]] = []
    errors: list[ScenarioError] = []
    for raw in raws:
        scenario, problems = validate_one(raw)
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
