"""Rendering many PDFs: jobs reuse the cache, fail in job order, start the long ones first, and
print progress lines only when asked."""

from __future__ import annotations

import concurrent.futures
import logging
from pathlib import Path

import pytest
from helpers import ROOT

from build_scripts.pdf import PdfError, jobs
from build_scripts.pdf.cache import PartCache
from build_scripts.pdf.jobs import PdfJob

PDF_DIR = ROOT / "templates" / "pdf"


def page(text: str) -> str:
    return (
        f'<html lang="en"><head><meta charset="utf-8"><title>{text}</title></head>'
        f'<body class="guide"><p>{text}</p></body></html>'
    )


def job(name: str, html: str) -> PdfJob:
    return PdfJob(name, f"{name}.pdf", html, lambda: html, label=f"test:{name}")


def test_a_second_run_reuses_every_part_from_the_cache(tmp_path: Path) -> None:
    cache = PartCache("base", tmp_path / "cache")
    todo = [job("one", page("One")), job("two", page("Two"))]
    with jobs._Renderer(PDF_DIR, (PDF_DIR,), cache) as renderer:
        first = renderer.run(todo)
        assert (
            renderer.summary() == "PDFs: rendered 2 (test:one, test:two), reused 0 from the cache"
        )
    assert first["one"].part.read_bytes().startswith(b"%PDF")
    assert first["one"].part.is_relative_to(tmp_path / "cache")
    with jobs._Renderer(PDF_DIR, (PDF_DIR,), PartCache("base", tmp_path / "cache")) as renderer:
        again = renderer.run(todo)
        assert renderer.summary() == "PDFs: rendered 0, reused 2 from the cache"
    assert again["two"].part == first["two"].part


def test_a_standalone_job_also_keeps_its_own_document(tmp_path: Path) -> None:
    own = PdfJob("own", "own.pdf", page("Own"), lambda: page("Own"), standalone=_mark)
    with jobs._Renderer(PDF_DIR, (PDF_DIR,), PartCache("base", None)) as renderer:
        rendered = renderer.run([own])["own"]
    assert rendered.own is not None
    assert rendered.own.read_bytes() == rendered.part.read_bytes() + b"%own"


def _mark(part: bytes) -> bytes:
    return part + b"%own"


def test_the_first_failing_job_in_job_order_is_reported(tmp_path: Path) -> None:
    bad = '<html lang="en"><head><title>x</title></head><body><img src="http://x/y.png"></body>'
    todo = [job("fine", page("Fine")), job("first", bad), job("second", bad.replace("y", "z"))]
    with (
        pytest.raises(PdfError, match=r"^first\.pdf: refused to load http://x/y\.png"),
        jobs._Renderer(PDF_DIR, (PDF_DIR,), PartCache("base", None)) as renderer,
    ):
        renderer.run(todo)


def test_long_jobs_start_first_but_futures_come_in_job_order(tmp_path: Path) -> None:
    todo = [job(name, page(name)) for name in ("a", "b", "c", "d")]
    with jobs._Renderer(PDF_DIR, (PDF_DIR,), PartCache("base", None)) as renderer:
        futures = renderer.submit_long_first(todo, [todo[3], todo[1]])
        concurrent.futures.wait(futures)
        assert renderer.names == ["test:d", "test:b", "test:a", "test:c"]
        # Each future is its own job's: the part is cached under that job's key.
        for each, future in zip(todo, futures, strict=True):
            assert future.result().part.name == f"{renderer.cache.key(each.inputs)}.pdf"


def _done(value: object = None, error: BaseException | None = None) -> concurrent.futures.Future:
    future: concurrent.futures.Future = concurrent.futures.Future()
    if error is None:
        future.set_result(value)
    else:
        future.set_exception(error)
    return future


def test_problems_are_raised_in_the_order_given() -> None:
    futures = [_done(1), _done(error=PdfError("b.pdf", ["x"])), _done(error=OSError("disk"))]
    with pytest.raises(PdfError, match=r"^b\.pdf: x$"):
        jobs.raise_first_problem(futures)
    with pytest.raises(OSError, match="disk"):
        jobs.raise_first_problem([futures[0], futures[2], futures[1]])
    jobs.raise_first_problem([futures[0]])


def test_progress_lines_only_when_asked(caplog: pytest.LogCaptureFixture) -> None:
    futures = [_done(n) for n in range(20)]
    logger = logging.getLogger("mkdocs.plugins.followup")
    with caplog.at_level(logging.INFO, logger=logger.name):
        jobs.report_progress(futures, progress=False)
        assert caplog.messages == []
        jobs.report_progress(futures[:9], progress=True)  # too few to be worth it
        assert caplog.messages == []
        jobs.report_progress(futures, progress=True)
    assert caplog.messages[-1] == "PDFs: 20 of 20 rendered"
    assert len(caplog.messages) == 10


def test_the_inputs_digest_changes_with_any_file_a_part_can_load(tmp_path: Path) -> None:
    (tmp_path / "print.css").write_text("p { color: red }")
    before = jobs.inputs_digest([tmp_path])
    assert jobs.inputs_digest([tmp_path]) == before
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "x.ttf").write_bytes(b"font")
    assert jobs.inputs_digest([tmp_path]) != before
