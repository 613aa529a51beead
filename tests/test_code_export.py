"""Code export: the printed function of every identity of the table, run in a subprocess, against finite differences.

For each identity, the code of the derivative and the code of what it is the
derivative of (the formula, or its gradient for a Hessian) are written to
modules; one subprocess per backend imports them all, evaluates both at random
points and compares the derivative with central differences of the other's
last output (``tests/numeric.py``). symdiff itself never executes the code
it prints. NumPy always runs; JAX and PyTorch when installed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from numeric import random_values, symmetrize_values
from test_identities import IDENTITIES, Identity, row_id

import symdiff
from symdiff.cli import main
from symdiff.cli.options import CODE_FORMATS
from symdiff.errors import SymdiffError
from symdiff.evaluate.code import BACKENDS

TESTS = Path(__file__).parent

DRIVER = textwrap.dedent(
    """
    import importlib, json, sys
    import numpy as np
    from numeric import numeric_derivative, symmetric_numeric_gradient, vec_form

    backend = sys.argv[2]
    if backend == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)

    class Variables:
        def __init__(self, names):
            self.variables = dict.fromkeys(names)

    def last(module):
        function = getattr(module, [name for name in dir(module) if name.startswith("f")][0])
        def call(**values):
            out = function(**values)
            out = out[-1] if isinstance(out, tuple) else out
            return np.asarray(out.detach() if hasattr(out, "detach") else out, dtype=float)
        return call

    report = {}
    for case in json.load(open(sys.argv[1])):
        try:
            values = dict(np.load(case["values"]))
            values = {k: float(v) if v.shape == () else v for k, v in values.items()}
            derivative, base = (last(importlib.import_module(m)) for m in (case["module"], case["base"]))
            if case["symmetric"]:
                expected = symmetric_numeric_gradient(base, values, case["wrt"])
            else:
                expected = numeric_derivative(base, values, Variables(values), case["wrt"])
            actual = derivative(**values)
            if actual.ndim == 2 and expected.ndim == 3 and expected.shape[1] == 1:
                expected = expected[:, 0, :]
            if expected.ndim >= 3:  # an array by a matrix: the code computes its vec form
                expected = vec_form(expected, expected.ndim - np.ndim(values[case["wrt"]]))
            np.testing.assert_allclose(actual, expected.reshape(actual.shape), rtol=1e-5, atol=1e-6)
            if case["checks"]:
                getattr(importlib.import_module(case["module"]), "check_gradient")(**values)
            report[case["id"]] = "ok"
        except Exception as error:
            report[case["id"]] = f"{type(error).__name__}: {error}"
    print(json.dumps(report))
    """
)


def _cases(row: Identity) -> tuple[symdiff.Result, symdiff.Result]:
    names = [row.wrt] if isinstance(row.wrt, str) else list(row.wrt)
    result = symdiff.derive(row.formula, names, row.shapes, symmetric=row.symmetric)
    base = (
        symdiff.derive(row.formula, names[:-1], row.shapes, symmetric=row.symmetric)
        if len(names) > 1
        else symdiff.parse(row.formula, row.shapes)
    )
    return result, base


def _point(result: symdiff.Result, base: symdiff.Result, row: Identity, rng: np.random.Generator) -> dict:
    """Random values where both the derivative and what it derives are defined (log(det(X)) needs det X > 0)."""
    while True:
        values = symmetrize_values(random_values(result.formula, rng), row.symmetric)
        try:
            result.evaluate(**values), base.evaluate(**values)
        except SymdiffError:
            continue
        return values


def _run(backend: str, directory: Path) -> dict[str, str]:
    """Every identity's code for ``backend``, checked in one subprocess: {row id: "ok" or what went wrong}."""
    cases = []
    for k, row in enumerate(IDENTITIES):
        result, base = _cases(row)
        names = [row.wrt] if isinstance(row.wrt, str) else list(row.wrt)
        for suffix, which in (("", result), ("_base", base)):
            (directory / f"case{k}{suffix}.py").write_text(which.code(backend))
        values = _point(result, base, row, np.random.default_rng(k))
        np.savez(directory / f"case{k}.npz", **values)
        cases.append(
            {
                "id": row_id(row) + repr(row.shapes) + repr(row.symmetric),
                "module": f"case{k}",
                "base": f"case{k}_base",
                "values": str(directory / f"case{k}.npz"),
                "wrt": names[-1],
                "symmetric": names[-1] in row.symmetric,
                "checks": "def check_gradient" in result.code(backend) and not row.symmetric,
            }
        )
    return _drive(DRIVER, cases, backend, directory)


def _drive(driver: str, cases: list[dict], backend: str, directory: Path) -> dict:
    """``driver`` run on ``cases`` for ``backend`` in one subprocess, with the modules of ``directory`` importable:
    its report, by case."""
    (directory / "cases.json").write_text(json.dumps(cases))
    (directory / "driver.py").write_text(driver)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(directory), str(TESTS), str(TESTS.parent)])}
    done = subprocess.run(
        [sys.executable, str(directory / "driver.py"), str(directory / "cases.json"), backend],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module", params=["numpy", "jax", "torch"])
def reports(request, tmp_path_factory) -> tuple[str, dict[str, str]]:
    backend = request.param
    if backend != "numpy":
        pytest.importorskip(backend)
    return backend, _run(backend, tmp_path_factory.mktemp(backend))


@pytest.mark.slow
def test_every_identity_exports_code_matching_finite_differences(reports):
    backend, report = reports
    assert len(report) == len(IDENTITIES)
    failed = {case: outcome for case, outcome in report.items() if outcome != "ok"}
    assert not failed, f"{backend}: {failed}"


def test_numpy_code_of_a_gradient_runs_and_checks_itself(tmp_path):
    """Outside the slow sweep: one gradient's code, its shape checks and its check_gradient, in a subprocess."""
    code = symdiff.derive("0.5*norm(A*x - b)^2 + 0.5*lam*norm(x)^2", "x").code("numpy")
    (tmp_path / "ridge.py").write_text(code)
    script = textwrap.dedent(
        """
        import numpy as np
        from ridge import f_and_grad, check_gradient
        rng = np.random.default_rng(0)
        A, b, x = rng.normal(size=(5, 3)), rng.normal(size=5), rng.normal(size=3)
        value, gradient = f_and_grad(A, b, 0.3, x)
        assert gradient.shape == (3,)
        assert np.allclose(gradient, A.T @ (A @ x - b) + 0.3 * x)
        assert np.isclose(value, 0.5 * np.sum((A @ x - b) ** 2) + 0.15 * np.sum(x ** 2))
        assert check_gradient(A, b, 0.3, x) < 1e-5
        for bad in (dict(x=np.ones(4)), dict(b=np.ones((5, 1))), dict(lam=np.ones(2))):
            args = {**dict(A=A, b=b, lam=0.3, x=x), **bad}
            try:
                f_and_grad(**args)
            except ValueError as error:
                print(error)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(tmp_path)}
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "the length of x must be d = 3 (the columns of A), got 4",
        "b must be a vector (1-D array), got shape (5, 1)",
        "lam must be a number, got shape (2,)",
    ]


def test_the_code_computes_common_subexpressions_once_and_chains_cheaply():
    code = symdiff.derive("0.5*norm(A*x)**2", "x").code("numpy")
    assert "t1 = A @ x\n" in code and "value = 0.5 * np.vdot(t1, t1)\n" in code
    assert "gradient = A.T @ t1\n" in code


def test_the_logistic_hessian_scales_rows_instead_of_building_a_diagonal():
    code = symdiff.derive("sum(log(1 + exp(-hadamard(y, X*w))))", ["w", "w"]).code("numpy")
    assert "diag" not in code.split('"""')[-1] and "X.T @ (" in code


def test_a_hessian_and_a_jacobian_are_named_for_what_they_are():
    assert "def f_and_hessian(A, x):" in symdiff.derive("x.T*A*x", ["x", "x"]).code("numpy")
    jacobian = symdiff.derive("A*x", "x").code("numpy")
    assert "def f_and_derivative(A, x):" in jacobian and "check_gradient" not in jacobian
    assert "def f(A, x):" in symdiff.parse("x.T*A*x").code("numpy")


def test_each_backend_spells_its_module():
    result = symdiff.derive("log(det(X)) + sum(sigmoid(X*a))", "X")
    assert "np.linalg.slogdet" in result.code("numpy")
    assert "jax.nn.sigmoid" in result.code("jax") and "import jax.numpy as jnp" in result.code("jax")
    assert "torch.logdet" in result.code("torch") and "torch.sigmoid" in result.code("torch")


def test_an_unknown_backend_is_an_error():
    with pytest.raises(SymdiffError, match="no code export for 'fortran'"):
        symdiff.derive("x.T*x", "x").code("fortran")


def test_cli_formats_are_the_backends():
    assert set(CODE_FORMATS) == set(BACKENDS)


def test_cli_prints_the_code_of_a_derivative_and_of_a_program():
    runner = CliRunner()
    done = runner.invoke(main, ["derive", "0.5*norm(A*x)**2", "--wrt", "x", "--format", "numpy"])
    assert done.exit_code == 0, done.output
    assert done.output == symdiff.derive("0.5*norm(A*x)**2", "x").code("numpy")
    program = runner.invoke(main, ["derive", "b = A*x; f = 0.5*norm(b)**2", "--wrt", "A", "--format", "torch"])
    assert program.exit_code == 0, program.output
    assert "def f_and_grad(A, x):" in program.output and "gradient = t1 * x.T" in program.output
    steps = runner.invoke(main, ["derive", "b = A*x; f = 0.5*norm(b)**2", "--wrt", "A", "--format", "numpy", "--steps"])
    assert steps.exit_code == 2 and "not numpy code" in steps.output


# --- a program's backprop as code ---------------------------------------------------------------------------
NET = """r1 = max(c*x1 + e*x2, 0)
r2 = max(d*x1 + f*x2, 0)
s1 = 1/(1 + exp(-a*r1))
s2 = 1/(1 + exp(-b*r2))
y = s1 + s2
"""
"""The worksheet's network (README, "Programs and backprop"): scalars, kinks, component form."""

PROGRAMS = [
    ("b = A*x; f = 0.5*norm(b)**2", None, None),
    ("r = A*x - y; f = 0.5*norm(r)**2 + 0.5*lam*norm(x)**2", None, None),
    ("h = sigmoid(W1*x); f = 0.5*norm(W2*h - y)**2", None, None),
    ("z = X*w; f = sum(log(1 + exp(-hadamard(y, z))))", None, None),
    ("u = x; b = A*x; c = A*x; f = b.T*c + sum(u)", {"x": ("d",), "A": ("n", "d")}, None),  # an alias, a twin
    ("S = X.T*X + I; f = log(det(S)) + trace(inv(S)*C)", {"X": ("n", "d"), "C": ("d", "d")}, None),
    ("b = A*x; f = 0.5*norm(b)**2", {"A": (2, 2), "x": (2,)}, None),  # component form
    ("b = A*x; f = 0.5*norm(b)**2", {"A": (2, 3), "x": (3,)}, "b1"),  # a component as the output
    (NET, None, None),
    ("0.5*norm(A*x - b)^2", None, None),  # a bare formula: a one-line program
]
"""Programs whose backprop code is run: (text, shapes, --of)."""

PROGRAM_DRIVER = textwrap.dedent(
    """
    import importlib, json, sys
    import numpy as np
    from numeric import numeric_derivative

    backend = sys.argv[2]
    if backend == "jax":
        import jax
        jax.config.update("jax_enable_x64", True)

    def plain(value):
        return np.asarray(value.detach() if hasattr(value, "detach") else value, dtype=float)

    class Variables:
        def __init__(self, names):
            self.variables = dict.fromkeys(names)

    report = {}
    for case in json.load(open(sys.argv[1])):
        try:
            module = importlib.import_module(case["module"])
            values = dict(np.load(case["values"]))
            values = {k: float(v) if v.shape == () else v for k, v in values.items()}
            value, gradients = module.f_and_grads(**values)
            assert sorted(gradients) == sorted(values), sorted(gradients)

            def f(**moved):
                return plain(module.f_and_grads(**moved)[0])

            for name, gradient in gradients.items():
                expected = numeric_derivative(f, values, Variables(values), name)
                assert plain(gradient).shape == np.shape(values[name]), (name, plain(gradient).shape)
                np.testing.assert_allclose(plain(gradient), expected, rtol=1e-5, atol=1e-6, err_msg=name)
            module.check_gradient(**values)
            report[case["module"]] = {
                "value": float(plain(value)),
                "gradients": {name: plain(g).tolist() for name, g in gradients.items()},
            }
        except Exception as error:
            report[case["module"]] = f"{type(error).__name__}: {error}"
    print(json.dumps(report))
    """
)


def _program(k: int) -> symdiff.Program:
    text, shapes, of = PROGRAMS[k]
    return symdiff.program(text, shapes, of=of)


def _expected(program: symdiff.Program, values: dict) -> tuple[object, dict[str, object]]:
    """The value and the gradients by every input as symdiff computes them: ``backprop``, or for a bare formula
    ``evaluate``."""
    if program.output is None:
        gradients = {name: program.derive(name).evaluate(**values) for name in program.inputs}
        return symdiff.parse(program.text).evaluate(**values), gradients
    at = {name: value.tolist() if isinstance(value, np.ndarray) else value for name, value in values.items()}
    numbers = program.backprop(at)
    return numbers.values[program.value], numbers.gradients


@pytest.mark.parametrize(
    "backend", ["numpy", pytest.param("jax", marks=pytest.mark.slow), pytest.param("torch", marks=pytest.mark.slow)]
)
def test_a_programs_backprop_code_matches_backprop_and_finite_differences(backend, tmp_path):
    """Each program's code in a subprocess: its gradients against central differences of its value, and
    value and gradients against ``Program.backprop`` at the same point."""
    if backend != "numpy":
        pytest.importorskip(backend)
    cases, expected = [], {}
    for k in range(len(PROGRAMS)):
        program = _program(k)
        (tmp_path / f"program{k}.py").write_text(program.code(backend))
        values = random_values(program.expanded, np.random.default_rng(k))
        np.savez(tmp_path / f"program{k}.npz", **values)
        cases.append({"module": f"program{k}", "values": str(tmp_path / f"program{k}.npz")})
        expected[f"program{k}"] = _expected(program, values)
    report = _drive(PROGRAM_DRIVER, cases, backend, tmp_path)
    failed = {case: outcome for case, outcome in report.items() if isinstance(outcome, str)}
    assert not failed, f"{backend}: {failed}"
    for case, (value, gradients) in expected.items():
        assert np.isclose(report[case]["value"], float(value)), case
        assert report[case]["gradients"].keys() == gradients.keys(), case
        for name, gradient in gradients.items():
            actual, wanted = np.ravel(report[case]["gradients"][name]), np.ravel(np.asarray(gradient, dtype=float))
            np.testing.assert_allclose(actual, wanted, rtol=1e-7, atol=1e-9, err_msg=f"{case} {name}")


def test_a_programs_code_names_its_intermediates_and_returns_gradients_by_name():
    code = symdiff.program("h = sigmoid(W1*x); f = 0.5*norm(W2*h - y)**2").code("numpy", "W1, W2")
    assert "def f_and_grads(W1, W2, x, y):" in code
    assert "    h = 0.5 * (1.0 + np.tanh(0.5 * (W1 @ x)))\n    t1 = W2 @ h - y\n    f = 0.5 * np.vdot(t1, t1)\n" in code
    assert 'return f, {"W1": grad_W1, "W2": grad_W2}' in code
    assert 'for name in ("W1", "W2"):' in code


def test_a_definitions_the_output_does_not_need_are_left_out():
    code = symdiff.program("b = A*x; c = 2*b; f = 0.5*norm(b)**2", of="f").code("numpy", "x")
    assert "    b = A @ x\n" in code and "    c = " not in code and "c = 2" not in code


def test_cli_backprop_prints_the_programs_code():
    runner = CliRunner()
    text = "b = A*x; f = 0.5*norm(b)**2"
    done = runner.invoke(main, ["backprop", text, "--format", "torch", "--wrt", "A"])
    assert done.exit_code == 0, done.output
    assert done.output == symdiff.program(text).code("torch", ["A"])
    refused = runner.invoke(main, ["backprop", text, "--format", "numpy", "--at", "A=[[1]], x=[1]", "--round", "2"])
    assert refused.exit_code == 2 and "--at, --round: not with --format numpy" in refused.output
    missing = runner.invoke(main, ["backprop", text])
    assert missing.exit_code == 2 and "Missing option '--at'" in missing.output


@pytest.mark.parametrize(
    ("text", "wrt", "message"),
    [
        ("b = A*x; f = b", None, "the output f is not a scalar"),
        ("b = A*x; f = 0.5*norm(b)**2", "A[k, l]", "code export gives gradients by whole names"),
        ("b = A*x; f = 0.5*norm(b)**2", "z", "'z' does not occur in the program"),
    ],
)
def test_a_program_without_code_says_why(text, wrt, message):
    with pytest.raises(SymdiffError, match=re.escape(message)):
        symdiff.program(text).code("numpy", wrt)
    with pytest.raises(SymdiffError, match="no code export for 'c'"):
        symdiff.program(text).code("c")
