r"""The numbers of the index form (``model.index_form``): an index as an axis of an array, a sum as a reduction.

A formula or a gradient with no matrix form (Σᵢⱼ (Σₖ AᵢₖBₖⱼ − Yᵢⱼ)²) is
evaluated as written, without loops: each index is an axis (the first one
met is the last axis, so arrays of fewer indices broadcast against arrays of
more), an entry ``W[i, j]`` is W laid along the axes of i and j (``A[i, i]``
its diagonal along i's), the arithmetic and entrywise functions between them
are the plan's ordinary steps, broadcast, and a sum over an index is a sum
along its axis, kept as an axis of one value. ``IndexArray`` takes the free
indices' axes as the rows and columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

from ..errors import LimitError
from ..model.index_form import IndexArray, IndexedEntry, IndexedSum

if TYPE_CHECKING:
    from collections.abc import Callable

    from .plan import Planner

MAX_CELLS = 10**8
"""The most numbers the arrays of one index form may hold at the sizes evaluated (one axis per index)."""


def axis(planner: Planner, index: sp.Basic) -> int | None:
    """The axis of an index symbol (counted from the last); None for a number, such as a vector's column 0."""
    if not isinstance(index, sp.Symbol):
        return None
    return planner.index_axes.setdefault(index, len(planner.index_axes))


def plan_entry(planner: Planner, expr: IndexedEntry) -> int:
    slots = expr.args[1:]
    where = tuple((axis(planner, slot), None if isinstance(slot, sp.Symbol) else int(slot)) for slot in slots)
    return planner.emit("index_entry", (planner._print(expr.array),), where)


def _within_limits(planner: Planner, expr: sp.Basic, free: tuple[sp.Expr, ...] = ()) -> None:
    """A ``LimitError`` where the index form, an axis per index, would hold more than ``MAX_CELLS`` numbers."""
    dims = [node.dim for node in sp.preorder_traversal(expr) if isinstance(node, IndexedSum)] + list(free)
    cells = 1
    for dim in dims:
        cells *= planner._size(dim) or 1
    if cells > MAX_CELLS:
        raise LimitError(
            f"the index form would hold {cells:.3g} numbers at these sizes (one axis per index)",
            hint=f"evaluate at sizes whose product over the indices is at most {MAX_CELLS:.0e}",
        )


def plan_sum(planner: Planner, expr: IndexedSum) -> int:
    if not expr.free_symbols & set(planner.index_axes):  # outermost: the sizes of all its indices at once
        _within_limits(planner, expr)
    along = axis(planner, expr.index)
    total = planner.emit("index_sum", (planner._print(expr.body), planner._dim(expr.dim)), (along,))
    if expr.free_symbols & set(planner.index_axes):
        return total
    return planner.emit("item", (total,))  # a sum inside no other: a number


def plan_array(planner: Planner, expr: IndexArray) -> int:
    _within_limits(planner, expr.form, expr.dims)
    axes = tuple(axis(planner, index) for index in expr.indices)
    rows, cols = expr.shape
    return planner.emit("index_array", (planner._print(expr.form), planner._dim(rows), planner._dim(cols)), axes)


def _laid_out(values: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """``values`` (one dimension per axis, in order) laid along ``axes`` of an array of as many as needed."""
    count = max(axes) + 1
    order = sorted(range(len(axes)), key=lambda k: count - 1 - axes[k])
    shape = [1] * count
    for k in order:
        shape[count - 1 - axes[k]] = values.shape[k]
    return np.transpose(values, order).reshape(shape)


def _entry(where: tuple) -> Callable[[object], np.ndarray | float]:
    """The kernel of one entry: each slot an axis, or a fixed position (axis None)."""

    def run(matrix: object) -> np.ndarray | float:
        values = np.asarray(matrix, dtype=float)
        for position, (_, at) in reversed(list(enumerate(where))):
            if at is not None:
                values = np.take(values, at, axis=position)
        axes = tuple(along for along, at in where if at is None)
        if not axes:
            return float(values)
        if len(axes) == 2 and axes[0] == axes[1]:  # A[i, i]: the diagonal
            values, axes = np.diagonal(values), axes[:1]
        return _laid_out(values, axes)

    return run


def _sum(along: int, body: object, dim: object) -> np.ndarray | float:
    values = np.asarray(body, dtype=float)
    position = values.ndim - 1 - along
    if position < 0 or values.shape[position] == 1:  # the summand does not depend on the index
        return values * float(dim)  # type: ignore[arg-type]
    return np.sum(values, axis=position, keepdims=True)


def _array(axes: tuple[int, ...], form: object, rows: object, cols: object) -> np.ndarray:
    values = np.asarray(form, dtype=float)
    count = max(values.ndim, max(axes) + 1)
    values = values.reshape((1,) * (count - values.ndim) + values.shape)
    picked = np.moveaxis(values, [count - 1 - along for along in axes], list(range(len(axes))))
    picked = picked.reshape(picked.shape[: len(axes)])
    if len(axes) == 1:
        picked = picked[:, None]
    return np.array(np.broadcast_to(picked, (int(rows), int(cols))))  # type: ignore[call-overload]


KERNELS: dict[str, Callable[[tuple, object], Callable]] = {
    "index_entry": lambda data, guard: _entry(data),
    "index_sum": lambda data, guard: lambda body, dim: _sum(data[0], body, dim),
    "index_array": lambda data, guard: lambda form, rows, cols: _array(data, form, rows, cols),
}
"""The step kinds of the index form, beside ``evaluate.numpy.KERNELS``."""
