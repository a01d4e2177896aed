"""The home page: its first section is the "What just happened?" chooser (content/chooser.yml),
every scenario is at most three clicks from it, and its text is escaped wherever it shows."""

from __future__ import annotations

import posixpath
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from helpers import ROOT, copy_project, followup, squash

import build_scripts
from build_scripts import chooser
from build_scripts.links import page_link

CHOOSER_IDS = re.findall(
    r"^\s*scenario: ([a-z0-9-]+)", (ROOT / chooser.CHOOSER_FILE).read_text("utf-8"), re.M
)
"""Every scenario the chooser file names, once per answer that names it."""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("home") / "project")
    done = followup(project, "build", "--quiet")
    assert done.returncode == 0, done.stderr
    assert "left out" not in done.stderr
    return project / "site"


class Chooser(HTMLParser):
    """The chooser section of a page: its heading, its cards, and every link in it with the
    clicks it takes (one per <details> to open on the way, one to follow the link)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # elements open inside the section (0: outside it)
        self.section_seen = False
        self.first_section = None  # the class of the article's first section
        self.open_details = 0
        self.stack: list[str] = []
        self.heading = ""
        self.cards: list[str] = []  # the text of each top-level card
        self.links: list[tuple[str, int, str]] = []  # (href, clicks, text)
        self._text: list[str] | None = None
        self._capture: str | None = None
        self._href = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        css = attributes.get("class") or ""
        if tag == "section" and self.first_section is None:
            self.first_section = css
        if tag == "section" and "fu-chooser" in css.split() and not self.section_seen:
            self.section_seen = True
            self.depth = 1
            return
        if not self.depth:
            return
        self.depth += tag not in ("input", "br", "img")
        self.stack.append(tag)
        if tag == "details":
            self.open_details += 1
        if tag == "h2":
            self._capture, self._text = "heading", []
        if tag == "summary" and self.open_details == 1:
            self._capture, self._text = "card", []
        if tag == "a" and ("fu-answer" in css.split() or "fu-choice" in css.split()):
            self._href = attributes.get("href") or ""
            self._text = []
            self._capture = "card-link" if self.open_details == 0 else "link"

    def handle_endtag(self, tag: str) -> None:
        if not self.depth:
            return
        if tag == "section" and self.stack.count("section") == 0:
            self.depth = 0
            return
        if self.stack:
            self.stack.pop()
        self.depth -= 1
        text = " ".join("".join(self._text or []).split())
        if tag == "h2" and self._capture == "heading":
            self.heading, self._capture = text, None
        elif tag == "summary" and self._capture == "card":
            self.cards.append(text)
            self._capture = None
        elif tag == "a" and self._capture in ("link", "card-link"):
            self.links.append((self._href, self.open_details + 1, text))
            if self._capture == "card-link":
                self.cards.append(text)
            self._capture = None
        if tag == "details":
            self.open_details -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and self._text is not None and self._capture:
            self._text.append(data)


def read_chooser(html: str) -> Chooser:
    parser = Chooser()
    article = html[html.index("<article") : html.index("</article>")]
    parser.feed(article)
    parser.close()
    return parser


def test_the_first_section_of_the_home_page_is_the_chooser_with_every_top_choice(
    built: Path,
) -> None:
    data = yaml.safe_load((ROOT / chooser.CHOOSER_FILE).read_text(encoding="utf-8"))
    found = read_chooser((built / "index.html").read_text(encoding="utf-8"))
    assert found.first_section == "fu-chooser"
    assert found.heading == data["question"] == "What just happened?"
    assert [card.split(" \u2192")[0] for card in found.cards] == [
        a["answer"] for a in data["answers"]
    ]
    assert len(found.cards) >= 5


def test_every_scenario_is_at_most_three_clicks_from_the_chooser(built: Path) -> None:
    found = read_chooser((built / "index.html").read_text(encoding="utf-8"))
    reached: dict[str, int] = {}
    for href, clicks, _ in found.links:
        target = built / posixpath.normpath(href) / "index.html"
        assert target.is_file(), f"broken link {href!r} in the chooser"
        reached[posixpath.normpath(href)] = min(clicks, reached.get(href, clicks))
    scenarios = {
        f"scenarios/{page.parent.name}" for page in (built / "scenarios").glob("*/index.html")
    }
    assert scenarios, "no scenario pages built"
    assert scenarios - set(reached) == set(), "scenarios the chooser does not reach"
    assert max(reached.values()) <= 3
    # Every scenario the chooser file names is in the site, so nothing was left out.
    assert {f"scenarios/{i}" for i in CHOOSER_IDS} <= set(reached)


def test_the_home_page_has_the_search_field_and_its_no_javascript_link(built: Path) -> None:
    html = (built / "index.html").read_text(encoding="utf-8")
    section = html[html.index('<section class="fu-chooser"') : html.index("</section>")]
    assert "data-fu-home-search" in section
    assert '<input class="fu-home-search__input" type="search" id="fu-home-search" name="q"' in (
        section
    )
    assert '<a href="#every-scenario">' in section
    assert 'id="every-scenario"' in html  # where that link goes
    assert chooser.SEARCH_SLOT not in html
    assert (built / "assets" / "javascripts" / "home-search.js").is_file()


def test_the_printed_guide_has_the_chooser_with_every_choice_under_its_first_title(
    built: Path,
) -> None:
    data = yaml.safe_load((ROOT / chooser.CHOOSER_FILE).read_text(encoding="utf-8"))
    pdf = built / "downloads" / "follow-up-guide.pdf"
    # In reading order (not -layout): the boxes stand in two columns.
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    pages = done.stdout.split("\f")
    (page,) = [p for p in pages if "What just happened?" in p]
    text = squash(page)
    assert "Follow up well after a job interview" in text  # the chapter's title, same page
    for answer in data["answers"]:
        assert squash(answer["answer"]) in text
        assert squash(answer["next"]["question"]) in text
    # The third level: one linked scenario per answer that names one, with its title.
    assert text.count("\u2192") == len(CHOOSER_IDS)
    site = build_scripts.load_site(build_scripts.Project.from_root(ROOT))
    titles = {s.id: s.title for s in site.scenarios}
    flat = re.sub(r"[\s\u00ad-]+", "", text)  # a title may break at a hyphen
    for scenario_id in CHOOSER_IDS:
        assert re.sub(r"[\s-]+", "", titles[scenario_id]) in flat, scenario_id


HOSTILE = (
    "<script>alert(1)</script> & \"quotes\" 'single' `code` *stars* _under_ [x](javascript:1) "
    "{{ braces }} <!-- followup:search --> \\ </section></details>"
)


def _hostile_path() -> list[chooser.Step]:
    return [
        chooser.Step(0, HOSTILE),
        chooser.Step(1, HOSTILE),
        chooser.Step(2, HOSTILE),
        chooser.Step(3, HOSTILE, "after-rejection", HOSTILE),
        chooser.Step(1, "Plain", "passed-deadline", HOSTILE),
    ]


class Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> Texts:
    parser = Texts()
    parser.feed(html)
    parser.close()
    return parser


def test_chooser_text_stays_inert_text_on_the_site_and_in_print() -> None:
    # Through Markdown with the site's own extensions, as MkDocs converts the page.
    config = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    extensions = [e if isinstance(e, str) else next(iter(e)) for e in config["markdown_extensions"]]
    page = "# Home\n\n" + chooser.to_html(_hostile_path(), "index.md") + "\nAfter.\n"
    html = markdown.Markdown(extensions=extensions).convert(page)
    print_html = markdown.Markdown(extensions=extensions).convert(
        "\n\n" + chooser.print_html(_hostile_path()) + "\n\n"
    )
    for converted in (html, print_html):
        parsed = _parse(converted)
        tags = [tag for tag, _ in parsed.tags]
        assert "script" not in tags
        assert tags.count("section") == 1
        hrefs = [attrs.get("href", "") for tag, attrs in parsed.tags if tag == "a"]
        assert all(not h.lower().startswith("javascript") for h in hrefs)
        text = "".join(parsed.text)
        assert text.count(HOSTILE) >= 4, text  # the question, answers and scenario title
    assert "<p>After.</p>" in html  # the raw HTML block ended where it should
    assert html.count(chooser.SEARCH_SLOT) == 1  # only the real slot, not the text's copy


def test_chooser_links_follow_the_sites_url_style() -> None:
    path = [chooser.Step(0, "Q?"), chooser.Step(1, "Rejected", "after-rejection", "Replying")]
    assert 'href="scenarios/after-rejection/"' in chooser.to_html(path, "index.md")
    assert 'href="../scenarios/after-rejection/"' in chooser.to_html(path, "guide/index.md")
    assert 'href="scenarios/after-rejection.html"' in chooser.to_html(path, "index.md", False)
    assert page_link("scenarios/a.md", "index.md") == "../../"
    assert chooser.to_html([], "index.md") == ""
    assert chooser.print_html([]) == ""


def test_outline_rebuilds_the_tree_from_the_flattened_steps() -> None:
    path = [
        chooser.Step(0, "Q"),
        chooser.Step(1, "A"),
        chooser.Step(2, "QA"),
        chooser.Step(3, "A1", "s1", "S1"),
        chooser.Step(3, "A2"),
        chooser.Step(4, "QA2"),
        chooser.Step(5, "A21", "s2", "S2"),
        chooser.Step(1, "B", "s3", "S3"),
    ]
    question, choices = chooser.outline(path)
    assert question == "Q"
    assert [c.text for c in choices] == ["A", "B"]
    assert choices[0].question == "QA"
    assert [c.text for c in choices[0].choices] == ["A1", "A2"]
    assert choices[0].choices[1].choices[0].scenario_id == "s2"
    assert choices[1].scenario_id == "s3"
    html = chooser.to_html(path, "index.md")
    assert html.count("<details") == 2  # the deeper question opens inside its panel
    assert '<h4 class="fu-choice__question">QA2</h4>' in html
