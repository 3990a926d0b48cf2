"""The edit loop: nothing rebuilt when nothing changed, warm rebuilds that lay out only what changed."""

from __future__ import annotations

import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from conftest import BACLOFEN, MINI, ROOT

from handbook.cli import main
from handbook.errors import ContentError
from handbook.pipeline import BuildOptions, build
from handbook.watch import WarmSession


def page_texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def outline(path: Path) -> list[tuple[str, int]]:
    reader = PdfReader(path)

    def walk(items):
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item.title, reader.get_destination_page_number(item)
    return list(walk(reader.outline))


def link_targets(path: Path) -> list[int]:
    reader = PdfReader(path)
    destinations = {name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}
    return [destinations[annotation.get_object()["/Dest"]] for page in reader.pages
            for annotation in page.get("/Annots", []) if "/Dest" in annotation.get_object()]


@pytest.fixture
def content(tmp_path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(BACLOFEN, folder)
    return folder


# --- no-op rebuilds ---------------------------------------------------------------------------------------------

def test_unchanged_inputs_rebuild_nothing_until_something_changes(content, tmp_path, capsys):
    output = tmp_path / "out"
    arguments = ["--content", str(content), "--output", str(output)]
    assert main(arguments) == 0
    pdf = output / "baclofen-handbook.pdf"
    first = pdf.stat().st_mtime_ns
    capsys.readouterr()

    assert main(arguments) == 0
    assert "Up to date: " in capsys.readouterr().out and pdf.stat().st_mtime_ns == first

    assert main(arguments + ["--force"]) == 0
    assert "Built " in capsys.readouterr().out

    chapter = content / "chapters" / "02-what-it-is.md"
    chapter.write_text(chapter.read_text() + "\nYou can ask your pharmacist.\n")
    assert main(arguments) == 0
    assert "Built " in capsys.readouterr().out

    pdf.write_bytes(b"damaged")
    assert main(arguments) == 0
    assert "Built " in capsys.readouterr().out and pdf.read_bytes().startswith(b"%PDF")


def test_a_style_change_is_a_change(content, tmp_path):
    project = tmp_path / "project"
    for folder in ("templates", "styles"):
        shutil.copytree(ROOT / folder, project / folder)
    options = BuildOptions(content_dir=content, output_dir=tmp_path / "out", project_root=project)
    assert not build(options).results[0].up_to_date
    assert build(options).results[0].up_to_date
    (project / "styles" / "base.css").write_text((project / "styles" / "base.css").read_text() + "\n/* edited */\n")
    assert not build(options).results[0].up_to_date


# --- warm, partitioned rebuilds ----------------------------------------------------------------------------------

@pytest.mark.parametrize("source", [BACLOFEN, MINI], ids=["baclofen", "mini"])
def test_part_by_part_layout_matches_a_whole_document_build(source, tmp_path):
    whole = build(BuildOptions(content_dir=source, output_dir=tmp_path / "whole")).results[0].pdf_path
    results, _, _ = WarmSession(BuildOptions(content_dir=source, output_dir=tmp_path / "parts")).rebuild()
    parts = results[0].pdf_path
    assert page_texts(parts) == page_texts(whole)
    assert outline(parts) == outline(whole)
    assert link_targets(parts) == link_targets(whole)


def test_a_one_line_edit_lays_out_only_its_chapter(content, tmp_path):
    session = WarmSession(BuildOptions(content_dir=content, output_dir=tmp_path / "out"))
    session.rebuild()
    chapter = content / "chapters" / "08-questions.md"
    chapter.write_text(chapter.read_text().replace("Weight gain", "Putting on weight", 1))
    results, _, laid_out = session.rebuild()
    assert laid_out == ["letter: questions"]
    assert "Putting on weight" in " ".join(page_texts(results[0].pdf_path))


def test_an_edit_that_adds_pages_renumbers_everything_after_it(content, tmp_path):
    session = WarmSession(BuildOptions(content_dir=content, output_dir=tmp_path / "out"))
    before = page_texts(session.rebuild()[0][0].pdf_path)
    chapter = content / "chapters" / "02-what-it-is.md"
    chapter.write_text(chapter.read_text() + "\n\n" + "You can ask your pharmacist about this. " * 150 + "\n")
    results, _, laid_out = session.rebuild()
    after = page_texts(results[0].pdf_path)
    total = len(after)
    assert total > len(before)
    assert all(f"Page {number} of {total}" in text for number, text in enumerate(after[1:], start=2))
    whole = build(BuildOptions(content_dir=content, output_dir=tmp_path / "whole")).results[0].pdf_path
    assert after == page_texts(whole)          # contents page numbers included
    assert "letter: front" in laid_out and "letter: my-notes" in laid_out


def test_a_content_mistake_while_watching_keeps_the_last_good_pdf(content, tmp_path):
    session = WarmSession(BuildOptions(content_dir=content, output_dir=tmp_path / "out"))
    results, _, _ = session.rebuild()
    good = results[0].pdf_path.read_bytes()
    chapter = content / "chapters" / "03-taking-safely.md"
    chapter.write_text(chapter.read_text() + "\n[[table: nope]]\n")
    with pytest.raises(ContentError):
        session.rebuild()
    assert results[0].pdf_path.read_bytes() == good


def test_watch_rebuilds_after_a_save_and_survives_a_mistake(content, tmp_path):
    output = tmp_path / "out"
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "-q", "--watch", "--content", str(content),
                                "--output", str(output)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen: list[str] = []
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()

    def wait_for(text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            seen.append(line)
            if text in line:
                return
        raise AssertionError(f"{text!r} not seen in:\n{''.join(seen)}")

    try:
        wait_for("Watching ")
        chapter = content / "chapters" / "03-taking-safely.md"
        original = chapter.read_text()
        chapter.write_text(original + "\n[[table: nope]]\n")
        wait_for("still watching")
        chapter.write_text(original.replace("Baclofen", "Your baclofen", 1))
        wait_for("Rebuilt in")
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert "there is no table 'nope'" in "".join(seen)
    assert "Your baclofen" in " ".join(page_texts(output / "baclofen-handbook.pdf"))
