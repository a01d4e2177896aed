"""The sources behind the guide: the guide pages' registry (content/sources.yml), what makes an
address unfit to cite, the citations of a Markdown page, and the kind label put after each."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, ValidationError

from .errors import ScenarioError, ScenarioErrors, did_you_mean
from .i18n import _
from .load import RawScenario, load_text, read_limited
from .schema import SOURCE_KINDS, Source, _Model
from .translations import overlay
from .validate import SiteRules, character_errors

REGISTRY_NAME = "sources.yml"
"""The guide pages' sources, in the docs folder (`content/sources.yml`)."""

_TEST_HOST = re.compile(
    r"(?:^|[.-])(?:staging|stage|test|testing|dev|preview|localhost|local)(?:[.-]|$)"
)

_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]+)\]\((?P<url>https?://[^)\s]+)\)")
"""An inline Markdown link to a web address (images left out): how the guide pages cite."""


class Registry(_Model):
    """The sources the guide pages cite, each once."""

    sources: tuple[Source, ...] = Field(default=(), max_length=500)
    """Every web page a guide page links to as evidence, with its kind, claim and checked date."""


def address_problem(url: str) -> str | None:
    """Why an address should not be cited (plain http, a staging, test or local host), or None."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https":
        return f"'{url}' is not https: cite the https address of the page"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return f"'{host}' is an IP address, not a published site: cite the public page"
    if _TEST_HOST.search(host) or host.endswith((".example", ".invalid", ".test")):
        return f"'{host}' looks like a staging or test host: cite the published page"
    return None


def page_key(url: str) -> str:
    """One spelling of a page's address: without scheme, `www.`, fragment or trailing slash,
    the host in lower case. Two sources with the same key cite the same page."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def publisher_key(name: str) -> str:
    """A publisher's name with case, punctuation and spacing ignored."""
    return re.sub(r"[^0-9a-z]+", "", name.casefold())


def load(
    project_root: Path,
    relative: str,
    rules: SiteRules | None = None,
    translation: str | None = None,
) -> tuple[Registry, RawScenario | None, list]:
    """The registry (empty when the project has none), its raw file, and its errors. Its text
    is held to the scenario files' rules on characters (no invisible or undrawable ones).
    An edition's `translation` of it (claims in its language, sources of its own) is laid
    over it as a scenario's translation is (build_scripts/translations.py)."""
    path = project_root / relative
    if not path.is_file():
        return Registry(), None, []
    try:
        raw = load_text(read_limited(path, relative), relative)
        if translation is not None:
            translated = load_text(
                read_limited(project_root / translation, translation), translation
            )
            characters = list(character_errors(translated, rules or SiteRules()))
            if characters:
                return Registry(), translated, characters
            raw = overlay(raw, translated)
    except ScenarioErrors as exc:
        return Registry(), None, list(exc.errors)
    characters = list(character_errors(raw, rules or SiteRules()))
    if characters:
        return Registry(), raw, characters
    try:
        return Registry.model_validate(raw.data), raw, []
    except ValidationError as exc:
        errors = []
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            if error["type"] == "extra_forbidden":
                fields = list(Source.model_fields) if len(loc) > 2 else ["sources"]
                message = f"unknown key '{loc[-1]}'{did_you_mean(str(loc[-1]), fields)}"
                errors.append(raw.error(loc, message, prefer_key=True))
            else:
                errors.append(raw.error(loc, error["msg"].removeprefix("Value error, ")))
        return Registry(), raw, errors


@dataclass(frozen=True)
class Citation:
    """A link in a Markdown page: where it is and the address it names."""

    line: int
    column: int
    text: str
    url: str


def _prose_lines(markdown: str) -> Iterator[tuple[int, str, bool]]:
    """Each line of a page (with its line end), numbered from 1, and whether it is prose:
    not a code fence and not inside a fenced code block."""
    fenced = False
    for number, line in enumerate(markdown.splitlines(keepends=True), start=1):
        fence = line.lstrip().startswith(("```", "~~~"))
        if fence:
            fenced = not fenced
        yield number, line, not (fence or fenced)


def citations(markdown: str) -> Iterator[Citation]:
    """Every inline link to a web address in a Markdown page, outside code blocks."""
    for number, line, prose in _prose_lines(markdown):
        if not prose:
            continue
        for match in _LINK.finditer(line):
            yield Citation(number, match.start() + 1, match.group("text"), match.group("url"))


def unregistered(
    markdown: str, path: str, known: Mapping[str, object], registry: str = REGISTRY_NAME
) -> Iterator[ScenarioError]:
    """A problem for each link of a guide page whose address is not a registered source."""
    for cite in citations(markdown):
        if page_key(cite.url) in known:
            continue
        yield ScenarioError(
            path,
            cite.line,
            cite.column,
            "link",
            f"'{cite.url}' is cited but is not a registered source: add it to "
            f"{registry} with its kind, claim and checked date",
        )


_PAGE_LINK = re.compile(
    r"(?<!!)\[(?P<text>[^\]\n]+)\]\((?:\./)?(?P<page>[^)\s#:]+\.md)(?:#[^)\s]*)?\)"
)
"""An inline Markdown link to another page of the site, with or without an anchor."""


def without_links_to(markdown: str, pages: Collection[str]) -> str:
    """The page with its links to `pages` (src_uris, such as the pages of scenarios a fork
    hides) reduced to their text, so that hiding a scenario leaves no broken link behind."""
    if not pages:
        return markdown

    def unlink(match: re.Match) -> str:
        return match.group("text") if match.group("page") in pages else match.group(0)

    return "".join(
        _PAGE_LINK.sub(unlink, line) if prose else line for _, line, prose in _prose_lines(markdown)
    )


def with_kinds(markdown: str, kinds: Mapping[str, str]) -> str:
    """The page with the kind of each cited source after its link ("University"); `kinds`
    maps page_key() to a kind."""

    def label(match: re.Match) -> str:
        kind = kinds.get(page_key(match.group("url")))
        if kind is None:
            return match.group(0)
        name, about = (_(text) for text in SOURCE_KINDS[kind])
        return f'{match.group(0)} <span class="fu-kind" title="{about}">{name}</span>'

    return "".join(
        _LINK.sub(label, line) if prose else line for _, line, prose in _prose_lines(markdown)
    )
