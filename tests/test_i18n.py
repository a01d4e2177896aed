"""The German edition's interface text: every text the build wraps in _() has a translation in
content/de/strings.yml, the catalog holds nothing else and keeps each text's fields, its
problems are reported with their line, and pages and PDF chapters built under it are German."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from build_scripts import i18n, render_site
from build_scripts.expand import Site, describe_timing
from build_scripts.i18n import Catalog, activated, format_date, load_catalog, messages_in
from build_scripts.pdf import book
from build_scripts.pdf.options import PdfOptions
from build_scripts.pipeline import load_site
from build_scripts.project import Project
from build_scripts.schema import Timing
from build_scripts.templating import fill_deferred, make_env
from tests.helpers import ROOT

CATALOG = ROOT / "content" / "de" / "strings.yml"


def _wrapped_files() -> list[Path]:
    """Where our interface text is written: the templates (not the scaffold, which stays
    English; the forkers' authoring page wraps only its note that it is English only), the print
    style, the theme overrides, the code."""
    templates = [p for p in (ROOT / "templates").rglob("*.j2") if "scaffold" not in p.parts]
    return sorted(
        [
            *templates,
            *(ROOT / "templates" / "pdf").glob("*.css"),
            *(ROOT / "site_overrides").rglob("*.html"),
            *(ROOT / "build_scripts").rglob("*.py"),
            *(ROOT / "content" / "assets").glob("followup*.js"),
        ]
    )


def _nav_titles(items: object) -> list[str]:
    """The titles of mkdocs.yml's nav, which the plugin translates for an edition."""
    titles: list[str] = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            for title, value in item.items():
                titles.append(str(title))
                titles += _nav_titles(value)
    return titles


def _mkdocs_nav() -> list[str]:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    # The config's !ENV tags are not plain YAML; the nav does not use them.
    config = yaml.load(text, Loader=_IgnoreTags)
    toggles = [scheme["toggle"]["name"] for scheme in config["theme"]["palette"]]
    return [*_nav_titles(config["nav"]), *toggles, config["copyright"]]


class _IgnoreTags(yaml.SafeLoader):
    pass


_IgnoreTags.add_multi_constructor("!", lambda loader, suffix, node: None)


@pytest.fixture(scope="module")
def german() -> Catalog:
    catalog, problems = load_catalog(CATALOG, "content/de/strings.yml", "de")
    assert not problems, "\n".join(map(str, problems))
    return catalog


def test_every_wrapped_text_and_nav_title_has_a_german_translation(german: Catalog) -> None:
    wanted = {**messages_in(_wrapped_files()), **{t: ["mkdocs.yml nav"] for t in _mkdocs_nav()}}
    missing = [f"{text!r} ({', '.join(files)})" for text, files in wanted.items()
               if text not in german.strings]  # fmt: skip
    assert not missing, "no German translation in content/de/strings.yml for:\n" + "\n".join(
        missing
    )


def test_the_catalog_holds_no_text_that_nothing_uses(german: Catalog) -> None:
    used = set(messages_in(_wrapped_files())) | set(_mkdocs_nav())
    stale = sorted(set(german.strings) - used)
    assert not stale, "strings.yml translates texts that nothing wraps in _():\n" + "\n".join(
        map(repr, stale)
    )


def test_every_translation_keeps_the_fields_of_its_english_text(german: Catalog) -> None:
    field = re.compile(r"\{([a-z][a-z0-9_]*)\}")
    differ = [
        english
        for english, translated in german.strings.items()
        if set(field.findall(english)) != set(field.findall(translated))
    ]
    assert not differ


def test_the_german_edition_block_names_its_language_country_and_date_form(
    german: Catalog,
) -> None:
    edition = german.edition
    assert (edition.name, edition.country) == ("Deutsch", "DE")
    assert edition.site_name
    assert edition.site_description
    assert "Ich hoffe, diese Nachricht erreicht Sie gut" in edition.avoid


def test_catalog_problems_are_reported_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "strings.yml"
    path.write_text(
        "edition:\n"
        "  name: Deutsch\n"
        "  country: DE\n"
        "  date_format: '{tag}.{mm}.{year}'\n"
        "strings:\n"
        '  "Page {page} of {total}": "Seite {seite} von {total}"\n'
        '  "Timeline": 3\n'
        '  "Tips": "Tipps"\n',
        encoding="utf-8",
    )
    catalog, problems = load_catalog(path, "content/de/strings.yml", "de")
    shown = [str(p) for p in problems]
    assert any(
        s.startswith("content/de/strings.yml:6:") and "{page} is missing" in s for s in shown
    ), shown
    assert any("{seite} is not in the English" in s for s in shown), shown
    assert any(s.startswith("content/de/strings.yml:7:") for s in shown), shown
    assert any(s.startswith("content/de/strings.yml:4:") and "{tag}" in s for s in shown), shown
    assert catalog.strings == {"Tips": "Tipps"}  # the wrong ones are left out


def test_a_catalog_that_is_not_a_mapping_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "strings.yml"
    path.write_text("strings:\n  - Timeline\n", encoding="utf-8")
    _catalog, problems = load_catalog(path, "content/de/strings.yml", "de")
    assert [str(p).split(": ")[0] for p in problems] == ["content/de/strings.yml:2:3"]


def test_a_text_wrapped_over_several_lines_is_found_by_its_words() -> None:
    source = '{{ _("Every step,\n  in one table.") }} _("a" "b") N_(\'Don\\\'t\')'
    assert i18n.messages(source) == ["Every step, in one table.", "ab", "Don't"]
    catalog = Catalog("de", {"Every step, in one table.": "Alle Schritte."})
    assert catalog.gettext("Every step,\n  in one table.") == "Alle Schritte."


def test_dates_are_written_as_each_edition_writes_them(german: Catalog) -> None:
    day = dt.date(2026, 11, 29)
    assert format_date(day) == "29 November 2026"
    assert format_date(day, numeric=True) == "2026-11-29"
    with activated(german):
        assert format_date(day) == "29.11.2026"
        assert format_date(dt.date(2026, 3, 5), numeric=True) == "05.03.2026"


@pytest.mark.parametrize(
    ("timing", "english", "german_text"),
    [
        ({"unit": "hours", "earliest": 2, "ideal": 4, "latest": 24},
         "2-24 hours after the interview, ideally 4 hours",
         "2\u201324 Stunden nach dem Vorstellungsgespräch, am besten 4 Stunden danach"),
        ({"unit": "days", "earliest": 0, "latest": 1},
         "within 1 day of the interview", "spätestens 1 Tag nach dem Vorstellungsgespräch"),
        ({"unit": "business_days", "earliest": 5},
         "at least 5 business days after the interview",
         "frühestens 5 Arbeitstage nach dem Vorstellungsgespräch"),
        ({"unit": "days", "ideal": 0},
         "as soon as possible after the interview",
         "so bald wie möglich nach dem Vorstellungsgespräch"),
    ],
)  # fmt: skip
def test_timing_sentences_read_as_german_sentences(
    german: Catalog, timing: dict, english: str, german_text: str
) -> None:
    assert describe_timing(Timing(**timing), "the interview") == english
    with activated(german):
        anchor = i18n.gettext("the interview")
        assert describe_timing(Timing(**timing), anchor) == german_text


ENGLISH_HEADINGS = ("When to use this", "Timeline", "Templates", "Tips", "Sources", "Subject:")
GERMAN_HEADINGS = ("Wann dieses Szenario passt", "Zeitplan", "Vorlagen", "Tipps", "Quellen")


@pytest.fixture(scope="module")
def german_site() -> Site:
    """The German edition's site (its scenarios translated where content/de/ has them)."""
    return load_site(Project.from_root(ROOT).edition("de"))


def test_a_scenario_page_built_under_the_german_catalog_has_german_headings(
    german: Catalog, german_site: Site
) -> None:
    with activated(german):
        pages = render_site.render(german_site, ROOT / "templates")
    page = next(p for p in pages if p.scenario and p.scenario.id == "post-interview")
    headings = re.findall(r"^##+ (.+?)(?: \{.*\})?$", page.markdown, re.MULTILINE)
    for heading in ("Wann dieses Szenario passt", "Zeitplan", "Vorlagen"):
        assert heading in headings, headings
    assert not set(headings) & set(ENGLISH_HEADINGS), headings
    timing = (
        '<p class="fu-step-when" data-search-exclude>'
        "2\u201324 Stunden nach dem Vorstellungsgespräch, am besten 4"
    )
    text = fill_deferred(page.markdown)  # with the HTML blocks set aside while converting
    assert timing in text  # the timeline's sentences
    assert "Betreff:" in text
    assert "E-Mail kopieren" in text


def test_an_untranslated_scenario_page_says_it_is_shown_in_english(
    german: Catalog, german_site: Site
) -> None:
    import dataclasses

    scenario = dataclasses.replace(german_site.scenarios[0], translated=False)
    env = make_env(ROOT / "templates", "markdown")
    with activated(german):
        markdown = env.get_template("site/scenario.md.j2").render(
            site=german_site, downloads=None, **render_site.scenario_context(scenario)
        )
    assert '<p class="admonition-title">Noch nicht übersetzt</p>' in markdown
    assert "es wird auf Englisch angezeigt" in markdown


def test_a_pdf_chapter_built_under_the_german_catalog_has_german_headings(
    german: Catalog, german_site: Site
) -> None:
    from weasyprint import CSS, HTML

    scenario = next(s for s in german_site.scenarios if s.id == "post-interview")
    options = PdfOptions("Gut nachfassen", "", "followup-kit", dt.date(2026, 11, 29), language="de")
    with activated(german):
        html = book.scenario_html(
            german_site, scenario, options, make_env(ROOT / "templates", "html")
        )
    pdf = HTML(string=html).write_pdf(
        stylesheets=[CSS(filename=str(ROOT / "templates" / "pdf" / "print.css"))]
    )
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for heading in (*GERMAN_HEADINGS, "Arbeitsblatt: ", "Notizen"):
        assert heading in text, heading
    lines = {line.strip() for line in text.splitlines()}
    assert not lines & {*ENGLISH_HEADINGS, "Worksheet", "Notes", "Do", "Don't"}, lines
