"""symdiff: derivatives you can trust, from text or LaTeX.

The pipeline, one package per stage, in import order (README, "How it works"):
``ops`` (one entry per operation), ``parse`` (text -> syntax tree), ``model``
(shapes and SymPy form), ``export`` (text and LaTeX printers), ``derive``
(matrix and component form), ``evaluate`` (NumPy), ``result``, ``program``
(named intermediates, backprop), ``check`` (answer options, blanks),
``worksheet`` (files of questions, answer keys and their printers), ``api``, ``cli``.

The public names are imported on first use, so that ``import symdiff`` (and
the command line, which lives in this package) does not pay for SymPy, NumPy
and pydantic before something needs them.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .api import Result, derive, parse, parse_latex
    from .check import CheckResult, check
    from .check.blanks import BlanksResult, blanks
    from .errors import (
        EvaluationError,
        LimitError,
        ParseError,
        ShapeError,
        SymdiffError,
        UnsupportedError,
        WorksheetError,
    )
    from .program import Program, program
    from .worksheet.keys import print_key
    from .worksheet.solve import solve

_HOME = {
    "BlanksResult": "check.blanks",
    "CheckResult": "check",
    "EvaluationError": "errors",
    "LimitError": "errors",
    "ParseError": "errors",
    "Program": "program",
    "Result": "api",
    "ShapeError": "errors",
    "SymdiffError": "errors",
    "UnsupportedError": "errors",
    "WorksheetError": "errors",
    "blanks": "check.blanks",
    "check": "check",
    "derive": "api",
    "parse": "api",
    "parse_latex": "api",
    "print_key": "worksheet.keys",
    "program": "program",
    "solve": "worksheet.solve",
}
"""Each public name and the module it comes from (the imports above, for type checkers)."""

_DRAWN = frozenset({"program", "check.blanks"})
"""Modules whose objects draw pictures (``Program.graph(...)``, ``BlanksResult.plot()``): asking for one of their
names also imports ``symdiff.pictures``, which registers the drawers (it sits above them in the pipeline)."""

__all__ = [
    "BlanksResult",
    "CheckResult",
    "EvaluationError",
    "LimitError",
    "ParseError",
    "Program",
    "Result",
    "ShapeError",
    "SymdiffError",
    "UnsupportedError",
    "WorksheetError",
    "blanks",
    "check",
    "derive",
    "parse",
    "parse_latex",
    "print_key",
    "program",
    "solve",
]


class _Package(ModuleType):
    """``symdiff``, whose public names are looked up in their modules when asked for.

    Four of them share their name with a stage's package (``derive``, ``parse``,
    ``check``, ``program``): the public name wins, as it did when this module
    imported them all, whichever of the two was imported first.
    """

    def __getattribute__(self, name: str) -> object:
        home = _HOME.get(name)
        if home is None:
            return super().__getattribute__(name)
        value = getattr(import_module(f"{__name__}.{home}"), name)
        if home in _DRAWN:
            import_module(f"{__name__}.pictures")
        return value

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *_HOME})


sys.modules[__name__].__class__ = _Package
