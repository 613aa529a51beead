"""Median time of one derivation per identity (``make bench``), beside SymPy's own MatrixSymbol calculus.

The identities are the table of ``tests/test_identities.py`` (not a copy).
A derivation is ``symdiff.derive(...).text``: parsing, differentiating,
simplifying and printing. SymPy's time is ``expr.diff(X)`` alone, on the
formula already built (see ``sympy_baseline.py``), and what it returns is
classified: a closed form, an array form, an unevaluated Derivative, 0, or an
error. Speed is measured here, never in tests. Prints a Markdown table.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import sympy as sp

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "bench")]

from sympy_baseline import NoSympyForm, classify, to_sympy
from test_identities import IDENTITIES, Identity

import symdiff

REPEATS = 15
SYMPY_REPEATS = 5
TARGET_MS = 20.0


def median_ms(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def ours(row: Identity) -> float:
    return median_ms(lambda: symdiff.derive(row.formula, row.wrt, row.shapes, symmetric=row.symmetric).text, REPEATS)


def sympys(row: Identity) -> tuple[str, str]:
    """(median time, what SymPy returned) for SymPy's own .diff on the same formula."""
    formula = symdiff.parse(row.formula, row.shapes).formula
    names = [row.wrt] if isinstance(row.wrt, str) else list(row.wrt)
    try:
        expr = to_sympy(formula.expr)
    except NoSympyForm as exc:
        return "–", f"no SymPy form ({exc})"

    def run():
        value = expr
        for name in names:
            value = value.diff(formula.symbols[name])
        return value

    try:
        result = run()
    except Exception as exc:
        return "–", f"error: {type(exc).__name__}"
    return f"{median_ms(run, SYMPY_REPEATS):.2f}", classify(result)


def main() -> None:
    print("| identity | by | symdiff ms | SymPy ms | SymPy returns |")
    print("| --- | --- | ---: | ---: | --- |")
    medians = []
    for row in IDENTITIES:
        wrt = row.wrt if isinstance(row.wrt, str) else ", ".join(row.wrt)
        if row.symmetric:
            wrt += f" ({', '.join(row.symmetric)} symmetric)"
        ms = ours(row)
        medians.append(ms)
        sympy_ms, returned = sympys(row) if not row.symmetric else ("–", "no symmetric option")
        print(f"| `{row.formula}` | {wrt} | {ms:.2f} | {sympy_ms} | {returned} |")
    overall = statistics.median(medians)
    print(f"\nmedian over {len(medians)} identities: {overall:.2f} ms (target ≤ {TARGET_MS:.0f} ms); "
          f"slowest {max(medians):.2f} ms; SymPy {sp.__version__}")


if __name__ == "__main__":
    main()
