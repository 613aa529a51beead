"""An external oracle for every table: JAX's autodiff of each formula agrees with symdiff's derivative.

Every row of ``test_identities.IDENTITIES`` and of the batch, attention and
reduction tables (``test_attention.LOSSES``, ``test_batches.REDUCTIONS`` and
``JACOBIANS``) is differentiated by JAX at random points and sizes:
``jax.grad`` for a gradient, ``jax.jacfwd`` for a Jacobian or a derivative by
a scalar, ``jax.jacfwd(jax.grad)`` for a Hessian. JAX differentiates the
formula's *value* as symdiff prints it for JAX (``Result.code("jax")``), so
what is checked is the derivative, computed independently. The JAX side runs
in a process of its own (``jax_oracle.py`` says why), all rows at once.

Where a row declares the variable symmetric, symdiff's gradient is the
symmetric one, (G + Gᵀ)/2 (README, "Layouts and symmetric matrices"), so
JAX's G is symmetrised before the comparison. A derivative of a matrix by a
matrix that symdiff gives as a matrix (Kronecker form) is compared under the
vec convention of Magnus & Neudecker: d vec(F) / d vec(X)ᵀ, vec stacking
columns. Skipped cleanly where JAX is not installed (the ``oracle`` extra);
the same rows are checked against finite differences without it.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest
from numeric import vec_form
from test_attention import BATCH as LOSS_SHAPES
from test_attention import LOSSES
from test_batches import BATCH as REDUCTION_SHAPES
from test_batches import JACOBIANS, REDUCTIONS
from test_code_export import _point
from test_identities import IDENTITIES

import symdiff

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is not installed"),
    pytest.mark.slow,
]


class Row(NamedTuple):
    table: str
    formula: str
    wrt: tuple[str, ...]
    shapes: dict | None
    symmetric: tuple[str, ...] = ()


ROWS: list[Row] = [
    *(
        Row("identities", r.formula, (r.wrt,) if isinstance(r.wrt, str) else tuple(r.wrt), r.shapes, r.symmetric)
        for r in IDENTITIES
    ),
    *(Row("losses", formula, (wrt,), LOSS_SHAPES) for formula, wrt, _ in LOSSES),
    *(Row("reductions", formula, (wrt,), {**REDUCTION_SHAPES, "t": ()}) for formula, wrt in REDUCTIONS),
    *(Row("jacobians", formula, tuple(steps), {"x": ("n",)}) for formula, steps, _ in JACOBIANS),
]
"""Every row of every table, as (table, formula, wrt steps, shapes, symmetric names)."""

POINTS = 2


def _row_id(row: Row) -> str:
    return f"{row.table}: {row.formula} by {','.join(row.wrt)}" + (f" ({row.symmetric} symmetric)" if row.symmetric else "")


def _transform(row: Row, value: symdiff.Result) -> tuple[str, list[int]]:
    """The JAX transformation and the positions, in the printed function's arguments, of the variables by."""
    order = list(value.formula.variables)
    positions = [order.index(name) for name in row.wrt]
    if len(row.wrt) == 2:
        return "jacfwd_grad", positions
    return ("grad" if value.shape == () else "jacfwd"), positions


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> dict[int, list[tuple[np.ndarray, np.ndarray]]]:
    """For each row: (symdiff's derivative, JAX's) at each point, JAX's computed in one child process."""
    folder = tmp_path_factory.mktemp("jax_identities")
    rng = np.random.default_rng(17)
    ours: dict[str, np.ndarray] = {}
    request: dict[str, np.ndarray] = {}
    for r, row in enumerate(ROWS):
        result = symdiff.derive(row.formula, list(row.wrt), row.shapes, symmetric=row.symmetric)
        value = symdiff.parse(row.formula, row.shapes)
        (folder / f"row{r}.py").write_text(value.code("jax"))
        transform, positions = _transform(row, value)
        for p in range(POINTS):
            values = _point(result, value, row, rng)
            key = f"{r}_{p}"
            ours[key] = np.asarray(result.evaluate(**values), dtype=float)
            request[f"{key}/call"] = np.array(f"code:row{r},{transform},{';'.join(map(str, positions))}")
            request[f"{key}/count"] = np.array(len(value.formula.variables))
            for i, name in enumerate(value.formula.variables):
                request[f"{key}/{i}"] = np.asarray(values[name], dtype=float)
    np.savez(folder / "request.npz", **request)
    oracle = Path(__file__).with_name("jax_oracle.py")
    done = subprocess.run(
        [sys.executable, str(oracle), str(folder / "request.npz"), str(folder / "answer.npz")],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    with np.load(folder / "answer.npz") as answer:
        theirs = {key: answer[key] for key in answer.files}
    return {r: [(ours[f"{r}_{p}"], theirs[f"{r}_{p}"]) for p in range(POINTS)] for r in range(len(ROWS))}


def _as_ours(jax_value: np.ndarray, ours: np.ndarray, row: Row) -> np.ndarray:
    """JAX's derivative in symdiff's arrangement: symmetrised where the row says so, vec form for a
    matrix-by-matrix derivative symdiff gives as a matrix, otherwise the same numbers in symdiff's shape."""
    if row.wrt[-1] in row.symmetric and len(row.wrt) == 1:
        jax_value = (jax_value + jax_value.T) / 2
    if jax_value.ndim > 2 and ours.ndim == 2:  # d vec(F) / d vec(X).T, vec stacking columns
        # F's axes come first in JAX's tensor: as many as it takes to make up the rows of symdiff's matrix
        value_ndim = next(k for k in range(1, jax_value.ndim) if np.prod(jax_value.shape[:k]) == ours.shape[0])
        return vec_form(jax_value, value_ndim)
    assert jax_value.size == ours.size, f"JAX's derivative has shape {jax_value.shape}, symdiff's {ours.shape}"
    return jax_value.reshape(ours.shape)


def test_every_table_is_swept():
    assert len(ROWS) == len(IDENTITIES) + len(LOSSES) + len(REDUCTIONS) + len(JACOBIANS)
    assert len(IDENTITIES) >= 100


@pytest.mark.parametrize("r", range(len(ROWS)), ids=[_row_id(row) for row in ROWS])
def test_symdiff_agrees_with_jax(r: int, answers):
    row = ROWS[r]
    for ours, theirs in answers[r]:
        assert np.all(np.isfinite(theirs)), f"JAX's derivative is not finite: {theirs}"
        np.testing.assert_allclose(ours, _as_ours(theirs, ours, row), rtol=1e-7, atol=1e-9)
