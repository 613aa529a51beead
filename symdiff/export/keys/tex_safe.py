r"""Worksheet text into an answer key's LaTeX, without letting it run commands.

A worksheet is someone else's file, and its text goes into a document that
pdflatex compiles: ``\input{/etc/passwd}``, ``\write18{...}``, ``\def`` or
``\catcode`` there would run in the key. So text outside ``$...$`` is
escaped character by character, and a math part is kept only if every
command in it is on an allow-list of math notation (and its braces balance);
otherwise it is shown escaped, as text.
"""

from __future__ import annotations

MATH_COMMANDS = frozenset(
    """frac dfrac tfrac partial nabla mathbf boldsymbol bm mathrm mathsf mathit mathbb mathcal text operatorname
    left right big Big bigl bigr top intercal cdot times div pm mp max min exp log ln sqrt det tr sum prod
    sigma tanh sinh cosh sin cos tan alpha beta gamma delta epsilon varepsilon zeta eta theta lambda mu nu xi pi
    rho tau phi varphi chi psi omega Gamma Delta Theta Lambda Pi Sigma Phi Psi Omega
    lVert rVert lvert rvert langle rangle ldots cdots dots vdots ddots quad qquad underline overline hat tilde
    bar vec dot geq leq ge le neq ne approx equiv in to infty mid begin end bullet circ odot otimes""".split()
)
ENVIRONMENTS = frozenset({"bmatrix", "pmatrix", "matrix", "vmatrix", "aligned", "cases"})
SYMBOL_COMMANDS = frozenset(",;:! |{}_&%#$\\")
"""Characters that may follow a backslash: spacing, ``\\|`` and escaped specials."""

TEXT_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\textasciicircum{}",
    "_": r"\_",
    "%": r"\%",
    "~": r"\textasciitilde{}",
}


UNICODE = {
    "×": r"$\times$", "•": r"$\bullet$", "∂": r"$\partial$", "≥": r"$\geq$", "≤": r"$\leq$",
    "−": "-", "–": "--", "—": "---", "…": r"\ldots{}", "·": r"$\cdot$", "‖": r"$\|$", "≈": r"$\approx$",
    "“": "``", "”": "''", "‘": "`", "’": "'", "ᵀ": r"$^\top$",
}
"""Characters pdflatex cannot typeset from UTF-8 as they are; others outside ASCII show as their code point."""


def escape_text(text: str) -> str:
    """Plain text with every LaTeX special character escaped (and non-ASCII made printable)."""
    return "".join(TEXT_ESCAPES.get(char) or UNICODE.get(char) or _char(char) for char in text)


def _char(char: str) -> str:
    return char if char.isascii() else f"[U+{ord(char):04X}]"


def safe_math(math: str) -> bool:
    """Whether ``math`` uses only allow-listed commands and environments, balanced braces, no ``^^`` or ``%``/``#``."""
    depth = 0
    i = 0
    while i < len(math):
        char = math[i]
        if char in "%#" or math.startswith("^^", i):
            return False
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
        elif char == "\\":
            name, i = _command(math, i + 1)
            if name is None:
                return False
            if name in ("begin", "end") and _environment(math, i) not in ENVIRONMENTS:
                return False
            continue
        i += 1
    return depth == 0


def _command(math: str, start: int) -> tuple[str | None, int]:
    """The command name starting at ``start`` (after the backslash) if allowed, and the index after it."""
    end = start
    while end < len(math) and math[end].isascii() and math[end].isalpha():
        end += 1
    if end > start:
        name = math[start:end]
        return (name if name in MATH_COMMANDS else None), end
    if start < len(math) and math[start] in SYMBOL_COMMANDS:
        return math[start], start + 1
    return None, start


def _environment(math: str, start: int) -> str | None:
    if not math.startswith("{", start):
        return None
    close = math.find("}", start)
    return math[start + 1 : close] if close != -1 else None


def worksheet_text(text: str) -> str:
    """Text with ``$...$`` math: text escaped, math kept where safe, shown escaped where not."""
    parts = text.split("$")
    if len(parts) % 2 == 0:  # an unpaired $: treat it all as text
        return escape_text(text)
    out = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            out.append(escape_text(part))
        elif safe_math(part):
            out.append(f"${part}$")
        else:
            out.append(r"\texttt{" + escape_text(part) + "}")
    return "".join(out)


def math(latex: str) -> str:
    """A formula as printed by a worksheet: itself in math mode if safe, else escaped text."""
    return f"${latex}$" if safe_math(latex) else r"\texttt{" + escape_text(latex) + "}"
