"""A summand over indices as whole arrays, and the sum (or product) over one index of it.

A summand that depends on summation indices is held as the array of its
values (``Lifted``): yᵢ over i is the vector y, Wᵢⱼ over (i, j) the matrix W,
the sample xᵢ over i the data matrix X (row i is xᵢ), an outer product
xᵢzᵢᵀ the pair (X, Z). Summing over an index then is a matrix operation:
Σᵢ yᵢ = sum(y), Σⱼ Wᵢⱼ = W·1, Σᵢ xᵢ = Xᵀ1, Σᵢ xᵢzᵢᵀ = XᵀZ. These are the
builders of ``ops.INDEX_SUM`` and ``ops.INDEX_PROD`` (``build.CALLS``);
``model.indices`` makes the ``Lifted`` summands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import sympy as sp

from ..errors import UnsupportedError
from .nodes import BOUND, Diag, Elementwise, Norm, SumEntries

Per = Literal["plain", "scalar", "column", "row", "outer"]
"""What the summand is at one value of its indices: ``plain`` does not depend on them (any shape);
``scalar`` a number (the array's entry at the indices); ``column``/``row`` a vector (row i of the
array, as a column or a row); ``outer`` a matrix Σ Lᵢ Rᵢᵀ (pairs of arrays whose row i are Lᵢ, Rᵢ)."""


@dataclass(frozen=True)
class Lifted:
    """A summand as the array of its values over ``axes`` (rows along ``axes[0]``, columns along ``axes[1]``)."""

    value: Any
    """An array (or a scalar, if plain); for ``outer`` a tuple of (L, R) pairs."""
    axes: tuple[str, ...] = ()
    per: Per = "plain"


def explicit(value: object) -> bool:
    return isinstance(value, sp.MatrixBase)


def ones(dim: sp.Expr, like: object) -> sp.Basic:
    """The column of ``dim`` ones, explicit beside explicit matrices (component form)."""
    return sp.ImmutableMatrix.ones(int(dim), 1) if explicit(like) else sp.OneMatrix(dim, 1)


def row_sums(matrix: sp.Basic) -> sp.Basic:
    """M·1, as a textbook writes it: M·diag(a)·1 is Ma."""
    if isinstance(matrix, sp.MatMul) and isinstance(matrix.args[-1], Diag):
        rest = matrix.args[:-1]
        return (sp.MatMul(*rest) if len(rest) > 1 else rest[0]) * matrix.args[-1].vector
    if isinstance(matrix, sp.Transpose) and isinstance(matrix.arg, sp.MatMul) and isinstance(matrix.arg.args[0], Diag):
        return row_sums(sp.MatMul(*(factor.T for factor in reversed(matrix.arg.args))))
    return matrix * ones(matrix.shape[1], matrix)


def total(value: sp.Basic) -> sp.Basic:
    """The sum of all entries, as a textbook writes it: Σᵢⱼ Wᵢⱼ² is ‖W‖², the sum of row sums the sum."""
    if explicit(value):
        return sp.Add(*value)
    if isinstance(value, sp.MatMul) and isinstance(value.args[-1], sp.OneMatrix) and len(value.args) > 1:
        return total(sp.MatMul(*value.args[:-1]) if len(value.args) > 2 else value.args[0])
    squared = _squared(value)
    return Norm(squared) ** 2 if squared is not None else SumEntries(value)


def _squared(value: sp.Basic) -> sp.Basic | None:
    """A when ``value`` is A∘A (written as a product or as an entrywise square), else None."""
    if isinstance(value, sp.HadamardProduct) and len(value.args) == 2 and value.args[0] == value.args[1]:
        return value.args[0]
    if isinstance(value, Elementwise) and len(value.operands) == 1 and value.body == BOUND[0] ** 2:
        return value.operands[0]
    return None


def sum_over(summand: Lifted, index: str, dim: sp.Expr) -> Lifted:
    """Σ over ``index`` (running over ``dim`` values) of the summand."""
    if index not in summand.axes:
        if summand.per == "outer":
            pairs = summand.value
            return Lifted(tuple((dim * left, right) for left, right in pairs), summand.axes, "outer")
        return Lifted(dim * summand.value, summand.axes, summand.per)
    value = summand.value
    if summand.per == "scalar" and len(summand.axes) == 1:
        return Lifted(total(value))
    if summand.per == "scalar":
        other = next(axis for axis in summand.axes if axis != index)
        matrix = value if summand.axes[1] == index else value.T
        return Lifted(row_sums(matrix), (other,), "scalar")
    if summand.per == "column":
        if isinstance(value, sp.MatMul) and len(value.args) > 1 and isinstance(value.args[0], Diag):
            rest = sp.MatMul(*value.args[1:]) if len(value.args) > 2 else value.args[1]
            return Lifted(rest.T * value.args[0].vector)  # Σᵢ aᵢxᵢ = Xᵀa
        return Lifted(value.T * ones(value.shape[0], value))
    if summand.per == "row":
        return Lifted(ones(value.shape[0], value).T * value)
    return Lifted(sp.Add(*(left.T * right for left, right in value)))


def product_over(factor: Lifted, index: str, dim: sp.Expr) -> Lifted:
    """Π over ``index`` of the factor: in component form only (no operation multiplies a vector's entries)."""
    if index not in factor.axes:
        if factor.per != "plain" or getattr(factor.value, "is_Matrix", False):
            raise _no_product()
        return Lifted(factor.value**dim)
    if factor.per == "scalar" and len(factor.axes) == 1 and explicit(factor.value):
        return Lifted(sp.Mul(*factor.value))
    raise _no_product()


def _no_product() -> UnsupportedError:
    return UnsupportedError(
        "a product over an index is read only with a number as its bound (component form)",
        hint=r"give the bound as a number (\prod_{i=1}^{3}), or differentiate its log, a sum of logs",
    )
