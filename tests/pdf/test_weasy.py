"""One document to PDF with WeasyPrint: a faulty stylesheet is refused, checkboxes get both
states in every viewer."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pikepdf
import pytest
from helpers import ROOT

from build_scripts.pdf import PdfError, weasy

PDF_DIR = ROOT / "templates" / "pdf"


def html(body: str, body_class: str = "guide") -> str:
    return (
        '<html lang="en"><head><meta charset="utf-8"><title>Probe</title></head>'
        f'<body class="{body_class}">{body}</body></html>'
    )


def test_a_stylesheet_that_loads_from_outside_is_refused(tmp_path: Path) -> None:
    shutil.copytree(PDF_DIR / "fonts", tmp_path / "fonts")
    (tmp_path / "print.css").write_text('@import url("file:///etc/hostname");\np { color: red }\n')
    weasy._STYLES.clear()
    try:
        with pytest.raises(PdfError, match=r"^print\.css: refused to load file:///etc/hostname"):
            weasy.write_pdf(html("<p>x</p>"), "probe.pdf", tmp_path, [tmp_path])
    finally:
        weasy._STYLES.clear()


def test_checkboxes_get_a_yes_and_an_off_state_drawn_with_a_check_mark() -> None:
    pdf = weasy.write_pdf(
        html('<input type="checkbox" name="a__sent" title="Sent" checked>'
             '<input type="checkbox" name="a__read" title="Read">'),
        "boxes.pdf",
        PDF_DIR,
        [PDF_DIR],
    )  # fmt: skip
    with pikepdf.open(io.BytesIO(pdf)) as document:
        form = document.Root.AcroForm
        boxes = {str(field.T): field for field in form.Fields}
        assert set(boxes) == {"a__sent", "a__read"}
        for field in boxes.values():
            assert set(field.AP.N.keys()) == {"/Yes", "/Off"}
            assert str(field.MK.CA) == "4"
            assert str(field.DA).startswith("/ZaDb 0 Tf")
        assert boxes["a__sent"].V == pikepdf.Name.Yes == boxes["a__sent"].AS
        assert boxes["a__read"].V == pikepdf.Name.Off == boxes["a__read"].AS
        assert "/ZaDb" in form.DR.Font
        for page in document.pages:  # the pages do not list the form's font
            assert "/ZaDb" not in page.Resources.get("/Font", {})


def test_a_document_without_checkboxes_is_left_as_weasyprint_wrote_it() -> None:
    pdf = weasy.write_pdf(html("<p>x</p>"), "plain.pdf", PDF_DIR, [PDF_DIR])
    assert weasy._complete_checkboxes(pdf) is pdf
