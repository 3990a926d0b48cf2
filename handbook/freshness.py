"""Skip a build whose inputs have not changed since the last successful one.

The fingerprint covers every file a build reads (the content folder, the
templates, the styles, the builder's own code), the versions of the renderer
and the font, and what was asked for (editions, output folder). It is stored
with the hash of each PDF written, in `output/.build-state.json`; a build is
skipped only when both still match. This module imports nothing heavy, so a
no-op costs little more than starting Python.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

STATE_FILE = ".build-state.json"
_PACKAGES = ("weasyprint", "fontpkg_atkinson_hyperlegible", "markdown", "jinja2", "pypdf", "pydyf", "tinycss2")


def installed_versions() -> list[str]:
    """The installed versions of the packages that shape the PDF, read from their dist-info folder names.

    (importlib.metadata would take longer than the whole no-op build.)
    """
    found = []
    for folder in sys.path:
        if folder.endswith("site-packages") and os.path.isdir(folder):
            found += sorted(name for name in os.listdir(folder)
                            if name.endswith(".dist-info") and name.lower().startswith(_PACKAGES))
    return found


def fingerprint(folders: list[Path], request: dict) -> str:
    digest = hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode())
    digest.update("\n".join(installed_versions()).encode())
    for folder in folders:
        for path in sorted(_files(folder)):
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _files(folder: Path):
    for directory, subdirectories, names in os.walk(folder):
        subdirectories[:] = [name for name in subdirectories if not name.startswith((".", "__pycache__"))]
        for name in names:
            if not name.startswith(".") and not name.endswith(".pyc"):
                yield Path(directory) / name


def _file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _read_state(output_dir: Path) -> dict:
    try:
        return json.loads((output_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def up_to_date(output_dir: Path, request_key: str, current: str) -> list[dict] | None:
    """What the last build of this request wrote, if nothing changed since; else None.

    Each entry has the PDF's `path`, `edition` and `pages`.
    """
    entry = _read_state(output_dir).get(request_key)
    if not entry or entry.get("fingerprint") != current:
        return None
    outputs = entry.get("outputs", [])
    if not outputs or any(_file_hash(Path(output["path"])) != output["sha256"] for output in outputs):
        return None
    return outputs


def record(output_dir: Path, request_key: str, current: str, outputs: list[dict]) -> None:
    """Remember a successful build: its fingerprint and each PDF's `path`, `edition`, `pages`."""
    from .output import write_atomically

    state = _read_state(output_dir)
    state[request_key] = {"fingerprint": current,
                          "outputs": [{**output, "path": str(output["path"]), "sha256": _file_hash(Path(output["path"]))}
                                      for output in outputs]}
    write_atomically(output_dir / STATE_FILE, json.dumps(state, indent=1, sort_keys=True).encode())
