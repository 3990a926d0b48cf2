"""Load a content folder into a validated `Handbook`, or report every problem found.

Layout of a content folder:
    handbook.yml          metadata (Metadata)
    checklist.yml         the disposal checklist (Checklist), optional
    chapters/*.md         chapters: front matter (FrontMatter) + Markdown body
    tables/*.yml          data tables (Table)
    images/               pictures used by chapters, optional

Like MkDocs, everything is read and checked before anything is rendered, and
all problems are collected rather than stopping at the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import BuildError, ContentError, Problem, did_you_mean, display_path
from .model import Chapter, Checklist, FrontMatter, Handbook, Metadata, Table
from .sources import YamlDocument, parse_yaml, read_text

METADATA_FILE = "handbook.yml"
CHECKLIST_FILE = "checklist.yml"
CHAPTERS_DIR = "chapters"
TABLES_DIR = "tables"

BLOCK_LINE = re.compile(r"^\[\[\s*(?P<kind>[a-z-]+)\s*(?::\s*(?P<arg>.*?))?\s*\]\]\s*$")
BLOCK_KINDS = ("table", "checklist", "write-in", "lines")
MAX_RULED_LINES = 30
FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class BlockLine:
    """A `[[kind: argument]]` line in a chapter body."""

    kind: str
    argument: str
    line: int


def parse_block_line(text: str) -> tuple[str, str] | None:
    match = BLOCK_LINE.match(text.strip())
    if not match:
        return None
    return match["kind"], (match["arg"] or "").strip()


def load_handbook(content_dir: Path) -> Handbook:
    """Read, validate and assemble one handbook. Raises ContentError listing every problem."""
    content_dir = Path(content_dir)
    if not (content_dir / METADATA_FILE).is_file():
        raise BuildError([Problem(str(content_dir), 0, 0, f"no {METADATA_FILE} found in this folder",
                                  "give --content the folder that holds handbook.yml")])
    problems: list[Problem] = []

    metadata = _load_model(content_dir / METADATA_FILE, content_dir, Metadata, problems)
    tables = {path.stem: table for path in sorted((content_dir / TABLES_DIR).glob("*.yml"))
              if (table := _load_table(path, content_dir, problems)) is not None}
    checklist = None
    if (content_dir / CHECKLIST_FILE).exists():
        checklist = _load_model(content_dir / CHECKLIST_FILE, content_dir, Checklist, problems)

    chapters = [chapter for path in sorted((content_dir / CHAPTERS_DIR).glob("*.md"))
                if (chapter := _load_chapter(path, content_dir, problems)) is not None]
    if not chapters and not list((content_dir / CHAPTERS_DIR).glob("*.md")):
        problems.append(Problem(display_path(content_dir / CHAPTERS_DIR, content_dir), 0, 0,
                                "there are no chapters", "add Markdown files ending in .md to this folder"))
    problems += _check_unique(chapters)
    problems += _check_blocks(chapters, tables, checklist, content_dir)

    if problems or metadata is None:
        raise ContentError(problems)
    return Handbook(
        content_dir=content_dir,
        metadata=metadata,
        chapters=tuple(sorted(chapters, key=lambda chapter: chapter.front.order)),
        tables=tables,
        checklist=checklist,
    )


def _load_yaml(path: Path, content_dir: Path, problems: list[Problem]) -> YamlDocument | None:
    shown = display_path(path, content_dir)
    text, read_problems = read_text(path, shown)
    problems += read_problems
    if text is None:
        return None
    document, parse_problems = parse_yaml(text, shown)
    problems += parse_problems
    if document is None or parse_problems:
        return None
    if document.data is None:
        problems.append(Problem(shown, 1, 1, "the file is empty", "fill it in as the README shows"))
        return None
    return document


def _load_model(path: Path, content_dir: Path, schema: type[BaseModel], problems: list[Problem]) -> Any:
    document = _load_yaml(path, content_dir, problems)
    if document is None:
        return None
    return validate(document, schema, problems)


def validate(document: YamlDocument, schema: type[BaseModel], problems: list[Problem]) -> Any:
    """Validate YAML data against a schema, turning each schema error into a located problem."""
    if not isinstance(document.data, dict):
        problems.append(document.problem((), "this file must hold 'key: value' lines",
                                         "see the README for the keys it takes"))
        return None
    try:
        return schema.model_validate(document.data)
    except ValidationError as error:
        problems += [_schema_problem(document, schema, detail) for detail in error.errors()]
        return None


def _schema_problem(document: YamlDocument, schema: type[BaseModel], detail: dict) -> Problem:
    key_path = tuple(part for part in detail["loc"] if not (isinstance(part, str) and "[" in part))
    name = str(key_path[-1]) if key_path else ""
    kind = detail["type"]
    if kind == "missing":
        return document.problem(key_path[:-1], f"'{name}' is missing", f"add a line '{name}: ...'")
    if kind == "extra_forbidden":
        hint = did_you_mean(name, _field_names(schema))
        return document.problem(key_path, f"unknown key '{name}'", hint, at_key=True)
    if kind.startswith("date") or kind.startswith("datetime"):
        return document.problem(key_path, f"'{name}' is not a date", "write it as YYYY-MM-DD, e.g. 2026-01-31")
    if kind == "string_pattern_mismatch":
        if name == "language":
            hint = "write a language tag such as en-US or es"
        else:
            hint = "use lowercase letters, digits and single hyphens, e.g. side-effects"
        return document.problem(key_path, f"'{name}' has a form that is not allowed", hint)
    if kind == "string_too_short":
        return document.problem(key_path, f"'{name}' is empty", "write some text after the colon")
    if kind == "too_short":
        return document.problem(key_path, f"'{name}' needs at least one entry", "add an entry starting with '- '")
    if kind == "too_long":
        return document.problem(key_path, f"'{name}' has too many entries", detail["msg"].lower())
    if kind == "literal_error":
        return document.problem(key_path, f"'{name}' {detail['msg'].lower()}", "use one of the allowed values")
    where = f"'{name}'" if name else "this value"
    return document.problem(key_path, f"{where}: {detail['msg'].lower()}", "see the README for what this key takes")


def _field_names(schema: type[BaseModel]) -> set[str]:
    names: set[str] = set()
    for name, field in schema.model_fields.items():
        names.add(name)
        annotation = field.annotation
        for candidate in (annotation, *getattr(annotation, "__args__", ())):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                names |= _field_names(candidate)
    return names


def _load_table(path: Path, content_dir: Path, problems: list[Problem]) -> Table | None:
    document = _load_yaml(path, content_dir, problems)
    if document is None:
        return None
    found: list[Problem] = []
    table = validate(document, Table, found)
    if table is not None:
        found += _check_rows(table, document)
    problems += found
    return None if found else table


def _check_rows(table: Table, document: YamlDocument) -> list[Problem]:
    problems = []
    keys = [column.key for column in table.columns]
    seen: set[str] = set()
    for index, column in enumerate(table.columns):
        if column.key in seen:
            problems.append(document.problem(("columns", index, "key"), f"the column key '{column.key}' is used twice",
                                             "give each column its own key"))
        seen.add(column.key)
    for index, row in enumerate(table.rows):
        for key in row:
            if key not in keys:
                problems.append(document.problem(("rows", index, key), f"row {index + 1} has a cell '{key}' that is not a column",
                                                 did_you_mean(key, keys), at_key=True))
        for key in keys:
            if key not in row:
                problems.append(document.problem(("rows", index), f"row {index + 1} has no cell for the column '{key}'",
                                                 f"add '{key}: ...' to this row (an empty cell is written as '')"))
    return problems


def _load_chapter(path: Path, content_dir: Path, problems: list[Problem]) -> Chapter | None:
    shown = display_path(path, content_dir)
    text, read_problems = read_text(path, shown)
    problems += read_problems
    if text is None:
        return None
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.append(Problem(shown, 1, 1, "the chapter does not start with front matter",
                                "start the file with a line '---', then id, title and order, then '---'"))
        return None
    closing = next((number for number, line in enumerate(lines[1:], start=1) if line.strip() == "---"), None)
    if closing is None:
        problems.append(Problem(shown, 1, 1, "the front matter is not closed",
                                "add a line '---' after the last front-matter line"))
        return None
    document, parse_problems = parse_yaml("\n".join(lines[1:closing]), shown, line_offset=1)
    problems += parse_problems
    if document is None or parse_problems:
        return None
    if document.data is None:
        problems.append(Problem(shown, 1, 1, "the front matter is empty", "add id, title and order"))
        return None
    front = validate(document, FrontMatter, problems)
    body = "\n".join(lines[closing + 1:])
    if not body.strip():
        problems.append(Problem(shown, closing + 1, 1, "the chapter has no text after its front matter",
                                "write the chapter below the closing '---'"))
        return None
    if front is None:
        return None
    return Chapter(front=front, body=body, path=path, display_path=shown, body_line=closing + 2)


def _check_unique(chapters: list[Chapter]) -> list[Problem]:
    problems = []
    for attribute in ("id", "order"):
        first: dict[object, Chapter] = {}
        for chapter in chapters:
            value = getattr(chapter.front, attribute)
            if value in first:
                problems.append(Problem(chapter.display_path, _front_line(chapter, attribute), 1,
                                        f"the chapter {attribute} '{value}' is also used by {first[value].display_path}",
                                        f"give each chapter its own {attribute}"))
            else:
                first[value] = chapter
    return problems


def _front_line(chapter: Chapter, key: str) -> int:
    for number, line in enumerate(chapter.path.read_text(encoding="utf-8-sig").split("\n")[: chapter.body_line], 1):
        if line.startswith(f"{key}:"):
            return number
    return 1


def block_lines(chapter: Chapter) -> list[BlockLine]:
    """Every `[[...]]` line of a chapter's body (outside code fences), with its file line."""
    found = []
    fenced = False
    for offset, text in enumerate(chapter.body.split("\n")):
        if FENCE.match(text):
            fenced = not fenced
            continue
        if fenced or not text.strip().startswith("[["):
            continue
        parsed = parse_block_line(text)
        kind, argument = parsed if parsed else ("", text.strip())
        found.append(BlockLine(kind, argument, chapter.body_line + offset))
    return found


def _check_blocks(chapters: list[Chapter], tables: dict[str, Table], checklist: Checklist | None,
                  content_dir: Path) -> list[Problem]:
    problems = []
    checklist_places = []
    for chapter in chapters:
        for block in block_lines(chapter):
            def problem(message: str, hint: str) -> None:
                problems.append(Problem(chapter.display_path, block.line, 1, message, hint))

            if block.kind not in BLOCK_KINDS:
                if block.kind:
                    problem(f"unknown block '[[{block.kind}]]'", did_you_mean(block.kind, BLOCK_KINDS))
                else:
                    problem(f"'{block.argument}' is not a block line",
                            "write it alone on its line as [[table: NAME]], [[checklist]], [[write-in: LABEL]] or [[lines: N]]")
            elif block.kind == "table":
                if not block.argument:
                    problem("[[table]] needs a table name", "write [[table: NAME]] for tables/NAME.yml")
                elif block.argument not in tables and not (content_dir / TABLES_DIR / f"{block.argument}.yml").exists():
                    problem(f"there is no table '{block.argument}' (tables/{block.argument}.yml)",
                            did_you_mean(block.argument, tables))
            elif block.kind == "checklist":
                checklist_places.append((chapter, block))
                if checklist is None and not (content_dir / CHECKLIST_FILE).exists():
                    problem("[[checklist]] is placed but there is no checklist.yml", "add checklist.yml to the content folder")
            elif block.kind == "write-in" and not block.argument:
                problem("[[write-in]] needs a label", "write [[write-in: My doctor's phone]]")
            elif block.kind == "lines" and not (block.argument.isdigit() and 1 <= int(block.argument) <= MAX_RULED_LINES):
                problem(f"[[lines: {block.argument}]] needs a number of lines", f"write a whole number from 1 to {MAX_RULED_LINES}")
    for chapter, block in checklist_places[1:]:
        problems.append(Problem(chapter.display_path, block.line, 1, "the checklist is placed more than once",
                                f"keep only the one in {checklist_places[0][0].display_path}"))
    return problems
