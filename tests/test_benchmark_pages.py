"""The benchmark's synthetic project stays buildable as the schema grows (benchmarks/run.py).

A benchmark whose generated scenarios no longer validate measures nothing: these build its pages
the way it does, small, in both editions, and as the plain MkDocs export it compares against.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import run as bench  # noqa: E402 - the benchmark script is not a package

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "FOLLOWUP_PDF": "off"}


def mkdocs_build(folder: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
        cwd=folder,
        env={**ENV, "FOLLOWUP_CACHE_DIR": str(cache)},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bench.make_project(tmp_path_factory.mktemp("bench") / "p", 3, ("en", "de"))


def test_synthetic_scenarios_replace_the_built_in_ones(project: Path) -> None:
    names = sorted(p.name for p in (project / "content" / "scenarios").glob("*.yml"))
    assert names == ["bench-0000.yml", "bench-0001.yml", "bench-0002.yml"]
    assert not list((project / "content" / "de" / "scenarios").glob("*.yml"))
    assert "languages: [en, de]" in (project / "mkdocs.yml").read_text(encoding="utf-8")


def test_both_editions_build_strictly(project: Path, tmp_path: Path) -> None:
    done = mkdocs_build(project, tmp_path / "cache")
    assert done.returncode == 0, done.stderr[-2000:]
    for edition in ("", "de/"):
        page = project / "site" / edition / "scenarios" / "bench-0001" / "index.html"
        assert "Scenario 1" in page.read_text(encoding="utf-8")


def test_one_edition_project_has_no_german_pages(tmp_path: Path) -> None:
    one = bench.make_project(tmp_path / "one", 2)
    assert "languages: [en]" in (one / "mkdocs.yml").read_text(encoding="utf-8")
    done = mkdocs_build(one, tmp_path / "cache")
    assert done.returncode == 0, done.stderr[-2000:]
    assert not (one / "site" / "de").exists()


def test_plain_export_builds_with_plain_material(project: Path, tmp_path: Path) -> None:
    plain = bench.export_plain(project, tmp_path / "plain", with_pdf_plugin=False)
    docs = plain / "docs"
    assert not (docs / "de").exists()
    assert "template:" not in (docs / "index.md").read_text(encoding="utf-8")
    assert (docs / "scenarios" / "bench-0002.md").is_file()
    done = mkdocs_build(plain, tmp_path / "cache")
    assert done.returncode == 0, done.stderr[-2000:]
    assert (plain / "site" / "scenarios" / "bench-0002" / "index.html").is_file()


def test_targets_are_judged_from_the_figures() -> None:
    results = {
        100: {
            "full": {"seconds": 10.0, "pdf_mb": 1.4},
            "mkdocs_to_pdf": {"seconds": 40.0},
            "site_only": {"seconds": 2.0},
            "noop": {"seconds": 2.4},
        },
        1000: {
            "site_only": {"seconds": 20.0},
            "material": {"seconds": 40.0},
            "noop": {"seconds": 20.0},
            "search_en": {"error": "no browser"},
        },
    }
    table = bench.targets_table(results)
    lines = {line.split(" | ")[0].lstrip("| "): line for line in table.splitlines()}
    assert lines["full build at N=100 / mkdocs-to-pdf"].endswith("| 0.25 x | met |")
    assert lines["guide PDF at N=100 (tagged, outline, form fields)"].endswith("| 1.4 MB | met |")
    assert lines["site-only build at N=1000 / plain Material"].endswith("| 0.5 x | missed |")
    # The worst N decides: 1.2 at N=100 although N=1000 is 1.0.
    assert lines["no-op rebuild / site-only build, one edition (every N)"].endswith(
        "| 1.2 x | missed |"
    )
    assert (
        "| not measured |"
        in lines["search at N=1000: downloaded before the first result, gzipped (en)"]
    )
