"""Shared fixtures: each handbook is built once per test session, then read back."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from handbook.content import load_handbook
from handbook.pipeline import BuildOptions, build

ROOT = Path(__file__).resolve().parent.parent
BACLOFEN = ROOT / "content"
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


class BuiltPdf:
    """A built handbook with its content model and its PDF opened three ways."""

    def __init__(self, content_dir: Path, output_dir: Path):
        (self.result,) = build(BuildOptions(content_dir=content_dir, output_dir=output_dir)).results
        self.handbook = load_handbook(content_dir)
        self.path = self.result.pdf_path
        self.reader = PdfReader(self.path)
        with pdfplumber.open(self.path) as pdf:
            self.page_texts = [page.extract_text() or "" for page in pdf.pages]

    def plumber(self):
        return pdfplumber.open(self.path)

    def page_of(self, needle: str) -> int:
        """1-based number of the first page whose text contains `needle`."""
        for number, text in enumerate(self.page_texts, start=1):
            if needle in " ".join(text.split()):
                return number
        raise AssertionError(f"{needle!r} is on no page")


@pytest.fixture(scope="session")
def baclofen(tmp_path_factory) -> BuiltPdf:
    return BuiltPdf(BACLOFEN, tmp_path_factory.mktemp("baclofen"))


@pytest.fixture(scope="session")
def mini(tmp_path_factory) -> BuiltPdf:
    return BuiltPdf(MINI, tmp_path_factory.mktemp("mini"))


@pytest.fixture(scope="session")
def baclofen_model():
    return load_handbook(BACLOFEN)
