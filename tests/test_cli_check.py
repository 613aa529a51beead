"""``symdiff check`` through click's runner: verdicts, reasons, unreadable options and exit statuses."""

import json

from click.testing import CliRunner
from numeric import assert_matches_finite_differences

from symdiff.cli import main

PROGRAM = "b = A*x; f = 0.5*norm(b)^2"
SHAPES = ("--shape", "A=2,2", "--shape", "x=2")


def run(*args):
    return CliRunner().invoke(main, ["check", *args])


def options(*texts):
    return [arg for text in texts for arg in ("--option", text)]


def test_answers_here_match_finite_differences():
    assert_matches_finite_differences("0.5*norm(A*x)^2", "A11", {"A": (2, 2), "x": (2,)})
    assert_matches_finite_differences("0.5*norm(A*x)^2", "A12", {"A": (2, 2), "x": (2,)})
    assert_matches_finite_differences("0.5*norm(A*x)^2", "A")


def test_each_option_with_its_verdict_and_reason():
    result = run(PROGRAM, *SHAPES, "--wrt", "A11,A12",
                 *options("(x1*b1, x2*b1)", "(x1*b2, x2*b2)", "(x1*b1, x2*b2)", "(x2*b1, x1*b1)"))
    assert result.exit_code == 0
    assert result.stdout == (
        "answer: (x1*b1, x2*b1)\n"
        "1. equivalent: (x1*b1, x2*b1)\n"
        "   the difference simplifies to zero\n"
        "2. not equivalent: (x1*b2, x2*b2)\n"
        "   it uses the wrong row: it is the answer for A21, A22 (row 2 of A), but the question asks about row 1\n"
        "3. not equivalent: (x1*b1, x2*b2)\n"
        "   only its 1st component is right: x2*b2 where the answer has x2*b1\n"
        "4. not equivalent: (x2*b1, x1*b1)\n"
        "   its two components are swapped\n"
        "correct: 1\n"
    )


def test_an_unreadable_option_is_reported_in_place_and_exits_2():
    result = run(PROGRAM, *SHAPES, "--wrt", "b",
                 *options(r"\begin{bmatrix} b_1 \\ b_2 \end{bmatrix}", r"\begin{bmatrix} f(b_1) \\ f(b_2) \end{bmatrix}"))
    assert result.exit_code == 2
    assert "1. equivalent: " in result.stdout
    assert (
        "2. unreadable: \\begin{bmatrix} f(b_1) \\\\ f(b_2) \\end{bmatrix}\n"
        "   f(...) applies an unknown function f\n"
        "     \\begin{bmatrix} f(b_1) \\\\ f(b_2) \\end{bmatrix}\n"
        "                     ^\n"
    ) in result.stdout
    assert result.stdout.endswith("correct: 1\n")
    assert result.stderr == "symdiff: error: option 2 could not be read\n"


def test_json_for_an_answer_key():
    result = run("0.5*norm(A*x)^2", "--wrt", "A", "--format", "json", *options("x.T*A.T*A*x", "A*x*x.T"))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["answer"]["text"] == "A*x*x.T" and data["correct"] == [2]
    assert data["options"][0] == {
        "text": "x.T*A.T*A*x", "verdict": "not equivalent", "equivalent": False,
        "why": "the option is a scalar; the answer is an n×d matrix", "reason": "shape", "point": None,
    }


def test_of_picks_what_is_differentiated():
    result = run(PROGRAM, *SHAPES, "--of", "b1", "--wrt", "A21,A22", *options("(0, 0)", "(x1, x2)"))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "answer: (0, 0)"
    assert "it uses the wrong row: it is the answer for A11, A12 (row 1 of A)" in result.stdout


def test_a_bad_question_is_one_error_without_output():
    result = run("0.5*nrom(A*x)^2", "--wrt", "x", *options("x"))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("symdiff: error: unknown function 'nrom'\n")


def test_help_names_the_options():
    out = run("--help").output
    assert "--option ANSWER" in out and "--wrt NAME" in out and "--of NAME" in out and "unreadable" in out
