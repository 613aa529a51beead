"""The answer key as JSON: a flat list of questions, options with 0-based ``correct`` indices.

Worksheet text is kept whole, but a control or bidirectional character is
written as its ``\\u`` escape, so printing the key to a terminal cannot send
an escape sequence.
"""

from __future__ import annotations

import json
import re

from ...clean import BIDI
from ..key import BackpropKey, BlanksKey, ChoiceKey, DeriveKey, ForwardKey, Key
from .base import KeyPrinter

UNSEEN = re.compile("[\x7f-\x9f" + "".join(sorted(BIDI)) + "]")
"""What ``json.dumps`` leaves raw but a terminal acts on (it escapes the controls below U+0020 itself)."""


class JsonKeyPrinter(KeyPrinter):
    def _print_Key(self, key: Key) -> str:
        questions = [self._record(q) for group in key.groups for q in group.questions]
        text = json.dumps({"title": key.title, "questions": questions}, indent=2, ensure_ascii=False, allow_nan=False)
        return UNSEEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"

    def _record(self, question) -> dict:
        kind = type(question).__name__.removesuffix("Key").lower()
        return {"id": question.id, "kind": kind, "text": question.text, **getattr(self, f"_fields_{kind}")(question)}

    def _fields_choice(self, question: ChoiceKey) -> dict:
        return {
            "answer": question.answer,
            "answer_latex": question.answer_latex,
            "correct": list(question.correct),
            "warning": question.warning,
            **({"steps": question.steps} if question.steps else {}),
            "options": [
                {"text": o.text, "equivalent": o.equivalent, "verdict": o.verdict, "why": o.why}
                for o in question.options
            ],
        }

    def _fields_derive(self, question: DeriveKey) -> dict:
        return {"answer": question.answer, "answer_latex": question.answer_latex, "steps": question.steps}

    def _fields_forward(self, question: ForwardKey) -> dict:
        return {"values": question.values, "nodes": question.nodes}

    def _fields_backprop(self, question: BackpropKey) -> dict:
        return {
            "values": question.values,
            "exact": question.exact,
            "forward": question.forward,
            "rounding": question.rounding,
            "kinks": list(question.kinks),
        }

    def _fields_blanks(self, question: BlanksKey) -> dict:
        return {
            "template": question.template,
            "solutions": [list(filling) for group in question.solutions for filling in group],
            "groups": [
                {"function": f, "fillings": [list(x) for x in g]}
                for f, g in zip(question.functions, question.solutions)
            ],
            "tried": question.tried,
        }
