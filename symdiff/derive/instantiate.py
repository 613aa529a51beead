"""A matrix-form expression with concrete dims written out entry by entry.

Component form could differentiate every entry of a formula with SymPy, but
that costs one ``diff`` of the whole formula per entry of the variable: the
gradient of ½‖Ax‖² by a 64×64 A is 4,096 derivatives of a 4,096-term sum. The
matrix-form derivative of the same formula is exact and is computed once;
writing its entries out (``(A*x)*x.T`` with A and x explicit) gives the
component answer at the cost of a few explicit products. ``explicit`` does
that: each node of the matrix form is rebuilt from its explicit arguments by
the same rules that build component form (``model.build.CALLS``, keyed by
operation), products of several matrices in their cheapest order.

A node it has no rule for raises ``NotExplicit``; the caller then
differentiates entry by entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import reduce

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from .. import limits, ops
from ..model.algebra import chain_order
from ..model.build import CALLS, MAX_EXPLICIT_INVERSE, is_array
from ..model.nodes import BOUND, Elementwise, ScalarOf, op_of
from ..model.walk import NAMED_ARRAYS


class NotExplicit(Exception):
    """The expression has a node ``explicit`` cannot write out entry by entry."""


Values = Mapping[sp.Basic, sp.Basic]
"""Each ``MatrixSymbol`` -> its explicit matrix of component symbols."""


def explicit(expr: sp.Basic, values: Values) -> sp.Basic:
    """``expr`` with its matrix symbols replaced by ``values`` and every array node written out."""
    done: dict[sp.Basic, sp.Basic] = {}

    def walk(node: sp.Basic) -> sp.Basic:
        if node not in done:
            done[node] = _rebuild(node, walk, values)
        return done[node]

    return walk(expr)


def _rebuild(node: sp.Basic, walk: Callable[[sp.Basic], sp.Basic], values: Values) -> sp.Basic:
    if isinstance(node, NAMED_ARRAYS):
        return _named(node, values)
    if isinstance(node, Elementwise):
        return _elementwise(walk(node.body), [walk(operand) for operand in node.operands])
    rule = _STRUCTURE.get(type(node))
    args = [walk(arg) for arg in node.args]
    if rule is not None:
        return rule(*args)
    op = op_of(node)
    if op is not None and op in CALLS:
        return CALLS[op](*args)
    if is_array(node) or any(is_array(arg) for arg in args):
        raise NotExplicit(type(node).__name__)
    return node.func(*args) if node.args else node


def _named(node: sp.Basic, values: Values) -> sp.Basic:
    if isinstance(node, sp.MatrixSymbol):
        if node not in values:
            raise NotExplicit(str(node))
        return values[node]
    if not all(getattr(d, "is_Integer", False) for d in node.shape):
        raise NotExplicit(str(node))
    rows, cols = (int(d) for d in node.shape)
    if rows * cols > limits.MAX_COMPONENTS:  # eye(n) takes n up to the limit: n² entries
        raise NotExplicit(str(node))
    if isinstance(node, sp.Identity):
        return sp.ImmutableMatrix(sp.eye(rows))
    fill = 1 if isinstance(node, sp.OneMatrix) else 0
    return sp.ImmutableMatrix(rows, cols, [fill] * (rows * cols))


def _elementwise(body: sp.Expr, operands: list[sp.Basic]) -> sp.Basic:
    rows, cols = operands[0].shape
    return sp.ImmutableMatrix(
        rows, cols, lambda i, j: body.xreplace({BOUND[k]: m[i, j] for k, m in enumerate(operands)})
    )


def _product(*factors: sp.Basic) -> sp.Basic:
    """The product, scalars first, matrices multiplied in the order that needs fewest entry products."""
    scalars = [f for f in factors if not is_array(f)]
    matrices = [f for f in factors if is_array(f)]
    result = _chain(matrices) if matrices else sp.S.One
    coefficient = sp.Mul(*scalars)
    return result if coefficient == 1 else result * coefficient if is_array(result) else coefficient * result


def _chain(matrices: list[sp.Basic]) -> sp.Basic:
    """Matrix chain multiplication by dynamic programming over the sizes (textbook, O(k³) for k factors)."""
    dims = [m.shape[0] for m in matrices] + [matrices[-1].shape[1]]
    count = len(matrices)
    split = chain_order(dims)

    def multiply(i: int, j: int) -> sp.Basic:
        return matrices[i] if i == j else _times(multiply(i, split[i][j]), multiply(split[i][j] + 1, j))

    return multiply(0, count - 1)


def _times(a: sp.Basic, b: sp.Basic) -> sp.Basic:
    """The product of two explicit matrices, each entry the sum of its products: what SymPy's own product
    gives, without its conversion to a domain of the entries (three times slower on symbolic entries)."""
    rows, columns = a.tolist(), b.T.tolist()
    return sp.ImmutableMatrix(
        a.rows, b.cols, [sp.Add(*(sp.Mul(s, t) for s, t in zip(row, column))) for row in rows for column in columns]
    )


def _add(*terms: sp.Basic) -> sp.Basic:
    return reduce(lambda a, b: a + b, terms)


def _hadamard(*factors: sp.Basic) -> sp.Basic:
    return reduce(lambda a, b: a.multiply_elementwise(b), factors)


def _power(base: sp.Basic, exponent: sp.Basic) -> sp.Basic:
    """``base^k`` as k - 1 plain products (of the inverse when k < 0): SymPy's own power simplifies each
    product's entries (``dotprodsimp``), ten times slower on a 3×3 inverse."""
    if not exponent.is_Integer:
        raise NotExplicit(f"a matrix power {exponent} that is not a whole number")
    if exponent < 0:
        if base.rows > MAX_EXPLICIT_INVERSE:  # as building one refuses it
            raise NotExplicit(f"a symbolic inverse of a {base.rows}×{base.rows} matrix")
        base = CALLS[ops.INV](base)
    k = abs(int(exponent))
    return reduce(_times, [base] * k) if k else sp.eye(base.rows)


_STRUCTURE: dict[type, Callable[..., sp.Basic]] = {
    sp.MatMul: _product,
    sp.MatAdd: _add,
    sp.Transpose: lambda m: m.T,
    sp.MatPow: _power,
    sp.Inverse: lambda m, _: CALLS[ops.INV](m),
    sp.HadamardProduct: _hadamard,
    ScalarOf: lambda m: m[0, 0],
    MatrixElement: lambda m, i, j: m[int(i), int(j)],
}
"""SymPy's structural matrix nodes (no operation of their own) -> how to write them out."""
