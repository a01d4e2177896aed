"""The code follows the project's pinned ruff rules (check and format)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from helpers import ROOT


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff_is_clean(command: list[str]) -> None:
    ruff = shutil.which("ruff") or f"{sys.prefix}/bin/ruff"
    done = subprocess.run(
        [ruff, *command, "build_scripts", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
