r"""The answer key as a standalone LaTeX document (compiles with ``pdflatex -no-shell-escape``).

Worksheet text and options pass through ``tex_safe`` so a worksheet cannot
run commands in the key; the answers and the chain rule (``align*``) come from
symdiff's own printers.
"""

from __future__ import annotations

from ...worksheet.key import BackpropKey, BlanksKey, ChoiceKey, DeriveKey, ForwardKey, GroupKey, Key
from .base import VERDICTS, KeyPrinter, decimals, number
from .tex_safe import escape_text, math, worksheet_text

PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage[margin=2.5cm]{geometry}
\usepackage{amsmath,amssymb,bm}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6em}
"""


def tabular(header: list[str], rows: list[list[str]]) -> str:
    spec = "l" * len(header)
    lines = [rf"\begin{{tabular}}{{{spec}}}", r"\hline", " & ".join(header) + r" \\", r"\hline"]
    lines += [" & ".join(row) + r" \\" for row in rows]
    lines += [r"\hline", r"\end{tabular}"]
    return "\n".join(lines)


class LatexKeyPrinter(KeyPrinter):
    def _print_Key(self, key: Key) -> str:
        body = [rf"\section*{{{escape_text(key.title)}: answer key}}"]
        if key.text:
            body.append(worksheet_text(key.text))
        body.extend(self._print(group) for group in key.groups)
        return PREAMBLE + "\\begin{document}\n\n" + "\n\n".join(body) + "\n\n\\end{document}\n"

    def _print_GroupKey(self, group: GroupKey) -> str:
        parts = [rf"\subsection*{{{escape_text(group.title or group.id)}}}"]
        if group.text:
            parts.append(worksheet_text(group.text))
        parts.extend(self._print(question) for question in group.questions)
        return "\n\n".join(parts)

    def _heading(self, question_id: str, text: str) -> str:
        return rf"\textbf{{{escape_text(question_id)}}} {worksheet_text(text)}"

    def _print_ChoiceKey(self, question: ChoiceKey) -> str:
        items = []
        for option in question.options:
            mark = r"$\checkmark$ \textbf{correct}" if option.equivalent else VERDICTS[option.verdict]
            shown = math(option.text) if option.is_latex else rf"\texttt{{{escape_text(option.text)}}}"
            items.append(rf"  \item {shown} \quad {mark}: {escape_text(option.why)}")
        return "\n".join([
            self._heading(question.id, question.text),
            "",
            rf"Answer: $\displaystyle {question.answer_latex}$",
            r"\begin{enumerate}",
            *items,
            r"\end{enumerate}",
            *([rf"\textbf{{Warning:}} {escape_text(question.warning)}"] if question.warning else []),
        ])

    def _print_DeriveKey(self, question: DeriveKey) -> str:
        return "\n".join([
            self._heading(question.id, question.text),
            "",
            rf"Answer: $\displaystyle {question.answer_latex}$",
            r"\begin{align*}",
            question.steps_latex,
            r"\end{align*}",
        ])

    def _print_ForwardKey(self, question: ForwardKey) -> str:
        header = [escape_text(label) for label in question.values]
        return self._heading(question.id, question.text) + "\n\n" + tabular(
            header, [[number(v) for v in question.values.values()]]
        )

    def _print_BackpropKey(self, question: BackpropKey) -> str:
        mode = "exact values" if question.rounding is None else (
            f"each forward value rounded to {decimals(question.rounding)} before use, as the worksheet does"
        )
        forward = tabular(["node", "value"], [[escape_text(n), number(v)] for n, v in question.forward.items()])
        partials = tabular(
            ["partial", "value", "exact"],
            [[rf"$\partial/\partial {escape_text(n)}$", number(question.values[n]), f"{question.exact[n]:.4f}"]
             for n in question.values],
        )
        parts = [self._heading(question.id, question.text), f"Forward pass ({escape_text(mode)}):", forward,
                 "Backward pass:", partials]
        if question.kinks:
            parts.append("At a kink: " + escape_text("; ".join(question.kinks)))
        parts += ["\\begin{align*}\n" + steps + "\n\\end{align*}" for steps in question.steps_latex.values()]
        return "\n\n".join(parts)

    def _print_BlanksKey(self, question: BlanksKey) -> str:
        parts = [self._heading(question.id, question.text), rf"Template: \texttt{{{escape_text(question.template)}}}"]
        if not question.solutions:
            parts.append(r"\textbf{No valid combination}")
        items = []
        for function, group in zip(question.functions, question.solutions):
            fillings = "; ".join("(" + ", ".join(escape_text(b) for b in filling) + ")" for filling in group)
            items.append(rf"  \item \texttt{{f = {escape_text(function)}}}: blanks \texttt{{{fillings}}}")
        if items:
            parts.append("\\begin{itemize}\n" + "\n".join(items) + "\n\\end{itemize}")
        parts.append(f"{question.tried} combinations tried.")
        return "\n\n".join(parts)
