"""followup-kit: interview follow-up scenarios in YAML -> a MkDocs Material site (and a PDF guide).

The pipeline, one module per step:

1. load         read `content/scenarios/*.yml` safely, keeping the line and column of every key
2. validate     typed, frozen models (schema.py); every problem of every file at once
3. expand       pure: order, URLs, numbering, cross-links, timing sentences -> view models
4. render_site  view models -> Markdown pages for MkDocs (mkdocs_hooks.py is the only MkDocs code)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from .errors import ScenarioError, ScenarioErrors
from .expand import Site, expand
from .load import load_dir
from .validate import validate

log = logging.getLogger("mkdocs.plugins.followup")

__all__ = ["CheckResult", "Project", "ScenarioError", "ScenarioErrors", "Site", "build", "check"]


@dataclass(frozen=True)
class Project:
    """Where a followup-kit project keeps its parts."""

    root: Path

    @property
    def scenarios_dir(self) -> Path:
        return self.root / "content" / "scenarios"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"


@dataclass(frozen=True)
class CheckResult:
    """The site built from every valid scenario, and every problem found."""

    site: Site
    errors: list[ScenarioError]
    ids_by_file: dict[str, str]
    """Scenario id (as written, when it is text) of each file that parsed."""


def check(project: Project) -> CheckResult:
    """Steps 1-3 over every file, keeping what is valid."""
    log.debug("Step 1 - Loading scenarios from %s", project.scenarios_dir)
    raws, errors = load_dir(project.scenarios_dir, project.root)
    log.debug("Step 2 - Validating %d scenario files", len(raws))
    scenarios, problems = validate(raws)
    errors.extend(problems)
    ids_by_file = {raw.path: raw.data["id"] for raw in raws if isinstance(raw.data.get("id"), str)}
    files: dict[str, str] = {}
    for path, scenario_id in ids_by_file.items():
        files.setdefault(scenario_id, path)
    log.debug("Step 3 - Expanding %d scenarios", len(scenarios))
    return CheckResult(expand(scenarios, files), errors, ids_by_file)


def build(project: Project) -> Site:
    """Steps 1-3, raising ScenarioErrors if any file has a problem."""
    result = check(project)
    if result.errors:
        raise ScenarioErrors(result.errors)
    return result.site
