"""The one error type users see: a list of problems, each pointing at a place.

Every later stage raises `ContentError` (or `BuildError` for a broken template
or environment) with `Problem`s; only the command line prints them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong, printed as `path:line:column: message (hint)`."""

    path: str
    line: int = 0
    column: int = 0
    message: str = ""
    hint: str = ""

    def __str__(self) -> str:
        place = self.path
        if self.line:
            place += f":{self.line}:{max(self.column, 1)}"
        text = f"{place}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class HandbookError(Exception):
    """Base for errors the command line reports without a traceback."""

    exit_code = 1

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def __reduce__(self):
        # Keep the problems when the error crosses a process boundary.
        return (self.__class__, (self.problems,))


class ContentError(HandbookError):
    """The content folder has mistakes an editor can fix (exit code 1)."""

    exit_code = 1


class BuildError(HandbookError):
    """The builder itself cannot run: a template, the output folder, a system library (exit code 2)."""

    exit_code = 2


def display_path(path: Path, content_dir: Path) -> str:
    """Path as editors see it: relative to the content folder's parent."""
    try:
        return path.resolve().relative_to(content_dir.resolve().parent).as_posix()
    except ValueError:
        return str(path)


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """A hint naming the closest existing choice, or listing them when none is close."""
    choices = sorted(choices)
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    if not choices:
        return "none exist yet"
    return "existing names: " + ", ".join(choices[:12]) + (" ..." if len(choices) > 12 else "")
