"""Reading level of each chapter, measured on the prose a patient reads.

Readability formulas are meant for running sentences, so headings, tables,
box titles and write-in labels are left out, and list items count only when
they are full sentences (health-literacy practice: fragments make a text look
easier than it is). textstat is pinned at 0.7.8, the last release that works
offline.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import astuple, dataclass
from html.parser import HTMLParser
from pathlib import Path

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


class CachedScores:
    """`score()` remembered by text, in a file kept between builds.

    textstat's first measurement loads a pronunciation dictionary (about 0.6 s);
    with the cache, a check or build measures only the chapters that changed.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self.version = f"textstat {textstat.__version__}" if hasattr(textstat, "__version__") else "textstat"
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
            self.scores = stored["scores"] if stored.get("version") == self.version else {}
        except (OSError, ValueError, KeyError, TypeError):
            self.scores = {}
        self.used: set[str] = set()

    def score(self, text: str) -> Scores:
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        self.used.add(key)
        if key not in self.scores:
            self.scores[key] = list(astuple(score(text)))
        return Scores(*self.scores[key])

    def save(self) -> None:
        from .output import write_atomically

        kept = {key: value for key, value in self.scores.items() if key in self.used}
        try:
            write_atomically(self.path, json.dumps({"version": self.version, "scores": kept}).encode("utf-8"))
        except Exception:  # noqa: BLE001  (a cache that cannot be written only costs time)
            pass
