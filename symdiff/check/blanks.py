"""Filling a template's blanks so that it labels data correctly (the seed worksheet's Q2(c)).

A template such as ``max(_1 + _2, _3 + _4) + _5``, candidate values for each
blank (``x1, -x1, 0``) and labelled points: × points need f ≥ 0, • points
f < 0. Every combination of candidates is tried, vectorised with NumPy: all
combinations against the first point, the survivors against the next two,
then four, ... so most combinations are ruled out after one or two points.
Valid combinations that are the same function (``max(x1, -x1) - 1`` and
``max(-x1, x1) - 1``) are grouped: first by a fingerprint, their values at
the labelled points and at random points of several scales (all of them at
once, vectorised as the search is), then within a fingerprint by the
difference: zero when expanded, the same function; a nonzero constant or
polynomial (too small for the numbers), another function. The search keeps
to a time limit (``timeout``), also from Python.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from math import prod
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import sympy as sp

from .. import arguments
from ..errors import LimitError, ParseError, ShapeError, SymdiffError
from ..evaluate.numpy import Env, compile_expr
from ..export.text import to_text
from ..limits import DEFAULT_TIMEOUT_SECONDS
from ..model import Syntax, formula
from ..model.build import Builder, symbol_table
from ..model.inference import infer
from ..model.numbers import constant, coordinates
from ..parse import ast
from ..parse.plain import parse_formulas, parse_template
from ..parse.vocabulary import CONSTANTS
from ..program.drawing import draw
from .equivalence import SCALES, nonzero
from .values import ATOL, RTOL

FINGERPRINT_POINTS = 28
"""Random points, besides the labelled ones, at which valid combinations are evaluated to group them."""

MAX_COMBINATIONS = 1_000_000
"""Most combinations searched; beyond, a ``LimitError``."""

Candidates = str | Sequence[str]
"""A blank's candidates: a list of formulas, or one text with them separated by commas."""


@dataclass(frozen=True)
class Combination:
    """One valid filling: the candidate chosen for each blank, and the template filled in."""

    choices: tuple[str, ...]
    text: str
    expr: sp.Basic = field(compare=False, repr=False)


@dataclass(frozen=True)
class BlanksResult:
    """The valid combinations, grouped by the function they make, and how much was tried."""

    template: str
    blanks: tuple[str, ...]
    functions: tuple[tuple[Combination, ...], ...]
    tried: int
    """Combinations of candidates searched (all of them)."""
    evaluations: int
    """Template evaluations at a point made; without pruning it would be ``tried`` × points."""
    points: int
    positive: tuple[tuple[float, ...], ...] = ()
    """The points labelled × (f ≥ 0), as given."""
    negative: tuple[tuple[float, ...], ...] = ()
    """The points labelled • (f < 0)."""
    variables: tuple[str, ...] = ("x1", "x2")

    def plot(self) -> Any:
        """The labelled points and, for each valid function, its region f ≥ 0 (``symdiff.pictures.plot_blanks``):
        ``.save("regions.svg")``, shown inline in a notebook; needs ``symdiff[plot]``."""
        return draw("blanks", self)

    @property
    def combinations(self) -> tuple[Combination, ...]:
        return tuple(c for group in self.functions for c in group)

    def as_json(self) -> dict[str, object]:
        return {
            "template": self.template,
            "blanks": list(self.blanks),
            "valid": bool(self.functions),
            "functions": [
                [{"choices": dict(zip(self.blanks, c.choices)), "text": c.text} for c in group]
                for group in self.functions
            ],
            "tried": self.tried,
            "evaluations": self.evaluations,
            "points": self.points,
        }


def split_candidates(candidates: Candidates) -> list[str]:
    """``"x1, -x1, 0"`` -> ``["x1", "-x1", "0"]``, by the plain grammar; a list is kept as is."""
    if not isinstance(candidates, str):
        return list(candidates)
    return [candidates[node.span[0] : node.span[1]] for node in parse_formulas(candidates)]


def read_names(text: str) -> list[str]:
    """``"x1, x2"`` -> ``["x1", "x2"]``: names separated by commas."""
    nodes = parse_formulas(text)
    for node in nodes:
        if not isinstance(node, ast.Name):
            raise ParseError("expected a variable name", text, node.span, "write names separated by commas: x1, x2")
    return [node.id for node in nodes]  # type: ignore[attr-defined]


def read_points(text: str, variables: Sequence[str]) -> list[tuple[float, ...]]:
    """``"(2, 0), (-2, 0.5)"`` -> points; each coordinate a constant formula (``-1/2`` and ``sqrt(2)`` too)."""
    points = []
    for node in parse_formulas(text):
        items = node.items if isinstance(node, ast.Tuple) else (node,)
        if len(items) != len(variables):
            raise ShapeError(
                f"a point with {len(items)} coordinate{'s' if len(items) != 1 else ''}; "
                f"the variables are {', '.join(variables)}",
                text,
                node.span,
                f"write points as ({', '.join('…' for _ in variables)}), separated by commas",
            )
        points.append(tuple(_constant(text, item) for item in items))
    return points


def _constant(text: str, node: ast.Node) -> float:
    """A coordinate, read as every constant a user gives is (``model.numbers.constant``)."""
    hint = "write numbers such as 2, -0.5 or 1/2"
    try:
        value = constant(node, text)
    except SymdiffError as exc:
        exc.hint = hint
        raise exc.at(text) from None
    if getattr(value, "is_Matrix", False):
        raise ParseError("a coordinate must be a number", text, node.span, hint)
    return float(value)


def _candidate(text: str, shapes: dict[str, tuple[()]], syntax: Syntax) -> sp.Basic:
    read = formula(text, shapes, syntax)
    unknown = sorted(set(read.variables) - set(shapes))
    if unknown or read.typing.result != ():
        what = f"{', '.join(unknown)} is not a variable" if unknown else "a candidate must be a scalar"
        raise ParseError(f"candidate {text!r}: {what}", text, hint=f"the variables are {', '.join(shapes)}")
    return read.expr


def check_variables(variables: Sequence[str]) -> list[str]:
    """The variables as given, if each is a name, not a constant and given once; else a ``SymdiffError``."""
    names = list(variables)
    if not names:
        raise SymdiffError("no variables", hint="name the variables of the points' coordinates, e.g. x1, x2")
    for name in names:
        if not isinstance(name, str) or read_names(name) != [name]:
            raise ParseError(f"{name!r} is not a variable name", hint="variables are names such as x1, x2 or t")
        if name in CONSTANTS:
            raise ParseError(f"{name} is a constant, not a variable", hint="call the coordinate another name, e.g. p")
        if names.count(name) > 1:
            raise ParseError(
                f"the variable {name} is given {names.count(name)} times",
                hint="each coordinate needs its own name: x1, x2, ...",
            )
    return names


class _Deadline:
    """Raises ``LimitError`` when checked after ``seconds`` (0 or None: never)."""

    def __init__(self, seconds: float | None) -> None:
        if seconds is not None and not (isinstance(seconds, int | float) and math.isfinite(seconds) and seconds >= 0):
            raise SymdiffError(
                f"timeout {seconds!r} is not a number of seconds",
                hint="give a finite number of seconds, or 0 for no limit",
            )
        self.seconds = seconds or 0.0
        self.end = time.monotonic() + self.seconds

    def check(self) -> None:
        if self.seconds and time.monotonic() > self.end:
            raise LimitError(
                f"blanks gave up after {self.seconds:g} s",
                hint="give fewer candidates or points, or a larger timeout (0: none)",
            )


class _Template:
    """The template's SymPy form, with each blank a scalar symbol ``_k``."""

    def __init__(self, text: str, variables: Sequence[str]) -> None:
        tree = parse_template(text)
        names = {node.id for node in tree.walk() if isinstance(node, ast.Name)}
        self.blanks = sorted((n for n in names if n.startswith("_")), key=lambda n: int(n[1:]))
        unknown = [
            node
            for node in tree.walk()
            if isinstance(node, ast.Name) and node.id not in {*self.blanks, *variables, "pi"}
        ]
        if unknown:
            raise ParseError(
                f"{unknown[0].id} in the template is not a variable",
                text,
                unknown[0].span,
                f"the variables are {', '.join(variables)}; blanks are _1, _2, ...",
            )
        if not self.blanks:
            raise ParseError("the template has no blanks", text, hint="write blanks _1, _2, ... where values go")
        expected = [f"_{k}" for k in range(1, len(self.blanks) + 1)]
        if self.blanks != expected:
            raise ParseError(
                f"the blanks are {', '.join(self.blanks)}", text, hint=f"number them {', '.join(expected)}"
            )
        try:
            typing = infer(tree, text, {name: () for name in [*variables, *self.blanks]})
            if typing.result != ():
                raise ShapeError("the template is not a scalar", text, getattr(tree, "span", None))
            self.symbols = symbol_table(typing)
            self.expr = Builder(text, self.symbols).build(tree)
        except SymdiffError as exc:
            raise exc.at(text) from None


def blanks(
    template: str,
    candidates: Sequence[Candidates],
    positive: Sequence[Sequence[float]] = (),
    negative: Sequence[Sequence[float]] = (),
    variables: Sequence[str] = ("x1", "x2"),
    syntax: Syntax = "auto",
    timeout: float | None = DEFAULT_TIMEOUT_SECONDS,
) -> BlanksResult:
    """Every way to fill the blanks of ``template`` with ``candidates`` so that f ≥ 0 at the ``positive``
    points (×) and f < 0 at the ``negative`` points (•), grouped by the function they make.

    ``variables`` name the coordinates, each once. Past ``timeout`` seconds
    (0 or None: no limit) a ``LimitError``.

    >>> found = blanks("max(_1, _2) - 1", ["x1, -x1", "x1, -x1"], [(2, 0), (-2, 0)], [(0, 0)])
    >>> [[c.text for c in group] for group in found.functions]
    [['max(x1, -x1) - 1', 'max(-x1, x1) - 1']]
    """
    deadline = _Deadline(timeout)
    variables = check_variables(arguments.texts(variables, "variables"))
    shaped = _Template(arguments.text(template, "template"), variables)
    lists = [
        split_candidates(c if isinstance(c, str) else arguments.texts(c, "a list of candidates"))
        for c in arguments.items(candidates, "candidates")
    ]
    arguments.syntax(syntax)
    if len(lists) != len(shaped.blanks):
        raise SymdiffError(
            f"the template has {len(shaped.blanks)} blanks, but {len(lists)} "
            f"list{'s' if len(lists) != 1 else ''} of candidates {'are' if len(lists) != 1 else 'is'} given",
            template,
            hint="give one list of candidates per blank, in order _1, _2, ...",
        )
    tried = prod(len(options) for options in lists)
    if tried > MAX_COMBINATIONS:
        raise LimitError(
            f"{tried} combinations to search; the limit is {MAX_COMBINATIONS}", hint="give fewer candidates per blank"
        )
    points = np.vstack(
        [
            coordinates(arguments.items(positive, "positive"), len(variables), "positive point"),
            coordinates(arguments.items(negative, "negative"), len(variables), "negative point"),
        ]
    )
    if len(points) == 0:
        raise SymdiffError("no labelled points", hint="give points where f >= 0 (×) and/or f < 0 (•)")
    labels = np.array([True] * len(positive) + [False] * len(negative))
    shapes = {name: () for name in variables}
    chosen = [[_candidate(text, shapes, syntax) for text in options] for options in lists]
    env: Env = {shaped.symbols[name]: points[:, i] for i, name in enumerate(variables)}
    # A compiled candidate gives a NumPy array or number (a constant), by construction of compile_expr.
    table = [
        np.array([np.broadcast_to(cast(npt.ArrayLike, compile_expr(expr)(env)), len(points)) for expr in exprs])
        for exprs in chosen
    ]
    compiled = compile_expr(shaped.expr)
    valid, evaluations = _search(compiled, shaped, table, env, labels, deadline)
    deadline.check()
    filled = []
    texts: dict[sp.Basic, str] = {}
    for combo in valid:
        expr = shaped.expr.xreplace(
            {shaped.symbols[b]: chosen[i][k] for i, (b, k) in enumerate(zip(shaped.blanks, combo))}
        )
        text = texts[expr] if expr in texts else texts.setdefault(expr, to_text(expr))
        filled.append(Combination(tuple(options[k] for options, k in zip(lists, combo)), text, expr))
        deadline.check()
    prints = _fingerprints(compiled, shaped, chosen, variables, points, valid)
    functions = _group(filled, prints, deadline)
    return BlanksResult(
        template,
        tuple(shaped.blanks),
        functions,
        tried,
        evaluations,
        len(points),
        tuple(tuple(map(float, p)) for p in points[labels]),
        tuple(tuple(map(float, p)) for p in points[~labels]),
        tuple(variables),
    )


def _search(
    template, shaped: _Template, table: list[np.ndarray], env: dict, labels: np.ndarray, deadline: _Deadline
) -> tuple[list[tuple[int, ...]], int]:
    """The combinations (candidate indices) labelling every point correctly, and the evaluations made.

    All combinations meet the first point; the survivors meet the next 2, 4, 8, ... points.
    """
    alive = np.indices([len(values) for values in table]).reshape(len(table), -1).T
    blank_symbols = [shaped.symbols[b] for b in shaped.blanks]
    start, batch, evaluations = 0, 1, 0
    while len(alive) and start < len(labels):
        columns = slice(start, start + batch)
        local = {symbol: values[columns] for symbol, values in env.items()}
        local.update((symbol, table[i][alive[:, i]][:, columns]) for i, symbol in enumerate(blank_symbols))
        with np.errstate(all="ignore"):
            f = np.broadcast_to(np.asarray(template(local), dtype=float), (len(alive), len(labels[columns])))
        evaluations += f.size
        correct = np.where(labels[columns], f >= 0, f < 0)
        alive = alive[correct.all(axis=1)]
        start, batch = start + batch, batch * 2
        deadline.check()
    return [tuple(int(k) for k in combo) for combo in alive], evaluations


def _fingerprints(
    template,
    shaped: _Template,
    chosen: list[list[sp.Basic]],
    variables: list[str],
    labelled: np.ndarray,
    valid: list[tuple[int, ...]],
) -> np.ndarray:
    """Each valid combination's values at the labelled points and at ``FINGERPRINT_POINTS`` random points of
    the scales ``SCALES`` (NaN where undefined), one row per combination, all evaluated at once."""
    rng = np.random.default_rng(0)
    scales = np.resize(np.array(SCALES), FINGERPRINT_POINTS)[:, None]
    points = np.vstack([labelled, rng.normal(size=(FINGERPRINT_POINTS, len(variables))) * scales])
    env: Env = {shaped.symbols[name]: points[:, i] for i, name in enumerate(variables)}
    if not valid:
        return np.zeros((0, len(points)))
    combos = np.array(valid)
    local: dict = dict(env)
    with np.errstate(all="ignore"):
        for i, blank in enumerate(shaped.blanks):
            values = np.array(
                [
                    # a NumPy array or number, by construction of compile_expr
                    np.broadcast_to(np.asarray(cast(npt.ArrayLike, compile_expr(expr)(env)), dtype=float), len(points))
                    for expr in chosen[i]
                ]
            )
            local[shaped.symbols[blank]] = values[combos[:, i]]
        found = np.broadcast_to(np.asarray(template(local), dtype=float), (len(valid), len(points))).copy()
    found[~np.isfinite(found)] = np.nan
    return found


def _matching(prints: np.ndarray, row: np.ndarray) -> np.ndarray:
    """Which rows of ``prints`` are undefined where ``row`` is and agree with it at every other point, each
    point within ``RTOL`` of the larger value there, with the floor ``ATOL``."""
    undefined = np.isnan(row)
    same_domain = (np.isnan(prints) == undefined).all(axis=1)
    with np.errstate(invalid="ignore"):
        close = np.abs(prints - row) <= ATOL + RTOL * np.maximum(np.abs(prints), np.abs(row))
    return same_domain & (close | undefined).all(axis=1)


def _group(found: list[Combination], prints: np.ndarray, deadline: _Deadline) -> tuple[tuple[Combination, ...], ...]:
    """Valid combinations grouped by the function they make.

    Same fingerprint as a group's first combination first; then a difference
    from it that is a nonzero constant or polynomial when expanded (too small
    for the values to show) rules the group out.
    """
    firsts: list[int] = []
    groups: list[list[Combination]] = []
    for index, combination in enumerate(found):
        candidates: np.ndarray | list[int] = np.flatnonzero(_matching(prints[firsts], prints[index])) if firsts else []
        target = next((k for k in candidates if _same_function(groups[k][0], combination)), None)
        if target is None:
            firsts.append(index)
            groups.append([combination])
        else:
            groups[target].append(combination)
        deadline.check()
    return tuple(tuple(group) for group in groups)


def _same_function(first: Combination, other: Combination) -> bool:
    """With equal fingerprints: the same function unless the expanded difference is certainly not zero."""
    difference = sp.expand(other.expr - first.expr)
    return difference == 0 or nonzero([difference]) is None
