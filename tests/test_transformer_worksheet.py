"""The transformer-block worksheet (worksheets/transformer.toml): solved, its choices right, its key compiling.

The correct options were found by hand; the open (derive) answers are
evaluated at random values and compared with central finite differences of
the loss written in NumPy, beside nothing of symdiff.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from pdflatex import compile_latex, pdf_text

import symdiff
from symdiff.cli import main

SHEET = Path(__file__).resolve().parents[1] / "worksheets" / "transformer.toml"

CHOICES = {
    "1.a": [1], "1.b": [1], "1.c": [1], "1.d": [1], "2.a": [1], "2.b": [1], "3.a": [1], "3.b": [1],
    "4.a": [1, 3], "4.b": [1], "4.c": [1], "5.a": [1], "5.b": [1], "5.c": [1],
}
"""The correct options, 1-based."""

STEP = 1e-6

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def key() -> dict:
    return {q["id"]: q for q in json.loads(symdiff.print_key(symdiff.solve(str(SHEET)), "json"))["questions"]}


def test_every_choice_is_right_and_every_wrong_option_says_why(key):
    assert {qid: [i + 1 for i in q["correct"]] for qid, q in key.items() if q["kind"] == "choice"} == CHOICES
    for q in key.values():
        for option in q.get("options", []):
            assert option["verdict"] in ("equivalent", "not equivalent"), (q["id"], option)
            assert option["why"], (q["id"], option["text"])
    reasons = " ".join(option["why"] for q in key.values() for option in q.get("options", []))
    for mistake in ("the transpose of the answer", "a 1/n is missing", "the wrong sign", "not defined with"):
        assert mistake in reasons


def _numeric_gradient(loss, point: np.ndarray) -> np.ndarray:
    gradient = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        up, down = point.copy(), point.copy()
        up[index] += STEP
        down[index] -= STEP
        gradient[index] = (loss(up) - loss(down)) / (2 * STEP)
    return gradient


def _softmax_rows(S: np.ndarray) -> np.ndarray:
    E = np.exp(S - S.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def test_the_head_by_wk_matches_finite_differences(key):
    answer = key["2.c"]["answer"]
    rng = np.random.default_rng(0)
    n, d, h, v = 4, 3, 2, 3
    X, Wq, Wk, Wv, C = (rng.normal(size=s) for s in [(n, d), (d, h), (d, h), (d, v), (n, v)])

    def loss(wk: np.ndarray) -> float:
        return float(np.sum(C * (_softmax_rows(X @ Wq @ (X @ wk).T / np.sqrt(h)) @ X @ Wv)))

    Q, V = X @ Wq, X @ Wv
    values = {"X": X, "C": C, "Q": Q, "V": V, "P": _softmax_rows(Q @ (X @ Wk).T / np.sqrt(h))}
    shapes = {"X": ("n", "d"), "C": ("n", "v"), "Q": ("n", "h"), "V": ("n", "v"), "P": ("n", "n")}
    read = symdiff.parse(answer, shapes)
    evaluated = read.evaluate(**{name: values[name] for name in read.formula.variables})
    np.testing.assert_allclose(evaluated, _numeric_gradient(loss, Wk), rtol=1e-5, atol=1e-7)


def test_the_layer_norm_by_x_matches_finite_differences(key):
    answer = key["3.c"]["answer"]
    rng = np.random.default_rng(1)
    x, g, beta, c = (rng.normal(size=5) for _ in range(4))

    def loss(x: np.ndarray) -> float:
        return float(c @ (g * (x - x.mean()) / np.sqrt(x.var() + 0.01) + beta))

    read = symdiff.parse(answer, {"x": ("n",), "c": ("n",), "g": ("n",)})
    evaluated = read.evaluate(**{name: {"x": x, "g": g, "c": c}[name] for name in read.formula.variables})
    np.testing.assert_allclose(evaluated, _numeric_gradient(loss, x), rtol=1e-5, atol=1e-7)


def test_the_latex_key_compiles(tmp_path):
    result = CliRunner().invoke(main, ["solve", str(SHEET), "--format", "latex"])
    assert result.exit_code == 0, result.output
    text = pdf_text(compile_latex(result.output, tmp_path, "transformer"))
    assert "Scaled dot-product attention" in text and "Batched softmax cross-entropy" in text
