"""The lint cache: a rebuild reuses the findings of unchanged scenarios, and a cache problem
never changes the findings."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from test_lint import GOOD

from build_scripts import lint as lint_module
from build_scripts.errors import ScenarioError
from build_scripts.lint import Finding, Rule, lint
from build_scripts.load import RawScenario, load_text
from build_scripts.schema import Scenario
from build_scripts.validate import validate

# Two scenarios with findings of several kinds: spelling (FU106), an unknown lint rule with
# its own Rule (FU100), and a word that is only shown safely (the message quotes it).
FILES = {
    "content/scenarios/demo.yml": GOOD.replace("Write a short note.", "Write a short noet.")
    + "lint: { ignore: [avoid-phrases] }\n",
    "content/scenarios/other.yml": GOOD.replace("id: demo", "id: other").replace(
        "I enjoyed hearing", "I enjoyed heraing about the café"
    ),
}


def scenarios(files: dict[str, str] = FILES) -> list[tuple[Scenario, RawScenario]]:
    valid, errors = validate([load_text(text.encode(), path) for path, text in files.items()])
    assert errors == [], errors
    return valid


@pytest.fixture
def linted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the scenarios that were linted (not taken from the cache), in order."""
    seen: list[str] = []
    lint_one = lint_module._lint_one

    def spy(
        scenario: Scenario,
        raw: RawScenario,
        words: frozenset[str],
        language: lint_module.Language = lint_module.ENGLISH,
    ) -> list[Finding]:
        seen.append(raw.path)
        return lint_one(scenario, raw, words, language)

    monkeypatch.setattr(lint_module, "_lint_one", spy)
    return seen


def no_dictionary(language: str = "en") -> object:
    raise AssertionError("the dictionary was loaded")


def test_a_second_lint_reuses_the_findings_without_loading_the_dictionary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, linted: list[str]
) -> None:
    uncached = lint(scenarios(), frozenset({"organisation"}))
    assert {f.rule.code for f in uncached} == {"FU100", "FU106"}
    first = lint(scenarios(), frozenset({"organisation"}), cache_dir=tmp_path)
    assert first == uncached
    monkeypatch.setattr(lint_module, "_dictionary", no_dictionary)
    linted.clear()
    second = lint(scenarios(), frozenset({"organisation"}), cache_dir=tmp_path)
    assert second == uncached
    assert linted == []
    # Written atomically: only finished entries are left, no temporary files.
    assert sorted(p.name[:5] for p in tmp_path.iterdir()) == ["lint-", "lint-"]


def test_editing_one_scenario_lints_only_that_one_again(tmp_path: Path, linted: list[str]) -> None:
    lint(scenarios(), cache_dir=tmp_path)
    assert linted == list(FILES)
    edited = dict(FILES)
    edited["content/scenarios/other.yml"] = FILES["content/scenarios/other.yml"].replace(
        "Write again.", "Write agian."
    )
    linted.clear()
    found = lint(scenarios(edited), cache_dir=tmp_path)
    assert linted == ["content/scenarios/other.yml"]
    assert found == lint(scenarios(edited))
    assert any("'agian'" in f.error.message for f in found)


def test_a_changed_word_list_lints_every_scenario_again(tmp_path: Path, linted: list[str]) -> None:
    lint(scenarios(), cache_dir=tmp_path)
    linted.clear()
    found = lint(scenarios(), frozenset({"noet", "heraing"}), cache_dir=tmp_path)
    assert linted == list(FILES)
    assert found == lint(scenarios(), frozenset({"noet", "heraing"}))
    assert {f.rule.code for f in found} == {"FU100"}


def _set_first(name: str, value: object) -> Callable[[dict], None]:
    def change(entry: dict) -> None:
        entry["findings"][0][name] = value

    return change


def _set(name: str, value: object) -> Callable[[dict], None]:
    return lambda entry: entry.__setitem__(name, value)


@pytest.mark.parametrize(
    "corrupt",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b'{"format": 1, "key": ', id="cut-short"),
        pytest.param(b"\xff\xfe not UTF-8", id="not-utf8"),
        pytest.param(b"[1, 2, 3]", id="not-a-mapping"),
        pytest.param(b"[" * 100_000, id="nested-too-deeply"),
        pytest.param(_set_first("line", "3"), id="line-as-text"),
        pytest.param(_set_first("column", True), id="column-as-bool"),
        pytest.param(_set_first("severity", "fatal"), id="unknown-severity"),
        pytest.param(_set_first("rule", "FU106"), id="rule-not-a-mapping"),
        pytest.param(_set("findings", {}), id="findings-not-a-list"),
        pytest.param(_set("format", 0), id="another-format"),
        pytest.param(_set("key", "0" * 64), id="another-key"),
        pytest.param("directory", id="a-directory"),
    ],
)
def test_a_corrupt_entry_is_a_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, linted: list[str], corrupt: object
) -> None:
    expected = lint(scenarios())
    lint(scenarios(), cache_dir=tmp_path)
    for entry in tmp_path.iterdir():
        if corrupt == "directory":
            entry.unlink()
            entry.mkdir()
        elif isinstance(corrupt, bytes):
            entry.write_bytes(corrupt)
        else:
            data = json.loads(entry.read_text())
            corrupt(data)  # type: ignore[operator]
            entry.write_text(json.dumps(data))
    linted.clear()
    assert lint(scenarios(), cache_dir=tmp_path) == expected
    assert linted == list(FILES)
    if corrupt != "directory":
        # The entries were written again, whole: the next run is a hit.
        monkeypatch.setattr(lint_module, "_dictionary", no_dictionary)
        linted.clear()
        assert lint(scenarios(), cache_dir=tmp_path) == expected
        assert linted == []


def test_a_cache_that_cannot_be_written_changes_nothing(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder should be")
    assert lint(scenarios(), cache_dir=not_a_folder) == lint(scenarios())


def test_findings_are_rebuilt_exactly_from_their_json_form() -> None:
    finding = Finding(
        ScenarioError("content/scenarios/d\u00e9mo.yml", 3, 9, "tips.do[0]", "'f\u0131nd' odd"),
        Rule("FU100", "lint-settings", "error", "unknown rule in lint.ignore"),
        "warning",
    )
    assert "<U+0131 LATIN SMALL LETTER DOTLESS I>" in finding.error.message
    assert lint_module._finding_from_json(lint_module._finding_to_json(finding)) == finding
