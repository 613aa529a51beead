"""Code export of the index form: the printed function of a derivative with no matrix form, run in a subprocess.

Every row of the index-form fallback table (``test_index_form_fallback``), a
gradient for each way the free indices are laid out (``LAYOUTS``), and a
sample of the index identity table's rows whose gradient, read back from its
index form, stays in index form (``test_index_notation``) are exported for
each backend; one subprocess (``test_code_export``'s driver) compares the
printed gradient with central differences of the printed value and runs its
``check_gradient``, a second prints the value's and the gradient's outputs,
compared here with ``Result.evaluate``. NumPy always runs; JAX and PyTorch
(slow) when installed.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from click.testing import CliRunner
from test_code_export import DRIVER, _drive
from test_index_form_fallback import FALLBACKS
from test_index_notation import IDENTITIES, _values

import symdiff
from symdiff.cli import main
from symdiff.model.index_form import IndexArray

OUTPUTS = textwrap.dedent(
    """
    import importlib, json, sys
    import numpy as np

    if sys.argv[2] == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)

    def last(name, values):
        module = importlib.import_module(name)
        out = getattr(module, [name for name in dir(module) if name.startswith("f")][0])(**values)
        out = out[-1] if isinstance(out, tuple) else out
        return np.asarray(out.detach() if hasattr(out, "detach") else out, dtype=float).tolist()

    report = {}
    for case in json.load(open(sys.argv[1])):
        values = {k: float(v) if v.shape == () else v for k, v in np.load(case["values"]).items()}
        report[case["id"]] = [last(case["base"], values), last(case["module"], values)]
    print(json.dumps(report))
    """
)


LAYOUTS = [
    ("Sum(i, Sum(j, Sum(k, A[i, j]*B[j, k]*C[k, i])))", "B[k, i]", "B"),  # the rows' index met first
    ("Sum(i, A[i, i]*x[i]^2) + Sum(i, Sum(j, W[i, j]*b[i]))", "W", "W"),  # the same in every column
    ("Sum(i, A[i, i]*x[i]^2) + Sum(i, Sum(j, W[i, j]*c[j]))", "W", "W"),  # the same in every row
    ("Sum(i, A[i, i]*Sum(j, x[j]))", "x", "x"),  # a sum, the same in every entry
    ("Sum(i, A[i, i]*x[i]) + Sum(i, Sum(j, W[i, j]))", "W", "W"),  # a number, the same in every entry
]
"""Gradients whose free indices are laid out each way ``evaluate.indices.plan_array`` knows:
(formula, by what, the variable)."""


SAMPLE = {
    "softmax cross-entropy over samples",
    "multiclass SVM (one-hot Y)",
    "attention scores row by row",
    "attention weights row by row",
    "low-rank fit",
    "attention scores by K, scaled by sqrt(d)",
}
"""Rows of the index identity table whose gradient, read back from its index form, stays in index form."""


def _index_form_of(identity) -> symdiff.Result:
    """The identity's gradient read back from its index form (the ``--steps`` line before the matrix form)."""
    (steps,) = symdiff.program("L = " + identity.formula).steps(identity.wrt)
    matrix_line = [k for k, line in enumerate(steps.lines) if line.text.endswith("(the matrix form)")]
    resolved = steps.lines[matrix_line[0] - 1 if matrix_line else -1].text.split("    (")[0]
    return symdiff.parse(resolved, symdiff.derive(identity.formula, identity.wrt).formula.variables)


def _in_index_form(result: symdiff.Result) -> bool:
    return any(isinstance(node, IndexArray) for node in sp.preorder_traversal(result.sympy))


def _cases() -> list[tuple[str, symdiff.Result, symdiff.Result, str]]:
    """(id, the gradient in index form, the formula it is the gradient of, the variable)."""
    cases = []
    for row in FALLBACKS:
        result = symdiff.derive(row.formula, row.wrt)
        cases.append((f"{row.formula} by {row.wrt}", result, symdiff.parse(row.formula), row.wrt))
    for formula, wrt, variable in LAYOUTS:
        cases.append((f"{formula} by {wrt}", symdiff.derive(formula, wrt), symdiff.parse(formula), variable))
    for row in IDENTITIES:
        if row.name in SAMPLE:
            read, base = _index_form_of(row), symdiff.parse(row.formula)
            assert read.formula.variables.keys() == base.formula.variables.keys(), row.name
            cases.append((row.name, read, base, row.wrt))
    return cases


@pytest.mark.parametrize(
    "backend", ["numpy", pytest.param("jax", marks=pytest.mark.slow), pytest.param("torch", marks=pytest.mark.slow)]
)
def test_the_index_form_exports_code_matching_finite_differences_and_evaluate(backend: str, tmp_path: Path):
    if backend != "numpy":
        pytest.importorskip(backend)
    cases, expected = [], {}
    for k, (case, gradient, base, wrt) in enumerate(_cases()):
        assert _in_index_form(gradient), case
        code = gradient.code(backend)
        assert "for " not in code.split("def check_gradient")[0], case  # vectorised: no Python loop
        (tmp_path / f"case{k}.py").write_text(code)
        (tmp_path / f"case{k}_base.py").write_text(base.code(backend))
        values = _values(gradient, np.random.default_rng(k), False)
        values = {name: values[name] for name in gradient.formula.variables}
        np.savez(tmp_path / f"case{k}.npz", **values)
        cases.append(
            {
                "id": case,
                "module": f"case{k}",
                "base": f"case{k}_base",
                "values": str(tmp_path / f"case{k}.npz"),
                "wrt": wrt,
                "symmetric": False,
                "checks": "def check_gradient" in code,
            }
        )
        expected[case] = (base.evaluate(**values), gradient.evaluate(**values))
    assert len(cases) == len(FALLBACKS) + len(LAYOUTS) + len(SAMPLE)
    report = _drive(DRIVER, cases, backend, tmp_path)
    assert report == {case["id"]: "ok" for case in cases}
    outputs = _drive(OUTPUTS, cases, backend, tmp_path)
    for case, (value, gradient) in expected.items():
        np.testing.assert_allclose(outputs[case][0], value, rtol=1e-9, err_msg=case)
        np.testing.assert_allclose(outputs[case][1], np.asarray(gradient, dtype=float), rtol=1e-9, err_msg=case)


def test_the_command_line_prints_the_index_forms_code():
    answer = CliRunner().invoke(main, ["derive", "Sum(i, A[i, i]*x[i]^2)", "--wrt", "x", "--format", "numpy"])
    assert answer.exit_code == 0, answer.output
    assert answer.output == symdiff.derive("Sum(i, A[i, i]*x[i]^2)", "x").code("numpy")
    assert "    value = np.sum(t1 * t1 * np.diagonal(A))\n" in answer.output


def test_a_sum_of_a_product_of_entries_is_one_einsum():
    """Σₖ AᵢₖBₖⱼ is a matrix product, never the n×d×m array of the products."""
    code = symdiff.derive("Sum(i, Sum(j, (Sum(k, A[i, k]*B[k, j]) - Y[i, j])^2))", "A").code("jax")
    assert "    t1 = jnp.einsum('ac,cb->ba', A, B) - Y.T\n" in code
    assert "    gradient = (2.0 * t3).reshape(d, n).T\n" in code
