"""JAX's derivatives of the functions ``tests/test_attention_jax.py`` and ``tests/test_identities_jax.py`` compare
symdiff with, in a process of their own.

JAX starts threads; a test process that has imported it warns on every later
``fork`` (the CLI tests start subprocesses), so each test file runs this file
once: ``python jax_oracle.py REQUEST.npz ANSWER.npz``. Each request is a
function, the JAX transformation, the positions of the arguments to
differentiate by and the arguments; the answer is the derivative, under the
request's key. The function is one written by hand in ``FUNCTIONS``, or
``code:NAME``: the function ``f`` of the module NAME.py beside the request,
which symdiff printed (``Result.code("jax")``) for the formula's value. That
is the only code imported: symdiff's own output, never text a user typed.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path

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


TRANSFORMS: dict[str, Callable[..., Callable]] = {
    "grad": lambda f, i: jax.grad(f, argnums=i),
    "jacfwd": lambda f, i: jax.jacfwd(f, argnums=i),
    "hessian": lambda f, i: jax.hessian(f, argnums=i),
    "jacfwd_grad": lambda f, i, j: jax.jacfwd(jax.grad(f, argnums=i), argnums=j),
}
"""A request's transformation by name, given the function and the positions of the arguments (one per step)."""


def _function(name: str, folder: Path) -> Callable:
    """A function of ``FUNCTIONS``, or ``f`` of the symdiff-printed module ``code:NAME`` in ``folder``."""
    if not name.startswith("code:"):
        return FUNCTIONS[name]
    module = name.removeprefix("code:")
    spec = importlib.util.spec_from_file_location(module, folder / f"{module}.py")
    assert spec is not None and spec.loader is not None
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded.f


def main(request_path: str, answer_path: str) -> None:
    request = np.load(request_path)
    answers = {}
    for key in sorted({name.split("/")[0] for name in request.files}):
        function, transform, argnums = str(request[f"{key}/call"]).split(",")
        arguments = [jnp.asarray(request[f"{key}/{i}"]) for i in range(int(request[f"{key}/count"]))]
        positions = [int(i) for i in argnums.split(";")]
        derivative = TRANSFORMS[transform](_function(function, Path(request_path).parent), *positions)
        answers[key] = np.asarray(derivative(*arguments))
    np.savez(answer_path, **answers)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
