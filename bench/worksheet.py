"""``symdiff solve worksheets/backprop.toml`` and ``symdiff check`` with 5 options (``make bench``), beside
``python -c "import sympy"``.

Each command is run ``--repeats`` times as a fresh process, the three
commands in turn so that they share the machine's load, with threads pinned
to one; the median wall time is reported, and the median CPU time (user +
system, from the children's resource usage), which a shared machine
disturbs less. ``check`` is also timed in one process after importing
(``symdiff.check.check``, the work itself without start-up). Prints a
Markdown table.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PINNED = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
os.environ.update(PINNED)

QUESTION = "0.5*norm(A*x)^2"
OPTIONS = ("x.T*A.T*A*x", "A*x*x.T", "A*inv(A.T*A)", "x*x.T*A.T", "2*A*x*x.T")
COMMANDS = {
    'python -c "import sympy"': ["-c", "import sympy"],
    "symdiff solve worksheets/backprop.toml": ["-m", "symdiff", "solve", "worksheets/backprop.toml"],
    "symdiff check (5 options)": [
        "-m",
        "symdiff",
        "check",
        QUESTION,
        "--wrt",
        "A",
        *(part for option in OPTIONS for part in ("--option", option)),
    ],
}


def run(arguments: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one fresh process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, *arguments], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def in_process(repeats: int) -> float:
    """Median seconds of ``check`` with the 5 options, in a process that has imported symdiff and checked once."""
    sys.path.insert(0, str(ROOT))
    from symdiff.check import check

    check(QUESTION, "A", list(OPTIONS))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        check(QUESTION, "A", list(OPTIONS))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    walls: dict[str, list[float]] = {name: [] for name in COMMANDS}
    cpus: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.repeats):
        for name, arguments in COMMANDS.items():
            wall, cpu = run(arguments)
            walls[name].append(wall)
            cpus[name].append(cpu)
    base_wall = statistics.median(walls['python -c "import sympy"'])
    base_cpu = statistics.median(cpus['python -c "import sympy"'])
    print(f"median of {args.repeats} fresh processes each, run in turn; threads pinned to one\n")
    print("| command | wall s | × import sympy | CPU s | × import sympy |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in COMMANDS:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        print(f"| `{name}` | {wall:.2f} | {wall / base_wall:.1f}× | {cpu:.2f} | {cpu / base_cpu:.1f}× |")
    print(f"| `symdiff.check.check` (5 options), in process | {in_process(args.repeats):.3f} | | | |")


if __name__ == "__main__":
    main()
