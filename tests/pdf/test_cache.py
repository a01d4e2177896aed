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
    if not found.group(2) and count:  # the log names at most ten
        return [f"({count} PDFs)"]
    names = found.group(2).split(", ") if found.group(2) else []
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
    scenarios = len(list((project / "content" / "scenarios").glob("*.yml")))
    # Every scenario, every chapter of the guide and its contents.
    assert int(rendered(mkdocs_logs)[0].strip("( PDFs)")) > scenarios + 5
    mkdocs_logs.records.clear()

    build_site(project, tmp_path / "second")
    assert rendered(mkdocs_logs) == []
    assert digests(tmp_path / "second") == digests(tmp_path / "first")
    mkdocs_logs.records.clear()

    scenario = project / "content" / "scenarios" / "after-rejection.yml"
    scenario.write_text(scenario.read_text().replace("Replying to a rejection", "Answering a no"))
    build_site(project, tmp_path / "third")
    again = rendered(mkdocs_logs)
    # Its own PDF, and the parts of the guide that show its title: its own pages, the
    # contents, the timing table and the scenario tables.
    assert [name for name in again if not name.startswith("guide:")] == [
        "downloads/scenarios/after-rejection.pdf"
    ]
    assert {"guide:contents", "guide:ch-timing", "guide:part-scenarios"} <= set(again)
    assert len(again) <= 6, again
    assert (
        digests(tmp_path / "third")["downloads/follow-up-guide.pdf"]
        != (digests(tmp_path / "second")["downloads/follow-up-guide.pdf"])
    )
    mkdocs_logs.records.clear()

    # An edit to one template's wording changes no title: only that scenario's pages.
    scenario.write_text(scenario.read_text().replace("Thank you", "Many thanks", 1))
    build_site(project, tmp_path / "fourth")
    assert rendered(mkdocs_logs) == ["downloads/scenarios/after-rejection.pdf"]


def test_a_cached_build_is_identical_to_a_clean_one(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOLLOWUP_CACHE_DIR", "off")
    build_site(project, tmp_path / "clean")
    monkeypatch.setenv("FOLLOWUP_CACHE_DIR", str(tmp_path / "cache"))
    build_site(project, tmp_path / "warm")
    build_site(project, tmp_path / "cached")
    assert digests(tmp_path / "cached") == digests(tmp_path / "clean")
