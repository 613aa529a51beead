"""The LaTeX reader: formulas read as the same tree as their plain spelling, and
whatever cannot be read one way only is refused with a caret under it."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symdiff import limits
from symdiff.errors import LimitError, ParseError, SymdiffError
from symdiff.parse import ast, parse, parse_latex
from symdiff.parse.latex import _parser, parse_latex_definition

SEED = tomllib.loads((Path(__file__).parent / "data" / "seed_latex.toml").read_text())


def where(case: dict) -> str:
    return case["where"]


@pytest.mark.parametrize("case", SEED["formula"], ids=where)
def test_seed_formula(case):
    assert parse_latex(case["latex"]) == parse(case["plain"])


@pytest.mark.parametrize("case", SEED["definition"], ids=where)
def test_seed_definition(case):
    assert parse_latex_definition(case["latex"]) == (case["name"], parse(case["plain"]))


@pytest.mark.parametrize("case", SEED["error"], ids=where)
def test_seed_error(case):
    read = parse_latex_definition if case.get("definition") else parse_latex
    with pytest.raises(ParseError) as caught:
        read(case["latex"])
    assert case["message"] in caught.value.message
    assert caught.value.span[0] == case["latex"].index(case["at"])


OTHER_NOTATION = [
    # least squares, ridge, lasso-style objectives
    (r"\frac{1}{2}\|\mathbf{y} - \mathbf{X}\boldsymbol{\beta}\|_2^2", "1/2*norm(y - X*beta)^2"),
    (r"\frac{1}{2}\|\mathbf{y} - \mathbf{X}\boldsymbol{\beta}\|^2_2", "1/2*norm(y - X*beta)^2"),
    (r"\frac{1}{2n}\left\| \mathbf{y} - \mathbf{X}\mathbf{w} \right\|^2", "1/(2*n)*norm(y - X*w)^2"),
    (r"\lambda \|\mathbf{w}\|^2", "lambda*norm(w)^2"),
    (r"\frac{\lambda}{2} \lVert \mathbf{w} \rVert^2", "lambda/2*norm(w)^2"),
    (r"\|\mathbf{X}\|_F^2", "norm(X)^2"),
    (r"\frac12 \mathbf{x}^\top \mathbf{Q} \mathbf{x} + \mathbf{c}^\top \mathbf{x}", "1/2*x.T*Q*x + c.T*x"),
    # transposes, inverses, traces, determinants
    (r"\mathbf{x}^\intercal \mathbf{A} \mathbf{x}", "x.T*A*x"),
    (r"\mathbf{x}^{\intercal} \mathbf{y}", "x.T*y"),
    (r"\mathbf{x}^T \mathbf{y}", "x.T*y"),
    (r"\mathbf{x}^{T} \mathbf{y}", "x.T*y"),
    (r"\mathbf{x}^{\top} \mathbf{y}", "x.T*y"),
    (r"\mathbf{x}^{\mathsf{T}} \mathbf{y}", "x.T*y"),
    (r"\bm{x}^{\mathrm{T}}\bm{y}", "x.T*y"),
    (r"\operatorname{tr}(\mathbf{A}^\top \mathbf{B})", "trace(A.T*B)"),
    (r"\mathrm{tr}(\mathbf{X}^{-1})", "trace(inv(X))"),
    (r"\text{tr}\left(\mathbf{A}\mathbf{B}\right)", "trace(A*B)"),
    (r"\operatorname{Tr}(\mathbf{X})", "trace(X)"),
    (r"\log\det \mathbf{X}", "log(det(X))"),
    (r"\log \det(\mathbf{X})", "log(det(X))"),
    (r"\det \mathbf{X}^{-1}", "det(inv(X))"),
    (r"(\mathbf{x} - \boldsymbol{\mu})^\top \boldsymbol{\Sigma}^{-1} (\mathbf{x} - \boldsymbol{\mu})",
     "(x - mu).T*inv(Sigma)*(x - mu)"),
    # neural networks
    (r"\sigma(\mathbf{W}\mathbf{x} + \mathbf{b})", "sigmoid(W*x + b)"),
    (r"\mathbf{W}_2 \operatorname{ReLU}(\mathbf{W}_1 \mathbf{x} + \mathbf{b}_1)", "W_2*relu(W_1*x + b_1)"),
    (r"\operatorname{relu}(z)", "relu(z)"),
    (r"\tanh(\mathbf{W}\mathbf{h})", "tanh(W*h)"),
    (r"\sigma(z)(1 - \sigma(z))", "sigmoid(z)*(1 - sigmoid(z))"),
    (r"\mathbf{1}^\top \mathbf{v}", "sum(v)"),
    (r"\mathbf{1}^T (\mathbf{A}\mathbf{x})", "sum(A*x)"),
    (r"\operatorname{softmax}(\mathbf{z})", "softmax(z)"),
    # logistic regression, exponentials, roots
    (r"\log(1 + e^{-y \mathbf{w}^\top \mathbf{x}})", "log(1 + exp(-y*w.T*x))"),
    (r"\ln\left(1 + \exp(-y\,\mathbf{w}^\top\mathbf{x})\right)", "log(1 + exp(-y*w.T*x))"),
    (r"e^{-x^2}", "exp(-x^2)"),
    (r"e^x", "exp(x)"),
    (r"\exp x", "exp(x)"),
    (r"\sqrt{x^2+1}", "sqrt(x^2 + 1)"),
    (r"\sqrt2 x", "sqrt(2)*x"),
    (r"\frac{1}{\sqrt{2\pi}} e^{-\frac{x^2}{2}}", "1/sqrt(2*pi)*exp(-(x^2/2))"),
    (r"\max(0, 1 - y\,\mathbf{w}^\top \mathbf{x})", "max(0, 1 - y*w.T*x)"),
    (r"\min\left(a, b\right)", "min(a, b)"),
    (r"\lvert x \rvert + \left| y \right|", "abs(x) + abs(y)"),
    (r"\sin x \cdot \cos x", "sin(x)*cos(x)"),
    (r"\cos(x)^2", "cos(x)^2"),
    # products, spacing, delimiters
    (r"xy", "x*y"),
    (r"2x^{10}", "2*x^10"),
    (r"a \times b \div c", "a*b/c"),
    (r"\frac{a}{b}\frac{c}{d}", "(a/b)*(c/d)"),
    (r"-\mathbf{Ax}", "-A*x"),
    (r"-a b", "(-a)*b"),
    (r"\|\mathbf{x}\|\|\mathbf{y}\|", "norm(x)*norm(y)"),
    (r"\|\|\mathbf{x}\| \mathbf{y}\|", "norm(norm(x)*y)"),
    (r"\|a\| b \|c\|", "norm(a)*b*norm(c)"),
    (r"\left\| a \|b\| c \right\|", "norm(a*norm(b)*c)"),
    (r"\left[ x + y \right] z", "(x + y)*z"),
    (r"\bigl( x + y \bigr)^2", "(x + y)^2"),
    (r"x \, y \; z \quad w \! v ~ u \ t \qquad s", "x*y*z*w*v*u*t*s"),
    (r"\Vert \mathbf{x} \Vert", "norm(x)"),
    (r"\dfrac{1}{2} + \tfrac{x}{y}", "1/2 + x/y"),
    (r"\displaystyle \frac{x}{y}", "x/y"),
    (r"$x + y$", "x + y"),
    (r"$$\frac{1}{2} x$$", "1/2*x"),
    (r"\[ x \]", "x"),
    (r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}", "[[1, 2], [3, 4]]"),
    (r"\begin{bmatrix} a & b \end{bmatrix}", "[[a, b]]"),
    (r"\begin{bmatrix} a \\ b \\ \end{bmatrix}", "[a, b]"),
    # names
    (r"\mathbf{x}_1^\top \mathbf{x}_2", "x_1.T*x_2"),
    (r"\mathbf{x_1}", "x_1"),
    (r"A_{ij}", "A_ij"),
    (r"\beta_0 + \beta_1 x", "beta_0 + beta_1*x"),
    (r"\pi r^2", "pi*r^2"),
    (r"\ell + \theta", "ell + theta"),
    (r"x^{-2}", "x^(-2)"),
]


@pytest.mark.parametrize(("latex", "plain"), OTHER_NOTATION)
def test_other_notation(latex, plain):
    assert parse_latex(latex) == parse(plain)


def test_e_is_exp_unless_declared():
    assert parse_latex("e^{z}") == ast.Call("exp", (ast.Name("z"),))
    assert parse_latex("e^{z}", declared={"e"}) == ast.Binary("^", ast.Name("e"), ast.Name("z"))
    assert parse_latex("e_1^{z}") == parse("e_1^z")


NEVER_GUESS = [
    # (latex, the construct the caret must start at, part of the message)
    (r"\foo + x", r"\foo", r"unknown LaTeX command \foo"),
    (r"x + \input{secrets}", r"\input", r"unknown LaTeX command \input"),
    (r"\def\x{1} x", r"\def", r"\def is not read"),
    (r"\write18{rm -rf /}", r"\write", r"unknown LaTeX command \write"),
    (r"\catcode`\^=11", r"\catcode", r"\catcode is not read"),
    (r"\cdots", r"\cdots", r"unknown LaTeX command \cdots"),
    (r"\check{y} - y", r"\check", r"unknown LaTeX command \check"),
    (r"\prod_{j \neq k} x_j", r"\prod", "a product cannot skip a value"),
    (r"\quadx", r"\quadx", r"unknown LaTeX command \quadx"),
    (r"\nabla f", r"\nabla", r"\nabla asks for a derivative"),
    (r"x \top", r"\top", r"\top cannot stand here"),
    (r"\frac{1}{2", "{2", "unbalanced brace"),
    (r"\frac{1}{2}} x", "} x", "unbalanced brace"),
    (r"f(x)", "f", "f(...) applies an unknown function f"),
    (r"\lambda (x + y)", r"\lambda", r"\lambda(...) applies an unknown function \lambda"),
    (r"-x(1 - x)", "x(", "x(...) applies an unknown function x"),
    (r"\log x y", "y", r"ambiguous: is y part of \log x?"),
    (r"\mathbf{1}^\top \mathbf{x} \mathbf{y}", r"\mathbf{y}", r"ambiguous: is \mathbf{y} part of"),
    (r"\mathbf{1}^\top \mathbf{Ax}", "x}", "ambiguous"),
    (r"a / b c", "c", "ambiguous: is c in the denominator?"),
    (r"a / \mathbf{bc}", "c}", "in the denominator"),
    (r"x_12", "2", "number 2 written after a factor"),
    (r"x^23", "3", "number 3 written after a factor"),
    (r"\mathbf{0}^\top x", r"\mathbf{0}", r"\mathbf{0} is not read here"),
    (r"W^{(l-1)} x", "{(l-1)}", "a superscript in parentheses is a label"),
    (r"\|x\|_3", "3", "the norm with index 3 is not read"),
    (r"(a+b)_1", "1", "a subscript here is not read"),
    (r"x^{\mathsf{H}}", "H", "superscript H is not read"),
    (r"\sigma^2(x)", r"\sigma^2", r"the variable \sigma, scripted, times (...), or the sigmoid?"),
    (r"|\mathbf{x}|", r"|\mathbf{x}|", "|v| of a vector"),
    (r"f'(x)", "f'", "is a derivative"),
    (r"x^2^3", "^3", "unexpected '^'"),
    (r"\left( x \right]", "]", "unexpected ']'"),
    (r"\begin{cases} x \end{cases}", "cases", "environment cases is not read"),
    (r"\begin{bmatrix} x \end{pmatrix}", "pmatrix", r"ended by \end{pmatrix}"),
    (r"\begin{bmatrix} a & b \\ c \end{bmatrix}", r"\begin", "rows of the matrix differ"),
    (r"\operatorname{foo}(x)", "foo", "unknown function 'foo'"),
    (r"[a, b]", ",", "unexpected ','"),
    (r"a \\ b", "\\", r"unexpected '\\'"),
    (r"1e5", "5", "number 5 written after a factor"),
    (r"x = 2", "=", "a definition 'name = ...' is not a formula"),
]


@pytest.mark.parametrize(("latex", "at", "message"), NEVER_GUESS)
def test_never_guess(latex, at, message):
    with pytest.raises(ParseError) as caught:
        parse_latex(latex)
    error = caught.value
    assert message in error.message
    assert error.span[0] == latex.index(at)
    assert error.hint
    assert error.text == latex
    assert "^" in error.render().splitlines()[2]


def test_function_arity():
    with pytest.raises(ParseError, match="max takes 2 arguments, got 1") as caught:
        parse_latex(r"x + \max(x)")
    assert caught.value.span[0] == 4


def test_definition_in_dollars():
    assert parse_latex_definition(r"$\mathbf{b} = \mathbf{A}\mathbf{x}$") == ("b", parse("A*x"))


def test_definition_needs_a_name_on_the_left():
    with pytest.raises(ParseError, match="left side of a definition must be a name"):
        parse_latex_definition(r"\mathbf{Ax} = \mathbf{b}")
    with pytest.raises(ParseError, match="needs '='"):
        parse_latex_definition(r"\mathbf{Ax}")


def test_limits():
    with pytest.raises(LimitError):
        parse_latex("x" * (limits.MAX_INPUT_CHARS + 1))
    with pytest.raises(LimitError):
        parse_latex("(" * 200 + "x" + ")" * 200)
    with pytest.raises(LimitError):
        parse_latex("x " * (limits.MAX_DEPTH + 10))
    with pytest.raises(ParseError, match="empty"):
        parse_latex("  ")


def test_grammar_has_no_conflicts(caplog):
    """Lark would settle an LALR conflict silently (by shifting): that would be a guess."""
    caplog.set_level(logging.DEBUG, logger="lark")
    _parser.__wrapped__()
    assert "conflict" not in caplog.text.lower()


PIECES = [
    r"\frac", r"\mathbf", "{", "}", "(", ")", "[", "]", r"\|", r"\left", r"\right", "^", "_", r"\top", "T", "x",
    "A", "e", "1", "2", "-", "+", r"\cdot", r"\log", r"\sigma", r"\max", ",", "=", "$", r"\begin{bmatrix}",
    r"\end{bmatrix}", r"\\", "&", r"\mathbf{1}", r"\operatorname{tr}", r"\lVert", r"\rVert", " ", r"\lambda",
    "/", r"\sqrt", "|", "0.5", r"\foo", "(1)", r"\odot", r"\mathit{lam}", "_{1,2}", r"\mathbf{I}", r"\mathbf{0}",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
def test_random_latex_reads_or_fails_cleanly(text):
    try:
        tree = parse_latex(text)
    except SymdiffError as exc:
        assert exc.message
        assert exc.span is not None or not text.strip()
        return
    assert all(isinstance(node, ast.Node) for node in tree.walk())
