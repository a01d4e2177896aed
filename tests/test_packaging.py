"""What README's set-up promises: the quick subset without Chromium, a clear word when Chromium is
missing, a licence, declared dependencies, and a normal (non-editable) install that builds."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
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


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_dependencies_are_exactly_what_the_package_and_mkdocs_yml_use() -> None:
    import ast
    import tomllib
    from importlib.metadata import packages_distributions

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {
        _canonical(re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0]) for d in project["dependencies"]
    }
    modules: set[str] = set()
    for file in (ROOT / "build_scripts").rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(), str(file))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    config = (ROOT / "mkdocs.yml").read_text()
    modules |= {m for m in ("material", "pymdownx") if re.search(rf"\b{m}\b", config)}
    distributions = packages_distributions()
    used = {
        _canonical(dist)
        for module in modules - set(sys.stdlib_module_names) - {"build_scripts"}
        for dist in distributions.get(module, [module])
    }
    assert used - declared == set(), "imported but not declared"
    assert declared - used == set(), "declared but never imported"


def test_jinja2_floor_excludes_releases_with_known_advisories() -> None:
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    (jinja,) = [Requirement(d) for d in project["dependencies"] if d.lower().startswith("jinja2")]
    assert not jinja.specifier.contains("3.1.5")  # CVE-2025-27516
    assert jinja.specifier.contains("3.1.6")


def test_licence_file_is_mit_and_ships_in_the_metadata() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License")
    assert "Copyright (c) 2026 followup-kit contributors" in text
    assert "LICENSE" in project["license-files"]


# A normal `pip install .`, in a fresh virtual environment that borrows this one's dependencies
# (so no network is needed) but not its editable install of build_scripts.
PACKAGE_SOURCES = (
    *("pyproject.toml", "README.md", "LICENSE", "build_scripts"),
    *("templates", "content"),  # the package ships the templates and the page assets
)
PROJECT_FILES = ("mkdocs.yml", "content", "templates", "site_overrides", "build_scripts")
POISON = 'raise ImportError("the project folder\'s copy of build_scripts was imported")\n'


def _copy(names: tuple[str, ...], target: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    target.mkdir(parents=True)
    for name in names:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)
    return target


def _check(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(virtual environment, the wheel installed in it)."""
    work = tmp_path_factory.mktemp("install")
    source = _copy(PACKAGE_SOURCES, work / "source")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    _check([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", work / "dist", source])
    (wheel,) = (work / "dist").glob("followup_kit-*.whl")
    venv = work / "venv"
    _check([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    site_packages = Path(
        _check(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]
        ).stdout.strip()
    )
    # A .pth line adds this environment's packages; the .pth files in them (this environment's
    # editable build_scripts) are not run, so build_scripts comes from the wheel alone.
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site_packages / "borrowed.pth").write_text("\n".join(sorted(ours)) + "\n")
    _check([*pip, "--python", python, "install", "--no-deps", "--no-index", wheel])
    # The `mkdocs` command as pip writes it: its own folder first on sys.path, never the cwd.
    mkdocs = venv / "bin" / "mkdocs"
    mkdocs.write_text(f"#!{python}\nimport sys\nfrom mkdocs.__main__ import cli\nsys.exit(cli())\n")
    mkdocs.chmod(0o755)
    return venv, wheel


def test_wheel_holds_the_package_its_templates_and_licence_but_no_project_files(installed) -> None:
    _, wheel = installed
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert {n.split("/")[0] for n in names} == {
        "build_scripts",
        wheel.name.split("-py3")[0] + ".dist-info",
    }
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    expected = {f"build_scripts/{p.name}" for p in (ROOT / "build_scripts").glob("*.py")}
    assert expected <= set(names)
    # The templates and the page assets ship inside the package, for sites that set none.
    shipped = {
        f"build_scripts/templates/{p.relative_to(ROOT / 'templates').as_posix()}"
        for p in (ROOT / "templates").rglob("*")
        if p.is_file()
    }
    assert shipped <= set(names)
    assert {"build_scripts/assets/followup.js", "build_scripts/assets/followup.css"} <= set(names)


def test_non_editable_install_builds_with_followup_and_plain_mkdocs(installed, tmp_path) -> None:
    venv, _ = installed
    project = _copy(PROJECT_FILES, tmp_path / "project")
    # The project folder keeps a copy of the code, but the installed package is the one that
    # runs (mkdocs.yml names the plugin, found by its entry point): importing the project's
    # copy fails loudly.
    init = project / "build_scripts" / "__init__.py"
    init.write_text(init.read_text() + POISON)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # The first build renders every PDF; the second may reuse them from this fresh cache.
    env = {**ENV, "FOLLOWUP_CACHE_DIR": str(tmp_path / "cache"), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPATH", None)
    scenarios = sorted(p.stem for p in (project / "content" / "scenarios").glob("*.yml"))

    def assert_built(site: Path) -> None:
        assert (site / "index.html").is_file()
        for scenario in scenarios:
            assert (site / "scenarios" / scenario / "index.html").is_file(), scenario
            assert (site / "downloads" / "scenarios" / f"{scenario}.pdf").read_bytes()[
                :5
            ] == b"%PDF-"
        assert (site / "downloads" / "follow-up-guide.pdf").read_bytes()[:5] == b"%PDF-"

    followup = venv / "bin" / "followup"
    _check(
        [followup, "--project", project, "build", "--quiet", "--site-dir", tmp_path / "a"],
        cwd=elsewhere,
        env=env,
    )
    assert_built(tmp_path / "a")
    mkdocs = venv / "bin" / "mkdocs"
    _check(
        [mkdocs, "build", "--strict", "-q", "-f", project / "mkdocs.yml", "-d", tmp_path / "b"],
        cwd=elsewhere,
        env=env,
    )
    assert_built(tmp_path / "b")
    # From inside the project folder, as a forker types it.
    _check([mkdocs, "build", "--strict", "-q"], cwd=project, env={**env, "FOLLOWUP_PDF": "off"})
    assert (project / "site" / "index.html").is_file()


def test_any_mkdocs_site_gets_scenario_pages_from_the_plugin_alone(installed, tmp_path) -> None:
    """A site that is not a fork: its own docs, `plugins: - followup`, one scenario file; no
    templates, assets or settings of its own (the installed package brings them)."""
    venv, _ = installed
    site = tmp_path / "other-site"
    (site / "docs" / "scenarios").mkdir(parents=True)
    (site / "docs" / "index.md").write_text("# Our handbook\n\nHello.\n", encoding="utf-8")
    (site / "docs" / "hiring.md").write_text("# Hiring\n\nHow we hire.\n", encoding="utf-8")
    scenario = (ROOT / "content" / "scenarios" / "post-interview.yml").read_text(encoding="utf-8")
    # Alone, it links to no other scenario.
    scenario = re.sub(r"^related:.*\n", "", scenario, flags=re.MULTILINE)
    (site / "docs" / "scenarios" / "post-interview.yml").write_text(scenario, encoding="utf-8")
    (site / "mkdocs.yml").write_text(
        "site_name: Our handbook\nsite_url: https://handbook.example.org/\n"
        "theme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n  - followup\n"
        "markdown_extensions: [toc, admonition, attr_list, def_list, tables, "
        "pymdownx.escapeall, pymdownx.details, pymdownx.superfences]\n",
        encoding="utf-8",
    )
    env = {**ENV, "FOLLOWUP_CACHE_DIR": "off", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPATH", None)
    _check([venv / "bin" / "mkdocs", "build", "--strict", "-q"], cwd=site, env=env)
    built = site / "site"
    page = (built / "scenarios" / "post-interview" / "index.html").read_text(encoding="utf-8")
    assert "Thank you" in page or "thank-you" in page
    assert 'src="../../assets/followup.js"' in page
    assert (built / "assets" / "followup.js").is_file()
    assert "Content-Security-Policy" in page
    assert (built / "scenarios" / "index.html").is_file()
    assert (built / "hiring" / "index.html").is_file()
    assert (built / "downloads" / "follow-up-guide.pdf").read_bytes()[:5] == b"%PDF-"
    assert (built / "downloads" / "scenarios" / "post-interview.pdf").is_file()
    assert not (built / "scenarios" / "post-interview.yml").exists()


def test_fonts_tool_writes_into_the_project_it_runs_in(installed, tmp_path) -> None:
    from fontTools.ttLib import TTFont

    from build_scripts.fonts import FACES

    venv, _ = installed
    project = _copy(("mkdocs.yml", "templates"), tmp_path / "project")
    fonts = project / "templates" / "pdf" / "fonts"
    # DejaVu's file names, filled with our own cut of it: the tool needs no system fonts here.
    dejavu = tmp_path / "dejavu"
    dejavu.mkdir()
    for ours, (theirs, _, _) in FACES.items():
        shutil.copy2(fonts / ours, dejavu / theirs)
        (fonts / ours).unlink()
    python = venv / "bin" / "python"
    _check([python, "-m", "build_scripts.fonts", dejavu], cwd=project / "templates", env=ENV)
    for ours, (_, family, _) in FACES.items():
        assert TTFont(fonts / ours)["name"].getDebugName(1) == family
    installed_package = _check(
        [python, "-c", "import build_scripts; print(build_scripts.__file__)"], cwd=tmp_path
    ).stdout.strip()
    assert not (Path(installed_package).parent.parent / "templates").exists()


def test_fonts_tool_names_missing_sources_and_the_package_to_install(installed, tmp_path) -> None:
    venv, _ = installed
    project = _copy(("mkdocs.yml",), tmp_path / "project")
    done = subprocess.run(
        [venv / "bin" / "python", "-m", "build_scripts.fonts", tmp_path / "empty"],
        cwd=project,
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "DejaVuSans.ttf" in done.stderr
    assert "fonts-dejavu-extra" in done.stderr
    assert "Traceback" not in done.stderr
