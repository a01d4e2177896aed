"""The book's structure and wording, without rendering: footer text, page labels, contents and
outline page numbers, the reference list, cross-part links and the parts' cache keys."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import pickle
from pathlib import Path

import pytest
from helpers import ROOT
from markupsafe import Markup

import build_scripts
from build_scripts.pdf import PdfError, PdfOptions, book, stamp
from build_scripts.pdf.cache import PartCache
from build_scripts.pdf.chapters import Chapter
from build_scripts.pdf.join import CROSS_LINK_SCHEME, PageLabel, PartInfo
from build_scripts.settings import FooterStyle
from build_scripts.templating import make_env

OPTIONS = PdfOptions("Title", "Subtitle", "Author", dt.date(2026, 1, 1))
PDF_DIR = ROOT / "templates" / "pdf"


@pytest.fixture(scope="module")
def site() -> build_scripts.Site:
    return build_scripts.load_site(build_scripts.Project.from_root(ROOT))


@pytest.mark.parametrize(
    ("number", "numeral"),
    [(1, "i"), (2, "ii"), (4, "iv"), (9, "ix"), (14, "xiv"), (40, "xl"), (1994, "mcmxciv")],
)
def test_roman_numerals_number_the_front_matter(number: int, numeral: str) -> None:
    assert book.roman(number) == numeral


def test_the_footer_wording_fills_in_page_and_total() -> None:
    footer = book.PageFooter("Página {page} de {total}", "Índice {page}")
    assert footer.body_label(3, 40) == "Página 3 de 40"
    assert footer.front_label(2) == "Índice ii"


def test_page_labels_name_the_cover_then_roman_contents_then_arabic_from_one() -> None:
    footer = book.PageFooter(cover_label="Portada")
    assert footer.page_labels(3) == {
        0: PageLabel(prefix="Portada"),
        1: PageLabel("r", 2),
        3: PageLabel("D", 1),
    }
    assert footer.page_labels(1) == {0: PageLabel(prefix="Portada"), 1: PageLabel("D", 1)}
    assert footer.page_labels(0) == {0: PageLabel("D", 1)}


def test_a_missing_footer_font_stops_the_pdfs_with_the_setting_to_change() -> None:
    options = dataclasses.replace(OPTIONS, footer_style=FooterStyle(font="Nowhere.ttf"))
    with pytest.raises(PdfError, match=r"page footer: footer_style\.font: 'Nowhere\.ttf'"):
        book.page_footer(options, PDF_DIR)
    wording, font = book.page_footer(OPTIONS, PDF_DIR)
    assert font == PDF_DIR / "fonts" / "FollowupSans-Regular.ttf"
    assert wording.cover_label == "Cover"


def test_links_to_anchors_outside_the_part_go_through_the_cross_link_scheme() -> None:
    html = '<h1 id="here">x</h1><a href="#here">in</a><a href="#there">out</a><a href="#">top</a>'
    linked = book._link_across_parts(html)
    assert 'href="#here"' in linked
    assert f'href="{CROSS_LINK_SCHEME}there"' in linked
    assert 'href="#"' in linked


def test_contents_and_outline_count_pages_from_one_after_the_front(site) -> None:
    chapters = [
        Chapter("ch-intro", "Intro", Markup(""), "page", (("ch-intro-why", "Why"),)),
        Chapter("part-scenarios", "Scenarios", Markup(""), "scenarios"),
    ]
    back = [Chapter("ch-references", "References", Markup(""), "references")]
    ordered = book.reading_order(site)
    infos = {
        "ch-intro": PartInfo(3, {"ch-intro": 0, "ch-intro-why": 2}),
        "part-scenarios": PartInfo(1, {"part-scenarios": 0}),
        "ch-references": PartInfo(2, {"ch-references": 0}),
    }
    for s in ordered:
        infos[f"sc-{s.id}"] = PartInfo(2, {f"sc-{s.id}": 0, f"sc-{s.id}--worksheet": 1})
    contents, outline = book.guide_structure(chapters, ordered, site, infos, back)
    assert (contents[0].title, contents[0].page) == ("Intro", "1")
    assert (contents[1].title, contents[1].page) == ("Scenarios", "4")
    scenarios = [entry for entry in contents if entry.kind == "scenario"]
    assert [entry.page for entry in scenarios] == [str(5 + 2 * n) for n in range(len(ordered))]
    worksheet = scenarios[0].children[-1]
    assert (worksheet.title, worksheet.page) == ("Worksheet", "6")
    assert (contents[-1].title, contents[-1].page) == ("References", str(5 + 2 * len(ordered)))
    assert [entry.title for entry in outline] == ["Contents", "Intro", "Scenarios", "References"]
    assert [(child.title, child.anchor) for child in outline[1].children] == [
        ("Why", "ch-intro-why")
    ]
    assert [child.anchor for child in outline[2].children] == [f"sc-{s.id}" for s in ordered]


def test_every_source_is_listed_once_with_the_scenarios_citing_it(site) -> None:
    ordered = book.reading_order(site)
    refs = list(site.references)
    urls = [ref.source.url for ref in refs]
    assert len(urls) == len(set(urls))
    # Every scenario's sources, and the guide pages' own (cited by a guide page only).
    cited_by_scenarios = {source.url for s in ordered for source in s.sources}
    assert cited_by_scenarios <= set(urls)
    for ref in refs:
        assert ref.source.url in cited_by_scenarios or (ref.cited_in_guide and not ref.cited_by)
    keys = [(r.source.publisher.casefold(), r.source.title.casefold()) for r in refs]
    assert keys == sorted(keys)
    for ref in refs:
        assert all(ref.source.url in {x.url for x in s.sources} for s in ref.cited_by)


def test_long_contents_are_cut_into_parts_that_say_where_they_continue(site) -> None:
    entries = [book.ContentsEntry("category", "Waiting")] + [
        book.ContentsEntry("scenario", f"Scenario {n}", f"sc-{n}", str(n))
        for n in range(book.CONTENTS_CHUNK + 5)
    ]
    env = make_env(ROOT / "templates", "html")
    parts = book.front_html(site, entries, OPTIONS, env)
    assert len(parts) == 2
    assert "Waiting (continued)" in parts[1]
    assert f"Scenario {book.CONTENTS_CHUNK}" in parts[1]
    assert f"Scenario {book.CONTENTS_CHUNK}<" not in parts[0]


def test_a_scenarios_cache_key_ignores_its_related_scenarios_but_not_the_footer_style(
    site, tmp_path: Path
) -> None:
    env = make_env(ROOT / "templates", "html")
    wording, font = book.page_footer(OPTIONS, PDF_DIR)
    own = functools.partial(
        stamp.standalone, label=wording.body_label, font=font, style=OPTIONS.footer_style
    )
    pickle.dumps(own)  # it runs in a worker process

    def changed(**fields) -> build_scripts.Site:
        """The site with `fields` replaced in every scenario (as the guide orders them)."""
        categories = tuple(
            dataclasses.replace(
                c, scenarios=tuple(dataclasses.replace(s, **fields) for s in c.scenarios)
            )
            for c in site.categories
        )
        return dataclasses.replace(site, categories=categories)

    assert any(s.related for s in site.scenarios)

    def scenario_inputs(of_site, options) -> list[str]:
        parts = book.part_jobs(of_site, [], Markup(""), options, env, own)
        return [job.inputs for job in parts.scenarios]

    plain = scenario_inputs(site, OPTIONS)
    assert len(plain) == len(site.scenarios)
    assert plain == scenario_inputs(changed(related=()), OPTIONS)
    retitled = scenario_inputs(changed(title="Another title"), OPTIONS)
    assert all(a != b for a, b in zip(plain, retitled, strict=True))
    styled = dataclasses.replace(OPTIONS, footer_style=FooterStyle(size=9))
    assert all(a != b for a, b in zip(plain, scenario_inputs(site, styled), strict=True))
    cache = PartCache("base", None)
    parts = book.part_jobs(site, [], Markup(""), OPTIONS, env, own)
    key = book.guide_key(cache, OPTIONS, parts, [], site)
    assert key != book.guide_key(cache, styled, parts, [], site)
    assert parts.in_order == [*parts.chapters, *parts.scenarios, *parts.references]
    assert parts.long == [*parts.chapters, *parts.references]
    assert [c.id for c in parts.back] == ["ch-references"]
