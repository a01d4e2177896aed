"""What the pages of each edition need to know about the others: Material's language switcher,
and the language, country and interface text followup.js reads from the page."""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path

from .i18n import messages
from .project import Project


def alternates(project: Project, here: str | None) -> list[dict[str, str]]:
    """Material's `extra.alternate`: each edition's name, language and root, relative to the
    root of the edition being built (`here`: its language, None for the default edition).
    site_overrides/partials/alternate.html adds the page's own path, so the switcher leads to
    the same page in the other language (every edition has every page)."""
    default = project.languages[0]
    entries = []
    for language in project.languages:
        if here is None:
            link = "" if language == default else f"{language}/"
        elif language == here:
            link = ""
        else:
            link = "../" if language == default else f"../{language}/"
        name = "English" if language == default else project.edition(language).catalog.edition.name
        entries.append({"name": name, "link": link, "lang": language})
    return entries


def edition_data(project: Project) -> dict[str, object]:
    """The mapping site_overrides/main.html writes into every page for followup.js: the
    edition's language, the country whose business days the planner counts until the reader
    picks one, and the translations of the script's own interface text."""
    script = project.assets_dir / "followup.js"
    wanted = _script_messages(script, script.stat().st_mtime_ns) if script.is_file() else ()
    strings = project.catalog.strings
    return {
        "language": project.language,
        "country": project.country,
        "strings": {text: strings[text] for text in wanted if text in strings},
    }


def shared_files(project: Project) -> dict[str, Path]:
    """The default edition's files that are not pages (images, the JSON Schema...), which
    another edition has too, by their path in the site."""
    base = project.root / project.base_docs_dir
    default = replace(
        project,
        default_docs_dir=None,
        config=replace(project.config, docs_dir=project.base_docs_dir),
    )
    found = {}
    for path in sorted(base.rglob("*")):
        relative = path.relative_to(base)
        if (
            path.is_file()
            and path.suffix != ".md"
            and not any(part.startswith((".", "_")) for part in relative.parts)
            and not default.is_build_input(path)
        ):
            found[relative.as_posix()] = path
    return found


@functools.cache
def _script_messages(script: Path, mtime: int) -> tuple[str, ...]:
    return tuple(dict.fromkeys(messages(script.read_text(encoding="utf-8"))))
