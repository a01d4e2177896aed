"""Rendered PDFs are reused by the hash of their inputs: a no-op build renders nothing, an edit
re-renders only what it touches, and a cached build is identical to a clean one."""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

import pytest
from helpers import build_site


def rendered(logs) -> list[str]:
    lines = [m for m in logs.at_least(logging.INFO) if "PDFs: rendered" in m]
    assert len(lines) == 1, lines
    found = re.search(r"PDFs: rendered (\d+)(?: \((.*)\))?, reused (\d+)", lines[0])
    count = int(found.group(1))
    if count > 5:  # the log names at most five
        return [f"({count} PDFs)"]
    names = found.group(2).split(", ") if found.group(2) else []
    assert len(names) == count
    return sorted(names)


def digests(site: Path) -> dict[str, str]:
    return {
        str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def test_noop_and_one_edit_rebuilds(
    project: Path, tmp_path: Path, monkeypatch, mkdocs_logs
) -> None:
    monkeypatch.setenv("FOLLOWUP_CACHE_DIR", str(tmp_path / "cache"))
    build_site(project, tmp_path / "first")
    assert rendered(mkdocs_logs) == [
        f"({1 + len(list((project / 'content' / 'scenarios').glob('*.yml')))} PDFs)"
    ]
    mkdocs_logs.records.clear()

    build_site(project, tmp_path / "second")
    assert rendered(mkdocs_logs) == []
    assert digests(tmp_path / "second") == digests(tmp_path / "first")
    mkdocs_logs.records.clear()

    scenario = project / "content" / "scenarios" / "after-rejection.yml"
    scenario.write_text(scenario.read_text().replace("Replying to a rejection", "Answering a no"))
    build_site(project, tmp_path / "third")
    assert rendered(mkdocs_logs) == [
        "downloads/follow-up-guide.pdf",
        "downloads/scenarios/after-rejection.pdf",
    ]


def test_a_cached_build_is_identical_to_a_clean_one(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOLLOWUP_CACHE_DIR", "off")
    build_site(project, tmp_path / "clean")
    monkeypatch.setenv("FOLLOWUP_CACHE_DIR", str(tmp_path / "cache"))
    build_site(project, tmp_path / "warm")
    build_site(project, tmp_path / "cached")
    assert digests(tmp_path / "cached") == digests(tmp_path / "clean")
