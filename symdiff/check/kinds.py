"""What kind of value an answer or option is (a scalar, a vector, a matrix, a tuple), said in words.

The shape comparison comes first when checking an option: "the option is a
scalar; the answer is an n×d matrix" is the clearest reason there is. A
tuple of k scalars and a column vector of length k are the same kind, as
worksheets write partials either way.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..model.types import Dim, describe


def _dim(value: int | sp.Basic) -> Dim:
    return int(value) if isinstance(value, int | sp.Integer) else str(value)


@dataclass(frozen=True)
class Kind:
    """``dims`` () for a scalar, (rows, cols) for an array; ``items`` for a tuple."""

    dims: tuple[Dim, ...] = ()
    items: tuple[Kind, ...] | None = None

    @property
    def entries(self) -> tuple[Dim, ...] | None:
        """Length as a flat list of scalars, when it is one (a tuple of scalars, a column vector)."""
        if self.items is not None:
            return (len(self.items),) if all(item.dims == () and item.items is None for item in self.items) else None
        if len(self.dims) == 2 and self.dims[1] == 1:
            return (self.dims[0],)
        return None

    def fits(self, other: Kind) -> bool:
        """Same kind and size; a tuple of k scalars fits a column vector of length k."""
        return self == other or (self.entries is not None and self.entries == other.entries)

    def describe(self) -> str:
        """``a scalar``, ``a vector of length 2``, ``an n×d matrix``, ``a tuple of 2 scalars``."""
        if self.items is not None:
            inner = {item.describe() for item in self.items}
            if inner == {"a scalar"}:
                return f"a tuple of {len(self.items)} scalars"
            return f"a tuple of {len(self.items)} items"
        words = describe(self.dims)
        spoken_vowel = words[0] in "aefhilmnorsx8" and not words.startswith(("scalar", "row", "vector"))
        return ("an " if spoken_vowel else "a ") + words

    @property
    def is_square(self) -> bool:
        return len(self.dims) == 2 and self.dims[0] == self.dims[1]


def kind_of(expr: sp.Basic) -> Kind:
    """The kind of a SymPy value."""
    if isinstance(expr, sp.Tuple):
        return Kind(items=tuple(kind_of(item) for item in expr))
    if getattr(expr, "is_Matrix", False):
        return Kind(tuple(_dim(d) for d in expr.shape))
    return Kind()


def components(expr: sp.Basic) -> tuple[sp.Basic, ...] | None:
    """The scalar components of a tuple or explicit column vector, in order; None for other values."""
    if isinstance(expr, sp.Tuple) and all(not getattr(item, "is_Matrix", False) for item in expr):
        return tuple(expr)
    if isinstance(expr, sp.MatrixBase) and expr.shape[1] == 1:
        return tuple(expr)
    return None
