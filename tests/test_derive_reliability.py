"""Issue 12, derivatives: symmetric components, dims used as numbers, degenerate formulas, --shape digits,
long programs and combined constants. Every derivative is checked against central finite differences."""

from __future__ import annotations

import re

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
    assert second.text == "2*a1*b1 + 2*a2*b2"
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
        ("x.T*(A + n*eye(n))*x", "A", None),
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


# --- 3. formulas undefined everywhere are errors ------------------------------------------------------------

@pytest.mark.parametrize(
    "args, message, caret",
    [
        (["(0*A)^-1", "--wrt", "A11", "--shape", "A=2,2"], "determinant is 0 for every value", "^^^^^^^^"),
        (["(0*A)^-1", "--wrt", "A"], "never invertible: the matrix is zero", "^^^^^^^^"),
        (["t/(x-x)", "--wrt", "t"], "undefined for every value of the variables", "^^^^^^^"),
        (["inv(0*A)*x", "--wrt", "x"], "never invertible: the matrix is zero", "^^^^^^^^"),
        (["inv(A - A)", "--wrt", "A11", "--shape", "A=2,2"], "determinant is 0 for every value", "^^^^^^^^^^"),
        (["inv([[x, y], [2*x, 2*y]])", "--wrt", "x"], "determinant is 0 for every value", "^" * 25),
        (["log(det(u*v.T))", "--wrt", "u", "--shape", "u=3", "--shape", "v=3"], "undefined for every value", "^" * 15),
        (["log(det(u*v.T))", "--wrt", "u", "--shape", "u=n", "--shape", "v=n"], "outer product of vectors", "    ^^^^^^^^^^"),
        (["x.T*inv(2*u*v.T)*x", "--wrt", "x", "--shape", "u=n", "--shape", "v=n"], "outer product", "    ^^^^^^^^^^^^"),
        (["log(x - x)", "--wrt", "x"], "undefined for every value", "^^^^^^^^^^"),
        (["0/0*x", "--wrt", "x"], "undefined for every value", "^^^"),
    ],
)
def test_undefined_everywhere_is_an_error(args, message, caret):
    done = run("derive", *args)
    assert done.exit_code == 2, done.output
    assert message in done.output
    assert "\n  " + caret + "\n" in done.output
    assert not re.search(r"\b(zoo|nan|oo)\b", done.output)


def test_determinant_of_a_zero_matrix_is_zero():
    result = assert_matches_finite_differences("log(det(0*A) + t^2 + 1)", "t")
    assert result.text == "2*t/(t^2 + 1)"


def test_a_singular_point_is_not_undefined_everywhere():
    """inv(A) is singular somewhere but not everywhere: still derived, and by finite differences."""
    assert_matches_finite_differences("x.T*inv(A)*x", "x")
    assert_matches_finite_differences("log(det([[x, 0.1], [0.1, y]]))", "x", positive=True)


# --- 5. long chains of definitions --------------------------------------------------------------------------

CHAIN = "b0 = x; " + "; ".join(f"b{i} = sin(b{i - 1})" for i in range(1, 401))


@pytest.mark.slow
def test_chain_of_400_definitions_derives_and_evaluates():
    program = symdiff.program(CHAIN)
    result = program.derive("x")
    assert result.text.count("cos(") == 400
    x, values = 0.5, []
    for _ in range(400):
        values.append(x)
        x = np.sin(x)
    expected = np.prod(np.cos(values))
    assert result.evaluate(x=0.5) == pytest.approx(expected, rel=1e-9)

    def output(x: float) -> float:
        for _ in range(400):
            x = np.sin(x)
        return x

    assert (output(0.5 + STEP) - output(0.5 - STEP)) / (2 * STEP) == pytest.approx(expected, rel=1e-5)


def test_chain_of_400_definitions_on_the_command_line(tmp_path):
    path = tmp_path / "chain.txt"
    path.write_text(CHAIN)
    done = run("derive", f"@{path}", "--wrt", "x")
    assert done.exit_code == 0, done.output
    assert done.output.count("cos(") == 400


def test_a_chain_nested_beyond_the_limit_names_its_length():
    deep = "b0 = x; " + "; ".join(f"b{i} = exp(exp(exp(exp(exp(exp(exp(exp(exp(exp(b{i - 1}))))))))))"
                                  for i in range(1, 120))
    with pytest.raises(symdiff.LimitError, match="b119 is a chain of 120 definitions that nest 1191 levels deep"):
        symdiff.program(deep)
    done = run("derive", deep, "--wrt", "x")
    assert done.exit_code == 2 and "chain of 120 definitions" in done.output
    assert "internal error" not in done.output and "too deeply nested" not in done.output


# --- 6. constants bounded as they are combined --------------------------------------------------------------

@pytest.mark.parametrize(
    "formula, caret",
    [
        ("x*(10^999)*(10^999)*(10^999)", "^" * 19),
        ("x/(10^999)/(10^999)", "^" * 19),
        ("[x, y]*(10^999)*(10^999)", "^" * 24),
        ("(10^999*x)^10", "^" * 13),
        ("exp(x*10^600*10^600)", "    " + "^" * 15),
    ],
)
def test_combined_constants_are_bounded(formula, caret):
    done = run("derive", formula, "--wrt", "x")
    assert done.exit_code == 2, done.output
    assert "number too large: these constants combine to more than 1000 digits" in done.output
    assert "\n  " + caret + "\n" in done.output


def test_derivative_constants_are_bounded():
    done = run("derive", "exp(10^600*x)", "--wrt", "x", "--wrt", "x")
    assert done.exit_code == 2 and "a constant of more than 1000 digits" in done.output
    assert run("derive", "x*(10^999)*(10^-999)", "--wrt", "x").output.strip() == "1"


@pytest.mark.slow
def test_checking_options_against_a_chain_of_400_definitions():
    checked = symdiff.check(CHAIN, "x", ["cos(x)"])
    assert checked.options[0].verdict == "not equivalent"
