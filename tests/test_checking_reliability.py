"""Issue 12, the checker's part: wrong options never pass for right, blanks refuse ambiguous input and group
fast within a time limit, and worksheets stop on undefined names and warn on questions without a right option.

Every derivative asked about here is checked against central finite differences first.
"""

import json
import textwrap

import numpy as np
import pytest
from click.testing import CliRunner
from numeric import assert_matches_finite_differences

import symdiff
from symdiff.cli import main


# --- the checker --------------------------------------------------------------------------
def test_the_answers_here_match_finite_differences():
    assert_matches_finite_differences("x^2", "x")
    assert_matches_finite_differences("x*y", "x")
    assert_matches_finite_differences("x*y", "y")
    assert_matches_finite_differences("relu(x)", "x")
    assert_matches_finite_differences("log(x)", "x", positive=True)
    assert_matches_finite_differences("sin(x) + x^3", "x")


def test_a_difference_far_from_the_origin_is_seen():
    result = symdiff.check("relu(x)", "x", ["step(x) + step(x - 4)", "step(x)"])
    first = result.options[0]
    assert first.verdict == "not equivalent"
    assert first.point is not None and first.point["x"] > 4
    assert result.correct == (2,)


def test_a_difference_just_beside_a_kink_is_seen():
    # differs from step(x) only for 4 < x < 4.01: random points miss it, the points beside the kink do not
    result = symdiff.check("relu(x)", "x", ["step(x) + step(x - 4) - step(x - 4.01)"])
    option = result.options[0]
    assert option.verdict == "not equivalent"
    assert 4 < option.point["x"] < 4.01


def test_a_nonzero_constant_or_polynomial_difference_is_proven():
    result = symdiff.check("x^2", "x", ["2*x + 1e-11", "2.000000001*x", "2*x + exp(-1000)", "2*x"])
    assert [o.verdict for o in result.options] == ["not equivalent"] * 3 + ["equivalent"]
    assert result.correct == (4,)
    assert [o.reason for o in result.options[:3]] == ["difference"] * 3
    assert result.options[0].why.startswith("the option minus the answer is 1/100000000000, a nonzero constant")
    assert result.options[1].why.startswith("the option minus the answer is x/1000000000, a nonzero polynomial")
    assert result.options[2].why.startswith("the option minus the answer is exp(-1000), a nonzero constant")


def test_a_nonzero_difference_in_one_entry_of_a_tuple_is_named():
    result = symdiff.check("x*y", "x, y", ["(y, x + 1e-12)"])
    assert result.options[0].verdict == "not equivalent"
    assert result.options[0].why.startswith("its entry 2 minus the answer's is 1/1000000000000, a nonzero constant")


def test_a_tiny_difference_with_symbolic_dims_is_proven_with_explicit_components():
    assert_matches_finite_differences("0.5*norm(A*x)^2", "x")
    result = symdiff.check("0.5*norm(A*x)^2", "x", ["A.T*A*x + 1e-12*x", "A.T*A*x"])
    assert [o.verdict for o in result.options] == ["not equivalent", "equivalent"]
    assert result.options[0].why.startswith("with explicit components at small sizes, its entry 1 minus the answer's "
                                            "is x1/1000000000000, a nonzero polynomial")


def test_a_difference_below_the_tolerance_that_is_not_proven_is_undecided():
    result = symdiff.check("x^2", "x", ["2*x + 1e-11*sin(x)"])
    option = result.options[0]
    assert option.verdict == "undecided" and option.equivalent is None
    assert "differ symbolically" in option.why and "too little for numbers to decide" in option.why


def test_equal_on_the_domain_stays_equivalent():
    # 1/abs(x) and 1/x differ symbolically, but not where log(x) is defined
    result = symdiff.check("log(x)", "x", ["1/abs(x)", "sin(x)^2/x + cos(x)^2/x"])
    assert [o.verdict for o in result.options] == ["equivalent", "equivalent"]


def test_the_cli_says_not_equivalent_for_the_issues_options():
    result = CliRunner().invoke(main, ["check", "x^2", "--wrt", "x", "--option", "2*x + 1e-11",
                                       "--option", "2.000000001*x", "--option", "2*x + exp(-1000)"])
    assert result.exit_code == 0
    assert result.stdout.count("not equivalent") == 3 and result.stdout.endswith("correct: none\n")
    result = CliRunner().invoke(main, ["check", "relu(x)", "--wrt", "x", "--option", "step(x) + step(x - 4)"])
    assert result.exit_code == 0 and "1. not equivalent" in result.stdout


# --- blanks: ambiguous input --------------------------------------------------------------
@pytest.mark.parametrize("variables, message", [
    (["x1", "x1"], "the variable x1 is given 2 times"),
    (["pi"], "pi is a constant, not a variable"),
    (["_1"], "a blank _1 outside a template"),
    (["x1, x2"], "'x1, x2' is not a variable name"),
])
def test_blanks_refuses_ambiguous_variables(variables, message):
    point = tuple(1.0 for _ in variables)
    with pytest.raises(symdiff.SymdiffError, match=message):
        symdiff.blanks("_1 - 1", ["x1, 2"], [point], [], variables)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_blanks_refuses_coordinates_that_are_not_finite(bad):
    with pytest.raises(symdiff.SymdiffError, match=r"negative point 1\[0\] is not a finite real number"):
        symdiff.blanks("_1 - 1", ["x1, 2"], [(2, 0)], [(bad, 0)])


def test_blanks_cli_refuses_repeated_and_constant_variables():
    runner = CliRunner()
    result = runner.invoke(main, ["blanks", "_1 - 1", "--blank", "x1, 2", "--variables", "x1, x1",
                                  "--positive", "(2, 3)"])
    assert result.exit_code == 2 and "the variable x1 is given 2 times" in result.stderr
    assert "Traceback" not in result.output
    result = runner.invoke(main, ["blanks", "_1 - pi", "--blank", "pi, 5", "--variables", "pi", "--positive", "(4)"])
    assert result.exit_code == 2 and "pi is a constant, not a variable" in result.stderr


def write(tmp_path, text):
    path = tmp_path / "sheet.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


BLANKS_SHEET = """\
    title = "t"
    [[group]]
    id = "1"
    [group.context]
    syntax = "plain"
    [[group.question]]
    id = "1.a"
    kind = "blanks"
    template = "_1 - 1"
    candidates = [["x1", "2"]]
    variables = {variables}
    positive = [{positive}]
    negative = []
"""


@pytest.mark.parametrize("variables, positive, message", [
    ('["x1", "x1"]', "[2, 3]", "field 'variables': the variable x1 is given 2 times"),
    ('["pi"]', "[4]", "field 'variables': pi is a constant"),
    ('["x1"]', "[nan]", "field 'positive': Input should be a finite number"),
    ('["x1"]', "[inf]", "field 'positive': Input should be a finite number"),
])
def test_a_worksheet_with_ambiguous_blanks_is_an_error(tmp_path, variables, positive, message):
    path = write(tmp_path, BLANKS_SHEET.format(variables=variables, positive=positive))
    result = CliRunner().invoke(main, ["solve", path])
    assert result.exit_code == 2, result.output
    assert "question 1.a" in result.stderr and message in result.stderr


# --- blanks: grouping and the time limit -------------------------------------------------
CANDIDATES = "x1, -x1, x2, -x2, 0, 1, -1, 2, -2, 3"


def test_four_blanks_of_ten_candidates_with_thousands_of_valid_fillings():
    found = symdiff.blanks("_1 + _2 + _3 + _4", [CANDIDATES] * 4, [(0, 0), (1, 1)], [])
    assert found.tried == 10**4 and len(found.combinations) > 1000
    # every filling is a sum of its choices: the same function exactly when the sums agree at random points
    probes = np.random.default_rng(1).normal(size=(3, 2))

    def values(combination):
        total = np.zeros(len(probes))
        for choice in combination.choices:
            name, sign = choice.lstrip("-"), -1.0 if choice.startswith("-") else 1.0
            total += sign * (probes[:, ("x1", "x2").index(name)] if name in ("x1", "x2") else float(name))
        return tuple(np.round(total, 9))

    grouped = [{values(c) for c in group} for group in found.functions]
    assert all(len(group) == 1 for group in grouped)
    assert len({next(iter(group)) for group in grouped}) == len(found.functions)


def test_blanks_separates_functions_the_values_cannot_tell_apart():
    found = symdiff.blanks("_1 + _2", ["x1", "0, 1e-12"], [(1, 0)], [])
    assert [[c.text for c in group] for group in found.functions] == [["x1"], ["x1 + 1/1000000000000"]]


def test_blanks_from_python_has_a_time_limit():
    with pytest.raises(symdiff.LimitError, match="blanks gave up after 1e-09 s"):
        symdiff.blanks("_1 + _2 + _3 + _4", [CANDIDATES] * 4, [(0, 0), (1, 1)], [], timeout=1e-9)
    with pytest.raises(symdiff.SymdiffError, match="timeout nan is not a number of seconds"):
        symdiff.blanks("_1 - 1", ["x1, 2"], [(2, 0)], [], timeout=float("nan"))
    assert symdiff.blanks("_1 - 1", ["x1, 2"], [(2, 0)], [], timeout=0).tried == 2


# --- worksheets -------------------------------------------------------------------------------
CHOICE_SHEET = """\
    title = "t"
    [[group]]
    id = "1"
    [group.context]
    syntax = "plain"
    definitions = ["f = x^2"]
    [[group.question]]
    id = "1.a"
    kind = "choice"
    wrt = "x"
    options = {options}
"""


def test_an_option_with_an_undefined_name_stops_the_worksheet(tmp_path):
    assert_matches_finite_differences("x^2", "x")
    path = write(tmp_path, CHOICE_SHEET.format(options='["2*x", "2*y"]'))
    with pytest.raises(symdiff.WorksheetError, match=r"question 1\.a: field 'options': option 2 uses y, "
                                                     "which the question does not define"):
        symdiff.solve(path)
    result = CliRunner().invoke(main, ["solve", path])
    assert result.exit_code == 2 and result.stdout == ""
    assert f"{path}:" in result.stderr and "option 2 uses y" in result.stderr


def test_a_choice_question_without_a_correct_option_warns_and_fails_with_strict(tmp_path):
    path = write(tmp_path, CHOICE_SHEET.format(options='["3*x", "x"]'))
    key = symdiff.solve(path)
    assert key.warnings == (
        f"{path}:11: question 1.a: field 'options': no option equals the answer; is there a typo in the intended one?",
    )
    runner = CliRunner()
    result = runner.invoke(main, ["solve", path])
    assert result.exit_code == 0
    assert result.stderr == f"symdiff: warning: {key.warnings[0]}\n"
    assert "warning: no option equals the answer" in result.stdout
    markdown = runner.invoke(main, ["solve", path, "--format", "markdown"]).stdout
    assert "**Warning:** no option equals the answer" in markdown
    latex = runner.invoke(main, ["solve", path, "--format", "latex"]).stdout
    assert r"\textbf{Warning:} no option equals the answer" in latex
    data = json.loads(runner.invoke(main, ["solve", path, "--format", "json"]).stdout)
    assert data["questions"][0]["warning"].startswith("no option equals the answer")
    strict = runner.invoke(main, ["solve", path, "--strict", "-o", str(tmp_path / "key.txt")])
    assert strict.exit_code == 2
    assert "question 1.a: field 'options': no option equals the answer" in strict.stderr
    assert not (tmp_path / "key.txt").exists()


def test_a_worksheet_with_a_correct_option_has_no_warning(tmp_path):
    path = write(tmp_path, CHOICE_SHEET.format(options='["2*x", "x"]'))
    result = CliRunner().invoke(main, ["solve", path, "--strict"])
    assert result.exit_code == 0 and result.stderr == ""
    assert "warning" not in result.stdout.lower()


def test_a_warning_passes_no_control_character_to_the_terminal(tmp_path):
    # the warning quotes the worksheet's path, which is anybody's text: a control character in it (a bell,
    # a backspace; click itself strips ANSI colours when stderr is no terminal) must not reach stderr
    directory = tmp_path / "bell\x07back\x08"
    directory.mkdir()
    path = write(directory, CHOICE_SHEET.format(options='["3*x", "x"]'))
    result = CliRunner().invoke(main, ["solve", path])
    assert result.exit_code == 0
    assert result.stderr.startswith("symdiff: warning: ") and "no option equals the answer" in result.stderr
    assert "\x07" not in result.stderr and "\x08" not in result.stderr
