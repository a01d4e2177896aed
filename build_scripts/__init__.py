"""followup-kit: interview follow-up scenarios in YAML -> a MkDocs Material site (and a PDF guide).

The pipeline, one module per step:

1. load         read `content/scenarios/*.yml` safely, keeping the line and column of every key
2. validate     typed, frozen models (schema.py); every problem of every file at once
3. expand       pure: order, URLs, numbering, cross-links, timing sentences -> view models
4. render_site  view models -> Markdown pages for MkDocs (mkdocs_hooks.py is the only MkDocs code)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ScenarioError, ScenarioErrors, did_you_mean
from .expand import Site, expand
from .load import RawScenario, load_dir
from .schema import Scenario
from .settings import Settings, read_settings
from .validate import project_rules, validate

log = logging.getLogger("mkdocs.plugins.followup")

__all__ = [
    "CheckResult",
    "Project",
    "ProjectNotFoundError",
    "ScenarioError",
    "ScenarioErrors",
    "Site",
    "build",
    "check",
    "find_root",
]


class ProjectNotFoundError(Exception):
    """No folder holding mkdocs.yml where a project was looked for."""


def find_root(start: Path) -> Path:
    """The project folder: `start` or the nearest of its parents that holds mkdocs.yml.

    Project files (content, templates, fonts) are always found from here, never from where
    this package is installed: a normal `pip install .` puts the package in site-packages."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    raise ProjectNotFoundError(f"no mkdocs.yml found in {start} or its parents")


@dataclass(frozen=True)
class Project:
    """Where a followup-kit project keeps its parts, and its settings."""

    root: Path
    settings: Settings = field(default_factory=Settings)
    settings_errors: tuple[ScenarioError, ...] = ()

    @classmethod
    def from_root(cls, root: Path) -> Project:
        """A project with the settings of its mkdocs.yml."""
        settings, problems = read_settings(root)
        return cls(root, settings, tuple(problems))

    @property
    def scenarios_dir(self) -> Path:
        return self.root / "content" / "scenarios"

    @property
    def local_scenarios_dir(self) -> Path | None:
        folder = self.settings.local_scenarios
        return self.root / folder if folder else None

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def pdf_fonts_dir(self) -> Path:
        """The fonts the PDFs embed (made by `python -m build_scripts.fonts`)."""
        return self.templates_dir / "pdf" / "fonts"


@dataclass(frozen=True)
class CheckResult:
    """The site built from every valid scenario, and every problem found."""

    site: Site
    errors: list[ScenarioError]
    ids_by_file: dict[str, str]
    """Scenario id (as written, when it is text) of each file that parsed."""
    scenarios: list[tuple[Scenario, RawScenario]]
    """The valid scenarios that made it into the site, with their raw files (for the lint)."""


def check(project: Project) -> CheckResult:
    """Steps 1-3 over every file, keeping what is valid."""
    log.debug("Step 1 - Loading scenarios from %s", project.scenarios_dir)
    raws, errors = load_dir(project.scenarios_dir, project.root)
    errors.extend(project.settings_errors)
    local = project.local_scenarios_dir
    if local is not None and not local.resolve().is_relative_to(project.root.resolve()):
        errors.append(
            ScenarioError(
                "mkdocs.yml",
                1,
                1,
                "extra.followup.local_scenarios",
                f"{project.settings.local_scenarios!r} is outside the project; use a folder in it",
            )
        )
        local = None
    if local is not None:
        if local.is_dir():
            more, problems = load_dir(local, project.root, layer=1)
            raws += more
            errors += problems
        else:
            errors.append(
                ScenarioError(
                    "mkdocs.yml",
                    1,
                    1,
                    "extra.followup.local_scenarios",
                    f"folder {project.settings.local_scenarios!r} does not exist",
                )
            )
    log.debug("Step 2 - Validating %d scenario files", len(raws))
    valid, problems = validate(raws, project_rules(project.root))
    errors.extend(problems)
    valid, problems = _hide(valid, project.settings.hide)
    errors.extend(problems)
    ids_by_file = {raw.path: raw.data["id"] for raw in raws if isinstance(raw.data.get("id"), str)}
    log.debug("Step 3 - Expanding %d scenarios", len(valid))
    site = expand([s for s, _ in valid], {s.id: raw.path for s, raw in valid})
    return CheckResult(site, errors, ids_by_file, valid)


def _hide(
    valid: list[tuple[Scenario, RawScenario]], hidden: tuple[str, ...]
) -> tuple[list[tuple[Scenario, RawScenario]], list[ScenarioError]]:
    """Leave out the hidden scenarios, and links to them from the others."""
    ids = [s.id for s, _ in valid]
    problems = [
        ScenarioError(
            "mkdocs.yml",
            1,
            1,
            f"extra.followup.hide[{i}]",
            f"no scenario with id '{hidden_id}'{did_you_mean(hidden_id, ids)}",
        )
        for i, hidden_id in enumerate(hidden)
        if hidden_id not in ids
    ]
    kept = [
        (s.model_copy(update={"related": tuple(r for r in s.related if r not in hidden)}), raw)
        for s, raw in valid
        if s.id not in hidden
    ]
    return kept, problems


def build(project: Project) -> Site:
    """Steps 1-3, raising ScenarioErrors if any file has a problem."""
    result = check(project)
    if result.errors:
        raise ScenarioErrors(result.errors)
    return result.site
