r"""The worksheet author's LaTeX for a terminal: question text and LaTeX options as text that reads as mathematics.

The terminal key cannot typeset, but it need not print source either:
``\frac{\partial f}{\partial \mathbf{b}}`` reads ∂f/∂b, ``\mathbf{A}^\top`` Aᵀ,
``\|\mathbf{Ax}\|^2`` ‖Ax‖². This is text, not an expression of symdiff's:
the author's prose around the math, macros symdiff does not read, layout
commands; so it is rewritten, not parsed. Each rewrite is one entry of a
table, applied in order; what no entry knows is left as written, so nothing
is lost, only shown less well. The result is printed, never parsed or run.
Expressions of symdiff's own (answers, steps, the formulas of a reason) are
printed from their trees instead (``export.unicode``), and options in plain
syntax from theirs (``export.written``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ...export.unicode import SUB, SUP, script
from .tex_safe import GREEK

_INNER = r"((?:[^{}]|\{[^{}]*\})*)"
_BRACED = r"\{" + _INNER + r"\}"
"""A braced argument, one level of braces inside allowed."""

LETTERS = {name: char for char, name in GREEK.items()} | {"epsilon": "ε", "phi": "φ"}
"""Greek letters by their command's name (``tex_safe.GREEK`` read backwards)."""
SYMBOLS = {
    "cdot": "·", "times": "×", "dots": "…", "ldots": "…", "cdots": "…", "geq": "≥", "ge": "≥", "leq": "≤",
    "le": "≤", "neq": "≠", "bullet": "•", "partial": "∂", "nabla": "∇", "sum": "Σ", "infty": "∞", "in": "∈",
    "top": "ᵀ", "odot": "⊙", "circ": "∘", "quad": " ", "qquad": "  ", ",": " ", ";": " ", "!": "", "|": "‖",
    "max": "max", "min": "min", "exp": "exp", "log": "log", "ln": "ln", "det": "det", "tr": "tr",
}  # fmt: skip
"""Commands that are one character (or word) of text."""
ACCENTS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "dot": "\u0307", "vec": "\u20d7"}
"""Accents as combining characters after what they sit on: ``\\hat{x}`` -> x̂."""


def _sub(match: re.Match[str]) -> str:
    text = match.group(1)
    return (script(text, SUB) if text.isdigit() else None) or "_" + text


def _sup(match: re.Match[str]) -> str:
    text = match.group(1)
    if text in ("\\top", "T", "\\mathsf{T}", "\\intercal"):
        return "ᵀ"
    return (script(text, SUP) if re.fullmatch(r"-?\d+", text) else None) or "^" + text


def _matrix(match: re.Match[str]) -> str:
    rows = [row.strip() for row in match.group(2).split(r"\\")]
    cells = [", ".join(cell.strip() for cell in row.split("&")) for row in rows if row]
    return "[" + "; ".join(cells) + "]"


LATEX_RULES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"\\begin\{([bpv]?matrix)\}(.*?)\\end\{\1\}", re.S), _matrix),
    (re.compile(r"\\frac\{\\partial\s*" + _INNER + r"\}\{\\partial\s*" + _INNER + r"\}"), r"∂\1/∂\2"),
    (re.compile(r"\\frac\{1\}\{2\}"), "½"),
    (re.compile(r"\\frac" + _BRACED + _BRACED), r"(\1)/(\2)"),
    (re.compile(r"\\(?:mathbf|boldsymbol|bm|mathrm|mathit|text|textrm|operatorname|mathsf)" + _BRACED), r"\1"),
    (re.compile(r"\\(?:left|right|big|Big|bigg|Bigg)(?=[\\()\[\].|])"), ""),
    (re.compile(r"\\sqrt" + _BRACED), lambda m: "√" + _bare(m.group(1))),
    (re.compile(r"\\(hat|bar|tilde|dot|vec)\{([^{}]*)\}"), lambda m: m.group(2) + ACCENTS[m.group(1)]),
    (re.compile(r"\^\{([^{}]*)\}"), _sup),
    (re.compile(r"\^(\\top|[0-9T])"), _sup),
    (re.compile(r"\\([A-Za-z]+|[,;!|])"), lambda m: LETTERS.get(m.group(1), SYMBOLS.get(m.group(1), m.group(0)))),
    (re.compile(r"_\{([^{}]*)\}"), _sub),
    (re.compile(r"_([0-9])"), _sub),
    (re.compile(r"\(([^()]+)\)/\(([^()]+)\)"), lambda m: f"{_bare(m.group(1))}/{_bare(m.group(2))}"),
    (re.compile(r"[{}]"), ""),
    (re.compile(r"\s+"), " "),
    (re.compile(r"(?<=[(\[]) | (?=[)\]])"), ""),
]  # fmt: skip
"""LaTeX -> text, in order: environments and fractions first, then fonts, commands, scripts, braces."""


def _bare(text: str) -> str:
    """A numerator or denominator without its brackets when it is one symbol or number."""
    return text if re.fullmatch(r"\S+", text.strip()) else f"({text})"


def from_latex(latex: str) -> str:
    """LaTeX math as text: ``\\frac{\\partial f}{\\partial b_1}`` -> ∂f/∂b₁."""
    text = latex
    for pattern, replacement in LATEX_RULES:
        text = pattern.sub(replacement, text)  # type: ignore[arg-type]
    return text.strip()


MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)


def worksheet_text(text: str) -> str:
    """A worksheet's text with each ``$...$`` part as readable math and the rest as written."""
    return MATH.sub(lambda m: from_latex(m.group(1) or m.group(2)), text)


LABEL = re.compile(r"[A-Za-z]+_?\{?\d*\}?")
"""A label that is a name (``z_1``, ``p2``, ``L``), typeset as math; others (``(i)``) are text."""


_LATEX_TERM = r"\\[A-Za-z]+\{[^{}]*\}(?:\^\\top|\^\{[^{}]*\}|\^[0-9])?"
QUOTED_LATEX = re.compile(rf"{_LATEX_TERM}(?:\s*[-+]\s*{_LATEX_TERM})*")
"""The author's LaTeX quoted in a message about an option: ``cannot multiply 2 \\mathbf{A} (m×n matrix) by
\\mathbf{Ax} - \\mathbf{b}``. Such an option does not type-check, so there is no expression to print, only the
text the author wrote."""


def quoted_latex(prose: str) -> list[tuple[str, bool]]:
    """``prose`` split into its own text (False) and the author's LaTeX it quotes (True)."""
    parts: list[tuple[str, bool]] = []
    at = 0
    for match in QUOTED_LATEX.finditer(prose):
        parts += [(prose[at : match.start()], False), (match.group(), True)]
        at = match.end()
    parts.append((prose[at:], False))
    return [(text, latex) for text, latex in parts if text]
