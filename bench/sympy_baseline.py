"""The same identities given to SymPy's own ``MatrixSymbol`` calculus, for comparison.

symdiff's nodes are rewritten into SymPy's vocabulary (a 1×1 product x.T*A*x
as ``Trace(x.T*A*x)``, ``norm(v)`` as sqrt(tr(vᵀv)), ``sum(M)`` as
tr(1ᵀ M 1), an entrywise function as ``ElementwiseApplyFunction``,
``diag(v)`` as ``DiagMatrix``); then ``expr.diff(X)`` is timed and what it
returns is classified. Formulas with no SymPy spelling (entrywise functions
of two arrays) are reported as such. symdiff's scalar functions (sigmoid,
relu) are SymPy ``Function`` subclasses with ``fdiff``, so SymPy can use them.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp
from sympy.matrices.expressions.diagonal import DiagMatrix

from symdiff.model.nodes import (
    BOUND,
    Diag,
    Elementwise,
    LogSumExp,
    Norm,
    ScalarOf,
    Softmax,
    SumEntries,
)


class NoSympyForm(Exception):
    """The formula has no spelling in SymPy's matrix expressions."""


def _ones_sum(M: sp.Basic) -> sp.Expr:
    rows, cols = M.shape
    return sp.Trace(sp.OneMatrix(1, rows) * M * sp.OneMatrix(cols, 1))


def _entrywise(node: Elementwise, operands: list[sp.Basic]) -> sp.Basic:
    if len(operands) != 1:
        raise NoSympyForm("an entrywise function of two arrays")
    return operands[0].applyfunc(sp.Lambda(BOUND[0], node.body))


def _exp(M: sp.Basic) -> sp.Basic:
    return M.applyfunc(sp.Lambda(BOUND[0], sp.exp(BOUND[0])))


TRANSLATIONS: dict[type, Callable[..., sp.Basic]] = {
    ScalarOf: lambda node, M: sp.Trace(M),
    Norm: lambda node, M: sp.sqrt(sp.Trace(M.T * M)),
    SumEntries: lambda node, M: _ones_sum(M),
    LogSumExp: lambda node, v: sp.log(_ones_sum(_exp(v))),
    Softmax: lambda node, v: _exp(v) / _ones_sum(_exp(v)),
    Diag: lambda node, v: DiagMatrix(v),
}


def to_sympy(expr: sp.Basic) -> sp.Basic:
    """``expr`` in SymPy's own matrix-expression vocabulary; NoSympyForm if there is none."""
    if isinstance(expr, Elementwise):
        return _entrywise(expr, [to_sympy(op) for op in expr.operands])
    if not expr.args or isinstance(expr, sp.MatrixSymbol):
        return expr
    args = [to_sympy(arg) for arg in expr.args]
    translate = TRANSLATIONS.get(type(expr))
    if translate is not None:
        return translate(expr, *args)
    return expr.func(*args)


ARRAY_SOUP = ("ArrayAdd", "PermuteDims", "ArrayTensorProduct", "ArrayContraction", "ArrayDiagonal")


def classify(result: sp.Basic) -> str:
    """What SymPy returned: zero, unevaluated, array form, or a closed form."""
    text = sp.srepr(result)
    if result == 0 or isinstance(result, sp.ZeroMatrix) or getattr(result, "is_ZeroMatrix", False):
        return "0"
    if "Derivative" in text:
        return "unevaluated Derivative"
    if any(name in text for name in ARRAY_SOUP):
        return "array form (" + ", ".join(name for name in ARRAY_SOUP if name in text) + ")"
    return "closed form"
