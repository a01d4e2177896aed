"""Step 4c: join separately rendered PDF parts into one guide, and number pages.

The guide is not laid out as one huge document: its cover and contents, each chapter and each
scenario are rendered on their own (in parallel, cached, with bounded memory) and joined here
with pikepdf. Joining keeps what a single document would have had:

- page numbers: no part prints its own; they are stamped here, as pagination artifacts, once
  the page count of every part is known ("Page 12 of 340"; the cover and contents count in
  roman numerals, as in a book, so the contents can be made last without moving any page);
- links between parts: a part writes them as `followup-pdf:<anchor>` and they are turned into
  named destinations here; every part's named destinations are merged;
- the outline (bookmarks), built from the book's structure;
- the tags (one structure tree with every part as a Part element), fillable form fields, and
  the document's metadata, which come from the cover part;
- one copy of each font: parts embed the shipped fonts whole, so their bytes are identical.

A scenario's own PDF is its part, with its own page numbers stamped.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

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


def part_info(data: bytes) -> PartInfo:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return _part_info(pdf)


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
        file = pikepdf.Stream(pdf, self.data)
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


_FONT: _FooterFont | None = None


def _footer_font() -> _FooterFont:
    global _FONT
    if _FONT is None:
        _FONT = _FooterFont()
    return _FONT


def _pdf_string(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("latin-1") + b")"


def stamp_page_numbers(pdf: pikepdf.Pdf, labels: Sequence[str | None]) -> None:
    """Write `labels[i]` centred at the foot of page i (None: nothing), as an artifact."""
    font = _footer_font()
    font_object = font.add_to(pdf)
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
        name = "/FUpage"
        box = [float(v) for v in page.mediabox]
        x = (box[0] + box[2]) / 2 - font.width(label, FOOTER_SIZE) / 2
        y = box[1] + FOOTER_BASELINE_MM * 72 / 25.4
        stamp = (
            b"Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n"
            + f"{FOOTER_GREY:g} g BT {name} {FOOTER_SIZE:g} Tf {x:.2f} {y:.2f} Td ".encode()
            + _pdf_string(label)
            + b" Tj ET\nEMC\n"
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


def _copy(out: pikepdf.Pdf, part: pikepdf.Pdf, obj: pikepdf.Object) -> pikepdf.Object:
    """Copy an object of `part` into `out` (pages already copied are shared, not duplicated)."""
    if not isinstance(obj, (Array, Dictionary, pikepdf.Stream)):
        return obj
    return out.copy_foreign(obj if obj.is_indirect else part.make_indirect(obj))


def _flat_pairs(tree: pikepdf.Object, key: str) -> list[pikepdf.Object]:
    """The flat [key, value, key, value ...] list of a name or number tree."""
    items = list(tree.get(key, ()))
    for kid in tree.get("/Kids", ()):
        items += _flat_pairs(kid, key)
    return items


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


def _font_dicts(pages: Sequence[pikepdf.Page], form: pikepdf.Object | None) -> list:
    """Every font dictionary the pages, their form fields' appearances and `form` use."""
    holders = []
    for page in pages:
        holders.append(page.obj.get("/Resources"))
        for annot in page.obj.get("/Annots", ()):
            appearance = annot.get("/AP")
            if appearance is not None and isinstance(appearance.get("/N"), pikepdf.Stream):
                holders.append(appearance.N.get("/Resources"))
    if form is not None:
        holders.append(form.get("/DR"))
    fonts, seen = [], set()
    for resources in holders:
        if resources is None or "/Font" not in resources:
            continue
        for font in resources.Font.values():
            if font.objgen not in seen:
                seen.add(font.objgen)
                fonts.append(font)
    return fonts


class Joiner:
    """Joins parts into one PDF: the body parts first, as they come, then the front."""

    def __init__(self) -> None:
        self.out: pikepdf.Pdf | None = None
        self.parent_tree: list[tuple[int, pikepdf.Object]] = []
        self.next_key = 0
        self.dests: dict[str, pikepdf.Object] = {}
        self.font_files: dict[bytes, pikepdf.Object] = {}
        self.front_pages = 0

    def _add(self, data: bytes, at: int | None) -> PartInfo:
        """Add a part's pages at the end (at=None) or before page `at`."""
        part = pikepdf.open(io.BytesIO(data))
        info = _part_info(part)
        if self.out is None:  # the first part gives the catalog: metadata, language, ...
            self.out = pikepdf.new()
            self.out.Root.Lang = part.Root.get("/Lang", String("en"))
            self.out.Root.MarkInfo = Dictionary(Marked=True)
            self.out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
            if "/Metadata" in part.Root:
                self.out.Root.Metadata = self.out.copy_foreign(part.Root.Metadata)
            self.out.docinfo = self.out.copy_foreign(part.docinfo)
            self.document = self.out.make_indirect(
                Dictionary(Type=Name.StructElem, S=Name.Document, K=Array())
            )
            self.out.Root.StructTreeRoot = self.out.make_indirect(
                Dictionary(Type=Name.StructTreeRoot, K=self.document)
            )
            self.document.P = self.out.Root.StructTreeRoot
            self.form = self.out.make_indirect(
                Dictionary(Fields=Array(), NeedAppearances=True, DR=Dictionary(Font=Dictionary()))
            )
        out = self.out
        _offset_struct_parents(part, self.next_key)
        tree = part.Root.StructTreeRoot
        top = tree.K if isinstance(tree.K, Dictionary) else tree.K[0]
        top.S = Name.Part
        del top["/P"]
        with warnings.catch_warnings():
            # pikepdf warns that form fields are not carried over with the pages: they are,
            # below, with the fields' fonts.
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            if at is None:
                first = len(out.pages)
                out.pages.extend(part.pages)
            else:
                first = at
                for offset, page in enumerate(part.pages):
                    out.pages.insert(at + offset, page)
        element = _copy(out, part, top)
        element.P = self.document
        if at is None:
            self.document.K.append(element)
        else:
            self.document.K.insert(self._front_parts, element)
            self._front_parts += 1
        numbers = _copy(out, part, Array(_flat_pairs(tree.ParentTree, "/Nums")))
        for index in range(0, len(numbers), 2):
            self.parent_tree.append((int(numbers[index]), numbers[index + 1]))
            self.next_key = max(self.next_key, int(numbers[index]) + 1)
        names = part.Root.get("/Names")
        if names is not None and "/Dests" in names:
            dests = _copy(out, part, Array(_flat_pairs(names.Dests, "/Names")))
            for index in range(0, len(dests), 2):
                self.dests.setdefault(str(dests[index]), dests[index + 1])
        form = part.Root.get("/AcroForm")
        copied_form = None
        if form is not None:
            copied_form = _copy(out, part, form)
            self.form.Fields.extend(copied_form.get("/Fields", Array()))
            for name, font in (
                copied_form.get("/DR", Dictionary()).get("/Font", Dictionary()).items()
            ):
                if name not in self.form.DR.Font:
                    self.form.DR.Font[name] = font
        pages = out.pages[first : first + len(part.pages)]
        for page in pages:
            _retarget_cross_links(page)
        self._share_font_files(_font_dicts(pages, copied_form))
        part.close()
        return info

    def _share_font_files(self, fonts: list) -> None:
        """One copy of each distinct font file (parts embed the shipped fonts whole)."""
        for font in fonts:
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0] if descendants else font).get("/FontDescriptor")
            if descriptor is None:
                continue
            for key in ("/FontFile2", "/FontFile3", "/FontFile"):
                file = descriptor.get(key)
                if file is None:
                    continue
                digest = hashlib.sha256(file.read_raw_bytes()).digest()
                canonical = self.font_files.setdefault(digest, file)
                if canonical.objgen != file.objgen:
                    descriptor[key] = canonical

    _front_parts = 0

    def append(self, data: bytes) -> PartInfo:
        """Add a part at the end; returns where its anchors are."""
        return self._add(data, None)

    def add_front(self, parts: Sequence[bytes]) -> None:
        """The cover and contents, in front of everything appended so far."""
        for data in parts:
            before = len(self.out.pages) if self.out is not None else 0
            self._add(data, self.front_pages)
            self.front_pages += len(self.out.pages) - before

    def finish(self, outline: Sequence[OutlineEntry]) -> bytes:
        out = self.out
        root = out.Root
        nums = Array()
        for key, value in sorted(self.parent_tree, key=lambda item: item[0]):
            nums.append(key)
            nums.append(value)
        root.StructTreeRoot.ParentTree = out.make_indirect(Dictionary(Nums=nums))
        root.StructTreeRoot.ParentTreeNextKey = self.next_key
        if len(self.form.Fields):
            root.AcroForm = self.form
        dest_tree = pikepdf.NameTree.new(out)
        for name in sorted(self.dests):
            dest_tree[name] = self.dests[name]
        root.Names = Dictionary(Dests=dest_tree.obj)
        _outline(out, outline)
        front, total = self.front_pages, len(out.pages) - self.front_pages
        labels: list[str | None] = [None]
        labels += [f"Page {roman(n)}" for n in range(2, front + 1)]
        labels += [f"Page {n} of {total}" for n in range(1, total + 1)]
        stamp_page_numbers(out, labels)
        root.PageLabels = Dictionary(
            Nums=Array(
                [0, Dictionary(P=String("Cover")), 1, Dictionary(S=Name.r, St=2),
                 front, Dictionary(S=Name.D, St=1)]
            )
        )  # fmt: skip
        root.PageMode = Name.UseOutlines
        buffer = io.BytesIO()
        out.save(buffer, **SAVE_OPTIONS)
        out.close()
        return buffer.getvalue()


def _outline(pdf: pikepdf.Pdf, entries: Sequence[OutlineEntry]) -> None:
    def item(entry: OutlineEntry) -> pikepdf.OutlineItem:
        node = pikepdf.OutlineItem(entry.title, String(entry.anchor))
        node.children.extend(item(child) for child in entry.children)
        return node

    with pdf.open_outline() as outline:
        outline.root.clear()
        outline.root.extend(item(entry) for entry in entries)


def join(front: Sequence[bytes], body: Sequence[bytes], outline: Sequence[OutlineEntry]) -> bytes:
    """Join the front parts (cover, contents) and the body parts into one PDF."""
    joiner = Joiner()
    for data in body:
        joiner.append(data)
    joiner.add_front(front)
    return joiner.finish(outline)
