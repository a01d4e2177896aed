"""Join separately rendered PDF parts into one guide, part by part, straight to a file.

The guide is not laid out as one huge document: its cover and contents, each chapter and each
scenario are rendered on their own (in parallel, cached) and `Joiner` writes them into one file
part by part, keeping only the guide's bookkeeping in memory. The joined guide keeps what a
single document would have had:

- page numbers: no part prints its own; a footer (a form XObject per page, drawn by stamp.py)
  is filled in once the page count of every part is known, in the wording the book gives
  (`FooterWording`); the cover and contents count in roman numerals, so the contents can be
  made last without moving any page;
- links between parts: a part writes them as `followup-pdf:<anchor>` and they become named
  destinations; every part's named destinations are merged, and two parts that define the
  same one are an error (`JoinError`), as a link could only reach one of them;
- the outline (bookmarks), given by the book; the parts' own are not copied (only what a
  part's pages, tags, links and form fields use is);
- the tags (one structure tree: a Document element with every part as a Part element),
  fillable form fields (form resources that two parts name alike but that differ are
  renamed), and the document's metadata, which come from the first chapter;
- the tags without WeasyPrint's Span around every run of text: a Span holding one
  marked-content sequence and nothing else gives it to its parent (`_inline_spans`);
- one copy of each font: parts embed the shipped fonts whole, with the widths and Unicode map
  of every glyph, so a font is the same in every part and is written once.

Parts are read by qpdf (through pikepdf), which also serialises each of their objects; the
file itself is written by writer.py, the only module that writes PDF syntax.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from ..settings import FooterStyle
from . import stamp, writer

CROSS_LINK_SCHEME = "followup-pdf:"
"""Links to an anchor in another part are written as `followup-pdf:<anchor>`."""


class JoinError(Exception):
    """Parts that cannot be joined into one document as they are (two define one anchor ...)."""


@dataclass(frozen=True)
class PartInfo:
    """What the contents and outline need to know about a rendered part."""

    pages: int
    anchors: dict[str, int]
    """Anchor name -> 0-based page index inside the part."""


@dataclass(frozen=True)
class OutlineEntry:
    """An outline item (a bookmark): its title, the named destination it opens, its children."""

    title: str
    anchor: str
    children: tuple[OutlineEntry, ...] = ()


@dataclass(frozen=True)
class PageLabel:
    """How the pages from one on are labelled (12.4.2): numbered in `style` ("D" decimal,
    "r" lower-case roman, None: no number) from `start`, after `prefix`."""

    style: Literal["D", "r"] | None = None
    start: int = 1
    prefix: str = ""


class FooterWording(Protocol):
    """What the joiner asks the book for: the footers' text and the pages' labels."""

    def body_label(self, page: int, total: int) -> str:
        """The footer of body page `page` (from 1) of `total`."""
        ...

    def front_label(self, page: int) -> str:
        """The footer of front page `page` (from 1: the cover)."""
        ...

    def page_labels(self, front_pages: int) -> dict[int, PageLabel]:
        """Page index -> the label range starting there, given the number of front pages."""
        ...


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


def _font_identities(pdf: pikepdf.Pdf, objects: Sequence[pikepdf.Object]) -> dict:
    """objgen -> a digest of what it is, for the fonts among `objects` and every object they
    use (descendant font, descriptor, widths, ToUnicode map, font file). Two objects with the
    same digest are the same, byte for byte once renumbered: a font used by many parts (the
    shipped fonts, embedded whole, come with the same widths and map in every part) is then
    written once."""
    digests: dict[tuple[int, int], bytes] = {}

    def identity(obj: pikepdf.Object) -> bytes:
        if obj.objgen in digests:
            return digests[obj.objgen]
        if isinstance(obj, pikepdf.Stream):
            entries = Dictionary({k: v for k, v in obj.stream_dict.items() if k != "/Length"})
            syntax = entries.unparse(resolved=True)
        else:
            syntax = obj.unparse(resolved=True)
        # A reference stands for what it refers to, not for its number in the part (fonts
        # are trees: no cycles).
        digest = hashlib.sha256(writer.renumber(syntax, {}))
        for number, generation in writer.references(syntax):
            digest.update(identity(pdf.get_object(number, generation)))
        if isinstance(obj, pikepdf.Stream):
            digest.update(b"\0stream\0" + hashlib.sha256(obj.read_raw_bytes()).digest())
        digests[obj.objgen] = digest.digest()
        return digests[obj.objgen]

    for obj in objects:
        if isinstance(obj, Dictionary) and obj.get("/Type") == Name.Font:
            identity(obj)
    return digests


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
        for number, generation in reversed(writer.references(data)):
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


# In a page's content stream (WeasyPrint's: hex strings only, no inline images): a TJ array,
# and a glyph adjustment of zero between two of its strings.
_TJ_ARRAY = re.compile(rb"\[((?:<[0-9A-Fa-f]*>|[-+]?(?:\d+\.?\d*|\.\d+)|\s)*)\]\s*TJ")
_ZERO_ADJUSTMENT = re.compile(rb">\s*[-+]?(?:0+\.?0*|\.0+)\s*<")
_NOT_ONLY_NUMBERS_AND_HEX = re.compile(rb"\(|(?:^|\s)(?:BI|ID|EI)(?:\s|$)")


def _compact_content(stream: pikepdf.Stream) -> None:
    """Write a page's content stream shorter, drawing exactly the same: a glyph adjustment
    of zero in a TJ array is dropped, joining the strings around it (WeasyPrint writes every
    glyph as a string of its own followed by its adjustment, mostly 0), and the stream is
    compressed at zlib's best level. A stream with literal strings or an inline image is
    left as it is. (Numbers keep their precision: even four decimals moved pixels.)"""
    if stream.get("/Filter") not in (None, Name.FlateDecode) or "/DecodeParms" in stream:
        return
    data = stream.read_bytes()
    if _NOT_ONLY_NUMBERS_AND_HEX.search(data):
        return
    data = _TJ_ARRAY.sub(lambda m: b"[" + _ZERO_ADJUSTMENT.sub(b"", m.group(1)) + b"] TJ", data)
    stream.write(zlib.compress(data, 9), filter=Name.FlateDecode)


_PLAIN_SPAN_KEYS = frozenset({"/Type", "/S", "/P", "/Pg", "/K"})


def _lone_content(element: pikepdf.Object) -> tuple[int, pikepdf.Object] | None:
    """(MCID, page) of a Span or NonStruct that holds one marked-content sequence and nothing
    else (no attributes, alternate text, language ...), or None for any other element."""
    if element.get("/S") not in (Name.Span, Name.NonStruct) or not element.is_indirect:
        return None
    if set(element.keys()) - _PLAIN_SPAN_KEYS:
        return None
    kid = element.get("/K")
    if isinstance(kid, Array):
        if len(kid) != 1:
            return None
        kid = kid[0]
    page = element.get("/Pg")
    if isinstance(kid, Dictionary):
        # A marked-content reference (14.7.4.3), not one into a form XObject's stream.
        if kid.get("/Type") != Name.MCR or "/Stm" in kid or "/MCID" not in kid:
            return None
        kid, page = kid.MCID, kid.get("/Pg", page)
    if not isinstance(kid, int) or isinstance(kid, bool) or page is None:
        return None
    return kid, page


def _grouping_only(element: pikepdf.Object) -> list[pikepdf.Object] | None:
    """The kids of a NonStruct that only groups structure elements (none of its own content,
    attributes ...), or None for any other element."""
    if element.get("/S") != Name.NonStruct or not element.is_indirect:
        return None
    if set(element.keys()) - _PLAIN_SPAN_KEYS:
        return None
    kids = element.get("/K", Array())
    kids = list(kids) if isinstance(kids, Array) else [kids]
    if all(isinstance(k, Dictionary) and "/S" in k and k.is_indirect for k in kids):
        return kids
    return None


def _inline_spans(top: pikepdf.Object, parent_pairs: Sequence[pikepdf.Object]) -> None:
    """Put the marked content of each Span that holds only that (WeasyPrint writes one for
    every run of text) straight into the Span's parent, and drop the Span.

    A Span has no meaning of its own (14.8.4.4): assistive technology reads the same text in
    the same order under the same parent, and the guide has one structure element for a run
    of text instead of two (at N=100, about half of its structure tree). The parent lists the
    MCID as an integer when it is on the parent's page (/Pg), else as a marked-content
    reference naming the page; the ParentTree (`parent_pairs`, [key, value ...]) then gives
    the parent for that MCID. NonStruct elements, WeasyPrint's other wrapper without meaning,
    go the same way."""
    # Children before their parents, so that a Span holding only such a Span is one too.
    elements, stack = [], [top]
    while stack:
        element = stack.pop()
        elements.append(element)
        kids = element.get("/K")
        for kid in kids if isinstance(kids, Array) else [kids]:
            if isinstance(kid, Dictionary) and "/S" in kid:
                stack.append(kid)
    replaced: dict[tuple[int, int], pikepdf.Object] = {}
    for element in reversed(elements):
        kids = element.get("/K")
        if isinstance(kids, Dictionary):
            if _lone_content(kids) is None and _grouping_only(kids) is None:
                continue
            kids = element.K = Array([kids])
        if not isinstance(kids, Array):
            continue
        # A NonStruct that only groups elements (14.8.4.2: its kids are read as if they were
        # its parent's) gives them to the parent; one that groups nothing goes.
        grouped = [_grouping_only(k) if isinstance(k, Dictionary) else None for k in kids]
        if any(g is not None for g in grouped):
            flat = []
            for kid, group in zip(list(kids), grouped, strict=True):
                if group is None:
                    flat.append(kid)
                    continue
                for grandkid in group:
                    grandkid.P = element
                flat += group
            kids = element.K = Array(flat)
        # Changed in place: a kid held directly in the array is the array's own copy.
        for index, kid in enumerate(kids):
            content = _lone_content(kid) if isinstance(kid, Dictionary) else None
            if content is None:
                continue
            mcid, page = content
            own_page = element.get("/Pg")
            if own_page is not None and own_page.objgen == page.objgen:
                kids[index] = mcid
            else:
                kids[index] = Dictionary(Type=Name.MCR, Pg=page, MCID=mcid)
            replaced[kid.objgen] = element
    if not replaced:
        return
    for value in parent_pairs[1::2]:
        if isinstance(value, Array):
            for index, item in enumerate(value):
                if isinstance(item, Dictionary) and item.objgen in replaced:
                    while item.objgen in replaced:  # a Span inlined into one inlined too
                        item = replaced[item.objgen]
                    value[index] = item


class Joiner:
    """Writes the guide part by part, straight to a file, so memory stays bounded.

    Each part is opened, its objects are renumbered and written out (streams at once, the
    rest in compressed object streams), and it is closed before the next one: only what the
    document as a whole needs is kept (page and structure numbers, named destinations, form
    fields, page labels). Body parts come first, as they are rendered; the front (cover and
    contents), rendered last, is put in front of them in the page order."""

    def __init__(self, path: Path, wording: FooterWording, font: Path, style: FooterStyle) -> None:
        """Start writing the guide at (a temporary name beside) `path`. Footers say what
        `wording` gives, in the `font` file, as `style` says."""
        self.path = path
        self.wording = wording
        self.font = font
        self.style = style
        self.partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        file = open(self.partial, "wb")  # noqa: SIM115 (closed in finish/abort)
        try:
            self.out = writer._Output(file)
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
        self.font_objects: dict[bytes, int] = {}
        """What a font, or an object it uses, is (`_font_identities`) -> its number."""
        self.fonts_written: set[int] = set()
        self.footers: list[tuple[int, str, int, tuple[float, float]]] = []
        """(XObject number, "front" or "body", index in that list, page size)."""
        self.catalog_source: tuple[bytes, bytes, bytes | None, bytes | None] | None = None
        self.digest = hashlib.sha256()

    def _number(self, pdf: pikepdf.Pdf, objects: Sequence[pikepdf.Object]) -> tuple[dict, dict]:
        """A number in the output for each of `objects`, and the fonts among them (and what
        they use, `_font_identities`): a font the output already has keeps the number it was
        written under."""
        fonts = _font_identities(pdf, objects)
        numbers = {}
        for obj in objects:
            digest = fonts.get(obj.objgen)
            if digest is None:
                numbers[obj.objgen] = self.out.reserve()
            elif digest in self.font_objects:
                numbers[obj.objgen] = self.font_objects[digest]
            else:
                self.font_objects[digest] = numbers[obj.objgen] = self.out.reserve()
        return numbers, fonts

    @staticmethod
    def _table(numbers: dict[tuple[int, int], int]) -> dict[bytes, bytes]:
        """ "12 0" (a reference in the part) -> "345 0 R" (the same in the output)."""
        return {b"%d %d" % objgen: writer.ref(number) for objgen, number in numbers.items()}

    def _write(
        self,
        numbers: dict,
        table: dict[bytes, bytes],
        objects: Sequence[pikepdf.Object],
        fonts: Collection[tuple[int, int]] = (),
    ) -> None:
        """Write `objects` under their `numbers`; of the `fonts` (objgens), only those the
        output does not have yet."""
        todo, written = [], set()
        for obj in objects:
            number = numbers[obj.objgen]
            if number in written or number in self.fonts_written:
                continue  # a font this output already has
            written.add(number)
            if obj.objgen in fonts:
                self.fonts_written.add(number)
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
        bodies = writer.renumber(b"\0".join(serial), table).split(b"\0")
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
        parent_pairs = _flat_pairs(tree.get("/ParentTree", Dictionary()), "/Nums")
        _inline_spans(top, parent_pairs)
        top.S = Name.Part
        top.P = placeholder(self.document)
        pages_root = placeholder(self.pages_root)
        opening = part.make_stream(stamp.OPENING)
        closing = part.make_stream(stamp.footer_artifact(b"/FUpage Do\n"))
        pages = self.front_pages if front else self.body_pages
        # Pages are reached through `page_objects` from here on: asking the part for its page
        # list again would make qpdf repair the /Parent links this changes.
        for number, page_object in enumerate(page_objects):
            contents = page_object.get("/Contents")
            for stream in contents if isinstance(contents, Array) else [contents]:
                if isinstance(stream, pikepdf.Stream):
                    _compact_content(stream)
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
        numbers, fonts = self._number(part, objects)
        numbers |= placeholders
        table = self._table(numbers)
        self._write(numbers, table, objects, fonts)

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
        values = writer.renumber(b"\0".join(serial), table).split(b"\0") if serial else []
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

    def _write_footers(self) -> None:
        body_total = len(self.body_pages)
        fonts = stamp._FooterFonts(self.font, self.style)
        contents = []
        for number, where, index, (width, height) in self.footers:
            label = (
                self.wording.front_label(index + 1)
                if where == "front"
                else self.wording.body_label(index + 1, body_total)
            )
            contents.append((number, width, height, fonts.content(label, width, b"F")))
        scratch = pikepdf.new()
        font_objects = fonts.add_to(scratch)
        objects = _reachable(scratch, font_objects, set())
        numbers, shared = self._number(scratch, objects)
        self._write(numbers, self._table(numbers), objects, shared)
        # One resource dictionary that every footer refers to, and each footer compressed.
        resources = self.out.put_dict(
            {
                b"/Font": writer.dictionary(
                    {
                        b"/F%d" % face: writer.ref(numbers[font.objgen])
                        for face, font in enumerate(font_objects)
                    }
                )
            }
        )
        for number, width, height, data in contents:
            self.out.put_stream_entries(
                number,
                {
                    b"/Type": b"/XObject",
                    b"/Subtype": b"/Form",
                    b"/BBox": writer.array([b"0", b"0", b"%.2f" % width, b"%.2f" % height]),
                    b"/Resources": writer.ref(resources),
                    b"/Filter": b"/FlateDecode",
                },
                zlib.compress(data, 9),
            )

    def _write_outline(self, entries: Sequence[OutlineEntry], parent: int) -> tuple:
        """Write outline items under `parent`; returns (first, last, count of all items)."""
        numbers = [self.out.reserve() for _ in entries]
        total = 0
        for index, (entry, number) in enumerate(zip(entries, numbers, strict=True)):
            fields = {
                b"/Title": writer.text(entry.title),
                b"/Parent": writer.ref(parent),
                b"/Dest": writer.text(entry.anchor),
            }
            if index:
                fields[b"/Prev"] = writer.ref(numbers[index - 1])
            if index + 1 < len(numbers):
                fields[b"/Next"] = writer.ref(numbers[index + 1])
            if entry.children:
                first, last, count = self._write_outline(entry.children, number)
                fields |= {b"/First": first, b"/Last": last, b"/Count": b"%d" % -count}
                total += count
            self.out.put_dict(fields, number)
        total += len(entries)
        if not numbers:
            return b"null", b"null", 0
        return writer.ref(numbers[0]), writer.ref(numbers[-1]), total

    def _page_labels(self) -> bytes:
        """The /Nums array of the page labels (12.4.2), as the book words them."""
        labels = self.wording.page_labels(len(self.front_pages))
        nums = []
        for index, label in sorted(labels.items()):
            entries = {}
            if label.style is not None:
                entries[b"/S"] = b"/" + label.style.encode()
                entries[b"/St"] = b"%d" % label.start
            if label.prefix:
                entries[b"/P"] = writer.text(label.prefix)
            nums += [b"%d" % index, writer.dictionary(entries)]
        return writer.array(nums)

    def finish(self, outline: Sequence[OutlineEntry]) -> Path:
        """Write the document's own objects and the cross-reference table; returns the path."""
        out = self.out
        ref, array = writer.ref, writer.array
        self._write_footers()
        pages = self.front_pages + self.body_pages
        out.put_dict(
            {
                b"/Type": b"/Pages",
                b"/Kids": array(ref(n) for n in pages),
                b"/Count": b"%d" % len(pages),
            },
            self.pages_root,
        )
        tree_root = out.reserve()
        out.put_dict(
            {
                b"/Type": b"/StructElem",
                b"/S": b"/Document",
                b"/P": ref(tree_root),
                b"/K": array(ref(n) for n in self.struct_front + self.struct_body),
            },
            self.document,
        )
        nums = array(b"%d %s" % (k, v) for k, v in sorted(self.parent_tree))
        parent_tree = out.put_dict({b"/Nums": nums})
        out.put_dict(
            {
                b"/Type": b"/StructTreeRoot",
                b"/K": ref(self.document),
                b"/ParentTree": ref(parent_tree),
                b"/ParentTreeNextKey": b"%d" % self.next_key,
            },
            tree_root,
        )
        # Named destinations: a two-level name tree, so viewers need not read one huge array.
        # Name trees are sorted by the bytes of their keys.
        names = [(writer.text(key), value) for key, (value, _) in sorted(self.dests.items())]
        leaves = []
        for start in range(0, len(names), 256):
            chunk = names[start : start + 256]
            leaves.append(
                out.put_dict(
                    {
                        b"/Names": array(k + b" " + v for k, v in chunk),
                        b"/Limits": array([chunk[0][0], chunk[-1][0]]),
                    }
                )
            )
        dests = out.put_dict({b"/Kids": array(ref(n) for n in leaves)})
        outlines = out.reserve()
        first, last, count = self._write_outline(outline, outlines)
        out.put_dict(
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
            b"/Pages": ref(self.pages_root),
            b"/StructTreeRoot": ref(tree_root),
            b"/MarkInfo": writer.dictionary({b"/Marked": b"true"}),
            b"/Lang": lang,
            b"/ViewerPreferences": writer.dictionary({b"/DisplayDocTitle": b"true"}),
            b"/Names": writer.dictionary({b"/Dests": ref(dests)}),
            b"/Outlines": ref(outlines),
            b"/PageMode": b"/UseOutlines",
            b"/PageLabels": writer.dictionary({b"/Nums": self._page_labels()}),
        }
        if metadata is not None:
            number = out.reserve()
            out.put_stream(number, metadata_dict, metadata)
            catalog[b"/Metadata"] = ref(number)
        if self.fields:
            resources = {
                kind.encode(): writer.dictionary({k: v for k, (v, _) in sorted(known.items())})
                for kind, known in self.form_resources.items()
            }
            catalog[b"/AcroForm"] = writer.dictionary(
                {
                    b"/Fields": array(self.fields),
                    b"/NeedAppearances": b"true",
                    b"/DR": writer.dictionary(resources),
                }
            )
        root = out.put_dict(catalog)
        info = out.reserve()
        out.put(info, info_body)
        out.close(root, info, self.digest.digest()[:16])
        out.file.close()
        os.replace(self.partial, self.path)
        return self.path

    def abort(self) -> None:
        self.out.file.close()
        self.partial.unlink(missing_ok=True)
