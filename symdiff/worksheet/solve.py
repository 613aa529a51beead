"""Solve a worksheet: each question through the library, into an answer key (``key.py``).

One solver per kind of question, in a table keyed by the question's model
class. A question that cannot be solved (an option that does not parse, a
name that is not defined, also in an option) stops the whole key with an
error naming the file, the question and the field: a key is written whole or
not at all. A choice question none of whose options equals the answer gets
a warning in the key and in ``Key.warnings``; with ``strict`` it is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from os import PathLike
from typing import Any, cast

from ..arguments import callable_or_none, flag
from ..check import blanks as search_blanks
from ..check import check
from ..check.blanks import check_variables
from ..check.checking import OptionCheck
from ..errors import SymdiffError
from ..export.numbers import to_plain
from ..program import Program
from ..program.printing import Math, said_text, to_unicode
from ..program.programs import ProgramResult
from ..program.programs import shared as program
from ..result import Result
from .key import (
    BackpropKey,
    BlanksKey,
    ChoiceKey,
    DeriveKey,
    ForwardKey,
    GroupKey,
    Key,
    OptionVerdict,
    QuestionKey,
    Value,
)
from .load import Source, load
from .schema import Backprop, Blanks, Choice, Context, Derive, Forward, Group, Unreadable, Worksheet


@contextmanager
def _blame(source: Source, question_id: str, field: str) -> Iterator[None]:
    """Turn a library error into one naming the worksheet's file, question and field."""
    try:
        yield
    except SymdiffError as exc:
        raise source.error(exc.render().replace("\n", "\n  "), question_id, field) from None


class _Group:
    """A group's context, read once and shared by its questions."""

    def __init__(self, group: Group, source: Source, strict: bool = False) -> None:
        self.group = group
        self.source = source
        self.strict = strict
        self.shapes = {name: (() if dims == "scalar" else tuple(dims)) for name, dims in group.context.shapes.items()}
        self.text = "; ".join(group.context.definitions)

    @property
    def context(self) -> Context:
        return self.group.context

    def program(self, question_id: str, of: str | None = None) -> Program:
        field = "of" if of is not None else "definitions"
        if not self.text:
            raise self.source.error(
                "this kind of question needs definitions in the group's context", self.group.id, "definitions"
            )
        with _blame(self.source, question_id, field):
            return program(self.text, self.shapes, self.context.syntax, of=of, samples=self.context.samples)


def _choice(group: _Group, question: Choice) -> ChoiceKey:
    prog = group.program(question.id, question.of)
    with _blame(group.source, question.id, "wrt"):
        answer = prog.derive(question.wrt, expand=question.expand)
    texts = [o.latex if isinstance(o, Unreadable) else o for o in question.options]
    with _blame(group.source, question.id, "options"):
        report = check(
            group.text,
            question.wrt,
            texts,
            group.shapes,
            of=question.of,
            syntax=group.context.syntax,
            samples=group.context.samples,
        )
    is_latex = group.context.syntax == "latex"
    verdicts = tuple(
        _verdict(group.source, question.id, n, option, checked, is_latex)
        for n, (option, checked) in enumerate(zip(question.options, report.options), start=1)
    )
    warning = None if report.correct else _no_correct_option(group, question.id, verdicts)
    steps = ("", "", "")
    if question.steps or group.group.steps:
        with _blame(group.source, question.id, "wrt"):
            steps = _derivation(prog, question.wrt, answer)
    return ChoiceKey(question.id, question.text, answer.text, answer.latex, _math(answer), verdicts, warning, *steps)


def _no_correct_option(group: _Group, question_id: str, verdicts: tuple[OptionVerdict, ...]) -> str:
    """The warning for a choice question without a correct option; with ``strict``, the error."""
    undecided = sum(v.verdict == "undecided" for v in verdicts)
    said = (
        "no option equals the answer"
        + (f" ({undecided} undecided)" if undecided else "")
        + "; is there a typo in the intended one?"
    )
    if group.strict:
        raise group.source.error(
            said, question_id, "options", hint="fix the options, or solve without --strict to see each one's verdict"
        )
    return said


def _verdict(
    source: Source, question_id: str, number: int, option: str | Unreadable, checked: OptionCheck, is_latex: bool
) -> OptionVerdict:
    """The checker's verdict; an option that cannot be read must be marked so by the worksheet."""
    marked = isinstance(option, Unreadable)
    if checked.unknown:
        names = ", ".join(checked.unknown)
        raise source.error(
            f"option {number} uses {names}, which the question does not define",
            question_id,
            "options",
            text=checked.text,
            hint="define it in the group's context (shapes or definitions), or fix the option",
        )
    if checked.verdict == "unreadable" and not marked:
        assert checked.error is not None
        raise source.error(
            f"option {number} does not parse: " + checked.error.render().replace("\n", "\n  "),
            question_id,
            "options",
            text=checked.text,
            hint="fix the option, or if it is meant not to be a formula write it as "
            "{ latex = '...', unreadable = \"why\" }",
        )
    if marked and checked.verdict != "unreadable":
        raise source.error(
            f"option {number} is marked unreadable, but it reads as a formula",
            question_id,
            "options",
            hint="write it as a plain string so it is checked",
            text=checked.text,
        )
    said = checked.said or (checked.why,)
    if isinstance(option, Unreadable):
        said += (f"; the worksheet says: {option.unreadable}",)
    return OptionVerdict(checked.text, is_latex, checked.verdict, said_text(said), said)


def _derive(group: _Group, question: Derive) -> DeriveKey:
    prog = group.program(question.id, question.of)
    with _blame(group.source, question.id, "wrt"):
        answer = prog.derive(question.wrt, expand=question.expand)
        steps = _derivation(prog, question.wrt, answer)
    return DeriveKey(question.id, question.text, answer.text, answer.latex, _math(answer), *steps)


def _math(answer: Result) -> Math:
    """An answer as an expression for the keys to print, with its program's intermediates."""
    return Math(answer.sympy, answer.intermediates if isinstance(answer, ProgramResult) else frozenset())


def _derivation(prog: Program, wrt: str, answer: Result) -> tuple[str, str, str]:
    """The chain rule to ``answer``, as text, as an ``align*`` body and in Unicode (one line when there is no
    chain)."""
    derivations = prog.steps(wrt) if prog.output is not None else []
    if not derivations:
        math = _math(answer)
        return f"= {answer.text}", f"&= {answer.latex}", f"= {to_unicode(math.expr, math.intermediates)}"
    return (
        "\n".join(d.render_text() for d in derivations),
        " \\\\\n".join(_align_body(d.render_latex()) for d in derivations),
        "\n".join(d.render_unicode() for d in derivations),
    )


def _forward(group: _Group, question: Forward) -> ForwardKey:
    prog = group.program(question.id)
    with _blame(group.source, question.id, "values"):
        passes = prog.backprop(group.context.at, None, group.context.round)
        missing = [name for name in question.values.values() if name not in passes.forward]
        if missing:
            raise SymdiffError(f"no node named {', '.join(missing)}", hint="values maps labels to defined names")
    values = {label: _plain(passes.forward[name]) for label, name in question.values.items()}
    return ForwardKey(question.id, question.text, values, dict(question.values))


def _backprop(group: _Group, question: Backprop) -> BackpropKey:
    prog = group.program(question.id, question.of)
    at, rounding = group.context.at, group.context.round
    with _blame(group.source, question.id, "wrt"):
        used = prog.backprop(at, question.wrt, rounding)
        exact = prog.backprop(at, question.wrt, None)
        derivations = prog.steps(question.wrt, at, rounding)
    return BackpropKey(
        question.id,
        question.text,
        values={name: _plain(value) for name, value in used.gradients.items()},
        exact={name: _plain(value) for name, value in exact.gradients.items()},
        forward={name: _plain(value) for name, value in used.forward.items()},
        rounding=rounding,
        steps={d.variable: d.render_text() for d in derivations},
        steps_latex={d.variable: _align_body(d.render_latex()) for d in derivations},
        steps_unicode={d.variable: d.render_unicode() for d in derivations},
        kinks=tuple(f"{k.node}: {k.note}" for k in used.kinks),
        figure=lambda: prog.graph(at, question.wrt, rounding),
    )


def _plain(value: object) -> Value:
    """A node's value as the key holds it (``key.Value``)."""
    return cast(Value, to_plain(value))


def _blanks(group: _Group, question: Blanks) -> BlanksKey:
    with _blame(group.source, question.id, "variables"):
        check_variables(question.variables)
    with _blame(group.source, question.id, "template"):
        found = search_blanks(
            question.template,
            question.candidates,
            question.positive,
            question.negative,
            question.variables,
            group.context.syntax,
            timeout=None,
        )
    return BlanksKey(
        question.id,
        question.text,
        question.template,
        solutions=tuple(tuple(c.choices for c in group) for group in found.functions),
        functions=tuple(group[0].text for group in found.functions),
        function_math=tuple(Math(group[0].expr) for group in found.functions),
        tried=found.tried,
        figure=found.plot,
    )


def _align_body(block: str) -> str:
    r"""The rows of a ``\begin{align*} ... \end{align*}`` block, to join several blocks into one."""
    return block.removeprefix("\\begin{align*}\n").removesuffix("\n\\end{align*}")


# Each solver takes its own question class, the key it is stored under: ``solve_worksheet`` looks a question up by
# ``type(question)``, so the argument always matches; ``Any`` lets one table hold solvers of different classes.
SOLVERS: dict[type, Callable[[_Group, Any], QuestionKey]] = {
    Choice: _choice,
    Derive: _derive,
    Forward: _forward,
    Backprop: _backprop,
    Blanks: _blanks,
}


def solve_worksheet(
    worksheet: Worksheet, source: Source, progress: Callable[[str], None] | None = None, strict: bool = False
) -> Key:
    """The answer key of a loaded worksheet; ``progress`` is told each question id as it starts.

    ``strict``: a choice question with no correct option is an error, not a warning.
    """
    groups = []
    for group in worksheet.groups:
        context = _Group(group, source, strict)
        answers = []
        for question in group.questions:
            if progress is not None:
                progress(question.id)
            answers.append(SOLVERS[type(question)](context, question))
        groups.append(GroupKey(group.id, group.title, group.text, tuple(answers)))
    warnings = tuple(
        source.error(q.warning, q.id, "options").message
        for g in groups
        for q in g.questions
        if isinstance(q, ChoiceKey) and q.warning
    )
    return Key(worksheet.title, worksheet.text, tuple(groups), warnings)


def solve(path: str, progress: Callable[[str], None] | None = None, strict: bool = False) -> Key:
    """Read the worksheet at ``path`` and solve it (``strict``: see ``solve_worksheet``)."""
    if not isinstance(path, str | PathLike):
        raise SymdiffError(f"path must be a file name, not {type(path).__name__}")
    worksheet, source = load(path)
    callable_or_none(progress, "progress")
    return solve_worksheet(worksheet, source, progress, flag(strict, "strict"))


__all__ = ["SOLVERS", "solve", "solve_worksheet"]
