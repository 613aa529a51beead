"""Named functions recognised in a formula before it is differentiated.

``log(sum(exp(v)))`` is ``logsumexp(v)``, ``exp(v)/sum(exp(v))`` is
``softmax(v)``, ``log(softmax(v))`` is ``v - logsumexp(v)``, the log of each
row sum of exp(A) (an index sum log Σₖ exp(Aᵢₖ)) is ``logsumexp(A, rows)``, exp(A) over
its row sums ``softmax(A, rows)`` and
``log(det(X))`` is ``logdet(X)``: the same values, but their derivatives read as a textbook
prints them (∇ logsumexp = softmax, and the softmax Jacobian
``diag(softmax(v)) - softmax(v)*softmax(v).T``) instead of quotients of
exponentials. SymPy's ``HadamardPower`` becomes the entrywise power it is.
One rewrite per node type, in ``RECOGNISERS``.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from ..model.matrices import Placeholders
from ..model.nodes import BOUND, Elementwise, LogDet, LogSumExp, LogSumExpRows, Softmax, SoftmaxRows, SumEntries
from ..model.walk import by_type, rebind, rebuilt, rewrite, scope, whole
from .entrywise import entrywise


def recognise(expr: sp.Basic) -> sp.Basic:
    """``expr`` with logsumexp, softmax and logdet written as such, bottom-up."""
    return rewrite(expr, by_type(RECOGNISERS), whole)


def _exp_sum_of(expr: sp.Basic) -> sp.Basic | None:
    """v if ``expr`` is sum(exp(v)), else None."""
    if isinstance(expr, SumEntries) and isinstance(expr.matrix, Elementwise):
        inner = expr.matrix
        if inner.body == sp.exp(BOUND[0]) and len(inner.operands) == 1:
            return inner.operands[0]
    return None


def _log(node: sp.log) -> sp.Basic:
    (arg,) = node.args
    if isinstance(arg, sp.Determinant):  # log(det(X)) is logdet(X), evaluated without overflow
        return LogDet(arg.arg)
    vector = _exp_sum_of(arg)
    return node if vector is None or vector.shape[1] != 1 else LogSumExp(vector)


def _elementwise(node: Elementwise) -> sp.Basic:
    rows = _logsumexp_rows(node)
    if not isinstance(rows, Elementwise):
        return rows
    node = _softmax_rows(rows)
    return _log_softmax(_softmax(node)) if isinstance(node, Elementwise) else node


def _exp_rows_of(expr: sp.Basic, spread: bool = False) -> sp.Basic | None:
    """A if ``expr`` is exp(A)·1, the column of the sums of each row of exp(A) (an index sum Σₖ exp(Aᵢₖ)), else None;
    ``spread``: exp(A)·1·1ᵀ, that column repeated in every column of A's shape."""
    if not (isinstance(expr, sp.MatMul) and len(expr.args) == 2 and isinstance(expr.args[1], sp.OneMatrix)):
        return None
    if (expr.args[1].shape[1] == 1) == spread:
        return None
    inner = expr.args[0]
    if isinstance(inner, Elementwise) and len(inner.operands) == 1 and inner.body == sp.exp(BOUND[0]):
        return inner.operands[0]
    return None


def _logsumexp_rows(node: Elementwise) -> sp.Basic:
    """log(Σₖ exp(Aᵢₖ)) inside an entrywise body becomes logsumexp(A, rows)ᵢ, also in the log of a quotient by it
    (the cross-entropy of a softmax over each row, -log(exp(s_iy)/Σ_k exp(s_ik)))."""
    sums = {BOUND[i]: _exp_rows_of(operand) for i, operand in enumerate(node.operands)}
    positive = {placeholder: sp.Dummy(positive=True) for placeholder, matrix in sums.items() if matrix is not None}
    body = sp.expand_log(node.body.xreplace(positive))  # a row sum of exponentials is positive: its log splits off
    logs = {sp.log(dummy): placeholder for placeholder, dummy in positive.items() if sp.log(dummy) in set(scope(body))}
    if not logs:
        return node
    slot = Placeholders(node.operands)
    body = body.xreplace({log: slot(LogSumExpRows(sums[placeholder])) for log, placeholder in logs.items()})
    body = body.xreplace({dummy: placeholder for placeholder, dummy in positive.items()})
    return entrywise(body, slot.operands, node.shape)


def _softmax_rows(node: Elementwise) -> sp.Basic:
    """exp(Aᵢₖ)/Σₘ exp(Aᵢₘ) inside an entrywise body becomes softmax(A, rows)ᵢₖ."""
    slot = Placeholders(node.operands)
    pairs = {}
    for operand in node.operands:
        matrix = _exp_rows_of(operand, spread=True)
        if matrix is not None and matrix in slot.operands and matrix.shape == operand.shape:
            pairs[(sp.exp(slot(matrix)), slot(operand) ** -1)] = slot(SoftmaxRows(matrix))
    if not pairs:
        return node
    return entrywise(_merge_pairs(node.body, pairs), slot.operands, node.shape)


def _log_softmax(node: sp.Basic) -> sp.Basic:
    """log(softmax(v)_i) inside an entrywise body becomes v_i - logsumexp(v)."""
    if not isinstance(node, Elementwise):
        return node
    slot = Placeholders(node.operands)
    replacements = {}
    for i, operand in enumerate(node.operands):
        if isinstance(operand, Softmax) and sp.log(BOUND[i]) in set(scope(node.body)):
            replacements[sp.log(BOUND[i])] = slot(operand.vector) - LogSumExp(operand.vector)
    if not replacements:
        return node
    return entrywise(rebind(node.body, replacements), slot.operands, node.shape)


def _softmax(node: Elementwise) -> sp.Basic:
    """exp(v_i)/sum(exp(v)) inside an entrywise body becomes softmax(v)_i."""
    slot = Placeholders(node.operands)
    pairs = {}
    powers = sorted({power for power in scope(node.body) if isinstance(power, sp.Pow)}, key=sp.default_sort_key)
    for power in powers:
        vector = _exp_sum_of(power.base) if power.exp == -1 else None
        if vector is not None and vector in slot.operands and vector.shape[1] == 1:
            pairs[(sp.exp(slot(vector)), power)] = slot(Softmax(vector))
    if not pairs:
        return node
    return entrywise(_merge_pairs(node.body, pairs), slot.operands, node.shape)


def _merge_pairs(expr: sp.Basic, pairs: dict[tuple[sp.Basic, sp.Basic], sp.Symbol]) -> sp.Basic:
    """``expr`` with each product holding both factors of a pair holding its slot instead, bottom-up.

    Only the body's own scope is rewritten: an entrywise function inside a
    norm in the body has placeholders of its own (``rebind``)."""

    def merged(node: sp.Basic, args: tuple[sp.Basic, ...]) -> sp.Basic:
        if not isinstance(node, sp.Mul):
            return rebuilt(node, args)
        factors = list(args)
        for (exp, power), slot in pairs.items():
            if exp in factors and power in factors:
                factors.remove(exp)
                factors.remove(power)
                factors.append(slot)
        return rebuilt(node, tuple(factors))

    return rewrite(expr, rebuild=merged)


def _hadamard_power(node: sp.HadamardPower) -> sp.Basic:
    """SymPy's hadamard(x, x) is HadamardPower(x, 2): an entrywise function like any other."""
    return entrywise(BOUND[0] ** node.exp, [node.base], node.shape)


RECOGNISERS: dict[type, Callable[[sp.Basic], sp.Basic]] = {
    sp.log: _log,
    Elementwise: _elementwise,
    sp.HadamardPower: _hadamard_power,
}
"""The rewrite tried at each node type, after its arguments are rewritten."""
