"""The typed content model: declared schemas for every input, frozen once loaded.

The pydantic classes are both the schema the loader validates against and the
objects every later stage (templates included) reads.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def _number_as_text(value: object) -> object:
    # Editors write `version: 1.0` as often as `version: "1.0"`.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


Text = Annotated[str, BeforeValidator(_number_as_text), StringConstraints(strip_whitespace=True, min_length=1)]
OptionalText = Annotated[str, BeforeValidator(_number_as_text), StringConstraints(strip_whitespace=True)]
Slug = Annotated[str, StringConstraints(pattern=SLUG)]


class Schema(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)


class Readability(Schema):
    """Reading-level limits every patient-facing chapter must meet."""

    max_grade: float = Field(6.0, gt=0, le=20)
    max_smog: float = Field(8.0, gt=0, le=20)


class Metadata(Schema):
    """`handbook.yml`: what the cover, footer and PDF metadata say."""

    title: Text
    subtitle: OptionalText = ""
    organisation: Text
    author: Text
    version: Text
    reviewed: datetime.date
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")] = "en-US"
    subject: Text
    keywords: list[Text] = Field(default_factory=list)
    disclaimer: Text
    output_name: Annotated[str, StringConstraints(pattern=SLUG)] | None = None
    readability: Readability = Readability()
    # Editions `--all` builds, in order; the first is the default. Empty: every edition in styles/editions.yml.
    editions: list[Slug] = Field(default_factory=list)

    @property
    def file_stem(self) -> str:
        if self.output_name:
            return self.output_name
        words = re.findall(r"[a-z0-9]+", self.title.lower())
        return "-".join(words + ["handbook"])


class FrontMatter(Schema):
    """The block between `---` lines at the top of a chapter."""

    id: Slug
    title: Text
    order: int = Field(ge=1, le=999)
    readability: Literal["checked", "exempt"] = "checked"


class Column(Schema):
    key: Slug
    label: Text


Cell = Annotated[str, BeforeValidator(_number_as_text)]


class Table(Schema):
    """`tables/NAME.yml`: a data table with its caption and where its facts come from."""

    caption: Text
    columns: list[Column] = Field(min_length=1)
    rows: list[dict[str, Cell]] = Field(min_length=1)
    source: Text
    row_header: bool = True


class Step(Schema):
    text: Text
    detail: OptionalText = ""


class Checklist(Schema):
    """`checklist.yml`: the printable disposal checklist."""

    title: Text
    intro: OptionalText = ""
    steps: list[Step] = Field(min_length=1, max_length=12)
    record: list[Text] = Field(default_factory=list)
    source: Text


class Edition(Schema):
    """One print or distribution format: an overlay on the same content (styles/editions.yml)."""

    description: Text
    stylesheets: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+\.css$")]] = Field(default_factory=list)
    pdf_variant: Literal["pdf/ua-1"] | None = None
    forms: bool = False              # check boxes become fillable AcroForm fields
    require_alt_text: bool = False   # a picture without a description is a content error
    impose: Literal["booklet"] | None = None

    @property
    def render_key(self) -> tuple:
        """Editions with the same key share one layout (the booklet reuses the Letter pages)."""
        return (tuple(self.stylesheets), self.pdf_variant, self.forms)

    @property
    def pdf_options(self) -> dict:
        return {"pdf_variant": self.pdf_variant, "pdf_forms": self.forms or None, "pdf_tags": bool(self.pdf_variant)}


@dataclass(frozen=True)
class Chapter:
    """One chapter: its front matter and its Markdown body."""

    front: FrontMatter
    body: str
    path: Path
    display_path: str
    body_line: int  # line of the file where `body` starts
    front_lines: dict[str, int] = field(default_factory=dict)  # front-matter key -> line

    @property
    def id(self) -> str:
        return self.front.id

    @property
    def title(self) -> str:
        return self.front.title

    @property
    def anchor(self) -> str:
        """The chapter's link target: `[text](#id)` in any chapter points here."""
        return self.front.id


@dataclass(frozen=True)
class Handbook:
    """Everything one handbook needs, validated: built once by `content.load_handbook`."""

    content_dir: Path
    metadata: Metadata
    chapters: tuple[Chapter, ...]
    tables: dict[str, Table]
    checklist: Checklist | None
