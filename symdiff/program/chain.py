"""The chain rule through a program's graph: reverse mode over definitions.

Each node's upstream gradient (the derivative of the output by the node's
value, holding its own inputs fixed) is accumulated from the nodes that use
it, then handed on to what its definition uses: a vector-Jacobian product
(``derive.matrix.gradient``) in matrix form, upstream times SymPy's scalar
partial in component form. Only nodes that depend on the target take part.
``derivative`` is the plain rule ``derive.differentiate`` takes for a program:
derive's Jacobian (``matrix.jacobian``) and component arrangement
(``components.derivative``), fed by this backward pass instead of by the
formula's own, so refusals, layouts and symmetric matrices are derive's.
Local derivatives are re-expressed through the nodes' names, so the local
derivative of s1 = sigmoid(a*r1) by a reads r1*s1*(1 - s1), as worksheets
write it.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import sympy as sp

from ..derive import components, matrix
from ..derive.matrix import gradient
from ..derive.tidy import tidy
from ..model.algebra import entries
from ..model.functions import diff
from ..model.nodes import BOUND, Elementwise
from ..model.walk import rebind, scope
from .graph import Graph

MAX_PATHS = 16
"""Most paths a step-by-step derivation lists; beyond, it shows each node's upstream gradient."""


def dependents(graph: Graph, target: sp.Basic) -> set[sp.Basic]:
    """The graph's values that change with ``target`` (an input, component or intermediate)."""
    targets = set(target) if isinstance(target, sp.MatrixBase) else {target}
    found: set[sp.Basic] = set()
    for symbol, expr in graph.scalar_nodes.items():
        if any(expr.has(t) for t in targets | found):
            found.add(symbol)
    return found - targets


def uses(graph: Graph, expr: sp.Basic, candidates: set[sp.Basic]) -> list[sp.Basic]:
    """The candidates ``expr`` refers to directly, in definition order (inputs last)."""
    order = list(graph.scalar_nodes)
    free = expr.free_symbols
    present = [c for c in candidates if (c in free if isinstance(c, sp.Symbol | sp.MatrixSymbol) else expr.has(c))]
    return sorted(present, key=lambda c: order.index(c) if c in graph.scalar_nodes else len(order))


def local(graph: Graph, expr: sp.Basic, upstream: sp.Basic, wrt: sp.Basic) -> sp.Basic | None:
    """What ``upstream`` at ``expr`` contributes to ``wrt``, the others held fixed, named through the nodes."""
    if graph.form == "component":
        part = upstream * diff(expr, wrt)
    else:
        part = gradient(expr, upstream, wrt)
        if part is None:
            return None
    return rename(graph, part)


def rename(graph: Graph, expr: sp.Basic) -> sp.Basic:
    """Subexpressions equal to a node's definition written as the node's name."""
    named = expr.xreplace(graph.names)
    if graph.form == "matrix":
        named = named.replace(lambda n: isinstance(n, Elementwise), lambda n: _rename_entrywise(graph, n))
    return named


def _rename_entrywise(graph: Graph, node: Elementwise) -> sp.Basic:
    """In an entrywise body, h = f(W*x)'s body f(_t) over the same operand becomes h's entries."""
    body, operands = node.body, list(node.operands)
    for expr, symbol in graph.names.items():
        if not isinstance(expr, Elementwise) or not all(op in operands for op in expr.operands):
            continue
        inner = rebind(expr.body, {BOUND[i]: BOUND[operands.index(op)] for i, op in enumerate(expr.operands)})
        if inner in set(scope(body)):
            operands.append(symbol)
            body = rebind(body, {inner: BOUND[len(operands) - 1]})
    used = [i for i, op in enumerate(operands) if BOUND[i] in body.free_symbols]
    if len(used) == len(operands):
        return Elementwise(body, tuple(operands)) if body not in BOUND else operands[BOUND.index(body)]
    body = rebind(body, {BOUND[i]: BOUND[k] for k, i in enumerate(used)})
    kept = tuple(operands[i] for i in used)
    return kept[BOUND.index(body)] if body in BOUND else Elementwise(body, kept)


def backward(graph: Graph, value: sp.Basic, seed: sp.Basic, target: sp.Basic | None) -> dict[sp.Basic, sp.Basic]:
    """Every upstream gradient on the way from ``value`` (with gradient ``seed``) to ``target``.

    Without a target: the upstream gradient of every node and every input.
    """
    if target is None:
        relevant = set(graph.scalar_nodes)
        candidates = relevant | {s for name in graph.inputs for s in entries(graph.symbols[name])}
    else:
        relevant = dependents(graph, target)
        candidates = relevant | {target}
    upstream: dict[sp.Basic, sp.Basic] = {}

    def send(expr: sp.Basic, gradient_here: sp.Basic) -> None:
        for used in uses(graph, expr, candidates):
            part = local(graph, expr, gradient_here, used)
            if part is not None:
                upstream[used] = part if used not in upstream else _add(upstream[used], part)

    send(value, seed)
    for symbol in reversed([s for s in graph.scalar_nodes if s in relevant]):
        if symbol in upstream:
            send(graph.scalar_nodes[symbol], upstream[symbol])
    return upstream


def _add(a: sp.Basic, b: sp.Basic) -> sp.Basic:
    total = a + b
    return total.doit(deep=False) if isinstance(total, sp.MatAdd) else total


def derivative(graph: Graph, value: sp.Basic, target: sp.Basic) -> sp.Basic:
    """∂value/∂target through the graph, arranged as ``derive`` arranges a formula's (a gradient in the
    target's shape, or a Jacobian): the plain rule ``derive.differentiate`` takes for a program."""
    if graph.form == "component":
        return components.derivative(value, target, partial(_partial, graph))
    if not getattr(value, "is_Matrix", False):
        return tidy(matrix.scalar_derivative(value, target, partial(_pullback, graph)))
    return tidy(matrix.jacobian(value, target, partial(_pullback, graph)))


def _partial(graph: Graph, scalar: sp.Basic, entry: sp.Basic) -> sp.Basic:
    """∂scalar/∂entry through the graph (component form)."""
    return backward(graph, scalar, sp.S.One, entry).get(entry, sp.S.Zero)


def _pullback(graph: Graph, value: sp.Basic, upstream: sp.Basic, target: sp.Basic) -> sp.Basic | None:
    """What ``upstream`` at ``value`` contributes to ``target`` through the graph; None if nothing."""
    return backward(graph, value, upstream, target).get(target)


def paths(graph: Graph, root: sp.Basic, target: sp.Basic) -> Iterator[tuple[sp.Basic, ...]]:
    """Every chain root -> ... -> target through the nodes, each a tuple of symbols; at most MAX_PATHS + 1."""
    relevant = dependents(graph, target) | {target}
    count = 0
    stack: list[tuple[sp.Basic, ...]] = [(root,)] if root in relevant else []
    while stack and count <= MAX_PATHS:
        path = stack.pop()
        if path[-1] == target:
            count += 1
            yield path
            continue
        following = uses(graph, graph.scalar_nodes[path[-1]], relevant)
        stack.extend((*path, step) for step in reversed(following))
