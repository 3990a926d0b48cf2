"""Lay out the handbook part by part and keep the parts between rebuilds (watch mode).

Re-laying out a whole handbook after a one-line edit costs as much as the
first layout: layout and PDF writing dominate, not start-up. Here the cover
with the contents, and each chapter, are laid out as separate WeasyPrint
documents, each told its first page number and the handbook's page total;
their pages are then combined into one PDF (WeasyPrint resolves links and
bookmarks across the combined pages). After an edit only the parts whose
HTML changed are laid out again. If that changes a part's page count, the
numbers of the following parts change too, and they are laid out again, until
the counts settle.

The output matches a whole-document build page for page; the tests compare
the two.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from .html import Numbering, Project, RenderedChapter, render_html
from .model import Edition, Handbook
from .pdf import ProjectFetcher, RenderedPdf, collect_warnings, tagging_finisher

FRONT = "front"  # the cover and the contents
MAX_PASSES = 4


@dataclass
class LaidOutPart:
    html: str
    document: object  # weasyprint.Document


@dataclass
class PartitionedLayout:
    """One edition's parts, kept from one rebuild to the next."""

    project: Project
    edition_name: str
    edition: Edition
    parts: dict[str, LaidOutPart] = field(default_factory=dict)
    font_config: FontConfiguration = field(default_factory=FontConfiguration)
    laid_out: list[str] = field(default_factory=list)  # parts laid out by the last render, for the summary

    def render(self, handbook: Handbook, chapters: list[RenderedChapter], base_url: str, allowed_roots,
               link_titles: dict[str, str]) -> RenderedPdf:
        """Lay out what changed and write the PDF; `chapters` are the chapters rendered for this edition."""
        names = [FRONT, *(chapter.id for chapter in handbook.chapters)]
        self.parts = {name: part for name, part in self.parts.items() if name in names}
        fetcher = ProjectFetcher(allowed_roots)
        options = self.edition.pdf_options
        self.laid_out = []
        with collect_warnings() as warnings:
            counts = {name: len(self.parts[name].document.pages) if name in self.parts else 1 for name in names}
            for _ in range(MAX_PASSES):
                numbering = _numbering(names, counts)
                for name in names:
                    html = render_html(handbook, self.project, self.edition_name, self.edition, part=name,
                                       numbering=numbering[name], chapters=chapters)
                    if name not in self.parts or self.parts[name].html != html:
                        self.parts.pop(name, None)  # a kept document slows the next layout down
                        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
                            font_config=self.font_config, **options)
                        self.parts[name] = LaidOutPart(html, document)
                        self.laid_out.append(name)
                new_counts = {name: len(self.parts[name].document.pages) for name in names}
                if new_counts == counts:
                    break
                counts = new_counts
            pages = [page for name in names for page in self.parts[name].document.pages]
            combined = self.parts[FRONT].document.copy(pages)
            finisher = tagging_finisher(link_titles) if options.get("pdf_tags") else None
            data = combined.write_pdf(finisher=finisher, **options)
        return RenderedPdf(data, len(pages), warnings)


def _numbering(names: list[str], counts: dict[str, int]) -> dict[str, Numbering]:
    starts, page = {}, 1
    for name in names:
        starts[name] = page
        page += counts[name]
    total = page - 1
    chapter_starts = {name: start for name, start in starts.items() if name != FRONT}
    return {name: Numbering(starts[name], total, chapter_starts) for name in names}
