"""Helpers shared by the tests: a throwaway copy of the project, in-process builds, log capture."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("mkdocs.yml", "content", "templates", "site_overrides")


def copy_project(target: Path, *, with_scenarios: bool = True) -> Path:
    """Copy the project's inputs (not build_scripts: it is imported from the installed package)."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
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
