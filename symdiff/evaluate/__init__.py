"""The evaluate stage: numbers. Evaluate a formula or a derivative with NumPy.

Users pass arrays by variable name, as NumPy users hold them (vectors 1-D);
this module converts them with ``model.numbers.floats`` (numbers only; text
through symdiff's grammar, never Python), checks them against the formula's shapes (once per set of shapes),
binds symbolic dims from them, and returns NumPy values (vectors 1-D again, scalars as floats).
The expression is planned once per set of sizes (``evaluate.plan``) and run by ``evaluate.numpy``;
``evaluate.code`` prints the same plans as Python source.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..errors import EvaluationError
from ..model import Formula
from ..model.build import dim_symbol
from ..model.numbers import floats
from .finite import count, is_finite
from .numpy import PLANS_KEPT, Runner, compile_expr
from .plan import dims_of

ArrayLike = float | int | np.ndarray | list


class Binder:
    """``f(**values)``: how values given by name become a plan's inputs, worked out once per formula and once per
    set of shapes (``Bound``), so that a call only converts what is not a float array, looks its shapes up, runs
    the plan and checks the arrays as the ``Bound`` says (at n = 100 the Python of a call was most of its time)."""

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
        self._check(bound.checked, arrays)
        inputs = arrays.copy()  # as the plan takes them; the arrays as given, for the checks' messages
        for k in bound.columns:
            inputs[k] = arrays[k].reshape(-1, 1)
        for k in bound.scalars:
            inputs[k] = float(arrays[k])
        for k in bound.components:
            inputs += arrays[k].ravel().tolist()
        try:
            registers = bound.runner.registers(inputs)
        except EvaluationError:  # a NaN in an input can make a matrix look singular: name it instead
            self._check(bound.deferred, arrays)
            raise
        witnesses = bound.witnesses
        if witnesses is None:  # the first run with these shapes: now the sizes of the values are known
            witnesses = bound.witnesses = bound.choose(registers)
        for reg, vouched in witnesses:
            if not is_finite(registers[reg]):  # an input is not finite, or the value overflowed: the inputs say
                self._check(vouched, arrays)
        return registers[bound.runner.output]

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
        witnesses = runner.witnesses
        deferred = [k for k, (_, symbol, shape) in enumerate(self.variables) if len(witnesses.get(symbol, ())) > 1]
        if len(self.shapes) >= PLANS_KEPT:
            self.shapes.clear()
        bound = self.shapes[tuple(array.shape for array in arrays)] = Bound(
            runner.specialised(slots, known),
            tuple(k for k in range(len(arrays)) if k not in deferred),
            {k: witnesses[self.variables[k][1]] for k in deferred},
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


@dataclass(slots=True)
class Bound:
    """What a call with given shapes does, worked out on the first such call (arrays by their variable's index)."""

    runner: Runner
    checked: tuple[int, ...]
    """The arrays checked before the run: scalars, and arrays that reach no other value through strict steps."""
    candidates: dict[int, tuple[int, ...]]
    """The other arrays -> the registers whose finite value vouches for the array (``evaluate.finite``), its own
    first: each is checked after the run through the smallest of them."""
    columns: tuple[int, ...]
    """1-D vectors, given to the plan as columns."""
    scalars: tuple[int, ...]
    """Scalars, given to the plan as floats."""
    components: tuple[int, ...]
    """Arrays of component form, whose entries the plan takes one by one (appended after the arrays)."""
    witnesses: tuple[tuple[int, tuple[int, ...]], ...] | None = None
    """(register, the arrays it vouches for) for each register checked after the run; set on the first run."""

    @property
    def deferred(self) -> tuple[int, ...]:
        """The arrays checked after the run."""
        return tuple(self.candidates)

    def choose(self, registers: list) -> tuple[tuple[int, tuple[int, ...]], ...]:
        """The smallest witness of each deferred array, the array itself when no value vouching for it is smaller
        (A*x, n entries, for A in A.T*(A*x)); between witnesses as small, one that vouches for more arrays."""
        smallest: dict[int, list[int]] = {}
        for k, regs in self.candidates.items():
            least = min(count(registers[reg]) for reg in regs)
            smallest[k] = [reg for reg in regs if count(registers[reg]) == least]
        chosen: list[tuple[int, tuple[int, ...]]] = []
        while smallest:
            shared = Counter(reg for regs in smallest.values() for reg in regs)
            reg = max(shared, key=shared.__getitem__)
            chosen.append((reg, tuple(k for k, regs in smallest.items() if reg in regs)))
            smallest = {k: regs for k, regs in smallest.items() if reg not in regs}
        return tuple(chosen)


def _checked(array: np.ndarray, name: str) -> np.ndarray:
    """``array`` if its entries are finite: a sum of squares is finite only if every entry is, and one dot product
    reads the array once without the boolean array ``isfinite`` builds. An array failing it goes to ``floats``, which
    says which entry is not a number, or passes it if the sum only overflowed."""
    flat = array.reshape(-1)
    if not math.isfinite(np.dot(flat, flat)):  # overflow warnings are off (``Binder._run``)
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
