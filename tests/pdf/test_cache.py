"""Rendered PDFs are reused by the hash of their inputs: a no-op build renders nothing, an edit
re-renders only what it touches, and a cached build is identical to a clean one. The cache's
folder and bound come from the mapping the caller passes (the environment, for a build)."""

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
    # contents, the chooser, the timing table, the scenario tables, the questions and answers
    # ("More in ...") and the references ("Cited in ...").
    assert [name for name in again if not name.startswith("guide:")] == [
        "downloads/scenarios/after-rejection.pdf"
    ]
    assert {"guide:contents", "guide:ch-timing", "guide:part-scenarios", "guide:ch-faq"} <= set(
        again
    )
    assert len(again) <= 7, again
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


def test_the_cache_folder_is_read_from_the_mapping_given_not_the_process_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from build_scripts.options import cache_root

    monkeypatch.setenv("FOLLOWUP_CACHE_DIR", "off")
    chosen, xdg, home = tmp_path / "cache", tmp_path / "xdg", tmp_path / "ann"
    assert cache_root({"FOLLOWUP_CACHE_DIR": str(chosen)}) == chosen
    assert cache_root({"XDG_CACHE_HOME": str(xdg)}) == xdg / "followup-kit"
    assert cache_root({"HOME": str(home)}) == home / ".cache" / "followup-kit"
    for off in ("off", "OFF", "0", "none", "no", ""):
        assert cache_root({"FOLLOWUP_CACHE_DIR": off, "HOME": str(home)}) is None


def test_the_cache_bound_is_read_from_the_mapping_given(
    monkeypatch: pytest.MonkeyPatch, mkdocs_logs
) -> None:
    from build_scripts.options import DEFAULT_MAX_BYTES, max_bytes

    monkeypatch.setenv("FOLLOWUP_CACHE_MAX_MB", "1")
    assert max_bytes({}) == DEFAULT_MAX_BYTES == 1024 * 1024 * 1024
    assert max_bytes({"FOLLOWUP_CACHE_MAX_MB": "2.5"}) == int(2.5 * 1024 * 1024)
    assert max_bytes({"FOLLOWUP_CACHE_MAX_MB": "-3"}) == 0
    assert mkdocs_logs.at_least(logging.WARNING - 1) == []
    assert max_bytes({"FOLLOWUP_CACHE_MAX_MB": "lots"}) == DEFAULT_MAX_BYTES
    assert mkdocs_logs.at_least(logging.WARNING - 1) == [
        "WARNING: FOLLOWUP_CACHE_MAX_MB='lots' is not a number; using 1024"
    ]


def test_a_cache_without_a_folder_keeps_parts_in_a_scratch_folder_and_finds_none(
    tmp_path: Path,
) -> None:
    from build_scripts.pdf.cache import PartCache

    cache = PartCache("base", None)
    assert cache.folder is None
    key = cache.key("inputs")
    path = cache.put(key, b"%PDF-1.7 part")
    assert path.read_bytes() == b"%PDF-1.7 part"
    assert cache.get(key) is None  # nothing is reused without a cache


def test_eviction_keeps_the_cache_under_the_bound_it_was_given(tmp_path: Path) -> None:
    import os

    from build_scripts.pdf.cache import PartCache

    old = PartCache("base", tmp_path)
    paths = [old.put(old.key(str(n)), bytes(1000)) for n in range(5)]
    for age, path in enumerate(paths):
        os.utime(path, (1000 + age, 1000 + age))
    cache = PartCache("base", tmp_path, max_bytes=2500)
    kept = cache.get(cache.key("0"))  # used by this build: kept, though the oldest
    cache.evict()
    left = sorted(p for p in (tmp_path / "pdf").glob("*.pdf"))
    assert kept in left
    assert paths[4] in left
    assert len(left) == 2
