"""``symdiff.check``: which options equal the derivative a question asks for, and why the others do not.

The result objects are plain data meant to be serialized (``as_json``): per
option its text, ``equivalent`` true / false / null and ``why``. An option
that cannot be read (``f(b_1)``, an unknown function) is never counted
correct: its verdict is "unreadable" with the parse error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .. import arguments
from ..errors import ShapeError, SymdiffError
from ..model import Syntax
from ..program.printing import Said
from ..result import Result
from .equivalence import POINTS, Verdict, compare
from .explain import explain
from .question import Question, ShapeSpec

OptionStatus = Literal["equivalent", "not equivalent", "undecided", "unreadable"]

_HOW = {
    "symbolic": "the difference simplifies to zero",
    "components": f"the difference simplifies to zero with explicit components at small sizes, "
    f"and they are equal at {POINTS} random points",
    "numeric": f"equal at {POINTS} random points",
}


@dataclass(frozen=True)
class OptionCheck:
    """The verdict on one option."""

    text: str
    verdict: OptionStatus
    why: str
    """The reason it is wrong, how it was found equal, why it is undecided, or the parse error."""
    reason: str | None = None
    """For a wrong option, the rule that recognised it (``shape``, ``swapped``, ``factor``, ...)."""
    point: dict[str, object] | None = None
    """A point where option and answer differ, by variable (vectors as lists)."""
    error: SymdiffError | None = field(default=None, compare=False)
    unknown: tuple[str, ...] = ()
    """Names the option uses that the question does not define (they are compared as free variables)."""
    said: Said = field(default=(), compare=False)
    """``why`` with the formulas it quotes as expressions, for printers that typeset them (``explain.Reason``);
    empty when ``why`` is prose alone."""

    @property
    def equivalent(self) -> bool | None:
        """True or False when decided; None when undecided or unreadable."""
        return {"equivalent": True, "not equivalent": False}.get(self.verdict)

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "text": self.text,
            "verdict": self.verdict,
            "equivalent": self.equivalent,
            "why": self.why,
            "reason": self.reason,
            "point": self.point,
        }
        if self.error is not None:
            data["error"] = self.error.render()
        return data


@dataclass(frozen=True)
class CheckResult:
    """A question, its answer, and a verdict per option in the order given."""

    question: str
    of: str | None
    wrt: str | tuple[str, ...]
    answer: Result
    options: tuple[OptionCheck, ...]

    @property
    def correct(self) -> tuple[int, ...]:
        """1-based positions of the options equal to the answer."""
        return tuple(i for i, option in enumerate(self.options, 1) if option.equivalent)

    @property
    def unreadable(self) -> tuple[int, ...]:
        return tuple(i for i, option in enumerate(self.options, 1) if option.verdict == "unreadable")

    def as_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "of": self.of,
            "wrt": self.wrt if isinstance(self.wrt, str) else list(self.wrt),
            "answer": {"text": self.answer.text, "latex": self.answer.latex},
            "correct": list(self.correct),
            "options": [option.as_json() for option in self.options],
        }


def check(
    question: str,
    wrt: str | Sequence[str],
    options: Sequence[str],
    shapes: ShapeSpec | None = None,
    *,
    of: str | None = None,
    syntax: Syntax = "auto",
    samples: Mapping[str, str] | None = None,
) -> CheckResult:
    """Derive ``question`` by ``wrt`` and say of each option whether it equals the answer, and why not.

    ``question`` is a program (``b = A*x; f = 0.5*norm(b)^2``) or a bare
    formula; ``of`` picks what is differentiated (``b1``); ``wrt`` is a name,
    ``"A11, A12"`` for a tuple of partials, or names to differentiate by in
    turn. Options may use the program's intermediates. ``samples`` places the samples
    ``\\mathbf{x}_i`` of index sums in the question and the options, as ``derive``'s does.

    >>> check("b = A*x; f = 0.5*norm(b)^2", "b", ["[b_1, b_2]", "[b_2, b_1]"], {"A": (2, 2), "x": (2,)}).correct
    (1,)
    """
    arguments.text(question, "question")
    arguments.shapes(shapes)
    arguments.syntax(syntax)
    options, of = arguments.texts(options, "options"), arguments.name_or_none(of, "of")
    asked = Question(question, wrt, shapes, syntax, of, samples)
    with asked.program.nesting():
        checked = tuple(check_option(asked, text) for text in options)
    return CheckResult(question, of, wrt if isinstance(wrt, str) else tuple(wrt), asked.result, checked)


def check_option(question: Question, text: str) -> OptionCheck:
    """The verdict on one option, with its reason."""
    try:
        option = question.read(text)
    except ShapeError as exc:
        return OptionCheck(
            text,
            "not equivalent",
            f"it is not defined with the question's shapes: {exc.message}",
            "ill-formed",
            error=exc,
        )
    except SymdiffError as exc:
        return OptionCheck(text, "unreadable", f"cannot read the option: {exc.message}", "unreadable", error=exc)
    known = set(question.program.inputs) | set(question.program.intermediates)
    unknown = tuple(sorted(set(option.variables) - known))
    expanded = question.expand(option.expr)
    verdict: Verdict = compare(
        question.answer,
        expanded,
        question.space(option),
        (question.function,),
        lambda: question.at_small_sizes(text),
    )
    if verdict.status == "equivalent":
        return OptionCheck(text, "equivalent", _HOW[verdict.method], unknown=unknown)
    if verdict.status == "undecided":
        return OptionCheck(text, "undecided", verdict.note or "undecided", unknown=unknown)
    reason = explain(question, option, expanded, verdict)
    point = verdict.point.as_json() if verdict.point is not None else None
    return OptionCheck(text, "not equivalent", reason.text, reason.kind, point, unknown=unknown, said=reason.said)
