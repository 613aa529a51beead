r"""Shapes inferred when none are declared, as users expect them: bold LaTeX names
are arrays (\mathbf{W}_1 a matrix, \mathbf{x} a vector), sums transposed or
multiplied onto an array are of vectors, a name multiplied onto a column is a
scalar; and shape errors hint in the syntax the formula was written in. Every
derivative here is also checked against central finite differences."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from corpus import DERIVATIVES
from numeric import assert_matches_finite_differences

import symdiff
from symdiff.cli import main
from symdiff.errors import ShapeError
from symdiff.parse import ast, parse, parse_latex

# formula, declared shapes, the shapes inferred for every name, the formula's shape
INFERRED = [
    # bold: upper case a matrix, lower case a vector, Latin or Greek, with or without a subscript
    (r"\mathbf{W}_1", None, {"W_1": ("n", "d")}, ("n", "d")),
    (r"\boldsymbol{\Sigma}", None, {"Sigma": ("n", "d")}, ("n", "d")),
    (r"\bm{x}", None, {"x": ("n", 1)}, ("n",)),
    (r"\boldsymbol{\mathit{lam}}", None, {"lam": ("n", 1)}, ("n",)),
    (r"\log\det\boldsymbol{\Sigma}", None, {"Sigma": ("n", "n")}, ()),
    (r"\frac{1}{2}\|\mathbf{y} - \mathbf{X}\boldsymbol{\beta}\|^2", None,
     {"X": ("n", "d"), "beta": ("d", 1), "y": ("n", 1)}, ()),
    (r"\mathbf{W}_2 \sigma(\mathbf{W}_1 \mathbf{x})", None,
     {"W_1": ("n", "d"), "W_2": ("m", "n"), "x": ("d", 1)}, ("m",)),
    (r"\mathbf{x}^\top \mathbf{A} x", None, {"A": ("n", "n"), "x": ("n", 1)}, ()),  # one bold x is enough
    # unless declared otherwise, or a component of an array with concrete dims
    (r"\mathbf{W}_1 \mathbf{x}", {"W_1": ()}, {"W_1": (), "x": ("n", 1)}, ("n",)),
    (r"\mathbf{x}_1 + \mathbf{A}_{12}", {"x": (2,), "A": (2, 2)}, {"x": (2, 1), "A": (2, 2)}, ()),
    # non-bold letters keep the naming rule: one upper-case Latin letter (with digits) is a matrix
    (r"W_1 \cdot x", None, {"W_1": (), "x": ()}, ()),
    (r"\Sigma", None, {"Sigma": ()}, ()),
    (r"A \cdot x", None, {"A": ("n", "d"), "x": ("d", 1)}, ("n",)),
    # a transposed sum, or a sum on the right of an array product, is of vectors, as a name is
    ("(x - s).T*W*(x - s)", None, {"W": ("n", "n"), "s": ("n", 1), "x": ("n", 1)}, ()),
    (r"(x - s)^\top W \cdot (x - s)", None, {"W": ("n", "n"), "s": ("n", 1), "x": ("n", 1)}, ()),
    ("W*(x + s)", None, {"W": ("n", "d"), "s": ("d", 1), "x": ("d", 1)}, ("n",)),
    ("norm(x - y)", None, {"x": ("n", 1), "y": ("n", 1)}, ()),
    # a factor on the left of an array stays a scalar, and the array's right operand is still a vector
    ("(a + b)*A", None, {"A": ("n", "d"), "a": (), "b": ()}, ("n", "d")),
    ("lam*W*x", None, {"W": ("n", "d"), "lam": (), "x": ("d", 1)}, ("n",)),
    ("-a*A*x", None, {"A": ("n", "d"), "a": (), "x": ("d", 1)}, ("n",)),
    ("exp(a)*A", None, {"A": ("n", "d"), "a": ()}, ("n", "d")),
    # a name multiplied onto a column is a scalar, never 1×1
    ("sigmoid(x*t + b)", {"x": ("n",)}, {"b": ("n", 1), "t": (), "x": ("n", 1)}, ("n",)),
    (r"\sigma(\mathbf{x} t + \mathbf{b})", None, {"b": ("n", 1), "t": (), "x": ("n", 1)}, ("n",)),
    ("x*(t + u)", {"x": ("n",)}, {"t": (), "u": (), "x": ("n", 1)}, ("n",)),
    ("A*t", {"A": ("n", 1)}, {"A": ("n", 1), "t": ()}, ("n",)),
]


@pytest.mark.parametrize(("text", "declared", "shapes", "result"), INFERRED)
def test_inferred_shapes(text, declared, shapes, result):
    parsed = symdiff.parse(text, declared)
    assert parsed.formula.variables == shapes
    assert parsed.shape == result


def test_components_of_concrete_arrays_stay_components_when_bold():
    formula = symdiff.parse(r"\mathbf{x}_1 + \mathbf{A}_{12}", {"x": (2,), "A": (2, 2)}).formula
    assert formula.typing.components == {"x_1": ("x", (0, 0)), "A_12": ("A", (0, 1))}


def test_bold_is_not_part_of_the_tree_equality():
    latex = parse_latex(r"\mathbf{W}_1 \boldsymbol{\Sigma} \bm{x} + \mathbf{I}_n y")
    assert latex == parse("W_1*Sigma*x + eye(n)*y")
    bold = {node.id: node.bold for node in latex.walk() if isinstance(node, ast.Name)}
    assert bold == {"W_1": True, "Sigma": True, "x": True, "n": False, "y": False}


# formula, wrt, declared shapes, the derivative as printed
DERIVED = [
    (r"\frac{1}{2}\|\mathbf{y} - \mathbf{X}\boldsymbol{\beta}\|^2", "beta", None, "-X.T*(y - X*beta)"),
    (r"\log\det\boldsymbol{\Sigma}", "Sigma", None, "inv(Sigma).T"),
    (r"\mathbf{W}_2 \sigma(\mathbf{W}_1 \mathbf{x})", "x", None,
     "W_2*diag(hadamard(1 - sigmoid(W_1*x), sigmoid(W_1*x)))*W_1"),
    (r"\mathbf{1}^\top \left(\mathbf{W}_2 \sigma(\mathbf{W}_1 \mathbf{x})\right)", "W_1", None,
     "hadamard(W_2.T*ones(m), hadamard(1 - sigmoid(W_1*x), sigmoid(W_1*x)))*x.T"),
    (r"(\mathbf{x} - \boldsymbol{\mu})^\top \boldsymbol{\Sigma}^{-1} (\mathbf{x} - \boldsymbol{\mu})", "mu", None,
     "-(inv(Sigma) + inv(Sigma).T)*(x - mu)"),
    ("(x - s).T*W*(x - s)", "s", None, "-(W + W.T)*(x - s)"),
    ("(x - s).T*W*(x - s)", "x", None, "(W + W.T)*(x - s)"),
    ("norm(W*(x + s))^2", "s", None, "2*W.T*W*(s + x)"),
    ("0.5*norm(lam*W*x)^2", "x", None, "lam^2*W.T*W*x"),
    ("sigmoid(x*t + b)", "t", {"x": ("n",)}, "hadamard(x, hadamard(1 - sigmoid(t*x + b), sigmoid(t*x + b)))"),
    (r"\mathbf{1}^\top \sigma(\mathbf{x} t + \mathbf{b})", "t", None,
     "x.T*hadamard(1 - sigmoid(t*x + b), sigmoid(t*x + b))"),
]


@pytest.mark.parametrize(("text", "wrt", "declared", "derivative"), DERIVED)
def test_derivatives_with_inferred_shapes_match_finite_differences(text, wrt, declared, derivative):
    assert assert_matches_finite_differences(text, wrt, declared).text == derivative


MATRIX_FORM = [case for case in DERIVATIVES if not symdiff.parse(case[0], case[2]).formula.typing.concrete]


@pytest.mark.parametrize("case", MATRIX_FORM)
def test_printed_latex_reads_back_with_the_same_kinds_of_shapes_undeclared(case):
    """symdiff prints arrays bold and scalars not bold, so its LaTeX needs no declarations to be read back."""
    expr, wrt, shapes = case

    def kinds(result: symdiff.Result) -> dict[str, str]:
        return {name: "scalar" if s == () else "vector" if s[1] == 1 else "matrix"
                for name, s in result.formula.variables.items()}

    for result in (symdiff.parse(expr, shapes), symdiff.derive(expr, wrt, shapes)):
        again = symdiff.parse_latex(result.latex)
        assert kinds(again) == {name: kind for name, kind in kinds(result).items() if name in again.formula.variables}


# formula, declared shapes, what the hint says; the plain spelling of the same error hints in plain syntax
HINTS = [
    (r"\mathbf{A}\mathbf{x}", {"A": ("n", "d"), "x": ("n",)}, r"for entrywise products use a \odot b"),
    (r"\mathbf{A}^{a}", None, r"for entrywise powers use a \odot b"),
    (r"\operatorname{dot}(\mathbf{A}, \mathbf{B})", None,
     r"for matrices use \operatorname{tr}(\mathbf{A}^\top \mathbf{B})"),
    (r"\begin{bmatrix} \mathbf{x} \\ 1 \end{bmatrix}", None, r"write \begin{bmatrix} a & b \\ c & d \end{bmatrix}"),
]
PLAIN_HINTS = [
    ("A*x", {"A": ("n", "d"), "x": ("n",)}, "for entrywise products use hadamard(a, b)"),
    ("A^a", None, "for entrywise powers use hadamard(a, b)"),
    ("dot(A, B)", None, "for matrices use trace(A.T*B)"),
    ("[x, 1]", {"x": ("n",)}, "write [[a, b], [c, d]] by rows"),
]


@pytest.mark.parametrize(("text", "declared", "hint"), HINTS + PLAIN_HINTS)
def test_shape_errors_hint_in_the_syntax_of_the_formula(text, declared, hint):
    with pytest.raises(ShapeError) as caught:
        symdiff.parse(text, declared)
    assert caught.value.hint.endswith(hint)


def test_latex_hints_through_the_command_line_and_in_programs():
    formula = CliRunner().invoke(
        main, ["derive", r"\mathbf{A}\mathbf{x}", "--wrt", "x", "--shape", "A=n,d", "--shape", "x=n"]
    )
    assert formula.exit_code == 2
    assert r"hint: the columns of the left must match the rows of the right; for entrywise products use a \odot b" in (
        formula.output
    )
    assert "hadamard" not in formula.output
    program = CliRunner().invoke(
        main, ["derive", r"b = \mathbf{A}\mathbf{x} \\ f = \mathbf{b}\mathbf{b}", "--wrt", "x"]
    )
    assert program.exit_code == 2
    assert r"cannot multiply \mathbf{b} (vector of length n) by \mathbf{b} (vector of length n)" in program.output
    assert r"use a \odot b" in program.output
