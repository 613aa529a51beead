"""The answer key in Markdown: math in ``$...$`` as worksheets print it, tables for numbers.

Worksheet text goes through ``md_safe``: a key is shown on course websites,
so no HTML or Markdown syntax from a worksheet gets through, and no control
character reaches a terminal.
"""

from __future__ import annotations

from ...clean import printable
from ...export.latex import reader_name
from ...export.written import written_latex
from ...program.printing import Said, reader_latex
from ..key import BackpropKey, BlanksKey, ChoiceKey, DeriveKey, ForwardKey, GroupKey, Key
from .base import VERDICTS, DocumentKeyPrinter, decimals, fixed, number, too_long
from .md_safe import code, escape_text, formula, inline, math, worksheet_text
from .readable import LABEL, quoted_latex
from .tex_safe import safe_math


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def cell(markdown: str) -> str:
    """Markdown safe inside a table cell (a ``|`` even in math or code, where GFM reads ``\\|`` as ``|``)."""
    return markdown.replace(r"\|", "|").replace("|", r"\|")


def plain_option(text: str, readable: bool = True) -> str:
    """An option in plain syntax as math, or as the code span it is when it does not read as a formula
    (``readable``) or is not safe math."""
    latex = written_latex(text)
    return formula(latex) if readable and latex is not None and safe_math(latex) else code(text)


def reason(said: Said) -> str:
    """A verdict's reason: prose escaped, the formulas it quotes as math (x₂b₂ as $x_{2} b_{2}$)."""
    return "".join(prose(part) if isinstance(part, str) else formula(reader_latex(part)) for part in said)


def prose(text: str) -> str:
    """A reason's own words escaped, the author's LaTeX it may quote (``readable.QUOTED_LATEX``) as math."""
    return "".join(formula(part) if latex else inline(part) for part, latex in quoted_latex(text))


def answer(latex: str) -> str:
    """``Answer: `` and the answer in display math, or the note that it is too long to print."""
    note = too_long(latex)
    return f"Answer: {note}." if note else f"Answer: $${math(latex)}$$"


def chain_rule(latex: str) -> str:
    """The steps in ``aligned``, or the note that they are too long to print."""
    note = too_long(latex)
    return f"Steps: {note}." if note else "$$\\begin{aligned}\n" + math(latex) + "\n\\end{aligned}$$"


class MarkdownKeyPrinter(DocumentKeyPrinter):
    def doprint(self, key: Key) -> str:
        return printable(super().doprint(key))

    def _print_Key(self, key: Key) -> str:
        parts = [f"# {escape_text(key.title)}: answer key"]
        if key.text:
            parts.append(worksheet_text(key.text))
        parts.extend(self._print(group) for group in key.groups)
        return "\n\n".join(parts) + "\n"

    def _print_GroupKey(self, group: GroupKey) -> str:
        parts = [f"## {escape_text(group.title or group.id)}"]
        parts.extend(self._print(question) for question in group.questions)
        return "\n\n".join(parts)

    _escape = staticmethod(escape_text)
    _chain_rule = staticmethod(chain_rule)

    def _heading(self, question_id: str, text: str) -> str:
        return f"**{inline(question_id)}** {worksheet_text(text)}".rstrip()

    def _figure(self, question_id: str) -> list[str]:
        if question_id not in self.figures:
            return []
        return [f"![figure for {inline(question_id)}]({self.figures[question_id]})"]

    def _print_ChoiceKey(self, question: ChoiceKey) -> str:
        rows = [
            [
                str(i),
                cell(formula(o.text) if o.is_latex else plain_option(o.text, o.verdict != "unreadable")),
                VERDICTS[o.verdict].replace("correct", "**correct**", 1) if o.equivalent else VERDICTS[o.verdict],
                cell(reason(o.said)),
            ]
            for i, o in enumerate(question.options, start=1)
        ]
        return "\n\n".join(
            [
                self._heading(question.id, question.text),
                answer(reader_latex(question.answer_math)),
                *([chain_rule(question.steps_latex)] if question.steps_latex else []),
                table(["option", "as printed", "verdict", "why"], rows),
                *([f"**Warning:** {question.warning}"] if question.warning else []),
            ]
        )

    def _print_DeriveKey(self, question: DeriveKey) -> str:
        return "\n\n".join(
            [
                self._heading(question.id, question.text),
                answer(reader_latex(question.answer_math)),
                chain_rule(question.steps_latex),
            ]
        )

    def _print_ForwardKey(self, question: ForwardKey) -> str:
        values = [number(v) for v in question.values.values()]
        return (
            self._heading(question.id, question.text)
            + "\n\n"
            + table(
                [
                    cell(f"${reader_name(label)}$" if LABEL.fullmatch(label) else inline(label))
                    for label in question.values
                ],
                [values],
            )
        )

    def _print_BackpropKey(self, question: BackpropKey) -> str:
        mode = (
            "exact values"
            if question.rounding is None
            else f"forward values rounded to {decimals(question.rounding)}, as the worksheet does"
        )
        forward = table(
            ["node", "value"], [[f"${reader_name(name)}$", number(v)] for name, v in question.forward.items()]
        )
        partials = table(
            ["partial", "value", "exact"],
            [
                [
                    rf"$\partial/\partial {reader_name(name)}$",
                    number(question.values[name]),
                    fixed(question.exact[name]),
                ]
                for name in question.values
            ],
        )
        return self._backprop(question, mode, forward, partials)

    def _print_BlanksKey(self, question: BlanksKey) -> str:
        parts = [
            self._heading(question.id, question.text),
            *self._figure(question.id),
            f"Template: {code(question.template)}",
        ]
        if not question.solutions:
            parts.append("**No valid combination**")
        for function, group in zip(question.function_math, question.solutions):
            fillings = "; ".join("(" + ", ".join(plain_option(b) for b in filling) + ")" for filling in group)
            parts.append(f"- {formula('f = ' + reader_latex(function))}: blanks {fillings}")
        parts.append(f"{question.tried} combinations tried.")
        return "\n\n".join(parts)
