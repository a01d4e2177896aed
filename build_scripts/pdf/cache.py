"""The cache of rendered PDF parts: kept by the hash of their inputs, checked on reuse, bounded.

Every entry is a PDF file and a `.sha256` file beside it (the checksum and size of the PDF),
both written atomically (temporary file, fsync, rename), so a reused part is byte for byte what
was rendered: a truncated, zeroed or altered entry is noticed, dropped and rendered again. The
cache never fails a build: when its folder cannot be used (full disk, no permission, no home
folder) the build says so in one line and goes on without it, in a scratch folder.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..notices import unusable, warn
from ..options import DEFAULT_MAX_BYTES

log = logging.getLogger("mkdocs.plugins.followup")


CHECKSUM = ".sha256"


class CacheWriteError(OSError):
    """Even the scratch folder could not take a rendered file (the disk holding it is full)."""


def _digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _write_atomically(path: Path, data: bytes, *, durable: bool = True) -> None:
    """`data` at `path` whole or not at all, and (if `durable`) on the disk before the name
    points at it."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with partial.open("wb") as file:
            file.write(data)
            file.flush()
            if durable:
                os.fsync(file.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_SCRATCH: list[Path] = []
_LEFT: list[Path] = []
"""Files of this process left in the cache folder, to remove at exit."""


def _clean_scratch() -> None:
    while _SCRATCH:
        shutil.rmtree(_SCRATCH.pop(), ignore_errors=True)
    while _LEFT:
        with contextlib.suppress(OSError):
            _LEFT.pop().unlink(missing_ok=True)


atexit.register(_clean_scratch)


class PartCache:
    """Rendered parts by the hash of their inputs, as files (so that a build never holds every
    PDF in memory). With caching off or broken, the files go to a scratch folder that the next
    build, or the end of the process, removes.

    `base` is mixed into every key (a hash of what every part depends on). The entries are
    kept in `root`/pdf/ (None: no cache), which `evict` keeps under `max_bytes`."""

    def __init__(self, base: str, root: Path | None, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.base = base
        self.max_bytes = max_bytes
        self.folder: Path | None = None
        self.used: set[str] = set()
        _clean_scratch()
        if root is not None:
            try:
                folder = root / "pdf"
                folder.mkdir(parents=True, exist_ok=True)
                probe = folder / f".probe.{os.getpid()}.tmp"
                _write_atomically(probe, b"")
                probe.unlink()
                self.folder = folder
            except OSError as exc:
                self.disable(exc)
        self.store = self.folder or self._scratch()

    @staticmethod
    def _scratch() -> Path:
        _SCRATCH.append(Path(tempfile.mkdtemp(prefix="followup-pdf-")))
        return _SCRATCH[-1]

    def disable(self, exc: OSError) -> None:
        """Go on without the cache (in a scratch folder), saying why once."""
        unusable(exc)
        if self.folder is not None:
            self.folder = None
            self.store = self._scratch()

    def key(self, *inputs: str) -> str:
        digest = hashlib.sha256(self.base.encode())
        for item in inputs:
            digest.update(hashlib.sha256(item.encode("utf-8")).digest())
        return digest.hexdigest()

    def get(self, key: str, suffix: str = "") -> Path | None:
        """The cached file of `key`, if it is there and intact (checked against its checksum);
        a damaged entry is removed, with a warning, and reported missing."""
        if self.folder is None:
            return None
        path = self.folder / f"{key}{suffix}.pdf"
        checksum = path.with_name(path.name + CHECKSUM)
        try:
            if not path.is_file():
                return None
            try:
                expected = checksum.read_text(encoding="ascii").split()
            except (FileNotFoundError, UnicodeDecodeError):
                expected = []
            if len(expected) == 2 and (expected[0], int(expected[1])) == _digest(path):
                os.utime(path)  # recently used: evicted last
                self.used.add(path.name)
                return path
        except (OSError, ValueError) as exc:
            if isinstance(exc, OSError) and exc.errno not in (errno.ENOENT, errno.EISDIR):
                self.disable(exc)
                return None
        warn(
            "Cached PDF part %s is damaged (it does not match its checksum); rendering it again",
            path.name,
        )
        self._remove(path)
        return None

    @staticmethod
    def _remove(path: Path) -> None:
        for file in (path, path.with_name(path.name + CHECKSUM)):
            with contextlib.suppress(OSError):
                file.unlink(missing_ok=True)

    def _write_entry(self, path: Path, data: bytes) -> None:
        # The checksum goes first: a reader never finds a part without its checksum (which
        # it would take for a damaged part) while another build writes the same entry.
        digest = hashlib.sha256(data).hexdigest()
        checksum = path.with_name(path.name + CHECKSUM)
        _write_atomically(checksum, f"{digest} {len(data)}\n".encode())
        _write_atomically(path, data)
        _sync_folder(path.parent)
        self.used.add(path.name)

    def put(self, key: str, data: bytes, suffix: str = "") -> Path:
        """Keep `data` as the file of `key`; returns where it is."""
        path = self.store / f"{key}{suffix}.pdf"
        if self.folder is not None:
            try:
                self._write_entry(path, data)
                return path
            except OSError as exc:
                self._remove(path)
                self.disable(exc)
                path = self.store / f"{key}{suffix}.pdf"
        try:
            _write_atomically(path, data, durable=False)
        except OSError as exc:
            raise CacheWriteError(exc.errno, f"could not write {path.name}", exc.filename) from exc
        return path

    def path(self, key: str) -> Path:
        """A temporary name for a file written in place (the joined guide); `adopt` it after."""
        return self.store / f".{key}.{os.getpid()}.joined.tmp"

    def adopt(self, written: Path, key: str) -> Path:
        """Make the file written at `path(key)` the entry of `key`; returns where it is."""
        path = written.with_name(f"{key}.pdf")
        if self.folder is None or written.parent != self.folder:
            os.replace(written, path)
            return path
        try:
            with written.open("rb+") as file:
                os.fsync(file.fileno())
            digest, size = _digest(written)
            checksum = path.with_name(path.name + CHECKSUM)
            _write_atomically(checksum, f"{digest} {size}\n".encode())
            os.replace(written, path)
            _sync_folder(path.parent)
            self.used.add(path.name)
            return path
        except OSError as exc:
            self._remove(path)
            self.disable(exc)
            # The file itself is whole: publish it from where it is, and remove it at exit.
            _LEFT.append(written)
            return written

    def evict(self, limit: int | None = None) -> None:
        """Remove the least recently used entries until the cache fits `limit` bytes
        (default: the cache's `max_bytes`); the entries this build used are kept."""
        if self.folder is None:
            return
        limit = self.max_bytes if limit is None else limit
        try:
            entries = []
            total = 0
            for path in self.folder.iterdir():
                if path.name.startswith("."):
                    if path.name.endswith(".tmp") and _older_than_a_day(path):
                        path.unlink(missing_ok=True)  # left by a killed build
                    continue
                if path.suffix != ".pdf":
                    if path.name.endswith(".pdf" + CHECKSUM) and not path.with_suffix("").exists():
                        path.unlink(missing_ok=True)
                    continue
                stat = path.stat()
                checksum = path.with_name(path.name + CHECKSUM)
                size = stat.st_size + (checksum.stat().st_size if checksum.exists() else 0)
                total += size
                entries.append((stat.st_mtime, path, size))
            for _, path, size in sorted(entries):
                if total <= limit:
                    break
                if path.name in self.used:
                    continue
                self._remove(path)
                total -= size
        except OSError as exc:
            self.disable(exc)


def _older_than_a_day(path: Path) -> bool:
    import time

    try:
        return time.time() - path.stat().st_mtime > 86400
    except OSError:
        return False


def inputs_digest(folders: Sequence[Path], extra: str) -> str:
    """A hash of every file under `folders` (and of `extra`): what a PDF can load besides its
    HTML, and the code that renders it."""
    digest = hashlib.sha256(extra.encode())
    for folder in folders:
        for file in sorted(Path(folder).rglob("*")):
            if "__pycache__" in file.parts:
                continue
            if file.is_file():
                digest.update(file.relative_to(folder).as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()
