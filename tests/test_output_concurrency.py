"""Builds that share a folder, a site/ that is a symbolic link, and a full disk under site/:
site/ is always a whole build, never a part of one."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import ENV, ROOT, build_site
from test_cache_faults import small, tiny_disk

__all__ = ["small"]  # the fixture, shared

# A build in another container: the same process id as a build in this one.
HOLD_A_STAGING_FOLDER = textwrap.dedent(
    """
    import os, sys, time
    os.getpid = lambda: 2
    from build_scripts import output
    folder = output.staging_dir(sys.argv[1])
    (folder / "index.html").write_text(sys.argv[2])
    print(folder, flush=True)
    sys.stdin.readline()
    if sys.argv[3] == "publish":
        output.swap_into_place(folder, sys.argv[1])
    """
)


def hold(final: Path, text: str, then: str) -> tuple[subprocess.Popen[str], Path]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_A_STAGING_FOLDER, str(final), text, then],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert process.stdout is not None
    return process, Path(process.stdout.readline().strip())


def test_builds_with_the_same_pid_on_a_shared_folder_each_stage_apart(tmp_path: Path) -> None:
    final = tmp_path / "site"
    first, first_folder = hold(final, "first build", "publish")
    second, second_folder = hold(final, "second build", "publish")
    try:
        assert first_folder != second_folder
        # Starting the second build did not clean away the first one's folder.
        assert (first_folder / "index.html").read_text() == "first build"
        assert (second_folder / "index.html").read_text() == "second build"
    finally:
        for process in (first, second):
            process.communicate("go\n", timeout=30)
    assert first.returncode == second.returncode == 0
    # Each published a whole site; the last one to finish is the one in place.
    assert (final / "index.html").read_text() == "second build"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_build_that_died_is_cleaned_up_but_a_live_one_is_not(tmp_path: Path) -> None:
    final = tmp_path / "site"
    live, live_folder = hold(final, "still building", "wait")
    dead, dead_folder = hold(final, "killed", "wait")
    dead.kill()
    dead.wait()
    try:
        from build_scripts import output

        output.remove_stale(final)
        assert not dead_folder.exists()
        assert (live_folder / "index.html").read_text() == "still building"
    finally:
        live.communicate("go\n", timeout=30)


def test_a_staging_folder_replaced_under_the_build_is_not_published(tmp_path: Path) -> None:
    from build_scripts import output

    final = tmp_path / "site"
    final.mkdir()
    (final / "index.html").write_text("the published site")
    staging = output.staging_dir(final)
    (staging / "index.html").write_text("a whole build")
    # Another program removes the folder and something else writes a part of a site there.
    for file in staging.iterdir():
        file.unlink()
    staging.rmdir()
    staging.mkdir()
    (staging / "partial.html").write_text("29 of 202 files")
    with pytest.raises(output.OutputError, match="was not changed"):
        output.swap_into_place(staging, final)
    assert [p.name for p in final.iterdir()] == ["index.html"]
    assert (final / "index.html").read_text() == "the published site"


def test_two_real_builds_at_once_both_publish_a_whole_site(small: Path, tmp_path: Path) -> None:
    env = {**ENV, "FOLLOWUP_CACHE_DIR": str(tmp_path / "cache")}
    solo = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "solo")],
        cwd=small,
        env=env,
        capture_output=True,
        text=True,
    )
    assert solo.returncode == 0, solo.stderr
    expected = sorted(str(p.relative_to(tmp_path / "solo")) for p in (tmp_path / "solo").rglob("*"))
    builds = [
        subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
            cwd=small,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for build in builds:
        _, err = build.communicate(timeout=300)
        assert build.returncode == 0, err
    site = small / "site"
    assert sorted(str(p.relative_to(site)) for p in site.rglob("*")) == expected
    assert [p.name for p in small.glob(".site*")] == []


def test_the_log_names_the_site_folder_not_the_staging_folder(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mkdocs_logs
) -> None:
    monkeypatch.setenv("FOLLOWUP_PDF", "off")
    build_site(small, tmp_path / "site")
    messages = mkdocs_logs.at_least(logging.DEBUG)
    assert f"INFO: Building documentation to directory: {tmp_path / 'site'}" in messages
    assert [m for m in messages if ".building-" in m] == []


def test_a_site_folder_that_is_a_symlink_stays_a_symlink_to_the_new_site(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOLLOWUP_PDF", "off")
    releases = tmp_path / "releases"
    (releases / "current").mkdir(parents=True)
    (releases / "current" / "stale.html").write_text("from an older build")
    link = tmp_path / "public" / "site"
    link.parent.mkdir()
    link.symlink_to(releases / "current", target_is_directory=True)
    build_site(small, link)
    assert link.is_symlink()
    assert os.readlink(link) == str(releases / "current")
    assert (releases / "current" / "index.html").is_file()
    assert not (releases / "current" / "stale.html").exists()
    assert sorted(p.name for p in releases.iterdir()) == ["current"]
    assert sorted(p.name for p in link.parent.iterdir()) == ["site"]


def test_a_full_disk_under_site_fails_with_one_clear_line_and_keeps_the_old_site(
    small: Path, tmp_path: Path
) -> None:
    with tiny_disk(tmp_path / "disk", "400k") as disk:
        site = disk / "site"
        site.mkdir()
        (site / "index.html").write_text("the published site")
        done = subprocess.run(
            [sys.executable, "-m", "build_scripts", "build", "--site-dir", str(site)],
            cwd=small,
            env={**ENV, "FOLLOWUP_CACHE_DIR": "off", "FOLLOWUP_PDF": "off"},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr, done.stderr
        problem = [line for line in done.stderr.splitlines() if "No space left on device" in line]
        assert len(problem) == 1, done.stderr
        assert str(site) in problem[0]
        assert ".building-" not in problem[0]
        assert "site/ was not changed" in done.stderr
        assert [p.name for p in site.iterdir()] == ["index.html"]
        assert (site / "index.html").read_text() == "the published site"
        assert [p.name for p in disk.iterdir()] == ["site"]


def test_compiled_templates_stay_inside_the_cache_folder(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "caches"
    outside.mkdir()
    monkeypatch.setenv("FOLLOWUP_CACHE_DIR", str(outside / "followup"))
    monkeypatch.setenv("FOLLOWUP_PDF", "off")
    build_site(small, tmp_path / "site")
    assert [p.name for p in outside.iterdir()] == ["followup"]
    assert any((outside / "followup").rglob("__jinja2_*.cache"))
