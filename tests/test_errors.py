"""Author mistakes give exact `file:line:col: key path: message` errors (golden files)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import build_scripts
from build_scripts.errors import ScenarioErrors

CASES = sorted(p for p in (Path(__file__).parent / "golden" / "errors").iterdir() if p.is_dir())


def run_check(case: Path, root: Path) -> str:
    scenarios = root / "content" / "scenarios"
    scenarios.mkdir(parents=True)
    for file in case.iterdir():
        if file.name != "expected.txt":
            shutil.copy2(file, scenarios / file.name)
    result = build_scripts.check(build_scripts.Project(root))
    return ScenarioErrors(result.errors).report() + "\n" if result.errors else "no problems\n"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_error_messages_match_golden(case: Path, tmp_path: Path, update_goldens: bool) -> None:
    actual = run_check(case, tmp_path)
    expected_file = case / "expected.txt"
    if update_goldens:
        expected_file.write_text(actual, encoding="utf-8")
    assert actual == expected_file.read_text(encoding="utf-8")


def test_every_error_case_reports_a_problem() -> None:
    for case in CASES:
        assert (case / "expected.txt").read_text(encoding="utf-8") != "no problems\n", case.name
