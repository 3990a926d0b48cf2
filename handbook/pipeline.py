"""The build, start to end: load → render HTML → render PDF → write.

`build()` is a function of its options and the files on disk, with no state
kept between calls, so the command line, the tests and the benchmark all call
the same thing.
"""

from __future__ import annotations

import ctypes.util
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .content import load_handbook
from .errors import ContentError, Problem
from .html import Project, installed_font_dirs, render_html
from .model import Handbook
from .output import write_atomically
from .pdf import ForbiddenResource, render_pdf

PROJECT_ROOT = Path(__file__).resolve().parent.parent

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildOptions:
    content_dir: Path = PROJECT_ROOT / "content"
    output_dir: Path = PROJECT_ROOT / "output"
    project_root: Path = PROJECT_ROOT


@dataclass
class BuildResult:
    handbook: Handbook
    pdf_path: Path | None = None
    pages: int = 0
    size: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


def check(options: BuildOptions) -> Handbook:
    """Validate all content without rendering. Raises ContentError."""
    return load_handbook(options.content_dir)


def build(options: BuildOptions, progress: Progress = lambda step: None) -> BuildResult:
    """Build the handbook PDF into the output folder. Raises HandbookError subclasses."""
    started = time.perf_counter()
    progress("Checking content")
    handbook = load_handbook(options.content_dir)
    project = Project(options.project_root)

    progress("Rendering HTML")
    html = render_html(handbook, project)

    progress("Laying out pages and writing PDF")
    try:
        rendered = render_pdf(html, base_url=_folder_url(handbook.content_dir),
                              allowed_roots=_allowed_roots(handbook, project))
    except ForbiddenResource as refused:
        raise ContentError([_locate_url(handbook, refused.url)]) from refused

    pdf_path = options.output_dir / f"{handbook.metadata.file_stem}.pdf"
    write_atomically(pdf_path, rendered.data)
    warnings = rendered.warnings + environment_warnings()
    return BuildResult(handbook, pdf_path, rendered.pages, len(rendered.data),
                       time.perf_counter() - started, warnings)


def environment_warnings() -> list[str]:
    if ctypes.util.find_library("harfbuzz-subset") is None:
        return ["the system library libharfbuzz-subset0 is missing: writing PDFs is about 4 times slower "
                "(install it with: apt-get install libharfbuzz-subset0)"]
    return []


def _folder_url(folder: Path) -> str:
    return folder.resolve().as_uri() + "/"


def _allowed_roots(handbook: Handbook, project: Project) -> list[Path]:
    """Folders a build may read: this handbook's content, the styles, the installed font packages."""
    return [handbook.content_dir, project.styles_dir, *installed_font_dirs()]


def _locate_url(handbook: Handbook, url: str) -> Problem:
    """Point at the content line that asked for a refused URL."""
    needles = {url, url.removeprefix(_folder_url(handbook.content_dir))}
    for chapter in handbook.chapters:
        for offset, line in enumerate(chapter.body.split("\n")):
            if any(needle and needle in line for needle in needles):
                return Problem(chapter.display_path, chapter.body_line + offset, line.find("](") + 2,
                               f"'{url}' is outside the project and cannot be used",
                               "put the file in the content folder's images/ and use a relative path")
    return Problem(handbook.content_dir.name, 0, 0, f"the handbook asked for '{url}', which is outside the project",
                   "use only files inside the content folder")
