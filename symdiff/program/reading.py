"""Reading a program's text: definitions in plain syntax or LaTeX, checked for order.

A program is ``name = formula`` definitions separated by ``;`` or new lines
(LaTeX also ``\\\\``); a bare formula is a one-line program. Each name is
defined once and before it is used, so the definitions read top to bottom
are already in the order the forward pass computes them.
"""

from __future__ import annotations

from ..errors import ParseError, SymdiffError
from ..model import Syntax, is_latex
from ..parse import ast
from ..parse.latex import parse_latex, parse_latex_program
from ..parse.plain import parse_program

Definitions = tuple[ast.Definition, ...]


def read_program(text: str, syntax: Syntax = "auto", declared: frozenset[str] = frozenset()) -> Definitions | ast.Node:
    """The definitions of ``text`` in order, or the syntax tree of a bare formula."""
    try:
        parsed = _read_latex(text, declared) if is_latex(text, syntax) else parse_program(text)
        if isinstance(parsed, tuple):
            _check_order(parsed, text)
    except SymdiffError as exc:
        raise exc.at(text) from None
    return parsed


def _read_latex(text: str, declared: frozenset[str]) -> Definitions | ast.Node:
    """LaTeX: a bare formula when it reads as one, else definitions (whose errors are the ones to show)."""
    try:
        return parse_latex(text, declared)
    except ParseError as formula_error:
        try:
            return parse_latex_program(text, declared)
        except ParseError as program_error:
            raise program_error if _defines(text) else formula_error from None


def _defines(text: str) -> bool:
    r"""Whether ``text`` has an ``=`` outside braces: a definition, unlike ``\sum_{i=1}^{n} y_i``."""
    depth = 0
    for char in text:
        depth += (char == "{") - (char == "}")
        if char == "=" and depth <= 0:
            return True
    return False


def _check_order(definitions: Definitions, text: str) -> None:
    if not definitions:
        raise ParseError("the program has no definitions", text, (0, len(text)), "write name = formula, e.g. b = A*x")
    defined_at = {d.name: i for i, d in reversed(list(enumerate(definitions)))}
    for index, definition in enumerate(definitions):
        if defined_at[definition.name] != index:
            raise ParseError(
                f"{definition.name} is defined twice", text, definition.name_span, "give each intermediate its own name"
            )
        for node in definition.value.walk():
            if not isinstance(node, ast.Name) or node.id not in defined_at:
                continue
            if node.id == definition.name:
                raise ParseError(
                    f"{node.id} is defined in terms of itself",
                    text,
                    node.span,
                    "a program has no loops; use a new name",
                )
            if defined_at[node.id] > index:
                raise ParseError(
                    f"{node.id} is used before its definition",
                    text,
                    node.span,
                    f"move the definition of {node.id} above this line",
                )
