"""Reading the values a forward pass starts from: ``x1=1, x2=-1, A=[[1, 2], [3, 4]]``.

Read with the plain grammar (its ``bindings`` start rule), never ``eval``:
each value is a constant formula (numbers, ``pi``, ``[...]`` literals,
functions of numbers), built by the model's own builder. Values are exact:
``0.1`` is one tenth. Values given from Python as a mapping go through
``model.numbers``, the converter every user value goes through.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

import sympy as sp

from ..errors import EvaluationError, SymdiffError, did_you_mean
from ..model.numbers import constant, exact
from ..parse.plain import parse_bindings

Value: TypeAlias = sp.Basic
"""An exact SymPy number, or an explicit matrix of them."""


def read_values(text: str) -> dict[str, Value]:
    """``"x1=1, x2=-1"`` -> {"x1": 1, "x2": -1}, exact; an error pointing at anything that is not a number."""
    try:
        definitions = parse_bindings(text)
        values: dict[str, Value] = {}
        for definition in definitions:
            if definition.name in values:
                raise EvaluationError(f"{definition.name} is given twice", span=definition.name_span)
            values[definition.name] = constant(definition.value, text)
    except SymdiffError as exc:
        raise exc.at(text) from None
    return values


def as_values(values: str | Mapping[str, object]) -> dict[str, Value]:
    """Values given as text (``--at``) or as a mapping of numbers, lists or arrays, made exact.

    A mapping's values go through ``model.numbers.exact``, symdiff's one converter of user values.
    """
    if isinstance(values, str):
        return read_values(values)
    if not isinstance(values, Mapping):
        raise EvaluationError(
            f"values must be text such as 'x=1, y=2' or a mapping of names to numbers, not {type(values).__name__}",
            hint="e.g. {'x': 1, 'A': [[1, 2], [3, 4]]}",
        )
    exact_values: dict[str, Value] = {}
    for name, value in values.items():
        if not isinstance(name, str):
            raise EvaluationError(f"a name must be text, not {type(name).__name__}", hint="e.g. {'x': 1}")
        exact_values[name] = exact(value, name)
    return exact_values


def unknown_name(name: str, known: list[str]) -> EvaluationError:
    return EvaluationError(
        f"{name} is not an input of the program",
        hint=did_you_mean(name, known) or f"its inputs are {', '.join(known)}",
    )
