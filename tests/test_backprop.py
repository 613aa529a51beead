"""Numbers forward and backward through a program: the worksheet's Q2(b), rounding, kinks."""

import json

import numpy as np
import pytest
from click.testing import CliRunner
from numeric import numeric_derivative

import symdiff
from symdiff.cli import main

Q2 = "r1 = max(c*x1 + e*x2, 0); r2 = max(d*x1 + f*x2, 0); s1 = 1/(1+exp(-a*r1)); s2 = 1/(1+exp(-b*r2)); y = s1 + s2"
AT = "x1=1, x2=-1, a=1, b=1, c=4, d=1, e=2, f=2"


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_seed_q2_exact():
    payload = json.loads(run("backprop", Q2, "--at", AT, "--wrt", "a,b,c,d,e,f", "--format", "json").output)
    forward, gradients = payload["forward"], payload["gradients"]
    assert forward["r1"] == 2 and forward["r2"] == 0 and forward["s2"] == 0.5
    assert forward["s1"] == pytest.approx(0.8808, abs=5e-5) and forward["y"] == pytest.approx(1.3808, abs=5e-5)
    assert gradients["a"] == pytest.approx(0.2100, abs=5e-5)
    assert gradients["c"] == pytest.approx(0.1050, abs=5e-5)
    assert gradients["e"] == pytest.approx(-0.1050, abs=5e-5)
    assert gradients["b"] == gradients["d"] == gradients["f"] == 0
    assert payload["mode"] == "exact" and payload["kinks"] == []
    assert payload["upstream"]["s1"] == 1


def test_exact_gradients_match_finite_differences():
    program = symdiff.program(Q2)
    values = {"x1": 1.0, "x2": -1.0, "a": 1.0, "b": 1.0, "c": 4.0, "d": 1.0, "e": 2.0, "f": 2.0}
    result = program.backprop(values, "a,b,c,d,e,f")
    function = symdiff.api.Result(program.expanded, (), program.expanded.expr).lambdify()
    for name, value in result.gradients.items():
        assert float(value) == pytest.approx(float(numeric_derivative(function, values, program.expanded, name)), abs=1e-6)


def test_seed_q2_rounded_as_the_worksheet():
    payload = json.loads(run("backprop", Q2, "--at", AT, "--wrt", "a,b,c,d,e,f", "--round", "1", "--format", "json").output)
    assert payload["forward"] == {"r1": 2, "r2": 0, "s1": 0.9, "s2": 0.5, "y": 1.4}
    assert payload["gradients"] == {"a": 0.18, "b": 0, "c": 0.09, "d": 0, "e": -0.09, "f": 0}
    assert payload["mode"] == "rounded" and payload["round"] == 1


def test_rounded_values_are_exact_in_python():
    result = symdiff.program(Q2).backprop(AT, "a, c", round=1)
    assert str(result.gradients["a"]) == "9/50" and str(result.gradients["c"]) == "9/100"


def test_text_table_says_which_values_were_used():
    out = run("backprop", Q2, "--at", AT, "--wrt", "a,c", "--round", "1")
    assert out.exit_code == 0
    lines = out.output.splitlines()
    assert lines[0] == "values: each forward value rounded to 1 decimal before use"
    assert "  s1     = 0.9" in lines and "  ∂y/∂a      = 0.18" in lines and "kinks: none" in lines
    exact = run("backprop", Q2, "--at", AT, "--wrt", "a")
    assert exact.output.splitlines()[0].startswith("values: exact (no rounding)")
    assert "  s1     = 0.880797" in exact.output.splitlines()


def test_latex_table():
    out = run("backprop", Q2, "--at", AT, "--wrt", "a", "--round", "1", "--format", "latex")
    assert out.exit_code == 0
    assert "\\begin{align*}" in out.output and "&= 0.18" in out.output


def test_kink_is_flagged_with_the_convention():
    payload = json.loads(run("backprop", "r = relu(w*x); y = r**2 + max(w, x)", "--at", "w=0, x=0", "--format", "json").output)
    assert {(k["node"], k["function"]) for k in payload["kinks"]} == {("r", "relu"), ("y", "max")}
    assert payload["gradients"]["w"] == 0 and payload["gradients"]["x"] == 1  # tie: the second argument


def test_matrix_form_numbers():
    result = symdiff.program("b = A*x; f = 0.5*norm(b)**2").backprop("A=[[1, 2], [3, 4]], x=[1, -1]", "A, x")
    A, x = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0], [-1.0]])
    np.testing.assert_allclose(result.gradients["A"], A @ x @ x.T)
    np.testing.assert_allclose(result.gradients["x"], A.T @ A @ x)


@pytest.mark.parametrize("at, message", [
    ("x1=1", "missing value for"),
    ("x1=1, x2=-1, a=1, b=1, c=4, d=1, e=2, f=2, g=3", "g is not an input of the program"),
    ("r1=2", "r1 is computed by the program"),
    ("x1=y", "a value must be a number, not the name y"),
])
def test_bad_values_are_one_clear_error(at, message):
    out = run("backprop", Q2, "--at", at)
    assert out.exit_code == 2
    assert message in out.output.splitlines()[0]


def test_kinks_are_flagged_in_matrix_form_entry_by_entry():
    program = symdiff.program("h = relu(W*x); y = sum(h) + relu(a)")
    at = {"W": [[1, -1], [2, 0]], "x": [1, 1], "a": 0}
    kinks = program.backprop(at, "W").kinks
    assert [(k.node, k.function, k.note) for k in kinks] == [
        ("h", "relu", "h[1]: argument 0; relu'(0) = step(0) = 0"),
        ("y", "relu", "y: argument 0; relu'(0) = step(0) = 0"),
    ]
    assert program.backprop({**at, "x": [1, 2], "a": 1}, "W").kinks == ()
