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

Slot = str | None | ast.Node
"""One index of an entry: an index name, None for a whole axis (``:``), or a value: the label
``y[i]`` of ``s[y[i]]`` (``s_{y_i}``), the entry of s at the label yᵢ (a one-hot pick)."""


@dataclass(frozen=True)
class IndexSum(ast.Node):
    """``Sum(i, n, body)``: body summed (or multiplied, ``product``) over i = 1..bound."""

    index: str
    bound: str | int | None
    """The dimension i runs over: a name (n), a number, or None when the entries give it."""
    body: ast.Node
    product: bool = False
    skip: ast.Node | None = None
    r"""The label whose value the index skips: yᵢ in ``\sum_{j \neq y_i}``, ``Sum(j != y[i], body)``."""

    @property
    def op(self) -> Op:
        return ops.INDEX_PROD if self.product else ops.INDEX_SUM

    def children(self) -> tuple[ast.Node, ...]:
        return (self.body,) if self.skip is None else (self.body, self.skip)


@dataclass(frozen=True)
class Entry(ast.Node):
    """``y[i]``, ``W[i, j]``, ``X[i, :]``: an entry (or a row, a column) of an array at summation indices."""

    base: ast.Node
    slots: tuple[Slot, ...]
    sample: str | None = field(default=None, compare=False)
    r"""The bold name a sample was written as (x for ``\mathbf{x}_i``), which ``samples`` may place elsewhere."""

    def children(self) -> tuple[ast.Node, ...]:
        return (self.base, *values(self))


def values(entry: Entry) -> tuple[ast.Node, ...]:
    """The slots of ``entry`` that are values (labels), not index names."""
    return tuple(slot for slot in entry.slots if isinstance(slot, ast.Node))


def index_slots(entry: Entry) -> tuple[str, ...]:
    """The index names among the slots of ``entry``."""
    return tuple(slot for slot in entry.slots if isinstance(slot, str))


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


@dataclass(frozen=True)
class Skipping(ast.Node):
    """``j != y[i]``, the first argument of a sum that skips the value of a label (plain syntax only)."""

    index: ast.Node
    label: ast.Node


def index_call(op: Op, args: tuple[ast.Node, ...], span: tuple[int, int]) -> IndexSum:
    """``Sum(i, body)``, ``Sum(i, n, body)`` or ``Sum(j != y[i], K, body)`` in the plain syntax."""
    if len(args) not in (2, 3):
        raise ParseError(
            f"{op.name} takes an index, an optional bound and a summand, got {len(args)} arguments",
            span=span,
            hint=f"write {op.name}(i, n, y[i]^2)",
        )
    index, skip = (args[0].index, args[0].label) if isinstance(args[0], Skipping) else (args[0], None)
    if not isinstance(index, ast.Name) or not index.id.isalpha():
        raise ParseError(
            f"the first argument of {op.name} is its index, a name such as i", span=index.span, hint="write Sum(i, ...)"
        )
    bound = bound_of(args[1], args[1].span) if len(args) == 3 else None
    return skipping(IndexSum(index.id, bound, args[-1], op is ops.INDEX_PROD, span=span), skip)


def skipping(node: IndexSum, skip: ast.Node | None) -> IndexSum:
    """The sum ``node`` skipping the value of the label ``skip``; an entry by a bare label (``s[y]``) is its pick."""
    if skip is None:
        return node
    if node.product:
        raise ParseError("a product cannot skip a value", span=node.span, hint="skip a value in a sum")
    if isinstance(skip, ast.Name):
        return replace(node, body=_picks(node.body, skip), skip=skip)
    return replace(node, skip=skip)


def _picks(node: ast.Node, label: ast.Name) -> ast.Node:
    """``s[y]`` with y the label a sum skips: the entry of s at the value of y, not at an index y."""
    if isinstance(node, Entry):
        slots = tuple(ast.Name(label.id, span=node.span) if slot == label.id else slot for slot in node.slots)
        return replace(node, slots=slots)
    return rebuilt(node, lambda child: _picks(child, label))


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
            free.update(slot for slot in index_slots(node) if slot not in scope)
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


GREEK_CAPITALS = {"alpha": "A", "beta": "B", "epsilon": "E", "zeta": "Z", "eta": "H", "iota": "I", "kappa": "K",
                  "mu": "M", "nu": "N", "rho": "P", "tau": "T", "chi": "X"}  # fmt: skip
r"""Greek letters whose capital is written as a Latin one: the matrix of the samples \boldsymbol{\mu}_k is M."""


def data_matrix(name: str) -> str:
    r"""The matrix whose rows are the samples ``name``: X for x, M for mu, Theta for theta."""
    return GREEK_CAPITALS.get(name, name.capitalize() if len(name) > 1 else name.upper())


def picked(name: ast.Name, parts: tuple[str | ast.Name, ...], span: tuple[int, int]) -> Entry:
    r"""``s_{y_i}``: the entry of s at the label y_i; ``\boldsymbol{\mu}_{c_i}``: row c_i of the matrix M."""
    for part in parts:
        if isinstance(part, str) and not (len(part) == 1 and part.isalpha()):
            raise ParseError("an index beside a label is one letter", span=span, hint="write S_{i, y_i}")
    whole = (name.span[0], span[1])
    if name.bold and name.id[:1].islower() and len(parts) == 1:
        return Entry(
            ast.Name(data_matrix(name.id), span=whole, bold=True), (parts[0], None), span=whole, sample=name.id
        )
    return Entry(_array(name.id, len(parts), whole), parts, span=whole)


def _array(name: str, slots: int, span: tuple[int, int]) -> ast.Name:
    """The array an entry is of: bold (a vector, if lower case) with one index; with two, a matrix by shape."""
    return ast.Name(name, span=span, bold=slots == 1 or name[:1].isupper())


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
    labels = {
        node.skip.id
        for node in tree.walk()
        if isinstance(node, IndexSum) and isinstance(node.skip, ast.Name) and "_" not in node.skip.id
    }
    first = _Resolver(text, every, labels)
    first.visit(tree, frozenset())
    return _Resolver(text, every, labels, first.free).visit(tree, frozenset())


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
    labels: set[str]
    r"""Names a sum skips the value of (y in ``\sum_{j \neq y}``): s_y is the entry of s at y."""
    free: set[str] = field(default_factory=set)
    """Letters seen beside a summation index in a subscript: free indices."""

    def visit(self, node: ast.Node, scope: frozenset[str]) -> ast.Node:
        if isinstance(node, ast.Name):
            return self.name(node, scope)
        if isinstance(node, IndexSum):
            skip = None if node.skip is None else self.visit(node.skip, scope)
            return replace(node, body=self.visit(node.body, scope | {node.index}), skip=skip)
        if isinstance(node, Entry):  # an entry at a label (s_{y_i}): the label y_i is an entry in turn
            slots = tuple(self.visit(slot, scope) if isinstance(slot, ast.Node) else slot for slot in node.slots)
            return replace(node, slots=slots)
        if isinstance(node, ast.Transpose) and isinstance(node.operand, ast.Name):
            return self.transposed(node, self.visit(node.operand, scope))
        return rebuilt(node, lambda child: self.visit(child, scope))

    def transposed(self, node: ast.Transpose, operand: ast.Node) -> ast.Node:
        r"""``w_j^\top`` transposes a vector w_j (row j of W): never an entry of w, a number."""
        if isinstance(operand, Entry) and None not in operand.slots and operand.sample is None:
            written = self.text[node.operand.span[0] : node.operand.span[1]]
            base, _, subscript = written.partition("_")
            raise ParseError(
                f"{written} is an entry of {base}, a number, but it is transposed",
                self.text,
                node.span,
                rf"for the vector {written} (a row of a matrix), write it bold: \mathbf{{{base}}}_{subscript}",
            )
        return replace(node, operand=operand)

    def name(self, node: ast.Name, scope: frozenset[str]) -> ast.Node:
        indexed = _indexed(node)
        if indexed is None:
            return node
        base, letters = indexed
        if all(letter in self.labels for letter in letters) and len(letters) == 1:
            label = ast.Name(letters[0], span=node.span)
            return picked(ast.Name(base, span=node.span, bold=node.bold), (label,), node.span)
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
            data = ast.Name(data_matrix(base), span=node.span, bold=True)
            return Entry(data, (letters[0], None), span=node.span, sample=base)
        return Entry(_array(base, len(letters), node.span), letters, span=node.span)


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
        (index,) = [slot for slot in node.slots if slot is not None]  # an index name, or a label (μ_{c_i})
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
