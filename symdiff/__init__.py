"""symdiff: derivatives you can trust, from text or LaTeX.

The pipeline, one package per stage: ``parse`` (text -> syntax tree),
``model`` (shapes and SymPy form), ``derive`` (matrix and component form),
``program`` (named intermediates, backprop), ``evaluate`` (NumPy), ``check``
(answer options, blanks), ``worksheet`` (files of questions, answer keys),
``export`` (text, LaTeX and NumPy printers, key printers), ``cli``.
"""

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
