"""Every public function and method of the Python API, with eval payloads in every argument.

A web page passes request data straight to this API, so each argument of each
call gets strings that Python's ``eval`` (and SymPy's ``sympify``) would run,
alone and inside lists, tuples, NumPy arrays of dtype object and str, mapping
keys and values. A marker file proves that nothing ran; each call must succeed
or raise a ``SymdiffError``, never another exception. The sweep introspects
``symdiff.__all__`` and the public methods of the classes it exports, so a new
public callable that is not swept fails the test.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import symdiff
from symdiff.program import ProgramResult

WORKSHEET = Path(__file__).parent.parent / "worksheets" / "quadratic.toml"
PROGRAM = "b = A*x; f = 0.5*norm(b)^2"
SHAPES = {"A": (2, 2), "x": (2,)}
MATRIX_SHAPES = {"A": ("n", "n"), "x": ("n",)}
GOOD = {"A": [[1, 2], [3, 4]], "x": [1, -1]}


def payloads(marker: Path) -> list[object]:
    """Eval payloads alone and inside every container a user can pass."""
    code = f"__import__('os').system('touch {marker}')"
    lam = f"(lambda: __import__('os').system('touch {marker}'))()"
    return [
        code,
        lam,
        f"x={code}",
        f"[{code}]",
        [code],
        (code, 1),
        [[code, 1], [1, 1]],
        {code: 1},
        {"A": code, "x": [1, 1]},
        {"A": [[code, 1], [1, 1]], "x": [1, 1]},
        np.array([code], dtype=object),
        np.array([[code, "1"], ["1", "1"]]),
        np.array([[code, 1], [1, 1]], dtype=object),
        np.array(code),
        {"n": code},
        [["x", code]],
        (code,),
    ]


def values_payloads(marker: Path) -> list[object]:
    """Values for one variable of ``Result.evaluate``: the payload as a number, an entry, an array."""
    code = f"__import__('os').system('touch {marker}')"
    return [code, [code, 1], [[code, 1], [1, 1]], np.array([code, "1"]), np.array([[code, 1], [1, 1]], dtype=object),
            np.array(code), {code: 1}, (code,)]


@pytest.fixture(scope="module")
def key() -> object:
    return symdiff.solve(str(WORKSHEET))


def _program() -> symdiff.Program:
    return symdiff.program(PROGRAM, SHAPES)


# What each public callable is called with when nothing is hostile: function -> (callable, keyword arguments).
CALLS: dict[str, Callable[..., tuple[Callable, dict[str, object]]]] = {
    "derive": lambda key: (symdiff.derive, {"expr": "x.T*A*x", "wrt": "x", "shapes": MATRIX_SHAPES, "syntax": "plain",
                                            "layout": "numerator", "symmetric": ["A"], "samples": {"x": "X:rows"}}),
    "parse": lambda key: (symdiff.parse, {"expr": "x.T*A*x", "shapes": MATRIX_SHAPES, "syntax": "plain"}),
    "parse_latex": lambda key: (symdiff.parse_latex, {"expr": r"\mathbf{x}^T A \mathbf{x}", "shapes": MATRIX_SHAPES}),
    "program": lambda key: (symdiff.program, {"text": PROGRAM, "shapes": SHAPES, "syntax": "plain", "of": "f"}),
    "Program": lambda key: (symdiff.Program, {"text": PROGRAM, "shapes": SHAPES, "syntax": "plain", "of": "f"}),
    "check": lambda key: (symdiff.check, {"question": PROGRAM, "wrt": "x", "options": ["A.T*b", "b"], "shapes": SHAPES,
                                          "of": "f", "syntax": "plain"}),
    "blanks": lambda key: (symdiff.blanks, {"template": "_1 - 1", "candidates": ["x1, -x1"], "positive": [(2, 0)],
                                            "negative": [(0, 0)], "variables": ["x1", "x2"], "syntax": "plain"}),
    "solve": lambda key: (symdiff.solve, {"path": str(WORKSHEET)}),
    "print_key": lambda key: (symdiff.print_key, {"key": key, "fmt": "latex", "figures": {"2.b": "key-2-b.pdf"}}),
    # the result classes: constructed by the library, swept all the same (a dataclass only stores its fields)
    "Result": lambda key: (symdiff.Result, dict(vars(symdiff.parse("x^2")))),
    "CheckResult": lambda key: (symdiff.CheckResult, {"question": "x^2", "of": None, "wrt": "x",
                                                      "answer": symdiff.derive("x^2", "x"), "options": ()}),
    "BlanksResult": lambda key: (symdiff.BlanksResult, {"template": "_1", "blanks": ("_1",), "functions": (),
                                                        "tried": 0, "evaluations": 0, "points": 0}),
}

# Public methods of the exported classes: (class, method) -> (bound method, keyword arguments).
METHODS: dict[tuple[str, str], Callable[..., tuple[Callable, dict[str, object]]]] = {
    ("Program", "backprop"): lambda key: (_program().backprop, {"at": GOOD, "wrt": "A", "round": 2}),
    ("Program", "steps"): lambda key: (_program().steps, {"wrt": "x1", "at": GOOD, "round": 2}),
    ("Program", "code"): lambda key: (_program().code, {"backend": "jax", "wrt": "A"}),
    ("Program", "derive"): lambda key: (_program().derive, {"wrt": "A", "expand": False, "in_terms_of": ["b", "x"]}),
    ("Program", "formula"): lambda key: (_program().formula, {"text": "A.T*b", "syntax": "plain"}),
    ("Program", "target"): lambda key: (_program().target, {"name": "b"}),
    ("Program", "expand"): lambda key: (_program().expand, {"expr": _program().symbols["b1"]}),
    ("Program", "nesting"): lambda key: (_program().nesting, {}),
    ("Result", "evaluate"): lambda key: (symdiff.derive("x.T*A*x", "x", MATRIX_SHAPES).evaluate, dict(GOOD)),
    ("Result", "lambdify"): lambda key: (symdiff.derive("x.T*A*x", "x", SHAPES).lambdify(), dict(GOOD)),
    ("Result", "code"): lambda key: (symdiff.derive("x.T*A*x", "x", MATRIX_SHAPES).code, {"backend": "numpy"}),
    ("ProgramResult", "code"): lambda key: (_program().derive("A").code, {"backend": "torch"}),
    ("ProgramResult", "evaluate"): lambda key: (_program().derive("A").evaluate, dict(GOOD)),
    ("ProgramResult", "lambdify"): lambda key: (_program().derive("A").lambdify(), dict(GOOD)),
    ("CheckResult", "as_json"): lambda key: (symdiff.check("x^2", "x", ["2*x"]).as_json, {}),
    ("BlanksResult", "as_json"): lambda key: (symdiff.blanks("_1 - 1", ["x1"], [(2, 0)]).as_json, {}),
    ("BlanksResult", "plot"): lambda key: (symdiff.blanks("_1 - 1", ["x1"], [(2, 0)]).plot, {}),
    # Program.graph is the graph (an attribute), and calling it draws: swept as a method all the same
    ("Program", "graph"): lambda key: (_program().graph, {"at": GOOD, "wrt": "x", "round": 2}),
}
SWEPT_CLASSES = {"Program": symdiff.Program, "Result": symdiff.Result, "ProgramResult": ProgramResult,
                 "CheckResult": symdiff.CheckResult, "BlanksResult": symdiff.BlanksResult}


def _public_callables() -> set[str]:
    return {name for name in symdiff.__all__
            if callable(getattr(symdiff, name))
            and not (isinstance(getattr(symdiff, name), type) and issubclass(getattr(symdiff, name), BaseException))}


def _public_methods(cls: type) -> set[str]:
    return {name for name, member in inspect.getmembers(cls, inspect.isfunction) if not name.startswith("_")}


def test_every_public_callable_is_swept() -> None:
    assert _public_callables() == set(CALLS), "a public callable of symdiff is missing from the payload sweep"
    exported_classes = {name for name in _public_callables() if isinstance(getattr(symdiff, name), type)}
    assert exported_classes <= set(SWEPT_CLASSES)
    for name, cls in SWEPT_CLASSES.items():
        swept = {method for (owner, method) in METHODS if owner == name} - {"graph"}
        assert _public_methods(cls) == swept, f"public methods of {name} missing from the payload sweep"


def _arguments(function: Callable, baseline: dict[str, object], marker: Path) -> list[tuple[str, dict[str, object]]]:
    """The baseline with one argument replaced by one payload, for every argument and payload."""
    parameters = inspect.signature(function).parameters
    named = [p for p in parameters.values() if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
    cases = []
    for parameter in named:
        for payload in payloads(marker):
            cases.append((parameter.name, {**baseline, parameter.name: payload}))
    if any(p.kind == p.VAR_KEYWORD for p in parameters.values()):  # evaluate(**values): every value, and a key
        for name in baseline:
            for payload in values_payloads(marker):
                cases.append((name, {**baseline, name: payload}))
        for payload in payloads(marker)[:2]:
            cases.append(("a keyword", {**baseline, payload: 1}))  # type: ignore[misc]
    return cases


def _sweep(label: str, function: Callable, baseline: dict[str, object], marker: Path) -> list[str]:
    function(**baseline)  # the baseline itself works: the payloads are what is being refused
    failures = []
    for argument, kwargs in _arguments(function, baseline, marker):
        try:
            function(**kwargs)
        except symdiff.SymdiffError:
            pass
        except Exception as exc:
            failures.append(f"{label}({argument}={kwargs[argument]!r:.60}): {type(exc).__name__}: {exc}"[:300])
        assert not marker.exists(), f"{label}: the payload in {argument} ran"
    return failures


@pytest.mark.parametrize("name", sorted(CALLS))
def test_functions_refuse_payloads_in_every_argument(name: str, key: object, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    function, baseline = CALLS[name](key)
    failures = _sweep(name, function, baseline, marker)
    assert not marker.exists()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("owner_method", sorted(METHODS), ids=lambda om: ".".join(om))
def test_methods_refuse_payloads_in_every_argument(owner_method: tuple[str, str], key: object, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    function, baseline = METHODS[owner_method](key)
    failures = _sweep(".".join(owner_method), function, baseline, marker)
    assert not marker.exists()
    assert not failures, "\n".join(failures)


def test_the_issue_payload_in_a_matrix_value_does_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    program = symdiff.program("b = A*x; f = 0.5*norm(b)^2", {"A": (2, 2), "x": (2,)})
    hostile = {"A": [[f"__import__('os').system('touch {marker}')", 1], [1, 1]], "x": [1, 1]}
    with pytest.raises(symdiff.SymdiffError, match=r"A\[0, 0\]"):
        program.backprop(hostile, "A")
    with pytest.raises(symdiff.SymdiffError):
        program.steps("A", at=hostile)
    assert not marker.exists()
