"""Regenerate the print fonts in templates/pdf/fonts/ from DejaVu.

The PDFs embed these fonts whole (the guide is joined from separately rendered parts, and a
whole font is byte-for-byte the same in every part, so the joined guide keeps one copy), and
PDF viewers need a form field's font whole anyway. Whole DejaVu is 750 KB a face, so these are
DejaVu cut down to the Latin letters, punctuation and symbols our guide uses (about 33 KB a
face). Text outside them falls back to the system's fonts, subset as usual.

Run: python -m build_scripts.fonts [folder holding DejaVuSans.ttf ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

DEFAULT_SOURCE = Path("/usr/share/fonts/truetype/dejavu")
TARGET = Path(__file__).resolve().parent.parent / "templates" / "pdf" / "fonts"
CODEPOINTS = frozenset(
    [
        0x0A,  # line feed (pre-wrapped template bodies)
        *range(0x20, 0x7F),  # ASCII
        *range(0xA0, 0x180),  # Latin-1 Supplement, Latin Extended-A
        *range(0x2010, 0x2027),  # dashes, quotes, bullets, ellipsis
        0x2030,  # per mille
        0x2032,  # prime
        0x2039,  # single angle quotes
        0x203A,
        0x20AC,  # euro sign
        0x2122,  # trade mark
        0x2192,  # rightwards arrow
        0x2212,  # minus
        0x2713,  # check mark
        0x25AA,  # small black square, and
        0x25E6,  # white bullet: list markers of nested lists
    ]
)
"""What the shipped fonts cover; a PDF whose text stays inside it embeds them whole."""

FACES = {
    # file we write: (DejaVu file, family, style)
    "FollowupSans-Regular.ttf": ("DejaVuSans.ttf", "Followup Sans", "Regular"),
    "FollowupSans-Bold.ttf": ("DejaVuSans-Bold.ttf", "Followup Sans", "Bold"),
    "FollowupSans-Oblique.ttf": ("DejaVuSans-Oblique.ttf", "Followup Sans", "Oblique"),
    "FollowupSans-BoldOblique.ttf": ("DejaVuSans-BoldOblique.ttf", "Followup Sans", "Bold Oblique"),
    "FollowupSansMono-Regular.ttf": ("DejaVuSansMono.ttf", "Followup Sans Mono", "Regular"),
}


def make_font(source: Path, target: Path, family: str, style: str) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    # No ligatures: text copied out of the PDF (the templates!) must come out letter for letter.
    options.layout_features = ["kern"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["FFTM"]
    font = TTFont(str(source))
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(CODEPOINTS))
    subsetter.subset(font)
    # The Bitstream Vera licence asks that modified versions be renamed.
    postscript = f"{family.replace(' ', '')}-{style.replace(' ', '')}"
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = family
        elif record.nameID in (2, 17):
            record.string = style
        elif record.nameID == 4:
            record.string = f"{family} {style}" if style != "Regular" else family
        elif record.nameID in (3, 6):
            record.string = postscript
    font.save(str(target))


def main(source_dir: Path = DEFAULT_SOURCE) -> None:
    for name, (source, family, style) in FACES.items():
        make_font(source_dir / source, TARGET / name, family, style)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
