r"""Constant arrays written without their size, as matrixcalculus.org (``vector(c)``, ``matrix(c)``, ``eye``) and
textbooks (``\mathbf{I}``, ``\mathbf{1}``, ``\mathbf{0}``) write them: the size is inferred from where they are
used, in questions and in answers; where nothing gives it, an error says what settles it (issue 14)."""

import pytest
from click.testing import CliRunner

import symdiff
from symdiff.cli import main
from symdiff.errors import ShapeError
from symdiff.parse import parse, parse_latex
from tests.numeric import assert_matches_finite_differences


def run(*args):
    return CliRunner().invoke(main, list(args))


# (formula, variable, the derivative, the same formula with its sizes written out and declared)
SIZED = [
    ("sum(log(vector(1) + exp(-t.*(M*w))))", "w", "-M.T*hadamard(t, 1/(exp(hadamard(t, M*w)) + 1))", None),
    ("u'*(M + eye)*u", "u", "(2*eye(n) + M + M.T)*u", "u'*(M + eye(n))*u"),
    ("trace(M.*matrix(3))", "M", "3*eye(n)", None),
    ("norm2(u - vector(2))^2", "u", "2*u - 4*ones(n)", "norm2(u - 2*ones(n))^2"),
    (r"\mathbf{u}^\top(\mathbf{M} + \mu\mathbf{I})\mathbf{u}", "u", "(2*mu*eye(n) + M + M.T)*u", None),
    (r"\frac{1}{2}\|\mathbf{u} - \mathbf{1}\|^2", "u", "u - ones(n)", r"\frac{1}{2}\|\mathbf{u} - \mathbf{1}_n\|^2"),
    (r"\|\mathbf{M}\mathbf{u} - \mathbf{0}\|^2", "u", "2*M.T*M*u", None),
    (r"\mathbf{u}^\top(\mathbf{I} - \mathbf{v}\mathbf{v}^\top)\mathbf{u}", "v", "-2*u*u.T*v", None),
]


@pytest.mark.parametrize(("formula", "wrt", "derivative", "sized"), SIZED)
def test_a_constant_array_takes_the_size_of_what_it_is_used_with(formula, wrt, derivative, sized):
    result = assert_matches_finite_differences(formula, wrt, positive=True)
    assert result.text == derivative
    if sized is not None:
        assert symdiff.derive(sized, wrt).text == derivative


def test_readings_of_the_spellings():
    assert parse("vector(1)") == parse_latex(r"\mathbf{1}")
    assert parse("x + vector(2)") == parse("x + 2*vector(1)")
    assert parse("matrix(1)") == parse("vector(1)*vector(1).T")
    assert parse("eye") == parse_latex(r"\mathbf{I}")
    assert parse_latex(r"\mathbf{0}") == parse("0*vector(1)")
    # the sized spellings are unchanged: \mathbf{I}_n is eye(n), \mathbf{1}^\top v the sum of v
    assert parse_latex(r"\mathbf{I}_m + \mathbf{1}^\top \mathbf{v}") == parse("eye(m) + sum(v)")


def test_each_occurrence_has_its_own_size():
    # the left ones vector has the rows of M, the right one its columns
    result = symdiff.derive(r"\mathbf{1}^\top (\mathbf{M} \mathbf{u}) + \mathbf{1}^\top \mathbf{u}", "u")
    assert result.text == "M.T*ones(n) + ones(d)"
    assert symdiff.parse(result.latex, syntax="latex").sympy == result.sympy


def test_concrete_sizes_give_components():
    result = symdiff.derive("u'*(M + eye)*u", "u", {"u": (2,)})
    assert result.text == "[M12*u2 + M21*u2 + 2*u1*(M11 + 1), M12*u1 + M21*u1 + 2*u2*(M22 + 1)]"
    assert symdiff.derive(r"\mathbf{1}^\top \exp(\mathbf{u})", "u2", {"u": (3,)}).text == "exp(u2)"


def test_an_identity_declared_as_a_variable_is_that_variable():
    result = symdiff.derive(r"\mathbf{u}^\top \mathbf{I} \mathbf{u}", "I", {"I": ("n", "n")})
    assert result.text == "u*u.T"


def test_answers_may_write_the_identity_without_its_size():
    report = symdiff.check(
        r"\mathbf{u}^\top(\mathbf{M} + \mu\mathbf{I})\mathbf{u}",
        "u",
        [
            r"(\mathbf{M} + \mathbf{M}^\top + 2\mu\mathbf{I})\mathbf{u}",
            r"(\mathbf{M} + \mathbf{M}^\top)\mathbf{u} + \mu\mathbf{u}",
            "(M + M' + 2*mu*eye)*u",
        ],
    )
    assert report.correct == (1, 3)  # counted from 1


def test_programs_infer_sizes_too():
    program = symdiff.program("s = M*w; f = sum(log(vector(1) + exp(-s)))")
    assert program.derive("w", expand=True).text == "-M.T*sigmoid(-M*w)"
    latex = symdiff.program(r"\mathbf{s} = \mathbf{M}\mathbf{w} \\ f = \mathbf{1}^\top \log(\mathbf{1} + e^{-\mathbf{s}})")
    assert latex.derive("w").text == "-M.T*sigmoid(-s)"


@pytest.mark.parametrize(
    ("formula", "at", "settled"),
    [
        (r"s \operatorname{tr}(\mathbf{I})", r"\mathbf{I}", r"\mathbf{I}_n, with the dim of an array it goes with (--shape x=n)"),
        (r"s \mathbf{1}^\top \mathbf{1} + \mathbf{u}^\top \mathbf{u}", r"\mathbf{1}", r"\mathbf{1}_n, with the dim of an array it goes with (--shape u=n)"),
        ("s*sum(vector(1)) + sum(M)", "vector(1)", "ones(n), with the dim of an array it goes with (--shape M=n,d)"),
    ],
)
def test_a_size_nothing_gives_is_an_error_saying_what_settles_it(formula, at, settled):
    with pytest.raises(ShapeError) as caught:
        symdiff.derive(formula, "s")
    error = caught.value
    assert f"the size of {at} cannot be inferred" in error.message
    assert error.hint == f"write its size, {settled}, or a number"
    assert error.text[error.span[0] : error.span[1]] == at
    result = run("derive", formula, "--wrt", "s")
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_vector_takes_one_argument():
    result = run("derive", "vector(1, 2)*s", "--wrt", "s")
    assert result.exit_code == 2
    assert "vector takes 1 argument, got 2" in result.output


def test_a_value_cannot_leave_its_size_to_inference():
    result = run("backprop", "f = sum(u)", "--wrt", "u", "--at", "u=vector(1)")
    assert result.exit_code == 2
    assert "the size of this constant array is not known here" in result.output
    assert "Traceback" not in result.output
