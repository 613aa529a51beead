r"""Index notation as courses write it: a function before a bare sum, bounds, a bound used as a number.

``\log\sum_j e^{z_j}`` is the log of the whole sum (its summand running to
the next + or - at its level), ``\sum_i^n`` and ``\sum_{i=0}^{n-1}`` run
over the dim n, and the N of ``\frac{1}{N}\sum_{i=1}^{N}`` is that dim's
size. Each derivative is checked against central differences of an
independent evaluator of the index sums (``test_index_notation.loops``).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from numeric import numeric_derivative, random_values
from test_index_notation import assert_index_identity

import symdiff
from symdiff.api import Result
from symdiff.cli import main
from symdiff.errors import ShapeError
from symdiff.parse import parse, parse_latex

FUNCTION_BEFORE_SUM = [
    (r"\log \sum_j e^{z_j}", "log(Sum(j, exp(z[j])))"),
    (r"\log\sum_{k=1}^{K}\exp(o_k) - \sum_{k=1}^{K} y_k o_k", "log(Sum(k, K, exp(o[k]))) - Sum(k, K, y[k]*o[k])"),
    (r"-\ln \sum_i p_i + c", "-log(Sum(i, p[i])) + c"),
    (r"c - \ln \sum_i p_i", "c - log(Sum(i, p[i]))"),
    (r"2\exp \sum_i a_i x_i", "2*exp(Sum(i, a[i]*x[i]))"),
    (r"\log^2 \sum_i x_i^2 + 1", "log(Sum(i, x[i]^2))^2 + 1"),
    (r"\tanh\sum_{i=1}^{n} w_i x_i - b", "tanh(Sum(i, n, w[i]*x[i])) - b"),
]


@pytest.mark.parametrize(("latex", "plain"), FUNCTION_BEFORE_SUM)
def test_a_function_before_a_bare_sum_takes_the_whole_sum(latex: str, plain: str):
    assert parse_latex(latex) == parse(plain)


@pytest.mark.parametrize(
    ("latex", "wrt", "matrix_form"),
    [
        (r"\log \sum_j e^{z_j}", "z", "softmax(z)"),
        (r"\log\sum_{k=1}^{K}\exp(o_k) - \sum_{k=1}^{K} y_k o_k", "o", "softmax(o) - y"),
        (r"\log\sum_{k=1}^{K}\exp(o_k) - \sum_{k=1}^{K} y_k o_k", "y", "-o"),
        (r"\tanh\sum_{i=1}^{n} w_i x_i - b", "w", None),
        (r"-\ln \sum_i p_i + c", "p", None),
    ],
)
def test_a_function_of_a_bare_sum_differentiates(latex: str, wrt: str, matrix_form: str | None):
    result = assert_index_identity(latex, wrt, positive=True)
    assert matrix_form is None or result.text == matrix_form


def test_a_function_of_a_bare_sum_from_the_cli():
    answer = CliRunner().invoke(main, ["derive", "--wrt", "z", "--", r"-z_1 + \log\sum_j e^{z_j}"])
    assert answer.exit_code == 0, answer.output
    assert "softmax(z)" in answer.output


@pytest.mark.parametrize(
    ("latex", "plain"),
    [
        (r"\sum_i^n w_i x_i + b", "Sum(i, n, w[i]*x[i]) + b"),
        (r"\sum_{i=0}^{n-1} w_i x_i", "Sum(i, n, w[i]*x[i])"),
        (r"\sum_{i=0}^{2} x_i", "Sum(i, 3, x[i])"),
        (r"\sum_j^{d} w_j^2", "Sum(j, d, w[j]^2)"),
    ],
)
def test_bounds_as_courses_write_them(latex: str, plain: str):
    assert parse_latex(latex) == parse(plain)


def test_an_upper_bound_with_a_bare_index_differentiates():
    result = assert_index_identity(r"\sum_i^n w_i x_i + b", "w")
    assert result.text == "x"


@pytest.mark.parametrize("latex", [r"\sum_{i=1}^{n-1} w_i", r"\sum_{i=1}^{n+1} w_i"])
def test_a_bound_off_by_one_is_refused_as_a_bound_not_as_a_definition(latex: str):
    answer = CliRunner().invoke(main, ["derive", latex, "--wrt", "w"])
    assert answer.exit_code == 2
    assert "a sum runs from 1 to a dimension (or from 0 to one less)" in answer.output
    assert "definition" not in answer.output


MEAN_SQUARED = r"\frac{1}{N}\sum_{i=1}^{N} (y_i - \mathbf{w}^\top\mathbf{x}_i)^2"


def test_a_bound_used_as_a_number_is_the_size_of_its_dim():
    result = assert_index_identity(MEAN_SQUARED, "w")
    assert result.text == "-2*X.T*(y - X*w)/N"
    assert result.formula.variables["X"][0] == "N"
    assert "N" in result.formula.typing.sizes
    assert assert_index_identity("Sum(i, N, (y[i] - w.T*X[i, :])^2)/N", "y").text == "2*(y - X*w)/N"
    assert assert_index_identity(r"\frac{1}{K}\sum_{k=1}^{K} \exp(z_k)", "z").text == "exp(z)/K"


def test_a_bound_declared_as_an_array_is_still_refused():
    with pytest.raises(ShapeError, match="N is a dimension, so it cannot also be a variable"):
        symdiff.derive(MEAN_SQUARED, "w", {"N": ("n", 1)})


# --- samples placed in programs and worksheets --------------------------------

COLUMNS_PROGRAM = r"u = \mathbf{A}^\top \mathbf{w}; f = \sum_i (y_i - \mathbf{w}^\top \mathbf{x}_i)^2 + \|u\|^2"


def test_samples_are_placed_in_every_definition_of_a_program():
    program = symdiff.program(COLUMNS_PROGRAM, samples={"x": "A:cols"})
    assert set(program.inputs) == {"A", "w", "y"}
    assert program.derive("w", expand=True).text == "2*A*(2*A.T*w - y)"
    check_numerically(program, "w")
    with pytest.raises(symdiff.SymdiffError, match="is not a name and a matrix with rows or cols"):
        symdiff.program(COLUMNS_PROGRAM, samples={"x": "A:diag"})


def test_samples_go_with_the_options_of_programs_on_the_command_line():
    runner = CliRunner()
    answer = runner.invoke(main, ["derive", COLUMNS_PROGRAM, "--wrt", "w", "--samples", "x=A:cols", "--expand"])
    assert (answer.exit_code, answer.output) == (0, "2*A*(2*A.T*w - y)\n")
    named = runner.invoke(main, ["derive", COLUMNS_PROGRAM, "--wrt", "w", "--samples", "x=A:cols"])
    assert (named.exit_code, named.output) == (0, "2*A*(A.T*w + u - y)\n")


def test_samples_are_placed_in_the_options_of_a_check():
    report = symdiff.check(
        r"f = \frac{1}{2}\sum_i (y_i - \mathbf{w}^\top \mathbf{x}_i)^2",
        "w",
        [
            r"-\mathbf{A}(\mathbf{y} - \mathbf{A}^\top\mathbf{w})",
            r"-\sum_i (y_i - \mathbf{w}^\top \mathbf{x}_i)\mathbf{x}_i",
            r"-\mathbf{A}^\top(\mathbf{y} - \mathbf{A}\mathbf{w})",
        ],
        samples={"x": "A:cols"},
    )
    assert report.correct == (1, 2)


def check_numerically(program, wrt: str) -> None:
    """The program's derivative equals central differences of its expanded output."""
    result = program.derive(wrt)
    function = Result(program.expanded, (), program.expanded.expr).lambdify()
    rng = np.random.default_rng(3)
    for _ in range(3):
        values = random_values(program.expanded, rng)
        expected = numeric_derivative(function, values, program.expanded, wrt)
        actual = np.asarray(result.evaluate(**values), dtype=float)
        np.testing.assert_allclose(actual, expected.reshape(actual.shape), rtol=1e-5, atol=1e-6)


SHEET = r"""
title = "Samples in columns"

[[group]]
id = "1"

[group.context]
samples = { x = "A:cols" }
definitions = ['L = \frac{1}{2}\sum_{i=1}^{n} (y_i - \mathbf{w}^\top \mathbf{x}_i)^2']

[[group.question]]
id = "1.a"
kind = "choice"
wrt = "w"
options = [
    '-\mathbf{A}^\top (\mathbf{y} - \mathbf{A}\mathbf{w})',
    '-\mathbf{A} (\mathbf{y} - \mathbf{A}^\top\mathbf{w})',
    '-\sum_{i=1}^{n} (y_i - \mathbf{w}^\top \mathbf{x}_i) \mathbf{x}_i',
]

[[group.question]]
id = "1.b"
kind = "derive"
wrt = "w"
"""


def test_a_worksheet_group_places_its_samples(tmp_path):
    sheet = tmp_path / "columns.toml"
    sheet.write_text(SHEET)
    key = json.loads(symdiff.print_key(symdiff.solve(str(sheet)), "json"))
    by_id = {question["id"]: question for question in key["questions"]}
    assert by_id["1.a"]["correct"] == [1, 2]
    assert by_id["1.b"]["answer"] == "-A*(y - A.T*w)"
    sheet.write_text(SHEET.replace('"A:cols"', '"A:diagonal"'))
    answer = CliRunner().invoke(main, ["solve", str(sheet)])
    assert answer.exit_code == 2
    assert "samples" in answer.output and "is not a name and a matrix with rows or cols" in answer.output
