"""site/ is replaced whole or not at all: failed, killed and interrupted builds leave it intact."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ENV, followup


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def mkdocs_build(project: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=project,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def staging_dirs(project: Path) -> list[Path]:
    return sorted(project.glob(".site.building-*"))


@pytest.fixture
def built(project: Path) -> tuple[Path, dict[str, str]]:
    done = mkdocs_build(project)
    out, _ = done.communicate(timeout=120)
    assert done.returncode == 0, out
    return project, snapshot(project / "site")


def test_a_good_build_replaces_the_whole_site(built) -> None:
    project, before = built
    (project / "site" / "stale.html").write_text("from an older build")
    done = mkdocs_build(project)
    out, _ = done.communicate(timeout=120)
    assert done.returncode == 0, out
    after = snapshot(project / "site")
    assert "stale.html" not in after
    assert set(after) == set(before)
    assert staging_dirs(project) == []


def test_a_failed_build_leaves_the_previous_site_byte_for_byte(built) -> None:
    project, before = built
    scenario = project / "content" / "scenarios" / "post-interview.yml"
    scenario.write_text(scenario.read_text().replace("category: thank-you", "category: thanks"))
    done = mkdocs_build(project)
    out, _ = done.communicate(timeout=120)
    assert done.returncode == 1
    assert "the previous site in" in out
    assert "is as it was" in out
    assert "Traceback" not in out
    assert snapshot(project / "site") == before
    assert staging_dirs(project) == []
    cli = followup(project, "build")
    assert cli.returncode == 1
    assert "site/ was not changed" in cli.stderr
    assert snapshot(project / "site") == before


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_a_build_killed_midway_never_leaves_a_half_written_site(built, sig) -> None:
    project, before = built
    process = mkdocs_build(project)
    deadline = time.monotonic() + 60
    while not staging_dirs(project) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert staging_dirs(project), "the build never started writing"
    time.sleep(0.3)
    process.send_signal(sig)
    process.communicate(timeout=60)
    assert process.returncode != 0, "the build finished before it could be interrupted"
    assert snapshot(project / "site") == before
    # The next build cleans up whatever the interrupted one left behind.
    done = mkdocs_build(project)
    out, _ = done.communicate(timeout=120)
    assert done.returncode == 0, out
    assert staging_dirs(project) == []
    assert set(snapshot(project / "site")) == set(before)
