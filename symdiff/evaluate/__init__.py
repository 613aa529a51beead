"""The evaluate stage: numbers. Evaluate a formula or a derivative with NumPy.

Users pass arrays by variable name, as NumPy users hold them (vectors 1-D);
this module converts them with ``model.numbers.floats`` (numbers only; text
through symdiff's grammar, never Python), checks them against the formula's shapes, binds symbolic dims
from them, and returns NumPy values (vectors 1-D again, scalars as floats).
The expression is planned once per set of sizes (``evaluate.plan``) and run by ``evaluate.numpy``;
``evaluate.code`` prints the same plans as Python source.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

import numpy as np
import sympy as sp

from ..errors import EvaluationError
from ..model import Formula
from ..model.build import dim_symbol
from ..model.numbers import floats
from .finite import count, is_finite
from .numpy import compile_expr
from .plan import dims_of

ArrayLike = float | int | np.ndarray | list


class Binder:
    """How values given by name become a plan's environment, worked out once per formula: each call then only
    converts, checks and files the arrays (at n = 100 this is most of the time of a call)."""

    def __init__(self, formula: Formula, expr: sp.Basic) -> None:
        self.formula = formula
        own = {str(dim): dim for dim in dims_of(expr)}  # the expression's own dim objects: lookups by identity
        self.dims = {
            dim: own.get(dim) or dim_symbol(dim)
            for shape in formula.variables.values()
            for dim in shape
            if isinstance(dim, str)
        }
        symbols = {symbol: symbol for symbol in expr.free_symbols | expr.atoms(sp.MatrixSymbol)}
        self.names = formula.variables.keys()
        self.variables = [
            (name, symbols.get(formula.symbols[name], formula.symbols[name]), shape)
            for name, shape in formula.variables.items()
        ]
        bound = set(self.dims.values()) | {symbol for _, symbol, _ in self.variables}
        bound |= {entry for _, symbol, _ in self.variables if isinstance(symbol, sp.MatrixBase) for entry in symbol}
        scalars = [symbol for symbol in expr.free_symbols if not getattr(symbol, "is_Matrix", False)]
        self.unsized = sorted(str(symbol) for symbol in scalars if symbol not in bound)

    def __call__(self, values: Mapping[str, ArrayLike]) -> tuple[dict[sp.Basic, object], list[Deferred]]:
        """The environment for the compiled expression (symbols and dims -> numbers), and the large float
        arrays in it whose check is left to the caller (``compile_for``)."""
        if values.keys() != self.names:
            self._names(values)
        env: dict[sp.Basic, object] = {}
        sizes: dict[str, int] = {}
        deferred: list[Deferred] = []
        for name, symbol, shape in self.variables:
            given = values[name]
            if not (isinstance(given, np.ndarray) and _plain(given)):
                value = floats(given, name)
            elif given.size < LARGE:
                value = _checked(given, name)
            else:
                value = given
                deferred.append(Deferred(name, symbol, value))
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
                expected = dim if isinstance(dim, int) else sizes.setdefault(dim, size)
                if expected != size:
                    raise EvaluationError(
                        f"{name} has shape {value.shape[0] if shape[1] == 1 else value.shape}, "
                        f"but its dim {dim} is {expected} elsewhere"
                    )
            if isinstance(symbol, sp.MatrixBase):
                env.update((entry, float(v)) for entry, v in zip(symbol, value.ravel()))
            else:
                env[symbol] = value
        for dim, size in sizes.items():
            env[self.dims[dim]] = size
        return env, deferred

    def _names(self, values: Mapping[str, ArrayLike]) -> None:
        missing = sorted(set(self.formula.variables) - set(values))
        if missing:
            raise EvaluationError(f"missing value for {', '.join(missing)}", hint="pass every variable of the formula")
        unknown = sorted(set(values) - set(self.formula.variables))
        raise EvaluationError(
            f"{', '.join(unknown)} is not a variable of the formula",
            hint=f"its variables are {', '.join(self.formula.variables)}",
        )


LARGE = 4096
"""Entries from which an array's check may be left to the result's (``evaluate.finite``): a smaller one is checked
at once, which costs a few microseconds."""


class Deferred(NamedTuple):
    """A large float array bound unchecked: the result vouches for it, or it is checked before the plan runs."""

    name: str
    symbol: sp.Basic
    array: np.ndarray

    def check(self) -> None:
        """``floats``' check: an error naming the first entry that is not a finite number."""
        _checked(self.array, self.name)


def _plain(value: np.ndarray) -> bool:
    """A float array of a vector's or a matrix's rank, checked here rather than converted by ``floats``."""
    return value.dtype == np.float64 and value.ndim in (1, 2) and value.size > 0


def _checked(array: np.ndarray, name: str) -> np.ndarray:
    """``array`` if its entries are finite: a sum of squares is finite only if every entry is, and one dot product
    reads the array once without the boolean array ``isfinite`` builds. An array failing it goes to ``floats``, which
    says which entry is not a number, or passes it if the sum only overflowed."""
    flat = array.reshape(-1)
    if not np.isfinite(np.dot(flat, flat)):  # overflow warnings are off (``compile_for``)
        floats(array, name)
    return array


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
    """``f(**values)`` computing ``expr`` for the variables of ``formula``; planned once per set of sizes."""
    compiled = compile_expr(expr)
    bind = Binder(formula, expr)

    def evaluate(**values: ArrayLike) -> object:
        with np.errstate(all="ignore"):
            env, deferred = bind(values)
            if bind.unsized:  # a dim used only by eye(n), ones(n) or as a number: no array gives its size
                raise EvaluationError(
                    f"no value gives the size {', '.join(bind.unsized)}: no array of the formula has that dimension",
                    hint="declare the dimension as a number (e.g. --shape x=3), or pass an array of that size",
                )
            runner = compiled.runner(env)
            vouched = [array for array in deferred if array.symbol in runner.vouched]
            for array in deferred:
                if array.symbol not in runner.vouched:
                    array.check()
            try:
                result = runner(env)
            except EvaluationError:  # a NaN in an input can make a matrix look singular: name it instead
                for array in vouched:
                    array.check()
                raise
            if vouched and (count(result) > sum(a.array.size for a in vouched) or not is_finite(result)):
                for array in vouched:  # the result is larger than the inputs, or not finite: check them
                    array.check()
            return output(result)

    return evaluate
