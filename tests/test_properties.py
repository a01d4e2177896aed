"""Property-based tests: any scenario structure and any text either builds with escaped output
or fails with a clean, positioned error. Never a traceback, never live markup."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import markdown
import yaml
from helpers import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_scripts.errors import ScenarioErrors
from build_scripts.expand import expand, split_segments
from build_scripts.load import load_text
from build_scripts.render_pack import render as render_pack
from build_scripts.render_site import render
from build_scripts.templating import fill_deferred
from build_scripts.validate import validate

TRICKY = [
    "<script>alert(1)</script>",
    "</title><img src=x onerror=alert(1)>",
    "{{ config }}",
    "{% include '/etc/passwd' %}",
    "{0.__class__}",
    "[x](javascript:alert(1))",
    "{: onclick=alert(1) }",
    "\u202e",  # right-to-left override
    "\u200b",  # zero-width space
    "\u2066",  # isolate
    "\x00",
    "\x1b[31m",
    "\r\n",
    "&amp;",
    "`",
    "*",
    "#",
    "\\",
    '"',
    "'",
]

text = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(TRICKY) | st.text(max_size=8), max_size=6).map("".join),
)
scalar = st.one_of(
    text, st.integers(-5, 5000), st.booleans(), st.none(), st.floats(allow_nan=False)
)


def scenario_like() -> st.SearchStrategy[dict]:
    """Mostly-valid scenarios with random text, random extra keys and random wrong types."""
    step = st.fixed_dictionaries(
        {
            "id": st.sampled_from(["a", "b", "c", "../x", "A"]),
            "title": text,
            "text": text,
            "from": st.sampled_from(["interview", "a", "decision_date", "nowhere"]),
            "timing": st.fixed_dictionaries(
                {"unit": st.sampled_from(["hours", "days", "business_days", "weeks"])},
                optional={
                    "earliest": st.integers(-1, 40),
                    "ideal": st.integers(0, 40),
                    "latest": st.integers(0, 4000),
                },
            ),
        },
        optional={"template": st.sampled_from(["t", "u"]), "junk": scalar},
    )
    template = st.fixed_dictionaries(
        {
            "id": st.sampled_from(["t", "u"]),
            "title": text,
            "purpose": text,
            "subject": text.map(lambda s: s + " {name}"),
            "body": text.map(lambda s: "Dear {name},\n\n" + s),
        }
    )
    return st.fixed_dictionaries(
        {
            "id": st.sampled_from(["prop", "prop-two", "Prop", "../prop", "prop\n"]),
            "title": text,
            "summary": text,
            "category": st.sampled_from(["thank-you", "waiting", "elsewhere"]),
            "trigger": text,
            "timeline": st.lists(step, min_size=0, max_size=3),
            "placeholders": st.just({"name": {"label": "Name", "help": "Who.", "example": "Ana"}}),
            "templates": st.lists(template, min_size=0, max_size=2),
        },
        optional={
            "tips": st.fixed_dictionaries({"do": st.lists(text, max_size=2)}),
            "extra": scalar,
        },
    )


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "img", "iframe", "svg", "object", "embed", "style"):
            self.bad.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.bad.append(f"{tag}[{name}]")
            if name in ("href", "src") and (value or "").strip().lower().startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.bad.append(f"{tag}[{name}={value}]")


MD_EXTENSIONS = ["toc", "admonition", "attr_list", "def_list", "tables", "pymdownx.escapeall"]


def run_pipeline(source: bytes) -> None:
    """Load, validate, expand and render one file; raise only ScenarioErrors."""
    raw = load_text(source, "content/scenarios/prop.yml")
    valid, errors = validate([raw])
    if errors:
        raise ScenarioErrors(errors)
    site = expand([s for s, _ in valid], {valid[0][0].id: raw.path})
    for page in render(site, ROOT / "templates"):
        html = fill_deferred(markdown.markdown(page.markdown, extensions=MD_EXTENSIONS))
        checker = _Collect()
        checker.feed(html)
        assert checker.bad == [], (checker.bad, page.src_uri)
    render_pack(site, dt.date(2026, 1, 1))


def assert_clean_errors(exc: ScenarioErrors) -> None:
    assert exc.errors
    for error in exc.errors:
        assert re.match(r"^content/scenarios/prop\.yml:\d+:\d+: \S", str(error)), str(error)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_like())
def test_random_scenarios_build_escaped_or_fail_cleanly(data: dict) -> None:
    source = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")
    try:
        run_pipeline(source)
    except ScenarioErrors as exc:
        assert_clean_errors(exc)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | text.map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_random_bytes_never_crash_the_loader(source: bytes) -> None:
    try:
        run_pipeline(source)
    except ScenarioErrors as exc:
        assert_clean_errors(exc)


BASE = """id: prop
title: {title}
summary: A summary.
category: thank-you
trigger: A trigger.
timeline:
  - id: first
    title: Send it
    text: Send the note.
    from: interview
    timing: {{ unit: hours, latest: 24 }}
placeholders:
  name: {{ label: Name, help: Who., example: Ana }}
templates:
  - id: t
    title: Note
    purpose: Testing.
    subject: Hello {{name}}
    body: |
      Dear {{name}}, {body}
"""

INVISIBLE = (
    st.characters(categories=["Cf"])
    | st.sampled_from(["\ufe0f", "\ufe00", "\U000e0100", "\u3164", "\u115f", "\u2800", "\u034f"])
).filter(lambda c: c not in "\u200c\u200d" and c != "\ufeff")
"""Format characters and the other invisible ones (the joiners have their own rule; a byte
order mark is also tried, through an escape)."""

plain_text = st.text(alphabet="abcdefghij ,.", max_size=12)


@settings(max_examples=300, deadline=None)
@given(
    INVISIBLE | st.just("\ufeff"),
    plain_text,
    plain_text,
    st.sampled_from(["plain", "single", "double", "escape", "block"]),
)
def test_an_invisible_character_anywhere_is_reported_at_its_exact_line_and_column(
    char: str, before: str, after: str, style: str
) -> None:
    value = f"x{before}{char}{after}x"
    written = value
    if style == "escape" or char == "\ufeff":
        style = "escape"
        written = value.replace(char, f"\\U{ord(char):08X}")
    title, body = "A title", "thanks."
    if style == "plain":
        title = written
    elif style == "single":
        title = f"'{written}'"
    elif style in ("double", "escape"):
        title = f'"{written}"'
    else:
        body = written
    source = BASE.format(title=title, body=body)
    marker = "\\U" if style == "escape" else char
    offset = source.index(marker)
    line = source.count("\n", 0, offset) + 1
    column = offset - (source.rfind("\n", 0, offset) + 1) + 1
    raw = load_text(source.encode("utf-8"), "content/scenarios/prop.yml")
    _, errors = validate([raw])
    where = "templates[0].body" if style == "block" else "title"
    assert [(e.line, e.column, e.key_path) for e in errors] == [(line, column, where)], errors
    assert f"U+{ord(char):04X}" in errors[0].message


literal_part = st.text(alphabet="ab {}$%:.!", min_size=1, max_size=6)
placeholder_part = st.sampled_from(["name", "company", "a1_b"]).map(lambda k: ("key", k))


@settings(max_examples=300, deadline=None)
@given(st.lists(literal_part.map(lambda t: ("text", t)) | placeholder_part, max_size=8))
def test_any_literal_braces_survive_the_escape_and_placeholders_stay_placeholders(
    parts: list[tuple[str, str]],
) -> None:
    written = "".join(
        f"{{{value}}}" if kind == "key" else value.replace("{", "{{").replace("}", "}}")
        for kind, value in parts
    )
    from build_scripts.schema import template_tokens

    labels = {"name": "Name", "company": "Company", "a1_b": "A"}
    segments = split_segments(written, labels)
    assert "".join(s.text if s.key is None else f"<{s.key}>" for s in segments) == "".join(
        f"<{value}>" if kind == "key" else value for kind, value in parts
    )
    assert not [t for t in template_tokens(written) if t.kind == "bad"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["a", " ", "\\u00e9", '\\"', "\\\\", "\\t", "''", "é"]), max_size=8),
    st.sampled_from(['"', "'", ""]),
)
def test_a_brace_mistake_is_reported_at_its_column_whatever_escapes_come_before_it(
    pieces: list[str], quote: str
) -> None:
    if quote == "'":
        pieces = [p for p in pieces if not p.startswith("\\")]
    elif quote == '"':
        pieces = [p for p in pieces if p != "''"]
    else:
        pieces = [p for p in pieces if p in ("a", "é")]
    subject = f"{quote}Hi {''.join(pieces)}{{Bad}}{quote}"
    source = BASE.format(title="A title", body="thanks.").replace(
        "subject: Hello {name}",
        f"subject: {subject} {{name}}" if not quote else f"subject: {subject}",
    )
    offset = source.index("{Bad}")
    column = offset - (source.rfind("\n", 0, offset) + 1) + 1
    raw = load_text(source.encode("utf-8"), "content/scenarios/prop.yml")
    _, errors = validate([raw])
    assert [(e.column, e.key_path) for e in errors] == [(column, "templates[0].subject")], errors
