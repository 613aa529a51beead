"""The plain syntax: vocabulary, exact numbers, components, and errors with carets."""

from fractions import Fraction

import pytest

import symdiff
from symdiff.errors import LimitError, ParseError, ShapeError
from symdiff.parse import ast, parse


def test_decimals_are_exact():
    assert parse("0.5") == ast.Number(Fraction(1, 2))
    assert parse("1e-3") == ast.Number(Fraction(1, 1000))
    assert symdiff.parse("0.5*x").text == "x/2"


@pytest.mark.parametrize("a, b", [
    ("A.T", "A'"), ("A.T", "transpose(A)"), ("x^2", "x**2"), ("A@x", "A*x"), ("tr(X)", "trace(X)"),
    ("-x^2", "-(x^2)"), ("2^3^2", "2^(3^2)"),
])
def test_equivalent_spellings(a, b):
    assert symdiff.parse(a).sympy == symdiff.parse(b).sympy


def test_ordinary_names_are_not_constants():
    r = symdiff.parse("e*x + f + E + I + N + S + beta + gamma")
    assert {str(s) for s in r.sympy.free_symbols} >= {"e", "f", "beta", "gamma"}
    assert symdiff.parse("pi").evaluate() == pytest.approx(3.141592653589793)


def test_literals():
    assert symdiff.parse("[a, b]").shape == (2,)
    assert symdiff.parse("[[a, b], [c, d]]").shape == (2, 2)
    assert symdiff.parse("(a, b)").text == "(a, b)"


@pytest.mark.parametrize("text, hint", [
    ("0.5*nrom(A*x)**2", "did you mean 'norm'?"),
    ("2x", "write the product with '*'"),
    ("A.inv", "inv(A)"),
    ("x +", "missing"),
])
def test_errors_point_at_the_problem(text, hint):
    with pytest.raises(ParseError) as info:
        symdiff.parse(text)
    assert hint in info.value.render()
    assert "^" in info.value.render()


def test_caret_is_under_the_column():
    with pytest.raises(ParseError) as info:
        symdiff.parse("0.5*nrom(A*x)**2")
    lines = info.value.render().splitlines()
    assert lines[1] == "  0.5*nrom(A*x)**2"
    assert lines[2] == "      ^^^^"


def test_shape_conflicts_name_both_operands():
    with pytest.raises(ShapeError) as info:
        symdiff.parse("A*x + y", {"A": ("n", "d"), "x": ("d",), "y": ("m",)})
    message = info.value.message
    assert "A*x (vector of length n)" in message and "y (vector of length m)" in message


def test_inference_and_unification():
    r = symdiff.parse("0.5*norm(W2*sigmoid(W1*x) - y)**2")
    shapes = r.formula.variables
    assert shapes["W1"][1] == shapes["x"][0] and shapes["W2"][1] == shapes["W1"][0] and shapes["y"][1] == 1
    assert symdiff.parse("x.T*A*x").shape == ()
    assert symdiff.parse("lam*A").formula.variables["lam"] == ()


@pytest.mark.parametrize("text", ["x**(10**10**10)", "10**10**10", "x**(10**10)", "1e999", "1" * 200])
def test_absurd_numbers_are_refused(text):
    with pytest.raises(LimitError):
        symdiff.parse(text)


def test_deep_nesting_and_long_input_are_refused():
    with pytest.raises(LimitError):
        symdiff.parse("(" * 500 + "x" + ")" * 500)
    with pytest.raises(LimitError):
        symdiff.parse("-" * 500 + "x")
    with pytest.raises(LimitError):
        symdiff.parse("x+" * 6000 + "x")


def test_component_form_size_is_bounded():
    with pytest.raises(LimitError, match="symbolic dims"):
        symdiff.parse("norm(A*x)", {"A": (100000, 100000), "x": (100000,)})


@pytest.mark.parametrize("attack", [
    "__import__('os').system('touch marker')", "().__class__.__bases__", "lambda: 0",
    "eval('1')", "x.__class__", "exec('1')", "open('marker', 'w')",
])
def test_no_code_runs(attack, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(symdiff.SymdiffError):
        symdiff.parse(attack)
    assert not (tmp_path / "marker").exists()
