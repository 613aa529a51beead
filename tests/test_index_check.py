r"""``symdiff check`` with index notation: index-form options against matrix-form answers and the reverse,
the reasons for the index mistakes students make, and ``--samples`` placing the samples \mathbf{x}_i."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from symdiff.cli import main

SAMPLES = ["--shape", "X=n,d", "--shape", "Y=n,d", "--shape", "W=d,d"]


def check(*arguments: str, status: int = 0) -> str:
    answer = CliRunner().invoke(main, ["check", *arguments])
    assert answer.exit_code == status, answer.output
    return answer.output


def test_an_index_question_against_options_in_both_forms():
    output = check(
        "L = Sum(i, Y[i, :].T*W*X[i, :])",
        "--wrt",
        "W",
        *SAMPLES,
        "--option",
        "Y.T*X",
        "--option",
        "Sum(i, X[i, :]*Y[i, :].T)",
        "--option",
        r"\sum_i \mathbf{x}_i \mathbf{y}_i^\top",
    )
    assert output == (
        "answer: Y.T*X\n"
        "1. equivalent: Y.T*X\n"
        "   the difference simplifies to zero\n"
        "2. not equivalent: Sum(i, X[i, :]*Y[i, :].T)\n"
        "   it is the transpose of the answer: the indices of X[i, :] and Y[i, :] are swapped in "
        "X[i, :]*Y[i, :].T (the answer has Y[i, :]*X[i, :].T)\n"
        r"3. not equivalent: \sum_i \mathbf{x}_i \mathbf{y}_i^\top" + "\n"
        r"   it is the transpose of the answer: the indices of \mathbf{x}_i and \mathbf{y}_i are swapped in "
        r"\mathbf{x}_i \mathbf{y}_i^\top (the answer has \mathbf{y}_i \mathbf{x}_i^\top)" + "\n"
        "correct: 1\n"
    )


def test_a_matrix_question_against_index_options():
    output = check(
        "L = sum(hadamard(Y*W, X))",
        "--wrt",
        "W",
        *SAMPLES,
        "--option",
        "Sum(i, Y[i, :]*X[i, :].T)",
        "--option",
        "Sum(i, X[i, :]*Y[i, :].T)",
    )
    assert output.splitlines()[1:] == [
        "1. equivalent: Sum(i, Y[i, :]*X[i, :].T)",
        "   the difference simplifies to zero",
        "2. not equivalent: Sum(i, X[i, :]*Y[i, :].T)",
        "   it is the transpose of the answer: the indices of X[i, :] and Y[i, :] are swapped in "
        "X[i, :]*Y[i, :].T (the answer has Y[i, :]*X[i, :].T)",
        "correct: 1",
    ]


def test_swapped_free_indices_of_an_entry_partial():
    output = check(
        "L = Sum(i, Sum(j, W[i, j]*a[i]*b[j]))",
        "--wrt",
        "W",
        "--shape",
        "W=d,d",
        "--option",
        "a[k]*b[l]",
        "--option",
        "a[l]*b[k]",
    )
    assert "2. not equivalent: a[l]*b[k]\n   it is the transpose of the answer: its indices k and l are swapped\n" in (
        output
    )
    assert "correct: 1\n" in output


@pytest.mark.parametrize(
    ("option", "reason"),
    [
        ("Sum(j, W[j, k])", "the sum over j runs over the wrong index of W: W[j, k] where the answer needs W[k, j]"),
        (r"\sum_j W_{jk}", "the sum over j runs over the wrong index of W: W_{jk} where the answer needs W_{kj}"),
    ],
)
def test_a_sum_over_the_wrong_index(option: str, reason: str):
    output = check(
        r"\sum_{i,j} W_{ij} x_i", "--wrt", "x", "--shape", "W=d,d", "--option", "W*ones(d)", "--option", option
    )
    assert output.splitlines()[-2:] == [f"   {reason}", "correct: 1"]


def test_a_missing_one_over_n_from_the_command_line():
    output = check(
        "L = 1/(2*n)*Sum(i, n, (y[i] - w.T*X[i, :])^2)",
        "--wrt",
        "w",
        "--option",
        "-Sum(i, n, (y[i] - w.T*X[i, :])*X[i, :])",
        "--option",
        "-X.T*(y - X*w)/n",
    )
    assert "   it is n times the answer: a 1/n is missing\n" in output
    assert output.endswith("correct: 2\n")


def test_samples_placed_in_columns():
    question = r"\frac{1}{2}\sum_i (y_i - \mathbf{w}^\top \mathbf{x}_i)^2"
    output = check(
        question,
        "--wrt",
        "w",
        "--samples",
        "x=A:cols",
        "--option",
        "-A*(y - A.T*w)",
        "--option",
        r"-\sum_i (y_i - \mathbf{w}^\top \mathbf{x}_i)\mathbf{x}_i",
    )
    assert output.splitlines()[0] == "answer: -A*(y - A.T*w)"
    assert output.endswith("correct: 1, 2\n")
    rows = check(question, "--wrt", "w", "--option", "-A*(y - A.T*w)")
    assert "correct: none" in rows  # without --samples the sample x_i is row i of X
    refused = check(question, "--wrt", "w", "--samples", "x=A:diag", "--option", "w", status=2)
    assert "is not a name and a matrix with rows or cols" in refused
