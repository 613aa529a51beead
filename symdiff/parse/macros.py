r"""Document macros: the shorthands a formula was written with, expanded by symdiff's own reader.

Course notes define shorthands (``\newcommand{\x}{\mathbf{x}}``,
``\DeclareMathOperator{\tr}{tr}``) and formulas pasted from them use them.
Definitions at the start of a LaTeX formula, and those given to the reader
(``parse_latex(..., macros=...)``, ``--macro``), are expanded here, as text,
before the grammar reads the result: a body is read by the same grammar as any
formula, so a macro can say nothing a formula could not. Arguments ``#1`` ...
``#9`` are taken as TeX takes them (a braced group or one token). Expansion is
bounded in count and size, so a macro that expands to itself is an error, not
a hang. TeX's own machinery (``\def``, ``\catcode``, ``\csname``) is never
run: those are refused by the reader.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .. import limits
from ..errors import LimitError, ParseError

MAX_EXPANSIONS = 1_000
"""Macro uses expanded in one formula, nested ones included."""
DEFINERS = ("\\newcommand", "\\renewcommand", "\\DeclareMathOperator*", "\\DeclareMathOperator")
COMMAND = re.compile(r"\\[A-Za-z]+")
DEFINITION_HINT = r"write \newcommand{\x}{\mathbf{x}}, or with arguments \newcommand{\inner}[2]{#1^\top #2}"


@dataclass(frozen=True)
class Macro:
    r"""``\newcommand{\name}[arity]{body}``."""

    arity: int
    body: str


def expand_macros(text: str, given: Mapping[str, str] | None = None) -> str:
    r"""``text`` without its leading definitions, every macro (defined there or ``given``) expanded.

    ``given`` maps a command to its body: ``{"\\x": "\\mathbf{x}"}`` (bodies may use ``#1``...).
    """
    macros = {name: Macro(_arity_of(body), body) for name, body in (given or {}).items()}
    for name in macros:
        if not re.fullmatch(r"\\[A-Za-z]+", name):
            raise ParseError(f"macro name {name!r} is not a command", hint=r"name a macro as a command: \x")
    start = 0
    while True:
        position = _skip_space(text, start)
        definer = next((d for d in DEFINERS if text.startswith(d, position)), None)
        if definer is None or (
            definer.endswith("command") and text[position + len(definer) : position + len(definer) + 1].isalpha()
        ):
            break
        start = _definition(text, position, definer, macros)
    if not macros:
        return text
    return _expand(text[start:], macros, text)


def definitions(specs: Iterable[str]) -> str:
    r"""``\x=\mathbf{x}`` (as ``--macro`` takes it) -> ``\newcommand{\x}{\mathbf{x}}``, to go before a formula."""
    found = []
    for spec in specs:
        name, equals, body = spec.partition("=")
        name = name.strip()
        if not equals or not check_macro(name, body):
            raise ParseError(
                f"a macro is \\NAME=BODY with balanced braces, not {spec!r}", hint=r"--macro '\x=\mathbf{x}'"
            )
        arity = _arity_of(body)
        found.append(rf"\newcommand{{{name}}}" + (f"[{arity}]" if arity else "") + f"{{{body}}}")
    return "".join(found)


def check_macro(name: str, body: str) -> bool:
    r"""Whether ``name`` is a command (``\x``) and ``body`` has balanced braces: a macro ``--macro`` and
    worksheets can define."""
    depth = 0
    for char in body:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0 and re.fullmatch(r"\\[A-Za-z]+", name) is not None


def _arity_of(body: str) -> int:
    found = [int(d) for d in re.findall(r"#([1-9])", body)]
    return max(found, default=0)


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _definition(text: str, position: int, definer: str, macros: dict[str, Macro]) -> int:
    r"""Read one ``\newcommand{\x}[n]{body}`` at ``position`` into ``macros``; where it ends."""
    at = position + len(definer)
    name, at = _argument(text, at, (position, at))
    name = name.strip()
    if not re.fullmatch(r"\\[A-Za-z]+", name):
        raise ParseError(f"{definer} needs a command to define", text, (position, at), DEFINITION_HINT)
    arity = 0
    after = _skip_space(text, at)
    if definer.endswith("command") and text.startswith("[", after):
        close = text.find("]", after)
        count = text[after + 1 : close] if close > 0 else ""
        if not (count.isdigit() and 0 <= int(count) <= 9):
            raise ParseError(
                "the number of arguments is 0 to 9", text, (after, max(close + 1, after + 1)), DEFINITION_HINT
            )
        arity, at = int(count), close + 1
    body, end = _argument(text, at, (position, at))
    if definer.startswith("\\DeclareMathOperator"):
        body = rf"\operatorname{{{body.strip()}}}"
    if _arity_of(body) > arity:
        raise ParseError(
            f"the body of {name} uses #{_arity_of(body)} but {name} takes {arity}",
            text,
            (position, end),
            DEFINITION_HINT,
        )
    macros[name] = Macro(arity, body)
    return end


def _argument(text: str, position: int, span: tuple[int, int]) -> tuple[str, int]:
    """One argument as TeX reads it: a braced group (its inside) or one token; and where it ends."""
    position = _skip_space(text, position)
    if position >= len(text):
        raise ParseError("a macro is missing an argument", text, span, DEFINITION_HINT)
    if text[position] == "{":
        depth = 0
        for index in range(position, len(text)):
            depth += {"{": 1, "}": -1}.get(text[index], 0)
            if depth == 0:
                return text[position + 1 : index], index + 1
        raise ParseError("unbalanced brace: '{' is never closed", text, (position, position + 1), "add the '}'")
    command = COMMAND.match(text, position)
    end = command.end() if command else position + 1
    return text[position:end], end


def _substitute(body: str, arguments: list[str]) -> str:
    """The body with ``#k`` replaced by the k-th argument."""
    return re.sub(r"#([1-9])", lambda match: arguments[int(match.group(1)) - 1], body)


def _expand(text: str, macros: Mapping[str, Macro], original: str) -> str:
    """Replace every use of a macro, then read the result again, until none is left or the bounds are reached."""
    expansions = 0
    position = 0
    while True:
        match = next((m for m in COMMAND.finditer(text, position) if m.group() in macros), None)
        if match is None:
            return text
        expansions += 1
        if expansions > MAX_EXPANSIONS:
            raise LimitError(
                f"macros expanded more than {MAX_EXPANSIONS} times",
                original,
                hint=f"does {match.group()} expand to itself?",
            )
        macro = macros[match.group()]
        at, arguments = match.end(), []
        for _ in range(macro.arity):
            argument, at = _argument(text, at, match.span())
            arguments.append(argument)
        body = _substitute(macro.body, arguments)
        # Tokens are substituted as TeX substitutes them: \x^2 with \x = \mathbf{x} is \mathbf{x}^2.
        text = text[: match.start()] + body + text[at:]
        if len(text) > limits.MAX_INPUT_CHARS:
            raise LimitError(
                f"the formula is longer than {limits.MAX_INPUT_CHARS} characters once its macros are expanded",
                original,
                hint="check the macros for one that expands to itself",
            )
        position = match.start()
