"""Dispatch shared by the key printers: a method per kind of answer, as SymPy's printers do."""

from __future__ import annotations

from ...export.numbers import format_number
from ..key import GroupKey, Key, QuestionKey, Value

VERDICTS = {"equivalent": "correct", "not equivalent": "wrong", "undecided": "undecided", "unreadable": "unreadable"}
"""How a key names each verdict on an option."""


class KeyPrinter:
    """Prints a ``Key``; subclasses define ``_print_Key``, ``_print_GroupKey`` and one method per question kind."""

    def doprint(self, key: Key) -> str:
        return self._print(key)

    def _print(self, item: Key | GroupKey | QuestionKey) -> str:
        method = getattr(self, f"_print_{type(item).__name__}")
        return method(item)


MATH_LIMIT = 20_000
"""Longest answer or chain rule (characters of LaTeX) a LaTeX or Markdown key typesets; the JSON key has any size."""


def too_long(latex: str) -> str | None:
    """The note that replaces ``latex`` when it is past ``MATH_LIMIT``, else None."""
    if len(latex) <= MATH_LIMIT:
        return None
    return f"too long to print: {len(latex):,} characters of LaTeX; see the JSON key"


LARGEST_FIXED = 1e15
"""From here on (and beyond a double's range, where a key holds a string) values print in scientific notation."""


def number(value: Value) -> str:
    """A value as a worksheet writes it: integers without a point, others to 4 decimals; huge ones 1.9701e+434;
    a vector or matrix entry by entry, [3, 7]."""
    if isinstance(value, list):
        return "[" + ", ".join(number(entry) for entry in value) + "]"
    if isinstance(value, str) or abs(value) >= LARGEST_FIXED:
        return format_number(value, 5)
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


def fixed(value: Value) -> str:
    """A value to exactly 4 decimals (0.1800), as the exact column shows it; huge ones and arrays as ``number`` does."""
    if isinstance(value, list):
        return "[" + ", ".join(fixed(entry) for entry in value) + "]"
    if isinstance(value, str) or abs(value) >= LARGEST_FIXED:
        return number(value)
    return f"{value:.4f}"


def decimals(n: int) -> str:
    """``1 decimal``, ``2 decimals``."""
    return f"{n} decimal" + ("" if n == 1 else "s")
