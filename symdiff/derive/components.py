"""Component-form derivatives: the matrix-form derivative written out, or explicit entries differentiated by SymPy.

With concrete dims every entry is an ordinary scalar expression in symbols
like ``A11`` and ``x1``, and SymPy's scalar ``diff`` is exact, but it takes
one derivative of the whole formula per entry of the variable. So ``rule``
first reads the formula again in matrix form with the same concrete dims,
derives that once and writes the result's entries out (``instantiate``):
exact, and cheap for large shapes. Where there is no matrix form (the
formula or the variable is a component such as ``A11``) or it cannot be
written out, ``derivative`` differentiates entry by entry, arranging the
partials: a gradient in the variable's shape, a Jacobian with
J[i, j] = ∂f_i/∂x_j, a matrix by a matrix in vec form (``kronecker``).
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from ..errors import SymdiffError
from ..model import Formula
from ..model.build import Builder
from ..model.functions import diff
from .instantiate import NotExplicit, explicit

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
    values, entries = list(expr.T), list(target.T)  # vec form, column-major (``kronecker``)
    return sp.ImmutableMatrix(len(values), len(entries), lambda i, j: partial(values[i], entries[j]))


Rule = Callable[[sp.Basic, sp.Basic], sp.Basic]
"""(value, target) -> ∂value/∂target (``derive.Rule``)."""


def rule(formula: Formula, matrix_rule: Rule) -> Rule:
    """Component form's rule: ``matrix_rule`` on the formula read in matrix form, written out, where it
    applies; ``derivative`` entry by entry otherwise.

    A derivative found this way is remembered with its matrix form, so the
    next step of a higher derivative (``--wrt x --wrt x``) takes the same route.
    """
    twins = _matrix_twin(formula)
    if twins is None:
        return derivative
    symbols, matrix_form = twins
    values = {symbols[name]: formula.symbols[name] for name in formula.variables}
    names = {formula.symbols[name]: name for name in formula.variables}
    known: dict[sp.Basic, sp.Basic] = {formula.expr: matrix_form}

    def differentiate(value: sp.Basic, target: sp.Basic) -> sp.Basic:
        twin, name = known.get(value), names.get(target)
        if twin is not None and name is not None:
            try:
                result = matrix_rule(twin, symbols[name])
                written = explicit(result, values)
            except (NotExplicit, SymdiffError):
                pass
            else:
                known[written] = result
                return written
        return derivative(value, target)

    return differentiate


def _matrix_twin(formula: Formula) -> tuple[dict[str, sp.Basic], sp.Basic] | None:
    """The formula's symbols and value built in matrix form with its concrete dims; None where the
    formula names components (they have no matrix form) or the build fails."""
    if formula.typing.components:
        return None
    symbols = {
        name: sp.MatrixSymbol(name, *shape) if shape else formula.symbols[name]
        for name, shape in formula.variables.items()
    }
    try:
        return symbols, Builder(formula.text, symbols, formula.typing.sizes).build(formula.tree)
    except SymdiffError:
        return None
