r"""Index notation: sums over samples and entries, read in LaTeX and plain syntax, brought to matrix form.

Every identity is checked three ways against an evaluator of the index sums
written here with Python loops, independent of symdiff's matrix form: the
matrix form symdiff builds has the loops' value, the derivative matches
central finite differences of the loops, at random sizes; and the result
prints as the textbook's matrix form.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pytest
from click.testing import CliRunner

import symdiff
from symdiff.cli import main
from symdiff.errors import ParseError, ShapeError, UnsupportedError
from symdiff.parse import ast, parse, parse_latex
from symdiff.parse.sums import Entry, IndexSum

# --- an independent evaluator of index expressions (loops) --------------------

FUNCTIONS = {
    "exp": np.exp,
    "log": np.log,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "tanh": np.tanh,
    "sqrt": np.sqrt,
    "relu": lambda x: np.maximum(x, 0),
    "max": np.maximum,
    "abs": np.abs,
    "norm": lambda v: np.sqrt(np.sum(np.asarray(v) ** 2)),
    "sum": np.sum,
    "dot": lambda a, b: float(np.ravel(a) @ np.ravel(b)),
    "softmax": lambda v: np.exp(v) / np.sum(np.exp(v)),
    "trace": np.trace,
}


def _column(value):
    value = np.asarray(value, dtype=float)
    return value.reshape(-1, 1) if value.ndim == 1 else value


def loops(node: ast.Node, values: dict, indices: dict[str, int] | None = None):
    """The value of an index expression by loops over its indices (0-based here)."""
    indices = indices or {}
    if isinstance(node, ast.Number):
        return float(node.value)
    if isinstance(node, ast.Name):
        return _column(values[node.id]) if np.ndim(values[node.id]) else float(values[node.id])
    if isinstance(node, IndexSum):
        size = node.bound if isinstance(node.bound, int) else _extent(node, values)
        skipped = -1 if node.skip is None else _label(node.skip, values, indices)
        terms = [loops(node.body, values, {**indices, node.index: k}) for k in range(size) if k != skipped]
        return math.prod(terms) if node.product else sum(terms)
    if isinstance(node, Entry):
        base = loops(node.base, values, indices)
        at = tuple(
            slice(None) if slot is None else indices[slot] if isinstance(slot, str) else _label(slot, values, indices)
            for slot in node.slots
        )
        if len(at) == 1:
            return float(base[at[0], 0])
        picked = base[at]
        return picked.reshape(-1, 1) if np.ndim(picked) else float(picked)
    if isinstance(node, ast.Neg):
        return -loops(node.operand, values, indices)
    if isinstance(node, ast.Transpose):
        return np.transpose(loops(node.operand, values, indices))
    if isinstance(node, ast.Call):
        args = [loops(arg, values, indices) for arg in node.args]
        result = FUNCTIONS[node.func](*args)
        return result if np.ndim(result) else float(result)
    assert isinstance(node, ast.Binary), node
    left, right = loops(node.left, values, indices), loops(node.right, values, indices)
    if node.op in "*@":
        product = left @ right if np.ndim(left) and np.ndim(right) else left * right
        return float(np.ravel(product)[0]) if np.size(product) == 1 and np.ndim(product) else product
    return {"+": np.add, "-": np.subtract, "/": np.divide, "^": np.power}[node.op](left, right)


def _label(node: ast.Node, values: dict, indices: dict[str, int]) -> int:
    """The 0-based position a label (1..K) picks."""
    label = loops(node, values, indices)
    assert label == int(label) >= 1, label
    return int(label) - 1


def _extent(node: IndexSum, values: dict) -> int:
    """The number of values an index runs over: its bound's size, or the length of what it indexes."""
    if isinstance(node.bound, str):
        return int(values["__sizes"][node.bound])
    for item in node.body.walk():
        if isinstance(item, Entry) and node.index in item.slots:
            return np.shape(loops(item.base, values))[item.slots.index(node.index)]
    raise AssertionError(f"no extent for {node.index}")


def _values(result: symdiff.Result, rng: np.random.Generator, positive: bool) -> dict:
    sizes: dict[str, int] = {}
    values: dict[str, object] = {}
    labels = result.formula.labels
    for name, shape in result.formula.variables.items():
        dims = [d if isinstance(d, int) else sizes.setdefault(d, int(rng.integers(2, 5))) for d in shape]
        draw = rng.uniform(0.5, 1.5, size=dims) if positive else rng.normal(size=dims)
        if name in labels:  # class labels 1..K
            draw = rng.integers(1, sizes.setdefault(labels[name], int(rng.integers(2, 5))) + 1, size=dims) * 1.0
        values[name] = float(draw) if not shape else draw[:, 0] if shape[1] == 1 else draw
    for size in result.formula.typing.sizes:
        values[size] = float(sizes.setdefault(size, int(rng.integers(2, 5))))
    return {**values, "__sizes": sizes}


def loops_gradient(tree: ast.Node, values: dict, wrt: str) -> np.ndarray:
    """The gradient of the loops' value by ``wrt``, by central differences."""
    point = np.asarray(values[wrt], dtype=float)
    numeric = np.zeros(point.shape)
    for position in np.ndindex(point.shape):
        plus, minus = point.copy(), point.copy()
        plus[position] += 1e-6
        minus[position] -= 1e-6
        numeric[position] = (loops(tree, {**values, wrt: plus}) - loops(tree, {**values, wrt: minus})) / 2e-6
    return numeric


def assert_index_identity(formula: str, wrt: str, positive: bool = False, shapes=None, samples=None) -> symdiff.Result:
    """symdiff's matrix form equals the loops, and its derivative their central differences."""
    tree = symdiff.derive(formula, wrt, shapes, samples=samples).formula.tree
    result = symdiff.derive(formula, wrt, shapes, samples=samples)
    rng = np.random.default_rng(7)
    for _ in range(3):
        values = _values(result, rng, positive)
        given = {k: v for k, v in values.items() if k != "__sizes" and k not in result.formula.typing.sizes}
        np.testing.assert_allclose(
            symdiff.Result(result.formula, (), result.formula.expr).evaluate(**given), loops(tree, values), rtol=1e-9
        )
        numeric = loops_gradient(tree, values, wrt)
        actual = np.asarray(result.evaluate(**given), dtype=float)
        np.testing.assert_allclose(actual, numeric.reshape(actual.shape), rtol=1e-5, atol=1e-6)
    return result


# --- readings -----------------------------------------------------------------

READINGS = [
    (r"\sum_{i=1}^{n} y_i^2", "Sum(i, n, y[i]^2)"),
    (r"\sum_i y_i", "Sum(i, y[i])"),
    (r"\sum_{i,j} W_{ij}^2", "Sum(i, Sum(j, W[i, j]^2))"),
    (r"\sum_{i=1}^{n}\sum_{j=1}^{d} W_{ij}^2", "Sum(i, n, Sum(j, d, W[i, j]^2))"),
    (r"\sum_{i=1}^{n} \sum_{j=1}^{d} W_{i,j}", "Sum(i, n, Sum(j, d, W[i, j]))"),
    (r"\frac{1}{n}\sum_i (y_i - \mathbf{w}^\top \mathbf{x}_i)^2", "1/n*Sum(i, (y[i] - w.T*X[i, :])^2)"),
    (r"\frac{1}{2}\sum_{i=1}^{N} y_i^2 + \lambda \|\mathbf{w}\|^2", "1/2*Sum(i, N, y[i]^2) + lambda*norm(w)^2"),
    (r"-\sum_i y_i \log p_i", "-Sum(i, y[i]*log(p[i]))"),
    (r"\sum_{k=0}^{K-1} \exp(z_k)", "Sum(k, K, exp(z[k]))"),
    (r"\sum\limits_{k=1}^{K} \exp(z_k)", "Sum(k, K, exp(z[k]))"),
    (r"\prod_{i=1}^{3} p_i", "Prod(i, 3, p[i])"),
    (r"\sum_i a_i \sum_j b_j", "Sum(i, a[i]*Sum(j, b[j]))"),
    (r"a - \sum_i y_i + b", "a - Sum(i, y[i]) + b"),
    (r"\sum_i \left(y_i + z_i\right) - c", "Sum(i, y[i] + z[i]) - c"),
    (r"\sum_{i=1}^{n} \|\mathbf{x}_i - \boldsymbol{\mu}\|^2", "Sum(i, n, norm(X[i, :] - mu)^2)"),
    (r"\sum_i \mathbf{x}_i \mathbf{x}_i^\top", "Sum(i, X[i, :]*X[i, :].T)"),
    (r"\sum_{i} \hat{y}_i", "Sum(i, yhat[i])"),
]


@pytest.mark.parametrize(("latex", "plain"), READINGS)
def test_latex_reads_as_its_plain_spelling(latex: str, plain: str):
    assert parse_latex(latex) == parse(plain)


@pytest.mark.parametrize(
    ("latex", "message"),
    [
        (r"\sum_i a_i + b_i", "b_i is indexed by i, but stands outside the sum over i"),
        (r"\sum_i W_{i2}", "an entry inside a sum takes one or two index letters"),
        (r"\sum^{n} y_i", r"\sum without its index"),
        (r"\sum_{i=2}^{n} y_i", "a sum runs from 1 to a dimension"),
        (r"\sum_{i=0} y_i", "a sum from a lower bound needs its upper bound"),
    ],
)
def test_latex_refusals_name_the_construct(latex: str, message: str):
    with pytest.raises(ParseError) as caught:
        parse_latex(latex)
    assert message in str(caught.value)
    assert caught.value.span is not None


def test_samples_are_rows_of_the_capital_letter():
    tree = parse_latex(r"\sum_i \mathbf{w}^\top \mathbf{x}_i")
    assert tree == parse("Sum(i, w.T*X[i, :])")
    assert symdiff.parse(r"\sum_i \mathbf{w}^\top \mathbf{x}_i").text == "sum(X*w)"


def test_samples_may_be_columns_of_a_named_matrix():
    latex = r"\frac{1}{2}\sum_i (y_i - \mathbf{w}^\top \mathbf{x}_i)^2"
    result = assert_index_identity(latex, "w", samples={"x": "A:cols"})
    assert result.text == "-A*(y - A.T*w)"
    assert symdiff.derive(latex, "w", samples={"x": "A:rows"}).text == "-A.T*(y - A*w)"
    runner = CliRunner()
    answer = runner.invoke(main, ["derive", latex, "--wrt", "w", "--samples", "x=A:cols"])
    assert (answer.exit_code, answer.output) == (0, "-A*(y - A.T*w)\n")
    for spec in ("x=A:diag", "x", "x=2:rows"):
        refused = runner.invoke(main, ["derive", latex, "--wrt", "w", "--samples", spec])
        assert refused.exit_code == 2
        assert "is not a name and a matrix with rows or cols" in refused.output


@pytest.mark.parametrize(
    ("formula", "error", "message"),
    [
        ("Sum(i, n, y[i])", ShapeError, "the sum over i runs to n, but y (vector of length m) has m rows"),
        ("Sum(i, W[i])", ShapeError, "is a matrix: write two indices"),
        ("Sum(i, 2) + a[i]*b[j]*c[k]", ShapeError, "more than two free indices"),
        ("Sum(i, n, x[i]) + Sum(j, m, x[j])", ShapeError, "the sum over j runs to m"),
        ("Prod(i, n, p[i])", UnsupportedError, "a product over an index is read only with a number as its bound"),
        ("Sum(i, 2)", UnsupportedError, "nothing gives the dimension i runs over"),
    ],
)
def test_index_mistakes_are_errors(formula: str, error: type, message: str):
    with pytest.raises(error) as caught:
        symdiff.parse(formula, {"y": ("m",)} if "runs to n" in message else None)
    assert message in str(caught.value)


def test_plain_refusals():
    with pytest.raises(ParseError, match="the bound of a sum is a dimension"):
        parse("Sum(i, x + 1, y[i])")
    with pytest.raises(ParseError, match="its index, a name such as i"):
        parse("Sum(2, y[2])")
    with pytest.raises(ParseError, match="takes an index, an optional bound and a summand"):
        parse("Sum(i)")


# --- identities: index notation -> the textbook's matrix form ------------------


class Identity(NamedTuple):
    name: str
    formula: str
    wrt: str
    expected: str
    positive: bool = False


IDENTITIES = [
    Identity("sum of entries", "Sum(i, y[i])", "y", "ones(n)"),
    Identity("weighted samples", "Sum(i, a[i]*X[i, :]).T*v", "v", "X.T*a"),
    Identity("weighted samples by a", "Sum(i, a[i]*X[i, :]).T*v", "a", "X*v"),
    Identity("scatter matrix", "trace(Sum(i, X[i, :]*X[i, :].T)*A)", "A", "X.T*X"),
    Identity("Frobenius", "Sum(i, Sum(j, W[i, j]^2))", "W", "2*W"),
    Identity("weight decay", "lam/2*Sum(i, Sum(j, W[i, j]^2))", "W", "lam*W"),
    Identity("sum of exponentials", "Sum(k, exp(z[k]))", "z", "exp(z)"),
    Identity("log-sum-exp", "log(Sum(k, exp(z[k])))", "z", "softmax(z)"),
    Identity("squared norm by entries", "Sum(i, x[i]^2)", "x", "2*x"),
    Identity("dot product by entries", "Sum(i, a[i]*x[i])", "x", "a"),
    Identity("MSE", "1/2*Sum(i, n, (y[i] - w.T*X[i, :])^2)", "w", "-X.T*(y - X*w)"),
    Identity("mean MSE", "1/n*Sum(i, n, (y[i] - w.T*X[i, :])^2)", "w", "-2*X.T*(y - X*w)/n"),
    Identity("MSE by the targets", "1/2*Sum(i, n, (y[i] - w.T*X[i, :])^2)", "y", "y - X*w"),
    Identity("ridge", "Sum(i, n, (y[i] - w.T*X[i, :])^2) + lam*Sum(j, w[j]^2)", "w", "2*(lam*w - X.T*(y - X*w))"),
    Identity("MSE with bias", "Sum(i, (y[i] - w.T*X[i, :] - b)^2)", "b", "2*sum(b - (y - X*w))"),
    Identity(
        "logistic", "Sum(i, log(1 + exp(-y[i]*w.T*X[i, :])))", "w", "X.T*hadamard(-y, sigmoid(hadamard(X*w, -y)))"
    ),
    Identity(
        "cross-entropy of sigmoids",
        "-Sum(i, y[i]*log(sigmoid(w.T*X[i, :])) + (1 - y[i])*log(1 - sigmoid(w.T*X[i, :])))",
        "w",
        "X.T*(sigmoid(X*w) - y)",
    ),
    Identity("cross-entropy", "-Sum(i, y[i]*log(p[i]))", "p", "-hadamard(y, 1/p)", positive=True),
    Identity(
        "softmax cross-entropy over samples",
        "Sum(i, log(Sum(k, exp((X*W)[i, k]))) - Sum(k, Y[i, k]*(X*W)[i, k]))",
        "W",
        "X.T*(softmax(X*W, rows) - Y)",
    ),
    Identity(
        "softmax cross-entropy, one sample",
        "log(Sum(k, exp(z[k]))) - Sum(k, y[k]*z[k])",
        "z",
        "softmax(z) - y",
    ),
    Identity("hinge", "Sum(i, max(0, 1 - y[i]*w.T*X[i, :]))", "w", "X.T*hadamard(y, step(hadamard(X*w, y) - 1) - 1)"),
    Identity(
        "multiclass SVM (one-hot Y)",
        "Sum(i, Sum(j, max(0, (X*W)[i, j] - Sum(k, Y[i, k]*(X*W)[i, k]) + 1)))",
        "W",
        "X.T*(1 - hadamard((1 - step(-(X*W - hadamard(Y, X*W)*ones(d)*ones(d).T) - 1))*ones(d)*ones(d).T, Y) "
        "- step(hadamard(Y, X*W)*ones(d)*ones(d).T - X*W - 1))",
    ),
    Identity("linear layer's entries", "Sum(i, Sum(j, G[i, j]*(W*X.T)[i, j]))", "W", "G*X"),
    Identity("bilinear", "Sum(i, Sum(j, a[i]*W[i, j]*b[j]))", "W", "a*b.T"),
    Identity("quadratic form", "Sum(i, Sum(j, x[i]*A[i, j]*x[j]))", "x", "(A + A.T)*x"),
    Identity(
        "attention scores row by row",
        "Sum(i, log(Sum(k, exp((Q*K.T)[i, k]/s))))",
        "Q",
        "softmax(Q*K.T/s, rows)*K/s",
    ),
    Identity(
        "attention weights row by row",
        "Sum(i, Sum(k, G[i, k]*exp((Q*K.T)[i, k]/s)/Sum(m, exp((Q*K.T)[i, m]/s))))",
        "Q",
        "hadamard(G - hadamard(G, softmax(Q*K.T/s, rows))*ones(d)*ones(d).T, softmax(Q*K.T/s, rows))*K/s",
    ),
    Identity("k-means distortion", "Sum(i, norm(X[i, :] - mu)^2)", "mu", "-2*(X.T - mu*ones(n).T)*ones(n)"),
    Identity("sum of samples", "v.T*Sum(i, X[i, :])", "v", "X.T*ones(n)"),
    Identity("tanh layer", "Sum(i, tanh(w.T*X[i, :]))", "w", "X.T*(1 - tanh(X*w)^2)"),
]

# Textbook rows (indexform): each loss as courses write it with index sums, printed in the textbook's matrix form.
TEXTBOOK = [
    Identity("mean squared error, LaTeX", r"\frac{1}{2n}\sum_{i=1}^{n}(y_i - \mathbf{w}^\top\mathbf{x}_i)^2", "w",
             "-X.T*(y - X*w)/n"),
    Identity("ridge, halved", "1/2*Sum(i, n, (y[i] - w.T*X[i, :])^2) + lam/2*Sum(j, w[j]^2)", "w",
             "lam*w - X.T*(y - X*w)"),
    Identity("logistic cross-entropy, mean over samples",
             "-1/n*Sum(i, y[i]*log(sigmoid(w.T*X[i, :])) + (1 - y[i])*log(1 - sigmoid(w.T*X[i, :])))", "w",
             "X.T*(sigmoid(X*w) - y)/n"),
    Identity("softmax cross-entropy, mean over samples",
             "1/n*Sum(i, log(Sum(k, exp((X*W)[i, k]))) - Sum(k, Y[i, k]*(X*W)[i, k]))", "W",
             "X.T*(softmax(X*W, rows) - Y)/n"),
    Identity("softmax cross-entropy by the logits", "Sum(i, log(Sum(k, exp(Z[i, k]))) - Sum(k, Y[i, k]*Z[i, k]))",
             "Z", "softmax(Z, rows) - Y"),
    Identity("log-sum-exp of each row", "Sum(i, log(Sum(k, exp(Z[i, k]))))", "Z", "softmax(Z, rows)"),
    Identity("weight decay, LaTeX", r"\frac{\lambda}{2}\sum_{i,j} W_{ij}^2", "W", "lambda*W"),
    Identity("Frobenius distance", "Sum(i, Sum(j, (W[i, j] - V[i, j])^2))", "W", "2*(W - V)"),
    Identity("Frobenius inner product", "Sum(i, Sum(j, W[i, j]*X[i, j]))", "W", "X"),
    Identity("L1 penalty", "lam*Sum(i, Sum(j, abs(W[i, j])))", "W", "lam*sign(W)"),
    Identity("linear layer's entries by W", "Sum(i, g[i]*(Sum(j, W[i, j]*x[j]) + b[i]))", "W", "g*x.T"),
    Identity("linear layer's entries by x", "Sum(i, g[i]*(Sum(j, W[i, j]*x[j]) + b[i]))", "x", "W.T*g"),
    Identity("linear layer's entries by b", "Sum(i, g[i]*(Sum(j, W[i, j]*x[j]) + b[i]))", "b", "g"),
    Identity("linear layer, squared error", "1/2*Sum(i, (Sum(j, W[i, j]*x[j]) + b[i] - t[i])^2)", "W",
             "(W*x + b - t)*x.T"),
    Identity("low-rank fit", "Sum(i, n, Sum(j, d, (X[i, j] - (U*V.T)[i, j])^2))", "U", "-2*(X - U*V.T)*V"),
    Identity("attention scores by Q, scaled by sqrt(d)", "Sum(i, log(Sum(k, exp((Q*K.T)[i, k]/sqrt(d)))))", "Q",
             "softmax(Q*K.T/sqrt(d), rows)*K/sqrt(d)", positive=True),
    Identity("attention scores by K, scaled by sqrt(d)", "Sum(i, log(Sum(k, exp((Q*K.T)[i, k]/sqrt(d)))))", "K",
             "softmax(Q*K.T/sqrt(d), rows).T*Q/sqrt(d)", positive=True),
]  # fmt: skip
IDENTITIES += TEXTBOOK


# Labels (integers 1..K): entries at a label, s[y[i]], are one-hot picks; Sum(j != y[i], ...) skips the label.
IDENTITIES += [
    Identity(
        "multiclass SVM by the scores",
        "Sum(i, n, Sum(j != y[i], K, max(0, S[i, j] - S[i, y[i]] + 1)))",
        "S",
        "hadamard(1 - onehot(y), 1 - step(hadamard(S, onehot(y))*ones(K)*ones(K).T - S - 1)) "
        "+ hadamard(hadamard(1 - onehot(y), step(hadamard(S, onehot(y))*ones(K)*ones(K).T - S - 1) - 1)"
        "*ones(K)*ones(K).T, onehot(y))",
    ),
    Identity(
        "multiclass SVM by the weights",
        "Sum(i, n, Sum(j != y[i], K, max(0, (X*W)[i, j] - (X*W)[i, y[i]] + 1)))",
        "W",
        "X.T*(hadamard(1 - onehot(y), 1 - step(hadamard(X*W, onehot(y))*ones(K)*ones(K).T - X*W - 1)) "
        "+ hadamard(hadamard(1 - onehot(y), step(hadamard(X*W, onehot(y))*ones(K)*ones(K).T - X*W - 1) - 1)"
        "*ones(K)*ones(K).T, onehot(y)))",
    ),
    Identity(
        "multiclass SVM, one sample, by the scores",
        "Sum(j != y, K, max(0, s[j] - s[y] + 1))",
        "s",
        "sum(hadamard(1 - onehot(y), step(s.T*onehot(y) - s - 1) - 1))*onehot(y) "
        "+ hadamard(1 - onehot(y), 1 - step(s.T*onehot(y) - s - 1))",
    ),
    Identity(
        "multiclass SVM, one sample, by the weights",
        "Sum(j != y, K, max(0, W[j, :].T*x - W[y, :].T*x + 1))",
        "W",
        "(sum(hadamard(1 - onehot(y), step(onehot(y).T*W*x - W*x - 1) - 1))*onehot(y) "
        "+ hadamard(1 - onehot(y), 1 - step(onehot(y).T*W*x - W*x - 1)))*x.T",
    ),
    Identity(
        "k-means distortion by the centroids",
        "Sum(i, n, norm(X[i, :] - M[c[i], :])^2)",
        "M",
        "-2*onehot(c).T*(X - onehot(c)*M)",
    ),
    Identity(
        "softmax cross-entropy with integer labels",
        "-Sum(i, n, log(exp((X*W)[i, y[i]])/Sum(k, K, exp((X*W)[i, k]))))",
        "W",
        "X.T*(softmax(X*W, rows) - onehot(y))",
    ),
    Identity(
        "softmax cross-entropy with integer labels by the scores",
        "-Sum(i, n, log(exp(S[i, y[i]])/Sum(k, K, exp(S[i, k]))))",
        "S",
        "softmax(S, rows) - onehot(y)",
    ),
    Identity("scores at the labels", "Sum(i, n, a[i]*s[y[i]])", "s", "onehot(y, d).T*a"),
    Identity("centroids weighted by samples", "Sum(i, n, a[i]*M[c[i], :]).T*v", "M", "onehot(c, d).T*a*v.T"),
    Identity("rows of W at the labels", "Sum(i, n, Sum(j, d, W[y[i], j]*X[i, j]))", "W", "onehot(y, m).T*X"),
]


def test_the_table_is_large_enough():
    assert len(IDENTITIES) >= 25


@pytest.mark.parametrize("identity", IDENTITIES, ids=lambda identity: identity.name)
def test_index_identity(identity: Identity):
    result = assert_index_identity(identity.formula, identity.wrt, identity.positive)
    assert result.text == identity.expected
    again = symdiff.parse(result.text, result.formula.variables)
    values = {k: v for k, v in _values(result, np.random.default_rng(3), identity.positive).items() if k != "__sizes"}
    values = {k: v for k, v in values.items() if k in again.formula.variables}
    full = {k: v for k, v in _values(result, np.random.default_rng(3), identity.positive).items() if k != "__sizes"}
    full = {k: v for k, v in full.items() if k in result.formula.variables}
    np.testing.assert_allclose(again.evaluate(**values), result.evaluate(**full), rtol=1e-9)


NO_INDEX_STEPS = {"scatter matrix"}
"""Rows whose index form is not read (a trace of a sum of outer products): ``--steps`` gives the chain rule."""


@pytest.mark.parametrize(
    "identity", [row for row in IDENTITIES if row.name not in NO_INDEX_STEPS], ids=lambda identity: identity.name
)
def test_index_and_matrix_forms_agree(identity: Identity):
    """The gradient's entry in index form (deltas resolved, ``--steps``) equals the matrix form, at random sizes."""
    (steps,) = symdiff.program("L = " + identity.formula).steps(identity.wrt)
    matrix_line = [k for k, line in enumerate(steps.lines) if line.text.endswith("(the matrix form)")]
    resolved = steps.lines[matrix_line[0] - 1 if matrix_line else -1].text.split("    (")[0]
    matrix = symdiff.derive(identity.formula, identity.wrt)
    read = symdiff.parse(resolved, matrix.formula.variables)
    rng = np.random.default_rng(13)
    for _ in range(3):
        values = _values(matrix, rng, identity.positive)
        given = {k: v for k, v in values.items() if k != "__sizes" and k not in matrix.formula.typing.sizes}
        index_form = np.asarray(read.evaluate(**{k: given[k] for k in read.formula.variables}), dtype=float)
        np.testing.assert_allclose(index_form, np.asarray(matrix.evaluate(**given), dtype=float), rtol=1e-8)


# --- forms and front ends -------------------------------------------------------


def test_latex_and_plain_give_the_same_matrix_form():
    latex = r"\frac{1}{2}\sum_{i=1}^{n} (y_i - \mathbf{w}^\top \mathbf{x}_i)^2 + \frac{\lambda}{2} \|\mathbf{w}\|^2"
    plain = "1/2*Sum(i, n, (y[i] - w.T*X[i, :])^2) + lambda/2*norm(w)^2"
    result = symdiff.derive(latex, "w")
    assert result.text == symdiff.derive(plain, "w").text == "lambda*w - X.T*(y - X*w)"
    values = {k: v for k, v in _values(result, np.random.default_rng(1), False).items() if k != "__sizes"}
    again = symdiff.parse(result.latex, result.formula.variables)
    np.testing.assert_allclose(again.evaluate(**values), result.evaluate(**values), rtol=1e-9)


def test_concrete_bounds_expand_to_components():
    result = symdiff.derive(r"\sum_{i=1}^{3} x_i^2 w_i", "w1")
    assert result.text == "x1^2"
    product = assert_index_identity("Prod(i, 3, x[i]^2 + 1)", "x")
    assert product.formula.form == "component"


def test_the_cli_reads_index_sums():
    runner = CliRunner()
    result = runner.invoke(main, ["derive", r"\sum_{i,j} W_{ij}^2", "--wrt", "W"])
    assert result.exit_code == 0, result.output
    assert result.output == "2*W\n"
    refused = runner.invoke(main, ["derive", r"\sum_i a_i + b_i", "--wrt", "a"])
    assert refused.exit_code == 2
    assert "stands outside the sum over i" in refused.output


# --- the partial by an entry, in index form ------------------------------------

ENTRIES = [
    ("Sum(i, Sum(j, W[i, j]^2))", "W[k, l]", "2*W[k, l]"),
    ("Sum(i, n, (y[i] - w.T*X[i, :])^2)", "w[j]", "-2*Sum(i, n, (y[i] - Sum(k, d, X[i, k]*w[k]))*X[i, j])"),
    ("Sum(k, exp(z[k]))", "z[j]", "exp(z[j])"),
    (
        "Sum(i, log(1 + exp(-y[i]*w.T*X[i, :])))",
        "w[j]",
        "-Sum(i, n, sigmoid(-y[i]*Sum(k, d, X[i, k]*w[k]))*X[i, j]*y[i])",
    ),
    ("Sum(i, Sum(j, x[i]*A[i, j]*x[j]))", "x[j]", "Sum(i, n, (A[i, j] + A[j, i])*x[i])"),
    ("Sum(i, Sum(j, a[i]*W[i, j]*b[j]))", "W[k, l]", "a[k]*b[l]"),
    ("Sum(i, norm(X[i, :] - mu)^2)", "mu[j]", "-2*Sum(i, n, X[i, j] - mu[j])"),
    ("Sum(i, a[i]*X[i, :]).T*v", "v[j]", "Sum(i, n, X[i, j]*a[i])"),
]


@pytest.mark.parametrize(("formula", "wrt", "expected"), ENTRIES)
def test_partial_by_an_entry(formula: str, wrt: str, expected: str):
    """The index form: finite differences of the loops, equal to the matrix form's entries, read back."""
    base = wrt.split("[")[0]
    result = symdiff.derive(formula, wrt)
    assert result.text == expected
    assert "KroneckerDelta" not in result.text and "Derivative" not in result.text
    matrix = symdiff.derive(formula, base)
    tree = matrix.formula.tree
    rng = np.random.default_rng(11)
    for _ in range(3):
        values = _values(matrix, rng, False)
        given = {k: v for k, v in values.items() if k != "__sizes" and k not in matrix.formula.typing.sizes}
        numeric = loops_gradient(tree, values, base)
        index_form = np.asarray(result.evaluate(**given), dtype=float)
        np.testing.assert_allclose(index_form, numeric.reshape(index_form.shape), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(index_form, matrix.evaluate(**given), rtol=1e-9, atol=1e-12)
        read = symdiff.parse(result.text, matrix.formula.variables)
        np.testing.assert_allclose(read.evaluate(**{k: given[k] for k in read.formula.variables}), index_form)
        if "Sum(" in result.text:  # a lone W_{kl} in LaTeX is a name; inside a sum it is an entry
            latex = symdiff.parse(result.latex, matrix.formula.variables)
            np.testing.assert_allclose(latex.evaluate(**{k: given[k] for k in latex.formula.variables}), index_form)


def test_entry_partials_in_latex_and_on_the_command_line():
    result = symdiff.derive(r"\frac{1}{2}\sum_{i=1}^{n} (y_i - \mathbf{w}^\top \mathbf{x}_i)^2", "w[j]")
    assert result.latex == r"- \sum_{i=1}^{n} \left(y_{i} - \sum_{k=1}^{d} X_{ik} w_{k}\right) X_{ij}"
    assert result.shape == ("d",)  # it stands for the partials at every j, as w[j] free reads
    runner = CliRunner()
    answer = runner.invoke(main, ["derive", r"\sum_{i,j} W_{ij}^2", "--wrt", "W[k, l]", "--format", "latex"])
    assert answer.exit_code == 0, answer.output
    assert answer.output == "2 W_{kl}\n"


@pytest.mark.parametrize(
    ("formula", "wrt", "message"),
    [
        ("Sum(i, Sum(j, W[i, j]^2))", "W[k]", "its entry takes 2 different index names"),
        ("Sum(i, y[i]^2)", "y[k, k]", "its entry takes 1 different index names"),
        ("Sum(i, y[i]^2)*n", "y[n]", "the index n is also a name of the formula"),
        ("Sum(i, 3, y[i]^2)", "y[j]", "differentiate by a component such as y1"),
        ("W*x", "x[j]", "the partial by an entry of x is of a scalar formula"),
    ],
)
def test_entry_partial_mistakes(formula: str, wrt: str, message: str):
    with pytest.raises(symdiff.SymdiffError) as caught:
        symdiff.derive(formula, wrt)
    assert message in str(caught.value)


# --- checking options in index notation against matrix forms, and the reverse ---------


def test_check_compares_index_and_matrix_forms_and_names_index_mistakes():
    question = "L = 1/(2*n)*Sum(i, n, (y[i] - w.T*X[i, :])^2)"
    shapes = {"X": ("n", "d"), "w": ("d",), "y": ("n",)}
    options = [
        "-1/n*X.T*(y - X*w)",
        "-1/n*Sum(i, n, (y[i] - w.T*X[i, :])*X[i, :])",
        "-X.T*(y - X*w)",
        "-1/n^2*X.T*(y - X*w)",
        "-1/n*Sum(i, n, (y[i] - w.T*X[i, :])*X[i, :].T)",
    ]
    checked = symdiff.check(question, "w", options, shapes)
    assert checked.correct == (1, 2)
    reasons = [option.why for option in checked.options]
    assert reasons[2] == "it is n times the answer: a 1/n is missing"
    assert reasons[3] == "it is the answer divided by n: a 1/n too many"
    assert "transpose" in reasons[4]
    latex = symdiff.check(
        r"L = \frac{1}{2}\sum_{i=1}^{n} (y_i - \mathbf{w}^\top \mathbf{x}_i)^2", "w", ["-X.T*(y - X*w)"], shapes
    )
    assert latex.correct == (1,)


def test_check_an_entry_partial_against_options_in_both_forms():
    question = "L = Sum(i, n, (y[i] - w.T*X[i, :])^2)"
    shapes = {"X": ("n", "d"), "w": ("d",), "y": ("n",)}
    options = ["-2*Sum(i, n, (y[i] - w.T*X[i, :])*X[i, j])", "-2*X.T*(y - X*w)", "2*X.T*(y - X*w)"]
    checked = symdiff.check(question, "w[j]", options, shapes)
    assert checked.correct == (1, 2)
    assert checked.options[2].why == "it has the wrong sign: it is minus the answer"


def test_a_partial_by_an_entry_is_not_differentiated_again():
    with pytest.raises(symdiff.SymdiffError, match="is not differentiated again"):
        symdiff.derive("Sum(i, n, (y[i] - w.T*X[i, :])^2)", ["w[j]", "w[k]"])
