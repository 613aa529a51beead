"""Answer checking: the seed worksheet's Q1 options, and the rules of equivalence and explanation."""

import tomllib
from pathlib import Path

import numpy as np
import pytest
from numeric import assert_matches_finite_differences, numeric_derivative, random_values

import symdiff

SEED = tomllib.loads((Path(__file__).parent / "data" / "seed_latex.toml").read_text())
PROGRAM = r"\mathbf{b} = \mathbf{Ax} \\ f = \frac{1}{2} \|\mathbf{b}\|^2"
COMPONENTS = {"A": (2, 2), "x": (2,)}

# question -> (of, wrt, shapes, the correct option counting from 1, as the issue gives them)
QUESTIONS = {
    "(a)(i)": (None, "b", COMPONENTS, 2),
    "(b)(i)": ("b1", "A11, A12", COMPONENTS, 5),
    "(b)(ii)": ("b1", "A21, A22", COMPONENTS, 4),
    "(b)(iii)": ("b1", "x1, x2", COMPONENTS, 1),
    "(c)(i)": (None, "A11, A12", COMPONENTS, 4),
    "(c)(ii)": (None, "A21, A22", COMPONENTS, 5),
    "(c)(iii)": (None, "x1, x2", COMPONENTS, 2),
    "(d)(i)": (None, "A", None, 2),
    "(d)(ii)": (None, "x", None, 5),
}


def seed_options(question: str) -> list[str]:
    """The options of a seed question in the worksheet's LaTeX and order, the unreadable one included."""
    prefix = f"Q1 {question}: option "
    entries = [e for kind in ("formula", "error") for e in SEED[kind] if e["where"].startswith(prefix)]
    return [e["latex"] for e in sorted(entries, key=lambda e: int(e["where"][len(prefix):]))]


@pytest.fixture(scope="module")
def seed():
    return {name: symdiff.check(PROGRAM, wrt, seed_options(name), shapes, of=of, syntax="latex")
            for name, (of, wrt, shapes, _) in QUESTIONS.items()}


@pytest.mark.parametrize("name", QUESTIONS)
def test_seed_q1_correct_options_are_exactly_the_worksheets(seed, name):
    assert seed[name].correct == (QUESTIONS[name][3],)


@pytest.mark.parametrize("name", QUESTIONS)
def test_every_wrong_seed_option_carries_a_reason(seed, name):
    for number, option in enumerate(seed[name].options, 1):
        if number == QUESTIONS[name][3]:
            assert option.verdict == "equivalent" and option.equivalent is True
        elif option.verdict != "unreadable":
            assert option.verdict == "not equivalent" and option.equivalent is False
            assert option.reason and option.why


def test_seed_answers_match_finite_differences(seed):
    """The answers the options are checked against, by central differences of f(A, x) and b1(A, x)."""
    functions = {None: ("0.5*norm(A*x)^2", COMPONENTS), "b1": ("A11*x1 + A12*x2", COMPONENTS)}
    rng = np.random.default_rng(1)
    for name, (of, wrt, shapes, _) in QUESTIONS.items():
        if name.startswith("(d)"):
            assert_matches_finite_differences("0.5*norm(A*x)^2", wrt)
            continue
        if wrt == "b":  # by the intermediate: f = ½‖b‖² as a function of b
            assert_matches_finite_differences("0.5*norm(b)^2", "b")
            continue
        text, shapes = functions[of]
        function = symdiff.parse(text, shapes)
        values = random_values(function.formula, rng)
        answer = seed[name].answer.evaluate(**values)
        for part, component in zip(answer, wrt.split(", ")):
            expected = numeric_derivative(function.lambdify(), values, function.formula, component)
            np.testing.assert_allclose(part, expected, rtol=1e-6, atol=1e-8)


def test_the_scalar_option_of_d_i_is_a_shape_mismatch(seed):
    option = seed["(d)(i)"].options[0]
    assert option.text == r"\mathbf{x}^\top \mathbf{A}^\top \mathbf{Ax}"
    assert option.reason == "shape"
    assert option.why == "the option is a scalar; the answer is an n×d matrix"
    assert seed["(d)(i)"].options[3].why == "the option is a vector of length n; the answer is an n×d matrix"


def test_c_i_option_x1b2_x2b2_uses_the_wrong_row(seed):
    option = seed["(c)(i)"].options[4]
    assert option.text == "(x_1b_2, x_2b_2)"
    assert option.reason == "neighbour"
    assert option.why == ("it uses the wrong row: it is the answer for A21, A22 (row 2 of A), "
                          "but the question asks about row 1")
    assert "row 1 of A" in seed["(c)(ii)"].options[3].why


def test_reasons_of_other_seed_options(seed):
    assert seed["(a)(i)"].options[2].why == "its two components are swapped"
    assert seed["(b)(ii)"].options[0].why == "the answer is zero: b1 does not depend on A21 and A22"
    # (0, 0) is the answer about A21, A22: honest, and more telling than "it is zero"
    assert seed["(b)(i)"].options[1].why == ("it uses the wrong row: it is the answer for A21, A22 (row 2 of A), "
                                             "but the question asks about row 1")
    assert seed["(b)(iii)"].options[2].why == "it is zero, but b1 does depend on x1 and x2"
    assert seed["(b)(iii)"].options[1].why == "it is the derivative of b2, but the question asks about b1"
    assert seed["(c)(i)"].options[5].why == "only its 1st component is right: x2*b2 where the answer has x2*b1"
    assert seed["(c)(iii)"].options[0].reason == "transposed input"
    differs = seed["(c)(i)"].options[0]
    assert differs.reason == "differs" and differs.why.startswith("it differs from the answer at A = [[")
    assert set(differs.point) == {"A", "x"}


def test_an_option_that_does_not_parse_gets_its_own_verdict(seed):
    option = seed["(a)(i)"].options[3]
    assert option.text == r"\begin{bmatrix} f(b_1) \\ f(b_2) \end{bmatrix}"
    assert option.verdict == "unreadable" and option.equivalent is None
    assert option.why == "cannot read the option: f(...) applies an unknown function f"
    assert seed["(a)(i)"].unreadable == (4,)
    assert 4 not in seed["(a)(i)"].correct


def test_result_serializes_for_an_answer_key(seed):
    data = seed["(a)(i)"].as_json()
    assert data["correct"] == [2]
    assert data["answer"]["text"] == "[b1, b2]"
    assert [o["equivalent"] for o in data["options"]] == [False, True, False, None, False, False]
    assert data["options"][3]["error"].startswith("f(...) applies an unknown function f\n")
    assert all(o["why"] for o in data["options"])


# --- equivalence rules ------------------------------------------------------------------------
SQUARE = {"A": ("n", "n"), "B": ("n", "n"), "x": ("n",)}


@pytest.mark.parametrize("expr, wrt, shapes, positive", [
    ("A*B*x", "x", SQUARE, False),
    ("x.T*A*B*x", "x", SQUARE, False),
    ("x*y^2", "x", None, False),
    ("x*y^2", "y", None, False),
    ("log(x)", "x", None, True),
    ("relu(x)", "x", None, False),
    ("0.5*norm(A*x)^2", "x", None, False),
])
def test_questions_below_match_finite_differences(expr, wrt, shapes, positive):
    assert_matches_finite_differences(expr, wrt, shapes, positive=positive)


def test_products_do_not_commute():
    result = symdiff.check("A*B*x", "x", ["A*B", "B*A", "B.T*A.T"], SQUARE)
    assert result.correct == (1,)
    assert result.options[1].verdict == "not equivalent" and set(result.options[1].point) == {"A", "B", "x"}
    assert result.options[2].reason == "transpose"
    quadratic = symdiff.check("x.T*A*B*x", "x", ["(A*B + B.T*A.T)*x", "(B*A + A.T*B.T)*x"], SQUARE)
    assert quadratic.correct == (1,)


def test_tuples_in_the_wrong_order():
    result = symdiff.check("x*y^2", "x, y", ["(y^2, 2*x*y)", "(2*x*y, y^2)", "[y^2, 2*x*y]", "(y^2, 2*x*y, 0)"])
    assert result.correct == (1, 3)
    assert result.options[1].why == "its two components are swapped"
    assert result.options[3].why == "the option is a tuple of 3 scalars; the answer is a tuple of 2 scalars"


def test_points_where_a_side_is_undefined_are_drawn_again():
    # 1/abs(x) equals 1/x only for x > 0, where log(x) is defined; points with x <= 0 are redrawn.
    result = symdiff.check("log(x)", "x", ["1/abs(x)", "log(x)/x"])
    assert result.options[0].verdict == "equivalent"
    assert result.options[0].why == "equal at 10 random points"
    assert result.options[1].verdict == "not equivalent"
    assert result.options[1].point["x"] > 0


def test_undecided_when_no_point_is_defined():
    result = symdiff.check("log(-exp(x))", "x", ["2"])
    assert result.options[0].verdict == "undecided" and result.options[0].equivalent is None
    assert result.options[0].why.startswith("only 0 of 200 random points")


def test_constant_factor_sign_and_transpose():
    result = symdiff.check("0.5*norm(A*x)^2", "A", ["2*A*x*x.T", "-A*x*x.T", "x*x.T*A.T", "A*x*x.T/2"])
    assert [o.why for o in result.options] == [
        "it is off by a constant factor: 2 times the answer",
        "it has the wrong sign: it is minus the answer",
        "it is the transpose of the answer (a d×n matrix where the answer is an n×d matrix)",
        "it is off by a constant factor: 1/2 times the answer",
    ]


def test_equal_only_at_some_points():
    result = symdiff.check("relu(x)", "x", ["step(x)", "1"])
    assert result.correct == (1,)
    why = result.options[1].why
    assert result.options[1].reason == "some points"
    assert why.startswith("it equals the answer only at some points (") and "the option is 1, the answer 0" in why


def test_options_may_use_intermediates_in_matrix_form():
    result = symdiff.check("b = A*x; f = 0.5*norm(b)^2", "A", ["b*x.T", "A*x*x.T", "x*b.T"])
    assert result.answer.text == "b*x.T"
    assert result.correct == (1, 2)
    assert result.options[2].reason == "transpose"


def test_an_option_with_a_shape_error_is_wrong_and_the_question_error_raises():
    result = symdiff.check("0.5*norm(A*x)^2", "x", ["A*A*x", "A.T*A*x"], {"A": ("n", "d")})
    assert result.options[0].verdict == "not equivalent" and result.options[0].reason == "ill-formed"
    assert result.options[0].why.startswith("it is not defined with the question's shapes: cannot multiply")
    assert result.correct == (2,)
    with pytest.raises(symdiff.SymdiffError, match="unknown function 'nrom'"):
        symdiff.check("0.5*nrom(A*x)^2", "x", ["x"])


def test_symbolic_dims_are_compared_with_explicit_components_too():
    assert_matches_finite_differences("x.T*A*x", "x")
    result = symdiff.check("x.T*A*x", "x", ["A*x + A.T*x", "x.T*(A.T + A)"])
    assert result.correct == (1,)
    assert result.options[0].why.startswith("the difference simplifies to zero with explicit components")
    assert result.options[1].why == ("it is the transpose of the answer "
                                     "(a row vector of length n where the answer is a vector of length n)")


def test_names_the_question_does_not_have():
    result = symdiff.check("b = A*x; f = 0.5*norm(b)^2", "A11, A12", ["(x_1b_1, x_2b_1)", "(x1*b1, y)"], COMPONENTS)
    assert result.options[0].why == ("it uses x_1b_1 and x_2b_1, which are not in the question "
                                     "(a product? in plain syntax write x1*b1, or read the option as LaTeX)")
    assert result.options[1].why == "it uses y, which is not in the question"


def test_the_point_of_a_difference_names_only_what_the_answer_and_option_use():
    result = symdiff.check("g = x.T*S*x; t = trace(P*X*Q)", "x", ["S.T*x"], of="g")
    why = result.options[0].why
    assert why.startswith("it differs from the answer at S = [[")
    assert ", x = [" in why and "P =" not in why and "X =" not in why
