"""Which values of a plan vouch for its inputs: the input check, folded into the run where that is cheaper.

Every array given to ``evaluate`` or ``lambdify`` must be finite (``model.numbers``). Checking an n×n
array reads it once more, and the gradient of ½‖Ax‖² by x reads A only twice: the check alone made
``lambdify`` 1.5× the hand-written ``A.T @ (A @ x)``. But a NaN or an infinity in A cannot leave
``A.T @ (A @ x)`` finite: IEEE arithmetic carries it through every step on the way (0·∞ and ∞ − ∞
are NaN, and so is anything times NaN). So when an input reaches a value of the plan through such
steps only (the result, or on the way: A*x), checking that value, when it is smaller, checks the
input too; if it is not finite, the input is checked entry by entry to name the one at fault, as
before. ``evaluate.Binder`` picks, for each input, the smallest such value (the input itself when
none is smaller) on the first call with a set of shapes.

A step carries a non-finite operand to its value when ``STRICT`` says so for that operand's position:
sums, products (matrix products too, as BLAS computes them with IEEE arithmetic: NumPy's OpenBLAS
does), transposes and reductions over every entry. ``exp`` (exp(−∞) = 0), ``sigmoid``, ``tanh``,
``relu``, comparisons, a solve or an inverse do not, nor does any step kind missing from the table:
an input reaching no value through strict steps is checked before the plan runs.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from .plan import Plan, Step

ALL = None
"""Every operand position."""

STRICT: dict[str, tuple[int, ...] | None] = {
    "add": ALL,
    "sub": ALL,
    "neg": ALL,
    "mul": ALL,
    "div": (0,),  # x/∞ is 0: only the numerator
    "matmul": ALL,
    "multidot": ALL,
    "transpose": ALL,
    "sqrt": ALL,
    "sumsq": ALL,
    "sum": ALL,
    "rowsum": ALL,
    "trace_product": ALL,
    "item": ALL,
    "tuple": ALL,
    "dense": ALL,
    "diag": ALL,
}
"""Step kind -> the operand positions whose NaN or infinity always reaches its value (ALL: every one)."""

STRICT_FUNCTIONS = frozenset({"log", "abs", "sin", "cos", "tan"})
"""Entrywise functions taking NaN and ±∞ to NaN or ±∞ (``call`` steps)."""


def _strict(step: Step, position: int) -> bool:
    if step.kind == "call":
        return step.data[0] in STRICT_FUNCTIONS
    if step.kind not in STRICT:
        return False
    positions = STRICT[step.kind]
    return positions is ALL or position in positions


def witnesses(plan: Plan) -> dict[sp.Basic, tuple[int, ...]]:
    """Each matrix input -> the registers it reaches through strict steps only, its own first: a non-finite entry
    in the input makes each of them not finite, so any one that is finite vouches for the input."""
    sources: list[frozenset[sp.Basic]] = []
    for step in plan.steps:
        if step.kind == "input":
            sources.append(frozenset(step.data) if getattr(step.data[0], "is_Matrix", False) else frozenset())
        else:
            strict = [sources[arg] for position, arg in enumerate(step.args) if _strict(step, position)]
            sources.append(frozenset().union(*strict))
    found: dict[sp.Basic, list[int]] = {}
    for reg, inputs in enumerate(sources):
        for symbol in inputs:
            found.setdefault(symbol, []).append(reg)
    return {symbol: tuple(regs) for symbol, regs in found.items()}


def is_finite(value: object) -> bool:
    """Whether every entry of a plan's value (a number, an array or a tuple of them) is finite."""
    if type(value) is np.ndarray and math.isfinite(np.vdot(value, value)):  # most values: one dot product
        return True
    if isinstance(value, tuple):
        return all(is_finite(item) for item in value)
    if isinstance(value, np.ndarray):
        flat = value.reshape(-1)
        return bool(np.isfinite(np.dot(flat, flat)) or np.isfinite(flat).all())  # the sum of squares may overflow
    return math.isfinite(float(value))  # type: ignore[arg-type]


def count(value: object) -> int:
    """How many entries a plan's value has."""
    if isinstance(value, tuple):
        return sum(count(item) for item in value)
    return int(np.size(value))  # type: ignore[arg-type]
