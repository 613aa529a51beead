"""An external oracle: JAX's autodiff agrees with symdiff on batches, attention and normalisation.

Runs only where JAX is installed (the ``oracle`` extra; symdiff never needs
it); the same derivatives are checked against finite differences in
``test_batches.py`` and ``test_attention.py`` whether or not it is. Each JAX
function is written by hand in ``jax_oracle.py``, beside nothing of
symdiff, and differentiated there with ``jax.grad`` (a gradient),
``jax.jacfwd`` (a Jacobian) or ``jax.hessian``, in one process of its own so
that JAX's threads never share this one (``jax_oracle.py`` says why).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numeric import random_values

import symdiff

pytestmark = pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is not installed")

BATCH = {"X": ("n", "d"), "W": ("d", "k"), "Y": ("n", "k"), "b": ("k",)}
ATTENTION = {"Q": ("n", "d"), "K": ("m", "d"), "V": ("m", "v"), "C": ("n", "v")}
HEAD = {"X": ("n", "d"), "Wq": ("d", "h"), "Wk": ("d", "h"), "Wv": ("d", "v"), "C": ("n", "v")}
VECTOR = {"x": ("n",), "eps": ()}
CROSS_ENTROPY = "(sum(logsumexp(X*W + ones(n)*b.T, rows)) - sum(hadamard(Y, X*W + ones(n)*b.T)))/n"
ATTENTION_READ = "sum(hadamard(C, softmax(Q*K.T/sqrt(d), rows)*V))"
HEAD_READ = "sum(hadamard(C, softmax(X*Wq*(X*Wk).T/sqrt(h), rows)*X*Wv))"

CASES: list[tuple[str, tuple[str, ...], dict, str, tuple[str, ...], str]] = [
    (CROSS_ENTROPY, ("W",), BATCH, "cross_entropy", ("X", "W", "Y", "b"), "grad"),
    (CROSS_ENTROPY, ("b",), BATCH, "cross_entropy", ("X", "W", "Y", "b"), "grad"),
    ("norm(X*W + ones(n)*b.T - Y)^2/(2*n)", ("W",), BATCH, "least_squares", ("X", "W", "Y", "b"), "grad"),
    ("norm(X*W + ones(n)*b.T - Y)^2/(2*n)", ("b",), BATCH, "least_squares", ("X", "W", "Y", "b"), "grad"),
    *[(ATTENTION_READ, (name,), ATTENTION, "attention", ("Q", "K", "V", "C"), "grad") for name in "QKV"],
    *[(HEAD_READ, (name,), HEAD, "head", ("X", "Wq", "Wk", "Wv", "C"), "grad") for name in ("Wq", "Wk", "Wv")],
    ("(x - mean(x))/sqrt(var(x) + eps)", ("x",), VECTOR, "layer_norm", ("x", "eps"), "jacfwd"),
    ("x - sum(x)/n", ("x",), VECTOR, "centring", ("x", "eps"), "jacfwd"),
    ("sum(x)^2", ("x", "x"), VECTOR, "sum_squared", ("x", "eps"), "hessian"),
    ("norm(x)", ("x", "x"), VECTOR, "norm", ("x", "eps"), "hessian"),
    ("var(x)", ("x", "x"), VECTOR, "var", ("x", "eps"), "hessian"),
    ("logsumexp(exp(x))", ("x", "x"), VECTOR, "logsumexp_exp", ("x", "eps"), "hessian"),
    (
        "sum(hadamard(C, (X - ones(n)*mean(X, cols).T)/(ones(n)*sqrt(var(X, cols) + eps).T)))",
        ("X",),
        {"X": ("n", "d"), "C": ("n", "d"), "eps": ()},
        "batch_norm",
        ("X", "C", "eps"),
        "grad",
    ),
]
"""(formula, wrt, shapes, the function of ``jax_oracle.FUNCTIONS`` it is, the names of that function's
arguments in order, the JAX transformation, taken by the argument the last step of wrt names)."""

POINTS = 2


def _point(result: symdiff.Result, rng: np.random.Generator) -> dict[str, object]:
    """Random values at random sizes, eps kept positive (the square roots are real)."""
    values = random_values(result.formula, rng)
    return {name: abs(value) + 0.1 if name == "eps" else value for name, value in values.items()}


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> tuple[list[tuple[symdiff.Result, list[dict]]], dict[str, np.ndarray]]:
    """symdiff's results with their points, and JAX's derivatives at those points, from one child process."""
    rng = np.random.default_rng(7)
    derived, request = [], {}
    for c, (formula, wrt, shapes, function, order, transform) in enumerate(CASES):
        result = symdiff.derive(formula, list(wrt), shapes)
        points = [_point(result, rng) for _ in range(POINTS)]
        derived.append((result, points))
        for p, values in enumerate(points):
            key = f"{c}_{p}"
            request[f"{key}/call"] = np.array(f"{function},{transform},{order.index(wrt[-1])}")
            request[f"{key}/count"] = np.array(len(order))
            request.update({f"{key}/{i}": np.asarray(values[name], dtype=float) for i, name in enumerate(order)})
    folder = tmp_path_factory.mktemp("jax")
    np.savez(folder / "request.npz", **request)
    oracle = Path(__file__).with_name("jax_oracle.py")
    subprocess.run(
        [sys.executable, str(oracle), str(folder / "request.npz"), str(folder / "answer.npz")], check=True, timeout=600
    )
    with np.load(folder / "answer.npz") as answer:
        return derived, {key: answer[key] for key in answer.files}


@pytest.mark.parametrize("case", range(len(CASES)), ids=[f"{case[0]} by {','.join(case[1])}" for case in CASES])
def test_symdiff_agrees_with_jax(case: int, answers):
    derived, jax_answers = answers
    result, points = derived[case]
    for p, values in enumerate(points):
        actual = np.asarray(result.evaluate(**values), dtype=float)
        expected = jax_answers[f"{case}_{p}"]
        np.testing.assert_allclose(actual, expected.reshape(actual.shape), rtol=1e-7, atol=1e-9)
