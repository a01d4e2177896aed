"""All-or-nothing output: build into a staging folder beside site/, then swap it into place.

A failed, interrupted or concurrent build never leaves a partial site/:

- each build stages into a folder of its own, named at random (process ids repeat across
  containers and hosts sharing a folder), with a lock file beside it (`<folder>.lock`: host,
  process id and start time) that the build holds locked (flock) until it is done;
- leftovers are removed by the next build only when their lock is free (their build has
  ended), so a live build's folder is never touched;
- the swap into site/ happens under a lock of its own, after checking that the staging folder
  is still this build's, in one atomic step where the system allows it;
- a site/ that is a symbolic link stays one: the folder it points at is replaced.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import errno
import fcntl
import logging
import os
import secrets
import shutil
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

_PREFIX = ".{name}.building-"
_MARK = ".followup-staging"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_LOCK_UNSUPPORTED = (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL)
_ABANDONED_AFTER = 24 * 3600
"""Where locks do not work, a staging folder of another host counts as abandoned after this."""


class OutputError(Exception):
    """The site could not be published; site/ is as it was."""


class _Staged:
    """A staging folder of this process, with its held lock."""

    def __init__(self, folder: Path, final: Path, lock: Path, fd: int) -> None:
        self.folder, self.final, self.lock, self.fd = folder, final, lock, fd
        self.token = folder.name.rsplit("-", 1)[-1]


_LIVE: dict[Path, _Staged] = {}
_RECENT: dict[str, str] = {}
"""Staging folders already released, and their final folder (for messages)."""
_previous_hook = sys.excepthook


def _target(final: Path) -> Path:
    """Where the site really goes: the folder a symbolic link `final` points at."""
    return Path(os.path.realpath(final)) if final.is_symlink() else final


def _lock_text() -> bytes:
    return f"{socket.gethostname()} {os.getpid()} {int(time.time())}\n".encode()


def _try_lock(fd: int) -> bool | None:
    """Lock `fd` without waiting: True if locked, False if another process holds it, None
    where the file system cannot lock."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as exc:
        if exc.errno in _LOCK_UNSUPPORTED:
            return None
        raise
    return True


def staging_dir(final: Path) -> Path:
    """A fresh, empty folder beside `final` (beside the folder it links to, if it is a link:
    same file system, so the swap is a rename), locked for this build."""
    final = Path(final).absolute()
    target = _target(final)
    remove_stale(final)
    target.parent.mkdir(parents=True, exist_ok=True)
    prefix = _PREFIX.format(name=target.name)
    while True:
        folder = target.parent / f"{prefix}{secrets.token_hex(6)}"
        lock = folder.with_name(folder.name + ".lock")
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        break
    try:
        _try_lock(fd)
        os.write(fd, _lock_text())
        folder.mkdir()
        # Proof that the folder is still this build's at the swap (MkDocs keeps hidden files).
        (folder / _MARK).write_text(folder.name.rsplit("-", 1)[-1], encoding="ascii")
    except BaseException:
        os.close(fd)
        lock.unlink(missing_ok=True)
        raise
    _LIVE[folder] = _Staged(folder, final, lock, fd)
    _speak_of_final.names[str(folder)] = str(final)
    if sys.excepthook is _previous_hook:
        sys.excepthook = _plain_os_errors
    return folder


def _release(staged: _Staged) -> None:
    _LIVE.pop(staged.folder, None)
    _RECENT[str(staged.folder)] = _speak_of_final.names.pop(str(staged.folder), "")
    with contextlib.suppress(OSError):
        staged.lock.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        os.close(staged.fd)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _abandoned_without_locks(lock: Path) -> bool:
    """Where the file system cannot lock: judge by the host, process id and age it records."""
    try:
        host, pid, started = lock.read_text(encoding="utf-8").split()
        age = time.time() - lock.stat().st_mtime
    except (OSError, ValueError):
        return False
    if host == socket.gethostname():
        return not _alive(int(pid)) if pid.isdigit() else False
    return age > _ABANDONED_AFTER and time.time() - int(started) > _ABANDONED_AFTER


def remove_stale(final: Path) -> None:
    """Remove the staging folders of builds that have ended (killed, or crashed); the folders
    of live builds (here or on another host sharing the folder) are left alone."""
    final = Path(final).absolute()
    target = _target(final)
    prefix = _PREFIX.format(name=target.name)
    if not target.parent.is_dir():
        return
    for leftover in sorted(target.parent.glob(prefix + "*")):
        if leftover.name.endswith(".lock") or leftover in _LIVE:
            continue
        lock = leftover.with_name(leftover.name + ".lock")
        token = leftover.name.removeprefix(prefix)
        if not lock.exists():
            # Left by an older followup-kit, named by process id; or a lock-less leftover
            # of a cleanup that was itself interrupted.
            if not token.isdigit() or (int(token) != os.getpid() and not _alive(int(token))):
                shutil.rmtree(leftover, ignore_errors=True)
            continue
        try:
            fd = os.open(lock, os.O_RDWR)
        except FileNotFoundError:
            continue  # its build finished meanwhile
        try:
            free = _try_lock(fd)
            if free is None:
                free = _abandoned_without_locks(lock)
            if free:
                shutil.rmtree(leftover, ignore_errors=True)
                lock.unlink(missing_ok=True)
        finally:
            os.close(fd)
    # Lock files whose folder is gone (a build killed between creating the two).
    for lock in target.parent.glob(prefix + "*.lock"):
        if lock.with_suffix("") in _LIVE or lock.with_suffix("").exists():
            continue
        with contextlib.suppress(OSError):
            fd = os.open(lock, os.O_RDWR)
            try:
                if _try_lock(fd):
                    lock.unlink(missing_ok=True)
            finally:
                os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2); False where not supported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


@contextlib.contextmanager
def _publishing(target: Path) -> Iterator[None]:
    """One build at a time swaps into `target` (a blocking lock on the folder holding it)."""
    fd = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)  # where locks are not supported: the checks still run
        yield
    finally:
        os.close(fd)


def swap_into_place(staging: Path, final: Path) -> None:
    """Make `staging` the new `final` and delete the old one.

    Raises OutputError, with site/ unchanged, when `staging` is no longer this build's whole
    folder (another build or a person removed it or its lock)."""
    staging, final = Path(staging), Path(final).absolute()
    staged = _LIVE.get(staging)
    target = _target(final)
    with _publishing(target):
        try:
            ours = staged is not None and staged.lock.exists() and staging.is_dir()
            ours = ours and os.path.samestat(os.fstat(staged.fd), staged.lock.stat())
            ours = ours and (staging / _MARK).read_text(encoding="ascii") == staged.token
            (staging / _MARK).unlink()
        except OSError:
            ours = False
        if not ours:
            discard(staging)
            raise OutputError(
                f"the staging folder {staging.name} was removed while this build wrote it "
                f"(by another build or a person); {final.name}/ was not changed"
            )
        if target.is_dir():
            if not _exchange(staging, target):
                old = target.parent / f".{target.name}.old-{secrets.token_hex(6)}"
                os.rename(target, old)
                os.rename(staging, target)
                staging = old
            shutil.rmtree(staging, ignore_errors=True)
        else:
            if target.exists():
                target.unlink()
            os.rename(staging, target)
    _release(staged)


def discard(staging: Path) -> None:
    staged = _LIVE.get(Path(staging))
    shutil.rmtree(staging, ignore_errors=True)
    if staged is not None:
        _release(staged)


@atexit.register
def _discard_all() -> None:
    """An interrupted build removes its own staging folder on the way out."""
    for folder in list(_LIVE):
        discard(folder)


class _SpeakOfFinal(logging.Filter):
    """MkDocs logs the folder it builds into: name site/, not the staging folder."""

    def __init__(self) -> None:
        super().__init__()
        self.names: dict[str, str] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if self.names and isinstance(record.msg, str):
            message = record.getMessage()
            for staging, final in self.names.items():
                message = message.replace(staging, final)
            record.msg, record.args = message, ()
        return True


_speak_of_final = _SpeakOfFinal()
logging.getLogger("mkdocs.commands.build").addFilter(_speak_of_final)


_TRACEBACKS: list[bool] = []


def show_tracebacks(enabled: bool) -> None:
    """Show Python tracebacks for files that cannot be written (`--debug`), or one line."""
    _TRACEBACKS[:] = [True] if enabled else []


def _plain_os_errors(
    kind: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    """A file that cannot be written while the site is staged (full disk, no permission) ends
    the build with one line naming the problem, not a traceback (FOLLOWUP_DEBUG=1 shows it)."""
    if isinstance(exc, OSError) and not _TRACEBACKS:
        folders = [*_speak_of_final.names.items(), *_RECENT.items()]
        site = folders[-1][1] if folders else ""
        written = ""
        for name in (exc.filename2, exc.filename):
            for staging, final in folders:
                if name and str(name).startswith(staging + os.sep):
                    site, written = final, final + str(name)[len(staging) :]
        print(
            f"ERROR   -  Could not write the site in {site}: {exc.strerror or exc}"
            + (f" ({written})" if written else ""),
            file=sys.stderr,
        )
        return
    _previous_hook(kind, exc, tb)
