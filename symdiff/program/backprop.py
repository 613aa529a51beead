"""Numbers through a program: the forward pass, then the backward pass.

The forward pass computes every node's value from the inputs; with
``round=N`` each value is rounded to N decimals before anything downstream
uses it, as worksheets do ("s1 = 0.9"). The backward pass evaluates each
node's upstream gradient, a symbolic expression in the node values
(``chain.backward``), at those values, so rounding flows into the local
derivatives too: with s1 = 0.9, ∂y/∂a = r1*s1*(1 - s1) = 2*0.9*0.1 = 0.18.

Component form (every shape concrete, scalars included) computes exactly
with SymPy: rationals stay rationals, and anything else is carried with
``PRECISION`` digits. Matrix form computes with NumPy.

Kinks: relu'(0) = 0, and at a tie max/min pass the gradient to their second
argument (``model.functions``); every node whose definition is evaluated at
such a point is reported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from .. import arguments
from ..errors import EvaluationError
from ..evaluate.numpy import compile_expr
from ..export.numbers import format_number, to_plain
from ..model.algebra import entries
from ..model.build import dim_symbol
from ..model.functions import maximum, minimum, relu, step
from ..model.nodes import BOUND, Elementwise
from ..model.walk import scope
from .chain import backward
from .graph import Graph
from .values import Value, as_values, unknown_name

PRECISION = 30
"""Digits carried for values that are not rational (exact mode)."""

KINKS: dict[type, str] = {maximum: "max", minimum: "min", relu: "relu", step: "step", sp.Abs: "abs", sp.sign: "sign"}
"""Functions with a kink, by the name the report uses."""


@dataclass(frozen=True)
class Kink:
    """A node whose definition was evaluated where a function has a kink."""

    node: str
    function: str
    note: str


@dataclass(frozen=True)
class Backprop:
    """The result of a forward and a backward pass; ``to_json()`` is what ``--format json`` prints."""

    output: str
    rounding: int | None
    inputs: dict[str, object]
    forward: dict[str, object]
    """Every node's value, in definition order."""
    gradients: dict[str, object]
    """∂output/∂name for each requested name."""
    upstream: dict[str, object]
    """∂output/∂node for each node: the gradient the backward pass hands it."""
    kinks: tuple[Kink, ...] = field(default=())
    values: dict[sp.Basic, object] = field(default_factory=dict, repr=False)
    """Every symbol's value as used (rounded if asked): what steps substitute."""

    @property
    def mode(self) -> str:
        if self.rounding is None:
            return "exact (no rounding)"
        return f"each forward value rounded to {self.rounding} decimal{'s' if self.rounding != 1 else ''} before use"

    def to_json(self) -> dict:
        return {
            "output": self.output,
            "mode": "exact" if self.rounding is None else "rounded",
            "round": self.rounding,
            "inputs": {name: to_plain(value) for name, value in self.inputs.items()},
            "forward": {name: to_plain(value) for name, value in self.forward.items()},
            "gradients": {name: to_plain(value) for name, value in self.gradients.items()},
            "upstream": {name: to_plain(value) for name, value in self.upstream.items()},
            "kinks": [{"node": k.node, "function": k.function, "note": k.note} for k in self.kinks],
        }


def format_value(value: object) -> str:
    """A number, or an array as [[...], ...] (a vector as [a, b])."""
    if isinstance(value, sp.MatrixBase):
        rows = [[format_number(entry) for entry in value.row(i)] for i in range(value.rows)]
        if value.cols == 1:
            return "[" + ", ".join(row[0] for row in rows) + "]"
        return "[" + ", ".join("[" + ", ".join(row) + "]" for row in rows) + "]"
    if isinstance(value, np.ndarray):
        return format_value(sp.ImmutableMatrix(value)) if value.ndim else format_number(float(value))
    return format_number(value)


def round_to(value: sp.Expr, digits: int) -> sp.Rational:
    """``value`` rounded to ``digits`` decimals, half away from zero, as an exact rational."""
    scale = sp.Integer(10) ** digits
    magnitude = sp.floor(abs(value) * scale + sp.Rational(1, 2))
    return sp.sign(value) * sp.Rational(magnitude, scale)


def number(expr: sp.Basic, what: str) -> sp.Expr:
    """An exact value stays exact; anything else is evaluated to PRECISION digits; a real number or an error."""
    if expr.is_Rational:
        return expr
    value = expr.evalf(PRECISION)
    if not (value.is_Number and value.is_real and value.is_finite):
        raise EvaluationError(f"{what} has no real value here ({value})", hint="check the values given with --at")
    return value


def _finite(value: object, what: str) -> object:
    """A NumPy value of the matrix form if every entry is a finite double, else an error saying which it is not."""
    with np.errstate(all="ignore"):
        array = np.asarray(value, dtype=float)
    if np.isnan(array).any():
        raise EvaluationError(f"{what} has no real value here (nan)", hint="check the values given with --at")
    if np.isinf(array).any():
        raise EvaluationError(
            f"{what} is infinite here: undefined at these values, or beyond ±1.8e308, the range of the doubles "
            "matrix form computes with",
            hint="check the values given with --at; "
            "with the shapes as numbers (--shape) component form computes exactly",
        )
    return value


def _bind(graph: Graph, given: Mapping[str, Value], put: Callable[[str, sp.Basic, Value], None]) -> None:
    """Hand each given input to ``put`` (name, symbol, value); an error for a name the program computes or
    does not have, and for an input (or entry of one) left without a value."""
    known = sorted(graph.inputs)
    bound: set[sp.Basic] = set()
    for name, value in given.items():
        symbol = graph.symbols.get(name)
        if name in graph.by_name or symbol in graph.owner:
            raise EvaluationError(f"{name} is computed by the program", hint="give values for its inputs only")
        if symbol is None:
            raise unknown_name(name, known)
        put(name, symbol, value)
        bound.update(entries(symbol))
    needed = {s for name in graph.inputs for s in entries(graph.symbols[name])}
    missing = sorted(str(s) for s in needed - bound)
    if missing:
        raise EvaluationError(f"missing value for {', '.join(missing)}", hint="give every input with --at")


class _Pass:
    """A forward and a backward pass: the traversal, binding and report both forms share.

    What differs is the numbers: ``_Exact`` (component form, SymPy) and ``_Floating`` (matrix form, NumPy)
    bind a value, compute an expression, report a symbol's value and find the kinks their own way.
    """

    def __init__(self, graph: Graph, rounding: int | None) -> None:
        self.graph, self.rounding = graph, rounding
        self.env: dict[sp.Basic, Any] = {}

    def put(self, name: str, symbol: sp.Basic, value: Value) -> None:
        raise NotImplementedError

    def compute(self, expr: sp.Basic, what: str) -> object:
        """The value of a node's definition, rounded if asked, or an error naming ``what``."""
        raise NotImplementedError

    def gradient(self, expr: sp.Basic | None, symbol: sp.Basic, what: str) -> object:
        """The value of an upstream gradient (None: zero in ``symbol``'s shape), or an error naming ``what``."""
        raise NotImplementedError

    def kinks(self) -> tuple[Kink, ...]:
        raise NotImplementedError

    def shaped(self, symbol: sp.Basic, value: Callable[[sp.Basic], object]) -> object:
        """``value`` of ``symbol``: entry by entry for an explicit array."""
        return symbol.applyfunc(value) if isinstance(symbol, sp.MatrixBase) else value(symbol)

    def run(self, root: sp.Basic, output: str, given: Mapping[str, Value], wrt: Sequence[str]) -> Backprop:
        graph, env = self.graph, self.env
        _bind(graph, given, self.put)
        for symbol, expr in graph.scalar_nodes.items():
            env[symbol] = self.compute(expr, str(symbol))
        kinks = self.kinks()
        upstream = backward(graph, root, sp.S.One, None)

        def value(symbol: sp.Basic) -> object:
            return self.shaped(symbol, env.__getitem__)

        def gradient(symbol: sp.Basic) -> object:
            return self.shaped(symbol, lambda s: self.gradient(upstream.get(s), s, f"∂{output}/∂{s}"))

        inputs = {name: value(graph.symbols[name]) for name in graph.inputs}
        forward = {node.name: value(node.symbol) for node in graph.nodes}
        gradients = {name: gradient(graph.symbols[name]) for name in wrt}
        nodes_up = {node.name: gradient(node.symbol) for node in graph.nodes}
        return Backprop(output, self.rounding, inputs, forward, gradients, nodes_up, kinks, env)


# --- component form: exact ------------------------------------------------------
class _Exact(_Pass):
    def put(self, name: str, symbol: sp.Basic, value: Value) -> None:
        if isinstance(symbol, sp.MatrixBase):
            if not isinstance(value, sp.MatrixBase) or value.shape != symbol.shape:
                raise EvaluationError(f"{name} is {symbol.shape[0]}×{symbol.shape[1]}; give [...] of that shape")
            self.env.update(zip(symbol, value, strict=False))
        elif isinstance(value, sp.MatrixBase):
            raise EvaluationError(f"{name} is a scalar, got an array")
        else:
            self.env[symbol] = value

    def compute(self, expr: sp.Basic, what: str) -> object:
        computed = number(expr.xreplace(self.env), what)
        return round_to(computed, self.rounding) if self.rounding is not None else computed

    def gradient(self, expr: sp.Basic | None, symbol: sp.Basic, what: str) -> object:
        return number(sp.S.Zero if expr is None else expr.xreplace(self.env), what)

    def kinks(self) -> tuple[Kink, ...]:
        found = []
        for symbol, expr in self.graph.scalar_nodes.items():
            for call in expr.atoms(*KINKS):
                if isinstance(expr, Elementwise):
                    continue
                args = [number(arg.xreplace(self.env), "a kink's argument") for arg in call.args]
                tie = args[0] == args[1] if len(args) == 2 else args[0] == 0
                if tie:
                    found.append(Kink(self.graph.owner[symbol], KINKS[type(call)], _note(type(call), str(symbol))))
        return tuple(found)


# --- matrix form: NumPy ------------------------------------------------------------
class _Floating(_Pass):
    def put(self, name: str, symbol: sp.Basic, value: Value) -> None:
        if name not in self.graph.inputs:
            raise unknown_name(name, sorted(self.graph.inputs))
        shape = self.graph.inputs[name]
        array = np.array(value.tolist(), dtype=float) if isinstance(value, sp.MatrixBase) else np.array(float(value))
        if (shape == ()) != (array.ndim == 0):
            raise EvaluationError(f"{name} is a {'scalar' if shape == () else 'array'}; its value is not")
        for dim, size in zip(shape, array.shape, strict=False):
            expected = self.env.setdefault(dim_symbol(dim), size)
            if expected != size:
                raise EvaluationError(f"{name} has a dimension {dim} of {size}, but {dim} is {expected} elsewhere")
        self.env[symbol] = array if array.ndim else float(array)

    def evaluate(self, expr: sp.Basic) -> Any:
        """``expr`` at the values, rounded if asked (NumPy's warnings left out: ``_finite`` says what is wrong)."""
        with np.errstate(all="ignore"):
            result: Any = compile_expr(expr)(self.env)
        return np.round(result, self.rounding) if self.rounding is not None else result

    def compute(self, expr: sp.Basic, what: str) -> object:
        return _finite(self.evaluate(expr), what)

    def gradient(self, expr: sp.Basic | None, symbol: sp.Basic, what: str) -> object:
        if expr is None:
            return np.zeros(np.shape(self.env[symbol]))
        with np.errstate(all="ignore"):
            return _finite(compile_expr(expr)(self.env), what)

    def kinks(self) -> tuple[Kink, ...]:
        return _array_kinks(self.graph, self.evaluate)


def _array_kinks(graph: Graph, evaluate: Callable[[sp.Basic], Any]) -> tuple[Kink, ...]:
    """Kinks in matrix form: scalar calls evaluated at a tie, and every entry of an entrywise call at one."""
    found = []
    for node in graph.nodes:
        for call in node.expr.atoms(*KINKS):
            if not call.free_symbols & set(BOUND):  # not inside an entrywise body: a scalar call
                args = [np.asarray(evaluate(arg), dtype=float) for arg in call.args]
                if np.all(args[0] == args[1]) if len(args) == 2 else np.all(args[0] == 0):
                    found.append(Kink(node.name, KINKS[type(call)], _note(type(call), node.name)))
        for entrywise in node.expr.atoms(Elementwise):
            if any(operand.free_symbols & set(BOUND) for operand in entrywise.operands):
                continue  # nested in another body: its operands are that body's placeholders
            operands = [np.asarray(evaluate(operand), dtype=float) for operand in entrywise.operands]
            bound = dict(zip(BOUND, operands, strict=False))
            for call in (n for n in scope(entrywise.body) if type(n) in KINKS):
                values: list[Any] = [compile_expr(arg)(bound) for arg in call.args]
                args = [np.broadcast_to(value, operands[0].shape) for value in values]
                ties = args[0] == args[1] if len(args) == 2 else args[0] == 0
                for index in zip(*np.nonzero(ties), strict=False):
                    where = f"{node.name}[{', '.join(str(i + 1) for i in index[: 1 if ties.shape[1:] == (1,) else 2])}]"
                    found.append(Kink(node.name, KINKS[type(call)], _note(type(call), where)))
    return tuple(found)


def _note(function: type, where: str) -> str:
    if function in (maximum, minimum):
        return f"{where}: tie; the gradient goes to the second argument"
    if function in (relu, step):
        return f"{where}: argument 0; relu'(0) = step(0) = 0"
    return f"{where}: argument 0; abs'(0) = sign(0) = 0"


def run_backprop(
    graph: Graph, value: sp.Basic, output: str, at: str | Mapping[str, object], wrt: Sequence[str], rounding: int | None
) -> Backprop:
    """Forward and backward pass at the values ``at`` (text or a mapping); ∂output/∂name for each of ``wrt``."""
    if arguments.integer_or_none(rounding, "round") is not None and not 0 <= rounding <= 12:  # type: ignore[operator]
        raise EvaluationError(f"cannot round to {rounding} decimals", hint="use 0 to 12")
    given = as_values(at)
    for name in wrt:
        if name not in graph.symbols:
            raise unknown_name(name, sorted(graph.inputs) + [n.name for n in graph.nodes])
    root = scalar_output(graph, value, output)
    return (_Exact if graph.form == "component" else _Floating)(graph, rounding).run(root, output, given, wrt)


def scalar_output(graph: Graph, value: sp.Basic, output: str) -> sp.Basic:
    """The output as a scalar (component form: its one entry); an error if it is an array."""
    roots = entries(value)
    if len(roots) == 1 and not getattr(roots[0], "is_Matrix", False):
        return roots[0]
    hint = "choose a scalar with --of, e.g. --of b1" if graph.form == "component" else None
    raise EvaluationError(
        f"the output {output} is not a scalar", hint=hint or "backprop differentiates a scalar output"
    )


__all__ = ["Backprop", "Kink", "format_value", "round_to", "run_backprop"]
