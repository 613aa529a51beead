"""Seed Q2(c): filling a template's blanks so that it labels the data, through the API and the CLI.

The worksheet's plots are not in its text; these points are consistent with
its printed solutions and make them the only ones: plot 1 is × where
|x1| ≥ 1 and • between, plot 2 is × on and above x2 = |x1| and • below.
"""

import json

import pytest
from click.testing import CliRunner

import symdiff
from symdiff.cli import main

PLOT1 = "max(_1 + _2, _3 + _4) + _5"
PLOT1_BLANKS = ["x1, -x1, 0", "x2, -x2, 0", "x1, -x1, 0", "x2, -x2, 0", "1, -1, 0"]
PLOT1_X = [(2, 2), (-2, 2), (2, -2), (-2, -2), (1.5, 0), (-1.5, 0), (3, 1), (-3, -1)]
PLOT1_DOT = [(0, 0), (0.5, 1.5), (-0.5, -1.5), (0.5, -2), (-0.5, 2.5), (0, 3), (0, -3)]

PLOT2 = "_1 - max(_2 + _3, _4 + _5)"
PLOT2_BLANKS = ["x2, -x2, 0", "x1, -x1, 0", "x2, -x2, 0", "x1, -x1, 0", "x2, -x2, 0"]
PLOT2_X = [(0, 1), (0, 3), (1, 2), (-1, 2), (2, 2.5), (-2, 2.5), (0.5, 0.5), (-0.5, 0.5)]
PLOT2_DOT = [(0, -1), (1, 0), (-1, 0), (2, 1), (-2, 1), (3, -1), (-3, -2), (0, -3), (1, -2), (-1, -2)]

# A • ring around a × centre: f is convex (a max of linear functions plus a constant),
# so f < 0 on the ring forces f < 0 at its centre. No filling can label it.
RING_X = [(0, 0)]
RING_DOT = [(2, 0), (-2, 0), (0, 2), (0, -2)]


def points(pts):
    return ", ".join(f"({a}, {b})" for a, b in pts)


def test_plot_1_has_the_worksheets_two_solutions_as_one_function():
    found = symdiff.blanks(PLOT1, PLOT1_BLANKS, PLOT1_X, PLOT1_DOT)
    assert [[c.text for c in group] for group in found.functions] == [["max(x1, -x1) - 1", "max(-x1, x1) - 1"]]
    assert found.functions[0][0].choices == ("x1", "0", "-x1", "0", "-1")
    assert found.tried == 3**5
    assert found.evaluations < found.tried * found.points  # pruned: most combinations fail at the first points


def test_plot_2_has_the_worksheets_four_solutions_as_one_function():
    found = symdiff.blanks(PLOT2, PLOT2_BLANKS, PLOT2_X, PLOT2_DOT)
    assert [[c.text for c in group] for group in found.functions] == [[
        "x2 - max(x1, -x1)", "x2 - max(-x1, x1)", "-max(x1 - x2, -x1 - x2)", "-max(-x1 - x2, x1 - x2)",
    ]]


def test_no_valid_combination():
    found = symdiff.blanks(PLOT1, PLOT1_BLANKS, RING_X, RING_DOT)
    assert found.functions == () and found.tried == 243
    assert found.as_json()["valid"] is False


def test_different_functions_are_separate_groups():
    found = symdiff.blanks("max(_1, _2) + _3", ["x1, -x1", "x1, -x1", "-1, 1"], [(2, 0), (-2, 0)], [])
    assert [[c.text for c in group] for group in found.functions] == [
        ["max(x1, -x1) - 1", "max(-x1, x1) - 1"],
        ["max(x1, -x1) + 1", "max(-x1, x1) + 1"],
    ]


def test_blanks_belong_only_to_templates_and_must_match_the_candidates():
    with pytest.raises(symdiff.ParseError, match="a blank _1 outside a template"):
        symdiff.parse("_1 + x")
    with pytest.raises(symdiff.SymdiffError, match="the template has 5 blanks, but 1 list of candidates is given"):
        symdiff.blanks(PLOT1, ["x1, 0"], [(0, 0)])
    with pytest.raises(symdiff.ParseError, match="y in the template is not a variable"):
        symdiff.blanks("_1 + y", ["x1"], [(0, 0)])
    with pytest.raises(symdiff.ParseError, match="the blanks are _1, _3"):
        symdiff.blanks("_1 + _3", ["x1", "x2"], [(0, 0)])


def run(*args):
    return CliRunner().invoke(main, ["blanks", *args])


def blank_options(blanks):
    return [arg for candidates in blanks for arg in ("--blank", candidates)]


def test_cli_plot_1():
    result = run(PLOT1, *blank_options(PLOT1_BLANKS), "--positive", points(PLOT1_X), "--negative", points(PLOT1_DOT))
    assert result.exit_code == 0
    assert result.output == (
        "2 valid combinations, 1 function:\n"
        "function 1:\n"
        "  max(x1, -x1) - 1   _1 = x1, _2 = 0, _3 = -x1, _4 = 0, _5 = -1\n"
        "  max(-x1, x1) - 1   _1 = -x1, _2 = 0, _3 = x1, _4 = 0, _5 = -1\n"
        f"(243 combinations tried on 15 points, with {symdiff.blanks(PLOT1, PLOT1_BLANKS, PLOT1_X, PLOT1_DOT).evaluations}"
        " of the 3645 evaluations a full search makes)\n"
    )


def test_cli_no_valid_combination_and_json():
    result = run(PLOT1, *blank_options(PLOT1_BLANKS), "--positive", points(RING_X), "--negative", points(RING_DOT))
    assert result.exit_code == 0
    assert result.output.startswith("No valid combination\n(243 combinations tried on 5 points")
    data = json.loads(run(PLOT2, *blank_options(PLOT2_BLANKS), "--positive", points(PLOT2_X),
                          "--negative", points(PLOT2_DOT), "--format", "json").output)
    assert data["valid"] is True and len(data["functions"]) == 1 and len(data["functions"][0]) == 4
    assert data["functions"][0][0]["choices"] == {"_1": "x2", "_2": "x1", "_3": "0", "_4": "-x1", "_5": "0"}


def test_cli_errors_point_at_the_input():
    result = run(PLOT1, *blank_options(PLOT1_BLANKS), "--positive", "(0, 0, 1)")
    assert result.exit_code == 2
    assert "symdiff: error: a point with 3 coordinates; the variables are x1, x2" in result.output
    assert "Traceback" not in result.output
    result = run("max(_1, _2)", "--blank", "x1, y", "--blank", "0", "--positive", "(1, 1)")
    assert result.exit_code == 2 and "candidate 'y': y is not a variable" in result.output


def test_cli_variables_and_help():
    result = run("_1 * t - 1", "--blank", "t, -t, 1", "--variables", "t", "--positive", "(2), (3)", "--negative", "(0)")
    assert result.exit_code == 0
    assert result.output.startswith("2 valid combinations, 2 functions:\nfunction 1:\n  t^2 - 1   _1 = t\n")
    assert "--blank CANDIDATES" in run("--help").output
