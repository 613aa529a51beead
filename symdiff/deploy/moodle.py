r"""A worksheet as a Moodle XML quiz: ``multichoice`` with feedback per answer, ``numerical`` with a tolerance.

Moodle's XML format (https://docs.moodle.org/en/Moodle_XML_format): a
``<quiz>`` of ``<question type="...">``, each with ``<name><text>`` and
``<questiontext format="html"><text>``; a ``multichoice`` has ``<single>``
and ``<answer fraction="...">`` elements, each with ``<text>`` and
``<feedback><text>``; a ``numerical`` has ``<answer fraction="100">`` with
``<text>`` (the number) and ``<tolerance>``. Math is in ``\( ... \)`` for
MathJax. The XML is built by ElementTree, so no text can close an element.

- ``choice``: ``multichoice``; several correct options share 100% (Moodle
  accepts 50%, 33.33333%, ... as fractions), each wrong option's reason is its
  feedback;
- ``forward``, ``backprop``: a ``numerical`` question per value, with the
  tolerance ``symdiff grade`` uses;
- ``derive`` and ``blanks``: no Moodle question type checks a formula or a
  filling; they are left out, and the report says so.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import numpy as np

from ..grade.markers import tolerance
from ..worksheet.key import BackpropKey, BlanksKey, ChoiceKey, DeriveKey, ForwardKey, Key
from ..worksheet.schema import Worksheet
from . import html_safe
from .prairielearn import Export, NotExported

SHARES = {1: "100", 2: "50", 3: "33.33333", 4: "25", 5: "20", 6: "16.66667"}
"""Correct options -> each one's fraction: grades Moodle's importer accepts."""


def _text(parent: ET.Element, tag: str, content: str, html: bool = False) -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": "html"} if html else {})
    ET.SubElement(element, "text").text = content
    return element


def _question(quiz: ET.Element, kind: str, name: str, text: str, points: float) -> ET.Element:
    question = ET.SubElement(quiz, "question", {"type": kind})
    _text(question, "name", name)
    _text(question, "questiontext", text, html=True)
    ET.SubElement(question, "defaultgrade").text = f"{points:g}"
    return question


def _choice(quiz: ET.Element, question: ChoiceKey, name: str, text: str, points: float, worksheet: Worksheet) -> int:
    correct = question.correct
    if not correct:
        raise NotExported("no option equals the answer")
    if len(correct) not in SHARES:
        raise NotExported(f"{len(correct)} correct options: more than Moodle's fractions share evenly")
    if any(o.verdict == "undecided" for o in question.options):
        raise NotExported("an option is undecided")
    element = _question(quiz, "multichoice", name, text, points)
    ET.SubElement(element, "single").text = "true" if len(correct) == 1 else "false"
    ET.SubElement(element, "shuffleanswers").text = "0"
    ET.SubElement(element, "answernumbering").text = "123"
    for index, option in enumerate(question.options):
        right = index in correct
        answer = ET.SubElement(
            element, "answer", {"fraction": SHARES[len(correct)] if right else "0", "format": "html"}
        )
        ET.SubElement(answer, "text").text = html_safe.formula(option.text, option.is_latex)
        _text(answer, "feedback", html_safe.text("correct" if right else option.why), html=True)
    return 1


def _numbers(
    quiz: ET.Element, values: dict[str, Any], name: str, text: str, points: float, worksheet: Worksheet
) -> int:
    for label in values:
        if not isinstance(values[label], float):
            raise NotExported(f"the value of {label} is not a number a double holds")
    for label, value in values.items():
        element = _question(
            quiz, "numerical", f"{name} {label}", text + f"<p>{html_safe.text(label)} =</p>", points / len(values)
        )
        answer = ET.SubElement(element, "answer", {"fraction": "100"})
        ET.SubElement(answer, "text").text = repr(value)
        ET.SubElement(
            answer, "tolerance"
        ).text = f"{float(tolerance(worksheet.grading.tolerance, np.asarray(value))):.6g}"
        _text(answer, "feedback", "", html=True)
    return len(values)


def _forward(quiz: ET.Element, question: ForwardKey, *rest: Any) -> int:
    return _numbers(quiz, dict(question.values), *rest)


def _backprop(quiz: ET.Element, question: BackpropKey, *rest: Any) -> int:
    return _numbers(quiz, {f"∂/∂{n}": v for n, v in question.values.items()}, *rest)


def _derive(quiz: ET.Element, question: DeriveKey, *rest: Any) -> int:
    raise NotExported("no Moodle question type checks a typed formula (grade it with symdiff grade)")


def _blanks(quiz: ET.Element, question: BlanksKey, *rest: Any) -> int:
    raise NotExported("no Moodle question type checks a filling of blanks (grade it with symdiff grade)")


_WRITERS: dict[type, Callable[..., int]] = {
    ChoiceKey: _choice,
    DeriveKey: _derive,
    ForwardKey: _forward,
    BackpropKey: _backprop,
    BlanksKey: _blanks,
}
"""Kind of answer -> adds its Moodle question(s) to the quiz and returns how many; ``NotExported`` when none fits."""


def export(worksheet: Worksheet, key: Key) -> Export:
    """The quiz as ``{"quiz.xml": text}`` (the caller names the file) and the report."""
    quiz = ET.Element("quiz")
    category = ET.SubElement(quiz, "question", {"type": "category"})
    _text(category, "category", f"$course$/{worksheet.title}")
    points = {q.id: q.points for g in worksheet.groups for q in g.questions}
    texts = {q.id: q.text for g in worksheet.groups for q in g.questions}
    out = Export()
    for group in key.groups:
        for question in group.questions:
            text = (html_safe.worksheet_text(group.text) + "\n" if group.text else "") + html_safe.worksheet_text(
                texts[question.id]
            )
            name = f"{worksheet.title}: {question.id}"
            try:
                made = _WRITERS[type(question)](quiz, question, name, text, points[question.id], worksheet)
            except NotExported as exc:
                out.report.append(f"{question.id}: not exported: {exc}")
                continue
            kind = "multichoice" if isinstance(question, ChoiceKey) else "numerical"
            out.report.append(f"{question.id}: {made} {kind} question{'s' if made > 1 else ''}")
    ET.indent(quiz)
    out.files["quiz.xml"] = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"
    return out
