r"""``--steps`` for index sums: the bookkeeping a course writes.

∂L/∂w_k of L = ½Σᵢ (yᵢ − wᵀxᵢ)²: the sums pulled out (linearity), the partial
of each summand with its Kronecker deltas, each delta resolved (the sum over
its index collapses), and the matrix form where there is one. The resolved
line is read back and checked against the matrix form and central
differences.
"""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from numeric import numeric_derivative, random_values

import symdiff
from symdiff.api import Result
from symdiff.cli import main

RIDGE = "L = 1/2*Sum(i, n, (y[i] - w.T*X[i, :])^2) + lam/2*norm(w)^2"


def steps(program: str, wrt: str, fmt: str = "text") -> str:
    answer = CliRunner().invoke(main, ["derive", program, "--wrt", wrt, "--steps", "--format", fmt])
    assert answer.exit_code == 0, answer.output
    return answer.output


def test_the_bookkeeping_in_text():
    assert steps(RIDGE, "w[j]") == (
        "∂L/∂w[j] = lam*∂/∂w[j] (norm(w)^2)/2 + Sum(i, n, ∂/∂w[j] ((y[i] - Sum(k, d, X[i, k]*w[k]))^2))/2"
        "    (the sums pulled out)\n"
        "         = lam*w[j] + Sum(i, n, -(2*y[i] - 2*Sum(k, d, X[i, k]*w[k]))*Sum(k, d, δ(j, k)*X[i, k]))/2"
        "    (the partial of each summand, with Kronecker deltas)\n"
        "         = lam*w[j] - Sum(i, n, (y[i] - Sum(k, d, X[i, k]*w[k]))*X[i, j])"
        "    (each delta resolved: the sum over its index collapses)\n"
        "         = (lam*w - X.T*(y - X*w))[j]    (the matrix form)\n"
    )


def test_the_bookkeeping_in_latex():
    assert steps("L = Sum(i, Sum(j, W[i, j]^2))", "W", "latex") == (
        "\\begin{align*}\n"
        r"\frac{\partial L}{\partial W_{kl}} &= \sum_{i=1}^{n} \sum_{j=1}^{d} \frac{\partial}{\partial W_{kl}} "
        r"\left(W_{ij}^{2}\right) && \text{the sums pulled out} \\" + "\n"
        r" &= \sum_{i=1}^{n} \sum_{j=1}^{d} 2 \delta_{ik} \delta_{jl} W_{ij} && \text{the partial of each summand} \\"
        + "\n"
        r" &= 2 W_{kl} && \text{each delta resolved} \\" + "\n"
        r" &= \left(2 \mathbf{W}\right)_{kl} && \text{the matrix form}" + "\n"
        "\\end{align*}\n"
    )


def test_without_a_matrix_form_the_steps_end_in_index_form():
    output = steps("L = Sum(i, Sum(j, (Sum(k, A[i, k]*B[k, j]) - Y[i, j])^2))", "A")
    lines = output.splitlines()
    assert len(lines) == 3
    assert lines[-1].strip() == (
        "= 2*Sum(j, m, (Sum(k, d, A[l, k]*B[k, j]) - Y[l, j])*B[p, j])"
        "    (each delta resolved: the sum over its index collapses)"
    )
    assert "δ(i, l)*δ(k, p)" in lines[1]


@pytest.mark.parametrize("wrt", ["w", "w[j]"])
def test_the_resolved_line_is_the_gradient(wrt: str):
    """The index line read back equals the matrix form and central differences of L."""
    derivation = symdiff.program(RIDGE).steps(wrt)[0]
    resolved = derivation.lines[2].text.removesuffix("    (each delta resolved: the sum over its index collapses)")
    program = symdiff.program(RIDGE)
    read = symdiff.parse(resolved, program.expanded.variables)
    function = Result(program.expanded, (), program.expanded.expr).lambdify()
    matrix = program.derive("w")
    rng = np.random.default_rng(9)
    for _ in range(3):
        values = random_values(program.expanded, rng)
        index_form = np.asarray(read.evaluate(**{k: values[k] for k in read.formula.variables}), dtype=float)
        np.testing.assert_allclose(index_form, np.asarray(matrix.evaluate(**values), dtype=float), rtol=1e-9)
        expected = numeric_derivative(function, values, program.expanded, "w")
        np.testing.assert_allclose(index_form, expected.reshape(index_form.shape), rtol=1e-5, atol=1e-6)


def test_an_intermediate_inside_the_sum_keeps_the_chain_rule_steps():
    output = steps("u = A*w; L = norm(u)^2 + Sum(i, w[i])", "w")
    assert output == "∂L/∂w = ∂L/∂u · ∂u/∂w + ∂L/∂w\n      = 2*A.T*u + ones(d)    (∂L/∂u = 2*u)\n"


def test_a_program_with_no_matrix_form_is_differentiated_by_its_inputs():
    runner = CliRunner()
    answer = runner.invoke(main, ["derive", "u = 2*c; L = u*Sum(i, A[i, i]*x[i]^2)", "--wrt", "x"])
    assert (answer.exit_code, answer.output) == (0, "4*c*A[j, j]*x[j]\n")
    refused = runner.invoke(main, ["derive", "u = 2*c; L = u*Sum(i, A[i, i]*x[i]^2)", "--wrt", "u"])
    assert refused.exit_code == 2
    assert "u is an intermediate, and this program has an index sum with no matrix form" in refused.output


def test_a_formula_without_definitions_has_steps_where_it_has_index_sums():
    assert steps(r"\sum_{i,j} W_{ij}^2", "W").splitlines()[0] == (
        "∂f/∂W[k, l] = Sum(i, n, Sum(j, d, ∂/∂W[k, l] (W[i, j]^2)))    (the sums pulled out)"
    )
    answer = CliRunner().invoke(main, ["derive", "norm(w)^2", "--wrt", "w", "--steps"])
    assert answer.exit_code == 2
    assert "--steps follows named intermediates, and this is one formula" in answer.output
