r"""Index sums with no matrix form symdiff knows, held in index form.

``model.indices`` brings a sum to matrix form where it recognises the
pattern. Where it does not (a diagonal entry ``A[i, i]``, three indices at
once as in Σᵢⱼ (Σₖ AᵢₖBₖⱼ − Yᵢⱼ)²), the formula is kept as written: a scalar
of ``IndexedSum`` and ``IndexedEntry`` nodes (``model.index_form``), which
evaluates (``evaluate.indices``) and is differentiated entry by entry
(``derive.indices``). A vector at an index (the sample xᵢ, row i of X) is
held by its entries, a function of the row and column it is read at; a
product of two such vectors is a sum over a fresh index.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeAlias

import sympy as sp

from .. import ops
from ..errors import UnsupportedError
from ..parse import ast
from ..parse.sums import Entry, IndexSum
from .build import CALLS, Builder, dim_symbol, is_array
from .index_form import IndexArray, IndexedEntry, IndexedSum, index_symbol

NAMES = "ijklmpqrstuvabcefgh"
"""Letters for the indices the index form adds (a product's inner index, a gradient's entry), first unused first."""

ZERO = sp.Integer(0)


@dataclass(frozen=True)
class Vector:
    """An array at each value of the indices around it, given by its entry at (row, col)."""

    rows: sp.Expr
    cols: sp.Expr
    at: Callable[[sp.Expr, sp.Expr], sp.Expr]


Value: TypeAlias = "sp.Expr | Vector"


def fresh_names(tree: ast.Node, builder: Builder) -> Iterator[str]:
    """Index letters that no sum, entry or name of the formula uses."""
    taken = set(builder.symbols) | set(builder.sizes)
    for node in tree.walk():
        if isinstance(node, IndexSum):
            taken.add(node.index)
        if isinstance(node, Entry):
            taken.update(slot for slot in node.slots if isinstance(slot, str))
        if isinstance(node, IndexSum) and isinstance(node.bound, str):
            taken.add(node.bound)
    return (name for name in NAMES if name not in taken)


def index_form(builder: Builder, node: IndexSum, tree: ast.Node) -> sp.Expr:
    """The sum ``node`` in index form (a scalar); ``tree`` is the whole formula, whose names are taken."""
    reader = _Reader(builder, fresh_names(tree, builder))
    value = reader.read(node)
    if isinstance(value, Vector):
        raise _unsupported(builder, node, "a sum of arrays")
    return value


def whole_index_form(text: str, tree: ast.Node, builder: Builder) -> sp.Expr | None:
    """A scalar formula with index sums in index form, even where it has a matrix form (the lines of a
    derivation); None if it has no index sum or its index form cannot be read."""
    if not any(isinstance(node, IndexSum) for node in tree.walk()):
        return None
    try:
        value = _Reader(builder, fresh_names(tree, builder)).read(tree)
    except UnsupportedError:
        return None
    return None if isinstance(value, Vector) else value


def free_form(builder: Builder, tree: ast.Node, free: tuple[str, ...]) -> sp.Basic:
    """A formula with free indices (``W[k, l]*x[l]``) in index form: the array of its values over them."""
    reader = _Reader(builder, fresh_names(tree, builder))
    form = reader.read(tree)
    if isinstance(form, Vector):
        raise _unsupported(builder, tree, "an array at each value of a free index")
    indices = tuple(index_symbol(name) for name in free)
    dims = tuple(reader.dims[name] for name in free)
    return IndexArray(form, indices, dims)


def _unsupported(builder: Builder, node: ast.Node, what: str) -> UnsupportedError:
    return UnsupportedError(
        f"this index expression cannot be read: {what}",
        builder.text,
        node.span,
        "write the summand with entries y[i], W[i, j] and samples X[i, :] in products, sums and entrywise functions",
    )


class _Reader:
    """Syntax nodes as index-form scalars (or ``Vector``s at each index), one method per node type."""

    def __init__(self, builder: Builder, names: Iterator[str]) -> None:
        self.builder = builder
        self.names = names
        self.dims: dict[str, sp.Expr] = {}

    def fresh(self, node: ast.Node) -> sp.Symbol:
        name = next(self.names, None)
        if name is None:
            raise _unsupported(self.builder, node, "more indices than there are letters")
        return index_symbol(name)

    def read(self, node: ast.Node) -> Value:
        if not any(isinstance(item, Entry | IndexSum) for item in node.walk()):
            return self.plain(self.builder.build(node))
        method = getattr(self, "read_" + type(node).__name__, None)
        if method is None:
            raise _unsupported(self.builder, node, f"a {type(node).__name__.lower()} of entries")
        return method(node)

    @staticmethod
    def plain(value: sp.Basic) -> Value:
        if not is_array(value):
            return value
        if isinstance(value, sp.Transpose) and isinstance(value.arg, sp.MatrixSymbol):  # w.T: w's entries
            return Vector(value.shape[0], value.shape[1], lambda row, col: IndexedEntry(value.arg, col, row))
        return Vector(value.shape[0], value.shape[1], lambda row, col: IndexedEntry(value, row, col))

    def read_IndexSum(self, node: IndexSum) -> Value:
        if node.product:
            raise _unsupported(self.builder, node, "a product over an index with a symbolic bound")
        if getattr(node, "skip", None) is not None:  # a sum that skips a value is the matrix form's alone
            raise _unsupported(self.builder, node, "a sum that skips a value")
        if node.bound is not None:
            self.dims[node.index] = dim_symbol(node.bound)
        body = self.read(node.body)
        if node.index not in self.dims:
            raise _unsupported(self.builder, node, f"nothing gives the dimension {node.index} runs over")
        index, dim = index_symbol(node.index), self.dims[node.index]
        if isinstance(body, Vector):
            at = body.at
            return Vector(body.rows, body.cols, lambda row, col: IndexedSum(at(row, col), index, dim))
        return IndexedSum(body, index, dim)

    def read_Entry(self, node: Entry) -> Value:
        if any(isinstance(item, Entry) for item in node.base.walk()):
            raise _unsupported(self.builder, node, "an entry of an entry")
        named = [slot for slot in node.slots if slot is None or isinstance(slot, str)]
        if len(named) != len(node.slots):
            raise _unsupported(self.builder, node, "an entry at the value of a label")
        base = self.builder.build(node.base)
        slots = named if len(named) == 2 else [*named, None]
        for axis, slot in enumerate(named):
            if slot is not None:
                self.dims.setdefault(slot, base.shape[axis])
        row, col = (index_symbol(slot) if slot is not None else None for slot in slots)
        if len(node.slots) == 1:
            return IndexedEntry(base, row, ZERO)
        if row is not None and col is not None:
            return IndexedEntry(base, row, col)
        if row is not None:  # X[i, :]: row i, as a column
            return Vector(base.shape[1], sp.Integer(1), lambda r, c: IndexedEntry(base, row, r))
        return Vector(base.shape[0], sp.Integer(1), lambda r, c: IndexedEntry(base, r, col))

    def read_Neg(self, node: ast.Neg) -> Value:
        return self.scaled(self.read(node.operand), sp.Integer(-1))

    def read_Transpose(self, node: ast.Transpose) -> Value:
        value = self.read(node.operand)
        if isinstance(value, Vector):
            at = value.at
            return Vector(value.cols, value.rows, lambda row, col: at(col, row))
        return value

    def read_Binary(self, node: ast.Binary) -> Value:
        left, right = self.read(node.left), self.read(node.right)
        if node.op in "+-":
            sign = 1 if node.op == "+" else -1
            return self.entrywise(node, lambda a, b: a + sign * b, left, right)
        if node.op in "*@":
            return self.product(node, left, right)
        if isinstance(right, Vector):
            raise _unsupported(self.builder, node, f"an array on the right of {node.op}")
        if node.op == "/":
            return self.scaled(left, 1 / right)
        return self.entrywise(node, lambda a: a**right, left)

    def read_Call(self, node: ast.Call) -> Value:
        args = [self.read(arg) for arg in node.args]
        if node.op.kind == "entrywise":
            return self.entrywise(node, lambda *a: CALLS[node.op](*a), *args)
        rule = VECTOR_CALLS.get(node.op)
        if rule is None or len(args) != node.op.arity or not all(isinstance(a, Vector) for a in args):
            raise _unsupported(self.builder, node, f"{node.func} of an indexed vector")
        return rule(self, node, *args)

    def scaled(self, value: Value, factor: sp.Expr) -> Value:
        if isinstance(value, Vector):
            at = value.at
            return Vector(value.rows, value.cols, lambda row, col: factor * at(row, col))
        return factor * value

    def entrywise(self, node: ast.Node, function: Callable[..., sp.Expr], *values: Value) -> Value:
        arrays = [value for value in values if isinstance(value, Vector)]
        if not arrays:
            return function(*values)
        first = arrays[0]
        if any((array.rows, array.cols) != (first.rows, first.cols) for array in arrays):
            raise _unsupported(self.builder, node, "arrays of different shapes")

        def at(row: sp.Expr, col: sp.Expr) -> sp.Expr:
            return function(*(value.at(row, col) if isinstance(value, Vector) else value for value in values))

        return Vector(first.rows, first.cols, at)

    def product(self, node: ast.Node, left: Value, right: Value) -> Value:
        if not isinstance(left, Vector) or not isinstance(right, Vector):
            return self.scaled(right, left) if not isinstance(left, Vector) else self.scaled(left, right)
        if left.cols != right.rows:
            raise _unsupported(self.builder, node, "a product of arrays whose sizes do not match")
        inner = left.cols
        if inner == 1:
            entry: Callable[[sp.Expr, sp.Expr], sp.Expr] = lambda row, col: left.at(row, ZERO) * right.at(ZERO, col)  # noqa: E731
        else:
            index = self.fresh(node)
            entry = lambda row, col: IndexedSum(left.at(row, index) * right.at(index, col), index, inner)  # noqa: E731
        if left.rows == right.cols == 1:
            return entry(ZERO, ZERO)
        return Vector(left.rows, right.cols, entry)


def _total(reader: _Reader, node: ast.Call, value: Vector) -> sp.Expr:
    """The sum of a vector's entries (or a matrix's), over fresh indices."""
    row = reader.fresh(node)
    col = reader.fresh(node) if value.cols != 1 else ZERO
    body = value.at(row, col)
    inner = IndexedSum(body, col, value.cols) if value.cols != 1 else body
    return IndexedSum(inner, row, value.rows)


def _norm(reader: _Reader, node: ast.Call, value: Vector) -> sp.Expr:
    at = value.at
    return sp.sqrt(_total(reader, node, Vector(value.rows, value.cols, lambda row, col: at(row, col) ** 2)))


def _dot(reader: _Reader, node: ast.Call, left: Vector, right: Vector) -> Value:
    transposed = Vector(left.cols, left.rows, lambda row, col: left.at(col, row))
    return reader.product(node, transposed, right)


VECTOR_CALLS: dict[ops.Op, Callable[..., Value]] = {
    ops.SUM: _total,
    ops.NORM: _norm,
    ops.DOT: _dot,
}
"""Array operations applied to a vector at each index (sum(xᵢ), ‖xᵢ − μ‖, dot(w, xᵢ))."""


def expand_components(value: sp.Basic) -> sp.Basic:
    """With concrete dims (component form) the sums written out and the entries picked, as the matrix form's
    reader expands them; with symbolic dims ``value`` as it is."""
    if not value.atoms(sp.ImmutableMatrix):
        return value
    if isinstance(value, IndexArray):
        rows, cols = (int(dim) for dim in value.shape)
        return sp.ImmutableMatrix(rows, cols, lambda r, c: _written_out(value.form, dict(zip(value.indices, (r, c)))))
    return _written_out(value, {})


def _written_out(expr: sp.Basic, at: dict[sp.Symbol, int]) -> sp.Expr:
    if isinstance(expr, IndexedSum):
        return sp.Add(*(_written_out(expr.body, {**at, expr.index: k}) for k in range(int(expr.dim))))
    if isinstance(expr, IndexedEntry):
        row, col = (int(slot.xreplace(at)) for slot in expr.args[1:])
        return expr.array[row, col]
    if not expr.args or not isinstance(expr, sp.Expr):
        return expr
    return expr.func(*(_written_out(arg, at) for arg in expr.args))
