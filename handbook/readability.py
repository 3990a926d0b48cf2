"""Reading level of each chapter, measured on the prose a patient reads.

Readability formulas are meant for running sentences, so headings, tables,
box titles and write-in labels are left out, and list items count only when
they are full sentences (health-literacy practice: fragments make a text look
easier than it is). textstat is pinned at 0.7.8, the last release that works
offline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import textstat

MIN_SMOG_SENTENCES = 30  # SMOG is normed on 30-sentence samples
_SKIPPED = {"h1", "h2", "h3", "h4", "h5", "h6", "table", "caption", "script", "style"}
_SKIPPED_CLASSES = {"admonition-title", "write-in", "checklist", "ruled-lines", "table-block"}
_BLOCKS = {"p", "li", "div", "section"}
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*$")


@dataclass(frozen=True)
class Scores:
    grade: float          # Flesch-Kincaid grade
    smog: float | None    # None when the text has fewer than MIN_SMOG_SENTENCES
    words: int
    sentences: int


class _ProseCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth_skipped = 0
        self.stack: list[bool] = []
        self.blocks: list[list[str]] = [[]]

    def handle_starttag(self, tag: str, attrs) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        skip = tag in _SKIPPED or bool(classes & _SKIPPED_CLASSES)
        if tag in ("br", "img", "hr", "input", "meta", "link"):
            return
        self.stack.append(skip)
        self.depth_skipped += skip
        if tag in _BLOCKS:
            self.blocks.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("br", "img", "hr", "input", "meta", "link") or not self.stack:
            return
        self.depth_skipped -= self.stack.pop()
        if tag in _BLOCKS:
            self.blocks.append([])

    def handle_data(self, data: str) -> None:
        if not self.depth_skipped:
            self.blocks[-1].append(data)


def prose(html: str) -> str:
    """The running sentences of an HTML fragment, one block per line."""
    collector = _ProseCollector()
    collector.feed(html)
    sentences = []
    for block in collector.blocks:
        text = " ".join("".join(block).split())
        if text and _SENTENCE_END.search(text):
            sentences.append(text)
    return "\n".join(sentences)


def score(text: str) -> Scores:
    sentences = textstat.sentence_count(text) if text.strip() else 0
    if not sentences:
        return Scores(0.0, None, 0, 0)
    smog = textstat.smog_index(text) if sentences >= MIN_SMOG_SENTENCES else None
    return Scores(textstat.flesch_kincaid_grade(text), smog, textstat.lexicon_count(text), sentences)
