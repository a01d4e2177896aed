"""Page numbers at the foot of PDF pages: the footer's fonts, its content stream and placement.

The footer is drawn by this module, not laid out by print.css: a part does not know its page
numbers when it is rendered. Its look (font file, size, grey, height) is a `FooterStyle` from
the settings (`extra.followup.footer_style` in mkdocs.yml); its wording comes from the book
(`book.PageFooter`). Any character is drawn: the project's font first, then, for characters
it lacks, a system font that has them, each as a CID-keyed font with a ToUnicode map, so the
numbers can be read, copied and spoken.
"""

from __future__ import annotations

import functools
import io
import re
import subprocess
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from ..settings import FooterStyle

SAVE_OPTIONS = {
    "object_stream_mode": pikepdf.ObjectStreamMode.generate,
    "compress_streams": True,
    "deterministic_id": True,
}
"""How pikepdf saves a changed part (here, so that join and weasy can use it without a cycle)."""

OPENING = b"q\n"
"""Put before a page's own content: WeasyPrint's content leaves a flipped coordinate system
in place, so the page's content is wrapped in a saved graphics state."""


def footer_artifact(content: bytes) -> bytes:
    """Content drawn after a page's own (closing the state `OPENING` saved), marked as a
    pagination artifact: screen readers skip it, as page furniture (14.8.2.2)."""
    return b"Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n" + content + b"EMC\n"


def footer_font(fonts_dir: Path, style: FooterStyle) -> Path:
    """The footer's font file, in `fonts_dir`; ValueError, saying what to change, when it is
    missing or has no TrueType outlines (which the footer embeds as they are)."""
    from fontTools.ttLib import TTFont, TTLibError

    path = fonts_dir / style.font
    if not path.is_file():
        shipped = sorted(p.name for p in fonts_dir.glob("*.[ot]tf")) if fonts_dir.is_dir() else []
        raise ValueError(
            f"footer_style.font: {style.font!r} is not in {fonts_dir}/"
            + (f" (it has {', '.join(shipped)})" if shipped else "")
        )
    try:
        font = TTFont(path, lazy=True)
        outlines = "glyf" in font
    except (TTLibError, OSError, ValueError, KeyError) as exc:
        raise ValueError(f"footer_style.font: {style.font!r} is not a font file ({exc})") from None
    if not outlines:
        raise ValueError(
            f"footer_style.font: {style.font!r} has PostScript (CFF) outlines; the footer "
            "needs a font with TrueType outlines"
        )
    return path


class _Face:
    """One TrueType font the footer draws with, as a CID-keyed font (any character it has)."""

    def __init__(self, data: bytes, index: int = 0) -> None:
        from fontTools.ttLib import TTFont

        self.data = data
        self.font = TTFont(io.BytesIO(data), fontNumber=index)
        self.scale = 1000 / self.font["head"].unitsPerEm
        self.cmap = self.font.getBestCmap() or {}
        self.name = re.sub(r"[^A-Za-z0-9+-]", "", self.font["name"].getDebugName(6) or "") or (
            "FooterFont"
        )

    def glyph(self, char: str) -> int | None:
        name = self.cmap.get(ord(char))
        return None if name is None else self.font.getGlyphID(name)

    def advance(self, gid: int) -> int:
        return round(self.font["hmtx"].metrics[self.font.getGlyphName(gid)][0] * self.scale)

    def add_to(self, pdf: pikepdf.Pdf, used: dict[int, str]) -> pikepdf.Object:
        """The font as a Type0 dictionary, with widths and text mapping for the `used` glyphs
        (glyph id -> the character it stands for)."""
        head, hhea = self.font["head"], self.font["hhea"]
        os2 = self.font.get("OS/2")
        file = pikepdf.Stream(pdf, zlib.compress(self.data, 6))
        file.Filter = Name.FlateDecode
        file.Length1 = len(self.data)
        descriptor = Dictionary(
            Type=Name.FontDescriptor,
            FontName=Name("/" + self.name),
            Flags=32,
            FontBBox=Array(
                [round(v * self.scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
            ),
            ItalicAngle=0,
            Ascent=round(hhea.ascent * self.scale),
            Descent=round(hhea.descent * self.scale),
            CapHeight=round((getattr(os2, "sCapHeight", 0) or hhea.ascent) * self.scale),
            StemV=80,
            FontFile2=file,
        )
        widths = Array()
        for gid in sorted(used):
            widths.extend([gid, Array([self.advance(gid)])])
        cid_font = Dictionary(
            Type=Name.Font,
            Subtype=Name.CIDFontType2,
            BaseFont=Name("/" + self.name),
            CIDSystemInfo=Dictionary(
                Registry=String("Adobe"), Ordering=String("Identity"), Supplement=0
            ),
            FontDescriptor=pdf.make_indirect(descriptor),
            DW=0,
            W=widths,
            CIDToGIDMap=Name.Identity,
        )
        to_unicode = pikepdf.Stream(pdf, _to_unicode_cmap(used))
        return pdf.make_indirect(
            Dictionary(
                Type=Name.Font,
                Subtype=Name.Type0,
                BaseFont=Name("/" + self.name),
                Encoding=Name("/Identity-H"),
                DescendantFonts=Array([pdf.make_indirect(cid_font)]),
                ToUnicode=pdf.make_indirect(to_unicode),
            )
        )


def _to_unicode_cmap(used: dict[int, str]) -> bytes:
    lines = []
    items = sorted(used.items())
    for start in range(0, len(items), 100):  # at most 100 entries per block
        chunk = items[start : start + 100]
        lines.append(b"%d beginbfchar" % len(chunk))
        lines += [
            b"<%04X> <%s>" % (gid, text.encode("utf-16-be").hex().upper().encode())
            for gid, text in chunk
        ]
        lines.append(b"endbfchar")
    return (
        b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        b"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + b"\n".join(lines)
        + b"\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )


@functools.cache
def _system_font_for(char: str) -> tuple[str, int] | None:
    """(file, index in it) of a TrueType font of the system's that draws `char`, as fontconfig
    chooses it; None when there is none."""
    try:
        found = subprocess.run(
            [
                "fc-match",
                "--format=%{file}\n%{index}",
                f"sans-serif:charset={ord(char):x}:fontformat=TrueType",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    lines = found.stdout.splitlines()
    if found.returncode != 0 or not lines or not Path(lines[0]).is_file():
        return None
    from fontTools.ttLib import TTFont, TTLibError

    index = int(lines[1]) if len(lines) > 1 and lines[1].isdigit() else 0
    try:
        font = TTFont(lines[0], fontNumber=index, lazy=True)
        draws = "glyf" in font and ord(char) in (font.getBestCmap() or {})
    except (TTLibError, OSError, ValueError, KeyError):
        return None
    return (lines[0], index) if draws else None


def _cut_down(path: str, index: int, characters: str) -> bytes:
    """The font at `path` with only the glyphs of `characters`, at their original ids."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.retain_gids = True  # the footer's text was laid out with the whole font's ids
    options.layout_features = []
    options.notdef_outline = True
    options.name_IDs = [1, 2, 6]
    options.drop_tables += ["FFTM"]
    font = TTFont(path, fontNumber=index)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted({ord(c) for c in characters}))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


class _FooterFonts:
    """The faces footer text is drawn with: the project's font, then, for characters it lacks,
    the system's fonts that have them (each cut down to what the footers use)."""

    def __init__(self, font: Path, style: FooterStyle) -> None:
        self.style = style
        self.faces = [_Face(font.read_bytes())]
        self.sources: list[tuple[str, int] | None] = [None]
        self.used: list[dict[int, str]] = [{}]

    def _face_for(self, char: str) -> int:
        if self.faces[0].glyph(char) is not None:
            return 0
        source = _system_font_for(char)
        if source is None:
            return 0  # drawn as the missing-glyph box; its text is still the character
        if source not in self.sources:
            self.sources.append(source)
            self.faces.append(_Face(Path(source[0]).read_bytes(), source[1]))
            self.used.append({})
        return self.sources.index(source)

    def runs(self, text: str) -> list[tuple[int, list[int], str]]:
        """`text` as (face, glyph ids, characters) runs; records the glyphs as used. A
        character no font has is a run of its own, drawn as glyph 0 (the missing-glyph box)."""
        runs: list[tuple[int, list[int], str]] = []
        for char in text:
            face = self._face_for(char)
            gid = self.faces[face].glyph(char) or 0
            self.used[face].setdefault(gid, char)  # (glyph 0 too: its width)
            if gid and runs and runs[-1][0] == face and runs[-1][1][-1]:
                runs[-1][1].append(gid)
                runs[-1] = (face, runs[-1][1], runs[-1][2] + char)
            else:
                runs.append((face, [gid], char))
        return runs

    def content(self, text: str, page_width: float, prefix: bytes) -> bytes:
        """Content that writes `text` centred at the foot of a page `page_width` wide, with
        face i named `prefix`+i in the resources."""
        runs = self.runs(text)
        width = sum(self.faces[f].advance(g) for f, gids, _ in runs for g in gids)
        size = self.style.size
        x = page_width / 2 - width * size / 1000 / 2
        y = self.style.baseline_mm * 72 / 25.4
        shows = []
        for face, gids, chars in runs:
            show = b"/%s%d %g Tf <%s> Tj " % (prefix, face, size, _gids(gids).hex().encode())
            if not gids[-1]:
                # The box stands for a character: text extraction and screen readers get it.
                show = b"/Span <</ActualText %s>> BDC %sEMC " % (String(chars).unparse(), show)
            shows.append(show)
        return b"%g g BT %.2f %.2f Td %sET\n" % (self.style.grey, x, y, b"".join(shows))

    def add_to(self, pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
        """The fonts, in face order, once every text has been laid out. The project's font
        goes in whole (its bytes are those the parts embed, so the guide keeps one copy);
        the system's fonts are cut down to the characters used."""
        for number, source in enumerate(self.sources):
            if source is not None:
                characters = "".join(self.used[number].values())
                self.faces[number].data = _cut_down(*source, characters)
        return [face.add_to(pdf, used) for face, used in zip(self.faces, self.used, strict=True)]


def _gids(gids: list[int]) -> bytes:
    return b"".join(g.to_bytes(2, "big") for g in gids)


def stamp_page_numbers(
    pdf: pikepdf.Pdf, labels: Sequence[str | None], font: Path, style: FooterStyle
) -> None:
    """Write `labels[i]` centred at the foot of page i (None: nothing), as an artifact."""
    fonts = _FooterFonts(font, style)
    stamps = []
    for page, label in zip(pdf.pages, labels, strict=True):
        if label:
            box = [float(v) for v in page.mediabox]
            stamps.append((page, fonts.content(label, box[2] - box[0], b"FUpage")))
    font_objects = fonts.add_to(pdf)
    # WeasyPrint's content leaves a flipped coordinate system in place: wrap it.
    opening = pikepdf.Stream(pdf, OPENING)
    for page, content in stamps:
        # Pages of a part share one resource dictionary, which is also the form's: give
        # each stamped page its own copy, so the footer font stays out of the others.
        resources = Dictionary({k: v for k, v in page.obj.get("/Resources", {}).items()})
        page_fonts = Dictionary({k: v for k, v in resources.get("/Font", {}).items()})
        for number, font_object in enumerate(font_objects):
            page_fonts[f"/FUpage{number}"] = font_object
        resources.Font = page_fonts
        page.obj.Resources = resources
        page.contents_add(opening, prepend=True)
        page.contents_add(pikepdf.Stream(pdf, footer_artifact(content)), prepend=False)


def standalone(
    part: bytes, label: Callable[[int, int], str], font: Path, style: FooterStyle
) -> bytes:
    """A part as a document of its own, each page i of n labelled `label(i, n)` ("Page 1 of 3")."""
    with pikepdf.open(io.BytesIO(part)) as pdf:
        total = len(pdf.pages)
        labels = [label(n, total) for n in range(1, total + 1)]
        stamp_page_numbers(pdf, labels, font, style)
        out = io.BytesIO()
        pdf.save(out, **SAVE_OPTIONS)
        return out.getvalue()
