"""Rendering many PDFs at once: the jobs, a process pool on every core, the cache, progress.

A job describes one PDF (its name, its cache key, how to make its HTML); `_Renderer` gives a
future per job, resolved from the cache when the part is there and intact, else rendered in a
worker process (WeasyPrint is single-threaded) and kept in the cache.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import cache
from .cache import PartCache
from .options import PdfError
from .weasy import WRITE_OPTIONS, keep_inherited_styles, write_pdf

log = logging.getLogger("mkdocs.plugins.followup")


@dataclass(frozen=True)
class PdfJob:
    """One PDF to render: its name, its name in messages, a description of everything its HTML
    is made from (the cache key), how to make that HTML, and, for a part also published as a
    document of its own, the footer of its own page numbers (`standalone`)."""

    name: str
    document: str
    inputs: str
    make_html: Callable[[], str]
    standalone: Callable[[bytes], bytes] | None = None
    """For a part also published alone: makes that document from the part (stamping its page
    numbers); it runs in the worker, so it must pickle (a module-level function or a partial)."""
    label: str = ""
    """How the job is named in the build log (default: `name`)."""


@dataclass(frozen=True)
class Rendered:
    """Where a rendered job's files are (in the cache folder, or a scratch folder)."""

    part: Path
    own: Path | None = None
    """The part as a document of its own, for jobs that are published alone."""


def inputs_digest(folders: Sequence[Path]) -> str:
    """A hash of everything a PDF can load besides its HTML, and of how it is rendered."""
    from importlib.metadata import version

    # Versions from the package metadata: importing WeasyPrint costs 0.4 s, which a build
    # that finds every PDF in the cache should not pay. Our own code shapes the HTML too
    # (filters, escaping), so a change to it is a change.
    return cache.inputs_digest(
        (*folders, Path(__file__).parent.parent),
        f"weasyprint {version('weasyprint')} pikepdf {version('pikepdf')} "
        f"{sorted(WRITE_OPTIONS.items())}",
    )


def _render(
    html: str,
    document: str,
    base_dir: Path,
    allowed: tuple[Path, ...],
    standalone: Callable[[bytes], bytes] | None,
) -> tuple[bytes, bytes | None]:
    part = write_pdf(html, document, base_dir, allowed)
    return part, standalone(part) if standalone else None


def report_progress(futures: Sequence[concurrent.futures.Future], progress: bool) -> None:
    """Step lines while many PDFs render, when the caller wants `progress` (on a terminal, say:
    CI logs stay quiet). Returns when every future is done."""
    if len(futures) < 10 or not progress:
        return
    step = max(1, len(futures) // 10)
    for done, _ in enumerate(concurrent.futures.as_completed(futures), start=1):
        if done % step == 0 or done == len(futures):
            log.info("PDFs: %d of %d rendered", done, len(futures))


def _quiet_worker() -> None:
    """In each pool worker: leave Ctrl-C to the build (which stops the workers itself, without
    a traceback from each), keep the build's parsed styles and fonts intact, and end with the
    build if it is killed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    keep_inherited_styles()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)  # Linux only; elsewhere, no-op
    except (OSError, AttributeError):
        pass
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # the build died before prctl
        os._exit(1)


_PR_SET_PDEATHSIG = 1


class _Renderer:
    """Renders jobs on every core (one pool for the whole build), reusing cached PDFs."""

    def __init__(
        self, base_dir: Path, allowed: tuple[Path, ...], cache: PartCache, progress: bool = False
    ) -> None:
        self.base_dir, self.allowed, self.cache = base_dir, allowed, cache
        self.progress = progress
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None
        self.rendered = self.reused = 0
        self.names: list[str] = []

    def __enter__(self) -> _Renderer:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if self.pool is None:
            return
        if kind is None:
            self.pool.shutdown(cancel_futures=True)
            return
        # Failed or interrupted: stop the workers now rather than wait for their renders.
        workers = list((getattr(self.pool, "_processes", None) or {}).values())
        self.pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(5)

    def _finish(self, key: str, result: tuple[bytes, bytes | None]) -> Rendered:
        part, own = result
        return Rendered(
            self.cache.put(key, part), self.cache.put(key, own, ".own") if own else None
        )

    def _settle(
        self, key: str, future: concurrent.futures.Future, done: concurrent.futures.Future
    ) -> None:
        """Resolve `future` from a worker's result; whatever happens, it is resolved (an
        exception escaping a done-callback would be dropped and leave the build waiting)."""
        try:
            if done.cancelled():
                future.cancel()
            elif done.exception() is not None:
                future.set_exception(done.exception())
            else:
                future.set_result(self._finish(key, done.result()))
        except BaseException as exc:
            if not future.done():
                future.set_exception(exc)

    def submit(self, jobs: Sequence[PdfJob]) -> list[concurrent.futures.Future]:
        """A future per job, in job order (already resolved for cached jobs)."""
        futures: list[concurrent.futures.Future] = []
        todo = []
        for job in jobs:
            key = self.cache.key(job.inputs)
            part = self.cache.get(key)
            own = self.cache.get(key, ".own") if job.standalone else None
            future: concurrent.futures.Future = concurrent.futures.Future()
            if part is not None and (own is not None or not job.standalone):
                future.set_result(Rendered(part, own))
                self.reused += 1
            else:
                todo.append((job, key, future))
            futures.append(future)
        self.rendered += len(todo)
        self.names += [job.label or job.name for job, _, _ in todo]
        if len(todo) > 1 and self.pool is None and (os.cpu_count() or 1) > 1:
            self.pool = concurrent.futures.ProcessPoolExecutor(
                os.cpu_count(),
                mp_context=multiprocessing.get_context("fork"),
                initializer=_quiet_worker,
            )
        for job, key, future in todo:
            args = (job.make_html(), job.document, self.base_dir, self.allowed, job.standalone)
            if self.pool is None:
                try:
                    future.set_result(self._finish(key, _render(*args)))
                except (PdfError, OSError) as exc:
                    future.set_exception(exc)
                continue
            work = self.pool.submit(_render, *args)
            work.add_done_callback(
                lambda done, key=key, future=future: self._settle(key, future, done)
            )
        return futures

    def run(self, jobs: Sequence[PdfJob]) -> dict[str, Rendered]:
        """Render and wait; raises the PdfError of the first failing job, in job order."""
        futures = self.submit(jobs)
        report_progress(futures, self.progress)
        concurrent.futures.wait(futures)
        for future in futures:
            if future.exception() is not None:
                raise future.exception()
        return {job.name: future.result() for job, future in zip(jobs, futures, strict=True)}

    def submit_long_first(
        self, jobs: Sequence[PdfJob], long: Sequence[PdfJob]
    ) -> list[concurrent.futures.Future]:
        """A future per job, in job order (the order the parts are joined in), but the `long`
        jobs start first: with parts rendering in parallel, the longest should not be last."""
        first = [job.name for job in long]
        submitted = [*long, *(job for job in jobs if job.name not in first)]
        by_name = dict(zip([job.name for job in submitted], self.submit(submitted), strict=True))
        futures = [by_name[job.name] for job in jobs]
        report_progress(futures, self.progress)
        return futures

    def summary(self) -> str:
        names = list(dict.fromkeys(self.names))
        listed = f" ({', '.join(names)})" if 0 < len(names) <= 10 else ""
        return f"PDFs: rendered {self.rendered}{listed}, reused {self.reused} from the cache"


def raise_first_problem(futures: Sequence[concurrent.futures.Future]) -> None:
    """Wait for every future; then raise the exception of the first that failed, in the order
    given (the caller orders them by whose message helps most)."""
    concurrent.futures.wait(futures)
    for future in futures:
        if future.exception() is not None:
            raise future.exception()
