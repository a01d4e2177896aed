"""Regenerate templates/pdf/fonts/FollowupFields.ttf, the small font of the PDF form fields.

PDF viewers need a form field's font embedded whole, so the fields use a subset of DejaVu Sans
instead of the full 750 KB font. Run: python -m build_scripts.fonts [path/to/DejaVuSans.ttf]
"""

from __future__ import annotations

import sys
from pathlib import Path

DEFAULT_SOURCE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
TARGET = (
    Path(__file__).resolve().parent.parent / "templates" / "pdf" / "fonts" / "FollowupFields.ttf"
)
CODEPOINTS = [
    *range(0x20, 0x7F),  # ASCII
    *range(0xA0, 0x180),  # Latin-1 Supplement, Latin Extended-A
    *range(0x2010, 0x2027),  # dashes, quotes, bullets, ellipsis
    0x20AC,  # euro sign
    0x2122,  # trade mark
    0x2212,  # minus
]


def make_field_font(source: Path, target: Path) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["kern", "liga"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["FFTM"]
    font = TTFont(str(source))
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=CODEPOINTS)
    subsetter.subset(font)
    # The Bitstream Vera licence asks that modified versions be renamed.
    for record in font["name"].names:
        if record.nameID in (1, 4):
            record.string = "Followup Fields"
        elif record.nameID == 6:
            record.string = "FollowupFields"
        elif record.nameID == 3:
            record.string = "FollowupFields-Regular"
    font.save(str(target))


if __name__ == "__main__":
    make_field_font(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE, TARGET)
