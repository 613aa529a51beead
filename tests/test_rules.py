"""Each reverse-mode rule of ``derive/rules.py`` on its own, against finite differences.

A rule says what gradient each argument of a node receives when the node
receives G. Its defining property is the adjoint identity: moving an argument
along D changes ⟨G, node⟩ at the rate ⟨pullback, D⟩. Every rule in ``RULES``
is checked here on one node, argument by argument, at random numbers; the
black-box tests (tests/test_identities.py, tests/test_ops.py) check the rules
composed.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from symdiff.derive.rules import RULES
from symdiff.errors import UnsupportedError
from symdiff.evaluate.numpy import compile_expr
from symdiff.model.nodes import (
    BOUND,
    Diag,
    Elementwise,
    LogDet,
    LogSumExp,
    LogSumExpRows,
    Norm,
    OneHot,
    ScalarOf,
    Softmax,
    SoftmaxRows,
    SumEntries,
    Vec,
)

N = 3
X, Y = sp.MatrixSymbol("X", N, N), sp.MatrixSymbol("Y", N, N)
x = sp.MatrixSymbol("x", N, 1)
S = sp.MatrixSymbol("S", 1, 1)
a, b = sp.symbols("a b", real=True)

NODES: dict[type, sp.Basic] = {
    sp.MatMul: sp.MatMul(X, Y, x),
    sp.MatAdd: sp.MatAdd(X, Y.T),
    sp.Transpose: sp.Transpose(X),
    sp.Inverse: sp.Inverse(X),
    sp.MatPow: sp.MatPow(X, 3),
    sp.HadamardProduct: sp.HadamardProduct(X, Y),
    Diag: Diag(x),
    sp.ImmutableMatrix: sp.ImmutableMatrix([[a, b], [b, a]]),
    Elementwise: Elementwise(sp.sin(BOUND[0]) * BOUND[1] + a * BOUND[0], (X, Y)),
    Softmax: Softmax(x),
    SoftmaxRows: SoftmaxRows(X),
    LogSumExpRows: LogSumExpRows(X),
    ScalarOf: ScalarOf(S),
    Norm: Norm(X),
    SumEntries: SumEntries(X),
    LogSumExp: LogSumExp(x),
    sp.Trace: sp.Trace(X),
    sp.Determinant: sp.Determinant(X),
    LogDet: LogDet(X),
    MatrixElement: X[1, 2],
    sp.KroneckerProduct: sp.KroneckerProduct(X, sp.MatrixSymbol("Z", 2, N)),
    Vec: Vec(sp.MatrixSymbol("Z", 2, N)),
}
"""One node of each type that has a rule."""


REFUSED: dict[type, sp.Basic] = {OneHot: OneHot(x, sp.Symbol("K", integer=True, positive=True))}
"""Nodes whose rule refuses: labels are integers, never differentiated."""


def test_every_rule_has_a_node():
    assert set(NODES) | set(REFUSED) == set(RULES)


@pytest.mark.parametrize("kind", REFUSED, ids=lambda kind: kind.__name__)
def test_the_rule_refuses_naming_the_labels(kind):
    ((argument, thunk),) = RULES[kind](REFUSED[kind], sp.S.One)
    assert argument == x
    with pytest.raises(UnsupportedError, match="x holds class labels"):
        thunk()


def _values(rng: np.random.Generator) -> dict[sp.Basic, object]:
    well_conditioned = rng.standard_normal((N, N)) + N * np.eye(N)
    return {X: well_conditioned, Y: rng.standard_normal((N, N)), x: rng.standard_normal((N, 1)), S: rng.standard_normal((1, 1)),
            sp.MatrixSymbol("Z", 2, N): rng.standard_normal((2, N)),
            a: float(rng.standard_normal()), b: float(rng.standard_normal())}


@pytest.mark.parametrize("kind", NODES, ids=lambda kind: kind.__name__)
def test_the_rule_satisfies_the_adjoint_identity(kind):
    node = NODES[kind]
    rng = np.random.default_rng(7)
    env = _values(rng)
    is_array = getattr(node, "is_Matrix", False)
    G = sp.MatrixSymbol("G", *node.shape) if is_array else sp.Symbol("g", real=True)
    env[G] = rng.standard_normal(node.shape) if is_array else float(rng.standard_normal())
    value = compile_expr(node)

    def pairing(at: dict) -> float:
        return float(np.sum(np.asarray(at[G]) * np.asarray(value(at), dtype=float)))

    received: dict[sp.Basic, np.ndarray] = {}
    for argument, pullback in RULES[kind](node, G):
        if argument in env:  # not a coefficient of a product or an entry of a literal: constants here
            received[argument] = received.get(argument, 0) + np.asarray(compile_expr(pullback())(env), dtype=float)
    assert received, f"no argument of {node} was checked"
    for argument, total in received.items():
        direction = rng.standard_normal(np.shape(env[argument])) if np.shape(env[argument]) else 1.0
        step = 1e-6
        up = pairing({**env, argument: env[argument] + step * direction})
        down = pairing({**env, argument: env[argument] - step * direction})
        np.testing.assert_allclose(np.sum(total * direction), (up - down) / (2 * step), rtol=1e-5, atol=1e-7)
