"""The README stays true: every `$ symdiff ...` example prints what the README shows.

A console block is checked when its commands are all ``symdiff`` or ``cat FILE``
(the README shows FILE by ``cat``; every example runs where those files are);
the small worksheet shown in full must be the file it names.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from symdiff.cli import main

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def sessions() -> list[tuple[str, list[tuple[list[str], str]]]]:
    """(first command, [(argv, expected output)]) for each console block of symdiff and cat commands."""
    found = []
    for block in re.findall(r"```console\n(.*?)```", README, re.S):
        steps: list[tuple[list[str], str]] = []
        command: str | None = None
        output: list[str] = []
        lines = block.splitlines()
        for line in lines:
            if line.startswith("$ ") and not (command or "").endswith("\\"):
                if command is not None:
                    steps.append((shlex.split(command), "\n".join(output)))
                command, output = line[2:], []
            elif command is not None and command.endswith("\\"):
                command = command[:-1] + " " + line.strip()
            else:
                output.append(line)
        if command is not None:
            steps.append((shlex.split(command), "\n".join(output)))
        if steps and all(argv[0] == "symdiff" or (argv[0] == "cat" and len(argv) == 2) for argv, _ in steps):
            found.append((" ".join(steps[0][0])[:60], steps))
    return found


SESSIONS = sessions()
FILES = {argv[1]: output + "\n" for _, steps in SESSIONS for argv, output in steps if argv[0] == "cat"}


def test_the_readme_has_examples_to_check():
    assert len(SESSIONS) >= 15 and "net.txt" in FILES


@pytest.mark.parametrize("steps", [steps for _, steps in SESSIONS], ids=[first for first, _ in SESSIONS])
def test_readme_example(steps, tmp_path, monkeypatch):
    for worksheet in (ROOT / "worksheets").iterdir():
        (tmp_path / "worksheets").mkdir(exist_ok=True)
        (tmp_path / "worksheets" / worksheet.name).write_bytes(worksheet.read_bytes())
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for argv, expected in steps:
        if argv[0] == "cat":
            continue
        result = CliRunner().invoke(main, argv[1:])
        assert result.output.rstrip("\n") == expected, " ".join(argv)


def test_the_small_worksheet_shown_is_the_file():
    shown = re.search(r"```toml\n(title = \"A quadratic form and a neuron\".*?)```", README, re.S).group(1)
    assert shown in (ROOT / "worksheets" / "quadratic.toml").read_text(encoding="utf-8")
