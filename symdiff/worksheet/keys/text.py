"""The answer key for a terminal: headings, options marked, aligned tables.

Math reads as math (``readable.py``): the worksheet's LaTeX as ∂f/∂b, Aᵀ,
‖Ax‖², answers and steps with subscripts, x₁b₁. Control characters are
dropped (``clean.py``): an ANSI escape sequence in a worksheet never reaches
the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...clean import printable
from ...program.printing import math_name
from ..key import BackpropKey, BlanksKey, ChoiceKey, DeriveKey, ForwardKey, GroupKey, Key
from .base import VERDICTS, KeyPrinter, decimals, fixed, number
from .readable import from_latex, from_plain, worksheet_text


def table(rows: Sequence[Sequence[str]], indent: str = "  ") -> str:
    """Columns padded to their widest cell."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(indent + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)


def reason(why: str) -> str:
    """A verdict's reason: prose quoting plain syntax, or a worksheet's LaTeX an option failed on."""
    return from_plain(from_latex(why) if "\\" in why else why)


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
        lines = [self._heading(question.id, question.text), f"  answer: {from_plain(question.answer)}"]
        if question.steps:
            lines += ["  steps:", *("    " + from_plain(line) for line in question.steps.splitlines())]
        for index, option in enumerate(question.options, start=1):
            mark = "*" if option.equivalent else " "
            verdict = VERDICTS[option.verdict]
            lines.append(f"  {mark} {index}. {(from_latex if option.is_latex else from_plain)(option.text)}")
            lines.append(f"       {verdict}: {reason(option.why)}")
        if question.warning:
            lines.append(f"  warning: {question.warning}")
        return "\n".join(lines)

    def _print_DeriveKey(self, question: DeriveKey) -> str:
        steps = "\n".join("    " + from_plain(line) for line in question.steps.splitlines())
        answer = f"  answer: {from_plain(question.answer)}"
        return "\n".join([self._heading(question.id, question.text), answer, "  steps:", steps])

    def _print_ForwardKey(self, question: ForwardKey) -> str:
        rows = [("", *(math_name(label) for label in question.values))]
        rows.append(("value", *(number(v) for v in question.values.values())))
        return self._heading(question.id, question.text) + "\n" + table(rows)

    def _print_BackpropKey(self, question: BackpropKey) -> str:
        mode = "exact" if question.rounding is None else f"forward values rounded to {decimals(question.rounding)}"
        forward = table([("node", "value"), *((math_name(name), number(v)) for name, v in question.forward.items())])
        partial_rows = [("partial", "value", "exact")]
        partial_rows += [
            (f"∂/∂{math_name(name)}", number(question.values[name]), fixed(question.exact[name]))
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
        for name, steps in question.steps.items():
            lines.append(f"  ∂/∂{math_name(name)}:")
            lines.extend("    " + from_plain(line) for line in steps.splitlines())
        return "\n".join(lines)

    def _print_BlanksKey(self, question: BlanksKey) -> str:
        lines = [self._heading(question.id, question.text), f"  template: {question.template}"]
        if not question.solutions:
            lines.append("  No valid combination")
        for function, group in zip(question.functions, question.solutions):
            lines.append(f"  f = {from_plain(function)}:")
            lines.extend("    blanks " + ", ".join(from_plain(blank) for blank in filling) for filling in group)
        lines.append(f"  ({question.tried} combinations tried)")
        return "\n".join(lines)
