"""Where the pictures stage hands its drawers down to the objects they draw.

Pictures are drawn by ``symdiff.pictures``, a stage above programs and
checking, with optional libraries (``symdiff[plot]``). ``Program.graph(...)``
and ``BlanksResult.plot()`` cannot import it without an import running up the
pipeline, so the pictures stage registers its drawers here when it is
imported, which ``import symdiff`` does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import SymdiffError

DRAWERS: dict[str, Callable[..., Any]] = {}
"""``graph`` (a program's graph) and ``blanks`` (a blanks result's decision regions), set by ``symdiff.pictures``."""


def draw(kind: str, *args: Any, **kwargs: Any) -> Any:
    """The picture a registered drawer makes; an error saying what to import when none is."""
    if kind not in DRAWERS:
        raise SymdiffError(
            f"no drawer for {kind} pictures is loaded", hint="import symdiff.pictures (import symdiff does)"
        )
    return DRAWERS[kind](*args, **kwargs)
