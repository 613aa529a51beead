"""The diagonal of a matrix expression, as a vector the syntax can write.

The gradient of ``diag(v)`` sends the diagonal of its upstream matrix G to v.
SymPy's ``DiagonalOf`` has no spelling in symdiff's syntax, so the diagonal is
written with what the syntax has, by the shape of G: ``diag(u*w.T)`` is
``hadamard(u, w)``, ``diag(diag(v)*M)`` is ``hadamard(v, diag(M))``,
``diag(eye(n))`` is ``ones(n)`` and, in general, ``diag(L*R)`` is
``hadamard(L, R.T)*ones(k)`` and ``diag(M)`` is ``hadamard(M, eye(n))*ones(n)``.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from ..model.algebra import product
from ..model.nodes import Diag


def diagonal(matrix: sp.Basic) -> sp.Basic:
    """The column vector of the diagonal entries of the square ``matrix``."""
    rule = DIAGONALS.get(type(matrix), _general)
    return rule(matrix)


def _general(matrix: sp.Basic) -> sp.Basic:
    n = matrix.shape[0]
    return sp.HadamardProduct(matrix, sp.Identity(n)) * sp.OneMatrix(n, 1)


def _ones(matrix: sp.Basic) -> sp.Basic:
    return sp.OneMatrix(matrix.shape[0], 1)


def _matadd(matrix: sp.MatAdd) -> sp.Basic:
    return sp.MatAdd(*(diagonal(term) for term in matrix.args)).doit()


def _transpose(matrix: sp.Transpose) -> sp.Basic:
    return diagonal(matrix.arg)


def _hadamard(matrix: sp.HadamardProduct) -> sp.Basic:
    return sp.HadamardProduct(*(diagonal(arg) for arg in matrix.args)).doit()


def _matmul(matrix: sp.MatMul) -> sp.Basic:
    coefficient, factors = matrix.as_coeff_matrices()
    factors = list(factors)
    if len(factors) == 1:
        return coefficient * diagonal(factors[0])
    if isinstance(factors[0], Diag):
        return coefficient * sp.HadamardProduct(factors[0].vector, diagonal(product(factors[1:])))
    if isinstance(factors[-1], Diag):
        return coefficient * sp.HadamardProduct(diagonal(product(factors[:-1])), factors[-1].vector)
    left, right = product(factors[:-1]), factors[-1]
    if left.shape[1] == 1:
        return coefficient * sp.HadamardProduct(left, right.T)
    return coefficient * sp.HadamardProduct(left, right.T) * sp.OneMatrix(left.shape[1], 1)


DIAGONALS: dict[type, Callable[[sp.Basic], sp.Basic]] = {
    sp.Identity: _ones,
    sp.OneMatrix: _ones,
    sp.ZeroMatrix: lambda matrix: sp.ZeroMatrix(matrix.shape[0], 1),
    Diag: lambda matrix: matrix.vector,
    sp.MatAdd: _matadd,
    sp.MatMul: _matmul,
    sp.Transpose: _transpose,
    sp.HadamardProduct: _hadamard,
}
"""The diagonal of each kind of matrix expression; anything else goes through ``_general``."""
