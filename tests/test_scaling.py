"""Component form at sizes past the old limit of 400 entries: the matrix-form derivative written out.

Every derivative is checked against central finite differences of the same
formula evaluated in matrix form (symbolic dims), which shares nothing with
the explicit entries being checked.
"""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

import symdiff
from symdiff import limits
from symdiff.cli.app import main
from tests.numeric import (
    assert_matches_finite_differences,
    assert_matches_symmetric_finite_differences,
    numeric_derivative,
)

FORMULA = "0.5*norm(A*x)**2"


def _check_large_gradient(wrt: str, n: int, seed: int = 1) -> symdiff.Result:
    """The gradient of ½‖Ax‖² by ``wrt`` with A n×n, against central differences at a random point."""
    result = symdiff.derive(FORMULA, wrt, {"A": (n, n), "x": (n,)})
    assert result.formula.form == "component"
    rng = np.random.default_rng(seed)
    values = {"A": rng.normal(size=(n, n)), "x": rng.normal(size=n)}
    function = symdiff.parse(FORMULA).lambdify()  # matrix form: independent of the entries checked
    expected = numeric_derivative(function, values, symdiff.parse(FORMULA).formula, wrt)
    actual = np.asarray(result.evaluate(**values), dtype=float)
    np.testing.assert_allclose(actual, expected.reshape(actual.shape), rtol=1e-6, atol=1e-6)
    return result


def test_gradient_by_a_32_by_32_matrix_is_computed_and_right():
    result = _check_large_gradient("A", 32)
    assert result.shape == (32, 32)
    assert str(result.sympy[0, 0]).startswith("x_1*(A_1_1*x_1 + ") and "A_1_32*x_32" in str(result.sympy[0, 0])


def test_gradient_by_x_with_a_32_by_32_matrix_is_right():
    assert _check_large_gradient("x", 32).shape == (32,)


@pytest.mark.slow
def test_gradient_by_a_64_by_64_matrix_is_computed_and_right():
    assert _check_large_gradient("A", 64).shape == (64, 64)


def test_written_out_entries_print_as_differentiating_each_entry_does():
    """The 2×2 answers the README and the worksheets show, unchanged by the new route."""
    shapes = {"A": (2, 2), "x": (2,)}
    assert symdiff.derive(FORMULA, "A", shapes).text == (
        "[[x1*(A11*x1 + A12*x2), x2*(A11*x1 + A12*x2)], [x1*(A21*x1 + A22*x2), x2*(A21*x1 + A22*x2)]]"
    )
    assert symdiff.derive(FORMULA, "x", shapes).text == (
        "[A11*(A11*x1 + A12*x2) + A21*(A21*x1 + A22*x2), A12*(A11*x1 + A12*x2) + A22*(A21*x1 + A22*x2)]"
    )


@pytest.mark.parametrize(
    "expr, wrt, shapes",
    [
        ("x.T*X*x", "X", {"X": (6, 6), "x": (6,)}),
        ("a.T*X*b", "X", {"X": (3, 3), "a": (3,), "b": (3,)}),
        ("log(det(X))", "X", {"X": (3, 3)}),
        ("trace(A*X)", "X", {"A": (4, 4), "X": (4, 4)}),
    ],
)
def test_symmetric_matrices_in_component_form(expr, wrt, shapes):
    result = assert_matches_symmetric_finite_differences(expr, wrt, ("X",), shapes, positive=expr.startswith("log"))
    entries = result.sympy
    assert all(entries[i, j] == entries[j, i] for i in range(entries.rows) for j in range(i))


@pytest.mark.parametrize(
    "expr, wrt, shapes",
    [
        (FORMULA, ["x", "x"], {"A": (6, 6), "x": (6,)}),  # a Hessian: the second step written out too
        ("logsumexp(W*x) + sum(softmax(W*x))", "W", {"W": (5, 4), "x": (4,)}),  # entrywise bodies holding arrays
        ("sum(sigmoid(W*x)) + 3*trace(eye(3)*W*W.T)", "W", {"W": (3, 5), "x": (5,)}),
        ("A11*x1 + 0.5*norm(A*x)**2", "A", {"A": (3, 3), "x": (3,)}),  # names a component: entry by entry
        ("softmax(x)", "x", {"x": (25,)}),  # a Jacobian
        ("sum(ones(2)*x.T)", "x", {"x": (2,)}),  # was an unevaluated Derivative
    ],
)
def test_component_form_routes_match_finite_differences(expr, wrt, shapes):
    assert_matches_finite_differences(expr, wrt, shapes, points=2)


def test_the_size_limit_is_documented_and_enforced():
    side = int(limits.MAX_COMPONENTS**0.5) + 1
    done = CliRunner().invoke(
        main, ["derive", FORMULA, "--wrt", "x", "--shape", f"A={side},{side}", "--shape", f"x={side}"]
    )
    assert done.exit_code == 2
    assert f"component form allows at most {limits.MAX_COMPONENTS}" in done.output
    assert limits.MAX_COMPONENTS >= 64 * 64


def test_timeout_still_bounds_component_form():
    done = CliRunner().invoke(
        main, ["--timeout", "0.05", "derive", FORMULA, "--wrt", "A", "--shape", "A=64,64", "--shape", "x=64"]
    )
    assert done.exit_code == 2
    assert "gave up after 0.05 s" in done.output
