"""Benchmark followup-kit against plain Material and the mkdocs-to-pdf plugin.

    python benchmarks/run.py --sizes 4 100 1000

For each N it generates N synthetic but realistic scenarios (deterministic), builds them in a
throwaway copy of this project and measures, each in a fresh process: our full build (site and
all PDFs, empty cache), a site-only build, a no-op rebuild, a rebuild after editing one
scenario, and how long `mkdocs serve` takes to show an edit. It then exports the same generated
pages as a plain MkDocs project and times plain Material and, when installed (`pip install
-e ".[bench]"`), the mkdocs-to-pdf plugin. The same exported project is also built with Zensical
and ProperDocs when they can be found: each in its own virtual environment (`pip install
zensical`; `pip install properdocs mkdocs-material`), found on PATH or named by
FOLLOWUP_BENCH_ZENSICAL / FOLLOWUP_BENCH_PROPERDOCS (the path of its command). It prints a
Markdown table, and under it the size of the page scripts (raw and gzipped), and writes them,
with the raw figures as JSON, to benchmarks/results/. Nothing here asserts anything: people
read it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import build_scripts  # noqa: E402 - from this checkout, also when run as a script

PROJECT_PARTS = ("mkdocs.yml", "content", "templates", "site_overrides")
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}

WORDS = [
    "team",
    "project",
    "role",
    "interview",
    "thanks",
    "conversation",
    "plan",
    "data",
    "report",
    "customer",
    "process",
    "weekly",
    "goal",
    "quarter",
    "launch",
    "review",
    "design",
    "budget",
    "support",
    "meeting",
    "question",
    "example",
    "experience",
    "result",
    "change",
    "client",
    "product",
    "service",
    "research",
    "analysis",
    "training",
    "schedule",
]
CATEGORIES = ["thank-you", "waiting", "decision", "offer", "networking"]


def sentence(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    return " ".join(chosen).capitalize() + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng, rng.randint(8, 14)) for _ in range(sentences))


def scenario_yaml(index: int, rng: random.Random) -> str:
    """One synthetic scenario: 3 steps, 3 templates of about 150 words, tips, sources."""
    sid = f"bench-{index:04d}"
    steps = []
    for step in range(3):
        origin = "interview" if step == 0 else f"step-{step - 1}"
        steps.append(
            f"  - id: step-{step}\n"
            f"    title: {sentence(rng, 4)}\n"
            f"    text: {sentence(rng, 16)}\n"
            f"    from: {origin}\n"
            f"    timing: {{ unit: business_days, earliest: {step + 1}, latest: {step + 3} }}\n"
            f"    template: t{step}\n"
            f"    sources: [s{step}]\n"
        )
    templates = []
    for t in range(3):
        body = "\n\n".join(paragraph(rng, 3) for _ in range(3)).replace("Team", "{company} team", 1)
        body_lines = "\n".join(
            "      " + line
            for line in f"Dear {{name}},\n\n{body}\n\nKind regards,\n{{your_name}}".splitlines()
        )
        templates.append(
            f"  - id: t{t}\n"
            f"    title: Template {t + 1}\n"
            f"    purpose: {sentence(rng, 8)}\n"
            f'    subject: "{{company}}: {rng.choice(WORDS)} {t + 1}"\n'
            f"    body: |\n{body_lines}\n"
        )
    sources = "".join(
        f"  - id: s{s}\n    title: Source {s}\n    publisher: Example\n    kind: university\n"
        f"    claim: {sentence(rng, 9)}\n    checked: 2026-11-30\n"
        f"    url: https://example.org/{sid}/{s}\n"
        for s in range(3)
    )
    return (
        "# yaml-language-server: $schema=../schema/scenario.schema.json\n"
        f"id: {sid}\n"
        f"title: Scenario {index} {sentence(rng, 3).rstrip('.')}\n"
        f"summary: {sentence(rng, 12)}\n"
        f"category: {CATEGORIES[index % len(CATEGORIES)]}\n"
        f"order: {index}\n"
        f"trigger: |\n  {paragraph(rng, 3)}\n\n  {paragraph(rng, 2)}\n"
        "timeline:\n" + "".join(steps) + "placeholders:\n"
        "  name: {label: Name, help: Who you write to., example: Ms Rivera}\n"
        "  company: {label: Company, help: The employer., example: Northwind}\n"
        "  your_name: {label: Your name, help: You., example: Sam Taylor}\n"
        "templates:\n" + "".join(templates) + "tips:\n"
        f"  do: [{sentence(rng, 8)}, {sentence(rng, 9)}]\n"
        f"  dont: [{sentence(rng, 8)}]\n"
        "sources:\n" + sources + "lint: {ignore: [spelling, body-length]}\n"
    )


def make_project(target: Path, n: int, languages: tuple[str, ...] = ("en",)) -> Path:
    """A copy of this project with `n` synthetic scenarios instead of the built-in ones, built
    in the editions `languages` (the first is the default one)."""
    target.mkdir(parents=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    (target / "build_scripts").symlink_to(ROOT / "build_scripts", target_is_directory=True)
    config = target / "mkdocs.yml"
    config.write_text(
        re.sub(
            r"(?m)^(\s*languages:).*$",
            lambda m: f"{m.group(1)} [{', '.join(languages)}]",
            config.read_text(encoding="utf-8"),
        ),
        encoding="utf-8",
    )
    content = target / "content"
    # An edition left out is a folder of pages MkDocs would otherwise publish as plain pages.
    for edition in build_scripts.Project.from_root(ROOT).languages[1:]:
        if edition not in languages:
            shutil.rmtree(content / edition)
    # The synthetic scenarios replace the built-in ones and their translations (an edition
    # without a translation of a scenario shows the default language's text).
    for old in content.glob("*/scenarios/*.yml"):
        old.unlink()
    for old in (content / "scenarios").glob("*.yml"):
        old.unlink()
    # The guide's pages link to built-in scenarios: point those links at the scenario index,
    # so that the project builds with --strict (as `followup build` does).
    for page in [*content.glob("*.md"), *content.glob("*/*.md")]:
        text = page.read_text(encoding="utf-8")
        page.write_text(
            re.sub(
                r"\(((?:\.\./)*)scenarios/[a-z0-9-]+\.md(#[^)]*)?\)",
                r"(\1scenarios/index.md)",
                text,
            ),
            encoding="utf-8",
        )
    rng = random.Random(20261125)
    for i in range(n):
        (content / "scenarios" / f"bench-{i:04d}.yml").write_text(
            scenario_yaml(i, rng), encoding="utf-8"
        )
    return target


MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
wall = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
pdfs = [line.split("PDFs: ", 1)[1] for line in done.stderr.splitlines() if "PDFs: rendered" in line]
print(json.dumps({"wall": wall, "rss": rss, "code": done.returncode, "pdfs": pdfs[-1:]}))
if done.returncode:
    print(done.stderr[-2000:], file=sys.stderr)
"""


def measure(command: list[str], cwd: Path, env: dict[str, str]) -> dict:
    """Wall time and the peak memory of the largest single process of one command, and what
    our build says it rendered."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    figures = json.loads(done.stdout)
    if figures["code"] != 0:
        return {"error": done.stderr.strip()[-500:], "seconds": round(figures["wall"], 3)}
    result = {"seconds": round(figures["wall"], 3), "peak_mib": round(figures["rss"] / 1024, 1)}
    if figures["pdfs"]:
        result["pdfs"] = figures["pdfs"][0]
    return result


def pdf_figures(pdf: Path) -> dict:
    if not pdf.is_file():
        return {}
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False)
    pages = next(
        (int(line.split()[-1]) for line in info.stdout.splitlines() if line.startswith("Pages:")),
        None,
    )
    return {"pdf_pages": pages, "pdf_mb": round(pdf.stat().st_size / 1e6, 2)}


def serve_reload(project: Path, scenario: Path, edits: int = 3) -> float | None:
    """Seconds from saving an edited scenario until `mkdocs serve` shows it: the median of
    `edits` successive edits in one server (a single edit varies by a tenth of a second)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/scenarios/{scenario.stem}/"

    def page() -> str:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError:
            return ""

    try:
        deadline = time.monotonic() + 600
        while "Scenario" not in page():
            if time.monotonic() > deadline or proc.poll() is not None:
                return None
            time.sleep(0.2)
        text = scenario.read_text()
        times = []
        for edit in range(1, edits + 1):
            time.sleep(1)
            marker = f"Edited {edit} scenario"
            start = time.monotonic()
            scenario.write_text(text.replace("title: Scenario", f"title: {marker}", 1))
            while marker not in page():
                if time.monotonic() - start > 600 or proc.poll() is not None:
                    return None
                time.sleep(0.05)
            times.append(time.monotonic() - start)
        scenario.write_text(text)
        return round(statistics.median(times), 2)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def export_plain(project: Path, target: Path, with_pdf_plugin: bool) -> Path:
    """The same generated pages as a plain MkDocs + Material project (no hooks)."""
    from build_scripts import render_site, templating

    source = build_scripts.Project.from_root(project)
    site = build_scripts.load_site(source)
    docs = target / "docs"
    # The default edition only: other languages' folders stay out, as do the scenario files
    # (their pages are written below) and the home page's own template.
    others = source.languages[1:]
    shutil.copytree(
        project / "content", docs, ignore=shutil.ignore_patterns("scenarios", "schema", *others)
    )
    for page in docs.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        page.write_text(re.sub(r"(?m)^template: .*\n", "", text), encoding="utf-8")
    for page in render_site.render(site, project / "templates"):
        path = docs / page.src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(templating.fill_deferred(page.markdown), encoding="utf-8")
    plugins = "  - search\n" + (
        "  - to-pdf:\n      cover_title: Bench\n" if with_pdf_plugin else ""
    )
    (target / "mkdocs.yml").write_text(
        "site_name: Bench\nsite_url: https://bench.example.org/\ntheme:\n  name: material\n"
        "  font: false\n  features: [navigation.sections, navigation.indexes]\n"
        f"plugins:\n{plugins}"
        "markdown_extensions: [toc, admonition, attr_list, def_list, tables, "
        "pymdownx.escapeall, pymdownx.details, pymdownx.superfences]\n",
        encoding="utf-8",
    )
    return target


def has_mkdocs_to_pdf() -> bool:
    from importlib.metadata import PackageNotFoundError, version

    try:
        version("mkdocs-to-pdf")
    except PackageNotFoundError:
        return False
    return True


OTHER_ENGINES = {
    # Zensical keeps a cache next to mkdocs.yml: --clean makes every build start from nothing,
    # as MkDocs does. ProperDocs is told the file name, else it logs a request to rename it.
    "zensical": ("FOLLOWUP_BENCH_ZENSICAL", ["build", "--clean"]),
    "properdocs": ("FOLLOWUP_BENCH_PROPERDOCS", ["build", "-f", "mkdocs.yml"]),
}
"""Engines that build a mkdocs.yml project without running its hooks or MkDocs plugins: the
variable that may name each one's command, and the arguments of a build."""


ENGINE_PACKAGES = {
    "zensical": ["zensical>=0.0.70,<1"],
    "properdocs": ["properdocs>=1.6,<2", "mkdocs-material>=9.6,<10"],
}
"""What each other engine's own virtual environment needs to build the exported project."""


def engines_home() -> Path:
    """Where the benchmark keeps the other engines' virtual environments (beside the build
    cache: $XDG_CACHE_HOME or ~/.cache, then followup-kit/bench-engines)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "followup-kit" / "bench-engines"


def install_engine(name: str) -> str | None:
    """The command of `name` in its own virtual environment, created (and the engine installed
    from the package index) the first time; None, with a note, when that fails."""
    venv = engines_home() / name
    command = venv / "bin" / name
    if command.is_file():
        return str(command)
    print(f"installing {name} into {venv} (once)", file=sys.stderr)
    steps = [
        [sys.executable, "-m", "venv", str(venv)],
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *ENGINE_PACKAGES[name]],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode:
            print(f"{name} could not be installed: {done.stderr.strip()[-300:]}", file=sys.stderr)
            shutil.rmtree(venv, ignore_errors=True)
            return None
    return str(command)


def find_engines(install: bool) -> dict[str, list[str]]:
    """The build command of each other engine: named by its variable, else on PATH, else (when
    `install`) in a virtual environment of its own; a note for each that is missing."""
    found = {}
    for name, (variable, arguments) in OTHER_ENGINES.items():
        command = os.environ.get(variable) or shutil.which(name)
        if not command and install:
            command = install_engine(name)
        if command:
            found[name] = [command, *arguments]
        else:
            print(
                f"{name} not found (put it on PATH, set {variable}=/path/to/{name}, or run "
                "without --no-install-engines): its row is skipped",
                file=sys.stderr,
            )
    return found


def engine_version(name: str, command: list[str]) -> str:
    """The engine and its version ("zensical 0.0.73"), without the install path it may print."""
    done = subprocess.run(
        [command[0], "--version"], capture_output=True, text=True, env=ENV, check=False
    )
    words = done.stdout.replace(",", " ").split()
    version = next((w for w in words if w[:1].isdigit()), "version unknown")
    return f"{name} {version}"


def run_size(n: int, work: Path, args: argparse.Namespace, engines: dict[str, list[str]]) -> dict:
    print(f"N={n}: generating", file=sys.stderr)
    project = make_project(work / f"n{n}", n)
    cache = work / f"cache{n}"
    env = {**ENV, "FOLLOWUP_CACHE_DIR": str(cache)}
    # Not --quiet: our build logs what it rendered ("PDFs: rendered ..."), kept in the JSON.
    build = [sys.executable, "-m", "mkdocs", "build"]
    results: dict[str, dict] = {}
    print(f"N={n}: full build", file=sys.stderr)
    results["full"] = measure(build, project, env) | pdf_figures(
        project / "site" / "downloads" / "follow-up-guide.pdf"
    )
    print(f"N={n}: site only", file=sys.stderr)
    results["site_only"] = measure(build, project, {**env, "FOLLOWUP_PDF": "off"})
    print(f"N={n}: no-op rebuild", file=sys.stderr)
    results["noop"] = measure(build, project, env)
    # The same no-op through `followup build` (MkDocs, its plugin also linting: every scenario
    # read once), after a first `followup build` that filled the lint's cache.
    followup = [str(Path(sys.executable).with_name("followup")), "build"]
    print(f"N={n}: no-op followup build", file=sys.stderr)
    results["followup_first"] = measure(followup, project, env)
    results["followup_noop"] = measure(followup, project, env)
    first = project / "content" / "scenarios" / "bench-0000.yml"
    first.write_text(first.read_text().replace("Template 1", "Template one", 1))
    print(f"N={n}: one edit", file=sys.stderr)
    results["one_edit"] = measure(build, project, env)
    print(f"N={n}: serve reload", file=sys.stderr)
    results["serve_reload"] = {"seconds": serve_reload(project, first)}
    results |= run_editions(n, work, args)
    plain = export_plain(project, work / f"plain{n}", with_pdf_plugin=False)
    print(f"N={n}: plain Material", file=sys.stderr)
    results["material"] = measure(build, plain, ENV)
    for name, command in engines.items():
        # Each engine starts, as Material did, from a project without a built site.
        shutil.rmtree(plain / "site", ignore_errors=True)
        shutil.rmtree(plain / ".cache", ignore_errors=True)
        print(f"N={n}: {name}", file=sys.stderr)
        results[name] = measure(command, plain, ENV)
    if has_mkdocs_to_pdf() and n <= args.plugin_max:
        plugin = export_plain(project, work / f"plugin{n}", with_pdf_plugin=True)
        print(f"N={n}: mkdocs-to-pdf", file=sys.stderr)
        results["mkdocs_to_pdf"] = measure(build, plugin, ENV) | pdf_figures(
            plugin / "site" / "pdf" / "document.pdf"
        )
    return results


def run_editions(n: int, work: Path, args: argparse.Namespace) -> dict[str, dict]:
    """The same pages in two editions (English at the root, German under /de/, which shows the
    synthetic scenarios' English text): a full build, a site-only build and a no-op rebuild up
    to --editions-max scenarios, the site-only build above it; then what a reader's search costs
    on that site, in each language."""
    project = make_project(work / f"n{n}-editions", n, ("en", "de"))
    env = {**ENV, "FOLLOWUP_CACHE_DIR": str(work / f"cache{n}-editions")}
    build = [sys.executable, "-m", "mkdocs", "build"]
    results: dict[str, dict] = {}
    if n <= args.editions_max:
        print(f"N={n}: two editions, full build", file=sys.stderr)
        results["editions_full"] = measure(build, project, env) | pdf_figures(
            project / "site" / "de" / "downloads" / "follow-up-guide.pdf"
        )
    print(f"N={n}: two editions, site only", file=sys.stderr)
    results["editions_site_only"] = measure(build, project, {**env, "FOLLOWUP_PDF": "off"})
    if n <= args.editions_max:
        print(f"N={n}: two editions, no-op rebuild", file=sys.stderr)
        results["editions_noop"] = measure(build, project, env)
    if args.search:
        results |= search_rows(n, project / "site")
    return results


SEARCH_LANGUAGES = {"en": "", "de": "de/"}
"""Each edition whose search is measured, and where its pages are in the site."""


def search_rows(n: int, site: Path) -> dict[str, dict]:
    """What a reader's search costs in each edition of `site` (benchmarks/search.py, in
    Chromium slowed down four times), served gzipped as static hosts serve text, and the
    default edition once more uncompressed; a note instead when it cannot run here."""
    try:
        from search import search_figures
    except ImportError as error:
        return {"search_en": {"error": f"search not measured: {error}"}}
    runs = [(f"search_{language}", prefix, True) for language, prefix in SEARCH_LANGUAGES.items()]
    runs.append(("search_en_uncompressed", "", False))
    rows = {}
    for key, prefix, compress in runs:
        print(f"N={n}: {key}", file=sys.stderr)
        page = f"{prefix}scenarios/bench-{n // 2:04d}/"
        try:
            rows[key] = search_figures(site, SEARCH_QUERY, page=page, compress=compress)
        except Exception as error:  # a browser that cannot start is a note, not a crash
            rows[key] = {"error": f"{type(error).__name__}: {error}"[:300]}
    return rows


SEARCH_QUERY = "scenario"
"""A word of every synthetic scenario's title."""


PAGE_SCRIPTS = ("followup.js", "followup-tracker.js", "followup-sw.js")
"""The scripts of our own that a reader's browser downloads (content/assets/): the personaliser
on every page, the tracker and its service worker on "My applications"."""


def script_sizes() -> dict[str, dict[str, int]]:
    """Bytes of each page script as published and gzipped at level 9 (about what a server that
    compresses sends); measured, not timed."""
    sizes = {}
    for name in PAGE_SCRIPTS:
        raw = (ROOT / "content" / "assets" / name).read_bytes()
        packed = gzip.compress(raw, compresslevel=9, mtime=0)
        sizes[name] = {"bytes": len(raw), "gzip_bytes": len(packed)}
    return sizes


def script_table(sizes: dict[str, dict[str, int]]) -> str:
    rows = [
        "page scripts (gzipped):",
        "",
        "| script | bytes | gzipped (level 9) |",
        "| --- | ---: | ---: |",
        *(f"| {name} | {s['bytes']} | {s['gzip_bytes']} |" for name, s in sizes.items()),
    ]
    total = [sum(s[key] for s in sizes.values()) for key in ("bytes", "gzip_bytes")]
    rows.append(f"| all | {total[0]} | {total[1]} |")
    return "\n".join(rows)


def ratio(a: dict, b: dict) -> str:
    if not a.get("seconds") or not b.get("seconds") or "error" in a or "error" in b:
        return ""
    return f"{a['seconds'] / b['seconds']:.2f}"


def table(all_results: dict[int, dict]) -> str:
    rows = [
        "| N | what | wall s | peak MiB | PDF pages | PDF MB | ratio |",
        "| ---: | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for n, r in all_results.items():
        notes = {
            "full": f"{ratio(r['full'], r.get('mkdocs_to_pdf', {}))} x mkdocs-to-pdf"
            if "mkdocs_to_pdf" in r
            else "",
            "site_only": f"{ratio(r['site_only'], r['material'])} x plain Material",
            "noop": f"{ratio(r['noop'], r['site_only'])} x site only",
            "followup_first": "(lints every scenario: the lint's cache was empty)",
            "followup_noop": f"{ratio(r['followup_noop'], r['noop'])} x plain mkdocs build no-op"
            if "followup_noop" in r
            else "",
            "one_edit": f"{ratio(r['one_edit'], r['full'])} x full build",
            "editions_full": f"{ratio(r.get('editions_full', {}), r['full'])} x one edition",
            "editions_site_only": f"{ratio(r['editions_site_only'], r['site_only'])} x one edition"
            if "editions_site_only" in r
            else "",
            "editions_noop": f"{ratio(r.get('editions_noop', {}), r['editions_site_only'])} x "
            "two editions' site only"
            if "editions_site_only" in r
            else "",
        }
        for name in OTHER_ENGINES:
            if name in r:
                notes[name] = f"{ratio(r[name], r['material'])} x plain Material"
        for what, figures in r.items():
            if what.startswith("search_"):
                continue  # their own table (search_table)
            if "error" in figures:
                reason = figures["error"].strip().splitlines()[-1:] or [""]
                rows.append(f"| {n} | {what} | failed | | | | {reason[0][:80]} |")
                continue
            rows.append(
                f"| {n} | {what} | {figures.get('seconds', '')} | {figures.get('peak_mib', '')} | "
                f"{figures.get('pdf_pages', '')} | {figures.get('pdf_mb', '')} | "
                f"{notes.get(what, '')} |"
            )
    sizes = sorted(all_results)
    if len(sizes) > 1:
        small, large = sizes[-2], sizes[-1]
        rows += [
            "",
            f"Scaling, time at N={large} / time at N={small} (the scenario count grows "
            f"{large / small:g} times):",
            "",
            "| what | ratio |",
            "| --- | ---: |",
        ]
        for what, figures in all_results[large].items():
            before = all_results[small].get(what, {})
            if figures.get("seconds") and before.get("seconds") and "error" not in figures:
                rows.append(f"| {what} | {figures['seconds'] / before['seconds']:.1f} |")
    edits = [
        f"- N={n}: {r['one_edit']['pdfs']}"
        for n, r in all_results.items()
        if r.get("one_edit", {}).get("pdfs")
    ]
    if edits:
        rows += ["", "What the one-scenario edit re-rendered (from the build log):", "", *edits]
    return "\n".join(rows)


SEARCH = "search at N=1000"
TARGETS = (
    # (what, at which N (None: the worst of every N), which figure, the bound, its unit)
    ("full build at N=100 / mkdocs-to-pdf", 100, ("full", "mkdocs_to_pdf"), 0.33, "x"),
    ("guide PDF at N=100 (tagged, outline, form fields)", 100, ("full", "pdf_mb"), 1.5, "MB"),
    ("site-only build at N=1000 / plain Material", 1000, ("site_only", "material"), 0.35, "x"),
    (
        f"{SEARCH}: downloaded before the first result, gzipped (en)",
        1000,
        ("search_en", "mb"),
        1.0,
        "MB",
    ),
    (
        f"{SEARCH}: downloaded before the first result, gzipped (de)",
        1000,
        ("search_de", "mb"),
        1.0,
        "MB",
    ),
    (f"{SEARCH}: the same, uncompressed (en)", 1000, ("search_en_uncompressed", "mb"), 1.0, "MB"),
    (f"{SEARCH}: one query, CPU slowed down 4x (en)", 1000, ("search_en", "query_ms"), 100, "ms"),
    (f"{SEARCH}: one query, CPU slowed down 4x (de)", 1000, ("search_de", "query_ms"), 100, "ms"),
    ("two editions at N=100, full build / one edition", 100, ("editions_full", "full"), 2.1, "x"),
    (
        "two editions at N=100, no-op rebuild / their site-only build",
        100,
        ("editions_noop", "editions_site_only"),
        1.1,
        "x",
    ),
    (
        "no-op rebuild / site-only build, one edition (every N)",
        None,
        ("noop", "site_only"),
        1.1,
        "x",
    ),
)
"""The issue's targets: each figure must be at most its bound."""


def target_figure(results: dict[int, dict], n: int | None, how: tuple[str, str]) -> float | None:
    """One target's figure: a ratio of two rows' seconds, or a figure of one row (PDF MB,
    search MB or ms); for n None, the worst over every N."""
    if n is None:
        figures = [target_figure(results, size, how) for size in results]
        figures = [f for f in figures if f is not None]
        return max(figures) if figures else None
    row = results.get(n, {})
    first, second = how
    if "error" in row.get(first, {"error": ""}):
        return None
    if second in row:
        text = ratio(row[first], row[second])
        return float(text) if text else None
    value = row[first].get(second)
    return float(value) if value is not None else None


def search_table(all_results: dict[int, dict]) -> str:
    """What a reader's search costs at each N: bytes before the first result (the page and the
    search's own files), the index, the wait for the search to be ready, a query."""
    rows = [
        "| N | search | MB before the first result | of which the search | index entries | "
        "ready after load, ms | one query, ms | typed, ms |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n, r in all_results.items():
        for what, f in r.items():
            if not what.startswith("search_"):
                continue
            if "error" in f:
                rows.append(f"| {n} | {what} | failed: {f['error'][:80]} | | | | | |")
                continue
            rows.append(
                f"| {n} | {what} | {f['mb']} | {f['bytes_search'] / 1e6:.2f} | "
                f"{f['index_entries']} | {f['ready_after_load_ms']} | {f['pasted_median_ms']} | "
                f"{f['typed_median_ms']} |"
            )
    return "\n".join(rows) if len(rows) > 2 else ""


def targets_table(results: dict[int, dict]) -> str:
    rows = ["| target | bound | figure | |", "| --- | ---: | ---: | --- |"]
    for what, n, how, bound, unit in TARGETS:
        figure = target_figure(results, n, how)
        if figure is None:
            verdict, shown = "not measured", ""
        else:
            verdict = "met" if figure <= bound else "missed"
            shown = f"{figure:g} {unit}"
        rows.append(f"| {what} | <= {bound:g} {unit} | {shown} | {verdict} |")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[4, 100])
    parser.add_argument(
        "--plugin-max",
        type=int,
        default=100,
        help="skip mkdocs-to-pdf above this N (it took over 13 minutes at N=1000)",
    )
    parser.add_argument(
        "--editions-max",
        type=int,
        default=100,
        help="above this N, build the two editions' site only (no full build, no no-op)",
    )
    parser.add_argument(
        "--no-search", dest="search", action="store_false", help="do not measure the search"
    )
    parser.add_argument(
        "--no-install-engines",
        dest="install_engines",
        action="store_false",
        help="do not install Zensical and ProperDocs when they are missing",
    )
    args = parser.parse_args()
    results: dict[int, dict] = {}
    machine = machine_description()
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    engines = find_engines(args.install_engines)
    scripts = script_sizes()
    if engines:
        machine += "; " + ", ".join(engine_version(*engine) for engine in engines.items())
    with tempfile.TemporaryDirectory(prefix="followup-bench-") as work:
        for n in args.sizes:
            results[n] = run_size(n, Path(work), args, engines)
            # Written after each size, so that a long run that stops keeps what it measured.
            report = (
                f"Benchmark of {dt.date.today().isoformat()} on {machine}\n\n{table(results)}\n"
                f"\nSearch (Chromium, CPU slowed down 4x; gzipped as static hosts serve text, "
                f"unless uncompressed):\n\n{search_table(results)}\n"
                f"\nTargets:\n\n{targets_table(results)}\n\n{script_table(scripts)}\n"
            )
            (out / "latest.md").write_text(report, encoding="utf-8")
            figures = {"machine": machine, "results": results, "page_scripts": scripts}
            (out / "latest.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(report)
    return 0


def machine_description() -> str:
    """The processor, its cores, the memory and Python: what the figures depend on."""
    cpu = platform.machine()
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8")
        cpu = next(
            line.split(":", 1)[1].strip() for line in info.splitlines() if "model name" in line
        )
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GiB"
    except (ValueError, OSError, AttributeError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}"


if __name__ == "__main__":
    raise SystemExit(main())
