r"""Labels in index notation: entries at a label (s_{y_i}) and sums that skip one (\sum_{j \neq y_i}).

The losses of classifiers and of k-means read as courses write them, in
LaTeX and in plain syntax, and their derivatives are compared with central
finite differences and with the vectorised gradients course notes give
(cs231n's SVM and softmax, the k-means centroid update), at points away
from the kinks of max(0, ·). Labels are integers 1..K; anything else is an
error naming them, and so is differentiating by them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from click.testing import CliRunner
from numeric import assert_matches_finite_differences
from test_index_notation import assert_index_identity

import symdiff
from symdiff.cli import main
from symdiff.errors import EvaluationError, ParseError, ShapeError, UnsupportedError
from symdiff.parse import parse, parse_latex

SVM = r"\sum_{i=1}^{n} \sum_{j \neq y_i} \max(0, s_{ij} - s_{i, y_i} + \Delta)"
KMEANS = r"\sum_{i=1}^{n} \|\mathbf{x}_i - \boldsymbol{\mu}_{c_i}\|^2"
SOFTMAX = r"-\sum_{i=1}^{n} \log \frac{e^{s_{i, y_i}}}{\sum_{k=1}^{K} e^{s_{ik}}}"

READINGS = [
    (SVM, "Sum(i, n, Sum(j != y[i], max(0, s[i, j] - s[i, y[i]] + Delta)))"),
    (r"\sum_{j \ne y} \max(0, s_j - s_y + 1)", "Sum(j != y, max(0, s[j] - s[y] + 1))"),
    (KMEANS, "Sum(i, n, norm(X[i, :] - M[c[i], :])^2)"),
    (SOFTMAX, "-Sum(i, n, log(exp(s[i, y[i]])/Sum(k, K, exp(s[i, k]))))"),
    (r"\sum_i \sum_j W_{y_i, j} x_{ij}", "Sum(i, Sum(j, W[y[i], j]*x[i, j]))"),
    (r"\sum_i \log p_{y_i}", "Sum(i, log(p[y[i]]))"),
]


@pytest.mark.parametrize(("latex", "plain"), READINGS)
def test_latex_reads_as_its_plain_spelling(latex: str, plain: str):
    assert parse_latex(latex) == parse(plain)


def test_a_transposed_entry_is_refused_in_latex():
    """cs231n writes w_j^T x_i for row j of W: read as an entry of w it would be a number, so it is asked for."""
    with pytest.raises(ParseError) as caught:
        parse_latex(r"\sum_{j \neq y_i} \max(0, w_j^T x_i - w_{y_i}^T x_i + \Delta)")
    assert caught.value.message == "w_j is an entry of w, a number, but it is transposed"
    assert caught.value.hint == r"for the vector w_j (a row of a matrix), write it bold: \mathbf{w}_j"


def test_a_lower_case_name_with_two_indices_is_a_matrix():
    """s_{ij} is entry (i, j) of a matrix s: never a vector whose second index runs to 1."""
    assert symdiff.parse(SVM).formula.variables["s"] == ("n", "d")
    with pytest.raises(ShapeError, match="is a vector: write one index"):
        symdiff.parse("Sum(i, Sum(j, y[i, j]))", {"y": ("n",)})


def _scores(n: int, k: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Scores whose SVM margins all lie at least 0.1 from the kink of max(0, ·), and labels 1..K."""
    while True:
        scores, labels = rng.normal(size=(n, k)), rng.integers(1, k + 1, size=n)
        margins = scores - scores[np.arange(n), labels - 1][:, None] + 1
        if np.all(np.abs(margins) > 0.1):
            return scores, labels.astype(float)


def _svm_gradient(scores: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """cs231n's vectorised SVM gradient by the scores."""
    n = len(labels)
    rows, picked = np.arange(n), labels.astype(int) - 1
    margins = scores - scores[rows, picked][:, None] + 1
    margins[rows, picked] = 0
    binary = (margins > 0).astype(float)
    binary[rows, picked] = -binary.sum(axis=1)
    return binary


def test_the_svm_loss_in_latex_has_the_course_gradient_away_from_the_kinks():
    result = assert_index_identity(SVM, "s")
    rng = np.random.default_rng(5)
    for n, k in ((4, 3), (6, 5)):
        scores, labels = _scores(n, k, rng)
        np.testing.assert_allclose(result.evaluate(s=scores, y=labels, Delta=1.0), _svm_gradient(scores, labels))


def test_the_svm_by_the_weights_is_the_data_times_the_gradient_by_the_scores():
    formula = "Sum(i, n, Sum(j != y[i], K, max(0, (X*W)[i, j] - (X*W)[i, y[i]] + 1)))"
    result = symdiff.derive(formula, "W")
    rng = np.random.default_rng(2)
    X = rng.normal(size=(5, 3))
    W = np.linalg.lstsq(X, _scores(5, 4, rng)[0], rcond=None)[0]
    labels = _scores(5, 4, rng)[1]
    scores = X @ W
    margins = scores - scores[np.arange(5), labels.astype(int) - 1][:, None] + 1
    assert np.all(np.abs(margins) > 1e-3)
    np.testing.assert_allclose(result.evaluate(X=X, W=W, y=labels), X.T @ _svm_gradient(scores, labels), atol=1e-12)


def test_softmax_cross_entropy_with_integer_labels():
    result = assert_index_identity(SOFTMAX, "s")
    assert result.text == "softmax(s, rows) - onehot(y)"
    rng = np.random.default_rng(3)
    scores, labels = rng.normal(size=(4, 3)), np.array([1.0, 3.0, 2.0, 3.0])
    probabilities = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(result.evaluate(s=scores, y=labels), probabilities - np.eye(3)[[0, 2, 1, 2]])


def test_kmeans_by_the_centroid_matrix_is_the_course_update():
    result = assert_index_identity(KMEANS, "M")
    assert result.text == "-2*onehot(c).T*(X - onehot(c)*M)"
    assert result.latex == (
        r"-2 \operatorname{onehot}\left(\mathbf{c}\right)^\top "
        r"\left(\mathbf{X} - \operatorname{onehot}\left(\mathbf{c}\right) \mathbf{M}\right)"
    )
    rng = np.random.default_rng(4)
    X, M, c = rng.normal(size=(7, 2)), rng.normal(size=(3, 2)), np.array([1, 2, 3, 1, 1, 3, 2.0])
    expected = np.array([2 * np.sum(M[k] - X[c == k + 1], axis=0) for k in range(3)])
    np.testing.assert_allclose(result.evaluate(X=X, M=M, c=c), expected)


def test_binary_hinge_with_labels_plus_or_minus_one():
    result = symdiff.derive(r"\sum_{i=1}^{n} \max(0, 1 - y_i \mathbf{w}^\top \mathbf{x}_i)", "w")
    rng = np.random.default_rng(6)
    X, w, y = rng.normal(size=(8, 3)), rng.normal(size=3), rng.choice([-1.0, 1.0], size=8)
    assert np.all(np.abs(1 - y * (X @ w)) > 1e-3)
    expected = -X.T @ (y * (y * (X @ w) < 1))
    np.testing.assert_allclose(result.evaluate(X=X, w=w, y=y), expected)


def test_one_sample_svm_by_its_scores_and_by_the_weights():
    latex = r"\sum_{j \neq y} \max(0, \mathbf{w}_j^\top \mathbf{x} - \mathbf{w}_y^\top \mathbf{x} + \Delta)"
    assert parse_latex(latex) == parse("Sum(j != y, max(0, W[j, :].T*x - W[y, :].T*x + Delta))")
    by_weights = assert_index_identity(latex, "W")
    by_scores = assert_index_identity(r"\sum_{j \neq y} \max(0, s_j - s_y + \Delta)", "s")
    rng = np.random.default_rng(8)
    W, x = rng.normal(size=(4, 3)), rng.normal(size=3)
    scores, label = W @ x, 2.0
    margins = scores - scores[1] + 1
    assert np.all(np.abs(margins) > 1e-3)
    gradient = _svm_gradient(scores[None, :], np.array([label]))[0]
    np.testing.assert_allclose(by_scores.evaluate(s=scores, y=label, Delta=1.0), gradient)
    np.testing.assert_allclose(by_weights.evaluate(W=W, x=x, y=label, Delta=1.0), np.outer(gradient, x))


def test_the_onehot_operation_reads_prints_and_evaluates():
    result = assert_matches_finite_differences("sum(hadamard(onehot(y), X*W))", "W", {"X": ("n", "d"), "W": ("d", "K")})
    assert result.text == "X.T*onehot(y, K)"  # K, the columns of W, written: W is not in the answer
    assert result.latex == r"\mathbf{X}^\top \operatorname{onehot}\left(\mathbf{y}, K\right)"
    alone = symdiff.derive("a.T*onehot(y, K)*b", "a")
    assert alone.text == "onehot(y)*b"  # K, the length of b
    picked = alone.evaluate(a=np.zeros(3), y=np.array([2.0, 1.0, 2.0]), b=np.array([10.0, 20.0]))
    np.testing.assert_allclose(picked, [20.0, 10.0, 20.0])
    assert symdiff.parse(r"\operatorname{onehot}(\mathbf{y}, K)^\top \mathbf{a}").text == "onehot(y, K).T*a"


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (np.array([1.0, 2.5, 3.0]), "the labels y must be integers from 1 to 3 (the number of classes), got 2.5"),
        (np.array([1.0, 4.0, 3.0]), "the labels y must be integers from 1 to 3 (the number of classes), got 4"),
        (np.array([0.0, 1.0, 3.0]), "the labels y must be integers from 1 to 3 (the number of classes), got 0"),
    ],
)
def test_labels_that_are_not_classes_are_an_error_naming_them(labels, message):
    result = symdiff.parse("Sum(i, n, S[i, y[i]])")
    with pytest.raises(EvaluationError) as caught:
        result.evaluate(S=np.ones((3, 3)), y=labels)
    assert caught.value.message == message
    assert "counted from 1" in caught.value.hint


@pytest.mark.parametrize(
    ("formula", "wrt"),
    [("Sum(i, n, Sum(j != y[i], max(0, S[i, j] - S[i, y[i]] + 1)))", "y"), ("x.T*onehot(y)*s", "y")],
)
def test_nothing_is_differentiated_by_labels(formula: str, wrt: str):
    with pytest.raises(
        UnsupportedError,
        match=r"y holds class labels \(integers 1..K, in onehot\(y\)\): nothing is differentiable by them",
    ):
        symdiff.derive(formula, wrt)


def test_a_derivative_by_labels_on_the_command_line_is_exit_2():
    answer = CliRunner().invoke(main, ["derive", KMEANS, "--wrt", "c"])
    assert answer.exit_code == 2
    assert "c holds class labels" in answer.output and "Traceback" not in answer.output
    answer = CliRunner().invoke(main, ["derive", KMEANS, "--wrt", "M"])
    assert answer.exit_code == 0
    assert answer.output == "-2*onehot(c).T*(X - onehot(c)*M)\n"


@pytest.mark.parametrize(
    ("formula", "shapes", "error", "message"),
    [
        ("exp(j != y, x)", None, ParseError, "only a sum skips a value"),
        ("Prod(j != y[i], K, s[j])", None, ParseError, "a product cannot skip a value"),
        ("Sum(j != y[j], s[j])", None, UnsupportedError, "an entry at an index no sum runs over"),
        ("Sum(i, S[y[i], z[i]])", None, UnsupportedError, "an entry at two labels"),
        ("Sum(i, S[i, W[i, :]])", None, ShapeError, "a label picks one entry: W[i, :] (vector"),
        ("onehot(W)*x", None, ShapeError, "onehot takes a vector of labels"),
        ("Sum(i, s[y[i]])", {"s": (3,), "y": (2,)}, UnsupportedError, "read only with symbolic dims"),
        ("sum(onehot(y))", None, ShapeError, "the size of onehot(y) cannot be inferred"),
    ],
)
def test_label_mistakes_are_errors(formula: str, shapes, error: type, message: str):
    with pytest.raises(error) as caught:
        symdiff.parse(formula, shapes)
    assert message in str(caught.value)


def test_numpy_code_of_a_loss_with_labels_runs(tmp_path):
    code = symdiff.derive("-Sum(i, n, log(exp((X*W)[i, y[i]])/Sum(k, K, exp((X*W)[i, k]))))", "W").code("numpy")
    (tmp_path / "softmax_loss.py").write_text(code)
    script = textwrap.dedent(
        """
        import numpy as np
        from softmax_loss import f_and_grad, check_gradient
        rng = np.random.default_rng(0)
        X, W, y = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), np.array([1, 4, 2, 2, 3])
        value, gradient = f_and_grad(W, X, y)
        scores = X @ W
        p = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
        assert np.isclose(value, -np.sum(np.log(p[np.arange(5), y - 1])))
        assert np.allclose(gradient, X.T @ (p - np.eye(4)[y - 1]))
        assert check_gradient(W, X, y) < 1e-5
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(tmp_path)}
    )
    assert done.returncode == 0, done.stderr


def test_check_draws_labels_as_integers_and_names_a_wrong_option():
    question = "L = Sum(i, n, norm(X[i, :] - M[c[i], :])^2)"
    options = ["-2*onehot(c).T*(X - onehot(c)*M)", "2*onehot(c).T*(X - onehot(c)*M)", "-2*onehot(c).T*X - M"]
    checked = symdiff.check(question, "M", options)
    assert checked.correct == (1,)
    assert checked.options[1].why == "it has the wrong sign: it is minus the answer"
    softmax = "L = -Sum(i, n, log(exp(S[i, y[i]])/Sum(k, K, exp(S[i, k]))))"
    wrong = symdiff.check(softmax, "S", ["softmax(S, rows) - onehot(y)", "softmax(S, rows)"])
    assert wrong.correct == (1,)
    assert "y = [" in wrong.options[1].why and "differs from the answer" in wrong.options[1].why
