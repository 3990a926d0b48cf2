"""Each edition is what its readers need: paper size, large print, accessibility, print shop, booklet."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from pypdf import PdfReader

from conftest import BACLOFEN, MINI, ROOT

from handbook.cli import main
from handbook.impose import saddle_stitch_order
from handbook.pipeline import BuildOptions, build

MM = 72 / 25.4


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> dict[str, Path]:
    output = tmp_path_factory.mktemp("editions")
    results = build(BuildOptions(content_dir=BACLOFEN, output_dir=output, all_editions=True)).results
    return {result.edition: result.pdf_path for result in results}


def sizes(path: Path) -> set[tuple[float, float]]:
    return {(round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1)) for page in PdfReader(path).pages}


def test_all_builds_every_edition_with_names_that_tell_them_apart(editions):
    assert set(editions) == {"letter", "a4", "large-print", "accessible", "print-shop", "booklet"}
    assert editions["letter"].name == "baclofen-handbook.pdf"
    assert editions["large-print"].name == "baclofen-handbook-large-print.pdf"
    assert len({path.name for path in editions.values()}) == 6


def test_page_sizes(editions):
    assert sizes(editions["letter"]) == {(612, 792)}
    assert sizes(editions["a4"]) == {(595.3, 841.9)}
    (width, height), = sizes(editions["print-shop"])
    assert width >= 612 + 2 * 3 * MM - 0.5 and height >= 792 + 2 * 3 * MM - 0.5
    trim = PdfReader(editions["print-shop"]).pages[0].trimbox
    assert round(float(trim.width)) == 612 and round(float(trim.height)) == 792


def test_large_print_has_no_character_under_18_points(editions):
    with pdfplumber.open(editions["large-print"]) as pdf:
        smallest = min((char["size"], number) for number, page in enumerate(pdf.pages, 1) for char in page.chars)
    assert smallest[0] >= 17.99, f"a {smallest[0]:.1f} pt character on page {smallest[1]}"


def test_large_print_keeps_every_table_cell_with_its_column_name(editions):
    text = " ".join(page.extract_text() for page in PdfReader(editions["large-print"]).pages)
    assert "How urgent: Not urgent" in " ".join(text.split())


def test_accessible_edition_is_tagged_titled_and_has_a_language(editions):
    with pikepdf.open(editions["accessible"]) as pdf:
        root = pdf.Root
        assert root.MarkInfo.Marked is True
        assert "/StructTreeRoot" in root
        assert str(root.Lang) == "en-US"
        assert root.ViewerPreferences.DisplayDocTitle is True
        tags = _structure_tags(root.StructTreeRoot)
    for tag in ("/H1", "/H2", "/Table", "/TH", "/TD", "/L", "/LI", "/Link", "/Caption"):
        assert tag in tags, f"no {tag} in the structure tree"


def _structure_tags(node, found=None) -> dict:
    found = {} if found is None else found
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found.setdefault(str(kid.S), []).append(kid)
            _structure_tags(kid, found)
    return found


def test_accessible_edition_gives_every_header_cell_a_scope(editions):
    with pikepdf.open(editions["accessible"]) as pdf:
        headers = _structure_tags(pdf.Root.StructTreeRoot)["/TH"]
        scopes = {str(header.A.Scope) for header in headers}
        assert all("/A" in header and "/Scope" in header.A for header in headers)
    assert scopes == {"/Column", "/Row"}


def test_accessible_checklist_has_one_check_box_per_step(editions):
    from handbook.content import load_handbook

    steps = load_handbook(BACLOFEN).checklist.steps
    with pikepdf.open(editions["accessible"]) as pdf:
        fields = pdf.Root.AcroForm.Fields
        boxes = [field for field in fields if field.get("/FT") == "/Btn"]
        assert len(boxes) == len(steps)
        for box in boxes:
            width = float(box.Rect[2]) - float(box.Rect[0])
            assert width >= 6 * MM


def test_independent_pdfua_checker_finds_no_error(editions):
    result = subprocess.run([Path(sys.executable).parent / "pdfua", "check", str(editions["accessible"])],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode in (0, 2) and "ERROR" not in result.stdout.replace("errors=0", ""), result.stdout + result.stderr


def test_booklet_pages_are_in_saddle_stitch_order(editions):
    letter_pages = len(PdfReader(editions["letter"]).pages)
    padded = -(-letter_pages // 4) * 4
    booklet = editions["booklet"]
    assert sizes(booklet) == {(1224, 792)}
    assert len(PdfReader(booklet).pages) == padded // 2            # two sides per sheet, padded / 4 sheets

    def halves(side: int) -> tuple[str, str]:
        with pdfplumber.open(booklet) as pdf:
            page = pdf.pages[side]
            return (page.crop((0, 0, 612, 792)).extract_text() or "", page.crop((612, 0, 1224, 792)).extract_text() or "")

    def shows(text: str, number: int | None) -> bool:
        return (not text.strip()) if number is None else (f"Page {number} of {letter_pages}" in text or number == 1)

    for side in (0, 1, padded // 2 - 1):
        left, right = saddle_stitch_order(letter_pages)[side]
        left_text, right_text = halves(side)
        assert shows(left_text, left) and shows(right_text, right), f"side {side + 1}: expected pages {left} | {right}"
    first_left, first_right = halves(0)
    assert "Baclofen" in first_right and (padded > letter_pages) == (not first_left.strip())
    middle_left, middle_right = halves(padded // 2 - 1)
    assert f"Page {padded // 2} of" in middle_left and f"Page {padded // 2 + 1} of" in middle_right


def test_saddle_stitch_order_pads_to_a_multiple_of_four():
    assert saddle_stitch_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert saddle_stitch_order(5) == [(None, 1), (2, None), (None, 3), (4, 5)]


@pytest.mark.parametrize("edition", ["letter", "accessible", "booklet"])
def test_two_builds_give_identical_bytes(edition, tmp_path):
    first = build(BuildOptions(content_dir=MINI, output_dir=tmp_path / "a", editions=(edition,))).results[0].pdf_path
    second = build(BuildOptions(content_dir=MINI, output_dir=tmp_path / "b", editions=(edition,))).results[0].pdf_path
    assert first.read_bytes() == second.read_bytes()


def test_a_picture_without_description_fails_only_the_accessible_edition(tmp_path, capsys):
    content = tmp_path / "mini"
    shutil.copytree(MINI, content)
    (content / "images").mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "pixel.png", content / "images" / "map.png")
    chapter = content / "chapters" / "01-before.md"
    chapter.write_text(chapter.read_text() + "\n![](images/map.png)\n")
    assert main(["-q", "--content", str(content), "--output", str(tmp_path / "out")]) == 0
    assert main(["-q", "--edition", "accessible", "--content", str(content), "--output", str(tmp_path / "out")]) == 1
    assert "mini/chapters/01-before.md:15:1: the picture 'images/map.png' has no description" in capsys.readouterr().err


def test_unknown_edition_is_a_usage_error(capsys):
    assert main(["--edition", "large-prnt", "--content", str(MINI), "--output", "/tmp/unused"]) == 2
    assert "did you mean 'large-print'?" in capsys.readouterr().err


def test_accessible_links_are_described_by_where_they_lead(editions):
    from handbook.content import load_handbook

    titles = {chapter.anchor: chapter.title for chapter in load_handbook(BACLOFEN).chapters}
    with pikepdf.open(editions["accessible"]) as pdf:
        links = [annotation for page in pdf.pages for annotation in page.get("/Annots", [])
                 if annotation.get("/Subtype") == "/Link"]
        assert links
        for link in links:
            description = str(link.Contents)
            if "/Dest" in link:
                target = str(link.Dest)
                assert description != target, f"the link to '{target}' is described only by its id"
                if target in titles:
                    assert description == titles[target]
