"""Browser tests: the built site served on 127.0.0.1, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ROOT, build_site

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    # Extend pytest-playwright's own options (--headed, --slowmo) with Debian's Chromium.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The real project built with `site_url` set to where it is served, as Material's instant
    navigation needs, then served on 127.0.0.1 until the session ends."""
    site = tmp_path_factory.mktemp("browser") / "site"
    site.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    build_site(ROOT, site, site_url=url + "/")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url, site
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def built_site(served_site: tuple[str, Path]) -> Path:
    return served_site[1]


@pytest.fixture(scope="session")
def base_url(served_site: tuple[str, Path]) -> str:
    """Overrides pytest-playwright's base_url: page.goto("/") opens the built site."""
    return served_site[0]


@pytest.fixture
def browser_context_args(browser_context_args: dict, base_url: str) -> dict:
    return {**browser_context_args, "base_url": base_url, "accept_downloads": True}
