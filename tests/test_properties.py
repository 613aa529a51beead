"""Properties over random well-typed formulas (tests/typed_formulas.py), checked numerically.

Every derivative symdiff gives agrees with central finite differences at a
random point, or symdiff refuses it with a clear ``UnsupportedError``; every
formula and derivative it prints, as text or LaTeX, reads back to the same
function. Formulas are drawn over scalars, vectors and matrices, in component
form (n = 2, m = 3) and matrix form (symbolic n, m). tests/budget.py sets how
many examples run and how to run more. What these properties found is pinned
in tests/test_regressions.py.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import sympy as sp
from budget import budget
from hypothesis import assume, given, reject
from hypothesis import strategies as st
from numeric import STEP, numeric_derivative, random_values
from typed_formulas import CONCRETE, SYMBOLIC, formulas

import symdiff
from symdiff.errors import LimitError, UnsupportedError
from symdiff.limits import MAX_INPUT_CHARS


def _component(draw, name: str, shapes: dict) -> str:
    """A random entry of the concrete array ``name``: x2, A12."""
    return name + "".join(str(draw(st.integers(1, d))) for d in shapes[name])


@st.composite
def problems(draw, shapes, shape=(), wrt_arrays=True, depth=4):
    """(formula text, what to differentiate by, the declared shapes, a seed for the random point)."""
    drawn = draw(formulas(shape, depth))
    names = sorted(n for n in drawn.names if wrt_arrays or len(SYMBOLIC[n]) < 2)
    assume(names)
    wrt = draw(st.sampled_from(names))
    if shapes is CONCRETE and shapes[wrt] and draw(st.booleans()):
        wrt = _component(draw, wrt, shapes)
    return drawn.text, wrt, shapes, draw(st.integers(0, 2**32 - 1))


@st.composite
def derivatives(draw, shapes):
    """(formula, [by, ...], shapes, seed): a gradient (2 in 3), a Jacobian of a vector or a second derivative."""
    kind = draw(st.sampled_from(["gradient", "gradient", "jacobian", "second"]))
    if kind == "gradient":
        text, wrt, shapes, seed = draw(problems(shapes))
        return text, [wrt], shapes, seed
    if kind == "jacobian":
        text, wrt, shapes, seed = draw(problems(shapes, shape=("n",), wrt_arrays=False))
        return text, [wrt], shapes, seed
    text, wrt, shapes, seed = draw(problems(shapes, wrt_arrays=False, depth=3))
    return text, [wrt, wrt], shapes, seed


def assert_derivative_matches(text: str, wrt: list[str], shapes: dict, seed: int) -> bool:
    """symdiff's derivative (by ``wrt`` in turn) against central differences of the one before it;
    False if symdiff refused it as unsupported (allowed, and counted: see ``run_counted``)."""
    try:
        result = symdiff.derive(text, wrt, shapes)
    except UnsupportedError:
        return False  # a clear refusal is allowed; a wrong number is not
    before = symdiff.derive(text, wrt[:-1], shapes) if len(wrt) > 1 else symdiff.parse(text, shapes)
    function = before.lambdify()
    values = random_values(result.formula, np.random.default_rng(seed))
    value = np.asarray(function(**values), dtype=float)
    if not np.all(np.abs(value) < 1e8):  # exp(exp(...)) can overflow, or leave differences no digits
        reject()
    expected = numeric_derivative(function, values, result.formula, wrt[-1])
    actual = np.asarray(result.evaluate(**values), dtype=float)
    assert actual.shape == expected.shape, (result.text, actual.shape, expected.shape)
    scale = max(1.0, float(np.max(np.abs(value))))
    if not np.allclose(actual, expected, rtol=1e-4, atol=1e-6 * scale):
        # sin((C.T*C)^4) varies so fast that the differences' h² error shows: extrapolate it away,
        # unless halving the step changes them outright (sin(z.T*exp(C.T*C)^2*z)): then they have no digits
        half = numeric_derivative(function, values, result.formula, wrt[-1], step=STEP / 2)
        if not np.allclose(half, expected, rtol=1e-2, atol=1e-6 * scale):
            reject()
        expected = (4 * half - expected) / 3
    np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=1e-6 * scale, err_msg=f"{text} by {wrt}: {result.text}")
    return True


def run_counted(strategy: st.SearchStrategy, check: Callable[..., bool], most_refused: float, share: float = 1.0) -> None:
    """Run the property ``check`` over ``strategy``, counting the examples it refused as unsupported.

    A refusal is a correct answer, but a property that refuses most of what it
    draws tests nothing: past ``most_refused`` of the examples, the run fails.
    """
    tally = {True: 0, False: 0}

    @budget(share)
    @given(strategy)
    def examples(problem):
        tally[check(*problem)] += 1

    examples()
    total = tally[True] + tally[False]
    assert tally[True] > 0, "no example was checked"
    assert tally[False] <= most_refused * total, f"{tally[False]} of {total} examples refused as unsupported"


@pytest.mark.slow
def test_derivatives_in_components_match_finite_differences():
    run_counted(derivatives(CONCRETE), assert_derivative_matches, most_refused=0.05)


@pytest.mark.slow
def test_derivatives_in_matrix_form_match_finite_differences():
    run_counted(derivatives(SYMBOLIC), assert_derivative_matches, most_refused=0.15)


def assert_reads_back(result: symdiff.Result, syntax: str) -> None:
    """``result`` printed in ``syntax`` and read back with the same shapes: the same expression,
    structurally or (where SymPy's forms differ) as the same function at random points."""
    printed = result.text if syntax == "plain" else result.latex
    shapes = dict(result.formula.variables)
    try:
        again = symdiff.parse(printed, shapes, syntax=syntax)
    except LimitError:
        assert len(printed) > MAX_INPUT_CHARS  # a huge component form is beyond what is read back
        return
    if again.sympy == result.sympy:
        return
    assert again.shape == result.shape, printed
    rng = np.random.default_rng(len(printed))
    for _ in range(2):
        values = random_values(result.formula, rng)
        needed = {name: values[name] for name in again.formula.variables}
        expected = np.asarray(result.evaluate(**values), dtype=float)
        if not np.all(np.isfinite(expected)):
            continue  # exp(exp(...)) overflowed: no digits to compare
        np.testing.assert_allclose(
            np.asarray(again.evaluate(**needed), dtype=float), expected, rtol=1e-9, atol=1e-9, err_msg=printed
        )


def formula_and_derivative_read_back(text: str, wrt: str, shapes: dict, syntax: str) -> bool:
    """The formula and its derivative by ``wrt``, printed in ``syntax``, read back; False if the derivative is refused."""
    formula = symdiff.parse(text, shapes)
    # the text printer writes a zero matrix as 0, which reads back as a scalar
    assume(not formula.sympy.has(sp.ZeroMatrix))
    assert_reads_back(formula, syntax)
    try:
        derivative = symdiff.derive(text, wrt, shapes)
    except UnsupportedError:
        return False
    assume(not derivative.sympy.has(sp.ZeroMatrix))
    assert_reads_back(derivative, syntax)
    return True


@pytest.mark.slow
def test_printed_formulas_and_derivatives_read_back():
    problem_in_syntax = st.tuples(
        st.sampled_from([CONCRETE, SYMBOLIC]).flatmap(problems), st.sampled_from(["plain", "latex"])
    ).map(lambda drawn: (*drawn[0][:3], drawn[1]))
    run_counted(problem_in_syntax, formula_and_derivative_read_back, most_refused=0.1, share=1 / 2)


@pytest.mark.parametrize(("text", "wrt", "shapes", "printed"), [
    # found by the read-back property: a negative product lost the brackets of its factors
    ("d - (a+b)*sin(c)", "c", None, "-(a + b)*cos(c)"),
    ("d - c^2/(a+b)", "c", None, "-2*c/(a + b)"),
    ("dot(cos(b*x), softmax(y))", "b", {"b": (), "x": (2,), "y": (2,)},
     "-x1*exp(y1)*sin(b*x1)/(exp(y1) + exp(y2)) - x2*exp(y2)*sin(b*x2)/(exp(y1) + exp(y2))"),
])
def test_printed_text_keeps_the_brackets_of_a_negative_product(text, wrt, shapes, printed):
    result = symdiff.derive(text, wrt, shapes)
    assert result.text == printed
    assert_reads_back(result, "plain")


@pytest.mark.parametrize(("text", "wrt", "printed"), [
    # found by the read-back property: LaTeX that could not be read back
    ("dot(cos(b*x), x)", "x", r"-b \cdot \left(\sin\left(b \mathbf{x}\right) \odot \mathbf{x}\right) + \cos\left(b \mathbf{x}\right)"),
    ("dot((2*a)*(C*z), (2*x)^2)", "C", r"2 a \cdot \left(2 \mathbf{x}\right)^{2} \mathbf{z}^\top"),
    ("sum(z)*(C*z)", None, r"\left(\mathbf{1}^\top \mathbf{z}\right) \mathbf{C} \mathbf{z}"),
    ("dot(hadamard(x, x), y)", None, r"\left(\mathbf{x}^\top \odot \mathbf{x}^\top\right) \mathbf{y}"),
    ("sum(hadamard(C.T, C.T)*A)", None, r"\mathbf{1}^\top \left(\left(\mathbf{C}^\top \odot \mathbf{C}^\top\right) \mathbf{A}\right)"),
])
def test_printed_latex_reads_back_unambiguously(text, wrt, printed):
    result = symdiff.derive(text, wrt, SYMBOLIC) if wrt else symdiff.parse(text, SYMBOLIC)
    assert result.latex == printed
    assert_reads_back(result, "latex")
