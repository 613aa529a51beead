"""Median time of one derivation per formula (``make bench``); speed is measured here, never in tests."""

from __future__ import annotations

import statistics
import time

import symdiff

CASES = [
    ("0.5*norm(A*x)**2", "x"),
    ("0.5*norm(A*x)**2", "A"),
    ("x.T*A*x", "x"),
    ("0.5*norm(W2*sigmoid(W1*x) - y)**2", "W1"),
    ("sum(log(sigmoid(A*x)))", "A"),
    ("logsumexp(W*x)", "W"),
    ("log(det(X))", "X"),
]


def median_ms(expr: str, wrt: str, repeats: int = 15) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        _ = symdiff.derive(expr, wrt).text  # printing is part of a derivation's cost
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


if __name__ == "__main__":
    for expr, wrt in CASES:
        print(f"{median_ms(expr, wrt):8.2f} ms  d/d{wrt}  {expr}")
