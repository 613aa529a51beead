"""Batched losses, attention and normalisation layers: today's networks, by each of their parameters.

Each derivative is checked against central finite differences at random
sizes; the closed forms a textbook prints are checked as text; the matrix
form agrees with the component route at small concrete sizes.
"""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from numeric import assert_matches_finite_differences, random_values

import symdiff
from symdiff.cli.app import main

BATCH = {"X": ("n", "d"), "W": ("d", "k"), "Y": ("n", "k"), "b": ("k",)}
"""A batch X of n examples with d features, weights W, bias b, one-hot targets Y."""

CROSS_ENTROPY = "(sum(logsumexp(X*W + ones(n)*b.T, rows)) - sum(hadamard(Y, X*W + ones(n)*b.T)))/n"
"""Softmax cross-entropy over a batch, as texts write it for one-hot Y: mean of logsumexp(z_i) - y_i.T*z_i."""

LOSSES: list[tuple[str, str, str]] = [
    ("norm(X*W - Y)^2/(2*n)", "W", "X.T*(X*W - Y)/n"),
    ("norm(X*W + ones(n)*b.T - Y)^2/(2*n)", "W", "X.T*(X*W + ones(n)*b.T - Y)/n"),
    ("norm(X*W + ones(n)*b.T - Y)^2/(2*n)", "b", "(b*ones(n).T + W.T*X.T - Y.T)*ones(n)/n"),
    ("(sum(logsumexp(X*W, rows)) - sum(hadamard(Y, X*W)))/n", "W", "X.T*(softmax(X*W, rows) - Y)/n"),
    (CROSS_ENTROPY, "W", "X.T*(softmax(X*W + ones(n)*b.T, rows) - Y)/n"),
    (CROSS_ENTROPY, "b", "(softmax(X*W + ones(n)*b.T, rows).T - Y.T)*ones(n)/n"),
    ("-sum(hadamard(Y, log(softmax(X*W, rows))))/n", "W", ""),
    ("-sum(hadamard(Y, log(softmax(X*W + ones(n)*b.T, rows))))/n", "b", ""),
]
"""Batched losses by W and by b, with the closed form printed (empty: checked numerically only)."""


@pytest.mark.parametrize(("formula", "wrt", "expected"), LOSSES)
def test_batched_losses(formula: str, wrt: str, expected: str):
    result = assert_matches_finite_differences(formula, wrt, BATCH)
    if expected:
        assert result.text == expected


def test_log_softmax_form_is_exact_for_any_targets():
    """-sum(Y ∘ log softmax) keeps the row sums of Y (it equals the textbook form where they are 1)."""
    result = symdiff.derive("-sum(hadamard(Y, log(softmax(X*W, rows))))/n", "W", BATCH)
    values = random_values(result.formula, np.random.default_rng(0))
    values["Y"] = np.eye(values["Y"].shape[1])[np.arange(values["Y"].shape[0]) % values["Y"].shape[1]]
    textbook = symdiff.derive("(sum(logsumexp(X*W, rows)) - sum(hadamard(Y, X*W)))/n", "W", BATCH)
    np.testing.assert_allclose(result.evaluate(**values), textbook.evaluate(**values), atol=1e-12)


ATTENTION_SHAPES = {"Q": ("n", "d"), "K": ("m", "d"), "V": ("m", "v"), "C": ("n", "v")}
ATTENTION = "sum(hadamard(C, softmax(Q*K.T/sqrt(d), rows)*V))"
"""Scaled dot-product attention, read out against C (C is the gradient arriving at the output)."""

SCORES = "softmax(Q*K.T/sqrt(d), rows)"


@pytest.mark.parametrize(
    ("wrt", "expected"),
    [
        ("Q", f"hadamard(C*V.T - hadamard(C*V.T, {SCORES})*ones(m)*ones(m).T, {SCORES})*K/sqrt(d)"),
        ("K", f"hadamard(V*C.T - ones(m)*ones(m).T*hadamard(V*C.T, {SCORES}.T), {SCORES}.T)*Q/sqrt(d)"),
        ("V", f"{SCORES}.T*C"),
    ],
)
def test_attention_by_each_input(wrt: str, expected: str):
    result = assert_matches_finite_differences(ATTENTION, wrt, ATTENTION_SHAPES)
    assert result.text == expected


def test_attention_written_with_a_trace_is_the_same():
    for wrt in ("Q", "K", "V"):
        traced = symdiff.derive("trace(C.T*softmax(Q*K.T/sqrt(d), rows)*V)", wrt, ATTENTION_SHAPES)
        assert traced.text == symdiff.derive(ATTENTION, wrt, ATTENTION_SHAPES).text


LAYER_SHAPES = {"X": ("n", "d"), "Wq": ("d", "h"), "Wk": ("d", "h"), "Wv": ("d", "v"), "C": ("n", "v")}
LAYER = "sum(hadamard(C, softmax(X*Wq*(X*Wk).T/sqrt(h), rows)*X*Wv))"
"""A single attention head over a sequence X, by each of its weights."""


@pytest.mark.parametrize("wrt", ["Wq", "Wk", "Wv", "X"])
def test_single_head_layer_by_each_weight(wrt: str):
    result = assert_matches_finite_differences(LAYER, wrt, LAYER_SHAPES)
    if wrt == "Wv":
        assert result.text == "X.T*softmax(X*Wq*Wk.T*X.T/sqrt(h), rows).T*C"


@pytest.mark.parametrize("wrt", ["Q", "K", "V"])
def test_attention_agrees_with_components(wrt: str):
    matrix_form = symdiff.derive(ATTENTION, wrt, ATTENTION_SHAPES)
    sizes = {"n": 2, "m": 3, "d": 2, "v": 2}
    concrete = {name: tuple(sizes[d] for d in dims) for name, dims in ATTENTION_SHAPES.items()}
    components = symdiff.derive(ATTENTION.replace("sqrt(d)", "sqrt(2)"), wrt, concrete)
    values = random_values(components.formula, np.random.default_rng(5))
    np.testing.assert_allclose(
        np.asarray(matrix_form.evaluate(**values), dtype=float), np.asarray(components.evaluate(**values), dtype=float)
    )


NORMS = {"x": ("n",), "g": ("n",), "beta": ("n",), "c": ("n",), "X": ("m", "d"), "C": ("m", "d")}
"""(eps is 1/100 below: a variable eps drawn at random could be negative, where the square roots are NaN.)"""
LAYER_NORM = "(x - mean(x))/sqrt(var(x) + 1/100)"
BATCH_NORM = "(X - ones(m)*mean(X, cols).T)/(ones(m)*sqrt(var(X, cols) + 1/100).T)"
"""Batch normalisation of a batch matrix: each column (feature) centred and scaled over the batch."""
ROW_NORM = "(X - mean(X, rows)*ones(d).T)/(sqrt(var(X, rows) + 1/100)*ones(d).T)"
"""Layer normalisation of each row (example) of a batch matrix."""


@pytest.mark.parametrize(
    ("formula", "wrt"),
    [
        (LAYER_NORM, "x"),
        (f"hadamard(g, {LAYER_NORM}) + beta", "g"),
        (f"hadamard(g, {LAYER_NORM}) + beta", "beta"),
        (f"c.T*(hadamard(g, {LAYER_NORM}) + beta)", "x"),
        (f"c.T*(hadamard(g, {LAYER_NORM}) + beta)", "g"),
        pytest.param(f"sum(hadamard(C, {BATCH_NORM}))", "X", marks=pytest.mark.slow),
        pytest.param(f"sum(hadamard(C, {ROW_NORM}))", "X", marks=pytest.mark.slow),
    ],
)
def test_normalisations(formula: str, wrt: str):
    assert_matches_finite_differences(formula, wrt, NORMS, points=2)


def test_layer_norm_gain_is_the_normalised_input():
    result = symdiff.derive(f"c.T*(hadamard(g, {LAYER_NORM}) + beta)", "g", NORMS)
    assert result.text == "hadamard((x - sum(x)/n)/sqrt(1/100 + sum((x - sum(x)/n)^2)/n), c)"


@pytest.mark.parametrize(
    ("program", "wrt", "shapes", "expected"),
    [
        (
            "S = softmax(Q*K.T/sqrt(d), rows); O = S*V; L = sum(hadamard(C, O))",
            "Q",
            ["Q=n,d", "K=m,d", "V=m,v"],
            "hadamard(C*V.T - hadamard(C*V.T, S)*ones(m)*ones(m).T, S)*K/sqrt(d)",
        ),
        (
            "Z = X*W + ones(n)*b.T; L = (sum(logsumexp(Z, rows)) - sum(hadamard(Y, Z)))/n",
            "W",
            ["X=n,d", "W=d,k", "Y=n,k", "b=k"],
            "X.T*(softmax(Z, rows) - Y)/n",
        ),
    ],
)
def test_programs_name_the_intermediates(program: str, wrt: str, shapes: list[str], expected: str):
    """A program's derivative is written in its intermediates (S, Z), as a course's backward pass is."""
    arguments = ["derive", program, "--wrt", wrt, *[part for shape in shapes for part in ("--shape", shape)]]
    outcome = CliRunner().invoke(main, arguments)
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output == expected + "\n"
