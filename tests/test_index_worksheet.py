"""The worksheet in index notation (worksheets/index.toml): solved, its choices right, its key compiling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdflatex import compile_latex

import symdiff
from symdiff.cli import main

SHEET = Path(__file__).resolve().parents[1] / "worksheets" / "index.toml"

CHOICES = {"1.a": [1, 2, 5], "2.a": [1], "3.a": [1, 4], "4.a": [1, 2]}
"""The correct options, 1-based, as found by hand (each also checked against loops in test_index_notation)."""


@pytest.mark.slow
def test_the_index_worksheet_is_solved_and_its_key_compiles(tmp_path):
    key = json.loads(symdiff.print_key(symdiff.solve(str(SHEET)), "json"))
    found = {q["id"]: [i + 1 for i in q["correct"]] for q in key["questions"] if q["kind"] == "choice"}
    assert found == CHOICES
    answers = {q["id"]: q["answer"] for q in key["questions"] if q["kind"] == "derive"}
    assert answers == {
        "1.b": "-X.T*(y - X*w)/n",
        "1.c": "-Sum(i, n, (y[i] - Sum(k, d, X[i, k]*w[k]))*X[i, j])/n",
        "2.b": "lambda*W[k, l]",
    }
    result = CliRunner().invoke(main, ["solve", str(SHEET), "--format", "latex"])
    assert result.exit_code == 0, result.output
    assert r"\sum_{i=1}^{n}" in result.output
    compile_latex(result.output, tmp_path, "index")


def test_the_steps_of_a_partial_by_an_entry_show_the_entry_of_the_gradient():
    program = symdiff.program(r"R = \frac{\lambda}{2}\sum_{i,j} W_{ij}^2", {"W": ("m", "d"), "lambda": ()})
    (steps,) = program.steps("W[k, l]")
    assert steps.render_text().splitlines()[-2:] == [
        "            = lambda*W[k, l]    (each delta resolved: the sum over its index collapses)",
        "            = (lambda*W)[k, l]    (the matrix form)",
    ]
