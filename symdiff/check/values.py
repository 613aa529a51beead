"""Numbers for checking answers: random points, values at them, and when two values agree.

A point gives every variable a random value: symbolic dims a random concrete
size, matrices random Gaussian entries (so products do not commute and
``B*A`` never passes for ``A*B``). A value is ``None`` where it is undefined
(a NaN, an infinity, the inverse of a singular matrix), so the caller can draw
another point. Expressions are compiled by symdiff's NumPy printer: no
generated code is executed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..errors import EvaluationError
from ..evaluate.numpy import Env, compile_expr
from ..model.build import dim_symbol
from ..model.types import Shape

RTOL = 1e-8
"""Relative tolerance of a numeric comparison, against the larger of the two values."""
ATOL = 1e-10
"""Absolute floor: values this close agree even when both are (nearly) zero."""
SIZES = (2, 5)
"""Symbolic dims are drawn from this range of sizes, inclusive."""
MAX_CONDITION = 1e10
"""An inverse of a matrix worse conditioned than this is undefined at that point."""


class Undefined(Exception):
    """The expression has no value at this point."""


def _invertible(matrix: np.ndarray) -> None:
    """Inverses (and solves) of (numerically) singular matrices are undefined here, instead of returning noise."""
    if not np.all(np.isfinite(matrix)) or np.linalg.cond(matrix) > MAX_CONDITION:
        raise Undefined


Value = np.ndarray
"""Every entry of a value, flattened in order (a tuple's items one after the other)."""


def flatten(value: object) -> Value:
    """A scalar, array or tuple of them as one flat float array."""
    if isinstance(value, tuple):
        return np.concatenate([flatten(item) for item in value]) if value else np.zeros(0)
    return np.ravel(np.asarray(value, dtype=float))


def compile_value(expr: sp.Basic) -> Callable[[Env], Value | None]:
    """``expr`` as a function of an environment, giving its flat value or None where it is undefined."""
    compiled = compile_expr(expr, _invertible)

    def value(env: Env) -> Value | None:
        try:
            with np.errstate(all="ignore"):
                result = flatten(compiled(env))
        except (Undefined, EvaluationError, np.linalg.LinAlgError, ZeroDivisionError, OverflowError):
            return None
        return result if np.all(np.isfinite(result)) else None

    return value


def agree(a: Value, b: Value) -> bool:
    """Equal within ``RTOL`` of the larger value, with the absolute floor ``ATOL``."""
    if a.shape != b.shape:
        return False
    scale = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)))
    return bool(np.all(np.abs(a - b) <= ATOL + RTOL * scale))


@dataclass(frozen=True)
class Point:
    """Values of the variables (vectors 1-D, as NumPy users hold them) and the environment they make."""

    values: dict[str, float | np.ndarray]
    env: Env
    scale: float = 1.0
    """The standard deviation of the random entries, for preferring points of ordinary size when reporting."""

    def describe(self, digits: int = 3, names: Collection[str] | None = None) -> str:
        """``A = [[0.1, -2], [1.3, 0.5]], x = [1, 2]``, rounded for reading; only ``names`` if given."""
        return ", ".join(
            f"{name} = {_rounded(value, digits)}"
            for name, value in self.values.items()
            if names is None or name in names
        )

    def as_json(self) -> dict[str, object]:
        return {name: value.tolist() if isinstance(value, np.ndarray) else value for name, value in self.values.items()}


def _rounded(value: float | np.ndarray, digits: int) -> str:
    if isinstance(value, np.ndarray):
        return "[" + ", ".join(_rounded(item, digits) for item in value) + "]"
    return f"{value:.{digits}g}"


class Space:
    """The variables of a question and its options, and how to draw random points for them."""

    def __init__(
        self, variables: Mapping[str, Shape], symbols: Mapping[str, sp.Basic], labels: Mapping[str, str] | None = None
    ) -> None:
        self.variables = dict(sorted(variables.items()))
        self.symbols = {name: symbols[name] for name in self.variables}
        self.labels = dict(labels or {})
        """Class labels (in ``onehot``) -> their number of classes: drawn as integers 1..K."""

    def used_by(self, *exprs: sp.Basic) -> set[str]:
        """The variables that occur in any of ``exprs`` (by themselves or by a component)."""
        free = set().union(*(expr.free_symbols for expr in exprs))
        return {
            name
            for name, symbol in self.symbols.items()
            if symbol in free or (isinstance(symbol, sp.MatrixBase) and free & set(symbol))
        }

    def scalar_symbols(self) -> set[sp.Basic]:
        """The symbols that stand for one number each: scalars and the components of explicit arrays."""
        found: set[sp.Basic] = set()
        for symbol in self.symbols.values():
            if isinstance(symbol, sp.MatrixBase):
                found.update(symbol)
            elif isinstance(symbol, sp.Symbol):
                found.add(symbol)
        return found

    def draw(
        self, rng: np.random.Generator, scale: float = 1.0, fixed: Mapping[sp.Basic, float] | None = None
    ) -> Point:
        """A random point: entries normal with standard deviation ``scale``, each symbolic dim a random size in
        ``SIZES``; then the scalars and components in ``fixed`` set to their values there.

        The same generator state gives the same point whatever ``fixed`` holds.
        """
        fixed = fixed or {}
        sizes: dict[str, int] = {}
        values: dict[str, float | np.ndarray] = {}
        env: Env = {}
        for name, shape in self.variables.items():
            symbol = self.symbols[name]
            if not shape:  # scalar: the shape is ()
                drawn = float(rng.normal(scale=scale))
                values[name] = float(fixed.get(symbol, drawn))
                env[symbol] = values[name]
                continue
            rows, cols = (
                d if isinstance(d, int) else sizes.setdefault(d, int(rng.integers(SIZES[0], SIZES[1] + 1)))
                for d in shape
            )
            matrix = rng.normal(scale=scale, size=(rows, cols))
            if name in self.labels:
                classes = sizes.setdefault(self.labels[name], int(rng.integers(SIZES[0], SIZES[1] + 1)))
                matrix = rng.integers(1, classes + 1, size=(rows, cols)).astype(float)
            if isinstance(symbol, sp.MatrixBase):
                matrix = np.array(
                    [float(fixed.get(entry, value)) for entry, value in zip(symbol, matrix.ravel())]
                ).reshape(rows, cols)
                env.update(zip(symbol, (float(v) for v in matrix.ravel())))
            else:
                env[symbol] = matrix
            values[name] = matrix[:, 0] if shape[1] == 1 else matrix
        env.update((dim_symbol(dim), size) for dim, size in sizes.items())
        return Point(values, env, scale)
