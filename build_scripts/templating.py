"""The one Jinja environment factory: strict, and escaping by default for Markdown and HTML output.

Scenario text is only ever passed to our templates as data; it is never compiled as a template.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
from collections.abc import Callable, Iterable
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from jinja2.bccache import Bucket
from markupsafe import Markup, escape

from . import i18n, links
from .expand import Segment
from .notices import unusable

_HTML_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_MD_SPECIAL = set(string.punctuation) - set(_HTML_ENTITIES)


def md_escape(value: object) -> Markup:
    """Make text inert inside Markdown: HTML entities for <>&"' and a backslash before every
    other ASCII punctuation character (the `pymdownx.escapeall` extension honours them all).
    Line breaks become spaces, so text cannot start a new Markdown block."""
    text = " ".join(str(value).split("\n"))
    out = []
    for char in text:
        if char in _HTML_ENTITIES:
            out.append(_HTML_ENTITIES[char])
        elif char in _MD_SPECIAL:
            out.append("\\" + char)
        else:
            out.append(char)
    return Markup("".join(out))


def html_text(value: object) -> Markup:
    """Escape text for a raw HTML block inside Markdown, keeping line breaks without blank lines
    (a blank line would end the HTML block)."""
    return Markup(str(escape(str(value))).replace("\n", "&#10;"))


def blanks_html(segments: Iterable[Segment]) -> Markup:
    """Template text as HTML, with every placeholder as a highlighted, labelled blank."""
    parts = []
    for segment in segments:
        if segment.key is None:
            parts.append(html_text(segment.text))
        else:
            parts.append(
                Markup('<span class="fu-blank" data-key="{}">[{}]</span>').format(
                    segment.key, segment.text
                )
            )
    return Markup("").join(parts)


def blanks_text(segments: Iterable[Segment]) -> str:
    """Template text as plain text, placeholders shown as `[Label]`."""
    return "".join(s.text if s.key is None else f"[{s.text}]" for s in segments)


_SAFE_URL = re.compile(r"^[A-Za-z0-9_./#-]*$")


def safe_url(value: object) -> Markup:
    """A relative link or id built from validated slugs, passed through unescaped. Anything
    else is a bug in our templates or validation, so it stops the build."""
    text = str(value)
    if not _SAFE_URL.match(text):
        raise ValueError(f"refusing to emit {text!r} as a link or id")
    return Markup(text)


def css_string(value: object) -> Markup:
    """A quoted CSS string that cannot end the string, the rule or a <style> element early."""
    out = []
    for char in str(value):
        if char.isalnum() or char in " .,;:!?-_()'&":
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return Markup('"' + "".join(out) + '"')


def json_data(value: object, element_id: str) -> Markup:
    """Data for our JavaScript, as JSON in an HTML-escaped attribute of a hidden element.

    Not a `<script type="application/json">`: Material's instant navigation re-creates script
    elements and would run the JSON as code."""
    if not re.fullmatch(r"[a-z][a-z0-9-]*", element_id):
        raise ValueError(f"bad element id {element_id!r}")
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    attribute = str(Markup("{}").format(text))
    token = hashlib.sha256(attribute.encode()).hexdigest()
    _DEFERRED[token] = attribute
    # The attribute is long and full of entities: Markdown's raw HTML parser and the search
    # index would read it on every build. A token stands in until the page is written.
    return Markup('<div id="{}" hidden data-fu-json="{}{}{}"></div>').format(
        element_id, DEFERRED_OPEN, token, DEFERRED_CLOSE
    )


DEFERRED_OPEN, DEFERRED_CLOSE = "@@fu-json:", "@@"
_DEFERRED: dict[str, str] = {}
_DEFERRED_TOKEN = re.compile(
    re.escape(DEFERRED_OPEN) + r"([0-9a-f]{64})" + re.escape(DEFERRED_CLOSE)
)


def fill_deferred(html: str) -> str:
    """Put back the JSON that `json_data` deferred (already HTML-escaped) and the blocks that
    `raw_html` set aside: the page's whole text, as the templates wrote it."""
    html, _ids = fill_raw_html(html)
    return _DEFERRED_TOKEN.sub(lambda m: _DEFERRED.get(m.group(1), m.group(0)), html)


def raw_html(block: str, search: bool = True) -> Markup:
    """A raw HTML block of a Markdown page (`{% filter raw_html %}...{% endfilter %}`), set
    aside: a short comment stands in for it while Markdown converts the page, and
    `fill_raw_html` puts it back into the HTML.

    Markdown copies a raw HTML block verbatim, but reads it twice to do so (its own HTML block
    parser and MkDocs' anchor collector, both Python's html.parser): on a scenario page that
    is most of the page and more than half of its conversion time.

    `search=False` (`raw_html(search=False)`) marks a block that adds nothing to the search
    index (all of it `data-search-exclude`, or under a heading that is): it stays set aside
    while the search plugin reads the page too, which is the other half of the page's
    html.parser time. A block may hold such blocks."""
    body = str(block).rstrip("\n")
    if not body.lstrip().startswith("<"):
        raise ValueError(f"not an HTML block: {body[:40]!r}")
    token = hashlib.sha256(f"{search}:{body}".encode()).hexdigest()
    _RAW_HTML[token] = (body, search)
    return Markup(f"{RAW_HTML_OPEN}{token}{RAW_HTML_CLOSE}") + "\n" * (len(block) - len(body))


RAW_HTML_OPEN, RAW_HTML_CLOSE = "<!--@@fu-html:", "@@-->"
_RAW_HTML: dict[str, tuple[str, bool]] = {}
_RAW_HTML_TOKEN = re.compile(
    re.escape(RAW_HTML_OPEN) + r"([0-9a-f]{64})" + re.escape(RAW_HTML_CLOSE)
)
_ANCHOR_ID = re.compile(r"""<(?:[a-zA-Z][^\s>]*)\s[^>]*?\bid=(?:"([^"]*)"|'([^']*)')""")


def fill_raw_html(text: str, for_search: bool = False) -> tuple[str, set[str]]:
    """`text` (Markdown or the HTML converted from it) with the blocks of `raw_html` back in
    place, and the `id`s of the elements in those blocks (the anchors that links to the page
    may point at, which MkDocs reads from raw HTML while converting). `for_search`: the page
    as the search index needs it, the blocks marked `search=False` still set aside (their
    `id`s are given all the same); filling the result again puts them in."""
    ids: set[str] = set()

    def block(match: re.Match) -> str:
        entry = _RAW_HTML.get(match.group(1))
        if entry is None:
            return match.group(0)
        body, searchable = entry
        ids.update(a or b for a, b in _ANCHOR_ID.findall(body))
        if RAW_HTML_OPEN in body:
            body, inner = fill_raw_html(body, for_search)
            ids.update(inner)
        return body if searchable or not for_search else match.group(0)

    if RAW_HTML_OPEN not in text:
        return text, ids
    return _RAW_HTML_TOKEN.sub(block, text), ids


def code_block(text: object, language: str = "") -> Markup:
    """A fenced Markdown code block holding `text` verbatim, with a fence it cannot close."""
    body = str(text).rstrip("\n")
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    if not re.fullmatch(r"[a-z]*", language):
        raise ValueError(f"bad language {language!r}")
    return Markup(f"{fence}{language}\n{body}\n{fence}")


def table_cell(value: object) -> Markup:
    """Our own Markdown (docstrings, kinds) on one line, safe inside a table cell."""
    return Markup(" ".join(str(value).split()).replace("|", "\\|"))


def _finalize_markdown(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return md_escape(value)


def make_env(templates_dir: Path, output: str) -> Environment:
    """A fresh environment for `output` "markdown", "html" or "text" (fresh per build, so
    template edits show up under `mkdocs serve`). "text" escapes nothing: only for our own
    files such as the scenario scaffold, never for scenario text."""
    if output not in ("markdown", "html", "text"):
        raise ValueError(f"unknown output kind {output!r}")
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        undefined=StrictUndefined,
        autoescape=output == "html",
        finalize=_finalize_markdown if output == "markdown" else None,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        html=html_text,
        md=md_escape,
        blanks_html=blanks_html,
        blanks_text=blanks_text,
        url=safe_url,
        css_string=css_string,
        json_data=json_data,
        raw_html=raw_html,
        code_block=code_block,
        cell=table_cell,
    )
    env.globals.update(links.GLOBALS)
    env.globals["_"] = _template_gettext(output)  # interface text in the edition's language
    env.globals["format_date"] = i18n.format_date
    env.globals["language"] = i18n.language  # the edition's language code
    env.filters["date"] = i18n.format_date
    return env


def _template_gettext(output: str) -> Callable[..., object]:
    """`_()` for templates of `output`: the catalog's text is ours (written as the template's
    own text would be, Markdown or HTML), so it is passed through as it is; the values of its
    fields are escaped like any other value, unless a template marks one `| safe` (a link it
    built)."""
    if output == "text":
        return i18n.gettext
    escape_value = md_escape if output == "markdown" else escape

    def gettext(text: str, /, **values: object) -> Markup:
        return Markup(
            i18n.gettext(
                text,
                **{
                    name: value if isinstance(value, Markup) else escape_value(value)
                    for name, value in values.items()
                },
            )
        )

    return gettext


class _BytecodeCache(FileSystemBytecodeCache):
    """Compiled templates on disk, where a full or read-only disk only costs the time to
    compile them again."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError as exc:
            unusable(exc)
            self.dump_bytecode = lambda bucket: None  # type: ignore[method-assign]


def bytecode_cache(root: Path | None) -> FileSystemBytecodeCache | None:
    """The theme's compiled templates, kept between builds in the cache folder `root`'s `jinja/`
    (compiling them anew is a tenth of a rebuild under `mkdocs serve`); None when caching is
    off (no `root`) or the folder cannot be made."""
    if root is None:
        return None
    folder = root / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        unusable(exc)
        return None
    return _BytecodeCache(str(folder))
