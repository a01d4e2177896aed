"""Step 4c: join separately rendered PDF parts into one guide, and number pages.

The guide is not laid out as one huge document: its cover and contents, each chapter and each
scenario are rendered on their own (in parallel, cached) and `Joiner` writes them into one file
part by part, keeping only the guide's bookkeeping in memory. The joined guide keeps what a
single document would have had:

- page numbers: no part prints its own; they are stamped as pagination artifacts once the
  page count of every part is known, in the wording and font the caller gives (`PageFooter`:
  "Page 12 of 340", "Página 12 de 340"; the cover and contents count in roman numerals, as in
  a book, so the contents can be made last without moving any page);
- links between parts: a part writes them as `followup-pdf:<anchor>` and they become named
  destinations; every part's named destinations are merged, and two parts that define the
  same one are an error (`JoinError`), as a link could only reach one of them;
- the outline (bookmarks), built from the book's structure; the parts' own are not copied
  (only what a part's pages, tags, links and form fields use is);
- the tags (one structure tree: a Document element with every part as a Part element),
  fillable form fields (form resources that two parts name alike but that differ are
  renamed), and the document's metadata, which come from the first chapter;
- one copy of each font: parts embed the shipped fonts whole, so their bytes are identical.

A scenario's own PDF is its part, with its own page numbers stamped (`standalone`).
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import re
import subprocess
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pikepdf
from pikepdf import Array, Dictionary, Name, String

CROSS_LINK_SCHEME = "followup-pdf:"
"""Links to an anchor in another part are written as `followup-pdf:<anchor>`."""

FOOTER_FONT_FILE = "FollowupSans-Regular.ttf"
"""The face page numbers are written in, in the project's templates/pdf/fonts/ folder."""
FOOTER_SIZE = 8.0
FOOTER_GREY = 0.4
FOOTER_BASELINE_MM = 9.0
"""Where page numbers go: centred, this far above the bottom edge (inside the 20 mm margin)."""

SAVE_OPTIONS = {
    "object_stream_mode": pikepdf.ObjectStreamMode.generate,
    "compress_streams": True,
    "deterministic_id": True,
}


class JoinError(Exception):
    """Parts that cannot be joined into one document as they are (two define one anchor ...)."""


@dataclass(frozen=True)
class PageFooter:
    """What the foot of each page says, and in which font.

    `text` numbers the body pages and `front_text` the contents (in roman numerals); both are
    format strings with the fields `{page}` and `{total}`, so a translation can pass
    "Página {page} de {total}". Characters the font lacks are drawn with a system font that has
    them (found through fontconfig), or as the font's missing-glyph box when none does."""

    font: Path
    """A TrueType font file: the project's own (templates/pdf/fonts/), passed in by the caller."""
    text: str = "Page {page} of {total}"
    front_text: str = "Page {page}"

    def __post_init__(self) -> None:
        for wording in (self.text, self.front_text):
            try:
                wording.format(page=1, total=1)
            except (KeyError, IndexError, ValueError) as exc:
                raise ValueError(
                    f"page footer {wording!r}: {exc!s} is not a field it can use; write "
                    "{page} for the page number and {total} for the page count, as in "
                    "'Page {page} of {total}'"
                ) from None

    def body_label(self, page: int, total: int) -> str:
        return self.text.format(page=page, total=total)

    def front_label(self, page: int) -> str:
        return self.front_text.format(page=roman(page), total="")


@dataclass(frozen=True)
class PartInfo:
    """What the contents and outline need to know about a rendered part."""

    pages: int
    anchors: dict[str, int]
    """Anchor name -> 0-based page index inside the part."""


@dataclass(frozen=True)
class OutlineEntry:
    title: str
    anchor: str
    children: tuple[OutlineEntry, ...] = ()


def _named_dests(pdf: pikepdf.Pdf) -> list[tuple[str, pikepdf.Object]]:
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return []
    return [(str(name), dest) for name, dest in pikepdf.NameTree(names.Dests).items()]


def _part_info(pdf: pikepdf.Pdf) -> PartInfo:
    index = {page.objgen: number for number, page in enumerate(pdf.pages)}
    anchors = {}
    for name, dest in _named_dests(pdf):
        if isinstance(dest, Array) and len(dest) and dest[0].objgen in index:
            anchors[name] = index[dest[0].objgen]
    return PartInfo(len(pdf.pages), anchors)


def roman(number: int) -> str:
    numerals = (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    )  # fmt: skip
    out = ""
    for value, letters in numerals:
        while number >= value:
            out += letters
            number -= value
    return out


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

    def __init__(self, font: Path) -> None:
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
        x = page_width / 2 - width * FOOTER_SIZE / 1000 / 2
        y = FOOTER_BASELINE_MM * 72 / 25.4
        shows = []
        for face, gids, chars in runs:
            show = b"/%s%d %g Tf <%s> Tj " % (prefix, face, FOOTER_SIZE, _gids(gids).hex().encode())
            if not gids[-1]:
                # The box stands for a character: text extraction and screen readers get it.
                show = b"/Span <</ActualText %s>> BDC %sEMC " % (String(chars).unparse(), show)
            shows.append(show)
        return b"%g g BT %.2f %.2f Td %sET\n" % (FOOTER_GREY, x, y, b"".join(shows))

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


def stamp_page_numbers(pdf: pikepdf.Pdf, labels: Sequence[str | None], font: Path) -> None:
    """Write `labels[i]` centred at the foot of page i (None: nothing), as an artifact."""
    fonts = _FooterFonts(font)
    stamps = []
    for page, label in zip(pdf.pages, labels, strict=True):
        if label:
            box = [float(v) for v in page.mediabox]
            stamps.append((page, fonts.content(label, box[2] - box[0], b"FUpage")))
    font_objects = fonts.add_to(pdf)
    # WeasyPrint's content leaves a flipped coordinate system in place: wrap it.
    opening = pikepdf.Stream(pdf, b"q\n")
    for page, content in stamps:
        # Pages of a part share one resource dictionary, which is also the form's: give
        # each stamped page its own copy, so the footer font stays out of the others.
        resources = Dictionary({k: v for k, v in page.obj.get("/Resources", {}).items()})
        page_fonts = Dictionary({k: v for k, v in resources.get("/Font", {}).items()})
        for number, font_object in enumerate(font_objects):
            page_fonts[f"/FUpage{number}"] = font_object
        resources.Font = page_fonts
        page.obj.Resources = resources
        stamp = b"Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n" + content + b"EMC\n"
        page.contents_add(opening, prepend=True)
        page.contents_add(pikepdf.Stream(pdf, stamp), prepend=False)


def standalone(part: bytes, footer: PageFooter) -> bytes:
    """A part as a document of its own: "Page 1 of 3"."""
    with pikepdf.open(io.BytesIO(part)) as pdf:
        total = len(pdf.pages)
        labels = [footer.body_label(n, total) for n in range(1, total + 1)]
        stamp_page_numbers(pdf, labels, footer.font)
        out = io.BytesIO()
        pdf.save(out, **SAVE_OPTIONS)
        return out.getvalue()


def _flat_pairs(tree: pikepdf.Object, key: str) -> list[pikepdf.Object]:
    """The flat [key, value, key, value ...] list of a name or number tree."""
    items = list(tree.get(key, ()))
    for kid in tree.get("/Kids", ()):
        items += _flat_pairs(kid, key)
    return items


def _tree_nodes(tree: pikepdf.Object | None) -> list[pikepdf.Object]:
    """The node objects of a name or number tree (the root and its /Kids, recursively)."""
    if tree is None:
        return []
    nodes = [tree]
    for kid in tree.get("/Kids", ()):
        nodes += _tree_nodes(kid)
    return nodes


def _offset_struct_parents(pdf: pikepdf.Pdf, offset: int) -> None:
    for page in pdf.pages:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annot in page.obj.get("/Annots", ()):
            if "/StructParent" in annot:
                annot.StructParent = int(annot.StructParent) + offset


def _retarget_cross_links(page: pikepdf.Page) -> None:
    for annot in page.obj.get("/Annots", ()):
        action = annot.get("/A")
        if action is None or action.get("/S") != Name.URI:
            continue
        uri = str(action.URI)
        if uri.startswith(CROSS_LINK_SCHEME):
            anchor = uri[len(CROSS_LINK_SCHEME) :]
            del annot["/A"]
            annot.Dest = String(anchor)
            if "/Contents" in annot:
                annot.Contents = String(anchor)


# In qpdf's unparsed syntax: dictionary brackets, strings (skipped whole, so that nothing in
# them is taken for a reference) and indirect references, which get the output's numbers.
_TOKENS = re.compile(
    rb"<<|>>|\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f\s]*>|(?<![\w./+-])(\d+ \d+) R(?![\w.])", re.S
)


def _text(value: str) -> bytes:
    return String(value).unparse()


class _Output:
    """A PDF file written object by object: streams at once, other objects packed into
    compressed object streams; a cross-reference stream at the end."""

    OBJECTS_PER_STREAM = 400

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.file.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self.count = 0
        self.where: dict[int, tuple[int, int, int]] = {}
        self.pending: list[tuple[int, bytes]] = []

    def reserve(self) -> int:
        self.count += 1
        return self.count

    def put(self, number: int, body: bytes) -> None:
        self.pending.append((number, body))
        if len(self.pending) >= self.OBJECTS_PER_STREAM:
            self._pack()

    def put_stream(self, number: int, dictionary: bytes, data: bytes) -> None:
        self.where[number] = (1, self.file.tell(), 0)
        self.file.write(b"%d 0 obj\n%s\nstream\n" % (number, dictionary))
        self.file.write(data)
        self.file.write(b"\nendstream\nendobj\n")

    def _pack(self) -> None:
        if not self.pending:
            return
        number = self.reserve()
        header, bodies, offset = [], [], 0
        for index, (member, body) in enumerate(self.pending):
            header.append(b"%d %d" % (member, offset))
            bodies.append(body)
            offset += len(body) + 1
            self.where[member] = (2, number, index)
        first = b" ".join(header) + b"\n"
        data = zlib.compress(first + b"\n".join(bodies), 6)
        self.put_stream(
            number,
            b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>"
            % (len(self.pending), len(first), len(data)),
            data,
        )
        self.pending = []

    def close(self, root: int, info: int, identifier: bytes) -> None:
        self._pack()
        number = self.reserve()
        self.where[number] = (1, self.file.tell(), 0)
        # Offsets as wide as the file needs; rows stored as differences from the row above
        # (PNG "Up" predictor), which compresses the table to a few bytes a row.
        width = max(2, (self.file.tell().bit_length() + 7) // 8)
        rows = [bytes(1 + width) + b"\xff\xff"]
        for n in range(1, number + 1):
            kind, a, b = self.where.get(n, (0, 0, 0))
            rows.append(bytes([kind]) + a.to_bytes(width, "big") + b.to_bytes(2, "big"))
        encoded, previous = [], bytes(len(rows[0]))
        for row in rows:
            encoded.append(
                b"\x02" + bytes((x - y) & 0xFF for x, y in zip(row, previous, strict=True))
            )
            previous = row
        data = zlib.compress(b"".join(encoded), 6)
        ident = b"<" + identifier.hex().encode() + b">"
        self.put_stream(
            number,
            b"<< /Type /XRef /Size %d /W [ 1 %d 2 ] /Root %d 0 R /Info %d 0 R /ID [ %s %s ] "
            b"/Filter /FlateDecode /DecodeParms << /Columns %d /Predictor 12 >> /Length %d >>"
            % (number + 1, width, root, info, ident, ident, 3 + width, len(data)),
            data,
        )
        self.file.write(b"startxref\n%d\n%%%%EOF\n" % self.where[number][1])


def _is_font_file(obj: pikepdf.Object) -> bool:
    return isinstance(obj, pikepdf.Stream) and (
        "/Length1" in obj or "/Length2" in obj or obj.get("/Subtype") == Name.OpenType
    )


def _part_name(source: Path | bytes, front: bool) -> str:
    if front:
        return "the cover and contents"
    return source.name if isinstance(source, Path) else "a part"


def _reachable(
    pdf: pikepdf.Pdf, roots: Sequence[pikepdf.Object], stop: set
) -> list[pikepdf.Object]:
    """The indirect objects that `roots` use, directly or through others, in a stable order;
    objects in `stop` (by objgen) and what only they use are left out. References are read
    from each object's PDF syntax, so that none is missed (pikepdf hands out an indirect
    number as a plain int)."""
    found, seen = [], set(stop)
    stack = list(reversed(roots))
    while stack:
        obj = stack.pop()
        if not isinstance(obj, pikepdf.Object):
            continue
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
            found.append(obj)
        data = obj.stream_dict.unparse() if isinstance(obj, pikepdf.Stream) else obj.unparse(True)
        references = [m.group(1) for m in _TOKENS.finditer(data) if m.group(1)]
        for reference in reversed(references):
            number, generation = map(int, reference.split())
            if (number, generation) not in seen:
                stack.append(pdf.get_object(number, generation))
    return found


def _field_nodes(fields: Sequence[pikepdf.Object]) -> list[pikepdf.Object]:
    """Every field and widget under the form's /Fields, through /Kids."""
    nodes, stack = [], list(fields)
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack += list(node.get("/Kids", ()))
    return nodes


def _resource_identity(value: pikepdf.Object) -> bytes:
    """What makes two form resources of different parts the same: for a font, its name and
    the bytes of its font file; for anything else, its content."""
    if value.get("/Type") == Name.Font:
        font = value.DescendantFonts[0] if "/DescendantFonts" in value else value
        descriptor = font.get("/FontDescriptor", Dictionary())
        file = next(
            (descriptor[k] for k in ("/FontFile2", "/FontFile3", "/FontFile") if k in descriptor),
            None,
        )
        digest = hashlib.sha256(file.read_bytes()).digest() if file is not None else b""
        return bytes(value.get("/BaseFont", Name("/None")).unparse()) + b"\0" + digest
    return value.unparse(resolved=True)


def _part_element(part: pikepdf.Pdf, tree: pikepdf.Object) -> pikepdf.Object:
    """The one structure element that holds all of a part's tags (wrapping several in one)."""
    kids = tree.get("/K")
    if isinstance(kids, Dictionary):
        return kids
    elements = [kid for kid in kids or () if isinstance(kid, Dictionary)]
    if len(elements) == 1:
        return elements[0]
    wrapper = part.make_indirect(Dictionary(Type=Name.StructElem, K=Array(elements)))
    for element in elements:
        element.P = wrapper
    tree.K = wrapper
    return wrapper


class Joiner:
    """Writes the guide part by part, straight to a file, so memory stays bounded.

    Each part is opened, its objects are renumbered and written out (streams at once, the
    rest in compressed object streams), and it is closed before the next one: only what the
    document as a whole needs is kept (page and structure numbers, named destinations, form
    fields, page labels). Body parts come first, as they are rendered; the front (cover and
    contents), rendered last, is put in front of them in the page order."""

    def __init__(self, path: Path, footer: PageFooter) -> None:
        self.path = path
        self.footer = footer
        self.partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        file = open(self.partial, "wb")  # noqa: SIM115 (closed in finish/abort)
        try:
            self.out = _Output(file)
            self.pages_root = self.out.reserve()
            self.document = self.out.reserve()
        except BaseException:  # a full disk from the first byte: leave nothing behind
            file.close()
            self.partial.unlink(missing_ok=True)
            raise
        self.body_pages: list[int] = []
        self.front_pages: list[int] = []
        self.struct_body: list[int] = []
        self.struct_front: list[int] = []
        self.parent_tree: list[tuple[int, bytes]] = []
        self.next_key = 0
        self.dests: dict[bytes, tuple[bytes, str]] = {}
        """Raw bytes of each destination's name -> (the destination renumbered, its part)."""
        self.fields: list[bytes] = []
        self.form_resources: dict[str, dict[bytes, tuple[bytes, bytes]]] = {
            "/Font": {},
            "/ExtGState": {},
        }
        """Name -> (what it stands for, renumbered; what makes two of them the same)."""
        self.font_files: dict[bytes, int] = {}
        self.footers: list[tuple[int, str, int, tuple[float, float]]] = []
        """(XObject number, "front" or "body", index in that list, page size)."""
        self.catalog_source: tuple[bytes, bytes, bytes | None, bytes | None] | None = None
        self.digest = hashlib.sha256()

    def _number(self, objects: Sequence[pikepdf.Object]) -> dict:
        numbers = {}
        for obj in objects:
            if _is_font_file(obj):
                digest = hashlib.sha256(obj.read_bytes()).digest()
                if digest in self.font_files:
                    numbers[obj.objgen] = self.font_files[digest]
                    continue
                self.font_files[digest] = numbers[obj.objgen] = self.out.reserve()
            else:
                numbers[obj.objgen] = self.out.reserve()
        return numbers

    @staticmethod
    def _table(numbers: dict[tuple[int, int], int]) -> dict[bytes, bytes]:
        """ "12 0" (a reference in the part) -> "345 0 R" (the same in the output)."""
        return {b"%d %d" % objgen: b"%d 0 R" % number for objgen, number in numbers.items()}

    @staticmethod
    def _renumber(data: bytes, table: dict[bytes, bytes]) -> bytes:
        def replace(match: re.Match) -> bytes:
            reference = match.group(1)
            if reference is None:
                return match.group(0)
            # A reference to something the joined document replaces (the part's catalog,
            # its outline ...) would dangle: it becomes null.
            return table.get(reference, b"null")

        return _TOKENS.sub(replace, data)

    def _write(
        self, numbers: dict, table: dict[bytes, bytes], objects: Sequence[pikepdf.Object]
    ) -> None:
        todo, written = [], set()
        for obj in objects:
            number = numbers[obj.objgen]
            if number in written or number in self.out.where:
                continue  # a font file this output already has
            written.add(number)
            todo.append((number, obj))
        serial = []
        for _, obj in todo:
            if isinstance(obj, pikepdf.Stream):
                obj.stream_dict.Length = len(obj.read_raw_bytes())
                serial.append(obj.stream_dict.unparse())
            else:
                serial.append(obj.unparse(resolved=True))
        # One pass over the whole part: unparsed PDF syntax never holds a NUL byte (qpdf
        # escapes it inside strings), so NUL separates the objects.
        bodies = self._renumber(b"\0".join(serial), table).split(b"\0")
        for (number, obj), body in zip(todo, bodies, strict=True):
            if isinstance(obj, pikepdf.Stream):
                raw = obj.read_raw_bytes()
                self.digest.update(raw)
                self.out.put_stream(number, body, raw)
            else:
                self.digest.update(body)
                self.out.put(number, body)

    def _add(self, source: Path | bytes, front: bool, name: str) -> PartInfo:
        part = pikepdf.open(io.BytesIO(source) if isinstance(source, bytes) else source)
        try:
            return self._add_part(part, front, name or _part_name(source, front))
        finally:
            part.close()

    def _merge_form_resources(self, part: pikepdf.Pdf) -> list[tuple[str, bytes, str]]:
        """Give the part's form resources (fonts, graphics states) names that mean the same
        thing in the whole document: a name already used by another part for something
        else is renamed, and so are the references in the part's fields. Returns the
        (kind, name in PDF syntax, name) of the entries the document does not have yet."""
        form = part.Root.get("/AcroForm")
        resources = form.get("/DR") if form is not None else None
        if resources is None:
            return []
        new, renames = [], {}
        for kind, known in self.form_resources.items():
            entries = resources.get(kind)
            if entries is None:
                continue
            # Sorted: the parts' own order varies from one rendering to the next.
            for key in sorted(entries.keys()):
                identity = _resource_identity(entries[key])
                # The name itself, else key_2, key_3 ...: the first free one or the first
                # that stands for the same thing. (The part's own dictionary stays as it
                # is: it is also its pages' resources.)
                number, candidate = 1, key
                while (
                    Name(candidate).unparse() in known
                    and known[Name(candidate).unparse()][1] != identity
                ):
                    number += 1
                    candidate = f"{key}_{number}"
                raw = Name(candidate).unparse()
                if raw not in known:
                    known[raw] = (b"", identity)  # the value is filled in once renumbered
                    new.append((kind, raw, key))
                if candidate != key:
                    renames[key] = candidate
        if renames:
            pattern = re.compile(
                rb"(" + b"|".join(re.escape(k.encode()) for k in renames) + rb")(?![^\s/\[\]()<>])"
            )
            for field in _field_nodes(form.get("/Fields", ())):
                if "/DA" in field:
                    field.DA = String(
                        pattern.sub(
                            lambda m: renames[m.group(1).decode()].encode(), bytes(field.DA)
                        )
                    )
        return new

    def _add_part(self, part: pikepdf.Pdf, front: bool, name: str) -> PartInfo:
        info = _part_info(part)
        root = part.Root
        page_objects = [page.obj for page in part.pages]
        if self.catalog_source is None and not front:
            metadata = root.get("/Metadata")
            self.catalog_source = (
                part.docinfo.unparse(resolved=True),
                root.get("/Lang", String("en")).unparse(),
                metadata.read_raw_bytes() if metadata is not None else None,
                metadata.stream_dict.unparse() if metadata is not None else None,
            )
        names = root.get("/Names")
        dests = (
            _flat_pairs(names.Dests, "/Names") if names is not None and "/Dests" in names else []
        )
        for index in range(0, len(dests), 2):
            key = bytes(dests[index])
            if key in self.dests:
                raise JoinError(
                    f"{name} and {self.dests[key][1]} both define the anchor "
                    f"{key.decode('utf-8', 'replace')!r}: a link to it could only reach one of "
                    "them (rename one of the headings or ids)"
                )
        new_resources = self._merge_form_resources(part)

        # What the whole document holds instead of the part: never copied. Of the rest,
        # only what the part's pages, tags, links and form fields use is copied.
        tree = root.StructTreeRoot
        stop = {root.objgen, tree.objgen}
        if "/Info" in part.trailer and part.trailer.Info.is_indirect:
            stop.add(part.trailer.Info.objgen)
        for key in ("/Metadata", "/Pages", "/Outlines", "/AcroForm", "/Names"):
            if key in root and root[key].is_indirect:
                stop.add(root[key].objgen)
        stop |= {node.objgen for node in _tree_nodes(tree.get("/ParentTree"))}

        # Change the part in place, then copy it: numbers of structure parents, links to other
        # parts, the top structure element, the pages' parent, the page number footers.
        _offset_struct_parents(part, self.next_key)
        placeholders = {}

        def placeholder(number: int) -> pikepdf.Object:
            obj = part.make_indirect(Dictionary())
            placeholders[obj.objgen] = number
            return obj

        top = _part_element(part, tree)
        top.S = Name.Part
        top.P = placeholder(self.document)
        pages_root = placeholder(self.pages_root)
        opening = part.make_stream(b"q\n")
        closing = part.make_stream(
            b"Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n/FUpage Do\nEMC\n"
        )
        pages = self.front_pages if front else self.body_pages
        # Pages are reached through `page_objects` from here on: asking the part for its page
        # list again would make qpdf repair the /Parent links this changes.
        for number, page_object in enumerate(page_objects):
            page = pikepdf.Page(page_object)
            _retarget_cross_links(page)
            index = len(pages) + number
            if front and index == 0:
                continue  # the cover
            box = [float(v) for v in page.mediabox]
            footer = self.out.reserve()
            size = (box[2] - box[0], box[3] - box[1])
            self.footers.append((footer, "front" if front else "body", index, size))
            resources = Dictionary({k: v for k, v in page_object.get("/Resources", {}).items()})
            xobjects = Dictionary({k: v for k, v in resources.get("/XObject", {}).items()})
            xobjects.FUpage = placeholder(footer)
            resources.XObject = xobjects
            page_object.Resources = resources
            page.contents_add(opening, prepend=True)
            page.contents_add(closing, prepend=False)
        for page_object in page_objects:
            page_object.Parent = pages_root
        stop |= set(placeholders)

        form = root.get("/AcroForm")
        fields = list(form.get("/Fields", ())) if form is not None else []
        form_values = [(kind, raw, form.DR[kind][key]) for kind, raw, key in new_resources]
        parent_pairs = _flat_pairs(tree.get("/ParentTree", Dictionary()), "/Nums")
        objects = _reachable(
            part,
            [
                *page_objects,
                top,
                *parent_pairs[1::2],
                *dests[1::2],
                *fields,
                *(value for _, _, value in form_values),
            ],
            stop,
        )
        numbers = self._number(objects) | placeholders
        table = self._table(numbers)
        self._write(numbers, table, objects)

        pages += [numbers[page_object.objgen] for page_object in page_objects]
        (self.struct_front if front else self.struct_body).append(numbers[top.objgen])

        def unparse(value: pikepdf.Object) -> bytes:
            return value.unparse() if value.is_indirect else value.unparse(resolved=True)

        # What the document as a whole keeps of the part, renumbered in one pass.
        keys: list[tuple[str, object]] = []
        serial: list[bytes] = []
        numbers_seen = [int(key) for key in parent_pairs[0::2]]
        for key, value in zip(parent_pairs[0::2], parent_pairs[1::2], strict=True):
            keys.append(("parent", int(key) + self.next_key))
            serial.append(unparse(value))
        self.next_key += max(numbers_seen, default=-1) + 1
        for key, value in zip(dests[0::2], dests[1::2], strict=True):
            keys.append(("dest", bytes(key)))
            serial.append(unparse(value))
        for field in fields:
            keys.append(("field", None))
            serial.append(field.unparse())
        for kind, key, value in form_values:
            keys.append((kind, key))
            serial.append(unparse(value))
        values = self._renumber(b"\0".join(serial), table).split(b"\0") if serial else []
        for (kind, key), value in zip(keys, values, strict=True):
            if kind == "parent":
                self.parent_tree.append((key, value))
            elif kind == "dest":
                self.dests[key] = (value, name)
            elif kind == "field":
                self.fields.append(value)
            else:
                known = self.form_resources[kind]
                known[key] = (value, known[key][1])
        return info

    def append(self, source: Path | bytes, name: str = "") -> PartInfo:
        """Add a part (a file, or its bytes) at the end; returns where its anchors are.
        `name` says which part it is in error messages."""
        return self._add(source, front=False, name=name)

    def add_front(self, parts: Sequence[Path | bytes]) -> None:
        """The cover and contents, in front of everything appended."""
        for source in parts:
            self._add(source, front=True, name="")

    def _put_dict(self, entries: dict[bytes, bytes], number: int | None = None) -> int:
        number = number or self.out.reserve()
        body = b"<< " + b" ".join(k + b" " + v for k, v in entries.items()) + b" >>"
        self.out.put(number, body)
        return number

    def _write_footers(self) -> None:
        body_total = len(self.body_pages)
        fonts = _FooterFonts(self.footer.font)
        contents = []
        for number, where, index, (width, height) in self.footers:
            label = (
                self.footer.front_label(index + 1)
                if where == "front"
                else self.footer.body_label(index + 1, body_total)
            )
            contents.append((number, width, height, fonts.content(label, width, b"F")))
        scratch = pikepdf.new()
        font_objects = fonts.add_to(scratch)
        objects = _reachable(scratch, font_objects, set())
        numbers = self._number(objects)
        self._write(numbers, self._table(numbers), objects)
        resources = b" ".join(
            b"/F%d %d 0 R" % (face, numbers[font.objgen]) for face, font in enumerate(font_objects)
        )
        for number, width, height, data in contents:
            self.out.put_stream(
                number,
                b"<< /Type /XObject /Subtype /Form /BBox [ 0 0 %.2f %.2f ] "
                b"/Resources << /Font << %s >> >> /Length %d >>"
                % (width, height, resources, len(data)),
                data,
            )

    def _write_outline(self, entries: Sequence[OutlineEntry], parent: int) -> tuple:
        """Write outline items under `parent`; returns (first, last, count of all items)."""
        numbers = [self.out.reserve() for _ in entries]
        total = 0
        for index, (entry, number) in enumerate(zip(entries, numbers, strict=True)):
            fields = {
                b"/Title": _text(entry.title),
                b"/Parent": b"%d 0 R" % parent,
                b"/Dest": _text(entry.anchor),
            }
            if index:
                fields[b"/Prev"] = b"%d 0 R" % numbers[index - 1]
            if index + 1 < len(numbers):
                fields[b"/Next"] = b"%d 0 R" % numbers[index + 1]
            if entry.children:
                first, last, count = self._write_outline(entry.children, number)
                fields |= {b"/First": first, b"/Last": last, b"/Count": b"%d" % -count}
                total += count
            self._put_dict(fields, number)
        total += len(entries)
        if not numbers:
            return b"null", b"null", 0
        return b"%d 0 R" % numbers[0], b"%d 0 R" % numbers[-1], total

    def _page_labels(self) -> bytes:
        """The cover, the contents in roman numerals from ii, then 1, 2, 3 ..."""
        front = len(self.front_pages)
        labels = {0: b"<< /S /D /St 1 >>"}
        if front:
            labels[0] = b"<< /P (Cover) >>"
            if front > 1:
                labels[1] = b"<< /S /r /St 2 >>"
            labels[front] = b"<< /S /D /St 1 >>"
        return b" ".join(b"%d %s" % item for item in sorted(labels.items()))

    def finish(self, outline: Sequence[OutlineEntry]) -> Path:
        """Write the document's own objects and the cross-reference table; returns the path."""
        out = self.out
        self._write_footers()
        pages = self.front_pages + self.body_pages
        kids = b" ".join(b"%d 0 R" % n for n in pages)
        self._put_dict(
            {b"/Type": b"/Pages", b"/Kids": b"[ " + kids + b" ]", b"/Count": b"%d" % len(pages)},
            self.pages_root,
        )
        tree_root = out.reserve()
        parts = b" ".join(b"%d 0 R" % n for n in self.struct_front + self.struct_body)
        self._put_dict(
            {
                b"/Type": b"/StructElem",
                b"/S": b"/Document",
                b"/P": b"%d 0 R" % tree_root,
                b"/K": b"[ " + parts + b" ]",
            },
            self.document,
        )
        nums = b" ".join(b"%d %s" % (k, v) for k, v in sorted(self.parent_tree))
        parent_tree = self._put_dict({b"/Nums": b"[ " + nums + b" ]"})
        self._put_dict(
            {
                b"/Type": b"/StructTreeRoot",
                b"/K": b"%d 0 R" % self.document,
                b"/ParentTree": b"%d 0 R" % parent_tree,
                b"/ParentTreeNextKey": b"%d" % self.next_key,
            },
            tree_root,
        )
        # Named destinations: a two-level name tree, so viewers need not read one huge array.
        # Name trees are sorted by the bytes of their keys.
        names = [(String(key).unparse(), value) for key, (value, _) in sorted(self.dests.items())]
        leaves = []
        for start in range(0, len(names), 256):
            chunk = names[start : start + 256]
            leaves.append(
                self._put_dict(
                    {
                        b"/Names": b"[ " + b" ".join(k + b" " + v for k, v in chunk) + b" ]",
                        b"/Limits": b"[ " + chunk[0][0] + b" " + chunk[-1][0] + b" ]",
                    }
                )
            )
        dests = self._put_dict({b"/Kids": b"[ " + b" ".join(b"%d 0 R" % n for n in leaves) + b" ]"})
        outlines = out.reserve()
        first, last, count = self._write_outline(outline, outlines)
        self._put_dict(
            {b"/Type": b"/Outlines", b"/First": first, b"/Last": last, b"/Count": b"%d" % count},
            outlines,
        )
        info_body, lang, metadata, metadata_dict = self.catalog_source or (
            b"<< >>",
            b"(en)",
            None,
            None,
        )
        catalog = {
            b"/Type": b"/Catalog",
            b"/Pages": b"%d 0 R" % self.pages_root,
            b"/StructTreeRoot": b"%d 0 R" % tree_root,
            b"/MarkInfo": b"<< /Marked true >>",
            b"/Lang": lang,
            b"/ViewerPreferences": b"<< /DisplayDocTitle true >>",
            b"/Names": b"<< /Dests %d 0 R >>" % dests,
            b"/Outlines": b"%d 0 R" % outlines,
            b"/PageMode": b"/UseOutlines",
            b"/PageLabels": b"<< /Nums [ " + self._page_labels() + b" ] >>",
        }
        if metadata is not None:
            number = out.reserve()
            out.put_stream(number, metadata_dict, metadata)
            catalog[b"/Metadata"] = b"%d 0 R" % number
        if self.fields:
            resources = b" ".join(
                kind.encode()
                + b" << "
                + b" ".join(k + b" " + v for k, (v, _) in sorted(known.items()))
                + b" >>"
                for kind, known in self.form_resources.items()
            )
            catalog[b"/AcroForm"] = (
                b"<< /Fields [ " + b" ".join(self.fields) + b" ] /NeedAppearances true /DR << "
                + resources + b" >> >>"
            )  # fmt: skip
        root = self._put_dict(catalog)
        info = out.reserve()
        out.put(info, info_body)
        out.close(root, info, self.digest.digest()[:16])
        out.file.close()
        os.replace(self.partial, self.path)
        return self.path

    def abort(self) -> None:
        self.out.file.close()
        self.partial.unlink(missing_ok=True)
