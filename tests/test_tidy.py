"""``derive.tidy`` on its own: each kind of rewrite, exact, and the value it keeps.

The derivative tests see tidy's output through whole derivations; here each
rewrite it promises (common scalar factors, grouped matrix factors, fused
entrywise functions, nothing when nothing is shorter) is fed its input
directly, and the rewritten expression is evaluated against the original.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symdiff.derive.tidy import tidy
from symdiff.evaluate.numpy import compile_expr
from symdiff.export.text import to_text
from symdiff.model.matrices import elementwise

n, d = 3, 2
A = sp.MatrixSymbol("A", n, d)
B = sp.MatrixSymbol("B", n, n)
X = sp.MatrixSymbol("X", n, n)
x = sp.MatrixSymbol("x", d, 1)
b, c = sp.MatrixSymbol("b", n, 1), sp.MatrixSymbol("c", n, 1)

CASES = [
    # what tidy does, the expression, the printed result
    ("a common scalar factor comes out", A.T * (2 * A * x - 2 * b), "2*A.T*(A*x - b)"),
    ("a common left factor groups the terms", X * b * c.T + X * c * b.T, "X*(b*c.T + c*b.T)"),
    ("a common right factor groups the terms", B * b + B.T * b, "(B + B.T)*b"),
    ("like terms collect", 3 * b / 2 + b / 2, "2*b"),
    ("entrywise functions fuse and simplify", elementwise(lambda s: 1 - s, elementwise(sp.exp, b)) + elementwise(sp.exp, b), "ones(3)"),
    ("nothing shorter: left as it is", A * x - b, "A*x - b"),
]


@pytest.mark.parametrize(("what", "expr", "printed"), CASES, ids=[case[0] for case in CASES])
def test_tidy_rewrites_to_the_shorter_equal_form(what, expr, printed):
    tidied = tidy(expr)
    assert to_text(tidied) == printed
    rng = np.random.default_rng(3)
    env = {symbol: rng.standard_normal(symbol.shape) for symbol in expr.free_symbols}
    np.testing.assert_allclose(
        np.asarray(compile_expr(tidied)(env), dtype=float), np.asarray(compile_expr(expr)(env), dtype=float), rtol=1e-12
    )
