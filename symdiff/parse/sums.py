r"""Index notation in the syntax tree: sums and products over an index, and indexed entries.

Courses write losses as index sums (``\sum_{i=1}^{n} (y_i - \mathbf{w}^\top \mathbf{x}_i)^2``).
Both parsers read them into the two nodes below, and the plain syntax spells
them so that a LaTeX formula and its plain spelling give the same tree:

- ``Sum(i, n, body)`` (``Sum(i, body)`` when the entries give the bound),
  ``Prod(i, n, body)``: the sum (product) of ``body`` for i = 1..n;
- ``y[i]`` entry i of a vector, ``W[i, j]`` entry (i, j) of a matrix,
  ``X[i, :]`` row i of X as a vector (a sample), ``X[:, j]`` column j.

In LaTeX an indexed name (``y_i``, ``W_{ij}``) inside a sum over its index is
that entry, and a bold ``\mathbf{x}_i`` is sample i: row i of the data
matrix named by the capital letter (X). ``resolve`` makes those entries once
the whole formula is read, since a name is read before the sum around it.
The model stage (``model.indices``) gives the nodes their shapes and builds
them in matrix form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from .. import ops
from ..errors import ParseError
from ..ops import Op
from . import ast

Slot = str | None
"""One index of an entry: an index name, or None for a whole axis (``:``)."""


@dataclass(frozen=True)
class IndexSum(ast.Node):
    """``Sum(i, n, body)``: body summed (or multiplied, ``product``) over i = 1..bound."""

    index: str
    bound: str | int | None
    """The dimension i runs over: a name (n), a number, or None when the entries give it."""
    body: ast.Node
    product: bool = False

    @property
    def op(self) -> Op:
        return ops.INDEX_PROD if self.product else ops.INDEX_SUM

    def children(self) -> tuple[ast.Node, ...]:
        return (self.body,)


@dataclass(frozen=True)
class Entry(ast.Node):
    """``y[i]``, ``W[i, j]``, ``X[i, :]``: an entry (or a row, a column) of an array at summation indices."""

    base: ast.Node
    slots: tuple[Slot, ...]
    sample: str | None = field(default=None, compare=False)
    r"""The bold name a sample was written as (x for ``\mathbf{x}_i``), which ``samples`` may place elsewhere."""

    def children(self) -> tuple[ast.Node, ...]:
        return (self.base,)


def bound_of(node: ast.Node, span: tuple[int, int]) -> str | int:
    """The bound of a sum written as a name or a positive integer; anything else is refused."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Number) and node.value.denominator == 1 and node.value > 0:
        return int(node.value)
    raise ParseError(
        "the bound of a sum is a dimension: a name such as n, or a positive integer",
        span=span,
        hint="write Sum(i, n, y[i]^2), or Sum(i, y[i]^2) to take the bound from the shape of y",
    )


def index_call(op: Op, args: tuple[ast.Node, ...], span: tuple[int, int]) -> IndexSum:
    """``Sum(i, body)`` or ``Sum(i, n, body)`` in the plain syntax."""
    if len(args) not in (2, 3):
        raise ParseError(
            f"{op.name} takes an index, an optional bound and a summand, got {len(args)} arguments",
            span=span,
            hint=f"write {op.name}(i, n, y[i]^2)",
        )
    index = args[0]
    if not isinstance(index, ast.Name) or not index.id.isalpha():
        raise ParseError(
            f"the first argument of {op.name} is its index, a name such as i", span=index.span, hint="write Sum(i, ...)"
        )
    bound = bound_of(args[1], args[1].span) if len(args) == 3 else None
    return IndexSum(index.id, bound, args[-1], op is ops.INDEX_PROD, span=span)


def latex_bound(lower: Fraction | None, upper: ast.Node | None, span: tuple[int, int]) -> str | int | None:
    r"""The dimension of ``\sum_{i=1}^{n}`` (n) or ``\sum_{i=0}^{n-1}`` (n); None without an upper bound."""
    if upper is None:
        if lower not in (None, 1):
            raise ParseError("a sum from a lower bound needs its upper bound", span=span, hint=r"write \sum_{i=1}^{n}")
        return None
    if lower in (None, 1) and isinstance(upper, ast.Name | ast.Number):
        return bound_of(upper, span)
    if lower == 0:
        if isinstance(upper, ast.Binary) and upper.op == "-" and upper.right == ast.Number(Fraction(1)):
            return bound_of(upper.left, span)
        if isinstance(upper, ast.Number) and upper.value.denominator == 1 and upper.value >= 0:
            return int(upper.value) + 1
    raise ParseError(
        "a sum runs from 1 to a dimension (or from 0 to one less)",
        span=span,
        hint=r"write \sum_{i=1}^{n} or \sum_{i=0}^{n-1}",
    )


def nested(
    indices: tuple[str, ...], bound: str | int | None, body: ast.Node, product: bool, span: tuple[int, int]
) -> IndexSum:
    r"""``\sum_{i,j} body`` as the sum over i of the sum over j; a bound applies to each index."""
    for index in reversed(indices):
        body = IndexSum(index, bound, body, product, span=span)
    assert isinstance(body, IndexSum)
    return body


def free_indices(tree: ast.Node) -> tuple[str, ...]:
    """The indices of entries that no sum around them binds, in alphabetical order."""
    free: set[str] = set()
    stack: list[tuple[ast.Node, frozenset[str]]] = [(tree, frozenset())]
    while stack:
        node, scope = stack.pop()
        if isinstance(node, Entry):
            free.update(slot for slot in node.slots if slot is not None and slot not in scope)
        inner = scope | {node.index} if isinstance(node, IndexSum) else scope
        stack.extend((child, inner) for child in node.children())
    return tuple(sorted(free))


# --- LaTeX: indexed names inside sums become entries -------------------------


def _index_letters(subscript: str) -> tuple[str, ...]:
    """``i`` -> (i,); ``ij`` -> (i, j); ``i_j`` (written ``{i,j}``) -> (i, j)."""
    if "_" in subscript:
        return tuple(subscript.split("_"))
    return tuple(subscript) if len(subscript) <= 2 else (subscript,)


def _indexed(name: ast.Name) -> tuple[str, tuple[str, ...]] | None:
    """The base and subscript letters of ``y_i``, ``W_ij``; None for a name without a subscript or a label."""
    if "_" not in name.id or "__" in name.id:
        return None
    base, _, subscript = name.id.partition("_")
    return base, _index_letters(subscript)


def resolve(tree: ast.Node, text: str) -> ast.Node:
    r"""Names indexed by summation indices (``y_i``, ``W_{ij}``, ``\mathbf{x}_i``) as entries.

    ``\mathbf{x}_i`` is row i of X (``place_samples`` puts it elsewhere). A
    name indexed by an index of a sum it stands outside of (``\sum_i a_i + b_i``)
    is refused: where the summand ends is then not clear. Beside a summation
    index, another letter is a free index (j in ``X_{ij}`` inside a sum over
    i), and then a name indexed by it alone is an entry too (``\mu_j``).
    """
    every = {node.index for node in tree.walk() if isinstance(node, IndexSum)}
    if not every:
        return tree
    first = _Resolver(text, every)
    first.visit(tree, frozenset())
    return _Resolver(text, every, first.free).visit(tree, frozenset())


def resolve_read(read: Any, text: str) -> Any:
    """``resolve`` on what the LaTeX reader read: a formula, a definition (name, formula) or definitions."""
    if isinstance(read, ast.Node):
        return resolve(read, text)
    if isinstance(read, tuple) and len(read) == 2 and isinstance(read[0], str):
        return read[0], resolve(read[1], text)
    return tuple(replace(item, value=resolve(item.value, text)) for item in read)


@dataclass
class _Resolver:
    text: str
    indices: set[str]
    free: set[str] = field(default_factory=set)
    """Letters seen beside a summation index in a subscript: free indices."""

    def visit(self, node: ast.Node, scope: frozenset[str]) -> ast.Node:
        if isinstance(node, ast.Name):
            return self.name(node, scope)
        if isinstance(node, IndexSum):
            return replace(node, body=self.visit(node.body, scope | {node.index}))
        return rebuilt(node, lambda child: self.visit(child, scope))

    def name(self, node: ast.Name, scope: frozenset[str]) -> ast.Node:
        indexed = _indexed(node)
        if indexed is None:
            return node
        base, letters = indexed
        bound = [letter for letter in letters if letter in scope]
        if bound:
            self.free.update(letter for letter in letters if letter not in scope and letter.isalpha())
        elif all(letter in self.free for letter in letters):
            bound = list(letters)
        if not bound:
            outside = [letter for letter in letters if letter in self.indices]
            if outside:
                raise ParseError(
                    f"{self.text[node.span[0] : node.span[1]]} is indexed by {outside[0]}, "
                    f"but stands outside the sum over {outside[0]}",
                    self.text,
                    node.span,
                    r"the summand ends at the + or - after it; bracket the summand: \sum_i (a_i + b_i)",
                )
            return node
        if len(letters) > 2 or not all(letter.isalpha() and len(letter) == 1 for letter in letters):
            raise ParseError(
                "an entry inside a sum takes one or two index letters", self.text, node.span, "write W_{ij} or x_i"
            )
        if node.bold and base[:1].islower() and len(letters) == 1:
            data = ast.Name(base.upper(), span=node.span, bold=True)
            return Entry(data, (letters[0], None), span=node.span, sample=base)
        return Entry(ast.Name(base, span=node.span, bold=True), letters, span=node.span)


# --- where samples lie: --samples x=X:rows|cols ----------------------------------

LAYOUTS = ("rows", "cols")


def read_samples(spec: object) -> dict[str, tuple[str, str]]:
    r"""``{"x": "X:cols"}`` -> ``{"x": ("X", "cols")}``: sample x_i is column i of X (rows by default)."""
    if spec is None:
        return {}
    if not isinstance(spec, Mapping):
        raise ParseError(f"samples must map names to matrices, not {type(spec).__name__}", hint='e.g. {"x": "X:rows"}')
    placed: dict[str, tuple[str, str]] = {}
    for name, where in spec.items():
        matrix, _, layout = where.partition(":") if isinstance(where, str) else ("", "", "")
        layout = layout or "rows"
        if not (isinstance(name, str) and name.isidentifier() and matrix.isidentifier() and layout in LAYOUTS):
            raise ParseError(
                f"samples: {str(name)[:40]!r} -> {str(where)[:40]!r} is not a name and a matrix with rows or cols",
                hint="write x=X:rows (sample x_i is row i of X) or x=X:cols (column i)",
            )
        placed[name] = (matrix, layout)
    return placed


def place_samples(tree: ast.Node, samples: Mapping[str, tuple[str, str]]) -> ast.Node:
    r"""``\mathbf{x}_i`` as row (or column) i of the matrix ``samples`` names for x."""
    if not samples:
        return tree
    return _place(tree, samples)


def _place(node: ast.Node, samples: Mapping[str, tuple[str, str]]) -> ast.Node:
    if isinstance(node, Entry) and node.sample is not None and node.sample in samples:
        matrix, layout = samples[node.sample]
        (index,) = [slot for slot in node.slots if slot is not None]
        slots: tuple[Slot, ...] = (index, None) if layout == "rows" else (None, index)
        return replace(node, base=ast.Name(matrix, span=node.base.span, bold=True), slots=slots)
    return rebuilt(node, lambda child: _place(child, samples))


def rebuilt(node: ast.Node, change: Callable[[ast.Node], ast.Node]) -> ast.Node:
    """``node`` with ``change`` applied to each child (in fields, tuples of them, and rows of a matrix)."""
    changes: dict[str, Any] = {}
    for attribute, value in vars(node).items():
        if isinstance(value, ast.Node):
            changes[attribute] = change(value)
        elif isinstance(value, tuple) and value and all(isinstance(item, ast.Node) for item in value):
            changes[attribute] = tuple(change(item) for item in value)
        elif isinstance(value, tuple) and value and all(isinstance(row, tuple) for row in value):
            changes[attribute] = tuple(tuple(change(item) for item in row) for row in value)
    return replace(node, **changes) if changes else node
