"""The NumPy printer: an expression compiled once into nested NumPy calls.

A printer in SymPy's sense, one ``_print_<Node>`` method per node type, but
what it prints are Python closures rather than source text, so no generated
code is ever executed with ``eval``/``exec`` (SymPy's ``lambdify`` does, and
mis-prints matrix products once arguments are renamed). Column vectors are
(n, 1) arrays inside; callers convert at the boundary.

Sums of exponentials are evaluated shifted by their largest exponent, as
``logsumexp`` and ``softmax`` are: component form writes them out
(``log(exp(x1) + exp(x2))``, ``exp(x1)/(exp(x1) + exp(x2))``), and at
x = [1000, 1000] the plain evaluation overflows to inf/inf = NaN where the
value is 0.5. ``log(det(X))`` is ``slogdet``'s, as ``logdet`` is: the
determinant of a 1000×1000 matrix overflows. The inverse of a singular
matrix, and the log of a determinant that is not positive, are an
``EvaluationError``.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import Any

import numpy as np
import sympy as sp
from sympy.printing.printer import Printer

from .. import ops
from ..errors import EvaluationError, UnsupportedError
from ..model.nodes import BOUND, op_of
from ..ops import Op
from .indices import IndexLoops

Env = dict[sp.Basic, object]
Compiled = Callable[[Env], object]


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def _logsumexp(v):
    peak = np.max(v)
    return float(peak + np.log(np.sum(np.exp(v - peak))))


def _logdet(matrix: sp.Basic, value: object) -> float:
    """log(det(value)) from ``slogdet``: finite where det itself under- or overflows (a 1000×1000 matrix)."""
    sign, log_magnitude = np.linalg.slogdet(np.asarray(value, dtype=float))
    if sign <= 0:
        name = str(matrix) if len(str(matrix)) <= 40 else "the matrix"
        raise EvaluationError(
            f"the determinant of {name} is {'0' if sign == 0 else 'negative'} at these values: its log is undefined",
            hint="logdet needs a matrix whose determinant is positive",
        )
    return float(log_magnitude)


def _softmax(v):
    shifted = np.exp(v - np.max(v))
    return shifted / np.sum(shifted)


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


class NumPyCompiler(IndexLoops, Printer):
    """SymPy expression -> a function of an environment {symbol: value}."""

    printmethod = "_numpy_closure"

    def emptyPrinter(self, expr):
        raise UnsupportedError(f"cannot evaluate {type(expr).__name__} numerically")

    def _args(self, expr) -> list[Compiled]:
        return [self._print(arg) for arg in expr.args]

    # --- scalars ---------------------------------------------------------------
    def _print_Symbol(self, expr):
        return lambda env: env[expr]

    def _print_Number(self, expr):
        value = float(expr)
        return lambda env: value

    _print_Rational = _print_Integer = _print_Float = _print_Number

    def _print_NumberSymbol(self, expr):
        value = float(expr)
        return lambda env: value

    _print_Pi = _print_Exp1 = _print_NumberSymbol

    def _print_Add(self, expr):
        parts = self._args(expr)
        return lambda env: functools.reduce(operator.add, (p(env) for p in parts))

    def _print_Mul(self, expr):
        if any(_is_power_of_exp_sum(factor) for factor in expr.args):
            return self._scaled_product(list(expr.args))
        parts = self._args(expr)
        return lambda env: functools.reduce(operator.mul, (p(env) for p in parts))

    def _print_Pow(self, expr):
        if _is_power_of_exp_sum(expr):
            return self._scaled_product([expr])
        base, exponent = self._args(expr)
        return lambda env: np.power(np.asarray(base(env), dtype=float), exponent(env))

    def _print_Function(self, expr):
        op = op_of(expr)
        function = SCALAR_FUNCTIONS.get(op) if op else None
        if function is None:
            return self.emptyPrinter(expr)
        parts = self._args(expr)
        return lambda env: function(*(p(env) for p in parts))

    _print_Abs = _print_Function

    def _print_log(self, expr):
        if isinstance(expr.args[0], sp.Determinant):  # log(det(X)) as logdet(X), without overflow
            return self._print_LogDet(expr.args[0])
        if not _has_exp_term(expr.args[0]):
            return self._print_Function(expr)
        scaled = self._scaled_sum(expr.args[0])

        def log(env: Env):
            total, peak = scaled(env)
            return peak + np.log(total)

        return log

    # --- sums of exponentials, shifted by their peak ------------------------------
    def _scaled_sum(self, expr: sp.Add) -> Callable[[Env], tuple[np.ndarray, np.ndarray]]:
        """``sum c_i*exp(b_i)`` as (sum c_i*exp(b_i - peak), peak), peak the largest finite b_i."""
        terms = [
            (self._print(coefficient), self._print(exponent)) for coefficient, exponent in map(_split_exp, expr.args)
        ]

        def scaled(env: Env):
            exponents = [np.asarray(exponent(env), dtype=float) for _, exponent in terms]
            largest = functools.reduce(np.maximum, exponents)
            peak = np.where(np.isfinite(largest), largest, 0.0)
            scaled_terms = (np.asarray(c(env)) * np.exp(b - peak) for (c, _), b in zip(terms, exponents, strict=True))
            return functools.reduce(operator.add, scaled_terms), peak

        return scaled

    def _scaled_product(self, factors: list[sp.Basic]) -> Compiled:
        """A product of exps and powers of sums of exps: the exponents added up before one exp is taken."""
        plain = [self._print(f) for f in factors if not isinstance(f, sp.exp) and not _is_power_of_exp_sum(f)]
        exponents = [self._print(f.args[0]) for f in factors if isinstance(f, sp.exp)]
        sums = [(self._scaled_sum(f.base), float(f.exp)) for f in factors if _is_power_of_exp_sum(f)]

        def product(env: Env):
            value: Any = functools.reduce(operator.mul, (p(env) for p in plain), 1.0)
            scale: Any = functools.reduce(operator.add, (e(env) for e in exponents), 0.0)
            for scaled, power in sums:
                total, peak = scaled(env)
                value = value * np.power(total, power)
                scale = scale + power * peak
            return value * np.exp(scale)

        return product

    # --- matrices --------------------------------------------------------------
    def _print_MatrixSymbol(self, expr):
        return lambda env: env[expr]

    def _print_MatMul(self, expr):
        coefficient, factors = expr.as_coeff_matrices()
        scale = self._print(coefficient)
        parts = [self._print(f) for f in factors]
        return lambda env: scale(env) * functools.reduce(np.matmul, (p(env) for p in parts))

    def _print_MatAdd(self, expr):
        return self._print_Add(expr)

    def _print_HadamardProduct(self, expr):
        return self._print_Mul(expr)

    def _print_MatrixElement(self, expr):
        parent = self._print(expr.parent)
        i, j = int(expr.i), int(expr.j)
        return lambda env: float(np.asarray(parent(env))[i, j])

    def _print_HadamardPower(self, expr):
        base, exponent = self._args(expr)
        return lambda env: np.power(base(env), exponent(env))

    def _print_Transpose(self, expr):
        arg = self._print(expr.arg)
        return lambda env: np.transpose(arg(env))

    def _print_Inverse(self, expr):
        arg = self._print(expr.arg)
        return lambda env: _invertible(np.linalg.inv, expr.arg, arg(env))

    def _print_MatPow(self, expr):
        base = self._print(expr.args[0])
        k = int(expr.args[1])
        return lambda env: _invertible(lambda m: np.linalg.matrix_power(m, k), expr.args[0], base(env))

    def _print_Trace(self, expr):
        arg = self._print(expr.arg)
        return lambda env: float(np.trace(arg(env)))

    def _print_Determinant(self, expr):
        arg = self._print(expr.arg)
        return lambda env: float(np.linalg.det(arg(env)))

    def _print_LogDet(self, expr):
        """``LogDet(X)``, or ``log(det(X))`` read before recognition: both have the matrix as their one argument."""
        matrix = expr.args[0]
        arg = self._print(matrix)
        return lambda env: _logdet(matrix, arg(env))

    def _dims(self, expr) -> list[Compiled]:
        return [self._print(d) for d in expr.shape]

    def _print_Identity(self, expr):
        (n, _) = self._dims(expr)
        return lambda env: np.eye(int(n(env)))

    def _print_OneMatrix(self, expr):
        rows, cols = self._dims(expr)
        return lambda env: np.ones((int(rows(env)), int(cols(env))))

    def _print_ZeroMatrix(self, expr):
        rows, cols = self._dims(expr)
        return lambda env: np.zeros((int(rows(env)), int(cols(env))))

    def _print_ImmutableDenseMatrix(self, expr):
        entries = [[self._print(e) for e in expr.row(i)] for i in range(expr.rows)]
        return lambda env: np.array([[float(e(env)) for e in row] for row in entries])

    def _print_Tuple(self, expr):
        parts = self._args(expr)
        return lambda env: tuple(p(env) for p in parts)

    # --- symdiff's own nodes -----------------------------------------------------
    def _print_ScalarOf(self, expr):
        arg = self._print(expr.matrix)
        return lambda env: float(np.asarray(arg(env)).reshape(()))

    def _print_Norm(self, expr):
        arg = self._print(expr.matrix)
        return lambda env: float(np.linalg.norm(arg(env)))

    def _print_SumEntries(self, expr):
        arg = self._print(expr.matrix)
        return lambda env: float(np.sum(arg(env)))

    def _print_LogSumExp(self, expr):
        arg = self._print(expr.matrix)
        return lambda env: _logsumexp(arg(env))

    def _print_Softmax(self, expr):
        arg = self._print(expr.vector)
        return lambda env: _softmax(arg(env))

    def _print_Diag(self, expr):
        arg = self._print(expr.vector)
        return lambda env: np.diagflat(arg(env))

    def _print_Elementwise(self, expr):
        body = self._print(expr.body)
        operands = [self._print(op) for op in expr.operands]
        slots = BOUND[: len(operands)]

        def run(env: Env):
            values = [op(env) for op in operands]
            inner = {**env, **dict(zip(slots, values, strict=True))}
            return np.broadcast_to(body(inner), np.shape(values[0])) * 1.0

        return run


def _invertible(function: Callable, matrix: sp.Basic, value: object) -> object:
    """``function(value)``, a NumPy call that inverts ``value``; an error saying so where it is singular."""
    try:
        return function(value)
    except np.linalg.LinAlgError:
        name = str(matrix) if len(str(matrix)) <= 40 else "a matrix"
        raise EvaluationError(
            f"{name} is singular at these values: its inverse is undefined",
            hint="evaluate where the matrix is invertible (its determinant is not 0)",
        ) from None


def _split_exp(term: sp.Basic) -> tuple[sp.Expr, sp.Expr]:
    """A term as coefficient * exp(exponent), its exp factors pulled out (exponent 0 if none)."""
    factors = sp.Mul.make_args(term)
    return (
        sp.Mul(*(f for f in factors if not isinstance(f, sp.exp))),
        sp.Add(*(f.args[0] for f in factors if isinstance(f, sp.exp))),
    )


def _has_exp_term(expr: sp.Basic) -> bool:
    return isinstance(expr, sp.Add) and any(_split_exp(term)[1] != 0 for term in expr.args)


def _is_power_of_exp_sum(expr: sp.Basic) -> bool:
    return isinstance(expr, sp.Pow) and expr.exp.is_Number and _has_exp_term(expr.base)


def compile_expr(expr: sp.Basic) -> Compiled:
    """A function of {symbol: value} computing ``expr`` with NumPy."""
    return NumPyCompiler()._print(expr)
