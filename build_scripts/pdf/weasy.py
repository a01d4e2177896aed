"""One HTML document to PDF bytes with WeasyPrint, trusting nothing it warns about.

WeasyPrint may load only the project's own files (`make_url_fetcher`); any warning it logs,
and any file it was refused, fails the document with a `PdfError` that says what to change.
The print stylesheet and its fonts are parsed once per process. A document whose last page
holds a few lines is set a little tighter when that saves the page, and checkboxes are given
what every PDF viewer needs (`_complete_checkboxes`).
"""

from __future__ import annotations

import atexit
import io
import logging
import mimetypes
import re
from collections.abc import Iterable
from html import unescape
from pathlib import Path

from ..fonts import CODEPOINTS
from .options import PdfError
from .stamp import SAVE_OPTIONS

WRITE_OPTIONS = {"pdf_forms": True, "pdf_variant": "pdf/ua-1"}
"""Fillable worksheets, and a tagged PDF/UA-1 document for screen readers."""


_NO_GLYPH = re.compile(r'\.notdef glyph rendered for Unicode string unsupported by fonts: "(.+?)"')


def _weasyprint_warnings() -> tuple[logging.Handler, list[str]]:
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                messages.append(record.getMessage())

    return Collect(), messages


def make_url_fetcher(allowed_roots: Iterable[Path], refused: list[str]):
    """A WeasyPrint URL fetcher that serves only files under `allowed_roots`.

    Everything else (other files, `http:`, `data:`, ...) is refused and recorded in `refused`.
    """
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = tuple(Path(root).resolve() for root in allowed_roots)

    class ProjectOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                refused.append(f"{url[:120]} (only the project's own files may be loaded)")
                raise ValueError("refused by followup-kit: not a project file")
            path = Path(unquote(parts.path)).resolve()
            if not any(path.is_relative_to(root) for root in roots) or not path.is_file():
                refused.append(f"{url[:120]} (outside the template and asset folders)")
                raise ValueError("refused by followup-kit: outside the allowed folders")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), body=path.read_bytes(), headers={"Content-Type": kind}
            )

    return ProjectOnlyFetcher(allowed_protocols=("file",), allow_redirects=False)


def _fits_shipped_fonts(html: str) -> bool:
    """Whether every character of a document is drawn by the fonts in templates/pdf/fonts."""
    return {ord(c) for c in unescape(html)} - {9, 10, 13} <= CODEPOINTS


_STYLES: dict[tuple, tuple] = {}
atexit.register(_STYLES.clear)  # before interpreter teardown, which the font config dislikes
_INHERITED: list[tuple] = []
"""In a forked worker: the styles the build process had parsed, kept alive for good."""


def keep_inherited_styles() -> None:
    """Call in a worker process forked from the build. A font configuration deletes its font
    files (a temporary folder) when it is collected; the one a worker inherits is the build
    process's, which goes on using those files. Dropping it in the worker (parsing another
    project's stylesheet) would leave the build process drawing with fonts that are gone,
    every character a missing glyph. Workers end without collecting what is kept here."""
    _INHERITED.extend(_STYLES.values())


def _print_style(base_dir: Path, allowed_roots: tuple[Path, ...]) -> tuple[list, object | None]:
    """The print stylesheet (`base_dir`/print.css) and its fonts, parsed once per process.

    Returns ([], None) when there is no print.css. Problems found while parsing are logged to
    WeasyPrint's logger, like the document's own."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    sheet = base_dir / "print.css"
    if not sheet.is_file():
        return [], None
    fonts = base_dir / "fonts"
    stamp = [sheet.stat().st_mtime_ns]
    stamp += [f.stat().st_mtime_ns for f in sorted(fonts.glob("*"))] if fonts.is_dir() else []
    key = (str(base_dir), tuple(map(str, allowed_roots)), tuple(stamp))
    if key not in _STYLES:
        refused: list[str] = []
        font_config = FontConfiguration()
        css = CSS(
            filename=str(sheet),
            url_fetcher=make_url_fetcher(allowed_roots, refused),
            font_config=font_config,
        )
        if refused:
            raise PdfError(sheet.name, [f"refused to load {r}" for r in refused])
        _STYLES.clear()
        _STYLES[key] = ([css], font_config)
    return _STYLES[key]


NEARLY_EMPTY = 0.2
"""A last page filled less than this (a share of its height) is worth a tighter setting."""
FIT_BODY = '<body class="'
"""Where the `fit` class goes: print.css sets a document with it a little tighter."""


def _last_page_fill(document: object) -> float:
    """How far down its content area the last page of a rendered document is drawn on (0-1)."""
    from weasyprint.formatting_structure import boxes

    page = document.pages[-1]._page_box  # type: ignore[attr-defined]
    top, bottom = page.content_box_y(), page.content_box_y()
    for child in page.children:
        if isinstance(child, boxes.MarginBox):
            continue
        for box in child.descendants():
            inked = isinstance(box, boxes.TextBox | boxes.ReplacedBox) or (
                box.style["border_bottom_width"] and box.style["border_bottom_style"] != "none"
            )
            if inked:
                bottom = max(bottom, box.position_y + box.margin_height())
    return (bottom - top) / page.height if page.height else 1.0


def write_pdf(html: str, document: str, base_dir: Path, allowed_roots: Iterable[Path]) -> bytes:
    """Render one HTML document to PDF bytes; refuse anything WeasyPrint warns about.

    Fonts are embedded whole when the text stays inside the shipped fonts (identical bytes in
    every part, so the joined guide holds one copy); otherwise they are subset, so that a
    fallback font for another script adds only the glyphs it draws."""
    import weasyprint

    options = {**WRITE_OPTIONS, "full_fonts": _fits_shipped_fonts(html)}
    refused: list[str] = []
    handler, warnings = _weasyprint_warnings()
    weasy_log = logging.getLogger("weasyprint")
    weasy_log.addHandler(handler)
    allowed_roots = tuple(allowed_roots)
    try:
        stylesheets, font_config = _print_style(base_dir, allowed_roots)
        if warnings:  # the stylesheet itself is faulty: do not keep it
            _STYLES.clear()

        def render(source: str):  # -> weasyprint.Document
            return weasyprint.HTML(
                string=source,
                base_url=base_dir.resolve().as_uri() + "/",
                url_fetcher=make_url_fetcher(allowed_roots, refused),
            ).render(stylesheets=stylesheets, font_config=font_config, **options)

        rendered = render(html)
        if (
            len(rendered.pages) > 1
            and _last_page_fill(rendered) < NEARLY_EMPTY
            and FIT_BODY in html
        ):
            # A few lines alone on the last page: set the document a little tighter, and
            # keep that if it saves the page.
            tighter = render(html.replace(FIT_BODY, FIT_BODY + "fit ", 1))
            if len(tighter.pages) < len(rendered.pages):
                rendered = tighter
        pdf = rendered.write_pdf(**options)
    finally:
        weasy_log.removeHandler(handler)
    problems = [f"refused to load {r}" for r in refused]
    missing = "".join(dict.fromkeys(m.group(1) for w in warnings if (m := _NO_GLYPH.search(w))))
    if missing:
        problems.append(
            f"no installed font has these characters: {' '.join(missing)} (install a font "
            "that does, such as Debian's fonts-noto-cjk for Chinese, Japanese and Korean, or "
            "remove them)"
        )
    problems += [
        w
        for w in warnings
        if not _NO_GLYPH.search(w) and not any(r.split(" (")[0] in w for r in refused)
    ]
    if problems:
        raise PdfError(document, problems)
    return _complete_checkboxes(pdf) if 'type="checkbox"' in html else pdf


_RADIO_OR_PUSHBUTTON = (1 << 15) | (1 << 16)


def _complete_checkboxes(pdf: bytes) -> bytes:
    """Give each checkbox what every viewer and form filler needs.

    WeasyPrint names the ticked state "on" and draws only that state; its form asks viewers to
    redraw fields (/NeedAppearances, for the text fields), and a viewer that redraws a box
    (poppler: Evince, Okular) draws the caption in /MK with the font in /DA, which it lacks:
    a ticked box showed empty. The ticked state becomes "Yes" (what Acrobat and pypdf use),
    an empty "Off" appearance is added, and the caption is ZapfDingbats' check mark."""
    import pikepdf
    from pikepdf import Dictionary, Name, String

    with pikepdf.open(io.BytesIO(pdf)) as document:
        form = document.Root.get("/AcroForm")
        boxes = [
            field
            for field in (form.get("/Fields", ()) if form is not None else ())
            if field.get("/FT") == Name.Btn
            and "/AP" in field
            and not int(field.get("/Ff", 0)) & _RADIO_OR_PUSHBUTTON
        ]
        if not boxes:
            return pdf
        for box in boxes:
            normal = box.AP.N
            ticked = [key for key in normal if key != "/Off"]
            if len(ticked) != 1:
                continue
            drawing = normal[ticked[0]]
            empty = document.make_stream(
                b"", Type=Name.XObject, Subtype=Name.Form, BBox=drawing.BBox, Resources=Dictionary()
            )
            box.AP = Dictionary(N=Dictionary(Yes=drawing, Off=empty))
            state = Name.Yes if box.get("/AS") == Name(ticked[0]) else Name.Off
            box.AS = state
            box.V = state
            characteristics = box.get("/MK", Dictionary())
            characteristics.CA = String("4")  # a check mark in ZapfDingbats
            box.MK = characteristics
            colour = " ".join(f"{float(c):g}" for c in characteristics.get("/BC", (0, 0, 0)))
            box.DA = String(f"/ZaDb 0 Tf {colour} rg")
        # The form's resources are the pages' own dictionary in WeasyPrint's output: the
        # form gets a copy with the font added, so that no page lists a font it never draws
        # with (and none that is not embedded).
        resources = Dictionary(dict(form.get("/DR", Dictionary()).items()))
        fonts = Dictionary(dict(resources.get("/Font", Dictionary()).items()))
        fonts.ZaDb = document.make_indirect(
            Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.ZapfDingbats)
        )
        resources.Font = fonts
        form.DR = resources
        out = io.BytesIO()
        document.save(out, **SAVE_OPTIONS)
        return out.getvalue()
