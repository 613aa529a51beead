"""``symdiff derive`` on LaTeX input: auto-detected by a backslash, or forced with --input."""

import pytest
from click.testing import CliRunner

import symdiff
from symdiff.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize(("latex", "wrt", "expected"), [
    (r"\frac{1}{2}\|\mathbf{A}\mathbf{x}\|^2", "x", "A.T*A*x\n"),
    (r"\frac{1}{2} \|\mathbf{Ax}\|^2", "A", "A*x*x.T\n"),
    (r"\frac{1}{2}\left\| \mathbf{A}\mathbf{x} \right\|^2", "x", "A.T*A*x\n"),
])
def test_worksheet_latex_is_read_when_it_has_a_backslash(latex, wrt, expected):
    result = run("derive", latex, "--wrt", wrt)
    assert (result.exit_code, result.output) == (0, expected)


def test_component_form_from_latex():
    result = run("derive", r"\frac{1}{2}\|\mathbf{Ax}\|^2", "--wrt", "A11", "--shape", "A=2,2", "--shape", "x=2")
    assert result.output == "x1*(A11*x1 + A12*x2)\n"


def test_input_option_forces_the_syntax():
    assert run("derive", "xy", "--wrt", "x", "--input", "latex").output == "y\n"
    assert run("derive", "x^2", "--wrt", "x", "--input", "latex").output == "2*x\n"
    plain = run("derive", "xy", "--wrt", "x", "--input", "plain")
    assert plain.exit_code == 2
    assert "'x' does not occur" in plain.output
    refused = run("derive", r"\frac{1}{2} x", "--wrt", "x", "--input", "plain")
    assert refused.exit_code == 2
    assert refused.output.startswith("symdiff: error: unexpected character '\\\\'")


def test_latex_error_has_its_caret_under_the_latex():
    latex = r"\frac{1}{2}\|\mathbf{A}\mathbf{x}\|^2 + \check{y}"
    result = run("derive", latex, "--wrt", "x")
    assert result.exit_code == 2
    assert result.output.splitlines()[:3] == [
        r"symdiff: error: unknown LaTeX command \check",
        "  " + latex,
        "  " + " " * latex.index(r"\check") + "^^^^^^",
    ]
    assert "Traceback" not in result.output


def test_latex_hints_speak_latex():
    result = run("derive", r"\operatorname{nrom}(\mathbf{x})", "--wrt", "x")
    assert result.exit_code == 2
    assert r"hint: did you mean norm, written \|v\|?" in result.output
    shape = run("derive", r"\mathbf{x}^\top \mathbf{y} \mathbf{x}", "--wrt", "x", "--shape", "x=3", "--shape", "y=2")
    assert shape.exit_code == 2
    assert "^^^" in shape.output


def test_latex_output_reads_back_through_the_cli():
    latex = run("derive", "0.5*norm(W2*sigmoid(W1*x) - y)**2", "--wrt", "W2", "--format", "latex").output.strip()
    assert latex == (
        r"\left(\boldsymbol{\mathit{W2}} \sigma\left(\boldsymbol{\mathit{W1}} \mathbf{x}\right) - \mathbf{y}\right) "
        r"\sigma\left(\boldsymbol{\mathit{W1}} \mathbf{x}\right)^\top"
    )
    assert symdiff.parse_latex(latex).text == "(W2*sigmoid(W1*x) - y)*sigmoid(W1*x).T"


def test_help_documents_input():
    out = run("derive", "--help").output
    assert "--input [auto|plain|latex]" in out
    assert "backslash" in out
