"""Row-wise operations, reductions and normalisations, and the Jacobians and Hessians through sums.

Every derivative is checked against central finite differences at random
sizes (``numeric.py``), the closed forms a textbook prints are checked as
text, and the matrix form agrees with the component route at small concrete
sizes. Row-wise ``softmax`` and ``logsumexp`` stay finite where the naive
formula overflows.
"""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from numeric import assert_matches_finite_differences, random_values

import symdiff
from symdiff.cli.app import main
from symdiff.errors import SymdiffError

BATCH = {"X": ("n", "d"), "x": ("n",), "y": ("d",), "c": ("n",), "C": ("n", "d")}

REDUCTIONS: list[tuple[str, str]] = [
    ("x.T*softmax(X, rows)*y", "X"),
    ("sum(hadamard(C, softmax(X, rows)))", "X"),
    ("x.T*softmax(X, cols)*y", "X"),
    ("c.T*logsumexp(X, rows)", "X"),
    ("y.T*logsumexp(X, cols)", "X"),
    ("c.T*sum(hadamard(X, X), rows)", "X"),
    ("y.T*sum(sin(X), cols)", "X"),
    ("mean(sin(x))", "x"),
    ("mean(hadamard(X, X))", "X"),
    ("c.T*mean(sin(X), rows)", "X"),
    ("y.T*mean(hadamard(X, X), cols)", "X"),
    ("var(x)", "x"),
    ("var(X*y)", "y"),
    ("c.T*var(X, rows)", "X"),
    ("y.T*var(X, cols)", "X"),
    ("std(x)", "x"),
    ("c.T*std(X, rows)", "X"),
    ("y.T*std(X, cols)", "X"),
    ("sum(exp(X*y + ones(n)*t))", "t"),
]
"""A scalar of each reduction, and the variable it is differentiated by."""


@pytest.mark.parametrize(("formula", "wrt"), REDUCTIONS)
def test_reductions_match_finite_differences(formula: str, wrt: str):
    assert_matches_finite_differences(formula, wrt, {**BATCH, "t": ()})


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("softmax(t*X, rows)", None),
        ("logsumexp(t*X, rows)", None),
        ("softmax(t*X, cols)", None),
        ("sum(t*X, rows)", "X*ones(d)"),
        ("mean(t*X, cols)", "X.T*ones(n)/n"),
    ],
)
def test_row_wise_arrays_by_a_scalar(formula: str, expected: str | None):
    result = assert_matches_finite_differences(formula, "t", {**BATCH, "t": ()})
    if expected is not None:
        assert result.text == expected


def test_softmax_rows_by_a_matrix_prints_the_textbook_rule():
    result = symdiff.derive("sum(hadamard(C, softmax(X, rows)))", "X", BATCH)
    assert result.text == "hadamard(C - hadamard(C, softmax(X, rows))*ones(d)*ones(d).T, softmax(X, rows))"


@pytest.mark.parametrize(
    ("formula", "shapes", "value"),
    [
        ("softmax(X, rows)", {"X": (2, 3)}, [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]),
        ("sum(X, rows)", {"X": (2, 3)}, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
        ("var(X, cols)", {"X": (3, 2)}, [[1.0, 2.0], [3.0, 5.0], [5.0, 8.0]]),
    ],
)
def test_values_are_numpys(formula: str, shapes, value):
    """Each reduction means what NumPy's axis argument means (rows: axis=1), in both forms."""
    array = np.array(value)
    numpy_value = {
        "softmax(X, rows)": np.exp(array) / np.exp(array).sum(axis=1, keepdims=True),
        "sum(X, rows)": array.sum(axis=1),
        "var(X, cols)": array.var(axis=0),
    }[formula]
    symbolic = {name: ("n", "d") for name in shapes}
    for declared in (shapes, symbolic):
        np.testing.assert_allclose(np.asarray(symdiff.parse(formula, declared).evaluate(X=array)).squeeze(), numpy_value)


@pytest.mark.parametrize(
    ("formula", "wrt"), [("x.T*softmax(X, rows)*y", "X"), ("c.T*var(X, rows)", "X"), ("y.T*logsumexp(X, cols)", "X")]
)
def test_matrix_form_agrees_with_components(formula: str, wrt: str):
    matrix_form = symdiff.derive(formula, wrt, BATCH)
    concrete = {name: tuple(2 if d == "n" else 3 for d in dims) for name, dims in BATCH.items()}
    components = symdiff.derive(formula, wrt, concrete)
    values = random_values(components.formula, np.random.default_rng(3))
    np.testing.assert_allclose(
        np.asarray(matrix_form.evaluate(**values), dtype=float), np.asarray(components.evaluate(**values), dtype=float)
    )


def test_row_wise_softmax_and_logsumexp_stay_finite_at_large_magnitudes():
    X = np.array([[1000.0, 1000.0, 990.0], [-1000.0, -1001.0, -1000.0]])
    softmax = np.asarray(symdiff.parse("softmax(X, rows)", {"X": ("n", "d")}).evaluate(X=X))
    np.testing.assert_allclose(softmax.sum(axis=1), [1.0, 1.0])
    np.testing.assert_allclose(softmax[0, :2], [0.5 - 2e-5, 0.5 - 2e-5], rtol=1e-4)
    lse = np.asarray(symdiff.parse("logsumexp(X, rows)", {"X": ("n", "d")}).evaluate(X=X)).ravel()
    np.testing.assert_allclose(lse, [1000 + np.log(2 + np.exp(-10)), -1000 + np.log(2 + np.exp(-1))])
    gradient = symdiff.derive("sum(logsumexp(X, rows))", "X", {"X": ("n", "d")}).evaluate(X=X)
    assert np.all(np.isfinite(gradient))


@pytest.mark.parametrize(
    "latex",
    [r"\operatorname{softmax}\left(\mathbf{X}, \text{rows}\right)", r"\operatorname{logsumexp}(\mathbf{X}, \text{cols})"],
)
def test_latex_reads_the_axis(latex: str):
    plain = latex.replace(r"\operatorname{", "").replace(r"\left", "").replace(r"\right", "")
    plain = plain.replace(r"\mathbf{X}", "X").replace(r"\text{", "").replace("}", "")
    read = symdiff.parse(latex, {"X": ("n", "d")})
    assert read.text == symdiff.parse(plain, {"X": ("n", "d")}).text


def test_latex_of_a_result_reads_back():
    result = symdiff.derive("sum(hadamard(C, softmax(X, rows)))", "X", BATCH)
    assert r"\operatorname{softmax}\left(\mathbf{X}, \text{rows}\right)" in result.latex
    assert symdiff.parse(result.latex, BATCH).text == result.text


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("softmax(X, depth)", "softmax takes 1 argument, got 2"),
        ("softmax(t, rows)", "softmax(..., rows) takes a matrix"),
        ("mean(X, 2)", "mean takes 1 argument, got 2"),
    ],
)
def test_errors_name_the_construct(formula: str, message: str):
    with pytest.raises(SymdiffError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        symdiff.parse(formula, {"t": ()})


def test_cli_error_for_a_bad_axis_says_which_axes_there_are():
    outcome = CliRunner().invoke(main, ["derive", "softmax(X, depth)", "--wrt", "X"])
    assert outcome.exit_code == 2
    assert "softmax(X, rows) each row, softmax(X, cols) each column" in outcome.output
    assert "\n  ^^^^^^^^^^^^^^^^^\n" in outcome.output


JACOBIANS: list[tuple[str, list[str], str]] = [
    ("x - sum(x)/n", ["x"], "eye(n) - ones(n)*ones(n).T/n"),
    ("x - mean(x)", ["x"], "eye(n) - ones(n)*ones(n).T/n"),
    ("sum(x)^2", ["x", "x"], "2*ones(n)*ones(n).T"),
    ("mean(x)^2", ["x", "x"], "2*ones(n)*ones(n).T/n^2"),
    ("var(x)", ["x", "x"], "2*(n*eye(n) - ones(n)*ones(n).T)/n^2"),
    ("norm(x)", ["x", "x"], "eye(n)/norm(x) - x*x.T/norm(x)^3"),
    ("x/norm(x)", ["x"], "eye(n)/norm(x) - x*x.T/norm(x)^3"),
    ("x*sum(x)", ["x"], "x*ones(n).T + sum(x)*eye(n)"),
    ("logsumexp(exp(x))", ["x", "x"], ""),
    ("exp(x)/sum(exp(x))", ["x"], ""),
    ("sum(x)*exp(x)", ["x"], ""),
]
"""Jacobians and Hessians through sums and scalar functions of vectors, with their closed forms."""


@pytest.mark.parametrize(("formula", "steps", "expected"), JACOBIANS)
def test_jacobians_through_sums(formula: str, steps: list[str], expected: str):
    result = assert_matches_finite_differences(formula, steps, {"x": ("n",)})
    if expected:
        assert result.text == expected


def test_centring_jacobian_on_the_command_line():
    outcome = CliRunner().invoke(main, ["derive", "x - sum(x)/n", "--wrt", "x", "--shape", "x=n"])
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output == "eye(n) - ones(n)*ones(n).T/n\n"


def test_jacobian_of_a_row_wise_softmax_is_its_vec_form():
    result = assert_matches_finite_differences("softmax(X, rows)", "X", {"X": ("n", "d")})
    assert result.text == (
        "diag(vec(softmax(X, rows)))*(kron(eye(d), eye(n)) - kron(ones(d)*ones(d).T, eye(n))*diag(vec(softmax(X, rows))))"
    )


def test_log_det_of_a_large_positive_definite_matrix_is_finite():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(1000, 1000))
    S = A @ A.T / 1000 + np.eye(1000)
    value = symdiff.parse("log(det(S))", {"S": ("n", "n")}).evaluate(S=S)
    assert np.isfinite(value)
    np.testing.assert_allclose(value, np.linalg.slogdet(S)[1])


@pytest.mark.parametrize(
    ("formula", "hint"),
    [
        ("trace(C.T*softmax(Q*K.T/sqrt(d))*V)", "for each row write softmax(..., rows)"),
        ("sum(logsumexp(X*W))", "for each row write logsumexp(..., rows)"),
        (r"\operatorname{softmax}(\mathbf{X})", r"for each row write \operatorname{softmax}(..., \text{rows})"),
    ],
)
def test_a_vector_operation_given_a_matrix_points_to_its_row_wise_spelling(formula: str, hint: str):
    outcome = CliRunner().invoke(main, ["derive", formula, "--wrt", "X" if "X" in formula else "Q"])
    assert outcome.exit_code == 2
    assert "takes a vector" in outcome.output
    assert hint in outcome.output
