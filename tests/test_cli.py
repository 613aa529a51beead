"""The real command line, through click's runner and one subprocess."""

import json
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from symdiff.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_design_example():
    result = run("derive", "0.5*norm(A*x)**2", "--wrt", "x")
    assert result.exit_code == 0
    assert result.output == "A.T*A*x\n"


def test_matrix_form_by_matrix_and_declared_shapes():
    assert run("derive", "0.5*norm(A*x)**2", "--wrt", "A").output == "A*x*x.T\n"
    out = run("derive", "0.5*norm(A*x)**2", "--wrt", "x", "--shape", "A=n,d", "--shape", "x=d", "--shape", "lam=scalar")
    assert out.output == "A.T*A*x\n"


def test_component_form():
    out = run("derive", "0.5*norm(A*x)**2", "--wrt", "A11", "--shape", "A=2,2", "--shape", "x=2")
    assert out.output == "x1*(A11*x1 + A12*x2)\n"


def test_hessian_by_repeating_wrt():
    assert run("derive", "0.5*norm(A*x)**2", "--wrt", "x", "--wrt", "x").output == "A.T*A\n"


def test_latex_and_json_formats():
    assert run("derive", "0.5*norm(A*x)**2", "--wrt", "x", "--format", "latex").output == (
        "\\mathbf{A}^\\top \\mathbf{A} \\mathbf{x}\n"
    )
    payload = json.loads(run("derive", "0.5*norm(A*x)**2", "--wrt", "A", "--format", "json").output)
    assert payload == {
        "input": "0.5*norm(A*x)**2",
        "wrt": ["A"],
        "shape": ["n", "d"],
        "text": "A*x*x.T",
        "latex": "\\mathbf{A} \\mathbf{x} \\mathbf{x}^\\top",
    }


@pytest.mark.parametrize("args, first_line, hint", [
    (["derive", "0.5*nrom(A*x)**2", "--wrt", "x"], "symdiff: error: unknown function 'nrom'", "did you mean 'norm'?"),
    (["derive", "x.T*x", "--wrt", "y"], "symdiff: error: 'y' does not occur in the formula", "the names in it are x"),
    (["derive", "x", "--wrt", "x", "--shape", "A"], "symdiff: error: bad --shape 'A'", "NAME=DIMS"),
    (["derive", "x**(10**10**10)", "--wrt", "x"], "symdiff: error: number too large: this power has more than 1000 digits", "smaller"),
])
def test_bad_input_is_one_clear_error(args, first_line, hint):
    result = run(*args)
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == first_line
    assert hint in result.output
    assert "Traceback" not in result.output


def test_help_explains_the_options():
    out = run("derive", "--help").output
    for word in ("--wrt", "--shape", "--format", "Hessian", "A=n,d"):
        assert word in out


def test_absurd_input_is_refused_quickly():
    start = time.perf_counter()
    result = run("derive", "x**(10**10**10)", "--wrt", "x")
    assert result.exit_code == 2
    assert time.perf_counter() - start < 5


def test_console_script_in_a_subprocess():
    done = subprocess.run(
        [sys.executable, "-m", "symdiff", "derive", "0.5*nrom(A*x)**2", "--wrt", "x"],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("symdiff: error: unknown function 'nrom'\n  0.5*nrom(A*x)**2\n      ^^^^\n")
    ok = subprocess.run(
        [sys.executable, "-m", "symdiff", "derive", "0.5*norm(A*x)**2", "--wrt", "A"],
        capture_output=True, text=True, timeout=120,
    )
    assert (ok.returncode, ok.stdout) == (0, "A*x*x.T\n")


def test_a_formula_starting_with_minus_gets_a_hint_and_works_after_double_dash():
    refused = run("derive", "-x^2", "--wrt", "x")
    assert refused.exit_code == 2
    assert "a formula that starts with '-' goes after '--'" in refused.output
    assert run("derive", "--wrt", "x", "--", "-x^2").output == "-2*x\n"
