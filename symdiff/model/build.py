"""Build the SymPy form of a typed syntax tree.

Names with symbolic dims become ``MatrixSymbol``s (matrix form); when every
name has concrete dims, arrays become explicit matrices of component symbols
``A11, A12, ...`` (component form). The operations below work on both, so
one table of rules, keyed by the syntax's function names, serves both forms.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import partial
from typing import cast

import sympy as sp

from .. import limits, ops
from ..errors import LimitError, ShapeError, SymdiffError, UnsupportedError
from ..parse import ast
from ..parse.vocabulary import SIZED
from .matrices import as_scalar, elementwise
from .nodes import (
    SCALAR,
    Commutation,
    Diag,
    LogDet,
    LogSumExp,
    LogSumExpRows,
    Norm,
    OneHot,
    Softmax,
    SoftmaxRows,
    SumEntries,
    Vec,
)
from .summing import product_over, sum_over
from .types import Dim, Shape, Typing, describe

MAX_EXPLICIT_INVERSE = 4
"""Largest n for a symbolic inverse or determinant of a concrete n×n matrix."""


def is_array(value: sp.Basic) -> bool:
    return bool(getattr(value, "is_Matrix", False))


def is_explicit(value: sp.Basic) -> bool:
    return isinstance(value, sp.MatrixBase)


def scalar_symbol(name: str) -> sp.Symbol:
    """The symbol of a scalar variable or component: always real."""
    return sp.Symbol(name, real=True)


def dim_symbol(dim: int | str) -> sp.Expr:
    return sp.Integer(dim) if isinstance(dim, int) else sp.Symbol(dim, integer=True, positive=True)


def component_name(base: str, row: int, col: int, shape: Shape) -> str:
    """``A11``, ``x2``; ``A_10_1`` or ``W1_1_2`` where digits alone would be ambiguous."""
    indices = (row + 1,) if shape[1:] == (1,) else (row + 1, col + 1)
    if all(isinstance(d, int) and d < 10 for d in shape) and not base[-1].isdigit():
        return base + "".join(map(str, indices))
    return base + "".join(f"_{i}" for i in indices)


def symbol_table(typing: Typing) -> dict[str, sp.Basic]:
    """Each variable name -> its SymPy object in this formula's form."""
    table: dict[str, sp.Basic] = {}
    for name, shape in typing.shapes.items():
        if not shape:
            table[name] = scalar_symbol(name)
        elif typing.concrete:
            rows, cols = shape
            table[name] = sp.ImmutableMatrix(
                rows, cols, lambda i, j, name=name, shape=shape: scalar_symbol(component_name(name, i, j, shape))
            )
            table.update((entry.name, entry) for entry in table[name])
        elif any("*" in str(d) for d in shape):  # sized by a product (kron, vec): it has no dims of its own
            raise ShapeError(
                f"{name} would be a {describe(shape)}, a product of dims, from the kron, vec or commutation it meets",
                hint=f"write {name} as vec(...) of a matrix, or a kron(...) of arrays with their own dims",
            )
        else:
            table[name] = sp.MatrixSymbol(name, *(dim_symbol(d) for d in shape))
    for name, (base, (row, col)) in typing.components.items():
        if not typing.concrete:
            raise UnsupportedError(
                f"{name} is a component of {base}, but the formula has symbolic dims",
                hint="declare every shape concrete (e.g. --shape A=2,2) to work with components",
            )
        table[name] = table[base][row, col]
    return table


class Builder:
    """Turns syntax nodes into SymPy, one method per node type."""

    def __init__(
        self,
        text: str,
        symbols: dict[str, sp.Basic],
        sizes: frozenset[str] = frozenset(),
        inferred: Mapping[int, Dim] | None = None,
    ) -> None:
        self.text = text
        self.symbols = symbols
        self.sizes = sizes
        """Dimension names used as numbers (``Typing.sizes``): each builds as its dim symbol."""
        self.inferred = inferred or {}
        r"""The sizes of constant arrays written without one (``Typing.inferred``): \mathbf{I} builds as eye(n)."""

    def build(self, node: ast.Node) -> sp.Basic:
        try:
            value = getattr(self, "build_" + type(node).__name__)(node)
        except SymdiffError as exc:
            raise exc.at(self.text, node.span) from None  # type: ignore[attr-defined]
        if isinstance(node, ast.Name | ast.Number):
            return value
        if limits.largest_constant(value) > limits.MAX_MAGNITUDE_DIGITS:
            raise LimitError(
                f"number too large: these constants combine to more than {limits.MAX_MAGNITUDE_DIGITS} digits",
                self.text,
                node.span,  # type: ignore[attr-defined]
                "use smaller constants",
            )
        if is_undefined(value):
            raise SymdiffError(
                "this is undefined for every value of the variables (a division by zero, or a log of zero)",
                self.text,
                node.span,  # type: ignore[attr-defined]
                "check the formula: what is divided by or taken the log of is zero whatever the variables are",
            )
        return value

    def build_Number(self, node: ast.Number) -> sp.Basic:
        return sp.Rational(node.value.numerator, node.value.denominator)

    def build_Name(self, node: ast.Name) -> sp.Basic:
        if node.id in self.sizes:
            return dim_symbol(node.id)
        return sp.pi if node.id == "pi" else self.symbols[node.id]

    def build_Neg(self, node: ast.Neg) -> sp.Basic:
        return -self.build(node.operand)

    def build_Transpose(self, node: ast.Transpose) -> sp.Basic:
        value = self.build(node.operand)
        return value.T if is_array(value) else value

    def build_Tuple(self, node: ast.Tuple) -> sp.Basic:
        return sp.Tuple(*(self.build(item) for item in node.items))

    def build_Matrix(self, node: ast.Matrix) -> sp.Basic:
        return sp.ImmutableMatrix([[self.build(item) for item in row] for row in node.rows])

    def build_Index(self, node: ast.Index) -> sp.Basic:
        base = self.build(node.base)
        if not is_explicit(base) and not all(d.is_Integer for d in base.shape):
            raise UnsupportedError(
                "components need every shape concrete", self.text, node.span, "declare e.g. --shape A=2,2"
            )
        row, col = node.indices if len(node.indices) == 2 else (node.indices[0], 1)
        return base[row - 1, col - 1]

    def build_Binary(self, node: ast.Binary) -> sp.Basic:
        left, right = self.build(node.left), self.build(node.right)
        if node.op == "^":
            return self.power(node, left, right)
        return OPERATORS[node.op](left, right)

    def build_Call(self, node: ast.Call) -> sp.Basic:
        if node.op is ops.COMMUTATION:
            return _commutation(*(self.dimension(arg) for arg in node.args))
        if node.op in SIZED:  # onehot(y, K): its last argument is a dimension
            return CALLS[node.op](*(self.build(arg) for arg in node.args[:-1]), self.dimension(node.args[-1]))
        if node.op.kind == "dimension":
            dim = self.dimension(node.args[0])
            if dim.is_Integer:  # component form: explicit, as every array there is
                return sp.ImmutableMatrix(sp.eye(dim) if node.op is ops.EYE else sp.ones(dim, 1))
            return sp.Identity(dim) if node.op is ops.EYE else sp.OneMatrix(dim, 1)
        return CALLS[node.op](*(self.build(arg) for arg in node.args))

    def dimension(self, arg: ast.Node) -> sp.Expr:
        """The dimension an argument names: a name, a number, or a size left to inference."""
        if not isinstance(arg, ast.Size):
            return dim_symbol(arg.id if isinstance(arg, ast.Name) else int(cast(ast.Number, arg).value))
        if arg.key not in self.inferred:  # a value (--at x=eye): nothing to infer the size from
            raise ShapeError(
                "the size of this constant array is not known here",
                hint="write its size: eye(n), ones(n), or the array itself, [1, 1]",
            )
        return dim_symbol(self.inferred[arg.key])

    def build_Entry(self, node: ast.Node) -> sp.Basic:
        from .indices import build_entry  # an entry at a label, outside any sum

        return build_entry(self, node)  # type: ignore[arg-type]

    def build_IndexSum(self, node: ast.Node) -> sp.Basic:
        from .indices import build_index_sum  # index sums lift their summand with this builder

        return build_index_sum(self, node)  # type: ignore[arg-type]

    def power(self, node: ast.Binary, base: sp.Basic, exponent: sp.Basic) -> sp.Basic:
        _check_power(base, exponent, self.text, node)
        if not is_array(base):
            return base**exponent
        rows, cols = base.shape
        if rows == 1 or cols == 1:
            return _entrywise(lambda t: t**exponent, base)
        if is_explicit(base) and exponent < 0 and rows > MAX_EXPLICIT_INVERSE:
            raise _too_big("inverse", rows)
        if exponent < 0:
            _invertible(base)
        return base**exponent


def _check_power(base: sp.Basic, exponent: sp.Basic, text: str, node: ast.Binary) -> None:
    """Refuse powers whose value would be absurdly large before SymPy computes them."""
    if not exponent.is_number or not exponent.is_real:
        return
    size = abs(float(exponent)) if abs(exponent) < 10**300 else math.inf
    if getattr(base, "is_number", False) and base.is_real and base != 0:
        magnitude = abs(sp.log(abs(base), 10).evalf(5)) if base.is_Rational else 1
        if size * max(float(magnitude), 1e-300) > limits.MAX_MAGNITUDE_DIGITS:
            raise LimitError(
                f"number too large: this power has more than {limits.MAX_MAGNITUDE_DIGITS} digits",
                text,
                node.span,
                "use smaller constants",
            )
    elif size > limits.MAX_EXPONENT:
        raise LimitError(f"exponent larger than {limits.MAX_EXPONENT}", text, node.span, "use a smaller exponent")


UNDEFINED = (sp.zoo, sp.nan, sp.oo, -sp.oo)
"""What SymPy makes of 1/0, 0/0 and log(0): no formula symdiff reads has them unless it is undefined."""


def is_undefined(value: object, levels: int = 3) -> bool:
    """True if the top ``levels`` of ``value`` hold 1/0, 0/0 or log(0) (they rise to the top as it is built)."""
    if value in UNDEFINED:
        return True
    if levels == 0:
        return False
    parts = value if isinstance(value, sp.MatrixBase) else getattr(value, "args", ())
    return any(is_undefined(part, levels - 1) for part in parts)


def rank_deficiency(value: sp.Basic) -> str | None:
    """Why the square matrix expression ``value`` is singular by construction, or None if it is not provably so."""
    if isinstance(value, sp.ZeroMatrix):
        return "the matrix is zero"
    if isinstance(value, sp.MatMul) and value.shape[0] != 1:
        factors = [f for f in value.args if getattr(f, "is_Matrix", False)]
        if any(f.shape[1] == 1 for f in factors[:-1]):
            return "the matrix is an outer product of vectors, of rank one"
    return None


def _invertible(value: sp.Basic) -> None:
    """Refuse the inverse of a matrix that is singular whatever the variables are."""
    if is_explicit(value):
        if sp.expand(value.det()) == 0:
            raise SymdiffError(
                "the inverse of a matrix whose determinant is 0 for every value of the variables",
                hint="this matrix is never invertible; check the formula",
            )
        return
    why = rank_deficiency(value)
    if why is not None:
        raise SymdiffError(
            f"the inverse of a matrix that is not invertible (for any size above 1): {why}"
            if "rank one" in why
            else f"the inverse of a matrix that is never invertible: {why}",
            hint="check the formula; an inverse needs a matrix of full rank",
        )


def _too_big(what: str, n: int) -> LimitError:
    return LimitError(
        f"a symbolic {what} of a concrete {n}×{n} matrix is too large",
        hint=f"component form computes these up to {MAX_EXPLICIT_INVERSE}×{MAX_EXPLICIT_INVERSE}; use symbolic dims",
    )


def _entrywise(function: Callable[..., sp.Expr], *args: sp.Basic) -> sp.Basic:
    """``function`` entry by entry: explicit matrices entry-wise, matrix expressions fused."""
    explicit = next((a for a in args if is_explicit(a)), None)
    if explicit is not None:
        return sp.ImmutableMatrix(
            *explicit.shape,
            lambda i, j: function(*(a[i, j] if is_array(a) else a for a in args)),
        )
    if any(is_array(a) for a in args):
        return elementwise(function, *args)
    return function(*args)


def _add(a: sp.Basic, b: sp.Basic) -> sp.Basic:
    if is_array(a) == is_array(b):
        return a + b
    return _entrywise(lambda s, t: s + t, a, b)


def _sub(a: sp.Basic, b: sp.Basic) -> sp.Basic:
    if is_array(a) == is_array(b):
        return a - b
    return _entrywise(lambda s, t: s - t, a, b)


def _mul(a: sp.Basic, b: sp.Basic) -> sp.Basic:
    product = a * b
    if is_array(product) and product.shape == (1, 1) and is_array(a) and is_array(b):
        return as_scalar(product)
    return product


def _div(a: sp.Basic, b: sp.Basic) -> sp.Basic:
    if not is_array(b):
        return a / b if not is_array(a) else a * (1 / b)
    return _entrywise(lambda s, t: s / t, a, b)


def _scalar_of_array(explicit: Callable, matrix: Callable) -> Callable:
    """A function from an array to a scalar, by entries (component form) or as a node."""

    def build(value: sp.Basic) -> sp.Basic:
        if not is_array(value):
            return value
        return explicit(value) if is_explicit(value) else matrix(value)

    return build


def _norm(value: sp.Basic) -> sp.Basic:
    if not is_array(value):
        return sp.Abs(value)
    if is_explicit(value):
        return sp.sqrt(sum(entry**2 for entry in value))
    return Norm(value)


def _softmax(value: sp.Basic) -> sp.Basic:
    if is_explicit(value):
        total = sum(sp.exp(entry) for entry in value)
        return value.applyfunc(lambda entry: sp.exp(entry) / total)
    return Softmax(value)


def _square_op(what: str, method: str, node_type: Callable) -> Callable:
    def build(value: sp.Basic) -> sp.Basic:
        if is_explicit(value) and value.shape[0] > MAX_EXPLICIT_INVERSE:
            raise _too_big(what, value.shape[0])
        if method == "inv":
            _invertible(value)
        elif not is_explicit(value) and isinstance(value, sp.ZeroMatrix):
            return sp.S.Zero
        elif not is_explicit(value) and rank_deficiency(value) is not None:
            raise UnsupportedError(
                f"this determinant is 0 for every size above 1 but not for size 1: {rank_deficiency(value)}",
                hint="write 0 if the size is above 1, or the scalar it is for size 1",
            )
        return getattr(value, method)() if is_explicit(value) else node_type(value)

    return build


def _logdet(value: sp.Basic) -> sp.Basic:
    """log of the determinant of a concrete matrix, in its entries; the node (evaluated stably) of an expression."""
    singular = rank_deficiency(value) if not is_explicit(value) else None
    determinant = CALLS[ops.DET](value) if singular is None else sp.S.Zero
    if determinant == 0:
        why = f" ({singular})" if singular else ""
        raise UnsupportedError(
            f"logdet of this matrix is undefined: its determinant is 0{why}",
            hint="logdet needs a matrix whose determinant is positive",
        )
    return LogDet(value) if isinstance(determinant, sp.Determinant) else sp.log(determinant)


def _hadamard(a: sp.Basic, b: sp.Basic) -> sp.Basic:
    if not (is_array(a) and is_array(b)):
        return a * b
    if is_explicit(a) and is_explicit(b):
        return a.multiply_elementwise(b)
    return sp.HadamardProduct(a, b)


def _diag(value: sp.Basic) -> sp.Basic:
    return sp.ImmutableMatrix(sp.diag(*value)) if is_explicit(value) else Diag(value)


def onehot(labels: sp.Basic, classes: sp.Expr) -> sp.Basic:
    """The one-hot matrix of ``labels`` over ``classes`` (symbolic dims only: a label is no component)."""
    if is_explicit(labels) or getattr(classes, "is_Integer", False):
        raise UnsupportedError(
            "onehot (an entry at a label) is read only with symbolic dims",
            hint="give the labels and the classes symbolic dims (--shape y=n), not numbers",
        )
    return OneHot(labels, classes)


def _kron(a: sp.Basic, b: sp.Basic, *more: sp.Basic) -> sp.Basic:
    """The Kronecker product: written out for concrete matrices, a scalar factor a product, else the node (of
    three factors or more as SymPy holds them, when a result is written out)."""
    if more:
        return _kron(_kron(a, b), *more)
    if not (is_array(a) and is_array(b)):
        return _mul(a, b)
    if is_explicit(a) and is_explicit(b):
        return sp.ImmutableMatrix(sp.kronecker_product(a, b))
    return sp.KroneckerProduct(a, b)


def _vec(value: sp.Basic) -> sp.Basic:
    """vec(X), column-major; a column (or a scalar) is its own vec."""
    if not is_array(value) or value.shape[1] == 1:
        return value
    return sp.ImmutableMatrix(list(value.T)) if is_explicit(value) else Vec(value)


def _commutation(rows: sp.Expr, cols: sp.Expr) -> sp.Basic:
    """K(m, n), the permutation with K*vec(X) = vec(X.T) for an m×n X: entry (j + n*i, i + m*j) is 1.
    With a dim of 1 it is the identity; with concrete dims it is written out (component form)."""
    if rows == 1 or cols == 1:
        return sp.Identity(rows * cols) if not (rows * cols).is_Integer else sp.ImmutableMatrix(sp.eye(rows * cols))
    if not (rows.is_Integer and cols.is_Integer):
        return Commutation(rows, cols)
    m, n = int(rows), int(cols)
    entries = [[0] * (m * n) for _ in range(m * n)]
    for i in range(m):
        for j in range(n):
            entries[j + n * i][i + m * j] = 1
    return sp.ImmutableMatrix(entries)


def _rows_of(explicit: Callable[[sp.Basic], sp.Basic], node: Callable[[sp.Basic], sp.Basic]) -> Callable:
    """A function applied to each row: the rows of a concrete matrix one by one, a node of an expression."""

    def build(value: sp.Basic) -> sp.Basic:
        if not is_explicit(value):
            return node(value)
        return sp.ImmutableMatrix.vstack(*(sp.ImmutableMatrix(explicit(value.row(i))) for i in range(value.rows)))

    return build


def _ones(rows: sp.Expr, cols: sp.Expr, like: sp.Basic) -> sp.Basic:
    """A matrix of ones, explicit beside an explicit ``like`` (component form), else ``OneMatrix``."""
    return sp.ImmutableMatrix.ones(rows, cols) if is_explicit(like) else sp.OneMatrix(rows, cols)


def _sum_rows(value: sp.Basic) -> sp.Basic:
    """``sum(X, rows)`` is X*ones(d): the column of row sums."""
    return _mul(value, _ones(value.shape[1], 1, value)) if is_array(value) else value


def _mean(value: sp.Basic) -> sp.Basic:
    """``mean(v)`` is sum(v)/n, n the number of entries."""
    if not is_array(value):
        return value
    rows, cols = value.shape
    return CALLS[ops.SUM](value) / (rows * cols)


def _mean_rows(value: sp.Basic) -> sp.Basic:
    return _div(_sum_rows(value), value.shape[1]) if is_array(value) else value


def _var(value: sp.Basic) -> sp.Basic:
    """``var(v)`` is mean((v - mean(v))^2), the population variance (NumPy's ``np.var``)."""
    if not is_array(value):
        return sp.S.Zero
    return _mean(_entrywise(lambda t: t**2, _sub(value, _mean(value))))


def _var_rows(value: sp.Basic) -> sp.Basic:
    """``var(X, rows)``: each row's population variance, its row mean broadcast along it (``m*ones(d).T``)."""
    if not is_array(value):
        return sp.S.Zero
    means = _mean_rows(value)
    spread = means * _ones(1, value.shape[1], value) if is_array(means) else means
    return _mean_rows(_entrywise(lambda t: t**2, _sub(value, spread)))


OPERATORS: dict[str, Callable[[sp.Basic, sp.Basic], sp.Basic]] = {
    "+": _add,
    "-": _sub,
    "*": _mul,
    "@": _mul,
    "/": _div,
}

CALLS: dict[ops.Op, Callable[..., sp.Basic]] = {
    **{op: partial(_entrywise, f) for op, f in SCALAR.items()},
    ops.HADAMARD: _hadamard,
    ops.DOT: lambda a, b: _mul(a.T, b) if is_array(a) else a * b,
    ops.SUM: _scalar_of_array(lambda m: sum(m), SumEntries),
    ops.NORM: _norm,
    ops.LOGSUMEXP: _scalar_of_array(lambda m: sp.log(sum(sp.exp(e) for e in m)), LogSumExp),
    ops.SOFTMAX: _softmax,
    ops.TRACE: _scalar_of_array(lambda m: m.trace(), sp.Trace),
    ops.DET: _square_op("determinant", "det", sp.Determinant),
    ops.LOGDET: _logdet,
    ops.INV: _square_op("inverse", "inv", sp.Inverse),
    ops.DIAG: _diag,
    ops.SOFTMAX_ROWS: _rows_of(lambda row: _softmax(row.T).T, SoftmaxRows),
    ops.LOGSUMEXP_ROWS: _rows_of(lambda row: [sp.log(sum(sp.exp(e) for e in row))], LogSumExpRows),
    ops.SUM_ROWS: _sum_rows,
    ops.MEAN: _mean,
    ops.MEAN_ROWS: _mean_rows,
    ops.VAR: _var,
    ops.VAR_ROWS: _var_rows,
    ops.STD: lambda value: _entrywise(sp.sqrt, _var(value)),
    ops.STD_ROWS: lambda value: _entrywise(sp.sqrt, _var_rows(value)),
    ops.ONEHOT: onehot,
    ops.KRON: _kron,
    ops.VEC: _vec,
    ops.COMMUTATION: _commutation,  # built by ``build_Call`` from its dims; here for writing results out
    ops.INDEX_SUM: sum_over,
    ops.INDEX_PROD: product_over,
}
"""How each operation is built from its built arguments (``eye`` and ``ones`` take dimensions: ``build_Call``)."""
