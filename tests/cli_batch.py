"""Many command lines in one new process: a subprocess's isolation for the price of one SymPy import.

The hostile-input tests want the real command line away from the test
process: in a process whose address space is capped (a memory blow-up fails
there instead of exhausting the machine), each command line in a fresh
working directory of its own (where a marker file would show code that ran).
Starting a process per command line costs about a second of CPU each,
importing SymPy; here one child runs them all, each through click's
``CliRunner`` as the command line would, and reports each as it finishes
(one JSON line), so a crash shows as the command lines that never reported.
Each test then asserts on its own command line's result.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

MEMORY_CAP = 2 * 1024**3
"""Address-space cap of the child: a blow-up fails with MemoryError instead of exhausting the machine."""

CHILD = """
import json, os, sys, traceback
from click.testing import CliRunner
from symdiff.cli import main

for case in [json.loads(line) for line in sys.stdin]:  # read first: the runner replaces stdin
    os.chdir(case["cwd"])
    result = CliRunner().invoke(main, case["args"], prog_name="symdiff")
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))  # as the command line prints it
    print(json.dumps({"returncode": result.exit_code, "stdout": result.stdout, "stderr": stderr}), flush=True)
"""


@dataclass(frozen=True)
class Ran:
    """One command line's exit status, output and error output, and the working directory it ran in."""

    returncode: int
    stdout: str
    stderr: str
    cwd: Path


class Batch:
    """The results of a batch, looked up by a command line's arguments."""

    def __init__(self, results: Mapping[tuple[str, ...], Ran], child: subprocess.CompletedProcess) -> None:
        self._results = results
        self._child = child

    def __getitem__(self, args: Sequence[str]) -> Ran:
        found = self._results.get(tuple(args))
        if found is None:
            pytest.fail(
                f"the batch stopped before {list(args)!r} (exit {self._child.returncode}):\n{self._child.stderr[-4000:]}"
            )
        return found


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_batch(
    command_lines: Iterable[Sequence[str]],
    base: Path,
    files: Mapping[tuple[str, ...], Mapping[str, str]] | None = None,
) -> Batch:
    """Run every command line in one capped child, each in its own new directory under ``base``.

    ``files`` gives, for some command lines, files (name -> text) written in their directory first.
    """
    lines = [tuple(args) for args in command_lines]
    assert len(set(lines)) == len(lines), "a command line is given twice"
    directories = []
    for number, args in enumerate(lines):
        directory = base / f"run{number}"
        directory.mkdir()
        for name, text in (files or {}).get(args, {}).items():
            (directory / name).write_text(text)
        directories.append(directory)
    child = subprocess.run(
        [sys.executable, "-c", CHILD],
        input="".join(json.dumps({"args": list(args), "cwd": str(cwd)}) + "\n" for args, cwd in zip(lines, directories)),
        capture_output=True,
        text=True,
        timeout=1800,
        preexec_fn=_cap_memory,
    )
    reports = [json.loads(line) for line in child.stdout.splitlines()]
    results = {args: Ran(**report, cwd=cwd) for args, cwd, report in zip(lines, directories, reports)}
    return Batch(results, child)
