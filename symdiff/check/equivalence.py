"""The verdict on one option: equivalent, not equivalent (with a point where they differ), or undecided.

Three stages, in order. Shape: a scalar is never an n×d matrix. Symbolic:
the difference simplifies to zero, entry by entry (for symbolic dims, also
with explicit components at small sizes). Numeric, as WeBWorK, edX and the
MITx grader do it but stricter: at least ``POINTS`` random points where the
question, the answer and the option are all defined (other points are drawn
again), symbolic dims at random sizes, random non-commuting matrices,
relative tolerance 1e-8 with an absolute floor. One point where the two
differ decides "not equivalent"; agreement needs a symbolic proof or
``POINTS`` agreeing points. Anything less is "undecided", never a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
import sympy as sp

from ..errors import SymdiffError
from .kinds import kind_of
from .values import Point, Space, Value, agree, compile_value

Status = Literal["equivalent", "not equivalent", "undecided"]
Method = Literal["shape", "symbolic", "components", "numeric", "none"]
"""How it was decided; "components": zero difference with explicit components at small sizes, and numeric."""

POINTS = 10
"""Agreeing random points needed to call two expressions equivalent without a symbolic proof."""
MAX_DRAWS = 200
"""Random points drawn at most, counting those where something is undefined."""
MAX_SIMPLIFY_OPS = 400
"""Differences larger than this (in SymPy operations) are left to the numeric stage."""


@dataclass(frozen=True)
class Samples:
    """Random points where the question, answer and option are all defined, and the two values there."""

    points: tuple[Point, ...]
    answer: tuple[Value, ...]
    option: tuple[Value, ...]
    draws: int

    @cached_property
    def agreeing(self) -> tuple[bool, ...]:
        return tuple(agree(a, o) for a, o in zip(self.answer, self.option))

    def first_difference(self) -> int | None:
        """The index of the smallest point (fewest entries) where the two differ; None if they agree everywhere."""
        differing = [i for i, agrees in enumerate(self.agreeing) if not agrees]
        return min(differing, key=lambda i: (self.answer[i].size + self.option[i].size, i)) if differing else None

    def values_of(self, expr: sp.Basic) -> tuple[Value, ...] | None:
        """``expr`` at every point, or None if it is undefined at one of them."""
        compiled = compile_value(expr)
        values = tuple(compiled(point.env) for point in self.points)
        return None if any(value is None for value in values) else values  # type: ignore[return-value]

    def option_equals(self, expr: sp.Basic) -> bool:
        """Whether the option equals ``expr`` at every point (and there are points)."""
        if not self.points:
            return False
        try:
            values = self.values_of(expr)
        except SymdiffError:
            return False
        return values is not None and all(agree(v, o) for v, o in zip(values, self.option))


def sample(
    space: Space, answer: sp.Basic, option: sp.Basic, domain: Sequence[sp.Basic] = (), seed: int = 0
) -> Samples:
    """Up to ``POINTS`` points where ``answer``, ``option`` and every ``domain`` expression are defined."""
    rng = np.random.default_rng(seed)
    value_of = [compile_value(expr) for expr in (answer, option, *domain)]
    points: list[Point] = []
    values: list[tuple[Value, Value]] = []
    draws = 0
    while len(points) < POINTS and draws < MAX_DRAWS:
        draws += 1
        point = space.draw(rng)
        found = [compiled(point.env) for compiled in value_of]
        if all(value is not None for value in found):
            points.append(point)
            values.append((found[0], found[1]))  # type: ignore[arg-type]
    return Samples(tuple(points), tuple(a for a, _ in values), tuple(o for _, o in values), draws)


@dataclass(frozen=True)
class Verdict:
    """The outcome of comparing an option with the answer."""

    status: Status
    method: Method
    note: str | None = None
    """Why: the shape mismatch, or why it is undecided."""
    point: Point | None = None
    """A point where the two differ (numeric "not equivalent")."""
    samples: Samples | None = field(default=None, compare=False, repr=False)

    @property
    def equivalent(self) -> bool | None:
        return {"equivalent": True, "not equivalent": False}.get(self.status)


def entries(expr: sp.Basic) -> list[sp.Basic] | None:
    """Every scalar entry of a scalar, tuple or explicit matrix; None when there is a matrix expression."""
    if isinstance(expr, sp.Tuple):
        found: list[sp.Basic] = []
        for item in expr:
            inner = entries(item)
            if inner is None:
                return None
            found.extend(inner)
        return found
    if isinstance(expr, sp.MatrixBase):
        return list(expr)
    if getattr(expr, "is_Matrix", False):
        return None
    return [expr]


def _is_zero(difference: sp.Basic) -> bool:
    if difference == 0:
        return True
    expanded = sp.expand(difference)
    if expanded == 0:
        return True
    if sp.count_ops(expanded) > MAX_SIMPLIFY_OPS:
        return False
    return sp.simplify(expanded) == 0


def symbolically_equal(answer: sp.Basic, option: sp.Basic) -> bool:
    """Whether the difference simplifies to zero: entry by entry, or as a matrix expression."""
    if answer == option:
        return True
    if not kind_of(answer).fits(kind_of(option)):
        return False
    left, right = entries(answer), entries(option)
    try:
        if left is None or right is None:
            return bool(getattr(answer, "is_Matrix", False) and getattr(option, "is_Matrix", False)
                        and answer.shape == option.shape and _is_zero(sp.MatAdd(answer, -option).doit()))
        return len(left) == len(right) and all(_is_zero(a - o) for a, o in zip(left, right))
    except (TypeError, ValueError, AttributeError, NotImplementedError, SymdiffError):
        return False


def compare(
    answer: sp.Basic,
    option: sp.Basic,
    space: Space,
    domain: Sequence[sp.Basic] = (),
    at_small_sizes: Callable[[], tuple[sp.Basic, sp.Basic] | None] | None = None,
    seed: int = 0,
) -> Verdict:
    """Compare ``option`` with ``answer`` (both in the space's variables only).

    ``domain``: expressions that must be defined at a point for it to count
    (the function being differentiated). ``at_small_sizes``: for symbolic
    dims, the answer and option again with explicit components at small sizes.
    """
    answer_kind, option_kind = kind_of(answer), kind_of(option)
    if not answer_kind.fits(option_kind):
        return Verdict("not equivalent", "shape",
                       f"the option is {option_kind.describe()}; the answer is {answer_kind.describe()}")
    if symbolically_equal(answer, option):
        return Verdict("equivalent", "symbolic")
    explicit = at_small_sizes() if at_small_sizes is not None else None
    proven_at_small_sizes = explicit is not None and symbolically_equal(*explicit)
    try:
        samples = sample(space, answer, option, domain, seed)
    except SymdiffError as exc:
        return Verdict("undecided", "none", f"no symbolic proof, and {exc.message}")
    differing = samples.first_difference()
    if differing is not None:
        return Verdict("not equivalent", "numeric", point=samples.points[differing], samples=samples)
    if len(samples.points) >= POINTS:
        return Verdict("equivalent", "components" if proven_at_small_sizes else "numeric", samples=samples)
    note = (f"only {len(samples.points)} of {samples.draws} random points are where both are defined; "
            f"{POINTS} are needed")
    return Verdict("undecided", "none", note, samples=samples)
