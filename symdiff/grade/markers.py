"""One marker per kind of question, built once from the worksheet, then asked to mark each distinct answer.

- ``choice``: an option number (``2``, or ``2, 4`` when several are correct),
  an option's text, or a typed formula, which is marked as a ``derive``
  answer is;
- ``derive``: a typed formula, in plain syntax or LaTeX, judged equal to the
  derived answer by the checker (``check/``), with its reason when it is not;
- ``forward`` and ``backprop``: numbers, one per label in the key's order,
  against the key's values with the worksheet's rounding and tolerance;
- ``blanks``: one candidate per blank, or ``none`` for "No valid combination".

A question is derived (or solved) when its marker is built, once per process.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import Any, Protocol

import numpy as np

from ..check.checking import OptionCheck, check_option
from ..check.question import Question
from ..errors import SymdiffError
from ..model import Syntax
from ..model.numbers import floats
from ..worksheet.key import BackpropKey, BlanksKey, ForwardKey
from ..worksheet.load import Source
from ..worksheet.schema import Backprop, Blanks, Choice, Derive, Forward, Group, Unreadable, Worksheet
from ..worksheet.solve import solve_worksheet
from .marks import Mark, right, undecided, unreadable, wrong

OTHER_SYNTAX: dict[Syntax, Syntax] = {"latex": "plain", "plain": "latex", "auto": "auto"}
REFINED = {("factor", "it has the wrong sign"): "sign"}
"""(checker's reason, start of its text) -> the reason partial credit is given for: minus the answer is a sign."""
NONE = frozenset({"none", "no valid combination"})


class Marker(Protocol):
    """Marks answers to one question."""

    def mark(self, text: str) -> Mark: ...


class TypedMarker:
    """A typed formula against the derivative a ``choice`` or ``derive`` question asks for."""

    def __init__(self, group: Group, question: Choice | Derive, source: Source, partial: Mapping[str, float]) -> None:
        self.partial = partial
        context = group.context
        shapes = {name: (() if dims == "scalar" else tuple(dims)) for name, dims in context.shapes.items()}
        try:
            asked = Question(
                "; ".join(context.definitions), question.wrt, shapes, context.syntax, question.of, context.samples
            )
        except SymdiffError as exc:
            raise source.error(exc.render().replace("\n", "\n  "), question.id, "wrt") from None
        self.syntax: Syntax = context.syntax
        self.readers = {self.syntax: asked, OTHER_SYNTAX[self.syntax]: asked.reading_options(OTHER_SYNTAX[self.syntax])}

    def mark(self, text: str) -> Mark:
        if not text.strip():
            return unreadable("no answer")
        return self.judge(check_option(self.reader(text), text))

    def reader(self, text: str) -> Question:
        """The question reading answers in the syntax ``text`` is written in.

        A backslash means LaTeX; otherwise the worksheet's syntax is tried
        first, then the other: the first that reads ``text`` with only the
        question's names, else the first that reads it. When neither reads
        it, the student is shown plain syntax's error: text without a
        backslash is most likely typed in plain syntax.
        """
        order: list[Syntax] = ["latex"] if "\\" in text else [self.syntax, OTHER_SYNTAX[self.syntax]]
        parsed: list[Question] = []
        for syntax in order:
            question = self.readers[syntax]
            try:
                formula = question.read(text)
            except SymdiffError:
                continue
            known = set(question.program.inputs) | set(question.program.intermediates)
            if set(formula.variables) <= known:
                return question
            parsed.append(question)
        if parsed:
            return parsed[0]
        return self.readers[order[0] if len(order) == 1 else "plain"]

    def judge(self, checked: OptionCheck) -> Mark:
        """The checker's verdict on a formula as a mark."""
        if checked.verdict == "equivalent":
            return right(checked.why)
        if checked.verdict == "undecided":
            return undecided(checked.why)
        if checked.verdict == "unreadable":
            error = checked.error
            return unreadable("cannot read the answer: " + (error.render() if error is not None else checked.why))
        reason = checked.reason or "differs"
        reason = next(
            (new for (old, start), new in REFINED.items() if reason == old and checked.why.startswith(start)), reason
        )
        return wrong(reason, checked.why, self.partial)


class ChoiceMarker:
    """Option numbers or texts against the options the checker finds correct; other text as a typed formula."""

    def __init__(self, group: Group, question: Choice, source: Source, partial: Mapping[str, float]) -> None:
        self.partial = partial
        self.typed = TypedMarker(group, question, source, partial)
        self.options = question.options
        self.texts = [_squeezed(o.latex if isinstance(o, Unreadable) else o) for o in question.options]

    @cached_property
    def verdicts(self) -> list[Mark]:
        """Each option's mark; an option the worksheet marks unreadable is wrong, for the author's reason."""
        return [
            wrong("unreadable option", f"this option is not a formula: {o.unreadable}", self.partial)
            if isinstance(o, Unreadable)
            else self.typed.mark(o)
            for o in self.options
        ]

    @cached_property
    def correct(self) -> frozenset[int]:
        return frozenset(i for i, verdict in enumerate(self.verdicts, 1) if verdict.verdict == "correct")

    def mark(self, text: str) -> Mark:
        chosen = self.chosen(text)
        if chosen is None:
            return self.typed.mark(text)
        if isinstance(chosen, Mark):
            return chosen
        picked = ", ".join(map(str, sorted(chosen)))
        if chosen == self.correct:
            return right(f"option {picked}: " + self.verdicts[min(chosen) - 1].feedback)
        for number in sorted(chosen - self.correct):
            verdict = self.verdicts[number - 1]
            return Mark(verdict.verdict, verdict.reason, f"option {number}: {verdict.feedback}", verdict.credit)
        return wrong(
            "incomplete",
            f"option {picked} is correct, but {len(self.correct)} options are: choose every correct one",
            self.partial,
        )

    def chosen(self, text: str) -> frozenset[int] | Mark | None:
        """Option numbers (1-based) the answer picks; a mark when it names an option that is not there; None for a
        typed formula."""
        squeezed = _squeezed(text)
        if squeezed in self.texts:
            return frozenset({self.texts.index(squeezed) + 1})
        numbers = re.fullmatch(r"\(?(\d{1,6})\)?\.?|\d{1,6}(?:[,;]\d{1,6})+", squeezed)
        if numbers is None:
            return None
        picked = frozenset(int(n) for n in re.findall(r"\d+", squeezed))
        outside = sorted(n for n in picked if not 1 <= n <= len(self.options))
        if not outside:
            return picked
        if len(picked) == 1:
            return None  # a lone number that is no option's: a typed formula (a scalar answer)
        return unreadable(f"there is no option {outside[0]}: the options are 1 to {len(self.options)}")


class NumericMarker:
    """Numbers, one per label of the key, in its order, separated by commas or semicolons."""

    def __init__(self, labels: Sequence[str], values: Sequence[object], tolerance: float | None) -> None:
        self.labels, self.tolerance = list(labels), tolerance
        self.values = [floats(value, label) for label, value in zip(labels, values)]

    def mark(self, text: str) -> Mark:
        if not text.strip():
            return unreadable("no answer")
        parts = split_parts(text)
        if len(parts) != len(self.labels):
            count = f"{len(parts)} number" + ("s" if len(parts) > 1 else "")
            return unreadable(
                f"{count} where {len(self.labels)} are asked for: give "
                + ", ".join(self.labels)
                + " in that order, separated by commas"
            )
        wrong_labels = []
        for label, part, expected in zip(self.labels, parts, self.values):
            try:
                given = floats(part.strip(), label)
            except SymdiffError as exc:
                return unreadable("cannot read " + exc.render())
            if given.shape != expected.shape or not self.close(given, expected):
                wrong_labels.append(label)
        if not wrong_labels:
            return right("every value is right" if len(self.labels) > 1 else "the value is right")
        good = len(self.labels) - len(wrong_labels)
        said = "wrong: " + ", ".join(wrong_labels)
        if good:
            said += f" ({good} of {len(self.labels)} right)"
        return Mark("wrong", "numbers", said, good / len(self.labels))

    def close(self, given: np.ndarray, expected: np.ndarray) -> bool:
        return bool(np.all(np.abs(given - expected) <= tolerance(self.tolerance, expected)))


RELATIVE_TOLERANCE = 1e-3
ABSOLUTE_FLOOR = 1e-9


def tolerance(given: float | None, expected: np.ndarray) -> np.ndarray:
    """How far a numeric answer may be from ``expected``: the worksheet's ``[grading] tolerance``, else 0.1% of the
    value (at least 1e-9). The exports give PrairieLearn and Moodle the same."""
    if given is not None:
        return np.full_like(expected, given)
    return np.maximum(RELATIVE_TOLERANCE * np.abs(expected), ABSOLUTE_FLOOR)


class BlanksMarker:
    """One candidate per blank, separated by commas, or ``none``."""

    def __init__(self, question: Blanks, key: BlanksKey) -> None:
        self.candidates = [[_squeezed(c) for c in blank] for blank in question.candidates]
        self.fillings = {tuple(_squeezed(c) for c in filling) for group in key.solutions for filling in group}

    def mark(self, text: str) -> Mark:
        if not text.strip():
            return unreadable("no answer")
        if " ".join(text.lower().split()) in NONE:
            if self.fillings:
                return wrong("blanks", "there is a valid combination", {})
            return right("there is no valid combination")
        parts = [_squeezed(part) for part in split_parts(text)]
        if len(parts) != len(self.candidates):
            filled = f"{len(parts)} blank" + ("s" if len(parts) > 1 else "")
            return unreadable(f"{filled} filled where the template has {len(self.candidates)}")
        for number, (part, candidates) in enumerate(zip(parts, self.candidates), start=1):
            if part not in candidates:
                return unreadable(f"blank {number}: {part!r} is not one of its candidates {', '.join(candidates)}")
        if tuple(parts) in self.fillings:
            return right("the filling labels every point correctly")
        return wrong("blanks", "the filling does not label every point correctly", {})


def _squeezed(text: str) -> str:
    return "".join(text.split())


def split_parts(text: str) -> list[str]:
    """``text`` cut at commas and semicolons outside brackets."""
    parts, depth, start = [], 0, 0
    for at, char in enumerate(text):
        depth += (char in "([{") - (char in ")]}")
        if char in ",;" and depth == 0:
            parts.append(text[start:at])
            start = at + 1
    parts.append(text[start:])
    return parts


def _solved(worksheet: Worksheet, source: Source, group: Group, question: Any) -> Any:
    """The key of one question, solved alone."""
    alone = worksheet.model_copy(update={"groups": [group.model_copy(update={"questions": [question]})]})
    return solve_worksheet(alone, source).groups[0].questions[0]


def _forward(worksheet: Worksheet, source: Source, group: Group, question: Forward) -> Marker:
    key: ForwardKey = _solved(worksheet, source, group, question)
    return NumericMarker(list(key.values), list(key.values.values()), worksheet.grading.tolerance)


def _backprop(worksheet: Worksheet, source: Source, group: Group, question: Backprop) -> Marker:
    key: BackpropKey = _solved(worksheet, source, group, question)
    return NumericMarker(list(key.values), list(key.values.values()), worksheet.grading.tolerance)


def _blanks(worksheet: Worksheet, source: Source, group: Group, question: Blanks) -> Marker:
    return BlanksMarker(question, _solved(worksheet, source, group, question))


MARKERS: dict[type, Callable[[Worksheet, Source, Group, Any], Marker]] = {
    Choice: lambda w, s, g, q: ChoiceMarker(g, q, s, w.grading.partial),
    Derive: lambda w, s, g, q: TypedMarker(g, q, s, w.grading.partial),
    Forward: _forward,
    Backprop: _backprop,
    Blanks: _blanks,
}
"""Question class -> how its marker is built (from the worksheet, its source, the question's group and itself)."""


def marker(worksheet: Worksheet, source: Source, question_id: str) -> Marker:
    """The marker of the question with ``question_id``."""
    group, question = next((g, q) for g in worksheet.groups for q in g.questions if q.id == question_id)
    return MARKERS[type(question)](worksheet, source, group, question)
