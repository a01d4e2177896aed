"""My applications: the tracker page and its service worker in every edition, the plan of every
scenario its script reads (as the scenario files say it), a fork's scenarios in it by
themselves, and a page that talks only to its own site and runs no inline script of its own."""

from __future__ import annotations

import html
import json
import posixpath
import re
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, build_site, copy_project, parse_html

from build_scripts import Project, csp, load_site
from build_scripts.expand import Site
from build_scripts.i18n import N_
from build_scripts.links import TRACKER_PAGE, TRACKER_WORKER, tracker_worker
from build_scripts.nav import guide_chapters, with_scenarios
from build_scripts.render_site import PageInputs
from build_scripts.schema import CATEGORY_TITLES, REPLIES
from build_scripts.tracker import DATA_VERSION, WORKER_SOURCE, page_context, tracker_data

EDITIONS = ("", "de/")
"""Where each edition is in the built site: English at the root, German under de/."""
PAGE = "my-applications/index.html"
WORKER = ROOT / "content" / "assets" / WORKER_SOURCE

NEW_ID, NEW_TITLE = "after-take-home", "After a take-home task"
HIDDEN = ("take-home-assignment", "after-rejection")
"""Hidden in the fork; REPLIES suggests both (for "assignment" and "rejection")."""
HOSTILE = "</div><script>alert(1)</script>"
HOSTILE_ID = "phone-screen"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project, both editions, without PDFs (the tracker is not in them)."""
    target = tmp_path_factory.mktemp("tracker") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOLLOWUP_PDF", "off")
        build_site(ROOT, target)
    return target


@pytest.fixture(scope="module")
def fork(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fork, built without PDFs and without directory URLs (pages are `name.html`): one
    scenario of its own, two built-ins hidden, a built-in with a hostile title, and a
    navigation written before the tracker page existed."""
    project = copy_project(tmp_path_factory.mktemp("fork") / "project")
    scenarios = project / "content" / "scenarios"
    text = (scenarios / "post-interview.yml").read_text(encoding="utf-8")
    text = text.replace("id: post-interview", f"id: {NEW_ID}")
    text = text.replace("title: Thank-you note after an interview", f"title: {NEW_TITLE}")
    text = text.replace("category: thank-you", "category: waiting")
    (scenarios / f"{NEW_ID}.yml").write_text(text, encoding="utf-8")
    hostile = scenarios / f"{HOSTILE_ID}.yml"
    hostile.write_text(
        re.sub(r"(?m)^title: .*$", "title: " + json.dumps(HOSTILE), hostile.read_text("utf-8")),
        encoding="utf-8",
    )
    config = project / "mkdocs.yml"
    before = config.read_text(encoding="utf-8")
    after = before.replace(f"  - My applications: {TRACKER_PAGE}\n", "").replace(
        "    paper: a4\n", f"    paper: a4\n    hide: [{', '.join(HIDDEN)}]\n"
    )
    assert TRACKER_PAGE not in after
    assert "hide:" in after
    config.write_text(after, encoding="utf-8")
    target = project / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FOLLOWUP_PDF", "off")
        build_site(project, target, use_directory_urls=False)
    return target


def data_block(page: str) -> dict:
    """The tracker page's data, as its script reads it: the attribute HTML-unescaped, as JSON."""
    (raw,) = re.findall(r'<div id="fu-tracker-data" hidden data-fu-json="([^"]*)"></div>', page)
    return json.loads(html.unescape(raw))


def resolve(page: str, link: str) -> str:
    """Where `link` (relative, maybe with a #fragment) on the page `page` leads, from the site's
    root; a folder means its index.html."""
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page), link.split("#")[0]))
    return f"{path}/index.html" if link.split("#")[0].endswith("/") else path


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def planned(scenario: dict) -> tuple[list[str], list[dict]]:
    """The anchors and the timeline a scenario file asks for, worked out from the file alone: a
    step measured from an earlier step counts from that step's anchor."""
    anchors: list[str] = []
    steps: list[dict] = []
    numbers: dict[str, int] = {}
    for number, step in enumerate(scenario["timeline"], start=1):
        origin = step["from"]
        if origin in numbers:
            anchor, after = steps[numbers[origin] - 1]["anchor"], numbers[origin]
        else:
            anchor, after = origin, None
            anchors += [] if origin in anchors else [origin]
        numbers[step["id"]] = number
        timing = step["timing"]
        steps.append(
            {
                "id": step["id"],
                "title": step["title"],
                "anchor": anchor,
                "after_step": after,
                "unit": timing["unit"],
                "earliest": timing.get("earliest"),
                "ideal": timing.get("ideal"),
                "latest": timing.get("latest"),
                "template": step.get("template"),
                "optional": step.get("optional", False),
                "ours": step.get("ours", False),
            }
        )
    return anchors, steps


def _by_id(items: list[dict], over: list[dict]) -> list[dict]:
    """`items` with the entries of `over` that share their id laid over them (timings key by
    key, as a translation may change one figure of a step's timing)."""
    changes = {item["id"]: item for item in over}
    merged = []
    for item in items:
        change = changes.get(item["id"], {})
        both = {**item, **change}
        if "timing" in change:
            both["timing"] = {**item["timing"], **change["timing"]}
        merged.append(both)
    return merged


def scenario_file(scenario_id: str, edition: str) -> dict:
    """A scenario file; in the German edition, with its translation laid over it."""
    english = yaml.safe_load(read(ROOT / "content" / "scenarios", f"{scenario_id}.yml"))
    if not edition:
        return english
    german = yaml.safe_load(read(ROOT / "content" / edition / "scenarios", f"{scenario_id}.yml"))
    return {
        **english,
        **{k: german[k] for k in ("title", "summary") if k in german},
        "timeline": _by_id(english["timeline"], german.get("timeline", [])),
        "templates": _by_id(english["templates"], german.get("templates", [])),
        "placeholders": {
            key: {**blank, **german.get("placeholders", {}).get(key, {})}
            for key, blank in english.get("placeholders", {}).items()
        },
    }


SCENARIO_IDS = sorted(
    yaml.safe_load(path.read_text(encoding="utf-8"))["id"]
    for path in (ROOT / "content" / "scenarios").glob("*.yml")
)


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_edition_publishes_the_tracker_page_its_worker_and_its_script(
    site: Path, edition: str
) -> None:
    page = read(site, edition + PAGE)
    assert "data-fu-tracker" in page
    assert f'<html lang="{edition.rstrip("/") or "en"}"' in page
    # The worker sits in the page's folder (its scope), as the page's data-fu-worker says.
    (worker,) = re.findall(r'data-fu-worker="([^"]*)"', page)
    assert resolve(edition + PAGE, worker) == edition + TRACKER_WORKER
    assert (site / edition / TRACKER_WORKER).read_bytes() == WORKER.read_bytes()
    # followup.js loads followup-tracker.js from its own folder.
    scripts = [a["src"] for t, a in parse_html(page).elements if t == "script" and a.get("src")]
    (main,) = [src for src in scripts if src.endswith("/followup.js")]
    assert (site / resolve(edition + PAGE, main)).with_name("followup-tracker.js").is_file()


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_tracker_page_is_in_the_navigation(site: Path, edition: str) -> None:
    for page in ("index.html", "scenarios/post-interview/index.html", "faq/index.html"):
        links = [
            a["href"]
            for tag, a in parse_html(read(site, edition + page)).elements
            if tag == "a" and "md-nav__link" in (a.get("class") or "") and a.get("href")
        ]
        assert edition + PAGE in {resolve(edition + page, link) for link in links}, page


def test_the_tracker_pages_front_matter_describes_it_and_hides_its_contents(site: Path) -> None:
    page = read(site, PAGE)
    (description,) = re.findall(r'<meta name="description" content="([^"]*)">', page)
    assert html.unescape(description).startswith("Keep track of every application you are")
    article = page[page.index("<article") : page.index("</article>")]
    assert "description:" not in article
    assert "hide:" not in article
    assert re.search(
        r'<div class="md-sidebar md-sidebar--secondary"[^>]*data-md-type="toc" hidden', page
    )


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_data_block_plans_every_scenario_as_its_file_says(site: Path, edition: str) -> None:
    data = data_block(read(site, edition + PAGE))
    assert data["version"] == DATA_VERSION
    assert sorted(data["scenarios"]) == SCENARIO_IDS
    for scenario_id, plan in data["scenarios"].items():
        source = scenario_file(scenario_id, edition)
        anchors, steps = planned(source)
        assert plan["title"] == source["title"]
        assert plan["summary"] == source["summary"].strip()
        assert plan["category"] == source["category"]
        assert plan["anchors"] == anchors
        assert [{k: v for k, v in s.items() if k != "when"} for s in plan["timeline"]] == steps
        assert all(s["when"] for s in plan["timeline"])
        assert {k: t["title"] for k, t in plan["templates"].items()} == {
            t["id"]: t["title"] for t in source["templates"]
        }
        assert plan["placeholders"] == [  # the form's fields, in the file's order
            {
                "key": key,
                "label": blank["label"],
                "help": blank["help"],
                "example": blank["example"],
            }
            for key, blank in source["placeholders"].items()
        ]
        assert set(anchors) <= set(data["dates"])
    # The scenario select: every scenario once, by category, in the categories' order.
    listed = [s for c in data["categories"] for s in c["scenarios"]]
    assert sorted(listed) == SCENARIO_IDS
    assert [c["id"] for c in data["categories"]] == [
        c for c in CATEGORY_TITLES if any(c == data["scenarios"][s]["category"] for s in listed)
    ]
    for category in data["categories"]:
        assert category["title"] == data["category_titles"][category["id"]]
        assert {data["scenarios"][s]["category"] for s in category["scenarios"]} == {category["id"]}
    assert [(r["kind"], r["anchor"], r["scenario"]) for r in data["replies"]] == [
        (kind, anchor, scenario or None) for kind, (_label, anchor, scenario) in REPLIES.items()
    ]
    assert set(data["key_dates"]) <= set(data["dates"])


def test_the_german_data_block_has_the_german_titles(site: Path) -> None:
    english = data_block(read(site, PAGE))["scenarios"]["post-interview"]
    german = data_block(read(site, "de/" + PAGE))["scenarios"]["post-interview"]
    assert german["title"] == "Dankschreiben nach dem Vorstellungsgespräch"
    assert german["title"] != english["title"]
    assert german["timeline"][0]["title"] != english["timeline"][0]["title"]
    assert german["templates"]["standard"]["title"] != english["templates"]["standard"]["title"]
    assert "Vorstellungsgespräch" in german["timeline"][0]["when"]
    assert german["category"] == english["category"]


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_link_in_the_data_block_leads_to_its_scenario_page_and_template(
    site: Path, edition: str
) -> None:
    here = edition + PAGE
    for scenario_id, plan in data_block(read(site, here))["scenarios"].items():
        target = resolve(here, plan["page"])
        assert target == f"{edition}scenarios/{scenario_id}/index.html"
        page = read(site, target)
        for template_id, template in plan["templates"].items():
            link, fragment = template["link"].split("#")
            assert resolve(here, link) == target
            assert fragment == f"template-{template_id}"
            assert f'id="{fragment}"' in page


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_tracker_page_may_talk_only_to_its_own_site_and_runs_no_inline_script_of_ours(
    site: Path, edition: str
) -> None:
    page = read(site, edition + PAGE)
    head = page[page.index("<head>") : page.index("</head>")]
    (policy,) = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', head)
    assert head.index("Content-Security-Policy") < head.index("<script")
    directives = {d.split()[0]: d.split()[1:] for d in policy.split("; ")}
    assert directives["worker-src"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["form-action"] == ["'none'"]
    assert not re.search(r"https?:|\*|'unsafe-eval'", policy)
    # Inline scripts run only by their hash: exactly the theme's own. Everything else inline is
    # JSON, which the browser does not run; the tracker's data is not even a script element.
    assert directives["script-src"] == ["'self'", *csp.inline_script_hashes(page)]
    for body in re.findall(r"<script>(.*?)</script>", page, re.S):
        assert csp.script_hash(body) in directives["script-src"]
    for tag, attrs in parse_html(page).elements:
        if tag == "script" and "src" in attrs:
            assert not re.match(r"[a-z]+:|//", attrs["src"] or ""), attrs
        elif tag == "script" and attrs:
            assert attrs.get("type") == "application/json", attrs
    assert data_block(page)["version"] == DATA_VERSION  # in its <div>, read as text


@pytest.mark.parametrize("edition", EDITIONS)
def test_scenario_pages_offer_the_application_picker_and_mark_as_sent(
    site: Path, edition: str
) -> None:
    picking = []
    for scenario_id in SCENARIO_IDS:
        path = f"{edition}scenarios/{scenario_id}/index.html"
        page = read(site, path)
        assert page.count("data-fu-actions") == page.count("data-fu-mark-sent")
        if "data-fu-panel" not in page:  # a scenario without blanks to fill
            continue
        picking.append(scenario_id)
        elements = parse_html(page).elements
        assert [a.get("id") for t, a in elements if t == "select" and "data-fu-app" in a] == [
            "fu-app"
        ]
        # The picker's help ends with a link to the tracker page.
        at = [a.get("id") for _tag, a in elements].index("fu-app-help")
        help_link = next(a["href"] for tag, a in elements[at:] if tag == "a")
        assert resolve(path, help_link) == edition + PAGE
    assert "post-interview" in picking


def test_a_forks_own_scenario_joins_the_tracker_and_hidden_ones_leave_it(fork: Path) -> None:
    page = read(fork, "my-applications.html")
    data = data_block(page)
    assert data["scenarios"][NEW_ID]["title"] == NEW_TITLE
    assert data["scenarios"][NEW_ID]["timeline"][0]["template"] == "standard"
    (waiting,) = [c for c in data["categories"] if c["id"] == "waiting"]
    assert NEW_ID in waiting["scenarios"]
    listed = [s for c in data["categories"] for s in c["scenarios"]]
    assert sorted(listed) == sorted(data["scenarios"])
    for hidden in HIDDEN:
        assert hidden not in data["scenarios"]
        assert f'"{hidden}"' not in html.unescape(page)
    # Without directory URLs too, every link leads to a built page; the worker is published.
    for scenario_id, plan in data["scenarios"].items():
        assert resolve("my-applications.html", plan["page"]) == f"scenarios/{scenario_id}.html"
        assert (fork / "scenarios" / f"{scenario_id}.html").is_file()
    (worker,) = re.findall(r'data-fu-worker="([^"]*)"', page)
    # ... and the worker sits beside the page, so that the page is in the worker's scope.
    assert (
        resolve("my-applications.html", worker) == tracker_worker(False) == "my-applications-sw.js"
    )
    assert (fork / tracker_worker(False)).is_file()


def test_a_reply_never_suggests_a_scenario_the_fork_hid(fork: Path) -> None:
    data = data_block(read(fork, "my-applications.html"))
    replies = {r["kind"]: r["scenario"] for r in data["replies"]}
    assert replies["assignment"] is None
    assert replies["rejection"] is None
    assert replies["interview"] == "multi-round"
    assert all(s is None or s in data["scenarios"] for s in replies.values())


def test_a_reply_suggesting_a_scenario_nobody_wrote_suggests_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(REPLIES, "moved", (N_("They moved the role"), None, "no-such-scenario"))
    replies = tracker_data(load_site(Project.from_root(ROOT)))["replies"]
    assert replies[-1] == {
        "kind": "moved",
        "label": "They moved the role",
        "anchor": None,
        "scenario": None,
    }


def test_a_forks_navigation_without_the_tracker_page_gets_it(fork: Path) -> None:
    links = [
        a["href"]
        for tag, a in parse_html(read(fork, "index.html")).elements
        if tag == "a" and "md-nav__link" in (a.get("class") or "") and a.get("href")
    ]
    assert "my-applications.html" in links


def test_the_navigation_lists_the_tracker_page_once() -> None:
    site = Site(scenarios=(), categories=())
    added = with_scenarios([{"Home": "index.md"}], site)
    assert {"My applications": TRACKER_PAGE} in added
    placed = [{"Home": "index.md"}, {"Mine": [{"Applications": TRACKER_PAGE}]}]
    assert json.dumps(with_scenarios(placed, site)).count(TRACKER_PAGE) == 1


def test_a_hostile_scenario_title_stays_text_in_the_data_block(fork: Path) -> None:
    page = read(fork, "my-applications.html")
    assert "<script>alert" not in page
    assert "</div><script>" not in page
    assert data_block(page)["scenarios"][HOSTILE_ID]["title"] == HOSTILE
    # The element still closes where the build closed it: the title did not end it early.
    (raw,) = re.findall(r'<div id="fu-tracker-data" hidden data-fu-json="[^"]*"></div>', page)
    assert "&lt;/div&gt;&lt;script&gt;" in raw


def test_the_tracker_page_is_not_a_chapter_of_the_guide(tmp_path: Path) -> None:
    site = load_site(Project.from_root(ROOT))
    assert TRACKER_PAGE not in {entry.src_uri for entry in site.guide}
    assert "My applications" not in {entry.title for entry in site.guide}
    # Not even when a page of that name is in the docs folder and the navigation names it.
    (tmp_path / TRACKER_PAGE).write_text("# My applications\n", encoding="utf-8")
    (tmp_path / "why.md").write_text("# Why\n", encoding="utf-8")
    nav = [{"Home": "why.md"}, {"My applications": TRACKER_PAGE}]
    assert [e.src_uri for e in guide_chapters(nav, tmp_path) if e.kind == "page"] == ["why.md"]


def test_page_links_follow_the_sites_url_style() -> None:
    site = load_site(Project.from_root(ROOT))
    folders = page_context(site, PageInputs())
    assert folders["tracker_worker_link"] == "sw.js"
    assert folders["data"]["scenarios"]["post-interview"]["page"] == "../scenarios/post-interview/"
    files = page_context(site, PageInputs(directory_urls=False))
    assert files["tracker_worker_link"] == tracker_worker(False)
    assert files["data"]["scenarios"]["post-interview"]["page"] == "scenarios/post-interview.html"
