"""``Result``: a derivative (or a formula) with its printed forms and its numbers, and ``derive``/``parse``,
which make one from a single formula.

The stage above derive, evaluate and the printers, which it draws on; ``program`` and ``check`` build and
read ``Result``s too, and ``api`` re-exports what users call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import sympy as sp

from . import arguments
from .derive import derivative
from .derive.conventions import Layout, check_layout, square_symmetric, symmetric_names
from .errors import SymdiffError
from .export.text import to_text
from .model import Formula, Syntax, formula
from .model.types import Dim

if TYPE_CHECKING:
    from .evaluate import ArrayLike


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
        from .export.latex import to_latex  # only when LaTeX is asked for

        components = set(self.formula.symbols) - set(self.formula.variables)
        return to_latex(self.sympy, self.formula.variables, components)

    @cached_property
    def unicode(self) -> str:
        """The result as text that reads as mathematics (x₁b₁, Aᵀx, x ⊙ y); printed, not read back."""
        from .export.unicode import to_unicode  # only when asked: it imports the LaTeX printer

        return to_unicode(self.sympy)

    @property
    def shape(self) -> tuple[Dim, ...]:
        """() for a scalar, (d,) for a column vector, (rows, cols) otherwise."""
        return shape_of(self.sympy)

    def evaluate(self, **values: ArrayLike) -> object:
        """The value at the given arrays (vectors 1-D), as NumPy.

        Values are numbers, lists or NumPy arrays of numbers, or text read by
        symdiff's grammar (``x="1/3"``), never by Python (``model.numbers``).
        """
        return self.lambdify()(**values)

    @cached_property
    def _compiled(self) -> Callable[..., object]:
        from .evaluate import compile_for  # NumPy, only for numbers

        return compile_for(self.formula, self.sympy)

    def lambdify(self) -> Callable[..., object]:
        """A callable compiled once, taking the same keyword arguments as ``evaluate``."""
        return self._compiled

    @property
    def numeric(self) -> sp.Basic:
        """The expression numbers are computed from (a program's derivative: in terms of its inputs)."""
        return self.sympy

    def code(self, backend: str = "numpy") -> str:
        """A self-contained Python function computing the formula and this derivative together
        (``f_and_grad(A, x)`` returns the value and the gradient), for ``backend`` "numpy", "jax" or "torch".

        The arguments' shapes are checked; a gradient comes with ``check_gradient``, which compares it with
        central finite differences of the value at a point. symdiff prints this code and never runs it.
        """
        from .evaluate.code import GradientCheck, Signature, backend_name, source
        from .evaluate.plan import plan_all

        backend = backend_name(backend)
        expr = self.formula.expr
        scalar = not getattr(expr, "is_Matrix", False)
        kind = {1: "grad", 2: "hessian"}.get(len(self.wrt), "derivative") if scalar else "derivative"
        output = "gradient" if kind == "grad" else kind
        exprs, outputs, doc = [expr], [("value", is_column(expr))], f"The value of {to_text(expr)}."
        if self.wrt:
            exprs.append(self.numeric)
            outputs.append((output, is_column(self.sympy)))
            doc = f"The value of {to_text(expr)}, and its {output} by {', then by '.join(self.wrt)}.\n\n"
            doc += f"{output} = {self.text}"
        name = self.wrt[0] if kind == "grad" else ""
        gradient = name in self.formula.variables and self.shape == variable_shape(self.formula, name)
        signature = Signature(
            f"f_and_{kind}" if self.wrt else "f", self.formula.variables, self.formula.symbols, outputs, doc
        )
        return source(plan_all(exprs), signature, backend, GradientCheck((name,)) if gradient else None)

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


def is_column(expr: sp.Basic) -> bool:
    """Whether ``expr`` is a column vector (code returns it 1-D)."""
    return getattr(expr, "is_Matrix", False) and expr.shape[1] == 1


def variable_shape(formula: Formula, name: str) -> tuple[Dim, ...]:
    """A variable's user-facing shape: (), (d,) or (rows, cols)."""
    shape = formula.variables[name]
    return shape[:1] if shape and shape[1] == 1 else shape


def wrt_steps(wrt: str | Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """What to differentiate by, in turn: ``"x"`` once; ``"A11, A12"`` the tuple of those partials;
    ``["x", "x"]`` by x, then again by x (a Hessian); ``"W[k, l]"`` by an entry (its comma is no separator)."""
    steps = tuple(
        tuple(name.strip() for name in re.split(r",(?![^\[]*\])", item)) for item in arguments.names(wrt, "wrt")
    )
    if not steps or not all(all(step) for step in steps):
        raise SymdiffError("nothing to differentiate by", hint="give names, e.g. wrt='x' or wrt='A11, A12'")
    return steps


ShapeSpec = Mapping[str, tuple[Dim, ...]]


def derive(
    expr: str | Formula,
    wrt: str | Sequence[str],
    shapes: ShapeSpec | None = None,
    *,
    syntax: Syntax = "auto",
    layout: Layout | None = None,
    symmetric: Iterable[str] = (),
    samples: Mapping[str, str] | None = None,
) -> Result:
    """Differentiate ``expr`` by ``wrt`` (a name, or names to differentiate by in turn).

    ``syntax`` is "plain", "latex" or "auto" (LaTeX when the text has a backslash).
    ``layout`` is None (a gradient has the variable's shape, J[i, j] = ∂f_i/∂x_j),
    "numerator" or "denominator"; ``symmetric`` names matrices declared
    symmetric, whose gradient is then (G + G.T)/2 (see ``derive.conventions``); ``samples`` says
    where a sample written ``\\mathbf{x}_i`` in an index sum lies (``{"x": "X:cols"}``: column i of X;
    by default row i of the capital letter).

    >>> derive("0.5*norm(A*x)**2", "x").text
    'A.T*A*x'
    """
    if not isinstance(expr, Formula):
        arguments.text(expr, "expr")
    arguments.shapes(shapes)
    arguments.syntax(syntax)
    symmetric = arguments.names(symmetric, "symmetric")
    check_layout(arguments.name_or_none(layout, "layout"))
    parsed = expr if isinstance(expr, Formula) else formula(expr, shapes, syntax, samples)
    steps = wrt_steps(wrt)
    parsed = square_symmetric(parsed, symmetric, shapes, syntax)
    declared = symmetric_names(parsed, symmetric)
    value = derivative(parsed, parsed.expr, steps, declared, layout)
    return Result(parsed, tuple(",".join(step) for step in steps), value)


def parse(expr: str, shapes: ShapeSpec | None = None, *, syntax: Syntax = "auto") -> Result:
    """The formula itself as a ``Result``: printed, typed and evaluable."""
    parsed = formula(arguments.text(expr, "expr"), arguments.shapes(shapes), arguments.syntax(syntax))  # type: ignore[arg-type]
    return Result(parsed, (), parsed.expr)


def parse_latex(expr: str, shapes: ShapeSpec | None = None) -> Result:
    r"""A LaTeX formula (``\frac{1}{2}\|\mathbf{Ax}\|^2``) as a ``Result``, like ``parse``."""
    return parse(expr, shapes, syntax="latex")
