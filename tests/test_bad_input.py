"""Every mistake an editor can make ends in one clear line and costs no PDF.

Each case copies the mini fixture, makes one mistake in it, runs the command
line against an output folder that already holds a good PDF, and checks: exit
code 1, the message names the file and line (and says what to do), no
traceback, and the previous PDF is byte-identical.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import MINI

from handbook.cli import main

PDF_NAME = "clinic-visit.pdf"


@dataclass(frozen=True)
class Mistake:
    name: str
    file: str                  # relative to the content folder
    edit: object               # (old, new) replacement, a callable(text) -> text, bytes, or None to delete
    where: str                 # expected "path:line" in the message
    says: str                  # expected words of the message


def replace(old: str, new: str):
    def edit(text: str) -> str:
        assert old in text, f"fixture changed: {old!r} not found"
        return text.replace(old, new, 1)
    return edit


def append(extra: str):
    return lambda text: text + extra


HB, CL, ROOMS = "handbook.yml", "checklist.yml", "tables/rooms.yml"
BEFORE, ROOMS_CH, NOTES = "chapters/01-before.md", "chapters/02-rooms.md", "chapters/03-notes.md"

MISTAKES = [
    # handbook.yml: types, required and unknown keys, allowed values, YAML syntax
    Mistake("missing title", HB, replace("title: Your Clinic Visit\n", ""), "mini/handbook.yml:1:", "'title' is missing"),
    Mistake("unknown key", HB, append("titel: Again\n"), "mini/handbook.yml:12:1", "unknown key 'titel' (did you mean 'title'?)"),
    Mistake("date in words", HB, replace("reviewed: 2026-10-01", "reviewed: last week"), "mini/handbook.yml:6:", "'reviewed' is not a date"),
    Mistake("impossible date", HB, replace("reviewed: 2026-10-01", "reviewed: 2026-13-45"), "mini/handbook.yml:6:", "not a real date"),
    Mistake("bad language tag", HB, replace("language: en-US", "language: English"), "mini/handbook.yml:7:", "write a language tag"),
    Mistake("keywords not a list", HB, replace("keywords: [clinic, visit, test]", "keywords: {a: b}"), "mini/handbook.yml:9:", "must be a list"),
    Mistake("empty metadata", HB, lambda text: "", "mini/handbook.yml:1:", "there is nothing in it"),
    Mistake("duplicate key", HB, append("title: Again\n"), "mini/handbook.yml:12:1", "the key 'title' appears twice (first on line 1)"),
    Mistake("tab indentation", HB, replace("keywords: [clinic, visit, test]", "keywords:\n\t- clinic"), "mini/handbook.yml:10:1", "a tab is used for indentation"),
    Mistake("unclosed quote", HB, replace("subject: How", 'subject: "How'), "mini/handbook.yml:8:10", "a quote is opened here but never closed"),
    Mistake("bad indentation", CL, replace("    detail: Put", "   detail: Put"), "mini/checklist.yml:6:", "YAML syntax error"),
    Mistake("not UTF-8", BEFORE, lambda text: text.replace("Plan your visit", "Plan your caf\xe9 visit").encode("latin-1"),
            "mini/chapters/01-before.md:6:", "not UTF-8"),
    # chapter front matter
    Mistake("front matter not closed", NOTES, replace("order: 3\n---\n", "order: 3\n"), "mini/chapters/03-notes.md:1:1", "front matter is not closed"),
    Mistake("no front matter", NOTES, lambda text: text.split("---\n", 2)[2], "mini/chapters/03-notes.md:1:1", "does not start with front matter"),
    Mistake("missing id", NOTES, replace("id: notes\n", ""), "mini/chapters/03-notes.md:2:", "'id' is missing"),
    Mistake("unknown front-matter key", NOTES, replace("order: 3\n", "order: 3\ntittle: x\n"), "mini/chapters/03-notes.md:5:1", "unknown key 'tittle' (did you mean 'title'?)"),
    Mistake("order not a number", NOTES, replace("order: 3", "order: third"), "mini/chapters/03-notes.md:4:", "'order' must be a whole number"),
    Mistake("duplicate order", NOTES, replace("order: 3", "order: 2"), "mini/chapters/03-notes.md:4:1", "the chapter order '2' is also used by mini/chapters/02-rooms.md"),
    Mistake("duplicate id", NOTES, replace("id: notes", "id: rooms"), "mini/chapters/03-notes.md:2:1", "the chapter id 'rooms' is also used"),
    Mistake("id with spaces", NOTES, replace("id: notes", "id: My Notes"), "mini/chapters/03-notes.md:2:", "'id' has a form that is not allowed"),
    Mistake("readability value", NOTES, replace("order: 3\n", "order: 3\nreadability: maybe\n"), "mini/chapters/03-notes.md:5:", "'readability' input should be 'checked' or 'exempt'"),
    Mistake("empty chapter", NOTES, lambda text: text.split("---\n", 2)[0] + "---\n" + text.split("---\n", 2)[1] + "---\n\n",
            "mini/chapters/03-notes.md:5:", "has no text after its front matter"),
    # block lines and references
    Mistake("table that does not exist", ROOMS_CH, replace("[[table: rooms]]", "[[table: rom]]"), "mini/chapters/02-rooms.md:9:1", "there is no table 'rom' (tables/rom.yml) (did you mean 'rooms'?)"),
    Mistake("unknown block", ROOMS_CH, replace("[[table: rooms]]", "[[tabel: rooms]]"), "mini/chapters/02-rooms.md:9:1", "unknown block '[[tabel]]' (did you mean 'table'?)"),
    Mistake("malformed block", ROOMS_CH, replace("[[table: rooms]]", "[[table rooms"), "mini/chapters/02-rooms.md:9:1", "is not a block line"),
    Mistake("zero ruled lines", NOTES, replace("[[lines: 5]]", "[[lines: 0]]"), "mini/chapters/03-notes.md:10:1", "write a whole number from 1 to 30"),
    Mistake("write-in without label", NOTES, replace("[[write-in: My nurse's name]]", "[[write-in]]"), "mini/chapters/03-notes.md:8:1", "[[write-in]] needs a label"),
    Mistake("checklist placed twice", NOTES, append("\n[[checklist]]\n"), "mini/chapters/03-notes.md:12:1", "the checklist is placed more than once"),
    Mistake("checklist file missing", CL, None, "mini/chapters/01-before.md:13:1", "there is no checklist.yml"),
    Mistake("link to a missing anchor", ROOMS_CH, replace("(#before)", "(#befor)"), "mini/chapters/02-rooms.md:11:", "the link target '#befor' does not exist (did you mean 'before'?)"),
    Mistake("link to a local file", ROOMS_CH, replace("(#before)", "(file:///etc/passwd)"), "mini/chapters/02-rooms.md:11:", "cannot work in a PDF"),
    Mistake("missing picture", BEFORE, append("\n![A map of the clinic](images/map.png)\n"), "mini/chapters/01-before.md:15:", "the picture 'images/map.png' does not exist"),
    Mistake("picture outside the project", BEFORE, append("\n![x](../../../../etc/passwd)\n"), "mini/chapters/01-before.md:15:", "is outside the content folder"),
    Mistake("picture from file URL", BEFORE, append("\n![x](file:///etc/passwd)\n"), "mini/chapters/01-before.md:15:", "is not a file in the content folder"),
    Mistake("picture from the web", BEFORE, append("\n![x](http://127.0.0.1:9/x.png)\n"), "mini/chapters/01-before.md:15:", "a build reads nothing outside the project"),
    Mistake("raw HTML", BEFORE, append("\n<script>alert(1)</script>\n"), "mini/chapters/01-before.md:15:1", "raw HTML '<script>' is not allowed"),
    Mistake("top-level heading in a chapter", BEFORE, replace("## What to bring", "# What to bring"), "mini/chapters/01-before.md:8:1", "use '## ' for sections"),
    # tables and the checklist
    Mistake("row without a cell", ROOMS, replace('{room: "Room 2", floor: "Floor 3", hours: "8 a.m. to 5 p.m."}', '{room: "Room 2", floor: "Floor 3"}'),
            "mini/tables/rooms.yml:8:", "row 2 has no cell for the column 'hours'"),
    Mistake("row with an extra cell", ROOMS, replace('{room: "Room 1",', '{room: "Room 1", flor: "x",'), "mini/tables/rooms.yml:7:", "row 1 has a cell 'flor' that is not a column (did you mean 'floor'?)"),
    Mistake("table without source", ROOMS, replace("source: Test Clinic room plan, October 2026.\n", ""), "mini/tables/rooms.yml:1:", "'source' is missing"),
    Mistake("empty table file", ROOMS, lambda text: "\n", "mini/tables/rooms.yml:1:", "there is nothing in it"),
    Mistake("duplicate column key", ROOMS, replace("{key: floor, label: Floor}", "{key: room, label: Floor}"), "mini/tables/rooms.yml:4:", "the column key 'room' is used twice"),
    Mistake("table with no rows", ROOMS, lambda text: text.split("rows:")[0] + "rows: []\nsource: x\n", "mini/tables/rooms.yml:6:7", "'rows' needs at least one entry"),
    Mistake("alias bomb", ROOMS, append("x: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\ny: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                                        "z: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nw: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                                        "v: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"), "mini/tables/rooms.yml:", "repeats values too many times"),
    Mistake("checklist step without text", CL, replace("  - text: Bring all your medicine bottles.", "  - detail: Bring all your medicine bottles."),
            "mini/checklist.yml:7:", "'text' is missing"),
    Mistake("unsafe YAML tag", CL, replace("source: Test Clinic front desk.", "source: !!python/object/apply:os.system [echo]"), "mini/checklist.yml:11:", "unknown tag '!!python/object/apply:os.system'"),
]


@pytest.fixture(scope="module")
def good_pdf(tmp_path_factory) -> bytes:
    output = tmp_path_factory.mktemp("good")
    assert main(["-q", "--content", str(MINI), "--output", str(output)]) == 0
    return (output / PDF_NAME).read_bytes()


def make_mistake(tmp_path: Path, mistake: Mistake) -> Path:
    content = tmp_path / "mini"
    shutil.copytree(MINI, content)
    target = content / mistake.file
    if mistake.edit is None:
        target.unlink()
    elif isinstance(mistake.edit, tuple):
        target.write_text(replace(*mistake.edit)(target.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        edited = mistake.edit(target.read_text(encoding="utf-8"))
        target.write_bytes(edited if isinstance(edited, bytes) else edited.encode("utf-8"))
    return content


def test_the_corpus_has_at_least_thirty_distinct_mistakes():
    assert len({mistake.name for mistake in MISTAKES}) == len(MISTAKES) >= 30


@pytest.mark.parametrize("mistake", MISTAKES, ids=[mistake.name for mistake in MISTAKES])
def test_mistake_is_reported_at_its_line_and_costs_no_pdf(mistake, tmp_path, good_pdf, capsys):
    content = make_mistake(tmp_path, mistake)
    output = tmp_path / "output"
    output.mkdir()
    (output / PDF_NAME).write_bytes(good_pdf)

    code = main(["--content", str(content), "--output", str(output)])
    err = capsys.readouterr().err

    assert code == 1, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    matching = [line for line in lines if f"error: {mistake.where}" in line and mistake.says in line]
    assert matching, f"expected {mistake.where} ... {mistake.says!r}, got:\n{err}"
    assert all(line.rstrip().endswith(")") for line in lines), "every message says what to do, in brackets"
    assert (output / PDF_NAME).read_bytes() == good_pdf
    assert sorted(path.name for path in output.iterdir()) == [PDF_NAME], "nothing else was written"


def test_all_problems_are_reported_in_one_run(tmp_path, capsys):
    content = make_mistake(tmp_path, MISTAKES[1])                       # handbook.yml
    notes = content / NOTES
    notes.write_text(notes.read_text().replace("[[lines: 5]]", "[[lines: 0]]"))
    rooms = content / ROOMS
    rooms.write_text(rooms.read_text().replace("source: Test", "sauce: Test"))
    assert main(["--check", "--content", str(content)]) == 1
    err = capsys.readouterr().err
    assert "mini/handbook.yml:12:1" in err and "mini/chapters/03-notes.md:10:1" in err and "mini/tables/rooms.yml:" in err
    assert "4 content problems" in err   # rooms.yml: unknown 'sauce' and missing 'source'


def test_check_reports_the_same_problems_as_a_build(tmp_path, capsys):
    content = make_mistake(tmp_path, MISTAKES[22])
    assert main(["--check", "--content", str(content)]) == 1
    checked = capsys.readouterr().err
    assert main(["--content", str(content), "--output", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err == checked
