"""The only code that writes PDF file syntax: objects, object streams, the cross-reference stream.

Everything else hands this module bytes that are already PDF objects (qpdf's own serialisation
of a part's objects, through pikepdf) or asks it to spell out dictionaries, arrays, strings
and references. Section numbers refer to ISO 32000-1:2008 (PDF 1.7).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Mapping
from typing import BinaryIO

from pikepdf import String

# In qpdf's unparsed syntax (7.3): dictionary brackets, strings (skipped whole, so that nothing
# in them is taken for a reference) and indirect references (7.3.10), which get new numbers.
_TOKENS = re.compile(
    rb"<<|>>|\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f\s]*>|(?<![\w./+-])(\d+ \d+) R(?![\w.])", re.S
)


def references(data: bytes) -> list[tuple[int, int]]:
    """The (number, generation) of each indirect reference in `data`, in order; a reference's
    look-alike inside a string is not one."""
    found = []
    for match in _TOKENS.finditer(data):
        if match.group(1):
            number, generation = match.group(1).split()
            found.append((int(number), int(generation)))
    return found


def renumber(data: bytes, table: Mapping[bytes, bytes]) -> bytes:
    """`data` (qpdf's unparsed syntax) with each reference "N G R" replaced by `table[b"N G"]`
    (a reference in the output, "M 0 R"); a reference the table lacks (to something the
    joined document replaces: a part's catalog, its outline ...) would dangle, so it becomes
    `null`. Strings are copied byte for byte: qpdf escapes `(`, `)` and `\\` inside literal
    strings and writes binary as escapes, so a string is one token."""

    def replace(match: re.Match) -> bytes:
        reference = match.group(1)
        if reference is None:
            return match.group(0)
        return table.get(reference, b"null")

    return _TOKENS.sub(replace, data)


def ref(number: int) -> bytes:
    """An indirect reference to object `number`, generation 0 (7.3.10)."""
    return b"%d 0 R" % number


def text(value: str | bytes) -> bytes:
    """A string object (7.3.4): text as PDFDocEncoding or UTF-16 with a byte order mark, as
    qpdf writes it; bytes as they are, escaped."""
    return String(value).unparse()


def array(items: Iterable[bytes]) -> bytes:
    """An array object (7.3.6) of objects already in PDF syntax."""
    return b"[ " + b" ".join(items) + b" ]"


def dictionary(entries: Mapping[bytes, bytes]) -> bytes:
    """A dictionary object (7.3.7): name keys (`b"/Type"`) to objects in PDF syntax, in order."""
    return b"<< " + b" ".join(key + b" " + value for key, value in entries.items()) + b" >>"


class _Output:
    """A PDF file written object by object, front to back, never held in memory whole.

    Streams are written at once as indirect objects (7.3.8); every other object waits in
    `pending` and goes into a compressed object stream (7.5.7) of OBJECTS_PER_STREAM objects.
    `close` writes the cross-reference stream (7.5.8) that says where each object is, and
    the file trailer. Numbers are handed out by `reserve` before the object is written, so
    objects can refer to each other in any order. Every object has generation 0."""

    OBJECTS_PER_STREAM = 400
    """Objects per object stream: large enough to compress well, small enough that a reader
    decompresses little to reach one object."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        # The header (7.5.2), and a comment of four bytes above 127 that marks the file binary.
        self.file.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self.count = 0
        self.where: dict[int, tuple[int, int, int]] = {}
        """Object number -> its cross-reference stream entry (7.5.8.3, Table 18), a row of
        (type, field 2, field 3): (1, byte offset of the object in the file, 0) for an object
        written on its own, or (2, number of the object stream holding it, index inside that
        stream) for an object packed into an object stream. A number that was reserved but
        never written is missing here and is listed as free (type 0)."""
        self.pending: list[tuple[int, bytes]] = []
        """(number, body) of objects waiting to be packed into the next object stream."""

    def reserve(self) -> int:
        """The next free object number."""
        self.count += 1
        return self.count

    def put(self, number: int, body: bytes) -> None:
        """Object `number` (not a stream): packed into an object stream."""
        self.pending.append((number, body))
        if len(self.pending) >= self.OBJECTS_PER_STREAM:
            self._pack()

    def put_dict(self, entries: Mapping[bytes, bytes], number: int | None = None) -> int:
        """A dictionary as object `number` (a new number by default); returns the number."""
        number = number or self.reserve()
        self.put(number, dictionary(entries))
        return number

    def put_stream(self, number: int, stream_dict: bytes, data: bytes) -> None:
        """Object `number`, a stream (7.3.8): `stream_dict` must give `data`'s /Length and
        filters. Written at once, at the current end of the file."""
        self.where[number] = (1, self.file.tell(), 0)
        self.file.write(b"%d 0 obj\n%s\nstream\n" % (number, stream_dict))
        self.file.write(data)
        self.file.write(b"\nendstream\nendobj\n")

    def put_stream_entries(self, number: int, entries: Mapping[bytes, bytes], data: bytes) -> None:
        """Like `put_stream`, from dictionary `entries`; /Length is added last."""
        self.put_stream(number, dictionary({**entries, b"/Length": b"%d" % len(data)}), data)

    def _pack(self) -> None:
        """Write the pending objects as one object stream (7.5.7): N pairs of "number offset"
        (offsets from /First), then the objects, separated by newlines; Flate-compressed."""
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
        data = zlib.compress(first + b"\n".join(bodies), 9)
        self.put_stream(
            number,
            b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>"
            % (len(self.pending), len(first), len(data)),
            data,
        )
        self.pending = []

    def close(self, root: int, info: int, identifier: bytes) -> None:
        """Write the last object stream, the cross-reference stream (7.5.8) and the end of the
        file. `root` is the catalog's number, `info` the document information dictionary's,
        `identifier` the file identifier (14.4), used for both halves of /ID."""
        self._pack()
        number = self.reserve()
        self.where[number] = (1, self.file.tell(), 0)
        # /W [1 width 2] (7.5.8.2): offsets as wide as the file needs. Object 0 is the head of
        # the free list (type 0, generation 65535). Rows are stored as differences from the
        # row above (PNG "Up" predictor, 7.4.4.4), which compresses the table to a few bytes
        # a row.
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
        # The cross-reference stream is also the trailer (7.5.8.1): startxref points at it.
        self.file.write(b"startxref\n%d\n%%%%EOF\n" % self.where[number][1])
