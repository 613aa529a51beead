"""The answer key as plain data: what ``solve`` produces and the key printers print.

Keeping the key apart from both the solving and the printing means every
format (text, Markdown, JSON, LaTeX) prints the same answers, and a new format
is one more printer with a method per kind of answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..program.printing import Math, Said


@dataclass(frozen=True)
class OptionVerdict:
    """One answer option as printed, and whether it equals the answer."""

    text: str
    is_latex: bool
    """Whether ``text`` is LaTeX (as worksheets print it) or symdiff's plain syntax."""
    verdict: str
    """``equivalent``, ``not equivalent``, ``undecided`` or ``unreadable``."""
    why: str
    said: Said = field(compare=False)
    """``why`` with the formulas it quotes as expressions, which each key prints in its notation."""

    @property
    def equivalent(self) -> bool | None:
        """True or False when decided; None when undecided or unreadable."""
        return {"equivalent": True, "not equivalent": False}.get(self.verdict)


@dataclass(frozen=True)
class ChoiceKey:
    id: str
    text: str
    answer: str
    answer_latex: str
    answer_math: Math = field(compare=False)
    """The answer as an expression, which each key prints in its notation."""
    options: tuple[OptionVerdict, ...]
    warning: str | None = None
    """A note for the key's reader: no option equals the answer (a typo in the intended one?)."""
    steps: str = ""
    """The derivation of the answer as text, when the worksheet asks for it (``steps = true``); else empty."""
    steps_latex: str = ""
    """The same as the body of an ``align*`` environment."""
    steps_unicode: str = ""
    """The same as text that reads as mathematics (``export.unicode``)."""

    @property
    def correct(self) -> tuple[int, ...]:
        """0-based indices of the options equal to the answer."""
        return tuple(i for i, option in enumerate(self.options) if option.equivalent)


@dataclass(frozen=True)
class DeriveKey:
    id: str
    text: str
    answer: str
    answer_latex: str
    answer_math: Math = field(compare=False)
    """The answer as an expression, which each key prints in its notation."""
    steps: str
    """The chain rule, step by step, as text."""
    steps_latex: str
    """The same as the body of an ``align*`` environment."""
    steps_unicode: str
    """The same as text that reads as mathematics (``export.unicode``)."""


Value = float | str | list
"""A node's value: a float, a string in scientific notation beyond a double's range (``export.numbers``), or the
list of the entries of a vector or matrix node (rows of a matrix as lists)."""


@dataclass(frozen=True)
class ForwardKey:
    id: str
    text: str
    values: dict[str, Value]
    """Label as the worksheet writes it -> the node's value."""
    nodes: dict[str, str]
    """Label -> node name."""


@dataclass(frozen=True)
class BackpropKey:
    id: str
    text: str
    values: dict[str, Value]
    """Partials as the worksheet's convention (rounding) gives them."""
    exact: dict[str, Value]
    forward: dict[str, Value]
    rounding: int | None
    steps: dict[str, str]
    """Name -> the chain rule for its partial, as text."""
    steps_latex: dict[str, str]
    steps_unicode: dict[str, str]
    kinks: tuple[str, ...]
    figure: Callable[[], Any] | None = field(default=None, compare=False, repr=False)
    """Draws the network with its values and gradients (``symdiff.pictures``), for the LaTeX and Markdown keys."""


@dataclass(frozen=True)
class BlanksKey:
    id: str
    text: str
    template: str
    solutions: tuple[tuple[tuple[str, ...], ...], ...]
    """Groups of blank fillings; the fillings of a group are the same function."""
    functions: tuple[str, ...]
    """The function each group fills the template to."""
    function_math: tuple[Math, ...] = field(compare=False)
    """The same functions as expressions, which each key prints in its notation."""
    tried: int
    figure: Callable[[], Any] | None = field(default=None, compare=False, repr=False)
    """Draws the labelled points and each function's region f ≥ 0, for the LaTeX and Markdown keys."""


QuestionKey = ChoiceKey | DeriveKey | ForwardKey | BackpropKey | BlanksKey


@dataclass(frozen=True)
class GroupKey:
    id: str
    title: str
    text: str
    questions: tuple[QuestionKey, ...]


@dataclass(frozen=True)
class Key:
    title: str
    text: str
    groups: tuple[GroupKey, ...]
    warnings: tuple[str, ...] = ()
    """Problems that do not stop the key, each naming file and question (printed to standard error)."""
