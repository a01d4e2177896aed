"""The home page's tests build the project with the whole chooser tree (tests/test_home.py,
tests/browser/test_home_page.py)."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import ROOT, copy_project

from build_scripts import chooser

CHOOSER_IDS = re.findall(
    r"^\s*scenario: ([a-z0-9-]+)", (ROOT / chooser.CHOOSER_FILE).read_text("utf-8"), re.M
)


def full_tree_project(target: Path) -> Path:
    """A copy of the project in which every scenario the chooser names exists: those not
    written yet get a stand-in (post-interview with another id and title), so the home page
    is built and tested with the whole tree, as it will be once they are merged."""
    project = copy_project(target)
    scenarios = project / "content" / "scenarios"
    model = (scenarios / "post-interview.yml").read_text(encoding="utf-8")
    for scenario_id in CHOOSER_IDS:
        path = scenarios / f"{scenario_id}.yml"
        if not path.exists():
            text = model.replace("id: post-interview", f"id: {scenario_id}", 1)
            text = re.sub(
                r"^title: .*$", f"title: Stand-in for {scenario_id}", text, count=1, flags=re.M
            )
            path.write_text(text, encoding="utf-8")
    return project
