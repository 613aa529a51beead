"""``logdet``, the README's worked example of adding an operation: read, derived, printed, evaluated stably.

Its gradient inv(X).T is checked against central differences, in matrix and
component form; ``log(det(X))`` is recognised as it; the printed forms read
back; and a 1000×1000 positive definite matrix, whose determinant overflows
a float, has a finite log-determinant both ways it can be written.
"""

from __future__ import annotations

import numpy as np
import pytest
from numeric import assert_matches_finite_differences

import symdiff
from symdiff.errors import EvaluationError
from symdiff.model.nodes import LogDet

SQUARE = {"X": ("n", "n")}
WITH_A = {"A": ("n", "n"), "x": ("n",)}


@pytest.mark.parametrize(
    ("formula", "wrt", "text"),
    [
        ("logdet(X.T*X + eye(n))", "X", "2*X*inv(X.T*X + eye(n))"),
        ("log(det(X*X.T + eye(n)))", "X", "2*inv(X*X.T + eye(n))*X"),
        ("x.T*x*logdet(A*A.T + eye(n))", "x", "2*logdet(A*A.T + eye(n))*x"),
    ],
)
def test_gradient_matches_finite_differences(formula, wrt, text):
    result = assert_matches_finite_differences(formula, wrt, {**SQUARE, **WITH_A})
    assert result.text == text


def test_gradient_is_the_inverse_transpose():
    assert symdiff.derive("logdet(X)", "X", SQUARE).text == "inv(X).T"
    assert symdiff.derive("log(det(X))", "X", SQUARE).text == "inv(X).T"


def test_log_det_is_recognised_in_matrix_form():
    result = symdiff.derive("log(det(X))*x", "x", {**SQUARE, "x": ("n",)})
    assert result.text == "logdet(X)*eye(n)"
    assert any(isinstance(node, LogDet) for node in _nodes(result.sympy))


def test_component_form_is_log_of_the_determinant():
    assert symdiff.parse("logdet([[a, b], [-b, a]])").text == "log(a^2 + b^2)"
    result = assert_matches_finite_differences("logdet([[a, b], [-b, a]])", "a")
    assert result.text == "2*a/(a^2 + b^2)"


@pytest.mark.parametrize(
    ("formula", "text", "latex"),
    [
        ("logdet(X)", "logdet(X)", r"\operatorname{logdet}\left(\mathbf{X}\right)"),
        ("logdet(X)^2 + 1", "logdet(X)^2 + 1", r"\operatorname{logdet}\left(\mathbf{X}\right)^{2} + 1"),
        ("2*logdet(X.T*X)", "2*logdet(X.T*X)", r"2 \operatorname{logdet}\left(\mathbf{X}^\top \mathbf{X}\right)"),
    ],
)
def test_text_and_latex_read_back(formula, text, latex):
    parsed = symdiff.parse(formula, SQUARE)
    assert (parsed.text, parsed.latex) == (text, latex)
    X = _positive_definite(3, np.random.default_rng(0))
    expected = parsed.evaluate(X=X)
    for printed in (parsed.text, parsed.latex):
        assert symdiff.parse(printed, SQUARE).evaluate(X=X) == pytest.approx(expected, rel=1e-12)


def test_latex_input_reads_logdet_and_log_det():
    X = _positive_definite(3, np.random.default_rng(1))
    for latex in (r"\operatorname{logdet}(\mathbf{X})", r"\log\det\left(\mathbf{X}\right)"):
        assert symdiff.parse(latex, SQUARE).evaluate(X=X) == pytest.approx(np.linalg.slogdet(X)[1], rel=1e-12)


@pytest.mark.slow  # reading a million entries takes seconds
@pytest.mark.parametrize("formula", ["logdet(S)", "log(det(S))"])
def test_a_large_determinant_does_not_overflow(formula):
    S = _positive_definite(1000, np.random.default_rng(2)) + 2 * np.eye(1000)
    with np.errstate(over="ignore"):
        assert np.isinf(np.linalg.det(S)), "the test needs a determinant past a float's range"
    value = symdiff.parse(formula, {"S": ("n", "n")}).evaluate(S=S)
    assert np.isfinite(value)
    assert value == pytest.approx(2 * np.sum(np.log(np.diag(np.linalg.cholesky(S)))), rel=1e-9)


@pytest.mark.parametrize(("matrix", "what"), [(-np.eye(3), "negative"), (np.zeros((3, 3)), "0")])
def test_a_determinant_that_is_not_positive_is_an_error(matrix, what):
    for formula in ("logdet(X)", "log(det(X))"):
        with pytest.raises(EvaluationError, match=f"determinant of X is {what}.*its log is undefined"):
            symdiff.parse(formula, SQUARE).evaluate(X=matrix)


@pytest.mark.parametrize(
    ("formula", "why"),
    [("logdet(0*X)", "the matrix is zero"), ("logdet(u*v.T)", "outer product"), ("logdet([[a, a], [a, a]])", "")],
)
def test_a_determinant_that_is_0_by_construction_is_refused(formula, why):
    with pytest.raises(symdiff.SymdiffError, match=f"logdet of this matrix is undefined: its determinant is 0.*{why}"):
        symdiff.parse(formula, {**SQUARE, "u": (3,), "v": (3,)})


def test_logdet_needs_a_square_matrix():
    with pytest.raises(symdiff.SymdiffError, match="logdet needs a square matrix"):
        symdiff.parse("logdet(x)", {**SQUARE, "x": ("n",)})


def _positive_definite(n: int, rng: np.random.Generator) -> np.ndarray:
    A = rng.standard_normal((n, n))
    return A @ A.T / n + np.eye(n)


def _nodes(expr):
    yield expr
    for arg in getattr(expr, "args", ()):
        yield from _nodes(arg)
