"""The content-quality report: reading level per chapter, and each kind of warning with its place.

Two content folders under tests/fixtures/quality/ drive most tests: `flawed`
triggers one or more warnings of every kind, at known lines; `good` has the
same shapes done right and triggers none. Edge cases of each rule use small
handbooks built in memory.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from pathlib import Path

import markdown as markdown_module
import pytest

from conftest import BACLOFEN

from handbook import report
from handbook.content import load_handbook
from handbook.html import Project, render_chapter, template_environment
from handbook.model import Chapter, Column, FrontMatter, Handbook, Metadata, Readability, Table
from handbook.pipeline import PROJECT_ROOT
from handbook.report import ChapterQuality, QualityReport, Warning, quality_report, summary_lines, write_report

QUALITY = Path(__file__).resolve().parent / "fixtures" / "quality"
TODAY = datetime.date(2026, 11, 27)
ALL_KINDS = (report.GRADE, report.SMOG, report.TABLE_SOURCE, report.UNCITED_STATISTIC, report.REVIEW_DATE,
             report.IMAGE_ALT, report.HEADING_SKIP, report.NO_SECTIONS)


def rendered(handbook: Handbook):
    environment = template_environment(Project(PROJECT_ROOT).templates_dir)
    return lambda chapter: render_chapter(chapter, handbook, environment)


def report_of(handbook: Handbook, today: datetime.date = TODAY) -> QualityReport:
    return quality_report(handbook, rendered(handbook), today)


def places(quality: QualityReport, kind: str) -> list[tuple[str, int]]:
    return [(warning.path, warning.line) for warning in quality.all_warnings if warning.kind == kind]


@pytest.fixture(scope="module")
def flawed_book() -> Handbook:
    return load_handbook(QUALITY / "flawed")


@pytest.fixture(scope="module")
def flawed(flawed_book) -> QualityReport:
    return report_of(flawed_book)


@pytest.fixture(scope="module")
def good() -> QualityReport:
    return report_of(load_handbook(QUALITY / "good"))


# --- each kind of warning: triggered by `flawed`, not by `good` -----------------------------------------------------

FLAWED_PLACES = {
    report.GRADE: [("flawed/chapters/01-hard.md", 0)],
    report.SMOG: [("flawed/chapters/01-hard.md", 0)],
    report.TABLE_SOURCE: [("flawed/tables/doses.yml", 8)],
    report.UNCITED_STATISTIC: [("flawed/chapters/02-structure.md", 12), ("flawed/chapters/02-structure.md", 14)],
    report.REVIEW_DATE: [("flawed/handbook.yml", 6)],
    report.IMAGE_ALT: [("flawed/chapters/02-structure.md", 8)],
    report.HEADING_SKIP: [("flawed/chapters/02-structure.md", 16)],
    report.NO_SECTIONS: [("flawed/chapters/03-no-sections.md", 6)],
}


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_flawed_content_triggers_each_kind_at_its_line(flawed, kind):
    assert places(flawed, kind) == FLAWED_PLACES[kind]


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_good_content_triggers_no_warning_of_each_kind(good, kind):
    assert places(good, kind) == []


def test_good_content_has_no_warnings_at_all(good):
    assert good.all_warnings == []


def test_flawed_content_has_only_the_expected_warnings(flawed):
    assert sum(len(found) for found in FLAWED_PLACES.values()) == len(flawed.all_warnings)


def test_warnings_say_what_is_wrong(flawed):
    messages: dict[str, str] = {}
    for warning in flawed.all_warnings:
        messages.setdefault(warning.kind, str(warning))
    assert messages[report.GRADE].startswith("flawed/chapters/01-hard.md: Flesch-Kincaid grade ")
    assert "above the limit of 6" in messages[report.GRADE]
    assert messages[report.TABLE_SOURCE].startswith("flawed/tables/doses.yml:8: the table has numbers but its "
                                                    "source is 'TBD'")
    assert "2025-10-01" in messages[report.REVIEW_DATE]
    assert "'82%'" in messages[report.UNCITED_STATISTIC]
    assert "'images/pill.png' has no alt text" in messages[report.IMAGE_ALT]
    assert "'#### ' follows a level-2 heading" in messages[report.HEADING_SKIP]


def test_table_and_review_warnings_belong_to_the_handbook(flawed):
    assert {warning.kind for warning in flawed.handbook_warnings} == {report.TABLE_SOURCE, report.REVIEW_DATE}
    assert flawed.all_warnings[:2] == list(flawed.handbook_warnings)


# --- reading level -------------------------------------------------------------------------------------------------

def test_chapter_figures(flawed, good):
    hard = flawed.chapters[0]
    assert (hard.id, hard.title, hard.path, hard.exempt) == (
        "hard", "Pharmacological considerations", "flawed/chapters/01-hard.md", False)
    assert hard.grade > 6 and hard.smog > 8
    assert hard.sentences >= 30 and hard.words > 300 and hard.smog_note == ""
    plain = good.chapters[0]
    assert plain.smog is None
    assert plain.smog_note == f"only {plain.sentences} sentences; SMOG needs 30"
    assert 0 < plain.grade <= 6


def test_exempt_chapter_is_measured_but_not_warned_about(flawed_book):
    hard = flawed_book.chapters[0]
    exempt = dataclasses.replace(hard, front=hard.front.model_copy(update={"readability": "exempt"}))
    quality = report_of(dataclasses.replace(flawed_book, chapters=(exempt,)))
    chapter = quality.chapters[0]
    assert chapter.exempt and chapter.grade > 6 and chapter.smog > 8
    assert [warning.kind for warning in chapter.warnings] == []


@pytest.mark.parametrize("max_grade, max_smog, expected", [
    (6, 8, {report.GRADE, report.SMOG}),
    (20, 8, {report.SMOG}),
    (6, 20, {report.GRADE}),
    (20, 20, set()),
])
def test_reading_limits_come_from_the_handbook(flawed_book, max_grade, max_smog, expected):
    metadata = flawed_book.metadata.model_copy(
        update={"readability": Readability(max_grade=max_grade, max_smog=max_smog)})
    quality = report_of(dataclasses.replace(flawed_book, metadata=metadata, chapters=flawed_book.chapters[:1]))
    assert {warning.kind for warning in quality.chapters[0].warnings} == expected
    assert (quality.max_grade, quality.max_smog) == (max_grade, max_smog)


def test_a_grade_equal_to_the_limit_is_within_it(flawed_book, flawed):
    hard = flawed.chapters[0]
    metadata = flawed_book.metadata.model_copy(
        update={"readability": Readability(max_grade=hard.grade, max_smog=hard.smog)})
    quality = report_of(dataclasses.replace(flawed_book, metadata=metadata, chapters=flawed_book.chapters[:1]))
    assert quality.chapters[0].warnings == ()


def test_smog_is_not_judged_below_thirty_sentences(tmp_path):
    long_words = "Pharmacological intervention necessitates comprehensive evaluation. " * 12
    book = in_memory(tmp_path, "## Part\n\n" + long_words, max_smog=1)
    quality = quality_report(book, lambda chapter: f"<p>{long_words}</p>", TODAY)
    assert quality.chapters[0].smog is None and quality.chapters[0].sentences == 12
    assert [warning.kind for warning in quality.all_warnings] == [report.GRADE]


def test_baclofen_chapters_are_within_the_grade_limit():
    quality = report_of(load_handbook(BACLOFEN))
    assert places(quality, report.GRADE) == []
    assert any(chapter.exempt for chapter in quality.chapters)
    assert all(chapter.sentences >= 3 for chapter in quality.chapters)


# --- rules on chapter lines, on small handbooks built in memory --------------------------------------------------------

def in_memory(tmp_path: Path, body: str, reviewed: datetime.date = TODAY, tables: dict | None = None,
              **limits) -> Handbook:
    content_dir = tmp_path / "book"
    metadata = Metadata(title="T", organisation="O", author="A", version="1", reviewed=reviewed, subject="S",
                        disclaimer="D", readability=Readability(**limits))
    chapter = Chapter(front=FrontMatter(id="one", title="One", order=1), body=body,
                      path=content_dir / "chapters" / "01-one.md", display_path="book/chapters/01-one.md",
                      body_line=5)
    return Handbook(content_dir=content_dir, metadata=metadata, chapters=(chapter,), tables=tables or {},
                    checklist=None)


def body_warnings(tmp_path: Path, body: str, kind: str) -> list[int]:
    """Lines of the warnings of one kind for a chapter body that starts on line 5."""
    quality = quality_report(in_memory(tmp_path, body), lambda chapter: "", TODAY)
    return [warning.line for warning in quality.all_warnings if warning.kind == kind]


@pytest.mark.parametrize("line", [
    "About 82% of people feel sleepy.",
    "About 12.5 % of people feel sleepy.",
    "About 12 percent of people feel sleepy.",
    "About ten per cent of people feel sleepy.",
    "About 3 in 10 people feel sleepy.",
    "About one in ten people feel sleepy.",
    "About 1 out of 4 people feel sleepy.",
    "About one out of every four people feel sleepy.",
    "- In a list, 82% of people feel sleepy.",
    "    Inside a call-out box, 82% of people feel sleepy.",
    "About 82% of people feel sleepy (most of them).",
])
def test_uncited_statistic_is_found(tmp_path, line):
    assert body_warnings(tmp_path, f"## Part\n\n{line}", report.UNCITED_STATISTIC) == [7]


@pytest.mark.parametrize("line", [
    "Take 2 pills a day, 3 times a week.",
    "Call 911 in 10 minutes if it gets worse.",
    "Take 1 in 2 days, 5 mg in 5 mL.",
    "About 82% of people feel sleepy (FDA label).",
    "About 82% of people feel sleepy [1].",
    "About 82% of people feel sleepy.[^2]",
    "About 82% of people feel sleepy ([a study](https://example.org/study)).",
    "About 82% of people feel sleepy: see [sources](#one).",
    "About 82% of people feel sleepy [the label][label].",
    "About 3 in 10 people feel sleepy (Chou 2004).",
    "Source: the label. About 3 in 10 people feel sleepy.",
    "According to the label, 3 in 10 people feel sleepy.",
    "The text `82%` in a code span is not prose.",
])
def test_statistic_without_warning(tmp_path, line):
    assert body_warnings(tmp_path, f"## Part\n\n{line}", report.UNCITED_STATISTIC) == []


def test_statistic_in_fenced_code_is_not_prose(tmp_path):
    assert body_warnings(tmp_path, "## Part\n\n```\n82% of people\n```", report.UNCITED_STATISTIC) == []


@pytest.mark.parametrize("body, lines", [
    ("## A\n\n### B\n\n## C\n\n### D\n\n#### E", []),
    ("### A first heading too deep", [5]),
    ("## A\n\n#### B\n\n##### C", [7]),
    ("## A\n\n### B\n\n##### C", [9]),
    ("## A\n\n```\n#### inside code\n```", []),
    ("## A\n\n#hashtag is not a heading", []),
])
def test_heading_levels(tmp_path, body, lines):
    assert body_warnings(tmp_path, body, report.HEADING_SKIP) == lines


@pytest.mark.parametrize("body, lines", [
    ("No headings at all.", [5]),
    ("### Only a third-level heading", [5]),
    ("Text.\n\n## A section", []),
    ("```\n## inside code\n```", [5]),
])
def test_chapter_without_section_heading(tmp_path, body, lines):
    # Only a chapter longer than SECTIONLESS_WORDS needs sections.
    def warned_lines(text: str) -> list[int]:
        quality = quality_report(in_memory(tmp_path, text), lambda chapter: f"<p>{chapter.body}</p>", TODAY)
        return [warning.line for warning in quality.all_warnings if warning.kind == report.NO_SECTIONS]

    long_body = body + "\n\n" + "You can read this line. " * (report.SECTIONLESS_WORDS // 5 + 1)
    assert warned_lines(long_body) == lines
    assert warned_lines(body) == []


@pytest.mark.parametrize("body, lines", [
    ("## A\n\n![](images/a.png)", [7]),
    ("## A\n\n![  ](images/a.png)", [7]),
    ("## A\n\nTwo: ![A pill](images/a.png) ![](images/b.png)", [7]),
    ("## A\n\n![A round white pill](images/a.png)", []),
    ("## A\n\n[[table: doses]]", []),
])
def test_picture_alt_text(tmp_path, body, lines):
    assert body_warnings(tmp_path, body, report.IMAGE_ALT) == lines


@pytest.mark.parametrize("reviewed, today, warned", [
    (datetime.date(2025, 11, 27), TODAY, False),          # exactly 12 months
    (datetime.date(2025, 11, 26), TODAY, True),
    (datetime.date(2026, 11, 27), TODAY, False),
    (datetime.date(2023, 2, 28), datetime.date(2024, 2, 29), False),  # a leap day
    (datetime.date(2023, 2, 27), datetime.date(2024, 2, 29), True),
])
def test_review_date_older_than_twelve_months(tmp_path, reviewed, today, warned):
    quality = quality_report(in_memory(tmp_path, "## A\n\nText.", reviewed=reviewed), lambda chapter: "", today)
    found = [warning for warning in quality.handbook_warnings if warning.kind == report.REVIEW_DATE]
    assert bool(found) is warned
    if found:
        assert found[0].path == "book/handbook.yml" and found[0].line == 0  # no file on disk, so no line


def table(source: str, cell: str) -> Table:
    return Table(caption="C", columns=[Column(key="a", label="A")], rows=[{"a": cell}], source=source)


@pytest.mark.parametrize("source", ["unknown", "Unknown.", "-", "—", "TBD", " tbd ", "n/a", "N/A", "none", "?"])
def test_table_with_numbers_and_a_placeholder_source(tmp_path, source):
    book = in_memory(tmp_path, "## A\n\nText.", tables={"doses": table(source, "2 pills")})
    quality = quality_report(book, lambda chapter: "", TODAY)
    assert [(warning.path, warning.kind) for warning in quality.handbook_warnings] == [
        ("book/tables/doses.yml", report.TABLE_SOURCE)]


@pytest.mark.parametrize("source, cell", [
    ("US FDA prescribing information.", "2 pills"),
    ("Unknown author, Patient leaflet, 2024", "2 pills"),
    ("unknown", "two pills"),   # no digits: nothing to source
    ("TBD", "Ask your pharmacist"),
])
def test_table_without_source_warning(tmp_path, source, cell):
    book = in_memory(tmp_path, "## A\n\nText.", tables={"doses": table(source, cell)})
    assert quality_report(book, lambda chapter: "", TODAY).handbook_warnings == ()


# --- output ----------------------------------------------------------------------------------------------------------

def test_warning_prints_as_path_line_message():
    assert str(Warning("c/chapters/01.md", 12, "bad")) == "c/chapters/01.md:12: bad"
    assert str(Warning("c/chapters/01.md", 0, "bad")) == "c/chapters/01.md: bad"


def test_write_report(tmp_path, flawed):
    json_path, markdown_path = write_report(flawed, tmp_path / "out")
    assert (json_path, markdown_path) == (tmp_path / "out" / "report.json", tmp_path / "out" / "report.md")
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["report.json", "report.md"]

    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["thresholds"] == {"max_grade": 6.0, "max_smog": 8.0, "min_smog_sentences": 30}
    assert data["counts"]["chapters"] == 3
    assert data["counts"]["warnings"] == len(flawed.all_warnings)
    assert data["counts"]["warnings_by_kind"][report.UNCITED_STATISTIC] == 2
    hard = data["chapters"][0]
    assert set(hard) == {field.name for field in dataclasses.fields(ChapterQuality)}
    assert hard["id"] == "hard" and hard["grade"] == round(flawed.chapters[0].grade, 2)
    assert [warning["kind"] for warning in hard["warnings"]] == [report.GRADE, report.SMOG]
    assert data["chapters"][1]["warnings"][0] == {
        "path": "flawed/chapters/02-structure.md", "line": 8, "kind": report.IMAGE_ALT,
        "message": flawed.chapters[1].warnings[0].message}
    assert {warning["path"] for warning in data["handbook_warnings"]} == {"flawed/handbook.yml",
                                                                         "flawed/tables/doses.yml"}

    markdown = markdown_path.read_text(encoding="utf-8")
    table_rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert table_rows[0].startswith("| Chapter | File | FK grade | SMOG |")
    assert len(table_rows) == 1 + len(flawed.chapters)
    assert all(row.count(" | ") == table_rows[0].count(" | ") for row in table_rows)
    assert f"## Warnings ({len(flawed.all_warnings)})" in markdown
    assert "- `flawed/tables/doses.yml:8`: the table has numbers" in markdown
    assert "has no alt text (describe it for readers who cannot see it: \\!\\[what it shows\\](...))" in markdown
    html = markdown_module.markdown(markdown, extensions=["tables"])
    assert html.count("<tr>") == 1 + len(flawed.chapters)
    assert "<img" not in html and "![what it shows](...)" in html


def test_a_figure_just_above_its_limit_is_shown_above_it():
    assert report._over(7.26, 6) == "7.3"
    assert report._over(6.04, 6) == "6.04"


def test_write_report_replaces_an_old_report(tmp_path, flawed, good):
    write_report(flawed, tmp_path)
    json_path, _ = write_report(good, tmp_path)
    assert json.loads(json_path.read_text())["counts"]["warnings"] == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.json", "report.md"]


def test_summary_lines(flawed):
    lines = summary_lines(flawed)
    assert lines[0] == "Reading level (limits: grade 6, SMOG 8):"
    hard, structure, no_sections = lines[1:4]
    assert hard.split()[:2] == ["hard", "grade"] and hard.endswith("2 warnings")
    assert " SMOG    - " in structure and structure.endswith("4 warnings")
    assert "  73 sentences" in no_sections and no_sections.endswith("1 warning")
    assert lines[4] == f"{len(flawed.all_warnings)} warnings:"
    assert lines[5:] == [f"  {warning}" for warning in flawed.all_warnings]


def test_summary_of_a_clean_report(good):
    lines = summary_lines(good)
    assert lines[1].split()[0] == "plain" and lines[1].endswith("  ok")
    assert lines[2].endswith("exempt, ok")
    assert lines[-1] == "0 warnings"
