"""Dispatch shared by the key printers: a method per kind of answer, as SymPy's printers do."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from ...export.numbers import format_number
from ..key import BackpropKey, GroupKey, Key, QuestionKey, Value

VERDICTS = {"equivalent": "correct", "not equivalent": "wrong", "undecided": "undecided", "unreadable": "unreadable"}
"""How a key names each verdict on an option."""


class KeyPrinter:
    """Prints a ``Key``; subclasses define ``_print_Key``, ``_print_GroupKey`` and one method per question kind."""

    def __init__(self, figures: Mapping[str, str] | None = None) -> None:
        self.figures = dict(figures or {})
        """Question id -> its figure's file name, relative to the key (``figures.write_figures``)."""

    def doprint(self, key: Key) -> str:
        return self._print(key)

    def _print(self, item: Key | GroupKey | QuestionKey) -> str:
        method = getattr(self, f"_print_{type(item).__name__}")
        return method(item)


class DocumentKeyPrinter(KeyPrinter):
    """What the LaTeX and Markdown keys lay out alike: paragraphs, tables of values, chain rules in LaTeX.

    Each subclass says how its format escapes worksheet text (``_escape``), heads a question and typesets
    a chain rule; the layout of a backprop answer is written once here.
    """

    _escape: Callable[[str], str]
    """Worksheet text made safe for the format."""
    _chain_rule: Callable[[str], str]
    """A partial's chain rule (an ``align*`` body) typeset in the format."""

    def _heading(self, question_id: str, text: str) -> str:
        raise NotImplementedError

    def _figure(self, question_id: str) -> list[str]:
        """The question's figure, included as the format includes one; nothing when it has none."""
        raise NotImplementedError

    def _backprop(self, question: BackpropKey, mode: str, forward: str, partials: str) -> str:
        """Heading, the forward table, the backward table, kinks, then each partial's chain rule."""
        parts = [
            self._heading(question.id, question.text),
            *self._figure(question.id),
            f"Forward pass ({mode}):",
            forward,
            "Backward pass:",
            partials,
        ]
        if question.kinks:
            parts.append("At a kink: " + self._escape("; ".join(question.kinks)))
        parts += [self._chain_rule(steps) for steps in question.steps_latex.values()]
        return "\n\n".join(parts)


MATH_LIMIT = 20_000
"""Longest answer or chain rule (characters of LaTeX) a LaTeX or Markdown key typesets; the JSON key has any size."""


def too_long(latex: str) -> str | None:
    """The note that replaces ``latex`` when it is past ``MATH_LIMIT``, else None."""
    if len(latex) <= MATH_LIMIT:
        return None
    return f"too long to print: {len(latex):,} characters of LaTeX; see the JSON key"


LARGEST_FIXED = 1e15
"""From here on (and beyond a double's range, where a key holds a string) values print in scientific notation."""


SIGNIFICANT = 4
"""Digits a key shows of a value that is not an integer: 4 decimals (0.1850), more for a small value, so that
0.000294 keeps its significant digits instead of becoming 0.0003."""
SMALLEST_FIXED = 1e-6
"""Below this (and not zero) values print in scientific notation: 2.94e-07."""


def _decimals(value: float) -> int:
    """Decimals that show ``SIGNIFICANT`` significant digits of ``value``, and at least ``SIGNIFICANT``."""
    if value == 0:
        return SIGNIFICANT
    return max(SIGNIFICANT, SIGNIFICANT - 1 - math.floor(math.log10(abs(value))))


def number(value: Value) -> str:
    """A value as a worksheet writes it: integers without a point, others to 4 decimals or 4 significant digits,
    whichever shows more (0.18, 0.000294); huge and tiny ones 1.9701e+434; a vector or matrix entry by entry, [3, 7]."""
    if isinstance(value, list):
        return "[" + ", ".join(number(entry) for entry in value) + "]"
    if isinstance(value, str) or abs(value) >= LARGEST_FIXED or 0 < abs(value) < SMALLEST_FIXED:
        return format_number(value, 5)
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.{_decimals(value)}f}".rstrip("0").rstrip(".")


def fixed(value: Value) -> str:
    """A value with its trailing zeros (0.1800), as the exact column shows it; huge and tiny ones and arrays as
    ``number`` does."""
    if isinstance(value, list):
        return "[" + ", ".join(fixed(entry) for entry in value) + "]"
    if isinstance(value, str) or abs(value) >= LARGEST_FIXED or 0 < abs(value) < SMALLEST_FIXED:
        return number(value)
    return f"{value:.{_decimals(value)}f}"


def decimals(n: int) -> str:
    """``1 decimal``, ``2 decimals``."""
    return f"{n} decimal" + ("" if n == 1 else "s")
