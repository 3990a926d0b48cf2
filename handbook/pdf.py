"""Turn the HTML document into PDF bytes with WeasyPrint, reading only allowed files.

WeasyPrint's default fetcher follows any file path or web address it meets;
`ProjectFetcher` serves files under the allowed folders and refuses the rest,
and stops the render instead of leaving a silent hole in the PDF. WeasyPrint
reports missing resources and CSS mistakes only as log records: they are
collected here as warnings for the build summary.
"""

from __future__ import annotations

import contextlib
import logging
import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pydyf
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse


class ForbiddenResource(FatalURLFetchingError):
    """A document asked for a file outside the project, or for a web address."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


class ProjectFetcher(URLFetcher):
    """Serve `file:` URLs inside `roots` and `data:` URLs; refuse everything else."""

    def __init__(self, roots: Iterable[Path]):
        super().__init__(fail_on_errors=True)
        self.roots = tuple(Path(root).resolve() for root in roots)
        self.fetched: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise ForbiddenResource(url)
        path = Path(unquote(urlsplit(url).path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            raise ForbiddenResource(url)
        self.fetched.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


@dataclass
class RenderedPdf:
    data: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def scope_table_headers(document, pdf) -> None:
    """Give every tagged header cell a /Scope: Column in a table head, Row in a table body.

    WeasyPrint links cells to headers with /Headers on the data cells only;
    PDF/UA checkers and screen readers look for /Scope on the header itself.
    """
    def parent(element):
        return pdf.objects[int(element["P"].split()[0])]

    for element in pdf.objects:
        if isinstance(element, pydyf.Dictionary) and element.get("S") == "/TH":
            group = parent(parent(element)).get("S")
            element.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
            element["A"]["Scope"] = "/Column" if group == "/THead" else "/Row"


@contextlib.contextmanager
def collect_warnings():
    """WeasyPrint's warnings during the block, as a list of messages."""
    collector = _WarningCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)


def tagging_finisher(link_titles: dict[str, str]):
    """What a tagged PDF needs beyond WeasyPrint's tags: header scopes, and links described by
    what they lead to (WeasyPrint describes an internal link by its anchor's id)."""
    def finish(document, pdf) -> None:
        scope_table_headers(document, pdf)
        for annotation in pdf.objects:
            if isinstance(annotation, pydyf.Dictionary) and annotation.get("Subtype") == "/Link":
                target = _string_value(annotation.get("Dest"))
                if target in link_titles:
                    annotation["Contents"] = pydyf.String(link_titles[target])
    return finish


def _string_value(value) -> str | None:
    if isinstance(value, pydyf.String):
        return value.string if hasattr(value, "string") else str(value)
    return None


def render_pdf(html: str, base_url: str, allowed_roots: Iterable[Path], link_titles: dict[str, str] | None = None,
               **options) -> RenderedPdf:
    """Lay out and write the PDF. Raises ForbiddenResource for a refused URL."""
    tagged = options.get("pdf_tags") or options.get("pdf_variant")
    finisher = tagging_finisher(link_titles or {}) if tagged else None
    with collect_warnings() as warnings:
        document = HTML(string=html, base_url=base_url, url_fetcher=ProjectFetcher(allowed_roots)).render(**options)
        pages = len(document.pages)
        data = document.write_pdf(finisher=finisher, **options)
    return RenderedPdf(data, pages, warnings)
