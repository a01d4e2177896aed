"""The `followup` command: check scenarios, build the site, write the JSON Schema."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import Project, check, chooser
from .errors import ScenarioErrors
from .lint import RULES, lint, load_word_list, strictly
from .schema import SLUG_PATTERN, json_schema
from .templating import make_env

SCHEMA_PATH = Path("content") / "schema" / "scenario.schema.json"
"""Where the JSON Schema lives in a project; MkDocs publishes it with the site."""


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def _find_root(start: Path) -> Path:
    for folder in (start, *start.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    raise SystemExit(f"followup: no mkdocs.yml found in {start} or its parents")


def _cmd_check(project: Project, args: argparse.Namespace) -> int:
    result = check(project)
    # The chooser names scenarios, so it is checked against the ones that exist (or are hidden).
    known = {s.id for s in result.site.scenarios} | set(project.settings.hide)
    _, chooser_errors, chooser_notes = chooser.load(project.root, known)
    problems = [*result.errors, *chooser_errors]
    if problems:
        print(ScenarioErrors(problems).report(), file=sys.stderr)
    for note in chooser_notes:
        print(note, file=sys.stderr)
    # The lint judges every file that is valid, so one run shows every problem.
    findings = lint(result.scenarios, load_word_list(project.root))
    if getattr(args, "strict", False):
        findings = strictly(findings)
    for finding in findings:
        print(finding, file=sys.stderr)
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    count = len(result.site.scenarios)
    summary = f"{count} valid scenario{'s' if count != 1 else ''} checked"
    if findings:
        print(f"{summary}: {errors} error(s), {warnings} warning(s).", file=sys.stderr)
    elif not problems:
        print(f"{summary}, no problems.", file=sys.stderr)
    return 1 if errors or problems else 0


def _cmd_build(project: Project, args: argparse.Namespace) -> int:
    if _cmd_check(project, args):
        print("followup: nothing was built; site/ was not changed.", file=sys.stderr)
        return 1
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
        str(project.root / "mkdocs.yml"),
    ]
    if args.site_dir:
        command += ["--site-dir", str(Path(args.site_dir).resolve())]
    if args.quiet:
        command.append("--quiet")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    if args.paper:
        env["FOLLOWUP_PAPER"] = args.paper
    returncode = _run_build(command, project.root, env)
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
    scenario_id = args.id
    if not re.fullmatch(SLUG_PATTERN, scenario_id) or len(scenario_id) > 64:
        print(
            f"followup new: {scenario_id!r} is not a valid id: use lowercase letters, digits "
            "and single hyphens, like after-take-home",
            file=sys.stderr,
        )
        return 2
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
    text = env.get_template("scaffold/scenario.yml.j2").render(scenario_id=scenario_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as out:
        out.write(text)
    print(target.relative_to(project.root).as_posix())
    print("Replace every TODO, then run: followup check --strict", file=sys.stderr)
    return 0


def _cmd_schema(project: Project, args: argparse.Namespace) -> int:
    target = project.root / SCHEMA_PATH
    text = schema_text()
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if args.check:
        if current != text:
            print(f"{SCHEMA_PATH} is out of date; run: followup schema", file=sys.stderr)
            return 1
        return 0
    if current != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"wrote {SCHEMA_PATH}", file=sys.stderr)
    return 0


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
        help="validate every scenario file and lint its writing; exit 1 on any error",
        description="Validate every scenario file, then lint the writing. Lint rules (silence "
        "one for a scenario with `lint: {ignore: [CODE]}`):\n"
        + "\n".join(f"  {r.code} {r.name} ({r.severity}): {r.summary}" for r in RULES),
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    b.add_argument("-q", "--quiet", action="store_true", help="print only warnings and errors")
    b.set_defaults(run=_cmd_build)

    n = commands.add_parser(
        "new", help="start a scenario: write content/scenarios/ID.yml from a commented scaffold"
    )
    n.add_argument("id", help="the new scenario's id: lowercase letters, digits and hyphens")
    n.set_defaults(run=_cmd_new)

    s = commands.add_parser(
        "schema", help=f"write the JSON Schema for editors to {SCHEMA_PATH.as_posix()}"
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
        root = args.project.resolve() if args.project else _find_root(Path.cwd().resolve())
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
