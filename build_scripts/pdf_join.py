"""Step 4c: join separately rendered PDF parts into one guide, and number pages.

The guide is not laid out as one huge document: its cover and contents, each chapter and each
scenario are rendered on their own (in parallel, cached) and `Joiner` writes them into one file
part by part, keeping only the guide's bookkeeping in memory. The joined guide keeps what a
single document would have had:

- page numbers: no part prints its own; they are stamped as pagination artifacts once the
  page count of every part is known ("Page 12 of 340"; the cover and contents count in
  roman numerals, as in a book, so the contents can be made last without moving any page);
- links between parts: a part writes them as `followup-pdf:<anchor>` and they become named
  destinations; every part's named destinations are merged;
- the outline (bookmarks), built from the book's structure;
- the tags (one structure tree with every part as a Part element), fillable form fields, and
  the document's metadata, which come from the first chapter;
- one copy of each font: parts embed the shipped fonts whole, so their bytes are identical.

A scenario's own PDF is its part, with its own page numbers stamped (`standalone`).
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pikepdf
from pikepdf import Array, Dictionary, Name, String

CROSS_LINK_SCHEME = "followup-pdf:"
"""Links to an anchor in another part are written as `followup-pdf:<anchor>`."""

FOOTER_FONT = (
    Path(__file__).resolve().parent.parent / "templates/pdf/fonts/FollowupSans-Regular.ttf"
)
FOOTER_SIZE = 8.0
FOOTER_GREY = 0.4
FOOTER_BASELINE_MM = 9.0
"""Where page numbers go: centred, this far above the bottom edge (inside the 20 mm margin)."""

SAVE_OPTIONS = {
    "object_stream_mode": pikepdf.ObjectStreamMode.generate,
    "compress_streams": True,
    "deterministic_id": True,
}


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


class _FooterFont:
    """The shipped regular face as a simple TrueType font, for page numbers (ASCII only)."""

    def __init__(self) -> None:
        from fontTools.ttLib import TTFont

        self.data = FOOTER_FONT.read_bytes()
        font = TTFont(io.BytesIO(self.data))
        scale = 1000 / font["head"].unitsPerEm
        cmap = font.getBestCmap()
        metrics = font["hmtx"].metrics
        self.widths = [round(metrics[cmap[code]][0] * scale) for code in range(32, 127)]
        head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
        self.bbox = [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
        self.ascent = round(hhea.ascent * scale)
        self.descent = round(hhea.descent * scale)
        self.cap_height = round(getattr(os2, "sCapHeight", hhea.ascent) * scale)
        self.name = font["name"].getDebugName(6) or "FollowupSans-Regular"

    def width(self, text: str, size: float) -> float:
        return sum(self.widths[ord(c) - 32] for c in text) * size / 1000

    def add_to(self, pdf: pikepdf.Pdf) -> pikepdf.Object:
        file = pikepdf.Stream(pdf, zlib.compress(self.data, 6))
        file.Filter = Name.FlateDecode
        file.Length1 = len(self.data)
        descriptor = Dictionary(
            Type=Name.FontDescriptor,
            FontName=Name("/" + self.name),
            Flags=32,
            FontBBox=Array(self.bbox),
            ItalicAngle=0,
            Ascent=self.ascent,
            Descent=self.descent,
            CapHeight=self.cap_height,
            StemV=80,
            FontFile2=file,
        )
        return pdf.make_indirect(
            Dictionary(
                Type=Name.Font,
                Subtype=Name.TrueType,
                BaseFont=Name("/" + self.name),
                FirstChar=32,
                LastChar=126,
                Widths=Array(self.widths),
                Encoding=Name.WinAnsiEncoding,
                FontDescriptor=pdf.make_indirect(descriptor),
            )
        )


@functools.cache
def _footer_font() -> _FooterFont:
    return _FooterFont()


def _footer(label: str, page_width: float, font_name: bytes) -> bytes:
    """Content that writes `label` centred at the foot of a page `page_width` wide."""
    x = page_width / 2 - _footer_font().width(label, FOOTER_SIZE) / 2
    y = FOOTER_BASELINE_MM * 72 / 25.4
    return b"%g g BT %s %g Tf %.2f %.2f Td %s Tj ET\n" % (
        FOOTER_GREY,
        font_name,
        FOOTER_SIZE,
        x,
        y,
        String(label).unparse(),
    )


def stamp_page_numbers(pdf: pikepdf.Pdf, labels: Sequence[str | None]) -> None:
    """Write `labels[i]` centred at the foot of page i (None: nothing), as an artifact."""
    font_object = _footer_font().add_to(pdf)
    # WeasyPrint's content leaves a flipped coordinate system in place: wrap it.
    opening = pikepdf.Stream(pdf, b"q\n")
    for page, label in zip(pdf.pages, labels, strict=True):
        if not label:
            continue
        # Pages of a part share one resource dictionary, which is also the form's: give
        # each stamped page its own copy, so the footer font stays out of the others.
        resources = Dictionary({k: v for k, v in page.obj.get("/Resources", {}).items()})
        fonts = Dictionary({k: v for k, v in resources.get("/Font", {}).items()})
        fonts.FUpage = font_object
        resources.Font = fonts
        page.obj.Resources = resources
        box = [float(v) for v in page.mediabox]
        stamp = (
            b"Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n"
            + _footer(label, box[2] - box[0], b"/FUpage")
            + b"EMC\n"
        )
        page.contents_add(opening, prepend=True)
        page.contents_add(pikepdf.Stream(pdf, stamp), prepend=False)


def standalone(part: bytes) -> bytes:
    """A part as a document of its own: "Page 1 of 3"."""
    with pikepdf.open(io.BytesIO(part)) as pdf:
        total = len(pdf.pages)
        stamp_page_numbers(pdf, [f"Page {n} of {total}" for n in range(1, total + 1)])
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


class Joiner:
    """Writes the guide part by part, straight to a file, so memory stays bounded.

    Each part is opened, its objects are renumbered and written out (streams at once, the
    rest in compressed object streams), and it is closed before the next one: only what the
    document as a whole needs is kept (page and structure numbers, named destinations, form
    fields, page labels). Body parts come first, as they are rendered; the front (cover and
    contents), rendered last, is put in front of them in the page order."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        self.out = _Output(open(self.partial, "wb"))  # noqa: SIM115 (closed in finish/abort)
        self.pages_root = self.out.reserve()
        self.document = self.out.reserve()
        self.body_pages: list[int] = []
        self.front_pages: list[int] = []
        self.struct_body: list[int] = []
        self.struct_front: list[int] = []
        self.parent_tree: list[tuple[int, bytes]] = []
        self.next_key = 0
        self.dests: dict[bytes, bytes] = {}
        """Raw bytes of each destination's name -> the destination, renumbered."""
        self.fields: list[bytes] = []
        self.form_resources: dict[str, dict[bytes, bytes]] = {"/Font": {}, "/ExtGState": {}}
        self.font_files: dict[bytes, int] = {}
        self.footers: list[tuple[int, str, int, tuple[float, float]]] = []
        """(XObject number, "front" or "body", index in that list, page size)."""
        self.catalog_source: tuple[bytes, bytes, bytes | None, bytes | None] | None = None
        self.digest = hashlib.sha256()
        self.footer_font = self._write_footer_font()

    def _write_footer_font(self) -> int:
        scratch = pikepdf.new()
        font = _footer_font().add_to(scratch)
        objects = [font, font.FontDescriptor, font.FontDescriptor.FontFile2]
        numbers = self._number(objects)
        self._write(numbers, self._table(numbers), objects)
        return numbers[font.objgen]

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

    def _add(self, source: Path | bytes, front: bool) -> PartInfo:
        part = pikepdf.open(io.BytesIO(source) if isinstance(source, bytes) else source)
        try:
            return self._add_part(part, front)
        finally:
            part.close()

    def _add_part(self, part: pikepdf.Pdf, front: bool) -> PartInfo:
        info = _part_info(part)
        root = part.Root
        if self.catalog_source is None and not front:
            metadata = root.get("/Metadata")
            self.catalog_source = (
                part.docinfo.unparse(resolved=True),
                root.get("/Lang", String("en")).unparse(),
                metadata.read_raw_bytes() if metadata is not None else None,
                metadata.stream_dict.unparse() if metadata is not None else None,
            )
        # What the whole document holds instead of the part: not copied.
        skip = {root.objgen, part.trailer.get("/Info", root).objgen}
        for key in ("/Metadata", "/Pages", "/Outlines", "/AcroForm", "/Names"):
            if key in root and root[key].is_indirect:
                skip.add(root[key].objgen)
        tree = root.StructTreeRoot
        skip.add(tree.objgen)
        skip |= {node.objgen for node in _tree_nodes(tree.get("/ParentTree"))}
        names = root.get("/Names")
        skip |= {node.objgen for node in _tree_nodes(names.get("/Dests") if names else None)}
        outlines = [root.get("/Outlines")]
        while outlines:
            item = outlines.pop()
            if item is not None and item.is_indirect and item.objgen not in skip:
                skip.add(item.objgen)
                outlines += [item.get("/First"), item.get("/Next")]
        fields = root.AcroForm.get("/Fields") if "/AcroForm" in root else None
        if fields is not None and fields.is_indirect:
            skip.add(fields.objgen)

        # Change the part in place, then copy it: numbers of structure parents, links to other
        # parts, the top structure element, the pages' parent, the page number footers.
        _offset_struct_parents(part, self.next_key)
        placeholders = {}

        def placeholder(number: int) -> pikepdf.Object:
            obj = part.make_indirect(Dictionary())
            placeholders[obj.objgen] = number
            return obj

        top = tree.K if isinstance(tree.K, Dictionary) else tree.K[0]
        top.S = Name.Part
        top.P = placeholder(self.document)
        pages_root = placeholder(self.pages_root)
        opening = part.make_stream(b"q\n")
        closing = part.make_stream(
            b"Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n/FUpage Do\nEMC\n"
        )
        pages = self.front_pages if front else self.body_pages
        for page in part.pages:
            _retarget_cross_links(page)
            page.obj.Parent = pages_root
            box = [float(v) for v in page.mediabox]
            index = len(pages) + page.index
            if front and index == 0:
                continue  # the cover
            footer = self.out.reserve()
            size = (box[2] - box[0], box[3] - box[1])
            self.footers.append((footer, "front" if front else "body", index, size))
            resources = Dictionary({k: v for k, v in page.obj.get("/Resources", {}).items()})
            xobjects = Dictionary({k: v for k, v in resources.get("/XObject", {}).items()})
            xobjects.FUpage = placeholder(footer)
            resources.XObject = xobjects
            page.obj.Resources = resources
            page.contents_add(opening, prepend=True)
            page.contents_add(closing, prepend=False)

        objects = [
            obj
            for obj in part.objects
            if obj.objgen not in skip
            # The part's own object and cross-reference streams are how it was stored.
            and not (
                isinstance(obj, pikepdf.Stream) and obj.get("/Type") in (Name.ObjStm, Name.XRef)
            )
        ]
        objects = [obj for obj in objects if obj.objgen not in placeholders]
        numbers = self._number(objects) | placeholders
        table = self._table(numbers)
        self._write(numbers, table, objects)

        pages += [numbers[page.obj.objgen] for page in part.pages]
        (self.struct_front if front else self.struct_body).append(numbers[top.objgen])

        def unparse(value: pikepdf.Object) -> bytes:
            return value.unparse() if value.is_indirect else value.unparse(resolved=True)

        # What the document as a whole keeps of the part, renumbered in one pass.
        keys: list[tuple[str, object]] = []
        serial: list[bytes] = []
        pairs = _flat_pairs(tree.get("/ParentTree", Dictionary()), "/Nums")
        numbers_seen = [int(pairs[index]) for index in range(0, len(pairs), 2)]
        for index in range(0, len(pairs), 2):
            keys.append(("parent", int(pairs[index]) + self.next_key))
            serial.append(unparse(pairs[index + 1]))
        self.next_key += max(numbers_seen, default=-1) + 1
        if names is not None and "/Dests" in names:
            pairs = _flat_pairs(names.Dests, "/Names")
            for index in range(0, len(pairs), 2):
                keys.append(("dest", bytes(pairs[index])))
                serial.append(unparse(pairs[index + 1]))
        form = root.get("/AcroForm")
        if form is not None:
            for field in form.get("/Fields", ()):
                keys.append(("field", None))
                serial.append(field.unparse())
            resources = form.get("/DR", Dictionary())
            for kind in self.form_resources:
                for name, value in resources.get(kind, Dictionary()).items():
                    keys.append((kind, Name(name).unparse()))
                    serial.append(unparse(value))
        values = self._renumber(b"\0".join(serial), table).split(b"\0") if serial else []
        for (kind, key), value in zip(keys, values, strict=True):
            if kind == "parent":
                self.parent_tree.append((key, value))
            elif kind == "dest":
                self.dests.setdefault(key, value)
            elif kind == "field":
                self.fields.append(value)
            else:
                self.form_resources[kind].setdefault(key, value)
        return info

    def append(self, source: Path | bytes) -> PartInfo:
        """Add a part (a file, or its bytes) at the end; returns where its anchors are."""
        return self._add(source, front=False)

    def add_front(self, parts: Sequence[Path | bytes]) -> None:
        """The cover and contents, in front of everything appended."""
        for source in parts:
            self._add(source, front=True)

    def _put_dict(self, entries: dict[bytes, bytes], number: int | None = None) -> int:
        number = number or self.out.reserve()
        body = b"<< " + b" ".join(k + b" " + v for k, v in entries.items()) + b" >>"
        self.out.put(number, body)
        return number

    def _write_footers(self) -> None:
        body_total = len(self.body_pages)
        for number, where, index, (width, height) in self.footers:
            label = (
                f"Page {roman(index + 1)}"
                if where == "front"
                else f"Page {index + 1} of {body_total}"
            )
            data = _footer(label, width, b"/F")
            self.out.put_stream(
                number,
                b"<< /Type /XObject /Subtype /Form /BBox [ 0 0 %.2f %.2f ] "
                b"/Resources << /Font << /F %d 0 R >> >> /Length %d >>"
                % (width, height, self.footer_font, len(data)),
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
        names = [(String(key).unparse(), value) for key, value in sorted(self.dests.items())]
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
                kind.encode() + b" << " + b" ".join(k + b" " + v for k, v in known.items()) + b" >>"
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
