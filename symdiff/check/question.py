"""The question side of a check: a program, what is differentiated, and the answer it has.

A question is a program (``b = A*x; f = 0.5*norm(b)^2``) or a bare formula,
``of`` the quantity differentiated (``b1``), ``wrt`` a name or a tuple of
names (``A11, A12``). Options are read in the program's context, so they may
use its intermediates; both sides are compared with every intermediate
replaced by its definition. The variants (another row of A, b2 instead of
b1) let explanations recognise the answer to a neighbouring question.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from functools import cached_property

import sympy as sp

from ..errors import SymdiffError
from ..model import Formula, Syntax
from ..model.nodes import labels_of
from ..model.types import Dim, Shape
from ..program import Program
from ..program.programs import shared as program
from ..result import Result, wrt_steps
from .values import Space

ShapeSpec = Mapping[str, tuple[Dim, ...]]


class Question:
    """What the options are compared with."""

    def __init__(
        self,
        text: str,
        wrt: str | Sequence[str],
        shapes: ShapeSpec | None = None,
        syntax: Syntax = "auto",
        of: str | None = None,
        samples: Mapping[str, str] | None = None,
    ) -> None:
        self.text, self.wrt, self.shapes, self.syntax, self.of = text, wrt, dict(shapes or {}), syntax, of
        self.samples = samples
        self.option_syntax: Syntax = syntax
        """How options are read: the question's syntax, unless ``reading_options`` says another."""
        self.program: Program = program(text, shapes, syntax, of, samples)
        self.result: Result = self.program.derive(wrt)
        self.answer: sp.Basic = self.program.expand(self.result.sympy)
        """The answer in the inputs only."""
        self.function: sp.Basic = self.program.expand(self.program.value)
        """What is differentiated, in the inputs only: a point counts only where it is defined."""

    @property
    def output(self) -> str:
        """The name of what is differentiated, for explanations (``f``, ``b1``; ``the formula`` when bare)."""
        return self.program.output or "the formula"

    @cached_property
    def intermediates(self) -> frozenset[sp.Basic]:
        """Every symbol standing for an intermediate (b, or b1 and b2)."""
        found: set[sp.Basic] = set()
        for name in self.program.intermediates:
            symbol = self.program.symbols[name]
            found.update(symbol if isinstance(symbol, sp.MatrixBase) else [symbol])
        return frozenset(found)

    def read(self, text: str) -> Formula:
        """An option, read with the question's names and shapes."""
        return self.program.formula(text, self.option_syntax)

    def reading_options(self, syntax: Syntax) -> Question:
        """The same question (derived once, shared) with options read in ``syntax``: students type either."""
        other = copy.copy(self)
        other.option_syntax = syntax
        return other

    def expand(self, expr: sp.Basic) -> sp.Basic:
        return self.program.expand(expr)

    def space(self, option: Formula) -> Space:
        """The question's inputs and any further names the option uses."""
        variables: dict[str, Shape] = dict(self.program.inputs)
        defined = set(self.program.intermediates)
        variables.update((name, shape) for name, shape in option.variables.items() if name not in defined)
        labels = {**labels_of(self.function), **option.labels}  # integers 1..K, drawn as such
        return Space(variables, {**option.symbols, **self.program.symbols}, labels)

    @cached_property
    def single_step(self) -> tuple[str, ...] | None:
        """The names of a one-step ``wrt`` (``("A11", "A12")``), None for repeated differentiation."""
        steps = wrt_steps(self.wrt)
        return steps[0] if len(steps) == 1 else None

    # --- symbolic dims: the same question with explicit components --------------------
    @cached_property
    def small_sizes(self) -> dict[str, int]:
        """Each symbolic dim -> a small size, distinct from the others (2, 3, ...)."""
        dims = sorted({d for shape in self.program.inputs.values() for d in shape if isinstance(d, str)})
        return {dim: 2 + i for i, dim in enumerate(dims)}

    @cached_property
    def _explicit(self) -> tuple[Program, sp.Basic] | None:
        if not self.small_sizes:
            return None
        shapes = {
            name: tuple(self.small_sizes.get(d, d) if isinstance(d, str) else d for d in shape)
            for name, shape in self.program.inputs.items()
        }
        try:
            explicit = program(self.text, {**self.shapes, **shapes}, self.syntax, self.of, self.samples)
            return explicit, explicit.expand(explicit.derive(self.wrt).sympy)
        except SymdiffError:
            return None

    def at_small_sizes(self, option_text: str) -> tuple[sp.Basic, sp.Basic] | None:
        """The answer and the option with explicit components at ``small_sizes``; None if that cannot be built."""
        if self._explicit is None:
            return None
        explicit, answer = self._explicit
        try:
            return answer, explicit.expand(explicit.formula(option_text, self.option_syntax).expr)
        except SymdiffError:
            return None

    # --- neighbouring questions, for explanations ----------------------------------
    def variant(self, wrt: str | Sequence[str], of: str | None = None) -> sp.Basic | None:
        """The answer (inputs only) of the same question by ``wrt``, of ``of``; None if it cannot be asked."""
        try:
            other = program(self.text, self.shapes, self.syntax, of or self.of, self.samples)
            return other.expand(other.derive(wrt).sympy)
        except SymdiffError:
            return None

    @cached_property
    def entries(self) -> dict[str, tuple[str, int, int]]:
        """Each component name (``A21``, ``b1``) -> its base name and 0-based row and column."""
        found: dict[str, tuple[str, int, int]] = {}
        for name, symbol in self.program.symbols.items():
            if isinstance(symbol, sp.MatrixBase) and name not in found:
                for i in range(symbol.rows):
                    for j in range(symbol.cols):
                        found[str(symbol[i, j])] = (name, i, j)
        return found

    def entry(self, base: str, row: int, col: int) -> str:
        return str(self.program.symbols[base][row, col])
