"""Layouts (--layout numerator|denominator) and symmetric matrices (--symmetric X)."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from numeric import (
    assert_matches_symmetric_finite_differences,
    numeric_derivative,
    random_values,
)

import symdiff
from symdiff.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def finite_differences(expr: str, wrt: str, shapes=None) -> tuple[dict, np.ndarray]:
    """A random point and ∂f/∂wrt there, default layout (gradient in the variable's shape, J[i, j] = ∂f_i/∂x_j)."""
    formula = symdiff.parse(expr, shapes)
    values = random_values(formula.formula, np.random.default_rng(0))
    expected = numeric_derivative(formula.lambdify(), values, formula.formula, wrt)
    if expected.ndim == 3 and expected.shape[1] == 1:
        expected = expected[:, 0, :]
    return values, expected


# formula, wrt, layout, expected text, transposed relative to the default layout
LAYOUTS = [
    ("0.5*norm(A*x)**2", "x", "numerator", "x.T*A.T*A", True),
    ("0.5*norm(A*x)**2", "x", "denominator", "A.T*A*x", False),
    ("0.5*norm(A*x)**2", "A", "numerator", "x*x.T*A.T", True),
    ("0.5*norm(A*x)**2", "A", "denominator", "A*x*x.T", False),
    ("A*x", "x", "numerator", "A", False),
    ("A*x", "x", "denominator", "A.T", True),
    ("tanh(W*x)", "x", "denominator", "W.T*diag(1 - tanh(W*x)^2)", True),
    ("x*lam", "lam", "numerator", "x", False),
    ("x*lam", "lam", "denominator", "x.T", True),
    ("inv(A + t*B)", "t", "denominator", "-inv(t*B + A).T*B.T*inv(t*B + A).T", True),
    ("lam*norm(x)^2", "lam", "numerator", "norm(x)^2", False),
]


@pytest.mark.parametrize("expr, wrt, layout, expected, transposed", LAYOUTS)
def test_layouts(expr, wrt, layout, expected, transposed):
    shapes = {"x": ("n",), "lam": ()} if "lam" in expr else None
    result = symdiff.derive(expr, wrt, shapes, layout=layout)
    assert result.text == expected
    values, numeric = finite_differences(expr, wrt, shapes)
    actual = np.asarray(result.evaluate(**values), dtype=float)
    numeric = numeric.reshape(actual.T.shape).T if transposed else numeric.reshape(actual.shape)
    np.testing.assert_allclose(actual, numeric, rtol=1e-5, atol=1e-6)


def test_numerator_gradient_of_a_vector_is_a_row():
    result = symdiff.derive("x.T*x", "x", layout="numerator")
    assert result.shape == (1, "n")
    assert result.evaluate(x=np.array([1.0, 2.0])).shape == (1, 2)


def test_a_hessian_is_the_same_in_both_layouts():
    for layout in (None, "numerator", "denominator"):
        assert symdiff.derive("0.5*norm(A*x)**2", ["x", "x"], layout=layout).text == "A.T*A"


def test_layout_in_component_form():
    shapes = {"A": (2, 2), "x": (2,)}
    assert symdiff.derive("A*x", "x", shapes, layout="denominator").text == "[[A11, A21], [A12, A22]]"
    assert symdiff.derive("x.T*x", "x", shapes, layout="numerator").text == "[[2*x1, 2*x2]]"


def test_unknown_layout_is_refused():
    with pytest.raises(symdiff.SymdiffError, match="unknown layout") as info:
        symdiff.derive("x.T*x", "x", layout="mixed")
    assert "numerator" in info.value.hint


# --- symmetric matrices ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "expr, wrt, expected",
    [
        ("log(det(X))", "X", "inv(X)"),
        ("trace(A*X)", "X", "(A + A.T)/2"),
        ("a.T*X*b", "X", "(a*b.T + b*a.T)/2"),
        ("x.T*X*x", "X", "x*x.T"),
        ("x.T*X*x", "x", "2*X*x"),
        ("trace(X.T*A*X)", "X", "((A + A.T)*X + X*(A + A.T))/2"),
    ],
)
def test_symmetric_gradient_is_the_symmetric_part(expr, wrt, expected):
    result = assert_matches_symmetric_finite_differences(expr, wrt, ("X",))
    assert result.text == expected


def test_symmetric_in_component_form():
    result = assert_matches_symmetric_finite_differences("a.T*X*b", "X", ("X",), {"X": (2, 2), "a": (2,), "b": (2,)})
    assert result.text == "[[a1*b1, (a1*b2 + a2*b1)/2], [(a1*b2 + a2*b1)/2, a2*b2]]"


def test_symmetric_makes_an_undeclared_matrix_square():
    assert symdiff.parse("trace(A*X)").formula.variables["X"] == ("d", "n")
    result = symdiff.derive("trace(A*X)", "X", symmetric=["X"])
    assert result.shape == ("d", "d")


@pytest.mark.parametrize(
    "expr, name, message",
    [
        ("a.T*X*b", "a", "'a' is declared symmetric but is a vector"),
        ("lam*trace(X)", "lam", "'lam' is declared symmetric but is a scalar"),
        ("a.T*X*b", "Y", "'Y' is declared symmetric but does not occur"),
    ],
)
def test_symmetric_must_name_a_square_matrix(expr, name, message):
    with pytest.raises(symdiff.SymdiffError, match=message):
        symdiff.derive(expr, "X", symmetric=[name], shapes={"lam": ()} if "lam" in expr else None)


def test_symmetric_of_a_declared_rectangular_matrix_is_refused():
    with pytest.raises(symdiff.ShapeError, match="of shape n×d"):
        symdiff.derive("a.T*X*b", "X", {"X": ("n", "d")}, symmetric=["X"])


# --- the command line -----------------------------------------------------------------------------------------
def test_cli_layout_and_symmetric():
    assert run("derive", "0.5*norm(A*x)**2", "--wrt", "x", "--layout", "numerator").output == "x.T*A.T*A\n"
    assert run("derive", "A*x", "--wrt", "x", "--layout", "denominator").output == "A.T\n"
    assert run("derive", "log(det(X))", "--wrt", "X", "--symmetric", "X").output == "inv(X)\n"
    out = run("derive", "log(det(S)) + trace(inv(S)*C)", "--wrt", "S", "--symmetric", "S", "--symmetric", "C")
    assert out.output == "inv(S) - inv(S)*C*inv(S)\n"


def test_cli_errors():
    out = run("derive", "A*x", "--wrt", "x", "--layout", "mixed")
    assert out.exit_code == 2
    assert "'mixed' is not one of 'numerator', 'denominator'" in out.output
    out = run("derive", "a.T*X*b", "--wrt", "X", "--symmetric", "x")
    assert out.exit_code == 2
    assert "symdiff: error: 'x' is declared symmetric but does not occur in the formula" in out.output
    assert "hint: its matrices are X" in out.output


def test_cli_help_explains_both():
    out = run("derive", "--help").output
    assert "--layout [numerator|denominator]" in out
    assert "--symmetric X" in out
