"""Write files so that a reader never sees a half-written one.

The bytes go to a temporary file in the target folder, are flushed to disk, and
the file is renamed over the old one. A rename within one folder is atomic, so
after any failure the previous PDF is untouched, and of two builds racing, the
last rename wins with a complete file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import BuildError, Problem


def write_atomically(path: Path, data: bytes) -> None:
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise BuildError([Problem(str(path.parent), 0, 0, f"cannot write to the output folder: {error.strerror}",
                                  "choose another folder with --output, or fix its permissions")]) from error
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise BuildError([Problem(str(path), 0, 0, f"cannot write the file: {error.strerror}",
                                      "check free disk space and permissions")]) from error
        raise
