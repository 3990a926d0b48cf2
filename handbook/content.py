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

from collections.abc import Collection
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .body import check_bodies
from .errors import BuildError, ContentError, Problem, did_you_mean, display_path
from .model import Chapter, Checklist, Edition, FrontMatter, Handbook, Metadata, Table
from .sources import YamlDocument, parse_yaml, read_text

METADATA_FILE = "handbook.yml"
CHECKLIST_FILE = "checklist.yml"
CHAPTERS_DIR = "chapters"
TABLES_DIR = "tables"


def load_editions(path: Path, root: Path) -> dict[str, Edition]:
    """The catalogue of editions (styles/editions.yml). Raises ContentError."""
    problems: list[Problem] = []
    shown = display_path(path, root / "content")
    text, read_problems = read_text(path, shown)
    problems += read_problems
    document = parse_document(text, shown, problems) if text is not None else None
    editions: dict[str, Edition] = {}
    if document is not None and not isinstance(document.data, dict):
        problems.append(document.problem((), "this must be a list of editions by name", "see the comment at its top"))
    elif document is not None:
        for name, value in document.data.items():
            sub = YamlDocument(value, shown, 0, {key[1:]: place for key, place in document.values.items() if key[:1] == (name,)},
                               {key[1:]: place for key, place in document.keys.items() if key[:1] == (name,)})
            sub.values.setdefault((), document.keys[(name,)])
            edition = validate(sub, Edition, problems)
            if edition is not None:
                editions[name] = edition
                for sheet in edition.stylesheets:
                    if not (path.parent / "editions" / sheet).is_file():
                        problems.append(document.problem((name, "stylesheets"), f"there is no styles/editions/{sheet}",
                                                         "create it or remove it from the list"))
    if problems:
        raise ContentError(problems)
    return editions


def load_handbook(content_dir: Path, known_editions: Collection[str] = ()) -> Handbook:
    """Read, validate and assemble one handbook. Raises ContentError listing every problem.

    `known_editions`, when given, are the edition names `editions:` in handbook.yml may use.
    """
    content_dir = Path(content_dir)
    if not (content_dir / METADATA_FILE).is_file():
        raise BuildError([Problem(str(content_dir), 0, 0, f"no {METADATA_FILE} found in this folder",
                                  "give --content the folder that holds handbook.yml")])
    problems: list[Problem] = []

    def read(path: Path) -> tuple[str | None, str]:
        shown = display_path(path, content_dir)
        text, read_problems = read_text(path, shown)
        problems.extend(read_problems)
        return text, shown

    text, shown = read(content_dir / METADATA_FILE)
    document = parse_document(text, shown, problems) if text is not None else None
    metadata = validate(document, Metadata, problems) if document is not None else None
    if metadata is not None and known_editions:
        for index, name in enumerate(metadata.editions):
            if name not in known_editions:
                problems.append(document.problem(("editions", index), f"there is no edition '{name}'",
                                                 did_you_mean(name, known_editions)))

    tables = {}
    for path in sorted((content_dir / TABLES_DIR).glob("*.yml")):
        text, shown = read(path)
        if text is not None and (table := parse_table(text, shown, problems)) is not None:
            tables[path.stem] = table

    checklist = None
    if (content_dir / CHECKLIST_FILE).exists():
        text, shown = read(content_dir / CHECKLIST_FILE)
        checklist = parse_model(text, shown, Checklist, problems) if text is not None else None

    chapter_paths = sorted((content_dir / CHAPTERS_DIR).glob("*.md"))
    chapters = []
    for path in chapter_paths:
        text, shown = read(path)
        if text is not None and (chapter := parse_chapter(text, path, shown, problems)) is not None:
            chapters.append(chapter)
    if not chapter_paths:
        problems.append(Problem(display_path(content_dir / CHAPTERS_DIR, content_dir), 0, 0,
                                "there are no chapters", "add Markdown files ending in .md to this folder"))

    problems += _check_unique(chapters)
    known_tables = set(tables) | {path.stem for path in (content_dir / TABLES_DIR).glob("*.yml")}
    has_checklist = (content_dir / CHECKLIST_FILE).exists()
    problems += check_bodies(chapters, known_tables, has_checklist, content_dir)

    if problems or metadata is None:
        raise ContentError(problems)
    return Handbook(
        content_dir=content_dir,
        metadata=metadata,
        chapters=tuple(sorted(chapters, key=lambda chapter: chapter.front.order)),
        tables=tables,
        checklist=checklist,
    )


def parse_document(text: str, shown: str, problems: list[Problem], line_offset: int = 0,
                   empty_hint: str = "fill it in as the README shows") -> YamlDocument | None:
    """YAML text to a located document; None (with problems) if it is broken or empty."""
    document, parse_problems = parse_yaml(text, shown, line_offset)
    problems += parse_problems
    if document is None or parse_problems:
        return None
    if document.data is None:
        problems.append(Problem(shown, 1 + line_offset, 1, "there is nothing in it", empty_hint))
        return None
    return document


def parse_model(text: str, shown: str, schema: type[BaseModel], problems: list[Problem]) -> Any:
    document = parse_document(text, shown, problems)
    return None if document is None else validate(document, schema, problems)


def parse_table(text: str, shown: str, problems: list[Problem]) -> Table | None:
    document = parse_document(text, shown, problems)
    if document is None:
        return None
    found: list[Problem] = []
    table = validate(document, Table, found)
    if table is not None:
        found += _check_rows(table, document)
    problems += found
    return None if found else table


def parse_chapter(text: str, path: Path, shown: str, problems: list[Problem]) -> Chapter | None:
    """Front matter between `---` lines, then the Markdown body."""
    lines = text.split("\n")
    if lines[0].strip() != "---":
        problems.append(Problem(shown, 1, 1, "the chapter does not start with front matter",
                                "start the file with a line '---', then id, title and order, then '---'"))
        return None
    closing = next((number for number, line in enumerate(lines[1:], start=1) if line.strip() == "---"), None)
    if closing is None:
        problems.append(Problem(shown, 1, 1, "the front matter is not closed",
                                "add a line '---' after the last front-matter line"))
        return None
    document = parse_document("\n".join(lines[1:closing]), shown, problems, line_offset=1,
                              empty_hint="add id, title and order")
    if document is None:
        return None
    front = validate(document, FrontMatter, problems)
    body = "\n".join(lines[closing + 1:])
    if not body.strip():
        problems.append(Problem(shown, closing + 1, 1, "the chapter has no text after its front matter",
                                "write the chapter below the closing '---'"))
        return None
    if front is None:
        return None
    key_lines = {key[0]: line for key, (line, _) in document.keys.items() if len(key) == 1}
    return Chapter(front=front, body=body, path=path, display_path=shown, body_line=closing + 2,
                   front_lines=key_lines)


def validate(document: YamlDocument, schema: type[BaseModel], problems: list[Problem]) -> Any:
    """Validate YAML data against a schema, turning each schema error into a located problem."""
    if not isinstance(document.data, dict):
        problems.append(document.problem((), "this must be a list of 'key: value' lines",
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
    if isinstance(key_path[-1:] and key_path[-1], int):
        name = f"{key_path[-2]} entry {key_path[-1] + 1}" if len(key_path) > 1 else f"entry {key_path[-1] + 1}"
    kind = detail["type"]
    if kind == "missing":
        return document.problem(key_path[:-1], f"'{name}' is missing", f"add a line '{name}: ...'")
    if kind == "extra_forbidden":
        return document.problem(key_path, f"unknown key '{name}'", did_you_mean(name, _field_names(schema)),
                                at_key=True)
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
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return document.problem(key_path, f"'{name}' must be a whole number", "write digits only, e.g. 3")
    if kind in ("string_type", "str_type"):
        return document.problem(key_path, f"'{name}' must be text", "write it as text, in quotes if it has a colon")
    if kind in ("list_type",):
        return document.problem(key_path, f"'{name}' must be a list", "write each entry on its own line starting with '- '")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return document.problem(key_path, f"'{name}' must be a group of 'key: value' lines",
                                "see the README for the keys it takes")
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
                                                 f"add '{key}: ...' to this row; write '' for an empty cell"))
    return problems


def _check_unique(chapters: list[Chapter]) -> list[Problem]:
    problems = []
    for attribute in ("id", "order"):
        first: dict[object, Chapter] = {}
        for chapter in chapters:
            value = getattr(chapter.front, attribute)
            if value in first:
                problems.append(Problem(chapter.display_path, chapter.front_lines.get(attribute, 1), 1,
                                        f"the chapter {attribute} '{value}' is also used by {first[value].display_path}",
                                        f"give each chapter its own {attribute}"))
            else:
                first[value] = chapter
    return problems
