"""The evaluate stage: numbers. Evaluate a formula or a derivative with NumPy.

Users pass arrays by variable name, as NumPy users hold them (vectors 1-D);
this module converts them with ``model.numbers.floats`` (numbers only; text
through symdiff's grammar, never Python), checks them against the formula's shapes, binds symbolic dims
from them, and returns NumPy values (vectors 1-D again, scalars as floats).
The expression is compiled once by ``evaluate.numpy``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import sympy as sp

from ..errors import EvaluationError
from ..model import Formula
from ..model.build import dim_symbol
from ..model.numbers import floats
from .numpy import compile_expr

ArrayLike = float | int | np.ndarray | list


def bind(formula: Formula, values: Mapping[str, ArrayLike]) -> dict[sp.Basic, object]:
    """The environment for the compiled expression: symbols and dims -> numbers."""
    missing = sorted(set(formula.variables) - set(values))
    if missing:
        raise EvaluationError(f"missing value for {', '.join(missing)}", hint="pass every variable of the formula")
    unknown = sorted(set(values) - set(formula.variables))
    if unknown:
        raise EvaluationError(
            f"{', '.join(unknown)} is not a variable of the formula",
            hint=f"its variables are {', '.join(formula.variables)}",
        )
    env: dict[sp.Basic, object] = {}
    dims: dict[str, int] = {}
    for name, shape in formula.variables.items():
        value = _floats(values[name], name)
        symbol = formula.symbols[name]
        if not shape:  # scalar: the shape is ()
            if value.shape != ():
                raise EvaluationError(f"{name} is a scalar, got an array of shape {value.shape}")
            env[symbol] = float(value)
            continue
        if value.ndim == 1 and shape[1] == 1:
            value = value.reshape(-1, 1)
        if value.ndim != 2:
            raise EvaluationError(
                f"{name} needs {len(shape) if shape[1] != 1 else 1} dimension(s), got shape {value.shape}"
            )
        for dim, size in zip(shape, value.shape):
            expected = dim if isinstance(dim, int) else dims.setdefault(dim, size)
            if expected != size:
                raise EvaluationError(
                    f"{name} has shape {value.shape[0] if shape[1] == 1 else value.shape}, "
                    f"but its dim {dim} is {expected} elsewhere"
                )
        if isinstance(symbol, sp.MatrixBase):
            env.update((entry, float(v)) for entry, v in zip(symbol, value.ravel()))
        else:
            env[symbol] = value
    env.update((dim_symbol(name), size) for name, size in dims.items())
    return env


def _floats(value: object, name: str) -> np.ndarray:
    """``floats(value)``, with float arrays let through by one dot product: a sum of squares is finite only if
    every entry is, and it reads the array once without the boolean array ``isfinite`` builds (at n = 1000 the
    check otherwise costs as much as a gradient of ½‖Ax‖²). An array failing it goes to ``floats``, which
    says which entry is not a number, or passes it if the sum only overflowed."""
    if isinstance(value, np.ndarray) and value.dtype == np.float64 and value.ndim in (1, 2) and value.size:
        flat = value.reshape(-1)
        with np.errstate(over="ignore"):
            if np.isfinite(np.dot(flat, flat)):
                return value
    return floats(value, name)


def output(value: object) -> object:
    """Column vectors back to 1-D; 0-d arrays to floats; tuples item by item."""
    if isinstance(value, tuple):
        return tuple(output(item) for item in value)
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return float(array)
    if array.ndim == 2 and array.shape[1] == 1:
        return array[:, 0]
    return array


def compile_for(formula: Formula, expr: sp.Basic) -> Callable[..., object]:
    """``f(**values)`` computing ``expr`` for the variables of ``formula``; compiled once."""
    compiled = compile_expr(expr)
    scalars = [symbol for symbol in expr.free_symbols if not getattr(symbol, "is_Matrix", False)]

    def evaluate(**values: ArrayLike) -> object:
        env = bind(formula, values)
        unsized = sorted(str(symbol) for symbol in scalars if symbol not in env)
        if unsized:  # a dim used only by eye(n), ones(n) or as a number: no array gives its size
            raise EvaluationError(
                f"no value gives the size {', '.join(unsized)}: no array of the formula has that dimension",
                hint="declare the dimension as a number (e.g. --shape x=3), or pass an array of that size",
            )
        with np.errstate(all="ignore"):
            return output(compiled(env))

    return evaluate
