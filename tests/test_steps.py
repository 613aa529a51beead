"""Derivations step by step, as the seed's solutions write them; their LaTeX compiles."""

from click.testing import CliRunner
from pdflatex import compile_latex

import symdiff
from symdiff.cli import main

Q2 = "r1 = max(c*x1 + e*x2, 0); r2 = max(d*x1 + f*x2, 0); s1 = 1/(1+exp(-a*r1)); s2 = 1/(1+exp(-b*r2)); y = s1 + s2"
AT = "x1=1, x2=-1, a=1, b=1, c=4, d=1, e=2, f=2"


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_seed_q2_steps_with_numbers():
    out = run("derive", Q2, "--wrt", "a", "--steps", "--at", AT, "--round", "1")
    assert out.exit_code == 0
    assert out.output == (
        "∂y/∂a = ∂y/∂s1 · ∂s1/∂a\n"
        "      = 1 · r1*s1*(1 - s1)\n"
        "      = r1*s1*(1 - s1)\n"
        "      = 1 · 2*0.9*(1 - 0.9)\n"
        "      = 0.18\n"
    )


def test_three_factor_chain_and_negative_value():
    out = run("derive", Q2, "--wrt", "e", "--steps", "--at", AT, "--round", "1").output.splitlines()
    assert out[0] == "∂y/∂e = ∂y/∂s1 · ∂s1/∂r1 · ∂r1/∂e"
    assert out[1] == "      = 1 · a*s1*(1 - s1) · x2*step(c*x1 + e*x2)"
    assert out[-1] == "      = -0.09"


def test_symbolic_steps_component_and_matrix_form():
    [q1] = symdiff.program("b = A*x; f = 0.5*norm(b)**2", {"A": (2, 2), "x": (2,)}).steps("A11")
    assert q1.render_text() == "∂f/∂A11 = ∂f/∂b1 · ∂b1/∂A11\n        = b1 · x1\n        = x1*b1"
    [matrix] = symdiff.program("b = A*x; f = 0.5*norm(b)**2").steps("A")
    assert matrix.render_text() == "∂f/∂A = ∂f/∂b · ∂b/∂A\n      = b*x.T    (∂f/∂b = b)"


def test_steps_need_definitions():
    out = run("derive", "0.5*norm(A*x)**2", "--wrt", "x", "--steps")
    assert out.exit_code == 2 and "name its parts" in out.output


def test_steps_latex_compiles(tmp_path):
    blocks = [
        run("derive", Q2, "--wrt", "a,c,e", "--steps", "--at", AT, "--round", "1", "--format", "latex").output,
        run("derive", Q2, "--wrt", "x1", "--steps", "--format", "latex").output,
        run("derive", "b = A*x; f = 0.5*norm(b)**2", "--wrt", "A", "--steps", "--format", "latex").output,
        run("backprop", Q2, "--at", AT, "--wrt", "a,b", "--format", "latex").output,
    ]
    assert all("\\begin{align*}" in block for block in blocks)
    document = "\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n" + "\n".join(blocks) + "\n\\end{document}\n"
    assert compile_latex(document, tmp_path, "steps").exists()


def test_steps_do_not_repeat_a_line():
    assert run("derive", "f = x.T*A*x", "--wrt", "A", "--steps").output == "∂f/∂A = x*x.T\n"
    assert run("derive", "f = a*b", "--wrt", "a", "--steps", "--at", "a=1, b=-1").output == "∂f/∂a = b\n      = -1\n"
