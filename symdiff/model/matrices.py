"""Matrix-form nodes SymPy lacks, so that every formula has a SymPy form.

SymPy has ``MatrixSymbol``, ``MatMul``, ``MatAdd``, ``Transpose``,
``Inverse``, ``Trace``, ``Determinant`` and ``HadamardProduct``; it has no
norm, no sum of entries, no log-sum-exp or softmax of a vector, no ``diag``
of a vector that prints as such, no 1×1 matrix that is a scalar, and its
entrywise function application prints as ``Lambda`` soup. Those are here.
Their derivatives are in ``symdiff.derive.rules``; their printers in
``symdiff.export``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from ..errors import LimitError
from .algebra import coefficient_and_factors

BOUND = tuple(sp.Symbol(f"_t{i}", real=True) for i in range(16))
"""Placeholders for the operands of ``Elementwise`` bodies. Users cannot write
names starting with ``_``, so these never clash with a variable."""


class _MatrixToScalar(sp.Expr):
    """Base of scalar functions of one matrix argument."""

    is_commutative = True
    is_real = True

    def __new__(cls, matrix: MatrixExpr):
        return sp.Expr.__new__(cls, matrix)

    @property
    def matrix(self) -> MatrixExpr:
        return self.args[0]


class ScalarOf(_MatrixToScalar):
    """A 1×1 matrix expression (``x.T*A*x``) taken as the scalar it is."""


def as_scalar(matrix: sp.Basic) -> sp.Expr:
    """The scalar a 1×1 expression stands for, in one canonical spelling.

    Coefficients come out (so like terms combine), sums split, and of the two
    equal readings ``x.T*y`` and ``y.T*x`` the one that sorts first is kept.
    """
    if isinstance(matrix, sp.MatrixBase):
        return matrix[0, 0]
    if isinstance(matrix, sp.MatAdd):
        return sp.Add(*(as_scalar(term) for term in matrix.args))
    coefficient, factors = coefficient_and_factors(matrix)
    if not factors:
        return coefficient
    product = sp.MatMul(*factors) if len(factors) > 1 else factors[0]
    flipped = product.T
    if isinstance(flipped, sp.Basic) and sp.default_sort_key(flipped) < sp.default_sort_key(product):
        product = flipped
    if isinstance(product, sp.MatMul):
        inner, rest = coefficient_and_factors(product)
        return coefficient * inner * ScalarOf(sp.MatMul(*rest) if len(rest) > 1 else rest[0])
    return coefficient * ScalarOf(product)


class Norm(_MatrixToScalar):
    """The 2-norm of a vector, the Frobenius norm of a matrix."""

    is_nonnegative = True


class SumEntries(_MatrixToScalar):
    """The sum of all entries."""


class LogSumExp(_MatrixToScalar):
    """log(sum(exp(v))) of a vector, computed stably when evaluated."""


class LogDet(_MatrixToScalar):
    """log(det(X)) of a square matrix, computed stably when evaluated (``slogdet``)."""


class _VectorToMatrix(MatrixExpr):
    """Base of matrix-valued functions of one vector."""

    def __new__(cls, vector: MatrixExpr):
        return sp.Basic.__new__(cls, vector)

    @property
    def vector(self) -> MatrixExpr:
        return self.args[0]


class Softmax(_VectorToMatrix):
    """exp(v) / sum(exp(v)), a vector of the shape of v."""

    @property
    def shape(self):
        return self.vector.shape


class Diag(_VectorToMatrix):
    """The square matrix with v on its diagonal."""

    @property
    def shape(self):
        return (self.vector.shape[0], self.vector.shape[0])

    def _eval_transpose(self):
        return self


class Elementwise(MatrixExpr):
    """A scalar function applied entry by entry to arrays of one shape.

    ``body`` is a scalar SymPy expression in ``BOUND[0]``, ``BOUND[1]``, ...,
    one per operand; ``1 - tanh(W*x)^2`` is ``Elementwise(1 - tanh(_t0)**2,
    (W*x,))``. Scalars that do not vary entry by entry sit in the body.
    """

    def __new__(cls, body: sp.Expr, operands: tuple[MatrixExpr, ...]):
        return sp.Basic.__new__(cls, body, sp.Tuple(*operands))

    @property
    def body(self) -> sp.Expr:
        return self.args[0]

    @property
    def operands(self) -> tuple[MatrixExpr, ...]:
        return tuple(self.args[1])

    @property
    def shape(self):
        return self.operands[0].shape

    @property
    def free_symbols(self):
        bound = set(BOUND[: len(self.operands)])
        return (self.body.free_symbols - bound).union(*(op.free_symbols for op in self.operands))


def rebind(body: sp.Basic, mapping: Mapping[sp.Basic, sp.Basic]) -> sp.Basic:
    """``body`` with ``mapping`` applied at once, like ``xreplace``, in the body's own scope only.

    A body can hold arrays: ``1/norm(hadamard(y, x^2))`` is a scalar in it,
    and the ``x^2`` there is an ``Elementwise`` of its own, whose ``_t0``
    stands for x whatever the outer ``_t0`` stands for. ``xreplace`` would
    rename both; this leaves every array inside the body as it is.
    """
    if body in mapping:
        return mapping[body]
    if not body.args or getattr(body, "is_Matrix", False):
        return body
    args = tuple(rebind(arg, mapping) for arg in body.args)
    return body if args == body.args else body.func(*args)


def opaque(body: sp.Expr) -> tuple[sp.Expr, dict[sp.Symbol, sp.Expr]]:
    """``body`` with each scalar of arrays in it (``norm(x + y)``, ``x.T*y``) as a plain symbol,
    and the map back.

    SymPy's scalar algebra (``expand``, ``factor_terms``) descends into every
    argument and would rewrite the arrays inside those scalars as if they
    were scalars; a body with them hidden is a plain scalar expression.
    """
    hidden: dict[sp.Expr, sp.Symbol] = {}

    def hide(node: sp.Basic) -> sp.Basic:
        if any(getattr(arg, "is_Matrix", False) for arg in node.args):
            if node not in hidden:
                hidden[node] = sp.Dummy(real=True, nonnegative=bool(node.is_nonnegative) or None)
            return hidden[node]
        args = tuple(hide(arg) for arg in node.args)
        return node if args == node.args else node.func(*args)

    return hide(body), {symbol: node for node, symbol in hidden.items()}


def scope(body: sp.Basic) -> Iterator[sp.Basic]:
    """Every node of ``body`` in its own scope: arrays in it are visited but not entered."""
    yield body
    if not getattr(body, "is_Matrix", False):
        for arg in body.args:
            yield from scope(arg)


def elementwise(function: Callable[..., sp.Expr], *args: sp.Basic) -> sp.Basic:
    """Apply ``function`` entry by entry, fusing nested entrywise functions into one body.

    Scalar arguments pass into the body as they are; array arguments become
    operands (an array given twice is one operand).
    """
    operands: list[sp.Basic] = []

    def slot(operand: sp.Basic) -> sp.Symbol:
        if operand not in operands:
            if len(operands) == len(BOUND):
                raise LimitError(f"more than {len(BOUND)} different arrays in one entrywise function",
                                 hint="name parts of the formula, or split it")
            operands.append(operand)
        return BOUND[operands.index(operand)]

    values = []
    for arg in args:
        coefficient, factors = coefficient_and_factors(arg) if isinstance(arg, sp.MatMul) else (1, [arg])
        if len(factors) == 1 and isinstance(factors[0], Elementwise):
            inner = factors[0]
            values.append(coefficient * rebind(inner.body, {BOUND[i]: slot(op) for i, op in enumerate(inner.operands)}))
        elif getattr(arg, "is_Matrix", False):
            values.append(slot(arg))
        else:
            values.append(arg)
    body = function(*values)
    if body in BOUND:
        return operands[BOUND.index(body)]
    return Elementwise(body, tuple(operands))
