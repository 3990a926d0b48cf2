"""Every patient-facing chapter reads at or below the handbook's grade limit."""

from __future__ import annotations

import pytest

from conftest import BACLOFEN

from handbook import readability
from handbook.content import load_handbook
from handbook.html import Project, render_chapter, template_environment
from handbook.pipeline import PROJECT_ROOT

HANDBOOK = load_handbook(BACLOFEN)
CHECKED = [chapter for chapter in HANDBOOK.chapters if chapter.front.readability == "checked"]


@pytest.mark.parametrize("chapter", CHECKED, ids=[chapter.id for chapter in CHECKED])
def test_chapter_reading_grade_is_within_the_limit(chapter):
    environment = template_environment(Project(PROJECT_ROOT).templates_dir)
    text = readability.prose(render_chapter(chapter, HANDBOOK, environment))
    scores = readability.score(text)
    assert scores.sentences >= 3, "too little running text to measure"
    assert scores.grade <= HANDBOOK.metadata.readability.max_grade, (
        f"{chapter.display_path}: Flesch-Kincaid grade {scores.grade:.1f}")


def test_only_the_sources_page_is_exempt():
    exempt = [chapter.id for chapter in HANDBOOK.chapters if chapter.front.readability == "exempt"]
    assert exempt == ["sources"]


def test_prose_leaves_out_headings_tables_and_fragments():
    html = ("<h2>A Very Long Heading With Polysyllabic Terminology</h2><p>You take it. It helps.</p>"
            "<ul><li>Fragment without end</li><li>A full sentence here.</li></ul>"
            "<div class='table-block'><table><tr><td>Cell text.</td></tr></table></div>")
    assert readability.prose(html) == "You take it. It helps.\nA full sentence here."


def test_smog_needs_thirty_sentences():
    assert readability.score("You take it. " * 10).smog is None
    assert readability.score("You take it. " * 30).smog is not None
