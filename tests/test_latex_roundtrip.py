"""LaTeX that symdiff writes, symdiff reads: every formula and derivative of the
test corpus, printed with ``to_latex`` and read back with the same shapes, is the
same function (checked at random points) and prints the same again."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from corpus import DERIVATIVES
from numeric import random_values

import symdiff
from symdiff.errors import ParseError


def case_id(case: tuple) -> str:
    expr, wrt, shapes = case
    return f"{expr} by {wrt}" + (f" {shapes}" if shapes else "")


def reads_back(result: symdiff.Result) -> None:
    again = symdiff.parse_latex(result.latex, dict(result.formula.variables))
    assert again.latex == result.latex
    if not isinstance(result.sympy, tuple | sympy.Tuple):
        assert again.shape == result.shape
    rng = np.random.default_rng(7)
    for _ in range(3):
        values = random_values(result.formula, rng)
        needed = {name: values[name] for name in again.formula.variables}
        expected = np.asarray(result.evaluate(**values), dtype=float)
        np.testing.assert_allclose(np.asarray(again.evaluate(**needed), dtype=float), expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("case", DERIVATIVES, ids=case_id)
def test_printed_formula_and_derivative_read_back(case):
    expr, wrt, shapes = case
    reads_back(symdiff.parse(expr, shapes))
    reads_back(symdiff.derive(expr, wrt, shapes))


@pytest.mark.parametrize(("expr", "wrt", "shapes", "latex"), [
    # names of several characters, and names with digits that are not components
    ("lam*norm(x)^2", "x", None, r"2 \mathit{lam} \mathbf{x}"),
    ("W2*x1 + b_1", "x1", {"W2": (), "x1": (), "b_1": ()}, r"\mathit{W2}"),
    ("sum(W1*x)", "W1", None, r"\mathbf{1}_{n} \mathbf{x}^\top"),
    ("beta_0 + beta_1*x", "x", None, r"\beta_{1}"),
    # a variable named e: exp is \exp, and a power of e is not exp
    ("exp(e*x) + e^2", "x", None, r"e \exp\left(e x\right)"),
    ("e^2", "e", None, r"2 e"),
    # a matrix named I: the identity is eye(n)
    ("I*x + x", "x", None, r"\operatorname{eye}\left(n\right) + \mathbf{I}"),
    ("A*x + x", "x", None, r"\mathbf{I}_{n} + \mathbf{A}"),
    # entrywise products, powers of matrices entrywise
    ("sum(hadamard(A*x, b))", "b", None, r"\mathbf{A} \mathbf{x}"),
    ("hadamard(a, b*c)", "c", {"a": ("n",), "b": ("n",), "c": ()}, r"\mathbf{a} \odot \mathbf{b}"),
    ("sum(hadamard(X, X))", "X", None, r"2 \mathbf{X}"),
    # a name before a parenthesis: \cdot, not a function application
    ("r*sigmoid(a*r)", "a", None, r"r^{2} \left(1 - \sigma\left(a r\right)\right) \sigma\left(a r\right)"),
    ("0.5*norm(A*x)**2", "A11", {"A": (2, 2), "x": (2,)}, r"x_{1} \cdot \left(A_{11} x_{1} + A_{12} x_{2}\right)"),
    # functions with powers, and sums of entries inside products
    ("tanh(x)^2 + log(x)^2", "x", None,
     r"\left(2 - 2 \tanh\left(x\right)^{2}\right) \tanh\left(x\right) + \frac{2 \log\left(x\right)}{x}"),
    ("sum(x)^2", "x", None, r"2 \left(\mathbf{1}^\top \mathbf{x}\right) \mathbf{1}_{n}"),
])
def test_latex_of_names_and_operators(expr, wrt, shapes, latex):
    result = symdiff.derive(expr, wrt, shapes)
    assert result.latex == latex
    reads_back(result)


def test_components_beyond_nine_rows():
    shapes = {"x": (12,)}
    result = symdiff.derive("x.T*x", "x_12", shapes)
    assert result.latex == r"2 x_{12}"
    reads_back(result)
    assert symdiff.parse_latex(r"x_{12}^2", shapes).text == "x_12^2"
    assert symdiff.parse_latex(r"A_{10,2} + A_{1,2}", {"A": (10, 2)}).text == "A_10_2 + A_1_2"


def test_a_name_reads_back_without_declarations():
    """A printed result means the same when pasted with no shapes declared."""
    for latex, text in [
        (r"\mathit{lam} \mathbf{x}^\top \mathbf{x}", "lam*x.T*x"),  # a bold x is a vector, as x.T makes it
        (r"\boldsymbol{\mathit{W2}}^\top \mathbf{y}", "W2.T*y"),
        (r"\mathit{a\_b} + \mathit{x1}_{2}", "a_b + x1_2"),
        (r"\mathbf{I}_{3} + \mathbf{1}_{3} \mathbf{1}_{3}^\top", "eye(3) + ones(3)*ones(3).T"),
        (r"\mathbf{0}_{n}^\top \mathbf{x}", "(0*ones(n)).T*x"),
    ]:
        assert symdiff.parse_latex(latex).sympy == symdiff.parse(text).sympy


NEVER_GUESS = [
    # (latex, where the caret starts, part of the message, part of the hint)
    (r"\mathbf{a} \mathbf{b} \odot \mathbf{c}", r"\odot", r"ambiguous: \odot beside another product", r"\left("),
    (r"\mathbf{a} \odot \mathbf{b} \mathbf{c}", r"\odot", r"ambiguous: \odot", "parentheses"),
    (r"\mathbf{a} \odot \mathbf{bc}", r"\odot", r"ambiguous: \odot", "parentheses"),
    (r"\mathbf{2}_n", r"\mathbf", r"\mathbf{2} is not read here", r"\mathbf{1}_n"),
    (r"\mathbf{I}_{n,m}", "{n,m}", "one dimension", r"\mathbf{I}_n"),
    (r"\mathit{2x}", "2", r"unexpected '2' in \mathit", "one name"),
    (r"\operatorname{nrom}(\mathbf{x})", "nrom", "unknown function 'nrom'", r"norm, written \|v\|"),
    (r"\operatorname{hadamard}(\mathbf{a})", r"\operatorname", "hadamard takes 2 arguments", r"a \odot b"),
    (r"\operatorname{foo}(x)", "foo", "unknown function 'foo'", r"\operatorname{relu}"),
    (r"\max(x)", r"\max", "max takes 2 arguments, got 1", r"\max(a, b)"),
    (r"\mathrm{softmax}(x, y)", r"\mathrm", "softmax takes 1 argument", r"\operatorname{softmax}(x)"),
    (r"\operatorname{transpose}(A, B)", r"\operatorname", "transpose takes 1 argument", r"X^\top"),
]


@pytest.mark.parametrize(("latex", "at", "message", "hint"), NEVER_GUESS)
def test_never_guess_new_constructs(latex, at, message, hint):
    with pytest.raises(ParseError) as caught:
        symdiff.parse_latex(latex)
    error = caught.value
    assert message in error.message
    assert error.span[0] == latex.index(at)
    assert hint in error.hint
    assert "write A.T" not in error.hint and "*(" not in error.hint


def test_identity_is_a_variable_when_i_is_declared():
    assert symdiff.parse_latex(r"\mathbf{I}_{n} + \mathbf{A}").sympy == symdiff.parse("eye(n) + A").sympy
    assert symdiff.parse_latex(r"\mathbf{I}_{2} \mathbf{x}", {"I_2": ("n", "n"), "I": ("n", "n")}).text == "I_2*x"
    assert symdiff.parse_latex(r"\mathbf{I_{2}} \mathbf{x}").text == "I_2*x"


def test_empty_latex_gets_a_latex_hint():
    with pytest.raises(ParseError) as caught:
        symdiff.parse_latex("  ")
    assert r"\frac{1}{2}" in caught.value.hint
