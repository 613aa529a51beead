"""Reading the files symdiff is given with a bound on their size.

A path can name anything: ``/dev/zero`` never ends and a FIFO may never
close, so every input file (a worksheet, an ``@FILE`` formula) is read up to
its limit in ``limits.py`` plus one byte, and refused with its size past that,
before anything parses it.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import LimitError


def read_limited(path: str | Path, limit: int, what: str, hint: str) -> bytes:
    """The bytes of the file at ``path``; a ``LimitError`` if it holds more than ``limit``.

    ``what`` names the file in the message ("a worksheet"); ``OSError``s (no
    such file, a directory, no permission) are left to the caller to word.
    """
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
        if len(data) <= limit:
            return data
        size = os.fstat(handle.fileno()).st_size
    described = f"{size:,} bytes" if size > limit else f"more than {limit:,} bytes"
    raise LimitError(f"{path}: {what} of {described}; the limit is {limit:,} bytes", hint=hint)
