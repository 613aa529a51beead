"""The syntax tree both parsers produce (plain text and LaTeX).

It records what was written and where, nothing more: names are not yet
symbols, shapes are unknown, ``*`` is not yet known to be a matrix product.
The model stage (``symdiff.model``) gives it meaning. Positions are kept for
error messages but ignored by ``==``, as is whether a name was written bold
(which shape inference reads as "an array"), so a LaTeX formula and its
plain-text spelling compare equal when they say the same thing.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction

from ..errors import Span
from ..ops import BY_NAME, Op

NO_SPAN: Span = (0, 0)


@dataclass(frozen=True)
class Node:
    """Base of all syntax nodes."""

    span: Span = field(default=NO_SPAN, compare=False, kw_only=True)
    """Where the node was written: start and end offsets in the text."""

    def children(self) -> tuple[Node, ...]:
        return ()

    def walk(self) -> Iterator[Node]:
        """Every node of the tree, parents before children, without recursion."""
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children()))


@dataclass(frozen=True)
class Number(Node):
    value: Fraction


@dataclass(frozen=True)
class Name(Node):
    id: str
    bold: bool = field(default=False, compare=False)
    r"""Written bold in LaTeX (``\mathbf{x}``): a hint for shape inference, not part of the name."""


_SIZES = itertools.count()


@dataclass(frozen=True)
class Size(Node):
    r"""A dimension left to shape inference: the size of ``\mathbf{I}``, ``\mathbf{1}``, ``vector(1)``, constant
    arrays whose size is inferred from where they are used (the argument of ``eye``, ``ones``)."""

    key: int = field(default_factory=lambda: next(_SIZES), compare=False)
    """Tells apart the sizes of one formula (each may differ); unique in the process, so also in a program."""


@dataclass(frozen=True)
class Call(Node):
    """``func(args...)``: every function of the syntax, by its canonical name."""

    func: str
    args: tuple[Node, ...]

    @property
    def op(self) -> Op:
        """The operation called: every stage keys its tables by it."""
        return BY_NAME[self.func]

    def children(self) -> tuple[Node, ...]:
        return self.args


@dataclass(frozen=True)
class Neg(Node):
    operand: Node

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class Binary(Node):
    """``left op right`` for op in ``+ - * @ / ^``."""

    op: str
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Transpose(Node):
    operand: Node

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class Index(Node):
    """``base[i]`` or ``base[i, j]``, 1-based as worksheets write components."""

    base: Node
    indices: tuple[int, ...]

    def children(self) -> tuple[Node, ...]:
        return (self.base,)


@dataclass(frozen=True)
class Matrix(Node):
    """A literal: ``[a, b]`` is a column (one row per item), ``[[a, b], [c, d]]`` by rows."""

    rows: tuple[tuple[Node, ...], ...]

    def children(self) -> tuple[Node, ...]:
        return tuple(item for row in self.rows for item in row)


@dataclass(frozen=True)
class Tuple(Node):
    """``(a, b)``: a tuple of quantities, as worksheets write pairs of partials."""

    items: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.items


@dataclass(frozen=True)
class Definition(Node):
    """``name = value``: one line of a program (``symdiff.program``), or one ``--at`` value."""

    name: str
    value: Node
    name_span: Span = field(default=NO_SPAN, compare=False)

    def children(self) -> tuple[Node, ...]:
        return (self.value,)
