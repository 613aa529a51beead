"""Programs take a formula's conventions: ``--layout`` and ``--symmetric`` (``derive.conventions``).

A program's derivative goes through the same driver as a formula's, so each
layout transposes as it does for one formula and a symmetric input's gradient
is the symmetric gradient; every result is checked against central
differences of the program's expanded output.
"""

import numpy as np
import pytest
from click.testing import CliRunner
from numeric import numeric_derivative, random_values, symmetric_numeric_gradient, symmetrize_values

import symdiff
from symdiff.cli import main
from symdiff.result import Result


def expanded_function(program):
    return Result(program.expanded, (), program.expanded.expr).lambdify()


@pytest.mark.parametrize("text, wrt, shapes", [
    ("b = A*x; f = 0.5*norm(b)**2", "A", None),
    ("b = A*x; f = 0.5*norm(b)**2", "x", None),
    ("h = tanh(W*x); y = h", "x", None),
    ("h = tanh(W*x); y = h", "x", {"W": (3, 2), "x": (2,)}),
    ("b = A*x; f = 0.5*norm(b)**2", "x", {"A": (2, 2), "x": (2,)}),
    ("u = t*v; y = exp(u)", "t", None),
])
@pytest.mark.parametrize("layout", [None, "numerator", "denominator"])
def test_a_programs_layout_transposes_as_a_formulas_does(text, wrt, shapes, layout):
    program = symdiff.program(text, shapes)
    result = program.derive(wrt, layout=layout)
    function = expanded_function(program)
    output_is_array = bool(program.intermediates[program.output])
    by_array = bool(program.expanded.variables[wrt])
    transposed = (layout == "numerator" and by_array and not output_is_array) or (
        layout == "denominator" and output_is_array)
    rng = np.random.default_rng(1)
    for _ in range(3):
        values = random_values(program.expanded, rng)
        mixed = numeric_derivative(function, values, program.expanded, wrt)
        mixed = mixed.reshape(np.shape(program.derive(wrt).evaluate(**values)))
        if mixed.ndim == 1:
            mixed = mixed.reshape(-1, 1)
        expected = mixed.T if transposed else mixed
        actual = np.asarray(result.evaluate(**values), dtype=float)
        np.testing.assert_allclose(actual, expected.reshape(actual.shape), rtol=1e-5, atol=1e-6)
        if transposed and expected.shape[0] != expected.shape[1]:
            assert actual.shape == expected.shape


def test_a_programs_layout_is_the_formulas_layout_expanded():
    program = symdiff.program("h = tanh(W*x); y = h")
    for layout in ("numerator", "denominator"):
        expanded = program.derive("x", expand=True, layout=layout).text
        assert expanded == symdiff.derive("tanh(W*x)", "x", layout=layout).text
    assert program.derive("x", layout="denominator").text == "W.T*diag(1 - h^2)"


@pytest.mark.parametrize("text, wrt, shapes", [
    ("b = X*y; f = a.T*b", "X", None),
    ("b = X*y; f = a.T*b", "X", {"X": ("n", "n")}),
    ("M = X*B; f = trace(M*C)", "X", {"X": ("n", "n")}),
    ("b = S*x; f = 0.5*x.T*b + log(det(S))", "S", {"S": (2, 2)}),
    ("b = X*y; f = a.T*b", "X", {"X": (2, 2), "y": (2,)}),
])
def test_a_symmetric_input_gets_the_symmetric_gradient_through_a_program(text, wrt, shapes):
    program = symdiff.program(text, shapes)
    result = program.derive(wrt, symmetric=[wrt])
    function = expanded_function(result_program := symdiff.program(text, {**(shapes or {}), wrt: result.shape}))
    rng = np.random.default_rng(2)
    for _ in range(3):
        values = symmetrize_values(random_values(result_program.expanded, rng, positive=True), {wrt})
        expected = symmetric_numeric_gradient(function, values, wrt)
        actual = np.asarray(result.evaluate(**values), dtype=float)
        np.testing.assert_allclose(actual, expected.reshape(actual.shape), rtol=1e-5, atol=1e-6)


def test_a_component_of_a_symmetric_input_is_one_variable_with_its_mirror():
    program = symdiff.program("b = X*y; f = a.T*b", {"X": (2, 2), "y": (2,), "a": (2,)})
    plain = program.derive("X12, X21", expand=True).sympy
    assert program.derive("X12", symmetric=["X"], expand=True).sympy == (plain[0] + plain[1]).xreplace(
        {program.symbols["X"][1, 0]: program.symbols["X"][0, 1]})
    formula = symdiff.derive("a.T*X*y", "X12", {"X": (2, 2), "y": (2,), "a": (2,)}, symmetric=["X"])
    assert program.derive("X12", symmetric=["X"]).text == formula.text


def test_a_bare_formula_read_as_a_program_takes_the_conventions_too():
    program = symdiff.program("a.T*X*b")
    assert program.derive("X", symmetric=["X"]).text == symdiff.derive("a.T*X*b", "X", symmetric=["X"]).text
    assert program.derive("X", layout="numerator").text == symdiff.derive("a.T*X*b", "X", layout="numerator").text


def test_an_intermediate_cannot_be_declared_symmetric():
    with pytest.raises(symdiff.SymdiffError, match="'M' is declared symmetric but is computed by the program"):
        symdiff.program("M = X*X.T; f = trace(M*C)").derive("X", symmetric=["M"])
    with pytest.raises(symdiff.SymdiffError, match="'Q' is declared symmetric but does not occur"):
        symdiff.program("M = X*X.T; f = trace(M*C)").derive("X", symmetric=["Q"])


def test_the_cli_applies_layout_and_symmetric_to_programs():
    runner = CliRunner()
    out = runner.invoke(main, ["derive", "b = A*x; f = 0.5*norm(b)**2", "--wrt", "A", "--layout", "numerator"])
    assert out.exit_code == 0 and out.output == "x*b.T\n"
    out = runner.invoke(main, ["derive", "b = A*x; f = 0.5*norm(b)**2", "--wrt", "A", "--layout", "numerator",
                               "--expand"])
    assert out.exit_code == 0 and out.output == "x*x.T*A.T\n"
    out = runner.invoke(main, ["derive", "b = X*y; f = a.T*b", "--wrt", "X", "--symmetric", "X"])
    assert out.exit_code == 0 and out.output == "(a*y.T + y*a.T)/2\n"
    out = runner.invoke(main, ["derive", "b = X*y; f = a.T*b", "--wrt", "X", "--symmetric", "X", "--format", "json"])
    assert out.exit_code == 0 and '"shape": [\n    "n",\n    "n"\n  ]' in out.output
    out = runner.invoke(main, ["derive", "b = X*y; f = a.T*b", "--wrt", "X12", "--symmetric", "X", "--steps",
                               "--shape", "X=2,2", "--shape", "y=2"])
    assert out.exit_code == 2 and "--symmetric: not with --steps" in out.output
