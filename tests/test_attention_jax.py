"""An external oracle: JAX's autodiff agrees with symdiff on batches, attention and normalisation.

Runs only where JAX is installed (it is no dependency of symdiff); the same
derivatives are checked against finite differences in ``test_batches.py``
and ``test_attention.py`` whether or not it is. Each JAX function is written
by hand beside the formula it mirrors, and compared at random points and
sizes with ``jax.grad`` (a gradient), ``jax.jacfwd`` (a Jacobian) or
``jax.hessian``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from numeric import random_values

import symdiff

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")
jax.config.update("jax_enable_x64", True)


def _softmax_rows(Z):
    return jax.nn.softmax(Z, axis=1)


def _cross_entropy(X, W, Y, b):
    Z = X @ W + b[None, :]
    return (jnp.sum(jax.nn.logsumexp(Z, axis=1)) - jnp.sum(Y * Z)) / X.shape[0]


def _attention(Q, K, V, C):
    return jnp.sum(C * (_softmax_rows(Q @ K.T / jnp.sqrt(Q.shape[1])) @ V))


def _head(X, Wq, Wk, Wv, C):
    return jnp.sum(C * (_softmax_rows(X @ Wq @ (X @ Wk).T / jnp.sqrt(Wq.shape[1])) @ X @ Wv))


def _layer_norm(x, eps):
    return (x - jnp.mean(x)) / jnp.sqrt(jnp.var(x) + eps)


def _batch_norm(X, C, eps):
    return jnp.sum(C * (X - jnp.mean(X, axis=0)) / jnp.sqrt(jnp.var(X, axis=0) + eps))


BATCH = {"X": ("n", "d"), "W": ("d", "k"), "Y": ("n", "k"), "b": ("k",)}
ATTENTION = {"Q": ("n", "d"), "K": ("m", "d"), "V": ("m", "v"), "C": ("n", "v")}
HEAD = {"X": ("n", "d"), "Wq": ("d", "h"), "Wk": ("d", "h"), "Wv": ("d", "v"), "C": ("n", "v")}
VECTOR = {"x": ("n",), "eps": ()}
CROSS_ENTROPY = "(sum(logsumexp(X*W + ones(n)*b.T, rows)) - sum(hadamard(Y, X*W + ones(n)*b.T)))/n"

CASES: list[tuple[str, list[str], dict, Callable, tuple[str, ...], str]] = [
    (CROSS_ENTROPY, ["W"], BATCH, _cross_entropy, ("X", "W", "Y", "b"), "grad"),
    (CROSS_ENTROPY, ["b"], BATCH, _cross_entropy, ("X", "W", "Y", "b"), "grad"),
    (
        "norm(X*W + ones(n)*b.T - Y)^2/(2*n)",
        ["W"],
        BATCH,
        lambda X, W, Y, b: jnp.sum((X @ W + b[None, :] - Y) ** 2) / (2 * X.shape[0]),
        ("X", "W", "Y", "b"),
        "grad",
    ),
    ("sum(hadamard(C, softmax(Q*K.T/sqrt(d), rows)*V))", ["Q"], ATTENTION, _attention, ("Q", "K", "V", "C"), "grad"),
    ("sum(hadamard(C, softmax(Q*K.T/sqrt(d), rows)*V))", ["K"], ATTENTION, _attention, ("Q", "K", "V", "C"), "grad"),
    ("sum(hadamard(C, softmax(Q*K.T/sqrt(d), rows)*V))", ["V"], ATTENTION, _attention, ("Q", "K", "V", "C"), "grad"),
    *[
        (
            "sum(hadamard(C, softmax(X*Wq*(X*Wk).T/sqrt(h), rows)*X*Wv))",
            [weight],
            HEAD,
            _head,
            ("X", "Wq", "Wk", "Wv", "C"),
            "grad",
        )
        for weight in ("Wq", "Wk", "Wv")
    ],
    ("(x - mean(x))/sqrt(var(x) + eps)", ["x"], VECTOR, _layer_norm, ("x", "eps"), "jacfwd"),
    ("x - sum(x)/n", ["x"], VECTOR, lambda x, eps: x - jnp.sum(x) / x.shape[0], ("x", "eps"), "jacfwd"),
    ("sum(x)^2", ["x", "x"], VECTOR, lambda x, eps: jnp.sum(x) ** 2, ("x", "eps"), "hessian"),
    ("norm(x)", ["x", "x"], VECTOR, lambda x, eps: jnp.linalg.norm(x), ("x", "eps"), "hessian"),
    ("var(x)", ["x", "x"], VECTOR, lambda x, eps: jnp.var(x), ("x", "eps"), "hessian"),
    ("logsumexp(exp(x))", ["x", "x"], VECTOR, lambda x, eps: jax.nn.logsumexp(jnp.exp(x)), ("x", "eps"), "hessian"),
    (
        "sum(hadamard(C, (X - ones(n)*mean(X, cols).T)/(ones(n)*sqrt(var(X, cols) + eps).T)))",
        ["X"],
        {"X": ("n", "d"), "C": ("n", "d"), "eps": ()},
        _batch_norm,
        ("X", "C", "eps"),
        "grad",
    ),
]
"""(formula, wrt, shapes, the same function in JAX, the names of its arguments in order, the JAX
transformation taken by the argument named by the last step of wrt)."""


@pytest.mark.parametrize(("formula", "wrt", "shapes", "function", "order", "transform"), CASES)
def test_symdiff_agrees_with_jax(formula, wrt, shapes, function, order, transform):
    result = symdiff.derive(formula, wrt, shapes)
    rng = np.random.default_rng(7)
    for _ in range(2):
        values = random_values(result.formula, rng)
        values = {name: abs(value) + 0.1 if name == "eps" else value for name, value in values.items()}
        arguments = [jnp.asarray(values[name], dtype=jnp.float64) for name in order]
        derivative = getattr(jax, transform)(function, argnums=order.index(wrt[-1]))(*arguments)
        actual = np.asarray(result.evaluate(**values), dtype=float)
        np.testing.assert_allclose(actual, np.asarray(derivative).reshape(actual.shape), rtol=1e-7, atol=1e-9)
