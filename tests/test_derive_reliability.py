"""Issue 12, derivatives: symmetric components, dims used as numbers, degenerate formulas, --shape digits,
long programs and combined constants. Every derivative is checked against central finite differences."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from numeric import STEP, assert_matches_finite_differences

import symdiff
from symdiff.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


# --- 1. a component of a symmetric matrix is one variable with its mirror -------------------------------------

SYMMETRIC_SHAPES = {"X": (3, 3), "a": (3,), "b": (3,)}


def symmetric_point(rng: np.random.Generator) -> dict[str, np.ndarray]:
    X = rng.normal(size=(3, 3))
    return {"X": (X + X.T) / 2 + 3 * np.eye(3), "a": rng.normal(size=3), "b": rng.normal(size=3)}


@pytest.mark.parametrize("expr", ["a.T*X*b", "a.T*X*X*b", "log(det(X)) + a.T*inv(X)*b", "sum(exp(X*a))"])
@pytest.mark.parametrize("wrt", ["X12", "X21", "X13", "X22", "X33"])
def test_symmetric_component_partial_moves_both_entries(expr, wrt):
    """∂f/∂Xij by finite differences that move Xij and Xji together (one variable), at symmetric points."""
    result = symdiff.derive(expr, wrt, SYMMETRIC_SHAPES, symmetric=["X"])
    f = symdiff.parse(expr, SYMMETRIC_SHAPES).lambdify()
    i, j = int(wrt[1]) - 1, int(wrt[2]) - 1
    direction = np.zeros((3, 3))
    direction[i, j] = direction[j, i] = 1.0
    rng = np.random.default_rng(1)
    for _ in range(3):
        values = symmetric_point(rng)
        up = f(**{**values, "X": values["X"] + STEP * direction})
        down = f(**{**values, "X": values["X"] - STEP * direction})
        np.testing.assert_allclose(result.evaluate(**values), (up - down) / (2 * STEP), rtol=1e-5, atol=1e-6)


def test_symmetric_component_partial_is_twice_the_gradient_entry_off_the_diagonal():
    shapes = {"X": (2, 2), "a": (2,), "b": (2,)}
    partial = symdiff.derive("a.T*X*b", "X12", shapes, symmetric=["X"])
    gradient = symdiff.derive("a.T*X*b", "X", shapes, symmetric=["X"])
    assert partial.text == "a1*b2 + a2*b1"
    assert gradient.text == "[[a1*b1, (a1*b2 + a2*b1)/2], [(a1*b2 + a2*b1)/2, a2*b2]]"
    diagonal = symdiff.derive("a.T*X*b", "X11", shapes, symmetric=["X"])
    assert diagonal.text == "a1*b1"


def test_symmetric_component_cli():
    done = run("derive", "a.T*X*b", "--wrt", "X12", "--symmetric", "X", "--shape", "X=2,2", "--shape", "a=2",
               "--shape", "b=2")
    assert done.exit_code == 0, done.output
    assert done.output.strip() == "a1*b2 + a2*b1"


def test_symmetric_second_partials_by_finite_differences():
    """∂²f/∂X12² and the symmetric gradient of ∂f/∂X12, moving the mirrored entries together."""
    shapes = {"X": (2, 2), "a": (2,), "b": (2,)}
    expr = "a.T*X*X*b"
    second = symdiff.derive(expr, ["X12", "X12"], shapes, symmetric=["X"])
    first = symdiff.derive(expr, "X12", shapes, symmetric=["X"])
    direction = np.array([[0.0, 1.0], [1.0, 0.0]])
    values = {"X": np.array([[1.0, 0.3], [0.3, 2.0]]), "a": np.array([0.5, -1.0]), "b": np.array([2.0, 0.7])}
    up = first.evaluate(**{**values, "X": values["X"] + STEP * direction})
    down = first.evaluate(**{**values, "X": values["X"] - STEP * direction})
    np.testing.assert_allclose(second.evaluate(**values), (up - down) / (2 * STEP), rtol=1e-5)
    mixed = symdiff.derive(expr, ["X12", "X"], shapes, symmetric=["X"])
    expected = np.zeros((2, 2))
    for i, j in [(0, 0), (0, 1), (1, 1)]:
        move = np.zeros((2, 2))
        move[i, j] = move[j, i] = 1.0
        rate = (first.evaluate(**{**values, "X": values["X"] + STEP * move})
                - first.evaluate(**{**values, "X": values["X"] - STEP * move})) / (2 * STEP)
        expected[i, j] = expected[j, i] = rate if i == j else rate / 2
    np.testing.assert_allclose(mixed.evaluate(**values), expected, rtol=1e-5)


# --- 2. a dimension used as a number is the size -------------------------------------------------------------

def test_dim_used_as_a_number_is_the_size():
    result = assert_matches_finite_differences("x.T*(A + n*eye(n))*x", "x")
    assert result.text == "(2*n*eye(n) + A + A.T)*x"
    assert "n" not in result.formula.variables
    A, x = np.arange(9.0).reshape(3, 3), np.array([1.0, 2.0, 3.0])
    assert symdiff.parse("x.T*(A + n*eye(n))*x").evaluate(A=A, x=x) == pytest.approx(x @ (A + 3 * np.eye(3)) @ x)


def test_dim_used_as_a_number_cli():
    done = run("derive", "x.T*(A + n*eye(n))*x", "--wrt", "x")
    assert done.exit_code == 0, done.output
    assert done.output.strip() == "(2*n*eye(n) + A + A.T)*x"


@pytest.mark.parametrize(
    "question, wrt, shapes",
    [
        ("det(2*B)", "B", None),
        ("x.T*(A + n*eye(n))*x", "x", None),
        ("x.T*(A + n*eye(n))*x", "x", None),
        ("sum(exp(m*W*x))", "W", {"W": ("m", "k")}),
        ("det(2*B)", "B", {"B": ("m", "m")}),
    ],
)
def test_printed_answers_read_back_and_check_equivalent(question, wrt, shapes):
    answer = symdiff.derive(question, wrt, shapes)
    checked = symdiff.check(question, wrt, [answer.text, answer.latex], shapes)
    assert checked.correct == (1, 2), [o.why for o in checked.options]


def test_printed_dim_answer_checks_on_the_command_line():
    done = run("check", "det(2*B)", "--wrt", "B", "--option", "2^n*det(B)*inv(B).T", "--option", "2*det(B)*inv(B).T")
    assert done.exit_code == 0, done.output
    assert "1. equivalent" in done.output and "2. not equivalent" in done.output
    assert "not in the question" not in done.output


def test_dim_is_not_a_variable():
    done = run("derive", "n*x", "--wrt", "n", "--shape", "x=n")
    assert done.exit_code == 2 and "'n' is a dimension" in done.output
    done = run("derive", "n*x", "--wrt", "x", "--shape", "x=n", "--shape", "n=scalar")
    assert done.exit_code == 2 and "n is a dimension, so it cannot also be a variable" in done.output
    assert "^" in done.output


# --- 4. --shape dims in ASCII digits ------------------------------------------------------------------------

@pytest.mark.parametrize("spec, caret", [("x=²", "    ^"), ("A=2, ٣", "       ^"), ("A=2,,3", "      ^")])
def test_shape_dims_that_are_not_ascii_numbers_or_names(spec, caret):
    done = run("derive", "x", "--wrt", "x", "--shape", spec)
    assert done.exit_code == 2, done.output
    assert "bad dimension" in done.output and "internal error" not in done.output
    assert f"  {spec}\n{caret}\n" in done.output
