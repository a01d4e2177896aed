"""Generated Markdown pages (golden files) and the escaping of scenario text."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import markdown
import pytest
import yaml
from helpers import parse_html
from markupsafe import Markup

import build_scripts
from build_scripts.expand import describe_timing, expand
from build_scripts.i18n import activated
from build_scripts.load import load_text
from build_scripts.pipeline import load_site
from build_scripts.project import Project
from build_scripts.render_site import fill_markers, render
from build_scripts.schema import Timing
from build_scripts.settings import LenientLoader
from build_scripts.templating import (
    RAW_HTML_OPEN,
    fill_deferred,
    fill_raw_html,
    md_escape,
    raw_html,
)
from build_scripts.validate import validate

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted(p for p in (Path(__file__).parent / "golden" / "site").iterdir() if p.is_dir())


def site_for(yaml_file: Path):
    raw = load_text(yaml_file.read_bytes(), f"content/scenarios/{yaml_file.name}")
    valid, errors = validate([raw])
    assert errors == []
    return expand([s for s, _ in valid], {valid[0][0].id: raw.path})


def to_html(text: str) -> str:
    """Convert as the site's build does: the Markdown extensions that mkdocs.yml enables, then
    the raw HTML blocks put back (the plugin's on_page_content)."""
    return fill_raw_html(convert(text))[0]


def convert(text: str) -> str:
    """Markdown -> HTML with the extensions that mkdocs.yml enables (raw HTML blocks still set
    aside)."""
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
    # The table is raw HTML, which MkDocs does not rewrite: its links are the built site's URLs.
    site = site_for(CASES[0] / "scenario.yml")

    def listed(page: str, directory_urls: bool = True) -> str:
        marker = "Intro\n\n<!-- followup:scenario-list -->\n"
        templates = ROOT / "templates"
        return fill_deferred(
            fill_markers(marker, site, templates, page, directory_urls=directory_urls)
        )

    assert 'href="scenarios/basic/"' in listed("index.md")
    assert 'href="../../scenarios/basic/"' in listed("guide/page.md")
    assert 'href="scenarios/basic.html"' in listed("index.md", directory_urls=False)
    assert 'href="../scenarios/basic.html"' in listed("guide/page.md", directory_urls=False)


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
    site = build_scripts.load_site(build_scripts.Project.from_root(ROOT))
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


# Details are shared between scenario pages by key, so a value typed for one page's template
# fills every other page's templates too. Every scenario's example of a key, and every value its
# help suggests ('such as "this morning" or "on Tuesday"'), is put into every sentence slot the
# key has in any scenario, and the filled sentence is read by the rules below.
SUCH_AS = re.compile(r'such as ("[^"]+"(?:,? (?:or|and) "[^"]+"|, "[^"]+")*)')
SUBJECT_PRONOUNS = {"i", "we", "he", "she", "they"}
PREPOSITIONS = {"about", "on", "of", "with", "at", "by", "for", "from", "in", "into", "during"}
DETERMINERS = {"the", "a", "an", "my", "our", "your", "their", "his", "her", "its", "this"}
TO_INFINITIVE = {"going", "want", "plan", "intend", "hope", "like", "need", "able", "glad", "try"}
ON_DEICTIC = re.compile(r"(yesterday|today|tomorrow|tonight|(last|next|this) \w+)\b", re.I)
REPEAT_ONCE = {"since", "because", "also", "again", "still", "already", "then"}
WORDS = re.compile(r"[\w']+")


def suggested_values(placeholder) -> list[str]:
    values = [placeholder.example]
    for match in SUCH_AS.finditer(placeholder.help):
        values += re.findall(r'"([^"]+)"', match.group(1))
    return values


def slot_problems(before: str, value: str, after: str) -> list[str]:
    """What is wrong with `value` in the slot between `before` and `after` (one sentence)."""
    clause = re.split(r"[.;:!?]\s", before)[-1]
    lead = WORDS.findall(clause.lower())
    words = WORDS.findall(value.lower())
    tail = WORDS.findall(after.lower())
    if not words:
        return []
    problems = []
    if lead and lead[-1] == words[0]:
        problems.append(f"'{words[0]}' twice in a row")
    if tail and tail[0] == words[-1]:
        problems.append(f"'{words[-1]}' twice in a row")
    for word in sorted(REPEAT_ONCE & set(lead) & set(words)):
        problems.append(f"'{word}' both in the sentence and in the value")
    if lead and lead[-1] == "to" and len(lead) > 1 and lead[-2] in TO_INFINITIVE:
        if words[0].endswith("ing") or words[0] in DETERMINERS | SUBJECT_PRONOUNS | PREPOSITIONS:
            problems.append("a verb must follow 'to'")
    elif lead and lead[-1] in PREPOSITIONS:
        if words[0] in SUBJECT_PRONOUNS | PREPOSITIONS:
            problems.append(f"a sentence or a preposition after '{lead[-1]}'")
        if lead[-1] == "on" and ON_DEICTIC.match(value):
            problems.append("'on' before a day that takes no 'on'")
    since_clause = lead and lead[0] == "since" and clause.rstrip().endswith(",")
    if since_clause and words[0] not in SUBJECT_PRONOUNS:
        problems.append("a sentence with its own subject must follow 'Since ...,'")
    return problems


def slots(text: str, key: str, examples: dict[str, str]) -> list[tuple[str, str]]:
    """(text before, text after) of every {key} in `text`, within its sentence, with the other
    placeholders filled with `examples`."""

    def fill(part: str) -> str:
        return re.sub(r"\{([a-z0-9_]+)\}", lambda m: examples[m.group(1)], part)

    found = []
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        for slot in re.finditer(r"\{" + key + r"\}", sentence):
            found.append((fill(sentence[: slot.start()]), fill(sentence[slot.end() :])))
    return found


def test_shared_details_fill_every_scenario_sentence_grammatically() -> None:
    site = build_scripts.load_site(build_scripts.Project.from_root(ROOT))
    owners: dict[str, list] = {}
    for s in site.scenarios:
        for p in s.placeholders:
            owners.setdefault(p.key, []).append((s, p))
    # Keys are shared across scenarios (the reader types them once): the check has work to do.
    assert sum(len(pairs) > 1 for pairs in owners.values()) >= 5
    problems = []
    for key, pairs in owners.items():
        values = {v: s.id for s, p in pairs for v in suggested_values(p)}
        for s, _ in pairs:
            examples = {p.key: p.example for p in s.placeholders}
            for t in s.templates:
                for before, after in slots((t.subject or "") + "\n" + t.body, key, examples):
                    problems += [
                        f"{s.id}/{t.id}: {{{key}}} with {value!r} (from {source}): "
                        f"{problem}: {before}{value}{after}"
                        for value, source in values.items()
                        for problem in slot_problems(before, value, after)
                    ]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_raw_html_set_aside_converts_to_the_same_html_as_written_in_place(case: Path) -> None:
    site = site_for(case / "scenario.yml")
    page = next(p for p in render(site, ROOT / "templates") if p.scenario is not None)
    written, ids = fill_raw_html(page.markdown)
    assert written != page.markdown  # the page's big HTML blocks were set aside
    assert to_html(page.markdown) == fill_raw_html(to_html(written))[0]
    # The anchors MkDocs would have read from the blocks, for its link validation.
    assert {f"step-{step.id}" for step in page.scenario.steps} <= ids
    assert {f"source-{source.number}" for source in page.scenario.sources} <= ids


def test_blocks_within_blocks_are_put_back_and_those_without_search_wait_for_the_second_fill():
    inner = raw_html('<div id="inner" data-search-exclude>body</div>', search=False)
    outer = raw_html(Markup('<section id="outer">\n<p>kept</p>\n') + inner + Markup("</section>"))
    searched, ids = fill_raw_html(f"<h1>T</h1>\n{outer}", for_search=True)
    assert "<p>kept</p>" in searched
    assert "body" not in searched
    assert ids == {"outer", "inner"}  # anchors of the block still set aside too
    full, _ = fill_raw_html(searched)
    assert "body" in full
    assert RAW_HTML_OPEN not in full
    assert fill_raw_html(f"<h1>T</h1>\n{outer}", for_search=False)[0] == full
    with pytest.raises(ValueError, match="not an HTML block"):
        raw_html("plain text", search=False)


def _search_entries(html: str, src_uri: str) -> list[dict]:
    """The entries Material's search plugin makes of a page's HTML."""
    from material.plugins.search.plugin import SearchIndex

    index = SearchIndex()
    page = SimpleNamespace(meta={}, content=html, toc=[], url=src_uri, title="Page")
    index.add_entry_from_context(page)
    return index.entries


@pytest.mark.parametrize("edition", ["en", "de"])
def test_blocks_set_aside_from_search_change_no_search_entry(edition: str) -> None:
    # The plugin hands search each page with the `raw_html(search=False)` blocks still set aside:
    # every generated page of the project must give the same entries as when they are in.
    project = Project.from_root(ROOT)
    project = project if edition == "en" else project.edition(edition)
    site = load_site(project)
    with activated(project.catalog):
        pages = render(site, ROOT / "templates")
    set_aside = []
    for page in pages:
        html = convert(page.markdown)
        searched, _ = fill_raw_html(html, for_search=True)
        full = fill_raw_html(searched)[0]
        assert RAW_HTML_OPEN not in full
        if searched != full:
            set_aside.append(page.src_uri)
        assert _search_entries(searched, page.src_uri) == _search_entries(full, page.src_uri)
    assert {s.src_uri for s in site.scenarios} <= set(set_aside)
