"""The answer key in Markdown: math in ``$...$`` as worksheets print it, tables for numbers."""

from __future__ import annotations

from ...worksheet.key import BackpropKey, BlanksKey, ChoiceKey, DeriveKey, ForwardKey, GroupKey, Key
from .base import VERDICTS, KeyPrinter, decimals, number


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def cell(text: str) -> str:
    """Text safe inside a table cell."""
    return text.replace("|", r"\|").replace("\n", " ")


class MarkdownKeyPrinter(KeyPrinter):
    def _print_Key(self, key: Key) -> str:
        parts = [f"# {key.title}: answer key"]
        if key.text:
            parts.append(key.text)
        parts.extend(self._print(group) for group in key.groups)
        return "\n\n".join(parts) + "\n"

    def _print_GroupKey(self, group: GroupKey) -> str:
        parts = [f"## {group.title or group.id}"]
        parts.extend(self._print(question) for question in group.questions)
        return "\n\n".join(parts)

    def _heading(self, question_id: str, text: str) -> str:
        return f"**{question_id}** {text}".rstrip()

    def _print_ChoiceKey(self, question: ChoiceKey) -> str:
        rows = [
            [str(i), f"${cell(o.text)}$" if o.is_latex else f"`{cell(o.text)}`", VERDICTS[o.verdict].replace("correct", "**correct**", 1) if o.equivalent else VERDICTS[o.verdict], cell(o.why)]
            for i, o in enumerate(question.options, start=1)
        ]
        return "\n\n".join([
            self._heading(question.id, question.text),
            f"Answer: $${question.answer_latex}$$",
            table(["option", "as printed", "verdict", "why"], rows),
            *([f"**Warning:** {question.warning}"] if question.warning else []),
        ])

    def _print_DeriveKey(self, question: DeriveKey) -> str:
        return "\n\n".join([
            self._heading(question.id, question.text),
            f"Answer: $${question.answer_latex}$$",
            "$$\\begin{aligned}\n" + question.steps_latex + "\n\\end{aligned}$$",
        ])

    def _print_ForwardKey(self, question: ForwardKey) -> str:
        values = [number(v) for v in question.values.values()]
        return self._heading(question.id, question.text) + "\n\n" + table(list(question.values), [values])

    def _print_BackpropKey(self, question: BackpropKey) -> str:
        mode = "exact values" if question.rounding is None else f"forward values rounded to {decimals(question.rounding)}, as the worksheet does"
        forward = table(["node", "value"], [[name, number(v)] for name, v in question.forward.items()])
        partials = table(
            ["partial", "value", "exact"],
            [[f"∂/∂{name}", number(question.values[name]), f"{question.exact[name]:.4f}"] for name in question.values],
        )
        parts = [self._heading(question.id, question.text), f"Forward pass ({mode}):", forward, "Backward pass:", partials]
        if question.kinks:
            parts.append("At a kink: " + "; ".join(question.kinks))
        parts += ["$$\\begin{aligned}\n" + steps + "\n\\end{aligned}$$" for steps in question.steps_latex.values()]
        return "\n\n".join(parts)

    def _print_BlanksKey(self, question: BlanksKey) -> str:
        parts = [self._heading(question.id, question.text), f"Template: `{question.template}`"]
        if not question.solutions:
            parts.append("**No valid combination**")
        for function, group in zip(question.functions, question.solutions):
            fillings = "; ".join("(" + ", ".join(f"`{b}`" for b in filling) + ")" for filling in group)
            parts.append(f"- `f = {function}`: blanks {fillings}")
        parts.append(f"{question.tried} combinations tried.")
        return "\n\n".join(parts)
