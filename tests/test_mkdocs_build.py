"""The real MkDocs build: strict and silent on our content, and open to new scenario files."""

from __future__ import annotations

import html
import json
import logging
import re
import shutil
from pathlib import Path

import pytest
from helpers import ROOT, build_site, parse_html, pdftotext, squash
from mkdocs.exceptions import Abort, PluginError

import build_scripts
from build_scripts import csp


def test_strict_build_of_the_real_content_logs_no_warnings(tmp_path: Path, mkdocs_logs) -> None:
    build_site(ROOT, tmp_path / "site")
    assert mkdocs_logs.at_least(logging.WARNING) == []
    site = build_scripts.load_site(build_scripts.Project.from_root(ROOT))
    for scenario in site.scenarios:
        page = tmp_path / "site" / "scenarios" / scenario.id / "index.html"
        text = page.read_text(encoding="utf-8")
        assert scenario.title in html.unescape(text)
        for template in scenario.templates:
            assert f'id="{template.anchor}"' in text
    timing = (tmp_path / "site" / "timing" / "index.html").read_text(encoding="utf-8")
    for scenario in site.scenarios:
        assert f'href="../scenarios/{scenario.id}/"' in timing
    assert not (tmp_path / "site" / "scenarios" / "post-interview.yml").exists()
    assert (tmp_path / "site" / "schema" / "scenario.schema.json").is_file()
    _sources_are_shown_with_their_kinds(tmp_path / "site", site)


def _sources_are_shown_with_their_kinds(built: Path, site) -> None:
    """Every source once on the Sources page, under its kind, with its claim and checked date;
    every scenario citation and every guide link to a source labelled with the kind."""
    page = (built / "sources" / "index.html").read_text(encoding="utf-8")
    assert not (built / "content" / "sources.yml").exists()
    assert not (built / "sources.yml").exists()
    text = html.unescape(page)
    for ref in site.references:
        assert page.count(f'href="{ref.source.url}"') == 1, ref.source.url
        assert ref.source.claim in text, ref.source.claim
    assert page.count("Checked 2026-") == len(site.references)
    # The kinds' headings stay out of search with their lists (data-search-exclude).
    labels = re.findall(r"<h2(?: data-search-exclude)? id=\"([a-z-]+)\">", page)
    assert labels[0] == "university"
    assert "vendor-blog" in labels
    assert "no-kind" not in labels
    for scenario in site.scenarios:
        scenario_html = (built / "scenarios" / scenario.id / "index.html").read_text("utf-8")
        for step in scenario.steps:
            for source in step.sources:
                label = f'[{source.number}<span class="fu-cite-kind"> · {source.kind_label}'
                assert label in scenario_html
    guide = (built / "why-follow-up" / "index.html").read_text(encoding="utf-8")
    cited = re.findall(
        r'<a href="(https://[^"]+)">[^<]*</a> <span class="fu-kind" title="[^"]*">([^<]+)</span>',
        guide,
    )
    assert len(cited) >= 3, guide
    kinds = {ref.source.url: ref.source.kind_label for ref in site.references}
    for url, label in cited:
        assert kinds.get(url, label) == label


def _nav_links(html: str) -> list[str]:
    nav = html[html.index('<nav class="md-nav md-nav--primary"') :]
    nav = nav[: nav.index("</nav>\n</div>")] if "</nav>\n</div>" in nav else nav
    return re.findall(r'href="([^"]+)"', nav)


def test_a_new_yaml_file_becomes_a_page_and_a_nav_entry(project: Path, tmp_path: Path) -> None:
    source = (project / "content" / "scenarios" / "post-interview.yml").read_text()
    new = (
        source.replace("id: post-interview", "id: after-take-home")
        .replace("title: Thank-you note after an interview", "title: After a take-home assignment")
        .replace("related: [", "related: [post-interview, ")
        .replace("related: [post-interview, post-interview", "related: [post-interview")
    )
    (project / "content" / "scenarios" / "after-take-home.yml").write_text(new)
    build_site(project, tmp_path / "site")
    page = tmp_path / "site" / "scenarios" / "after-take-home" / "index.html"
    assert "After a take-home assignment" in page.read_text()
    home = (tmp_path / "site" / "index.html").read_text()
    assert "After a take-home assignment" in home  # the generated scenario table on the home page
    # navigation.prune keeps each page's navigation to its own section: look from a sibling.
    sibling = (tmp_path / "site" / "scenarios" / "post-interview" / "index.html").read_text()
    assert "../after-take-home/" in " ".join(_nav_links(sibling))
    timing = (tmp_path / "site" / "timing" / "index.html").read_text()
    assert "After a take-home assignment" in timing


def test_nav_lists_scenarios_in_category_then_order(project: Path, tmp_path: Path) -> None:
    scenarios = project / "content" / "scenarios"
    base = (scenarios / "post-interview.yml").read_text()
    for name, order in (("zz-first", 1), ("aa-last", 999)):
        text = base.replace("id: post-interview", f"id: {name}").replace(
            "order: 10", f"order: {order}"
        )
        text = re.sub(r"related: \[.*\]", "related: []", text)
        (scenarios / f"{name}.yml").write_text(text)
    build_site(project, tmp_path / "site")
    page = tmp_path / "site" / "scenarios" / "post-interview" / "index.html"
    links = _nav_links(page.read_text())
    position: dict[str, int] = {}
    for i, link in enumerate(links):
        position.setdefault(link, i)
    assert position["../zz-first/"] < position["./"]
    assert position["./"] < position["../aa-last/"]


def test_a_broken_scenario_stops_the_build_with_positions(
    project: Path, tmp_path: Path, mkdocs_logs
) -> None:
    bad = project / "content" / "scenarios" / "post-interview.yml"
    bad.write_text(bad.read_text().replace("category: thank-you", "category: thanks"))
    with pytest.raises((PluginError, Abort)):
        build_site(project, tmp_path / "site")
    errors = "\n".join(mkdocs_logs.at_least(logging.ERROR))
    assert "content/scenarios/post-interview.yml:5:11: category: expected one of" in errors


def test_links_to_anchors_in_a_scenario_pages_html_blocks_are_still_validated(
    project: Path, tmp_path: Path, mkdocs_logs
) -> None:
    # The timeline is raw HTML that Markdown does not read (templating.raw_html): its ids must
    # still count as the page's anchors, and a wrong one must still fail a strict build.
    # (MkDocs checks anchors only when its log is above DEBUG; the fixture restores the level.)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    faq = project / "content" / "etiquette.md"
    text = faq.read_text()
    faq.write_text(text + "\n[The first step](scenarios/post-interview.md#step-thank-you)\n")
    build_site(project, tmp_path / "site")
    assert mkdocs_logs.at_least(logging.WARNING) == []
    faq.write_text(text + "\n[No such step](scenarios/post-interview.md#step-nowhere)\n")
    with pytest.raises(Abort):
        build_site(project, tmp_path / "site2")
    warnings = "\n".join(mkdocs_logs.at_least(logging.WARNING))
    assert "step-nowhere" in warnings


def test_removed_scenario_leaves_no_stale_page(project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    scenarios = project / "content" / "scenarios"
    extra = (
        (scenarios / "post-interview.yml")
        .read_text()
        .replace("id: post-interview", "id: temporary")
    )
    (scenarios / "temporary.yml").write_text(re.sub(r"related: \[.*\]", "related: []", extra))
    build_site(project, site)
    assert (site / "scenarios" / "temporary" / "index.html").is_file()
    (scenarios / "temporary.yml").unlink()
    build_site(project, site)
    assert not (site / "scenarios" / "temporary").exists()
    assert not list((project / "content").rglob("*.md.tmp"))
    assert sorted(p.name for p in (project / "content" / "scenarios").iterdir()) == sorted(
        p.name for p in (ROOT / "content" / "scenarios").iterdir()
    )


def test_building_never_writes_into_the_source_tree(project: Path, tmp_path: Path) -> None:
    before = sorted(
        str(p.relative_to(project)) for p in project.rglob("*") if "build_scripts" not in p.parts
    )
    build_site(project, tmp_path / "site")
    after = sorted(
        str(p.relative_to(project)) for p in project.rglob("*") if "build_scripts" not in p.parts
    )
    assert before == after
    shutil.rmtree(tmp_path / "site")


def test_build_inputs_in_the_docs_folder_are_not_published(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOLLOWUP_PDF", "off")
    site = tmp_path / "site"
    build_site(project, site)
    published = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    for source in ("chooser.yml", "wordlist.txt", "scenarios/post-interview.yml"):
        assert (project / "content" / source).is_file()
        assert source not in published
    inputs = [
        p.relative_to(project / "content").as_posix()
        for p in (project / "content").rglob("*")
        if p.suffix in (".yml", ".yaml", ".txt")
    ]
    assert inputs
    assert published.isdisjoint(inputs)
    # The chooser is still read from its file: the home page asks its questions.
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "What just happened?" in home
    assert 'href="scenarios/post-interview/"' in home


def _site_url_notes(mkdocs_logs) -> list[str]:
    return [m for m in mkdocs_logs.at_least(logging.INFO) if "site_url is " in m]


def test_a_build_with_the_example_site_url_tells_the_forker_without_failing_strict(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mkdocs_logs
) -> None:
    monkeypatch.setenv("FOLLOWUP_PDF", "off")
    monkeypatch.delenv("SITE_URL", raising=False)
    build_site(project, tmp_path / "site")  # strict: a WARNING would have stopped it
    assert mkdocs_logs.at_least(logging.WARNING) == []
    (note,) = _site_url_notes(mkdocs_logs)
    assert note.startswith("INFO: site_url is still the example address https://followup-kit")
    assert "Set site_url in mkdocs.yml" in note
    mkdocs_logs.records.clear()
    build_site(project, tmp_path / "site", site_url="")
    (note,) = _site_url_notes(mkdocs_logs)
    assert note.startswith("INFO: site_url is not set: the sitemap")
    mkdocs_logs.records.clear()
    build_site(project, tmp_path / "site", site_url="https://jobs.example.net/followup/")
    assert _site_url_notes(mkdocs_logs) == []


HOSTILE_TITLE = 'Thanks "quoted" & <script>alert(1)</script>'
HOSTILE_SUMMARY = '"\'><script>alert(2)</script><meta property="og:title" content="x'


def _head_meta(html: str) -> dict[str, str | None]:
    """Every <meta name=...> and <meta property=...> of a page's head, by name."""
    head = html[: html.index("</head>")]
    found: dict[str, str | None] = {}
    for tag, attrs in parse_html(head).elements:
        key = attrs.get("name") or attrs.get("property")
        if tag == "meta" and key:
            assert key not in found, f"two {key} tags"
            found[key] = attrs.get("content")
    return found


def test_every_page_has_its_own_escaped_description_and_open_graph_tags(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOLLOWUP_PDF", "off")
    scenario = project / "content" / "scenarios" / "post-interview.yml"
    scenario.write_text(
        re.sub(
            r"(?m)^summary: .*$", "summary: " + json.dumps(HOSTILE_SUMMARY), scenario.read_text()
        ).replace("title: Thank-you note after an interview", "title: " + json.dumps(HOSTILE_TITLE))
    )
    guide = project / "content" / "etiquette.md"
    guide.write_text('---\ndescription: Etiquette "rules" <b>here</b>\n---\n' + guide.read_text())
    site = tmp_path / "site"
    site_url = "https://jobs.example.net/followup/"
    build_site(project, site, site_url=site_url)

    descriptions = {}
    for page in sorted(site.rglob("index.html")):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html
        meta = _head_meta(html)
        path = page.parent.relative_to(site).as_posix()
        url = site_url if path == "." else f"{site_url}{path}/"
        assert meta["og:description"] == meta["description"]
        assert meta["og:url"] == url
        assert meta["og:type"] == ("website" if path == "." else "article")
        assert meta["og:site_name"] == "Follow Up Well"
        assert meta["og:title"]
        assert 20 <= len(meta["description"] or "") <= 200, (path, meta["description"])
        descriptions[path] = meta["description"]
    assert len(set(descriptions.values())) == len(descriptions), descriptions

    post = _head_meta((site / "scenarios" / "post-interview" / "index.html").read_text())
    assert post["description"] == HOSTILE_SUMMARY
    assert post["og:title"] == HOSTILE_TITLE
    assert descriptions["etiquette"] == 'Etiquette "rules" <b>here</b>'
    assert descriptions["why-follow-up"].startswith("When the interview ends, the people you met")

    # Without site_url there is no address to give: no og:url, no og:type.
    build_site(project, site, site_url="")
    meta = _head_meta((site / "scenarios" / "post-interview" / "index.html").read_text())
    assert "og:url" not in meta
    assert "og:type" not in meta
    assert meta["og:description"] == HOSTILE_SUMMARY


def test_a_guide_pages_front_matter_describes_the_site_page_and_stays_out_of_the_pdf(
    project: Path, tmp_path: Path
) -> None:
    guide = project / "content" / "etiquette.md"
    guide.write_text(
        "---\ndescription: Habits that keep follow-ups welcome.\n---\n" + guide.read_text()
    )
    site = tmp_path / "site"
    build_site(project, site)
    page = _head_meta((site / "etiquette" / "index.html").read_text(encoding="utf-8"))
    assert page["description"] == "Habits that keep follow-ups welcome."
    text = squash(pdftotext(site / "downloads" / "follow-up-guide.pdf"))
    assert "Habits that keep follow-ups welcome" not in text
    assert "description:" not in text
    assert "Most follow-up mistakes are not about wording." in text


def test_built_pages_allow_only_the_themes_inline_scripts_not_a_live_reload(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOLLOWUP_PDF", "off")
    site = tmp_path / "site"
    build_site(project, site)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "livereload" not in html
        policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)[1]
        script_src = next(d for d in policy.split("; ") if d.startswith("script-src "))
        assert script_src.split()[1:] == ["'self'", *csp.inline_script_hashes(html)], page
