"""Math in keys printed from expressions and syntax trees, not found in strings by pattern.

The Unicode printer (``symdiff/export/unicode.py``) prints results as a person writes them; the
terminal key prints answers, steps and the formulas a reason quotes through it; options in plain
syntax are typeset from their syntax tree as written (``export/written.py``); a value put in a
step is bracketed by precedence, once.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from numeric import assert_matches_finite_differences
from pdflatex import compile_latex, pdf_text

import symdiff
from symdiff.check import check
from symdiff.cli import main
from symdiff.program.printing import Math

SHEET = """
title = "Unicode"

[[group]]
id = "1"
title = "Entrywise"
text = 'Let $f = \\mathbf{1}^\\top \\sigma(\\mathbf{W}\\mathbf{x})$.'

[group.context]
syntax = "plain"
shapes = { W = ["n", "d"], x = ["d"] }
definitions = ["z = W*x", "f = sum(sigmoid(z))"]

[[group.question]]
id = "1.a"
kind = "choice"
text = 'Find $\\frac{\\partial f}{\\partial \\mathbf{z}}$.'
wrt = "z"
options = ["hadamard(sigmoid(z), 1 - sigmoid(z))", "sigmoid(z) + sigmoid(z)", "2*z/2"]

[[group.question]]
id = "1.b"
kind = "derive"
text = 'Find $\\frac{\\partial f}{\\partial \\mathbf{W}}$.'
wrt = "W"
"""


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("unicode") / "sheet.toml"
    path.write_text(SHEET, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("formula", "shapes", "wrt", "printed"),
    [
        ("0.5*norm(A*x - b)^2", {"A": ["n", "d"], "x": ["d"], "b": ["n"]}, "x", "Aᵀ·(Ax - b)"),
        ("x.T*inv(A)*x", {"A": ["n", "n"], "x": ["n"]}, "A", "-A⁻ᵀxxᵀA⁻ᵀ"),
        ("sum(sigmoid(X*w))", {"X": ["n", "d"], "w": ["d"]}, "w", "Xᵀ·((1 - σ(Xw)) ⊙ σ(Xw))"),
        ("sqrt(x1^2 + x2^2)", {}, "x1", "x₁/√(x₁² + x₂²)"),
        ("alpha*x^3/3", {}, "x", "αx²"),
        ("trace(X^2)", {"X": ["n", "n"]}, "X", "2Xᵀ"),
    ],
)
def test_the_unicode_printer_writes_results_as_mathematics(formula, shapes, wrt, printed):
    result = assert_matches_finite_differences(formula, wrt, shapes, positive=True)  # the derivative printed is right
    assert result.unicode == printed


def test_index_form_prints_its_sums_and_entries_with_scripts():
    shapes = {"X": ["n", "d"], "y": ["n"], "w": ["d"]}
    result = symdiff.derive("Sum(i, n, (y[i] - Sum(j, d, X[i, j]*w[j]))^2)", "w[k]", shapes)
    assert result.unicode == "-2·(Σᵢ₌₁ⁿ (yᵢ - (Σⱼ₌₁ᵈ Xᵢⱼwⱼ))·Xᵢₖ)"


def test_a_value_put_in_a_step_is_bracketed_once_by_precedence():
    program = symdiff.program("z = c*x + d; h = relu(z); y = h*w + h^2")
    (steps,) = program.steps("c", {"c": 1, "x": -1, "d": 0, "w": -2})
    text, latex, unicode = steps.render_text(), steps.render_latex(), steps.render_unicode()
    assert "= (2*0 - 2) · step(-1) · (-1)" in text  # a function's argument unbracketed, a negative factor once
    assert "= (2·0 - 2) · step(-1) · (-1)" in unicode
    assert r"\operatorname{step}\left(-1\right) \cdot \left(-1\right)" in latex
    assert r"2 \cdot 0 + \left(-2\right)" in latex  # in a sum a negative value is bracketed, not "+ -2"
    for printed in (text, unicode, latex):
        assert "((-1))" not in printed and r"\left(\left(-1\right)\right)" not in printed
    (power,) = symdiff.program("z = c*x; y = z^3").steps("c", {"c": 1, "x": -1})
    assert "(-1)^2" in power.render_text() and "(-1)²" in power.render_unicode()


def test_the_terminal_key_typesets_options_answers_and_steps(sheet):
    key = run("solve", str(sheet))
    assert "1. σ(z) ⊙ (1 - σ(z))" in key  # hadamard(...) as ⊙, the option as written
    assert "2. σ(z) + σ(z)" in key and "3. 2z/2" in key  # not simplified to 2σ(z) and z: the mistake shows
    assert "answer: (1 - σ(z)) ⊙ σ(z)" in key
    assert "answer: ((1 - σ(z)) ⊙ σ(z))·xᵀ" in key and "∂f/∂W = ∂f/∂z · ∂z/∂W" in key
    assert "Find ∂f/∂z." in key  # the question's LaTeX, the author's, made readable
    assert "hadamard" not in key and "sigmoid" not in key


def test_the_latex_key_typesets_options_as_written_and_compiles(sheet, tmp_path):
    latex = run("solve", str(sheet), "--format", "latex")
    assert r"\sigma\left(z\right) \odot \left(1 - \sigma\left(z\right)\right)" in latex
    assert r"\sigma\left(z\right) + \sigma\left(z\right)" in latex and r"\frac{2 z}{2}" in latex
    text = pdf_text(compile_latex(latex, tmp_path, "key"))
    assert "σ (z) ⊙ (1 − σ (z))" in text and "hadamard" not in text  # typeset, not source


def test_reasons_hold_their_formulas_as_expressions():
    report = check("b = A*x; f = 0.5*norm(b)^2", "A11, A12", ["(x1*b2, x2*b2)"], {"A": [2, 2], "x": [2]})
    (option,) = report.options
    assert option.reason == "neighbour"
    assert [part for part in option.said if isinstance(part, Math)]  # A21, A22 and A as expressions
    assert option.why == (
        "it uses the wrong row: it is the answer for A21, A22 (row 2 of A), but the question asks about row 1"
    )


def test_the_authors_roots_and_accents_read_as_mathematics_in_the_terminal_key():
    from symdiff.worksheet.keys.readable import worksheet_text

    text = worksheet_text(r"$S = QK^\top/\sqrt{d}$, $\hat{\mathbf{x}} = (x - m)/\sqrt{\mathrm{var}(x) + \epsilon}$")
    assert text == "S = QKᵀ/√d, x̂ = (x - m)/√(var(x) + ε)"
