"""The build, start to end: load → render HTML → render PDF → write.

`build()` is a function of its options and the files on disk, with no state
kept between calls, so the command line, the tests and the benchmark all call
the same thing.
"""

from __future__ import annotations

import os
import pickle
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ContentError, Problem

PROJECT_ROOT = Path(__file__).resolve().parent.parent

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildOptions:
    content_dir: Path = PROJECT_ROOT / "content"
    output_dir: Path = PROJECT_ROOT / "output"
    project_root: Path = PROJECT_ROOT


@dataclass(frozen=True)
class PreparedHtml:
    """What the PDF stage needs from the content: plain data, cheap to pass between processes."""

    html: str
    base_url: str
    allowed_roots: tuple[Path, ...]
    file_stem: str
    title: str
    chapters: int


@dataclass
class BuildResult:
    pdf_path: Path
    title: str
    chapters: int
    pages: int
    size: int
    seconds: float
    warnings: list[str] = field(default_factory=list)


def prepare_html(options: BuildOptions) -> PreparedHtml:
    """Load and validate the content and render the HTML document. Raises ContentError."""
    from .content import load_handbook
    from .html import Project, installed_font_dirs, render_html

    handbook = load_handbook(options.content_dir)
    project = Project(options.project_root)
    return PreparedHtml(
        html=render_html(handbook, project),
        base_url=handbook.content_dir.resolve().as_uri() + "/",
        # A build reads this handbook's content, the styles and the installed font packages, nothing else.
        allowed_roots=(handbook.content_dir, project.styles_dir, *installed_font_dirs()),
        file_stem=handbook.metadata.file_stem,
        title=handbook.metadata.title,
        chapters=len(handbook.chapters),
    )


def build(options: BuildOptions, progress: Progress = lambda step: None) -> BuildResult:
    """Build the handbook PDF into the output folder. Raises HandbookError subclasses."""
    started = time.perf_counter()
    progress("Checking content and rendering HTML")
    prepared = _prepare_beside_pdf_engine(options)

    progress("Laying out pages and writing PDF")
    from .output import write_atomically
    from .pdf import ForbiddenResource, render_pdf

    try:
        rendered = render_pdf(prepared.html, base_url=prepared.base_url, allowed_roots=prepared.allowed_roots)
    except ForbiddenResource as refused:
        raise ContentError([_locate_url(options.content_dir, refused.url)]) from refused

    pdf_path = options.output_dir / f"{prepared.file_stem}.pdf"
    write_atomically(pdf_path, rendered.data)
    return BuildResult(pdf_path, prepared.title, prepared.chapters, rendered.pages, len(rendered.data),
                       time.perf_counter() - started, rendered.warnings + environment_warnings())


def _prepare_beside_pdf_engine(options: BuildOptions) -> PreparedHtml:
    """Prepare the HTML in a forked worker while this process loads WeasyPrint.

    Importing WeasyPrint takes about a third of a second, as long as loading,
    validating and rendering the content; on two cores the two overlap, which
    keeps a build within a few percent of WeasyPrint's own time. Where fork is
    missing, or WeasyPrint is already loaded (a warm process), it runs inline.
    """
    if "weasyprint" in sys.modules or not hasattr(os, "fork"):
        return prepare_html(options)
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read_end)
        with os.fdopen(write_end, "wb") as stream:
            stream.write(_outcome(prepare_html, options))
        os._exit(0)
    os.close(write_end)
    import weasyprint  # noqa: F401  (loaded now, used by the PDF stage)

    with os.fdopen(read_end, "rb") as stream:
        succeeded, value = pickle.loads(stream.read())
    os.waitpid(child, 0)
    if succeeded:
        return value
    raise value


def _outcome(function: Callable, argument: object) -> bytes:
    """A function's result or exception, pickled; an unpicklable exception travels as its traceback."""
    try:
        return pickle.dumps((True, function(argument)))
    except BaseException as error:  # noqa: BLE001  (re-raised in the parent)
        try:
            return pickle.dumps((False, error))
        except Exception:
            return pickle.dumps((False, RuntimeError("".join(traceback.format_exception(error)))))


def environment_warnings() -> list[str]:
    from weasyprint.text.ffi import harfbuzz_subset  # None when WeasyPrint could not load it

    if harfbuzz_subset is None:
        return ["the system library libharfbuzz-subset0 is missing: writing PDFs is about 4 times slower "
                "(install it with: apt-get install libharfbuzz-subset0)"]
    return []


def _locate_url(content_dir: Path, url: str) -> Problem:
    """Point at the content line that asked for a refused URL."""
    from .content import load_handbook

    handbook = load_handbook(content_dir)
    needles = {url, url.removeprefix(handbook.content_dir.resolve().as_uri() + "/")}
    for chapter in handbook.chapters:
        for offset, line in enumerate(chapter.body.split("\n")):
            if any(needle and needle in line for needle in needles):
                return Problem(chapter.display_path, chapter.body_line + offset, line.find("](") + 2,
                               f"'{url}' is outside the project and cannot be used",
                               "put the file in the content folder's images/ and use a relative path")
    return Problem(handbook.content_dir.name, 0, 0, f"the handbook asked for '{url}', which is outside the project",
                   "use only files inside the content folder")
