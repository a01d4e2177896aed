"""`mkdocs serve` regenerates scenario pages when YAML or templates change, without looping."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from build_scripts import csp

# Without SITE_URL: the project's mkdocs.yml then keeps its example address, as a fork would.
ENV = {k: v for k, v in os.environ.items() if k != "SITE_URL"} | {
    "NO_MKDOCS_2_WARNING": "1",
    "DISABLE_MKDOCS_2_WARNING": "true",
}


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


@contextlib.contextmanager
def mkdocs_serve(project: Path, log_file: Path) -> Iterator[str]:
    """`mkdocs serve` of a project folder on a free port, until the block ends; yields the
    site's address once the first build is served."""
    port = _free_port()
    log = log_file.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=ENV,
    )
    root = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(
            lambda: "Thank-you note after an interview" in _get(root + "scenarios/post-interview/"),
            "the first build",
        )
        yield root
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture
def served(project: Path, tmp_path: Path):
    with mkdocs_serve(project, tmp_path / "serve.log") as root:
        yield project, root + "scenarios/post-interview/", tmp_path / "serve.log"


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
    template.write_text(
        template.read_text().replace('_("When to use this")', '_("When to use it")')
    )
    _wait_for(lambda: "When to use it" in _get(url), "the template edit to show")

    # Generating pages must not trigger further rebuilds: the log stays quiet.
    time.sleep(3)
    builds = log_file.read_text().count("Building documentation")
    time.sleep(3)
    assert log_file.read_text().count("Building documentation") == builds
    assert not list((project / "content").rglob("*.md.j2"))


def test_serve_allows_exactly_the_live_reload_script_it_inserts(served) -> None:
    _, url, _ = served
    html = _get(url)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)[1]
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src ")).split()[1:]
    inserted = html[: html.rindex("</body>")].rsplit("<script>", 1)[1].removesuffix("</script>")
    assert "livereload(" in inserted
    theme = csp.inline_script_hashes(html)
    assert len(theme) == 3
    assert script_src == ["'self'", *theme, csp.script_hash(inserted)]


def test_serve_says_nothing_about_the_example_site_url(project: Path, mkdocs_logs) -> None:
    # `mkdocs serve` replaces site_url with its own address before the hooks see it; the hook
    # must stay quiet under serve even when it is handed the example address.
    from mkdocs.config import load_config

    config = load_config(
        config_file=str(project / "mkdocs.yml"), site_url="https://followup-kit.example.org/"
    )
    config.plugins.on_startup(command="serve", dirty=False)
    config.plugins.on_config(config)
    assert [m for m in mkdocs_logs.at_least(logging.DEBUG) if "site_url is" in m] == []
    config = load_config(config_file=str(project / "mkdocs.yml"), site_url=config.site_url)
    config.plugins.on_startup(command="build", dirty=False)
    config.plugins.on_config(config)
    assert [m for m in mkdocs_logs.at_least(logging.DEBUG) if "site_url is" in m] != []
