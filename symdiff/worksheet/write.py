"""Write a file whole or not at all: a temporary file beside it, then a rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import WorksheetError


def write_atomically(path: str | Path, text: str) -> None:
    """Replace ``path`` with ``text``; an existing file is never left half-written."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise WorksheetError(f"{path}: cannot write: {exc.strerror}", hint="choose a directory you can write to") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise WorksheetError(f"{path}: cannot write: {exc.strerror}", hint="choose a path you can write to") from None
