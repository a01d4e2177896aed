"""Step 4b: render the printable guide and one PDF per scenario with WeasyPrint.

The PDFs come from the same view models as the site, through their own print templates and
stylesheet in templates/pdf/; the site's HTML is never converted. One module per job:

- chapters.py  hand-written Markdown pages -> print HTML, links retargeted inside the PDF
- book.py      the book: parts in order, contents, outline, footer wording, page labels
- jobs.py      rendering many parts at once (process pool, cache, progress)
- weasy.py     one HTML document -> PDF bytes, sandboxed, every WeasyPrint warning an error
- cache.py     the checksummed, bounded cache of rendered parts
- join.py      the parts -> one guide, part by part (tags, links, forms, outline)
- stamp.py     page numbers at the foot of the pages (fonts, placement)
- writer.py    the only code that writes PDF syntax (object streams, cross-reference stream)

Nothing here reads the environment: the caller passes the cache folder, its bound and whether
to print progress lines.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from pathlib import Path

from markdown.extensions import Extension

from .. import chooser
from ..expand import Site
from ..links import GUIDE_PDF
from ..links import scenario_pdf as scenario_pdf_path
from ..nav import GuideEntry
from ..options import DEFAULT_MAX_BYTES
from ..settings import FooterStyle
from ..templating import make_env
from . import book, chapters, jobs, join, stamp
from .cache import CacheWriteError, PartCache
from .options import PAPER_SIZES, Paper, PdfError, PdfOptions
from .weasy import write_pdf

__all__ = [
    "DEFAULT_MAX_BYTES",
    "PAPER_SIZES",
    "FooterStyle",
    "GuideEntry",
    "Paper",
    "PdfError",
    "PdfOptions",
    "render_all",
    "write_pdf",
]

log = logging.getLogger("mkdocs.plugins.followup")


def render_all(
    site: Site,
    entries: Sequence[GuideEntry],
    options: PdfOptions,
    templates_dir: Path,
    asset_dirs: Sequence[Path],
    extensions: Sequence[str | Extension] = (),
    extension_configs: dict[str, dict] | None = None,
    chooser_path: Sequence[chooser.Step] = (),
    *,
    cache_root: Path | None = None,
    cache_max_bytes: int = DEFAULT_MAX_BYTES,
    progress: bool = False,
) -> dict[str, Path]:
    """The files of the guide and of every scenario's PDF, keyed by their path in the site.

    Each chapter and each scenario is rendered on its own (in parallel, cached by its inputs
    in `cache_root`/pdf/, kept under `cache_max_bytes`; no cache when `cache_root` is None);
    a scenario's part is also its own PDF. The cover and contents are rendered last, when
    every page number is known, and the parts are joined into the guide. `progress` prints
    step lines while many PDFs render."""
    # 1. What every part may load, the cache of rendered parts, the footer.
    pdf_dir = templates_dir / "pdf"
    allowed = (pdf_dir, *asset_dirs)
    cache = PartCache(jobs.inputs_digest(allowed), cache_root, cache_max_bytes)
    env = make_env(templates_dir, "html")
    wording, font = book.page_footer(options, pdf_dir)
    log.debug("Step 4b - Rendering the PDFs")

    # 2. The hand-written pages, as print HTML.
    scenario_list = book.scenario_list_html(site)
    converted = chapters.convert_chapters(
        site,
        chapters.with_scenarios(entries),
        extensions,
        extension_configs or {},
        scenario_list,
        chooser_path,
    )

    # 3. A job per part: each chapter, each scenario (also published alone, with its own page
    #    numbers), each slice of the reference list; and the joined guide's cache key.
    own = functools.partial(
        stamp.standalone, label=wording.body_label, font=font, style=options.footer_style
    )
    parts = book.part_jobs(site, converted, scenario_list, options, env, own)
    guide_key = book.guide_key(cache, options, parts, converted, site)
    guide = _Guide(cache, guide_key, wording, font, options.footer_style)

    with _disk_errors(), jobs._Renderer(pdf_dir, allowed, cache, progress) as renderer:
        try:
            # 4. Render every part, the long ones first; join them in reading order as they
            #    come in, unless the guide is in the cache.
            futures = renderer.submit_long_first(parts.in_order, parts.long)
            if not guide.cached:
                guide.join_as_rendered(parts.in_order, futures)

            # 5. Every part's problems, scenarios first (their messages name the scenario
            #    file), then what the join found.
            by_name = dict(zip([job.name for job in parts.in_order], futures, strict=True))
            scenarios = [by_name[job.name] for job in parts.scenarios]
            others = [by_name[job.name] for job in [*parts.chapters, *parts.references]]
            jobs.raise_first_problem([*scenarios, *others])
            guide.raise_join_error()
            outputs = {
                scenario_pdf_path(s.id): future.result().own
                for s, future in zip(book.reading_order(site), scenarios, strict=True)
            }

            # 6. The cover and contents, now that every page number is known; the guide.
            if not guide.cached:

                def front(infos: dict[str, join.PartInfo]) -> tuple[list[Path], list]:
                    contents, outline = book.guide_structure(
                        parts.lead, book.reading_order(site), site, infos, parts.back
                    )
                    front_jobs = book.front_jobs(site, contents, options, env)
                    rendered = renderer.run(front_jobs)
                    return [rendered[job.name].part for job in front_jobs], outline

                guide.finish(parts.in_order, futures, front)
        except BaseException:
            guide.abandon()
            raise
        log.info(renderer.summary())

    # 7. Keep the cache under its bound.
    cache.evict()
    outputs[GUIDE_PDF] = guide.path
    return outputs


class _Guide:
    """The joined guide: taken from the cache, or written while its parts render.

    When the cache's disk fills up while the guide is written, the join starts again in a
    scratch folder, without the cache."""

    def __init__(
        self, cache: PartCache, key: str, wording: book.PageFooter, font: Path, style: FooterStyle
    ) -> None:
        self.cache, self.key = cache, key
        self.wording, self.font, self.style = wording, font, style
        self.path = cache.get(key)
        self.cached = self.path is not None
        self.joiner: join.Joiner | None = None
        self.infos: dict[str, join.PartInfo] = {}
        self.join_error: join.JoinError | None = None

    def _start(self) -> join.Joiner:
        self.joiner = join.Joiner(self.cache.path(self.key), self.wording, self.font, self.style)
        self.infos = {}
        return self.joiner

    def join_as_rendered(self, parts: Sequence[jobs.PdfJob], futures: Sequence[Future]) -> None:
        """Append the parts in order as they are rendered; stop at the first that failed
        (reported later, in order) or that cannot be joined (kept in `join_error`)."""
        try:
            self._start()
        except OSError as exc:  # the cache's disk is full: joined in `finish`, without it
            self.cache.disable(exc)
            return
        for job, future in zip(parts, futures, strict=True):
            if self.joiner is None:
                break
            try:
                part = future.result().part
            except (PdfError, OSError):
                break  # reported by the caller, in order
            try:
                self.infos[job.name] = self.joiner.append(part, job.document)
            except join.JoinError as exc:
                self.join_error = exc  # reported after the parts' own problems
                break
            except OSError as exc:  # the cache's disk is full: join again without it
                self.abandon()
                self.cache.disable(exc)

    def raise_join_error(self) -> None:
        if self.join_error is not None:
            raise PdfError(GUIDE_PDF, [str(self.join_error)]) from None

    def finish(
        self,
        parts: Sequence[jobs.PdfJob],
        futures: Sequence[Future],
        front: Callable[[dict[str, join.PartInfo]], tuple[list[Path], list[join.OutlineEntry]]],
    ) -> None:
        """Append what is not joined yet, put `front(infos)` (the cover and contents) in
        front, and finish the file as the guide's cache entry."""
        while self.path is None:
            try:
                joiner = self.joiner or self._start()
                for job, future in zip(parts, futures, strict=True):
                    if job.name not in self.infos:
                        self.infos[job.name] = joiner.append(future.result().part, job.document)
                front_parts, outline = front(self.infos)
                joiner.add_front(front_parts)
                self.path = self.cache.adopt(joiner.finish(outline), self.key)
                self.joiner = None
            except join.JoinError as exc:
                raise PdfError(GUIDE_PDF, [str(exc)]) from None
            except OSError as exc:
                self.abandon()
                if self.cache.folder is None or isinstance(exc, CacheWriteError):
                    raise
                self.cache.disable(exc)  # then join once more, in the scratch folder

    def abandon(self) -> None:
        """Stop a join and remove its partial file, even when the disk is full (closing the
        file then fails while flushing what is left)."""
        if self.joiner is None:
            return
        joiner, self.joiner = self.joiner, None
        try:
            joiner.abort()
        except OSError:
            with contextlib.suppress(OSError):
                joiner.partial.unlink(missing_ok=True)


@contextlib.contextmanager
def _disk_errors() -> Iterator[None]:
    """A file that cannot be written (a full disk under the scratch folder too) stops the
    PDFs with a message, not a traceback."""
    try:
        yield
    except OSError as exc:
        log.debug("Could not write the PDFs", exc_info=True)
        reason = exc.strerror or str(exc)
        where = f" ({exc.filename})" if exc.filename else ""
        raise PdfError(GUIDE_PDF, [f"could not write the PDFs: {reason}{where}"]) from None
