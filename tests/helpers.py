"""Helpers shared by the tests: a throwaway copy of the project, in-process builds, log capture."""

from __future__ import annotations

import contextlib
import functools
import http.server
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("mkdocs.yml", "content", "templates", "site_overrides")


def copy_project(target: Path, *, with_scenarios: bool = True, editions: bool = False) -> Path:
    """Copy the project's inputs (not build_scripts: it is imported from the installed package).

    Only the default edition, unless `editions`: a test of something else need not build the
    German edition too (tests/test_editions.py and the session's site build every edition)."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    if not editions:
        config = target / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        single = re.sub(r"(?m)^    languages: \[[^\]]*\]\n", "", text)
        assert single != text, "mkdocs.yml no longer lists its editions as tests/helpers.py expects"
        config.write_text(single, encoding="utf-8")
        for language in re.findall(r"(?m)^    languages: \[([^\]]*)\]", text)[0].split(",")[1:]:
            shutil.rmtree(target / "content" / language.strip())
    # The hook path in mkdocs.yml points into build_scripts/; link the real package folder.
    (target / "build_scripts").symlink_to(ROOT / "build_scripts", target_is_directory=True)
    if not with_scenarios:
        for file in (target / "content" / "scenarios").glob("*.y*ml"):
            file.unlink()
    return target


class RecordingHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def at_least(self, level: int) -> list[str]:
        return [f"{r.levelname}: {r.getMessage()}" for r in self.records if r.levelno >= level]


def build_site(project_dir: Path, site_dir: Path, **overrides: object) -> None:
    """An in-process `mkdocs build --strict` of a project folder (config overrides allowed)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(
        config_file=str(project_dir / "mkdocs.yml"),
        site_dir=str(site_dir),
        strict=True,
        **overrides,
    )
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder without a log line per request."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def served_build(project_dir: Path, site_dir: Path, *, pdf: bool = True) -> Iterator[str]:
    """Serve `site_dir` on 127.0.0.1, build `project_dir` into it with `site_url` set to that
    address (Material's instant navigation needs it), and yield the address until the block
    ends. `pdf=False` leaves the PDFs out (FOLLOWUP_PDF=off), for speed."""
    site_dir.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    saved = os.environ.get("FOLLOWUP_PDF")
    try:
        if not pdf:
            os.environ["FOLLOWUP_PDF"] = "off"
        try:
            build_site(project_dir, site_dir, site_url=url + "/")
        finally:
            if saved is None:
                os.environ.pop("FOLLOWUP_PDF", None)
            else:
                os.environ["FOLLOWUP_PDF"] = saved
        yield url
    finally:
        server.shutdown()
        server.server_close()


def pdftotext(pdf: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    done = subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def outline_titles(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, page number from 1) of every outline entry, in order."""
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def followup(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the real `followup` command in a project folder."""
    return subprocess.run(
        [sys.executable, "-m", "build_scripts", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )


class HtmlElements(HTMLParser):
    """Every element's tag and attributes, and the text between tags."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(html: str) -> HtmlElements:
    parser = HtmlElements()
    parser.feed(html)
    parser.close()
    return parser


def serious_violations(page: Page) -> list[str]:
    """axe's serious and critical findings on the page, one line each (empty when clean)."""
    from axe_playwright_python.sync_playwright import Axe

    # Judge the settled page: a colour transition still running (Material fades colours in)
    # would make axe measure contrast on an in-between colour on a busy machine.
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
    page.wait_for_load_state("networkidle")
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
