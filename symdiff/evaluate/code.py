"""Code export: a plan printed as a self-contained Python function for NumPy, JAX or PyTorch.

The printed function is what a user pastes into a project: imports, its
arguments converted and their shapes checked with messages that say which
dimension disagrees with which, the plan's steps (a temporary for every value
used twice, single-use steps written inline), and the value returned with its
derivative (``def f_and_grad(A, x): ... return value, gradient``). The plan is
the one ``evaluate.numpy`` runs, made without sizes: matrix chains of three or
more factors are ``multi_dot`` calls, which order them for the sizes they get.
One rule per step kind, with the module prefix of the backend; the index form's
steps (``evaluate.indices``) print as subscripts, ``einsum`` and reshapes from
their data. symdiff never executes the text it prints (the tests run it in a
subprocess).
"""

from __future__ import annotations

import itertools
import keyword
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import sympy as sp

from ..errors import SymdiffError, UnsupportedError
from ..model.build import dim_symbol
from ..model.types import Shape
from .plan import Plan, Step

Render = Callable[[Step, list[str]], str]
"""A call rule: the step and its arguments' text -> the text of its value."""


def _call(template: str) -> Render:
    """``template`` filled with the arguments ({0}, {1}), all of them ({args}) and the step's data ({d0}, {d1})."""
    return lambda step, args: template.format(
        *args, args=", ".join(args), **{f"d{i}": value for i, value in enumerate(step.data)}
    )


CALLS: dict[str, str] = {
    "power": "{m}.power({0}, {1})",
    "sqrt": "{m}.sqrt({0})",
    "softplus": "{m}.logaddexp(0.0, {0})",
    "finite_or_zero": "{m}.where({m}.isfinite({0}), {0}, 0.0)",
    "multidot": "{m}.linalg.multi_dot([{args}])",
    "solve": "{m}.linalg.solve({0}, {1})",
    "inv": "{m}.linalg.inv({0})",
    "matpow": "{m}.linalg.matrix_power({0}, {d0})",
    "trace": "{m}.trace({0})",
    "trace_product": "{m}.einsum('ij,ji->', {0}, {1})",
    "det": "{m}.linalg.det({0})",
    "logdet": "_logdet({0})",
    "eye": "{m}.eye({0})",
    "ones": "{m}.ones(({0}, {1}))",
    "zeros": "{m}.zeros(({0}, {1}))",
    "sumsq": "{m}.vdot({0}, {0})",
    "sum": "{m}.sum({0})",
    "max": "{m}.max({0})",
    "rowsum": "{m}.sum({0}, axis=1, keepdims=True)",
    "rowmax": "{m}.max({0}, axis=1, keepdims=True)",
    "full_like": "{m}.zeros_like({0}) + {1}",
    "diag": "{m}.diagflat({0})",
    "onehot": "{m}.eye({1})[{m}.asarray({0}, dtype=int).reshape(-1) - 1]",
    "kron": "{m}.kron({0}, {1})",
    "vec": "{m}.reshape({m}.transpose({0}), (-1, 1))",
    "commutation": "{m}.eye({0} * {1})[{m}.arange({0} * {1}).reshape({1}, {0}).T.reshape(-1)]",
    "dense": "{m}.array([{args}]).reshape({d0}, {d1})",
    "tuple": "({args},)",
    "index_sum": "{m}.sum({0}, axis={d0}, keepdims=True)",
}
"""Step kind -> its NumPy-like spelling, {m} the backend's module."""

FUNCTIONS: dict[str, str] = {
    "exp": "{m}.exp({0})",
    "log": "{m}.log({0})",
    "sin": "{m}.sin({0})",
    "cos": "{m}.cos({0})",
    "tan": "{m}.tan({0})",
    "tanh": "{m}.tanh({0})",
    "abs": "{m}.abs({0})",
    "sign": "{m}.sign({0})",
    "sigmoid": "0.5 * (1.0 + {m}.tanh(0.5 * {0}))",
    "relu": "{m}.maximum({0}, 0.0)",
    "step": "{m}.where({0} > 0, 1.0, 0.0)",
    "max": "{m}.maximum({0}, {1})",
    "min": "{m}.minimum({0}, {1})",
}
"""Entrywise function (``Op.name``) -> its NumPy-like spelling."""

OPERATORS = {"add": (" + ", 10), "sub": (" - ", 10), "mul": (" * ", 20), "div": (" / ", 20), "matmul": (" @ ", 20)}
"""Step kinds printed as infix operators, with Python's precedence (higher binds tighter)."""
ATOM, UNARY = 100, 30
"""The precedence of a name, call or subscript, and of a unary minus."""

REPEATED = {"sumsq", "finite_or_zero"}
"""Step kinds whose spelling names their argument twice: that argument is a temporary, never written inline."""

POSTFIX = {"transpose": "{0}.T", "entry": "{0}[{d0}, {d1}]", "item": "{0}[0, 0]"}
"""Step kinds printed after their operand (which binds tightest)."""

VIEWS = {"": "{0}", "T": "{0}.T", "diagonal": "{m}.diagonal({0})"}
"""An index-form entry's view of its array (``evaluate.indices.layout``)."""


def _index_entry(step: Step) -> str:
    """An entry laid along its axes: the array's view, subscripted (``A[i, k]`` with i on axis 0, k on 2:
    ``A[:, None, :]``)."""
    view, subscript = step.data
    return VIEWS[view] + ("[" + ", ".join(map(str, subscript)) + "]" if subscript else "")


def _index_array(step: Step) -> str:
    """The free indices' values as rows and columns: a reshape (``evaluate.indices.plan_array``)."""
    order = step.data
    if order == ("rows", "cols"):
        return "{0}.reshape({1}, {2})"
    if order == ("cols", "rows"):
        return "{0}.reshape({2}, {1}).T"
    return "{0}.reshape({d0}, {d1})"


def _index_contract(step: Step) -> str:
    """A sum of a product of entries: one ``einsum``, laid along its axes (``evaluate.indices``)."""
    spec, subscript = step.data
    return f"{{m}}.einsum('{spec}', {{args}})" + ("[" + ", ".join(map(str, subscript)) + "]" if subscript else "")


SPELLED: dict[str, Callable[[Step], str]] = {
    "index_entry": _index_entry,
    "index_array": _index_array,
    "index_contract": _index_contract,
}
"""Step kinds whose spelling depends on their data, the same in every backend: the index form's."""


@dataclass(frozen=True)
class Backend:
    """How one array library spells the steps: its imports, module prefix, conversion and differences."""

    imports: tuple[str, ...]
    module: str
    convert: str
    calls: Mapping[str, str] = field(default_factory=dict)
    functions: Mapping[str, str] = field(default_factory=dict)
    logdet: str = ""
    note: str = ""

    def rule(self, step: Step) -> str:
        if step.kind == "call":
            template = self.functions.get(step.data[0]) or FUNCTIONS.get(step.data[0])
            if template is None:
                raise UnsupportedError(f"no code export for {step.data[0]}")
            return template
        if step.kind in SPELLED:
            return SPELLED[step.kind](step)
        return self.calls.get(step.kind) or CALLS[step.kind]


BACKENDS: dict[str, Backend] = {
    "numpy": Backend(
        ("import numpy as np",),
        "np",
        "np.asarray({0}, dtype=float)",
        logdet='''def _logdet(X):
    """log(det(X)) without overflow; an error where det(X) <= 0."""
    sign, value = np.linalg.slogdet(X)
    if sign <= 0:
        raise ValueError("log(det(X)) needs det(X) > 0")
    return value''',
    ),
    "jax": Backend(
        ("import jax", "import jax.numpy as jnp"),
        "jnp",
        "jnp.asarray({0})",
        functions={"sigmoid": "jax.nn.sigmoid({0})", "relu": "jax.nn.relu({0})"},
        logdet='''def _logdet(X):
    """log(det(X)) without overflow; NaN where det(X) <= 0."""
    sign, value = jnp.linalg.slogdet(X)
    return jnp.where(sign > 0, value, jnp.nan)''',
        note="# JAX computes in float32 unless jax.config.update('jax_enable_x64', True) is set.",
    ),
    "torch": Backend(
        ("import torch",),
        "torch",
        "torch.as_tensor({0}, dtype=torch.float64)",
        calls={
            "logdet": "torch.logdet({0})",
            "softplus": "torch.logaddexp({0}, torch.zeros((), dtype=torch.float64))",
            "eye": "torch.eye({0}, dtype=torch.float64)",
            "ones": "torch.ones(({0}, {1}), dtype=torch.float64)",
            "zeros": "torch.zeros(({0}, {1}), dtype=torch.float64)",
            "sumsq": "torch.sum({0} * {0})",
            "diag": "torch.diag({0}.reshape(-1))",
            "onehot": "torch.eye(int({1}), dtype=torch.float64)[torch.as_tensor({0}).long().reshape(-1) - 1]",
            "kron": "torch.kron({0}.contiguous(), {1}.contiguous())",  # torch.kron views its inputs: a transpose fails
            "vec": "torch.reshape(torch.t({0}), (-1, 1))",
            "commutation": (
                "torch.eye({0} * {1}, dtype=torch.float64)[torch.arange({0} * {1}).reshape({1}, {0}).T.reshape(-1)]"
            ),
            "max": "torch.max({0})",
            "rowsum": "torch.sum({0}, dim=1, keepdim=True)",
            "rowmax": "torch.amax({0}, dim=1, keepdim=True)",
            "index_sum": "torch.sum({0}, dim={d0}, keepdim=True)",
            "dense": "torch.stack([torch.as_tensor(e, dtype=torch.float64) for e in ({args},)]).reshape({d0}, {d1})",
            "power": "torch.pow(torch.as_tensor({0}, dtype=torch.float64), {1})",
        },
        functions={
            "sigmoid": "torch.sigmoid({0})",
            "relu": "torch.relu({0})",
            "step": "({0} > 0).to(torch.float64)",
            "max": "torch.maximum(torch.as_tensor({0}), torch.as_tensor({1}))",
            "min": "torch.minimum(torch.as_tensor({0}), torch.as_tensor({1}))",
        },
    ),
}
"""The backends ``--format`` and ``Result.code`` print for."""


def backend_name(backend: object) -> str:
    """``backend`` if code is printed for it, else an error listing those there are."""
    if not isinstance(backend, str) or backend not in BACKENDS:
        shown = repr(backend) if isinstance(backend, str) and len(backend) <= 20 else "that backend"
        raise SymdiffError(f"no code export for {shown}", hint=f"choose one of {', '.join(BACKENDS)}")
    return backend


@dataclass(frozen=True)
class Signature:
    """What the printed function takes and returns."""

    name: str
    variables: Mapping[str, Shape]
    """Argument name -> shape: () a number, (d, 1) a vector (1-D), (rows, cols) a matrix."""
    symbols: Mapping[str, sp.Basic]
    """Argument name -> its symbol, or the matrix of its component symbols (component form)."""
    outputs: Sequence[tuple[str, bool]]
    """The returned values, each a name and whether it is a column vector (returned 1-D)."""
    doc: str
    intermediates: Mapping[str, sp.Basic] = field(default_factory=dict)
    """A program's intermediates computed by name (name -> its symbol, or matrix of component symbols), in
    order: the plan's first outputs are their definitions, and the other steps read them by name."""
    keys: Sequence[str] = ()
    """When given: the first output is returned, then the others as a dict with these keys (a program's
    gradients by the argument names); else every output in a tuple."""


@dataclass(frozen=True)
class GradientCheck:
    """The finite-difference self-check appended to the code: the gradients by ``variables`` against the value."""

    variables: tuple[str, ...]


def source(plan: Plan, signature: Signature, backend: str, check: GradientCheck | None = None) -> str:
    """The text of a Python module defining ``signature.name`` (and ``check_gradient`` if asked)."""
    spec = BACKENDS[backend]
    arguments = [_identifier(name) for name in signature.variables]
    body = _Body(plan, signature, spec)
    lines = [*spec.imports]
    if check is not None and backend != "numpy":
        lines.append("import numpy as np")
    if spec.note:
        lines += ["", spec.note]
    if body.uses_logdet:
        lines += ["", "", spec.logdet]
    lines += ["", "", f"def {signature.name}({', '.join(arguments)}):", *_docstring(signature.doc)]
    lines += ["    " + line for line in body.lines]
    if check is not None:
        lines += ["", "", *_check_function(signature, arguments, check)]
    return "\n".join(lines) + "\n"


def _identifier(name: str) -> str:
    if not name.isidentifier():
        raise UnsupportedError(f"{name} cannot be a Python argument name", hint="rename the variable")
    return name + "_" if keyword.iskeyword(name) or name in {"np", "jnp", "jax", "torch"} else name


def _docstring(doc: str) -> list[str]:
    lines = doc.replace("\\", "\\\\").replace('"""', r"\"\"\"").splitlines()
    if len(lines) == 1:
        return [f'    """{lines[0]}"""']
    return ['    """' + lines[0], *("    " + line if line else "" for line in lines[1:]), '    """']


class _Body:
    """The statements of the function: conversions and shape checks, then the steps, then the return."""

    def __init__(self, plan: Plan, signature: Signature, spec: Backend) -> None:
        self.spec = spec
        self.lines: list[str] = []
        self.loads: dict[sp.Basic, str] = {}
        taken = {_identifier(name) for name in signature.variables} | {name for name, _ in signature.outputs}
        self._arguments(signature)
        taken |= set(self.dims)
        self.intermediates = self._intermediates(signature, taken)
        self._temps = (name for i in range(1, 10**6) if (name := f"t{i}") not in taken)
        self.uses_logdet = any(step.kind == "logdet" and "_logdet" in spec.rule(step) for step in plan.steps)
        self._steps(plan, signature)

    # --- arguments ----------------------------------------------------------------------
    def _arguments(self, signature: Signature) -> None:
        self.dims: dict[str, str] = {}  # dim name -> where it was read, for messages
        convert = self.spec.convert
        for name, shape in signature.variables.items():
            arg = _identifier(name)
            self.lines.append(f"{arg} = {convert.format(arg)}")
            symbol = signature.symbols[name]
            if not shape:
                self._require(f"{arg}.ndim != 0", f"{name} must be a number, got shape {{tuple({arg}.shape)}}")
                self.loads[symbol] = arg
                continue
            vector = shape[1] == 1
            kind, rank = ("a vector (1-D array)", 1) if vector else ("a matrix (2-D array)", 2)
            self._require(f"{arg}.ndim != {rank}", f"{name} must be {kind}, got shape {{tuple({arg}.shape)}}")
            axes = [(shape[0], "the length" if vector else "the rows")] if vector else []
            if not vector:
                axes = [(shape[0], "the rows"), (shape[1], "the columns")]
            for axis, (dim, what) in enumerate(axes):
                self._dim(dim, f"{arg}.shape[{axis}]", f"{what} of {name}")
            if vector:
                self.lines.append(f"{arg} = {arg}.reshape(-1, 1)")
            if isinstance(symbol, sp.MatrixBase):
                for (i, j), entry in zip(((i, j) for i in range(symbol.rows) for j in range(symbol.cols)), symbol):
                    self.loads[entry] = f"{arg}[{i}, {j}]"
            else:
                self.loads[symbol] = arg
        for dim in self.dims:
            self.loads[dim_symbol(dim)] = dim

    def _intermediates(self, signature: Signature, taken: set[str]) -> dict[str, str]:
        """Each intermediate -> the name it is computed as (its own, unless an argument or dim has it)."""
        names = {}
        for name, symbol in signature.intermediates.items():
            printed = name
            while printed in taken or keyword.iskeyword(printed) or printed in {"np", "jnp", "jax", "torch"}:
                printed += "_"
            taken.add(printed)
            names[name] = printed
            if isinstance(symbol, sp.MatrixBase):
                for (i, j), entry in zip(((i, j) for i in range(symbol.rows) for j in range(symbol.cols)), symbol):
                    self.loads[entry] = f"{printed}[{i}, {j}]"
            else:
                self.loads[symbol] = printed
        return names

    def _dim(self, dim: int | str, actual: str, what: str) -> None:
        if isinstance(dim, int):
            self._require(f"{actual} != {dim}", f"{what} must be {dim}, got {{{actual}}}")
        elif dim not in self.dims:
            self.dims[dim] = what
            self.lines.append(f"{dim} = {actual}")
        else:
            self._require(
                f"{actual} != {dim}", f"{what} must be {dim} = {{{dim}}} ({self.dims[dim]}), got {{{actual}}}"
            )

    def _require(self, failing: str, message: str) -> None:
        self.lines += [f"if {failing}:", f'    raise ValueError(f"{message}")']

    # --- steps ------------------------------------------------------------------------------
    def _steps(self, plan: Plan, signature: Signature) -> None:
        uses = [0] * len(plan.steps)
        for step in plan.steps:
            for arg in step.args:
                uses[arg] += 2 if step.kind in REPEATED else 1
        defined: dict[int, list[str]] = {}  # a register -> the intermediates it defines (two may share one)
        for reg, name in zip(plan.outputs, self.intermediates.values()):
            defined.setdefault(reg, []).append(name)
        results = plan.outputs[len(self.intermediates) :]
        named = dict(zip(results, (name for name, _ in signature.outputs)))
        text: list[str] = []
        precedence: list[int] = []
        for reg, step in enumerate(plan.steps):
            value, level = self._render(step, [(text[a], precedence[a]) for a in step.args])
            plain = step.kind in ("const", "size", "input")
            if plain or (uses[reg] == 1 and reg not in named and reg not in defined and len(value) <= 60):
                text.append(value)
                precedence.append(level)
            else:
                name = defined[reg][0] if reg in defined else named.get(reg) or next(self._temps)
                self.lines.append(f"{name} = {value}")
                text.append(name)
                precedence.append(ATOM)
            self.lines += [f"{name} = {text[reg]}" for name in defined.get(reg, []) if name != text[reg]]
        returned = []
        for reg, (name, column) in zip(results, signature.outputs):
            if text[reg] != name and not (signature.keys and text[reg] in self.intermediates.values()):
                self.lines.append(f"{name} = {text[reg]}")
                text[reg] = name
            returned.append(f"{text[reg]}.reshape(-1)" if column else text[reg])
        if signature.keys:
            pairs = zip(map(_identifier, signature.keys), returned[1:], strict=True)
            returned[1:] = ["{" + ", ".join(f'"{key}": {value}' for key, value in pairs) + "}"]
        self.lines.append(f"return {', '.join(returned)}")

    def _render(self, step: Step, args: list[tuple[str, int]]) -> tuple[str, int]:
        """The text of a step's value from its arguments' text, and its precedence."""
        if step.kind == "const":
            value = repr(float(step.data[0]))
            return value, UNARY if value.startswith("-") else ATOM
        if step.kind == "size":  # a known dim: an int, as NumPy's shapes want
            return repr(step.data[0]), ATOM
        if step.kind == "input":
            symbol = step.data[0]
            if symbol not in self.loads:
                raise UnsupportedError(f"no argument of the function gives {symbol}")
            return self.loads[symbol], ATOM
        if step.kind in OPERATORS:
            operator, level = OPERATORS[step.kind]
            first, *rest = args
            operands = [_wrapped(first, level), *(_wrapped(arg, level + 1) for arg in rest)]  # left-associative
            return operator.join(operands), level
        if step.kind == "neg":
            return "-" + _wrapped(args[0], UNARY), UNARY
        if step.kind in POSTFIX:
            return _call(POSTFIX[step.kind])(step, [_wrapped(args[0], ATOM)]), ATOM
        template = self.spec.rule(step).replace("{m}", self.spec.module)
        texts = [text if _bare(template, i) else _wrapped((text, level), ATOM) for i, (text, level) in enumerate(args)]
        return _call(template)(step, texts), _level(template)


def _wrapped(arg: tuple[str, int], level: int) -> str:
    """An operand's text, parenthesised where it binds less tightly than ``level`` asks."""
    text, own = arg
    return text if own >= level else f"({text})"


def _bare(template: str, i: int) -> bool:
    """Whether argument i stands alone wherever the template names it (a call's argument), needing no parentheses."""
    if "{args}" in template:
        return True
    pieces = template.split(f"{{{i}}}")
    return all(
        before.rstrip().endswith(("(", "[", ",")) and after.lstrip().startswith((")", "]", ","))
        for before, after in itertools.pairwise(pieces)
    )


def _level(template: str) -> int:
    """The precedence of a filled template: its loosest operator outside brackets."""
    depth, level = 0, ATOM
    for i, char in enumerate(template):
        depth += 1 if char in "([" else -1 if char in ")]" else 0
        if depth == 0 and template[i - 1 : i + 2] in (" + ", " - ", " * ", " / ", " @ ", " > "):
            level = min(level, 10 if char in "+-" else 5 if char == ">" else 20)
    return level


def _check_function(signature: Signature, arguments: list[str], check: GradientCheck) -> list[str]:
    """``check_gradient``: central finite differences of the value against the gradient(s), at the given point.

    One gradient (``Result.code``) is the second value returned; a program's (``signature.keys``) are a dict
    by argument name, checked in turn."""
    call = ", ".join(arguments)
    f = signature.name
    if not signature.keys:
        (variable,) = check.variables
        wrt = _identifier(variable)

        def moved(point: str) -> str:
            return f"{f}({', '.join(point if a == wrt else a for a in arguments)})[0]"

        compare = _compare(wrt, "gradient", moved("up"), moved("down"), variable)
        return [
            f"def check_gradient({call}, step=1e-6, tolerance=1e-5):",
            f'    """Compare the gradient by {variable} with central finite differences of the value at this',
            "    point; returns the largest difference, raises AssertionError if it exceeds tolerance * scale.",
            '    """',
            f"    _, gradient = {f}({call})",
            *("    " + line for line in compare),
            "    return error",
        ]
    names = [_identifier(name) for name in check.variables]
    compare = _compare(
        "arguments[name]",
        "gradients[name]",
        f"{f}(**{{**arguments, name: up}})[0]",
        f"{f}(**{{**arguments, name: down}})[0]",
        "{name}",
    )
    return [
        f"def check_gradient({call}, step=1e-6, tolerance=1e-5):",
        f'    """Compare the gradients by {", ".join(check.variables)} with central finite differences of the value',
        "    at this point; returns the largest difference, raises AssertionError if one exceeds tolerance * scale.",
        '    """',
        "    arguments = {" + ", ".join(f'"{a}": {a}' for a in arguments) + "}",
        f"    _, gradients = {f}({call})",
        "    largest = 0.0",
        f"    for name in {_tuple(names)}:",
        *("        " + line for line in compare),
        "        largest = max(largest, error)",
        "    return largest",
    ]


def _tuple(names: list[str]) -> str:
    """A Python tuple of the names as strings."""
    return "(" + ", ".join(f'"{name}"' for name in names) + ("," if len(names) == 1 else "") + ")"


def _compare(point: str, gradient: str, up: str, down: str, by: str) -> list[str]:
    """The lines computing central differences of the value at ``point`` (``up``/``down``: the value moved one
    step), and raising if they differ from ``gradient``; the largest difference is left in ``error``."""
    return [
        f"point = np.array({point}, dtype=float)",
        "numeric = np.zeros(point.shape)",
        "for index in np.ndindex(*point.shape):",
        "    up, down = point.copy(), point.copy()",
        "    up[index] += step",
        "    down[index] -= step",
        f"    rise = float({up}) - float({down})",
        "    numeric[index] = rise / (2 * step)",
        f"error = float(np.max(np.abs(np.asarray({gradient}, dtype=float) - numeric), initial=0.0))",
        "scale = max(1.0, float(np.max(np.abs(numeric), initial=0.0)))",
        "if error > tolerance * scale:",
        f'    raise AssertionError(f"the gradient by {by} differs from finite differences by' + ' {error:.3g}")',
    ]
