"""Component-form gradient of ½‖Ax‖² by an n×n A (``make bench``), beside plain SymPy ``diff`` per entry.

Both start from the same explicit expression (``symdiff.parse(...)``, built
once and not timed): symdiff's ``derive`` (the matrix-form derivative written
out entry by entry, ``symdiff.derive.instantiate``) against
``sympy.diff(expr, A_ij)`` for every entry, the way component form worked
before. SymPy's cache is cleared before every run of either, threads are
pinned to one, the median CPU time of the runs is reported, and plain SymPy is given
at most ``SYMPY_TIMEOUT`` CPU seconds a run ("> X s" past that). Both answers
are compared at n = 8 (equal entry by entry after expansion). Prints a
Markdown table.
"""

from __future__ import annotations

import os
import signal

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import sympy as sp
from sympy.core.cache import clear_cache

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import symdiff

FORMULA = "0.5*norm(A*x)**2"
SIZES = (8, 16, 32, 64)
SYMPY_TIMEOUT = 60.0
REPEATS = 3
LONG = 10.0
"""A run longer than this many seconds is not repeated."""


class _OutOfTime(Exception):
    """Plain SymPy used up its CPU time."""


def _out_of_time(signum: int, frame: object) -> None:
    raise _OutOfTime


def timed(run: Callable[[], object], repeats: int, limit: float = 0.0) -> float | None:
    """Median CPU seconds of ``repeats`` runs, each after clearing SymPy's cache; None if one uses more than
    ``limit`` CPU seconds (0: no limit). CPU time, not wall time: a shared machine slows both sides alike
    but unevenly from one moment to the next."""
    times = []
    previous = signal.signal(signal.SIGPROF, _out_of_time)
    try:
        for _ in range(repeats):
            clear_cache()
            start = time.process_time()
            signal.setitimer(signal.ITIMER_PROF, limit)
            try:
                run()
            except _OutOfTime:
                return None
            finally:
                signal.setitimer(signal.ITIMER_PROF, 0)
            times.append(time.process_time() - start)
            if times[-1] > LONG:
                break
    finally:
        signal.signal(signal.SIGPROF, previous)
    return statistics.median(times)


def row(n: int, timeout: float, compare: bool) -> str:
    """One line of the table: both derivatives of the n×n case, timed (and compared when ``compare``)."""
    start = time.process_time()
    formula = symdiff.parse(FORMULA, {"A": (n, n), "x": (n,)}).formula
    build = time.process_time() - start
    A = formula.symbols["A"]

    def plain() -> sp.Basic:
        return A.applyfunc(lambda entry: sp.diff(formula.expr, entry))

    ours = timed(lambda: symdiff.derive(formula, "A").sympy, REPEATS)
    assert ours is not None
    theirs = timed(plain, REPEATS, timeout)
    if compare:
        difference = symdiff.derive(formula, "A").sympy - plain()
        assert difference.applyfunc(sp.expand) == sp.zeros(n, n), "the two answers differ"
    shown = f"> {timeout:g}" if theirs is None else f"{theirs:.2f}"
    ratio = f"> {timeout / ours:.0f}×" if theirs is None else f"{theirs / ours:.0f}×"
    return f"| {n} | {n * n} | {build:.2f} | {ours:.3f} | {shown} | {ratio} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--timeout", type=float, default=SYMPY_TIMEOUT, help="CPU seconds plain SymPy gets per run")
    args = parser.parse_args()
    print(f"gradient of `{FORMULA}` by A, A n×n; CPU seconds, median of up to {REPEATS} runs (one past {LONG:g} s)")
    print("with SymPy's cache cleared before each; build: `symdiff.parse` of the explicit formula, once\n")
    print("| n | entries | build s | symdiff derive s | plain SymPy diff per entry s | ratio |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for n in args.sizes:
        print(row(n, args.timeout, n == min(args.sizes)), flush=True)


if __name__ == "__main__":
    main()
