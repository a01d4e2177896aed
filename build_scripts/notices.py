"""Warnings that do not fail a strict build: a cache that cannot be used costs time, never
correctness, so MkDocs must not count them (`mkdocs build --strict` fails on warnings)."""

from __future__ import annotations

import logging

log = logging.getLogger("mkdocs.plugins.followup")

NOTICE = logging.WARNING - 1
"""The level of the cache's warnings: shown as warnings, but under the level at which a strict
MkDocs build counts them, because a cache problem costs time, never correctness."""


def warn(message: str, *args: object) -> None:
    """Log a warning that does not fail a strict build (see NOTICE)."""
    if log.isEnabledFor(NOTICE):
        record = log.makeRecord(log.name, NOTICE, __file__, 0, message, args, None)
        record.levelname = "WARNING"
        log.handle(record)


_WARNED: list[str] = []


def unusable(exc: OSError) -> None:
    """Say, once per process, that the cache cannot be used and why (as a warning that does
    not fail a strict build: the outputs are still built, only slower)."""
    if not _WARNED:
        _WARNED.append(str(exc))
        warn(
            "The build cache cannot be used (%s); building without it. "
            "Set FOLLOWUP_CACHE_DIR to a writable folder, or to off.",
            _problem(exc),
        )


def _problem(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    return f"{reason}: {exc.filename}" if exc.filename else reason
