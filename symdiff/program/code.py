"""The code of a program's backprop: one Python function running the forward pass under the program's own
names, then returning the value with the gradients by the inputs (``Program.code``, ``symdiff backprop
--format numpy``).

It is ``evaluate.code``'s printer, as for one formula (``Result.code``): the definitions the output needs,
in order, each computed once under its name, then each gradient as the chain rule writes it through those
names (``Program.derive``), returned as ``value, {"A": gradient by A, "x": gradient by x}``, with a
``check_gradient`` comparing every gradient by an input with finite differences of the value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import sympy as sp

from ..errors import SymdiffError
from ..evaluate.code import GradientCheck, Signature, backend_name, source
from ..evaluate.plan import plan_all
from ..model.algebra import entries
from ..result import is_column, wrt_steps
from .backprop import scalar_output
from .graph import Node
from .printing import to_text

if TYPE_CHECKING:
    from .programs import Program


def backprop_code(program: Program, backend: str, wrt: str | Sequence[str] | None) -> str:
    """The module text of ``f_and_grads(<inputs>)`` for ``backend``: the value, and the gradients by ``wrt``
    (names; default every input) as a dict by name."""
    backend = backend_name(backend)
    graph = program.graph
    names = list(graph.inputs) if wrt is None else [name for step in wrt_steps(wrt) for name in step]
    for name in names:
        program.target(name)
        if name not in graph.symbols:
            raise SymdiffError(
                f"'{name}': code export gives gradients by whole names", hint="give the name of an input, e.g. W"
            )
    value = scalar_output(graph, program.value, program.output or "formula")
    gradients = [program.derive(name).sympy for name in names]
    nodes = _needed(graph.nodes, [value, *gradients])
    shown = frozenset(graph.owner)
    output = program.output or to_text(value)
    doc = [f"The value of {output} and its gradients by {', '.join(names)}, as a dict by name.", ""]
    doc += [f"{node.name} = {to_text(node.expr, shown)}" for node in nodes]
    doc += [f"grad_{name} = {to_text(gradient, shown)}" for name, gradient in zip(names, gradients)]
    signature = Signature(
        "f_and_grads",
        graph.inputs,
        {name: graph.symbols[name] for name in graph.inputs},
        [("value", False), *((f"grad_{name}", is_column(g)) for name, g in zip(names, gradients))],
        "\n".join(doc),
        {node.name: node.symbol for node in nodes},
        tuple(names),
    )
    checked = tuple(name for name in names if name in graph.inputs)
    plan = plan_all([*(node.expr for node in nodes), value, *gradients])
    return source(plan, signature, backend, GradientCheck(checked) if checked else None)


def _needed(nodes: Sequence[Node], exprs: list[sp.Basic]) -> list[Node]:
    """The nodes ``exprs`` read, directly or through other nodes, in definition order."""
    wanted = set().union(*(expr.free_symbols for expr in exprs))
    kept = []
    for node in reversed(nodes):
        if wanted & set(entries(node.symbol)):
            kept.append(node)
            wanted |= node.expr.free_symbols
    return kept[::-1]
