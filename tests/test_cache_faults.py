"""The PDF cache can cost time, never correctness: a damaged entry is rendered again, a cache
that cannot be written (full disk, read-only, no home folder) is left with one warning, and the
cache stays under its size bound."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import site
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ENV, ROOT, build_site, copy_project

KEEP = ("post-interview", "after-rejection", "multi-round", "passed-deadline")


@pytest.fixture
def small(project: Path) -> Path:
    """The project with the four scenarios that the guide pages link to: a build of seconds."""
    hidden = sorted(
        p.stem for p in (project / "content" / "scenarios").glob("*.yml") if p.stem not in KEEP
    )
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "    paper: a4\n", f"    paper: a4\n    hide: [{', '.join(hidden)}]\n"
        )
    )
    return project


def digests(site: Path) -> dict[str, str]:
    return {
        str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def cached_parts(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*.pdf") if p.is_file())


def warnings(logs) -> list[str]:
    return [f"{r.levelname}: {r.getMessage()}" for r in logs.records if r.levelname == "WARNING"]


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "zeroed":
        path.write_bytes(bytes(len(data)))
    else:  # one bit flipped in the middle of the file: still the same size
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :])


@pytest.mark.parametrize("how", ["truncated", "zeroed", "bit-flipped"])
def test_a_damaged_cached_part_is_rendered_again_with_a_warning(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mkdocs_logs, how: str
) -> None:
    monkeypatch.setenv("FOLLOWUP_CACHE_DIR", str(tmp_path / "cache"))
    build_site(small, tmp_path / "first")
    parts = cached_parts(tmp_path / "cache")
    assert len(parts) > 5
    for part in parts:
        damage(part, how)
    mkdocs_logs.records.clear()

    build_site(small, tmp_path / "second")
    assert digests(tmp_path / "second") == digests(tmp_path / "first")
    damaged = [w for w in warnings(mkdocs_logs) if "damaged" in w]
    assert len(damaged) == len(parts), warnings(mkdocs_logs)
    assert all("\n" not in w for w in damaged)
    # Rendered again and stored whole: the next build reuses them without a word.
    mkdocs_logs.records.clear()
    build_site(small, tmp_path / "third")
    assert warnings(mkdocs_logs) == []
    assert digests(tmp_path / "third") == digests(tmp_path / "first")


def test_a_truncated_part_does_not_break_later_builds(small: Path, tmp_path: Path) -> None:
    """Through the command line: exit 0, the published PDFs whole, no "internal error"."""
    env = {**ENV, "FOLLOWUP_CACHE_DIR": str(tmp_path / "cache")}
    run = [sys.executable, "-m", "build_scripts", "build", "--site-dir"]
    first = subprocess.run([*run, str(tmp_path / "a")], cwd=small, env=env, capture_output=True)
    assert first.returncode == 0, first.stderr.decode()
    for part in cached_parts(tmp_path / "cache"):
        damage(part, "truncated")
    for attempt in ("b", "c"):
        done = subprocess.run(
            [*run, str(tmp_path / attempt)], cwd=small, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert "internal error" not in done.stderr
        assert "Traceback" not in done.stderr
        assert digests(tmp_path / attempt) == digests(tmp_path / "a")


def test_the_cache_stays_under_its_bound_and_keeps_what_the_last_build_used(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mkdocs_logs
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("FOLLOWUP_CACHE_DIR", str(cache))
    build_site(small, tmp_path / "first")
    one_build = sum(p.stat().st_size for p in cache.rglob("*.pdf*") if p.is_file())
    # Room for one build and a half: after a second, different build, the first build's
    # parts that the second does not use must go.
    bound = one_build * 1.5
    monkeypatch.setenv("FOLLOWUP_CACHE_MAX_MB", str(bound / 1024 / 1024))
    for n, words in enumerate(["Answering a no", "After a no", "When they say no"]):
        scenario = small / "content" / "scenarios" / "after-rejection.yml"
        text = scenario.read_text()
        scenario.write_text(text.replace("Replying to a rejection", words))
        # Every chapter changes with the title, so most of the guide is new each time.
        build_site(small, tmp_path / f"edit-{n}")
        scenario.write_text(text)
        size = sum(p.stat().st_size for p in cache.rglob("*.pdf*") if p.is_file())
        assert size <= bound, (n, size, bound)
    mkdocs_logs.records.clear()
    small.joinpath("content/scenarios/after-rejection.yml").write_text(
        text.replace("Replying to a rejection", "When they say no")
    )
    build_site(small, tmp_path / "again")
    assert any("PDFs: rendered 0, reused" in m for m in mkdocs_logs.at_least(logging.INFO))


@contextlib.contextmanager
def tiny_disk(folder: Path, size: str, *options: str) -> Iterator[Path]:
    """A real, small file system (tmpfs) mounted at `folder`; needs root."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    folder.mkdir(parents=True, exist_ok=True)
    mount = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join([f"size={size}", *options]), "tmpfs", folder],
        capture_output=True,
        text=True,
    )
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mount.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", folder], check=False)


def build_cli(project: Path, site: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "build_scripts", "build", "--site-dir", str(site)],
        cwd=project,
        env={**ENV, **env},
        capture_output=True,
        text=True,
        timeout=240,
    )


def assert_one_cache_warning(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if "cache cannot be used" in line]
    assert len(lines) == 1, stderr


@pytest.mark.parametrize("size", ["300k", "1200k"])
def test_a_full_disk_under_the_cache_warns_once_and_builds_everything(
    small: Path, tmp_path: Path, size: str
) -> None:
    """The disk fills up while parts are written (300k) or while the guide is joined (1200k)."""
    clean = build_cli(small, tmp_path / "clean", FOLLOWUP_CACHE_DIR="off")
    assert clean.returncode == 0, clean.stderr
    with tiny_disk(tmp_path / "disk", size) as disk:
        try:
            done = build_cli(small, tmp_path / "site", FOLLOWUP_CACHE_DIR=str(disk / "cache"))
        except subprocess.TimeoutExpired:
            pytest.fail("the build hung on a full disk")
    assert done.returncode == 0, done.stderr
    assert_one_cache_warning(done.stderr)
    assert "No space left on device" in done.stderr
    assert digests(tmp_path / "site") == digests(tmp_path / "clean")


def test_a_read_only_cache_warns_once_and_builds_everything(small: Path, tmp_path: Path) -> None:
    clean = build_cli(small, tmp_path / "clean", FOLLOWUP_CACHE_DIR="off")
    assert clean.returncode == 0, clean.stderr
    with tiny_disk(tmp_path / "ro", "100k", "ro") as disk:
        done = build_cli(small, tmp_path / "site", FOLLOWUP_CACHE_DIR=str(disk))
    assert done.returncode == 0, done.stderr
    assert_one_cache_warning(done.stderr)
    assert "Read-only file system" in done.stderr
    assert digests(tmp_path / "site") == digests(tmp_path / "clean")


def test_an_unwritable_home_as_another_user_builds_with_one_warning() -> None:
    """`docker run --user 4321`: a user with no passwd entry, HOME=/ that it cannot write."""
    python = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    if os.geteuid() != 0 or not Path("/usr/bin/setpriv").exists() or not python.exists():
        pytest.skip("needs root, setpriv and a system Python of this version")
    shared = Path(tempfile.mkdtemp(prefix="followup-other-user-"))
    try:
        project = copy_project(shared / "project")
        for path in [shared, *shared.rglob("*")]:
            if not path.is_symlink():
                path.chmod(0o777 if path.is_dir() else 0o666)
        env = {k: v for k, v in ENV.items() if not k.startswith(("XDG_", "FOLLOWUP_"))}
        # The virtual environment's interpreter may sit in root's home: use the system's,
        # with this environment's packages.
        env |= {"HOME": "/", "PYTHONPATH": os.pathsep.join([*site.getsitepackages(), str(ROOT)])}
        site_dir = str(shared / "site")
        done = subprocess.run(
            [*AS_ANOTHER_USER, str(python), "-m", "build_scripts", "build", "--site-dir", site_dir],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        assert_one_cache_warning(done.stderr)
        assert "Permission denied" in done.stderr
        assert (shared / "site" / "downloads" / "follow-up-guide.pdf").stat().st_size > 10_000
    finally:
        shutil.rmtree(shared)


AS_ANOTHER_USER = ("setpriv", "--reuid=4321", "--regid=4321", "--clear-groups")


def test_a_cache_write_that_fails_midway_leaves_no_entry_and_the_part_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mkdocs_logs
) -> None:
    """The disk fills up between writing a part and making it durable (at the OS boundary)."""
    from build_scripts import notices
    from build_scripts.pdf import cache as pdf_cache

    monkeypatch.setattr(notices, "_WARNED", [])
    cache = pdf_cache.PartCache("inputs", tmp_path / "cache")
    kept = cache.put(cache.key("first"), b"%PDF-1.7 first part")
    assert cache.get(cache.key("first")) == kept

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pdf_cache.os, "fsync", full_disk)
    part = cache.put(cache.key("second"), b"%PDF-1.7 second part")
    third = cache.put(cache.key("third"), b"%PDF-1.7 third part")
    # Both parts are whole, outside the cache; the cache holds only the entry written before.
    assert part.read_bytes() == b"%PDF-1.7 second part"
    assert third.read_bytes() == b"%PDF-1.7 third part"
    assert not part.is_relative_to(tmp_path / "cache")
    files = sorted(p.name for p in (tmp_path / "cache" / "pdf").iterdir())
    assert files == [kept.name, kept.name + ".sha256"]
    assert len([w for w in warnings(mkdocs_logs) if "cache cannot be used" in w]) == 1
