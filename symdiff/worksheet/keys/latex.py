r"""The answer key as a standalone LaTeX document (compiles with ``pdflatex -no-shell-escape``).

Worksheet text and options pass through ``tex_safe`` so a worksheet cannot
run commands in the key, and the key compiles whatever the worksheet says;
the answers and the chain rule (``align*``) come from symdiff's own printers,
with a name's Unicode typeset and past ``MATH_LIMIT`` characters a note in
their place (the JSON key has them whole).
"""

from __future__ import annotations

from ...export.latex import reader_name
from ...export.written import written_latex
from ...program.printing import Said, reader_latex
from ..key import BackpropKey, BlanksKey, ChoiceKey, DeriveKey, ForwardKey, GroupKey, Key
from .base import VERDICTS, DocumentKeyPrinter, decimals, fixed, number, too_long
from .readable import LABEL, quoted_latex
from .tex_safe import break_formula, break_lines, escape_text, generated, math, rows, safe_math, worksheet_text

PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{graphicx}
\usepackage[margin=2.5cm]{geometry}
\usepackage{amsmath,amssymb,bm}
\allowdisplaybreaks
\sloppy
\setlength{\emergencystretch}{3em}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6em}
"""


def tabular(header: list[str], rows: list[list[str]]) -> str:
    spec = "l" * len(header)
    lines = [rf"\begin{{tabular}}{{{spec}}}", r"\hline", " & ".join(header) + r" \\", r"\hline"]
    lines += [" & ".join(row) + r" \\" for row in rows]
    lines += [r"\hline", r"\end{tabular}"]
    return "\n".join(lines)


def plain_option(text: str, readable: bool = True) -> str:
    """An option in plain syntax typeset as math, or as the code it is when it does not read as a formula
    (``readable``) or is not safe math."""
    latex = written_latex(text)
    return math(latex) if readable and latex is not None and safe_math(latex) else rf"\texttt{{{escape_text(text)}}}"


def reason(said: Said) -> str:
    """A verdict's reason: prose escaped, the formulas it quotes typeset (x₂b₂ as $x_{2} b_{2}$)."""
    return "".join(prose(part) if isinstance(part, str) else math(reader_latex(part)) for part in said)


def prose(text: str) -> str:
    """A reason's own words escaped, the author's LaTeX it may quote (``readable.QUOTED_LATEX``) typeset."""
    return "".join(math(part) if latex else escape_text(part) for part, latex in quoted_latex(text))


def answer(latex: str) -> str:
    """``Answer: `` and the answer in display style (over lines if long), or the note that it is too long to print."""
    note = too_long(latex)
    if note:
        return f"Answer: {note}."
    lines = break_formula(generated(latex))
    if len(lines) == 1:
        return rf"Answer: $\displaystyle {lines[0]}$"
    return "Answer:\n\\begin{multline*}\n" + " \\\\\n".join(lines) + "\n\\end{multline*}"


def chain_rule(latex: str) -> str:
    """The steps in ``align*``, long rows over lines, or the note that they are too long to print."""
    note = too_long(latex)
    if note:
        return f"Steps: {note}."
    lines = [" \\\\\n & \\quad ".join(break_formula(row)) for row in rows(generated(latex))]
    return "\\begin{align*}\n" + "\\\\".join(lines) + "\n\\end{align*}"


class LatexKeyPrinter(DocumentKeyPrinter):
    def doprint(self, key: Key) -> str:
        return break_lines(super().doprint(key))

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

    _escape = staticmethod(escape_text)
    _chain_rule = staticmethod(chain_rule)

    def _heading(self, question_id: str, text: str) -> str:
        return rf"\textbf{{{escape_text(question_id)}}} {worksheet_text(text)}"

    def _figure(self, question_id: str) -> list[str]:
        if question_id not in self.figures:
            return []
        size = r"width=\linewidth,height=0.3\textheight,keepaspectratio"
        return [f"\\begin{{center}}\n\\includegraphics[{size}]{{{self.figures[question_id]}}}\n\\end{{center}}"]

    def _print_ChoiceKey(self, question: ChoiceKey) -> str:
        items = []
        for option in question.options:
            mark = r"$\checkmark$ \textbf{correct}" if option.equivalent else VERDICTS[option.verdict]
            shown = math(option.text) if option.is_latex else plain_option(option.text, option.verdict != "unreadable")
            items.append(rf"  \item {shown} \quad {mark}: {reason(option.said)}")
        return "\n".join(
            [
                self._heading(question.id, question.text),
                "",
                answer(reader_latex(question.answer_math)),
                *([chain_rule(question.steps_latex)] if question.steps_latex else []),
                r"\begin{enumerate}",
                *items,
                r"\end{enumerate}",
                *([rf"\textbf{{Warning:}} {escape_text(question.warning)}"] if question.warning else []),
            ]
        )

    def _print_DeriveKey(self, question: DeriveKey) -> str:
        return "\n".join(
            [
                self._heading(question.id, question.text),
                "",
                answer(reader_latex(question.answer_math)),
                chain_rule(question.steps_latex),
            ]
        )

    def _print_ForwardKey(self, question: ForwardKey) -> str:
        header = [
            f"${reader_name(label)}$" if LABEL.fullmatch(label) else escape_text(label) for label in question.values
        ]
        return (
            self._heading(question.id, question.text)
            + "\n\n"
            + tabular(header, [[number(v) for v in question.values.values()]])
        )

    def _print_BackpropKey(self, question: BackpropKey) -> str:
        mode = (
            "exact values"
            if question.rounding is None
            else (f"each forward value rounded to {decimals(question.rounding)} before use, as the worksheet does")
        )
        forward = tabular(["node", "value"], [[f"${reader_name(n)}$", number(v)] for n, v in question.forward.items()])
        partials = tabular(
            ["partial", "value", "exact"],
            [
                [rf"$\partial/\partial {reader_name(n)}$", number(question.values[n]), fixed(question.exact[n])]
                for n in question.values
            ],
        )
        return self._backprop(question, escape_text(mode), forward, partials)

    def _print_BlanksKey(self, question: BlanksKey) -> str:
        parts = [
            self._heading(question.id, question.text),
            *self._figure(question.id),
            rf"Template: \texttt{{{escape_text(question.template)}}}",
        ]
        if not question.solutions:
            parts.append(r"\textbf{No valid combination}")
        items = []
        for function, group in zip(question.function_math, question.solutions):
            fillings = "; ".join("(" + ", ".join(plain_option(b) for b in filling) + ")" for filling in group)
            items.append(rf"  \item {math('f = ' + reader_latex(function))}: blanks {fillings}")
        if items:
            parts.append("\\begin{itemize}\n" + "\n".join(items) + "\n\\end{itemize}")
        parts.append(f"{question.tried} combinations tried.")
        return "\n\n".join(parts)
