"""A scenario in another language: the default language's file with a translation laid over it.

A translation (`<docs>/<language>/scenarios/<id>.yml`) has the scenario's structure but only
the text, in its language, and whatever it changes for that language's readers (a step's
timing, a source of its own). It is laid over the scenario file (`overlay`):

- mappings merge key by key;
- a list of mappings that all carry an identity key (`id`; `channel` for a template's channel
  variants; `region` for regional notes) merges item by item on that key, and an item with a
  new key is added (a German-language source, a channel the market uses);
- every other value, lists included (tips, questions, `avoid`, a step's `sources`), replaces
  the scenario's as a whole, so a translation need not follow the original sentence by sentence.

The result is validated like any scenario file, and its problems point into the translation.
What the translation leaves out stays in the default language: `untranslated` lists it, and the
lint reports it (FU116).
"""

from __future__ import annotations

import dataclasses

from pydantic import BaseModel

from .errors import KeyPath
from .load import Position, RawScenario

IDENTITY_KEYS = ("id", "channel", "region")
"""The keys that identify an item of a list, in the order they are tried."""


def _identity(items: list) -> str | None:
    """The key every item of `items` (a list of mappings) carries, if any."""
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    for key in IDENTITY_KEYS:
        if all(isinstance(item.get(key), str) for item in items):
            return key
    return None


@dataclasses.dataclass
class _Merge:
    """The merged data, and where each of its parts came from in the translation."""

    to_translation: dict[KeyPath, KeyPath] = dataclasses.field(default_factory=dict)
    """Merged key path -> the translation's key path, for every part the translation wrote."""
    replaced: set[KeyPath] = dataclasses.field(default_factory=set)
    """Merged key paths whose value is the translation's as a whole."""

    def merge(self, base: object, over: object, path: KeyPath, over_path: KeyPath) -> object:
        self.to_translation[path] = over_path
        if isinstance(base, dict) and isinstance(over, dict):
            merged = dict(base)
            for key, value in over.items():
                if key in base:
                    merged[key] = self.merge(base[key], value, (*path, key), (*over_path, key))
                else:
                    merged[key] = value
                    self.to_translation[(*path, key)] = (*over_path, key)
                    self.replaced.add((*path, key))
            return merged
        if isinstance(base, list) and isinstance(over, list):
            key = _identity(base)
            if key is not None and _identity(over) == key:
                merged_list = list(base)
                index = {item[key]: i for i, item in enumerate(base)}
                for j, item in enumerate(over):
                    i = index.get(item[key])
                    if i is None:
                        merged_list.append(item)
                        self.to_translation[(*path, len(merged_list) - 1)] = (*over_path, j)
                        self.replaced.add((*path, len(merged_list) - 1))
                    else:
                        merged_list[i] = self.merge(base[i], item, (*path, i), (*over_path, j))
                return merged_list
        self.replaced.add(path)
        return over


def _translate(path: KeyPath, mapping: dict[KeyPath, KeyPath]) -> KeyPath | None:
    """`path` through the longest prefix `mapping` knows."""
    for cut in range(len(path), -1, -1):
        if path[:cut] in mapping:
            return (*mapping[path[:cut]], *path[cut:])
    return None


def overlay(base: RawScenario, translation: RawScenario) -> RawScenario:
    """The scenario `base` with `translation` laid over it, as one file to validate: its data
    is merged, and its positions are the translation's, so that a problem the translation
    causes points at its line (one in the default language's text points at the nearest key
    the translation wrote, and names the key path)."""
    work = _Merge()
    data = work.merge(base.data, translation.data, (), ())
    to_merged = {over: merged for merged, over in work.to_translation.items()}

    def moved(positions: dict[KeyPath, Position]) -> dict[KeyPath, Position]:
        out = {}
        for path, position in positions.items():
            merged = _translate(path, to_merged)
            if merged is not None:
                out[merged] = position
        return out

    spans = []
    for span in translation.spans:
        merged = _translate(span.key_path, to_merged)
        if merged is not None:
            spans.append(dataclasses.replace(span, key_path=merged))
    scalars = {}
    for path, info in translation.scalars.items():
        merged = _translate(path, to_merged)
        if merged is not None:
            scalars[merged] = info
    return RawScenario(
        path=translation.path,
        data=data,
        layer=base.layer,
        key_positions=moved(translation.key_positions),
        value_positions=moved(translation.value_positions),
        scalars=scalars,
        text=translation.text,
        spans=spans,
    )


def untranslated(base: RawScenario, translation: RawScenario, scenario: BaseModel) -> list[KeyPath]:
    """The key paths of `scenario`'s text (the default language's, validated from `base`:
    every prose field, and each placeholder's example value) that `translation` leaves as it
    is, in file order."""
    from .lint import prose_paths

    work = _Merge()
    work.merge(base.data, translation.data, (), ())
    texts = [*prose_paths(scenario)]
    texts += [("placeholders", key, "example") for key in getattr(scenario, "placeholders", {})]
    return [
        path
        for path in texts
        if not any(path[:cut] in work.replaced for cut in range(len(path), 0, -1))
    ]


TODO = "TODO translate: "
"""What `skeleton` puts before each text to translate (the lint reports every TODO, FU109)."""


def skeleton(base: RawScenario, scenario: BaseModel) -> dict:
    """A translation to fill in (`followup new ID --language CODE`): every text of the
    scenario, marked TODO, in the scenario's structure, with the keys that identify its parts
    and nothing else (a list without such keys is replaced whole, so it is given whole)."""
    from .lint import prose_paths

    texts = {*prose_paths(scenario)}
    texts |= {("placeholders", key, "example") for key in getattr(scenario, "placeholders", {})}

    def has_text(path: KeyPath) -> bool:
        return any(t[: len(path)] == path for t in texts)

    def build(value: object, path: KeyPath, whole: bool) -> object:
        if isinstance(value, str):
            return TODO + value if path in texts else value
        if isinstance(value, dict):
            out = {}
            for key, child in value.items():
                if whole or has_text((*path, key)):
                    out[key] = build(child, (*path, key), whole)
            return out
        if isinstance(value, list):
            key = _identity(value)
            if key is None:  # replaced as a whole: given whole
                return [build(item, (*path, i), True) for i, item in enumerate(value)]
            return [
                {key: item[key], **build(item, (*path, i), whole)}  # type: ignore[dict-item]
                for i, item in enumerate(value)
                if has_text((*path, i))
            ]
        return value

    data = base.data if isinstance(base.data, dict) else {}
    return {"id": data.get("id"), **build(data, (), False)}  # type: ignore[dict-item]
