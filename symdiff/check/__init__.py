"""Checking answers: which options equal a derivative, why the others do not; blanks searched against data.

Modules: ``question`` (the program and its answer), ``kinds`` (shapes in
words), ``values`` (random points and numeric agreement), ``equivalence``
(the verdict: shape, symbolic, numeric), ``explain`` (reasons for wrong
options, a table of rules), ``checking`` (``check`` and its result objects),
``blanks`` (filling a template's blanks so that it labels points correctly).
"""

from .blanks import BlanksResult, Combination, blanks
from .checking import CheckResult, OptionCheck, check

__all__ = ["BlanksResult", "CheckResult", "Combination", "OptionCheck", "blanks", "check"]
