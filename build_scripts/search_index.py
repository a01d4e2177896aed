"""The search index as readers use it: one entry per scenario page, its sections folded in."""

from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path

FOLDED_BOOST = 2
"""How much a folded page's score is raised (Material's per-entry `boost`). Lunr scores a match
by cosine similarity, so the longer text of a folded page lowers its score for the same words
in its title: without it, a guide section mentioning a scenario's title word outranked that
scenario's own page."""


def fold_sections(docs: list[dict], pages: Collection[str]) -> list[dict]:
    """`docs` (the entries of Material's search index) with the sections of each page in `pages`
    (locations, such as "scenarios/x/") folded into the page's own entry: each section's title
    and text appended to the page's text as paragraphs, in page order. Other entries are kept.

    A scenario page is one result with the sections that matched shown in its teaser, rather
    than a result and up to a dozen sections (when to use it, timeline, each template): at
    1000 scenarios the sections were five of every six entries, and search time grows with the
    entries a query matches (lunr scores each, Material highlights each, and the page renders
    each under its page's result). A page that takes in sections is boosted by FOLDED_BOOST."""
    folded: list[dict] = []
    owners: dict[str, dict] = {}
    boosted: set[str] = set()
    for doc in docs:
        page, _, anchor = doc["location"].partition("#")
        owner = owners.get(page) if anchor else None
        if owner is None:
            doc = dict(doc)
            folded.append(doc)
            if not anchor and page in pages:
                owners[page] = doc
            continue
        if page not in boosted:
            owner["boost"] = owner.get("boost", 1) * FOLDED_BOOST
            boosted.add(page)
        parts = [owner["text"], f"<p>{doc['title']}</p>" if doc["title"] else "", doc["text"]]
        owner["text"] = " ".join(part for part in parts if part)
    return folded


def fold_index_file(index: Path, pages: Collection[str]) -> None:
    """Rewrite Material's `search_index.json` at `index` with the sections of `pages` folded
    into their pages' entries (fold_sections), written as compactly as Material writes it."""
    data = json.loads(index.read_text(encoding="utf-8"))
    docs = fold_sections(data["docs"], pages)
    if len(docs) == len(data["docs"]):
        return  # nothing to fold (already folded by an earlier build under `mkdocs serve`)
    data["docs"] = docs
    index.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
