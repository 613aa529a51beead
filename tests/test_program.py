"""Programs: reading definitions, shapes through them, the chain rule in terms of intermediates."""

import numpy as np
import pytest
import sympy as sp
from click.testing import CliRunner
from numeric import numeric_derivative, random_values

import symdiff
from symdiff.cli import main

Q1 = "b = A*x; f = 0.5*norm(b)**2"
SQUARE = {"A": (2, 2), "x": (2,)}
Q2 = "r1 = max(c*x1 + e*x2, 0); r2 = max(d*x1 + f*x2, 0); s1 = 1/(1+exp(-a*r1)); s2 = 1/(1+exp(-b*r2)); y = s1 + s2"


def check_numerically(program, wrt, points=3, seed=0):
    """Every partial (graph form) equals central differences of the expanded output, at random inputs."""
    result = program.derive(wrt)
    function = symdiff.api.Result(program.expanded, (), program.expanded.expr).lambdify()
    rng = np.random.default_rng(seed)
    names = [name.strip() for name in wrt.split(",")]
    for _ in range(points):
        values = random_values(program.expanded, rng)
        actual = result.evaluate(**values)
        actual = actual if isinstance(actual, tuple) else (actual,)
        for name, value in zip(names, actual):
            expected = numeric_derivative(function, values, program.expanded, name)
            np.testing.assert_allclose(np.asarray(value, dtype=float), expected.reshape(np.shape(value)), rtol=1e-5, atol=1e-6)
    return result


@pytest.mark.parametrize("of, wrt, text", [
    ("f", "b", "[b1, b2]"),
    ("b1", "A11, A12", "(x1, x2)"),
    ("b1", "A21, A22", "(0, 0)"),
    ("b1", "x1, x2", "(A11, A12)"),
    ("f", "A11, A12", "(x1*b1, x2*b1)"),
    ("f", "A21, A22", "(x1*b2, x2*b2)"),
    ("f", "x1, x2", "(A11*b1 + A21*b2, A12*b1 + A22*b2)"),
])
def test_seed_q1_a_to_c_in_terms_of_b(of, wrt, text):
    program = symdiff.program(Q1, SQUARE, of=of)
    assert program.derive(wrt).text == text
    if wrt != "b":
        check_numerically(program, wrt)


def test_seed_q1_d_matrix_form_and_expand():
    program = symdiff.program(Q1)
    assert program.derive("A").text == "b*x.T"
    assert program.derive("x").text == "A.T*b"
    assert program.derive("A", expand=True).text == "A*x*x.T"
    assert program.derive("x", expand=True).text == "A.T*A*x"
    assert program.derive("x", in_terms_of=["A", "x"]).text == "A.T*A*x"
    check_numerically(program, "A")
    check_numerically(program, "x")


def test_contract_attributes():
    program = symdiff.program(Q1, SQUARE)
    assert program.output == "f"
    assert program.inputs == {"A": (2, 2), "x": (2, 1)}
    assert program.intermediates == {"b": (2, 1), "f": ()}
    assert {"b", "b1", "b2", "f", "A11", "x2"} <= set(program.symbols)
    answer = program.formula("(x1*b1, x2*b1)")
    assert answer.expr == program.derive("A11, A12").sympy
    assert program.expand(program.symbols["b1"]) == program.expand(program.formula("A11*x1 + A12*x2").expr)
    assert isinstance(program.derive("A11"), symdiff.Result)


def test_bare_formula_is_a_one_line_program():
    program = symdiff.program("0.5*norm(A*x)**2")
    assert program.output is None and program.intermediates == {}
    assert program.derive("x").text == symdiff.derive("0.5*norm(A*x)**2", "x").text == "A.T*A*x"


def test_seed_q2_symbolic_partials_named_through_the_nodes():
    program = symdiff.program(Q2)
    assert program.derive("a").text == "r1*s1*(1 - s1)"
    assert program.derive("c").text == "a*x1*step(c*x1 + e*x2)*s1*(1 - s1)"
    check_numerically(program, "a, b, c, d, e, f, x1, x2")


def test_neural_net_matrix_form_names_the_hidden_layer():
    program = symdiff.program("h = sigmoid(W*x); y = 0.5*norm(V*h - t)**2")
    assert program.derive("V").text == "(V*h - t)*h.T"
    assert program.derive("W").text == "hadamard(V.T*(V*h - t), hadamard(h, 1 - h))*x.T"
    check_numerically(program, "W")
    check_numerically(program, "x")


def test_worksheet_sigmoid_is_recognised_and_equal_numerically():
    program = symdiff.program("s = 1/(1 + exp(-z))")
    assert str(program.graph.nodes[0].expr) == "sigmoid(z)"
    plain = symdiff.parse("1/(1 + exp(-z))")
    for z in (-3.0, 0.0, 0.7):
        value = program.graph.nodes[0].expr.subs(program.symbols["z"], z).rewrite(sp.exp)
        assert float(value) == pytest.approx(plain.evaluate(z=z))


def test_hessian_through_the_graph():
    program = symdiff.program(Q1)
    assert program.derive(["x", "x"], expand=True).text == "A.T*A"


def test_latex_program_with_newlines_and_plain_file(tmp_path):
    latex = "\\mathbf{b} = \\mathbf{Ax}\nf = \\frac{1}{2}\\|\\mathbf{b}\\|^2"
    assert symdiff.program(latex).derive("A").text == "b*x.T"
    source = tmp_path / "net.txt"
    source.write_text("# Q1\nb = A*x\nf = 0.5*norm(b)**2\n")
    out = CliRunner().invoke(main, ["derive", f"@{source}", "--wrt", "A11", "--shape", "A=2,2", "--shape", "x=2"])
    assert (out.exit_code, out.output) == (0, "x1*b1\n")


@pytest.mark.parametrize("args, expected", [
    (["derive", Q1, "--wrt", "A11", "--shape", "A=2,2", "--shape", "x=2"], "x1*b1\n"),
    (["derive", Q1, "--wrt", "A11,A12", "--shape", "A=2,2", "--shape", "x=2"], "(x1*b1, x2*b1)\n"),
    (["derive", Q1, "--wrt", "A"], "b*x.T\n"),
    (["derive", Q1, "--wrt", "A", "--expand"], "A*x*x.T\n"),
    (["derive", Q1, "--wrt", "x", "--in-terms-of", "A,x"], "A.T*A*x\n"),
    (["derive", Q1, "--wrt", "b"], "b\n"),
    (["derive", Q1, "--wrt", "A11,A12", "--of", "b1", "--shape", "A=2,2", "--shape", "x=2"], "(x1, x2)\n"),
    (["derive", "0.5*norm(A*x)**2", "--wrt", "A11,A12", "--shape", "A=2,2", "--shape", "x=2"],
     "(x1*(A11*x1 + A12*x2), x2*(A11*x1 + A12*x2))\n"),
])
def test_cli(args, expected):
    out = CliRunner().invoke(main, args)
    assert (out.exit_code, out.output) == (0, expected)


@pytest.mark.parametrize("text, message", [
    ("f = 0.5*norm(b)**2; b = A*x", "b is used before its definition"),
    ("b = A*x; b = 2*x", "b is defined twice"),
    ("b = b + 1", "b is defined in terms of itself"),
    ("b = A*x f = 2", "definition of f starts on the line of the previous one"),
    ("b = A*x = c", "unexpected '='"),
])
def test_bad_programs_are_one_clear_error(text, message):
    out = CliRunner().invoke(main, ["derive", text, "--wrt", "x"])
    assert out.exit_code == 2
    assert out.output.splitlines()[0] == "symdiff: error: " + message
    assert "^" in out.output


def test_unknown_output_and_missing_file():
    out = CliRunner().invoke(main, ["derive", Q1, "--wrt", "x", "--of", "g"])
    assert out.exit_code == 2 and "'g' is not defined in the program" in out.output
    out = CliRunner().invoke(main, ["derive", "@/nonexistent/net.txt", "--wrt", "x"])
    assert out.exit_code == 2 and "cannot read" in out.output
    out = CliRunner().invoke(main, ["derive", Q1, "--wrt", "x", "--in-terms-of", "b,x"])
    assert out.exit_code == 2 and "also depends on A" in out.output


@pytest.mark.parametrize("text, wrt, expected", [
    ("z = W*x; L = 0 - y.T*log(softmax(z))", "W", "(sum(y)*softmax(z) - y)*x.T"),
    ("g = x.T*S*x", "x", "(S + S.T)*x"),
    ("r = A*x - b; f = norm(r)^2", "x", "2*A.T*r"),
])
def test_programs_read_like_the_textbook_as_one_formula_does(text, wrt, expected):
    program = symdiff.program(text)
    assert check_numerically(program, wrt).text == expected
