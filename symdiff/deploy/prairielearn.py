"""A worksheet as PrairieLearn questions: a folder per question with ``info.json`` and ``question.html``.

What PrairieLearn can grade by itself is exported; what it cannot is said in
the report, never exported half-right:

- ``choice``: ``pl-multiple-choice`` (``pl-checkbox`` when several options
  are correct), options in the worksheet's order, each wrong option's reason
  as its ``feedback``;
- ``derive`` in components (concrete shapes): ``pl-symbolic-input`` per
  component, the variables declared; an answer in matrix form (symbolic
  dims), or one using a function PrairieLearn's symbolic input does not know,
  is not exported: ``symdiff grade`` grades it;
- ``forward``, ``backprop``: ``pl-number-input`` per value with the key's
  value and the same tolerance ``symdiff grade`` uses;
- ``blanks``: not exported.

A question's ``uuid`` is a UUID 5 of the worksheet's title and the question
id, so exporting again gives the same one and PrairieLearn keeps its
students' records. The schema is PrairieLearn's ``infoQuestion.json``
(required ``uuid``, ``type``, ``title``, ``topic``; ``type`` ``"v3"``).
"""

from __future__ import annotations

import html
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..grade.markers import split_parts, tolerance
from ..worksheet.key import BackpropKey, BlanksKey, ChoiceKey, DeriveKey, ForwardKey, Key
from ..worksheet.schema import Worksheet
from . import html_safe

NAMESPACE = uuid.UUID("6f1d7c1e-4b1a-5c55-9d2e-73796d646966")
"""symdiff's namespace for question UUIDs (fixed: changing it would give every exported question a new identity)."""

SYMBOLIC_FUNCTIONS = frozenset({"exp", "log", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh", "abs"})
"""Functions an answer may use and still be exported to ``pl-symbolic-input`` (which knows these)."""
RESERVED = frozenset({"e", "E", "i", "j", "I", "pi", "oo", "infty", "nan", "zoo", "exp", "log", "sqrt"})
"""Names ``pl-symbolic-input`` keeps for itself: a variable so named cannot be declared."""


class NotExported(Exception):
    """What PrairieLearn cannot express about a question, for the report."""


@dataclass
class Export:
    """Files to write (path relative to the output folder -> text) and what the report says."""

    files: dict[str, str] = field(default_factory=dict)
    report: list[str] = field(default_factory=list)


def question_uuid(title: str, question_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{title}\x00{question_id}"))


def folder(question_id: str) -> str:
    """``1.a.i`` -> ``q1_a_i``: a question id PrairieLearn takes as a folder name (its QID)."""
    return "q" + question_id.replace(".", "_")


def export(worksheet: Worksheet, key: Key) -> Export:
    """The PrairieLearn questions of a solved worksheet."""
    out = Export()
    points = {q.id: q.points for g in worksheet.groups for q in g.questions}
    texts = {q.id: q.text for g in worksheet.groups for q in g.questions}
    matrix_form = {
        q.id: any(isinstance(d, str) for dims in g.context.shapes.values() if dims != "scalar" for d in dims)
        for g in worksheet.groups
        for q in g.questions
    }
    for group in key.groups:
        for question in group.questions:
            try:
                body = _BODIES[type(question)](question, worksheet, matrix_form[question.id])
            except NotExported as exc:
                out.report.append(f"{question.id}: not exported: {exc}")
                continue
            info = {
                "uuid": question_uuid(worksheet.title, question.id),
                "type": "v3",
                "title": f"{worksheet.title}: {question.id}",
                "topic": worksheet.title,
                "tags": ["symdiff", type(question).__name__.removesuffix("Key").lower()],
                "singleVariant": True,
            }
            header = html_safe.worksheet_text(group.text) + "\n" if group.text else ""
            statement = html_safe.worksheet_text(texts[question.id])
            shown = (header + statement).strip()
            panel = f"<pl-question-panel>\n{shown}\n</pl-question-panel>\n" if shown else ""
            name = folder(question.id)
            out.files[f"{name}/info.json"] = json.dumps(info, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
            out.files[f"{name}/question.html"] = panel + body
            out.report.append(f"{question.id}: {name}/ ({_element(body)}, {points[question.id]:g} points)")
    return out


def _element(body: str) -> str:
    return ", ".join(dict.fromkeys(re.findall(r"<(pl-[a-z-]+-input|pl-multiple-choice|pl-checkbox)\b", body)))


def _attribute(value: str) -> str:
    return html.escape(value, quote=True)


def _choice(question: ChoiceKey, worksheet: Worksheet, matrix_form: bool) -> str:
    if not question.correct:
        raise NotExported("no option equals the answer")
    undecided = [str(i) for i, o in enumerate(question.options, 1) if o.verdict == "undecided"]
    if undecided:
        raise NotExported(f"option {', '.join(undecided)} is undecided")
    element = "pl-checkbox" if len(question.correct) > 1 else "pl-multiple-choice"
    lines = [f'<{element} answers-name="choice" order="fixed">']
    for index, option in enumerate(question.options):
        attributes = (
            'correct="true"' if index in question.correct else f'correct="false" feedback="{_attribute(option.why)}"'
        )
        lines.append(f"  <pl-answer {attributes}>{html_safe.formula(option.text, option.is_latex)}</pl-answer>")
    lines.append(f"</{element}>")
    return "\n".join(lines) + "\n"


def _derive(question: DeriveKey, worksheet: Worksheet, matrix_form: bool) -> str:
    answer = question.answer
    if matrix_form:
        raise NotExported(
            "the answer is in matrix form, which pl-symbolic-input cannot take (grade it with symdiff grade)"
        )
    if answer.startswith("["):
        raise NotExported(
            "the answer is a vector or matrix, which pl-symbolic-input cannot take (grade it with symdiff grade)"
        )
    components = _components(answer)
    functions = set(re.findall(r"([A-Za-z_]\w*)\s*\(", answer)) - SYMBOLIC_FUNCTIONS
    if functions:
        raise NotExported(f"the answer uses {', '.join(sorted(functions))}, which pl-symbolic-input does not know")
    names = sorted(set(re.findall(r"[A-Za-z_]\w*", answer)) - SYMBOLIC_FUNCTIONS)
    reserved = sorted(set(names) & RESERVED)
    if reserved:
        raise NotExported(f"the answer uses the name {', '.join(reserved)}, which pl-symbolic-input keeps for itself")
    variables = _attribute(", ".join(names))
    return "".join(
        f'<pl-symbolic-input answers-name="part{n}" variables="{variables}" '
        f'correct-answer="{_attribute(part.strip().replace("^", "**"))}"'
        + (f' label="({n})"' if len(components) > 1 else "")
        + "></pl-symbolic-input>\n"
        for n, part in enumerate(components, start=1)
    )


def _components(answer: str) -> list[str]:
    """``(x1*b1, x2*b1)`` -> its components; a scalar answer is one."""
    if answer.startswith("(") and answer.endswith(")"):
        parts = split_parts(answer[1:-1])
        if len(parts) > 1:
            return [part.strip() for part in parts]
    return [answer]


def _numbers(values: dict[str, object], worksheet: Worksheet) -> str:
    lines = []
    for n, (label, value) in enumerate(values.items(), start=1):
        if not isinstance(value, float):
            raise NotExported(f"the value of {label} is not a number a double holds")
        allowed = float(tolerance(worksheet.grading.tolerance, np.asarray(value)))
        lines.append(
            f'<pl-number-input answers-name="value{n}" label="{_attribute(label)} =" correct-answer="{value!r}" '
            f'comparison="relabs" rtol="0" atol="{allowed:.6g}"></pl-number-input>'
        )
    return "\n".join(lines) + "\n"


def _forward(question: ForwardKey, worksheet: Worksheet, matrix_form: bool) -> str:
    return _numbers(dict(question.values), worksheet)


def _backprop(question: BackpropKey, worksheet: Worksheet, matrix_form: bool) -> str:
    return _numbers({f"∂/∂{name}": value for name, value in question.values.items()}, worksheet)


def _blanks(question: BlanksKey, worksheet: Worksheet, matrix_form: bool) -> str:
    raise NotExported("blanks questions have no PrairieLearn element here (grade them with symdiff grade)")


_BODIES: dict[type, Callable[[Any, Worksheet, bool], str]] = {
    ChoiceKey: _choice,
    DeriveKey: _derive,
    ForwardKey: _forward,
    BackpropKey: _backprop,
    BlanksKey: _blanks,
}
"""Kind of answer -> the question's element(s); ``NotExported`` when PrairieLearn cannot express it."""
