"""The `followup` command: check the inputs, build the site, export the outputs, write the
JSON Schema. Each subcommand imports what it needs, so `followup build` starts MkDocs at once."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .root import ProjectNotFoundError, find_root

if TYPE_CHECKING:
    from .project import Project

SCHEMA_PATH = Path("content") / "schema" / "scenario.schema.json"
"""Where the JSON Schema lives in a project; MkDocs publishes it with the site."""

TRANSLATION_SCHEMA_PATH = Path("content") / "schema" / "scenario-translation.schema.json"
"""The JSON Schema of a scenario's translation into another edition's language."""


def schema_text(translation: bool = False) -> str:
    from .schema import json_schema, translation_json_schema

    schema = translation_json_schema() if translation else json_schema()
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _checked(project: Project, lint: str | None, paper: str | None = None):
    """Check every input (and lint, when asked); print what was found. Returns the result and
    the build options, or None when something stops the build."""
    from . import pipeline
    from .errors import ScenarioErrors
    from .options import OptionsError, build_options

    try:
        options = build_options(
            project.settings, paper=paper, environ={**os.environ, "FOLLOWUP_LINT": lint or ""}
        )
    except OptionsError as exc:
        print(f"followup: {exc}", file=sys.stderr)
        return None
    # Every input is checked and every valid scenario linted, so one run shows every problem.
    result = pipeline.check(project, options)
    if result.errors:
        print(ScenarioErrors(result.errors).report(), file=sys.stderr)
    for line in (*result.notes, *result.findings):
        print(line, file=sys.stderr)
    summary = pipeline.summary(result)
    if len(project.languages) > 1:
        summary = f"{project.language}: {summary}"
    print(summary, file=sys.stderr)
    return None if result.failed else (result, options)


def _cmd_check(project: Project, args: argparse.Namespace) -> int:
    """Every edition: the default one, then each other language's."""
    lint = "strict" if args.strict else "warn"
    failed = not _checked(project, lint)
    for language in project.languages[1:]:
        failed |= not _checked(project.edition(language), lint)
    return 1 if failed else 0


def _cmd_export(project: Project, args: argparse.Namespace) -> int:
    from .export import ExportError, choices, export

    if args.what not in choices():
        print(f"followup export: choose one of {', '.join(choices())}", file=sys.stderr)
        return 2
    checked = _checked(project, None, args.paper)
    if checked is None:
        print(f"followup: nothing was exported; {args.out} was not changed.", file=sys.stderr)
        return 1

    result, options = checked
    try:
        written = export(args.what, result.site, project, options, Path(args.out))
    except ExportError as exc:
        print(f"followup: {exc}; {args.out} was not changed.", file=sys.stderr)
        return 1
    print(f"followup: exported {written} files to {args.out}", file=sys.stderr)
    return 0


def _cmd_build(root: Path, args: argparse.Namespace) -> int:
    """MkDocs builds, with the plugin checking and linting every input on the way: each
    scenario is read once."""
    command = [
        sys.executable,
        # -P: the project folder (the cwd) stays off sys.path, so its copy of build_scripts
        # cannot shadow the installed package, exactly as under a plain `mkdocs build`.
        "-P",
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "-f",
        str(root / "mkdocs.yml"),
    ]
    if args.site_dir:
        command += ["--site-dir", str(Path(args.site_dir).resolve())]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    env["FOLLOWUP_LINT"] = "strict" if args.strict else "warn"
    if args.quiet:
        # Not MkDocs' --quiet: it hides warnings from --strict too, so a broken link would pass.
        env["FOLLOWUP_QUIET"] = "1"
    if args.paper:
        env["FOLLOWUP_PAPER"] = args.paper
    returncode = _run_build(command, root, env)
    if returncode == INTERRUPTED:
        # The build's staging folder, if any, is removed by the next build.
        print("followup: interrupted; site/ was not changed.", file=sys.stderr)
        return INTERRUPTED
    if returncode != 0:
        print("followup: build failed; site/ was not changed.", file=sys.stderr)
        return 1
    return 0


INTERRUPTED = 130
"""Exit code after Ctrl-C (128 + SIGINT), as shells report it."""


class _Stop(BaseException):
    """Ctrl-C, a closed terminal or a `kill`: stop the build."""


def _stop(signum: int, frame: object) -> None:
    raise _Stop


def _prctl(option: int, value: int) -> None:
    """Linux's prctl(2); nothing elsewhere."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(option, value)
    except (OSError, AttributeError):
        pass


_PR_SET_PDEATHSIG, _PR_SET_CHILD_SUBREAPER = 1, 36


def _die_with_parent() -> None:  # runs in the MkDocs process, before exec
    _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _run_build(command: list[str], cwd: Path, env: dict[str, str]) -> int:
    """Run MkDocs in its own process group; on Ctrl-C (or SIGTERM, SIGHUP) stop that whole
    group (MkDocs and its PDF workers) and return INTERRUPTED.

    MkDocs runs in a group of its own so that the terminal's Ctrl-C reaches only this process,
    which then stops every process of the build at once and says so in one line (rather than
    each process printing its own traceback). MkDocs dies with this process, even if it is
    killed, and its workers with MkDocs."""
    handled = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.signal(sig, _stop) for sig in handled}
    # Workers left behind by a dying MkDocs come to this process, which waits for them.
    _prctl(_PR_SET_CHILD_SUBREAPER, 1)
    child: subprocess.Popen | None = None
    try:
        child = subprocess.Popen(
            command, cwd=cwd, env=env, start_new_session=True, preexec_fn=_die_with_parent
        )
        return child.wait()
    except _Stop:
        if child is not None:
            _stop_group(child.pid)
        return INTERRUPTED
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _stop_group(group: int) -> None:
    """SIGTERM to the build's process group, SIGKILL to what is left after a few seconds;
    returns when every process of the group has ended (or after 10 seconds)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut this short
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, sig)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                while os.waitpid(-1, os.WNOHANG)[0]:
                    pass  # reaped one
            except ChildProcessError:
                pass  # none left to reap
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)


def _cmd_new(project: Project, args: argparse.Namespace) -> int:
    from .pipeline import check
    from .schema import SLUG_PATTERN
    from .templating import make_env

    scenario_id = args.id
    if not re.fullmatch(SLUG_PATTERN, scenario_id) or len(scenario_id) > 64:
        print(
            f"followup new: {scenario_id!r} is not a valid id: use lowercase letters, digits "
            "and single hyphens, like after-take-home",
            file=sys.stderr,
        )
        return 2
    if args.language:
        return _new_translation(project, scenario_id, args.language)
    target = project.scenarios_dir / f"{scenario_id}.yml"
    taken = check(project).ids_by_file
    clash = next((path for path, other in taken.items() if other == scenario_id), None)
    if target.exists() or target.with_suffix(".yaml").exists() or clash:
        where = clash or target.relative_to(project.root).as_posix()
        print(
            f"followup new: {where} already holds scenario {scenario_id!r}; not overwriting",
            file=sys.stderr,
        )
        return 1
    env = make_env(project.templates_dir, "text")
    text = env.get_template("scaffold/scenario.yml.j2").render(
        scenario_id=scenario_id, today=dt.date.today().isoformat()
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as out:
        out.write(text)
    print(target.relative_to(project.root).as_posix())
    print("Replace every TODO, then run: followup check --strict", file=sys.stderr)
    return 0


def _new_translation(project: Project, scenario_id: str, language: str) -> int:
    """Write content/LANGUAGE/scenarios/ID.yml: the scenario's every text, marked TODO."""
    import yaml

    from .load import load_text
    from .pipeline import check
    from .translations import skeleton
    from .validate import validate_one

    if language not in project.languages[1:]:
        editions = ", ".join(project.languages[1:]) or "none"
        print(
            f"followup new: {language!r} is not one of the site's other editions ({editions}); "
            "add it to extra.followup.languages in mkdocs.yml first",
            file=sys.stderr,
        )
        return 2
    files = {other: path for path, other in check(project).ids_by_file.items()}
    if scenario_id not in files:
        print(f"followup new: no scenario with id {scenario_id!r} to translate", file=sys.stderr)
        return 1
    edition = project.edition(language)
    assert edition.translations_dir is not None
    target = edition.translations_dir / f"{scenario_id}.yml"
    shown = target.relative_to(project.root).as_posix()
    if target.exists():
        print(f"followup new: {shown} already exists; not overwriting", file=sys.stderr)
        return 1
    base = load_text((project.root / files[scenario_id]).read_bytes(), files[scenario_id])
    scenario, problems = validate_one(base)
    if scenario is None or problems:
        print(f"followup new: fix {files[scenario_id]} first (followup check)", file=sys.stderr)
        return 1

    class _Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, text)
    body = yaml.dump(
        skeleton(base, scenario), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as out:
        out.write(
            "# yaml-language-server: $schema=../../schema/scenario-translation.schema.json\n"
            f"# The {language} text of {files[scenario_id]}: translate each TODO (write for the\n"
            "# readers of that language; a step's timing may be given here too, with a source).\n"
            + body
        )
    print(shown)
    print("Replace every TODO, then run: followup check --strict", file=sys.stderr)
    return 0


def _cmd_schema(project: Project, args: argparse.Namespace) -> int:
    stale = 0
    for path, translation in ((SCHEMA_PATH, False), (TRANSLATION_SCHEMA_PATH, True)):
        target = project.root / path
        text = schema_text(translation)
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current == text:
            continue
        if args.check:
            print(f"{path.as_posix()} is out of date; run: followup schema", file=sys.stderr)
            stale = 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"wrote {path.as_posix()}", file=sys.stderr)
    return stale


class _RulesHelp(argparse.RawDescriptionHelpFormatter):
    """Lists the lint rules only when the help is shown: the lint is not loaded otherwise."""

    RULES = "{lint rules}"

    def add_text(self, text: str | None) -> None:
        if text and self.RULES in text:
            from .lint import RULES

            rules = "\n".join(f"  {r.code} {r.name} ({r.severity}): {r.summary}" for r in RULES)
            text = text.replace(self.RULES, rules)
        super().add_text(text)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="followup",
        description="Build the interview follow-up guide from content/scenarios/*.yml.",
    )
    top.add_argument(
        "-C",
        "--project",
        type=Path,
        default=None,
        help="project folder (the one holding mkdocs.yml); default: found from the current folder",
    )
    top.add_argument(
        "--debug", action="store_true", help="show Python tracebacks of internal errors"
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = commands.add_parser(
        "check",
        help="validate every input file and lint the scenarios' writing; exit 1 on any error",
        description="Validate every scenario file, the chooser and the settings, then lint the "
        "writing. Lint rules (silence one for a scenario with `lint: {ignore: [CODE]}`):\n"
        + _RulesHelp.RULES,
        formatter_class=_RulesHelp,
    )
    c.add_argument("--strict", action="store_true", help="treat lint warnings as errors")
    c.set_defaults(run=_cmd_check)

    b = commands.add_parser(
        "build", help="check the scenarios, then build the site and its PDFs into site/"
    )
    b.add_argument(
        "--paper",
        choices=["a4", "letter"],
        help="paper size of the PDFs (default: extra.followup.paper in mkdocs.yml, else a4)",
    )
    b.add_argument("--site-dir", help="build into this folder instead of site/")
    b.add_argument("--strict", action="store_true", help="treat lint warnings as errors")
    b.add_argument("-q", "--quiet", action="store_true", help="print only warnings and errors")
    b.set_defaults(run=_cmd_build)

    e = commands.add_parser(
        "export",
        help="write the pages, the PDFs or the template pack into a folder, without MkDocs",
        description="pages: a docs folder with every generated page and download, and a "
        "mkdocs.yml without followup-kit's plugin, that any engine reading mkdocs.yml can build. "
        "pdf: the guide and every scenario's PDF. pack: the templates as files, a ZIP and "
        "templates.json. The folder is replaced as a whole, only when everything was written.",
    )
    e.add_argument("what", metavar="pages|pdf|pack", help="what to export (or any other output)")
    e.add_argument("--out", required=True, help="the folder to write (replaced as a whole)")
    e.add_argument("--paper", choices=["a4", "letter"], help="paper size of the PDFs")
    e.set_defaults(run=_cmd_export)

    n = commands.add_parser(
        "new", help="start a scenario: write content/scenarios/ID.yml from a commented scaffold"
    )
    n.add_argument("id", help="the new scenario's id: lowercase letters, digits and hyphens")
    n.add_argument(
        "--language",
        metavar="CODE",
        help="instead, start the translation of scenario ID into another edition's language: "
        "content/CODE/scenarios/ID.yml with every text to translate marked TODO",
    )
    n.set_defaults(run=_cmd_new)

    s = commands.add_parser(
        "schema",
        help=f"write the JSON Schemas for editors to {SCHEMA_PATH.as_posix()} and "
        f"{TRANSLATION_SCHEMA_PATH.as_posix()}",
    )
    s.add_argument("--check", action="store_true", help="exit 1 if the committed file is stale")
    s.set_defaults(run=_cmd_schema)
    return top


INTERNAL_ERROR = 70
"""Exit code for a bug in followup-kit itself (EX_SOFTWARE), as opposed to 1 for bad input."""


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.debug:
        os.environ["FOLLOWUP_DEBUG"] = "1"
    try:
        root = args.project.resolve() if args.project else find_root(Path.cwd())
    except ProjectNotFoundError as exc:
        print(f"followup: {exc}", file=sys.stderr)
        return 1
    try:
        if args.run is _cmd_build:  # MkDocs reads the project itself
            return _cmd_build(root, args)
        from .project import Project

        return args.run(Project.from_root(root), args)
    except KeyboardInterrupt:
        print("followup: interrupted; site/ was not changed.", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"followup: internal error ({type(exc).__name__}: {exc}).\n"
            "This is a bug in followup-kit, not in your files: please report it, with the "
            "output of the same command run with --debug.",
            file=sys.stderr,
        )
        return INTERNAL_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
