"""How to build: options made in one place from the settings, the command line and the
environment. This is the only module that reads environment variables.

| variable | effect |
| --- | --- |
| FOLLOWUP_PAPER | a4 or letter: overrides `extra.followup.paper` (`followup build --paper`) |
| FOLLOWUP_PDF | off: build the site without the PDFs |
| FOLLOWUP_PDF_ON_SERVE | 1: `mkdocs serve` builds the PDFs too |
| FOLLOWUP_EDITIONS_ON_SERVE | 1: `mkdocs serve` builds the other languages' editions too |
| FOLLOWUP_CACHE_DIR | the cache folder, or off (default: the user's cache folder) |
| FOLLOWUP_CACHE_MAX_MB | the bound on the PDF cache (default 1024) |
| FOLLOWUP_LINT | warn or strict: lint the scenarios during the build (set by `followup build`) |
| FOLLOWUP_DEBUG | 1: show Python tracebacks of internal errors |
| FOLLOWUP_QUIET | 1: print only warnings and errors (set by `followup build --quiet`) |
| SOURCE_DATE_EPOCH | the edition date, for reproducible builds |
| CI | no progress lines |
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .notices import warn
from .settings import Settings

PAPER_SIZES = ("a4", "letter")
_OFF = ("off", "0", "no", "false")
_CACHE_OFF = ("", "off", "0", "none", "no")

DEFAULT_MAX_MB = 1024
"""The cache's default bound, in MiB (FOLLOWUP_CACHE_MAX_MB changes it): a thousand scenarios
and their guide take about 200 MiB, so a few edited versions of a large site fit."""
DEFAULT_MAX_BYTES = DEFAULT_MAX_MB * 1024 * 1024


class OptionsError(ValueError):
    """An environment variable or command-line value the build cannot use."""


@dataclass(frozen=True)
class BuildOptions:
    """Everything that decides how the outputs are built, resolved once."""

    paper: Literal["a4", "letter"] = "a4"
    edition: dt.date = dt.date(2026, 1, 1)
    """The date the outputs carry (the pack's file dates, the PDFs' edition line)."""
    pdf: bool = True
    """Build the PDFs (off under `mkdocs serve` unless asked for)."""
    serve: bool = False
    """Building for `mkdocs serve`: show problems as pages instead of stopping."""
    editions: bool = True
    """Build the other languages' editions too (off under `mkdocs serve` unless asked for)."""
    cache_root: Path | None = None
    cache_max_bytes: int = DEFAULT_MAX_BYTES
    progress: bool = False
    """Print progress lines while the PDFs render (on a terminal, not in CI)."""
    lint: Literal["warn", "strict"] | None = None
    """Lint the scenarios as part of the build; "strict" fails it on warnings too."""
    debug: bool = False
    quiet: bool = False
    """Show only warnings and errors (`followup build --quiet`)."""


def build_options(
    settings: Settings,
    *,
    serve: bool = False,
    paper: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> BuildOptions:
    """The options for one build: a command-line value wins over the environment, which wins
    over the project's settings."""
    env = os.environ if environ is None else environ
    chosen = str(paper or env.get("FOLLOWUP_PAPER") or settings.paper).strip().lower()
    if chosen not in PAPER_SIZES:
        raise OptionsError(
            f"FOLLOWUP_PAPER: expected one of {', '.join(PAPER_SIZES)}, got {chosen!r}"
        )
    lint = env.get("FOLLOWUP_LINT", "").strip().lower() or None
    if lint not in (None, "warn", "strict"):
        raise OptionsError(f"FOLLOWUP_LINT: expected warn or strict, got {lint!r}")
    pdf = env.get("FOLLOWUP_PDF", "").strip().lower() not in _OFF
    if serve and env.get("FOLLOWUP_PDF_ON_SERVE") != "1":
        pdf = False
    return BuildOptions(
        paper=chosen,  # type: ignore[arg-type]  # checked against PAPER_SIZES above
        edition=_edition(env.get("SOURCE_DATE_EPOCH", "")),
        pdf=pdf,
        editions=not serve or env.get("FOLLOWUP_EDITIONS_ON_SERVE") == "1",
        serve=serve,
        cache_root=cache_root(env),
        cache_max_bytes=max_bytes(env),
        progress=not env.get("CI") and sys.stderr.isatty(),
        lint=lint,  # type: ignore[arg-type]  # checked above
        debug=env.get("FOLLOWUP_DEBUG") == "1",
        quiet=env.get("FOLLOWUP_QUIET") == "1",
    )


def _edition(epoch: str) -> dt.date:
    """SOURCE_DATE_EPOCH's date (reproducible builds), else today's, in UTC."""
    epoch = epoch.strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.datetime.now(dt.UTC).date()


def cache_root(environ: Mapping[str, str]) -> Path | None:
    """The followup-kit cache folder (PDF parts in `pdf/`, compiled templates in `jinja/`, lint
    findings in `lint/`) that `environ` asks for, or None when caching is off
    (FOLLOWUP_CACHE_DIR=off) or there is no home folder to hold it.

    FOLLOWUP_CACHE_DIR sets it; the default is the user's cache folder (XDG_CACHE_HOME, else
    ~/.cache), so throwaway copies of a project share it too."""
    setting = environ.get("FOLLOWUP_CACHE_DIR")
    if setting is not None:
        return None if setting.strip().lower() in _CACHE_OFF else Path(setting).expanduser()
    base = environ.get("XDG_CACHE_HOME")
    if not base:
        home = environ.get("HOME") or _passwd_home()
        if not home:  # no HOME and no passwd entry (docker --user)
            return None
        base = str(Path(home) / ".cache")
    return Path(base) / "followup-kit"


def _passwd_home() -> str | None:
    """The user's home folder from the password database, where HOME is not set."""
    import pwd

    try:
        return pwd.getpwuid(os.getuid()).pw_dir or None
    except (KeyError, OSError):
        return None


def max_bytes(environ: Mapping[str, str]) -> int:
    """The bound on the PDF cache's size that `environ` asks for (FOLLOWUP_CACHE_MAX_MB, in
    MiB); a value that is not a number is warned about."""
    setting = environ.get("FOLLOWUP_CACHE_MAX_MB", "").strip()
    try:
        megabytes = float(setting) if setting else DEFAULT_MAX_MB
    except ValueError:
        warn("FOLLOWUP_CACHE_MAX_MB=%r is not a number; using %d", setting, DEFAULT_MAX_MB)
        megabytes = DEFAULT_MAX_MB
    return max(0, int(megabytes * 1024 * 1024))
