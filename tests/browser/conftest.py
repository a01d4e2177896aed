"""Browser tests: the built site served on 127.0.0.1, driven by Playwright in Debian's Chromium.

Every test in this folder is marked `browser` (`pytest -m "not browser"` leaves them out). Without
Chromium they are skipped with one message, except in CI (`CI` set), where that is an error.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ROOT, served_build

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


MISSING_CHROMIUM = (
    f"Chromium not found at {CHROMIUM!r}: the browser tests need it. On Debian: "
    "apt-get install chromium (or set CHROMIUM to a Chromium or Chrome executable); "
    'pytest -m "not browser" runs the other tests.'
)


def chromium_found() -> bool:
    return shutil.which(CHROMIUM) is not None


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # tryfirst: the marks must be on before `-m` deselects by them.
    here = Path(__file__).parent
    missing = not chromium_found()
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            if missing:
                item.add_marker(pytest.mark.skip(reason=MISSING_CHROMIUM))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
    # pytest reports a skip at each test's own line; these all have one cause, so they are
    # reported at this file, where the summary folds them into a single line.
    report = yield
    longrepr = report.longrepr
    if report.skipped and isinstance(longrepr, tuple) and MISSING_CHROMIUM in longrepr[2]:
        report.longrepr = (__file__, None, longrepr[2])
    return report


def pytest_collection_finish(session: pytest.Session) -> None:
    # In CI a missing browser is a broken set-up, never a reason to pass: one error, no tests run.
    if in_ci() and not chromium_found() and any("browser" in i.keywords for i in session.items):
        raise pytest.UsageError(MISSING_CHROMIUM)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    # Extend pytest-playwright's own options (--headed, --slowmo) with Debian's Chromium.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The real project built with `site_url` set to where it is served, as Material's instant
    navigation needs, then served on 127.0.0.1 until the session ends."""
    site = tmp_path_factory.mktemp("browser") / "site"
    with served_build(ROOT, site) as url:
        yield url, site


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
