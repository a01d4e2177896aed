"""The `followup` command: check scenarios, build the site, write the JSON Schema."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from . import Project, check
from .errors import ScenarioErrors
from .schema import json_schema

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
    if result.errors:
        print(ScenarioErrors(result.errors).report(), file=sys.stderr)
        return 1
    count = len(result.site.scenarios)
    print(f"{count} scenario{'s' if count != 1 else ''} checked, no problems.", file=sys.stderr)
    return 0


def _cmd_build(project: Project, args: argparse.Namespace) -> int:
    if _cmd_check(project, args):
        return 1
    command = [
        sys.executable,
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
    done = subprocess.run(command, cwd=project.root, env=env, check=False)
    return 0 if done.returncode == 0 else 1


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
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = commands.add_parser(
        "check", help="validate every scenario file and print every problem (exit 1 if any)"
    )
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

    s = commands.add_parser(
        "schema", help=f"write the JSON Schema for editors to {SCHEMA_PATH.as_posix()}"
    )
    s.add_argument("--check", action="store_true", help="exit 1 if the committed file is stale")
    s.set_defaults(run=_cmd_schema)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    root = args.project.resolve() if args.project else _find_root(Path.cwd().resolve())
    return args.run(Project.from_root(root), args)


if __name__ == "__main__":
    raise SystemExit(main())
