"""Each rule of ``check/explain.py`` on its own: one wrong option it recognises, and its reason.

The seed worksheet's options exercise the rules together (tests/test_check.py);
here every rule of ``RULES``, and the last word ``differs``, has a case of
its own, so a rule that stops recognising what it names fails by name.
"""

from __future__ import annotations

import pytest

import symdiff
from symdiff.check.explain import RULES

SQUARE = {"A": ("n", "n"), "x": ("n",), "b": ("n",)}
TWO = {"A": (2, 2), "x": (2,)}

CASES = {
    # rule: (question, wrt, wrong option, shapes, of, what the reason says)
    "transpose": ("a.T*X*b", "X", "b*a.T", None, None, "it is the transpose of the answer"),
    "shape": ("0.5*norm(A*x)^2", "x", "A*x", None, None, "the option is a vector of length n"),
    "foreign names": ("x.T*A*x", "x", "(A + A.T)*y", None, None, "it uses y, which is not in the question"),
    "neighbour": ("b = A*x; f = 0.5*norm(b)^2", "A21, A22", "(x1, x2)", TWO, "b1", "it uses the wrong row"),
    "transposed input": ("x.T*A*b", "x", "A.T*b", SQUARE, None, "it is the answer with A transposed"),
    "swapped": ("x1^2*x2", "x1, x2", "(x1^2, 2*x1*x2)", None, None, "its two components are swapped"),
    "zero": ("x.T*A*x", "x", "0*x", None, None, "it is zero, but the formula does depend on x"),
    "factor": ("0.5*norm(A*x)^2", "x", "2*A.T*A*x", None, None, "off by a constant factor: 2 times the answer"),
    "size factor": ("Sum(i, n, y[i]^2)/n", "y", "2*y", None, None, "it is n times the answer: a 1/n is missing"),
    "swapped indices": ("Sum(i, Sum(j, W[i, j]*a[i]*b[j]))", "W", "a[l]*b[k]", {"W": ("d", "d")}, None, "its indices"),
    "summation index": ("Sum(i, Sum(j, W[i, j]*x[i]))", "x", "Sum(j, W[j, k])", {"W": ("d", "d")}, None, "wrong index"),
    "some components": ("x1^2*x2", "x1, x2", "(2*x1*x2, x2)", None, None, "only its 1st component is right"),
    "some points": ("relu(x)", "x", "1", None, None, "it equals the answer only at some points"),
    "difference": ("x^2", "x", "2*x + 1e-11", None, None, "the option minus the answer is 1/100000000000"),
    "differs": ("x^2", "x", "sin(x)", None, None, "it differs from the answer at x = "),
}


def test_every_rule_has_a_case():
    assert set(CASES) == {kind for kind, _ in RULES} | {"differs"}


@pytest.mark.parametrize("kind", CASES)
def test_the_rule_recognises_its_option(kind):
    question, wrt, option, shapes, of, says = CASES[kind]
    (verdict,) = symdiff.check(question, wrt, [option], shapes, of=of).options
    assert verdict.verdict == "not equivalent" and verdict.equivalent is False
    assert verdict.reason == kind, verdict.why
    assert says in verdict.why
