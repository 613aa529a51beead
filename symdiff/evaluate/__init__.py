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
from .finite import vouches
from .numpy import PLANS_KEPT, Runner, compile_expr
from .plan import dims_of

ArrayLike = float | int | np.ndarray | list


class Binder:
    """How values given by name become a plan's inputs, worked out once per formula and once per set of shapes:
    a call then only looks its shapes up, checks the small arrays and runs (at n = 100 this is most of a call)."""

    def __init__(self, formula: Formula, expr: sp.Basic) -> None:
        self.formula = formula
        self.compiled = compile_expr(expr)
        own = {str(dim): dim for dim in dims_of(expr)}  # the expression's own dim objects: lookups by identity
        self.dims = {
            dim: own.get(dim) or dim_symbol(dim)
            for shape in formula.variables.values()
            for dim in shape
            if isinstance(dim, str)
        }
        symbols = {symbol: symbol for symbol in expr.free_symbols | expr.atoms(sp.MatrixSymbol)}
        self.names = formula.variables.keys()
        self.order = tuple(self.names)
        self.variables = [
            (name, symbols.get(formula.symbols[name], formula.symbols[name]), shape)
            for name, shape in formula.variables.items()
        ]
        bound = set(self.dims.values()) | {symbol for _, symbol, _ in self.variables}
        bound |= {entry for _, symbol, _ in self.variables if isinstance(symbol, sp.MatrixBase) for entry in symbol}
        scalars = [symbol for symbol in expr.free_symbols if not getattr(symbol, "is_Matrix", False)]
        self.unsized = sorted(str(symbol) for symbol in scalars if symbol not in bound)
        self.shapes: dict[tuple[tuple[int, ...], ...], Bound] = {}

    def __call__(self, **values: ArrayLike) -> object:
        """The value of the expression at ``values``."""
        if values.keys() != self.names:
            self._names(values)
        arrays: list = [values[name] for name in self.order]
        for k, given in enumerate(arrays):
            if type(given) is not np.ndarray or given.dtype is not FLOAT:
                arrays[k] = floats(given, self.order[k])  # converted and checked
        bound = self.shapes.get(tuple([array.shape for array in arrays]))
        if bound is None:
            bound = self._bind(arrays)
        return output(self._run(bound, arrays))

    @np.errstate(all="ignore")  # the checks' sums of squares may overflow; so may the plan's steps
    def _run(self, bound: Bound, arrays: list) -> object:
        """The plan's result for arrays of the shapes ``bound`` was made for, the arrays checked as it says."""
        for k in bound.checked:
            _checked(arrays[k], self.order[k])
        inputs = arrays.copy()  # as the plan takes them; the arrays as given, for the checks' messages
        for k in bound.columns:
            inputs[k] = arrays[k].reshape(-1, 1)
        for k in bound.scalars:
            inputs[k] = float(arrays[k])
        for k in bound.components:
            inputs += arrays[k].ravel().tolist()
        try:
            result = bound.runner(inputs)
        except EvaluationError:  # a NaN in an input can make a matrix look singular: name it instead
            self._check(bound.vouched, arrays)
            raise
        if bound.vouched and not vouches(result, bound.vouched_size):
            self._check(bound.vouched, arrays)  # the result is not finite, or larger than the inputs
        return result

    def _check(self, which: tuple[int, ...], arrays: list) -> None:
        for k in which:
            _checked(arrays[k], self.order[k])

    def _bind(self, arrays: list[np.ndarray]) -> Bound:
        """The inputs for these shapes: the shapes checked against the formula's, the dims' sizes found, the plan
        for the sizes, and which arrays are checked before the run."""
        sizes: dict[str, int] = {}
        slots: dict[sp.Basic, int] = {}
        columns, scalars, components, entries = [], [], [], len(arrays)
        for k, (name, symbol, shape) in enumerate(self.variables):
            value = arrays[k]
            if value.ndim > 2 or value.size == 0:
                floats(value, name)  # its error: too many dimensions, or empty
            if not shape:  # scalar: the shape is ()
                if value.shape != ():
                    raise EvaluationError(f"{name} is a scalar, got an array of shape {value.shape}")
                scalars.append(k)
                slots[symbol] = k
                continue
            if value.ndim == 1 and shape[1] == 1:
                columns.append(k)
            elif value.ndim != 2:
                raise EvaluationError(
                    f"{name} needs {len(shape) if shape[1] != 1 else 1} dimension(s), got shape {value.shape}"
                )
            for dim, size in zip(shape, value.shape if value.ndim == 2 else (value.size, 1)):
                expected = dim if isinstance(dim, int) else sizes.setdefault(dim, size)
                if expected != size:
                    raise EvaluationError(
                        f"{name} has shape {value.shape[0] if shape[1] == 1 else value.shape}, "
                        f"but its dim {dim} is {expected} elsewhere"
                    )
            if isinstance(symbol, sp.MatrixBase):  # component form: each entry a number of its own
                components.append(k)
                slots.update((entry, entries + i) for i, entry in enumerate(symbol))
                entries += value.size
            else:
                slots[symbol] = k
        if self.unsized:  # a dim used only by eye(n), ones(n) or as a number: no array gives its size
            raise EvaluationError(
                f"no value gives the size {', '.join(self.unsized)}: no array of the formula has that dimension",
                hint="declare the dimension as a number (e.g. --shape x=3), or pass an array of that size",
            )
        known = {self.dims[dim]: size for dim, size in sizes.items()}
        runner = self.compiled.runner(known)
        vouched = tuple(k for k, (_, symbol, shape) in enumerate(self.variables) if shape and symbol in runner.vouched)
        if len(self.shapes) >= PLANS_KEPT:
            self.shapes.clear()
        bound = self.shapes[tuple(array.shape for array in arrays)] = Bound(
            runner.specialised(slots, known),
            tuple(k for k in range(len(arrays)) if k not in vouched),
            vouched,
            sum(arrays[k].size for k in vouched),
            tuple(columns),
            tuple(scalars),
            tuple(components),
        )
        return bound

    def _names(self, values: Mapping[str, ArrayLike]) -> None:
        missing = sorted(set(self.formula.variables) - set(values))
        if missing:
            raise EvaluationError(f"missing value for {', '.join(missing)}", hint="pass every variable of the formula")
        unknown = sorted(set(values) - set(self.formula.variables))
        raise EvaluationError(
            f"{', '.join(unknown)} is not a variable of the formula",
            hint=f"its variables are {', '.join(self.formula.variables)}",
        )


FLOAT = np.dtype(np.float64)
"""The dtype of arrays used as given (NumPy's one native float64 descriptor); any other value goes through
``floats``."""


class Bound(NamedTuple):
    """What a call with given shapes does, worked out on the first such call (arrays by their variable's index)."""

    runner: Runner
    checked: tuple[int, ...]
    """The arrays checked before the run: scalars, and the arrays the result does not vouch for."""
    vouched: tuple[int, ...]
    """The arrays a finite result vouches for (``evaluate.finite``), checked only when it is not finite."""
    vouched_size: int
    """Their entries: a result with more entries is no cheaper to check than they are, so they are checked."""
    columns: tuple[int, ...]
    """1-D vectors, given to the plan as columns."""
    scalars: tuple[int, ...]
    """Scalars, given to the plan as floats."""
    components: tuple[int, ...]
    """Arrays of component form, whose entries the plan takes one by one (appended after the arrays)."""


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
    if type(value) is np.ndarray and value.ndim == 2 and value.dtype is FLOAT:  # most results, as they are
        return value[:, 0] if value.shape[1] == 1 else value
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
    return Binder(formula, expr)
