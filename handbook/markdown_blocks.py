"""Python-Markdown extensions for chapter bodies.

`BlockLinesExtension` replaces each `[[kind: argument]]` line with HTML from a
renderer callback (the tables, the checklist, write-in lines). The HTML is
stashed, the way fenced code is, so Markdown never re-parses it.

`NoRawHtmlExtension` makes raw HTML in a chapter print as text: editors write
Markdown only, and a chapter cannot smuggle in scripts, styles or fetches.
"""

from __future__ import annotations

from collections.abc import Callable

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from .body import FENCE, parse_block_line

BlockRenderer = Callable[[str, str], str]


class _BlockLinePreprocessor(Preprocessor):
    def __init__(self, md: Markdown, render_block: BlockRenderer):
        super().__init__(md)
        self.render_block = render_block

    def run(self, lines: list[str]) -> list[str]:
        result = []
        fenced = False
        for line in lines:
            if FENCE.match(line):
                fenced = not fenced
            parsed = None if fenced else parse_block_line(line)
            if parsed is None:
                result.append(line)
                continue
            placeholder = self.md.htmlStash.store(self.render_block(*parsed))
            result += ["", placeholder, ""]
        return result


class BlockLinesExtension(Extension):
    def __init__(self, render_block: BlockRenderer):
        super().__init__()
        self.render_block = render_block

    def extendMarkdown(self, md: Markdown) -> None:
        # After fenced code (25) has stashed code blocks, before raw HTML handling.
        md.preprocessors.register(_BlockLinePreprocessor(md, self.render_block), "block_lines", 22)


class NoRawHtmlExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
