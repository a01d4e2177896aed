"""Step 1: read scenario YAML safely into plain data, keeping the line and column of every key."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import KeyPath, ScenarioError, ScenarioErrors

MAX_FILE_BYTES = 256 * 1024
"""Scenario files larger than this are refused before parsing."""

MAX_NODES = 20_000
"""Upper bound on YAML nodes per file; a real scenario has a few hundred."""

_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML has it (16 times faster here), else the pure-Python one. Both
are safe loaders; we only ever compose nodes and construct plain scalars from them."""

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
}


@dataclass(frozen=True)
class Position:
    """A 1-based line and column in a file."""

    line: int
    column: int


@dataclass(frozen=True)
class ScalarInfo:
    """Where a string value starts and how it was written, to point inside multi-line text."""

    start: Position
    style: str | None
    """PyYAML's scalar style: None (plain), "'", '"', '|' or '>'."""
    indent: int
    """Column (0-based) where the lines of a block scalar's content start."""


@dataclass(frozen=True)
class Span:
    """Where one scalar is written in the file's text, as character offsets."""

    start: int
    end: int
    key_path: KeyPath
    """The key path of the value, or of the key when `is_key`."""
    style: str | None
    is_key: bool
    is_text: bool
    """The scalar is read as text (not a number, a date, true/false or empty)."""


@dataclass
class RawScenario:
    """One parsed file: plain data plus positions, not yet validated."""

    path: str
    """Path as shown in messages, relative to the project root."""
    data: object
    layer: int = 0
    """0 for the built-in scenarios, 1 for the forker's local folder (which wins on equal ids)."""
    key_positions: dict[KeyPath, Position] = field(default_factory=dict)
    value_positions: dict[KeyPath, Position] = field(default_factory=dict)
    scalars: dict[KeyPath, ScalarInfo] = field(default_factory=dict)
    text: str = ""
    """The file's text, to point at any character in it (comments included)."""
    spans: list[Span] = field(default_factory=list)
    """Where every scalar (value or key) is written in `text`, in file order."""

    def position(self, key_path: KeyPath, prefer_key: bool = False) -> Position:
        """Best position for a key path: the value (or the key), else the nearest parent."""
        path = tuple(key_path)
        while True:
            first, second = (
                (self.key_positions, self.value_positions)
                if prefer_key
                else (self.value_positions, self.key_positions)
            )
            if path in first:
                return first[path]
            if path in second:
                return second[path]
            if not path:
                return Position(1, 1)
            path = path[:-1]

    def error(self, key_path: KeyPath, message: str, prefer_key: bool = False) -> ScenarioError:
        from .errors import format_key_path

        pos = self.position(key_path, prefer_key=prefer_key)
        return ScenarioError(self.path, pos.line, pos.column, format_key_path(key_path), message)


def _pos(node_or_mark) -> Position:
    mark = getattr(node_or_mark, "start_mark", node_or_mark)
    return Position(mark.line + 1, mark.column + 1)


class _ProblemError(Exception):
    def __init__(self, position: Position, key_path: KeyPath, message: str) -> None:
        self.position = position
        self.key_path = key_path
        self.message = message


def _check_events(text: str) -> None:
    """Refuse anchors, aliases, custom tags and extra documents before building anything."""
    documents = 0
    for event in yaml.parse(text, Loader=_PARSER):
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _ProblemError(
                    _pos(event),
                    (),
                    "a scenario file holds one YAML document; remove the second '---'",
                )
        if isinstance(event, yaml.AliasEvent):
            raise _ProblemError(
                _pos(event), (), "YAML aliases (*name) are not allowed in scenario files"
            )
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _ProblemError(
                _pos(event),
                (),
                f"YAML anchors (&{anchor}) are not allowed in scenario files; repeat the text",
            )
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in _STANDARD_TAGS and tag != "!":
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise _ProblemError(
                _pos(event), (), f"YAML tag '{shown}' is not allowed in scenario files"
            )


class _Builder:
    """Turns a composed node tree into plain Python data and records positions."""

    def __init__(self, raw: RawScenario, text: str) -> None:
        self.raw = raw
        self.lines = text.splitlines()
        self.constructor = yaml.SafeLoader("")
        self.count = 0

    def build(self, node: Node, path: KeyPath) -> object:
        self.count += 1
        if self.count > MAX_NODES:
            raise _ProblemError(_pos(node), path, f"the file has more than {MAX_NODES} YAML nodes")
        self.raw.value_positions[path] = _pos(node)
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        value = self.constructor.construct_object(node, deep=True)
        self._span(node, path, is_key=False, is_text=isinstance(value, str))
        if isinstance(value, str):
            indent = 0
            if node.style in ("|", ">"):
                indent = _block_indent(node, self.lines)
            # libyaml gives plain scalars the style "", the pure-Python parser None.
            self.raw.scalars[path] = ScalarInfo(_pos(node), node.style or None, indent)
        return value

    def _span(self, node: ScalarNode, path: KeyPath, is_key: bool, is_text: bool) -> None:
        start, end = node.start_mark.index, node.end_mark.index
        self.raw.spans.append(Span(start, end, path, node.style or None, is_key, is_text))

    def _mapping(self, node: MappingNode, path: KeyPath) -> dict:
        result: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _ProblemError(
                    _pos(key_node), path, "YAML merge keys (<<) are not allowed in scenario files"
                )
            if not isinstance(key_node, ScalarNode):
                raise _ProblemError(_pos(key_node), path, "mapping keys must be plain text")
            key = self.constructor.construct_object(key_node)
            self._span(key_node, (*path, str(key)), is_key=True, is_text=isinstance(key, str))
            if not isinstance(key, str):
                key = str(key_node.value)
            child = (*path, key)
            if key in result:
                first = self.raw.key_positions[child]
                raise _ProblemError(
                    _pos(key_node),
                    child,
                    f"duplicate key '{key}' (first given at line {first.line})",
                )
            self.raw.key_positions[child] = _pos(key_node)
            result[key] = self.build(value_node, child)
        return result


def _block_indent(node: ScalarNode, lines: list[str]) -> int:
    """Column where a block scalar's text starts: the indentation of its first content line."""
    for line in lines[node.start_mark.line + 1 :]:
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return 0


def load_text(data: bytes, display_path: str) -> RawScenario:
    """Parse one file's bytes. Raises ScenarioErrors with one positioned problem on failure."""
    raw = RawScenario(path=display_path, data=None)

    def fail(position: Position, key_path: KeyPath, message: str) -> ScenarioErrors:
        from .errors import format_key_path

        return ScenarioErrors(
            [
                ScenarioError(
                    display_path, position.line, position.column, format_key_path(key_path), message
                )
            ]
        )

    if len(data) > MAX_FILE_BYTES:
        raise fail(Position(1, 1), (), _too_large(len(data)))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise fail(
            Position(line, column), (), "file is not valid UTF-8; save it with UTF-8 encoding"
        ) from None
    text = text.removeprefix("\ufeff")
    raw.text = text
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise fail(Position(1, 1), (), "file is empty; a scenario needs at least id and title")
    try:
        _check_events(text)
        node = yaml.compose(text, Loader=_PARSER)
        if node is None:
            raise _ProblemError(
                Position(1, 1), (), "file is empty; a scenario needs at least id and title"
            )
        raw.data = _Builder(raw, text).build(node, ())
    except _ProblemError as problem:
        raise fail(problem.position, problem.key_path, problem.message) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or "invalid YAML"
        if exc.context:
            started = ""
            if exc.context_mark is not None:
                started = f" (started at line {exc.context_mark.line + 1})"
                # "got <stream end>" points past the file; the opening bracket is more useful.
                if mark is not None and mark.line >= len(text.rstrip().splitlines()):
                    mark = exc.context_mark
            what = f"{exc.context}{started}, {what}"
        position = _pos(mark) if mark is not None else Position(1, 1)
        raise fail(position, (), f"YAML syntax error: {what}") from None
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        position = Position(before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1)
        code = (
            exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or " ")
        )
        raise fail(
            position,
            (),
            f"the text holds a character YAML does not allow (U+{code:04X}); remove it",
        ) from None
    except yaml.YAMLError as exc:
        raise fail(Position(1, 1), (), f"YAML error: {exc}") from None
    except RecursionError:
        raise fail(Position(1, 1), (), "the YAML is nested too deeply") from None
    if not isinstance(raw.data, dict):
        raise fail(
            Position(1, 1),
            (),
            f"a scenario file must be a mapping of keys (id: ..., title: ...), "
            f"got {type(raw.data).__name__}",
        )
    return raw


def _too_large(size: int) -> str:
    return f"file is {size // 1024} KiB; scenario files are limited to {MAX_FILE_BYTES // 1024} KiB"


def read_limited(file: Path, display: str) -> bytes:
    """A file's bytes, refusing one larger than MAX_FILE_BYTES without reading it: its size is
    checked first, and at most one byte more than the limit is ever read (a file that grows
    while it is read, or reports no size, cannot fill the memory)."""
    with file.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioErrors([ScenarioError(display, 1, 1, "(file)", _too_large(size))])
        return handle.read(MAX_FILE_BYTES + 1)


def scenario_files(scenarios_dir: Path) -> list[Path]:
    """Every scenario file, in name order. Files starting with `_` or `.` are ignored."""
    if not scenarios_dir.is_dir():
        return []
    return sorted(
        p
        for pattern in ("*.yml", "*.yaml")
        for p in scenarios_dir.glob(pattern)
        if p.is_file() and not p.name.startswith(("_", "."))
    )


_PARSED: dict[str, tuple[bytes, RawScenario]] = {}
"""The last parse of each file by this process, with the hash of its content: under
`mkdocs serve` a rebuild parses only the files that changed."""


def load_dir(
    scenarios_dir: Path, project_root: Path, layer: int = 0
) -> tuple[list[RawScenario], list[ScenarioError]]:
    """Load every scenario file; return the ones that parsed and the problems of the others."""
    loaded: list[RawScenario] = []
    errors: list[ScenarioError] = []
    root = project_root.resolve()
    for file in scenario_files(scenarios_dir):
        try:
            display = file.relative_to(project_root).as_posix()
        except ValueError:
            display = file.as_posix()
        if not file.resolve().is_relative_to(root):
            # A symbolic link (or a folder setting) must not pull files from outside the project.
            errors.append(
                ScenarioError(display, 1, 1, "(file)", "points outside the project; not read")
            )
            continue
        try:
            data = read_limited(file, display)
            digest = hashlib.sha256(data).digest()
            known = _PARSED.get(display)
            if known is None or known[0] != digest:
                known = _PARSED[display] = (digest, load_text(data, display))
            # A copy: the parsed data is shared (nothing changes it), the layer is not.
            loaded.append(dataclasses.replace(known[1], layer=layer))
        except ScenarioErrors as exc:
            errors.extend(exc.errors)
        except OSError as exc:
            errors.append(ScenarioError(display, 1, 1, "(file)", f"cannot read: {exc.strerror}"))
    return loaded, errors
