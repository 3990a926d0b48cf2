"""What a reader gets from the built PDF: pages, contents, footers, tables, checklist, metadata."""

from __future__ import annotations

import re

import pytest

LETTER = (612, 792)
MM = 72 / 25.4


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(params=["baclofen", "mini"])
def built(request):
    return request.getfixturevalue(request.param)


def test_pages_are_us_letter(built):
    sizes = {(round(float(page.mediabox.width)), round(float(page.mediabox.height))) for page in built.reader.pages}
    assert sizes == {LETTER}


def test_cover_has_title_and_no_running_header_or_footer(built):
    cover = built.page_texts[0]
    meta = built.handbook.metadata
    assert meta.title in cover and meta.organisation in cover and meta.version in cover
    assert "Page " not in cover
    assert meta.reviewed.strftime("%B") in cover


def test_every_page_after_the_cover_says_page_x_of_y(built):
    total = len(built.page_texts)
    assert total == built.result.pages
    for number, text in enumerate(built.page_texts[1:], start=2):
        assert f"Page {number} of {total}" in text, f"page {number} lacks its page number"


def test_footer_carries_version_and_review_date(built):
    meta = built.handbook.metadata
    for text in built.page_texts[1:]:
        assert f"Version {meta.version}" in text and str(meta.reviewed.year) in text


def _contents_entries(built) -> dict[str, int]:
    entries = {}
    for line in built.page_texts[1].splitlines():
        match = re.match(r"^(.*?)[\s.]*?(\d+)$", line.strip())
        if match and "Page " not in line:
            entries[match[1].rstrip(" .")] = int(match[2])
    return entries


def test_contents_lists_every_chapter_with_the_page_it_starts_on(built):
    entries = _contents_entries(built)
    titles = [chapter.title for chapter in built.handbook.chapters]
    assert list(entries) == titles
    for title, page in entries.items():
        text = built.page_texts[page - 1]
        # The chapter heading is on that page, right under the running header.
        assert title in text.splitlines()[1], f"'{title}' does not start on page {page}"
        assert title not in built.page_texts[page - 2].splitlines()[1:2], f"'{title}' starts before page {page}"


def test_contents_entries_are_links_to_their_chapters(built):
    reader = built.reader
    destinations = {name: reader.get_destination_page_number(dest) + 1
                    for name, dest in reader.named_destinations.items()}
    links = [annotation.get_object()["/Dest"] for annotation in reader.pages[1].get("/Annots", [])
             if annotation.get_object().get("/Subtype") == "/Link"]
    entries = _contents_entries(built)
    chapters = built.handbook.chapters
    assert set(links) == {chapter.anchor for chapter in chapters}
    for chapter in chapters:
        assert destinations[chapter.anchor] == entries[chapter.title]


def test_each_chapter_starts_on_a_new_page(built):
    # A chapter's first page has its title as the first line under the running header.
    starts = [number for number, text in enumerate(built.page_texts, start=1)
              for chapter in built.handbook.chapters if text.splitlines()[1:2] == [chapter.title]]
    assert len(starts) == len(built.handbook.chapters)
    assert len(set(starts)) == len(starts) and starts == sorted(starts)


def test_running_header_names_the_chapter(built):
    entries = _contents_entries(built)
    for title, page in entries.items():
        assert built.page_texts[page - 1].splitlines()[0].strip() == title


def test_bookmarks_one_per_chapter_pointing_at_its_first_page(built):
    reader = built.reader
    top = [(item.title, reader.get_destination_page_number(item) + 1)
           for item in reader.outline if not isinstance(item, list)]
    entries = _contents_entries(built)
    assert top == [("Contents", 2)] + list(entries.items())


def test_metadata_comes_from_the_content(built):
    meta = built.handbook.metadata
    info = built.reader.metadata
    assert info["/Title"].startswith(meta.title)
    assert info["/Author"] == meta.author
    assert info["/Subject"] == meta.subject
    assert [word.strip() for word in info["/Keywords"].split(",")] == meta.keywords
    assert built.reader.trailer["/Root"]["/Lang"] == meta.language
    assert info["/CreationDate"] == f"D:{meta.reviewed:%Y%m%d}"


def test_all_fonts_are_embedded_and_body_face_is_atkinson(built):
    names = set()
    for page in built.reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
            names.add(str(font["/BaseFont"]).split("+")[-1])
    assert names and all(name.startswith("Atkinson-Hyperlegible") for name in names)


def test_no_text_is_smaller_than_12_points(built):
    with built.plumber() as pdf:
        smallest = min(char["size"] for page in pdf.pages for char in page.chars)
    assert smallest >= 11.99


def test_body_lines_stay_near_70_characters(baclofen):
    # Running prose only: lines set at the body size, outside tables.
    longest = 0
    with baclofen.plumber() as pdf:
        for page in pdf.pages[2:]:
            body = page.filter(lambda obj: obj.get("object_type") != "char" or 13.9 < obj["size"] < 14.1)
            for line in body.extract_text_lines():
                longest = max(longest, len(line["text"]))
    assert 55 <= longest <= 75


def test_table_captions_and_sources_are_printed(built):
    for name, table in built.handbook.tables.items():
        page = built.page_of(table.caption)
        following = _squash(" ".join(built.page_texts[page - 1:page + 3]))
        assert _squash(f"Source: {table.source}") in following, f"the source of table '{name}' is missing"


def test_table_header_cells_are_marked_as_headers(tmp_path, baclofen):
    from handbook.html import Project, render_html
    from handbook.model import Edition
    from handbook.pipeline import PROJECT_ROOT

    html = render_html(baclofen.handbook, Project(PROJECT_ROOT), "letter", Edition(description="plain"))
    for table in baclofen.handbook.tables.values():
        for column in table.columns:
            assert f'<th scope="col">{column.label}</th>' in html.replace("&#39;", "'")


def test_long_table_repeats_its_header_on_every_page(mini):
    table = mini.handbook.tables["rooms"]
    header = " ".join(column.label for column in table.columns)
    first_row, last_row = table.rows[0]["room"], table.rows[-1]["room"]
    pages = range(mini.page_of(first_row + " "), mini.page_of(last_row + " ") + 1)
    assert len(pages) >= 2, "the fixture table should span pages"
    for number in pages:
        lines = mini.page_texts[number - 1].splitlines()
        assert header in lines[1:4], f"page {number} has no table header"


def test_table_rows_are_never_split(mini):
    # Every row's three cells sit on the same page.
    table = mini.handbook.tables["rooms"]
    for row in table.rows:
        assert mini.page_of(f"{row['room']} {row['floor']} {row['hours']}")


def test_checklist_is_a_page_of_its_own_with_numbered_steps_and_big_boxes(built):
    checklist = built.handbook.checklist
    number = built.page_of(checklist.title)
    text = _squash(built.page_texts[number - 1])
    before = built.page_texts[number - 2].splitlines()
    assert checklist.title not in before
    positions = [text.index(f"{index}. {_squash(step.text)}".replace("**", "")) for index, step in enumerate(checklist.steps, 1)]
    assert positions == sorted(positions)
    for label in checklist.record:
        assert f"{label}:" in text
    # (compared without spaces: a line may break after a hyphen)
    assert "".join(f"Source: {checklist.source}".split()) in "".join(text.split()), "the checklist's source is not on its page"
    with built.plumber() as pdf:
        page = pdf.pages[number - 1]
        boxes = [rect for rect in page.rects if rect["width"] >= 6 * MM and abs(rect["width"] - rect["height"]) < 0.5
                 and rect["width"] < 30 * MM]
        outer = {(round(rect["x0"]), round(rect["top"])) for rect in boxes
                 if not any(other["x0"] < rect["x0"] - 1 and other["top"] < rect["top"] - 1 and other["x1"] > rect["x1"]
                            for other in boxes)}
    assert len(outer) == len(checklist.steps)
    # Nothing else shares the checklist page.
    following = built.page_texts[number] if number < len(built.page_texts) else ""
    assert checklist.steps[-1].text not in following
