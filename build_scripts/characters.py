"""Which characters scenario text may hold: nothing invisible, and only what the PDF fonts draw."""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

FONTS_DIR = Path("templates") / "pdf" / "fonts"
"""The PDF fonts of a project, relative to its root; their cmaps decide what can be printed."""

_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2")

_ALLOWED_CONTROLS = frozenset("\t\n\r")
"""The only control characters a scenario file may hold: YAML's own whitespace."""

_INVISIBLE_LETTERS = frozenset(
    [
        0x115F,  # HANGUL CHOSEONG FILLER
        0x1160,  # HANGUL JUNGSEONG FILLER
        0x3164,  # HANGUL FILLER
        0xFFA0,  # HALFWIDTH HANGUL FILLER
        0x034F,  # COMBINING GRAPHEME JOINER
        0x17B4,  # KHMER VOWEL INHERENT AQ
        0x17B5,  # KHMER VOWEL INHERENT AA
        0x2800,  # BRAILLE PATTERN BLANK
        0xFFFC,  # OBJECT REPLACEMENT CHARACTER
    ]
)
"""Characters Unicode files as letters, marks or symbols that nonetheless draw nothing (or an
empty box), the tricks used to hide text that Unicode's format category does not cover."""

_JOINERS = frozenset("\u200c\u200d")
"""ZERO WIDTH NON-JOINER and ZERO WIDTH JOINER: spelling for Persian, Arabic and the Indic
scripts, so they are allowed between two letters of those scripts (from U+0600 on)."""


def _is_variation_selector(code: int) -> bool:
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0x180B <= code <= 0x180F


def invisible_kind(char: str) -> str | None:
    """Why `char` may not appear in a scenario file, or None when it may.

    The class: every Unicode format character (category Cf: bidirectional controls, zero-width
    characters, word joiner, byte order mark, soft hyphen, interlinear annotation, tag
    characters...), line and paragraph separators, control characters other than tab and line
    breaks, variation selectors, and letters that draw nothing (Hangul fillers...)."""
    if char in _ALLOWED_CONTROLS:
        return None
    code = ord(char)
    category = unicodedata.category(char)
    if category == "Cf":
        if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069 or char in "\u200e\u200f\u061c":
            return "a bidirectional control, which changes the order text is shown in"
        if code == 0x00AD:
            return "a soft hyphen, which is invisible"
        if 0xE0000 <= code <= 0xE007F:
            return "a tag character, which is invisible"
        return "an invisible formatting character"
    if category in ("Zl", "Zp"):
        return "a line or paragraph separator, which displays differently in every program"
    if category == "Cc":
        return "a control character"
    if _is_variation_selector(code):
        return "a variation selector, which is invisible"
    if code in _INVISIBLE_LETTERS:
        return "a character that draws nothing"
    return None


def joiner_is_spelling(before: str, after: str) -> bool:
    """True when a zero-width (non-)joiner sits between two letters of a script that uses it."""

    def letter(char: str) -> bool:
        return bool(char) and ord(char) >= 0x0600 and unicodedata.category(char)[0] in "LM"

    return letter(before) and letter(after)


def is_joiner(char: str) -> bool:
    return char in _JOINERS


_CONTROL_NAMES = {
    0x00: "NULL",
    0x09: "CHARACTER TABULATION",
    0x0A: "LINE FEED",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
    0x85: "NEXT LINE",
}


def describe(char: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`: a character as its code point and name."""
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(ord(char), "")
    if not name:
        category = unicodedata.category(char)
        name = {"Cc": "CONTROL", "Co": "PRIVATE USE", "Cn": "UNASSIGNED"}.get(category, category)
    return f"U+{ord(char):04X} {name}"


def is_emoji(char: str) -> bool:
    """Pictographs, emoticons and their modifiers (the blocks emoji live in)."""
    code = ord(char)
    return (
        0x1F000 <= code <= 0x1FAFF
        or 0x2600 <= code <= 0x27BF
        or 0x2B00 <= code <= 0x2BFF
        or 0x1F1E6 <= code <= 0x1F1FF
    )


def font_files(folder: Path) -> tuple[Path, ...]:
    if not folder.is_dir():
        return ()
    return tuple(sorted(p for p in folder.iterdir() if p.suffix.lower() in _FONT_SUFFIXES))


def drawable(folder: Path) -> frozenset[int]:
    """Every code point that at least one font in `folder` has a glyph for (read from the
    fonts' cmaps; cached while the files are unchanged)."""
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in font_files(folder))
    return _coverage(folder.resolve(), stamp)


@functools.lru_cache(maxsize=8)
def _coverage(folder: Path, stamp: tuple[tuple[str, int, int], ...]) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    codes: set[int] = set()
    for name, _, _ in stamp:
        path = folder / name
        try:
            if path.suffix.lower() in (".ttc", ".otc"):
                fonts = list(TTCollection(str(path), lazy=True).fonts)
            else:
                fonts = [TTFont(str(path), lazy=True)]
        except Exception:  # a file that is not a font draws nothing
            continue
        for font in fonts:
            cmap = font.get("cmap")
            if cmap is not None:
                codes.update(cmap.getBestCmap() or {})
    return frozenset(codes)
