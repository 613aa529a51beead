"""The nodes of the SymPy form, each naming its operation, and the operation a node stands for.

``ops`` says what an operation is called; this says what it is once built:
the scalar function applied entry by entry (``sigmoid``), or the node of a
whole array (``Norm``, SymPy's ``Trace``). SymPy has ``MatrixSymbol``,
``MatMul``, ``MatAdd``, ``Transpose``, ``Inverse``, ``Trace``,
``Determinant`` and ``HadamardProduct``; it has no norm, no sum of entries,
no log-sum-exp or softmax of a vector, no ``diag`` of a vector that prints as
such, no 1×1 matrix that is a scalar, and its entrywise function application
prints as ``Lambda`` soup. Those nodes are here, each with its ``op``
(``ScalarOf`` and ``Elementwise`` are structure, not operations, and have
none). ``DOT`` has no node of its own: it is built as the product it is
(``a.T*b``), so every later stage handles it through the matrix product.
Printers and rules key their tables by ``op_of(node)``, never by a class
name spelled as a string; derivatives are in ``symdiff.derive.rules``.
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr

from .. import ops
from ..ops import Op
from .functions import maximum, minimum, relu, sigmoid, step

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


class Norm(_MatrixToScalar):
    """The 2-norm of a vector, the Frobenius norm of a matrix."""

    op = ops.NORM

    is_nonnegative = True


class SumEntries(_MatrixToScalar):
    """The sum of all entries."""

    op = ops.SUM


class LogSumExp(_MatrixToScalar):
    """log(sum(exp(v))) of a vector, computed stably when evaluated."""

    op = ops.LOGSUMEXP


class LogDet(_MatrixToScalar):
    """log(det(X)) of a square matrix, computed stably when evaluated (``slogdet``)."""

    op = ops.LOGDET


class _VectorToMatrix(MatrixExpr):
    """Base of matrix-valued functions of one vector."""

    def __new__(cls, vector: MatrixExpr):
        return sp.Basic.__new__(cls, vector)

    @property
    def vector(self) -> MatrixExpr:
        return self.args[0]


class Softmax(_VectorToMatrix):
    """exp(v) / sum(exp(v)), a vector of the shape of v."""

    op = ops.SOFTMAX

    @property
    def shape(self):
        return self.vector.shape


class Diag(_VectorToMatrix):
    """The square matrix with v on its diagonal."""

    op = ops.DIAG

    @property
    def shape(self):
        return (self.vector.shape[0], self.vector.shape[0])

    def _eval_transpose(self):
        return self


class OneHot(MatrixExpr):
    """The one-hot matrix of integer labels y in 1..K over K classes: row i is 1 at column yᵢ, else 0 (n×K);
    of one label y, the column e_y (K×1). Labels are data: nothing is differentiated by them."""

    op = ops.ONEHOT

    def __new__(cls, labels: sp.Basic, classes: sp.Expr):
        return sp.Basic.__new__(cls, labels, classes)

    @property
    def labels(self) -> sp.Basic:
        return self.args[0]

    @property
    def classes(self) -> sp.Expr:
        return self.args[1]

    @property
    def shape(self):
        if getattr(self.labels, "is_Matrix", False):
            return (self.labels.shape[0], self.classes)
        return (self.classes, sp.S.One)


def labels_of(expr: sp.Basic) -> dict[str, str]:
    """The names of the labels of the one-hot matrices in ``expr`` -> their number of classes."""
    return {
        str(node.labels): str(node.classes)
        for node in sp.preorder_traversal(expr)
        if isinstance(node, OneHot) and isinstance(node.labels, sp.Symbol | sp.MatrixSymbol)
    }


class _RowWise(MatrixExpr):
    """Base of functions applied to each row of a matrix (``softmax(X, rows)``)."""

    def __new__(cls, matrix: MatrixExpr):
        return sp.Basic.__new__(cls, matrix)

    @property
    def matrix(self) -> MatrixExpr:
        return self.args[0]


class SoftmaxRows(_RowWise):
    """softmax of each row of a matrix: a matrix of its shape whose rows each sum to 1."""

    op = ops.SOFTMAX_ROWS

    @property
    def shape(self):
        return self.matrix.shape


class LogSumExpRows(_RowWise):
    """The column of log(sum(exp(row))) over the rows of a matrix, computed stably when evaluated."""

    op = ops.LOGSUMEXP_ROWS

    @property
    def shape(self):
        return (self.matrix.shape[0], sp.S.One)


class Vec(MatrixExpr):
    """The columns of a matrix stacked into one column (column-major, as Magnus & Neudecker): entry i + m*j of
    vec(X) is X[i, j] for an m×n X."""

    op = ops.VEC

    def __new__(cls, matrix: MatrixExpr):
        return sp.Basic.__new__(cls, matrix)

    @property
    def matrix(self) -> MatrixExpr:
        return self.args[0]

    @property
    def shape(self):
        rows, cols = self.matrix.shape
        return (rows * cols, sp.S.One)


class Commutation(MatrixExpr):
    """The mn×mn commutation matrix K(m, n): K*vec(X) = vec(X.T) for every m×n X (a permutation matrix)."""

    op = ops.COMMUTATION

    def __new__(cls, rows: sp.Expr, cols: sp.Expr):
        return sp.Basic.__new__(cls, rows, cols)

    @property
    def shape(self):
        rows, cols = self.args
        return (rows * cols, rows * cols)

    def _eval_transpose(self):
        rows, cols = self.args
        return Commutation(cols, rows)


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


SCALAR: dict[Op, type[sp.Function]] = {
    ops.EXP: sp.exp,
    ops.LOG: sp.log,
    ops.SQRT: sp.sqrt,  # type: ignore[dict-item]  # sqrt(x) builds x**(1/2)
    ops.SIN: sp.sin,
    ops.COS: sp.cos,
    ops.TAN: sp.tan,
    ops.TANH: sp.tanh,
    ops.SIGMOID: sigmoid,
    ops.RELU: relu,
    ops.ABS: sp.Abs,
    ops.STEP: step,
    ops.SIGN: sp.sign,
    ops.MAX: maximum,
    ops.MIN: minimum,
}
"""Entrywise operation -> the SymPy function of scalars it applies to each entry."""

ARRAY: dict[Op, type[sp.Basic]] = {
    ops.HADAMARD: sp.HadamardProduct,
    ops.SUM: SumEntries,
    ops.NORM: Norm,
    ops.TRACE: sp.Trace,
    ops.DET: sp.Determinant,
    ops.LOGDET: LogDet,
    ops.INV: sp.Inverse,
    ops.LOGSUMEXP: LogSumExp,
    ops.SOFTMAX: Softmax,
    ops.DIAG: Diag,
    ops.SOFTMAX_ROWS: SoftmaxRows,
    ops.LOGSUMEXP_ROWS: LogSumExpRows,
    ops.ONEHOT: OneHot,
    ops.KRON: sp.KroneckerProduct,
    ops.VEC: Vec,
    ops.EYE: sp.Identity,
    ops.ONES: sp.OneMatrix,
    ops.COMMUTATION: Commutation,
}
"""Array operation -> its node class."""

COMPOSED: frozenset[Op] = frozenset(
    {
        ops.DOT,
        ops.SUM_ROWS,
        ops.MEAN,
        ops.MEAN_ROWS,
        ops.VAR,
        ops.VAR_ROWS,
        ops.STD,
        ops.STD_ROWS,
        ops.INDEX_SUM,
        ops.INDEX_PROD,
    }
)
"""Operations built as a composition of others (``dot(a, b)`` is ``a.T*b``, ``mean(X, rows)`` is
``X*ones(d)/d``, an index sum is built in matrix form by ``model.indices``), with no node of their own."""

_SYMPY_OP_OF: dict[type, Op] = {
    node: op
    for op, node in (*SCALAR.items(), *ARRAY.items())
    if op is not ops.SQRT and not isinstance(getattr(node, "op", None), Op)
}
"""SymPy's own classes (``sp.Trace``, ``sp.exp``), which cannot name their operation -> it."""


def op_of(expr: sp.Basic) -> Op | None:
    """The operation ``expr`` is an application of (``Norm(x)`` -> NORM), None for other nodes.

    Our classes name it (``op``); SymPy's are looked up, through their bases."""
    op = getattr(type(expr), "op", None)
    if isinstance(op, Op):
        return op
    for cls in type(expr).__mro__:
        if cls in _SYMPY_OP_OF:
            return _SYMPY_OP_OF[cls]
    return None
