"""A program's computation graph: every definition typed, built and named.

Shapes flow forward: each definition is shape-checked with the shapes found so
far (the user's declarations, the inputs typed by earlier definitions, and the
intermediates' own shapes), so ``b = A*x`` makes b a vector for the lines
below. The whole program then has one form: component form when every shape
is concrete, where an intermediate's entries are symbols ``b1, b2`` standing
for their definitions; matrix form otherwise, where b is a ``MatrixSymbol``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

import sympy as sp

from ..derive.recognise import recognise
from ..errors import ParseError, ShapeError, SymdiffError
from ..model.build import Builder, is_array, symbol_table
from ..model.canonical import canonical
from ..model.types import Dim, Shape, Typing, describe
from ..model.typography import infer_typeset
from ..parse import ast
from .drawing import draw


@dataclass(frozen=True)
class Node:
    """One definition: its name, shape, its value as a name and its definition."""

    name: str
    shape: Shape
    definition: ast.Definition
    symbol: sp.Basic
    """Symbol, MatrixSymbol, or (component form) an explicit matrix of component symbols."""
    expr: sp.Basic
    """The definition, in terms of the inputs and earlier nodes."""


@dataclass(frozen=True)
class Graph:
    """The typed, built definitions of a program, in order."""

    text: str
    nodes: tuple[Node, ...]
    typing: Typing
    """Shapes of every input and intermediate; components used anywhere."""
    symbols: dict[str, sp.Basic]

    output: str | None = None
    """The name differentiated (the last definition unless the program says ``of``)."""

    @property
    def form(self) -> str:
        return "component" if self.typing.concrete else "matrix"

    def __call__(
        self,
        at: str | Mapping[str, object] | None = None,
        wrt: str | Sequence[str] | None = None,
        round: int | None = None,
    ) -> Any:
        """The graph drawn (``symdiff.pictures.draw_graph``): with ``at``, each node's value and gradient;
        ``wrt`` names the weights drawn on edges. ``.dot``, ``.save(path)``, shown inline in a notebook."""
        return draw("graph", self, at, wrt, round)

    @cached_property
    def by_name(self) -> dict[str, Node]:
        return {node.name: node for node in self.nodes}

    @cached_property
    def inputs(self) -> dict[str, Shape]:
        return {name: shape for name, shape in sorted(self.typing.shapes.items()) if name not in self.by_name}

    @cached_property
    def scalar_nodes(self) -> dict[sp.Basic, sp.Basic]:
        """Each value the forward pass computes -> its definition, in order.

        Component form: every entry of every intermediate is a scalar symbol.
        Matrix form: each node's Symbol or MatrixSymbol.
        """
        found: dict[sp.Basic, sp.Basic] = {}
        for node in self.nodes:
            if isinstance(node.symbol, sp.MatrixBase):
                found.update(zip(node.symbol, node.expr, strict=False))
            else:
                found[node.symbol] = node.expr
        return found

    @cached_property
    def owner(self) -> dict[sp.Basic, str]:
        """Each intermediate symbol (component symbols too) -> the name of its node."""
        owners: dict[sp.Basic, str] = {}
        for node in self.nodes:
            entries = list(node.symbol) if isinstance(node.symbol, sp.MatrixBase) else [node.symbol]
            owners.update((entry, node.name) for entry in entries)
        return owners

    @cached_property
    def expansions(self) -> dict[sp.Basic, sp.Basic]:
        """Each intermediate symbol -> its value in terms of the inputs only."""
        full: dict[sp.Basic, sp.Basic] = {}
        for symbol, expr in self.scalar_nodes.items():
            full[symbol] = flatten(expr.xreplace(full))
        return full

    def expand(self, expr: sp.Basic, keep: frozenset[str] = frozenset()) -> sp.Basic:
        """``expr`` with every intermediate (but those named in ``keep``) replaced by its definition, recursively."""
        if not keep:
            return flatten(expr.xreplace(self.expansions))
        partial: dict[sp.Basic, sp.Basic] = {}
        for symbol, definition in self.scalar_nodes.items():
            if self.owner[symbol] not in keep:
                partial[symbol] = flatten(definition.xreplace(partial))
        return flatten(expr.xreplace(partial))

    @cached_property
    def names(self) -> dict[sp.Basic, sp.Basic]:
        """Definitions -> the symbol naming them, to re-express derivatives through the nodes."""
        named: dict[sp.Basic, sp.Basic] = {}
        for symbol, expr in self.scalar_nodes.items():
            if not (expr.is_Atom or isinstance(expr, sp.MatrixSymbol)) and expr not in named:
                named[expr] = symbol
        return named


def flatten(expr: sp.Basic) -> sp.Basic:
    """Flatten the nested products and sums that substitution leaves in matrix expressions."""
    if getattr(expr, "is_Matrix", False) and not isinstance(expr, sp.MatrixBase):
        return expr.doit(deep=False) if isinstance(expr, sp.MatMul | sp.MatAdd) else expr
    return expr


def build_graph(
    text: str, definitions: tuple[ast.Definition, ...], declared: dict[str, Shape], latex: bool = False
) -> Graph:
    """Type and build every definition of a program; raise on the first problem, pointing at it
    (with hints in LaTeX when the program is)."""
    known: dict[str, Shape] = dict(declared)
    components: dict[str, tuple[str, tuple[int, int]]] = {}
    sizes: set[str] = set()
    inferred: dict[int, Dim] = {}
    # typography is the program's: one definition writing arrays bold makes plain names scalars in all of them
    bold = any(isinstance(node, ast.Name) and node.bold for d in definitions for node in d.value.walk())
    for definition in definitions:
        typing = infer_typeset(definition.value, text, known, latex, bold)
        if typing.is_tuple:
            raise ShapeError(
                f"{definition.name} is defined as a tuple", text, definition.value.span, "define one quantity per name"
            )
        result = cast(Shape, typing.result)  # one shape: a tuple is refused above
        if definition.name in declared and declared[definition.name] != result:
            raise ShapeError(
                f"{definition.name} is declared a {describe(declared[definition.name])} "
                f"but defined as a {describe(result)}",
                text,
                definition.span,
            )
        known.update(typing.shapes)
        known[definition.name] = result
        components.update(typing.components)
        sizes.update(typing.sizes)
        inferred.update(typing.inferred)
    for name in components:
        known.pop(name, None)
    typing = Typing(known, components, (), sizes=frozenset(sizes), inferred=inferred)
    try:
        symbols = symbol_table(typing)
    except SymdiffError as exc:
        raise exc.at(text) from None
    builder = Builder(text, symbols, typing.sizes, typing.inferred)
    nodes = []
    for definition in definitions:
        try:
            expr = canonical(builder.build(definition.value))
            if not typing.concrete:  # as for one formula: logsumexp and softmax read as such
                expr = recognise(expr)
        except SymdiffError as exc:
            raise exc.at(text, definition.value.span) from None
        symbol = symbols[definition.name]
        if is_array(expr) != is_array(symbol):
            raise ParseError(f"cannot define {definition.name} this way", text, definition.span)
        nodes.append(Node(definition.name, known[definition.name], definition, symbol, expr))
    return Graph(text, tuple(nodes), typing, symbols, definitions[-1].name if definitions else None)
