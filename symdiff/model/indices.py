r"""Index sums built in matrix form, by lifting the summand to whole arrays.

Σᵢ (yᵢ − wᵀxᵢ)² is built as sum((y − Xw)∘²): every subexpression that depends
on a summation index is held as the array of its values (``summing.Lifted``),
one rule per syntax node and, for products, per pair of kinds of operand;
the sum over the index is then a matrix operation (``summing.sum_over``).
What the rules cannot bring to matrix form is an ``UnsupportedError`` naming
it, never a guess. The result is an ordinary matrix-form value, so it is
differentiated, printed, evaluated and checked as any other: the derivative
by a whole array comes out in matrix form (−2Xᵀ(y − Xw)). With concrete dims
the arrays are explicit and the sum expands to components.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import sympy as sp

from .. import ops
from ..errors import SymdiffError, UnsupportedError
from ..parse import ast
from ..parse.sums import Entry, IndexSum, values
from .build import CALLS, Builder, _entrywise, dim_symbol, is_array
from .index_terms import expand_components, free_form, index_form
from .picking import pick, skip
from .summing import Lifted, ones

REDUCE: dict[ops.Op, Callable[[Lifted, str, sp.Expr], Lifted]] = {
    ops.INDEX_SUM: CALLS[ops.INDEX_SUM],
    ops.INDEX_PROD: CALLS[ops.INDEX_PROD],
}


def build_index_sum(builder: Builder, node: IndexSum) -> sp.Basic:
    """The matrix form of a sum (or product) over an index written outside any other sum;
    its index form (``index_terms``) where no matrix form is known."""
    try:
        result = _Lifter(builder).reduce(node)
    except UnsupportedError as exc:
        return _in_index_form(exc, lambda: index_form(builder, node, node))
    if result.per != "plain":
        raise _unsupported(node, "an index is left free")
    return result.value


def build_entry(builder: Builder, node: Entry) -> sp.Basic:
    """An entry outside any sum: at the value of a label (``s[y]`` in a sum skipping y, ``s_{y}``)."""
    result = _Lifter(builder).lift_Entry(node)
    if result.per != "plain":
        raise _unsupported(node, "an entry at an index no sum runs over")
    return result.value


def build_free(builder: Builder, tree: ast.Node, free: tuple[str, ...]) -> sp.Basic:
    """A formula with free indices (``2*W[k, l]``): the array of its values over them, in their order."""
    lifter = _Lifter(builder, set(free))
    try:
        value = lifter.lift(tree)
    except UnsupportedError as exc:
        return _in_index_form(exc, lambda: free_form(builder, tree, free))
    if value.per == "plain" or not set(value.axes) <= set(free):
        raise _unsupported(tree, "a free index that nothing is indexed by")
    if value.per != "scalar":
        raise _unsupported(tree, "a vector at each value of a free index")
    return lifter.spread(tree, value, free)


def _in_index_form(refusal: UnsupportedError, build: Callable[[], sp.Basic]) -> sp.Basic:
    """The index form ``build`` gives, or the matrix form's ``refusal`` where that cannot be read either."""
    if "no matrix form" not in refusal.message:
        raise refusal
    try:
        return expand_components(build())
    except UnsupportedError:
        raise refusal from None


def _unsupported(node: ast.Node, what: str) -> UnsupportedError:
    return UnsupportedError(
        f"this index expression has no matrix form symdiff knows: {what}",
        span=node.span,
        hint="write the summand with entries y[i], W[i, j] and samples X[i, :] in products, sums and "
        "entrywise functions, or write the matrix form",
    )


@dataclass
class _Lifter:
    builder: Builder
    scope: set[str] = field(default_factory=set)
    dims: dict[str, sp.Expr] = field(default_factory=dict)

    def reduce(self, node: IndexSum) -> Lifted:
        if node.bound is not None:
            self.dims[node.index] = dim_symbol(node.bound)
        self.scope.add(node.index)
        try:
            summand = self.lift(node.body)
        finally:
            self.scope.discard(node.index)
        if node.index not in self.dims:
            raise _unsupported(node, f"nothing gives the dimension {node.index} runs over")
        if node.skip is not None:
            summand = skip(self, node, summand)
        try:
            return REDUCE[node.op](summand, node.index, self.dims[node.index])
        except SymdiffError as exc:
            raise exc.at(self.builder.text, node.span) from None

    def depends(self, node: ast.Node) -> bool:
        return any(isinstance(item, Entry) and any(slot in self.scope for slot in item.slots) for item in node.walk())

    def lift(self, node: ast.Node) -> Lifted:
        if not self.depends(node):
            return Lifted(self.builder.build(node))
        method = getattr(self, "lift_" + type(node).__name__, None)
        if method is None:
            raise _unsupported(node, f"a {type(node).__name__.lower()} of entries")
        try:
            return method(node)
        except SymdiffError as exc:
            if exc.span is None:
                raise exc.at(self.builder.text, node.span) from None
            raise

    # --- nodes ---------------------------------------------------------------
    def lift_IndexSum(self, node: IndexSum) -> Lifted:
        return self.reduce(node)

    def unsupported(self, node: ast.Node, what: str) -> UnsupportedError:
        return _unsupported(node, what)

    def lift_Entry(self, node: Entry) -> Lifted:
        slots: Any = node.slots
        if values(node):  # s[y[i]]: at the value of a label
            return pick(self, node)
        if self.depends(node.base):  # zᵢ[k] of a vector zᵢ at each i: the array Z over (i, k)
            vector = self.lift(node.base)
            if vector.per != "column" or len(slots) != 1 or slots[0] in vector.axes:
                raise _unsupported(node, "an entry of what is not a vector at each index")
            self.dims.setdefault(slots[0], vector.value.shape[1])
            return Lifted(vector.value, vector.axes + slots, "scalar")
        base = self.builder.build(node.base)
        for axis, slot in enumerate(slots):
            if slot is not None:
                self.dims.setdefault(slot, base.shape[axis])
        if len(slots) == 1:
            return Lifted(base, (slots[0],), "scalar")
        if slots[0] == slots[1]:
            raise _unsupported(node, f"a diagonal entry ({slots[0]} twice)")
        if None in slots:
            index = slots[0] if slots[0] is not None else slots[1]
            return Lifted(base if slots[0] is not None else base.T, (index,), "column")
        return Lifted(base, slots, "scalar")

    def lift_Neg(self, node: ast.Neg) -> Lifted:
        return self.scale(self.lift(node.operand), sp.Integer(-1))

    def lift_Transpose(self, node: ast.Transpose) -> Lifted:
        return self.transposed(node, self.lift(node.operand))

    def transposed(self, node: ast.Node, value: Lifted) -> Lifted:
        if value.per == "plain":
            return replace(value, value=value.value.T) if is_array(value.value) else value
        if value.per in ("column", "row"):
            return replace(value, per="row" if value.per == "column" else "column")
        if value.per == "scalar":
            return value
        raise _unsupported(node, "the transpose of an outer product")

    def chain(self, node: ast.Binary) -> Lifted:
        """A chain of products a*b*c: the vectors multiplied in order, then the scalars (which commute),
        those over fewer indices first, so -yᵢwᵀxᵢ is -y∘(Xw), not a row-wise dot product with -yᵢwᵀ."""
        factors: list[ast.Node] = []
        stack: list[ast.Node] = [node]
        while stack:
            item = stack.pop()
            if isinstance(item, ast.Binary) and item.op in "*@":
                stack.extend((item.right, item.left))
            else:
                factors.append(item)
        lifted = [self.lift(factor) for factor in factors]
        scalar = [value for value in lifted if value.per == "scalar" or not is_array(value.value)]
        scalar.sort(key=lambda value: len(value.axes))  # aᵢWᵢⱼbⱼ as (abᵀ)∘W
        arrays = [value for value in lifted if not (value.per == "scalar" or not is_array(value.value))]
        result = arrays[0] if arrays else scalar.pop(0)
        for value in [*arrays[1:], *scalar]:
            result = self.multiply(node, result, value)
        return result

    def lift_Binary(self, node: ast.Binary) -> Lifted:
        if node.op in "*@":
            return self.chain(node)
        left, right = self.lift(node.left), self.lift(node.right)
        if node.op in "+-":
            return self.add(node, left, right, node.op)
        if node.op in "*@":
            return self.chain(node)
        if node.op == "/":
            if right.per == "plain" and not is_array(right.value):
                return self.scale(left, 1 / right.value)
            return self.entrywise(node, lambda a, b: a / b, left, right)
        if right.per != "plain" or is_array(right.value):
            raise _unsupported(node, "an exponent that depends on an index")
        exponent = right.value
        return self.entrywise(node, lambda a: a**exponent, left)

    def lift_Call(self, node: ast.Call) -> Lifted:
        args = [self.lift(arg) for arg in node.args]
        if node.op.kind == "entrywise":
            return self.entrywise(node, lambda *a: CALLS[node.op](*a), *args)
        rule = VECTOR_CALLS.get(node.op)
        if rule is None or len(args) != node.op.arity:
            raise _unsupported(node, f"{node.func} of an indexed vector")
        return rule(self, node, *args)

    # --- combining -----------------------------------------------------------
    def scale(self, value: Lifted, factor: sp.Basic) -> Lifted:
        if value.per == "outer":
            pairs = value.value
            return replace(value, value=tuple((factor * left, right) for left, right in pairs))
        return replace(value, value=factor * value.value)

    def aligned(self, node: ast.Node, values: tuple[Lifted, ...]) -> tuple[tuple[str, ...], list[sp.Basic]]:
        """Scalars over indices as arrays over the same axes (a plain scalar stays a scalar)."""
        axes: tuple[str, ...] = ()
        for value in values:
            if value.per not in ("scalar", "plain") or (value.per == "plain" and is_array(value.value)):
                raise _unsupported(node, "an entrywise function of a vector at each index")
            axes += tuple(axis for axis in value.axes if axis not in axes)
        if len(axes) > 2:
            raise _unsupported(node, "more than two indices at once")
        return axes, [self.spread(node, value, axes) for value in values]

    def spread(self, node: ast.Node, value: Lifted, axes: tuple[str, ...]) -> sp.Basic:
        """``value`` (a scalar over some of ``axes``) as the array over all of them."""
        array = value.value
        if value.axes == axes or value.per == "plain":
            return array
        if value.axes == axes[::-1]:
            return array.T
        (axis,) = value.axes
        other = ones(self.dims[axes[1] if axes[0] == axis else axes[0]], array)
        return array * other.T if axes[0] == axis else other * array.T

    def entrywise(self, node: ast.Node, function: Callable[..., sp.Expr], *values: Lifted) -> Lifted:
        if len(values) == 1 and values[0].per in ("column", "row"):
            return replace(values[0], value=_entrywise(function, values[0].value))
        axes, arrays = self.aligned(node, values)
        return Lifted(_entrywise(function, *arrays), axes, "scalar")

    def add(self, node: ast.Node, left: Lifted, right: Lifted, op: str) -> Lifted:
        if op == "-":
            right = self.scale(right, sp.Integer(-1))
        if left.per == right.per == "outer":
            return Lifted(left.value + right.value, left.axes, "outer")
        vectors = {"column", "row"}
        if left.per in vectors or right.per in vectors:
            per = left.per if left.per in vectors else right.per
            axes = left.axes or right.axes
            rows = self.rows(node, left, per, axes) + self.rows(node, right, per, axes)
            return Lifted(rows, axes, per)
        axes, (first, second) = self.aligned(node, (left, right))
        if is_array(first) and is_array(second):
            return Lifted(first + second, axes, "scalar")
        return self.entrywise(node, lambda a, b: a + b, left, right)

    def rows(self, node: ast.Node, value: Lifted, per: str, axes: tuple[str, ...]) -> sp.Basic:
        """A vector at each index as the array of its rows; a plain vector repeated on every row."""
        if value.per == per:
            return value.value
        if value.per == "plain" and is_array(value.value):
            vector = value.value if per == "column" else value.value.T
            if vector.shape[1] == 1:
                return self.repeated(vector, axes)
        raise _unsupported(node, "a sum of a vector at each index and something else")

    def repeated(self, vector: sp.Basic, axes: tuple[str, ...]) -> sp.Basic:
        """The plain column ``vector`` as every row of an array over the index ``axes[0]``."""
        return ones(self.dims[axes[0]], vector) * vector.T

    def multiply(self, node: ast.Node, left: Lifted, right: Lifted) -> Lifted:
        for one, other in ((left, right), (right, left)):
            if one.per == "plain" and not is_array(one.value):
                return self.scale(other, one.value)
        rule = PRODUCTS.get((left.per, right.per))
        if rule is None:
            raise _unsupported(node, f"a product of a {left.per} and a {right.per} at each index")
        return rule(self, node, left, right)


def _same_index(node: ast.Node, left: Lifted, right: Lifted) -> tuple[str, ...]:
    if left.axes != right.axes:
        raise _unsupported(node, "a product of vectors at different indices")
    return left.axes


def _scalars(lifter: _Lifter, node: ast.Node, left: Lifted, right: Lifted) -> Lifted:
    """aᵢbᵢ entrywise; aᵢbⱼ the outer product; Wᵢⱼbⱼ and aᵢWᵢⱼ through a diagonal."""
    if left.axes == right.axes or left.axes == right.axes[::-1]:
        return lifter.entrywise(node, lambda a, b: a * b, left, right)
    if len(left.axes) == len(right.axes) == 1:
        return Lifted(left.value * right.value.T, left.axes + right.axes, "scalar")
    matrix, vector = (left, right) if len(left.axes) == 2 else (right, left)
    if len(vector.axes) != 1:
        raise _unsupported(node, "more than two indices at once")
    (axis,) = vector.axes
    if axis not in matrix.axes:
        raise _unsupported(node, "more than two indices at once")
    scaled = CALLS[ops.DIAG](vector.value)
    value = scaled * matrix.value if matrix.axes[0] == axis else matrix.value * scaled
    return Lifted(value, matrix.axes, "scalar")


def _scalar_times_vector(lifter: _Lifter, node: ast.Node, left: Lifted, right: Lifted) -> Lifted:
    """aᵢxᵢ: each row of X scaled, diag(a)X; aᵢ times an outer product scales its left side."""
    scalar, vector = (left, right) if left.per == "scalar" else (right, left)
    if len(scalar.axes) != 1:
        raise _unsupported(node, "a vector at each index scaled by an entry of a matrix")
    if vector.per == "plain":
        plain = vector.value
        if plain.shape[1] == 1:
            return Lifted(scalar.value * plain.T, scalar.axes, "column")
        if plain.shape[0] == 1:
            return Lifted(scalar.value * plain, scalar.axes, "row")
        raise _unsupported(node, "a matrix scaled by an entry at each index")
    _same_index(node, scalar, vector)
    diagonal = CALLS[ops.DIAG](scalar.value)
    if vector.per == "outer":
        pairs = vector.value
        return Lifted(tuple((diagonal * a, b) for a, b in pairs), vector.axes, "outer")
    return Lifted(diagonal * vector.value, vector.axes, vector.per)


def _row_times(lifter: _Lifter, node: ast.Node, left: Lifted, right: Lifted) -> Lifted:
    """xᵢᵀB (a plain matrix or column on the right): XB; xᵢᵀzᵢ: the row-wise dot product."""
    rows = left.value
    if right.per == "plain":
        value = rows * right.value
        return Lifted(value, left.axes, "scalar" if value.shape[1] == 1 else "row")
    _same_index(node, left, right)
    products = CALLS[ops.HADAMARD](rows, right.value)
    return Lifted(products * ones(rows.shape[1], rows), left.axes, "scalar")


def _times_column(lifter: _Lifter, node: ast.Node, left: Lifted, right: Lifted) -> Lifted:
    """Axᵢ, wᵀxᵢ (a plain matrix or row on the left): XAᵀ, Xw."""
    value = right.value * left.value.T
    return Lifted(value, right.axes, "scalar" if value.shape[1] == 1 else "column")


def _outer(lifter: _Lifter, node: ast.Node, left: Lifted, right: Lifted) -> Lifted:
    """xᵢzᵢᵀ: the pair (X, Z), summed as XᵀZ; a plain vector on one side is repeated on every row."""
    axes = left.axes or right.axes
    if left.axes and right.axes:
        _same_index(node, left, right)
    lefts = left.value if left.per == "column" else lifter.repeated(left.value, axes)
    rights = right.value if right.per == "row" else lifter.repeated(right.value.T, axes)
    return Lifted(((lefts, rights),), axes, "outer")


PRODUCTS: dict[tuple[str, str], Callable[[_Lifter, ast.Node, Lifted, Lifted], Lifted]] = {
    ("scalar", "scalar"): _scalars,
    ("scalar", "column"): _scalar_times_vector,
    ("column", "scalar"): _scalar_times_vector,
    ("scalar", "row"): _scalar_times_vector,
    ("row", "scalar"): _scalar_times_vector,
    ("scalar", "outer"): _scalar_times_vector,
    ("outer", "scalar"): _scalar_times_vector,
    ("scalar", "plain"): _scalar_times_vector,
    ("plain", "scalar"): _scalar_times_vector,
    ("row", "plain"): _row_times,
    ("row", "column"): _row_times,
    ("plain", "column"): _times_column,
    ("column", "row"): _outer,
    ("column", "plain"): _outer,
    ("plain", "row"): _outer,
}
"""Products by the kinds of their two operands (``summing.Per``); a plain scalar factor scales either."""


def _norm(lifter: _Lifter, node: ast.Call, value: Lifted) -> Lifted:
    """‖xᵢ‖ at each i: the square root of the row sums of X∘X."""
    squares = _sum_of_vector(lifter, node, lifter.entrywise(node, lambda t: t**2, value))
    return lifter.entrywise(node, sp.sqrt, squares)


def _sum_of_vector(lifter: _Lifter, node: ast.Call, value: Lifted) -> Lifted:
    if value.per not in ("column", "row"):
        raise _unsupported(node, f"{node.func} of what is not a vector at each index")
    rows = value.value
    return Lifted(rows * ones(rows.shape[1], rows), value.axes, "scalar")


def _dot(lifter: _Lifter, node: ast.Call, left: Lifted, right: Lifted) -> Lifted:
    return lifter.multiply(node, lifter.transposed(node, left), right)


VECTOR_CALLS: dict[ops.Op, Callable[..., Lifted]] = {
    ops.NORM: _norm,
    ops.SUM: _sum_of_vector,
    ops.DOT: _dot,
}
"""Array operations applied to a vector at each index (‖xᵢ − μ‖, sum(xᵢ), dot(w, xᵢ))."""
