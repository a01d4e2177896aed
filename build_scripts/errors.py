"""The one domain exception: every problem found in every input file, each with its position."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

KeyPath = tuple[str | int, ...]


_LATIN_LOOK_ALIKES = frozenset("\u0131\u0138\u017f")
"""Latin letters that pass for ASCII ones: dotless i, kra (a small capital K), long s (f)."""


def _plain(char: str) -> bool:
    """Printable ASCII, or a Latin letter that cannot pass for an ASCII one (é, ß, Ł)."""
    if " " <= char <= "~":
        return True
    if "\u00c0" <= char <= "\u017f":
        return unicodedata.category(char).startswith("L") and char not in _LATIN_LOOK_ALIKES
    decomposed = unicodedata.normalize("NFKD", char)
    return (
        len(decomposed) > 1
        and "a" <= decomposed[0].lower() <= "z"
        and all(unicodedata.category(mark) == "Mn" for mark in decomposed[1:])
        and unicodedata.name(char, "").startswith("LATIN ")
    )


def shown(text: str) -> str:
    """Author text made safe to quote in a message: every character that could pass for
    another (Cyrillic a, fullwidth letters, dotless i) or hide (bidirectional controls,
    zero-width spaces, line breaks) is written as its code point and name, like
    `<U+0430 CYRILLIC SMALL LETTER A>`; ASCII and Latin letters that cannot be mistaken for
    ASCII ones (é, ß, Ł) stay as they are."""
    if text.isascii() and text.isprintable():
        return text
    from .characters import describe

    return "".join(char if _plain(char) else f"<{describe(char)}>" for char in text)


def format_key_path(path: KeyPath) -> str:
    """`("templates", 1, "subject")` -> `templates[1].subject`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(file)"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` when a close match exists, else an empty string."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{matches[0]}'?" if matches else ""


@dataclass(frozen=True, order=True)
class ScenarioError:
    """One problem at one place in one file. Lines and columns count from 1."""

    path: str
    line: int
    column: int
    key_path: str
    message: str

    def __post_init__(self) -> None:
        # Messages quote author text (keys, ids, values, did-you-mean): show it unambiguously.
        object.__setattr__(self, "key_path", shown(self.key_path))
        object.__setattr__(self, "message", shown(self.message))

    @property
    def where(self) -> str:
        """`file:line:col`, the file name shown as safely as the message."""
        return f"{shown(self.path)}:{self.line}:{self.column}"

    def __str__(self) -> str:
        return f"{self.where}: {self.key_path}: {self.message}"


class ScenarioErrors(Exception):  # noqa: N818 (a collection of errors, named for what it holds)
    """All problems found in one run, sorted by file and position."""

    def __init__(self, errors: Sequence[ScenarioError]) -> None:
        self.errors = sorted(set(errors))
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.errors)
        files = len({e.path for e in self.errors})
        lines = [str(e) for e in self.errors]
        noun = "problem" if count == 1 else "problems"
        where = "file" if files == 1 else "files"
        lines.append(f"{count} {noun} in {files} {where}.")
        return "\n".join(lines)
