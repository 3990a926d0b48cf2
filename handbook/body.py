"""Checks on chapter bodies that need the raw Markdown lines, so each problem has its line.

Python-Markdown's output carries no source positions, so references (block
lines, pictures, links) and forbidden raw HTML are found here, on the text,
before anything is rendered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from markdown.extensions.toc import slugify

from .errors import Problem, did_you_mean
from .model import Chapter

BLOCK_LINE = re.compile(r"^\[\[\s*(?P<kind>[a-z-]+)\s*(?::\s*(?P<arg>.*?))?\s*\]\]\s*$")
BLOCK_KINDS = ("table", "checklist", "write-in", "lines")
MAX_RULED_LINES = 30
FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"`[^`]*`")
IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\(\s*(?P<target>[^)\s]*)(?:\s+\"[^\"]*\")?\s*\)")
LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\(\s*(?P<target>[^)\s]*)(?:\s+\"[^\"]*\")?\s*\)")
RAW_HTML = re.compile(r"<(/?[A-Za-z][A-Za-z0-9-]*)(\s[^<>]*)?/?>|<!--")
HEADING = re.compile(r"^(?P<marks>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
LINK_SCHEMES = ("http", "https", "mailto", "tel")


@dataclass(frozen=True)
class SourceLine:
    """One line of a chapter body outside code: its file line number and text (code spans removed)."""

    number: int
    text: str


def parse_block_line(text: str) -> tuple[str, str] | None:
    match = BLOCK_LINE.match(text.strip())
    if not match:
        return None
    return match["kind"], (match["arg"] or "").strip()


def prose_lines(chapter: Chapter) -> list[SourceLine]:
    """The body's lines outside fenced code, with code spans blanked out."""
    lines = []
    fenced = False
    for offset, text in enumerate(chapter.body.split("\n")):
        if FENCE.match(text):
            fenced = not fenced
        elif not fenced:
            lines.append(SourceLine(chapter.body_line + offset, CODE_SPAN.sub("", text)))
    return lines


def link_titles(chapters, tables: dict[str, str]) -> dict[str, str]:
    """Every link target in the document (chapters, tables by caption, section headings) and what it is called."""
    found = {chapter.anchor: chapter.title for chapter in chapters}
    found |= {f"table-{name}": caption for name, caption in tables.items()}
    for chapter in chapters:
        for line in prose_lines(chapter):
            if match := HEADING.match(line.text):
                found[f"{chapter.anchor}-{slugify(match['text'], '-')}"] = match["text"]
    return found


def check_bodies(chapters: list[Chapter], tables: set[str], has_checklist: bool, content_dir: Path) -> list[Problem]:
    problems: list[Problem] = []
    targets = set(link_titles(chapters, {name: name for name in tables}))
    checklist_places: list[tuple[Chapter, int]] = []
    for chapter in chapters:
        for line in prose_lines(chapter):
            def problem(message: str, hint: str, column: int = 1) -> None:
                problems.append(Problem(chapter.display_path, line.number, column, message, hint))

            stripped = line.text.strip()
            if stripped.startswith("[["):
                kind = _check_block(stripped, tables, has_checklist, problem)
                if kind == "checklist":
                    checklist_places.append((chapter, line.number))
                continue
            if HEADING.match(line.text) and len(HEADING.match(line.text)["marks"]) == 1:
                problem("a '# ' heading inside a chapter", "the chapter title is printed for you: use '## ' for sections")
            if match := RAW_HTML.search(line.text):
                problem(f"raw HTML '{match[0][:30]}' is not allowed",
                        "write Markdown instead; to show the text itself, put it in `backticks`", match.start() + 1)
            for match in IMAGE.finditer(line.text):
                _check_image(match, content_dir, problem)
            for match in LINK.finditer(line.text):
                _check_link(match, targets, problem)
    for chapter, number in checklist_places[1:]:
        problems.append(Problem(chapter.display_path, number, 1, "the checklist is placed more than once",
                                f"keep only the one in {checklist_places[0][0].display_path}"))
    return problems


def _check_block(text: str, tables: set[str], has_checklist: bool, problem) -> str:
    parsed = parse_block_line(text)
    if parsed is None:
        problem(f"'{text}' is not a block line",
                "write it alone on its line as [[table: NAME]], [[checklist]], [[write-in: LABEL]] or [[lines: N]]")
        return ""
    kind, argument = parsed
    if kind not in BLOCK_KINDS:
        problem(f"unknown block '[[{kind}]]'", did_you_mean(kind, BLOCK_KINDS))
    elif kind == "table" and not argument:
        problem("[[table]] needs a table name", "write [[table: NAME]] for tables/NAME.yml")
    elif kind == "table" and argument not in tables:
        problem(f"there is no table '{argument}' (tables/{argument}.yml)", did_you_mean(argument, tables))
    elif kind == "checklist" and not has_checklist:
        problem("[[checklist]] is placed but there is no checklist.yml", "add checklist.yml to the content folder")
    elif kind == "write-in" and not argument:
        problem("[[write-in]] needs a label", "write [[write-in: My doctor's phone]]")
    elif kind == "lines" and not (argument.isdigit() and 1 <= int(argument) <= MAX_RULED_LINES):
        problem(f"[[lines: {argument}]] needs a number of lines", f"write a whole number from 1 to {MAX_RULED_LINES}")
    return kind


def _check_image(match: re.Match, content_dir: Path, problem) -> None:
    target = match["target"]
    column = match.start("target") + 1
    if not target:
        problem("the picture has no file name", "write ![description](images/NAME.png)", column)
        return
    if urlsplit(target).scheme or target.startswith(("/", "\\")):
        problem(f"the picture '{target}' is not a file in the content folder",
                "a build reads nothing outside the project: copy the picture into images/ and write images/NAME.png",
                column)
        return
    path = (content_dir / target).resolve()
    if not path.is_relative_to(content_dir.resolve()):
        problem(f"the picture '{target}' is outside the content folder",
                "copy it into the content folder's images/ and write images/NAME.png", column)
    elif not path.is_file():
        siblings = [item.relative_to(content_dir.resolve()).as_posix() for item in path.parent.glob("*")
                    if item.is_file()] if path.parent.is_dir() else []
        problem(f"the picture '{target}' does not exist", did_you_mean(target, siblings), column)


def _check_link(match: re.Match, targets: set[str], problem) -> None:
    target = match["target"]
    column = match.start("target") + 1
    scheme = urlsplit(target).scheme.lower()
    if target.startswith("#"):
        if target[1:] not in targets:
            problem(f"the link target '{target}' does not exist", did_you_mean(target[1:], targets), column)
    elif scheme not in LINK_SCHEMES:
        problem(f"the link '{target}' cannot work in a PDF",
                "link to a chapter with #chapter-id, or to a web page with https://", column)


def missing_alt_text(chapters: tuple[Chapter, ...], edition: str) -> list[Problem]:
    """Pictures without a description, for editions read aloud by screen readers."""
    return [Problem(chapter.display_path, line.number, match.start() + 1,
                    f"the picture '{match['target']}' has no description, which the {edition} edition needs",
                    "describe it between the brackets: ![what the picture shows](...)")
            for chapter in chapters for line in prose_lines(chapter)
            for match in IMAGE.finditer(line.text) if not match["alt"].strip()]
