"""The PDF package's shape: no import cycles between its modules, no import of the site's
renderers, the linter or MkDocs, no environment read, and PDF syntax written in one place."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import ROOT

PACKAGE = ROOT / "build_scripts" / "pdf"
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")

TEMPORARY = {
    "render_site": {"DOWNLOADS_MARKER", "GUIDE_PDF", "SCENARIO_LIST_MARKER", "scenario_pdf_path"}
}
"""Names still taken from render_site until the links module exists (then: nothing)."""
FORBIDDEN = {"render_site", "render_pack", "lint", "mkdocs", "mkdocs_hooks"}


def _imports(path: Path) -> list[tuple[str, set[str]]]:
    """(module, names) of each import in a file of the package, as absolute module names
    under build_scripts ("pdf.join", "render_site") or third-party ("mkdocs.config")."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, set()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = {alias.name for alias in node.names}
            if node.level == 0:
                found.append((node.module or "", names))
            elif node.level == 1 and node.module is None:  # from . import join, stamp
                found += [(f"pdf.{name}", set()) for name in names]
            elif node.level == 1:
                found.append((f"pdf.{node.module}", names))
            else:  # from .. import chooser / from ..settings import X
                if node.module is None:
                    found += [(name, set()) for name in names]
                else:
                    found.append((node.module, names))
    return found


def test_nothing_in_the_package_imports_the_site_renderers_the_linter_or_mkdocs() -> None:
    for path in PACKAGE.glob("*.py"):
        for module, names in _imports(path):
            top = module.split(".")[0]
            if top == "build_scripts":
                top = module.split(".")[1]
            if top in TEMPORARY:
                assert names <= TEMPORARY[top], (path.name, module, names)
                continue
            assert top not in FORBIDDEN, (path.name, module)


def test_the_package_modules_import_each_other_without_cycles() -> None:
    graph = {
        name: {
            module.removeprefix("pdf.")
            for module, _ in _imports(PACKAGE / f"{name}.py")
            if module.startswith("pdf.")
        }
        for name in MODULES
    }
    assert set().union(*graph.values()) <= set(MODULES)
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, " -> ".join((*path, name))
        if name in done:
            return
        for other in graph[name]:
            visit(other, (*path, name))
        done.add(name)

    for name in MODULES:
        visit(name, ())
    # The layering the package is built on: the writer and the cache stand alone.
    assert graph["writer"] == set()
    assert graph["cache"] == set()
    assert "join" not in graph["stamp"]


def test_nothing_in_the_package_reads_the_environment() -> None:
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                assert node.attr not in ("environ", "getenv", "environb"), path.name
            if isinstance(node, ast.Name):
                assert node.id not in ("environ", "getenv") or path.name == "cache.py", path.name


def test_only_the_writer_writes_pdf_file_syntax() -> None:
    for path in PACKAGE.glob("*.py"):
        if path.name == "writer.py":
            continue
        text = path.read_text(encoding="utf-8")
        for marker in ('b"%d 0 R"', "0 obj", "endobj", "startxref", "/ObjStm", "/XRef"):
            assert marker not in text, (path.name, marker)
