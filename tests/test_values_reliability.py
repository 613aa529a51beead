"""Issue 12, values: user values reach SymPy and NumPy only as numbers, and every evaluation error is clean.

One converter (``symdiff.model.numbers``) binds every value a user gives:
numbers, NumPy scalars and arrays, lists, and text read by symdiff's grammar;
anything else an ``EvaluationError``. Evaluation itself: singular matrices are
errors, real functions are evaluated as real functions, and sums of
exponentials do not overflow where their value is representable.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from click.testing import CliRunner
from numeric import assert_matches_finite_differences, numeric_derivative

import symdiff
from symdiff.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def _function(program: symdiff.Program):
    return symdiff.Result(program.expanded, (), program.expanded.expr).lambdify()


# --- the converter -------------------------------------------------------------------
def test_text_values_are_read_by_the_grammar_never_by_python(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    code = f"__import__('os').system('touch {marker}')"
    square = symdiff.parse("x^2")
    assert square.evaluate(x="1/2") == 0.25
    assert square.evaluate(x=np.str_("3")) == 9.0
    assert symdiff.parse("x.T*x", {"x": ("n",)}).evaluate(x=np.array(["1", "sqrt(4)"])) == 5.0
    with pytest.raises(symdiff.SymdiffError, match="the value of x"):
        square.evaluate(x=code)
    program = symdiff.program("y = a*b")
    with pytest.raises(symdiff.SymdiffError, match=r"a\[1\]|the value of a"):
        program.backprop({"a": np.array(["1", code], dtype=object), "b": 1})
    assert not marker.exists()


@pytest.mark.parametrize("value", [
    True, np.bool_(False), float("nan"), float("inf"), np.float64("-inf"), 1 + 2j, np.complex128(1), None, {"x": 1},
    [], [[1, 2], [3]], [[1, [2]], [3, 4]], np.zeros((2, 2, 2)), np.array([b"1"]), sp.Symbol("x"), sp.pi, object(),
    "x", "[1, y]", "1 + I", "log(0)", 10 ** 2000, [1.0, float("nan")],
], ids=lambda value: "object()" if type(value) is object else repr(value)[:40])
def test_anything_but_a_finite_real_number_is_an_evaluation_error(value: object) -> None:
    with pytest.raises(symdiff.SymdiffError):
        symdiff.parse("x^2").evaluate(x=value)
    with pytest.raises(symdiff.SymdiffError):
        symdiff.program("y = x^2").backprop({"x": value})
    with pytest.raises(symdiff.SymdiffError):
        symdiff.program("y = x.T*x", {"x": ("n",)}).backprop({"x": value})


def test_numbers_from_python_stay_exact() -> None:
    program = symdiff.program("y = 10*x + 3*z")
    result = program.backprop({"x": 0.1, "z": Fraction(1, 3)})
    assert result.forward["y"] == 2 and isinstance(result.forward["y"], sp.Integer)
    assert program.backprop({"x": sp.Rational(1, 10), "z": "1/3"}).forward["y"] == 2


@pytest.mark.parametrize("x", [np.int64(3), np.int32(3), np.uint8(3), np.float32(3.0), np.float64(3.0), np.array(3.0),
                               np.array(3), np.array([3.0])[0], Fraction(3), 3, 3.0, "3"], ids=repr)
def test_numpy_scalars_and_0d_arrays_are_numbers(x: object) -> None:
    program = symdiff.program("y = x^2 + x*w")
    result = program.backprop({"x": x, "w": np.float32(0.5)})
    assert float(result.gradients["x"]) == 6.5
    assert symdiff.derive("x^2", "x").evaluate(x=x) == 6.0


def test_numpy_entries_in_arrays_are_numbers() -> None:
    program = symdiff.program("b = A*x; f = 0.5*norm(b)^2", {"A": (2, 2), "x": (2,)})
    given = {"A": np.array([[1, 2], [3, 4]], dtype=np.int64), "x": [np.float32(1), np.int64(-1)]}
    result = program.backprop(given, "x")
    assert np.array(result.gradients["x"].tolist(), dtype=float).ravel().tolist() == [-4.0, -6.0]
    matrix_form = symdiff.program("b = A*x; f = 0.5*norm(b)^2", {"A": ("n", "n"), "x": ("n",)})
    assert np.ravel(matrix_form.backprop(given, "x").gradients["x"]).tolist() == [-4.0, -6.0]


def test_blanks_points_may_be_text_and_must_have_one_coordinate_per_variable() -> None:
    numeric = symdiff.blanks("_1 - 1", ["x1, -x1"], [(2, 0)], [(0, 0)])
    text = symdiff.blanks("_1 - 1", ["x1, -x1"], [("2", "0")], [(np.int64(0), "1/2")])
    assert [c.text for c in text.combinations] == [c.text for c in numeric.combinations] == ["x1 - 1"]
    with pytest.raises(symdiff.SymdiffError, match="point 1 has 3 coordinates"):
        symdiff.blanks("_1 - 1", ["x1, -x1"], [(2, 0, 1)])
    with pytest.raises(symdiff.SymdiffError):
        symdiff.blanks("_1 - 1", ["x1, -x1"], [2, 0])  # flat, not one list per point: not silently regrouped
    with pytest.raises(symdiff.SymdiffError):
        symdiff.blanks("_1 - 1", ["x1, -x1"], [(float("nan"), 0)])


# --- singular matrices -----------------------------------------------------------------
def test_evaluating_at_a_singular_matrix_is_an_evaluation_error() -> None:
    singular = [[1.0, 1.0], [1.0, 1.0]]
    with pytest.raises(symdiff.EvaluationError, match="singular"):
        symdiff.parse("inv(A)*x", {"A": ("n", "n"), "x": ("n",)}).evaluate(A=singular, x=[1, 2])
    with pytest.raises(symdiff.EvaluationError, match="singular"):
        symdiff.derive("log(det(A))", "A", {"A": ("n", "n")}).evaluate(A=singular)
    gradient = symdiff.derive("log(det(A))", "A", {"A": ("n", "n")})
    assert np.allclose(gradient.evaluate(A=[[2.0, 1.0], [1.0, 1.0]]), [[1.0, -1.0], [-1.0, 2.0]])


@pytest.mark.parametrize("program", ["f = log(det(A))", "b = inv(A)*x; f = sum(b)"])
def test_matrix_form_backprop_at_a_singular_matrix_is_a_clean_error(program: str) -> None:
    result = run("backprop", program, "--at", "A=[[1,1],[1,1]], x=[1, 2]" if "x" in program else "A=[[1,1],[1,1]]")
    assert result.exit_code == 2, result.output
    assert result.output.startswith("symdiff: error:") and "internal" not in result.output
    good = run("backprop", "f = log(det(A))", "--at", "A=[[2,1],[1,1]]", "--format", "json")
    assert good.exit_code == 0 and json.loads(good.output)["gradients"]["A"] == [[1.0, -1.0], [-1.0, 2.0]]


# --- real functions in component form ----------------------------------------------------
@pytest.mark.parametrize("at", [1.0, 0.5, -2.0, 3.0])
def test_component_backprop_evaluates_trigonometric_functions_as_real(at: float) -> None:
    program = symdiff.program("u = sin(x)*cos(x); v = tan(x) + tanh(x) + sigmoid(x); y = u + v")
    result = program.backprop({"x": at})
    expected = numeric_derivative(_function(program), {"x": at}, program.expanded, "x")
    assert float(result.gradients["x"]) == pytest.approx(float(expected), rel=1e-6)
    cli = run("backprop", "y = sin(x) + cos(x) + tan(x)", "--at", f"x={at}", "--format", "json")
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.output)["gradients"]["x"] == pytest.approx(np.cos(at) - np.sin(at) + 1 / np.cos(at) ** 2)


def test_component_backprop_with_vector_components_through_sin() -> None:
    program = symdiff.program("b = A*x; f = sum(sin(b))", {"A": (2, 2), "x": (2,)})
    values = {"A": [[1.0, 2.0], [0.5, -1.0]], "x": [0.3, 0.7]}
    result = program.backprop(values, "x")
    expected = numeric_derivative(_function(program), {k: np.array(v) for k, v in values.items()}, program.expanded, "x")
    np.testing.assert_allclose(np.array(result.gradients["x"].tolist(), dtype=float).ravel(), expected, rtol=1e-6)


# --- sums of exponentials ---------------------------------------------------------------
@pytest.mark.parametrize("x", [[1000.0, 1000.0], [1000.0, 999.0], [-1000.0, -1001.0], [0.3, -0.2]])
def test_component_logsumexp_and_softmax_agree_with_matrix_form_at_large_values(x: list[float]) -> None:
    component, matrix = {"x": (2,)}, {"x": ("n",)}
    for formula in ["logsumexp(x)", "softmax(x)", "sum(softmax(x))", "x.T*softmax(x)"]:
        for derivative in (False, True):
            pick = (lambda f, s: symdiff.derive(f, "x", s)) if derivative else symdiff.parse
            exact = np.asarray(pick(formula, matrix).evaluate(x=x), dtype=float)
            value = np.asarray(pick(formula, component).evaluate(x=x), dtype=float)
            assert np.all(np.isfinite(value)), (formula, derivative, value)
            np.testing.assert_allclose(value, exact, rtol=1e-12, atol=1e-12)
    assert symdiff.parse("softmax(x)", component).evaluate(x=[1000, 1000]).tolist() == [0.5, 0.5]


def test_shifted_sums_of_exponentials_keep_their_derivatives() -> None:
    assert_matches_finite_differences("log(exp(x1) + 2*exp(x2) + 1)", "x1")
    assert_matches_finite_differences("exp(x1)/(exp(x1) + exp(x2))^2 - x1*exp(x2)/(1 + exp(x1))", "x1")
    assert_matches_finite_differences("logsumexp(x)", "x", {"x": (3,)})
    assert_matches_finite_differences("softmax(x)", "x", {"x": (3,)})


def test_a_size_no_array_gives_is_an_evaluation_error() -> None:
    # was a raw KeyError: n is used only through eye(n), so no argument's shape gives it
    result = symdiff.derive("t^2*trace(eye(n))", "t")
    with pytest.raises(symdiff.EvaluationError, match="no value gives the size n"):
        result.evaluate(t=1)
    assert result.text == "2*t*trace(eye(n))"
