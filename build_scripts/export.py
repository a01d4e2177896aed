"""`followup export`: the outputs written into a folder, without MkDocs.

`pages` writes a project any engine that reads mkdocs.yml can build: `docs/` (the hand-written
pages with their markers filled in, every generated page, the assets and the downloads) and a
`mkdocs.yml` without followup-kit's plugin, its navigation listing the scenarios. `pdf` and
`pack` write those downloads alone, at their paths in the site. The folder is replaced as a
whole, only once everything was written.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path

import yaml
from markdown import Markdown

from . import output
from .expand import Site
from .links import ASSETS_FOLDER
from .nav import with_scenarios, without_front_matter
from .options import BuildOptions
from .outputs import OUTPUTS, Files, build_outputs, hand_written_pages
from .page_meta import first_paragraph, shorten
from .project import Project
from .templating import fill_deferred


def choices() -> list[str]:
    """What can be exported: `pages` (every output, as a project to build), or one output."""
    return ["pages", *(output.name for output in OUTPUTS if output.name != "pages")]


class ExportError(Exception):
    """The folder could not be written."""


def export(what: str, site: Site, project: Project, options: BuildOptions, out: Path) -> int:
    """Write the export `what` into the folder `out`; returns how many files it holds."""
    if what not in choices():
        raise ExportError(f"nothing called {what!r} to export; choose {', '.join(choices())}")
    out = out.absolute()
    _refuse_to_replace(out, project)
    files = build_outputs(site, project, options, only=() if what == "pages" else (what,))
    staging = output.staging_dir(out)
    try:
        (staging / MARK).write_text(f"followup export {what}\n", encoding="utf-8")
        if what == "pages":
            _write_pages(project, site, files, staging)
        else:
            _write(files, staging)
        count = sum(1 for p in staging.rglob("*") if p.is_file()) - 2  # less the two marks
        output.swap_into_place(staging, out)
    except OSError as exc:
        output.discard(staging)
        raise ExportError(f"could not write {out}: {exc.strerror or exc}") from None
    except BaseException:
        output.discard(staging)
        raise
    return count


MARK = ".followup-export"
"""A file in every export: the folder may be replaced by the next export, and no other."""


def _refuse_to_replace(out: Path, project: Project) -> None:
    """The folder is replaced as a whole: never one that holds the project or any of its
    inputs, nor a folder of other files (a typo must not wipe out a home folder)."""
    resolved = out.resolve()
    inputs = (project.root, project.docs_dir, project.scenarios_dir, project.templates_dir)
    for folder in (*inputs, project.assets_dir):
        folder = folder.resolve()
        if resolved == folder or folder.is_relative_to(resolved):
            raise ExportError(f"{out} holds the project or its files: choose another folder")
    if resolved.is_dir() and any(resolved.iterdir()) and not (resolved / MARK).is_file():
        raise ExportError(
            f"{out} holds other files and was not written by `followup export`: "
            "choose a new or empty folder (the export replaces the whole folder)"
        )


def _write(files: Mapping[str, bytes | Path], folder: Path) -> None:
    for path, data in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, Path):
            shutil.copyfile(data, target)
        else:
            target.write_bytes(data)


def _write_pages(project: Project, site: Site, files: Files, folder: Path) -> None:
    docs = folder / "docs"
    source = project.docs_dir
    for src_uri, _ in hand_written_pages(source, exclude=project.edition_folders()):
        files.setdefault(src_uri, source / src_uri)
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source).as_posix()
        if path.is_file() and not path.name.endswith(".md") and not project.is_build_input(path):
            files.setdefault(relative, path)
    for asset in sorted(project.assets_dir.glob("followup*.*")):
        files.setdefault(f"{ASSETS_FOLDER}/{asset.name}", asset)
    summaries = {s.src_uri: s.summary for s in site.scenarios}
    pages = {
        path: _described(fill_deferred(_text(data)), summaries.get(path)).encode("utf-8")
        for path, data in files.items()
        if path.endswith(".md")
    }
    _write({**files, **pages}, docs)
    config, overrides = _config(project, site)
    if overrides is not None:
        shutil.copytree(overrides, folder / "overrides")
    (folder / "mkdocs.yml").write_text(config, encoding="utf-8")


def _text(data: bytes | Path) -> str:
    return data.read_text(encoding="utf-8-sig") if isinstance(data, Path) else data.decode()


def _described(markdown: str, summary: str | None) -> str:
    """The page with a `description:` in its front matter, as the plugin gives it during a
    build (a scenario's summary, else the first paragraph): other engines read it from there."""
    body = without_front_matter(markdown)
    front = markdown[: len(markdown) - len(body)]
    if "\ndescription:" in "\n" + front:
        return markdown
    html = Markdown(extensions=["attr_list", "md_in_html"]).convert(body)
    description = summary or shorten(first_paragraph(html))
    if not description:
        return markdown
    line = "description: " + json.dumps(description, ensure_ascii=False) + "\n"
    if front:
        return front[:4] + line + front[4:] + body
    return "---\n" + line + "---\n\n" + body


class _Tagged:
    """A YAML tag we keep as written (`!ENV [SITE_URL, ...]`): another engine resolves it."""

    def __init__(self, tag: str, value: object) -> None:
        self.tag, self.value = tag, value


class _KeepTags(yaml.SafeLoader):
    pass


def _keep(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> _Tagged:
    if isinstance(node, yaml.SequenceNode):
        value: object = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    else:
        value = loader.construct_scalar(node)
    return _Tagged("!" + suffix, value)


_KeepTags.add_multi_constructor("!", _keep)


class _Dumper(yaml.SafeDumper):
    pass


def _represent(dumper: yaml.SafeDumper, data: _Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value, flow_style=True)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


_Dumper.add_representer(_Tagged, _represent)


def _config(project: Project, site: Site) -> tuple[str, Path | None]:
    """The project's mkdocs.yml for the exported folder: docs_dir `docs`, no followup-kit
    plugin or hooks, the scenarios in the navigation, the theme's overrides copied along."""
    text = (project.root / "mkdocs.yml").read_text(encoding="utf-8")
    config = yaml.load(text, Loader=_KeepTags) or {}
    config["docs_dir"] = "docs"
    for key in ("hooks", "watch", "site_dir"):
        config.pop(key, None)
    plugins = config.get("plugins")
    if isinstance(plugins, list):
        config["plugins"] = [
            p for p in plugins if p != "followup" and not (isinstance(p, dict) and "followup" in p)
        ]
    elif isinstance(plugins, dict):
        plugins.pop("followup", None)
    if isinstance(config.get("extra"), dict):
        config["extra"].pop("followup", None)
        if not config["extra"]:
            del config["extra"]
    for kind, name in (("extra_css", "followup.css"), ("extra_javascript", "followup.js")):
        listed = config.setdefault(kind, [])
        if not any(str(item).endswith(name) for item in listed):
            listed.append(f"{ASSETS_FOLDER}/{name}")
    overrides = None
    theme = config.get("theme")
    if isinstance(theme, dict):
        # Material's look under Zensical too (MkDocs and ProperDocs accept and ignore the key).
        theme.setdefault("variant", "classic")
    if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
        overrides = project.root / theme["custom_dir"]
        theme["custom_dir"] = "overrides"
    if project.config.nav:
        config["nav"] = with_scenarios(list(project.config.nav), site)
    header = (
        "# Exported by `followup export pages`: build it with any engine that reads mkdocs.yml.\n"
    )
    dumped = yaml.dump(config, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return header + dumped, overrides if overrides and overrides.is_dir() else None
