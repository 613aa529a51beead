"""The answer key for a terminal: headings, options marked, aligned tables.

Math reads as math: answers, steps and the formulas a reason quotes are
printed from their expressions by the Unicode printer (``export.unicode``):
x₁b₁, Aᵀ, x ⊙ y; the worksheet's own LaTeX is shown readably (``readable.py``):
∂f/∂b, ‖Ax‖². Control characters are dropped (``clean.py``): an ANSI escape
sequence in a worksheet never reaches the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...clean import printable
from ...export.unicode import unicode_name
from ...export.written import written_unicode
from ...program.printing import Math, Said, to_unicode
from ..key import BackpropKey, BlanksKey, ChoiceKey, DeriveKey, ForwardKey, GroupKey, Key
from .base import VERDICTS, KeyPrinter, decimals, fixed, number
from .readable import from_latex, quoted_latex, worksheet_text


def table(rows: Sequence[Sequence[str]], indent: str = "  ") -> str:
    """Columns padded to their widest cell."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(indent + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)


def written(text: str, is_latex: bool = False) -> str:
    """A formula as the worksheet gives it (an option, a blank's candidate): its LaTeX made readable, or its plain
    syntax typeset from its syntax tree; as written when it does not parse."""
    return from_latex(text) if is_latex else written_unicode(text) or text


def math(formula: Math) -> str:
    """An expression in Unicode."""
    return to_unicode(formula.expr, formula.intermediates)


def reason(said: Said) -> str:
    """A verdict's reason: prose, and the formulas it quotes in Unicode."""
    return "".join(prose(part) if isinstance(part, str) else math(part) for part in said)


def prose(text: str) -> str:
    """A reason's own words, with the author's LaTeX it may quote (``readable.QUOTED_LATEX``) made readable."""
    return "".join(from_latex(part) if latex else part for part, latex in quoted_latex(text))


class TextKeyPrinter(KeyPrinter):
    def doprint(self, key: Key) -> str:
        return printable(super().doprint(key))

    def _print_Key(self, key: Key) -> str:
        title = f"{key.title}: answer key"
        parts = [title + "\n" + "=" * len(title)]
        if key.text:
            parts.append(worksheet_text(key.text))
        parts.extend(self._print(group) for group in key.groups)
        return "\n\n".join(parts) + "\n"

    def _print_GroupKey(self, group: GroupKey) -> str:
        heading = worksheet_text(group.title) or group.id
        parts = [heading + "\n" + "-" * len(heading)]
        if group.text:
            parts.append(worksheet_text(group.text))
        return "\n\n".join([*parts, *(self._print(q) for q in group.questions)])

    def _heading(self, question_id: str, text: str) -> str:
        return f"{question_id}  {worksheet_text(text)}".rstrip()

    def _print_ChoiceKey(self, question: ChoiceKey) -> str:
        lines = [self._heading(question.id, question.text), f"  answer: {math(question.answer_math)}"]
        if question.steps_unicode:
            lines += ["  steps:", *("    " + line for line in question.steps_unicode.splitlines())]
        for index, option in enumerate(question.options, start=1):
            mark = "*" if option.equivalent else " "
            verdict = VERDICTS[option.verdict]
            lines.append(f"  {mark} {index}. {written(option.text, option.is_latex)}")
            lines.append(f"       {verdict}: {reason(option.said)}")
        if question.warning:
            lines.append(f"  warning: {question.warning}")
        return "\n".join(lines)

    def _print_DeriveKey(self, question: DeriveKey) -> str:
        steps = "\n".join("    " + line for line in question.steps_unicode.splitlines())
        answer = f"  answer: {math(question.answer_math)}"
        return "\n".join([self._heading(question.id, question.text), answer, "  steps:", steps])

    def _print_ForwardKey(self, question: ForwardKey) -> str:
        rows = [("", *(unicode_name(label) for label in question.values))]
        rows.append(("value", *(number(v) for v in question.values.values())))
        return self._heading(question.id, question.text) + "\n" + table(rows)

    def _print_BackpropKey(self, question: BackpropKey) -> str:
        mode = "exact" if question.rounding is None else f"forward values rounded to {decimals(question.rounding)}"
        forward = table([("node", "value"), *((unicode_name(name), number(v)) for name, v in question.forward.items())])
        partial_rows = [("partial", "value", "exact")]
        partial_rows += [
            (f"∂/∂{unicode_name(name)}", number(question.values[name]), fixed(question.exact[name]))
            for name in question.values
        ]
        lines = [
            self._heading(question.id, question.text),
            f"  forward ({mode}):",
            forward,
            "  backward:",
            table(partial_rows),
        ]
        if question.kinks:
            lines.append("  at a kink: " + "; ".join(question.kinks))
        for name, steps in question.steps_unicode.items():
            lines.append(f"  ∂/∂{unicode_name(name)}:")
            lines.extend("    " + line for line in steps.splitlines())
        return "\n".join(lines)

    def _print_BlanksKey(self, question: BlanksKey) -> str:
        lines = [self._heading(question.id, question.text), f"  template: {question.template}"]
        if not question.solutions:
            lines.append("  No valid combination")
        for function, group in zip(question.function_math, question.solutions):
            lines.append(f"  f = {math(function)}:")
            lines.extend("    blanks " + ", ".join(written(blank) for blank in filling) for filling in group)
        lines.append(f"  ({question.tried} combinations tried)")
        return "\n".join(lines)
