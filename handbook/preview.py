"""Page previews of a built PDF: one PNG per page and a contact sheet of them all.

Editors check a layout change by looking at pictures of the pages rather than
opening the PDF: `previews/page-01.png`, `page-02.png`, ... at a readable
resolution, and `previews/contact-sheet.png` with every page as a numbered
thumbnail. pypdfium2 (PDFium) rasterises the pages; Pillow scales and
composes them. Each file is written atomically, and page images left over
from an earlier, longer PDF are removed.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
from PIL import Image, ImageDraw, ImageFont

from .errors import BuildError, Problem
from .output import write_atomically

CONTACT_SHEET = "contact-sheet.png"
PAGE_FILE = re.compile(r"^page-\d+\.png$")
POINTS_PER_INCH = 72

THUMBNAIL_WIDTH = 180     # pixels, for every page on the contact sheet
GAP = 16                  # between thumbnails and around the sheet
LABEL_HEIGHT = 24         # the page number under each thumbnail
SHEET_BACKGROUND = (226, 228, 232)
THUMBNAIL_BORDER = (150, 154, 160)
LABEL_COLOUR = (40, 40, 40)


@dataclass(frozen=True)
class PreviewSet:
    pages: tuple[Path, ...]
    contact_sheet: Path


def render_previews(pdf_path: Path, folder: Path, dpi: int = 100, sheet_columns: int = 6) -> PreviewSet:
    """Render every page of `pdf_path` into `folder` (e.g. output/previews/letter/), plus a contact sheet."""
    if dpi <= 0 or sheet_columns <= 0:
        raise ValueError("dpi and sheet_columns must be positive")
    pdf_path = Path(pdf_path)
    folder = Path(folder)
    try:
        document = pypdfium2.PdfDocument(pdf_path)
    except (pypdfium2.PdfiumError, OSError) as error:
        raise BuildError([Problem(str(pdf_path), 0, 0, f"cannot open the PDF for previews: {error}",
                                  "build the PDF first, then make its previews")]) from error
    try:
        count = len(document)
        digits = max(2, len(str(count)))
        pages, thumbnails = [], []
        for index in range(count):
            image = _render_page(document[index], dpi)
            path = folder / f"page-{index + 1:0{digits}d}.png"
            write_atomically(path, _png(image))
            pages.append(path)
            thumbnails.append(_thumbnail(image))
            image.close()
    finally:
        document.close()
    _remove_stale_pages(folder, {path.name for path in pages})
    contact_sheet = folder / CONTACT_SHEET
    write_atomically(contact_sheet, _png(contact_sheet_image(thumbnails, sheet_columns)))
    return PreviewSet(tuple(pages), contact_sheet)


def contact_sheet_image(thumbnails: list[Image.Image], columns: int) -> Image.Image:
    """The thumbnails in a grid, left to right and top to bottom, each with its page number below."""
    columns = max(1, min(columns, len(thumbnails)))
    rows = math.ceil(len(thumbnails) / columns) if thumbnails else 0
    cell_height = max((thumbnail.height for thumbnail in thumbnails), default=0) + LABEL_HEIGHT
    size = (GAP + columns * (THUMBNAIL_WIDTH + GAP), GAP + rows * (cell_height + GAP))
    sheet = Image.new("RGB", size, SHEET_BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    font = _label_font()
    for index, thumbnail in enumerate(thumbnails):
        row, column = divmod(index, columns)
        left, top = GAP + column * (THUMBNAIL_WIDTH + GAP), GAP + row * (cell_height + GAP)
        sheet.paste(thumbnail, (left + (THUMBNAIL_WIDTH - thumbnail.width) // 2, top))
        draw.rectangle((left - 1, top - 1, left + thumbnail.width, top + thumbnail.height), outline=THUMBNAIL_BORDER)
        draw.text((left + THUMBNAIL_WIDTH / 2, top + thumbnail.height + LABEL_HEIGHT / 2), str(index + 1),
                  fill=LABEL_COLOUR, font=font, anchor="mm")
    return sheet


def _render_page(page: pypdfium2.PdfPage, dpi: int) -> Image.Image:
    try:
        bitmap = page.render(scale=dpi / POINTS_PER_INCH, fill_color=(255, 255, 255, 255))
        try:
            return bitmap.to_pil().convert("RGB")  # a copy: the bitmap's buffer is freed below
        finally:
            bitmap.close()
    finally:
        page.close()


def _thumbnail(image: Image.Image) -> Image.Image:
    height = max(1, round(image.height * THUMBNAIL_WIDTH / image.width))
    return image.resize((THUMBNAIL_WIDTH, height), Image.Resampling.LANCZOS)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _remove_stale_pages(folder: Path, keep: set[str]) -> None:
    """Delete page images from an earlier run that this PDF does not have (it is shorter, or numbered wider)."""
    for path in folder.glob("page-*.png"):
        if PAGE_FILE.match(path.name) and path.name not in keep:
            path.unlink(missing_ok=True)


def _label_font() -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=16)
    except (ImportError, TypeError, OSError):  # Pillow built without FreeType: the small bitmap font
        return ImageFont.load_default()
