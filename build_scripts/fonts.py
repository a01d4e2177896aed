"""Regenerate the print fonts in the project's templates/pdf/fonts/ from DejaVu.

The PDFs embed these fonts whole (the guide is joined from separately rendered parts, and a
whole font is byte-for-byte the same in every part, so the joined guide keeps one copy), and
PDF viewers need a form field's font whole anyway. Whole DejaVu is 750 KB a face, so these are
DejaVu cut down to the Latin letters, punctuation and symbols our guide uses (about 33 KB a
face). Text outside them falls back to the system's fonts, subset as usual.

Run in the project folder (the one holding mkdocs.yml), or name it with --project:
python -m build_scripts.fonts [folder holding DejaVuSans.ttf ...] [--project DIR]
(Debian: DejaVu Sans and Mono are in fonts-dejavu-core, the oblique faces in fonts-dejavu-extra.)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import Project, ProjectNotFoundError, find_root

DEFAULT_SOURCE = Path("/usr/share/fonts/truetype/dejavu")
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


def main(argv: Sequence[str] | None = None) -> int:
    """Write every face of FACES into the project's font folder; 1 (and why) if it cannot."""
    parser = argparse.ArgumentParser(
        prog="python -m build_scripts.fonts",
        description="Regenerate the PDF fonts in templates/pdf/fonts/ from DejaVu.",
    )
    parser.add_argument(
        "source",
        nargs="?",
        type=Path,
        default=DEFAULT_SOURCE,
        help=f"folder holding the DejaVu .ttf files (default: {DEFAULT_SOURCE})",
    )
    parser.add_argument(
        "--project",
        type=Path,
        help="project folder (the one holding mkdocs.yml); default: found from the current folder",
    )
    args = parser.parse_args(argv)
    try:
        root = find_root(args.project or Path.cwd())
    except ProjectNotFoundError as problem:
        print(f"fonts: {problem}", file=sys.stderr)
        return 1
    missing = [s for s, _, _ in FACES.values() if not (args.source / s).is_file()]
    if missing:
        print(
            f"fonts: not found in {args.source}: {', '.join(missing)} (Debian: apt-get install "
            "fonts-dejavu-core fonts-dejavu-extra, or name the folder that has them)",
            file=sys.stderr,
        )
        return 1
    # The project's own templates (the package's copy is not the tool's to change).
    templates = Project.from_root(root).folders.get("templates", "templates")
    target = root / templates / "pdf" / "fonts"
    target.mkdir(parents=True, exist_ok=True)
    for name, (source, family, style) in FACES.items():
        make_font(args.source / source, target / name, family, style)
    print(f"fonts: wrote {len(FACES)} fonts to {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
