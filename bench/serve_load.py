"""Load on a real ``symdiff serve`` over loopback (``make bench``): throughput, p50/p95 latency, error responses.

``--clients`` (50) clients run at once for ``--seconds`` (30), each on its
own keep-alive connection, sending one request after another, as many
students on one page would: the live preview's read, derivations of several
identities (plain and LaTeX), a check of five options, and a formula with a
typo. Each request has one intended answer: 200 (for a derivation, with the
text ``symdiff.derive`` gives in this process), or 400 for the typo.
Anything else (another status, a different answer, a dropped connection) is
counted as an error, and the run exits 1 when there is one.

The clients are httpx's AsyncClient on one asyncio loop: one process, so the
load generator's own CPU time is small and reported beside the numbers (it
shares the machine with the server). The server is started by
``tests/web_server.py``, as the browser tests start it. Prints Markdown.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import platform
import resource
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests")]

import httpx
from web_server import serving

import symdiff


@dataclass(frozen=True)
class Request:
    label: str
    path: str
    body: dict[str, object]
    status: int
    text: str | None = None
    """The derivative's text a 200 must carry (derive only)."""


def _derive(formula: str, wrt: str, label: str | None = None) -> Request:
    return Request(f"derive {label or f'`{formula}`'} by {wrt}", "/api/derive", {"formula": formula, "wrt": wrt}, 200,
                   symdiff.derive(formula, wrt).text)


SEED = r"\frac{1}{2}\|\mathbf{A}\mathbf{x}\|^2"
SEED_LABEL = "the seed's LaTeX ½‖Ax‖²"
TYPO = "0.5*norm(A*x))**2"
MIX = (
    Request(f"read {SEED_LABEL}", "/api/read", {"formula": SEED}, 200),
    _derive(SEED, "x", SEED_LABEL),
    _derive("0.5*norm(A*x)**2", "A"),
    _derive("trace(A*X*B)", "X"),
    _derive("log(det(X))", "X"),
    _derive("x.T*A*x", "x"),
    _derive("norm(A*x - b)^2", "x"),
    Request(
        "check `0.5*norm(A*x)^2` by A, 5 options", "/api/check",
        {"question": "0.5*norm(A*x)^2", "wrt": "A",
         "options": ["x.T*A.T*A*x", "A*x*x.T", "A*inv(A.T*A)", "x*x.T*A.T", "2*A*x*x.T"]},
        200,
    ),
    Request(f"derive `{TYPO}` (a typo: 400)", "/api/derive", {"formula": TYPO, "wrt": "x"}, 400),
)


@dataclass
class Tally:
    latencies: dict[str, list[float]]
    statuses: Counter[tuple[str, int | str]]
    errors: list[str]


def _problem(request: Request, status: int, payload: object) -> str | None:
    """Why a response is not the intended one, or None."""
    if status != request.status:
        return f"{request.label}: status {status}, expected {request.status}: {str(payload)[:200]}"
    if request.text is not None and (not isinstance(payload, dict) or payload.get("text") != request.text):
        return f"{request.label}: answered {str(payload)[:200]}, expected text {request.text!r}"
    return None


async def _client(url: str, start: int, until: float, tally: Tally) -> None:
    """One user: the mix in turn from ``start``, one request at a time, until ``until``."""
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=httpx.Limits(max_connections=1)) as client:
        for request in itertools.islice(itertools.cycle(MIX), start, None):
            if time.perf_counter() >= until:
                return
            sent = time.perf_counter()
            try:
                response = await client.post(request.path, json=request.body)
                status: int | str = response.status_code
                problem = _problem(request, response.status_code, response.json())
            except Exception as exc:  # a dropped connection or a body that is not JSON counts as an error
                status, problem = type(exc).__name__, f"{request.label}: {type(exc).__name__}: {exc}"
            tally.latencies[request.label].append(time.perf_counter() - sent)
            tally.statuses[request.label, status] += 1
            if problem:
                tally.errors.append(problem)


async def load(url: str, clients: int, seconds: float) -> tuple[Tally, float]:
    """Warm every worker on the mix, then ``clients`` users for ``seconds``; the tally and the wall time."""
    warm = Tally(defaultdict(list), Counter(), [])
    await asyncio.gather(*(_client(url, start, time.perf_counter() + 3, warm) for start in range(4)))
    if warm.errors:
        raise SystemExit("the warm-up failed:\n" + "\n".join(warm.errors[:10]))
    tally = Tally(defaultdict(list), Counter(), [])
    began = time.perf_counter()
    until = began + seconds
    await asyncio.gather(*(_client(url, start % len(MIX), until, tally) for start in range(clients)))
    return tally, time.perf_counter() - began


def _ms(values: list[float], quantile: int) -> str:
    if len(values) < 2:
        return "–"
    return f"{statistics.quantiles(values, n=100, method='inclusive')[quantile - 1] * 1000:.0f}"


def report(tally: Tally, wall: float, clients: int, cpu: float) -> str:
    everything = [latency for latencies in tally.latencies.values() for latency in latencies]
    lines = [
        f"{clients} clients for {wall:.1f} s on loopback ({platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load average before "
        f"{os.getloadavg()[0]:.1f}); the load generator used {cpu:.1f} s of CPU.",
        "",
        f"**{len(everything) / wall:.0f} requests/s; p50 {_ms(everything, 50)} ms, p95 {_ms(everything, 95)} ms; "
        f"{len(tally.errors)} error responses (the typo's 400s are intended and not counted).**",
        "",
        "| request | count | status | p50 ms | p95 ms |",
        "| --- | ---: | --- | ---: | ---: |",
    ]
    for request in MIX:
        latencies = tally.latencies[request.label]
        statuses = ", ".join(f"{status}×{count}" for (label, status), count in tally.statuses.items()
                             if label == request.label)
        p50, p95 = _ms(latencies, 50), _ms(latencies, 95)
        lines.append(f"| {request.label} | {len(latencies)} | {statuses} | {p50} | {p95} |")
    lines += ["", *(f"- error: {error}" for error in tally.errors[:20])]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--url", help="an already running server (default: start symdiff serve --port 0)")
    args = parser.parse_args()
    before = resource.getrusage(resource.RUSAGE_SELF)
    if args.url:
        tally, wall = asyncio.run(load(args.url, args.clients, args.seconds))
    else:
        with serving() as url:
            tally, wall = asyncio.run(load(url, args.clients, args.seconds))
    after = resource.getrusage(resource.RUSAGE_SELF)
    print(report(tally, wall, args.clients, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime))
    return 1 if tally.errors else 0


if __name__ == "__main__":
    sys.exit(main())
