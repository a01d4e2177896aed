"""The scenario file reference, read from the schema itself so the authoring page stays true."""

from __future__ import annotations

from dataclasses import dataclass

from .schema import ANCHOR_LABELS, CATEGORY_TITLES, SLUG_PATTERN, json_schema

ORDER = [
    "Scenario",
    "Step",
    "Timing",
    "Placeholder",
    "Template",
    "Tips",
    "RegionalNote",
    "Source",
    "WordRange",
    "LintSettings",
]
"""Sections of the reference, top-down as a file reads."""

PLACES = {
    "Scenario": "the top level of the file",
    "Step": "each item of `timeline`",
    "Timing": "`timeline[].timing`",
    "Placeholder": "each entry of `placeholders` (the key is the name used as `{key}`)",
    "Template": "each item of `templates`",
    "Tips": "`tips`",
    "RegionalNote": "each item of `regions`",
    "Source": "each item of `sources`",
    "WordRange": "`body_words`",
    "LintSettings": "`lint`",
}


@dataclass(frozen=True)
class FieldDoc:
    key: str
    required: bool
    kind: str
    default: str
    description: str


@dataclass(frozen=True)
class SectionDoc:
    name: str
    place: str
    description: str
    fields: tuple[FieldDoc, ...]


def _kind(schema: dict, plural: bool = False) -> str:
    """A plain-words type: "one line of text", "a list of Step mappings (below)"."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"{name} mappings (below)" if plural else f"a {name} mapping (below)"
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return " or ".join(_kind(s) for s in options)
    if "enum" in schema:
        return "one of " + ", ".join(f"`{v}`" for v in schema["enum"])
    if "const" in schema:
        return f"`{schema['const']}`"
    kind = schema.get("type")
    if kind == "string":
        if schema.get("format") == "uri":
            return "a web address (http or https)"
        if schema.get("pattern") == SLUG_PATTERN:
            return "ids" if plural else "an id (lowercase letters, digits and hyphens)"
        if plural:
            return "lines of text"
        return "text" if schema.get("maxLength", 0) > 200 else "one line of text"
    if kind == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        return f"a whole number from {low} to {high}" if low is not None else "a whole number"
    if kind == "array":
        return "a list of " + _kind(schema.get("items", {}), plural=True)
    if kind == "object":
        values = next(iter(schema.get("patternProperties", {}).values()), None)
        if isinstance(values, dict):
            return "a mapping from a name to " + _kind(values)
        return "a mapping"
    return "any value"


def _default(schema: dict, required: bool) -> str:
    if required:
        return ""
    value = schema.get("default")
    if value is None:
        return "empty" if schema.get("type") in ("object", "array") else "none"
    if value in ([], {}, ()):
        return "empty"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def sections() -> list[SectionDoc]:
    """Every mapping of the scenario format with every key, its type, default and docs."""
    schema = json_schema()
    definitions = {**schema.get("$defs", {}), "Scenario": schema}
    out = []
    for name in ORDER:
        definition = definitions[name]
        required = set(definition.get("required", []))
        fields = tuple(
            FieldDoc(
                key=key,
                required=key in required,
                kind=_kind(prop),
                default=_default(prop, key in required),
                description=prop.get("description", ""),
            )
            for key, prop in definition.get("properties", {}).items()
        )
        out.append(SectionDoc(name, PLACES[name], definition.get("description", ""), fields))
    return out


def anchors() -> list[tuple[str, str]]:
    return list(ANCHOR_LABELS.items())


def categories() -> list[tuple[str, str]]:
    return list(CATEGORY_TITLES.items())
