"""Reverse-mode rules of the matrix form, one small rule per operation.

Each rule takes a node and ``G``, the gradient of the final scalar with
respect to the node's value (a matrix of the node's shape, or a scalar for
scalar nodes and 1×1 products), and yields each argument with a thunk for the
gradient that argument receives. This is the differential method read
backwards: df = tr(Gᵀ d(node)) rewritten as Σ tr(Gᵢᵀ d(argᵢ)).

Rules for scalar functions of scalars are not here: SymPy differentiates
those, with ``fdiff`` of our own functions beside their definitions in
``symdiff.model.functions``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import sympy as sp

from ..errors import UnsupportedError
from ..model.matrices import BOUND, Elementwise, LogSumExp, Norm, ScalarOf, Softmax, SumEntries, as_scalar

Thunk = Callable[[], sp.Basic]
Rule = Callable[[sp.Basic, sp.Basic], Iterator[tuple[sp.Basic, Thunk]]]


def inner(G: sp.Basic, M: sp.Basic) -> sp.Expr:
    """⟨G, M⟩ = tr(Gᵀ M), the scalar a coefficient of M receives."""
    if not getattr(G, "is_Matrix", False):
        return G * as_scalar(M)
    rows, cols = M.shape
    if cols == 1:
        return as_scalar(G.T * M)
    if rows == 1:
        return as_scalar(M * G.T)
    return sp.Trace(G.T * M)


def hadamard(G: sp.Basic, M: sp.Basic) -> sp.Basic:
    """G ∘ M, with the cases that need no product written out."""
    if isinstance(M, Elementwise) and M.body.is_number:
        return M.body * G
    coefficient, factors = G.as_coeff_matrices() if isinstance(G, sp.MatMul) else (1, [G])
    if len(factors) == 1 and isinstance(factors[0], sp.OneMatrix):
        return coefficient * M
    return sp.HadamardProduct(G, M)


def _product(factors: list[sp.Basic]) -> sp.Basic | None:
    if not factors:
        return None
    return sp.MatMul(*factors).doit() if len(factors) > 1 else factors[0]


def _matmul(node: sp.MatMul, G: sp.Basic):
    coefficient, factors = node.as_coeff_matrices()
    factors = list(factors)
    product = _product(factors)
    yield coefficient, lambda: inner(G, product)
    for i, factor in enumerate(factors):

        def thunk(i: int = i) -> sp.Basic:
            parts = [coefficient]
            left, right = _product(factors[:i]), _product(factors[i + 1 :])
            if left is not None:
                parts.append(left.T)
            parts.append(G)
            if right is not None:
                parts.append(right.T)
            return sp.Mul(*[p for p in parts if not p.is_Matrix]) * _product([p for p in parts if p.is_Matrix])

        yield factor, thunk


def _matadd(node: sp.MatAdd, G: sp.Basic):
    for term in node.args:
        yield term, lambda: G


def _transpose(node: sp.Transpose, G: sp.Basic):
    yield node.arg, lambda: G.T


def _inverse(node: sp.Inverse, G: sp.Basic):
    yield node.arg, lambda: -(node.T * G * node.T)


def _matpow(node: sp.MatPow, G: sp.Basic):
    base, exponent = node.args
    if not (exponent.is_Integer and exponent > 0):
        raise UnsupportedError(f"derivative of a matrix power with exponent {exponent}", hint="write inv(X) for X^(-1)")
    k = int(exponent)
    yield base, lambda: sp.MatAdd(*((base**i).T * G * (base ** (k - 1 - i)).T for i in range(k))).doit()


def _hadamard(node: sp.HadamardProduct, G: sp.Basic):
    for i, arg in enumerate(node.args):
        others = node.args[:i] + node.args[i + 1 :]
        yield arg, lambda others=others: sp.HadamardProduct(G, *others)


def _elementwise(node: Elementwise, G: sp.Basic):
    for i, operand in enumerate(node.operands):
        yield operand, lambda i=i: hadamard(G, Elementwise(node.body.diff(BOUND[i]), node.operands))
    for parameter, partial in partials(node.body):
        yield parameter, lambda partial=partial: inner(G, Elementwise(partial, node.operands))


def _scalar(node: sp.Expr, g: sp.Basic):
    for parameter, partial in partials(node):
        yield parameter, lambda partial=partial: g * partial


def partials(expr: sp.Expr) -> Iterator[tuple[sp.Basic, sp.Expr]]:
    """Each parameter of a scalar expression with the partial derivative by it.

    Parameters are free symbols and the outermost scalar functions of
    matrices (``norm(A*x)``), which SymPy's ``diff`` sees as opaque symbols.
    """
    atoms = {}
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, SCALAR_ATOMS):
            atoms[node] = sp.Dummy(real=True)
        elif not getattr(node, "is_Matrix", False):
            stack.extend(node.args)
    opaque = expr.xreplace(atoms)
    back = {dummy: atom for atom, dummy in atoms.items()}
    for atom, dummy in atoms.items():
        yield atom, opaque.diff(dummy).xreplace(back)
    for symbol in opaque.free_symbols - set(back) - set(BOUND):
        if not getattr(symbol, "is_Matrix", False):
            yield symbol, opaque.diff(symbol).xreplace(back)


def _softmax(node: Softmax, G: sp.Basic):
    yield node.vector, lambda: sp.HadamardProduct(node, G) - node * as_scalar(node.T * G)


def _scalar_of(node: ScalarOf, g: sp.Basic):
    yield node.matrix, lambda: g


def _norm(node: Norm, g: sp.Basic):
    yield node.matrix, lambda: (g / node) * node.matrix


def _sum_entries(node: SumEntries, g: sp.Basic):
    yield node.matrix, lambda: g * sp.OneMatrix(*node.matrix.shape)


def _logsumexp(node: LogSumExp, g: sp.Basic):
    yield node.matrix, lambda: g * Softmax(node.matrix)


def _trace(node: sp.Trace, g: sp.Basic):
    yield node.arg, lambda: g * sp.Identity(node.arg.shape[0])


def _determinant(node: sp.Determinant, g: sp.Basic):
    yield node.arg, lambda: g * node * sp.Inverse(node.arg).T


RULES: dict[type, Rule] = {
    sp.MatMul: _matmul,
    sp.MatAdd: _matadd,
    sp.Transpose: _transpose,
    sp.Inverse: _inverse,
    sp.MatPow: _matpow,
    sp.HadamardProduct: _hadamard,
    Elementwise: _elementwise,
    Softmax: _softmax,
    ScalarOf: _scalar_of,
    Norm: _norm,
    SumEntries: _sum_entries,
    LogSumExp: _logsumexp,
    sp.Trace: _trace,
    sp.Determinant: _determinant,
}
"""Reverse-mode rule of each matrix-form node type."""

SCALAR_ATOMS: tuple[type, ...] = (ScalarOf, Norm, SumEntries, LogSumExp, sp.Trace, sp.Determinant)
"""Scalar-valued nodes of matrix arguments: opaque to SymPy's scalar ``diff``."""
