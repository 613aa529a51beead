r"""Notation as course notes and matrixcalculus.org write it: each spelling, the plain reading it states, and
derivatives of formulas in it against finite differences. The formulas are the project's own (issue 14)."""

import pytest
from click.testing import CliRunner

import symdiff
from symdiff.cli import main
from symdiff.errors import ParseError, ShapeError, SymdiffError
from symdiff.parse import parse, parse_latex
from tests.numeric import assert_matches_finite_differences


def run(*args):
    return CliRunner().invoke(main, list(args))


READINGS = [
    # decorated and labelled names: names of their own, never products or powers
    (r"\frac{1}{2}\|\hat{\mathbf{y}} - \mathbf{t}\|^2", "1/2*norm(yhat - t)^2"),
    (r"\mathbf{\hat{q}}^\top \mathbf{r}", "qhat.T*r"),
    (r"\tilde{s}^2 + \bar{z} \hat\beta", "stilde^2 + zbar*betahat"),
    (r"\vec{u}^\top \vec{v}", "u.T*v"),
    (r"\mathbf{V}^{(2)} \mathbf{h}^{[1]}", "V__2*h__1"),
    (r"z^{(k)} + z_j^{(k)}", "z__k + z_j__k"),
    (r"\mathbf{V}\mathbf{s}_{k-1} + \mathbf{u}_{j+2}", "V*s_km1 + u_jp2"),
    (r"\hat{q}_{i-1} q_{i}", "qhat_im1*q_i"),
    # bars: det of a matrix, abs of a scalar; double bars are norms
    (r"\log|\mathbf{S}|", "log(det(S))"),
    (r"\ln \left| \mathbf{S} \right|", "log(det(S))"),
    (r"|t - 3|", "abs(t - 3)"),
    (r"||\mathbf{B}\mathbf{u}||^2", "norm(B*u)^2"),
    (r"\Vert \mathbf{u} \Vert_2", "norm(u)"),
    # norm subscripts
    (r"\|\mathbf{M}\|_F^2", "norm(M)^2"),
    (r"\|\mathbf{M}\|_\mathrm{F}^2", "norm(M)^2"),
    (r"\|\mathbf{M}\|_{\text{F}}^2", "norm(M)^2"),
    (r"\|\mathbf{M}\|_\textrm{F}", "norm(M)"),
    (r"\|\mathbf{u} - \mathbf{v}\|_1", "sum(abs(u - v))"),
    # transposes and inverse transposes
    (r"\mathbf{u}^\mathsf{T}\mathbf{M}\mathbf{u}", "u.T*M*u"),
    (r"\mathbf{u}^{\mathsf T}\mathbf{M}\mathbf{u}", "u.T*M*u"),
    (r"\mathbf{u}^\intercal\mathbf{M}\mathbf{u}", "u.T*M*u"),
    (r"\mathbf{u}^\prime\mathbf{M}\mathbf{u}", "u.T*M*u"),
    (r"\mathbf{u}'\mathbf{M}\mathbf{u}", "u.T*M*u"),
    (r"\mathbf{M}^{-\top}\mathbf{u}", "inv(M).T*u"),
    (r"\mathbf{M}^{-T}\mathbf{u}", "inv(M).T*u"),
    (r"\mathbf{M}^{-\mathsf{T}}\mathbf{u}", "inv(M).T*u"),
    # powers and roots; a power on a function is a power of its value
    (r"t^\frac12", "t^(1/2)"),
    (r"t^{1/2}", "t^(1/2)"),
    (r"t^{0.5}", "t^0.5"),
    (r"\tanh^2(s)", "tanh(s)^2"),
    (r"\cos^2 s", "cos(s)^2"),
    (r"\log^2(s + 1)", "log(s + 1)^2"),
    (r"\frac{(t - \mu)^2}{2\sigma^2}", "(t - mu)^2/(2*sigma^2)"),
    # traces and functions by any common spelling
    (r"\tr(\mathbf{P}\mathbf{Q})", "trace(P*Q)"),
    (r"\Tr[\mathbf{P}\mathbf{Q}]", "trace(P*Q)"),
    (r"\operatorname{Tr}\left[\mathbf{P}\mathbf{Q}\right]", "trace(P*Q)"),
    (r"\mathrm{tr}(\mathbf{P}\mathbf{Q})", "trace(P*Q)"),
    (r"\text{Tr}(\mathbf{P}\mathbf{Q})", "trace(P*Q)"),
    (r"\mathrm{ReLU}(\mathbf{W}\mathbf{u})", "relu(W*u)"),
    (r"\ReLU(\mathbf{W}\mathbf{u})", "relu(W*u)"),
    (r"\operatorname{diag}(\mathbf{u})", "diag(u)"),
    (r"\ln\det\mathbf{S}", "log(det(S))"),
    (r"\log\det(\mathbf{S})", "log(det(S))"),
    (r"\exp t", "exp(t)"),
    (r"\operatorname{exp}(\mathbf{M}) + \operatorname{sin}(\mathbf{M})", "exp(M) + sin(M)"),
    # function names typed without a backslash
    (r"ln(t^2 + 1)", "log(t^2 + 1)"),
    (r"cos(t)^2 + sin(t^2)", "cos(t)^2 + sin(t^2)"),
    (r"max(0, \mathbf{u}^\top\mathbf{v})", "max(0, u.T*v)"),
    (r"2 sum(\mathbf{u})", "2*sum(u)"),
    (r"tr(\mathbf{P})", "trace(P)"),
    # bold without braces
    (r"\mathbf M \mathbf u", "M*u"),
    (r"{\bf M} \bm u", "M*u"),
    (r"\boldsymbol\theta^\top \mathbf{u}", "theta.T*u"),
    # entrywise operators; \cdot of two vectors is their dot product
    (r"\mathbf{u} \circ \mathbf{v}", "hadamard(u, v)"),
    (r"\mathbf{u} \odot \mathbf{v}", "hadamard(u, v)"),
    (r"\mathbf{u} \oslash \mathbf{v}", "u/v"),
    (r"\mathbf{u} \cdot \mathbf{v} + c", "dot(u, v) + c"),
    (r"3 \mathbf{u} \cdot \mathbf{v}", "3*dot(u, v)"),
    (r"a \cdot b", "a*b"),
    # a capital letter, then a space, then parentheses: a product
    (r"(\mathbf{u} - \mathbf{v})^\top M (\mathbf{u} - \mathbf{v})", "(u - v).T*M*(u - v)"),
    # the ones vector on both sides of a matrix sums it
    (r"\mathbf{1}^\top \mathbf{M} \mathbf{1}", "sum(M)"),
    (r"\mathbf{1}^\top (\mathbf{P} \circ \mathbf{Q}) \mathbf{1}", "sum(hadamard(P, Q))"),
    # document macros
    (r"\newcommand{\w}{\mathbf{w}} \w^\top\w", "w.T*w"),
    (r"\newcommand{\ip}[2]{#1^\top #2}\renewcommand\v{\mathbf{v}} \ip{\v}{\mathbf{M}\v}", "v.T*M*v"),
    (r"\DeclareMathOperator{\Trace}{Tr} \Trace(\mathbf{P})", "trace(P)"),
]


@pytest.mark.parametrize(("latex", "plain"), READINGS)
def test_course_notation_reads_as_its_plain_spelling(latex, plain):
    assert parse_latex(latex) == parse(plain)


def test_a_step_from_a_label_prints_back_as_written():
    latex = r"\frac{1}{2}\|\mathbf{V}\mathbf{s}_{k-1} - \hat{\mathbf{u}}_{k+1}\|^2"
    result = assert_matches_finite_differences(latex, "s_km1")
    assert result.text == "V.T*(V*s_km1 - uhat_kp1)"
    assert result.latex == r"\mathbf{V}^\top \left(\mathbf{V} \mathbf{s}_{k-1} - \hat{\mathbf{u}}_{k+1}\right)"
    assert symdiff.parse(result.latex, syntax="latex").sympy == result.sympy


def test_macros_given_to_the_reader():
    macros = {r"\x": r"\mathbf{x}", r"\quadform": r"#1^\top #2 #1"}
    assert parse_latex(r"\quadform{\x}{\mathbf{Q}}", macros=macros) == parse("x.T*Q*x")


@pytest.mark.parametrize(
    ("latex", "wrt"),
    [
        (r"\frac{1}{2}\|\hat{\mathbf{y}} - \mathbf{t}\|^2", "yhat"),
        (r"\frac{1}{2}\|\mathbf{V}^{(2)}\mathbf{h}^{[1]} - \mathbf{t}\|^2", "V__2"),
        (r"\frac{1}{2}\|\mathbf{V}^{(2)}\mathbf{h}^{[1]} - \mathbf{t}\|^2", "h__1"),
        (r"\log|\mathbf{S}| + \mathbf{u}^\top\mathbf{S}^{-\top}\mathbf{u}", "S"),
        (r"\|\mathbf{M}\mathbf{u} - \mathbf{v}\|_1", "u"),
        (r"\|\mathbf{M}\|_\mathrm{F}^2", "M"),
        (r"\tanh^2(s) + \sin^2 s", "s"),
        (r"\operatorname{Tr}\left[\mathbf{P}^\mathsf{T}\mathbf{Q}\mathbf{P}\right]", "P"),
        (r"\mathbf{u} \cdot \mathbf{v} + c", "v"),
        (r"\mathbf{1}^\top \left((\mathbf{u} \circ \mathbf{v}) \oslash \mathbf{w}\right)", "w"),
        (r"\newcommand{\w}{\mathbf{w}} \frac{1}{2}\|\mathbf{M}\w\|^2 + \frac{(t - \mu)^2}{2\sigma^2}", "w"),
        (r"\frac{(t - \mu)^2}{2\sigma^2}", "sigma"),
    ],
)
def test_derivatives_of_course_notation_match_finite_differences(latex, wrt):
    assert_matches_finite_differences(latex, wrt, positive=True)


@pytest.mark.parametrize(
    ("latex", "plain"),
    [
        (r"\frac{1}{2}\|\hat{\mathbf{y}} - \mathbf{t}\|^2", "yhat - t"),
        (r"\frac{1}{2}\|\mathbf{V}^{(2)}\mathbf{h}^{[1]} - \mathbf{t}\|^2", "(V__2*h__1 - t)*h__1.T"),
    ],
)
def test_decorated_and_labelled_names_print_back_as_written(latex, plain):
    wrt = "yhat" if "hat" in latex else "V__2"
    result = symdiff.derive(latex, wrt)
    assert result.text == plain
    assert (r"\hat{\mathbf{y}}" if wrt == "yhat" else r"{\mathbf{h}^{(1)}}^\top") in result.latex
    assert symdiff.parse(result.latex, syntax="latex").sympy == result.sympy


REFUSED = [
    (r"\prod_{j \neq y_i} s_j", r"\prod", "a product cannot skip a value", "skip a value in a sum"),
    (r"\mathbf{a} \otimes \mathbf{b}", r"\otimes", "the Kronecker product", r"\odot"),
    (r"\mathbf{a} \oplus \mathbf{b}", r"\oplus", "the direct sum", "+"),
    (r"\mathbf{M}^{+} \mathbf{u}", "{+}", "the pseudo-inverse", r"\mathbf{A}^\top \mathbf{A}"),
    (r"\mathbf{M}^\dagger \mathbf{u}", r"\dagger", "the pseudo-inverse", r"\mathbf{A}^\top \mathbf{A}"),
    (r"\sigma'(z)", r"\sigma", "is a derivative", "ask for its derivative"),
    (r"\tanh^\prime(z)", r"\tanh", "is a derivative", "ask for its derivative"),
    (r"g'(z)", "g'", "is a derivative", "ask for its derivative"),
    (r"\sigma^2(z)", r"\sigma^2", r"the variable \sigma, scripted", r"\sigma(z)^2"),
    (r"\exp(\mathbf{M})", r"\exp(\mathbf{M})", "the matrix function or entry by entry?", r"\operatorname{exp}"),
    (r"e^{\mathbf{M}}", r"e^{\mathbf{M}}", "the matrix function or entry by entry?", r"\operatorname{exp}"),
    (r"|\mathbf{u}|", r"|\mathbf{u}|", "|v| of a vector", r"\|\mathbf{v}\|"),
    (r"\|\mathbf{M}\|_2", "2", "spectral norm", r"\|\mathbf{X}\|_F"),
    (r"\|\mathbf{u}\|_\infty", r"\infty", "unknown LaTeX command", ""),
    (r"\|\mathbf{u}\|_3", "3", "the norm with index 3 is not read", r"\|v\|_1"),
    (r"cos t", "cos", "cos without a backslash", r"\cos(x)"),
    (r"\mathbf{a} \times \mathbf{b}", r"\mathbf{a} \times \mathbf{b}", "a cross product", r"\mathbf{a}^\top"),
    (r"\def\w{w} \w", r"\def", r"\def is not read", r"\newcommand"),
    (r"\csname w\endcsname", r"\csname", r"\csname is not read", r"\newcommand"),
    (r"t + \newcommand{\w}{w}", r"\newcommand", "at the start of the formula", r"\newcommand"),
    (r"\newcommand{\w}{#2} \w", r"\newcommand{\w}{#2}", r"uses #2 but \w takes 0", "[2]"),
    (r"\sqtr{t}", r"\sqtr", r"unknown LaTeX command \sqtr", r"did you mean \sqrt?"),
    (r"W^{(l+1)}", "{(l+1)}", "a label here is one number or one letter", "W^{(1)}"),
    (r"\mathbf{s}_{k-j}", "k-j", "a step -j in a subscript", "h_{t-1}"),
    (r"s_{3-1}", "3-1", "read only as a step from a label", "x_{1}"),
    (r"\mathbf{M}_{1,2-1}", "-", "a subscript with '-' here is not read", "h_{t-1}"),
    (r"\mathbf{2}^\top \mathbf{u}", r"\mathbf{2}", r"\mathbf{2} is not read here", r"\mathbf{1}^\top v"),
]


@pytest.mark.parametrize(("latex", "at", "message", "hint"), REFUSED)
def test_refusals_name_the_construct_and_say_what_to_write(latex, at, message, hint):
    with pytest.raises(ParseError) as caught:
        parse_latex(latex)
    error = caught.value
    assert message in error.message
    assert hint in (error.hint or "")
    assert error.text[error.span[0] : error.span[1]].startswith(at)


def test_refusal_on_the_command_line_has_a_caret_and_exit_status_2():
    latex = r"\frac{1}{2}\|\mathbf{x}\|^2 + \prod_{j \neq k} x_j"
    result = run("derive", latex, "--wrt", "x")
    assert result.exit_code == 2
    assert result.output.splitlines()[:3] == [
        "symdiff: error: a product cannot skip a value",
        "  " + latex,
        "  " + " " * latex.index(r"\prod") + "^" * len(r"\prod_{j \neq k} x_j"),
    ]
    assert "Traceback" not in result.output


def test_a_self_expanding_macro_is_bounded():
    with pytest.raises(SymdiffError, match="macros expanded more than"):
        parse_latex(r"\newcommand{\w}{\w\w} \w")


# --- never misread ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("latex", "scalar", "wrt"),
    [
        (r"\frac{1}{2}\|\mathbf{M}\mathbf{u} + b\|^2", "b", "b"),
        (r"\frac{G}{3}\mathbf{u}^\top \mathbf{M}^{-1}\mathbf{u}", "G", "u"),
        (r"\mathbf{1}^\top(\mathbf{u} + z)", "z", "z"),
        (r"\mathbf{u} \cdot \mathbf{v} + c", "c", "u"),
    ],
)
def test_in_bold_formulas_a_plain_name_is_a_scalar(latex, scalar, wrt):
    result = assert_matches_finite_differences(latex, wrt, positive=True)
    assert result.formula.variables[scalar] == ()


def test_a_name_plain_where_arrays_are_bold_and_used_as_an_array_is_asked_about():
    latex = r"\|M q - \mathbf{y}\|^2"
    with pytest.raises(ShapeError) as caught:
        symdiff.derive(latex, "q")
    error = caught.value
    assert "two readings: q" in error.message
    assert "--shape q=scalar" in error.hint
    assert error.text[error.span[0] : error.span[1]] == "q"
    declared = symdiff.derive(latex, "q", {"q": ("d",)})
    assert declared.text == "2*M.T*(M*q - y)"


def test_a_name_written_as_a_matrix_is_never_made_a_column():
    latex = r"\tanh(\mathbf{X}\mathbf{W} + \mathbf{b})"
    with pytest.raises(ShapeError) as caught:
        symdiff.parse(latex)
    assert "W is written as a matrix (bold, capital), but the formula makes it a column" in caught.value.message
    assert caught.value.text[slice(*caught.value.span)] == r"\mathbf{W}"
    assert symdiff.parse(latex, {"W": ("d",)}).text == "tanh(X*W + b)"


def test_the_cross_product_and_the_spectral_norm_are_never_guessed():
    for latex in (r"\mathbf{a} \times \mathbf{b}", r"\|\mathbf{M}\|_2"):
        result = run("derive", latex, "--wrt", "a" if "times" in latex else "M")
        assert result.exit_code == 2


# --- matrixcalculus.org's plain syntax -------------------------------------------

MATRIXCALCULUS = [
    # the input examples its documentation lists, and what each is in symdiff's own spelling
    ("0.5*x'*A*x", "0.5*x.T*A*x", "x"),
    ("A*exp(x)", "A*exp(x)", "x"),
    ("(y.*v)'*x", "hadamard(y, v).T*x", "v"),
    ("a^b", "a^b", "a"),
    ("norm1(A*x-y)", "sum(abs(A*x - y))", "x"),
    ("norm2(A*x-y)^2", "norm(A*x - y)^2", "x"),
    ("tr(A*X'*B*X*C)", "trace(A*X.T*B*X*C)", "X"),
    ("log(det(inv(X)))", "log(det(inv(X)))", "X"),
    # the rest of its syntax
    ("logdet(X)", "logdet(X)", "X"),
    ("sum(x.^3)", "sum(hadamard(hadamard(x, x), x))", "x"),
    ("sum(X.^2)", "sum(hadamard(X, X))", "X"),
    ("sum(x.^0.5)", "sum(x^0.5)", "x"),
    ("sum(x./y)", "sum(x/y)", "y"),
    ("sin(x)'*cos(y) + tanh(a)*sum(abs(x)) + sign(a)", "sin(x).T*cos(y) + tanh(a)*sum(abs(x)) + sign(a)", "x"),
]


@pytest.mark.parametrize(("typed", "spelled", "wrt"), MATRIXCALCULUS)
def test_matrixcalculus_org_syntax_reads_as_symdiffs_own(typed, spelled, wrt):
    assert parse(typed) == parse(spelled)
    assert_matches_finite_differences(typed, wrt, positive=True)


def test_the_documented_logistic_example_in_symdiffs_spelling():
    assert_matches_finite_differences("sum(log(exp(-y.*(X*w)) + 1))", "w")


def test_latex_without_backslashes_on_the_command_line():
    result = run("derive", "ln(t^2 + 1)", "--wrt", "t", "--input", "latex")
    assert (result.exit_code, result.output) == (0, "2*t/(t^2 + 1)\n")


def test_macros_on_the_command_line():
    result = run(
        "derive", r"\frac{1}{2}\|\A\x\|^2", "--wrt", "x", "--macro", r"\x=\mathbf{x}", "--macro", r"\A=\mathbf{A}"
    )
    assert (result.exit_code, result.output) == (0, "A.T*A*x\n")
    with_arguments = run(
        "derive", r"\ip{\x}{\x}", "--wrt", "x", "--macro", r"\x=\mathbf{x}", "--macro", r"\ip=#1^\top #2"
    )
    assert (with_arguments.exit_code, with_arguments.output) == (0, "2*x\n")
    bad = run("derive", r"\x", "--wrt", "x", "--macro", r"x=\mathbf{x}")
    assert bad.exit_code == 2
    assert r"a macro is \NAME=BODY" in bad.output
