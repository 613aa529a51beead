"""JAX's derivatives of the functions ``tests/test_attention_jax.py`` compares symdiff with, in a process of their own.

JAX starts threads; a test process that has imported it warns on every later
``fork`` (the CLI tests start subprocesses), so the test runs this file once:
``python jax_oracle.py REQUEST.npz ANSWER.npz``. Each request is a function
named in ``FUNCTIONS``, the JAX transformation, the position of the argument
to differentiate by and the arguments; the answer is the derivative, under the
request's key.
"""

from __future__ import annotations

import sys

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)


def _softmax_rows(Z):
    return jax.nn.softmax(Z, axis=1)


def _cross_entropy(X, W, Y, b):
    Z = X @ W + b[None, :]
    return (jnp.sum(jax.nn.logsumexp(Z, axis=1)) - jnp.sum(Y * Z)) / X.shape[0]


def _least_squares(X, W, Y, b):
    return jnp.sum((X @ W + b[None, :] - Y) ** 2) / (2 * X.shape[0])


def _attention(Q, K, V, C):
    return jnp.sum(C * (_softmax_rows(Q @ K.T / jnp.sqrt(Q.shape[1])) @ V))


def _head(X, Wq, Wk, Wv, C):
    return jnp.sum(C * (_softmax_rows(X @ Wq @ (X @ Wk).T / jnp.sqrt(Wq.shape[1])) @ X @ Wv))


def _layer_norm(x, eps):
    return (x - jnp.mean(x)) / jnp.sqrt(jnp.var(x) + eps)


def _batch_norm(X, C, eps):
    return jnp.sum(C * (X - jnp.mean(X, axis=0)) / jnp.sqrt(jnp.var(X, axis=0) + eps))


FUNCTIONS = {
    "cross_entropy": _cross_entropy,
    "least_squares": _least_squares,
    "attention": _attention,
    "head": _head,
    "layer_norm": _layer_norm,
    "batch_norm": _batch_norm,
    "centring": lambda x, eps: x - jnp.sum(x) / x.shape[0],
    "sum_squared": lambda x, eps: jnp.sum(x) ** 2,
    "norm": lambda x, eps: jnp.linalg.norm(x),
    "var": lambda x, eps: jnp.var(x),
    "logsumexp_exp": lambda x, eps: jax.nn.logsumexp(jnp.exp(x)),
}
"""Each function by the name a request gives it, its arguments in the order the request lists them."""


def main(request_path: str, answer_path: str) -> None:
    request = np.load(request_path)
    answers = {}
    for key in sorted({name.split("/")[0] for name in request.files}):
        function, transform, argnum = str(request[f"{key}/call"]).split(",")
        arguments = [jnp.asarray(request[f"{key}/{i}"]) for i in range(int(request[f"{key}/count"]))]
        answers[key] = np.asarray(getattr(jax, transform)(FUNCTIONS[function], argnums=int(argnum))(*arguments))
    np.savez(answer_path, **answers)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
