"""Shared fixtures: a throwaway copy of the project, golden-file updating, log capture."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("mkdocs.yml", "content", "templates", "site_overrides")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite the expected output of golden tests instead of comparing",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


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


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the real project in a temporary folder, safe to modify."""
    return copy_project(tmp_path / "project")


class RecordingHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def at_least(self, level: int) -> list[str]:
        return [f"{r.levelname}: {r.getMessage()}" for r in self.records if r.levelno >= level]


@pytest.fixture
def mkdocs_logs() -> Iterator[RecordingHandler]:
    handler = RecordingHandler()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def build_site(project_dir: Path, site_dir: Path) -> None:
    """An in-process `mkdocs build --strict` of a project folder."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(
        config_file=str(project_dir / "mkdocs.yml"), site_dir=str(site_dir), strict=True
    )
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
