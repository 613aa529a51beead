"""The Python API: what ``import symdiff`` offers for single formulas, re-exported from their stages.

``derive`` and ``parse`` make a ``Result`` (``result.py``); programs, checking,
blanks and worksheets come from their own stages through ``symdiff/__init__.py``.
This module holds no code of its own.
"""

from __future__ import annotations

from .result import Result, ShapeSpec, derive, parse, parse_latex, shape_of, wrt_steps

__all__ = ["Result", "ShapeSpec", "derive", "parse", "parse_latex", "shape_of", "wrt_steps"]
