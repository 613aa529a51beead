"""Numbers: symdiff's evaluated derivatives beside hand-written NumPy, SymPy, JAX and PyTorch (``make bench``).

Every figure is a ratio to the hand-written NumPy formula measured in the same
run, one thread everywhere (set before NumPy is imported), the median of
repeated calls after one warm-up call (JIT compilation, planning). Columns:

- symdiff: ``Result.lambdify()``, called with NumPy arrays (it checks the
  arrays are finite and fit the shapes, then runs the plan; a large array
  that a finite result vouches for is checked through the result,
  ``symdiff/evaluate/finite.py``);
- code: the function ``Result.code("numpy")`` prints (value and gradient
  together, against the hand-written value and gradient together);
- SymPy: ``sympy.lambdify(cse=True)`` of the same closed form in SymPy's matrix
  vocabulary (it cannot print an entrywise function of a matrix);
- JAX: ``jax.jit(jax.grad(f))`` / ``jax.jit(jax.hessian(f))``, float64;
- torch: autograd (``backward``) / ``torch.func.hessian``, float64.

JAX and PyTorch are the optional extra ``.[bench]``; a column is "absent" when
they are not installed. A call that takes over a second is timed once.
Prints Markdown tables; ``--quick`` runs the smallest size only; ``--only TEXT`` (repeatable) runs the cases
whose name contains TEXT, ``--sizes 100,1000`` those sizes only (a before/after comparison of a few rows).
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
    os.environ[_variable] = "1"
os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"

import importlib.util
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sympy as sp
from sympy.matrices.expressions import MatrixSymbol

import symdiff

try:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
except ImportError:
    jax = None
try:
    import torch
    import torch.func

    torch.set_num_threads(1)
except ImportError:
    torch = None

REPEATS = 15
SLOW_S = 1.0
QUICK_S = 0.02
"""Runs slower than this (the first call of each, n = 3000 and the Hessians) have ``REPEATS // 2`` rounds."""
FAST_S = 0.002
"""Runs faster than this (n = 100 and 1000, a millisecond or less) have ``3 * REPEATS`` rounds: on a shared
machine a single preemption is a large part of such a call."""


@dataclass(frozen=True)
class Case:
    """A derivative to time: symdiff's formula, the hand-written NumPy answer, the loss for the frameworks."""

    name: str
    formula: str
    wrt: list[str]
    sizes: tuple[int, ...]
    values: Callable[[int, np.random.Generator], dict[str, np.ndarray]]
    hand: Callable[..., np.ndarray]
    hand_value: Callable[..., float]
    loss: Callable  # loss(module, sigmoid, **values) for jax.numpy and torch
    sympy: Callable[[], sp.Basic] | None = None
    """The closed form in SymPy's vocabulary, its arguments the formula's variables in order; None: none prints."""


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _mlp(W1: np.ndarray, W2: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    s = _sigmoid(W1 @ x)
    return np.outer((W2.T @ (W2 @ s - y)) * s * (1 - s), x)


def _logistic_hessian(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    s = _sigmoid(X @ w)
    return X.T @ ((s * (1 - s))[:, None] * X)


def _square(n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.normal(size=(n, n)) / np.sqrt(n)


def _spd(n: int, rng: np.random.Generator) -> np.ndarray:
    B = _square(n, rng)
    return B @ B.T + np.eye(n)


N = sp.Symbol("n", integer=True, positive=True)
A_, X_ = MatrixSymbol("A", N, N), MatrixSymbol("X", N, N)
x_, b_ = MatrixSymbol("x", N, 1), MatrixSymbol("b", N, 1)

GRADIENTS = [
    Case(
        "½‖Ax‖² by x",
        "0.5*norm(A*x)**2",
        ["x"],
        (100, 1000, 3000),
        lambda n, rng: {"A": _square(n, rng), "x": rng.normal(size=n)},
        lambda A, x: A.T @ (A @ x),
        lambda A, x: 0.5 * np.sum((A @ x) ** 2),
        lambda m, sig, A, x: 0.5 * m.sum((A @ x) ** 2),
        lambda: A_.T * A_ * x_,
    ),
    Case(
        "½‖Ax‖² by A",
        "0.5*norm(A*x)**2",
        ["A"],
        (100, 1000, 3000),
        lambda n, rng: {"A": _square(n, rng), "x": rng.normal(size=n)},
        lambda A, x: np.outer(A @ x, x),
        lambda A, x: 0.5 * np.sum((A @ x) ** 2),
        lambda m, sig, A, x: 0.5 * m.sum((A @ x) ** 2),
        lambda: A_ * x_ * x_.T,
    ),
    Case(
        "least squares ½‖Ax − b‖² by x",
        "0.5*norm(A*x - b)^2",
        ["x"],
        (100, 1000, 3000),
        lambda n, rng: {"A": _square(n, rng), "b": rng.normal(size=n), "x": rng.normal(size=n)},
        lambda A, b, x: A.T @ (A @ x - b),
        lambda A, b, x: 0.5 * np.sum((A @ x - b) ** 2),
        lambda m, sig, A, b, x: 0.5 * m.sum((A @ x - b) ** 2),
        lambda: A_.T * (A_ * x_ - b_),
    ),
    Case(
        "logistic loss by w",
        "-sum(hadamard(y, log(sigmoid(X*w))) + hadamard(1 - y, log(1 - sigmoid(X*w))))",
        ["w"],
        (100, 1000, 3000),
        lambda n, rng: {"X": _square(n, rng), "w": rng.normal(size=n), "y": rng.integers(0, 2, n).astype(float)},
        lambda X, w, y: X.T @ (_sigmoid(X @ w) - y),
        lambda X, w, y: -np.sum(y * np.log(_sigmoid(X @ w)) + (1 - y) * np.log(1 - _sigmoid(X @ w))),
        lambda m, sig, X, w, y: -m.sum(y * m.log(sig(X @ w)) + (1 - y) * m.log(1 - sig(X @ w))),
    ),
    Case(
        "two-layer MLP ½‖W2 σ(W1 x) − y‖² by W1",
        "0.5*norm(W2*sigmoid(W1*x) - y)**2",
        ["W1"],
        (100, 1000, 3000),
        lambda n, rng: {
            "W1": _square(n, rng),
            "W2": _square(n, rng),
            "x": rng.normal(size=n),
            "y": rng.normal(size=n),
        },
        lambda W1, W2, x, y: _mlp(W1, W2, x, y),
        lambda W1, W2, x, y: 0.5 * np.sum((W2 @ _sigmoid(W1 @ x) - y) ** 2),
        lambda m, sig, W1, W2, x, y: 0.5 * m.sum((W2 @ sig(W1 @ x) - y) ** 2),
    ),
    Case(
        "log det X by X",
        "log(det(X))",
        ["X"],
        (100, 1000, 3000),  # n = 3000: one inverse takes seconds, so each contender is timed once
        lambda n, rng: {"X": _spd(n, rng)},
        lambda X: np.linalg.inv(X).T,
        lambda X: np.linalg.slogdet(X)[1],
        lambda m, sig, X: m.linalg.slogdet(X)[1],
        lambda: X_.inverse().T,
    ),
]

HESSIANS = [
    Case(
        "Hessian of the logistic loss by w",
        "-sum(hadamard(y, log(sigmoid(X*w))) + hadamard(1 - y, log(1 - sigmoid(X*w))))",
        ["w", "w"],
        (2000,),
        lambda n, rng: {
            "X": rng.normal(size=(n, 300)) / np.sqrt(300),
            "w": rng.normal(size=300),
            "y": rng.integers(0, 2, n).astype(float),
        },
        lambda X, w, y: _logistic_hessian(X, w),
        lambda X, w, y: -np.sum(y * np.log(_sigmoid(X @ w)) + (1 - y) * np.log(1 - _sigmoid(X @ w))),
        lambda m, sig, X, w, y: -m.sum(y * m.log(sig(X @ w)) + (1 - y) * m.log(1 - sig(X @ w))),
    ),
    Case(
        "Hessian of ½‖Ax − b‖² + ½λ‖x‖² by x",
        "0.5*norm(A*x - b)^2 + 0.5*lam*norm(x)^2",
        ["x", "x"],
        (2000,),
        lambda n, rng: {
            "A": rng.normal(size=(n, 300)),
            "b": rng.normal(size=n),
            "lam": np.float64(0.1),
            "x": rng.normal(size=300),
        },
        lambda A, b, lam, x: A.T @ A + lam * np.eye(A.shape[1]),
        lambda A, b, lam, x: 0.5 * np.sum((A @ x - b) ** 2) + 0.5 * lam * np.sum(x**2),
        lambda m, sig, A, b, lam, x: 0.5 * m.sum((A @ x - b) ** 2) + 0.5 * lam * m.sum(x**2),
    ),
]


def ratios(runs: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Each run's median time over rounds, every run timed once per round in turn (so that the load of a shared
    machine falls on all alike), divided by the first run's in the same round; the first's own median in seconds.
    A run slower than ``SLOW_S`` is timed in the first round only."""
    for run in runs.values():
        run()  # warm-up: JIT compilation, planning
    start = time.perf_counter()
    next(iter(runs.values()))()
    took = time.perf_counter() - start
    rounds = 3 * REPEATS if took < FAST_S else REPEATS if took < QUICK_S else REPEATS // 2
    times: dict[str, list[float]] = {label: [] for label in runs}
    for round_ in range(rounds):
        for label, run in runs.items():
            if round_ and times[label][0] > SLOW_S:
                continue
            start = time.perf_counter()
            run()
            times[label].append(time.perf_counter() - start)
    first, *_ = runs
    found = {first: statistics.median(times[first])}
    for label, measured in list(times.items())[1:]:
        found[label] = statistics.median(t / times[first][i] for i, t in enumerate(measured))
    return found


def _load(code: str, directory: Path, name: str):
    """The exported code as a module (the benchmark runs what symdiff printed; symdiff never does)."""
    path = directory / f"{name}.py"
    path.write_text(code)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def contenders(case: Case, values: dict, directory: Path) -> dict[str, Callable[[], object] | str]:
    """Each way of computing the derivative at ``values``, or why it is absent."""
    result = symdiff.derive(case.formula, case.wrt)
    names = list(result.formula.variables)
    ordered = [values[name] for name in names]
    compiled = result.lambdify()
    exported = _load(result.code("numpy"), directory, f"case{abs(hash(case.name))}")
    function = next(getattr(exported, name) for name in dir(exported) if name.startswith("f_and"))
    found: dict[str, Callable[[], object] | str] = {
        "symdiff": lambda: compiled(**values),
        "code": lambda: function(*ordered),
    }
    if case.sympy is None:
        found["SymPy"] = "no print"
    else:
        columns = {k: v.reshape(-1, 1) if np.ndim(v) == 1 else v for k, v in values.items()}
        expr = case.sympy()
        symbols = sorted(expr.free_symbols - {N}, key=str)
        lambdified = sp.lambdify(symbols, expr, modules="numpy", cse=True)
        arguments = [columns[str(s)] for s in symbols]
        found["SymPy"] = lambda: lambdified(*arguments)
    argnum = names.index(case.wrt[0])
    if jax is None:
        found["JAX"] = "absent"
    else:
        device = [jnp.asarray(v) for v in ordered]

        def jax_loss(*args):
            return case.loss(jnp, jax.nn.sigmoid, **dict(zip(names, args)))

        transform = jax.grad if len(case.wrt) == 1 else jax.hessian
        jitted = jax.jit(transform(jax_loss, argnums=argnum))
        found["JAX"] = lambda: jitted(*device).block_until_ready()
    if torch is None:
        found["torch"] = "absent"
    else:
        tensors = [torch.as_tensor(v, dtype=torch.float64) for v in ordered]

        def torch_loss(*args):
            return case.loss(torch, torch.sigmoid, **dict(zip(names, args)))

        if len(case.wrt) == 1:

            def autograd():
                args = list(tensors)
                args[argnum] = args[argnum].detach().requires_grad_()
                torch_loss(*args).backward()
                return args[argnum].grad

            found["torch"] = autograd
        else:
            hessian = torch.func.hessian(torch_loss, argnums=argnum)
            found["torch"] = lambda: hessian(*tensors)
    return found


def _agrees(answer: object, expected: np.ndarray) -> bool:
    array = np.asarray(answer[-1] if isinstance(answer, tuple) else answer, dtype=float)
    return array.size == expected.size and np.allclose(array.reshape(expected.shape), expected, rtol=1e-6, atol=1e-8)


def table(cases: list[Case], sizes: Callable[[Case], tuple[int, ...]]) -> list[str]:
    columns = ["symdiff", "code", "SymPy", "JAX", "torch"]
    rows = [
        "| derivative | n | hand-written ms | " + " | ".join(columns) + " |",
        "| --- | ---: | ---: | " + " | ".join("---:" for _ in columns) + " |",
    ]
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as directory:
        for case in cases:
            for n in sizes(case):
                values = case.values(n, rng)
                expected = case.hand(**values)
                runs: dict[str, Callable[[], object]] = {"hand": lambda: case.hand(**values)}  # noqa: B023
                runs["hand, value too"] = lambda: (case.hand_value(**values), case.hand(**values))  # noqa: B023
                absent: dict[str, str] = {}
                for column, run in contenders(case, values, Path(directory)).items():
                    if isinstance(run, str):
                        absent[column] = run
                    elif not _agrees(run(), expected):
                        absent[column] = f"{column} disagrees"
                    else:
                        runs[column] = run
                found = ratios(runs)
                both = found.get("hand, value too", 1.0)
                cells = [
                    absent.get(column) or f"{found[column] / (both if column == 'code' else 1.0):.2f}×"
                    for column in columns
                ]
                rows.append(f"| {case.name} | {n} | {found['hand'] * 1000:.3g} | " + " | ".join(cells) + " |")
                print(rows[-1], file=sys.stderr, flush=True)
    return rows


def _option(name: str) -> list[str]:
    """Every value given to ``--name VALUE`` on the command line."""
    return [value for flag, value in zip(sys.argv, sys.argv[1:]) if flag == name]


def main() -> None:
    quick = "--quick" in sys.argv
    only = _option("--only")
    chosen = {int(size) for sizes in _option("--sizes") for size in sizes.split(",")}

    def sizes(case: Case) -> tuple[int, ...]:
        return tuple(n for n in (case.sizes[:1] if quick else case.sizes) if not chosen or n in chosen)

    def picked(cases: list[Case]) -> list[Case]:
        return [case for case in cases if not only or any(text in case.name for text in only)]

    print("Gradients (ratio to hand-written NumPy; lower is faster):\n")
    print("\n".join(table(picked(GRADIENTS), sizes)))
    if picked(HESSIANS):
        print("\nHessians, n = 2000, d = 300 (ratio to the hand-written closed form):\n")
        print("\n".join(table(picked(HESSIANS), sizes)))


if __name__ == "__main__":
    main()
