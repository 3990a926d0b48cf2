"""Booklet imposition: finished pages two-up on sheets twice as wide, in saddle-stitch order.

Printed double-sided (flip on the short edge), folded in the middle and
stapled, the sheets read as the original pages in order. The pages are
placed at full size, so Letter pages need 11 x 17 in (tabloid) sheets and the
text stays at its printed size.
"""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter, Transformation


def saddle_stitch_order(page_count: int) -> list[tuple[int | None, int | None]]:
    """(left, right) page numbers, 1-based, for each sheet side; None is a blank page.

    The count is padded to a multiple of four with blanks at the end.
    """
    padded = -(-page_count // 4) * 4
    number = lambda page: page if page <= page_count else None  # noqa: E731
    sides = []
    for sheet in range(padded // 4):
        outer_left, outer_right = padded - 2 * sheet, 1 + 2 * sheet
        sides.append((number(outer_left), number(outer_right)))           # front of the sheet
        sides.append((number(outer_right + 1), number(outer_left - 1)))   # back of the sheet
    return sides


def impose_booklet(pdf: bytes, title: str) -> tuple[bytes, int]:
    """The booklet PDF and its number of sheet sides."""
    reader = PdfReader(io.BytesIO(pdf))
    width = float(reader.pages[0].mediabox.width)
    height = float(reader.pages[0].mediabox.height)
    writer = PdfWriter()
    for left, right in saddle_stitch_order(len(reader.pages)):
        side = writer.add_blank_page(2 * width, height)
        for page_number, offset in ((left, 0), (right, width)):
            if page_number is not None:
                side.merge_transformed_page(reader.pages[page_number - 1], Transformation().translate(offset, 0))
    for side in writer.pages:
        side.compress_content_streams()
    # Each merged page brings its own copy of the fonts: keep one.
    writer.compress_identical_objects()
    writer.add_metadata({key: value for key, value in (reader.metadata or {}).items()})
    writer.add_metadata({"/Title": f"{title} (booklet)"})
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue(), len(writer.pages)
