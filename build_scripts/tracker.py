"""The "My applications" page: what its script needs to plan every application's follow-ups.

The page (templates/site/tracker.md.j2) is a form and some empty lists; followup-tracker.js
fills them from the reader's applications, which stay in their browser. What the script needs
from the build is each scenario's timeline, the templates it names and where they are, the
dates it asks for, and what a reply can lead to: `tracker_data` gathers them. The page's
service worker (followup-sw.js, published beside the page so that its scope is the page's
folder) keeps the page usable offline; `render` publishes it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .expand import Site, timeline_data
from .i18n import _, messages
from .links import TRACKER_PAGE, page_link, page_url, template_heading, tracker_worker
from .options import BuildOptions
from .project import Project
from .schema import ANCHOR_INPUT_LABELS, CATEGORY_TITLES, REPLIES

if TYPE_CHECKING:
    from .render_site import PageInputs

DATA_VERSION = 1
"""The layout of the page's data block; followup-tracker.js checks it."""

SCRIPT = "followup-tracker.js"
"""The page's script, in the assets folder."""

WORKER_SOURCE = "followup-sw.js"
"""The service worker's source, in the assets folder."""

KEY_DATES = ("application", "interview", "decision_date", "offer_deadline")
"""The dates the application form always asks for; a scenario's own anchors come on top."""


def tracker_data(site: Site, directory_urls: bool = True) -> dict:
    """Every scenario's plan as the tracker page's script reads it, links relative to the page."""
    ids = {s.id for s in site.scenarios}
    scenarios = {}
    for category in site.categories:
        for s in category.scenarios:
            page = page_link(TRACKER_PAGE, s.src_uri, directory_urls)
            scenarios[s.id] = {
                "title": s.title,
                "summary": s.summary,
                "category": s.category,
                "page": page,
                "anchors": list(s.anchors),
                "timeline": timeline_data(s),
                "templates": {
                    t.id: {"title": t.title, "link": f"{page}#{template_heading(t.id)}"}
                    for t in s.templates
                },
                # A list, in the file's order (the data block's JSON sorts mappings' keys).
                "placeholders": [
                    {"key": p.key, "label": p.label, "help": p.help, "example": p.example}
                    for p in s.placeholders
                ],
            }
    return {
        "version": DATA_VERSION,
        "scenarios": scenarios,
        "categories": [
            {"id": c.id, "title": c.title, "scenarios": [s.id for s in c.scenarios]}
            for c in site.categories
        ],
        "category_titles": {key: _(title) for key, title in CATEGORY_TITLES.items()},
        "dates": {key: _(label) for key, label in ANCHOR_INPUT_LABELS.items()},
        "key_dates": list(KEY_DATES),
        "replies": [
            {
                "kind": kind,
                "label": _(label),
                "anchor": anchor,
                "scenario": scenario if scenario in ids else None,
            }
            for kind, (label, anchor, scenario) in REPLIES.items()
        ],
    }


def interface_strings(script: Path | None) -> dict[str, str]:
    """The translations, in the active edition, of the texts the tracker's script wraps in _():
    carried by the tracker page alone (followup.js's texts are on every page)."""
    if script is None or not script.is_file():
        return {}
    texts = messages(script.read_text(encoding="utf-8"))
    return {text: _(text) for text in texts if _(text) != text}


def page_context(site: Site, inputs: PageInputs) -> dict:
    """What templates/site/tracker.md.j2 needs: the data, and the worker's address from the page."""
    here = page_url(TRACKER_PAGE, inputs.directory_urls)
    folder = here if here.endswith("/") else posixpath.dirname(here)
    script = inputs.assets_dir / SCRIPT if inputs.assets_dir else None
    return {
        "page": TRACKER_PAGE,
        "data": {
            **tracker_data(site, inputs.directory_urls),
            "strings": interface_strings(script),
        },
        "tracker_worker_link": posixpath.relpath(
            tracker_worker(inputs.directory_urls), folder or "."
        ),
    }


def render(
    site: Site, project: Project, options: BuildOptions, built: Mapping[str, bytes | Path]
) -> dict[str, bytes | Path]:
    """The tracker page's service worker, published in the page's folder."""
    worker = project.assets_dir / WORKER_SOURCE
    where = tracker_worker(project.config.directory_urls)
    return {where: worker} if worker.is_file() else {}
