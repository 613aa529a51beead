"""Entries at a label and sums that skip one, as one-hot matrices: the losses of classifiers.

The multiclass SVM loss Σᵢ Σ_{j≠yᵢ} max(0, sᵢⱼ − s_{i,yᵢ} + Δ) picks an entry
by the value of a label (``S[i, y[i]]``) and skips that value in a sum. With
Y = onehot(y) (row i is 1 at column yᵢ) both are matrix operations, exact for
integer labels 1..K: s_{yᵢ} over i is Ys, S_{i,yᵢ} over i is (Y∘S)1, row cᵢ
of M (the centroid of sample i, ``\\boldsymbol{\\mu}_{c_i}``) is row i of CM,
and Σ_{j≠yᵢ} g_ij is Σⱼ (1 − Y)_ij g_ij. ``model.indices`` lifts a summand with
these rules; labels are never differentiated (``derive.rules``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import sympy as sp

from .. import ops
from ..parse import ast
from ..parse.sums import Entry, IndexSum
from .algebra import coefficient_and_factors
from .build import CALLS, _entrywise, is_array
from .matrices import Placeholders, as_scalar
from .nodes import BOUND, Elementwise
from .summing import Lifted, row_sums
from .walk import rebind

if TYPE_CHECKING:
    from .indices import _Lifter


def pick(lifter: _Lifter, node: Entry) -> Lifted:
    """The entry (row, column) of an array at the value of a label: one label per sample, or one label."""
    if lifter.depends(node.base) or len(node.slots) > 2:
        raise lifter.unsupported(node, "an entry at a label of what depends on an index")
    values = [(axis, slot) for axis, slot in enumerate(node.slots) if isinstance(slot, ast.Node)]
    if len(values) != 1:
        raise lifter.unsupported(node, "an entry at two labels")
    ((axis, slot),) = values
    base = lifter.builder.build(node.base)
    label = _label(lifter, slot)
    picked = base if axis == 0 else base.T  # rows are the classes
    vector = len(node.slots) == 1  # s[y]: no other slot
    other = None if vector else node.slots[1 - axis]  # an index, or None for a whole row (M[c[i], :])
    axes = (other,) if isinstance(other, str) else ()
    if axes:
        lifter.dims.setdefault(axes[0], picked.shape[1])
    one_hot = CALLS[ops.ONEHOT](label.value, picked.shape[0])
    if not label.axes:  # one label y: e_yᵀ B, as a column
        row = picked.T * one_hot
        if vector:
            return Lifted(as_scalar(row))
        return Lifted(row, axes, "scalar") if axes else Lifted(row)
    if axes == label.axes:  # S[i, y[i]]: Σ_k Y_ik S_ik
        return Lifted(row_sums(CALLS[ops.HADAMARD](one_hot, picked.T)), label.axes, "scalar")
    rows = one_hot * picked  # row i is row yᵢ of B
    if vector or axes:
        return Lifted(rows, label.axes + axes, "scalar")
    return Lifted(rows, label.axes, "column")


def _label(lifter: _Lifter, node: ast.Node) -> Lifted:
    """A label: one number (``y``), or one at each value of one index (``y[i]``)."""
    label = lifter.lift(node)
    if (label.per == "scalar" and len(label.axes) == 1) or (label.per == "plain" and not is_array(label.value)):
        return label
    raise lifter.unsupported(node, "a label that is not one number at each index")


def skip(lifter: _Lifter, node: IndexSum, summand: Lifted) -> Lifted:
    """The summand of Σ_{j≠yᵢ} with its terms at j = yᵢ zeroed: times 1 − onehot(y) over (i, j)."""
    assert node.skip is not None
    label = _label(lifter, node.skip)
    one_hot = CALLS[ops.ONEHOT](label.value, lifter.dims[node.index])
    keep = _entrywise(lambda t: 1 - t, one_hot)
    kept = lifter.multiply(node, summand, Lifted(keep, (*label.axes, node.index), "scalar"))
    return replace(kept, value=_opened(kept.value))


def _opened(value: sp.Basic) -> sp.Basic:
    """An entrywise function with the terms of its sums as operands: max(0, S - T + Δ) of (S, T), not of S - T,
    so that its derivative spells each term once (the margins of the SVM loss)."""
    if not isinstance(value, Elementwise):
        return value
    slot = Placeholders()
    terms = {}
    for placeholder, operand in zip(BOUND, value.operands, strict=False):
        parts = operand.args if isinstance(operand, sp.MatAdd) else (operand,)
        terms[placeholder] = sp.Add(*(_scaled(slot, part) for part in parts))
    return Elementwise(rebind(value.body, terms), tuple(slot.operands))


def _scaled(slot: Placeholders, term: sp.Basic) -> sp.Expr:
    coefficient, factors = coefficient_and_factors(term)
    return coefficient * slot(sp.MatMul(*factors) if len(factors) > 1 else factors[0])
