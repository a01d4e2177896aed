"""The PDF package's shared nouns: the options of a build's PDFs, and the error."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..settings import FooterStyle

Paper = Literal["a4", "letter"]
PAPER_SIZES: dict[str, str] = {"a4": "A4", "letter": "letter"}


class PdfError(Exception):
    """WeasyPrint warned about something, or a resource was refused; the PDF is not trusted."""

    def __init__(self, document: str, problems: Sequence[str]) -> None:
        self.document = document
        self.problems = list(problems)
        super().__init__(
            f"{document}: " + "; ".join(self.problems)
            if len(self.problems) == 1
            else f"{document}:\n" + "\n".join(f"  {p}" for p in self.problems)
        )

    def __reduce__(self) -> tuple:  # to come back whole from a worker process
        return (PdfError, (self.document, self.problems))


@dataclass(frozen=True)
class PdfOptions:
    """Settings shared by every PDF of a build (its repr is part of every part's cache key)."""

    title: str
    subtitle: str
    author: str
    edition: dt.date
    paper: Paper = "a4"
    language: str = "en"
    keywords: tuple[str, ...] = ("job interview", "follow-up", "thank-you email", "templates")
    page_footer: str = "Page {page} of {total}"
    """The foot of each page (format fields `{page}` and `{total}`)."""
    contents_footer: str = "Page {page}"
    """The foot of each contents page (`{page}` in roman numerals)."""
    cover_label: str = "Cover"
    """The cover's page label, which PDF viewers show instead of a page number."""
    footer_style: FooterStyle = field(default_factory=FooterStyle)
    """The page numbers' font (in templates/pdf/fonts/), size, grey and height."""
