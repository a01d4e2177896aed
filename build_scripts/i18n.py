"""Interface text in an edition's language.

Our own words (the templates' headings and buttons, the sentences the build writes, the labels
of followup.js) are written in English where they are used, wrapped in `_("...")`. An edition in
another language looks each one up in its catalog, `<docs>/<language>/strings.yml`; a text the
catalog lacks stays English (and `followup check` lists it). This is gettext's model, with the
catalog kept as YAML beside the edition's pages, so that a language is one folder.

The catalog of the edition being built is the active one: `activated(catalog)` around the work,
`_()` anywhere inside it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

STRINGS_FILE = "strings.yml"
"""An edition's catalog, in its folder of the docs folder (`content/de/strings.yml`)."""

_FIELD = re.compile(r"\{([a-z][a-z0-9_]*)\}")


@dataclass(frozen=True)
class Catalog:
    """One language's interface text: English text -> its translation."""

    language: str = "en"
    strings: Mapping[str, str] = field(default_factory=dict)

    def gettext(self, text: str, /, **values: object) -> str:
        """`text` in this language, with `{name}` fields filled from `values` (only named
        fields: any other brace is literal text)."""
        translated = self.strings.get(text) or text
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


def N_(text: str, /) -> str:
    """Marks English text to translate where it is used later, not here (a label in a table
    built at import time): `_()` translates it at the point of use."""
    return text


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


_CALL = re.compile(r"""\bN?_\(\s*(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')""")
"""A `_("...")` or `N_("...")` call with a literal first argument, in Python, Jinja or
JavaScript."""


def messages(source: str) -> list[str]:
    """The English texts `source` (a template, a module, a script) wraps in `_()`, in order."""
    found = []
    for match in _CALL.finditer(source):
        raw = match.group(1) if match.group(1) is not None else match.group(2)
        found.append(re.sub(r"\\(.)", r"\1", raw))
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
