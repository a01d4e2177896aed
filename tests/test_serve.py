"""`mkdocs serve` regenerates scenario pages when YAML or templates change, without looping."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _wait_for(predicate: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"gave up waiting for {what}")


@pytest.fixture
def served(project: Path, tmp_path: Path):
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=ENV,
    )
    url = f"http://127.0.0.1:{port}/scenarios/post-interview/"
    try:
        _wait_for(lambda: "Thank-you note after an interview" in _get(url), "the first build")
        yield project, url, tmp_path / "serve.log"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def test_serve_rebuilds_on_yaml_and_template_edits_and_shows_problems(served) -> None:
    project, url, log_file = served
    yaml_file = project / "content" / "scenarios" / "post-interview.yml"
    original = yaml_file.read_text()

    yaml_file.write_text(original.replace("Thank-you note after an interview", "Edited title"))
    _wait_for(lambda: "Edited title" in _get(url), "the YAML edit to show")

    yaml_file.write_text(original.replace("category: thank-you", "category: thanks"))
    _wait_for(lambda: "post-interview.yml:5:11: category" in _get(url), "the problems page to show")

    yaml_file.write_text(original)
    _wait_for(lambda: "Thank-you note after an interview" in _get(url), "the fix to show")

    template = project / "templates" / "site" / "scenario.md.j2"
    template.write_text(template.read_text().replace("## When to use this", "## When to use it"))
    _wait_for(lambda: "When to use it" in _get(url), "the template edit to show")

    # Generating pages must not trigger further rebuilds: the log stays quiet.
    time.sleep(3)
    builds = log_file.read_text().count("Building documentation")
    time.sleep(3)
    assert log_file.read_text().count("Building documentation") == builds
    assert not list((project / "content").rglob("*.md.j2"))
