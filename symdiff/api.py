"""The Python API: ``symdiff.derive`` and ``symdiff.parse``, returning a ``Result``.

This module only wires the stages together (model -> derive -> ``Result``,
re-exported here with ``shape_of`` and ``wrt_steps`` from ``result.py``); it
holds no calculus and no printing of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from . import arguments
from .derive import derivative
from .derive.conventions import Layout, check_layout, square_symmetric, symmetric_names
from .model import Formula, Syntax, formula
from .model.types import Dim
from .result import Result, shape_of, wrt_steps

ShapeSpec = Mapping[str, tuple[Dim, ...]]

__all__ = ["Result", "derive", "parse", "parse_latex", "shape_of", "wrt_steps"]


def derive(
    expr: str | Formula,
    wrt: str | Sequence[str],
    shapes: ShapeSpec | None = None,
    *,
    syntax: Syntax = "auto",
    layout: Layout | None = None,
    symmetric: Iterable[str] = (),
) -> Result:
    """Differentiate ``expr`` by ``wrt`` (a name, or names to differentiate by in turn).

    ``syntax`` is "plain", "latex" or "auto" (LaTeX when the text has a backslash).
    ``layout`` is None (a gradient has the variable's shape, J[i, j] = ∂f_i/∂x_j),
    "numerator" or "denominator"; ``symmetric`` names matrices declared
    symmetric, whose gradient is then (G + G.T)/2 (see ``derive.conventions``).

    >>> derive("0.5*norm(A*x)**2", "x").text
    'A.T*A*x'
    """
    if not isinstance(expr, Formula):
        arguments.text(expr, "expr")
    arguments.shapes(shapes)
    arguments.syntax(syntax)
    symmetric = arguments.names(symmetric, "symmetric")
    check_layout(arguments.name_or_none(layout, "layout"))
    parsed = expr if isinstance(expr, Formula) else formula(expr, shapes, syntax)
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
