"""Numbers that stay finite where the mathematics is: log(sigmoid), log(1 - sigmoid), row-wise softmax.

``log(sigmoid(z))`` is -softplus(-z) and ``log(1 - sigmoid(z))`` is
-softplus(z); computed as written, sigmoid rounds to 0 or 1 at |z| = 800 and
the log is -inf (and 0*-inf a NaN in the logistic loss). Each value here is
compared with the same function in 50-digit arithmetic (mpmath), through
``evaluate``, ``lambdify`` and the printed code (run in a subprocess: symdiff
never runs what it prints). ``norm(x)`` has no derivative at 0: the README
("Kinks") says so, and the test pins what evaluation then gives.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import mpmath
import numpy as np
import pytest

import symdiff
from symdiff.errors import EvaluationError

mpmath.mp.dps = 50

LOGISTIC = "-sum(hadamard(y, log(sigmoid(X*w))) + hadamard(1 - y, log(1 - sigmoid(X*w))))"
Z = [-800.0, -745.0, -40.0, -1.5, 0.0, 2.0, 40.0, 745.0, 800.0]
"""Arguments where the naive formula is -inf (±745, ±800), loses every digit (±40) or is ordinary."""


def _log_sigmoid(z: float) -> float:
    return float(-mpmath.log1p(mpmath.exp(-mpmath.mpf(z))))


def _sigmoid(z: float) -> float:
    return float(1 / (1 + mpmath.exp(-mpmath.mpf(z))))


def _naive(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(all="ignore"):
        s = 1 / (1 + np.exp(-z))
        return np.log(s), np.log(1 - s)


def test_the_naive_formula_fails_at_these_arguments():
    """What the stable form is for: without it these are -inf."""
    low, high = _naive(np.array([-800.0, 800.0, 40.0]))
    assert low[0] == -np.inf and high[1] == -np.inf and high[2] == -np.inf


@pytest.mark.parametrize(("formula", "sign"), [("log(sigmoid(z))", 1), ("log(1 - sigmoid(z))", -1)])
def test_log_sigmoid_of_a_scalar_matches_50_digits(formula: str, sign: int):
    function = symdiff.parse(formula).lambdify()
    for z in Z:
        assert function(z=z) == pytest.approx(_log_sigmoid(sign * z), rel=1e-14, abs=1e-300)


@pytest.mark.parametrize(("formula", "sign"), [("log(sigmoid(x))", 1), ("log(1 - sigmoid(x))", -1)])
def test_log_sigmoid_of_a_vector_matches_50_digits(formula: str, sign: int):
    value = symdiff.parse(formula, {"x": ("n",)}).evaluate(x=np.array(Z))
    np.testing.assert_allclose(value, [_log_sigmoid(sign * z) for z in Z], rtol=1e-14)


def _logistic_point() -> dict[str, np.ndarray]:
    """A batch whose scores X*w are ±800, ±40 and ordinary, labels both ways round."""
    X = np.array([[800.0, 0.0], [0.0, -800.0], [40.0, 0.0], [0.0, 40.0], [1.0, 0.5], [-0.25, 2.0]])
    return {"X": X, "w": np.array([1.0, 1.0]), "y": np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0])}


def _logistic_reference(values: dict[str, np.ndarray]) -> tuple[float, np.ndarray]:
    """The loss and its gradient X.T*(sigmoid(X*w) - y) in 50 digits."""
    X, w, y = values["X"], values["w"], values["y"]
    z = [float(v) for v in X @ w]
    loss = -sum(yi * _log_sigmoid(zi) + (1 - yi) * _log_sigmoid(-zi) for zi, yi in zip(z, y))
    residual = np.array([_sigmoid(zi) - yi for zi, yi in zip(z, y)])
    return float(loss), X.T @ residual


def test_the_logistic_loss_and_its_gradient_stay_finite():
    values = _logistic_point()
    loss, gradient = _logistic_reference(values)
    assert loss > 1600  # two examples each cost 800
    assert symdiff.parse(LOGISTIC).evaluate(**values) == pytest.approx(loss, rel=1e-14)
    result = symdiff.derive(LOGISTIC, "w")
    assert result.text == "X.T*(sigmoid(X*w) - y)"
    np.testing.assert_allclose(result.lambdify()(**values), gradient, rtol=1e-14)


def test_the_derivatives_of_log_sigmoid_stay_finite():
    x = np.array(Z)
    by_x = symdiff.derive("sum(log(1 - sigmoid(x)))", "x", {"x": ("n",)}).evaluate(x=x)
    np.testing.assert_allclose(by_x, [-_sigmoid(z) for z in Z], rtol=1e-12, atol=1e-15)
    hessian = symdiff.derive("sum(log(sigmoid(x)))", ["x", "x"], {"x": ("n",)}).evaluate(x=x)
    np.testing.assert_allclose(np.diag(hessian), [-_sigmoid(z) * _sigmoid(-z) for z in Z], atol=1e-15)


def test_component_form_is_stable_too():
    result = symdiff.parse("log(sigmoid(x)) + log(1 - sigmoid(x))", {"x": (3,)})
    assert result.formula.form == "component"
    x = np.array([-800.0, 0.0, 800.0])
    np.testing.assert_allclose(result.evaluate(x=x), [_log_sigmoid(z) + _log_sigmoid(-z) for z in x], rtol=1e-14)


CODE_CHECK = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    backend = sys.argv[1]
    if backend == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)
    from logistic import f_and_grad
    values = json.loads(sys.argv[2])
    value, gradient = f_and_grad(**{k: np.array(v) for k, v in values.items()})
    print(json.dumps([float(value), [float(g) for g in np.asarray(gradient)]]))
    """
)


@pytest.mark.parametrize("backend", ["numpy", "jax", "torch"])
def test_the_printed_code_is_stable(backend: str, tmp_path):
    if backend != "numpy" and importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed")
    code = symdiff.derive(LOGISTIC, "w").code(backend)
    assert "logaddexp" in code
    (tmp_path / "logistic.py").write_text(code)
    values = _logistic_point()
    done = subprocess.run(
        [sys.executable, "-c", CODE_CHECK, backend, json.dumps({k: v.tolist() for k, v in values.items()})],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    value, gradient = json.loads(done.stdout)
    loss, expected = _logistic_reference(values)
    assert value == pytest.approx(loss, rel=1e-14)
    np.testing.assert_allclose(gradient, expected, rtol=1e-12)


def test_row_wise_softmax_and_logsumexp_and_their_gradients_at_1000():
    X = np.array([[1000.0, -1000.0, 999.0], [-1000.0, -1000.0, -999.0]])
    shapes = {"X": ("n", "d")}
    rows = [[mpmath.mpf(v) for v in row] for row in X]
    lse = [mpmath.log(sum(mpmath.exp(v) for v in row)) for row in rows]
    softmax = np.array([[float(mpmath.exp(v - m)) for v in row] for row, m in zip(rows, lse)])
    np.testing.assert_allclose(symdiff.parse("logsumexp(X, rows)", shapes).evaluate(X=X), [float(m) for m in lse])
    np.testing.assert_allclose(symdiff.parse("softmax(X, rows)", shapes).evaluate(X=X), softmax, rtol=1e-14)
    gradient = symdiff.derive("sum(logsumexp(X, rows))", "X", shapes).evaluate(X=X)
    np.testing.assert_allclose(gradient, softmax, rtol=1e-14, atol=1e-300)
    C = np.arange(6.0).reshape(2, 3)
    by_x = symdiff.derive("sum(hadamard(C, softmax(X, rows)))", "X", shapes).evaluate(X=X, C=C)
    expected = softmax * (C - np.sum(C * softmax, axis=1, keepdims=True))
    np.testing.assert_allclose(by_x, expected, rtol=1e-12, atol=1e-300)


def test_the_norm_has_no_gradient_at_0():
    """A kink (README, "Kinks"): x/norm(x) is 0/0 at x = 0, never a finite number passed off as the answer."""
    for formula, wrt in [("norm(x)", ["x"]), ("sqrt(x.T*x)", ["x"]), ("norm(x)", ["x", "x"])]:
        result = symdiff.derive(formula, wrt, {"x": ("n",)})
        assert symdiff.parse(formula, {"x": ("n",)}).evaluate(x=np.zeros(3)) == 0.0
        try:
            value = np.asarray(result.evaluate(x=np.zeros(3)))
        except EvaluationError:
            continue
        assert np.all(np.isnan(value)), (formula, value)
