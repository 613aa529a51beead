"""Matrix-form derivatives: gradients by reverse mode, Jacobians from them.

``gradient`` walks the expression from the top, handing each node's gradient
to its arguments by the rules in ``rules.py``, and sums what reaches the
variable. A Jacobian of a vector f by a vector is read off the gradient of ⟨G, f⟩ for a
placeholder G: that gradient is Jᵀ G, linear in G, and ``linear_coefficient``
writes it as M G so J = Mᵀ (a matrix by a matrix is ``kronecker.py``'s). Anything the rules do not cover is an
``UnsupportedError`` naming it, never a silent zero.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from ..errors import UnsupportedError
from ..model.algebra import higher_order
from ..model.index_form import IndexArray, IndexedEntry, IndexedSum
from ..model.nodes import Diag, Elementwise, ScalarOf, SumEntries, op_of
from ..ops import AXIS_OF
from .rules import RULES, _scalar

PLACEHOLDER = "_G"
"""Name of the cotangent placeholder (users cannot write names starting with _)."""


def gradient(expr: sp.Basic, upstream: sp.Basic, target: sp.Basic) -> sp.Basic | None:
    """Σ over paths from ``expr`` to ``target`` of what ``upstream`` contributes; None if none."""
    if expr == target:
        return upstream
    if not expr.has(target):
        return None
    rule = RULES.get(type(expr))
    if rule is None:
        if isinstance(expr, IndexedSum | IndexedEntry | IndexArray):  # derive.indices differentiates these
            raise UnsupportedError(
                "an index sum with no matrix form has no backward pass: it is differentiated as one formula",
                hint="derive it by its inputs (symdiff derive), without --at or backprop",
            )
        if getattr(expr, "is_Matrix", False):
            raise UnsupportedError(f"differentiating through {construct_name(expr)} is not supported yet")
        rule = _scalar
    total = None
    for child, thunk in rule(expr, upstream):
        if child == target or child.has(target):
            part = gradient(child, thunk(), target)
            if part is not None:
                total = part if total is None else total + part
    return total


Pullback = Callable[[sp.Basic, sp.Basic, sp.Basic], "sp.Basic | None"]
"""(expr, upstream, target) -> what ``upstream`` at ``expr`` contributes to ``target``: ``gradient``, or
a program's backward pass through its graph, which names the intermediates."""


def scalar_derivative(expr: sp.Basic, target: sp.Basic, pullback: Pullback = gradient) -> sp.Basic:
    """The gradient of a scalar expression, in the shape of ``target``."""
    result = pullback(expr, sp.S.One, target)
    if result is None:
        return sp.ZeroMatrix(*target.shape) if target.is_Matrix else sp.S.Zero
    return result


def jacobian(expr: sp.Basic, target: sp.Basic, pullback: Pullback = gradient) -> sp.Basic:
    """J[i, j] = ∂expr_i/∂target_j for a vector ``expr`` and a vector or scalar target.

    Read off the pullback of a placeholder cotangent G: it is Jᵀ G, so J = Mᵀ for ``linear_coefficient`` M.
    """
    if (getattr(target, "is_Matrix", False) and target.shape[1] != 1) or expr.shape[1] != 1:
        raise higher_order(
            "a program's intermediates do not give the vec form (kron(...)): write the program as one formula, "
            "differentiate a scalar, or declare concrete dims and take one component"
        )
    rows = expr.shape[0]
    if isinstance(expr, sp.MatrixBase):
        raise UnsupportedError(
            "the Jacobian of a [...] literal by a vector is not supported in matrix form",
            hint="declare concrete dims (e.g. --shape x=2) for components, or differentiate a scalar of it",
        )
    placeholder = sp.MatrixSymbol(PLACEHOLDER, rows, 1)
    pulled = pullback(expr, placeholder, target)
    if pulled is None:
        width = target.shape[0] if target.is_Matrix else 1
        return sp.ZeroMatrix(rows, width)
    return linear_coefficient(pulled, placeholder).T


def linear_coefficient(expr: sp.Basic, G: sp.MatrixSymbol) -> sp.Basic:
    """M such that ``expr`` = M*G, for ``expr`` linear in G."""
    if isinstance(expr, sp.ZeroMatrix):
        return sp.ZeroMatrix(expr.shape[0], G.shape[0])
    if expr == G:
        return sp.Identity(G.shape[0])
    if isinstance(expr, sp.MatAdd | sp.Add):
        terms = [linear_coefficient(term, G) for term in expr.args]
        return sp.MatAdd(*terms).doit()
    if isinstance(expr, sp.HadamardProduct):
        holding = [arg for arg in expr.args if arg.has(G)]
        if len(holding) == 1:
            others = [arg for arg in expr.args if arg is not holding[0]]
            weights = others[0] if len(others) == 1 else sp.HadamardProduct(*others)
            return (Diag(weights) * linear_coefficient(holding[0], G)).doit()
    if isinstance(expr, sp.MatMul | sp.Mul):
        return _product_coefficient(expr, G)
    if isinstance(expr, ScalarOf):
        return _product_coefficient(sp.Mul(expr, evaluate=False), G)
    raise UnsupportedError(f"cannot write a Jacobian through {construct_name(expr)} in matrix form")


def _product_coefficient(expr: sp.Basic, G: sp.MatrixSymbol) -> sp.Basic:
    """Coefficient of G in a product: G as the last factor, inside a 1×1 factor, or in G ∘ v."""
    if isinstance(expr, sp.MatMul):
        coefficient, factors = expr.as_coeff_matrices()
        factors = list(factors)
    else:
        coefficient, factors = expr, []
    scalars = sp.Mul.make_args(coefficient)
    holding = [s for s in scalars if s.has(G)]
    if holding:
        (scalar,) = holding
        rest = sp.Mul(*(s for s in scalars if s is not scalar))
        row = _row_coefficient(scalar, G)
        matrix = sp.MatMul(*factors).doit() if factors else None
        return rest * (matrix * row if matrix is not None else row)
    if factors and factors[-1] == G:
        left = factors[:-1]
        return coefficient * (sp.MatMul(*left).doit() if left else sp.Identity(G.shape[0]))
    if factors and not any(f.has(G) for f in factors[:-1]):
        last = linear_coefficient(factors[-1], G)
        return coefficient * sp.MatMul(*factors[:-1], last).doit()
    raise UnsupportedError(f"cannot write a Jacobian through {construct_name(expr)} in matrix form")


def _row_coefficient(scalar: sp.Basic, G: sp.MatrixSymbol) -> sp.Basic:
    """P (a row) such that the scalar ``scalar``, linear in G, is P*G: by the node holding G (``ROWS``)."""
    rule = ROWS.get(type(scalar))
    if rule is None:
        raise UnsupportedError(
            f"cannot write a Jacobian through {construct_name(scalar)} in matrix form",
            hint="differentiate a scalar of it (e.g. its sum or its norm), or declare concrete dims for components",
        )
    return rule(scalar, G)


def _row_of_one_by_one(scalar: ScalarOf, G: sp.MatrixSymbol) -> sp.Basic:
    """A 1×1 matrix M equals Mᵀ, each a column of length 1: the coefficient of whichever ends in G is the row."""
    matrix = scalar.matrix
    ends_in_g = isinstance(matrix, sp.MatMul) and matrix.args[-1].has(G)
    return linear_coefficient(matrix if ends_in_g else matrix.T, G)


def _row_of_sum(scalar: SumEntries, G: sp.MatrixSymbol) -> sp.Basic:
    """sum(E) = ones(k).T*E for a column E; of a row, the sum of its transpose."""
    entries = scalar.matrix if scalar.matrix.shape[1] == 1 else scalar.matrix.T
    if entries.shape[1] != 1:
        raise UnsupportedError(
            "cannot write a Jacobian through the sum of the entries of a matrix in matrix form",
            hint="declare concrete dims for components, or differentiate a scalar of it",
        )
    return (sp.OneMatrix(1, entries.shape[0]) * linear_coefficient(entries, G)).doit()


def _row_of_add(scalar: sp.Add, G: sp.MatrixSymbol) -> sp.Basic:
    return sp.MatAdd(*(_row_coefficient(term, G) for term in scalar.args if term.has(G))).doit()


def _row_of_mul(scalar: sp.Mul, G: sp.MatrixSymbol) -> sp.Basic:
    """c*s for s linear in G and c free of it (the product is linear, so only one factor holds G)."""
    holding = [factor for factor in scalar.args if factor.has(G)]
    if len(holding) != 1:
        raise UnsupportedError("cannot write a Jacobian through a product that is not linear in matrix form")
    rest = sp.Mul(*(factor for factor in scalar.args if factor is not holding[0]))
    return rest * _row_coefficient(holding[0], G)


ROWS: dict[type, Callable[[sp.Basic, sp.MatrixSymbol], sp.Basic]] = {
    ScalarOf: _row_of_one_by_one,
    SumEntries: _row_of_sum,
    sp.Add: _row_of_add,
    sp.Mul: _row_of_mul,
}
"""How a scalar linear in the placeholder G is written P*G, by the type of its top node."""


def construct_name(expr: sp.Basic) -> str:
    """What a message calls ``expr``: its operation as the user writes it (``diag``, ``softmax(..., rows)``),
    else a description of the node."""
    op = op_of(expr)
    if op in AXIS_OF:
        name, axis = AXIS_OF[op]
        return f"{name}(..., {axis})"
    if op is not None:
        return op.name
    names = {Elementwise: "an entrywise function", sp.MatPow: "a matrix power", sp.ImmutableMatrix: "a matrix literal"}
    return names.get(type(expr), type(expr).__name__)
