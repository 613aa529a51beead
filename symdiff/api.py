"""The Python API: ``symdiff.derive`` and the ``Result`` it returns.

This module only wires the stages together (model -> derive -> evaluate /
export); it holds no calculus and no printing of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from .derive import differentiate
from .errors import SymdiffError
from .evaluate import ArrayLike, compile_for
from .export.latex import to_latex
from .export.text import to_text
from .model import Formula, formula
from .model.shapes import Dim

ShapeSpec = Mapping[str, tuple[Dim, ...]]


@dataclass(frozen=True)
class Result:
    """A derivative (or a formula) with its printed forms and its numbers."""

    formula: Formula
    wrt: tuple[str, ...]
    sympy: sp.Basic

    @cached_property
    def text(self) -> str:
        """The result in symdiff's plain syntax (it parses back)."""
        return to_text(self.sympy)

    @cached_property
    def latex(self) -> str:
        """The result in LaTeX, as worksheets print it."""
        return to_latex(self.sympy)

    @property
    def shape(self) -> tuple[Dim, ...]:
        """() for a scalar, (d,) for a column vector, (rows, cols) otherwise."""
        return shape_of(self.sympy)

    def evaluate(self, **values: ArrayLike) -> object:
        """The value at the given arrays (vectors 1-D), as NumPy."""
        return self.lambdify()(**values)

    @cached_property
    def _compiled(self) -> Callable[..., object]:
        return compile_for(self.formula, self.sympy)

    def lambdify(self) -> Callable[..., object]:
        """A callable compiled once, taking the same keyword arguments as ``evaluate``."""
        return self._compiled

    def _repr_latex_(self) -> str:
        return f"${self.latex}$"

    def __str__(self) -> str:
        return self.text


def shape_of(expr: sp.Basic) -> tuple[Dim, ...]:
    """The user-facing shape of a SymPy value."""
    if isinstance(expr, sp.Tuple):
        raise SymdiffError("a tuple has no single shape")
    if not getattr(expr, "is_Matrix", False):
        return ()
    dims = tuple(int(d) if isinstance(d, int | sp.Integer) else str(d) for d in expr.shape)
    return (dims[0],) if dims[1] == 1 else dims


def derive(expr: str | Formula, wrt: str | Sequence[str], shapes: ShapeSpec | None = None) -> Result:
    """Differentiate ``expr`` by ``wrt`` (a name, or names to differentiate by in turn).

    >>> derive("0.5*norm(A*x)**2", "x").text
    'A.T*A*x'
    """
    parsed = expr if isinstance(expr, Formula) else formula(expr, shapes)
    names = (wrt,) if isinstance(wrt, str) else tuple(wrt)
    if not names:
        raise SymdiffError("nothing to differentiate by", hint="give at least one name, e.g. wrt='x'")
    value = parsed.expr
    for name in names:
        value = differentiate(parsed, value, name)
    return Result(parsed, names, value)


def parse(expr: str, shapes: ShapeSpec | None = None) -> Result:
    """The formula itself as a ``Result``: printed, typed and evaluable."""
    parsed = formula(expr, shapes)
    return Result(parsed, (), parsed.expr)
