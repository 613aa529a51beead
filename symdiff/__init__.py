"""symdiff: derivatives you can trust, from text or LaTeX.

The pipeline, one package per stage: ``parse`` (text -> syntax tree),
``model`` (shapes and SymPy form), ``derive`` (matrix and component form),
``evaluate`` (NumPy), ``export`` (text, LaTeX and NumPy printers), ``cli``.
"""

from .api import Result, derive, parse, parse_latex
from .program import Program, program
from .check import BlanksResult, CheckResult, blanks, check
from .errors import (
    EvaluationError,
    LimitError,
    ParseError,
    ShapeError,
    SymdiffError,
    UnsupportedError,
)

__all__ = [
    "derive",
    "parse",
    "parse_latex",
    "program",
    "Program",
    "check",
    "CheckResult",
    "blanks",
    "BlanksResult",
    "Result",
    "SymdiffError",
    "ParseError",
    "ShapeError",
    "UnsupportedError",
    "LimitError",
    "EvaluationError",
]
