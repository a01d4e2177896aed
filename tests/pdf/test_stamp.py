"""Page numbers at the foot of a page: their content stream follows the footer style from the
settings, their font is checked, and a bad style in mkdocs.yml is an error with its place."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
import yaml
from helpers import ROOT, build_site, pdftotext
from pypdf import PdfReader

from build_scripts.links import GUIDE_PDF
from build_scripts.links import scenario_pdf as scenario_pdf_path
from build_scripts.pdf import stamp
from build_scripts.pdf.weasy import write_pdf
from build_scripts.settings import FooterStyle, LenientLoader, parse_settings

PDF_DIR = ROOT / "templates" / "pdf"
FONTS = PDF_DIR / "fonts"
DEFAULT = FooterStyle()
FONT = FONTS / DEFAULT.font
A4_WIDTH = 595.28
SHOW = re.compile(
    rb"^(?P<grey>[\d.]+) g BT (?P<x>[\d.]+) (?P<y>[\d.]+) Td "
    rb"/F0 (?P<size>[\d.]+) Tf <[0-9a-f]+> Tj ET\n$"
)


def footer(style: FooterStyle, text: str = "Page 3 of 12") -> re.Match:
    content = stamp._FooterFonts(FONT, style).content(text, A4_WIDTH, b"F")
    match = SHOW.match(content)
    assert match, content
    return match


def test_the_default_style_draws_8_pt_grey_numbers_9_mm_above_the_edge() -> None:
    show = footer(DEFAULT)
    assert show["grey"] == b"0.4"
    assert show["size"] == b"8"
    assert float(show["y"]) == pytest.approx(9 * 72 / 25.4, abs=0.01)


def test_another_size_grey_and_baseline_change_the_content_stream() -> None:
    default = footer(DEFAULT)
    style = FooterStyle(size=11, grey=0.15, baseline_mm=12)
    custom = footer(style)
    assert custom["grey"] == b"0.15"
    assert custom["size"] == b"11"
    assert float(custom["y"]) == pytest.approx(12 * 72 / 25.4, abs=0.01)
    # Still centred: a larger size starts further left, by half the extra width.
    width = (A4_WIDTH / 2 - float(default["x"])) * 2
    assert float(custom["x"]) == pytest.approx(A4_WIDTH / 2 - width * 11 / 8 / 2, abs=0.01)


def _part() -> bytes:
    html = (
        '<html lang="en"><head><meta charset="utf-8"><title>Part</title></head>'
        '<body class="guide"><p>One.</p><p style="break-before: page">Two.</p></body></html>'
    )
    return write_pdf(html, "part.pdf", PDF_DIR, [PDF_DIR])


def _footers(pdf: bytes) -> list[bytes]:
    """The last content stream of each page: the footer stamp."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return [page.obj.Contents[-1].read_bytes() for page in document.pages]


def test_a_standalone_document_is_stamped_in_the_style_given(tmp_path: Path) -> None:
    part = _part()
    label = "Page {} of {}".format
    plain = _footers(stamp.standalone(part, label, FONT, DEFAULT))
    custom = stamp.standalone(part, label, FONT, FooterStyle(size=10, grey=0.1))
    styled = _footers(custom)
    assert len(plain) == len(styled) == 2
    for stream in plain:
        assert b"0.4 g BT" in stream
        assert b"/FUpage0 8 Tf" in stream
    for stream in styled:
        assert b"0.1 g BT" in stream
        assert b"/FUpage0 10 Tf" in stream
        assert stream.startswith(b"Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n")
    path = tmp_path / "own.pdf"
    path.write_bytes(custom)
    assert "Page 2 of 2" in pdftotext(path, 2)


def test_the_footer_font_must_be_in_the_fonts_folder() -> None:
    with pytest.raises(ValueError, match=r"'Missing\.ttf' is not in .*FollowupSans-Regular\.ttf"):
        stamp.footer_font(FONTS, FooterStyle(font="Missing.ttf"))
    assert stamp.footer_font(FONTS, DEFAULT) == FONT


def test_a_footer_font_that_is_not_a_font_is_refused(tmp_path: Path) -> None:
    (tmp_path / "Broken.ttf").write_bytes(b"not a font at all")
    with pytest.raises(ValueError, match=r"'Broken\.ttf' is not a font file"):
        stamp.footer_font(tmp_path, FooterStyle(font="Broken.ttf"))


BAD_STYLE = (
    "    paper: a4\n"
    "    footer_style:\n"
    "      font: ../fonts/evil.ttf\n"
    "      size: 80\n"
    "      grey: -0.5\n"
)


def test_a_bad_footer_style_is_reported_with_mkdocs_yml_and_the_key_path() -> None:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("    paper: a4\n", BAD_STYLE)
    line = text.splitlines().index("      size: 80") + 1
    config = yaml.load(text, Loader=LenientLoader)
    settings, problems = parse_settings(config["extra"], text)
    messages = [str(problem) for problem in problems]
    assert f"mkdocs.yml:{line}:1: extra.followup.footer_style.size: " in messages[1]
    assert "less than or equal to 24" in messages[1]
    assert messages[0].startswith(f"mkdocs.yml:{line - 1}:1: extra.followup.footer_style.font: ")
    assert "ending in .ttf or .otf, without a folder" in messages[0]
    assert messages[2].startswith(f"mkdocs.yml:{line + 1}:1: extra.followup.footer_style.grey: ")
    assert len(messages) == 3
    assert settings.footer_style == DEFAULT  # the rest of the settings still apply


def test_followup_check_reports_a_bad_footer_style_without_a_traceback(project: Path) -> None:
    config = project / "mkdocs.yml"
    setting = "    footer_style: {size: 8, colour: red}"
    config.write_text(config.read_text().replace("    paper: a4\n", f"    paper: a4\n{setting}\n"))
    line = config.read_text().splitlines().index(setting) + 1
    done = subprocess.run(
        [sys.executable, "-m", "build_scripts", "check"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert (
        f"mkdocs.yml:{line}:1: extra.followup.footer_style.colour: unknown setting; expected "
        "one of font, size, grey, baseline_mm" in done.stderr
    )
    assert "Traceback" not in done.stderr


def test_the_footer_settings_in_mkdocs_yml_reach_the_guide_and_the_scenario_pdfs(
    project: Path, tmp_path: Path
) -> None:
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "    paper: a4\n",
            "    paper: a4\n    cover_label: Portada\n"
            "    footer_style: {size: 9.5, grey: 0.25, baseline_mm: 11}\n",
        )
    )
    site = tmp_path / "site"
    build_site(project, site)
    baseline = b" %.2f Td " % (11 * 72 / 25.4)
    with pikepdf.open(site / GUIDE_PDF) as guide:
        footers = [page.Resources.XObject.FUpage.read_bytes() for page in guide.pages[1:]]
        assert len(footers) > 10
        for content in footers:
            assert content.startswith(b"0.25 g BT ")
            assert baseline + b"/F0 9.5 Tf " in content
    labels = PdfReader(site / GUIDE_PDF).page_labels
    contents = labels.index("1") - 1  # the cover, then the contents in roman numerals
    assert labels[: contents + 2] == ["Portada", *["ii", "iii", "iv", "v"][:contents], "1"]
    with pikepdf.open(site / scenario_pdf_path("post-interview")) as own:
        for page in own.pages:
            stamp_stream = page.obj.Contents[-1].read_bytes()
            assert b"0.25 g BT " in stamp_stream
            assert baseline + b"/FUpage0 9.5 Tf " in stamp_stream
