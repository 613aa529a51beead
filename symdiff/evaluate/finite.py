"""Which inputs a finite result vouches for: the input check, folded into the result where that is cheaper.

Every array given to ``evaluate`` or ``lambdify`` must be finite (``model.numbers``). Checking an n×n
array reads it once more, and the gradient of ½‖Ax‖² by x reads A only twice: the check alone made
``lambdify`` 1.5× the hand-written ``A.T @ (A @ x)``. But a NaN or an infinity in A cannot leave
``A.T @ (A @ x)`` finite: IEEE arithmetic carries it through every step on the way (0·∞ and ∞ − ∞
are NaN, and so is anything times NaN). So when every large input reaches the result through such
steps only, checking the result, which is small, checks them too; if the result is not finite, the
inputs are checked one by one to name the entry at fault, as before.

A step carries a non-finite operand to its value when ``STRICT`` says so for that operand's position:
sums, products (matrix products too, as BLAS computes them with IEEE arithmetic: NumPy's OpenBLAS
does), transposes and reductions over every entry. ``exp`` (exp(−∞) = 0), ``sigmoid``, ``tanh``,
``relu``, comparisons, a solve or an inverse do not, nor does any step kind missing from the table:
an input reaching the result only through those is checked before the plan runs.
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


def vouched(plan: Plan) -> frozenset[sp.Basic]:
    """The inputs with a path to a result through strict steps only: a non-finite entry in one makes the result
    not finite."""
    reaches = [False] * len(plan.steps)
    for output in plan.outputs or (plan.output,):
        reaches[output] = True
    for reg in range(len(plan.steps) - 1, -1, -1):  # operands come before the steps reading them
        step = plan.steps[reg]
        if reaches[reg]:
            for position, arg in enumerate(step.args):
                reaches[arg] = reaches[arg] or _strict(step, position)
    return frozenset(step.data[0] for reg, step in enumerate(plan.steps) if step.kind == "input" and reaches[reg])


def vouches(value: object, size: int) -> bool:
    """Whether a plan's result vouches for the inputs it may vouch for, ``size`` entries in all: it is finite, and
    no larger than they are (a larger one is no cheaper to check than they are)."""
    if type(value) is np.ndarray:  # most results: one dot product
        if value.size > size:
            return False
        if np.isfinite(np.vdot(value, value)):
            return True
    return count(value) <= size and is_finite(value)


def is_finite(value: object) -> bool:
    """Whether every entry of a plan's result (a number, an array or a tuple of them) is finite."""
    if isinstance(value, tuple):
        return all(is_finite(item) for item in value)
    if isinstance(value, np.ndarray):
        flat = value.reshape(-1)
        return bool(np.isfinite(np.dot(flat, flat)) or np.isfinite(flat).all())  # the sum of squares may overflow
    return math.isfinite(float(value))  # type: ignore[arg-type]


def count(value: object) -> int:
    """How many entries a plan's result has."""
    if type(value) is np.ndarray:
        return value.size
    if isinstance(value, tuple):
        return sum(count(item) for item in value)
    return int(np.size(value))  # type: ignore[arg-type]
