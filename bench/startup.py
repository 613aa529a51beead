"""How long the command line takes to answer, beside ``python -c "import sympy"`` (``make bench``).

Each command runs as a new process, as a user runs it; the commands take
turns (one run of each per round, so that a busy moment falls on all of them
alike) and each figure is the median over the rounds. The time is the CPU
time of the process (user + system, from ``os.wait4``), which other work on a
shared machine disturbs less than wall time; the wall time is printed too.
A first round, not counted, writes the bytecode and the parser cache, as a
user's first run does. Prints a Markdown table; speed is measured here,
never in tests.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYMDIFF = (sys.executable, "-m", "symdiff")
LATEX = r"\frac{1}{2}\|\mathbf{Ax}\|^2"


@dataclass(frozen=True)
class Case:
    label: str
    command: tuple[str, ...]
    target: float | None = None
    """The largest ratio to ``import sympy`` the issue asks for (None: shown, no target)."""
    cache: bool = True
    """False: the parser cache directory cannot be made, so the parsers are built in the process."""


BASELINE = Case('`python -c "import sympy"`', (sys.executable, "-c", "import sympy"))
CASES = (
    Case("`symdiff --help`", (*SYMDIFF, "--help"), 0.3),
    Case('`symdiff derive "0.5*norm(A*x)**2" --wrt x`', (*SYMDIFF, "derive", "0.5*norm(A*x)**2", "--wrt", "x"), 1.2),
    Case(f"`symdiff derive '{LATEX}' --wrt x`", (*SYMDIFF, "derive", LATEX, "--wrt", "x")),
    Case(
        f"`symdiff derive '{LATEX}' --wrt x`, no parser cache",
        (*SYMDIFF, "derive", LATEX, "--wrt", "x"),
        cache=False,
    ),
)


def environment(cache_home: Path, cache: bool) -> dict[str, str]:
    """This checkout's symdiff on one thread, bytecode written and read as in an installed package."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
        XDG_CACHE_HOME=str(cache_home if cache else cache_home / "not-a-directory" / "cache"),
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
    )
    return env


def run(case: Case, env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of ``case``."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(case.command, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"{case.label} failed (exit {process.returncode}):\n{errors.read().decode()}")
    return usage.ru_utime + usage.ru_stime, wall


def measure(rounds: int) -> dict[Case, tuple[float, float]]:
    """Median (CPU, wall) seconds of each case, the cases taking turns in every round."""
    cases = (BASELINE, *CASES)
    times: dict[Case, list[tuple[float, float]]] = {case: [] for case in cases}
    with tempfile.TemporaryDirectory() as home:
        cache_home = Path(home)
        (cache_home / "not-a-directory").write_text("the parser cache cannot be made under a file\n")
        for round_ in range(rounds + 1):
            for case in cases:
                result = run(case, environment(cache_home, case.cache))
                if round_:  # the first round writes the bytecode and the parser cache
                    times[case].append(result)
    return {
        case: (statistics.median(cpu for cpu, _ in runs), statistics.median(wall for _, wall in runs))
        for case, runs in times.items()
    }


def table(medians: dict[Case, tuple[float, float]], rounds: int) -> str:
    base_cpu, base_wall = medians[BASELINE]
    lines = [
        f"Median of {rounds} runs each, taking turns; CPU time (user + system) of the process, wall time beside it.",
        "",
        "| command | CPU s | ratio | wall s | ratio | target |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
        f"| {BASELINE.label} | {base_cpu:.3f} | 1 | {base_wall:.3f} | 1 | |",
    ]
    for case in CASES:
        cpu, wall = medians[case]
        ratio = cpu / base_cpu
        target = "" if case.target is None else f"≤ {case.target}× ({'met' if ratio <= case.target else 'not met'})"
        lines.append(f"| {case.label} | {cpu:.3f} | {ratio:.2f}× | {wall:.3f} | {wall / base_wall:.2f}× | {target} |")
    return "\n".join(lines)


def cpu_model() -> str:
    """The processor's name as Linux gives it, else what ``platform`` knows."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        lines = []
    names = [line.partition(":")[2].strip() for line in lines if line.startswith("model name")]
    return names[0] if names else platform.processor() or platform.machine()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="runs of each command (default: 15)")
    rounds = parser.parse_args().rounds
    machine = f"{cpu_model()}, {os.cpu_count()} cores"
    print(f"## Start-up\n\n{machine}, Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}\n")
    print(table(measure(rounds), rounds))


if __name__ == "__main__":
    main()
