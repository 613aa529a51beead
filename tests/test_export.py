"""Printers: text that parses back, LaTeX as worksheets print it, NumPy evaluation."""

import numpy as np
import pytest
from numeric import assert_matches_finite_differences, random_values
from test_derive import MATRIX_FORM

import symdiff

C2 = {"A": (2, 2), "x": (2,)}
CORPUS = [(expr, wrt, shapes) for expr, wrt, shapes, _ in MATRIX_FORM] + [
    ("0.5*norm(A*x)**2", "A11", C2),
    ("0.5*norm(A*x)**2", "x", C2),
    ("0.5*norm(A*x)**2", "A", C2),
    ("sigmoid(x)", "x", {"x": ("n",)}),
    ("log(sum(exp(x)))", ["x", "x"], None),
    ("sqrt(x.T*x + 1)", ["x", "x"], None),
    ("(x.T*x)/(x.T*B*x)", "x", None),
    ("0.5*norm(W2*sigmoid(W1*x) - y)**2", "W1", None),
    ("log(det(X))", "X", None),
    ("det(X)", "X", None),
    ("logsumexp(W*x)", "W", None),
    ("max(a, b) + min(a, b) + abs(a)", "a", None),
]


@pytest.mark.parametrize("expr, wrt, shapes", CORPUS)
def test_text_parses_back_to_an_equal_expression(expr, wrt, shapes):
    result = assert_matches_finite_differences(expr, wrt, shapes)
    declared = {name: shape for name, shape in result.formula.variables.items()}
    again = symdiff.parse(result.text, declared)
    rng = np.random.default_rng(1)
    for _ in range(3):
        values = random_values(result.formula, rng)
        needed = {k: v for k, v in values.items() if k in again.formula.variables}
        np.testing.assert_allclose(again.evaluate(**needed), result.evaluate(**values), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("expr, wrt, shapes, latex", [
    ("0.5*norm(A*x)**2", "x", None, r"\mathbf{A}^\top \mathbf{A} \mathbf{x}"),
    ("0.5*norm(A*x)**2", "A", None, r"\mathbf{A} \mathbf{x} \mathbf{x}^\top"),
    ("0.5*norm(A*x)**2", "A11", C2, r"x_{1} \cdot \left(A_{11} x_{1} + A_{12} x_{2}\right)"),
    ("log(det(X))", "X", None, r"\left(\mathbf{X}^{-1}\right)^\top"),
    ("sqrt(x.T*x + 1)", "x", None, r"\frac{1}{\sqrt{\mathbf{x}^\top \mathbf{x} + 1}} \mathbf{x}"),
    ("sigmoid(a*r)", "a", None, r"r \cdot \left(1 - \sigma\left(a r\right)\right) \sigma\left(a r\right)"),
])
def test_latex(expr, wrt, shapes, latex):
    assert assert_matches_finite_differences(expr, wrt, shapes).latex == latex


def test_repr_latex_for_notebooks():
    assert symdiff.derive("x.T*x", "x")._repr_latex_() == r"$2 \mathbf{x}$"


def test_evaluate_matrix_form_with_numpy_arrays():
    result = symdiff.derive("0.5*norm(A*x)**2", "A")
    A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    x = np.array([1.0, -2.0])
    np.testing.assert_allclose(result.evaluate(A=A, x=x), np.outer(A @ x, x))
    gradient = symdiff.derive("0.5*norm(A*x)**2", "x").lambdify()
    value = gradient(A=A, x=x)
    assert value.shape == (2,)
    np.testing.assert_allclose(value, A.T @ A @ x)


def test_evaluate_component_form_takes_whole_arrays():
    result = symdiff.derive("0.5*norm(A*x)**2", "x", C2)
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    x = np.array([0.5, -1.0])
    np.testing.assert_allclose(result.evaluate(A=A, x=x), A.T @ A @ x)
    assert symdiff.derive("0.5*norm(A*x)**2", "A11", C2).evaluate(A=A, x=x) == pytest.approx(x[0] * (A @ x)[0])


def test_evaluate_checks_its_arguments():
    result = symdiff.derive("0.5*norm(A*x)**2", "x")
    with pytest.raises(symdiff.EvaluationError, match="missing value for x"):
        result.evaluate(A=np.eye(2))
    with pytest.raises(symdiff.EvaluationError, match="dim"):
        result.evaluate(A=np.eye(2), x=np.ones(3))


def test_shape_property():
    assert symdiff.derive("0.5*norm(A*x)**2", "A").shape == ("n", "d")
    assert symdiff.derive("0.5*norm(A*x)**2", "x").shape == ("d",)
    assert symdiff.derive("0.5*norm(A*x)**2", "A11", C2).shape == ()
