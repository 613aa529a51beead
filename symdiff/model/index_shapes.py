"""Shapes in index notation: a sum's bound names the dimension its index runs over.

An index no sum binds is free: ``2*W[k, l]`` is the matrix of those entries,
its rows along the first free index in alphabetical order (``free_shape``).

An entry ``y[i]`` makes y a vector whose length is the dimension of i,
``W[i, j]`` a matrix of (dim i)×(dim j), ``X[i, :]`` a matrix with as many
rows as i runs over (and is a vector of its columns' length). A bound that
conflicts with a shape is a shape error naming both. The sum has the shape of
its summand. These are the shape rules of ``ops.INDEX_SUM`` and ``INDEX_PROD``
(``shape_rules.CALL_RULES``) and of entries (``inference.shape_Entry``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..parse import ast
from ..parse.sums import Entry, IndexSum
from .types import UNKNOWN, Term, TermShape, Unknown

if TYPE_CHECKING:
    from .inference import Inference


def index_sum(inf: Inference, node: IndexSum, shapes: list) -> TermShape | Unknown:
    """The summand's shape, its index bound to the sum's dimension while the summand is typed."""
    dim: Term = node.bound if node.bound is not None else inf.index_dims.setdefault(id(node), inf.fresh())
    if node.skip is not None:  # the label whose value the index skips: a scalar, outside the index's scope
        _slot_dim(inf, node.skip)
    outer = inf.indices.get(node.index)
    inf.indices[node.index] = dim
    try:
        return inf.shape(node.body)
    finally:
        if outer is None:
            del inf.indices[node.index]
        else:
            inf.indices[node.index] = outer


def entry(inf: Inference, node: Entry) -> TermShape | Unknown:
    """() for ``y[i]`` and ``W[i, j]``; a vector for a row ``X[i, :]`` or a column ``X[:, j]``.

    A label in a slot (``s[y[i]]``) is a scalar; the axis it picks along has as many entries as there
    are classes."""
    for slot in node.slots:
        if isinstance(slot, str) and slot not in inf.indices:  # a free index: the formula is the array over it
            inf.indices[slot] = inf.free.setdefault(slot, inf.fresh())
    if all(slot is None for slot in node.slots):
        raise inf.conflict(node, "an entry needs an index", "write X[i, :] for row i")
    dims = [_slot_dim(inf, slot) for slot in node.slots]
    shape = inf.shape(node.base)
    if shape is UNKNOWN:
        if len(dims) == 1:
            inf.assign(node.base, (dims[0] or inf.fresh(), 1))
        else:
            inf.assign(node.base, tuple(inf.fresh() if d is None else d for d in dims))  # type: ignore[arg-type]
        return UNKNOWN
    if shape == ():
        raise inf.conflict(node, f"{inf.show(node.base, shape)} is a scalar: it has no entries")
    rows, cols = (inf.find(d) for d in shape)
    if len(dims) == 1 and cols != 1:
        raise inf.conflict(
            node, f"{inf.show(node.base, shape)} is a matrix: write two indices", "W[i, j], or X[i, :] for a row"
        )
    if len(dims) == 2 and cols == 1 and isinstance(node.slots[1], str):
        raise inf.conflict(node, f"{inf.show(node.base, shape)} is a vector: write one index", "y[i]")
    wanted = dims if len(dims) == 2 else [dims[0], None]
    for axis, (have, want) in enumerate(zip((rows, cols), wanted, strict=True)):
        if want is not None and not inf.unify(have, want):
            index = node.slots[axis]
            raise inf.conflict(
                node,
                f"the sum over {index} runs to {want}, but {inf.show(node.base, shape)} has {have} "
                f"{'rows' if axis == 0 else 'columns'}",
                f"make the bound and the shape agree (the bound names the dimension {index} runs over)",
            )
    if None in node.slots:
        other = cols if node.slots[1] is None else rows
        return (other, 1)
    return ()


def _slot_dim(inf: Inference, slot: str | ast.Node | None) -> Term | None:
    """The dimension an index runs over; None for a whole axis and for a label, which picks along its axis."""
    if isinstance(slot, str):
        return inf.indices[slot]
    if slot is not None:
        shape = inf.shape(slot)
        if shape is UNKNOWN:
            inf.assign(slot, ())
        elif shape != ():
            raise inf.conflict(slot, f"a label picks one entry: {inf.show(slot, shape)} is not a scalar")
    return None


def free_shape(inf: Inference, node: ast.Node, shape: TermShape | Unknown) -> TermShape | Unknown:
    """The shape of a formula with free indices: the array over them (at most two, in alphabetical order)."""
    if not inf.free:
        return shape
    if shape not in ((), UNKNOWN):
        raise inf.conflict(node, "a formula with free indices must be a scalar at each of them")
    if len(inf.free) > 2:
        raise inf.conflict(node, f"more than two free indices ({', '.join(sorted(inf.free))})", "sum over the others")
    dims = [inf.free[index] for index in sorted(inf.free)]
    return (dims[0], 1) if len(dims) == 1 else (dims[0], dims[1])
