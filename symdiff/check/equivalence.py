"""The verdict on one option: equivalent, not equivalent (with a point where they differ), or undecided.

Three stages, in order. Shape: a scalar is never an n×d matrix. Symbolic:
the difference simplifies to zero, entry by entry (for symbolic dims, also
with explicit components at small sizes); or it simplifies to a nonzero
constant or a nonzero polynomial, which proves the two differ however small
the difference is. Numeric, as WeBWorK, edX and the MITx grader do it but
stricter: at least ``POINTS`` random points where the question, the answer
and the option are all defined (other points are drawn again), drawn at
several scales (``SCALES``, both signs) and on both sides of every kink the
formulas have (step, relu, abs, sign, max, min), symbolic dims at random
sizes, random non-commuting matrices, relative tolerance 1e-8 with an
absolute floor. One point where the two differ decides "not equivalent".
Agreement needs a symbolic proof or ``POINTS`` agreeing points at which the
difference is also zero when evaluated to 30 digits: a difference that is
nonzero there but below the tolerance (``2*x + 1e-11*sin(x)``) leaves the
verdict "undecided". Anything less than agreement is "undecided", never a
guess.

The points are drawn first, as they are cheap and simplification is not: where
the two differ at a point by a margin SymPy's 30-digit evaluation confirms,
no simplification can make the difference zero, so the verdict is the one the
stages above give without simplifying at all (most wrong options); the
explicit components at small sizes are built only when no point decides.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
import sympy as sp

from ..errors import SymdiffError
from ..export.text import to_text
from ..model.functions import maximum, minimum, relu, step
from ..model.walk import nodes
from .kinds import kind_of
from .values import Point, Space, Value, agree, compile_value

Status = Literal["equivalent", "not equivalent", "undecided"]
Method = Literal["shape", "symbolic", "components", "numeric", "difference", "none"]
"""How it was decided; "components": zero difference with explicit components at small sizes, and numeric;
"difference": the difference simplifies to a nonzero constant or polynomial."""

POINTS = 10
"""Agreeing random points needed to call two expressions equivalent without a symbolic proof."""
MAX_DRAWS = 200
"""Random points drawn at most, counting those where something is undefined."""
MAX_SIMPLIFY_OPS = 400
"""Differences larger than this (in SymPy operations) are left to the numeric stage."""
SCALES = (1.0, 1e3, 1e-3, 10.0, 0.1, 100.0, 0.01)
"""The scales of the entries of successive random points (Gaussian, so of both signs), in turn."""
MAX_KINKS = 8
"""Kinks beside which points are placed, at most."""
KINK_STEP = 1e-3
"""How far beside a kink its points are, relative to the kink's position (at least this far)."""
PRECISE_DIGITS = 30
"""Digits of the evaluation that looks for a difference below the tolerance."""

PRECISE_TERMS = 20_000
"""Largest tree (nodes, shared subexpressions counted each time they occur) that ``differs_at`` evaluates to
``PRECISE_DIGITS``: SymPy's evalf walks the tree, not its shared form, so a chain of 400 definitions
(160,000 nodes) would take minutes; larger ones go the way every option went before, with no shortcut."""


@dataclass(frozen=True)
class Samples:
    """Random points where the question, answer and option are all defined, and the two values there."""

    points: tuple[Point, ...]
    answer: tuple[Value, ...]
    option: tuple[Value, ...]
    draws: int
    kinks: int = 0
    """How many of the points (the last ones) were placed beside kinks rather than drawn at random."""

    @property
    def random(self) -> int:
        """How many of the points were drawn at random."""
        return len(self.points) - self.kinks

    @cached_property
    def agreeing(self) -> tuple[bool, ...]:
        return tuple(agree(a, o) for a, o in zip(self.answer, self.option))

    def first_difference(self) -> int | None:
        """The index of the point easiest to read (entries of ordinary size, then fewest) where the two differ;
        None if they agree everywhere."""
        differing = [i for i, agrees in enumerate(self.agreeing) if not agrees]
        return (
            min(
                differing,
                key=lambda i: (abs(np.log10(self.points[i].scale)), self.answer[i].size + self.option[i].size, i),
            )
            if differing
            else None
        )

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


def sample(space: Space, answer: sp.Basic, option: sp.Basic, domain: Sequence[sp.Basic] = (), seed: int = 0) -> Samples:
    """Up to ``POINTS`` random points where ``answer``, ``option`` and every ``domain`` expression are defined,
    then the points on both sides of each kink of ``answer`` and ``option`` where they are.

    The k-th draw has its entries at the scale ``SCALES[k % len(SCALES)]``, so
    differences far from the origin (``step(x - 4)``) and near it are seen.
    """
    rng = np.random.default_rng(seed)
    value_of = [compile_value(expr) for expr in (answer, option, *domain)]
    points: list[Point] = []
    values: list[tuple[Value, Value]] = []

    def keep(point: Point) -> None:
        found = [compiled(point.env) for compiled in value_of]
        if all(value is not None for value in found):
            points.append(point)
            values.append((found[0], found[1]))  # type: ignore[arg-type]

    draws = 0
    while len(points) < POINTS and draws < MAX_DRAWS:
        keep(space.draw(rng, SCALES[draws % len(SCALES)]))
        draws += 1
    drawn = len(points)
    for point in kink_points(space, (answer, option), rng):
        keep(point)
    return Samples(tuple(points), tuple(a for a, _ in values), tuple(o for _, o in values), draws, len(points) - drawn)


KINKS: dict[type, Callable[[tuple[sp.Basic, ...]], sp.Basic]] = {
    step: lambda args: args[0],
    relu: lambda args: args[0],
    sp.Abs: lambda args: args[0],
    sp.sign: lambda args: args[0],
    sp.Heaviside: lambda args: args[0],
    maximum: lambda args: args[0] - args[1],
    minimum: lambda args: args[0] - args[1],
}
"""Function -> where its kink is: the expression of its arguments that is zero there."""


def kinks(exprs: Sequence[sp.Basic]) -> list[sp.Basic]:
    """The distinct kink expressions (zero at a kink) of the functions in ``exprs``, at most ``MAX_KINKS``."""
    found: list[sp.Basic] = []
    for expr in exprs:
        for node in nodes(expr):  # in its own scope: an entrywise body's placeholders are no variables
            where = KINKS.get(type(node))
            if where is not None:
                kink = where(node.args)
                if kink.free_symbols and kink not in found:
                    found.append(kink)
    return found[:MAX_KINKS]


def kink_points(space: Space, exprs: Sequence[sp.Basic], rng: np.random.Generator) -> list[Point]:
    """For each kink linear in one scalar variable: two points, just below and just above it.

    The other variables are random; the variable is set to where the kink's
    expression is zero, moved by ``KINK_STEP`` (relative) to either side.
    """
    scalars = space.scalar_symbols()
    points: list[Point] = []
    for kink in kinks(exprs):
        for variable in sorted(kink.free_symbols & scalars, key=str):
            slope, rest = _linear(kink, variable)
            if slope is None:
                continue
            stream = int(rng.integers(2**32))
            base = space.draw(np.random.default_rng(stream)).env
            a, b = compile_value(slope)(base), compile_value(rest)(base)
            if a is None or b is None or a.size != 1 or b.size != 1 or a[0] == 0:
                continue
            root = float(-b[0] / a[0])
            step_size = KINK_STEP * max(1.0, abs(root))
            points.extend(
                space.draw(np.random.default_rng(stream), fixed={variable: root + side * step_size}) for side in (-1, 1)
            )
            break
    return points


def _linear(expr: sp.Basic, variable: sp.Symbol) -> tuple[sp.Basic | None, sp.Basic]:
    """``expr`` as ``slope*variable + rest`` with neither depending on ``variable``; slope None if it is not linear."""
    slope = sp.expand(sp.diff(expr, variable))
    if slope.has(variable) or slope == 0:
        return None, expr
    return slope, sp.expand(expr - slope * variable)


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


def _simplified(difference: sp.Basic) -> sp.Basic:
    """The difference expanded, and simplified unless it is larger than ``MAX_SIMPLIFY_OPS``."""
    if difference == 0:
        return sp.S.Zero
    expanded = sp.expand(difference)
    if expanded == 0 or sp.count_ops(expanded) > MAX_SIMPLIFY_OPS:
        return expanded
    return sp.simplify(expanded)


def differences(answer: sp.Basic, option: sp.Basic) -> list[sp.Basic] | None:
    """``option - answer`` entry by entry, simplified (one entry for matrix expressions); None if not comparable."""
    if not kind_of(answer).fits(kind_of(option)):
        return None
    left, right = entries(answer), entries(option)
    try:
        if left is None or right is None:
            if (
                getattr(answer, "is_Matrix", False)
                and getattr(option, "is_Matrix", False)
                and answer.shape == option.shape
            ):
                return [_simplified(sp.MatAdd(option, -answer).doit())]
            return None
        if len(left) != len(right):
            return None
        return [_simplified(o - a) for a, o in zip(left, right)]
    except (TypeError, ValueError, AttributeError, NotImplementedError, SymdiffError):
        return None


def nonzero(differences: Sequence[sp.Basic]) -> str | None:
    """Why the difference is certainly not zero: an entry is a nonzero constant or a nonzero polynomial.

    A nonzero polynomial is nonzero on every open set, so at some point of
    any domain where the two are both defined; sizes (``n``) do not count as
    variables here, as a polynomial in them may vanish at every size used.
    """
    for k, difference in enumerate(differences):
        said = _nonzero(difference)
        if said is not None:
            where = f"its entry {k + 1} minus the answer's" if len(differences) > 1 else "the option minus the answer"
            return f"{where} is {said}"
    return None


def _nonzero(difference: sp.Basic) -> str | None:
    if (
        not isinstance(difference, sp.Expr)
        or getattr(difference, "is_Matrix", False)
        or difference == 0
        or difference.has(sp.Float)
    ):  # a rounded coefficient's error is no proof
        return None
    free = difference.free_symbols
    if not free:
        if difference.is_zero is False and difference.is_finite:
            return f"{_shown(difference)}, a nonzero constant"
        return None
    if any(not isinstance(symbol, sp.Symbol) or symbol.is_integer for symbol in free):
        return None
    if difference.is_polynomial(*free) and sp.expand(difference).has(*free):
        return f"{_shown(difference)}, a nonzero polynomial"
    return None


def _shown(expr: sp.Expr, limit: int = 80) -> str:
    text = to_text(expr)
    return text if len(text) <= limit else f"{text[:limit]}..."


def below_tolerance(differences: Sequence[sp.Basic], samples: Samples) -> str | None:
    """Where a difference the numbers could not see is nonzero: evaluated to ``PRECISE_DIGITS`` digits at the
    random points (SymPy's evalf tracks the accuracy, so cancellation does not pass for a difference)."""
    for difference in differences:
        if difference == 0 or not isinstance(difference, sp.Expr) or difference.has(sp.MatrixSymbol):
            continue
        if sp.count_ops(difference) > MAX_SIMPLIFY_OPS:
            continue
        for point in samples.points[: samples.random]:
            at = {
                symbol: sp.Float(value)
                for symbol, value in point.env.items()
                if isinstance(symbol, sp.Symbol) and isinstance(value, int | float)
            }
            try:
                value = difference.evalf(PRECISE_DIGITS, subs=at)
            except (TypeError, ValueError, ArithmeticError, AttributeError):
                continue
            if isinstance(value, sp.Float) and value != 0 and value._prec >= PRECISE_DIGITS:
                return (
                    f"they agree within the tolerance at {samples.random} random points, but they differ "
                    f"symbolically, and by {float(value):.3g} at {point.describe()}, too little for numbers "
                    f"to decide"
                )
    return None


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
        return Verdict(
            "not equivalent", "shape", f"the option is {option_kind.describe()}; the answer is {answer_kind.describe()}"
        )
    if answer == option:
        return Verdict("equivalent", "symbolic")
    try:
        samples: Samples | SymdiffError = sample(space, answer, option, domain, seed)
    except SymdiffError as exc:
        samples = exc
    differing = samples.first_difference() if isinstance(samples, Samples) else None
    if isinstance(samples, Samples) and differing is not None and differs_at(answer, option, samples.points[differing]):
        return Verdict("not equivalent", "numeric", point=samples.points[differing], samples=samples)
    found = differences(answer, option) or []
    if found and all(d == 0 for d in found):
        return Verdict("equivalent", "symbolic")
    if isinstance(samples, SymdiffError):
        return Verdict("undecided", "none", f"no symbolic proof, and {samples.message}")
    if differing is not None:
        return Verdict("not equivalent", "numeric", point=samples.points[differing], samples=samples)
    explicit = at_small_sizes() if at_small_sizes is not None else None
    explicit_found = (differences(*explicit) or []) if explicit is not None else []
    proven_at_small_sizes = bool(explicit_found) and all(d == 0 for d in explicit_found)
    proof = nonzero(found) or _at_small_sizes(nonzero(explicit_found))
    if proof is not None and samples.points:
        return Verdict("not equivalent", "difference", proof, samples=samples)
    if samples.random >= POINTS:
        unseen = None if proven_at_small_sizes else below_tolerance(found, samples)
        if unseen is not None:
            return Verdict("undecided", "none", unseen, samples=samples)
        return Verdict("equivalent", "components" if proven_at_small_sizes else "numeric", samples=samples)
    note = f"only {samples.random} of {samples.draws} random points are where both are defined; {POINTS} are needed"
    return Verdict("undecided", "none", note, samples=samples)


def differs_at(answer: sp.Basic, option: sp.Basic, point: Point) -> bool:
    """Whether ``option - answer`` is certainly nonzero at ``point``: an entry evaluated to ``PRECISE_DIGITS``
    digits (SymPy's evalf tracks the accuracy) is nonzero. Then no simplification can prove the two equal,
    and the numbers decide without one; False when that cannot be shown (matrix expressions, no accuracy)."""
    left, right = entries(answer), entries(option)
    if left is None or right is None or len(left) != len(right) or _larger_than(PRECISE_TERMS, *left, *right):
        return False
    at = {symbol: sp.Float(value) for symbol, value in point.env.items() if isinstance(value, int | float)}
    for a, o in zip(left, right):
        try:
            value = (o - a).evalf(PRECISE_DIGITS, subs=at)
        except (TypeError, ValueError, ArithmeticError, AttributeError):
            continue
        if isinstance(value, sp.Float) and value != 0 and value._prec >= PRECISE_DIGITS:
            return True
    return False


def _larger_than(limit: int, *trees: sp.Basic) -> bool:
    """Whether the trees have more than ``limit`` nodes together, counted no further than the limit."""
    count = 0
    for tree in trees:
        for _ in sp.preorder_traversal(tree):
            count += 1
            if count > limit:
                return True
    return False


def _at_small_sizes(proof: str | None) -> str | None:
    return None if proof is None else f"with explicit components at small sizes, {proof}"
