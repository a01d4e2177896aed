"""The guide PDF and the per-scenario PDFs, checked by structure (pypdf, pdftotext), not bytes."""

from __future__ import annotations

import io
import math
import re
import subprocess
from pathlib import Path

import pytest
from helpers import ROOT, build_site, copy_project, outline_titles, pdftotext, squash
from pypdf import PdfReader

import build_scripts
from build_scripts.links import GUIDE_PDF
from build_scripts.links import scenario_pdf as scenario_pdf_path
from build_scripts.pdf import PdfError, write_pdf
from build_scripts.templating import blanks_text


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("pdf") / "site"
    build_site(ROOT, site)
    return site


@pytest.fixture(scope="module")
def site_model() -> build_scripts.Site:
    return build_scripts.load_site(build_scripts.Project.from_root(ROOT))


def test_guide_has_a_sensible_number_of_pages(built: Path, site_model) -> None:
    reader = PdfReader(built / GUIDE_PDF)
    scenarios = len(site_model.scenarios)
    questions = sum(len(s.faq) for s in site_model.scenarios)
    # Cover, contents, guide chapters, then at least a page and a worksheet per scenario; at
    # most the scenarios' own PDFs' bound, the guide pages and the questions and answers.
    most = 40 + sum(most_pages(s) for s in site_model.scenarios) + questions // 3
    assert 8 + 2 * scenarios <= len(reader.pages) <= most


def most_pages(scenario) -> int:
    """A scenario's own PDF at most: a page or two for the timeline, tips and questions, a page
    per template, a page per three channel variants and per five questions, the worksheet."""
    variants = sum(len(t.variants) for t in scenario.templates)
    return 2 + len(scenario.templates) + math.ceil(variants / 3) + math.ceil(len(scenario.faq) / 5)


def test_outline_mirrors_chapters_scenarios_and_templates(built: Path, site_model) -> None:
    reader = PdfReader(built / GUIDE_PDF)
    outline = outline_titles(reader)
    top = [title for depth, title, _ in outline if depth == 0]
    assert top[0] == "Contents"
    assert "Timing at a glance" in top
    assert "Scenarios" in top
    entries = [(depth, title) for depth, title, _ in outline]
    for scenario in site_model.scenarios:
        assert (1, scenario.title) in entries
        start = entries.index((1, scenario.title))
        children = []
        for depth, title in entries[start + 1 :]:
            if depth < 2:
                break
            children.append(title)
        assert children == [t.title for t in scenario.templates] + ["Worksheet"]
    # Each entry opens the page where its heading is.
    for depth, title, page in outline:
        if depth >= 1 and title != "Worksheet":
            assert squash(title) in squash(pdftotext(built / GUIDE_PDF, page)), (title, page)


def test_every_contents_entry_points_at_the_page_where_its_heading_is(
    built: Path, site_model
) -> None:
    pdf = built / GUIDE_PDF
    reader = PdfReader(pdf)
    labels = list(reader.page_labels)
    # The cover, then the contents numbered in roman numerals, then pages 1, 2, 3 ...
    assert labels[0] == "Cover"
    assert labels[1] == "ii"
    front = labels.index("1")
    assert all(re.fullmatch(r"[ivxlc]+", label) for label in labels[1:front])

    def page_of(number: str) -> str:
        return squash(pdftotext(pdf, labels.index(number) + 1))

    contents = "\n".join(pdftotext(pdf, page) for page in range(2, front + 1))
    entries = re.findall(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$", contents, re.MULTILINE)
    assert len(entries) >= len(site_model.scenarios) + 5
    for title, number in entries:
        assert squash(title) in page_of(number), f"{title!r} not on page {number}"
    # Under each scenario, its templates and worksheet with their pages.
    flat = squash(contents)
    for scenario in site_model.scenarios:
        start = flat.index(squash(scenario.title))
        for name in [t.title for t in scenario.templates] + ["Worksheet"]:
            found = re.compile(re.escape(squash(name)) + r" (\d+)").search(flat, start)
            assert found, (scenario.id, name)
            page = page_of(found.group(1))
            assert squash(name if name != "Worksheet" else "Worksheet:") in page, (name, page)
    # Every page after the contents says which page it is, of how many.
    total = len(labels) - front
    for index in (front, front + 1, len(labels) - 1):
        assert f"Page {labels[index]} of {total}" in pdftotext(pdf, index + 1)


def test_every_template_subject_is_printed_with_its_blanks(built: Path, site_model) -> None:
    # Compared without spaces: pdftotext puts a space where a blank's padding ends.
    text = re.sub(r"\s+", "", pdftotext(built / GUIDE_PDF))
    replies = 0
    for scenario in site_model.scenarios:
        for template in scenario.templates:
            if template.reply:
                replies += 1
                continue
            assert re.sub(r"\s+", "", blanks_text(template.subject_segments)) in text
    # A reply has no subject: it says to press Reply in the thread instead.
    assert replies > 5
    assert text.count("Sendas:areplyintheexistingthread") == replies


def test_worksheets_are_fillable_with_predictable_field_names(built: Path, site_model) -> None:
    fields = PdfReader(built / GUIDE_PDF).get_fields()
    for scenario in site_model.scenarios:
        for name in ("company", "role", "interviewers", "detail", "date-interview", "notes"):
            assert f"{scenario.id}__{name}" in fields
        assert f"{scenario.id}__date-decision_date" in fields
        for step in scenario.steps:
            assert fields[f"{scenario.id}__step-{step.id}-date"]["/FT"] == "/Tx"
            assert fields[f"{scenario.id}__step-{step.id}-sent"]["/FT"] == "/Btn"


def test_fonts_are_embedded_once_and_small(built: Path) -> None:
    done = subprocess.run(
        ["pdffonts", str(built / GUIDE_PDF)], capture_output=True, text=True, check=True
    )
    rows = done.stdout.splitlines()[2:]
    assert rows
    for row in rows:
        name, emb = row.split()[0], row.split()[-5]
        assert emb == "yes", row
        # The shipped fonts (DejaVu cut down to Latin), named by WeasyPrint with a tag.
        assert re.match(r"^([A-Z]{6}\+)?Followup", name), row
    # Parts of the guide embed the same font files: the joined guide keeps one copy of each.
    reader = PdfReader(built / GUIDE_PDF)
    files = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (font.get("/DescendantFonts") or [font])[0].get_object()
            descriptor = descriptor.get("/FontDescriptor")
            if descriptor is not None:
                reference = descriptor.get_object().raw_get("/FontFile2")
                files[reference.idnum] = len(reference.get_object().get_data())
    assert 2 <= len(files) <= 6, files
    assert sum(files.values()) < 200_000


def test_metadata_and_tags_are_set(built: Path) -> None:
    reader = PdfReader(built / GUIDE_PDF)
    meta = reader.metadata
    assert meta.title == "Follow Up Well"
    assert meta.author
    assert meta.subject
    assert "job interview" in meta["/Keywords"]
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert "/StructTreeRoot" in root  # tagged for screen readers (PDF/UA-1)
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712


def test_each_scenario_has_its_own_short_pdf(built: Path, site_model) -> None:
    for scenario in site_model.scenarios:
        reader = PdfReader(built / scenario_pdf_path(scenario.id))
        assert 1 <= len(reader.pages) <= most_pages(scenario), scenario.id
        text = squash(pdftotext(built / scenario_pdf_path(scenario.id)))
        assert scenario.title in text
        assert "Worksheet" in text
        assert reader.metadata.title.startswith(scenario.title)
        assert f"{scenario.id}__company" in reader.get_fields()


def test_site_links_to_both_pdfs_with_their_size(built: Path, site_model) -> None:
    home = (built / "index.html").read_text()
    assert re.search(
        r'href="downloads/follow-up-guide.pdf">Download the printable guide \(PDF, [\d.]+ [KM]B\)',
        home,
    )
    for scenario in site_model.scenarios:
        page = (built / "scenarios" / scenario.id / "index.html").read_text()
        assert f'href="../../downloads/scenarios/{scenario.id}.pdf"' in page
        assert 'href="../../downloads/follow-up-guide.pdf"' in page


def test_url_fetcher_refuses_private_files_and_the_network(tmp_path: Path) -> None:
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    html = (
        '<html lang="en"><head><title>x</title>'
        '<link rel="stylesheet" href="http://127.0.0.1:9/evil.css"></head>'
        '<body><img src="file:///etc/passwd" alt=""><p>x</p></body></html>'
    )
    with pytest.raises(PdfError) as caught:
        write_pdf(html, "probe.pdf", allowed, [allowed])
    problems = "\n".join(caught.value.problems)
    assert "refused to load file:///etc/passwd" in problems
    assert "refused to load http://127.0.0.1:9/evil.css" in problems


def test_url_fetcher_serves_files_inside_the_allowed_folders(tmp_path: Path) -> None:
    (tmp_path / "style.css").write_text("p { color: red }")
    html = (
        '<html lang="en"><head><title>x</title><link rel="stylesheet" href="style.css">'
        "</head><body><p>x</p></body></html>"
    )
    assert write_pdf(html, "ok.pdf", tmp_path, [tmp_path]).startswith(b"%PDF")


def test_weasyprint_warnings_fail_the_render(tmp_path: Path) -> None:
    html = (
        '<html lang="en"><head><title>x</title><style>p { colour: red }</style></head>'
        "<body><p>x</p></body></html>"
    )
    with pytest.raises(PdfError, match="colour"):
        write_pdf(html, "bad.pdf", tmp_path, [tmp_path])


def test_letter_paper_is_one_setting_away(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("paper: a4", "paper: letter"))
    build_site(project, tmp_path / "site")
    for path in (GUIDE_PDF, scenario_pdf_path("post-interview")):
        box = PdfReader(tmp_path / "site" / path).pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_a_forkers_scenario_appears_in_contents_outline_and_its_own_pdf(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    scenarios = project / "content" / "scenarios"
    text = (scenarios / "post-interview.yml").read_text()
    text = text.replace("id: post-interview", "id: after-take-home")
    text = text.replace("title: Thank-you note after an interview", "title: After a take-home task")
    text = re.sub(r"related: \[.*\]", "related: []", text)
    (scenarios / "after-take-home.yml").write_text(text)
    build_site(project, tmp_path / "site")
    guide = tmp_path / "site" / GUIDE_PDF
    assert "After a take-home task" in pdftotext(guide, 2)
    assert (1, "After a take-home task") in [(d, t) for d, t, _ in outline_titles(PdfReader(guide))]
    own = tmp_path / "site" / scenario_pdf_path("after-take-home")
    assert "After a take-home task" in pdftotext(own)
    assert "after-take-home__company" in PdfReader(guide).get_fields()


def test_characters_no_font_can_draw_are_named_with_a_fix(tmp_path: Path) -> None:
    # Private-use code points: no font on any machine draws them.
    html = '<html lang="en"><head><title>x</title></head><body><p>\ue000\ue001</p></body></html>'
    with pytest.raises(PdfError) as caught:
        write_pdf(html, "x.pdf (from content/scenarios/jp.yml)", tmp_path, [tmp_path])
    message = str(caught.value)
    assert message.startswith("x.pdf (from content/scenarios/jp.yml): no installed font has")
    assert "\ue000 \ue001" in message
    assert "fonts-noto-cjk" in message


def test_the_guide_ends_with_every_source_once(built: Path, site_model) -> None:
    reader = PdfReader(built / GUIDE_PDF)
    outline = outline_titles(reader)
    assert outline[-1][:2] == (0, "References")
    first = outline[-1][2]
    text = re.sub(
        r"\s+",
        "",
        "".join(pdftotext(built / GUIDE_PDF, n) for n in range(first, len(reader.pages) + 1)),
    )
    refs = site_model.references
    for ref in refs:
        assert text.count(re.sub(r"\s+", "", ref.source.url)) >= 1, ref.source.url
    # One entry per page, each with its kind and checked date, saying what cites it: the
    # scenarios' sources and the guide pages' registered ones.
    assert text.count("Citedin") == len(refs)
    assert text.count("Checked2026-") == len(refs)
    assert {r.source.kind for r in refs} >= {"university", "recruiter", "job-board", "survey"}
    for kind in {r.source.kind_label for r in refs}:
        assert re.sub(r"\s+", "", kind) in text, kind
    guide_only = [r for r in refs if r.cited_in_guide and not r.cited_by]
    assert guide_only, "the guide pages cite sources of their own"
    for ref in guide_only:
        assert re.sub(r"\s+", "", ref.source.url) in text


def test_worksheet_fields_are_named_for_people_not_by_their_ids(built: Path, site_model) -> None:
    for path in (GUIDE_PDF, *(scenario_pdf_path(s.id) for s in site_model.scenarios)):
        fields = PdfReader(built / path).get_fields()
        for name, field in fields.items():
            label = field.get("/TU")
            assert label, (path, name)
            assert label != name, (path, name)
            assert "__" not in label, (path, name, label)
    fields = PdfReader(built / GUIDE_PDF).get_fields()
    for scenario in site_model.scenarios:
        assert fields[f"{scenario.id}__company"]["/TU"] == "Company name"
        assert fields[f"{scenario.id}__notes"]["/TU"] == "Notes"
        for step in scenario.steps:
            date = fields[f"{scenario.id}__step-{step.id}-date"]["/TU"]
            sent = fields[f"{scenario.id}__step-{step.id}-sent"]["/TU"]
            assert date == f"Date of step {step.number}: {step.title}"
            assert sent == f"Sent: step {step.number}, {step.title}"


def _ink_inside(png: Path, rect: list[float], page_height: float, dpi: int) -> int:
    """Dark pixels inside a widget's rectangle (inset past its border) on a rendered page."""
    from PIL import Image

    scale = dpi / 72
    x0, y0, x1, y1 = (float(v) for v in rect)
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    inset = 1.8  # points: the box's printed border stays outside
    box = (
        round((x0 + inset) * scale),
        round((page_height - y1 + inset) * scale),
        round((x1 - inset) * scale),
        round((page_height - y0 - inset) * scale),
    )
    with Image.open(png) as image:
        crop = image.convert("L").crop(box)
        return sum(1 for value in crop.tobytes() if value < 128)


@pytest.mark.parametrize("regenerate", [True, False], ids=["viewer-redraws", "as-drawn"])
@pytest.mark.parametrize("document", ["own", "guide"])
def test_a_checkbox_ticked_with_pypdf_shows_its_tick_in_poppler(
    built: Path, site_model, tmp_path: Path, document: str, regenerate: bool
) -> None:
    from pypdf import PdfWriter

    scenario = site_model.scenarios[0]
    source = built / (scenario_pdf_path(scenario.id) if document == "own" else GUIDE_PDF)
    ticked, unticked = (f"{scenario.id}__step-{step.id}-sent" for step in scenario.steps[:2])
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.update_page_form_field_values(None, {ticked: "/Yes"}, auto_regenerate=regenerate)
    filled = tmp_path / "filled.pdf"
    writer.write(filled)

    reader = PdfReader(filled)
    widgets = {}
    for number, page in enumerate(reader.pages, start=1):
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            if annot.get("/T") in (ticked, unticked):
                widgets[str(annot["/T"])] = (number, annot["/Rect"], float(page.mediabox.height))
    assert reader.get_fields()[ticked]["/V"] == "/Yes"
    number, _, height = widgets[ticked]
    assert widgets[unticked][0] == number
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", "-f", str(number), "-l", str(number),
         str(filled), str(tmp_path / "page")],
        check=True, capture_output=True,
    )  # fmt: skip
    png = tmp_path / "page.png"
    assert _ink_inside(png, widgets[ticked][1], height, 150) >= 8
    assert _ink_inside(png, widgets[unticked][1], height, 150) == 0


def test_no_sentence_ends_twice_after_a_title_that_ends_one(built: Path, site_model) -> None:
    # Source titles end with "?" (and a French " ?") in the real content: never "?." after them.
    for path in (GUIDE_PDF, *(scenario_pdf_path(s.id) for s in site_model.scenarios)):
        text = pdftotext(built / path)
        assert not re.search(r"[?!\u2026]\s?\.(?!\.)", text), path


def test_a_title_gets_a_full_stop_only_when_it_does_not_end_a_sentence() -> None:
    from build_scripts.templating import make_env

    env = make_env(ROOT / "templates", "html")
    template = env.from_string(
        '{% import "pdf/_text.html.j2" as t %}'
        "{% for x in items %}{{ x }}{{ t.stop(x) }}|{% endfor %}"
    )
    items = ["Plain", "Why?", "Quand ?", "Etc.", "Wow!", "Wait\u2026", "“Why?”", "(draft)", ""]
    assert template.render(items=items).split("|")[:-1] == [
        "Plain.", "Why?", "Quand ?", "Etc.", "Wow!", "Wait\u2026", "“Why?”", "(draft).", "",
    ]  # fmt: skip


def _chapter(paragraphs: int, body: str) -> str:
    text = " ".join(["Words that fill a line of the chapter, as a guide page would."] * 2)
    return (
        f'<html lang="en"><head><title>x</title></head>{body}'
        '<section class="chapter" id="ch-x"><h1 class="chapter-title">A chapter</h1>'
        + "".join(f"<p>Paragraph {n}. {text}</p>" for n in range(paragraphs))
        + "</section></body></html>"
    )


def test_a_chapter_leaving_a_few_lines_alone_on_its_last_page_is_set_to_fit(
    tmp_path: Path,
) -> None:
    pdf_dir = ROOT / "templates" / "pdf"

    def pages(paragraphs: int, body: str = "<body>") -> int:
        data = write_pdf(_chapter(paragraphs, body), "x.pdf", pdf_dir, [pdf_dir])
        return len(PdfReader(io.BytesIO(data)).pages)

    # The fewest paragraphs that spill onto a second page, as set normally (a bare <body>
    # is never refitted): only a line or so lands there.
    low, high = 1, 120
    assert pages(high) >= 2
    while low < high:
        middle = (low + high) // 2
        low, high = (middle + 1, high) if pages(middle) < 2 else (low, middle)
    spilling = low
    assert pages(spilling) == 2
    # A guide page (body class) with that much text is set a little tighter, on one page,
    # with all its text; one that really needs a second page keeps it.
    data = write_pdf(_chapter(spilling, '<body class="guide">'), "x.pdf", pdf_dir, [pdf_dir])
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    (tmp_path / "fit.pdf").write_bytes(data)
    text = squash(pdftotext(tmp_path / "fit.pdf"))
    assert all(f"Paragraph {n}." in text for n in range(spilling))
    assert pages(spilling + 12, '<body class="guide">') == 2


def test_the_questions_and_answers_follow_the_scenarios_with_every_question(
    built: Path, site_model
) -> None:
    asked = [(s, q) for s in site_model.scenarios for q in s.faq]
    assert asked, "the built-in scenarios have questions"
    reader = PdfReader(built / GUIDE_PDF)
    outline = outline_titles(reader)
    top = [(title, page) for depth, title, page in outline if depth == 0]
    titles = [title for title, _ in top]
    # Where the navigation puts it: after the scenarios, before the reference list, in the
    # outline and in page order, with one outline entry per category that has questions.
    faq = titles.index("Questions and answers")
    assert titles[faq - 1] == "Scenarios"
    assert titles[faq + 1] == "References"
    faq_page, references_page = top[faq][1], top[faq + 1][1]
    depths = [d for d, _, _ in outline]
    scenarios_at = outline.index((0, "Scenarios", top[faq - 1][1]))
    faq_at = outline.index((0, "Questions and answers", faq_page))
    last_scenario_page = max(p for d, _, p in outline[scenarios_at + 1 : faq_at] if d == 1)
    assert last_scenario_page < faq_page < references_page
    children = [t for d, t, _ in outline[faq_at + 1 :] if d == 1]
    assert children == [c.title for c in site_model.faq_categories]
    assert depths[faq_at + 1 + len(children) :].count(0) == 1  # then only the references
    text = squash(
        "".join(pdftotext(built / GUIDE_PDF, n) for n in range(faq_page, references_page))
    )
    for _, question in asked:
        assert squash(question.question) in text, question.question
    # Each scenario prints its own questions too, in the guide and in its own PDF.
    scenario, question = asked[0]
    own = squash(pdftotext(built / scenario_pdf_path(scenario.id)))
    assert "Questions people ask" in own
    assert squash(question.question) in own
