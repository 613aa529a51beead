"""The evaluation plan: what is computed, in which order, and how often, for the sizes at hand.

Each test looks at the plan symdiff runs (``evaluate.plan``) and checks the
numbers through the public API against a hand-written NumPy formula.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import symdiff
from symdiff.evaluate import numpy as interpreter
from symdiff.evaluate.plan import dims_of, plan, plan_all
from symdiff.model.build import dim_symbol

rng = np.random.default_rng(0)


def _sizes(**dims: int) -> dict:
    return {dim_symbol(name): size for name, size in dims.items()}


def _matmuls(steps, shapes) -> list[tuple[str, ...]]:
    """The matrix products of a plan, each by the names of its operands (``t`` for an intermediate)."""
    names = {i: str(step.data[0]) for i, step in enumerate(steps) if step.kind == "input"}
    names |= {i: names[step.args[0]] + ".T" for i, step in enumerate(steps) if step.kind == "transpose"}
    return [tuple(names.get(a, "t") for a in step.args) for step in steps if step.kind == "matmul"]


def test_a_chain_is_multiplied_in_the_cheapest_order_for_the_sizes():
    gradient = symdiff.derive("0.5*norm(A*x)**2", "x")
    steps = plan(gradient.sympy, _sizes(n=50, d=40)).steps
    assert _matmuls(steps, None) == [("A", "x"), ("A.T", "t")]  # A.T*(A*x): never the n×n A.T*A
    A, x = rng.normal(size=(50, 40)), rng.normal(size=40)
    np.testing.assert_allclose(gradient.evaluate(A=A, x=x), A.T @ (A @ x), rtol=1e-12)


def test_the_order_follows_the_sizes():
    product = symdiff.parse("A*B*C", {"A": ("n", "m"), "B": ("m", "p"), "C": ("p", "q")}).sympy
    wide = _matmuls(plan(product, _sizes(n=2, m=100, p=2, q=100)).steps, None)  # A*B is 2×2
    tall = _matmuls(plan(product, _sizes(n=100, m=2, p=100, q=2)).steps, None)  # B*C is 2×2
    assert wide == [("A", "B"), ("t", "C")] and tall == [("B", "C"), ("A", "t")]


def test_value_and_gradient_share_their_common_subexpressions():
    gradient = symdiff.derive("0.5*norm(A*x)**2", "x")
    steps = plan_all([gradient.formula.expr, gradient.sympy], _sizes(n=5, d=5)).steps
    assert _matmuls(steps, None).count(("A", "x")) == 1


def test_the_logistic_hessian_scales_rows_and_builds_no_diagonal():
    hessian = symdiff.derive("sum(log(1 + exp(-hadamard(y, X*w))))", ["w", "w"])
    steps = plan(hessian.sympy, _sizes(n=200, d=30)).steps
    assert "diag" not in {step.kind for step in steps}
    X, w, y = rng.normal(size=(200, 30)), rng.normal(size=30), np.sign(rng.normal(size=200))
    s = 1 / (1 + np.exp(y * (X @ w)))
    np.testing.assert_allclose(hessian.evaluate(X=X, w=w, y=y), X.T @ ((s * (1 - s))[:, None] * X), rtol=1e-10)


def test_an_inverse_times_a_vector_is_a_solve():
    value = symdiff.parse("x.T*inv(A)*x")
    kinds = [step.kind for step in plan(value.sympy, _sizes(n=30)).steps]
    assert "solve" in kinds and "inv" not in kinds
    A, x = rng.normal(size=(30, 30)) + 30 * np.eye(30), rng.normal(size=30)
    assert value.evaluate(A=A, x=x) == pytest.approx(x @ np.linalg.solve(A, x), rel=1e-12)


def test_a_trace_of_a_product_never_forms_the_product():
    value = symdiff.parse("trace(A*B)")
    kinds = [step.kind for step in plan(value.sympy, _sizes(n=20, m=30)).steps]
    assert "trace_product" in kinds and "matmul" not in kinds
    A, B = rng.normal(size=(20, 30)), rng.normal(size=(30, 20))
    assert value.evaluate(A=A, B=B) == pytest.approx(np.trace(A @ B), rel=1e-12)


def test_a_plan_is_made_once_per_set_of_sizes(monkeypatch):
    made = []
    monkeypatch.setattr(interpreter, "plan", lambda expr, sizes=None: made.append(sizes) or plan(expr, sizes))
    function = symdiff.derive("0.5*norm(A*x)**2", "x").lambdify()
    for _ in range(3):
        function(A=np.ones((3, 2)), x=np.ones(2))
    function(A=np.ones((4, 2)), x=np.ones(2))
    assert len(made) == 2


def test_an_entrywise_function_is_one_ufunc_call_on_the_whole_array():
    layer = symdiff.parse("sigmoid(W*x)")
    kinds = [step.kind for step in plan(layer.sympy, _sizes(n=4, d=3)).steps]
    assert kinds.count("call") == 1


def test_a_large_array_with_a_nan_is_refused_and_a_large_finite_one_is_not():
    A = rng.normal(size=(300, 300))
    A[7, 9] = np.nan
    with pytest.raises(symdiff.EvaluationError, match=r"A\[7, 9\] is not a finite real number"):
        symdiff.parse("sum(A*x)").evaluate(A=A, x=np.ones(300))
    assert symdiff.parse("sum(x)").evaluate(x=np.full(3, 1e200)) == pytest.approx(3e200)


def test_a_matrix_power_is_a_chain():
    value = symdiff.parse("x.T*X^3*x")
    assert _matmuls(plan(value.sympy, _sizes(n=10)).steps, None)[0] == ("X", "x")
    X, x = rng.normal(size=(10, 10)), rng.normal(size=10)
    assert value.evaluate(X=X, x=x) == pytest.approx(x @ X @ X @ X @ x, rel=1e-12)


def test_an_unknown_size_is_left_to_multi_dot():
    steps = plan(symdiff.parse("A*B*C").sympy).steps
    assert [step.kind for step in steps if step.kind in ("matmul", "multidot")] == ["multidot"]
    assert sp.Symbol("n", integer=True, positive=True) == dim_symbol("n")


def test_an_outer_product_is_a_broadcast_product_not_a_matrix_product():
    gradient = symdiff.derive("0.5*norm(A*x)**2", "A")
    steps = plan(gradient.sympy, _sizes(n=30, d=20)).steps
    assert _matmuls(steps, None) == [("A", "x")]
    assert steps[-1].kind == "mul" and steps[steps[-1].args[1]].kind == "transpose"
    A, x = rng.normal(size=(30, 20)), rng.normal(size=20)
    np.testing.assert_allclose(gradient.evaluate(A=A, x=x), np.outer(A @ x, x), rtol=1e-12)


# --- the input check, folded into the result's where the result vouches for the inputs ---------------------
LARGE = (80, 80)
"""A large array, whose check through the result reads much less than the array itself."""


@pytest.mark.parametrize(
    ("formula", "wrt", "vouched"),
    [
        ("0.5*norm(A*x)**2", "x", {"A": "A*x", "x": "A*x"}),  # A.T*(A*x): A*x has n entries, A n²; one check
        ("sum(log(1 + exp(-hadamard(y, X*w))))", "w", {"X": "mul", "w": "mul", "y": "mul"}),  # y∘(X*w), before exp
        ("0.5*norm(relu(W*x) - y)^2", "W", {"W": "W*x", "x": "W*x", "y": "y"}),  # W*x, before relu's step
        ("log(det(X))", "X", {"X": "X"}),  # inv(X).T: no value smaller than X vouches for it
        (
            "0.5*norm(relu(W)*x - y)^2",
            "x",
            {"x": "sub", "y": "sub"},
        ),  # relu(W)*x - y; W only under relu: checked before
    ],
)
def test_each_input_is_checked_through_the_smallest_value_that_vouches_for_it(formula, wrt, vouched):
    """The checks of ``lambdify`` on the first call with a set of shapes: each large input through the smallest
    value of the run that a non-finite entry of the input would make not finite."""
    result = symdiff.derive(formula, wrt)
    function = result.lambdify()
    values = {
        name: rng.normal(size=(80, 80) if shape[1] != 1 else 80) for name, shape in result.formula.variables.items()
    }
    function(**values)
    (bound,) = function.shapes.values()
    steps = plan(result.sympy, {dim: 80 for dim in dims_of(result.sympy)}).steps  # the plan the runner runs
    names = list(result.formula.variables)

    def described(reg: int) -> str:
        step = steps[reg]
        if step.kind == "input":
            return str(step.data[0])
        return "*".join(described(arg) for arg in step.args) if step.kind == "matmul" else step.kind

    found = {names[k]: described(reg) for reg, checked in bound.witnesses for k in checked}
    assert found == vouched
    assert {names[k] for k in bound.checked} == set(names) - set(vouched)


@pytest.mark.parametrize(
    ("formula", "wrt", "name", "where"),
    [
        ("0.5*norm(A*x)**2", "x", "A", (7, 9)),  # vouched by the result: found when the result is not finite
        ("0.5*norm(relu(W*x) - y)^2", "W", "W", (3, 2)),  # relu'(NaN) is 0: checked before the run
        ("sum(exp(-A*x))", "x", "A", (0, 0)),  # exp(-inf) is 0: checked before the run
        ("log(det(X))", "X", "X", (5, 5)),  # not "X is singular": the NaN is named
    ],
)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_large_input_that_is_not_finite_is_named_whatever_the_plan(formula, wrt, name, where, bad):
    result = symdiff.derive(formula, wrt)
    values = {
        variable: rng.normal(size=LARGE if len(shape) == 2 and shape[1] != 1 else LARGE[0])
        for variable, shape in result.formula.variables.items()
    }
    if "X" in values:
        values["X"] = values["X"] @ values["X"].T + np.eye(LARGE[0])
    values[name][where] = bad
    with pytest.raises(symdiff.EvaluationError, match=rf"{name}\[{where[0]}, {where[1]}\] is not a finite real number"):
        result.lambdify()(**values)


def test_a_nan_that_makes_a_vouched_matrix_look_singular_is_named():
    X = np.eye(LARGE[0])
    X[3, :] = np.nan  # slogdet says its determinant is negative
    with pytest.raises(symdiff.EvaluationError, match=r"X\[3, 0\] is not a finite real number"):
        symdiff.parse("log(det(X)) + sum(X)").evaluate(X=X)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_small_input_vouched_for_by_the_result_is_named_when_not_finite(bad):
    gradient = symdiff.derive("0.5*norm(A*x)**2", "x").lambdify()
    A, x = rng.normal(size=(4, 3)), rng.normal(size=3)
    gradient(A=A, x=x)
    x[1] = bad
    with pytest.raises(symdiff.EvaluationError, match=r"x\[1\] is not a finite real number"):
        gradient(A=A, x=x)
    A[2, 0], x[1] = bad, 1.0
    with pytest.raises(symdiff.EvaluationError, match=r"A\[2, 0\] is not a finite real number"):
        gradient(A=A, x=x)


def test_each_set_of_shapes_is_checked_on_its_own_and_remembered():
    """The shapes are checked once per set of shapes: a new set is checked again, a known one runs its plan."""
    gradient = symdiff.derive("0.5*norm(A*x)**2", "x").lambdify()
    for rows, cols in [(3, 3), (5, 2), (3, 3), (5, 2)]:
        A, x = rng.normal(size=(rows, cols)), rng.normal(size=cols)
        np.testing.assert_allclose(gradient(A=A, x=x), A.T @ (A @ x), rtol=1e-12)
        np.testing.assert_allclose(gradient(A=A.tolist(), x=list(x)), A.T @ (A @ x), rtol=1e-12)
        np.testing.assert_allclose(gradient(A=np.asfortranarray(A), x=x.astype(np.float32)), A.T @ (A @ x), rtol=1e-6)
        for _ in range(2):  # a refused call is refused again: nothing is remembered from it
            with pytest.raises(symdiff.EvaluationError, match=rf"x has shape {cols + 1}, but its dim"):
                gradient(A=A, x=np.ones(cols + 1))
            with pytest.raises(symdiff.EvaluationError, match="the value of x is empty"):
                gradient(A=A, x=np.ones(0))
            with pytest.raises(symdiff.EvaluationError, match="the value of A has 3 dimensions"):
                gradient(A=A[None], x=x)


def test_a_result_larger_than_its_inputs_has_them_checked_first():
    outer = symdiff.parse("x*x.T + y*y.T").lambdify()
    x, y = rng.normal(size=50), rng.normal(size=50)
    np.testing.assert_allclose(outer(x=x, y=y), np.outer(x, x) + np.outer(y, y), rtol=1e-12)
    y[7] = np.nan
    with pytest.raises(symdiff.EvaluationError, match=r"y\[7\] is not a finite real number"):
        outer(x=x, y=y)


def test_component_form_binds_each_entry_for_every_set_of_shapes():
    gradient = symdiff.derive("x1*x2^2 + sin(x3)", "x1, x2, x3").lambdify()
    for x1 in (1.0, 2.0, np.float64(3.0), np.array(4.0)):
        assert gradient(x1=x1, x2=3.0, x3=0.0) == pytest.approx((9.0, 6.0 * float(x1), 1.0))
    with pytest.raises(symdiff.EvaluationError, match="x2 is a scalar"):
        gradient(x1=1.0, x2=np.ones(2), x3=0.0)
