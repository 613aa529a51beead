"""symdiff: derivatives you can trust, from text or LaTeX.

The pipeline, one package per stage, in import order (README, "How it works"):
``ops`` (one entry per operation), ``parse`` (text -> syntax tree), ``model``
(shapes and SymPy form), ``export`` (text and LaTeX printers), ``derive``
(matrix and component form), ``evaluate`` (NumPy), ``result``, ``program``
(named intermediates, backprop), ``check`` (answer options, blanks),
``worksheet`` (files of questions, answer keys and their printers), ``api``, ``cli``.
"""

from . import pictures  # noqa: F401 - registers the drawers of Program.graph(...) and BlanksResult.plot()
from .api import Result, derive, parse, parse_latex
from .check import BlanksResult, CheckResult, blanks, check
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
