"""Derivatives that are higher-order tensors, in vec form (``symdiff/derive/kronecker.py``).

The identity table (tests/test_identities.py) checks the textbook rows three
ways; these check the convention itself (the axis order the README
documents, against a four-index tensor of finite differences and against the
closed form), the new operations against NumPy, the other layouts, the
command line, and the errors where there is no vec form.
"""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from numeric import assert_matches_finite_differences, numeric_derivative, vec_form

import symdiff
from symdiff.cli.app import main

SHAPES = {"A": ("p", "m"), "X": ("m", "n"), "B": ("n", "q")}
RNG = np.random.default_rng(17)
VALUES = {"A": RNG.normal(size=(2, 3)), "X": RNG.normal(size=(3, 4)), "B": RNG.normal(size=(4, 5))}


def test_the_axis_order_is_the_documented_one():
    result = symdiff.derive("A*X*B", "X", SHAPES)
    J = result.evaluate(**VALUES)
    assert J.shape == (2 * 5, 3 * 4)
    T = J.reshape(5, 2, 4, 3).transpose(1, 0, 3, 2)  # README: T[i, j, k, l] = ∂F[i, j]/∂X[k, l]
    A, B = VALUES["A"], VALUES["B"]
    np.testing.assert_allclose(T, np.einsum("ik,lj->ijkl", A, B), atol=1e-12)
    function = symdiff.parse("A*X*B", SHAPES).lambdify()
    np.testing.assert_allclose(T, numeric_derivative(function, VALUES, result.formula, "X"), atol=1e-6)
    assert np.allclose(vec_form(T, 2), J)


def test_vec_stacks_columns_and_the_commutation_matrix_transposes():
    X = VALUES["X"]
    np.testing.assert_allclose(symdiff.parse("vec(X)", {"X": ("m", "n")}).evaluate(X=X), X.reshape(-1, order="F"))
    moved = symdiff.parse("commutation(m, n)*vec(X)", {"X": ("m", "n")})
    assert moved.shape == ("m*n",)
    np.testing.assert_allclose(moved.evaluate(X=X), X.T.reshape(-1, order="F"))


def test_kron_is_numpys():
    product = symdiff.parse("kron(B.T, A)", {"A": ("p", "m"), "B": ("n", "q")})
    assert product.shape == ("p*q", "m*n")
    np.testing.assert_allclose(product.evaluate(A=VALUES["A"], B=VALUES["B"]), np.kron(VALUES["B"].T, VALUES["A"]))


@pytest.mark.parametrize(
    ("formula", "wrt", "expected"),
    [
        ("x*x.T", "x", "kron(eye(n), x) + kron(x, eye(n))"),
        ("softmax(W*x)", "W", "diag(softmax(W*x))*kron(x.T, eye(n)) + softmax(W*x)*vec(-softmax(W*x)*x.T).T"),
        ("diag(W*x)", "W", "diag(vec(eye(n)))*kron(ones(n)*x.T, eye(n))"),
        ("trace(X)*X", "X", "trace(X)*kron(eye(n), eye(n)) + vec(X)*vec(eye(n)).T"),
        ("X*X.T", "X", "kron(eye(n), X)*commutation(n, d) + kron(X, eye(n))"),
    ],
)
def test_vectors_and_matrices_by_each_other(formula: str, wrt: str, expected: str):
    assert assert_matches_finite_differences(formula, wrt).text == expected


@pytest.mark.parametrize(
    ("formula", "wrt", "expected"),
    [
        ("kron(A, X)", "X", "kron(eye(q), kron(commutation(n, p), eye(m)))*kron(vec(A), kron(eye(m), eye(n)))"),
        ("kron(X, x)", "x", "kron(vec(X), eye(p))"),
    ],
)
def test_kron_by_either_factor(formula: str, wrt: str, expected: str):
    shapes = {"A": ("p", "q"), "X": ("m", "n")} if "A" in formula else {"X": ("m", "n"), "x": ("p",)}
    result = assert_matches_finite_differences(formula, wrt, shapes)
    assert result.text == expected
    values = {"A": VALUES["A"], "X": VALUES["X"]} if "A" in formula else {"X": VALUES["X"], "x": VALUES["B"][0]}
    for printed in (result.text, result.latex):  # a product of three factors prints as two-argument calls
        np.testing.assert_allclose(symdiff.parse(printed, shapes).evaluate(**values), result.evaluate(**values))


def test_printed_results_read_back_as_text_and_latex():
    result = symdiff.derive("log(det(X))", ["X", "X"], {"X": ("n", "n")})
    X = VALUES["X"][:, :3] + 3 * np.eye(3)
    for printed in (result.text, result.latex):
        again = symdiff.parse(printed, {"X": ("n", "n")})
        np.testing.assert_allclose(again.evaluate(X=X), result.evaluate(X=X), rtol=1e-12)


def test_denominator_layout_transposes_the_vec_jacobian():
    plain = symdiff.derive("A*X*B", "X", SHAPES)
    transposed = symdiff.derive("A*X*B", "X", SHAPES, layout="denominator")
    assert transposed.text == "kron(B, A.T)"
    np.testing.assert_allclose(transposed.evaluate(**VALUES), plain.evaluate(**VALUES).T)


def test_component_form_agrees_entry_by_entry():
    result = symdiff.derive("A*X*B", "X", {"A": (2, 2), "X": (2, 2), "B": (2, 2)})
    assert result.text.startswith("[[A11*B11, A12*B11, A11*B21, A12*B21], [A21*B11,")


def test_component_form_writes_out_a_kronecker_product_of_three_factors():
    components = assert_matches_finite_differences("kron(X, X)", "X", {"X": (2, 3)})
    matrix_form = symdiff.derive("kron(X, X)", "X", {"X": ("m", "n")})
    assert "commutation(n, m)" in matrix_form.text
    X = VALUES["X"][:2, :3]
    np.testing.assert_allclose(components.evaluate(X=X), matrix_form.evaluate(X=X), atol=1e-12)


def test_the_command_line_prints_the_vec_form():
    runner = CliRunner()
    outcome = runner.invoke(main, ["derive", "inv(X)", "--wrt", "X"])
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output == "-kron(inv(X).T, inv(X))\n"
    outcome = runner.invoke(main, ["derive", "A*X*B", "--wrt", "X", "--format", "latex"])
    assert outcome.output == "\\operatorname{kron}\\left(\\mathbf{B}^\\top, \\mathbf{A}\\right)\n"


@pytest.mark.parametrize(
    ("formula", "wrt", "symmetric", "message"),
    [
        ("A*[[trace(X), 1], [2, 3]]", "X", (), "cannot write the derivative through a matrix literal"),
        ("A*X*B", "X", ("X",), "the derivative of an array by the symmetric matrix X is not supported"),
    ],
)
def test_no_vec_form_is_a_clear_error(formula: str, wrt, symmetric, message: str):
    shapes = {"X": ("n", "n"), "A": (2, 2) if "[" in formula else ("n", "n"), "B": ("n", "n")}
    with pytest.raises(symdiff.SymdiffError, match=message) as info:
        symdiff.derive(formula, wrt, shapes, symmetric=symmetric)
    assert info.value.hint


def test_a_program_points_to_the_formula():
    outcome = CliRunner().invoke(main, ["derive", "b = A*X; f = sum(b)", "--wrt", "X", "--wrt", "X"])
    assert outcome.exit_code == 2
    assert "higher-order tensor" in outcome.output
    assert "write the program as one formula" in outcome.output


def test_shapes_sized_by_a_product_are_errors_that_say_so():
    with pytest.raises(symdiff.ShapeError, match="the shapes of kron's arguments must be known"):
        symdiff.parse("kron(A, B)")
    with pytest.raises(symdiff.ShapeError, match="x would be a vector of length n\\*n"):
        symdiff.parse("kron(A, B)*x", {"A": ("n", "n"), "B": ("n", "n")})
    outcome = CliRunner().invoke(main, ["derive", "vec(X).T*kron(A, X)", "--wrt", "X"])
    assert outcome.exit_code == 2
    assert "^" in outcome.output


def test_check_marks_vec_form_answers():
    outcome = CliRunner().invoke(
        main,
        ["check", "A*X*B", "--wrt", "X", "--shape", "A=n,n", "--shape", "X=n,n", "--shape", "B=n,n",
         "--option", "kron(B.T, A)", "--option", "kron(B, A.T)", "--option", "kron(A, B.T)"],
    )  # fmt: skip
    assert outcome.exit_code == 0, outcome.output
    assert "1. equivalent: kron(B.T, A)" in outcome.output
    assert "it is the transpose of the answer" in outcome.output
    assert "3. not equivalent: kron(A, B.T)\n   it differs from the answer at" in outcome.output
