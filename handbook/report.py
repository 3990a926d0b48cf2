"""Content-quality report: reading level per chapter and warnings an editor should look at.

Nothing here stops a build. The loader (`content.py`, `body.py`) refuses
content that cannot be printed; this report points at content that prints but
may serve patients badly. Each warning names its file and, where there is
one, its line:

- reading level: Flesch-Kincaid grade above `readability.max_grade`, or SMOG
  above `readability.max_smog` (chapters marked `readability: exempt` are
  measured but never warned about). SMOG is normed on 30-sentence samples, so
  it is only given for chapters with at least 30 sentences.
- a table with numbers in its cells whose `source` is a placeholder
  ("unknown", "-", "TBD", "n/a", ...).
- a statistic in a chapter (`82%`, `12 percent`, `3 in 10`, `1 out of 4`) with
  no citation on the same Markdown line. A citation is a Markdown link, a
  numbered reference (`[1]`, `[^1]`), `Source:` / `according to`, or brackets
  or parentheses that name an organisation in capitals or a year
  (`(FDA label)`, `[CDC 2024]`, `(Chou 2004)`).
- a review date (`reviewed` in handbook.yml) more than 12 months before today.
- a picture without alt text, a heading that skips a level (the chapter title
  is h1, so body headings start at ##), a chapter of more than 300 words
  without any ## heading (the title is always there, so a chapter never lacks a
  heading altogether).

Rules about the body read the raw Markdown lines (`body.prose_lines`: fenced
code and code spans left out) so every warning has its line; the reading
level is measured on the rendered chapter, as `readability.py` does.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from . import readability
from .body import HEADING, IMAGE, LINK, SourceLine, parse_block_line, prose_lines
from .content import METADATA_FILE, TABLES_DIR
from .errors import display_path
from .model import Chapter, Handbook, Table
from .output import write_atomically
from .sources import parse_yaml, read_text

# A chapter longer than this needs section headings (PEMAT: information chunked into short sections);
# a one-page summary or a page of notes does not.
SECTIONLESS_WORDS = 300

REPORT_JSON = "report.json"
REPORT_MD = "report.md"

# Kinds of warning, as they appear in report.json.
GRADE, SMOG, TABLE_SOURCE, UNCITED_STATISTIC, REVIEW_DATE, IMAGE_ALT, HEADING_SKIP, NO_SECTIONS = (
    "grade", "smog", "table-source", "uncited-statistic", "review-date", "image-alt", "heading-skip", "no-sections")

# A source that says nothing about where the facts come from.
PLACEHOLDER_SOURCES = {"", "-", "--", "—", "–", "?", "??", "n/a", "na", "n.a", "none", "unknown", "tbd", "tba",
                       "tbc", "todo", "to do", "xxx", "source", "missing", "not known"}

_NUMBER_WORDS = r"one|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|hundred|thousand|million"
_NUMBER = rf"(?:\d+(?:[.,]\d+)?|{_NUMBER_WORDS})"
_UNIT = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|mg|mcg|g|ml|mL|l|kg|cm|mm)\b"
STATISTIC = re.compile(
    rf"\d+(?:[.,]\d+)?\s*%"                                   # 82%, 12.5 %
    rf"|\b{_NUMBER}[\s-]*(?:percent|per\s+cent)\b"            # 12 percent, ten per cent
    rf"|\b{_NUMBER}\s+(?:in|out\s+of)\s+(?:every\s+)?{_NUMBER}\b(?!\s*{_UNIT})",  # 3 in 10, not 1 in 2 days
    re.IGNORECASE,
)
CITATION_MARK = re.compile(
    r"\[\^?\d+\]"                                       # [1], [^1]
    r"|\[[^\]]+\]\[[^\]]*\]"                             # [text][ref]: a reference-style link
    r"|[(\[][^)\]]*(?:\b[A-Z]{2,}\b|\b(?:19|20)\d\d\b)"   # (FDA label), [CDC 2024], (Chou 2004); case matters
)
CITATION_WORDS = re.compile(r"\bsources?\s*:|\baccording\s+to\b", re.IGNORECASE)  # Source: ..., according to ...
_DIGIT = re.compile(r"\d")
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_\[\]<>!|#]")


@dataclasses.dataclass(frozen=True, order=True)
class Warning:  # noqa: A001  (the name the report's readers use; it shadows the builtin only in this module)
    """Something an editor should look at, printed as `path:line: message`."""

    path: str
    line: int
    message: str
    kind: str = ""

    def __str__(self) -> str:
        place = f"{self.path}:{self.line}" if self.line else self.path
        return f"{place}: {self.message}"

    def as_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "kind": self.kind, "message": self.message}


@dataclasses.dataclass(frozen=True)
class ChapterQuality:
    """The reading level of one chapter and the warnings found in it."""

    id: str
    title: str
    path: str
    grade: float
    smog: float | None
    smog_note: str
    words: int
    sentences: int
    exempt: bool
    warnings: tuple[Warning, ...]

    def as_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["grade"] = round(self.grade, 2)
        data["smog"] = None if self.smog is None else round(self.smog, 2)
        data["warnings"] = [warning.as_dict() for warning in self.warnings]
        return data


@dataclasses.dataclass(frozen=True)
class QualityReport:
    chapters: tuple[ChapterQuality, ...]
    handbook_warnings: tuple[Warning, ...]
    max_grade: float
    max_smog: float

    @property
    def all_warnings(self) -> list[Warning]:
        """Handbook-wide warnings (handbook.yml, tables) first, then each chapter's, in chapter order."""
        return [*self.handbook_warnings, *(warning for chapter in self.chapters for warning in chapter.warnings)]

    def as_dict(self) -> dict:
        warnings = self.all_warnings
        return {
            "thresholds": {"max_grade": self.max_grade, "max_smog": self.max_smog,
                           "min_smog_sentences": readability.MIN_SMOG_SENTENCES},
            "counts": {
                "chapters": len(self.chapters),
                "exempt_chapters": sum(chapter.exempt for chapter in self.chapters),
                "words": sum(chapter.words for chapter in self.chapters),
                "sentences": sum(chapter.sentences for chapter in self.chapters),
                "warnings": len(warnings),
                "warnings_by_kind": dict(sorted(Counter(warning.kind for warning in warnings).items())),
            },
            "chapters": [chapter.as_dict() for chapter in self.chapters],
            "handbook_warnings": [warning.as_dict() for warning in self.handbook_warnings],
        }


def quality_report(handbook: Handbook, chapter_html: Callable[[Chapter], str], today: datetime.date,
                   score: Callable[[str], readability.Scores] = readability.score) -> QualityReport:
    """Measure every chapter and collect warnings. `chapter_html` renders one chapter's body to HTML;
    `score` measures running text (pass a cached scorer to skip chapters measured before)."""
    limits = handbook.metadata.readability
    chapters = tuple(_chapter_quality(chapter, chapter_html(chapter), limits.max_grade, limits.max_smog, score)
                     for chapter in handbook.chapters)
    handbook_warnings = (*_review_warnings(handbook, today),
                         *(warning for name, table in sorted(handbook.tables.items())
                           for warning in _table_warnings(handbook, name, table)))
    return QualityReport(chapters, handbook_warnings, limits.max_grade, limits.max_smog)


def report_files(report: QualityReport) -> dict[str, bytes]:
    """report.json and report.md as bytes, by file name (plain data, cheap to pass between processes)."""
    return {REPORT_JSON: (json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
            REPORT_MD: render_markdown(report).encode("utf-8")}


def write_report(report: QualityReport, output_dir: Path) -> tuple[Path, Path]:
    """Write report.json and report.md into `output_dir`, each atomically. Returns their paths."""
    output_dir = Path(output_dir)
    for name, data in report_files(report).items():
        write_atomically(output_dir / name, data)
    return output_dir / REPORT_JSON, output_dir / REPORT_MD


def summary_lines(report: QualityReport) -> list[str]:
    """A few printable lines: one per chapter, then each warning."""
    width = max((len(chapter.id) for chapter in report.chapters), default=0)
    lines = [f"Reading level (limits: grade {report.max_grade:g}, SMOG {report.max_smog:g}):"]
    for chapter in report.chapters:
        smog = f"{chapter.smog:4.1f}" if chapter.smog is not None else "   -"
        lines.append(f"  {chapter.id:<{width}}  grade {chapter.grade:4.1f}  SMOG {smog}  {chapter.words:5d} words"
                     f"  {chapter.sentences:3d} {_plural(chapter.sentences, 'sentence'):<9}  {_status(chapter)}")
    warnings = report.all_warnings
    lines.append(f"{len(warnings)} {_plural(len(warnings), 'warning')}" + (":" if warnings else ""))
    lines += [f"  {warning}" for warning in warnings]
    return lines


def render_markdown(report: QualityReport) -> str:
    """report.md: a table of the chapters' figures, then the warnings."""
    lines = [
        "# Content-quality report",
        "",
        f"Limits: Flesch-Kincaid grade {report.max_grade:g} or lower, SMOG {report.max_smog:g} or lower "
        f"(SMOG is given only for chapters of {readability.MIN_SMOG_SENTENCES} sentences or more). "
        "Exempt chapters are measured but not held to the limits.",
        "",
        "| Chapter | File | FK grade | SMOG | Words | Sentences | Status |",
        "|---|---|--:|--:|--:|--:|---|",
    ]
    for chapter in report.chapters:
        smog = f"{chapter.smog:.1f}" if chapter.smog is not None else f"– ({chapter.smog_note})"
        lines.append(f"| {_escape(chapter.title)} (`{chapter.id}`) | `{chapter.path}` | {chapter.grade:.1f} | "
                     f"{_escape(smog)} | {chapter.words} | {chapter.sentences} | {_status(chapter)} |")
    warnings = report.all_warnings
    lines += ["", f"## Warnings ({len(warnings)})", ""]
    lines += [f"- `{warning.path}{f':{warning.line}' if warning.line else ''}`: {_escape(warning.message)}"
              for warning in warnings] or ["None."]
    return "\n".join(lines) + "\n"


def _status(chapter: ChapterQuality) -> str:
    count = len(chapter.warnings)
    status = f"{count} {_plural(count, 'warning')}" if count else "ok"
    return f"exempt, {status}" if chapter.exempt else status


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else noun + "s"


def _escape(text: str) -> str:
    """Text shown as itself in report.md: a message quoting `![...](...)` must not become a picture."""
    return _MARKDOWN_SPECIAL.sub(lambda match: "\\" + match[0], text)


# --- chapters ---------------------------------------------------------------------------------------------------

def _chapter_quality(chapter: Chapter, html: str, max_grade: float, max_smog: float,
                     score: Callable[[str], readability.Scores]) -> ChapterQuality:
    scores = score(readability.prose(html))
    exempt = chapter.front.readability == "exempt"
    smog_note = ""
    if scores.smog is None:
        smog_note = (f"only {scores.sentences} {_plural(scores.sentences, 'sentence')}; "
                     f"SMOG needs {readability.MIN_SMOG_SENTENCES}")
    warnings: list[Warning] = []
    if not exempt:
        if scores.grade > max_grade:
            warnings.append(Warning(chapter.display_path, 0, f"Flesch-Kincaid grade {_over(scores.grade, max_grade)} "
                                    f"is above the limit of {max_grade:g} (use shorter sentences and shorter words)",
                                    GRADE))
        if scores.smog is not None and scores.smog > max_smog:
            warnings.append(Warning(chapter.display_path, 0, f"SMOG grade {_over(scores.smog, max_smog)} is above the "
                                    f"limit of {max_smog:g} (use fewer words of three or more syllables)", SMOG))
    lines = [line for line in prose_lines(chapter) if parse_block_line(line.text) is None]
    warnings += _structure_warnings(chapter, lines, scores.words)
    warnings += _statistic_warnings(chapter, lines)
    return ChapterQuality(
        id=chapter.id, title=chapter.title, path=chapter.display_path,
        grade=scores.grade, smog=scores.smog, smog_note=smog_note,
        words=scores.words, sentences=scores.sentences, exempt=exempt,
        warnings=tuple(sorted(warnings, key=lambda warning: warning.line)),
    )


def _over(value: float, limit: float) -> str:
    """A figure above its limit, with enough decimals to show that it is above (6.04, not 6.0)."""
    return f"{value:.1f}" if round(value, 1) > limit else f"{value:.2f}"


def _structure_warnings(chapter: Chapter, lines: Iterable[SourceLine], words: int) -> list[Warning]:
    warnings = []
    level, seen_section = 1, False  # the chapter title is the h1
    for line in lines:
        for match in IMAGE.finditer(line.text):
            if not match["alt"].strip():
                warnings.append(Warning(chapter.display_path, line.number, f"the picture '{match['target']}' has no "
                                        "alt text (describe it for readers who cannot see it: ![what it shows](...))",
                                        IMAGE_ALT))
        heading = HEADING.match(line.text)
        if not heading:
            continue
        new_level = len(heading["marks"])
        seen_section |= new_level == 2
        if new_level > level + 1:
            previous = "the chapter title" if level == 1 else f"a level-{level} heading ('{'#' * level} ')"
            warnings.append(Warning(chapter.display_path, line.number,
                                    f"the heading '{heading['text']}' skips a level: '{'#' * new_level} ' follows "
                                    f"{previous} (use '{'#' * (level + 1)} ')", HEADING_SKIP))
        level = new_level
    if not seen_section and words > SECTIONLESS_WORDS:
        warnings.append(Warning(chapter.display_path, chapter.body_line, f"the chapter has {words} words and no '## ' "
                                "section heading (break it into short sections with headings that say what each is "
                                "about)", NO_SECTIONS))
    return warnings


def _statistic_warnings(chapter: Chapter, lines: Iterable[SourceLine]) -> list[Warning]:
    warnings = []
    for line in lines:
        statistic = STATISTIC.search(line.text)
        if statistic and not has_citation(line.text):
            warnings.append(Warning(chapter.display_path, line.number,
                                    f"the statistic '{statistic[0]}' has no source on its line (add a link, "
                                    "a reference like [1], or name the source in brackets, e.g. (FDA label))",
                                    UNCITED_STATISTIC))
    return warnings


def has_citation(text: str) -> bool:
    """Whether a Markdown line carries a citation marker (see the module docstring)."""
    return bool(LINK.search(text) or CITATION_MARK.search(text) or CITATION_WORDS.search(text))


# --- handbook.yml and tables --------------------------------------------------------------------------------------

def _review_warnings(handbook: Handbook, today: datetime.date) -> list[Warning]:
    reviewed = handbook.metadata.reviewed
    if reviewed >= _a_year_before(today):
        return []
    path = handbook.content_dir / METADATA_FILE
    return [Warning(display_path(path, handbook.content_dir), _key_line(path, ("reviewed",)),
                    f"the handbook was last reviewed on {reviewed.isoformat()}, more than 12 months "
                    f"before {today.isoformat()} (check the facts against current sources, then update 'reviewed')",
                    REVIEW_DATE)]


def _table_warnings(handbook: Handbook, name: str, table: Table) -> list[Warning]:
    has_numbers = any(_DIGIT.search(cell) for row in table.rows for cell in row.values())
    if not has_numbers or not is_placeholder_source(table.source):
        return []
    path = handbook.content_dir / TABLES_DIR / f"{name}.yml"
    return [Warning(display_path(path, handbook.content_dir), _key_line(path, ("source",)),
                    f"the table has numbers but its source is '{table.source}' (name where the figures come from)",
                    TABLE_SOURCE)]


def is_placeholder_source(source: str) -> bool:
    return source.strip().strip(".:;").strip().lower() in PLACEHOLDER_SOURCES


def _key_line(path: Path, key_path: tuple[str, ...]) -> int:
    """The line of a key in a YAML file, or 0 if it cannot be found (a handbook built in memory)."""
    if not path.is_file():
        return 0
    text, _ = read_text(path, str(path))
    if text is None:
        return 0
    document, _ = parse_yaml(text, str(path))
    location = document.keys.get(key_path) if document is not None else None
    return location[0] if location else 0


def _a_year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
