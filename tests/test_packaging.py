"""What README's set-up promises: the quick subset without Chromium, a clear word when Chromium is
missing, a licence, declared dependencies, and a normal (non-editable) install that builds."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from helpers import ENV, ROOT

NO_CHROMIUM = "/nonexistent/chromium"


def run_pytest(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """This suite's own pytest, in a child process, with Chromium hidden unless told."""
    child_env = {k: v for k, v in ENV.items() if not k.startswith(("PYTEST_", "CI"))}
    child_env.update({"CHROMIUM": NO_CHROMIUM, **env})
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        env=child_env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_quick_subset_selects_no_browser_test_and_needs_no_chromium() -> None:
    # CI set: a browser test that slipped into the subset would be an error without Chromium.
    done = run_pytest("-m", "not browser", "--collect-only", "-q", CI="true")
    assert done.returncode == 0, done.stdout + done.stderr
    collected = [line for line in done.stdout.splitlines() if "::" in line]
    assert collected
    assert not [line for line in collected if line.startswith("tests/browser/")]
    deselected = re.search(r"\((\d+) deselected\)", done.stdout)
    assert deselected, done.stdout
    assert int(deselected.group(1)) > 0


def test_every_browser_test_is_marked_browser() -> None:
    everything = run_pytest("--collect-only", "-q", "tests/browser")
    marked = run_pytest("--collect-only", "-q", "-m", "browser", "tests/browser")
    tests = [line for line in everything.stdout.splitlines() if "::" in line]
    assert tests
    assert [line for line in marked.stdout.splitlines() if "::" in line] == tests


def test_browser_tests_without_chromium_skip_with_one_message_naming_the_package() -> None:
    done = run_pytest("tests/browser", "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    skipped = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 1, done.stdout
    assert "apt-get install chromium" in skipped[0]
    assert NO_CHROMIUM in skipped[0]
    assert "Traceback" not in done.stdout + done.stderr
    assert not re.search(r"\b(error|failed)\b", done.stdout.splitlines()[-1])


def test_browser_tests_without_chromium_fail_in_ci_with_one_message() -> None:
    done = run_pytest("tests/browser", "-q", CI="true")
    assert done.returncode != 0
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1, done.stderr
    assert "apt-get install chromium" in errors[0]
    assert "Traceback" not in done.stdout + done.stderr
    assert "passed" not in done.stdout


def test_ci_script_runs_readme_test_command_as_shown() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(.*?)\n```", readme, re.DOTALL)
    test_command = next(c for c in commands if "pytest" in c and "not browser" not in c)
    assert test_command in ci.splitlines()
    # The CI script makes a missing Chromium an error rather than a skip.
    assert re.search(r"^export CI=", ci, re.MULTILINE)
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


def test_readme_apt_line_installs_every_system_tool_the_tests_call() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    apt = re.search(r"apt-get install[^\n`]*", readme)
    assert apt, "README has no apt-get install line"
    packages = set(apt.group(0).split()[2:])
    # The commands the tests and the build run, and the Debian package that provides each.
    needed = {"pdftotext": "poppler-utils", "pdffonts": "poppler-utils", "chromium": "chromium"}
    sources = "\n".join(p.read_text() for p in (ROOT / "tests").rglob("*.py"))
    for command, package in needed.items():
        if re.search(rf"\b{command}\b", sources):
            assert package in packages, (command, package)
    # WeasyPrint's libraries (Pango, and HarfBuzz's subsetter it warns about), a font, and venv.
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"):
        assert package in packages
    assert "fonts-dejavu-core" in packages
    assert "python3-venv" in packages
