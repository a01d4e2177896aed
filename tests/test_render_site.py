"""Generated Markdown pages (golden files) and the escaping of scenario text."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
import yaml
from helpers import parse_html

import build_scripts
from build_scripts.expand import describe_timing, expand
from build_scripts.load import load_text
from build_scripts.render_site import fill_markers, render
from build_scripts.schema import Timing
from build_scripts.settings import LenientLoader
from build_scripts.templating import fill_deferred, md_escape
from build_scripts.validate import validate

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted(p for p in (Path(__file__).parent / "golden" / "site").iterdir() if p.is_dir())


def site_for(yaml_file: Path):
    raw = load_text(yaml_file.read_bytes(), f"content/scenarios/{yaml_file.name}")
    valid, errors = validate([raw])
    assert errors == []
    return expand([s for s, _ in valid], {valid[0][0].id: raw.path})


def to_html(text: str) -> str:
    """Convert with the Markdown extensions that mkdocs.yml enables."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=LenientLoader)
    names, configs = [], {}
    for item in config["markdown_extensions"]:
        if isinstance(item, dict):
            (name, options), *_ = item.items()
            names.append(name)
            configs[name] = options
        else:
            names.append(item)
    return markdown.markdown(text, extensions=names, extension_configs=configs)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_scenario_page_matches_golden(case: Path, update_goldens: bool) -> None:
    site = site_for(case / "scenario.yml")
    page = next(p for p in render(site, ROOT / "templates") if p.scenario is not None)
    # The page's JSON stands in as a token until the page is written (see json_data).
    markdown = fill_deferred(page.markdown)
    expected = case / "expected.md"
    if update_goldens:
        expected.write_text(markdown, encoding="utf-8")
    assert markdown == expected.read_text(encoding="utf-8")


def test_hostile_text_stays_inert_in_the_html() -> None:
    site = site_for(Path(__file__).parent / "golden" / "site" / "hostile-text" / "scenario.yml")
    html = "\n".join(fill_deferred(to_html(p.markdown)) for p in render(site, ROOT / "templates"))
    page = parse_html(html)
    tags = {tag for tag, _ in page.elements}
    assert not tags & {"script", "img", "iframe", "b", "i", "style", "object", "embed"}
    for tag, attrs in page.elements:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), (tag, attrs)
        assert attrs.get("id") != "evil"
    # The payloads are shown to the reader as literal text.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ config }}" in html
    assert "{% include &#39;/etc/passwd&#39; %}" in html or "{% include '/etc/passwd' %}" in html
    assert "{0.__class__}" in html


def test_placeholders_render_as_labelled_blanks() -> None:
    site = site_for(CASES[0] / "scenario.yml")
    html = to_html(render(site, ROOT / "templates")[0].markdown)
    assert '<span class="fu-blank" data-key="name">[Their name]</span>' in html
    assert "{name}" not in "".join(parse_html(html).text)


@pytest.mark.parametrize(
    ("timing", "expected"),
    [
        (
            {"unit": "hours", "earliest": 2, "ideal": 4, "latest": 24},
            "2-24 hours after X, ideally 4 hours",
        ),
        ({"unit": "hours", "latest": 48}, "within 48 hours of X"),
        ({"unit": "business_days", "earliest": 0, "latest": 1}, "within 1 business day of X"),
        ({"unit": "days", "earliest": 7}, "at least 7 days after X"),
        ({"unit": "days", "ideal": 1}, "1 day after X"),
        ({"unit": "days", "earliest": 3, "latest": 3}, "3 days after X"),
        ({"unit": "hours", "ideal": 0}, "as soon as possible after X"),
    ],
)
def test_timing_sentences(timing: dict, expected: str) -> None:
    assert describe_timing(Timing(**timing), "X") == expected


def test_md_escape_neutralises_markdown_and_html() -> None:
    assert md_escape("a*b_c [x](y) <b> & #") == r"a\*b\_c \[x\]\(y\) &lt;b&gt; &amp; \#"
    assert md_escape("line\n# heading") == r"line \# heading"


def test_scenario_list_marker_is_replaced_with_links_relative_to_the_page() -> None:
    site = site_for(CASES[0] / "scenario.yml")
    text = fill_markers(
        "Intro\n\n<!-- followup:scenario-list -->\n", site, ROOT / "templates", "index.md"
    )
    assert "(scenarios/basic.md)" in text
    nested = fill_markers(
        "<!-- followup:scenario-list -->", site, ROOT / "templates", "guide/page.md"
    )
    assert "(../scenarios/basic.md)" in nested


QUOTED = re.compile(r'"[^"]*"|\u201c[^\u201d]*\u201d')
WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['\u2019][A-Za-z]+)*")


def test_region_timing_and_notes_are_english_and_quote_foreign_terms() -> None:
    """The spelling lint does not read the regions table, so a French word ("relance") slipped
    into English timing text. A word from another language may appear only in quotes, as the
    term it is ("mail de remerciement", "Sie")."""
    from spellchecker import SpellChecker

    checker = SpellChecker(language="en", distance=1)
    known = {
        line.strip().lower()
        for line in (ROOT / "content" / "wordlist.txt").read_text(encoding="utf-8").splitlines()
    }
    site = build_scripts.build(build_scripts.Project(ROOT))
    unknown = []
    for s in site.scenarios:
        for region in s.regions:
            for field in ("timing", "note"):
                text = QUOTED.sub(" ", getattr(region, field) or "")
                for match in WORD.finditer(text):
                    word = match.group(0).lower().removesuffix("'s")
                    if len(word) < 3 or word in known or not checker.unknown([word]):
                        continue
                    unknown.append(f"{s.id}: {region.name}: {field}: {match.group(0)}")
    assert unknown == []
