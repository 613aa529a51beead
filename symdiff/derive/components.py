"""Component-form derivatives: explicit entries, differentiated by SymPy.

With concrete dims every entry is an ordinary scalar expression in symbols
like ``A11`` and ``x1``, and SymPy's scalar ``diff`` is exact. Here we only
arrange the partials: a gradient in the variable's shape, a Jacobian with
J[i, j] = ∂f_i/∂x_j.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from ..model.algebra import higher_order
from ..model.functions import diff

Partial = Callable[[sp.Basic, sp.Basic], sp.Basic]
"""(scalar, entry) -> ∂scalar/∂entry: ``diff``, or a program's chain rule through its graph."""


def derivative(expr: sp.Basic, target: sp.Basic, partial: Partial = diff) -> sp.Basic:
    """∂expr/∂target where target is a symbol or an explicit matrix of symbols."""
    if not isinstance(target, sp.MatrixBase):
        if isinstance(expr, sp.MatrixBase):
            return expr.applyfunc(lambda entry: partial(entry, target))
        return partial(expr, target)
    if not isinstance(expr, sp.MatrixBase):
        return target.applyfunc(lambda entry: partial(expr, entry))
    if expr.shape[1] == 1 and target.shape[1] == 1:
        return sp.ImmutableMatrix(expr.shape[0], target.shape[0], lambda i, j: partial(expr[i], target[j]))
    raise higher_order("differentiate a scalar, or by one component (e.g. --wrt A11)")
