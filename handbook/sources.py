"""Read content files as text and YAML while keeping line and column of every value.

PyYAML's `safe_load` forgets where values came from and silently keeps the
last of two duplicate keys, so documents are composed into nodes and turned
into plain data here, recording a position for each key and value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from .errors import Problem

Location = tuple[int, int]  # 1-based line and column
KeyPath = tuple[str | int, ...]


@dataclass
class YamlDocument:
    """Plain data from a YAML file, with where each value and key stands."""

    data: Any
    display_path: str
    line_offset: int = 0
    values: dict[KeyPath, Location] = field(default_factory=dict)
    keys: dict[KeyPath, Location] = field(default_factory=dict)

    def locate(self, key_path: KeyPath, at_key: bool = False) -> Location:
        """The closest known position for `key_path`, walking up to its parents."""
        key_path = tuple(key_path)
        table = self.keys if at_key else self.values
        while key_path:
            if key_path in table:
                return table[key_path]
            if key_path in self.values:
                return self.values[key_path]
            key_path = key_path[:-1]
        return self.values.get((), (1 + self.line_offset, 1))

    def problem(self, key_path: KeyPath, message: str, hint: str = "", at_key: bool = False) -> Problem:
        line, column = self.locate(key_path, at_key)
        return Problem(self.display_path, line, column, message, hint)


def read_text(path: Path, display_path: str) -> tuple[str | None, list[Problem]]:
    """A file's text, or a problem if it cannot be read as UTF-8."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, [Problem(display_path, 0, 0, f"cannot read the file: {error.strerror}",
                              "check that it exists and that you may read it")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        return None, [Problem(display_path, line, column, "the file is not UTF-8 text",
                              "save it again with the encoding UTF-8")]
    return text.replace("\r\n", "\n"), []


def parse_yaml(text: str, display_path: str, line_offset: int = 0) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one YAML document. `line_offset` shifts positions (front matter inside Markdown)."""
    tab_problems = _tab_indentation(text, display_path, line_offset)
    if tab_problems:
        return None, tab_problems
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        return None, [_syntax_problem(error, display_path, line_offset)]
    except yaml.YAMLError as error:
        return None, [Problem(display_path, 1 + line_offset, 1, f"YAML syntax error: {error}",
                              "check the file's quotes, colons and indentation")]
    document = YamlDocument(None, display_path, line_offset)
    if node is None:
        return document, []
    problems: list[Problem] = []
    try:
        document.data = _to_data(node, (), document, problems, SafeConstructor(), set(), [0])
    except _TooComplex as error:
        return None, [Problem(display_path, error.line + line_offset, 1, str(error),
                              "write the values out in full instead of repeating them with & and *")]
    return document, problems


def _syntax_problem(error: yaml.MarkedYAMLError, display_path: str, line_offset: int) -> Problem:
    mark = error.problem_mark or error.context_mark
    message = f"YAML syntax error: {error.problem or error.context or 'invalid YAML'}"
    hint = "check quotes, colons and indentation on this line and the one above"
    if error.context and "quoted scalar" in error.context and error.context_mark:
        mark = error.context_mark  # where the quote was opened, not the end of the file
        message = "a quote is opened here but never closed"
        hint = "add the closing quote mark"
    line = mark.line + 1 + line_offset if mark else 1 + line_offset
    return Problem(display_path, line, (mark.column + 1) if mark else 1, message, hint)


def _tab_indentation(text: str, display_path: str, line_offset: int) -> list[Problem]:
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            return [Problem(display_path, number + line_offset, len(line) - len(stripped) + 1,
                            "a tab is used for indentation", "YAML needs spaces: replace the tab with spaces")]
    return []


MAX_NODES = 50_000  # far above any handbook file; stops "billion laughs" alias bombs


class _TooComplex(Exception):
    def __init__(self, message: str, node: yaml.Node):
        super().__init__(message)
        self.line = node.start_mark.line + 1


def _tag(node: yaml.Node) -> str:
    return node.tag.replace("tag:yaml.org,2002:", "!!")


def _mark(node: yaml.Node, offset: int) -> Location:
    return node.start_mark.line + 1 + offset, node.start_mark.column + 1


def _to_data(node: yaml.Node, key_path: KeyPath, document: YamlDocument, problems: list[Problem],
             constructor: SafeConstructor, ancestors: set[int], count: list[int]) -> Any:
    count[0] += 1
    if count[0] > MAX_NODES:
        raise _TooComplex("the file repeats values too many times", node)
    if id(node) in ancestors:
        raise _TooComplex("a value contains itself (a '*' alias inside its own '&' anchor)", node)
    document.values[key_path] = _mark(node, document.line_offset)
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        ancestors = ancestors | {id(node)}
        if node.tag not in (yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG):
            line, column = _mark(node, document.line_offset)
            problems.append(Problem(document.display_path, line, column, f"this value cannot be read: unknown tag '{_tag(node)}'",
                                    f"remove '{_tag(node)}' and write plain text"))
            return None
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                line, column = _mark(key_node, document.line_offset)
                problems.append(Problem(document.display_path, line, column,
                                        "a key must be a plain word", "write the key as text"))
                continue
            key = str(key_node.value)
            child_path = key_path + (key,)
            if key in result:
                line, column = _mark(key_node, document.line_offset)
                first_line = document.keys[child_path][0]
                problems.append(Problem(document.display_path, line, column,
                                        f"the key '{key}' appears twice (first on line {first_line})",
                                        "keep one of them"))
                continue
            document.keys[child_path] = _mark(key_node, document.line_offset)
            result[key] = _to_data(value_node, child_path, document, problems, constructor, ancestors, count)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_data(item, key_path + (index,), document, problems, constructor, ancestors, count)
                for index, item in enumerate(node.value)]
    try:
        return constructor.construct_object(node)
    except ConstructorError:
        message, hint = f"this value cannot be read: unknown tag '{_tag(node)}'", f"remove '{_tag(node)}' and write plain text"
    except (ValueError, OverflowError) as error:
        if node.tag.endswith(":timestamp"):
            message, hint = f"'{node.value}' is not a real date ({error})", "write a real date as YYYY-MM-DD"
        else:
            message, hint = f"this value cannot be read: {error}", "write it as plain text in quotes"
    line, column = _mark(node, document.line_offset)
    problems.append(Problem(document.display_path, line, column, message, hint))
    return None
