"""Finding the project: the folder that holds mkdocs.yml (kept light: every command needs it)."""

from __future__ import annotations

from pathlib import Path


class ProjectNotFoundError(Exception):
    """No folder holding mkdocs.yml where a project was looked for."""


def find_root(start: Path) -> Path:
    """The project folder: `start` or the nearest of its parents that holds mkdocs.yml.

    Project files (content, templates, fonts) are found from here, or from the plugin's
    options; the package's own copies are used only where a project sets no folder."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    raise ProjectNotFoundError(f"no {'mkdocs.yml'} found in {start} or its parents")


__all__ = ["ProjectNotFoundError", "find_root"]
