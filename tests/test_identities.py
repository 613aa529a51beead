"""Matrix calculus identities, one row each, every one checked three ways (and two more).

(1) equal to central finite differences at random points and random sizes;
(2) equal to the component route: the same formula with every dim 2, then 3,
    differentiated by SymPy entry by entry, evaluated at the same numbers;
(3) printed exactly as the textbook string in the row.
Also: the printed text reads back (same shapes) to the same numbers, and no
result holds SymPy's array soup or a 1×1 matrix.

Sources: "MC (n)" is equation n of the Matrix Cookbook (Petersen & Pedersen,
2012 version); "ML" rows are the usual losses and layers.
``bench/derive_times.py`` times the same table.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest
import sympy as sp
from numeric import (
    assert_matches_finite_differences,
    assert_matches_symmetric_finite_differences,
    random_values,
    symmetrize_values,
)

import symdiff


class Identity(NamedTuple):
    source: str
    formula: str
    wrt: str | tuple[str, ...]
    expected: str
    shapes: dict | None = None
    symmetric: tuple[str, ...] = ()


V = {"x": ("n",)}
"""x declared a vector where nothing else in the formula says so."""
SQUARE = {"A": ("n", "n"), "X": ("n", "n"), "B": ("n", "n")}
"""Square factors, as the Cookbook's determinant identities assume (else AXB can be singular)."""

BATCH = {"X": ("n", "d"), "W": ("d", "k"), "Y": ("n", "k"), "C": ("n", "d"), "c": ("n",), "y": ("d",)}
"""A batch X of n examples by rows, weights W, targets Y; C, c and y read a result out. (Formulas naming a
dim, as ones(n) in a bias does, cannot go the component route: tests/test_attention.py has them.)"""
ATTENTION = {"Q": ("n", "d"), "K": ("m", "d"), "V": ("m", "v"), "C": ("n", "v")}
HEAD = {"X": ("n", "d"), "Wq": ("d", "h"), "Wk": ("d", "h"), "Wv": ("d", "v"), "C": ("n", "v")}
NORMS = {"x": ("n",), "g": ("n",), "beta": ("n",), "c": ("n",)}

IDENTITIES = [
    # --- traces ------------------------------------------------------------------------------------------------
    Identity("MC (100)", "trace(X)", "X", "eye(n)"),
    Identity("MC (100)", "trace(A*X)", "X", "A.T"),
    Identity("MC (101)", "trace(X.T*A)", "X", "A"),
    Identity("MC (102)", "trace(A*X*B)", "X", "A.T*B.T"),
    Identity("MC (103)", "trace(A*X.T*B)", "X", "B*A"),
    Identity("MC (106)", "trace(X*X)", "X", "2*X.T"),
    Identity("MC (107)", "trace(X^3)", "X", "3*X.T^2"),
    Identity("MC (111)", "trace(X.T*X)", "X", "2*X"),
    Identity("MC (117)", "trace(X.T*A*X)", "X", "(A + A.T)*X"),
    Identity("MC (118)", "trace(X*A*X.T)", "X", "X*(A + A.T)"),
    Identity("MC (114)", "trace(A*X*B*X)", "X", "A.T*X.T*B.T + B.T*X.T*A.T"),
    Identity("MC (124)", "trace(inv(X)*A)", "X", "-inv(X).T*A.T*inv(X).T"),
    Identity("MC (123)", "trace(X^-2)", "X", "-2*X.T^-3"),
    # --- determinants ------------------------------------------------------------------------------------------
    Identity("MC (49)", "det(X)", "X", "det(X)*inv(X).T"),
    Identity("MC (57)", "log(det(X))", "X", "inv(X).T"),
    Identity("MC (51)", "det(A*X*B)", "X", "det(A)*det(B)*det(X)*inv(X).T", SQUARE),
    Identity("MC (53), X square", "det(X.T*A*X)", "X", "2*det(A)*det(X)^2*inv(X).T", SQUARE),
    # --- inverses ----------------------------------------------------------------------------------------------
    Identity("MC (61)", "a.T*inv(X)*b", "X", "-inv(X).T*a*b.T*inv(X).T"),
    Identity("MC (61), X^-2", "a.T*X^-2*b", "X", "-inv(X).T*a*b.T*X.T^-2 - X.T^-2*a*b.T*inv(X).T"),
    Identity("MC (59)", "inv(A + t*B)", "t", "-inv(t*B + A)*B*inv(t*B + A)"),
    # --- linear, quadratic and bilinear forms ------------------------------------------------------------------
    Identity("MC (69)", "x.T*a", "x", "a"),
    Identity("MC (70)", "a.T*X*b", "X", "a*b.T"),
    Identity("MC (71)", "a.T*X.T*b", "X", "b*a.T"),
    Identity("MC (77)", "b.T*X.T*X*c", "X", "X*(b*c.T + c*b.T)"),
    Identity("MC (78)", "b.T*X.T*D*X*c", "X", "D*X*c*b.T + D.T*X*b*c.T"),
    Identity("MC (79)", "(X*b + c).T*D*(X*b + c)", "X", "(D + D.T)*(X*b + c)*b.T"),
    Identity("MC (81)", "x.T*A*x", "x", "(A + A.T)*x"),
    Identity("MC (81), by A", "x.T*A*x", "A", "x*x.T"),
    Identity("MC (81), B = B.T", "x.T*B*x", "x", "2*B*x", symmetric=("B",)),
    Identity("MC (82)", "(A*x + b).T*C*(D*x + e)", "x", "A.T*C*(D*x + e) + D.T*C.T*(A*x + b)"),
    Identity("MC (86), W = W.T", "(x - s).T*W*(x - s)", "s", "-2*W*(x - s)", V, symmetric=("W",)),
    Identity("Hessian of MC (81)", "x.T*A*x", ("x", "x"), "A + A.T"),
    Identity("x.T*x", "x.T*x", "x", "2*x"),
    Identity("dot", "dot(a, x)", "x", "a"),
    Identity("dot", "dot(A*x, y)", "A", "y*x.T"),
    Identity("quotient", "(x.T*x)/(x.T*B*x)", "x", "2*x/(x.T*B*x) - (x.T*x)*(B + B.T)*x/(x.T*B*x)^2"),
    Identity("sqrt", "sqrt(x.T*x + 1)", "x", "x/sqrt(x.T*x + 1)"),
    # --- symmetric matrices (gradient (G + G.T)/2) --------------------------------------------------------------
    Identity("log det, X = X.T", "log(det(X))", "X", "inv(X)", symmetric=("X",)),
    Identity("trace, X = X.T", "trace(A*X)", "X", "(A + A.T)/2", symmetric=("X",)),
    Identity("bilinear, X = X.T", "a.T*X*b", "X", "(a*b.T + b*a.T)/2", symmetric=("X",)),
    Identity("Gaussian MLE, S = S.T", "log(det(S)) + trace(inv(S)*C)", "S", "inv(S) - inv(S)*C*inv(S)",
             symmetric=("S", "C")),
    # --- norms -------------------------------------------------------------------------------------------------
    Identity("MC (129)", "norm(x)", "x", "x/norm(x)"),
    Identity("MC (129)", "norm(x - a)", "x", "(x - a)/norm(x - a)", V),
    Identity("MC (130)", "norm(x - a)^2", "x", "2*(x - a)", V),
    Identity("Frobenius", "norm(X)^2", "X", "2*X"),
    Identity("least squares", "norm(A*x - b)^2", "x", "2*A.T*(A*x - b)"),
    Identity("weighted", "lam*norm(x)^2", "x", "2*lam*x", {"lam": ()}),
    Identity("weighted", "lam*norm(x)^2", "lam", "norm(x)^2", {"lam": ()}),
    Identity("scalar factor", "exp(-lam)*norm(x)^2", "lam", "-exp(-lam)*norm(x)^2", {"lam": ()}),
    Identity("worksheet", "0.5*norm(A*x)**2", "x", "A.T*A*x"),
    Identity("worksheet", "0.5*norm(A*x)**2", "A", "A*x*x.T"),
    Identity("worksheet", "0.5*norm(A*x)**2", "x", "A.T*A*x", {"A": ("n", "d"), "x": ("d",)}),
    Identity("worksheet Hessian", "0.5*norm(A*x)**2", ("x", "x"), "A.T*A"),
    # --- machine learning --------------------------------------------------------------------------------------
    Identity("least squares", "0.5*norm(A*x - b)^2", "x", "A.T*(A*x - b)"),
    Identity("least squares", "0.5*norm(A*x - b)^2", "A", "(A*x - b)*x.T"),
    Identity("ridge", "0.5*norm(A*x - b)^2 + 0.5*lam*norm(x)^2", "x", "lam*x + A.T*(A*x - b)"),
    Identity("ridge Hessian", "0.5*norm(A*x - b)^2 + 0.5*lam*norm(x)^2", ("x", "x"), "lam*eye(d) + A.T*A"),
    Identity("logistic loss", "-sum(hadamard(y, log(sigmoid(X*w))) + hadamard(1 - y, log(1 - sigmoid(X*w))))", "w",
             "X.T*(sigmoid(X*w) - y)"),
    Identity("logistic loss, y = ±1", "sum(log(1 + exp(-hadamard(y, X*w))))", "w",
             "-X.T*hadamard(y, sigmoid(-hadamard(X*w, y)))"),
    Identity("log-likelihood", "sum(log(sigmoid(A*x)))", "A", "(1 - sigmoid(A*x))*x.T"),
    Identity("softmax cross-entropy", "logsumexp(W*x) - y.T*W*x", "W", "(softmax(W*x) - y)*x.T"),
    Identity("softmax cross-entropy", "-y.T*log(softmax(W*x))", "W", "(sum(y)*softmax(W*x) - y)*x.T"),
    Identity("logsumexp", "logsumexp(W*x)", "W", "softmax(W*x)*x.T"),
    Identity("logsumexp", "log(sum(exp(x)))", "x", "softmax(x)"),
    Identity("logsumexp Hessian", "log(sum(exp(x)))", ("x", "x"), "diag(softmax(x)) - softmax(x)*softmax(x).T"),
    Identity("sum", "sum(exp(x))", "x", "exp(x)"),
    Identity("sigmoid layer", "0.5*norm(sigmoid(W*x + b) - y)^2", "W",
             "hadamard(sigmoid(W*x + b) - y, hadamard(1 - sigmoid(W*x + b), sigmoid(W*x + b)))*x.T"),
    Identity("tanh layer", "sum(hadamard(a, tanh(W*x)))", "W", "hadamard(a, 1 - tanh(W*x)^2)*x.T"),
    Identity("ReLU layer", "0.5*norm(relu(W*x) - y)^2", "W", "hadamard(relu(W*x) - y, step(W*x))*x.T"),
    Identity("two layers", "0.5*norm(W2*sigmoid(W1*x) - y)**2", "W2", "(W2*sigmoid(W1*x) - y)*sigmoid(W1*x).T"),
    Identity("two layers", "0.5*norm(W2*sigmoid(W1*x) - y)**2", "W1",
             "hadamard(W2.T*(W2*sigmoid(W1*x) - y), hadamard(1 - sigmoid(W1*x), sigmoid(W1*x)))*x.T"),
    Identity("two ReLU layers", "0.5*norm(W2*relu(W1*x + b1) - y)**2", "W1",
             "hadamard(W2.T*(W2*relu(W1*x + b1) - y), step(W1*x + b1))*x.T"),
    Identity("two tanh layers", "0.5*norm(W2*tanh(W1*x + b1) + b2 - y)**2", "b1",
             "hadamard(W2.T*(W2*tanh(W1*x + b1) + b2 - y), 1 - tanh(W1*x + b1)^2)"),
    # --- Jacobians, diag, derivatives by a scalar ---------------------------------------------------------------
    Identity("Jacobian", "A*x", "x", "A"),
    Identity("Jacobian", "A*x + b", "b", "eye(n)"),
    Identity("Jacobian", "sigmoid(x)", "x", "diag(hadamard(1 - sigmoid(x), sigmoid(x)))", V),
    Identity("Jacobian", "tanh(W*x)", "x", "diag(1 - tanh(W*x)^2)*W"),
    Identity("Jacobian", "softmax(x)", "x", "diag(softmax(x)) - softmax(x)*softmax(x).T"),
    Identity("Jacobian", "diag(x)*a", "x", "diag(a)"),
    Identity("diag", "a.T*diag(x)*b", "x", "hadamard(a, b)"),
    Identity("diag", "x.T*diag(v)*x", "v", "x^2"),
    Identity("by a scalar", "a.T*sigmoid(t*x)", "t", "x.T*hadamard(a, hadamard(1 - sigmoid(t*x), sigmoid(t*x)))", V),
    Identity("by a scalar", "exp(t*A)", "t", "hadamard(A, exp(t*A))"),
    Identity("literal", "c.T*[x.T*a, x.T*b]", "x", "c[1]*a + c[2]*b"),
    # --- batches, attention, normalisation (ML) --------------------------------------------------------------
    Identity("batched least squares", "norm(X*W - Y)^2/2", "W", "X.T*(X*W - Y)", BATCH),
    Identity("batched cross-entropy", "sum(logsumexp(X*W, rows)) - sum(hadamard(Y, X*W))", "W", "X.T*(softmax(X*W, rows) - Y)", BATCH),
    Identity("row softmax", "sum(hadamard(C, softmax(X, rows)))", "X", "hadamard(C - hadamard(C, softmax(X, rows))*ones(d)*ones(d).T, softmax(X, rows))", BATCH),
    Identity("row logsumexp", "c.T*logsumexp(X, rows)", "X", "hadamard(c*ones(d).T, softmax(X, rows))", BATCH),
    Identity("row sums", "c.T*sum(X, rows)", "X", "c*ones(d).T", BATCH),
    Identity("column sums", "y.T*sum(X, cols)", "X", "ones(n)*y.T", BATCH),
    Identity("column means", "y.T*mean(X, cols)", "X", "ones(n)*y.T/n", BATCH),
    Identity("row variances", "c.T*var(X, rows)", "X", "2/d*hadamard(c*ones(d).T, X - X*ones(d)*ones(d).T/d) - 2/d*hadamard(c*ones(d).T, X - X*ones(d)*ones(d).T/d)*ones(d)*ones(d).T/d", BATCH),
    Identity("mean", "mean(x)", "x", "ones(n)/n", V),
    Identity("variance", "var(x)", "x", "(2*x - 2*sum(x)/n)/n", V),
    Identity("variance Hessian", "var(x)", ("x", "x"), "2*(n*eye(n) - ones(n)*ones(n).T)/n^2", V),
    Identity("centring", "x - mean(x)", "x", "eye(n) - ones(n)*ones(n).T/n", V),
    Identity("sum squared, Hessian", "sum(x)^2", ("x", "x"), "2*ones(n)*ones(n).T", V),
    Identity("mean squared, Hessian", "mean(x)^2", ("x", "x"), "2*ones(n)*ones(n).T/n^2", V),
    Identity("norm Hessian", "norm(x)", ("x", "x"), "eye(n)/norm(x) - x*x.T/norm(x)^3", V),
    Identity("normalisation", "x/norm(x)", "x", "eye(n)/norm(x) - x*x.T/norm(x)^3", V),
    Identity("scaled by a sum", "x*sum(x)", "x", "x*ones(n).T + sum(x)*eye(n)", V),
    Identity("softmax written out", "exp(x)/sum(exp(x))", "x", "(diag(exp(x)) - exp(x)*exp(x).T/sum(exp(x)))/sum(exp(x))", V),
    Identity("logsumexp of exp, Hessian", "logsumexp(exp(x))", ("x", "x"), "(diag(hadamard(softmax(exp(x)), exp(x))) - diag(exp(x))*softmax(exp(x))*softmax(exp(x)).T)*diag(exp(x)) + diag(hadamard(softmax(exp(x)), exp(x)))", V),
    Identity("attention by Q", "sum(hadamard(C, softmax(Q*K.T, rows)*V))", "Q", "hadamard(C*V.T - hadamard(C*V.T, softmax(Q*K.T, rows))*ones(m)*ones(m).T, softmax(Q*K.T, rows))*K", ATTENTION),
    Identity("attention by V", "sum(hadamard(C, softmax(Q*K.T, rows)*V))", "V", "softmax(Q*K.T, rows).T*C", ATTENTION),
    Identity("attention head by Wv", "sum(hadamard(C, softmax(X*Wq*(X*Wk).T, rows)*X*Wv))", "Wv", "X.T*softmax(X*Wq*Wk.T*X.T, rows).T*C", HEAD),
    Identity("layer norm by gain", "c.T*(hadamard(g, (x - mean(x))/sqrt(var(x) + 1/100)) + beta)", "g", "hadamard((x - sum(x)/n)/sqrt(1/100 + sum((x - sum(x)/n)^2)/n), c)", NORMS),
    Identity("layer norm by shift", "c.T*(hadamard(g, (x - mean(x))/sqrt(var(x) + 1/100)) + beta)", "beta", "c", NORMS),
    Identity("layer norm Jacobian", "(x - mean(x))/sqrt(var(x) + 1/100)", "x", "(eye(n) - 50*(x - sum(x)/n)*(2*x - 2*sum(x)/n).T/(n + 100*sum((x - sum(x)/n)^2)) - 1/n)/sqrt(1/100 + sum((x - sum(x)/n)^2)/n)", NORMS),
    # --- a transformer block's pieces and log-sigmoid losses (ML) ----------------------------------------------
    Identity("attention by K", "sum(hadamard(C, softmax(Q*K.T, rows)*V))", "K", "hadamard(V*C.T - ones(m)*ones(m).T*hadamard(V*C.T, softmax(Q*K.T, rows).T), softmax(Q*K.T, rows).T)*Q", ATTENTION),
    Identity("attention head by Wq", "sum(hadamard(C, softmax(X*Wq*(X*Wk).T, rows)*X*Wv))", "Wq", "X.T*hadamard(C*Wv.T*X.T - hadamard(C*Wv.T*X.T, softmax(X*Wq*Wk.T*X.T, rows))*ones(n)*ones(n).T, softmax(X*Wq*Wk.T*X.T, rows))*X*Wk", HEAD),
    Identity("attention head by Wk", "sum(hadamard(C, softmax(X*Wq*(X*Wk).T, rows)*X*Wv))", "Wk", "X.T*hadamard(X*Wv*C.T - ones(n)*ones(n).T*hadamard(X*Wv*C.T, softmax(X*Wq*Wk.T*X.T, rows).T), softmax(X*Wq*Wk.T*X.T, rows).T)*X*Wq", HEAD),
    Identity("layer norm with gain and shift, by x", "c.T*(hadamard(g, (x - mean(x))/sqrt(var(x) + 1/100)) + beta)", "x", "((1/50 + 2*sum((x - sum(x)/n)^2)/n)*hadamard(c, g) - ((x - sum(x)/n).T*hadamard(c, g))*(2*x - 2*sum(x)/n)/n - 2*(1/100 + sum((x - sum(x)/n)^2)/n)*sum(hadamard(c, g))*ones(n)/n)/(2*(1/100 + sum((x - sum(x)/n)^2)/n)^(3/2))", NORMS),
    Identity("RMS norm by gain", "c.T*hadamard(g, x/sqrt(mean(x^2) + 1/100))", "g", "hadamard(x/sqrt(1/100 + sum(x^2)/n), c)", NORMS),
    Identity("residual connection", "c.T*(x + tanh(W*x))", "x", "W.T*hadamard(c, 1 - tanh(W*x)^2) + c"),
    Identity("feed-forward with ReLU", "sum(hadamard(C, relu(X*W1)*W2))", "W1", "X.T*hadamard(C*W2.T, step(X*W1))"),
    Identity("row cross-entropy by the logits", "sum(logsumexp(X, rows)) - sum(hadamard(C, X))", "X", "softmax(X, rows) - C", BATCH),
    Identity("centring, gradient", "norm(x - mean(x))^2/2", "x", "x - sum(x)/n", V),
    Identity("centring, Hessian", "norm(x - mean(x))^2/2", ("x", "x"), "eye(n) - ones(n)*ones(n).T/n", V),
    Identity("log-sigmoid loss, y = ±1", "-sum(log(sigmoid(hadamard(y, X*w))))", "w", "X.T*hadamard(y, sigmoid(hadamard(X*w, y)) - 1)"),
    Identity("log(1 - sigmoid) loss", "-sum(log(1 - sigmoid(X*w)))", "w", "X.T*sigmoid(X*w)"),
    Identity("logistic loss, Hessian", "-sum(hadamard(y, log(sigmoid(X*w))) + hadamard(1 - y, log(1 - sigmoid(X*w))))", ("w", "w"),
             "X.T*diag(hadamard(1 - sigmoid(X*w), sigmoid(X*w)))*X"),
    # --- tensors in vec form: J = ∂vec F/∂vec(X)ᵀ, vec column-major ("MN" is Magnus & Neudecker, 3rd ed.) ------
    Identity("MN: d vec(AXB) = (B.T ⊗ A) d vec X", "A*X*B", "X", "kron(B.T, A)"),
    Identity("MN: inverse", "inv(X)", "X", "-kron(inv(X).T, inv(X))"),
    Identity("MN: transpose, commutation matrix", "X.T", "X", "commutation(n, d)"),
    Identity("MN: square", "X*X", "X", "kron(eye(n), X) + kron(X.T, eye(n))"),
    Identity("entrywise function of a matrix", "exp(X)", "X", "diag(vec(exp(X)))"),
    Identity("linear layer by its weights", "W*x", "W", "kron(x.T, eye(n))"),
    Identity("Hessian of MC (117) by X", "trace(X.T*A*X)", ("X", "X"), "kron(eye(d), A + A.T)"),
    Identity("least squares Hessian by X", "0.5*norm(A*X - B)^2", ("X", "X"), "kron(eye(m), A.T*A)"),
    Identity("log det Hessian", "log(det(X))", ("X", "X"), "-kron(inv(X), inv(X).T)*commutation(n, n)"),
    Identity("softmax regression Hessian by W", "sum(logsumexp(X*W, rows)) - sum(hadamard(Y, X*W))", ("W", "W"), "kron(eye(k), X.T)*diag(vec(softmax(X*W, rows)))*(kron(eye(k), X) - kron(ones(k)*ones(k).T, eye(n))*diag(vec(softmax(X*W, rows)))*kron(eye(k), X))", BATCH),
]

FORBIDDEN = ("ArrayAdd", "PermuteDims", "ArrayTensorProduct", "Lambda", "Derivative", "ZeroMatrix")
"""SymPy node types that never appear in a result."""


def row_id(row: Identity) -> str:
    wrt = row.wrt if isinstance(row.wrt, str) else ",".join(row.wrt)
    return f"{row.formula} by {wrt}"


def derive(row: Identity, shapes=None) -> symdiff.Result:
    return symdiff.derive(row.formula, row.wrt, shapes or row.shapes, symmetric=row.symmetric)


def concrete(result: symdiff.Result, size: int) -> dict:
    """The formula's shapes with every symbolic dim set to ``size``."""
    def dim(d):
        return size if isinstance(d, str) else d

    return {name: tuple(dim(d) for d in (shape if not shape or shape[1] != 1 else shape[:1]))
            for name, shape in result.formula.variables.items()}


def test_the_table_is_large_enough():
    assert len(IDENTITIES) >= 40
    assert len({row_id(row) + repr(row.shapes) + repr(row.symmetric) for row in IDENTITIES}) == len(IDENTITIES)


@pytest.mark.parametrize("row", IDENTITIES, ids=row_id)
def test_printed_as_the_textbook(row: Identity):
    result = derive(row)
    assert result.text == row.expected
    assert not any(name in sp.srepr(result.sympy) for name in FORBIDDEN)
    assert result.shape != (1, 1)


@pytest.mark.parametrize("row", IDENTITIES, ids=row_id)
def test_matches_finite_differences(row: Identity):
    if row.symmetric:
        assert_matches_symmetric_finite_differences(row.formula, row.wrt, row.symmetric, row.shapes)
    else:
        assert_matches_finite_differences(row.formula, row.wrt, row.shapes)


@pytest.mark.parametrize("size", [2, 3])
@pytest.mark.parametrize("row", IDENTITIES, ids=row_id)
def test_matches_the_component_route(row: Identity, size: int):
    matrix_form = derive(row)
    components = derive(row, concrete(matrix_form, size))
    assert components.formula.form == "component"
    values = random_values(components.formula, np.random.default_rng(size))
    values = symmetrize_values(values, row.symmetric)
    np.testing.assert_allclose(
        np.asarray(matrix_form.evaluate(**values), dtype=float),
        np.asarray(components.evaluate(**values), dtype=float),
        rtol=1e-8, atol=1e-10,
    )


@pytest.mark.parametrize("row", IDENTITIES, ids=row_id)
def test_printed_text_reads_back(row: Identity):
    result = derive(row)
    shapes = {name: shape if not shape or shape[1] != 1 else shape[:1] for name, shape in result.formula.variables.items()}
    read_back = symdiff.parse(result.text, shapes)
    if not read_back.formula.variables:  # eye(n): no numbers to bind n
        assert read_back.text == result.text
        return
    values = symmetrize_values(random_values(result.formula, np.random.default_rng(1)), row.symmetric)
    own = {name: value for name, value in values.items() if name in read_back.formula.variables}
    np.testing.assert_allclose(
        np.asarray(read_back.evaluate(**own), dtype=float),
        np.asarray(result.evaluate(**values), dtype=float),
        rtol=1e-8, atol=1e-10,
    )
