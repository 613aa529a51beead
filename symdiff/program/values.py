"""Reading the values a forward pass starts from: ``x1=1, x2=-1, A=[[1, 2], [3, 4]]``.

Read with the plain grammar (its ``bindings`` start rule), never ``eval``:
each value is a constant formula (numbers, ``pi``, ``[...]`` literals,
functions of numbers), built by the model's own builder. Values are exact:
``0.1`` is one tenth.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from ..errors import EvaluationError, SymdiffError, did_you_mean
from ..model.build import Builder
from ..model.canonical import canonical
from ..parse import ast
from ..parse.plain import parse_bindings

Value = sp.Basic
"""An exact SymPy number, or an explicit matrix of them."""


def read_values(text: str) -> dict[str, Value]:
    """``"x1=1, x2=-1"`` -> {"x1": 1, "x2": -1}, exact; an error pointing at anything that is not a number."""
    try:
        definitions = parse_bindings(text)
        values: dict[str, Value] = {}
        for definition in definitions:
            if definition.name in values:
                raise EvaluationError(f"{definition.name} is given twice", span=definition.name_span)
            values[definition.name] = _constant(definition.value, text)
    except SymdiffError as exc:
        raise exc.at(text) from None
    return values


def _constant(tree: ast.Node, text: str) -> Value:
    for node in tree.walk():
        if isinstance(node, ast.Name) and node.id != "pi":
            raise EvaluationError(
                f"a value must be a number, not the name {node.id}", span=node.span, hint="write e.g. x1=1, A=[[1, 2], [3, 4]]"
            )
    value = canonical(Builder(text, {}).build(tree))
    entries = list(value) if isinstance(value, sp.MatrixBase) else [value]
    if not all(entry.is_number and entry.is_real for entry in entries):
        raise EvaluationError("a value must be a real number", span=tree.span)  # type: ignore[attr-defined]
    return value


def as_values(values: str | Mapping[str, object]) -> dict[str, Value]:
    """Values given as text (``--at``) or as a mapping of numbers, lists or arrays, made exact."""
    if isinstance(values, str):
        return read_values(values)
    exact: dict[str, Value] = {}
    for name, value in values.items():
        if isinstance(value, sp.Basic):
            exact[name] = value
            continue
        try:
            array = sp.ImmutableMatrix(value) if not isinstance(value, int | float) else None
        except (TypeError, ValueError):
            array = None
        if isinstance(value, int | float):
            exact[name] = sp.nsimplify(value, rational=True) if isinstance(value, float) else sp.Integer(value)
        elif array is not None:
            exact[name] = array.applyfunc(lambda v: sp.nsimplify(v, rational=True))
        else:
            raise EvaluationError(f"the value of {name} is not a number or an array of numbers")
    return exact


def unknown_name(name: str, known: list[str]) -> EvaluationError:
    return EvaluationError(
        f"{name} is not an input of the program",
        hint=did_you_mean(name, known) or f"its inputs are {', '.join(known)}",
    )
