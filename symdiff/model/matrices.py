"""Building matrix-form values: a 1×1 product as its scalar, and entrywise functions fused.

``as_scalar`` gives the one canonical spelling of a 1×1 expression as a
scalar; ``elementwise`` applies a scalar function entry by entry, fusing
nested entrywise functions into one body.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from ..errors import LimitError
from .algebra import coefficient_and_factors
from .nodes import BOUND, Elementwise, ScalarOf
from .walk import is_array, rebind


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


class Placeholders:
    """The operands of an entrywise body being built, each distinct array with its placeholder.

    Calling it with an array gives that array's placeholder, the next free one
    the first time (``BOUND[0]``, ``BOUND[1]``, ...); past ``BOUND`` it is a
    ``LimitError``.
    """

    def __init__(self, operands: tuple[sp.Basic, ...] = ()) -> None:
        self.operands: list[sp.Basic] = list(operands)

    def __call__(self, operand: sp.Basic) -> sp.Symbol:
        if operand not in self.operands:
            if len(self.operands) == len(BOUND):
                raise LimitError(
                    f"more than {len(BOUND)} different arrays in one entrywise function",
                    hint="name parts of the formula, or split it",
                )
            self.operands.append(operand)
        return BOUND[self.operands.index(operand)]


def elementwise(function: Callable[..., sp.Expr], *args: sp.Basic) -> sp.Basic:
    """Apply ``function`` entry by entry, fusing nested entrywise functions into one body.

    Scalar arguments pass into the body as they are; array arguments become
    operands (an array given twice is one operand).
    """
    slot = Placeholders()
    values = []
    for arg in args:
        coefficient, factors = coefficient_and_factors(arg) if isinstance(arg, sp.MatMul) else (1, [arg])
        if len(factors) == 1 and isinstance(factors[0], Elementwise):
            inner = factors[0]
            values.append(coefficient * rebind(inner.body, {BOUND[i]: slot(op) for i, op in enumerate(inner.operands)}))
        elif is_array(arg):
            values.append(slot(arg))
        else:
            values.append(arg)
    body = function(*values)
    if body in BOUND:
        return slot.operands[BOUND.index(body)]
    return Elementwise(body, tuple(slot.operands))
