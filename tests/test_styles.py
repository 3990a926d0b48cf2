"""Every colour the styles print text in has a contrast of at least 4.5:1 on the page (WCAG 1.4.3)."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

WHITE = "#ffffff"


def luminance(colour: str) -> float:
    channels = [int(colour[index:index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4 for value in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


STYLES = "\n".join(path.read_text() for path in sorted((ROOT / "styles").rglob("*.css")))
VARIABLES = dict(re.findall(r"(--[a-z-]+):\s*(#[0-9a-fA-F]{6})", STYLES))


@pytest.mark.parametrize("name", ["--ink", "--accent", "--rule"])
def test_text_colours_contrast_with_the_page(name):
    assert contrast(VARIABLES[name], WHITE) >= 4.5


def test_every_literal_colour_contrasts_with_the_page():
    for colour in set(re.findall(r"#[0-9a-fA-F]{6}\b", STYLES)) - {"#e8edf3"}:
        assert contrast(colour, WHITE) >= 4.5, colour


def test_table_header_shading_keeps_its_text_readable():
    assert contrast(VARIABLES["--ink"], "#e8edf3") >= 4.5
