"""The PDF writer on its own: files written object by object through `_Output`, read back with
pikepdf (qpdf's parser) and checked with `qpdf --check`."""

from __future__ import annotations

import io
import subprocess
import zlib
from pathlib import Path

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from build_scripts.pdf import writer
from build_scripts.pdf.writer import _Output

PER_STREAM = _Output.OBJECTS_PER_STREAM


def _scratch_values() -> list[pikepdf.Object]:
    """Objects of every kind, as pikepdf makes them (their unparsed form is what the joiner
    hands the writer)."""
    return [
        pikepdf.Array([-42, 3.25, 0]),
        pikepdf.Array([1, 2.5, -0.125, True, False, None, pikepdf.Name.Foo]),
        pikepdf.Dictionary(
            Type=pikepdf.Name.Test,
            Text=pikepdf.String("Página über 1 0 R"),
            Raw=pikepdf.String(b"(\\)\x00\xff binary"),
            Nested=pikepdf.Dictionary(Deep=pikepdf.Array([pikepdf.Dictionary()])),
        ),
        pikepdf.String(b"1 0 R (not a reference)"),
        pikepdf.Name("/With#20Space"),
    ]


def write_file(
    path: Path, bodies: list[bytes], streams: list[tuple[bytes, bytes]] = ()
) -> tuple[list[int], list[int], _Output]:
    """A one-page PDF at `path`, plus objects with `bodies` and streams (dictionary entries in
    PDF syntax, without /Length; data). Returns the numbers of the bodies and the streams."""
    with path.open("wb") as file:
        out = _Output(file)
        pages, page, content, catalog, info = (out.reserve() for _ in range(5))
        out.put_dict(
            {b"/Type": b"/Pages", b"/Kids": writer.array([writer.ref(page)]), b"/Count": b"1"},
            pages,
        )
        out.put_dict(
            {
                b"/Type": b"/Page",
                b"/Parent": writer.ref(pages),
                b"/MediaBox": writer.array([b"0", b"0", b"200", b"200"]),
                b"/Contents": writer.ref(content),
            },
            page,
        )
        out.put_stream_entries(content, {}, b"0 0 m 100 100 l S")
        out.put_dict({b"/Type": b"/Catalog", b"/Pages": writer.ref(pages)}, catalog)
        out.put(info, writer.dictionary({b"/Producer": writer.text("test_writer")}))
        numbers = []
        for body in bodies:
            numbers.append(out.reserve())
            out.put(numbers[-1], body)
        stream_numbers = []
        for entries, data in streams:
            stream_numbers.append(out.reserve())
            out.put_stream(stream_numbers[-1], entries[:-2] + b" /Length %d >>" % len(data), data)
        out.close(catalog, info, bytes(range(16)))
    return numbers, stream_numbers, out


def qpdf_check(path: Path) -> None:
    done = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stdout + done.stderr, done.stdout + done.stderr


def test_every_object_and_stream_reads_back_with_the_value_written(tmp_path: Path) -> None:
    values = _scratch_values()
    bodies = [value.unparse(resolved=True) for value in values]
    compressed = zlib.compress(b"BT /F1 12 Tf (hello) Tj ET")
    streams = [
        (b"<< /Type /XObject /Subtype /Form /BBox [ 0 0 10 10 ] >>", b"plain \x00\xff data"),
        (b"<< /Filter /FlateDecode >>", compressed),
    ]
    path = tmp_path / "out.pdf"
    numbers, stream_numbers, _ = write_file(path, bodies, streams)
    with pikepdf.open(path) as pdf:
        for number, value in zip(numbers, values, strict=True):
            assert pdf.get_object(number, 0).unparse(resolved=True) == value.unparse(resolved=True)
        plain = pdf.get_object(stream_numbers[0], 0)
        assert plain.read_raw_bytes() == b"plain \x00\xff data"
        assert plain.Subtype == pikepdf.Name.Form
        assert list(plain.BBox) == [0, 0, 10, 10]
        flate = pdf.get_object(stream_numbers[1], 0)
        assert flate.read_bytes() == b"BT /F1 12 Tf (hello) Tj ET"
        assert len(pdf.pages) == 1
        assert str(pdf.docinfo.Producer) == "test_writer"
        assert bytes(pdf.trailer.ID[0]) == bytes(range(16)) == bytes(pdf.trailer.ID[1])
    qpdf_check(path)


def test_where_says_how_each_object_is_found(tmp_path: Path) -> None:
    path = tmp_path / "out.pdf"
    numbers, stream_numbers, out = write_file(path, [b"(packed)"], [(b"<< >>", b"raw")])
    data = path.read_bytes()
    kind, offset, zero = out.where[stream_numbers[0]]
    assert (kind, zero) == (1, 0)
    assert data[offset:].startswith(b"%d 0 obj\n" % stream_numbers[0])
    kind, container, index = out.where[numbers[0]]
    assert (kind, index) == (2, 4)  # after the page tree, the page, the catalog and the info
    assert data[out.where[container][1] :].startswith(b"%d 0 obj\n<< /Type /ObjStm" % container)
    assert data.endswith(b"startxref\n%d\n%%%%EOF\n" % out.where[out.count][1])


@pytest.mark.parametrize(
    ("objects", "expected_streams"),
    [(PER_STREAM - 4, 1), (PER_STREAM - 3, 2), (2 * PER_STREAM - 4, 2), (2 * PER_STREAM - 3, 3)],
)
def test_objects_are_packed_four_hundred_to_an_object_stream(
    tmp_path: Path, objects: int, expected_streams: int
) -> None:
    # write_file puts 4 objects in object streams before the bodies (the 5th is a stream).
    path = tmp_path / "many.pdf"
    bodies = [b"(object %d)" % n for n in range(objects)]
    numbers, _, out = write_file(path, bodies)
    containers = sorted({out.where[n][1] for n, (kind, _, _) in out.where.items() if kind == 2})
    assert len(containers) == expected_streams
    with pikepdf.open(path) as pdf:
        sizes = [int(pdf.get_object(number, 0).N) for number in containers]
        assert sizes[:-1] == [PER_STREAM] * (len(sizes) - 1)
        assert 1 <= sizes[-1] <= PER_STREAM
        assert sum(sizes) == objects + 4
        for number, body in zip(numbers, bodies, strict=True):
            assert pdf.get_object(number, 0).unparse(resolved=True) == body
        # Every packed object sits where the cross-reference stream says.
        for number, (kind, container, index) in out.where.items():
            if kind == 2:
                head = pdf.get_object(container, 0).read_bytes().split(b"\n", 1)[0].split()
                assert int(head[2 * index]) == number
    qpdf_check(path)


def test_references_inside_strings_are_not_references() -> None:
    data = b"<< /A 12 0 R /B (see 3 0 R \\) 4 0 R) /C <3420302052> /D [ 5 0 R ] /E 60 R >>"
    assert writer.references(data) == [(12, 0), (5, 0)]
    table = {b"12 0": b"100 0 R", b"5 0": b"101 0 R"}
    assert writer.renumber(data, table) == (
        b"<< /A 100 0 R /B (see 3 0 R \\) 4 0 R) /C <3420302052> /D [ 101 0 R ] /E 60 R >>"
    )


def test_a_reference_the_table_lacks_becomes_null() -> None:
    assert writer.renumber(b"[ 1 0 R 2 0 R ]", {b"1 0": b"9 0 R"}) == b"[ 9 0 R null ]"


TRICKY = st.sampled_from([b"(", b")", b"\\", b"\x00", b"1 0 R", b"2 0 R", b"<<", b">>", b"\r\n"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(TRICKY, st.binary(max_size=12)), min_size=1, max_size=12))
def test_strings_survive_renumbering_byte_for_byte(tmp_path_factory, pieces: list[bytes]) -> None:
    """qpdf's unparsed strings escape (, ) and \\ and never hold a raw NUL (the joiner uses
    NUL to separate objects); renumbering changes the reference next to the string and
    nothing in it."""
    value = b"".join(pieces)
    scratch = pikepdf.new()
    target = scratch.make_indirect(pikepdf.Dictionary(Target=True))
    holder = pikepdf.Array([pikepdf.String(value), target, pikepdf.String(value)])
    unparsed = holder.unparse(resolved=True)
    assert b"\x00" not in unparsed
    assert writer.references(unparsed) == [target.objgen]
    path = tmp_path_factory.mktemp("renumber") / "out.pdf"
    renumbered_target = 8  # write_file: 5 objects, then the bodies from 6
    table = {b"%d %d" % target.objgen: writer.ref(renumbered_target)}
    body = writer.renumber(b"\x00".join([unparsed, unparsed]), table).split(b"\x00")
    numbers, _, _ = write_file(path, [*body, b"<< /Target true >>"])
    assert numbers[2] == renumbered_target
    with pikepdf.open(path) as pdf:
        for number in numbers[:2]:
            array = pdf.get_object(number, 0)
            assert bytes(array[0]) == value == bytes(array[2])
            assert array[1].objgen == (renumbered_target, 0)
            assert bool(array[1].Target) is True


def test_text_and_dictionary_spell_pdf_syntax_as_qpdf_reads_it() -> None:
    entries = {
        b"/Title": writer.text("Página (1) \\ of 1 0 R"),
        b"/Kids": writer.array([b"3", b"/Four", writer.text(b"\x00")]),
        b"/Empty": writer.dictionary({}),
    }
    parsed = pikepdf.Object.parse(writer.dictionary(entries))
    assert str(parsed.Title) == "Página (1) \\ of 1 0 R"
    assert list(parsed.Kids) == [3, pikepdf.Name.Four, pikepdf.String(b"\x00")]
    assert len(parsed.Empty.keys()) == 0


def test_an_output_in_memory_is_a_whole_pdf_too() -> None:
    file = io.BytesIO()
    out = _Output(file)
    catalog, pages = out.reserve(), out.reserve()
    out.put_dict({b"/Type": b"/Catalog", b"/Pages": writer.ref(pages)}, catalog)
    out.put_dict({b"/Type": b"/Pages", b"/Kids": writer.array([]), b"/Count": b"0"}, pages)
    info = out.put_dict({})
    out.close(catalog, info, b"\x01" * 16)
    with pikepdf.open(io.BytesIO(file.getvalue())) as pdf:
        assert len(pdf.pages) == 0
        assert pdf.Root.Type == pikepdf.Name.Catalog
