"""The bundled seed worksheet's key against every answer the seed prints; keys in every format; bad worksheets."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdflatex import compile_latex

import symdiff
from symdiff.cli import main

SEED = Path(__file__).parent.parent / "worksheets" / "backprop.toml"

# The seed's correct options, counted from 1 as the seed prints them (issue 6).
SEED_CHOICES = {
    "1.a.i": [2], "1.b.i": [5], "1.b.ii": [4], "1.b.iii": [1], "1.c.i": [4], "1.c.ii": [5], "1.c.iii": [2],
    "1.d.i": [2], "1.d.ii": [5],
}


def run(*args):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def seed_key():
    return json.loads(symdiff.print_key(symdiff.solve(str(SEED)), "json"))


def questions(key):
    return {q["id"]: q for q in key["questions"]}


def test_every_choice_of_q1_is_the_seeds(seed_key):
    found = {qid: [i + 1 for i in q["correct"]] for qid, q in questions(seed_key).items() if q["kind"] == "choice"}
    assert found == SEED_CHOICES


def test_every_wrong_option_carries_a_reason(seed_key):
    for q in questions(seed_key).values():
        for option in q.get("options", []):
            assert option["why"], (q["id"], option["text"])
            assert option["equivalent"] is (option["verdict"] == "equivalent") or option["equivalent"] is None


def test_answers_in_closed_form(seed_key):
    q = questions(seed_key)
    assert q["1.c.i"]["answer"] == "(x1*b1, x2*b1)"
    assert q["1.d.i"]["answer"] == "A*x*x.T"
    assert q["1.d.ii"]["answer"] == "A.T*A*x"
    assert q["1.d.i"]["options"][0]["why"] == "the option is a scalar; the answer is an n×d matrix"


def test_the_option_marked_unreadable_is_neither_right_nor_wrong(seed_key):
    option = questions(seed_key)["1.a.i"]["options"][3]
    assert option["equivalent"] is None and option["verdict"] == "unreadable"
    assert "the worksheet says: f is the scalar" in option["why"]


def test_q2a_forward_table(seed_key):
    assert questions(seed_key)["2.a"]["values"] == {
        "(i)": 2, "(ii)": 3, "(iii)": 4, "(iv)": 5, "(v)": 4, "(vi)": 3, "(vii)": 5,
    }


def test_q2b_rounded_as_the_worksheet_and_exact_beside_it(seed_key):
    q = questions(seed_key)["2.b"]
    assert q["values"] == {"a": 0.18, "b": 0, "c": 0.09, "d": 0, "e": -0.09, "f": 0}
    assert q["exact"]["a"] == pytest.approx(0.2100, abs=5e-5)
    assert q["exact"]["c"] == pytest.approx(0.1050, abs=5e-5)
    assert q["exact"]["e"] == pytest.approx(-0.1050, abs=5e-5)
    assert q["rounding"] == 1


def test_q2c_two_and_four_solutions_each_one_function(seed_key):
    plot1, plot2 = questions(seed_key)["2.c.1"], questions(seed_key)["2.c.2"]
    assert sorted(map(tuple, plot1["solutions"])) == [("-x1", "0", "x1", "0", "-1"), ("x1", "0", "-x1", "0", "-1")]
    assert len(plot1["groups"]) == 1
    assert sorted(map(tuple, plot2["solutions"])) == [
        ("0", "-x1", "-x2", "x1", "-x2"), ("0", "x1", "-x2", "-x1", "-x2"),
        ("x2", "-x1", "0", "x1", "0"), ("x2", "x1", "0", "-x1", "0"),
    ]
    assert len(plot2["groups"]) == 1
    assert plot1["tried"] == 243


def test_text_key_marks_the_correct_options():
    result = run("solve", str(SEED))
    assert result.exit_code == 0, result.output
    assert "  * 2. [b₁; b₂]" in result.output  # the option's LaTeX, readable in a terminal
    assert "\n  No valid combination" not in result.output  # the key's verdict; Q2(c)'s text names the choice


def test_markdown_key_has_tables():
    result = run("solve", str(SEED), "--format", "markdown")
    assert result.exit_code == 0
    assert "| option | as printed | verdict | why |" in result.output
    assert "| (i) | (ii) | (iii) | (iv) | (v) | (vi) | (vii) |\n|---|---|---|---|---|---|---|\n| 2 | 3 | 4 | 5 | 4 | 3 | 5 |" in result.output


def test_latex_key_compiles(tmp_path):
    out = tmp_path / "answers.tex"
    result = run("solve", str(SEED), "--format", "latex", "-o", str(out))
    assert result.exit_code == 0, result.output
    document = out.read_text(encoding="utf-8")
    assert "\\begin{align*}" in document and "\\checkmark" in document
    assert compile_latex(document, tmp_path, "answers").stat().st_size > 0


def test_worksheet_text_cannot_run_commands_in_the_latex_key(tmp_path):
    sheet = tmp_path / "evil.toml"
    sheet.write_text(SMALL.replace('text = "Find the gradient."',
                                   "text = 'Find $\\input{/etc/passwd}$ and \\write18{touch pwned} $x^^5cinput$'"))
    result = run("solve", str(sheet), "--format", "latex")
    assert result.exit_code == 0, result.output
    assert "\\input{" not in result.output and "\\write18" not in result.output and "^^5c" not in result.output
    compile_latex(result.output, tmp_path, "evil")
    assert not (tmp_path / "pwned").exists()


SMALL = """
title = "Small"

[[group]]
id = "1"
[group.context]
syntax = "plain"
definitions = ["f = 0.5*norm(A*x)^2"]

[[group.question]]
id = "1.a"
kind = "choice"
text = "Find the gradient."
wrt = "x"
options = ["A.T*A*x", "A*A.T*x"]
"""

# A broken worksheet: the edit to SMALL, and what the one error line must say.
BROKEN = [
    ("bad TOML", ('id = "1.a"', 'id = "1.a'), "not valid TOML"),
    ("unknown kind", ('kind = "choice"', 'kind = "choose"'), ":12: question 1.a: field 'kind': unknown kind 'choose'"),
    ("missing field", ('wrt = "x"', ''), ": question 1.a: field 'wrt': missing"),
    ("option does not parse", ('"A*A.T*x"', '"A*A.T*"'), ":15: question 1.a: field 'options': option 2 does not parse"),
    ("unknown field", ('text = "Find the gradient."', 'text = "Find the gradient."\nexpnad = true'), ": question 1.a: field 'expnad': not a field here\n  hint: did you mean 'expand'?"),
    ("wrong name", ('wrt = "x"', 'wrt = "z"'), ": question 1.a: field 'wrt': 'z' does not occur"),
    ("duplicate id", ('options = ["A.T*A*x", "A*A.T*x"]', 'options = ["A.T*A*x", "A*A.T*x"]\n'
                      '[[group.question]]\nid = "1.a"\nkind = "derive"\nwrt = "x"'), "question id 1.a is used twice"),
]


@pytest.mark.parametrize("case, edit, message", BROKEN, ids=[case for case, _, _ in BROKEN])
def test_a_broken_worksheet_is_one_error_and_writes_nothing(tmp_path, case, edit, message):
    sheet = tmp_path / "sheet.toml"
    sheet.write_text(SMALL.replace(*edit))
    out = tmp_path / "key.tex"
    result = run("solve", str(sheet), "--format", "latex", "-o", str(out))
    assert result.exit_code == 2
    assert message in result.output
    assert result.output.startswith(f"symdiff: error: {sheet}")
    assert "Traceback" not in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [sheet]


def test_an_existing_key_is_left_whole_when_solving_fails(tmp_path):
    sheet, out = tmp_path / "sheet.toml", tmp_path / "key.md"
    sheet.write_text(SMALL)
    assert run("solve", str(sheet), "--format", "markdown", "-o", str(out)).exit_code == 0
    before = out.read_text()
    sheet.write_text(SMALL.replace('"A*A.T*x"', '"A*A.T*"'))
    assert run("solve", str(sheet), "--format", "markdown", "-o", str(out)).exit_code == 2
    assert out.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["key.md", "sheet.toml"]


def test_missing_file_and_unwritable_output(tmp_path):
    result = run("solve", str(tmp_path / "nope.toml"))
    assert result.exit_code == 2 and "nope.toml: no such file" in result.output
    sheet = tmp_path / "sheet.toml"
    sheet.write_text(SMALL)
    result = run("solve", str(sheet), "-o", str(tmp_path / "missing-dir" / "key.txt"))
    assert result.exit_code == 2 and "cannot write" in result.output


DRILL = SEED.parent / "matrix-calculus.toml"
# Correct options of the second worksheet, counted from 1, each checked by hand and by finite differences.
DRILL_CHOICES = {
    "1.a": [2, 4], "1.b": [3], "2.a": [2, 5], "2.b": [3], "2.c.i": [2], "2.c.ii": [3, 4], "3.a": [2, 3],
    "4.a": [2], "4.b": [2],
}


@pytest.mark.slow
def test_the_second_worksheet_shows_the_format_is_general(tmp_path):
    key = json.loads(symdiff.print_key(symdiff.solve(str(DRILL)), "json"))
    kinds = {q["kind"] for q in key["questions"]}
    assert kinds == {"choice", "derive", "forward", "backprop", "blanks"}
    found = {q["id"]: [i + 1 for i in q["correct"]] for q in key["questions"] if q["kind"] == "choice"}
    assert found == DRILL_CHOICES
    assert any(q["kind"] == "blanks" and not q["solutions"] for q in key["questions"])  # the XOR data
    result = run("solve", str(DRILL), "--format", "latex")
    assert result.exit_code == 0, result.output
    compile_latex(result.output, tmp_path, "drill")


def test_an_option_that_does_not_parse_is_pointed_at_on_its_own_line(tmp_path):
    sheet = tmp_path / "sheet.toml"
    sheet.write_text(SMALL.replace('options = ["A.T*A*x", "A*A.T*x"]', 'options = [\n    "A.T*A*x",\n    "A.T*A*",\n]'))
    result = run("solve", str(sheet))
    assert result.exit_code == 2
    assert f"{sheet}:17: question 1.a: field 'options': option 2 does not parse" in result.output


def test_a_forward_question_on_a_vector_node_prints_its_entries(tmp_path):
    # was an internal error (exit 3): the key printers took every node value for a number
    sheet = tmp_path / "vector.toml"
    sheet.write_text(
        'title = "Vector node"\n\n[[group]]\nid = "1"\n[group.context]\nsyntax = "plain"\n'
        'definitions = ["z = A*x", "f = sum(z)"]\nshapes = { A = [2, 2], x = [2] }\n'
        "at = { A11 = 1, A12 = 2, A21 = 3, A22 = 4, x1 = 1, x2 = 1 }\n\n"
        '[[group.question]]\nid = "1.a"\nkind = "forward"\ntext = "Fill in z."\nvalues = { "z" = "z" }\n'
    )
    for fmt in ("text", "markdown", "latex", "json"):
        result = run("solve", str(sheet), "--format", fmt)
        assert result.exit_code == 0, result.output
        if fmt == "json":
            assert json.loads(result.stdout)["questions"][0]["values"]["z"] == [3, 7]
        else:
            assert "[3, 7]" in result.stdout
        if fmt == "latex":
            compile_latex(result.stdout, tmp_path, "vector")
