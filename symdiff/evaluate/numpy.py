"""The NumPy interpreter of plans: each step kind's NumPy kernel, and ``compile_expr``.

A plan (``evaluate.plan``) is run step by step over a list of registers; no
generated code is ever executed with ``eval``/``exec`` (SymPy's ``lambdify``
does, and mis-prints matrix products once arguments are renamed). The plan is
made on the first call with a given set of sizes and kept, so repeated calls
with the same shapes pay no planning. The inverse of a singular matrix, and the
log of a determinant that is not positive, are an ``EvaluationError``.
"""

from __future__ import annotations

import copy
import functools
import operator
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import sympy as sp

from .. import ops
from ..errors import EvaluationError, UnsupportedError
from ..ops import Op
from .finite import witnesses
from .indices import KERNELS as INDEX_KERNELS
from .plan import Plan, Step, dims_of, plan

Env = dict[sp.Basic, object]
Guard = Callable[[np.ndarray], None]
"""Called with a matrix before it is inverted or solved with: raises where the caller counts it as singular."""

PLANS_KEPT = 32
"""Plans kept per compiled expression, one per set of sizes (``check`` draws a few sizes; users keep one)."""


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


SCALAR_FUNCTIONS: dict[Op, Callable] = {
    ops.EXP: np.exp,
    ops.LOG: np.log,
    ops.SIN: np.sin,
    ops.COS: np.cos,
    ops.TAN: np.tan,
    ops.TANH: np.tanh,
    ops.ABS: np.abs,
    ops.SIGN: np.sign,
    ops.SIGMOID: _sigmoid,
    ops.RELU: lambda z: np.maximum(z, 0.0),
    ops.STEP: lambda z: np.where(np.asarray(z) > 0, 1.0, 0.0),
    ops.MAX: np.maximum,
    ops.MIN: np.minimum,
}
"""Entrywise operation -> the NumPy function computing it (``sqrt`` is a power)."""

_FUNCTIONS = {op.name: function for op, function in SCALAR_FUNCTIONS.items()}


def _logdet(name: str, value: object) -> float:
    """log(det(value)) from ``slogdet``: finite where det itself under- or overflows (a 1000×1000 matrix)."""
    sign, log_magnitude = np.linalg.slogdet(np.asarray(value, dtype=float))
    if sign <= 0:
        raise EvaluationError(
            f"the determinant of {name} is {'0' if sign == 0 else 'negative'} at these values: its log is undefined",
            hint="logdet needs a matrix whose determinant is positive",
        )
    return float(log_magnitude)


def _onehot(data: tuple, guard: Guard | None) -> Callable:
    """The rows of the K×K identity at labels 1..K; an error naming the labels where one is not such an integer."""
    name = data[0]

    def run(labels, classes):
        values = np.asarray(labels, dtype=float).reshape(-1)
        count = int(classes)
        wrong = values[(values != np.round(values)) | (values < 1) | (values > count)]
        if wrong.size:
            raise EvaluationError(
                f"the labels {name} must be integers from 1 to {count} (the number of classes), got {wrong[0]:g}",
                hint=f"give {name} the class of each sample, counted from 1",
            )
        return np.eye(count)[values.astype(int) - 1]

    return run


def _inverting(function: Callable) -> Callable[[tuple, Guard | None], Callable]:
    """A kernel that inverts its first argument: the guard first, then an error naming the matrix if singular."""

    def make(data: tuple, guard: Guard | None) -> Callable:
        name = data[-1]

        def run(matrix, *rest):
            if guard is not None:
                guard(np.asarray(matrix, dtype=float))
            try:
                return function(data, matrix, *rest)
            except np.linalg.LinAlgError:
                raise EvaluationError(
                    f"{name} is singular at these values: its inverse is undefined",
                    hint="evaluate where the matrix is invertible (its determinant is not 0)",
                ) from None

        return run

    return make


def _plain(function: Callable) -> Callable[[tuple, Guard | None], Callable]:
    return lambda data, guard: function


def _nary(combine: Callable) -> Callable[[tuple, Guard | None], Callable]:
    return _plain(lambda first, *rest: functools.reduce(combine, rest, first))


BINARY: dict[str, Callable] = {"add": operator.add, "mul": np.multiply, "kron": np.kron}
"""Step kinds taking any number of operands -> the function of two, called as it is for a step of two operands."""


def _commutation(rows: float, cols: float) -> np.ndarray:
    """K(m, n): row j + n*i holds its 1 in column i + m*j, so K @ vec(X) is vec(X.T) for an m×n X."""
    m, n = int(rows), int(cols)
    return np.eye(m * n)[np.arange(m * n).reshape(n, m).T.ravel()]


KERNELS: dict[str, Callable[[tuple, Guard | None], Callable]] = {
    **{kind: _nary(combine) for kind, combine in BINARY.items()},
    "sub": _plain(operator.sub),
    "div": _plain(np.divide),
    "neg": _plain(operator.neg),
    "power": _plain(lambda base, exponent: np.power(np.asarray(base, dtype=float), exponent)),
    "sqrt": _plain(np.sqrt),
    "call": lambda data, guard: _FUNCTIONS[data[0]],
    "softplus": _plain(lambda z: np.logaddexp(0.0, z)),
    "finite_or_zero": _plain(lambda peak: np.where(np.isfinite(peak), peak, 0.0)),
    "matmul": _plain(np.matmul),
    "multidot": _plain(lambda *matrices: np.linalg.multi_dot(matrices)),
    "transpose": _plain(lambda matrix: matrix.T if type(matrix) is np.ndarray else np.transpose(matrix)),
    "solve": _inverting(lambda data, matrix, rhs: np.linalg.solve(matrix, rhs)),
    "inv": _inverting(lambda data, matrix: np.linalg.inv(matrix)),
    "matpow": _inverting(lambda data, matrix: np.linalg.matrix_power(matrix, data[0])),
    "trace": _plain(lambda matrix: float(np.trace(matrix))),
    "trace_product": _plain(lambda p, q: float(np.einsum("ij,ji->", p, q))),
    "det": _plain(lambda matrix: float(np.linalg.det(matrix))),
    "logdet": lambda data, guard: functools.partial(_logdet, data[0]),
    "eye": _plain(lambda n: np.eye(int(n))),
    "ones": _plain(lambda rows, cols: np.ones((int(rows), int(cols)))),
    "zeros": _plain(lambda rows, cols: np.zeros((int(rows), int(cols)))),
    "entry": lambda data, guard: lambda matrix: float(np.asarray(matrix)[data]),
    "dense": lambda data, guard: lambda *entries: np.array([float(e) for e in entries]).reshape(data),
    "tuple": _plain(lambda *items: items),
    "item": _plain(lambda matrix: float(np.asarray(matrix).reshape(()))),
    "sumsq": _plain(lambda matrix: float(np.vdot(matrix, matrix))),
    "sum": _plain(lambda matrix: float(np.sum(matrix))),
    "max": _plain(np.max),
    "rowsum": _plain(lambda matrix: np.sum(matrix, axis=1, keepdims=True)),
    "rowmax": _plain(lambda matrix: np.max(matrix, axis=1, keepdims=True)),
    "full_like": _plain(lambda like, value: np.full(np.shape(like), value, dtype=float)),
    "diag": _plain(np.diagflat),
    "onehot": _onehot,
    **INDEX_KERNELS,
    "vec": _plain(lambda matrix: np.reshape(np.transpose(matrix), (-1, 1))),
    "commutation": _plain(_commutation),
}
"""Step kind -> (its data, the guard) -> the function of its arguments' values."""


class Runner:
    """A plan made ready to run: constants placed, inputs listed, each step's kernel looked up once."""

    __slots__ = ("calls", "loads", "output", "template", "witnesses")

    def __init__(self, plan: Plan, guard: Guard | None = None) -> None:
        self.template: list[Any] = [None] * len(plan.steps)
        self.loads: list[tuple[int, Any]] = []
        """(register, key): the register takes the value under ``key`` in what the runner is called with."""
        self.calls: list[tuple[int, Callable, tuple[int, ...]]] = []
        for i, step in enumerate(plan.steps):
            if step.kind in ("const", "size"):
                self.template[i] = step.data[0]
            elif step.kind == "input":
                self.loads.append((i, step.data[0]))
            else:
                self.calls.append((i, _kernel(step, guard), step.args))
        self.output = plan.output
        self.witnesses = witnesses(plan)
        """Each matrix input -> the registers whose finite value vouches for it (``evaluate.finite``)."""

    def specialised(self, slots: Mapping[sp.Basic, int], constants: Mapping[sp.Basic, object]) -> Runner:
        """The same runner called with a list: the input ``symbol`` is at index ``slots[symbol]``, or, for the
        dims of a set of sizes, the same on every call (``constants``, placed once)."""
        runner = copy.copy(self)
        runner.template = self.template.copy()
        runner.loads = []
        for i, symbol in self.loads:
            if symbol in slots:
                runner.loads.append((i, slots[symbol]))
            else:
                runner.template[i] = constants[symbol]
        return runner

    def __call__(self, source: Env | list) -> object:
        """The plan's result, its inputs taken from ``source``: {symbol: value}, or a list (``specialised``)."""
        return self.registers(source)[self.output]

    def registers(self, source: Env | list) -> list[Any]:
        """Every register's value after the run."""
        registers = self.template.copy()
        for i, key in self.loads:
            registers[i] = source[key]
        for i, function, args in self.calls:
            if len(args) == 1:
                registers[i] = function(registers[args[0]])
            elif len(args) == 2:
                registers[i] = function(registers[args[0]], registers[args[1]])
            else:
                registers[i] = function(*[registers[a] for a in args])
        return registers


def _kernel(step: Step, guard: Guard | None) -> Callable:
    if step.kind == "call" and step.data[0] not in _FUNCTIONS:
        raise UnsupportedError(f"cannot evaluate {step.data[0]} numerically")
    if step.kind in BINARY and len(step.args) == 2:
        return BINARY[step.kind]
    return KERNELS[step.kind](step.data, guard)


class Planned:
    """``expr`` made ready to run: called with {symbol: value}, planned once per set of sizes in the env."""

    def __init__(self, expr: sp.Basic, guard: Guard | None = None) -> None:
        self.expr, self.guard = expr, guard
        self.dims = dims_of(expr)
        self.runners: dict[tuple, Runner] = {}
        if not self.dims:  # no sizes to wait for: plan now, so unsupported nodes are reported at once
            self.runners[()] = Runner(plan(expr), guard)

    def runner(self, env: Mapping[sp.Basic, object]) -> Runner:
        """The runner of the plan for the sizes bound in ``env``."""
        key = tuple([env.get(dim) for dim in self.dims])
        runner = self.runners.get(key)
        if runner is None:
            if len(self.runners) >= PLANS_KEPT:
                self.runners.clear()
            sizes = {dim: int(size) for dim, size in zip(self.dims, key) if size is not None}  # type: ignore[call-overload]
            runner = self.runners[key] = Runner(plan(self.expr, sizes), self.guard)
        return runner

    def __call__(self, env: Env) -> object:
        return self.runner(env)(env)


def compile_expr(expr: sp.Basic, guard: Guard | None = None) -> Planned:
    """A function of {symbol: value} computing ``expr`` with NumPy, planned once per set of sizes in the env."""
    return Planned(expr, guard)
