"""Each operation's SymPy form, and the operation a SymPy node stands for.

``ops`` says what an operation is called; this says what it is once built:
the scalar function applied entry by entry (``sigmoid``), or the node of a
whole array (``Norm``, SymPy's ``Trace``). ``DOT`` has no node of its own: it
is built as the product it is (``a.T*b``), so every later stage handles it
through the matrix product. Printers and rules key their tables by
``op_of(node)``, never by a class name spelled as a string.
"""

from __future__ import annotations

import sympy as sp

from .. import ops
from ..ops import Op
from .functions import maximum, minimum, relu, sigmoid, step
from .matrices import Diag, LogDet, LogSumExp, Norm, Softmax, SumEntries

SCALAR: dict[Op, type[sp.Function]] = {
    ops.EXP: sp.exp,
    ops.LOG: sp.log,
    ops.SQRT: sp.sqrt,  # type: ignore[dict-item]  # sqrt(x) builds x**(1/2)
    ops.SIN: sp.sin,
    ops.COS: sp.cos,
    ops.TAN: sp.tan,
    ops.TANH: sp.tanh,
    ops.SIGMOID: sigmoid,
    ops.RELU: relu,
    ops.ABS: sp.Abs,
    ops.STEP: step,
    ops.SIGN: sp.sign,
    ops.MAX: maximum,
    ops.MIN: minimum,
}
"""Entrywise operation -> the SymPy function of scalars it applies to each entry."""

ARRAY: dict[Op, type[sp.Basic]] = {
    ops.HADAMARD: sp.HadamardProduct,
    ops.SUM: SumEntries,
    ops.NORM: Norm,
    ops.TRACE: sp.Trace,
    ops.DET: sp.Determinant,
    ops.LOGDET: LogDet,
    ops.INV: sp.Inverse,
    ops.LOGSUMEXP: LogSumExp,
    ops.SOFTMAX: Softmax,
    ops.DIAG: Diag,
    ops.EYE: sp.Identity,
    ops.ONES: sp.OneMatrix,
}
"""Array operation -> its node class."""

COMPOSED: frozenset[Op] = frozenset({ops.DOT})
"""Operations built as a composition of others (``dot(a, b)`` is ``a.T*b``), with no node of their own."""

_OP_OF: dict[type, Op] = {node: op for op, node in (*SCALAR.items(), *ARRAY.items()) if op is not ops.SQRT}


def op_of(expr: sp.Basic) -> Op | None:
    """The operation ``expr`` is an application of (``Norm(x)`` -> NORM), None for other nodes."""
    for cls in type(expr).__mro__:
        if cls in _OP_OF:
            return _OP_OF[cls]
    return None
