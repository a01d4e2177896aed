"""All-or-nothing output: build into a staging folder beside site/, then swap it into place.

A failed or interrupted build never touches the previous site/: it only ever leaves a hidden
staging folder behind, which the next build removes.
"""

from __future__ import annotations

import ctypes
import os
import shutil
from pathlib import Path

_STAGING = ".{name}.building-{pid}"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def staging_dir(final: Path) -> Path:
    """A fresh, empty folder next to `final` (same file system, so the swap is a rename)."""
    final = Path(final)
    remove_stale(final)
    staging = final.parent / _STAGING.format(name=final.name, pid=os.getpid())
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    return staging


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(final: Path) -> None:
    """Remove staging folders left by builds that were killed."""
    prefix = f".{final.name}.building-"
    if not final.parent.is_dir():
        return
    for leftover in final.parent.glob(prefix + "*"):
        pid = leftover.name.removeprefix(prefix)
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2); False where not supported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def swap_into_place(staging: Path, final: Path) -> None:
    """Make `staging` the new `final` and delete the old one."""
    staging, final = Path(staging), Path(final)
    if final.is_dir() and not final.is_symlink():
        if not _exchange(staging, final):
            old = final.parent / f".{final.name}.old-{os.getpid()}"
            os.rename(final, old)
            os.rename(staging, final)
            staging = old
        shutil.rmtree(staging, ignore_errors=True)
    else:
        if final.exists() or final.is_symlink():
            final.unlink()
        os.rename(staging, final)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
