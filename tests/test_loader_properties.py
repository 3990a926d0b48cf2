"""Any input to the table and front-matter loaders either loads or becomes the builder's own problems.

Never another exception: whatever an editor types, the build ends in a message.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handbook.content import parse_chapter, parse_table
from handbook.errors import Problem
from handbook.model import Chapter, Table

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
                    st.dates(), st.sampled_from(["", "-", ":", "---", "[[table: x]]", "*a", "&a", "!!str", "\t"]))
keys = st.one_of(st.sampled_from(["caption", "columns", "rows", "source", "key", "label", "row_header",
                                  "id", "title", "order", "readability", "x"]), st.text(max_size=10))
data = st.recursive(scalars, lambda children: st.one_of(st.lists(children, max_size=5),
                                                         st.dictionaries(keys, children, max_size=6)), max_leaves=30)

yaml_fragments = st.lists(st.sampled_from([
    "caption: A", "columns:", "  - {key: a, label: A}", "  - key: b", "    label: B", "rows:", "  - {a: 1, b: 2}",
    "  - a: x", "source: S", "source:", "row_header: no", "id: x", "title: T", "order: 1", "order: -1",
    "readability: exempt", "&anchor", "*anchor", "- ", "  ", "\t", "'", '"', "{", "[", "key: [1, 2", "!!binary x",
    "? complex", ": v", "a: &x [*x]", "%YAML 1.1", "---", "...",
]), max_size=12).map("\n".join)


def _loads_or_reports(result, problems: list[Problem], model_type: type) -> None:
    assert all(isinstance(problem, Problem) and str(problem) for problem in problems)
    if result is None:
        assert problems, "a refused input must say why"
    else:
        assert isinstance(result, model_type) and not problems


@SETTINGS
@given(st.one_of(st.text(max_size=300), yaml_fragments, data.map(lambda value: yaml.safe_dump(value, allow_unicode=True))))
def test_table_loader_never_raises(text):
    problems: list[Problem] = []
    _loads_or_reports(parse_table(text, "tables/t.yml", problems), problems, Table)


@SETTINGS
@given(st.one_of(st.text(max_size=200), yaml_fragments, data.map(lambda value: yaml.safe_dump(value, allow_unicode=True))),
       st.text(max_size=100))
def test_front_matter_loader_never_raises(front, body):
    problems: list[Problem] = []
    text = f"---\n{front}\n---\n{body}"
    _loads_or_reports(parse_chapter(text, Path("chapters/c.md"), "chapters/c.md", problems), problems, Chapter)


@SETTINGS
@given(st.text(max_size=300))
def test_chapter_loader_never_raises_on_any_text(text):
    problems: list[Problem] = []
    _loads_or_reports(parse_chapter(text, Path("chapters/c.md"), "chapters/c.md", problems), problems, Chapter)


def test_a_valid_table_loads():
    problems: list[Problem] = []
    table = parse_table("caption: C\ncolumns:\n  - {key: a, label: A}\nrows:\n  - {a: 1}\nsource: S\n", "t.yml", problems)
    assert problems == [] and table.rows == [{"a": "1"}]
