"""Why a wrong option is wrong, said the way a teaching assistant would.

A table of small rules, tried in order; the first that recognises the option
gives the reason. Each rule proves what it says: "twice the answer" only
when the option equals 2 × the answer at every sample point, "the wrong row"
only when it equals the answer of the question asked about another row. The
last rule always applies: the point where option and answer differ.

A reason carries the formulas it quotes as expressions (``Reason.said``):
each key prints them in its own notation (b₂ in a terminal, $b_{2}$ in
LaTeX), and ``Reason.text`` in symdiff's plain syntax.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from itertools import pairwise, permutations

import numpy as np
import sympy as sp

from ..errors import SymdiffError
from ..model import Formula
from ..program.printing import Math, Said, said_text
from .equivalence import Samples, Verdict, sample
from .index_mistakes import size_factor, swapped_indices, wrong_summation_index
from .kinds import components, kind_of
from .question import Question
from .values import Value, agree

MAX_SWAPPED = 4
"""Orders of at most this many components are searched for a swap."""
MAX_DENOMINATOR = 12
MAX_SHOWN = 6
"""Values with more entries than this are shown by one entry where they differ."""
"""A constant factor is named when it is a fraction with at most this denominator."""


@dataclass(frozen=True)
class Reason:
    """Which rule recognised the option (``kind``) and what it says (``said``: prose and formulas)."""

    kind: str
    said: Said

    @property
    def text(self) -> str:
        """What it says as plain text, the formulas in symdiff's syntax."""
        return said_text(self.said)


@dataclass
class Case:
    """A wrong option and everything a rule may look at."""

    question: Question
    option: Formula
    expanded: sp.Basic
    """The option in the inputs only."""
    verdict: Verdict

    @cached_property
    def samples(self) -> Samples:
        if self.verdict.samples is not None:
            return self.verdict.samples
        try:
            return sample(
                self.question.space(self.option), self.question.answer, self.expanded, (self.question.function,)
            )
        except SymdiffError:  # not evaluable numerically: the rules needing numbers do not apply
            return Samples((), (), (), 0)

    def show(self, expr: sp.Basic) -> Math:
        """An expression to print as the worksheet writes it: inputs before intermediates."""
        return Math(expr, self.question.intermediates)

    def name(self, name: str) -> Math:
        """A variable, entry or intermediate by its name, printed as the question's symbol (a matrix bold)."""
        symbol = self.question.program.symbols.get(name)
        return self.show(symbol if isinstance(symbol, sp.Symbol | sp.MatrixSymbol) else sp.Symbol(name))

    def names(self, names: list[str], last: str = " and ") -> Said:
        """``a``, ``a and b``, ``a, b and c``, each a formula (``last`` before the last: ``a, b``)."""
        said: list[str | Math] = []
        for i, name in enumerate(names):
            said += [", " if 0 < i < len(names) - 1 else last if i else "", self.name(name)]
        return tuple(said[1:])

    def difference(self) -> Said:
        """``at x = 1.2: the option is 3.4, the answer 1.7``, at the smallest point where they differ."""
        samples = self.samples
        index = samples.first_difference()
        assert index is not None, "called only where they differ"
        answer, option = samples.answer[index], samples.option[index]
        point = samples.points[index]
        space = self.question.space(self.option)
        used = space.used_by(self.question.answer, self.expanded)
        values = [(name, point.describe(names={name})) for name in point.values if name in used]
        where = (
            "at ",
            *(
                part
                for i, (name, said) in enumerate(values)
                for part in (", " if i else "", self.name(name), said.removeprefix(name))
            ),
        )
        dims = kind_of(self.question.answer).dims
        is_matrix = len(dims) == 2 and dims[1] != 1 and answer.size == option.size
        if not is_matrix and answer.size <= MAX_SHOWN and option.size <= MAX_SHOWN:
            return (*where, f": the option is {_number(option)}, the answer {_number(answer)}")
        entry = next(k for k in range(min(answer.size, option.size)) if not agree(answer[k : k + 1], option[k : k + 1]))
        # a dim's size in the environment is an int, by construction of the point; a product of dims (n*n, the
        # side of a Kronecker product) is its value there
        columns = self.question.answer.shape[1] if is_matrix else 0
        cols = columns if isinstance(columns, int) else int(columns.xreplace(point.env))
        label = f"({entry // cols + 1}, {entry % cols + 1})" if is_matrix else str(entry + 1)
        return (*where, f", entry {label}: the option has {option[entry]:.4g}, the answer {answer[entry]:.4g}")


def _number(value: Value) -> str:
    return f"{value[0]:.4g}" if value.size == 1 else "[" + ", ".join(f"{v:.4g}" for v in value) + "]"


def _ordinal(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --- the rules ------------------------------------------------------------------------
def transpose_of_answer(case: Case) -> str | None:
    answer, option = kind_of(case.question.answer), kind_of(case.expanded)
    if (
        len(answer.dims) != 2
        or option.dims != answer.dims[::-1]
        or not case.samples.option_equals(case.question.answer.T)
    ):
        return None
    if answer.is_square:
        return "it is the transpose of the answer"
    return f"it is the transpose of the answer ({option.describe()} where the answer is {answer.describe()})"


def wrong_shape(case: Case) -> str | None:
    return case.verdict.note if case.verdict.method == "shape" else None


def proven_difference(case: Case) -> str | None:
    """The difference is a nonzero constant or polynomial, too small for the numbers to see."""
    if case.verdict.method != "difference" or case.verdict.note is None:
        return None
    return f"{case.verdict.note}, so it is not the answer (the difference is below the numeric tolerance)"


def foreign_names(case: Case) -> Said | None:
    """Names the question does not have: often a product written without ``*`` (``x_1b_1``) in plain syntax."""
    known = set(case.question.program.inputs) | set(case.question.program.intermediates)
    extra = sorted(set(case.option.variables) - known)
    if not extra:
        return None
    said = ("it uses ", *case.names(extra), f", which {'is' if len(extra) == 1 else 'are'} not in the question")
    glued = any(a.isdigit() and b.isalpha() for name in extra for a, b in pairwise(name))
    return (*said, " (a product? in plain syntax write x1*b1, or read the option as LaTeX)") if glued else said


def neighbouring_question(case: Case) -> Said | None:
    """The answer to the same question about another row or column of a matrix, or another component of the output."""
    for description, answer in _neighbours(case):
        if case.samples.option_equals(answer):
            return description
    return None


def _neighbours(case: Case) -> list[tuple[Said, sp.Basic]]:
    names = case.question.single_step
    if names is None:
        return []
    return [*_other_rows_and_columns(case, names), *_other_outputs(case)]


def _other_rows_and_columns(case: Case, names: tuple[str, ...]) -> list[tuple[Said, sp.Basic]]:
    """Partials by entries of one matrix in one row (column): the same partials in each other row (column)."""
    question = case.question
    looked_up = [question.entries.get(name) for name in names]
    located = [entry for entry in looked_up if entry is not None]
    if len(located) != len(looked_up) or len({entry[0] for entry in located}) != 1:
        return []
    base = located[0][0]
    matrix = question.program.symbols[base]
    found = []
    for axis, word, size in ((1, "row", matrix.rows), (2, "column", matrix.cols)):
        asked = {entry[1] if axis == 1 else entry[2] for entry in located}
        if len(asked) != 1:
            continue
        (index,) = asked
        for other in (k for k in range(size) if k != index):
            moved = [question.entry(base, *((other, e[2]) if axis == 1 else (e[1], other))) for e in located]
            answer = question.variant(", ".join(moved))
            if answer is not None:
                said = (
                    f"it uses the wrong {word}: it is the answer for ",
                    *case.names(moved, last=", "),
                    f" ({word} {other + 1} of ",
                    case.name(base),
                    f"), but the question asks about {word} {index + 1}",
                )
                found.append((said, answer))
    return found


def _other_outputs(case: Case) -> list[tuple[Said, sp.Basic]]:
    """Differentiating a component (b1): the same partials of each other component (b2)."""
    question = case.question
    output = question.program.output
    if output is None or output not in question.entries:
        return []
    base = question.entries[output][0]
    symbol = question.program.symbols[base]
    found: list[tuple[Said, sp.Basic]] = []
    for other in (str(entry) for entry in symbol if str(entry) != output):
        answer = question.variant(question.wrt, of=other)
        if answer is not None:
            said = ("it is the derivative of ", case.name(other), ", but the question asks about ", case.name(output))
            found.append((said, answer))
    return found


def transposed_input(case: Case) -> Said | None:
    """The answer with a square matrix input transposed: A where the answer has Aᵀ (or the reverse)."""
    question = case.question
    for name, shape in question.program.inputs.items():
        symbol = question.program.symbols[name]
        if len(shape) != 2 or shape[0] != shape[1] or shape[1] == 1:
            continue
        if isinstance(symbol, sp.MatrixBase):
            swap = {symbol[i, j]: symbol[j, i] for i in range(symbol.rows) for j in range(symbol.cols)}
        else:
            swap = {symbol: symbol.T}
        answer = question.expand(question.result.sympy.xreplace(swap))
        if case.samples.option_equals(answer):
            written = symbol if isinstance(symbol, sp.MatrixSymbol) else sp.MatrixSymbol(name, *symbol.shape)
            return (
                "it is the answer with ",
                case.show(written),
                " transposed: ",
                case.show(written),
                " in place of ",
                case.show(written.T),
                " (or the reverse)",
            )
    return None


def swapped_components(case: Case) -> str | None:
    parts = components(case.question.answer)
    if parts is None or not 1 < len(parts) <= MAX_SWAPPED:
        return None
    for order in permutations(range(len(parts))):
        if order == tuple(range(len(parts))):
            continue
        if case.samples.option_equals(sp.Tuple(*(parts[i] for i in order))):
            if len(parts) == 2:
                return "its two components are swapped"
            return "its components are the answer's in the wrong order: " + ", ".join(
                f"its {_ordinal(k + 1)} is the answer's {_ordinal(i + 1)}" for k, i in enumerate(order) if k != i
            )
    return None


def zero(case: Case) -> Said | None:
    samples = case.samples
    if not samples.points:
        return None
    answer_zero = all(not np.any(value) for value in samples.answer)
    option_zero = all(not np.any(value) for value in samples.option)
    output, wrt = case.name(case.question.output), case.names(list(_wrt_names(case)))
    if option_zero and not answer_zero:
        return ("it is zero, but ", output, " does depend on ", *wrt)
    if answer_zero and not option_zero:
        return ("the answer is zero: ", output, " does not depend on ", *wrt)
    return None


def _wrt_names(case: Case) -> tuple[str, ...]:
    return case.question.single_step or (str(case.question.wrt),)


def constant_factor(case: Case) -> str | None:
    samples = case.samples
    if not samples.points or any(a.shape != o.shape for a, o in zip(samples.answer, samples.option)):
        return None
    answer, option = np.concatenate(samples.answer), np.concatenate(samples.option)
    norm = float(answer @ answer)
    if norm == 0.0:
        return None
    factor = Fraction(float(answer @ option) / norm).limit_denominator(MAX_DENOMINATOR)
    if factor in (0, 1) or not all(agree(o, float(factor) * a) for a, o in zip(samples.answer, samples.option)):
        return None
    if factor == -1:
        return "it has the wrong sign: it is minus the answer"
    return f"it is off by a constant factor: {factor} times the answer"


def some_components(case: Case) -> Said | None:
    """Some components right, the others not."""
    answer_parts, option_parts = components(case.question.result.sympy), components(case.option.expr)
    samples = case.samples
    if answer_parts is None or option_parts is None or len(answer_parts) != len(option_parts) or not samples.points:
        return None
    if any(a.size != len(answer_parts) or o.size != len(answer_parts) for a, o in zip(samples.answer, samples.option)):
        return None
    right = [
        k
        for k in range(len(answer_parts))
        if all(agree(a[k : k + 1], o[k : k + 1]) for a, o in zip(samples.answer, samples.option))
    ]
    if not right or len(right) == len(answer_parts):
        return None
    wrong = [k for k in range(len(answer_parts)) if k not in right]
    said: list[str | Math] = [
        f"only its {_listed([_ordinal(k + 1) for k in right])} component{'s are' if len(right) > 1 else ' is'} right: "
    ]
    for i, k in enumerate(wrong):
        said += ["; " if i else "", case.show(option_parts[k]), " where the answer has ", case.show(answer_parts[k])]
    return tuple(said)


def some_points(case: Case) -> Said | None:
    samples = case.samples
    agreeing = sum(samples.agreeing)
    if not 0 < agreeing < len(samples.points):
        return None
    return (f"it equals the answer only at some points ({agreeing} of {len(samples.points)}); ", *case.difference())


def differs(case: Case) -> Said:
    """The last word: a point where the two differ."""
    samples = case.samples
    if False in samples.agreeing:
        return ("it differs from the answer ", *case.difference())
    return ("it differs from the answer",)


Rule = Callable[[Case], str | Said | None]
"""A rule: what it says, in prose alone (a string) or quoting formulas (``Said``); None when it does not apply."""

RULES: tuple[tuple[str, Rule], ...] = (
    ("swapped indices", swapped_indices),
    ("transpose", transpose_of_answer),
    ("shape", wrong_shape),
    ("foreign names", foreign_names),
    ("difference", proven_difference),
    ("neighbour", neighbouring_question),
    ("summation index", wrong_summation_index),
    ("transposed input", transposed_input),
    ("swapped", swapped_components),
    ("zero", zero),
    ("size factor", size_factor),
    ("factor", constant_factor),
    ("some components", some_components),
    ("some points", some_points),
)
"""Rule name -> rule, most specific first; when none applies, ``differs`` gives the point."""


def explain(question: Question, option: Formula, expanded: sp.Basic, verdict: Verdict) -> Reason:
    """The first reason in ``RULES`` that fits a wrong option."""
    case = Case(question, option, expanded, verdict)
    for kind, rule in RULES:
        said = rule(case)
        if said is not None:
            return Reason(kind, (said,) if isinstance(said, str) else tuple(part for part in said if part != ""))
    return Reason("differs", differs(case))
