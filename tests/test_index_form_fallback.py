r"""Index sums with no matrix form symdiff knows: the gradient by a whole array in index form.

Σᵢ Aᵢᵢxᵢ² (a diagonal entry), Σᵢⱼ (Σₖ AᵢₖBₖⱼ − Yᵢⱼ)² and Σᵢⱼₖ AᵢⱼBⱼₖCₖᵢ (three
indices at once) are not brought to matrix form; their gradient is given
entry by entry, its free indices the entry's, with every Kronecker delta
resolved. Each is checked against central differences of the loops
evaluator (``test_index_notation.loops``), against symdiff's matrix form of
the same function written in matrix notation where there is one, and read
back from its own text.
"""

from __future__ import annotations

import json
from typing import NamedTuple

import numpy as np
import pytest
from click.testing import CliRunner
from pdflatex import compile_latex
from test_index_notation import _values, loops, loops_gradient

import symdiff
from symdiff.cli import main


class Fallback(NamedTuple):
    formula: str
    wrt: str
    text: str
    matrix: str | None = None
    """The same function in matrix notation, where there is one: its gradient must agree."""


FALLBACKS = [
    Fallback("Sum(i, A[i, i]*x[i]^2)", "x", "2*A[j, j]*x[j]"),
    Fallback(
        "Sum(i, Sum(j, (Sum(k, A[i, k]*B[k, j]) - Y[i, j])^2))",
        "A",
        "2*Sum(j, m, (Sum(k, d, A[l, k]*B[k, j]) - Y[l, j])*B[p, j])",
        "norm(A*B - Y)^2",
    ),
    Fallback(
        "Sum(i, Sum(j, (Sum(k, A[i, k]*B[k, j]) - Y[i, j])^2))",
        "B",
        "2*Sum(i, n, (Sum(k, d, A[i, k]*B[k, p]) - Y[i, p])*A[i, l])",
        "norm(A*B - Y)^2",
    ),
    Fallback("Sum(i, Sum(j, Sum(k, A[i, j]*B[j, k]*C[k, i])))", "B", "Sum(i, n, A[i, l]*C[p, i])", "trace(A*B*C)"),
    Fallback("Sum(i, Sum(j, Sum(k, A[i, j]*B[j, k]*C[k, i])))", "A", "Sum(k, m, B[p, k]*C[k, l])", "trace(A*B*C)"),
    Fallback("Sum(i, exp(w.T*X[i, :])*A[i, i])", "w", "Sum(i, n, exp(Sum(j, d, X[i, j]*w[j]))*A[i, i]*X[i, k])"),
    Fallback("Sum(i, A[i, i]*x[i]^2) + norm(x)^2", "x", "2*(A[j, j] + 1)*x[j]"),
    Fallback(
        "Sum(i, Sum(j, tanh(Sum(k, A[i, k]*B[k, j]))*Y[i, j]))",
        "B",
        "Sum(i, n, (1 - tanh(Sum(k, d, A[i, k]*B[k, p]))^2)*A[i, l]*Y[i, p])",
        "sum(hadamard(tanh(A*B), Y))",
    ),
]


def _given(result: symdiff.Result, values: dict) -> dict:
    return {k: v for k, v in values.items() if k != "__sizes" and k not in result.formula.typing.sizes}


@pytest.mark.parametrize("case", FALLBACKS, ids=lambda case: f"{case.formula} by {case.wrt}")
def test_the_gradient_in_index_form(case: Fallback):
    result = symdiff.derive(case.formula, case.wrt)
    assert result.text == case.text
    assert "KroneckerDelta" not in result.text + result.latex and "Derivative" not in result.text
    assert "delta" not in result.latex
    tree = result.formula.tree
    rng = np.random.default_rng(5)
    for _ in range(3):
        values = _values(result, rng, False)
        given = _given(result, values)
        value = symdiff.Result(result.formula, (), result.formula.expr).evaluate(**given)
        np.testing.assert_allclose(value, loops(tree, values), rtol=1e-9)
        gradient = np.asarray(result.evaluate(**given), dtype=float)
        numeric = loops_gradient(tree, values, case.wrt)
        np.testing.assert_allclose(gradient, numeric.reshape(gradient.shape), rtol=1e-5, atol=1e-6)
        if case.matrix is not None:
            matrix = symdiff.derive(case.matrix, case.wrt, result.formula.variables)
            expected = matrix.evaluate(**{k: given[k] for k in matrix.formula.variables})
            np.testing.assert_allclose(gradient, np.asarray(expected, dtype=float), rtol=1e-9, atol=1e-12)
        read = symdiff.parse(result.text, result.formula.variables)  # the printed index form reads back
        np.testing.assert_allclose(read.evaluate(**{k: given[k] for k in read.formula.variables}), gradient)


def test_the_latex_of_the_index_form_reads_back():
    latex = r"\sum_{i,j} \left(\sum_k A_{ik} B_{kj} - Y_{ij}\right)^2"
    result = symdiff.derive(latex, "A")
    assert result.latex == r"2 \sum_{j=1}^{m} \left(- Y_{lj} + \sum_{k=1}^{d} A_{lk} B_{kj}\right) B_{pj}"
    read = symdiff.parse(result.latex, result.formula.variables)
    values = _given(result, _values(result, np.random.default_rng(2), False))
    np.testing.assert_allclose(read.evaluate(**values), result.evaluate(**values), rtol=1e-12)


def test_the_partial_by_an_entry_uses_the_indices_asked_for():
    result = symdiff.derive("Sum(i, A[i, i]*x[i]^2)", "x[p]")
    assert result.text == "2*A[p, p]*x[p]"
    renamed = symdiff.derive("Sum(i, Sum(j, Sum(k, A[i, j]*B[j, k]*C[k, i])))", "B[i, l]")
    assert renamed.text == "Sum(j, n, A[j, i]*C[l, j])"  # the sum over i is now over j


def test_concrete_bounds_expand_to_components():
    result = symdiff.derive("Sum(i, 3, A[i, i]*x[i]^2)", "x")
    assert result.text == "[2*A11*x1, 2*A22*x2, 2*A33*x3]"


def test_a_diagonal_entry_reads_where_the_matrix_form_refused_it():
    trace = symdiff.parse("Sum(i, W[i, i])")
    assert trace.text == "Sum(i, n, W[i, i])"
    matrix = np.random.default_rng(4).normal(size=(3, 3))
    assert trace.evaluate(W=matrix) == pytest.approx(np.trace(matrix))


def test_a_delta_between_the_free_indices_is_refused_by_name():
    answer = CliRunner().invoke(main, ["derive", "Sum(i, A[i, i]^2)", "--wrt", "A"])
    assert answer.exit_code == 2
    assert "keeps a Kronecker delta between its indices" in answer.output


def test_the_command_line_prints_the_index_form():  # and its code: test_index_code.py
    answer = CliRunner().invoke(main, ["derive", r"\sum_i A_{ii} x_i^2", "--wrt", "x", "--format", "latex"])
    assert (answer.exit_code, answer.output) == (0, "2 A_{jj} x_{j}\n")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["backprop", "L = Sum(i, A[i, i]*x[i]^2)", "--at", "A=[[1,2],[3,4]], x=[1,2]"], "has no backward pass"),
        (
            ["derive", "L = Sum(i, A[i, i]*x[i]^2)", "--wrt", "x", "--steps", "--at", "A=[[1,2],[3,4]], x=[1,2]"],
            "has no backward pass",
        ),
        (["derive", "Sum(i, A[i, i]*x[i]^2)", "--wrt", "x", "--wrt", "x"], "is not differentiated again"),
    ],
)
def test_what_the_index_form_does_not_do_is_refused_never_zero(arguments: list[str], message: str):
    answer = CliRunner().invoke(main, arguments)
    assert answer.exit_code == 2
    assert message in answer.output


SHEET = r"""
title = "Index form"

[[group]]
id = "1"

[group.context]
definitions = ['L = \sum_{i,j} \left(\sum_k A_{ik} B_{kj} - Y_{ij}\right)^2']

[[group.question]]
id = "1.a"
kind = "derive"
wrt = "A"

[[group.question]]
id = "1.b"
kind = "choice"
wrt = "A"
options = ['2(\mathbf{A}\mathbf{B} - \mathbf{Y})\mathbf{B}^\top', '2(\mathbf{A}\mathbf{B} - \mathbf{Y})\mathbf{B}']
"""


@pytest.mark.slow
def test_a_worksheet_question_with_no_matrix_form_is_solved_with_its_steps(tmp_path):
    sheet = tmp_path / "index_form.toml"
    sheet.write_text(SHEET)
    key = json.loads(symdiff.print_key(symdiff.solve(str(sheet)), "json"))
    by_id = {question["id"]: question for question in key["questions"]}
    assert by_id["1.a"]["answer"] == "2*Sum(j, m, (Sum(k, d, A[l, k]*B[k, j]) - Y[l, j])*B[p, j])"
    assert by_id["1.b"]["correct"] == [0]
    latex = CliRunner().invoke(main, ["solve", str(sheet), "--format", "latex"])
    assert latex.exit_code == 0, latex.output
    assert r"\delta_{il} \delta_{kp}" in latex.output and r"\text{each delta resolved}" in latex.output
    compile_latex(latex.output, tmp_path, "index_form")


def test_evaluating_the_index_form_at_huge_sizes_is_a_limit_error():
    result = symdiff.derive("Sum(i, Sum(j, Sum(k, A[i, j]*B[j, k]*C[k, i])))", "B")
    big = np.ones((500, 500))
    with pytest.raises(symdiff.SymdiffError, match=r"the index form would hold 1\.25e\+08 numbers"):
        result.evaluate(A=big, B=big, C=big)
