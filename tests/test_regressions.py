r"""Matrix-form derivatives that were once wrong or crashed, each pinned by value and by printed text.

Found by the property tests (tests/test_properties.py). Each row is checked
against central finite differences at several random points and sizes, its
printed text is pinned, and that text reads back to the same numbers.

Root causes, so a new row can say which one it guards:

- scope: an entrywise body can hold arrays (``1/norm(hadamard(y, x^2))`` is a
  scalar in the body of the gradient), and those can hold entrywise functions
  with placeholders of their own. Renaming placeholders with ``xreplace`` or
  ``subs`` renamed those too (``norm(hadamard(a*y, y^2))``), and recognising
  softmax or log-softmax in a body rewrote bodies nested in it
  (``softmax(softmax(x^2)^2)``, or a silent zero).
- opaque: simplifying a body with SymPy's ``expand``/``factor_terms``
  rewrote the array sums inside its norms and products as scalar algebra
  ("Mix of Matrix and Scalar symbols", "'Mul' object has no attribute 'shape'").
- printing: ``A*(1/(1 + y^2))`` printed as ``A*1/(y^2 + 1)``, which reads as
  (A*1)/(y^2 + 1); a norm inside a norm printed as ``\|2 \|x\| C\|`` in
  LaTeX, which reads as a norm closed after the 2.
- programs named an intermediate inside a nested body too (the scope bug in
  ``symdiff/program/chain.py``).
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from numeric import assert_matches_finite_differences, random_values

import symdiff

N = {"x": ("n",), "y": ("n",)}
V = {"v": ("n",), "w": ("n",)}

REGRESSIONS = [
    # (formula, by, shapes, printed); by is one name or (name, name) for a second derivative
    # --- scope: placeholders renamed inside a nested entrywise body ------------------------------------------
    ("0.5*softmax(x^2).T*A*x", "x", {"x": ("n",), "A": ("n", "n")},
     "A.T*softmax(x^2)/2 + hadamard(hadamard(x, softmax(x^2)), A*x - (softmax(x^2).T*A*x))"),
    ("norm(hadamard(a*y, x^2))", "x", {"a": (), **N},
     "2*a^2/norm(hadamard(a*y, x^2))*hadamard(x^3, y^2)"),
    ("log(1 + log(1 + (2*z).T*hadamard(z, z)^2)^2)", "z", {"z": ("m",)},
     "20*z^4*log(2*(z.T*(z^2)^2) + 1)/((log(2*(z.T*(z^2)^2) + 1)^2 + 1)*(2*(z.T*(z^2)^2) + 1))"),
    ("norm(x/(1 + y^2))", ("x", "x"), N,
     "diag(1/((y^2 + 1)^2*norm(hadamard(x, 1/(y^2 + 1))))) - 1/norm(hadamard(x, 1/(y^2 + 1)))^2"
     "*hadamard(x, 1/(y^2 + 1)^2)*(hadamard(x, 1/(y^2 + 1))).T*diag(1/(y^2 + 1))/norm(hadamard(x, 1/(y^2 + 1)))"),
    # --- scope: softmax and log-softmax recognised in a body nested in another --------------------------------
    ("sum(sin(v + norm(sin(exp(w)/sum(exp(v))))))", "w", V,
     "hadamard(sum(cos(v + norm(sin(exp(w)/sum(exp(v))))))*sin(exp(w)/sum(exp(v)))/norm(sin(exp(w)/sum(exp(v)))), "
     "1/sum(exp(v))*hadamard(cos(exp(w)/sum(exp(v))), exp(w)))"),
    ("sum(softmax(v)^norm(log(w)))", "w", V,
     "hadamard(sum(hadamard(softmax(v)^norm(log(w)), log(softmax(v))))*log(w)/norm(log(w)), 1/w)"),
    ("sum(softmax(v)^norm(log(w)))", "v", V,
     "softmax(v)^norm(log(w))*norm(log(w)) - (softmax(v).T*norm(log(w))"
     "*hadamard(1/softmax(v), softmax(v)^norm(log(w))))*softmax(v)"),
    # --- opaque: SymPy's scalar algebra let into the arrays of a body ----------------------------------------
    ("norm((2*x + y)^2)", "x", N, "4*hadamard(2*x + y, (2*x + y)^2)/norm((2*x + y)^2)"),
    ("norm(hadamard(2*x, y))", "x", N, "4*1/norm(hadamard(2*x, y))*hadamard(x, y^2)"),
    ("norm(x + softmax(x))^2", "x", {"x": ("n",)},
     "2*x + 2*hadamard(softmax(x), x + softmax(x)) - (2*softmax(x).T*(x + softmax(x)) - 2)*softmax(x)"),
    ("softmax(2*x).T*y", "x", N, "2*hadamard(softmax(2*x), y - (y.T*softmax(2*x)))"),
    ("norm((z - (z + z)) - (z + z)^2)", "z", {"z": ("m",)}, "1/norm(-4*z^2 - z)*hadamard(z, 32*z^2 + 12*z + 1)"),
    # --- printing: a quotient after * in a matrix product lost its brackets -----------------------------------
    ("sum(softmax(x)/(1 + x^2))", "x", {"x": ("n",)},
     "hadamard(softmax(x), 1/(x^2 + 1)) - 2*hadamard(hadamard(softmax(x), x), 1/(x^2 + 1)^2)"
     " - ((1/(x^2 + 1)).T*softmax(x))*softmax(x)"),
]


def _id(row) -> str:
    text, wrt, _, _ = row
    return f"{text} by {wrt if isinstance(wrt, str) else ' then '.join(wrt)}"


@pytest.mark.parametrize(("text", "wrt", "shapes", "printed"), REGRESSIONS, ids=[_id(row) for row in REGRESSIONS])
def test_derivative_matches_finite_differences_and_prints(text, wrt, shapes, printed):
    # positive values: log(w) in some rows; every other row is smooth everywhere
    result = assert_matches_finite_differences(text, wrt, shapes, positive=True)
    assert result.text == printed
    again = symdiff.parse(printed, dict(result.formula.variables))
    values = random_values(result.formula, np.random.default_rng(1), positive=True)
    np.testing.assert_allclose(
        np.asarray(again.evaluate(**{name: values[name] for name in again.formula.variables}), dtype=float),
        np.asarray(result.evaluate(**values), dtype=float),
        rtol=1e-9,
    )


@pytest.mark.parametrize(("text", "printed"), [
    ("A*(1/(1 + y^2))", "A*(1/(y^2 + 1))"),
    ("A*(2/(1 + y^2))", "A*(2/(y^2 + 1))"),
    ("A*(y/(1 + y^2))", "A*hadamard(y, 1/(y^2 + 1))"),
])
def test_a_quotient_in_a_matrix_product_keeps_its_brackets(text, printed):
    shapes = {"A": ("n", "n"), "y": ("n",)}
    formula = symdiff.parse(text, shapes)
    assert formula.text == printed
    values = random_values(formula.formula, np.random.default_rng(0))
    again = symdiff.parse(printed, shapes).evaluate(**values)
    np.testing.assert_allclose(np.asarray(again, dtype=float), np.asarray(formula.evaluate(**values), dtype=float))


def test_a_program_names_an_intermediate_only_in_its_own_scope():
    # h = sin(x) was also written into the norm's body, whose sin(_t0) is sin(y): -sin(x + norm(sin(x)))
    shapes = {"x": ("n",), "y": ("n",)}
    net = symdiff.program("h = sin(x); f = sum(cos(x + norm(sin(y)))) + sum(h)", shapes)
    result = net.derive("x", expand=True)
    assert result.text == "cos(x) - sin(x + norm(sin(y)))"
    flat = assert_matches_finite_differences("sum(cos(x + norm(sin(y)))) + sum(sin(x))", "x", shapes)
    values = random_values(flat.formula, np.random.default_rng(2))
    np.testing.assert_allclose(np.asarray(result.evaluate(**values), dtype=float), np.asarray(flat.evaluate(**values), dtype=float))


@pytest.mark.parametrize(("text", "printed"), [
    ("norm(2*norm(x)^2*C)", r"\|2 \left\|\mathbf{x}\right\|^{2} \mathbf{C}\|"),
    ("norm(norm(x)*C)", r"\|\left\|\mathbf{x}\right\| \mathbf{C}\|"),
])
def test_a_norm_inside_a_norm_prints_as_latex_that_reads_back(text, printed):
    # \|2 \|x\| C\| reads as a norm closed after 2: the inner one needs \left\| ... \right\|
    shapes = {"x": ("n",), "C": ("n", "m")}
    formula = symdiff.parse(text, shapes)
    assert formula.latex == printed
    assert symdiff.parse(printed, shapes, syntax="latex").sympy == formula.sympy


def test_more_arrays_than_placeholders_is_computed_not_a_crash():
    shapes = {f"x{i}": ("n",) for i in range(18)}
    formula = "sum(sin(" + " + ".join(f"hadamard(x0, x{i})" for i in range(1, 18)) + "))"
    result = assert_matches_finite_differences(formula, "x0", shapes, points=1)
    assert result.text.startswith("hadamard(x1, cos(")


@pytest.mark.parametrize(("text", "wrt", "shapes", "printed"), [
    # found by tests/test_ops.py: sign differentiated to SymPy's DiracDelta, which nothing can evaluate
    ("x*sign(x)", ["x"], None, "sign(x)"),
    ("x.T*sign(W*x)", ["x"], {"W": ("n", "n"), "x": ("n",)}, "sign(W*x)"),
    ("abs(x1)*x2", ["x1", "x1"], {"x": (2,)}, "0"),
])
def test_the_derivative_of_sign_is_zero_where_it_exists(text, wrt, shapes, printed):
    result = assert_matches_finite_differences(text, wrt, shapes)
    assert result.text == printed


def test_a_hessian_through_a_kink_is_a_zero_matrix_not_diag_of_a_scalar():
    # the pullback through step(x) is G ∘ 0, which SymPy kept as a product with a scalar 0: diag(0)
    for text in ("sum(relu(x))", "sum(abs(x))"):
        result = symdiff.derive(text, ["x", "x"], {"x": ("n",)})
        assert isinstance(result.sympy, sp.ZeroMatrix), result.sympy
        np.testing.assert_array_equal(result.evaluate(x=[1.0, -2.0, 3.0]), np.zeros((3, 3)))
