"""The committed JSON Schema matches the models, and every scenario points editors at it."""

from __future__ import annotations

import json
import subprocess
import sys

from helpers import ROOT

from build_scripts.cli import SCHEMA_PATH, TRANSLATION_SCHEMA_PATH, schema_text
from build_scripts.load import scenario_files
from build_scripts.schema import Scenario


def test_committed_json_schema_is_in_sync_with_the_models() -> None:
    committed = (ROOT / SCHEMA_PATH).read_text(encoding="utf-8")
    assert committed == schema_text(), "run `followup schema` and commit the result"
    translation = (ROOT / TRANSLATION_SCHEMA_PATH).read_text(encoding="utf-8")
    assert translation == schema_text(translation=True), "run `followup schema` and commit"


def test_the_translation_schema_asks_only_for_the_keys_that_identify_parts() -> None:
    schema = json.loads(schema_text(translation=True))
    assert schema["required"] == ["id"]
    assert schema["additionalProperties"] is False
    definitions = schema["$defs"]
    assert definitions["Template"]["required"] == ["id"]
    assert definitions["Variant"]["required"] == ["channel"]
    assert definitions["RegionalNote"]["required"] == ["region"]
    assert "required" not in definitions["Placeholder"]
    assert "minItems" not in json.dumps(schema)


def test_every_translation_starts_with_its_schema_modeline_and_validates() -> None:
    files = sorted((ROOT / "content").glob("*/scenarios/*.yml"))
    assert files
    for file in files:
        first = file.read_text(encoding="utf-8").splitlines()[0]
        expected = "# yaml-language-server: $schema=../../schema/scenario-translation.schema.json"
        assert first == expected, file.name
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile",
         str(ROOT / TRANSLATION_SCHEMA_PATH), *map(str, files)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_schema_forbids_unknown_keys_and_documents_every_field() -> None:
    schema = json.loads(schema_text())
    assert schema["additionalProperties"] is False
    for name, prop in schema["properties"].items():
        assert prop.get("description"), f"{name} has no description"
    assert set(schema["required"]) >= {"id", "title", "summary", "trigger", "timeline", "templates"}
    assert "$schema" not in schema  # editors validate with draft-07 semantics
    assert set(Scenario.model_fields) <= set(schema["properties"])


def test_every_scenario_file_starts_with_the_schema_modeline() -> None:
    for file in scenario_files(ROOT / "content" / "scenarios"):
        first = file.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schema/scenario.schema.json", file.name
