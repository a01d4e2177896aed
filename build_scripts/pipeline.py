"""Steps 1-4 in order: `check` (load, validate, expand, and the lint when asked) and `build`."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import chooser, sources
from .errors import ScenarioError, ScenarioErrors, did_you_mean
from .expand import Site, expand
from .i18n import activated
from .links import scenario_page
from .load import RawScenario, load_dir
from .nav import guide_chapters
from .options import BuildOptions, build_options
from .project import Project
from .schema import Scenario
from .translations import overlay
from .validate import project_rules, validate

if TYPE_CHECKING:
    from .lint import Finding
    from .outputs import Files

log = logging.getLogger("mkdocs.plugins.followup")


@dataclass(frozen=True)
class CheckResult:
    """The site built from every valid scenario, and every problem found."""

    site: Site
    errors: list[ScenarioError]
    ids_by_file: dict[str, str]
    """Scenario id (as written, when it is text) of each file that parsed."""
    scenarios: list[tuple[Scenario, RawScenario]]
    """The valid scenarios that made it into the site, with their raw files (for the lint)."""
    notes: list[ScenarioError] = dataclasses.field(default_factory=list)
    """What the build leaves out but does not stop for (chooser answers naming no scenario)."""
    findings: list[Finding] = dataclasses.field(default_factory=list)
    """The lint's findings (only when asked for: `lint` in the options)."""

    @property
    def failed(self) -> bool:
        """An error, or a lint finding of severity error (every finding, when strict)."""
        return bool(self.errors) or any(f.severity == "error" for f in self.findings)


def check(project: Project, options: BuildOptions | None = None) -> CheckResult:
    """Steps 1-3 over every input (scenarios, chooser, settings), keeping what is valid; and
    the lint over every valid scenario when the options ask for it. For an edition other than
    the default one (`project.edition(language)`), each scenario with a translation is
    checked as translated, in the edition's language."""
    with activated(project.catalog):
        return _check(project, options)


def _check(project: Project, options: BuildOptions | None) -> CheckResult:
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
    rules = project_rules(project.root)
    translations: list[tuple[RawScenario, RawScenario]] = []
    untranslated: set[str] = set()
    if project.translations_dir is not None:
        raws, translations, untranslated, problems = _translate(raws, project)
        errors.extend(problems)
    log.debug("Step 2 - Validating %d scenario files", len(raws))
    valid, problems = validate(raws, rules)
    errors.extend(problems)
    valid, problems = _hide(valid, project.settings.hide)
    errors.extend(problems)
    ids_by_file = {raw.path: raw.data["id"] for raw in raws if isinstance(raw.data.get("id"), str)}
    log.debug("Step 3 - Expanding %d scenarios", len(valid))
    registry, registry_raw, problems = sources.load(
        project.root, project.sources_file, rules, project.sources_translation
    )
    errors.extend(problems)
    fallback = None if project.is_default_edition else project.root / project.base_docs_dir
    guide = guide_chapters(project.config.nav, project.docs_dir, fallback)
    site = expand(
        [s for s, _ in valid],
        {s.id: raw.path for s, raw in valid},
        guide,
        registry.sources,
        untranslated=frozenset(untranslated),
    )
    # The chooser names scenarios, so it is checked against those that exist (or are hidden).
    known = {s.id for s in site.scenarios} | set(project.settings.hide)
    question, problems, notes = chooser.load(project.root, known, project.chooser_file)
    errors.extend(problems)
    kinds = site.source_kinds
    site = dataclasses.replace(
        site,
        chooser=tuple(chooser.steps(question, {s.id: s.title for s in site.scenarios})),
        # The guide's pages as the PDF prints them: each cited source's kind after its link,
        # links to hidden scenarios reduced to their text.
        guide=tuple(
            dataclasses.replace(
                g,
                markdown=sources.without_links_to(
                    sources.with_kinds(g.markdown, kinds),
                    {scenario_page(i) for i in project.settings.hide},
                ),
            )
            if g.kind == "page"
            else g
            for g in guide
        ),
    )
    findings = []
    if options is not None and options.lint:
        from .lint import (
            Language,
            lint,
            lint_sources,
            lint_translations,
            load_word_list,
            strictly,
        )

        cache = options.cache_root / "lint" if options.cache_root else None
        # An edition lints its translations in its language; what it shows untranslated is
        # linted by the default edition, and reported here as untranslated (FU116).
        linted = [(s, raw) for s, raw in valid if s.id not in untranslated]
        if project.is_default_edition:
            language = Language()
        else:
            language = Language(
                project.language,
                project.catalog.edition.avoid,
                project.word_list.relative_to(project.root).as_posix(),
            )
        findings = lint(linted, load_word_list(project.word_list), cache, language)
        if project.translations_dir is not None:
            where = project.translations_dir.relative_to(project.root).as_posix()
            findings += lint_translations(translations, untranslated, valid, where, rules)
        findings += lint_sources(
            valid,
            registry.sources,
            registry_raw,
            guide,
            project.config.docs_dir,
            project.sources_file,
        )
        if options.lint == "strict":
            findings = strictly(findings)
    return CheckResult(site, errors, ids_by_file, valid, notes, findings)


def _translate(
    raws: list[RawScenario], project: Project
) -> tuple[list[RawScenario], list[tuple[RawScenario, RawScenario]], set[str], list[ScenarioError]]:
    """Each scenario file with the edition's translation laid over it, when it has one: the
    files, the (scenario, translation) pairs, the ids of the scenarios left untranslated, and
    the problems of translations that translate nothing."""
    assert project.translations_dir is not None
    found, problems = load_dir(project.translations_dir, project.root)
    ids = [raw.data["id"] for raw in raws if isinstance(raw.data.get("id"), str)]
    by_id: dict[str, RawScenario] = {}
    for translation in found:
        scenario_id = translation.data.get("id")
        if not isinstance(scenario_id, str) or scenario_id not in ids:
            problems.append(
                translation.error(
                    ("id",),
                    f"no scenario with id {scenario_id!r} to translate"
                    f"{did_you_mean(str(scenario_id), ids)}; a translation has its scenario's id",
                )
            )
        elif scenario_id in by_id:
            problems.append(
                translation.error(
                    ("id",), f"'{scenario_id}' is already translated by {by_id[scenario_id].path}"
                )
            )
        else:
            by_id[scenario_id] = translation
    merged, pairs = [], []
    for raw in raws:
        translation = by_id.get(raw.data.get("id"))  # type: ignore[arg-type]
        if translation is None:
            merged.append(raw)
        else:
            merged.append(overlay(raw, translation))
            pairs.append((raw, translation))
    return merged, pairs, set(ids) - set(by_id), problems


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


def build(project: Project, options: BuildOptions | None = None) -> Files:
    """Steps 1-4: every wanted output's files, keyed by their path in the site. Raises
    ScenarioErrors if any input has a problem (nothing is rendered then)."""
    from .outputs import build_outputs

    result = check(project)
    if result.errors:
        raise ScenarioErrors(result.errors)
    return build_outputs(result.site, project, options or build_options(project.settings))


def load_site(project: Project) -> Site:
    """Steps 1-3, raising ScenarioErrors if any input has a problem."""
    result = check(project)
    if result.errors:
        raise ScenarioErrors(result.errors)
    return result.site


def summary(result: CheckResult) -> str:
    """One line: how many scenarios were checked, and what was found."""
    count = len(result.site.scenarios)
    line = f"{count} valid scenario{'s' if count != 1 else ''} checked"
    errors = sum(f.severity == "error" for f in result.findings)
    if result.findings:
        return f"{line}: {errors} error(s), {len(result.findings) - errors} warning(s)."
    return line + ("." if result.errors else ", no problems.")


def problem_pages(result: CheckResult) -> dict[str, bytes]:
    """A page in place of each broken scenario's, listing its problems (for `mkdocs serve`)."""
    from .render_site import problem_pages as pages

    return pages(result.errors, result.ids_by_file, {s.id for s in result.site.scenarios})
