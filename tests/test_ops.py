"""Every operation has every piece: spellings, shape rule, builder, rules, printers.

``symdiff.ops`` lists the operations; each stage keys a table by them. The
structural tests read those tables and name what is missing; the behavioural
ones put each operation through the whole pipeline (read, derive in reverse
and forward mode, print as text and LaTeX, read both back, evaluate with
NumPy) and check the derivative against central finite differences. Adding an
``Op`` without its rules fails here, naming the operation and the stage.
"""

from __future__ import annotations

import numpy as np
import pytest
from numeric import assert_matches_finite_differences, random_values

import symdiff
from symdiff import ops
from symdiff.derive.forward import TANGENTS
from symdiff.derive.rules import RULES
from symdiff.evaluate.numpy import SCALAR_FUNCTIONS
from symdiff.evaluate.plan import Planner
from symdiff.export.latex import LatexPrinter
from symdiff.export.text import TextPrinter
from symdiff.model.build import CALLS
from symdiff.model.nodes import ARRAY, COMPOSED, SCALAR, op_of
from symdiff.model.shape_rules import CALL_RULES
from symdiff.model.walk import nodes, whole
from symdiff.ops import OPS, Op
from symdiff.parse import parse, parse_latex

SQUARE = {"W": ("n", "n"), "x": ("n",)}

REVERSE: dict[Op, tuple[str, str]] = {
    ops.EXP: ("sum(exp(W*x))", "W"),
    ops.LOG: ("sum(log(hadamard(W*x, W*x) + 1))", "W"),
    ops.SQRT: ("sum(sqrt(hadamard(W*x, W*x) + 1))", "W"),
    ops.SIN: ("sum(sin(W*x))", "W"),
    ops.COS: ("sum(cos(W*x))", "W"),
    ops.TAN: ("sum(tan(W*x/10))", "W"),
    ops.TANH: ("sum(tanh(W*x))", "W"),
    ops.SIGMOID: ("sum(sigmoid(W*x))", "W"),
    ops.RELU: ("sum(relu(W*x))", "W"),
    ops.ABS: ("sum(abs(W*x))", "W"),
    ops.STEP: ("x.T*step(W*x)", "x"),
    ops.SIGN: ("x.T*sign(W*x)", "x"),
    ops.MAX: ("sum(max(W*x, x))", "W"),
    ops.MIN: ("sum(min(W*x, x))", "W"),
    ops.HADAMARD: ("sum(hadamard(W*x, x))", "W"),
    ops.DOT: ("dot(W*x, x)", "W"),
    ops.SUM: ("sum(W*x)", "W"),
    ops.NORM: ("norm(W*x)", "W"),
    ops.TRACE: ("trace(W*W)", "W"),
    ops.DET: ("det(W)", "W"),
    ops.LOGDET: ("logdet(W*W.T + eye(n))", "W"),
    ops.INV: ("x.T*inv(W)*x", "W"),
    ops.LOGSUMEXP: ("logsumexp(W*x)", "W"),
    ops.SOFTMAX: ("x.T*softmax(W*x)", "W"),
    ops.DIAG: ("x.T*diag(W*x)*x", "W"),
    ops.SOFTMAX_ROWS: ("x.T*softmax(W, rows)*x", "W"),
    ops.LOGSUMEXP_ROWS: ("x.T*logsumexp(W, rows)", "W"),
    ops.SUM_ROWS: ("x.T*sum(hadamard(W, W), rows)", "W"),
    ops.MEAN: ("mean(sin(W*x))", "W"),
    ops.MEAN_ROWS: ("x.T*mean(hadamard(W, W), rows)", "W"),
    ops.VAR: ("var(W*x)", "W"),
    ops.VAR_ROWS: ("x.T*var(W, rows)", "W"),
    ops.STD: ("std(W*x)", "W"),
    ops.STD_ROWS: ("x.T*std(W, rows)", "W"),
    ops.ONEHOT: ("x.T*W*onehot(y)*x", "W"),
    ops.KRON: ("sum(hadamard(kron(W, W.T), kron(W*W, W)))", "W"),
    ops.VEC: ("vec(W).T*vec(W*W)", "W"),
    ops.EYE: ("x.T*(W + eye(n))*x", "W"),
    ops.ONES: ("ones(n).T*W*x", "W"),
    ops.COMMUTATION: ("vec(W).T*commutation(n, n)*vec(W*W)", "W"),
    ops.INDEX_SUM: ("Sum(i, n, exp((W*x)[i]))", "W"),
    ops.INDEX_PROD: ("Prod(i, 3, x[i]^2 + 1)", "x"),
}
"""A scalar formula using each operation, and the variable to differentiate it by."""

SHAPES: dict[Op, dict] = {ops.INDEX_PROD: {"x": (3,)}}
"""Shapes for an operation read only in component form (a product over an index)."""

FORWARD: dict[Op, str] = {
    **{op: f"{op.name}(t*x)" for op in OPS if op.kind == "entrywise" and op.arity == 1},
    ops.LOG: "log(t*hadamard(x, x) + 1)",
    ops.SQRT: "sqrt(t*hadamard(x, x) + 1)",
    ops.MAX: "max(t*x, x)",
    ops.MIN: "min(t*x, x)",
    ops.HADAMARD: "hadamard(t*x, x)",
    ops.INV: "inv(t*W + eye(n))",
    ops.SOFTMAX: "softmax(t*x)",
    ops.DIAG: "diag(t*x)",
    ops.SOFTMAX_ROWS: "softmax(t*W, rows)",
    ops.LOGSUMEXP_ROWS: "logsumexp(t*W, rows)",
    ops.KRON: "kron(t*W, W*W)",
    ops.VEC: "vec(t*W*W)",
}
"""An array-valued formula using each array-valued operation, differentiated by the scalar t (forward mode)."""

ARRAY_VALUED = {op for op in OPS if op.kind == "entrywise"} | {
    ops.HADAMARD,
    ops.INV,
    ops.SOFTMAX,
    ops.DIAG,
    ops.SOFTMAX_ROWS,
    ops.LOGSUMEXP_ROWS,
    ops.KRON,
    ops.VEC,
}


def test_every_operation_has_samples():
    assert set(REVERSE) == set(OPS), "add a formula for each new Op to REVERSE"
    assert set(FORWARD) == ARRAY_VALUED, "add a formula for each array-valued Op to FORWARD"


def test_spellings_are_unique_and_read():
    spellings = [spelling for op in OPS for spelling in (op.name, *op.aliases)]
    assert len(spellings) == len(set(spellings))
    for op in OPS:
        for spelling in (op.name, *op.aliases):
            arguments = ", ".join(["n"] * op.arity if op.kind == "dimension" else ["a", "b"][: op.arity])
            tree = parse(f"{spelling}({arguments})")
            assert tree.op is op, spelling


@pytest.mark.parametrize("op", OPS, ids=str)
def test_every_stage_has_a_rule_for_it(op: Op):
    missing = []
    if op not in CALL_RULES:
        missing.append("a shape rule (model/shape_rules.py CALL_RULES)")
    if op.kind != "dimension" and op not in CALLS:
        missing.append("a builder (model/build.py CALLS)")
    if op not in SCALAR and op not in ARRAY and op not in COMPOSED:
        missing.append("a SymPy form (model/nodes.py)")
    if op in SCALAR and op is not ops.SQRT and op not in SCALAR_FUNCTIONS:
        missing.append("a NumPy function (evaluate/numpy.py SCALAR_FUNCTIONS)")
    node = ARRAY.get(op)
    if node is not None and op.kind != "dimension":
        if node not in RULES:
            missing.append("a reverse rule (derive/rules.py RULES)")
        if op in ARRAY_VALUED and node not in TANGENTS:
            missing.append("a forward rule (derive/forward.py TANGENTS)")
        for printer in (TextPrinter, LatexPrinter, Planner):
            if not any(hasattr(printer, f"_print_{cls.__name__}") for cls in node.__mro__[:-1]):
                missing.append(f"a {printer.__name__} method _print_{node.__name__}")
    assert not missing, f"{op.name} lacks " + "; ".join(missing)


@pytest.mark.parametrize("op", OPS, ids=str)
def test_latex_usage_reads(op: Op):
    tree = parse_latex(op.usage.replace("(a, b)", "(a, a)"))
    assert tree is not None


@pytest.mark.parametrize("op", OPS, ids=str)
def test_reverse_mode_through_the_pipeline(op: Op):
    formula, wrt = REVERSE[op]
    shapes = SHAPES.get(op, SQUARE)
    result = assert_matches_finite_differences(formula, wrt, shapes)
    assert any(op_of(node) is op for node in nodes(symdiff.parse(formula, shapes).sympy, whole)) or op in COMPOSED | {
        ops.SQRT
    }
    _reads_back(result, shapes)


@pytest.mark.parametrize("op", sorted(ARRAY_VALUED, key=str), ids=str)
def test_forward_mode_through_the_pipeline(op: Op):
    shapes = {**SQUARE, "t": ()}
    result = assert_matches_finite_differences(FORWARD[op], "t", shapes)
    _reads_back(result, shapes)


def _reads_back(result: symdiff.Result, shapes) -> None:
    """The printed result, as text and as LaTeX, reads back to the same numbers."""
    values = random_values(result.formula, np.random.default_rng(1))
    variables = symdiff.parse(result.text, shapes).formula.variables
    values = {name: value for name, value in values.items() if name in variables}
    expected = result.evaluate(**random_values(result.formula, np.random.default_rng(1)))
    for printed in (result.text, result.latex):
        again = symdiff.parse(printed, shapes)
        np.testing.assert_allclose(again.evaluate(**values), expected, rtol=1e-9, atol=1e-12)
