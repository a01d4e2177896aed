"""site/ is replaced whole or not at all: failed, killed and interrupted builds leave it intact."""

from __future__ import annotations

import hashlib
import os
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


def descendants(root: int) -> set[int]:
    """Every live process under `root`, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_ctrl_c_during_followup_build_stops_every_process_with_one_line(built) -> None:
    project, before = built
    # A terminal sends Ctrl-C to its foreground process group: start one, and signal it.
    build = subprocess.Popen(
        [sys.executable, "-m", "build_scripts", "build", "--quiet"],
        cwd=project,
        env={**ENV, "FOLLOWUP_CACHE_DIR": "off"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    # followup, MkDocs and at least two PDF workers.
    deadline = time.monotonic() + 60
    while len(descendants(build.pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    started = descendants(build.pid)
    assert len(started) >= 3, "the PDF workers never started"
    time.sleep(0.5)
    os.killpg(build.pid, signal.SIGINT)
    signalled = time.monotonic()
    _, err = build.communicate(timeout=30)
    assert time.monotonic() - signalled < 10
    assert build.returncode == 130
    assert "Traceback" not in err
    # The check's summary, then one line about the interruption.
    assert err.splitlines()[1:] == ["followup: interrupted; site/ was not changed."], err
    time.sleep(0.2)
    assert [pid for pid in started if running(pid)] == []
    assert snapshot(project / "site") == before
