"""LaTeX as other courses and textbooks write it (CS229, Bishop, Goodfellow et al.):
each string reads as its stated plain meaning, and the derivatives of the
objectives agree with central finite differences."""

from __future__ import annotations

import pytest
from numeric import assert_matches_finite_differences

from symdiff.parse import parse, parse_latex

SCALARS = {"y": (), "b": (), "lambda": (), "m": (), "epsilon": ()}
NET = {"W_1": ("h", "d"), "W_2": ("k", "h")}
GAUSS = {"Sigma": ("d", "d"), "mu": ("d",), "x": ("d",)}

# LaTeX, plain meaning, what to differentiate by, shapes the notation implies
COURSES = [
    # linear and logistic regression (CS229)
    (r"\mathbf{w}^\top \mathbf{x} + b", "w.T*x + b", "w", SCALARS),
    (r"\theta^T x", "theta.T*x", None, None),
    (r"\log \sigma(\mathbf{w}^\top\mathbf{x})", "log(sigmoid(w.T*x))", "w", None),
    (r"\log\left(1 + e^{-y\,\mathbf{w}^\top\mathbf{x}}\right)", "log(1 + exp(-y*w.T*x))", "w", SCALARS),
    (r"-y \log \sigma(\mathbf{w}^\top \mathbf{x}) - (1 - y) \log\left(1 - \sigma(\mathbf{w}^\top \mathbf{x})\right)",
     "(-y)*log(sigmoid(w.T*x)) - (1 - y)*log(1 - sigmoid(w.T*x))", "w", SCALARS),
    (r"\max(0, 1 - y\,\mathbf{w}^\top \mathbf{x})", "max(0, 1 - y*w.T*x)", "w", SCALARS),
    (r"\frac{1}{m}\|\mathbf{X}\mathbf{w} - \mathbf{y}\|^2", "1/m*norm(X*w - y)^2", "w", {"m": ()}),
    # ridge regression and matrix factorization (Bishop)
    (r"\frac{1}{2}\|\mathbf{y} - \mathbf{X}\boldsymbol{\beta}\|_2^2 + \lambda \|\boldsymbol{\beta}\|_2^2",
     "1/2*norm(y - X*beta)^2 + lambda*norm(beta)^2", "beta", None),
    (r"\|\mathbf{X} - \mathbf{U}\mathbf{V}^\top\|_F^2", "norm(X - U*V.T)^2", "U", None),
    (r"\frac{\mathbf{x}^\top \mathbf{A} \mathbf{x}}{\mathbf{x}^\top \mathbf{x}}", "(x.T*A*x)/(x.T*x)", "x", None),
    (r"\mathbf{x}^\top (\mathbf{A} + \lambda \mathbf{I}_n) \mathbf{x}", "x.T*(A + lambda*eye(n))*x", "x", None),
    # Gaussians (Bishop ch. 2): the shapes the bold letters stand for are declared
    (r"(\mathbf{x} - \boldsymbol{\mu})^\top \boldsymbol{\Sigma}^{-1} (\mathbf{x} - \boldsymbol{\mu})",
     "(x - mu).T*inv(Sigma)*(x - mu)", "mu", GAUSS),
    (r"-\frac{1}{2}\log\det\boldsymbol{\Sigma} - \frac{1}{2}(\mathbf{x} - \boldsymbol{\mu})^\top \boldsymbol{\Sigma}^{-1}(\mathbf{x} - \boldsymbol{\mu})",
     "-(1/2)*log(det(Sigma)) - 1/2*(x - mu).T*inv(Sigma)*(x - mu)", None, GAUSS),
    # bold says array (upper case a matrix, lower case a vector): nothing declared
    (r"\frac{1}{2}\|\mathbf{y} - \mathbf{X}\boldsymbol{\beta}\|^2", "1/2*norm(y - X*beta)^2", "beta", None),
    (r"\mathbf{W}_2 \sigma(\mathbf{W}_1 \mathbf{x})", "W_2*sigmoid(W_1*x)", "x", None),
    (r"\log\det\boldsymbol{\Sigma}", "log(det(Sigma))", "Sigma", None),
    (r"(\mathbf{x} - \boldsymbol{\mu})^\top \boldsymbol{\Sigma}^{-1} (\mathbf{x} - \boldsymbol{\mu})",
     "(x - mu).T*inv(Sigma)*(x - mu)", "mu", None),
    # traces and determinants (Matrix Cookbook)
    (r"\operatorname{tr}(\mathbf{A}^\top \mathbf{X})", "trace(A.T*X)", "X", None),
    (r"\operatorname{Tr}\left(\mathbf{X}^\top \mathbf{X}\right)", "trace(X.T*X)", "X", None),
    (r"\log\det \mathbf{X}", "log(det(X))", "X", None),
    (r"\det(\mathbf{X})^2", "det(X)^2", "X", None),
    # neural networks (Goodfellow et al.)
    (r"\frac{1}{2}\|\mathbf{W}_2 \sigma(\mathbf{W}_1 \mathbf{x}) - \mathbf{y}\|^2", "1/2*norm(W_2*sigmoid(W_1*x) - y)^2", "W_1", NET),
    (r"\mathbf{1}^\top \operatorname{relu}(\mathbf{W}\mathbf{x} + \mathbf{b})", "sum(relu(W*x + b))", "b", None),
    (r"\mathbf{1}^\top \left(\mathbf{a} \odot \tanh(\mathbf{W}\mathbf{x})\right)", "sum(hadamard(a, tanh(W*x)))", "W", None),
    (r"\left(\mathbf{W}^\top \boldsymbol{\delta}\right) \odot \sigma(\mathbf{z}) \odot \left(1 - \sigma(\mathbf{z})\right)",
     "hadamard(hadamard(W.T*delta, sigmoid(z)), 1 - sigmoid(z))", None, None),
    # softmax cross-entropy, written two ways
    (r"\operatorname{logsumexp}(\mathbf{W}\mathbf{x}) - \mathbf{y}^\top \mathbf{W}\mathbf{x}", "logsumexp(W*x) - y.T*W*x", "W", None),
    (r"-\mathbf{y}^\top \log \operatorname{softmax}(\mathbf{W}\mathbf{x})", "(-y.T)*log(softmax(W*x))", "W", None),
    (r"\log \mathbf{1}^\top e^{\mathbf{z}}", "log(sum(exp(z)))", "z", None),
    # smoothing and regularizers
    (r"\sqrt{\mathbf{x}^\top \mathbf{x} + \epsilon}", "sqrt(x.T*x + epsilon)", "x", None),
    (r"\lambda_1 \|\mathbf{w}\|^2 + \lambda_2 \mathbf{w}^\top \mathbf{w}", "lambda_1*norm(w)^2 + lambda_2*w.T*w", "w", None),
    (r"\mathbf{a}^\top \mathbf{X} \mathbf{b}", "a.T*X*b", "X", None),
    (r"\mathit{loss} + \mathit{reg}\,\|\mathbf{w}\|^2", "loss + reg*norm(w)^2", "w", None),
]


@pytest.mark.parametrize(("latex", "plain", "wrt", "shapes"), COURSES)
def test_course_notation_reads_as_stated(latex, plain, wrt, shapes):
    assert parse_latex(latex) == parse(plain)


@pytest.mark.parametrize(("latex", "plain", "wrt", "shapes"), [case for case in COURSES if case[2]])
def test_course_objectives_derive_correctly(latex, plain, wrt, shapes):
    result = assert_matches_finite_differences(latex, wrt, shapes)
    assert result.formula.text == latex
