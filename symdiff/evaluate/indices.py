r"""The numbers of the index form (``model.index_form``): an index as an axis of an array, a sum as a reduction.

A formula or a gradient with no matrix form (Σᵢⱼ (Σₖ AᵢₖBₖⱼ − Yᵢⱼ)²) is
evaluated as written, without loops: each index is an axis (the first one
met is the last axis, so arrays of fewer indices broadcast against arrays of
more), an entry ``W[i, j]`` is W laid along the axes of i and j (``A[i, i]``
its diagonal along i's), the arithmetic and entrywise functions between them
are the plan's ordinary steps, broadcast, and a sum over an index is a sum
along its axis, kept as an axis of one value (a sum of a product of entries,
Σₖ AᵢₖBₖⱼ, one ``einsum``). ``IndexArray`` takes the free indices' axes as the
rows and columns. The steps carry their layout as data (subscripts, einsum
specs, reshapes), which the kernels here apply and ``evaluate.code`` prints.
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
    return index_axis(planner, index) if isinstance(index, sp.Symbol) else None


def index_axis(planner: Planner, index: sp.Basic) -> int:
    """The axis of an index symbol: the first one met is axis 0, the last axis of every array."""
    return planner.index_axes.setdefault(index, len(planner.index_axes))


def plan_entry(planner: Planner, expr: IndexedEntry) -> int:
    slots = expr.args[1:]
    where = tuple((axis(planner, slot), None if isinstance(slot, sp.Symbol) else int(slot)) for slot in slots)
    return planner.emit("index_entry", (planner._print(expr.array),), layout(where))


def layout(where: tuple[tuple[int | None, int | None], ...]) -> tuple[str, tuple[int | str | None, ...]]:
    """How an entry's array is laid along the axes of its slots (each an axis, or a fixed position):
    ``view`` ("" the array, "T" its transpose, "diagonal" its diagonal, for ``A[i, i]``) subscripted by
    ``subscript``, whose items are ":" (a dimension kept), None (a new axis of length 1) or a fixed position.
    The one layout both the NumPy kernel and the printed code use."""
    axes = [along for along, _ in where if along is not None]
    slots: tuple[tuple[int | None, int | None], ...]
    if len(axes) == 2 and axes[0] == axes[1]:
        view, slots = "diagonal", ((axes[0], None),)
    elif len(axes) == 2 and axes[0] < axes[1]:  # the row's axis right of the column's: the transpose's order
        view, slots = "T", tuple(reversed(where))
    else:
        view, slots = "", where
    count = max(axes, default=-1) + 1
    subscript: list[int | str | None] = []
    placed = 0  # positions (from the left) laid so far
    for along, at in slots:
        if along is None:
            subscript.append(at)
            continue
        subscript += [None] * (count - 1 - along - placed) + [":"]
        placed = count - along
    return view, _trimmed([*subscript, *[None] * (count - placed)])


def _trimmed(subscript: list) -> tuple:
    """A subscript without its trailing ":" (the dimensions after the last item are kept)."""
    while subscript and subscript[-1] == ":":
        subscript.pop()
    return tuple(subscript)


def _index(subscript: tuple) -> tuple:
    """A subscript (``layout``) as NumPy's index."""
    return tuple(slice(None) if item == ":" else item for item in subscript)


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
    """A sum inside another is a sum along its axis, kept (length 1), or the contraction of a product of
    entries; a sum inside no other is a number; a summand that does not depend on the index is taken ``dim``
    times."""
    outermost = not expr.free_symbols & set(planner.index_axes)
    if outermost:  # the sizes of all its indices at once
        _within_limits(planner, expr)
    along = index_axis(planner, expr.index)
    depends = expr.index in expr.body.free_symbols
    contracted = _contraction(planner, expr) if depends else None
    total = planner._print(expr.body) if contracted is None else contracted
    if outermost:
        total = planner.emit("sum", (total,))
    elif depends and contracted is None:
        total = planner.emit("index_sum", (total,), (-1 - along,))  # a NumPy axis, from the last
    return total if depends else planner.emit("mul", (total, planner._dim(expr.dim)))


LETTERS = "abcdefghijklmnopqrstuvwxyz"
"""An einsum's subscripts: an index's axis names its letter; the columns of vectors take letters from the end."""


def _contraction(planner: Planner, expr: IndexedSum) -> int | None:
    """Σₖ Aᵢₖ Bₖⱼ (a sum of a product of entries) as one ``einsum``, its result laid along the axes of the
    indices left (the summed one kept, of length 1, as ``index_sum`` keeps it): never the product's array
    over all the indices. None where the summand is not such a product."""
    factors = sp.Mul.make_args(expr.body)
    if len(factors) < 2 or not all(isinstance(factor, IndexedEntry) for factor in factors):
        return None
    slots = [
        [index_axis(planner, slot) if isinstance(slot, sp.Symbol) else None for slot in factor.args[1:]]
        for factor in factors
    ]
    axes = {a for where in slots for a in where if a is not None}
    if max(axes) + len(factors) >= len(LETTERS):  # more indices than einsum has letters
        return None
    columns = iter(reversed(LETTERS))
    subscripts = []
    for factor, where in zip(factors, slots):
        letters = ""
        for slot, a, size in zip(factor.args[1:], where, factor.array.shape):
            if a is None and not (slot == 0 and size == 1):  # a fixed entry other than a vector's column
                return None
            letters += LETTERS[a] if a is not None else next(columns)  # a vector's column: its one value
        subscripts.append(letters)
    along = index_axis(planner, expr.index)
    kept = sorted(axes - {along}, reverse=True)  # the leftmost position first
    spec = ",".join(subscripts) + "->" + "".join(LETTERS[a] for a in kept)
    subscript = list(_trimmed([":" if a in kept else None for a in range(max(axes), -1, -1)]))
    while subscript and subscript[0] is None:  # broadcasting adds the leading axes
        subscript.pop(0)
    operands = tuple(planner._print(factor.array) for factor in factors)
    return planner.emit("index_contract", operands, (spec, tuple(subscript)))


def plan_array(planner: Planner, expr: IndexArray) -> int:
    """The values over the free indices as rows and columns: the form's axes of length more than 1 are
    the free indices' (any other is a sum's, kept), so a reshape lays them out; where the form does not
    depend on a free index, zeros of the array's shape broadcast it."""
    _within_limits(planner, expr.form, expr.dims)
    axes = [index_axis(planner, index) for index in expr.indices]
    form = planner._print(expr.form)
    rows, cols = (planner._dim(dim) for dim in expr.shape)
    present = [index in expr.form.free_symbols for index in expr.indices]
    if len(axes) == 1 and present[0]:
        return planner.emit("index_array", (form,), ("-1", "1"))
    if len(axes) == 2 and all(present):
        order = ("rows", "cols") if axes[0] > axes[1] else ("cols", "rows")
        return planner.emit("index_array", (form, rows, cols), order)
    shape = ("-1" if present[0] else "1", "-1" if len(present) == 2 and present[1] else "1")
    if any(isinstance(node, IndexedEntry) for node in sp.preorder_traversal(expr.form)):  # an array, not a number
        form = planner.emit("index_array", (form,), shape)
    return planner.emit("add", (form, planner.emit("zeros", (rows, cols))))


def _entry(data: tuple) -> Callable[[object], np.ndarray | float]:
    """The kernel of one entry (``layout``)."""
    view, subscript = data
    index = _index(subscript)

    def run(matrix: object) -> np.ndarray | float:
        values = np.asarray(matrix, dtype=float)
        values = values.T if view == "T" else np.diagonal(values) if view == "diagonal" else values
        picked = values[index]
        return float(picked) if picked.ndim == 0 else picked

    return run


def _array(order: tuple[str, str]) -> Callable[..., np.ndarray]:
    """The kernel of the reshape ``plan_array`` lays the free indices out with (a copy: never a view of an input)."""

    def run(form: object, *dims: object) -> np.ndarray:
        sizes = dict(zip(("rows", "cols"), (int(d) for d in dims)))  # type: ignore[call-overload]
        values = np.reshape(np.asarray(form, dtype=float), tuple(sizes.get(side) or int(side) for side in order))
        return np.array(values.T if order == ("cols", "rows") else values)

    return run


def _contract(spec: str, subscript: tuple[str | None, ...]) -> Callable[..., np.ndarray]:
    index = _index(subscript)
    return lambda *arrays: np.einsum(spec, *(np.asarray(a, dtype=float) for a in arrays))[index]


KERNELS: dict[str, Callable[[tuple, object], Callable]] = {
    "index_contract": lambda data, guard: _contract(*data),
    "index_entry": lambda data, guard: _entry(data),
    "index_sum": lambda data, guard: lambda body: np.sum(body, axis=data[0], keepdims=True),
    "index_array": lambda data, guard: _array(data),
}
"""The step kinds of the index form, beside ``evaluate.numpy.KERNELS``."""
