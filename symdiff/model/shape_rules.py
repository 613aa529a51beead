"""Shape rules by operation: how each call maps its arguments' shapes to its own.

A rule takes the inference, the call and its arguments' shapes (``UNKNOWN``
where a name is not typed yet); it may type bare names (``inf.assign``), and
raises a conflict naming the operands when the shapes do not fit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .. import limits, ops
from ..parse import ast
from .index_shapes import index_sum
from .types import UNKNOWN, Dim, TermShape, Unknown, Var

if TYPE_CHECKING:
    from .inference import Inference


def _elementwise(inf: Inference, node: ast.Call, shapes: list) -> TermShape | Unknown:
    return shapes[0]


def _binary_elementwise(inf: Inference, node: ast.Call, shapes: list) -> TermShape | Unknown:
    return inf.broadcast(node, shapes[0], shapes[1], f"take {node.func} of")


def _to_scalar(kind: str) -> Callable:
    """``sum``, ``norm``, ``logsumexp``: an array (a bare unknown name: a vector) to a scalar."""

    def rule(inf: Inference, node: ast.Call, shapes: list) -> TermShape | Unknown:
        (shape,) = shapes
        if shape is UNKNOWN:
            inf.assign(node.args[0], inf.vector())
            return UNKNOWN
        if kind == "vector" and shape != () and inf.find(shape[1]) != 1:
            raise inf.conflict(
                node, f"{node.func} takes a vector, not {inf.show(node.args[0], shape)}", _by_rows_hint(inf, node)
            )
        return ()

    return rule


def _vector_to_vector(inf: Inference, node: ast.Call, shapes: list) -> TermShape | Unknown:
    (shape,) = shapes
    if shape is UNKNOWN:
        inf.assign(node.args[0], inf.vector())
        return UNKNOWN
    if shape == () or inf.find(shape[1]) != 1:
        hint = _by_rows_hint(inf, node) if shape != () else None
        raise inf.conflict(node, f"{node.func} takes a vector, not {inf.show(node.args[0], shape)}", hint)
    return shape if node.op is ops.SOFTMAX else (shape[0], shape[0])


def _by_rows_hint(inf: Inference, node: ast.Call) -> str | None:
    """For a vector operation given a matrix, the row-wise spelling when there is one (attention's softmax)."""
    if (node.op.name, "rows") not in ops.BY_AXIS:
        return None
    if inf.latex:
        name = rf"\operatorname{{{node.func}}}"
        return rf"for each row write {name}(..., \text{{rows}}), for each column {name}(..., \text{{cols}})"
    return f"for each row write {node.func}(..., rows), for each column {node.func}(..., cols)"


def _rows(result: str) -> Callable:
    """``softmax(X, rows)`` keeps X's shape; ``sum(X, rows)`` and the other reductions give one entry per row."""

    def rule(inf: Inference, node: ast.Call, shapes: list) -> TermShape | Unknown:
        (shape,) = shapes
        if shape is UNKNOWN:  # a bare unknown name reduced by rows is a matrix
            inf.assign(node.args[0], (inf.fresh(), inf.fresh()))
            return UNKNOWN
        if shape == ():
            spelling, axis = ops.AXIS_OF[node.op]
            raise inf.conflict(node, f"{spelling}(..., {axis}) takes a matrix, not {inf.show(node.args[0], shape)}")
        return shape if result == "same" else (shape[0], 1)

    return rule


def _dot(inf: Inference, node: ast.Call, shapes: list) -> TermShape | Unknown:
    for arg, shape in zip(node.args, shapes, strict=True):
        if shape is UNKNOWN:
            inf.assign(arg, inf.vector())
    if UNKNOWN in shapes:
        return UNKNOWN
    if any(s == () or inf.find(s[1]) != 1 for s in shapes):
        raise inf.conflict(node, "dot takes two vectors", f"for matrices use {inf.spell('inner product of matrices')}")
    inf.broadcast(node, shapes[0], shapes[1], "take the dot product of")
    return ()


def _hadamard(inf: Inference, node: ast.Call, shapes: list) -> TermShape | Unknown:
    for arg, other in ((node.args[0], shapes[1]), (node.args[1], shapes[0])):
        if other not in (UNKNOWN, ()):
            inf.assign(arg, other)
    return inf.broadcast(node, shapes[0], shapes[1], "take the entrywise product of")


def _dimension(inf: Inference, node: ast.Call, arg: ast.Node | None = None) -> Dim | Var:
    """The dimension named by the (last) argument of ``eye(n)``, ``ones(n)``, ``onehot(y, K)`` (or ``arg`` of
    ``commutation(m, n)``); an unknown one for those written without their size."""
    if arg is None:
        arg = node.args[-1]
    if isinstance(arg, ast.Size):
        return inf.size(node)
    if isinstance(arg, ast.Name):
        return arg.id
    if isinstance(arg, ast.Number) and arg.value.denominator == 1 and 0 < arg.value <= limits.MAX_COMPONENTS:
        return int(arg.value)
    raise inf.conflict(arg, f"{node.func} takes a dimension: a name such as n, or a positive integer")


def _onehot(inf: Inference, node: ast.Call, shapes: list) -> TermShape | Unknown:
    """``onehot(y)``: n×K for n labels, the column e_y of K for one; K inferred from where it is used
    (or given, ``onehot(y, K)``)."""
    (shape,) = shapes
    classes = _dimension(inf, node)
    inf.unify(classes, inf.classes.setdefault(node.args[0], classes))  # onehot(c) twice: the same classes
    if shape is UNKNOWN:
        inf.assign(node.args[0], inf.vector())
        return UNKNOWN
    if shape == ():
        return (classes, 1)
    if inf.find(shape[1]) != 1:
        raise inf.conflict(node, f"onehot takes a vector of labels, not {inf.show(node.args[0], shape)}")
    return (shape[0], classes)


def _square(result: str) -> Callable:
    def rule(inf: Inference, node: ast.Call, shapes: list) -> TermShape | Unknown:
        (shape,) = shapes
        if shape is UNKNOWN:  # det(S), inv(S): a bare unknown name is a square matrix
            size = inf.fresh()
            inf.assign(node.args[0], (size, size))
            return UNKNOWN
        if shape == () or not inf.unify(shape[0], shape[1]):
            raise inf.conflict(node, f"{node.func} needs a square matrix, not {inf.show(node.args[0], shape)}")
        return () if result == "scalar" else shape

    return rule


def _times(inf: Inference, node: ast.Call, dims: list) -> Dim:
    """The product of ``dims`` as one dimension: an integer, or its names in order after any integer factor
    (``m*n``, ``2*n``), so that equal products compare equal. The factors must be known: a product of unknowns
    has no name to unify with."""
    number, names = 1, []
    for dim in dims:
        found = inf.find(dim)
        if isinstance(found, Var):
            raise inf.conflict(
                node, f"the shapes of {node.func}'s arguments must be known", "declare them, e.g. --shape A=n,d"
            )
        for factor in str(found).split("*"):
            if factor.isdigit():
                number *= int(factor)
            else:
                names.append(factor)
    if not names:
        return number
    return "*".join([*([str(number)] if number != 1 else []), *sorted(names)])


def _kron(inf: Inference, node: ast.Call, shapes: list) -> TermShape | Unknown:
    """``kron(A, B)`` of a p×q A and an r×s B is (p*r)×(q*s); a scalar factor scales the other."""
    if UNKNOWN in shapes:
        return UNKNOWN
    arrays = [shape for shape in shapes if shape != ()]
    if len(arrays) < 2:
        return arrays[0] if arrays else ()
    (p, q), (r, s) = arrays
    return (_times(inf, node, [p, r]), _times(inf, node, [q, s]))


def _vec(inf: Inference, node: ast.Call, shapes: list) -> TermShape | Unknown:
    """``vec(X)`` of an m×n X is the column of its m*n entries."""
    (shape,) = shapes
    if shape is UNKNOWN or shape == ():
        return shape
    return (_times(inf, node, list(shape)), 1)


def _commutation(inf: Inference, node: ast.Call, shapes: list) -> TermShape:
    """``commutation(m, n)`` is (m*n)×(m*n)."""
    dims = [_dimension(inf, node, arg) for arg in node.args]
    size = _times(inf, node, dims)
    return (size, size)


CALL_RULES: dict[ops.Op, Callable] = {
    **{op: _elementwise for op in ops.OPS if op.kind == "entrywise" and op.arity == 1},
    ops.MAX: _binary_elementwise,
    ops.MIN: _binary_elementwise,
    ops.HADAMARD: _hadamard,
    ops.DOT: _dot,
    ops.SUM: _to_scalar("any"),
    ops.NORM: _to_scalar("any"),
    ops.LOGSUMEXP: _to_scalar("vector"),
    ops.SOFTMAX: _vector_to_vector,
    ops.DIAG: _vector_to_vector,
    ops.SOFTMAX_ROWS: _rows("same"),
    **{op: _rows("column") for op in (ops.LOGSUMEXP_ROWS, ops.SUM_ROWS, ops.MEAN_ROWS, ops.VAR_ROWS, ops.STD_ROWS)},
    ops.MEAN: _to_scalar("any"),
    ops.VAR: _to_scalar("any"),
    ops.STD: _to_scalar("any"),
    ops.TRACE: _square("scalar"),
    ops.DET: _square("scalar"),
    ops.LOGDET: _square("scalar"),
    ops.INV: _square("matrix"),
    ops.EYE: lambda inf, node, shapes: (_dimension(inf, node),) * 2,
    ops.ONES: lambda inf, node, shapes: (_dimension(inf, node), 1),
    ops.ONEHOT: _onehot,
    ops.KRON: _kron,
    ops.VEC: _vec,
    ops.COMMUTATION: _commutation,
    ops.INDEX_SUM: index_sum,
    ops.INDEX_PROD: index_sum,
}
"""Shape rule of each operation."""
