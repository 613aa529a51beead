r"""Math for a terminal: a worksheet's LaTeX and symdiff's plain syntax as text that reads as mathematics.

The terminal key cannot typeset, but it need not print source either:
``\frac{\partial f}{\partial \mathbf{b}}`` reads ∂f/∂b, ``\mathbf{A}^\top`` Aᵀ,
``\|\mathbf{Ax}\|^2`` ‖Ax‖², ``x2*b1`` x₂·b₁. Each rewrite is one entry of a
table, applied in order; what no entry knows is left as written, so nothing
is lost, only shown less well. The result is printed, never parsed or run.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ...program.printing import SUBSCRIPTS, SUPERSCRIPTS
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


def _sub(match: re.Match[str]) -> str:
    text = match.group(1)
    return text.translate(SUBSCRIPTS) if text.isdigit() else "_" + text


def _sup(match: re.Match[str]) -> str:
    text = match.group(1)
    if text in ("\\top", "T", "\\mathsf{T}", "\\intercal"):
        return "ᵀ"
    return text.translate(SUPERSCRIPTS) if re.fullmatch(r"-?\d+", text) else "^" + text


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


PLAIN_RULES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"\b([A-Za-z]+?)_?(\d+)\b"), lambda m: m.group(1) + m.group(2).translate(SUBSCRIPTS)),
    (re.compile(r"(?<=\w|\))\.T\b"), "ᵀ"),
    (re.compile(r"\^(\d+)\b"), lambda m: m.group(1).translate(SUPERSCRIPTS)),
    (re.compile(r"(?<![A-Za-z])([A-Za-z][₀-₉]*ᵀ?)\*(?=[A-Za-z][₀-₉]*ᵀ?(?![A-Za-z(₀-₉ᵀ]))"), r"\1"),
    (re.compile(r"(?<![A-Za-z])([A-Za-z][₀-₉]*ᵀ?)\*(?=[A-Za-z][₀-₉]*ᵀ?(?![A-Za-z(₀-₉ᵀ]))"), r"\1"),
    (re.compile(r"(?<=\S)\*(?=\S)"), "·"),
]
"""symdiff's plain syntax -> text: x2 -> x₂, W12 -> W₁₂, A.T -> Aᵀ, b^2 -> b²; a product of one-letter names
side by side (x1*b1 -> x₁b₁, A*x*x.T -> Axxᵀ; twice, as each match takes its right-hand name), others with ·."""


def from_plain(text: str) -> str:
    """Plain syntax (an answer, a step, a reason quoting one) as text that reads as mathematics: x1*b1 -> x₁b₁."""
    for pattern, replacement in PLAIN_RULES:
        text = pattern.sub(replacement, text)  # type: ignore[arg-type]
    return text


_LATEX_TERM = r"\\[A-Za-z]+\{[^{}]*\}(?:\^\\top|\^\{[^{}]*\}|\^[0-9])?"
QUOTED = re.compile(
    rf"(?P<latex>{_LATEX_TERM}(?:\s*[-+]\s*{_LATEX_TERM})*)"
    r"|(?<![\w.])[A-Za-z][A-Za-z0-9]*(?:(?:\*|\^)[A-Za-z0-9]+|\.T\b)*(?![\w(])"
)
"""A formula a reason quotes: an option's LaTeX (``\\mathbf{Ax} - \\mathbf{b}``), or plain syntax with an index,
a product or a transpose (x2*b2, A21, A.T)."""


def _is_formula(token: str) -> bool:
    return bool(re.search(r"[A-Za-z]\d|\*|\.T|\^|\\", token))


LATEX_RULES_PLAIN: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(max|min|exp|log|det)\("), r"\\\1("),
    (re.compile(r"(?<!\\)\b([A-Za-z]{2,})\("), r"\\operatorname{\1}("),
    (re.compile(r"\b([A-Za-z]+?)_?(\d+)\b"), r"\1_{\2}"),
    (re.compile(r"\.T\b"), r"^\\top"),
    (re.compile(r"\^(\w+)"), r"^{\1}"),
    (re.compile(r"(?<=[A-Za-z}])\*(?=[A-Za-z])"), " "),
    (re.compile(r"\*"), r" \\cdot "),
]
"""A quoted formula in LaTeX: x2*b2 -> x_{2} b_{2}, A.T -> A^\\top, 2*x -> 2 \\cdot x."""


def plain_latex(text: str) -> str:
    """A formula in plain syntax written in LaTeX for a reader: max(x1, -x1) - 1 -> \\max(x_{1}, -x_{1}) - 1."""
    for pattern, replacement in LATEX_RULES_PLAIN:
        text = pattern.sub(replacement, text)
    return text


def quoted(reason: str) -> list[tuple[str, str | None]]:
    """A reason split into prose and the formulas it quotes: (text, None) or (text, its LaTeX)."""
    parts: list[tuple[str, str | None]] = []
    at = 0
    for match in QUOTED.finditer(reason):
        if not _is_formula(match.group()):
            continue
        parts.append((reason[at : match.start()], None))
        parts.append((match.group(), match.group() if match["latex"] else plain_latex(match.group())))
        at = match.end()
    parts.append((reason[at:], None))
    return [(text, latex) for text, latex in parts if text]


INDEXED = re.compile(r"\\mathit\{([A-Za-z])(\d+)\}|\\boldsymbol\{\\mathit\{([A-Za-z])(\d+)\}\}")
"""A one-letter name with an index as symdiff's LaTeX printer writes it (``\\mathit{x1}``, so that it reads back
as the name x1 and not x_1)."""


LABEL = re.compile(r"[A-Za-z]+_?\{?\d*\}?")
"""A label that is a name (``z_1``, ``p2``, ``L``), typeset as math; others (``(i)``) are text."""


def subscripted(latex: str) -> str:
    r"""LaTeX for a reader, not for reading back: ``\mathit{x1}`` as ``x_{1}``, ``\boldsymbol{\mathit{W2}}`` as
    ``\boldsymbol{W}_{2}``."""
    return INDEXED.sub(
        lambda m: f"{m[1]}_{{{m[2]}}}" if m[1] else rf"\boldsymbol{{{m[3]}}}_{{{m[4]}}}",
        latex,
    )
