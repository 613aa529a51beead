"""A program's computation graph as a picture, CS231n style: values above, gradients below.

Nodes are the inputs, the intermediates and the output, each labelled in
mathematical notation (``s₁ = σ(a·r₁)``). Where a node's definition adds
products of a weight and another value (``c·x₁ + e·x₂``), the weight is
written on the edge, as a network is drawn, instead of being a node of its
own. A matrix program (symbolic dimensions) draws one node per array
operation, each labelled with its shape (``A: n×d``). Given values, every
node shows its forward value above (green) and its gradient, ∂output/∂node,
below (red), from the program's own forward and backward pass.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import sympy as sp

from .. import arguments
from ..errors import SymdiffError
from ..export.unicode import unicode_name
from ..model.nodes import Elementwise
from ..model.types import dims_text
from ..program.backprop import format_value, run_backprop
from ..program.graph import Graph
from ..program.printing import to_unicode
from .picture import Picture, need_graphviz

VALUE = "#1b7837"
"""Forward values: green, as CS231n draws them."""
GRADIENT = "#b2182b"
"""Gradients: red."""
LONGEST_VALUE = 36
"""Characters of a value drawn whole; a longer array is drawn as its shape."""
PLACEHOLDER = "·"
"""Stands for an operand computed by another node in an operation's label: σ(·)."""


@dataclass(frozen=True)
class _Numbers:
    """Each name's forward value and gradient, as drawn."""

    values: Mapping[str, object]
    gradients: Mapping[str, object]
    output: str


def _shown(value: object) -> str:
    text = format_value(value)
    if len(text) > LONGEST_VALUE and hasattr(value, "shape"):
        return "×".join(str(d) for d in getattr(value, "shape", ())) + " array"
    return text


def _label(title: str, numbers: _Numbers | None, name: str | None) -> str:
    """An HTML label: the value above (green), the title, the gradient below (red)."""
    rows = [f"<TR><TD>{html.escape(title)}</TD></TR>"]
    if numbers is not None and name is not None and name in numbers.values:
        value = html.escape(_shown(numbers.values[name]))
        rows.insert(0, f'<TR><TD><FONT COLOR="{VALUE}">{value}</FONT></TD></TR>')
        if name in numbers.gradients:
            gradient = html.escape(_shown(numbers.gradients[name]))
            rows.append(f'<TR><TD><FONT COLOR="{GRADIENT}">{gradient}</FONT></TD></TR>')
    return '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(rows) + "</TABLE>>"


def _weights(graph: Graph, wrt: Sequence[str]) -> dict[tuple[str, str], str]:
    """(node, value) -> the weight drawn on the edge from value to node, for each product ``w·u`` of two names.

    Of the two, the weight is a scalar input: the one named in ``wrt``, else the one used fewer times (an
    intermediate is never a weight). A name is drawn as a weight only if every use of it is such a product.
    """
    uses = Counter(str(s) for node in graph.nodes for s in sp.preorder_traversal(node.expr) if isinstance(s, sp.Symbol))
    edges: dict[tuple[str, str], str] = {}
    paired: Counter[str] = Counter()
    for node in graph.nodes:
        for term in sp.preorder_traversal(node.expr):
            if isinstance(term, sp.Mul) and len(term.args) == 2 and all(isinstance(f, sp.Symbol) for f in term.args):
                first, second = (str(f) for f in term.args)
                weight = _weight_of(first, second, graph.inputs, wrt, uses)
                if weight is not None:
                    edges[(node.name, second if weight == first else first)] = weight
                    paired[weight] += 1
    return {edge: weight for edge, weight in edges.items() if paired[weight] == uses[weight]}


def _weight_of(
    first: str, second: str, inputs: Mapping[str, object], wrt: Sequence[str], uses: Counter[str]
) -> str | None:
    """The weight of the product ``first·second``, or None when neither is one or they cannot be told apart."""
    scalars = [name for name in (first, second) if inputs.get(name, ...) == ()]
    if len(scalars) == 1:
        other = second if scalars[0] == first else first
        return scalars[0] if other not in inputs else None
    if len(scalars) != 2:
        return None
    named = [name for name in scalars if name in wrt]
    if len(named) == 1:
        return named[0]
    if uses[first] != uses[second]:
        return min(scalars, key=lambda name: uses[name])
    return None


def draw_graph(
    graph: Graph,
    at: str | Mapping[str, object] | None = None,
    wrt: str | Sequence[str] | None = None,
    round: int | None = None,
) -> Picture:
    """The computation graph of a program (``Program.graph``); with ``at``, each node's value and gradient
    (``round`` as ``backprop``). ``wrt`` names the weights drawn on edges (default: told from how names are used)."""
    graphviz = need_graphviz()
    if graph.output is None:
        raise SymdiffError(
            "a graph is drawn from named definitions, and this is one formula",
            hint="name its parts, e.g. b = A*x; f = 0.5*norm(b)**2",
        )
    texts = [] if wrt is None else arguments.names(wrt, "wrt")
    names = [name.strip() for text in texts for name in text.split(",") if name.strip()]
    for name in names:
        if name not in graph.inputs:
            raise SymdiffError(
                f"--wrt {name}: not an input of the program", hint=f"its inputs are {', '.join(graph.inputs)}"
            )
    numbers = None
    if at is not None:
        value = graph.by_name[graph.output].symbol if graph.output in graph.by_name else graph.symbols[graph.output]
        passes = run_backprop(graph, value, graph.output, at, list(graph.inputs), round)
        numbers = _Numbers({**passes.inputs, **passes.forward}, {**passes.gradients, **passes.upstream}, passes.output)
    dot = graphviz.Digraph(
        "program",
        graph_attr={"rankdir": "LR", "nodesep": "0.35", "ranksep": "0.6", "fontname": "Helvetica", "fontsize": "12"},
        node_attr={"fontname": "Helvetica", "fontsize": "12"},
        edge_attr={"fontname": "Helvetica", "fontsize": "11", "arrowsize": "0.7"},
    )
    if graph.form == "matrix":
        _matrix_nodes(dot, graph, numbers)
    else:
        _scalar_nodes(dot, graph, numbers, names)
    if numbers is not None:
        dot.attr(
            label=f'<<FONT COLOR="{VALUE}">value</FONT> above, '
            f'<FONT COLOR="{GRADIENT}">gradient ∂{html.escape(unicode_name(numbers.output))}/∂node</FONT> below>',
            labelloc="b",
        )
    return Picture(dot.source)


def _input(dot: Any, graph: Graph, name: str, numbers: _Numbers | None) -> None:
    shape = dims_text(graph.inputs[name])
    title = unicode_name(name) + (f": {shape}" if shape else "")
    dot.node(name, _label(title, numbers, name), shape="ellipse", style="filled", fillcolor="#eeeeee")


def _output_style(graph: Graph, name: str) -> dict[str, str]:
    return {"peripheries": "2"} if name == graph.output else {}


def _scalar_nodes(dot: Any, graph: Graph, numbers: _Numbers | None, wrt: Sequence[str]) -> None:
    """Component form: one node per definition, weights on the edges of the products they are in."""
    weights = _weights(graph, wrt)
    on_edges = set(weights.values())
    owner = {entry: name for name, symbol in graph.symbols.items() for entry in _entries(symbol)}
    for name in graph.inputs:
        if name not in on_edges:
            _input(dot, graph, name, numbers)
    intermediates = frozenset(graph.owner)
    for node in graph.nodes:
        shape = dims_text(node.shape)
        definition = node.expr if not isinstance(node.expr, sp.MatrixBase) or len(node.expr) > 1 else node.expr[0]
        written = to_unicode(definition, intermediates)
        title = f"{unicode_name(node.name)} = {written}" if len(written) <= 60 else unicode_name(node.name)
        title += f"  ({shape})" if shape else ""
        dot.node(
            node.name,
            _label(title, numbers, node.name),
            shape="box",
            style="rounded",
            **_output_style(graph, node.name),
        )
        sources = sorted({owner.get(s, str(s)) for s in node.expr.free_symbols} - {node.name})
        for source in (s for s in sources if s not in on_edges):
            weight = weights.get((node.name, source))
            dot.edge(source, node.name, **({"label": _label(unicode_name(weight), numbers, weight)} if weight else {}))


def _entries(symbol: sp.Basic) -> list[sp.Basic]:
    return list(symbol) if isinstance(symbol, sp.MatrixBase) else [symbol]


def _matrix_nodes(dot: Any, graph: Graph, numbers: _Numbers | None) -> None:
    """Matrix form: one node per operation, labelled with the operation and its shape; a definition's last
    operation carries its name."""
    for name in graph.inputs:
        _input(dot, graph, name, numbers)
    ids: dict[sp.Basic, str] = {graph.symbols[name]: name for name in graph.inputs}
    ids.update({node.symbol: node.name for node in graph.nodes})
    for node in graph.nodes:
        _operation(dot, node.expr, ids, graph, numbers, node.name)


def _operands(expr: sp.Basic) -> list[sp.Basic]:
    """What an operation is applied to: an entrywise function's operands, another node's arguments."""
    return list(expr.operands) if isinstance(expr, Elementwise) else list(expr.args)


def _is_array(expr: sp.Basic) -> bool:
    shape = getattr(expr, "shape", None)
    return shape is not None and tuple(shape) != (1, 1)


def _named(expr: sp.Basic) -> bool:
    """A name, or a number times a name (``-y``, ``2x``): drawn in the label that uses it, not as a node."""
    if isinstance(expr, sp.Symbol | sp.MatrixSymbol):
        return True
    factors: tuple[sp.Basic, ...] = expr.args if isinstance(expr, sp.Mul | sp.MatMul) else ()
    return len(factors) == 2 and factors[0].is_number and isinstance(factors[1], sp.Symbol | sp.MatrixSymbol)


def _array_parts(expr: sp.Basic) -> list[sp.Basic]:
    """The arrays ``expr`` computes from, each drawn as a node of its own; scalar parts stay in its label."""
    parts: list[sp.Basic] = []
    for operand in _operands(expr):
        if not operand.free_symbols or _named(operand):
            continue
        if _is_array(operand):
            parts.append(operand)
        else:
            parts.extend(part for part in _array_parts(operand) if part not in parts)
    return parts


def _placeholder(operand: sp.Basic) -> sp.Basic:
    rows, columns = cast(tuple[Any, Any], operand.shape)  # an array: _is_array
    return sp.MatrixSymbol(PLACEHOLDER, rows, columns)


def _operation(
    dot: Any,
    expr: sp.Basic,
    ids: dict[sp.Basic, str],
    graph: Graph,
    numbers: _Numbers | None,
    name: str | None = None,
) -> str:
    """Draw the node of ``expr`` (after the nodes of the arrays it is computed from); returns its id."""
    if expr in ids:
        return ids[expr]
    parts = _array_parts(expr)
    sources = [_operation(dot, part, ids, graph, numbers) for part in parts]
    sources += sorted({ids[symbol] for symbol in _names_in(expr, parts) if symbol in ids} - set(sources))
    written = to_unicode(expr.xreplace({part: _placeholder(part) for part in parts}))
    shape = dims_text(getattr(expr, "shape", ()))
    title = (f"{unicode_name(name)} = " if name else "") + written + (f": {shape}" if shape else "")
    node_id = name or f"op{len(ids)}"
    dot.node(node_id, _label(title, numbers, name), shape="box", style="rounded", **_output_style(graph, node_id))
    ids[expr] = node_id
    for source in sources:
        dot.edge(source, node_id)
    return node_id


def _names_in(expr: sp.Basic, parts: list[sp.Basic]) -> set[sp.Basic]:
    """The inputs and intermediates ``expr`` uses itself, outside the array parts drawn as their own nodes."""
    found: set[sp.Basic] = set()
    for operand in _operands(expr):
        if operand in parts:
            continue
        if isinstance(operand, sp.Symbol | sp.MatrixSymbol):
            found.add(operand)
        else:
            found |= _names_in(operand, parts)
    return found
