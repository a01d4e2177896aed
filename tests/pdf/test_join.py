"""The joiner on its own: small parts made here with WeasyPrint (and changed with pikepdf where
a part has to be odd), joined, and read back with qpdf, pikepdf, pypdf and poppler."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pikepdf
import pytest
from helpers import ROOT, outline_titles, pdftotext, squash
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pikepdf import String
from pypdf import PdfReader

from build_scripts.pdf.book import PageFooter
from build_scripts.pdf.join import (
    CROSS_LINK_SCHEME,
    Joiner,
    JoinError,
    OutlineEntry,
    _compact_content,
)
from build_scripts.pdf.stamp import standalone
from build_scripts.pdf.weasy import write_pdf
from build_scripts.settings import FooterStyle

PDF_DIR = ROOT / "templates" / "pdf"
STYLE = FooterStyle()
FONT = PDF_DIR / "fonts" / STYLE.font


def render(body: str, title: str = "Part") -> bytes:
    html = (
        f'<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
        f'<body class="guide">{body}</body></html>'
    )
    return write_pdf(html, f"{title}.pdf", PDF_DIR, [PDF_DIR])


def front_part() -> bytes:
    return render(
        '<section class="cover"><h1 class="cover-title">Cover</h1></section>'
        '<nav class="toc"><h1 class="toc-title" id="toc">Contents</h1>'
        '<p><a href="followup-pdf:ch-a">Chapter A</a></p></nav>',
        "Front",
    )


def chapter_a() -> bytes:
    return render(
        '<section class="chapter" id="ch-a"><h1 class="chapter-title">Chapter A</h1>'
        '<h2 id="ch-a-why">Why</h2>'
        '<p>See <a href="followup-pdf:sc-b">scenario B</a>.</p></section>',
        "Chapter A",
    )


def scenario_b() -> bytes:
    return render(
        '<section class="scenario" id="sc-b"><h1 class="scenario-title">Scenario B</h1>'
        "<p>First page.</p></section>"
        '<section class="worksheet" id="sc-b-worksheet"><h3 class="worksheet-title">Worksheet</h3>'
        '<input type="text" name="b__company" title="Company name">'
        '<input type="checkbox" name="b__sent" title="Sent"></section>',
        "Scenario B",
    )


OUTLINE = [
    OutlineEntry("Contents", "toc"),
    OutlineEntry("Chapter A", "ch-a", (OutlineEntry("Why", "ch-a-why"),)),
    OutlineEntry("Scenario B", "sc-b", (OutlineEntry("Worksheet", "sc-b-worksheet"),)),
]


def join(
    path: Path,
    body: list[bytes],
    front: list[bytes] | None = None,
    footer: PageFooter | None = None,
    outline: list[OutlineEntry] = OUTLINE,
    font: Path = FONT,
    style: FooterStyle = STYLE,
) -> Path:
    joiner = Joiner(path, footer or PageFooter(), font, style)
    try:
        for number, part in enumerate(body):
            joiner.append(part, f"part {number + 1}")
        joiner.add_front(front if front is not None else [front_part()])
        return joiner.finish(outline)
    except BaseException:
        joiner.abort()
        raise


@pytest.fixture(scope="module")
def parts() -> dict[str, bytes]:
    return {"front": front_part(), "a": chapter_a(), "b": scenario_b()}


@pytest.fixture(scope="module")
def guide(parts, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("join") / "guide.pdf"
    return join(path, [parts["a"], parts["b"]], [parts["front"]])


def test_joined_guide_passes_qpdf_check_without_warnings(guide: Path) -> None:
    done = subprocess.run(["qpdf", "--check", str(guide)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stdout + done.stderr


def test_every_page_of_the_joined_guide_names_the_page_tree_as_its_parent(guide: Path) -> None:
    with pikepdf.open(guide) as pdf:
        kids = pdf.Root.Pages.Kids
        assert len(kids) == 5  # cover, contents, chapter, scenario and its worksheet
        for kid in kids:
            assert "/Parent" in kid
            assert kid.Parent.objgen == pdf.Root.Pages.objgen


def test_outline_is_exactly_the_entries_given_and_no_bookmark_is_copied_from_parts(
    guide: Path,
) -> None:
    reader = PdfReader(guide)
    assert [(depth, title) for depth, title, _ in outline_titles(reader)] == [
        (0, "Contents"),
        (0, "Chapter A"),
        (1, "Why"),
        (0, "Scenario B"),
        (1, "Worksheet"),
    ]
    # The parts had outlines of their own (their headings have bookmark levels): none of
    # their items may be left in the file, reachable or not.
    with pikepdf.open(guide) as pdf:
        items = [
            obj
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Dictionary) and "/Title" in obj and "/Parent" in obj
        ]
        assert len(items) == 5


def test_struct_tree_has_one_document_root_holding_every_part(guide: Path) -> None:
    with pikepdf.open(guide) as pdf:
        tree = pdf.Root.StructTreeRoot
        document = tree.K
        assert isinstance(document, pikepdf.Dictionary)
        assert document.S == "/Document"
        assert document.P.objgen == tree.objgen
        parts = list(document.K)
        assert len(parts) == 3  # front, chapter A, scenario B, in page order
        for part in parts:
            assert part.S == "/Part"
            assert part.P.objgen == document.objgen
        # Every structure element of the file hangs under that one root.
        elements = [
            obj
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/StructElem"
        ]
        for element in elements:
            node, depth = element, 0
            while node.objgen != document.objgen:
                node, depth = node.P, depth + 1
                assert depth < 100
        # Marked content of every page is found through the parent tree.
        nums = list(tree.ParentTree.Nums)
        keys = [int(nums[i]) for i in range(0, len(nums), 2)]
        assert keys == sorted(set(keys))
        for page in pdf.pages:
            if "/StructParents" in page.obj:
                assert int(page.obj.StructParents) in keys


def _struct_elements(element: pikepdf.Object) -> list[pikepdf.Object]:
    """`element` and every structure element under it."""
    found, stack = [], [element]
    while stack:
        element = stack.pop()
        found.append(element)
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                stack.append(kid)
    return found


def _marked_content(element: pikepdf.Object) -> list[tuple[int, tuple[int, int]]]:
    """(MCID, page objgen) of each marked-content sequence an element lists itself."""
    kids = element.get("/K")
    found = []
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, int) and not isinstance(kid, bool):
            found.append((kid, element.Pg.objgen))
        elif isinstance(kid, pikepdf.Dictionary) and "/MCID" in kid:
            found.append((int(kid.MCID), kid.get("/Pg", element.get("/Pg")).objgen))
    return found


def _lone_spans(tree: pikepdf.Object) -> list[pikepdf.Object]:
    """Spans and NonStructs that hold one run of text and nothing else, and NonStructs that
    hold nothing or only structure elements: wrappers with no meaning."""
    found = []
    for e in _struct_elements(tree):
        if e.get("/S") not in ("/Span", "/NonStruct"):
            continue
        elements = [k for k in e.K if isinstance(k, pikepdf.Dictionary) and "/S" in k]
        content = _marked_content(e)
        if (len(content) == 1 and not elements) or (e.S == "/NonStruct" and not content):
            found.append(e)
    return found


def test_wrappers_without_meaning_are_dropped_and_their_parent_holds_their_content(
    parts, guide: Path
) -> None:
    with pikepdf.open(io.BytesIO(parts["a"])) as part:
        assert _lone_spans(part.Root.StructTreeRoot)  # WeasyPrint writes one per run
        kinds = {str(e.get("/S")) for e in _struct_elements(part.Root.StructTreeRoot)}
    with pikepdf.open(guide) as pdf:
        tree = pdf.Root.StructTreeRoot
        assert _lone_spans(tree) == []
        # The elements with a meaning are all still there (Document and Part join them).
        guide_kinds = {str(e.get("/S")) for e in _struct_elements(tree)}
        for element in _struct_elements(tree.K):  # each names the element holding it
            kids = element.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    assert kid.P.objgen == element.objgen
        assert kinds - {"/Span", "/NonStruct", "/Document"} <= guide_kinds
        assert {"/H1", "/P", "/Link"} <= guide_kinds
        # Every marked-content sequence drawn on a page is reached through the ParentTree,
        # and the element it names lists that sequence on that page.
        nums = list(tree.ParentTree.Nums)
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        drawn = 0
        for page in pdf.pages:
            streams = page.obj.Contents
            if not isinstance(streams, pikepdf.Array):
                streams = [streams]
            content = b"".join(stream.read_bytes() for stream in streams)
            mcids = {int(m) for m in re.findall(rb"/MCID (\d+)", content)}
            for mcid in mcids:
                element = parents[int(page.obj.StructParents)][mcid]
                assert (mcid, page.obj.objgen) in _marked_content(element)
                node, depth = element, 0
                while node.objgen != tree.K.objgen:  # and it hangs under the Document
                    node, depth = node.P, depth + 1
                    assert depth < 100
            drawn += len(mcids)
        assert drawn > 10


def test_links_to_other_parts_become_named_destinations_of_the_guide(guide: Path) -> None:
    reader = PdfReader(guide)
    dests = reader.named_destinations
    for anchor, page in (("toc", 1), ("ch-a", 2), ("sc-b", 3), ("sc-b-worksheet", 4)):
        assert reader.get_destination_page_number(dests[anchor]) == page
    raw = guide.read_bytes()
    assert CROSS_LINK_SCHEME.encode() not in raw  # (its streams are compressed, not its URIs)


def test_footers_number_the_contents_in_roman_and_the_body_of_a_total(guide: Path) -> None:
    assert "Page" not in pdftotext(guide, 1)  # the cover
    assert "Page ii" in pdftotext(guide, 2)
    assert "Page 1 of 3" in pdftotext(guide, 3)
    assert "Page 3 of 3" in pdftotext(guide, 5)


TRICKY = [
    b"(unbalanced",
    b"closing) ( first",
    b"back\\slash \\( \\",
    b"nul\x00in the middle\x00",
    b"1 0 R",
    b"<< /Type /Catalog >> 12 0 R endobj",
    "Página über".encode("utf-16-be"),
]


def test_a_font_every_part_uses_is_written_once_with_its_widths_and_unicode_map(
    guide: Path,
) -> None:
    # Every part draws with the shipped regular face: one font dictionary, one descendant,
    # one descriptor, one ToUnicode map and one font file for all of them.
    with pikepdf.open(guide) as pdf:
        regular = [
            obj
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Dictionary)
            and obj.get("/Subtype") == pikepdf.Name.Type0
            and str(obj.BaseFont).endswith("+Followup-Sans")
        ]
        assert len(regular) == 1
        used = {
            font.objgen
            for page in pdf.pages
            for font in page.obj.Resources.get("/Font", {}).values()
            if str(font.get("/BaseFont", "")).endswith("+Followup-Sans")
        }
        assert used == {regular[0].objgen}
        descriptors = [
            obj
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Dictionary)
            and obj.get("/Type") == pikepdf.Name.FontDescriptor
            and str(obj.FontName).endswith("+Followup-Sans")
        ]
        assert len(descriptors) == 1
    text = pdftotext(guide)
    assert "Chapter A" in text
    assert "Scenario B" in text


def test_strings_with_pdf_syntax_in_them_survive_a_join_byte_exact(tmp_path: Path, parts) -> None:
    with pikepdf.open(io.BytesIO(parts["b"])) as pdf:
        pdf.pages[0].obj.FUProbe = pikepdf.Array([pikepdf.String(s) for s in TRICKY])
        pdf.pages[0].obj.FUProbeInd = pdf.make_indirect(pikepdf.String(TRICKY[3]))
        out = io.BytesIO()
        pdf.save(out)
    title = "Odd (title) \\ with 1 0 R and\x00NUL"
    outline = [*OUTLINE, OutlineEntry(title, "sc-b")]
    path = join(tmp_path / "guide.pdf", [parts["a"], out.getvalue()], outline=outline)
    with pikepdf.open(path) as pdf:
        page = pdf.pages[3].obj
        assert [bytes(s) for s in page.FUProbe] == TRICKY
        assert bytes(page.FUProbeInd) == TRICKY[3]
    assert outline_titles(PdfReader(path))[-1][1] == title


def test_a_footer_wording_with_accents_is_printed(tmp_path: Path, parts) -> None:
    footer = PageFooter("Página {page} de {total}", "Índice {page}")
    path = join(tmp_path / "guide.pdf", [parts["a"], parts["b"]], [parts["front"]], footer)
    assert "Índice ii" in pdftotext(path, 2)
    assert "Página 2 de 3" in pdftotext(path, 4)
    done = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def test_footer_characters_outside_the_shipped_font_are_drawn_or_boxed_not_a_crash(
    tmp_path: Path, parts
) -> None:
    # Greek is not in the shipped (Latin) font: a system font draws it. No font draws the
    # private-use character: it becomes the missing-glyph box, and the rest is still there.
    footer = PageFooter("Σελίδα {page} από {total} \ue000")
    path = join(tmp_path / "guide.pdf", [parts["a"], parts["b"]], [parts["front"]], footer)
    text = squash(pdftotext(path, 3))
    assert "Σελίδα 1 από 3 \ue000" in text  # the box still reads as its character
    own = tmp_path / "own.pdf"
    own.write_bytes(standalone(parts["b"], footer.body_label, FONT, STYLE))
    assert "Σελίδα 2 από 2" in squash(pdftotext(own, 2))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert all(row.split()[-5] == "yes" for row in rows), fonts.stdout  # all embedded


def test_the_footer_is_drawn_in_the_font_file_the_caller_passes(tmp_path: Path, parts) -> None:
    fonts = tmp_path / "project" / "templates" / "pdf" / "fonts"
    fonts.mkdir(parents=True)
    font = shutil.copy(PDF_DIR / "fonts" / "FollowupSansMono-Regular.ttf", fonts / "Footer.ttf")
    path = join(tmp_path / "guide.pdf", [parts["a"]], [parts["front"]], font=Path(font))
    listed = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    assert "FollowupSansMono-Regular" in listed.stdout
    assert "Page 1 of 1" in pdftotext(path, 3)


def test_a_footer_wording_with_an_unknown_field_is_refused_with_the_fields_to_use() -> None:
    with pytest.raises(ValueError, match=r"\{pages\}|'pages'") as caught:
        PageFooter("Page {pages}")
    assert "{page}" in str(caught.value)
    assert "{total}" in str(caught.value)


def test_two_parts_defining_the_same_anchor_is_an_error_naming_both(tmp_path: Path, parts) -> None:
    with pytest.raises(JoinError) as caught:
        join(tmp_path / "guide.pdf", [parts["a"], parts["b"], parts["a"]])
    message = str(caught.value)
    assert "part 3" in message
    assert "part 1" in message
    assert "'ch-a" in message
    assert not (tmp_path / "guide.pdf").exists()
    assert not list(tmp_path.glob(".guide.pdf.*"))  # the half-written file is gone


def _rename_form_font(part: bytes, new_name: str) -> tuple[bytes, str]:
    """The part with its form's font given `new_name` (in its own /DR and in its fields)."""
    with pikepdf.open(io.BytesIO(part)) as pdf:
        form = pdf.Root.AcroForm
        fonts = dict(form.DR.Font.items())
        (old, font), *_ = [(k, v) for k, v in fonts.items() if k in str(form.Fields[0].DA)]
        form.DR = pikepdf.Dictionary(Font=pikepdf.Dictionary({new_name: font}))
        for field in form.Fields:
            if "/DA" in field:
                field.DA = pikepdf.String(str(field.DA).replace(old, new_name))
        base = str(font.BaseFont)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue(), base


def test_a_form_font_name_two_parts_use_for_different_fonts_keeps_each_fields_font(
    tmp_path: Path,
) -> None:
    field = '<input type="text" name="{0}__x" title="X" style="font-family: {1}">'
    sans, sans_base = _rename_form_font(
        render(field.format("sans", "'Followup Sans'"), "Sans"), "/F1"
    )
    mono, mono_base = _rename_form_font(
        render(field.format("mono", "'Followup Sans Mono'"), "Mono"), "/F1"
    )
    assert sans_base != mono_base
    path = join(tmp_path / "guide.pdf", [sans, mono], outline=[])
    with pikepdf.open(path) as pdf:
        form = pdf.Root.AcroForm
        expected = {"sans__x": sans_base, "mono__x": mono_base}
        for field in form.Fields:
            name = next(t for t in str(field.DA).split() if t.startswith("/") and t in form.DR.Font)
            assert str(form.DR.Font[name].BaseFont) == expected[str(field.T)], str(field.T)


def test_a_bad_footer_wording_stops_the_pdfs_with_a_message_not_a_traceback() -> None:
    from build_scripts.pdf import PdfError, PdfOptions
    from build_scripts.pdf.book import page_footer

    options = PdfOptions("T", "S", "A", date(2026, 1, 1), page_footer="Página {pagina}")
    with pytest.raises(PdfError, match=r"page footer.*'Página \{pagina\}'.*\{page\}"):
        page_footer(options, PDF_DIR)


def test_the_cover_label_is_the_books_wording_not_an_english_literal(tmp_path: Path, parts) -> None:
    footer = PageFooter("Página {page} de {total}", "Índice {page}", cover_label="Portada")
    path = join(tmp_path / "guide.pdf", [parts["a"], parts["b"]], [parts["front"]], footer)
    assert PdfReader(path).page_labels == ["Portada", "ii", "1", "2", "3"]
    assert PdfReader(join(tmp_path / "plain.pdf", [parts["a"]])).page_labels == [
        "Cover",
        "ii",
        "1",
    ]


def test_a_footer_style_reaches_every_footer_of_the_joined_guide(tmp_path: Path, parts) -> None:
    style = FooterStyle(size=10.5, grey=0.2, baseline_mm=12)
    path = join(tmp_path / "guide.pdf", [parts["a"], parts["b"]], style=style)
    with pikepdf.open(path) as pdf:
        footers = [page.obj.Resources.XObject.FUpage.read_bytes() for page in list(pdf.pages)[1:]]
    assert len(footers) == 4
    for footer in footers:
        assert footer.startswith(b"0.2 g BT ")
        assert b" 34.02 Td /F0 10.5 Tf " in footer


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.sampled_from([b"(", b")", b"\\", b"\x00", b"1 0 R", b"3 0 R", b">>", b"endobj"]),
            st.binary(max_size=8),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_any_string_in_a_part_survives_the_join_unchanged(
    tmp_path_factory: pytest.TempPathFactory, pieces: list[bytes]
) -> None:
    value = b"".join(pieces)
    with pikepdf.open(io.BytesIO(_PLAIN_PART)) as pdf:
        page = pdf.pages[0].obj
        page.FUProbe = pikepdf.Array([pikepdf.String(value), pdf.make_indirect(String(value))])
        out = io.BytesIO()
        pdf.save(out)
    folder = tmp_path_factory.mktemp("strings")
    path = join(folder / "guide.pdf", [out.getvalue()], front=[], outline=[])
    with pikepdf.open(path) as pdf:
        probe = pdf.pages[0].obj.FUProbe
        assert bytes(probe[0]) == value
        assert bytes(probe[1]) == value
        assert probe[1].is_indirect


_PLAIN_PART = render('<section class="chapter" id="ch-p"><h1>Plain</h1><p>x</p></section>', "P")


def test_content_streams_drop_zero_glyph_adjustments_and_leave_other_streams_as_they_are() -> None:
    with pikepdf.new() as pdf:
        drawn = pdf.make_stream(b"BT /F1 10 Tf [<0001>0<0002>-25<0003>0 <0004>-0.0] TJ ET\n")
        _compact_content(drawn)
        assert drawn.read_bytes() == b"BT /F1 10 Tf [<00010002>-25<00030004>-0.0] TJ ET\n"
        assert drawn.Filter == "/FlateDecode"
        literal = b"BT /F1 10 Tf [(a)0(b)] TJ ET\n"
        untouched = pdf.make_stream(literal)
        _compact_content(untouched)
        assert untouched.read_bytes() == literal


def test_a_joined_page_draws_exactly_what_its_part_drew(tmp_path: Path, parts) -> None:
    from PIL import Image, ImageChops

    (tmp_path / "a.pdf").write_bytes(parts["a"])
    guide = join(tmp_path / "guide.pdf", [parts["a"]])

    def render(pdf: Path, page: int) -> Image.Image:
        out = tmp_path / f"{pdf.stem}-{page}"
        subprocess.run(
            ["pdftoppm", "-r", "100", "-png", "-singlefile", "-f", str(page), "-l", str(page),
             str(pdf), str(out)],
            check=True, capture_output=True,
        )  # fmt: skip
        image = Image.open(out.with_suffix(".png")).convert("RGB")
        # Above the footer, which only the guide draws.
        return image.crop((0, 0, image.width, int(image.height * 0.85)))

    with pikepdf.open(guide) as pdf:
        content = b"".join(stream.read_bytes() for stream in pdf.pages[2].obj.Contents)
        arrays = re.findall(rb"\[[^\]]*\]\s*TJ", content)
        assert arrays
        assert not [a for a in arrays if re.search(rb">\s*0\s*<", a)]
    # Pages 1 and 2 are the cover and contents: the chapter is page 3.
    assert ImageChops.difference(render(tmp_path / "a.pdf", 1), render(guide, 3)).getbbox() is None
