"""Errors symdiff raises on purpose, and how they are shown.

Every mistake in user input ends up here: one hierarchy (``SymdiffError``) so
library users can catch it, and one rendering (a line saying what, the input
with a caret under the place, a hint saying how to fix it) so the command line
can print it without a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

Span = tuple[int, int]
"""Start and end character offsets into the input text (end exclusive)."""


@dataclass
class SymdiffError(Exception):
    """Base of every error symdiff raises about its input."""

    message: str
    text: str | None = None
    span: Span | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.render()

    @property
    def line_column(self) -> tuple[int, int] | None:
        """1-based line and column of the start of the span, if known."""
        if self.text is None or self.span is None:
            return None
        before = self.text[: self.span[0]]
        line = before.count("\n") + 1
        column = self.span[0] - (before.rfind("\n") + 1) + 1
        return line, column

    def at(self, text: str, span: Span | None = None) -> SymdiffError:
        """Attach the input text (and a span, if not yet known) and return self."""
        if self.text is None:
            self.text = text
        if self.span is None:
            self.span = span
        return self

    def render(self) -> str:
        """The message, the offending line with carets under the span, and a hint."""
        lines = [self.message]
        if self.caret():
            lines.append(self.caret())
        if self.hint:
            lines.append("  hint: " + self.hint)
        return "\n".join(lines)

    def caret(self) -> str:
        """The offending line and carets under the span, indented as ``render`` shows them ("" if not known)."""
        if self.text is None or self.span is None:
            return ""
        start, end = self.span
        line_start = self.text.rfind("\n", 0, start) + 1
        line_end = self.text.find("\n", start)
        if line_end == -1:
            line_end = len(self.text)
        width = max(1, min(end, line_end) - start)
        return "  " + self.text[line_start:line_end] + "\n  " + " " * (start - line_start) + "^" * width


class ParseError(SymdiffError):
    """The text is not a formula of the syntax."""


class ShapeError(SymdiffError):
    """Operands whose shapes do not fit together."""


class UnsupportedError(SymdiffError):
    """A well-formed request that symdiff cannot answer correctly (yet)."""


class LimitError(SymdiffError):
    """Input beyond a documented size, depth or magnitude limit."""


class EvaluationError(SymdiffError):
    """Numbers given to ``evaluate`` that do not fit the formula."""


class WorksheetError(SymdiffError):
    """A worksheet file that cannot be read: the message names the file, question and field."""


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest of ``choices`` to ``word``, if one is close."""
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None
