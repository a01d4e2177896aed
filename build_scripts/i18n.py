"""Interface text in an edition's language.

Our own words (the templates' headings and buttons, the sentences the build writes, the labels
of followup.js) are written in English where they are used, wrapped in `_()`. An edition in
another language looks each one up in its catalog, `<docs>/<language>/strings.yml`; a text the
catalog lacks stays English (and `followup check` lists it). This is gettext's model, with the
catalog kept as YAML beside the edition's pages, so that a language is one folder.

The catalog of the edition being built is the active one: `activated(catalog)` around the work,
`_()` anywhere inside it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .errors import ScenarioError, ScenarioErrors

STRINGS_FILE = "strings.yml"
"""An edition's catalog, in its folder of the docs folder (`content/de/strings.yml`)."""

_FIELD = re.compile(r"\{([a-z][a-z0-9_]*)\}")


@dataclass(frozen=True)
class Edition:
    """What a language's catalog says about its edition (the `edition:` block)."""

    name: str = "English"
    """The language's own name, in the language switcher."""
    country: str = "US"
    """The country whose business days the date planner counts until the reader picks one."""
    site_name: str = ""
    """The site's name in this language (empty: mkdocs.yml's site_name)."""
    site_description: str = ""
    date_format: str = "{day} {month_name} {year}"
    """How dates are written in text (the guide's cover): {day}, {month} (a number),
    {month_name}, {year}; zero-padded with {day:02}-style fields is not supported, write {dd}
    and {mm} for those."""
    numeric_date_format: str = "{year}-{mm}-{dd}"
    """How dates are written in lists and tables (the date a source was checked): the same
    fields as date_format."""
    months: tuple[str, ...] = (
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December",
    )  # fmt: skip
    avoid: tuple[str, ...] = ()
    """Phrases the lint warns about in every template of this language (besides the
    scenario's own `avoid`); English has its list in schema.SHARED_AVOID_PHRASES."""


@dataclass(frozen=True)
class Catalog:
    """One language's interface text: English text -> its translation."""

    language: str = "en"
    strings: Mapping[str, str] = field(default_factory=dict)
    edition: Edition = field(default_factory=Edition)

    def gettext(self, text: str, /, **values: object) -> str:
        """`text` in this language, with `{name}` fields filled from `values` (only named
        fields: any other brace is literal text). The catalog knows a text by its
        message_key(), so a paragraph may be wrapped in the source as it reads best there."""
        translated = self.strings.get(text) or self.strings.get(message_key(text)) or text
        if not values:
            return translated
        return _FIELD.sub(
            lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), translated
        )


ENGLISH = Catalog()

_active: ContextVar[Catalog] = ContextVar("followup_catalog", default=ENGLISH)


def gettext(text: str, /, **values: object) -> str:
    """`text` in the active edition's language (see Catalog.gettext)."""
    return _active.get().gettext(text, **values)


_ = gettext


def N_(text: str, /) -> str:  # noqa: N802 (gettext's name for it)
    """Marks English text to translate where it is used later, not here (a label in a table
    built at import time): `_()` translates it at the point of use."""
    return text


def active() -> Catalog:
    """The active edition's catalog."""
    return _active.get()


_DATE_FIELDS = ("day", "dd", "month", "mm", "month_name", "year")
"""The fields of a date format (Edition.date_format)."""


def format_date(date: dt.date, numeric: bool = False) -> str:
    """`date` as the active edition writes dates in text (29 November 2026; 29.11.2026), or
    `numeric`ally in lists and tables (2026-11-29; 29.11.2026)."""
    edition = _active.get().edition
    return _FIELD.sub(
        lambda m: {
            "day": str(date.day),
            "dd": f"{date.day:02}",
            "month": str(date.month),
            "mm": f"{date.month:02}",
            "month_name": edition.months[date.month - 1],
            "year": str(date.year),
        }.get(m.group(1), m.group(0)),
        edition.numeric_date_format if numeric else edition.date_format,
    )


def fingerprint() -> str:
    """A digest of the active catalog (its language, strings and edition): for cache keys of
    what is rendered with it."""
    catalog = _active.get()
    text = repr((catalog.language, sorted(catalog.strings.items()), catalog.edition))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def language() -> str:
    """The active edition's language code."""
    return _active.get().language


@contextlib.contextmanager
def activated(catalog: Catalog) -> Iterator[Catalog]:
    """Make `catalog` the one `_()` uses, for the duration of the block."""
    token = _active.set(catalog)
    try:
        yield catalog
    finally:
        _active.reset(token)


def message_key(text: str) -> str:
    """How a catalog knows `text`: its runs of whitespace made one space (a paragraph wrapped
    over several lines of a template is one line in the catalog)."""
    return " ".join(text.split())


_LITERAL = r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
_CALL = re.compile(rf"\bN?_\(\s*({_LITERAL}(?:\s*{_LITERAL})*)")
"""A call of `_()` or `N_()` with a literal first argument, in Python, Jinja or
JavaScript: one string (it may span lines in a template), or adjacent strings in Python."""
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.DOTALL)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}


def messages(source: str) -> list[str]:
    """The English texts `source` (a template, a module, a script) wraps in `_()`, in order,
    as the catalog knows them (message_key)."""
    found = []
    for match in _CALL.finditer(source):
        parts = re.findall(_LITERAL, match.group(1), re.DOTALL)
        text = "".join(
            _ESCAPE.sub(
                lambda m: (
                    chr(int(m.group(1)[1:], 16))
                    if len(m.group(1)) == 5
                    else _ESCAPES.get(m.group(1), m.group(1))
                ),
                part[1:-1],
            )
            for part in parts
        )
        found.append(message_key(text))
    return found


def messages_in(paths: list[Path]) -> dict[str, list[str]]:
    """Every wrapped text in the files `paths`, with the files (as given) that use it."""
    found: dict[str, list[str]] = {}
    for path in paths:
        for text in messages(path.read_text(encoding="utf-8")):
            found.setdefault(text, [])
            if path.as_posix() not in found[text]:
                found[text].append(path.as_posix())
    return found


def load_catalog(path: Path, display: str, language: str) -> tuple[Catalog, list[ScenarioError]]:
    """A language's catalog from its strings.yml (`display`: the path shown in messages);
    what is wrong in it is reported with its line, and left out."""
    from pydantic import ValidationError

    from .load import load_text

    problems: list[ScenarioError] = []
    if not path.is_file():
        return Catalog(language, {}, Edition(name=language, country="")), [
            ScenarioError(display, 1, 1, "(file)", "missing: every edition needs its strings.yml")
        ]
    try:
        raw = load_text(path.read_bytes(), display)
    except ScenarioErrors as exc:
        return Catalog(language, {}, Edition(name=language, country="")), list(exc.errors)
    data = raw.data
    for key in data:
        if key not in ("edition", "strings"):
            problems.append(raw.error((key,), "unknown key; expected edition and strings", True))
    strings: dict[str, str] = {}
    given = data.get("strings") or {}
    if not isinstance(given, dict):
        problems.append(raw.error(("strings",), "expected a mapping: English text: translation"))
        given = {}
    for english, translated in given.items():
        where = ("strings", english)
        if not isinstance(translated, str) or not translated.strip():
            problems.append(raw.error(where, "expected the translation as text"))
            continue
        fields, used = set(_FIELD.findall(english)), set(_FIELD.findall(translated))
        if fields != used:
            wanted = ", ".join(sorted(f"{{{f}}}" for f in fields)) or "none"
            differs = [f"{{{f}}} is missing" for f in sorted(fields - used)]
            differs += [f"{{{f}}} is not in the English" for f in sorted(used - fields)]
            problems.append(
                raw.error(
                    where,
                    f"{'; '.join(differs)}: the translation must use the same fields as the "
                    f"English ({wanted}), which the build fills in",
                )
            )
            continue
        strings[message_key(str(english))] = translated
    edition = Edition(name=language, country="")
    block = data.get("edition")
    if block is not None:
        try:
            edition = _EditionModel.model_validate(block).edition()
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                where = ("edition", *error["loc"])
                problems.append(raw.error(where, str(error["msg"]).removeprefix("Value error, ")))
    return Catalog(language, strings, edition), problems


class _EditionModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=40)
    country: str = Field(pattern=r"^[A-Z]{2}$")
    site_name: str = ""
    site_description: str = ""
    date_format: str = "{day} {month_name} {year}"
    numeric_date_format: str = "{year}-{mm}-{dd}"
    months: tuple[str, ...] = Field(default=Edition().months, min_length=12, max_length=12)
    avoid: tuple[str, ...] = ()

    @field_validator("date_format", "numeric_date_format")
    @classmethod
    def _date_fields(cls, value: str) -> str:
        unknown = sorted(set(_FIELD.findall(value)) - set(_DATE_FIELDS))
        if unknown:
            raise ValueError(
                f"{{{unknown[0]}}} is not a date field; use "
                + ", ".join(f"{{{f}}}" for f in _DATE_FIELDS)
                + ' (German: "{dd}.{mm}.{year}")'
            )
        return value

    def edition(self) -> Edition:
        return Edition(**self.model_dump())
