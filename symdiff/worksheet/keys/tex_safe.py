r"""Worksheet text into an answer key's LaTeX: it cannot run commands, and the key always compiles.

A worksheet is someone else's file, and its text goes into a document that
pdflatex compiles: ``\input{/etc/passwd}``, ``\write18{...}``, ``\def`` or
``\catcode`` there would run in the key. So text outside ``$...$`` is
escaped character by character, and a math part is kept only if it reads as
well-formed math made of allow-listed notation: every command on the
allow-list with the arguments it needs, braces, ``\left``/``\right`` and
``\begin``/``\end`` balanced, at most one superscript and one subscript per
atom, ``&`` and ``\\`` only inside a matrix or ``aligned``. Anything else
(``$\left( x$``, ``$x^$``, ``$\frac$``, an empty ``$$``) is shown as escaped
text, dollars included. Unicode becomes LaTeX (Greek letters ``\alpha``,
``×`` ``\times``) or its code point, ``[U+0430]``; control characters are
dropped (``clean.py``); a blank line in a title is a space.
"""

from __future__ import annotations

import re

from ...clean import code_point, one_line, printable
from .base import MATH_LIMIT

ATOMS = frozenset(
    [
        "partial",
        "nabla",
        "top",
        "intercal",
        "cdot",
        "times",
        "div",
        "pm",
        "mp",
        "sigma",
        "alpha",
        "beta",
        "gamma",
        "delta",
        "epsilon",
        "varepsilon",
        "zeta",
        "eta",
        "theta",
        "vartheta",
        "iota",
        "kappa",
        "lambda",
        "mu",
        "nu",
        "xi",
        "pi",
        "rho",
        "tau",
        "upsilon",
        "phi",
        "varphi",
        "chi",
        "psi",
        "omega",
        "Gamma",
        "Delta",
        "Theta",
        "Lambda",
        "Xi",
        "Pi",
        "Sigma",
        "Upsilon",
        "Phi",
        "Psi",
        "Omega",
        "lVert",
        "rVert",
        "lvert",
        "rvert",
        "langle",
        "rangle",
        "geq",
        "leq",
        "ge",
        "le",
        "neq",
        "ne",
        "approx",
        "equiv",
        "in",
        "to",
        "infty",
        "mid",
        "bullet",
        "circ",
        "odot",
        "otimes",
        "prime",
    ]
)
"""Commands without arguments that are one symbol, so they may also be an argument (``x^\\top``, ``\\hat\\theta``)."""
OPERATORS = frozenset(
    [
        "max",
        "min",
        "exp",
        "log",
        "ln",
        "det",
        "sum",
        "prod",
        "tanh",
        "sinh",
        "cosh",
        "sin",
        "cos",
        "tan",
        "ldots",
        "cdots",
        "dots",
        "vdots",
        "ddots",
        "quad",
        "qquad",
    ]
)
"""Commands without arguments that are macros: not an argument without braces (``x^{\\max}``)."""
SYMBOLS = ATOMS | OPERATORS
ONE_ARGUMENT = frozenset(
    [
        "mathbf",
        "boldsymbol",
        "bm",
        "mathrm",
        "mathsf",
        "mathit",
        "mathbb",
        "mathcal",
        "underline",
        "overline",
        "hat",
        "tilde",
        "bar",
        "vec",
        "dot",
        "sqrt",
    ]
)
TWO_ARGUMENTS = frozenset({"frac", "dfrac", "tfrac"})
TEXT_ARGUMENT = frozenset({"text", "operatorname"})
"""Commands whose argument is plain characters (``\\text{(i)}``, ``\\operatorname{relu}``)."""
DELIMITED = frozenset({"big", "Big", "bigl", "bigr", "Bigl", "Bigr"})
MATH_COMMANDS = SYMBOLS | ONE_ARGUMENT | TWO_ARGUMENTS | TEXT_ARGUMENT | DELIMITED | {"left", "right", "begin", "end"}
"""Every command a worksheet's math may use."""
ENVIRONMENTS = frozenset({"bmatrix", "pmatrix", "matrix", "vmatrix", "aligned", "cases"})
SYMBOL_COMMANDS = frozenset(",;:! |{}_&%#$")
"""Characters that may follow a backslash: spacing, ``\\|`` and escaped specials (``\\\\`` only in an environment)."""
ARGUMENT_SYMBOLS = frozenset("|{}_&%#$")
"""Of those, the ones that may be an argument without braces."""
DELIMITERS = frozenset(
    {
        "(",
        ")",
        "[",
        "]",
        ".",
        "|",
        "/",
        r"\|",
        r"\{",
        r"\}",
        r"\langle",
        r"\rangle",
        r"\lVert",
        r"\rVert",
        r"\lvert",
        r"\rvert",
    }
)
TEXT_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?()[]'-+=/<>*|\"@")
"""What ``\\text{...}`` may hold: no specials, no commands."""
MATH_CHARACTERS = frozenset(chr(code) for code in range(32, 127)) - set("#%$\\{}^_&")
"""Characters that are an atom of their own in math."""
MAX_DEPTH = 40
"""Nesting of braces and environments kept as math (TeX allows 255 groups)."""

GREEK = dict(
    zip(
        "αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΥΦΨΩϑϕϵ",
        [
            r"alpha",
            r"beta",
            r"gamma",
            r"delta",
            r"varepsilon",
            r"zeta",
            r"eta",
            r"theta",
            r"iota",
            r"kappa",
            r"lambda",
            r"mu",
            r"nu",
            r"xi",
            r"pi",
            r"rho",
            r"sigma",
            r"tau",
            r"upsilon",
            r"varphi",
            r"chi",
            r"psi",
            r"omega",
            r"Gamma",
            r"Delta",
            r"Theta",
            r"Lambda",
            r"Xi",
            r"Pi",
            r"Sigma",
            r"Upsilon",
            r"Phi",
            r"Psi",
            r"Omega",
            r"vartheta",
            r"phi",
            r"epsilon",
        ],
        strict=True,
    )
)
"""Greek letters that have a command of their own (not omicron or capital Alpha: they look like Latin letters)."""
MATH_UNICODE = {
    **{char: "\\" + name + " " for char, name in GREEK.items()},
    "×": r"\times ",
    "•": r"\bullet ",
    "∂": r"\partial ",
    "≥": r"\geq ",
    "≤": r"\leq ",
    "≠": r"\neq ",
    "−": "-",
    "·": r"\cdot ",
    "‖": r"\| ",
    "≈": r"\approx ",
    "ᵀ": r"^\top ",
    "∇": r"\nabla ",
    "∞": r"\infty ",
    "…": r"\ldots ",
}
"""Unicode in a worksheet's math, as the command it stands for."""

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
    **{char: f"${command.strip()}$" for char, command in MATH_UNICODE.items() if command.startswith("\\")},
    "ᵀ": r"$^\top$",
    "−": "-",
    "–": "--",
    "—": "---",
    "…": r"\ldots{}",
    "“": "``",
    "”": "''",
    "‘": "`",
    "’": "'",
}
"""Characters pdflatex cannot typeset from UTF-8 as they are; others outside ASCII show as their code point."""


def escape_text(text: str) -> str:
    """Plain text on one line, every LaTeX special character escaped and non-ASCII made printable."""
    text = re.sub(" {2,}", " ", one_line(text))
    return "".join(TEXT_ESCAPES.get(char) or UNICODE.get(char) or _char(char) for char in text)


def _char(char: str) -> str:
    return char if char.isascii() else code_point(char)


class _Unsafe(Exception):
    """The math does not read as well-formed, allow-listed notation."""


TOKEN = re.compile(r"\\[A-Za-z]+|\\.|.", re.DOTALL)


class _Reader:
    r"""Reads math token by token as TeX would build it, raising ``_Unsafe`` at the first thing it cannot vouch for."""

    def __init__(self, math: str) -> None:
        self.tokens = TOKEN.findall(math)
        self.at = 0
        self.depth = 0

    def next(self) -> str | None:
        token = self.peek()
        self.at += 1
        return token

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def items(self, stop: str | None, align: bool = False) -> None:
        """Atoms up to the token ``stop`` (consumed; None for the end); ``&`` and ``\\`` only when ``align``."""
        scripts: set[str] = set()
        while (token := self.next()) != stop:
            if token is None:
                raise _Unsafe
            if token in ("^", "_"):
                if token in scripts:
                    raise _Unsafe  # a double superscript or subscript
                scripts.add(token)
                self.argument()
                continue
            if token == "'":
                if "^" in scripts:
                    raise _Unsafe  # x^2' is a double superscript
                continue
            scripts = set()
            if token in ("&", r"\\"):
                if not align or (token == r"\\" and self.peek() in ("[", "*")):
                    raise _Unsafe
            elif token == "{":
                self.nested(lambda: self.items("}"))
            elif token.startswith("\\") and len(token) > 1:
                self.command(token)
            elif token not in MATH_CHARACTERS:
                raise _Unsafe

    def nested(self, read) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Unsafe
        read()
        self.depth -= 1

    def argument(self) -> None:
        """One argument of a command or script: a group, a character or a command without arguments."""
        token = self.next()
        if token == "{":
            self.nested(lambda: self.items("}"))
        elif token is None or not (
            token in MATH_CHARACTERS - {"'"} or token[1:] in ATOMS or (len(token) == 2 and token[1] in ARGUMENT_SYMBOLS)
        ):
            raise _Unsafe

    def command(self, token: str) -> None:
        name = token[1:]
        if name in SYMBOLS or name in SYMBOL_COMMANDS:
            return
        if name in ONE_ARGUMENT:
            if name == "sqrt" and self.peek() == "[":
                self.next()
                self.nested(lambda: self.items("]"))
            self.argument()
        elif name in TWO_ARGUMENTS:
            self.argument()
            self.argument()
        elif name in TEXT_ARGUMENT:
            self.name()
        elif name in DELIMITED:
            self.delimiter()
        elif name == "left":
            self.delimiter()
            self.nested(lambda: self.items(r"\right"))
            self.delimiter()
        elif name == "begin":
            environment = self.name()
            if environment not in ENVIRONMENTS:
                raise _Unsafe
            self.nested(lambda: self.items(r"\end", align=True))
            if self.name() != environment:
                raise _Unsafe
        else:
            raise _Unsafe

    def delimiter(self) -> None:
        if self.next() not in DELIMITERS:
            raise _Unsafe

    def name(self) -> str:
        """A braced argument of plain characters: an environment's name, ``\\text{...}``'s text."""
        if self.next() != "{":
            raise _Unsafe
        chars = []
        while (token := self.next()) != "}":
            if token is None or token not in TEXT_CHARACTERS:
                raise _Unsafe
            chars.append(token)
        return "".join(chars)


def _math_unicode(math: str) -> str:
    return math if math.isascii() else "".join(MATH_UNICODE.get(char, char) for char in math)


def safe_math(math: str) -> bool:
    """Whether ``math`` (Unicode mapped) reads as well-formed, allow-listed math; no ``^^``, ``%`` or ``#``."""
    return checked_math(math) is not None


def checked_math(math: str) -> str | None:
    """``math`` as it goes into the key (Unicode as commands), or None when it is not safe to keep as math."""
    math = re.sub(r"\s+", " ", _math_unicode(math))
    if not math.strip() or not math.isascii() or len(math) > MATH_LIMIT:
        return None
    try:
        _Reader(math).items(None)
    except _Unsafe:
        return None
    return math


def worksheet_text(text: str) -> str:
    """Text with ``$...$`` math: text escaped, math kept where safe, shown escaped where not; blank lines kept."""
    paragraphs = re.split(r"\n[ \t]*\n\s*", printable(text).strip())
    return "\n\n".join(_paragraph(paragraph) for paragraph in paragraphs)


def _paragraph(text: str) -> str:
    parts = text.split("$")
    if len(parts) % 2 == 0:  # an unpaired $: treat it all as text
        return escape_text(text)
    out = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            out.append(escape_text(part))
        else:
            out.append(math(part, dollars=True))
    return "".join(out)


def math(latex: str, dollars: bool = False) -> str:
    """A formula as printed by a worksheet: itself in math mode if safe, else escaped text (with its ``$`` if asked)."""
    checked = checked_math(one_line(latex))
    if checked is not None:
        return f"${checked}$"
    shown = f"${latex}$" if dollars else latex
    return r"\texttt{" + escape_text(shown) + "}"


def generated(latex: str) -> str:
    r"""symdiff's own LaTeX (answers, steps) with a name's Unicode typeset.

    ``\ensuremath{\alpha}`` for a Greek letter, ``\text{[U+0430]}`` for anything else.
    """
    latex = printable(latex)
    if latex.isascii():
        return latex
    return "".join(
        char
        if char.isascii()
        else "{\\ensuremath{\\" + GREEK[char] + "}}"
        if char in GREEK
        else "{\\text{" + code_point(char) + "}}"
        for char in latex
    )


def break_lines(document: str, width: int = 1000) -> str:
    """Lines longer than ``width`` broken between tokens by ``%`` (TeX reads at most 200,000 characters a line).

    A break never falls inside a command name, and a space before a break
    stays on its line (TeX skips spaces that start a line).
    """
    out = []
    for line in document.split("\n"):
        start = 0
        for token in TOKEN.finditer(line):
            if token.end() - start > width and token.start() > start and token.group() != " ":
                out.append(line[start : token.start()] + "%")
                start = token.start()
        out.append(line[start:])
    return "\n".join(out)


def break_formula(latex: str, width: int = 200) -> list[str]:
    r"""symdiff's LaTeX for a formula longer than ``2*width`` characters cut into lines of about ``width``.

    A cut falls before a ``+`` or ``-`` where no brace or environment is open; ``\left``
    groups open there are closed with ``\right.`` at the end of the line and
    reopened with ``\left.`` on the next, so each line is balanced and the
    lines go into ``multline*`` (or rows of ``align*``). In a row of
    ``align*`` a cut falls only after its ``&``.
    """
    if len(latex) <= 2 * width:
        return [latex]
    tokens = TOKEN.findall(latex)
    lines: list[str] = []
    line: list[str] = []
    length = 0
    opened: list[str] = []
    aligned = "&" not in tokens
    last = ""
    for token in tokens:
        if (
            token in ("+", "-")
            and length >= width
            and aligned
            and all(o == r"\left" for o in opened)
            and (last[-1:].isalnum() or last in ("}", ")", "]", "|"))
        ):
            lines.append("".join(line) + r" \right." * len(opened))
            line, length = [r"\left. " * len(opened)], 0
        line.append(token)
        length += len(token)
        if token in ("{", r"\left", r"\begin"):
            opened.append(token)
        elif token in ("}", r"\right", r"\end") and opened:
            opened.pop()
        elif token == "&" and not opened:
            aligned = True
        if token != " ":
            last = token
    lines.append("".join(line))
    return lines


def rows(latex: str) -> list[str]:
    r"""The rows of an ``align*`` body: split at each ``\\`` outside braces and environments."""
    out: list[str] = []
    row: list[str] = []
    depth = 0
    for token in TOKEN.findall(latex):
        if token == r"\\" and depth == 0:
            out.append("".join(row))
            row = []
            continue
        row.append(token)
        depth += (token in ("{", r"\begin")) - (token in ("}", r"\end"))
    out.append("".join(row))
    return out
