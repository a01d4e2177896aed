"""A page's description for search results and link previews, taken from its rendered HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser

DESCRIPTION_LIMIT = 160
"""Characters: about what search results show before they cut a description short."""


class _FirstParagraph(HTMLParser):
    """The text of the first <p> that holds any, with markup dropped and entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p" and not self.done:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self.depth:
            self.depth -= 1
            self.done = self.done or bool("".join(self.parts).strip())
            if not self.done:
                self.parts.clear()

    def handle_data(self, data: str) -> None:
        if self.depth and not self.done:
            self.parts.append(data)


def shorten(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """`text` on one line, cut at a word boundary with an ellipsis when longer than `limit`."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"


def first_paragraph(html: str) -> str:
    """The plain text of the first paragraph of a page's HTML ("" when it has none)."""
    parser = _FirstParagraph()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts) if parser.done else ""


def describe(summaries: dict[str, str], src_uri: str, html: str) -> str | None:
    """A page's description: a scenario's summary for its page, else the first paragraph."""
    return summaries.get(src_uri) or shorten(first_paragraph(html)) or None
