"""The `followup` command and plain `mkdocs build`: exit codes and messages, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=ENV, check=False)


def followup(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "build_scripts", *args], cwd)


def break_project(project: Path) -> None:
    scenarios = project / "content" / "scenarios"
    good = scenarios / "post-interview.yml"
    good.write_text(
        good.read_text()
        .replace("timeline:", "timelnie:", 1)
        .replace("Dear {interviewer_name}", "Dear {interviewer_nam}", 1)
    )
    (scenarios / "broken-syntax.yml").write_text("id: broken\ntitle: [oops\n")
    (scenarios / "latin1.yml").write_bytes("id: caf\xe9\n".encode("latin-1"))


def test_check_passes_on_the_real_content(project: Path) -> None:
    done = followup("check", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "no problems" in done.stderr


def test_check_reports_every_problem_of_every_file_then_exits_1(project: Path) -> None:
    break_project(project)
    done = followup("check", cwd=project)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert any(line.startswith("content/scenarios/broken-syntax.yml:2:") for line in lines)
    assert any(
        line.startswith("content/scenarios/latin1.yml:1:8: (file): file is not valid UTF-8")
        for line in lines
    )
    assert any(
        "timelnie: unknown key 'timelnie'; did you mean 'timeline'?" in line for line in lines
    )
    assert "Traceback" not in done.stderr + done.stdout


def test_build_refuses_broken_scenarios_without_traceback(project: Path) -> None:
    break_project(project)
    done = followup("build", cwd=project)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert not (project / "site").exists()


def test_plain_mkdocs_build_fails_cleanly_on_a_broken_scenario(project: Path) -> None:
    break_project(project)
    done = run([sys.executable, "-m", "mkdocs", "build", "--strict"], project)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "content/scenarios/broken-syntax.yml:2:" in done.stderr


def test_build_writes_the_site(project: Path) -> None:
    done = followup("build", "--quiet", cwd=project)
    assert done.returncode == 0, done.stderr
    assert (project / "site" / "scenarios" / "post-interview" / "index.html").is_file()
    assert (project / "site" / "timing" / "index.html").is_file()


def test_help_lists_the_commands(project: Path) -> None:
    done = followup("--help", cwd=project)
    assert done.returncode == 0
    for command in ("check", "build", "schema"):
        assert command in done.stdout
