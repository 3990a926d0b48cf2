"""Page previews: one PNG per PDF page at the asked resolution, and a numbered contact sheet."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from conftest import MINI

from handbook import preview
from handbook.errors import BuildError
from handbook.pipeline import BuildOptions, build
from handbook.preview import PreviewSet, render_previews

LETTER_INCHES = (8.5, 11)


def built_pdf(output_dir: Path) -> Path:
    return build(BuildOptions(content_dir=MINI, output_dir=output_dir)).results[0].pdf_path


@pytest.fixture(scope="module")
def mini_pdf(tmp_path_factory) -> Path:
    return built_pdf(tmp_path_factory.mktemp("mini-preview"))


@pytest.fixture(scope="module")
def previews(mini_pdf) -> PreviewSet:
    return render_previews(mini_pdf, mini_pdf.parent / "previews")


def page_count(pdf: Path) -> int:
    return len(PdfReader(pdf).pages)


def letter_pixels(dpi: int) -> tuple[int, int]:
    return round(LETTER_INCHES[0] * dpi), round(LETTER_INCHES[1] * dpi)


def test_one_png_per_page_in_order(mini_pdf, previews):
    count = page_count(mini_pdf)
    assert count > 1
    folder = mini_pdf.parent / "previews"
    assert previews.pages == tuple(folder / f"page-{number:02d}.png" for number in range(1, count + 1))
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        [path.name for path in previews.pages] + ["contact-sheet.png"])  # no temporary files left


def test_pages_are_us_letter_at_the_resolution(previews):
    width, height = letter_pixels(100)
    for path in previews.pages:
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert abs(image.width - width) <= 1 and abs(image.height - height) <= 1, (path.name, image.size)


def test_pages_have_text_on_them(previews):
    for path in previews.pages:
        with Image.open(path) as image:
            dark = sum(image.convert("L").point(lambda value: 255 if value < 100 else 0).histogram()[255:])
        assert dark > 500, f"{path.name} looks blank"


def test_first_page_is_not_blank(previews):
    with Image.open(previews.pages[0]) as image:
        grey = image.convert("L")
        low, high = grey.getextrema()
        assert high == 255 and low < 60  # white paper with dark print on it


def test_contact_sheet_is_a_grid_of_every_page(mini_pdf, previews):
    count = page_count(mini_pdf)
    assert previews.contact_sheet == mini_pdf.parent / "previews" / "contact-sheet.png"
    columns = min(6, count)
    rows = math.ceil(count / columns)
    thumbnail_height = round(preview.THUMBNAIL_WIDTH * LETTER_INCHES[1] / LETTER_INCHES[0])
    with Image.open(previews.contact_sheet) as sheet:
        assert sheet.width == preview.GAP + columns * (preview.THUMBNAIL_WIDTH + preview.GAP)
        assert sheet.height == preview.GAP + rows * (thumbnail_height + preview.LABEL_HEIGHT + preview.GAP)
        assert sheet.width > preview.THUMBNAIL_WIDTH * 2 and sheet.height > thumbnail_height
        # The first thumbnail is a page: white paper inside the sheet's grey background.
        first = sheet.crop((preview.GAP, preview.GAP, preview.GAP + preview.THUMBNAIL_WIDTH,
                            preview.GAP + thumbnail_height)).convert("L")
        assert first.getextrema()[1] == 255
        # Under it, its page number is printed in dark ink.
        label = sheet.crop((preview.GAP, preview.GAP + thumbnail_height + 2,
                            preview.GAP + preview.THUMBNAIL_WIDTH,
                            preview.GAP + thumbnail_height + preview.LABEL_HEIGHT)).convert("L")
        assert label.getextrema()[0] < 100


def test_resolution_and_columns_are_options(mini_pdf, tmp_path):
    result = render_previews(mini_pdf, tmp_path / "previews", dpi=50, sheet_columns=2)
    width, height = letter_pixels(50)
    with Image.open(result.pages[0]) as image:
        assert abs(image.width - width) <= 1 and abs(image.height - height) <= 1
    with Image.open(result.contact_sheet) as sheet:
        assert sheet.width == preview.GAP + 2 * (preview.THUMBNAIL_WIDTH + preview.GAP)


def test_pages_from_an_earlier_longer_run_are_removed(mini_pdf, tmp_path):
    folder = tmp_path / "previews"
    folder.mkdir()
    for name in ("page-01.png", "page-99.png", "page-100.png", "page-001.png"):
        (folder / name).write_bytes(b"stale")
    (folder / "notes.txt").write_text("an editor's file is left alone")
    result = render_previews(mini_pdf, tmp_path / "previews")
    names = sorted(path.name for path in folder.iterdir())
    assert names == sorted([path.name for path in result.pages] + ["contact-sheet.png", "notes.txt"])
    assert result.pages[0].read_bytes() != b"stale"


def test_a_missing_pdf_is_reported(tmp_path):
    with pytest.raises(BuildError) as raised:
        render_previews(tmp_path / "nothing.pdf", tmp_path)
    assert "cannot open the PDF" in str(raised.value)
    assert not (tmp_path / "previews").exists()


def test_contact_sheet_of_one_page_is_one_thumbnail_wide():
    page = Image.new("RGB", (850, 1100), "white")
    sheet = preview.contact_sheet_image([preview._thumbnail(page)], columns=6)
    assert sheet.width == 2 * preview.GAP + preview.THUMBNAIL_WIDTH
