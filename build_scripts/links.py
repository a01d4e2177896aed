"""Every path, URL, anchor and marker the outputs share: change an address here and only here.

Paths are relative to the built site's root (MkDocs' `src_uri` for pages). The templates get
the same functions as Jinja globals (`scenario_page(s.id)`, `scenario_anchor(s.id)`, ...), so no
template spells out an address either.
"""

from __future__ import annotations

import posixpath
import re

# Pages the core generates.
SCENARIOS_FOLDER = "scenarios"
SCENARIOS_INDEX = f"{SCENARIOS_FOLDER}/index.md"
TIMING_PAGE = "timing.md"
AUTHORING_PAGE = "add-a-scenario.md"
SOURCES_PAGE = "sources.md"
FAQ_PAGE = "faq.md"
TRACKER_PAGE = "my-applications.md"
"""The applications tracker (its script: assets/followup-tracker.js)."""
TRACKER_WORKER = "my-applications/sw.js"
"""The tracker page's service worker, in the page's folder: a worker controls the pages under
its own folder. Without directory URLs the page is `my-applications.html` at the root, so its
worker is there too: tracker_worker() says which."""


def tracker_worker(directory_urls: bool = True) -> str:
    """Where the tracker page's service worker is published (see TRACKER_WORKER)."""
    return TRACKER_WORKER if directory_urls else "my-applications-sw.js"


def scenario_page(scenario_id: str) -> str:
    """A scenario's page: `scenarios/<id>.md`."""
    return f"{SCENARIOS_FOLDER}/{scenario_id}.md"


ASSETS_FOLDER = "assets"
"""Where the page script and style (followup.js, followup.css) are published."""

# Downloads.
DOWNLOADS_FOLDER = "downloads"
GUIDE_PDF = f"{DOWNLOADS_FOLDER}/follow-up-guide.pdf"
PACK_ZIP = f"{DOWNLOADS_FOLDER}/follow-up-templates.zip"
TEMPLATES_JSON = f"{DOWNLOADS_FOLDER}/templates.json"
TEMPLATE_FILE_TYPES = ("txt", "eml")
"""The file types every template is published as, one file each."""
DRAFT_SENDER = "your-address@example.invalid"
"""Stands in for the reader's address in downloaded drafts (RFC 5322 wants a From field;
`.invalid` can never be delivered, so a forgotten one fails loudly)."""


def scenario_pdf(scenario_id: str) -> str:
    """A scenario's own PDF: `downloads/scenarios/<id>.pdf`."""
    return f"{DOWNLOADS_FOLDER}/scenarios/{scenario_id}.pdf"


def template_file(scenario_id: str, template_id: str, extension: str) -> str:
    """A single template as a file: `downloads/templates/<scenario>/<template>.<ext>`."""
    return f"{DOWNLOADS_FOLDER}/templates/{scenario_id}/{template_id}.{extension}"


def variant_file(scenario_id: str, template_id: str, channel: str) -> str:
    """A template's channel variant as text, next to the template's own files:
    `downloads/templates/<scenario>/<template>.<channel>.txt`."""
    return template_file(scenario_id, f"{template_id}.{channel}", "txt")


GENERATED = (
    SCENARIOS_INDEX,
    TIMING_PAGE,
    AUTHORING_PAGE,
    SOURCES_PAGE,
    FAQ_PAGE,
    TRACKER_PAGE,
    TRACKER_WORKER,
    GUIDE_PDF,
    PACK_ZIP,
    TEMPLATES_JSON,
)
"""The fixed names the build adds to every site (scenario ids must not collide with them)."""


# Anchors inside the PDFs (the guide holds every scenario, so they carry its id).


def faq_anchor(scenario_id: str, number: int) -> str:
    """A question of a scenario's FAQ, on the FAQ page and in the guide (`faq-<id>-1`)."""
    return f"faq-{scenario_id}-{number}"


def scenario_anchor(scenario_id: str) -> str:
    return f"sc-{scenario_id}"


def worksheet_anchor(scenario_id: str) -> str:
    return f"sc-{scenario_id}--worksheet"


def template_anchor(scenario_id: str, template_id: str) -> str:
    return f"sc-{scenario_id}--{template_heading(template_id)}"


def template_heading(template_id: str) -> str:
    """The id of a template's heading on its scenario page (and the tail of its PDF anchor)."""
    return f"template-{template_id}"


def variant_panel(template_id: str, channel: str) -> str:
    """The id of a channel variant's tab panel on its scenario page (`template-thanks--text`);
    its tab's radio input adds `-tab` (the email's tab is `template-thanks--email-tab`)."""
    return f"{template_heading(template_id)}--{channel}"


def chapter_anchor(src_uri: str) -> str:
    """A hand-written page as a chapter of the guide: `why-follow-up.md` -> `ch-why-follow-up`."""
    stem = src_uri.removesuffix(".md").replace("/", "-")
    return "ch-" + re.sub(r"[^a-z0-9-]+", "-", stem.lower()).strip("-")


# Markers: a hand-written page may hold one of these lines; the build puts generated content
# in its place.
SCENARIO_LIST_MARKER = "<!-- followup:scenario-list -->"
"""Replaced by the table of scenarios."""
DOWNLOADS_MARKER = "<!-- followup:downloads -->"
"""Replaced by the download buttons (the guide, the template pack)."""
CHOOSER_MARKER = "<!-- followup:chooser -->"
"""Replaced by the "which scenario fits?" questions of content/chooser.yml."""
MARKERS = (SCENARIO_LIST_MARKER, DOWNLOADS_MARKER, CHOOSER_MARKER)


def relative(from_page: str, path: str) -> str:
    """`path` as a link from the page `from_page`, both relative to the site's root:
    `relative("scenarios/a.md", "scenarios/b.md")` is `b.md`."""
    return posixpath.relpath(path, posixpath.dirname(from_page) or ".")


def page_url(src_uri: str, directory_urls: bool = True) -> str:
    """Where MkDocs publishes the page `src_uri`, relative to the site's root:
    `scenarios/a.md` is `scenarios/a/` (or `scenarios/a.html` without directory URLs)."""
    stem = src_uri.removesuffix(".md")
    if not directory_urls:
        return f"{stem}.html"
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/"


def page_link(from_page: str, to_page: str, directory_urls: bool = True) -> str:
    """A link to the page `to_page` from the page `from_page`, as the built site's URLs need
    it: for raw HTML, whose links MkDocs does not rewrite (Markdown links say `to_page.md`)."""
    here, there = page_url(from_page, directory_urls), page_url(to_page, directory_urls)
    folder = here if here.endswith("/") or not here else posixpath.dirname(here)
    link = posixpath.relpath(there or ".", folder or ".")
    return f"{link}/" if there.endswith("/") or not there else link


GLOBALS = {
    "scenarios_index": SCENARIOS_INDEX,
    "guide_pdf": GUIDE_PDF,
    "faq_page": FAQ_PAGE,
    "tracker_page": TRACKER_PAGE,
    **{
        name: globals()[name]
        for name in (
            "scenario_page",
            "scenario_pdf",
            "template_file",
            "variant_file",
            "variant_panel",
            "scenario_anchor",
            "faq_anchor",
            "worksheet_anchor",
            "template_anchor",
            "template_heading",
            "chapter_anchor",
            "relative",
            "page_link",
        )
    },
}
"""What every template environment gets as Jinja globals."""
