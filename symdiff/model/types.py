"""Shape types: what a shape is, the unknowns inference solves for, and what inference returns.

Every name gets a shape: ``()`` for a scalar, ``(rows, cols)`` otherwise, a
vector being ``(d, 1)``. Dimensions are positive integers, dimension names
(``"n"``) or unknowns (``Var``) that unification resolves. ``inference``
computes them, ``shape_rules`` says how each operation maps shapes, and
``naming`` reads what a name's spelling implies.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ..errors import ShapeError

Dim = int | str
Shape = tuple[()] | tuple[Dim, Dim]
"""A finished shape: () or (rows, cols); a vector is (d, 1)."""


class Var:
    """An unknown dimension, resolved by unification."""

    counter = itertools.count()

    def __init__(self) -> None:
        self.id = next(self.counter)

    def __repr__(self) -> str:
        return f"?{self.id}"


Term = int | str | Var
TermShape = tuple[()] | tuple[Term, Term]


class Unknown:
    """The shape of an expression whose names are not all typed yet."""


UNKNOWN = Unknown()


@dataclass(frozen=True)
class Typing:
    """What shape inference found: each name's shape, and which names are components."""

    shapes: dict[str, Shape]
    components: dict[str, tuple[str, tuple[int, int]]]
    """A component name (``A11``) -> its base name and 0-based (row, col)."""
    result: Shape | tuple[Shape, ...]
    """The shape of the whole formula; a tuple formula has a tuple of shapes."""
    is_tuple: bool = False
    sizes: frozenset[str] = frozenset()
    """Dimension names the formula uses as numbers (``n`` in ``n*eye(n)``): each is that size, not a variable."""
    inferred: Mapping[int, Dim] = field(default_factory=dict)
    r"""The size inference found for each constant array written without one (``\mathbf{I}``, ``vector(1)``), by
    the key of its ``ast.Size``."""

    @property
    def concrete(self) -> bool:
        """True when every array name has integer dims: component form."""
        return all(all(isinstance(d, int) for d in shape) for shape in self.shapes.values())


def normalize_declaration(name: str, dims: tuple[Dim, ...]) -> Shape:
    """A user's declaration (``("n", "d")``, ``("d",)``, ``()``) as a Shape."""
    for dim in dims:
        if isinstance(dim, bool) or not (
            (isinstance(dim, int) and dim > 0) or (isinstance(dim, str) and dim.isidentifier() and dim[0].isalpha())
        ):
            raise ShapeError(
                f"bad dimension {dim!r} for {name}",
                hint="dimensions are positive integers or names such as n, d",
            )
    if len(dims) == 0:
        return ()
    if len(dims) == 1:
        return (dims[0], 1)
    if len(dims) == 2:
        return (dims[0], dims[1])
    raise ShapeError(f"{name} has {len(dims)} dimensions; symdiff handles scalars, vectors and matrices")


def dims_text(shape: Sequence[object]) -> str:
    """``n×d``, ``d`` for a column vector, "" for a scalar (no dims, or 1×1): a shape as a label shows it."""
    dims = [str(d) for d in shape]
    if not dims or dims == ["1", "1"]:
        return ""
    return "×".join(dims[:1] if len(dims) == 2 and dims[1] == "1" else dims)


def describe(shape: tuple[Term, ...], resolve: Callable[[Term], Term] = lambda t: t) -> str:
    """``scalar``, ``vector of length d``, ``n×d matrix``, as error messages say it."""
    if shape == ():
        return "scalar"
    rows, cols = (resolve(t) for t in shape)
    name = lambda t: "?" if isinstance(t, Var) else str(t)  # noqa: E731
    if cols == 1 and rows != 1:
        return f"vector of length {name(rows)}"
    if rows == 1 and cols != 1:
        return f"row vector of length {name(cols)}"
    return f"{name(rows)}×{name(cols)} matrix"
