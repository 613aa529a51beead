"""Derivatives of vectors and matrices by a scalar, in matrix form (forward mode).

dF/dt for an array F and a scalar t has F's shape, and is easiest pushed
forward from the leaves: d(AB) = dA B + A dB, d(X⁻¹) = -X⁻¹ dX X⁻¹, and so
on, one small rule per node type in ``TANGENTS``. Scalar subexpressions (the
coefficient of a product, ``norm(A*x)`` inside an entrywise function) are
differentiated by the reverse-mode rules. Anything without a rule is an
``UnsupportedError`` naming it, never a silent zero.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from ..errors import UnsupportedError
from ..model.algebra import product
from ..model.functions import diff
from ..model.matrices import as_scalar
from ..model.nodes import BOUND, Diag, Elementwise, LogSumExpRows, OneHot, Softmax, SoftmaxRows, Vec
from .entrywise import entrywise
from .matrix import construct_name, gradient
from .rules import along_rows, hadamard, inner, kron_pair, labels_error, partials, row_sums

Tangent = Callable[[sp.Basic, sp.Basic], "sp.Basic | None"]

DIRECTION = "_D"
"""Name of the direction a matrix variable moves in (``direction``)."""


def direction(target: sp.Basic) -> sp.Basic:
    """What ``target`` moves by: 1 for a scalar; for a matrix X the placeholder D of its shape, so that
    ``tangent(F, X)`` is the differential dF in the direction D (users cannot write names starting with _)."""
    return sp.MatrixSymbol(DIRECTION, *target.shape) if getattr(target, "is_Matrix", False) else sp.S.One


def tangent(expr: sp.Basic, t: sp.Basic) -> sp.Basic | None:
    """d expr / dt for a matrix expression ``expr`` and a scalar ``t``; for a matrix ``t``, the differential of
    ``expr`` in the direction ``direction(t)``. None where it is zero."""
    if not expr.has(t):
        return None
    if expr == t:
        return direction(t)
    if not getattr(expr, "is_Matrix", False):
        grad = gradient(expr, sp.S.One, t)
        return grad if grad is None or not getattr(t, "is_Matrix", False) else inner(grad, direction(t))
    rule = TANGENTS.get(type(expr))
    if rule is None:
        raise UnsupportedError(f"the derivative of {construct_name(expr)} by a scalar is not supported yet")
    return rule(expr, t)


def derivative(expr: sp.Basic, t: sp.Symbol) -> sp.Basic:
    """dF/dt in F's shape (a zero matrix if F does not depend on t)."""
    result = tangent(expr, t)
    return sp.ZeroMatrix(*expr.shape) if result is None else result


def _total(parts: list[sp.Basic | None]) -> sp.Basic | None:
    present = [p for p in parts if p is not None]
    if not present:
        return None
    return sp.MatAdd(*present).doit() if len(present) > 1 else present[0]


def _matmul(node: sp.MatMul, t: sp.Symbol) -> sp.Basic | None:
    coefficient, factors = node.as_coeff_matrices()
    factors = list(factors)
    d_coefficient = tangent(coefficient, t)
    parts = [None if d_coefficient is None else d_coefficient * product(factors)]
    for i, factor in enumerate(factors):
        d_factor = tangent(factor, t)
        if d_factor is not None:
            parts.append(coefficient * product([*factors[:i], d_factor, *factors[i + 1 :]]))
    return _total(parts)


def _matadd(node: sp.MatAdd, t: sp.Symbol) -> sp.Basic | None:
    return _total([tangent(term, t) for term in node.args])


def _transpose(node: sp.Transpose, t: sp.Symbol) -> sp.Basic | None:
    d_arg = tangent(node.arg, t)
    return None if d_arg is None else d_arg.T


def _inverse(node: sp.Inverse, t: sp.Symbol) -> sp.Basic | None:
    d_arg = tangent(node.arg, t)
    return None if d_arg is None else -(node * d_arg * node)


def _matpow(node: sp.MatPow, t: sp.Symbol) -> sp.Basic | None:
    base, exponent = node.args
    if not (exponent.is_Integer and exponent != 0):
        raise UnsupportedError(f"derivative of a matrix power with exponent {exponent}")
    k = int(exponent)
    if k < 0:
        return _inverse(sp.Inverse(base**-k), t)
    d_base = tangent(base, t)
    if d_base is None:
        return None
    return sp.MatAdd(*(base**i * d_base * base ** (k - 1 - i) for i in range(k))).doit()


def _hadamard(node: sp.HadamardProduct, t: sp.Symbol) -> sp.Basic | None:
    parts = []
    for i, arg in enumerate(node.args):
        d_arg = tangent(arg, t)
        if d_arg is not None:
            others = node.args[:i] + node.args[i + 1 :]
            parts.append(hadamard(d_arg, others[0] if len(others) == 1 else sp.HadamardProduct(*others)))
    return _total(parts)


def _elementwise(node: Elementwise, t: sp.Symbol) -> sp.Basic | None:
    parts = []
    for i, operand in enumerate(node.operands):
        d_operand = tangent(operand, t)
        if d_operand is not None:
            parts.append(hadamard(d_operand, entrywise(diff(node.body, BOUND[i]), node.operands, node.shape)))
    for parameter, partial in partials(node.body):
        d_parameter = tangent(parameter, t)
        if d_parameter is not None:
            parts.append(d_parameter * entrywise(partial, node.operands, node.shape))
    return _total(parts)


def _softmax(node: Softmax, t: sp.Symbol) -> sp.Basic | None:
    d_vector = tangent(node.vector, t)
    if d_vector is None:
        return None
    return sp.HadamardProduct(node, d_vector) - node * as_scalar(node.T * d_vector)


def _softmax_rows(node: SoftmaxRows, t: sp.Symbol) -> sp.Basic | None:
    d_matrix = tangent(node.matrix, t)
    if d_matrix is None:
        return None
    return sp.HadamardProduct(node, d_matrix - along_rows(row_sums(hadamard(node, d_matrix)), node))


def _logsumexp_rows(node: LogSumExpRows, t: sp.Symbol) -> sp.Basic | None:
    d_matrix = tangent(node.matrix, t)
    return None if d_matrix is None else row_sums(hadamard(SoftmaxRows(node.matrix), d_matrix))


def _diag(node: Diag, t: sp.Symbol) -> sp.Basic | None:
    d_vector = tangent(node.vector, t)
    return None if d_vector is None else Diag(d_vector)


def _onehot(node: OneHot, t: sp.Symbol) -> sp.Basic | None:
    """Labels are integers: nothing is differentiable by them (``rules._onehot``)."""
    raise labels_error(node)


def _literal(node: sp.ImmutableMatrix, t: sp.Symbol) -> sp.Basic | None:
    return node.applyfunc(lambda entry: tangent(entry, t) or sp.S.Zero)


def _kron(node: sp.KroneckerProduct, t: sp.Symbol) -> sp.Basic | None:
    """d(A ⊗ B) = dA ⊗ B + A ⊗ dB."""
    A, B = kron_pair(node)
    d_A, d_B = tangent(A, t), tangent(B, t)
    return _total(
        [None if d_A is None else sp.KroneckerProduct(d_A, B), None if d_B is None else sp.KroneckerProduct(A, d_B)]
    )


def _vec(node: Vec, t: sp.Symbol) -> sp.Basic | None:
    d_matrix = tangent(node.matrix, t)
    return None if d_matrix is None else Vec(d_matrix)


TANGENTS: dict[type, Tangent] = {
    sp.MatMul: _matmul,
    sp.MatAdd: _matadd,
    sp.Transpose: _transpose,
    sp.Inverse: _inverse,
    sp.MatPow: _matpow,
    sp.HadamardProduct: _hadamard,
    Elementwise: _elementwise,
    Softmax: _softmax,
    SoftmaxRows: _softmax_rows,
    LogSumExpRows: _logsumexp_rows,
    Diag: _diag,
    OneHot: _onehot,
    sp.ImmutableMatrix: _literal,
    sp.KroneckerProduct: _kron,
    Vec: _vec,
}
"""Forward-mode rule of each matrix-valued node type."""
