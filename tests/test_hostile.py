"""A corpus of hostile and malformed scenario files, run through the real CLI.

tests/hostile/rejected/*.yml must each be refused with a message that names the file and the
problem (and no traceback); tests/hostile/accepted/*.yml must build, with every payload showing
up as inert, literal text in the site, the PDFs and the downloads. expected.json lists both.
"""

from __future__ import annotations

import email
import email.policy
import json
import re
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from helpers import followup, parse_html, pdftotext, squash

CORPUS = Path(__file__).parent / "hostile"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def test_the_corpus_is_large_and_fully_described() -> None:
    rejected = sorted(p.name for p in (CORPUS / "rejected").iterdir())
    accepted = sorted(p.name for p in (CORPUS / "accepted").iterdir())
    assert rejected == sorted(EXPECTED["rejected"])
    assert accepted == sorted(EXPECTED["accepted"])
    assert len(rejected) + len(accepted) >= 40


@pytest.fixture(scope="module")
def rejected_run(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    from helpers import copy_project

    project = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    scenarios = project / "content" / "scenarios"
    for file in (CORPUS / "rejected").iterdir():
        shutil.copy2(file, scenarios / file.name)
    (scenarios / "oversized.yml").write_bytes(b"id: oversized\n" + b"# padding\n" * 30_000)
    (scenarios / "outside-link.yml").symlink_to("/etc/hostname")
    return followup(project, "check")


@pytest.mark.parametrize("name", sorted(EXPECTED["rejected"]))
def test_hostile_file_is_rejected_with_its_file_line_and_reason(rejected_run, name: str) -> None:
    assert rejected_run.returncode == 1
    lines = [
        line
        for line in rejected_run.stderr.splitlines()
        if line.startswith(f"content/scenarios/{name}:")
    ]
    assert lines, f"no problem reported for {name}"
    assert all(re.match(rf"content/scenarios/{re.escape(name)}:\d+:\d+: ", line) for line in lines)
    assert any(EXPECTED["rejected"][name] in line for line in lines), lines


def test_no_traceback_and_the_extra_cases(rejected_run) -> None:
    assert "Traceback" not in rejected_run.stderr + rejected_run.stdout
    assert (
        "content/scenarios/oversized.yml:1:1: (file): file is 292 KiB; scenario files are "
        "limited to 256 KiB" in rejected_run.stderr
    )
    assert (
        "content/scenarios/outside-link.yml:1:1: (file): points outside the project; not read"
        in rejected_run.stderr
    )
    assert not Path("/tmp/pwned").exists()


@pytest.fixture(scope="module")
def accepted_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from helpers import copy_project

    project = copy_project(tmp_path_factory.mktemp("inert") / "project")
    for file in (CORPUS / "accepted").iterdir():
        shutil.copy2(file, project / "content" / "scenarios" / file.name)
    done = followup(project, "build", "--quiet")
    assert done.returncode == 0, done.stderr
    return project / "site"


@pytest.mark.parametrize("name", sorted(EXPECTED["accepted"]))
def test_payloads_stay_inert_text_everywhere(accepted_site: Path, name: str) -> None:
    scenario_id = Path(name).stem
    html = (accepted_site / "scenarios" / scenario_id / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, re.S)
    assert all("alert" not in body for body in scripts)
    # Everything from the scenario is inside the article; the theme's own icons are outside it.
    article = html[html.index("<article") : html.index("</article>")]
    page = parse_html(article)
    assert "script" not in {tag for tag, _ in page.elements}
    for tag, attrs in page.elements:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        assert tag not in ("iframe", "img", "svg", "object", "embed")
        for attr in ("href", "src"):
            value = (attrs.get(attr) or "").strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:", "file:")), attrs
    text = "".join(page.text)
    pdf_text = squash(pdftotext(accepted_site / "downloads" / "scenarios" / f"{scenario_id}.pdf"))
    json_text = (accepted_site / "downloads" / "templates.json").read_text(encoding="utf-8")
    with zipfile.ZipFile(accepted_site / "downloads" / "follow-up-templates.zip") as archive:
        pack = "".join(
            archive.read(n).decode("utf-8", "replace")
            for n in archive.namelist()
            if n.startswith(f"follow-up-templates/{scenario_id}/") and n.endswith(".txt")
        )
    for payload in EXPECTED["accepted"][name]:
        assert payload in text, f"{payload!r} not shown as text on the page"
        assert (
            payload in json_text.encode().decode("unicode_escape", "ignore")
            or json.dumps(payload, ensure_ascii=False)[1:-1] in json_text
        )
        if payload.isascii():
            assert squash(payload) in pdf_text, f"{payload!r} not printed literally in the PDF"
    assert "{{" not in pack or "{{ " in json_text  # template syntax survives only as text


def test_brace_escapes_come_out_as_single_braces_in_every_output(accepted_site: Path) -> None:
    downloads = accepted_site / "downloads"
    txt = (downloads / "templates" / "literal-braces" / "note.txt").read_text(encoding="utf-8")
    assert txt == (
        "Subject: Ref {2024-17} for [Name]\n\n"
        "Dear [Name], the set {a, b} and {[Name]} stay as written.\n"
    )
    eml = email.message_from_bytes(
        (downloads / "templates" / "literal-braces" / "note.eml").read_bytes(),
        policy=email.policy.default,
    )
    assert eml["Subject"] == "Ref {2024-17} for [Name]"
    assert "the set {a, b} and {[Name]} stay" in eml.get_body().get_content()
    html = (accepted_site / "scenarios" / "literal-braces" / "index.html").read_text("utf-8")
    article = "".join(parse_html(html[html.index("<article") : html.index("</article>")]).text)
    assert "Ref {2024-17} for [Name]" in squash(article)
    assert "{{" not in article.replace("{{ and }}", "")
    pdf = squash(pdftotext(downloads / "scenarios" / "literal-braces.pdf"))
    assert "Ref {2024-17} for [Name]" in pdf
    assert "{{" not in pdf.replace("{{ and }}", "")
    # templates.json keeps the template text in its documented syntax, where {{ is one brace.
    document = json.loads((downloads / "templates.json").read_text(encoding="utf-8"))
    assert "{{" in document["placeholder_syntax"]
    (scenario,) = [s for s in document["scenarios"] if s["id"] == "literal-braces"]
    assert scenario["templates"][0]["subject"] == "Ref {{2024-17}} for {name}"


def test_a_huge_file_is_refused_by_its_size_without_being_read(tmp_path: Path) -> None:
    """A sparse 8 GiB file costs no disk; reading it would need 8 GiB of memory, which the
    check is not given (its address space is capped at 1 GiB)."""
    from helpers import ENV, copy_project

    project = copy_project(tmp_path / "project")
    huge = project / "content" / "scenarios" / "huge.yml"
    with huge.open("wb") as handle:
        handle.truncate(8 * 1024**3)

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1024**3, 1024**3))

    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "build_scripts", "check"],
        cwd=project,
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
        preexec_fn=cap_memory,
    )
    assert done.returncode == 1, done.stderr
    assert (
        "content/scenarios/huge.yml:1:1: (file): file is 8388608 KiB; scenario files are "
        "limited to 256 KiB" in done.stderr
    )
    assert "Traceback" not in done.stderr
    assert "internal error" not in done.stderr
    assert time.monotonic() - started < 30
