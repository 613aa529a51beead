"""Stage 3: derivatives of a formula, in matrix form or component form.

``differentiate`` picks the route by the formula's form: symbolic dims go
through our own reverse-mode rules (``matrix.py``), concrete dims through
SymPy's scalar calculus on explicit entries (``components.py``).
"""

from __future__ import annotations

import sympy as sp

from ..errors import SymdiffError, did_you_mean
from ..model import Formula
from . import components, matrix


def target_of(formula: Formula, name: str) -> sp.Basic:
    """The SymPy object to differentiate by; an error with a suggestion if ``name`` is unknown."""
    if name in formula.symbols:
        return formula.symbols[name]
    known = sorted(formula.variables)
    raise SymdiffError(
        f"'{name}' does not occur in the formula",
        hint=did_you_mean(name, known) or f"the names in it are {', '.join(known) or 'none'}",
    )


def differentiate(formula: Formula, value: sp.Basic, name: str) -> sp.Basic:
    """∂value/∂name, where ``value`` is the formula or a derivative of it."""
    target = target_of(formula, name)
    if isinstance(value, sp.Tuple):
        return sp.Tuple(*(differentiate(formula, item, name) for item in value))
    if formula.form == "component":
        return components.derivative(value, target)
    if not getattr(value, "is_Matrix", False):
        return matrix.scalar_derivative(value, target)
    if target.is_Matrix and target.shape[1] != 1:
        raise SymdiffError(
            "the derivative of a vector or matrix by a matrix is a higher-order tensor",
            hint="differentiate a scalar, or declare concrete dims and take one component",
        )
    return matrix.jacobian(value, target)
