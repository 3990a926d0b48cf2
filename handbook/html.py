"""Render the content model into one HTML document through the Jinja templates.

Pure with respect to the model: `render_html(handbook, project)` returns a
string and touches no output file.
"""

from __future__ import annotations

import contextlib
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import fontpkg
import jinja2
import markdown
import markdown.extensions.toc
from markupsafe import Markup

from .errors import BuildError, Problem
from .markdown_blocks import BlockLinesExtension, NoRawHtmlExtension
from .model import Chapter, Edition, Handbook

MAIN_TEMPLATE = "handbook.html.j2"


@dataclass(frozen=True)
class Project:
    """Where the presentation lives: templates and styles (shared by every handbook)."""

    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root).resolve())

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def styles_dir(self) -> Path:
        return self.root / "styles"


@dataclass(frozen=True)
class RenderedChapter:
    chapter: Chapter
    html: Markup


@functools.lru_cache(maxsize=4)
def template_environment(templates_dir: Path) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["inline_markdown"] = inline_markdown
    environment.filters["long_date"] = lambda day: f"{day:%B} {day.day}, {day.year}"
    environment.filters["add_prefix"] = lambda text, prefix: f"{prefix}{text}"
    environment.globals["font_faces"] = font_faces
    return environment


def font_faces(slug: str) -> list[dict]:
    """The faces of a font installed as a Python package, for @font-face rules."""
    family = fontpkg.family(slug)
    return [{"family": family.name, "url": face.path.as_uri(), "weight": face.weight, "style": face.style}
            for face in family.files]


def installed_font_dirs() -> list[Path]:
    """Folders of the font packages the templates may use."""
    return sorted({face.path.parent for family in fontpkg.families().values() for face in family.files})


def inline_markdown(text: str) -> Markup:
    """Markdown for a short text (a table cell, a step): bold and italics, no paragraphs."""
    html = markdown.markdown(str(text), extensions=[NoRawHtmlExtension()])
    return Markup(re.sub(r"^<p>(.*)</p>$", r"\1", html, flags=re.DOTALL))


@dataclass(frozen=True)
class Numbering:
    """Page numbers given to a part laid out on its own: where it starts, the total, where chapters start."""

    start: int
    total: int
    starts: dict[str, int]


def render_html(handbook: Handbook, project: Project, edition_name: str, edition: Edition,
                part: str | None = None, numbering: Numbering | None = None,
                chapters: list[RenderedChapter] | None = None) -> str:
    """The handbook as one HTML document for one edition, ready for WeasyPrint.

    With `part` ("front" for the cover and contents, or a chapter id) only that
    part is in the document, numbered as `numbering` says. `chapters` passes
    chapters already rendered for this edition.
    """
    environment = template_environment(project.templates_dir)
    with template_errors(project):
        if chapters is None:
            chapters = render_chapters(handbook, project, edition)
        return environment.get_template(MAIN_TEMPLATE).render(
            handbook=handbook,
            meta=handbook.metadata,
            chapters=chapters,
            edition_name=edition_name,
            edition=edition,
            style_url=lambda name: (project.styles_dir / name).as_uri(),
            part=part,
            numbering=numbering,
        )


def render_chapters(handbook: Handbook, project: Project, edition: Edition) -> list[RenderedChapter]:
    environment = template_environment(project.templates_dir)
    with template_errors(project):
        return [RenderedChapter(chapter, render_chapter(chapter, handbook, environment, edition))
                for chapter in handbook.chapters]


@contextlib.contextmanager
def template_errors(project: Project):
    """Turn a broken or missing template into a builder error naming the template and line."""
    try:
        yield
    except jinja2.TemplateNotFound as error:
        raise BuildError([Problem(_relative(project.templates_dir / error.name, project.root), 0, 0,
                                  "template not found", "restore it from the repository")]) from error
    except jinja2.TemplateSyntaxError as error:
        raise BuildError([Problem(_relative(Path(error.filename or error.name or "?"), project.root),
                                  error.lineno, 1, f"template error: {error.message}",
                                  "fix the template")]) from error
    except jinja2.UndefinedError as error:
        raise BuildError([_template_runtime_problem(error, project)]) from error


def _template_runtime_problem(error: Exception, project: Project) -> Problem:
    # Jinja rewrites tracebacks so template frames carry the template's file and line.
    frame = error.__traceback__
    place = (MAIN_TEMPLATE, 0)
    while frame is not None:
        filename = frame.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            place = (_relative(Path(filename), project.root), frame.tb_lineno)
        frame = frame.tb_next
    return Problem(place[0], place[1], 1, f"template error: {error}", "the template uses a name the model does not have")


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def render_chapter(chapter: Chapter, handbook: Handbook, environment: jinja2.Environment,
                   edition: Edition = Edition(description="plain")) -> Markup:
    def render_block(kind: str, argument: str) -> str:
        template = environment.get_template(f"blocks/{kind}.html.j2")
        return template.render(
            handbook=handbook,
            edition=edition,
            chapter=chapter,
            table=handbook.tables.get(argument),
            table_id=f"table-{argument}",
            checklist=handbook.checklist,
            label=argument,
            count=int(argument) if argument.isdigit() else 0,
        )

    converter = markdown.Markdown(extensions=[
        NoRawHtmlExtension(),
        BlockLinesExtension(render_block),
        "admonition",
        "sane_lists",
        "smarty",
        markdown.extensions.toc.TocExtension(
            slugify=lambda text, separator: f"{chapter.anchor}-{markdown.extensions.toc.slugify(text, separator)}",
            permalink=False,
        ),
    ])
    return Markup(converter.convert(chapter.body))
