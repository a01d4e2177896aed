"""Where the bytes of a PDF go: a table of its objects' sizes by kind, stored and decoded.

    python benchmarks/pdf_bytes.py path/to/follow-up-guide.pdf [more.pdf ...]

Every object of the file is put in one kind (fonts, page content, structure tree, links and
form fields, outline ...), by what it is or, for plain arrays and streams, by the first object
that refers to it (a font's widths array is "fonts", a ParentTree's arrays are "structure
tree"). For each kind the table gives the number of objects, their decoded size (streams
decompressed, other objects as PDF syntax) and their stored size: a stream as written in the
file, an object packed into an object stream as its share (by decoded size) of that object
stream's compressed bytes. What is left (headers, cross-reference table, object stream headers,
the syntax around objects) is "file structure". Under the table: how much of the page content
is text positioning (the numbers inside TJ arrays) and how many copies of each font file there
are. Nothing here is timed or asserted: people read it.
"""

from __future__ import annotations

import re
import sys
import zlib
from collections import Counter, defaultdict
from pathlib import Path

import pikepdf
from pikepdf import Name

KINDS = (
    "fonts: font files",
    "fonts: widths, ToUnicode, dicts",
    "page content streams",
    "footers and other form XObjects",
    "structure tree: elements",
    "structure tree: ParentTree, OBJR",
    "links (annotations)",
    "form fields (widgets, appearances)",
    "outline",
    "named destinations",
    "pages",
    "images",
    "metadata, catalog, other",
)

_REFERENCE = re.compile(rb"(\d+) (\d+) R")


def _own_kind(obj: pikepdf.Object) -> str | None:
    """The kind an object has by itself, or None when only what refers to it can tell."""
    if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
        return None
    kind, subtype = obj.get("/Type"), obj.get("/Subtype")
    if isinstance(obj, pikepdf.Stream):
        if "/Length1" in obj or "/Length2" in obj or subtype == Name.OpenType:
            return "fonts: font files"
        if subtype == Name.Image:
            return "images"
        if kind == Name.Metadata:
            return "metadata, catalog, other"
        return None
    if kind in (Name.Font, Name.FontDescriptor):
        return "fonts: widths, ToUnicode, dicts"
    if kind == Name.StructElem or ("/S" in obj and "/P" in obj and "/K" in obj):
        return "structure tree: elements"
    if kind in (Name.OBJR, Name.StructTreeRoot, Name.MCR):
        return "structure tree: ParentTree, OBJR"
    if kind == Name.Annot or subtype in (Name.Link, Name.Widget):
        return (
            "links (annotations)" if subtype == Name.Link else "form fields (widgets, appearances)"
        )
    if "/FT" in obj or ("/Kids" in obj and "/T" in obj):
        return "form fields (widgets, appearances)"
    if kind == Name.Outlines or ("/Title" in obj and "/Parent" in obj):
        return "outline"
    if kind in (Name.Page, Name.Pages):
        return "pages"
    if "/Names" in obj or ("/Kids" in obj and "/Limits" in obj):
        return "named destinations"
    if "/Nums" in obj:
        return "structure tree: ParentTree, OBJR"
    return None


def _referrers_kind(pdf: pikepdf.Pdf) -> dict[tuple[int, int], str]:
    """The kind of every indirect object, from itself or from the objects referring to it."""
    kinds: dict[tuple[int, int], str] = {}
    refs: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for obj in pdf.objects:
        if not obj.is_indirect:
            continue
        own = _own_kind(obj)
        if own:
            kinds[obj.objgen] = own
        data = (
            obj.stream_dict.unparse()
            if isinstance(obj, pikepdf.Stream)
            else obj.unparse(resolved=True)
        )
        refs[obj.objgen] = [(int(n), int(g)) for n, g in _REFERENCE.findall(data)]
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        for stream in contents if isinstance(contents, pikepdf.Array) else [contents]:
            if stream is not None and stream.is_indirect:
                kinds[stream.objgen] = "page content streams"
    # What a page refers to but is not a font, an image or content is a form XObject (footers,
    # checkbox appearances are reached through widgets first).
    changed = True
    while changed:
        changed = False
        for source, targets in refs.items():
            kind = kinds.get(source)
            if kind is None:
                continue
            for target in targets:
                if target in kinds:
                    continue
                if kind == "pages":
                    obj = pdf.get_object(target)
                    kinds[target] = (
                        "footers and other form XObjects"
                        if isinstance(obj, pikepdf.Stream)
                        else "pages"
                    )
                elif kind == "page content streams":
                    continue
                else:
                    kinds[target] = kind
                changed = True
    return kinds


def _object_layout(data: bytes, pdf: pikepdf.Pdf) -> tuple[dict, dict]:
    """(stored bytes of each object written on its own, {object stream: its member numbers})."""
    starts = sorted((m.start(), int(m.group(1))) for m in re.finditer(rb"(?m)^(\d+) 0 obj", data))
    stored = {}
    end = data.rfind(b"startxref")
    for (offset, number), following in zip(starts, [*starts[1:], (end, 0)], strict=True):
        stored[number] = following[0] - offset
    members = {}
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Type") == Name.ObjStm:
            header = obj.read_bytes()[: int(obj.First)].split()
            members[obj.objgen[0]] = [int(n) for n in header[0::2]]
    return stored, members


def _text_positioning(pdf: pikepdf.Pdf) -> tuple[int, int]:
    """(bytes of the numbers inside TJ arrays, decoded bytes of all page content)."""
    positions = total = 0
    seen = set()
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        for stream in contents if isinstance(contents, pikepdf.Array) else [contents]:
            if stream is None or stream.objgen in seen:
                continue
            seen.add(stream.objgen)
            content = stream.read_bytes()
            total += len(content)
            for array in re.findall(rb"\[([^\]]*)\]\s*TJ", content):
                positions += sum(len(n) + 1 for n in re.findall(rb"(?<=[>)\s])-?[\d.]+", array))
    return positions, total


def analyse(path: Path) -> str:
    data = path.read_bytes()
    pdf = pikepdf.open(path)
    kinds = _referrers_kind(pdf)
    stored_alone, members = _object_layout(data, pdf)
    count: Counter = Counter()
    decoded: Counter = Counter()
    stored: Counter = Counter()
    packed_share: dict[int, list[tuple[str, int]]] = defaultdict(list)
    member_of = {m: stm for stm, ms in members.items() for m in ms}
    fonts: Counter = Counter()
    for obj in pdf.objects:
        number = obj.objgen[0]
        if isinstance(obj, pikepdf.Stream) and obj.get("/Type") in (Name.ObjStm, Name.XRef):
            continue
        kind = kinds.get(obj.objgen, "metadata, catalog, other")
        count[kind] += 1
        if isinstance(obj, pikepdf.Stream):
            size = len(obj.read_bytes()) + len(obj.stream_dict.unparse())
            if kind == "fonts: font files":
                fonts[zlib.crc32(obj.read_raw_bytes())] += 1
        else:
            size = len(obj.unparse(resolved=True))
        decoded[kind] += size
        if number in member_of:
            packed_share[member_of[number]].append((kind, size))
        else:
            stored[kind] += stored_alone.get(number, size)
    for stream_number, shares in packed_share.items():
        whole = sum(size for _, size in shares) or 1
        for kind, size in shares:
            stored[kind] += stored_alone.get(stream_number, 0) * size / whole
    structure = len(data) - sum(stored.values())
    lines = [
        f"{path.name}: {len(data):,} bytes, {len(pdf.pages)} pages, {len(pdf.objects):,} objects",
        "",
        "| kind | objects | decoded bytes | stored bytes | share of file |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for kind in KINDS:
        if count[kind]:
            lines.append(
                f"| {kind} | {count[kind]:,} | {decoded[kind]:,} | {stored[kind]:,.0f} "
                f"| {stored[kind] / len(data):.1%} |"
            )
    lines.append(
        f"| file structure (xref, object streams' headers) |  |  | {structure:,.0f} "
        f"| {structure / len(data):.1%} |"
    )
    positions, content = _text_positioning(pdf)
    lines += [
        "",
        f"Text positioning (numbers in TJ arrays): {positions:,} of {content:,} decoded bytes of "
        f"page content ({positions / max(content, 1):.1%}).",
        f"Font files: {sum(fonts.values())} embedded, {len(fonts)} different.",
    ]
    pdf.close()
    return "\n".join(lines)


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    print("\n\n".join(analyse(Path(p)) for p in paths))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
