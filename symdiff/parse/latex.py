r"""Read LaTeX formulas (``\frac{1}{2}\|\mathbf{Ax}\|^2``) into the syntax tree.

Worksheets state their formulas in LaTeX; reading that directly spares people
retyping them, which is where transcription mistakes come in. The grammar is
``latex.lark``, and the tree is the one the plain parser gives for the same
formula, so every later stage is shared: ``\frac{1}{2}\|\mathbf{A}\mathbf{x}\|^2``
and ``1/2*norm(A*x)^2`` are equal trees.

LaTeX leaves much to the reader, and this reader never fills a gap by
guessing: what it cannot read one way only is a ``ParseError`` pointing at it.
The tree shapes it chooses:

* ``\frac{a}{b}``, ``/``, ``\cdot``, ``\times``, ``*`` and juxtaposition are
  one left-associative level, as ``*`` and ``/`` are in plain text; a leading
  minus binds tighter, as in plain: ``-a b`` is ``(-a)*b``.
* Letters are one-letter names (``xy`` is x*y), a subscript joins its name
  (``A_{11}`` is A_11), and a bold run is the product of its letters, a script
  after it belonging to the last letter (``\mathbf{Axx}^\top`` is A*x*x.T).
  Bold and plain letters are the same names; a bold one is marked so
  (``ast.Name.bold``), which shape inference reads as "a vector or matrix".
* ``^\top``, ``^T``, ``^{\mathsf{T}}`` ... are transposes, ``^{-1}`` is
  ``inv``, ``e^{z}`` is ``exp(z)`` unless e is a declared variable.
* A function command takes parenthesized arguments, or without parentheses
  one factor (``\log\det\mathbf{X}``); ``\mathbf{1}^\top v`` is ``sum(v)``;
  ``\sigma`` is always the sigmoid. Whatever follows such an application by
  juxtaposition is refused, as are ``f(x)`` for a letter f (an unknown
  function or a product?), a factor juxtaposed after a divisor (``a/b c``) and a
  number written after a factor (``x_12``).
* ``W^{(1)}`` and ``h_{t-1}`` are names (W__1, h_tm1): a label, a step from one.
* Inside ``\|...\|`` a bare ``\|`` after an operand closes the norm:
  ``\|a\| b \|c\|`` is norm(a)*b*norm(c).
* ``\mathit{lam}`` is one name of several characters; ``A_{10,2}`` is A_10_2.
* ``a \odot b`` is hadamard(a, b); beside other products (``a b \odot c``) it
  is refused, as precedence between them is not settled in print.
* ``\mathbf{I}_n`` is eye(n) unless I is a declared variable; ``\mathbf{1}_n``
  is ones(n) and ``\mathbf{0}_n`` the zero vector; without a subscript their
  size is an ``ast.Size``, which shape inference solves.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import cast

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, VisitError
from lark.lark import PostLex

from .. import limits
from ..errors import LimitError, ParseError, SymdiffError
from ..ops import BY_LATEX, BY_NAME, LATEX_COMMANDS
from . import ast, sums
from .grammar_cache import cached_lark
from .macros import expand_macros
from .plain import check_depth, check_length, literal_value, make_call
from .vocabulary import (
    DECORATIONS,
    GREEK_CAPITALS,
    TRANSPOSE,
    known_words,
    operation,
    unsized_identity,
    unsized_ones,
)

INVERSE = "inverse"
LABEL = "__"
r"""Joins a name and its label: W^{(1)} is the name W__1, a^{[l]}_j is a_j__l (printed back as W^{(1)})."""
INVERSE_TRANSPOSE = "inverse transpose"
PRIME = "prime"
r"""x' and x^\prime: a transpose after a name, a derivative after a function (refused)."""
MATRIX_FUNCTIONS = frozenset({"exp", "log", "sqrt", "sin", "cos"})
r"""Functions that texts apply to a matrix as matrix functions (e^{\mathbf{X}} is the matrix exponential)."""
MATRIX_ENVIRONMENTS = frozenset({"bmatrix", "pmatrix"})
NORM_INDICES = frozenset({"2", "F", "1"})
STEPS = {"-": "m", "+": "p"}
r"""How a name spells the step of a subscript: h_{t-1} is h_tm1, x_{i+1} is x_ip1."""

REFUSED_COMMANDS: dict[str, tuple[str, str]] = {
    "\\otimes": ("the Kronecker product \\otimes is not supported", r"for the entrywise product write \odot"),
    "\\oplus": ("the direct sum \\oplus is not supported", r"write the sum with +"),
    "\\dagger": (
        "the pseudo-inverse is not supported",
        r"for A of full column rank write \left(\mathbf{A}^\top \mathbf{A}\right)^{-1} \mathbf{A}^\top",
    ),
    "\\newcommand": ("a macro is defined at the start of the formula", r"put \newcommand{\x}{\mathbf{x}} first"),
    "\\renewcommand": ("a macro is defined at the start of the formula", r"put \renewcommand{\x}{\mathbf{x}} first"),
    "\\DeclareMathOperator": (
        "an operator is declared at the start of the formula",
        r"put \DeclareMathOperator{\tr}{tr} first",
    ),
    "\\partial": ("\\partial asks for a derivative; symdiff reads the function itself", ""),
    "\\nabla": ("\\nabla asks for a derivative; symdiff reads the function itself", ""),
}
r"""Commands refused by name, with what to write instead."""
for _macro in ("\\def", "\\edef", "\\gdef", "\\let", "\\catcode", "\\csname", "\\expandafter"):
    REFUSED_COMMANDS[_macro] = (
        f"{_macro} is not read",
        r"define shorthands with \newcommand{\x}{\mathbf{x}} at the start of the formula",
    )
DERIVATIVE_HINT = r"give the formula, e.g. \frac{1}{2}\|\mathbf{Ax}\|^2, and ask for its derivative"

HINTS = {
    "|": r"write a norm as \|v\| and an absolute value as \lvert x \rvert",
    "'": r"write a transpose as ^\top",
    "&": r"& separates the entries of a row in \begin{bmatrix} ... \end{bmatrix}",
    "\\\\": r"\\ separates the rows of \begin{bmatrix} ... \end{bmatrix}",
}
"""Hints for characters and tokens that cannot stand where they were found."""
DEFAULT_HINT = "check the braces and operators around it"


class _RefuseCommands(PostLex):
    """Stop at the first command that latex.lark has no place for, naming it."""

    always_accept = ("COMMAND",)

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        for token in stream:
            if token.type == "COMMAND":
                if token[1:] in LATEX_COMMANDS:
                    yield Token.new_borrow_pos("FUNCTION", str(token), token)
                    continue
                raise _command_error(token)
            yield token


class _ProgramLines(_RefuseCommands):
    """Also mark each new line that ends a definition of a program with a ``_NL`` token.

    In LaTeX a new line is only space, and juxtaposition multiplies, so the
    grammar cannot tell where a definition ends; here a new line ends one when
    it stands outside brackets, after an operand and before something that can
    start a definition (not an operator, a closing bracket or a script).
    """

    OPENERS = frozenset({"(", "[", "{", "\\left", "\\begin", "\\lVert", "\\lvert"})
    CLOSERS = frozenset({")", "]", "}", "\\right", "\\end", "\\rVert", "\\rvert"})
    OPERATORS = frozenset(
        {
            "+",
            "-",
            "*",
            "/",
            "=",
            "^",
            "_",
            "&",
            ";",
            "\\\\",
            "\\cdot",
            "\\times",
            "\\div",
            "\\odot",
            "\\circ",
            "\\oslash",
            "$",
            "$$",
            "\\[",
            "\\(",
            "\\]",
            "\\)",
        }
    )

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        depth, previous = 0, None
        for token in super().process(stream):
            if (
                previous is not None
                and depth == 0
                and (token.line or 0) > (previous.end_line or 0)
                and str(previous) not in self.OPERATORS
                and str(token) not in self.OPERATORS | self.CLOSERS
            ):
                yield Token.new_borrow_pos("_NL", "\n", token)
            depth += (str(token) in self.OPENERS) - (str(token) in self.CLOSERS)
            yield token
            previous = token


@lru_cache(maxsize=2)
def _parser(program: bool = False) -> Lark:
    grammar = Path(__file__).with_name("latex.lark").read_text()
    return cached_lark(
        grammar,
        parser="lalr",
        start=["formula", "definition", "program"],
        propagate_positions=True,
        maybe_placeholders=True,
        postlex=_ProgramLines() if program else _RefuseCommands(),
    )


@lru_cache(maxsize=1)
def _keywords() -> frozenset[str]:
    return frozenset(str(t.pattern.value) for t in _parser().terminals if t.pattern.type == "str")


def parse_latex(
    text: str, declared: frozenset[str] | set[str] = frozenset(), macros: Mapping[str, str] | None = None
) -> ast.Node:
    r"""Read one LaTeX formula; raise ``ParseError`` or ``LimitError``.

    ``declared`` holds the names declared as variables; it decides whether
    ``e^{x}`` is ``exp(x)`` or a power of the variable e. ``macros`` maps
    commands to their bodies (``{"\\x": "\\mathbf{x}"}``), as definitions
    at the start of ``text`` (``\newcommand{\x}{\mathbf{x}}``) do.
    """
    return cast(ast.Node, _read_expanded(text, "formula", declared, macros))


def parse_latex_definition(
    text: str, declared: frozenset[str] | set[str] = frozenset(), macros: Mapping[str, str] | None = None
) -> tuple[str, ast.Node]:
    r"""Read ``name = formula`` (``b = \mathbf{Ax}``) into the name and the formula's tree."""
    return cast(tuple[str, ast.Node], _read_expanded(text, "definition", declared, macros))


def parse_latex_program(
    text: str, declared: frozenset[str] | set[str] = frozenset(), macros: Mapping[str, str] | None = None
) -> tuple[ast.Definition, ...]:
    r"""Read definitions separated by ``;``, ``\\`` or new lines (``b = \mathbf{Ax} \\ f = \frac{1}{2}\|b\|^2``)."""
    return cast(tuple[ast.Definition, ...], _read_expanded(text, "program", declared, macros))


def _read_expanded(
    text: str, start: str, declared: frozenset[str] | set[str], macros: Mapping[str, str] | None
) -> ast.Node | tuple[str, ast.Node]:
    """``_read`` after expanding macros; an error in the expansion is shown in it, and says so."""
    _check_length(text)
    expanded = expand_macros(text, macros)
    if expanded == text:
        return _read(text, start, declared)
    try:
        return _read(expanded, start, declared)
    except SymdiffError as exc:
        exc.hint = f"{exc.hint or DEFAULT_HINT} (shown with its macros expanded)"
        raise


def _check_length(text: str) -> None:
    try:
        check_length(text)
    except ParseError as exc:
        exc.hint = r"write a formula such as \frac{1}{2}\|\mathbf{Ax}\|^2"
        raise


def _read(text: str, start: str, declared: frozenset[str] | set[str]) -> ast.Node | tuple[str, ast.Node]:
    _check_length(text)
    try:
        tree = _parser(start == "program").parse(text, start=start)
    except UnexpectedInput as exc:
        raise _syntax_error(text, exc, start) from None
    except SymdiffError as exc:
        raise exc.at(text) from None
    check_depth(tree, text)
    builder = _ToAst(text, frozenset(declared))
    try:
        result = builder.transform(tree)
    except VisitError as exc:
        if not isinstance(exc.orig_exc, SymdiffError):
            raise
        builder.refused.append(exc.orig_exc)
    if builder.refused:
        raise min(builder.refused, key=lambda error: error.span or (0, 0)).at(text)
    result = sums.resolve_read(result, text)
    for tree in result if start == "program" else [result[1] if start == "definition" else result]:
        _check_nesting(tree, text)
    return result


def _check_nesting(tree: ast.Node, text: str) -> None:
    """Long products are flat in the LaTeX parse tree but deep in the syntax tree; limit both."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limits.MAX_DEPTH:
            raise LimitError(
                f"formula is nested more than {limits.MAX_DEPTH} levels deep",
                text,
                node.span,
                "simplify the formula or split it into named parts",
            )
        stack.extend((child, depth + 1) for child in node.children())


def _command_error(token: Token) -> ParseError:
    span = _token_span(token)
    if token in REFUSED_COMMANDS:
        message, hint = REFUSED_COMMANDS[str(token)]
        return ParseError(message, span=span, hint=hint or DERIVATIVE_HINT)
    if token in _keywords():
        return ParseError(f"{token} cannot stand here", span=span, hint=DEFAULT_HINT)
    commands = sorted(_keywords() | {"\\" + name for name in LATEX_COMMANDS})
    close = difflib.get_close_matches(str(token), [c for c in commands if c[1:].isalpha()], n=1, cutoff=0.7)
    return ParseError(
        f"unknown LaTeX command {token}",
        span=span,
        hint=f"did you mean {close[0]}?"
        if close
        else r"symdiff reads the commands of formulas: \frac, \mathbf, \|...\|, ^\top, \cdot, \log, ... (see README)",
    )


def _syntax_error(text: str, exc: UnexpectedInput, start: str) -> ParseError:
    if isinstance(exc, UnexpectedCharacters):
        position = exc.pos_in_stream or 0
        char = text[position]
        span = (position, position + 1)
        return ParseError(f"unexpected character {char!r}", text, span, HINTS.get(char, DEFAULT_HINT))
    token: Token | None = getattr(exc, "token", None)
    if token is None or token.type == "$END":
        unclosed = _unclosed_brace(text)
        if unclosed is not None:
            return ParseError("unbalanced brace: '{' is never closed", text, (unclosed, unclosed + 1), "add the '}'")
        if start in ("definition", "program") and "EQUAL" in getattr(exc, "expected", ()):
            hint = r"write name = formula, e.g. b = \mathbf{Ax}"
            return ParseError("a definition needs '='", text, (0, len(text)), hint)
        end = len(text.rstrip())
        return ParseError("formula ends too early", text, (end, end + 1), "an operand or a closing bracket is missing")
    span = _token_span(token)
    if token.type == "EQUAL":
        if start == "program":
            return ParseError("a definition has one '='", text, span, r"end each definition with a new line, ';' or \\")
        if start == "definition":
            return ParseError("a definition has one '='", text, span, "split a chain a = b = c into separate formulas")
        return ParseError(
            "a definition 'name = ...' is not a formula", text, span, "give the formula alone, without 'name ='"
        )
    if text[: span[0]].rstrip().endswith("\\mathit{"):
        return ParseError(
            f"unexpected '{token}' in \\mathit{{...}}",
            text,
            span,
            r"\mathit{...} holds one name: a letter, then letters and digits",
        )
    if str(token) in "+-" and re.search(r"_\{[A-Za-z0-9,]*$", text[: span[0]]):
        return ParseError(
            f"a subscript with '{token}' here is not read",
            text,
            span,
            r"a subscript is an index (x_{1}, A_{1,2}), a label (x_{t}) or a step from one (h_{t-1})",
        )
    if token.type in ("NUMBER", "DIGIT"):
        return ParseError(
            f"number {token} written after a factor",
            text,
            span,
            r"write a product with \cdot, and a subscript of several digits in braces: x_{12}",
        )
    if token.type == "RBRACE":
        return ParseError("unbalanced brace: '}' closes nothing", text, span, "remove it or add the '{' it closes")
    if text[: span[0]].rstrip().endswith("\\sigma"):
        return ParseError(
            f"unexpected '{token}' after \\sigma", text, span, r"\sigma is the sigmoid function: write \sigma(z)"
        )
    return ParseError(f"unexpected '{token}'", text, span, HINTS.get(str(token), DEFAULT_HINT))


def _unclosed_brace(text: str) -> int | None:
    """Where the last '{' that is never closed stands, to point at it."""
    opened: list[int] = []
    for index, char in enumerate(text):
        if char == "{":
            opened.append(index)
        elif char == "}" and opened:
            opened.pop()
    return opened[-1] if opened else None


def _span(meta: object) -> tuple[int, int]:
    return (meta.start_pos, meta.end_pos)  # type: ignore[attr-defined]


def _token_span(token: Token) -> tuple[int, int]:
    return (token.start_pos or 0, token.end_pos or 0)


def _letter(token: Token | ast.Name) -> ast.Name:
    return token if isinstance(token, ast.Name) else ast.Name(str(token), span=_token_span(token))


def _group_end(text: str, group: ast.Node) -> int:
    """Where the parentheses around ``group`` close, for the span of a call."""
    closing = min((i for i in (text.find(")", group.span[1]), text.find("]", group.span[1])) if i >= 0), default=-1)
    return closing + 1 if closing >= 0 else group.span[1]


def _written_as_matrix(node: ast.Node) -> bool:
    r"""Whether typography alone says ``node`` is a matrix: \mathbf{X}, X, \Sigma, and their products,
    transposes and inverses (the rule of README, "Shapes when none are declared")."""
    if isinstance(node, ast.Name):
        stem = node.id.split("_")[0]
        letters = stem.rstrip("0123456789")
        greek = letters in GREEK_CAPITALS  # \Sigma, as the shape rules read it
        return stem[:1].isupper() and (node.bold or len(letters) == 1 or greek)
    if isinstance(node, ast.Transpose):
        return _written_as_matrix(node.operand)
    if isinstance(node, ast.Call) and node.func == "inv":
        return _written_as_matrix(node.args[0])
    if isinstance(node, ast.Call) and node.func == "hadamard":
        return all(_written_as_matrix(arg) for arg in node.args)
    if isinstance(node, ast.Binary) and node.op in ("*", "@", "+", "-"):
        return _written_as_matrix(node.left) and _written_as_matrix(node.right)
    return False


def _unsized_identity(node: ast.Node) -> bool:
    r"""Whether ``node`` is the identity of a size left to inference, \mathbf{I} (a subscript gives it one)."""
    return isinstance(node, ast.Call) and node.func == "eye" and isinstance(node.args[0], ast.Size)


def _written_as_vector(node: ast.Node) -> bool:
    r"""Whether typography alone says ``node`` is a vector: a bold lower-case name (\mathbf{v}), and sums and
    differences of them (\mathbf{a} - \mathbf{b})."""
    if isinstance(node, ast.Binary) and node.op in ("+", "-"):
        return _written_as_vector(node.left) and _written_as_vector(node.right)
    if isinstance(node, ast.Neg):
        return _written_as_vector(node.operand)
    return isinstance(node, ast.Name) and node.bold and node.id[:1].islower()


def usage(function: str) -> str:
    """How LaTeX writes a function of the vocabulary: ``\\max(a, b)``, ``\\|v\\|``."""
    return r"X^\top" if function == TRANSPOSE else BY_NAME[function].usage


def _call(name: str, arguments: tuple[ast.Node, ...], span: tuple[int, int], name_span: tuple[int, int]) -> ast.Node:
    """``make_call`` with hints in LaTeX: the shared one advises plain syntax."""
    op = BY_LATEX.get(name)
    try:
        return make_call(op.name if op else name, arguments, span, name_span)
    except ParseError as exc:
        if op is not None or name == TRANSPOSE:
            exc.hint = f"write {usage(op.name if op else name)}"
        else:
            close = difflib.get_close_matches(name, sorted(known_words() - {"Tr"}), n=1, cutoff=0.6)
            function = BY_NAME[close[0]].name if close and close[0] in BY_NAME else None
            exc.hint = (
                f"did you mean {function}, written {usage(function)}?"
                if function
                else r"symdiff knows \exp, \log, \sqrt, \sigma, \max, \det, \operatorname{relu}, \operatorname{tr}, ..."
                r" (see README)"
            )
        raise


@dataclass(frozen=True)
class _ValueIndex:
    r"""The subscript of ``s_{y_i}``, ``S_{i, y_i}``: index letters and labels (names), in order."""

    parts: tuple[str | ast.Name, ...]


@dataclass(frozen=True)
class _Label:
    r"""The label of ``W^{(1)}``: part of the name (W__1), never a power."""

    text: str
    span: tuple[int, int]


_SCRIPTED = {ast.Binary: "left", ast.Transpose: "operand"}
"""Where a script node holds what it scripts (a power's base, a transpose's operand)."""
_PRODUCTS = {"\\cdot": "*", "\\times": "*"}
"""Operators of a product, by how they were written -> the tree's operator."""


@dataclass(frozen=True)
class _Odot:
    """The operator \\odot in a product, with its place for a caret."""

    span: tuple[int, int]


@dataclass(frozen=True)
class _Factor:
    r"""One factor of a product, with what the product must know about how it was written.

    ``nodes`` holds one node per letter of a bold run (``\mathbf{Ax}`` is A, x,
    so it multiplies into the product exactly as ``A x`` would), else one node.
    ``kind`` is "name" for x, x_1, \lambda (a group after it would apply an
    unknown function), "group" for (...) and [...], "prefix" for a function
    applied without parentheses (nothing may be juxtaposed after it), "norm",
    "bold" or "other".
    """

    nodes: tuple[ast.Node, ...]
    kind: str


@v_args(meta=True)
class _ToAst(Transformer):
    """One method per grammar rule: Lark parse tree -> ``symdiff.parse.ast``."""

    def __init__(self, text: str, declared: frozenset[str]) -> None:
        super().__init__()
        self.text = text
        self.declared = declared
        self.parenthesized: list[ast.Node] = []
        """The nodes written alone in parentheses, to tell ^{(1)} from ^{1}."""
        self.refused: list[SymdiffError] = []
        """Ambiguous products found so far. They are collected, not raised, so that
        the leftmost is reported: the transformer works from the inside out."""

    def _source(self, node: ast.Node) -> str:
        start, end = node.span  # type: ignore[attr-defined]
        return self.text[start:end]

    def formula(self, meta, children):
        return children[0]

    def definition(self, meta, children):
        target, value = children
        if not isinstance(target, ast.Name):
            raise ParseError(
                "the left side of a definition must be a name",
                span=target.span,
                hint=r"write name = formula, e.g. b = \mathbf{Ax}",
            )
        return target.id, value

    def equation(self, meta, children):
        name, value = self.definition(meta, children)
        return ast.Definition(name, value, span=_span(meta), name_span=children[0].span)

    def program(self, meta, children):
        return tuple(children)

    def add(self, meta, children):
        return ast.Binary("+", *children, span=_span(meta))

    def sub(self, meta, children):
        return ast.Binary("-", *children, span=_span(meta))

    def times(self, meta, children):
        return str(children[0])

    def divide(self, meta, children):
        return "/"

    def odot(self, meta, children):
        return _Odot(_token_span(children[0]))

    def product(self, meta, children):
        children = self._ones_sandwich(self._function_words(children))
        if any(isinstance(child, _Odot) for child in children):
            return self._hadamard(children)
        result: ast.Node | None = None
        previous: _Factor | None = None
        operator: str | None = None
        divided = False
        for child in children:
            if isinstance(child, str):
                operator = child
                continue
            if operator is None and previous is not None:
                self._check_juxtaposition(previous, child, divided)
            divided = operator == "/"
            if divided and len(child.nodes) > 1:
                self.refused.append(self._ambiguous(child.nodes[1], "in the denominator"))
            for node in child.nodes:
                if result is None:
                    result = node
                elif (
                    operator in ("\\cdot", "\\times")
                    and _written_as_vector(previous.nodes[-1])
                    and _written_as_vector(node)
                ):
                    result = self._vector_product(result, previous.nodes[-1], node, operator)
                else:
                    result = ast.Binary(
                        _PRODUCTS.get(operator, operator or "*"), result, node, span=(result.span[0], node.span[1])
                    )
                operator = None
            previous = child
        return result

    def _vector_product(self, result: ast.Node, left: ast.Node, right: ast.Node, operator: str) -> ast.Node:
        r"""``\mathbf{w} \cdot \mathbf{x}`` is the dot product; ``\times`` between vectors (cross) is refused."""
        span = (left.span[0], right.span[1])
        if operator == "\\times":
            raise ParseError(
                r"\times between two vectors (a cross product) is not read",
                span=span,
                hint=r"for the dot product write \mathbf{a}^\top \mathbf{b} or \mathbf{a} \cdot \mathbf{b}",
            )
        dot = ast.Call("dot", (left, right), span=span)
        if isinstance(result, ast.Binary) and result.right is left and isinstance(result.left, ast.Number):
            return replace(result, right=dot, span=(result.span[0], span[1]))  # 2 a \cdot b
        if result is not left:
            raise ParseError(
                r"ambiguous: \cdot of two vectors inside a longer product",
                span=span,
                hint=r"put the dot product in parentheses: \left(\mathbf{a} \cdot \mathbf{b}\right)",
            )
        return dot

    def _hadamard(self, children: list) -> ast.Node:
        """``a \\odot b \\odot c``: single factors joined by \\odot and nothing else."""
        odots = [child for child in children if isinstance(child, _Odot)]
        alternating = all(isinstance(child, _Odot) == (i % 2 == 1) for i, child in enumerate(children))
        if not alternating or any(len(factor.nodes) > 1 for factor in children[::2]):
            self.refused.append(
                ParseError(
                    r"ambiguous: \odot beside another product",
                    span=odots[0].span,
                    hint=r"put each operand of \odot in parentheses: "
                    r"\left(\mathbf{A}\mathbf{x}\right) \odot \mathbf{b}",
                )
            )
            return children[0].nodes[0]
        result = children[0].nodes[0]
        for factor in children[2::2]:
            node = factor.nodes[-1]
            result = ast.Call("hadamard", (result, node), span=(result.span[0], node.span[1]))
        return result

    def _function_words(self, children: list) -> list:
        r"""``sin(x)``, ``ln(x^2)``, ``max(0, z)``: letters written together that spell a function, before
        parentheses, are that function (as pasted from Markdown notes), never a product of letters."""
        result: list = []
        for child in children:
            result.append(child)
            if not (isinstance(child, _Factor) and child.kind == "group"):
                continue
            run: list[ast.Name] = []
            for factor in reversed(result[:-1]):
                if not (isinstance(factor, _Factor) and factor.kind == "name" and len(factor.nodes) == 1):
                    break
                letter = factor.nodes[0]
                end = run[0].span[0] if run else child.nodes[0].span[0]
                if not (isinstance(letter, ast.Name) and len(self._source(letter)) == 1) or (
                    run and letter.span[1] != end
                ):
                    break
                run.insert(0, letter)
            word = "".join(letter.id for letter in run)
            if len(run) < 2 or operation(word) is None:
                continue
            group, scripts = self._unscripted(child.nodes[0])
            arguments = group.items if isinstance(group, ast.Tuple) else (group,)
            start = run[0].span[0]
            call = _call(word, arguments, (start, _group_end(self.text, group)), (start, run[-1].span[1]))
            for script in scripts:  # sin(x)^2: the power of the value
                call = replace(script, span=(start, script.span[1]), **{_SCRIPTED[type(script)]: call})
            result[-len(run) - 1 :] = [_Factor((call,), "other")]
        self._spelled_without_parentheses(result)
        return result

    def _unscripted(self, node: ast.Node) -> tuple[ast.Node, list[ast.Node]]:
        """The parenthesized node inside ``(...)^2``, ``(...)^\\top``, and the scripts around it, innermost first."""
        scripts: list[ast.Node] = []
        while not (isinstance(node, ast.Tuple) or any(node is group for group in self.parenthesized)):
            if not isinstance(node, ast.Binary | ast.Transpose | ast.Call):
                break
            scripts.insert(0, node)
            node = (
                node.left
                if isinstance(node, ast.Binary)
                else node.operand
                if isinstance(node, ast.Transpose)
                else node.args[0]
            )
        return node, scripts

    def _ones_sandwich(self, children: list) -> list:
        r"""``\mathbf{1}^\top \mathbf{X} \mathbf{1}`` of a matrix written as one is sum(X); a lone one is refused."""
        result: list = []
        for child in children:
            if not (isinstance(child, _Factor) and child.kind == "ones"):
                result.append(child)
                continue
            before = result[-1] if result else None
            summed = before.nodes[0] if isinstance(before, _Factor) and before.kind == "prefix" else None
            if not (isinstance(summed, ast.Call) and summed.func == "sum" and _written_as_matrix(summed.args[0])):
                result.append(replace(child, kind="other"))  # the ones vector
                continue
            result[-1] = _Factor((replace(summed, span=(summed.span[0], child.nodes[0].span[1])),), "other")
        return result

    def _spelled_without_parentheses(self, children: list) -> None:
        """Refuse ``sin x`` typed without a backslash: the function, or the product s i n x?"""
        run: list[ast.Node] = []
        for child in [*children, None]:
            letter = child.nodes[0] if isinstance(child, _Factor) and child.kind == "name" else None
            adjacent = not run or (letter is not None and run[-1].span[1] == letter.span[0])
            if letter is not None and len(self._source(letter)) == 1 and adjacent:
                run.append(letter)
                continue
            word = "".join(self._source(node) for node in run)
            op = operation(word) if len(run) > 1 else None
            if op is not None:
                self.refused.append(
                    ParseError(
                        f"{word} without a backslash: the function {word}, or a product of letters?",
                        span=(run[0].span[0], run[-1].span[1]),
                        hint=rf"write the function as {usage(op.name)}, a product as {' '.join(word)}",
                    )
                )
            run = [letter] if letter is not None and len(self._source(letter)) == 1 else []

    def _check_juxtaposition(self, previous: _Factor, factor: _Factor, divided: bool) -> None:
        """Refuse f(x) for a letter f, and anything juxtaposed after \\log x or a divisor."""
        if previous.kind == "sigma" and factor.kind == "group":
            self.refused.append(
                ParseError(
                    r"ambiguous: the variable \sigma, scripted, times (...), or the sigmoid?",
                    span=previous.nodes[-1].span,
                    hint=r"write the sigmoid squared as \sigma(z)^2, a product as \sigma^2 \cdot (...)",
                )
            )
        elif previous.kind == "primed" and factor.kind == "group":
            self.refused.append(self._derivative(previous.nodes[-1].span))
        elif previous.kind == "name" and factor.kind == "group" and not self._spaced_matrix(previous, factor):
            name = previous.nodes[-1]
            while isinstance(name, ast.Neg):
                name = name.operand
            written = self._source(name)
            self.refused.append(
                ParseError(
                    f"{written}(...) applies an unknown function {written}",
                    span=name.span,
                    hint=rf"symdiff knows only its own functions (\exp, \log, ...); a product is {written} \cdot (...)",
                )
            )
        elif divided:
            self.refused.append(self._ambiguous(factor.nodes[0], "in the denominator"))
        elif previous.kind == "prefix":
            self.refused.append(self._ambiguous(factor.nodes[0], f"part of {self._source(previous.nodes[-1])}"))

    def _spaced_matrix(self, previous: _Factor, factor: _Factor) -> bool:
        r"""``C (a - b)``: a capital letter (a matrix by the shape rules), a space: a product; ``C(a)`` is refused."""
        name = previous.nodes[-1]
        written = self._source(name)
        gap = self.text[name.span[1] : factor.nodes[0].span[0]]
        return len(written) == 1 and written.isupper() and gap[:1].isspace()

    def _ambiguous(self, node: ast.Node, question: str) -> ParseError:
        return ParseError(
            f"ambiguous: is {self._source(node)} {question}?",
            span=node.span,
            hint=r"group with braces or parentheses, as in \frac{a}{b c} or \log(x y), or write \cdot",
        )

    # --- index sums (parse/sums.py) -----------------------------------------
    def summation(self, meta, children):
        (indices, bound, product, skip), body = children
        return _Factor((sums.skipping(sums.nested(indices, bound, body, product, _span(meta)), skip),), "other")

    def negated_summation(self, meta, children):
        factor = self.summation(meta, children)
        return _Factor((ast.Neg(factor.nodes[0], span=_span(meta)),), "other")

    def function_summation(self, meta, children):
        r"""``\log\sum_j e^{z_j}``: the function of the whole sum, whose summand runs to the next + or -."""
        (name, name_span), power, *summed = children
        summation = self.summation(meta, summed).nodes[0]
        node = self._entrywise(_call(name, (summation,), _span(meta), name_span), name_span)
        return _Factor((self._powered(node, [power], name_span),), "other")

    def negated_function_summation(self, meta, children):
        factor = self.function_summation(meta, children)
        return _Factor((ast.Neg(factor.nodes[0], span=_span(meta)),), "other")

    def big_operator(self, meta, children):
        op, lower, upper = children
        indices, start, skip = lower if lower is not None else ((), None, None)
        if not indices:
            raise ParseError(
                f"{op} without its index", span=_span(meta), hint=rf"write {op}_{{i=1}}^{{n}} with the index below"
            )
        return indices, sums.latex_bound(start, upper, _span(meta)), op == "\\prod", skip

    def big_op(self, meta, children):
        return str(children[0])

    def sum_indices(self, meta, children):
        return tuple(str(letter) for letter in children), None, None

    def sum_from(self, meta, children):
        letter, start = children
        return (str(letter),), Fraction(str(start)), None

    def sum_skip(self, meta, children):
        r"""``\sum_{j \neq y_i}``: the sum over j but the value of the label y_i."""
        letter, label = children
        return (str(letter),), None, label

    def value_index(self, meta, children):
        r"""``s_{y_i}``, ``S_{i, y_i}``: the entry at the value of a label, its slots for ``sums.resolve``."""
        return _ValueIndex(tuple(children)), _span(meta)

    def label(self, meta, children):
        letter, index = children
        return ast.Name(f"{letter}_{index}", span=_span(meta))

    def sum_upper(self, meta, children):
        (bound,) = children
        if isinstance(bound, Token):
            return ast.Number(Fraction(str(bound)), span=_token_span(bound)) if bound.isdigit() else _letter(bound)
        return bound

    def _operand(self, factor: _Factor) -> ast.Node:
        if len(factor.nodes) > 1:
            raise self._ambiguous(factor.nodes[1], "part of the argument")
        return factor.nodes[0]

    def neg(self, meta, children):
        (factor,) = children
        first = factor.nodes[0]
        return replace(factor, nodes=(ast.Neg(first, span=(meta.start_pos, first.span[1])), *factor.nodes[1:]))

    def pos(self, meta, children):
        return children[0]

    def scripted(self, meta, children):
        factor, (subscript, superscript) = children
        if subscript is not None:
            factor = self._subscripted(factor, *subscript)
        if superscript is not None:
            factor = self._superscripted(factor, superscript, meta.end_pos)
        return factor

    def sub_sup(self, meta, children):
        subscript, superscript = children
        return subscript, superscript

    def sup_sub(self, meta, children):
        superscript, subscript = children
        return subscript, superscript

    def prime(self, meta, children):
        return None, PRIME

    def prime_mark(self, meta, children):
        return PRIME

    def inverse_transpose(self, meta, children):
        (child,) = children
        if isinstance(child, tuple) and child[0] != "T":
            raise ParseError(
                f"superscript -{child[0]} is not read", span=child[1], hint=r"an inverse transpose is ^{-\top}"
            )
        return INVERSE_TRANSPOSE

    def pseudo_inverse(self, meta, children):
        raise ParseError(
            "the pseudo-inverse ^{+} is not supported",
            span=_span(meta),
            hint=r"for A of full column rank write \left(\mathbf{A}^\top \mathbf{A}\right)^{-1} \mathbf{A}^\top",
        )

    def roman_letter(self, meta, children):
        (token,) = children
        return str(token), _token_span(token)

    def _subscripted(self, factor: _Factor, index: str | _ValueIndex, span: tuple[int, int]) -> _Factor:
        last = factor.nodes[-1]
        if isinstance(index, _ValueIndex):
            if factor.kind not in ("name", "bold") or not isinstance(last, ast.Name) or "_" in last.id:
                raise ParseError("an entry at a label belongs to a name, as in s_{y_i}", span=span)
            return _Factor((*factor.nodes[:-1], sums.picked(last, index.parts, span)), "other")
        if factor.kind == "bold" and _unsized_identity(last):
            eye = ast.Call("eye", (self._dimension(index, span),), span=(last.span[0], span[1]))
            return _Factor((*factor.nodes[:-1], eye), "other")
        if factor.kind in ("name", "bold") and isinstance(last, ast.Name) and "_" not in last.id:
            named = ast.Name(f"{last.id}_{index}", span=(last.span[0], span[1]), bold=last.bold)
            return replace(factor, nodes=(*factor.nodes[:-1], named))
        if factor.kind == "norm":
            return self._norm_index(factor, index, span)
        raise ParseError("a subscript here is not read", span=span, hint="subscripts name variables: x_1, A_{11}")

    def _norm_index(self, factor: _Factor, index: str, span: tuple[int, int]) -> _Factor:
        r"""``\|v\|_2``, ``\|X\|_F``; ``\|v\|_1`` is sum(abs(v)), entrywise for a matrix."""
        (norm,) = factor.nodes
        assert isinstance(norm, ast.Call)
        (content,) = norm.args
        if index not in NORM_INDICES:
            raise ParseError(
                f"the norm with index {index} is not read",
                span=span,
                hint=r"symdiff reads the 2-norm \|v\|_2, the 1-norm \|v\|_1 and the Frobenius norm \|X\|_F",
            )
        if index == "2" and _written_as_matrix(content):
            raise ParseError(
                r"\|X\|_2 of a matrix is its spectral norm, which is not read",
                span=span,
                hint=r"for the Frobenius norm write \|\mathbf{X}\|_F",
            )
        if index == "1":
            whole = (norm.span[0], span[1])
            one_norm = ast.Call("sum", (ast.Call("abs", (content,), span=whole),), span=whole)
            return _Factor((one_norm,), "other")
        return factor

    def _superscripted(self, factor: _Factor, superscript: ast.Node | str | _Label, end: int) -> _Factor:
        last = factor.nodes[-1]
        span = (last.span[0], end)
        if isinstance(superscript, _Label):
            if factor.kind not in ("name", "bold") or not isinstance(last, ast.Name) or "__" in last.id:
                raise ParseError(
                    "a label in parentheses belongs to a name, as in W^{(1)}",
                    span=superscript.span,
                    hint="for a power write it without parentheses",
                )
            named = ast.Name(f"{last.id}{LABEL}{superscript.text}", span=span, bold=last.bold)
            return replace(factor, nodes=(*factor.nodes[:-1], named))
        if superscript in (TRANSPOSE, PRIME):
            node: ast.Node = ast.Transpose(last, span=span)
        elif superscript == INVERSE:
            node = ast.Call("inv", (last,), span=span)
        elif superscript == INVERSE_TRANSPOSE:
            node = ast.Transpose(ast.Call("inv", (last,), span=span), span=span)
        elif isinstance(superscript, str):
            raise AssertionError(f"no superscript {superscript}")
        elif factor.kind == "name" and last == ast.Name("e") and "e" not in self.declared:
            node = self._entrywise(ast.Call("exp", (superscript,), span=span), last.span)
        else:
            node = ast.Binary("^", last, superscript, span=span)
        kind = ("primed" if superscript == PRIME else "other") if factor.kind == "name" else factor.kind
        return _Factor((*factor.nodes[:-1], node), kind)

    def _dimension(self, index: str, span: tuple[int, int]) -> ast.Node:
        """The dimension in ``\\mathbf{I}_n``, ``\\mathbf{1}_3``: a number or a name."""
        if index.isdigit():
            return ast.Number(Fraction(int(index)), span=span)
        if "_" in index:
            raise ParseError(
                "one dimension is read here", span=span, hint=r"write \mathbf{I}_n for the n by n identity"
            )
        return ast.Name(index, span=span)

    def subscript(self, meta, children):
        return "_".join(child[0] if isinstance(child, tuple) else child for child in children), _span(meta)

    def index(self, meta, children):
        return "".join(children)

    def step(self, meta, children):
        r"""``h_{t-1}`` is the name h_tm1 and ``x_{i+1}`` x_ip1 (printed back as written): a label, a step."""
        label, sign, steps = children
        if not steps.isdigit():
            raise ParseError(
                f"a step {sign}{steps} in a subscript is read only as a number, as in h_{{t-1}}",
                span=_span(meta),
                hint=r"write the step as a number, h_{t-1}, or the index alone, h_{k}",
            )
        if not any(char.isalpha() for char in label):
            raise ParseError(
                f"a subscript {label}{sign}{steps} is read only as a step from a label, as in h_{{t-1}}",
                span=_span(meta),
                hint="write an entry's index as one number: x_{1}, A_{1,2}",
            )
        return f"{label}{STEPS[str(sign)]}{steps}"

    def italic(self, meta, children):
        (token,) = children
        return ast.Name(str(token).replace("\\_", "_"), span=_span(meta))

    def superscript(self, meta, children):
        """TRANSPOSE, INVERSE, or the exponent of a power."""
        (child,) = children
        if isinstance(child, _Factor):  # ^\frac12
            child = child.nodes[0]
        if child == PRIME:
            return PRIME
        if isinstance(child, Token):
            if child.type == "DIGIT":
                return ast.Number(literal_value(child), span=_token_span(child))
            return TRANSPOSE if child == "T" else _letter(child)
        if isinstance(child, tuple):
            word, span = child
            if word != "T":
                raise ParseError(f"superscript {word} is not read", span=span, hint=r"a transpose is ^{\mathsf{T}}")
            return TRANSPOSE
        if child == TRANSPOSE:
            return child
        if any(child is group for group in self.parenthesized):
            return self._label(child, _span(meta))
        if child == ast.Name("T"):
            return TRANSPOSE
        if child == ast.Neg(ast.Number(Fraction(1))):
            return INVERSE
        if child == ast.Neg(ast.Name("T")):
            return INVERSE_TRANSPOSE
        return child

    def _label(self, node: ast.Node, span: tuple[int, int]) -> _Label:
        r"""``W^{(1)}``, ``a^{[l]}``, ``x^{(i)}``: a label of one number or one name, part of the name."""
        if isinstance(node, ast.Number) and node.value.denominator == 1 and node.value >= 0:
            return _Label(str(node.value), span)
        if isinstance(node, ast.Name) and node.id.isalnum():
            return _Label(node.id, span)
        raise ParseError(
            "a superscript in parentheses is a label, and a label here is one number or one letter",
            span=span,
            hint=r"write W^{(1)} or a^{[l]}; for a power write it without parentheses",
        )

    def transpose(self, meta, children):
        return TRANSPOSE

    def name(self, meta, children):
        return _Factor((_letter(children[0]),), "name")

    def decorated(self, meta, children):
        r"""``\hat{y}`` is the name yhat, ``\vec{x}`` the bold name x: a name of its own, never a product."""
        accent, letter = children
        base = _letter(letter)
        suffix = DECORATIONS[accent[1:]]
        return ast.Name(base.id + suffix, span=_span(meta), bold=base.bold or accent == "\\vec")

    def accent(self, meta, children):
        return str(children[0])

    def decorated_bold(self, meta, children):
        return replace(_letter(children[0]), span=_span(meta), bold=True)

    def greek(self, meta, children):
        (token,) = children
        return ast.Name(token[1:], span=_token_span(token))

    def number(self, meta, children):
        return _Factor((ast.Number(literal_value(children[0]), span=_span(meta)),), "other")

    def brace(self, meta, children):
        return _Factor((children[0],), "other")

    def group(self, meta, children):
        if len(children) > 1:
            return _Factor((ast.Tuple(tuple(children), span=_span(meta)),), "group")
        self.parenthesized.append(children[0])
        return _Factor((children[0],), "group")

    def bold(self, meta, children):
        if len(children) == 1:  # \mathbf{x} is x: a caret goes under all of it
            children = [replace(_letter(children[0]), span=_span(meta), bold=True)]
            if children[0] == ast.Name("I") and "I" not in self.declared:  # the identity, its size inferred
                children = [unsized_identity(_span(meta))]
        return _Factor(tuple(children), "bold")

    def bold_letter(self, meta, children):
        letter, subscript = children
        name = replace(_letter(letter), bold=True)
        if subscript is None:
            return name
        index, span = subscript
        if isinstance(index, _ValueIndex):
            return sums.picked(name, index.parts, span)
        return ast.Name(f"{name.id}_{index}", span=(name.span[0], span[1]), bold=True)

    def ones(self, meta, children):
        r"""``\mathbf{1}^\top v`` is sum(v); ``\mathbf{1}`` and ``\mathbf{0}`` alone are the ones and zero vectors,
        their size inferred (``_ones_sandwich`` reads the right end of \mathbf{1}^\top \mathbf{X} \mathbf{1})."""
        digit, superscript, operand = children
        if digit in ("0", "1") and superscript is None:
            vector = unsized_ones(_span(meta))
            if digit == "0":
                return _Factor(
                    (ast.Binary("*", ast.Number(Fraction(0), span=_span(meta)), vector, span=_span(meta)),), "other"
                )
            return _Factor((vector,), "ones")
        if digit != "1" or superscript != TRANSPOSE:
            raise ParseError(
                f"\\mathbf{{{digit}}} is not read here",
                span=_span(meta),
                hint=r"\mathbf{1} is the ones vector and \mathbf{0} the zero vector; \mathbf{1}^\top v is the sum of v",
            )
        return _Factor((ast.Call("sum", (self._operand(operand),), span=_span(meta)),), "prefix")

    def sized(self, meta, children):
        digit, (index, span), superscript = children
        if digit not in ("0", "1"):
            raise ParseError(
                f"\\mathbf{{{digit}}} is not read here",
                span=_span(meta),
                hint=r"\mathbf{1}_n is the vector of n ones and \mathbf{0}_n the zero vector",
            )
        node: ast.Node = ast.Call("ones", (self._dimension(index, span),), span=(meta.start_pos, span[1]))
        if digit == "0":
            node = ast.Binary("*", ast.Number(Fraction(0), span=node.span), node, span=node.span)
        factor = _Factor((node,), "other")
        return factor if superscript is None else self._superscripted(factor, superscript, meta.end_pos)

    def frac(self, meta, children):
        numerator, denominator = children
        return _Factor((ast.Binary("/", numerator, denominator, span=_span(meta)),), "other")

    def sqrt(self, meta, children):
        node = ast.Call("sqrt", (children[0],), span=_span(meta))
        return _Factor((self._entrywise(node, (meta.start_pos, meta.start_pos + 5)),), "other")

    def argument(self, meta, children):
        (child,) = children
        if isinstance(child, Token) and child.type == "DIGIT":
            return ast.Number(literal_value(child), span=_token_span(child))
        return _letter(child) if isinstance(child, Token) else child

    def call(self, meta, children):
        (name, name_span), *power, arguments = children
        node = self._entrywise(_call(name, arguments, _span(meta), name_span), name_span)
        return _Factor((self._powered(node, power, name_span),), "other")

    def prefix(self, meta, children):
        (name, name_span), *power, operand = children
        node = self._entrywise(_call(name, (self._operand(operand),), _span(meta), name_span), name_span)
        return _Factor((self._powered(node, power, name_span),), "prefix")

    def _entrywise(self, node: ast.Node, name_span: tuple[int, int]) -> ast.Node:
        r"""Refuse ``\exp(\mathbf{X})``, ``\sin\mathbf{X}``: texts mean the matrix function, symdiff's is entrywise."""
        written = self.text[name_span[0] : name_span[1]]
        command = written.startswith("\\") or written == "e"  # \operatorname{exp}(X) says entrywise
        matrix_function = isinstance(node, ast.Call) and node.func in MATRIX_FUNCTIONS
        if command and matrix_function and _written_as_matrix(cast(ast.Call, node).args[0]):
            raise ParseError(
                f"{written} of a matrix: the matrix function or entry by entry?",
                span=node.span,
                hint=rf"for entry by entry write \operatorname{{{cast(ast.Call, node).func}}}(\mathbf{{X}}); "
                "matrix functions are not read",
            )
        return node

    def _powered(self, node: ast.Node, power: list, name_span: tuple[int, int]) -> ast.Node:
        r"""``\tanh^2(x)`` is tanh(x)^2; ``\tanh^{-1}``, ``\tanh^\prime`` are refused (an inverse, a derivative)."""
        if not power or power[0] is None:
            return node
        (exponent,) = power
        if exponent == PRIME:
            raise self._derivative(name_span)
        if isinstance(exponent, str) or exponent == ast.Neg(ast.Number(Fraction(1))):
            raise ParseError(
                "a superscript on a function is read only as a power of its value",
                span=name_span,
                hint=r"write \tanh^2(x) for \tanh(x)^2; an inverse function is not read",
            )
        return ast.Binary("^", node, exponent, span=node.span)

    def power(self, meta, children):
        return children[0]

    def _derivative(self, span: tuple[int, int]) -> ParseError:
        written = self.text[span[0] : span[1]].rstrip("'")
        return ParseError(
            f"{written}' is a derivative; symdiff reads the function itself", span=span, hint=DERIVATIVE_HINT
        )

    def derivative(self, meta, children):
        (_, name_span), *_ = children
        raise self._derivative(name_span)

    def sigmoid(self, meta, children):
        return "sigma", _span(meta)

    def sigma_scripted(self, meta, children):
        r"""``\sigma^2``, ``\sigma_1``: the variable sigma, scripted; ``\sigma'`` is a derivative."""
        (_, span), (subscript, superscript) = children
        if superscript == PRIME:
            raise self._derivative(span)
        factor = _Factor((ast.Name("sigma", span=span),), "name")
        if subscript is not None:
            factor = self._subscripted(factor, *subscript)
        if superscript is not None:
            factor = self._superscripted(factor, superscript, meta.end_pos)
        return replace(factor, kind="sigma")

    def function_word(self, meta, children):
        (token,) = children
        return token[1:], _token_span(token)

    def arguments(self, meta, children):
        return tuple(children)

    def axis(self, meta, children):
        (word,) = children
        return ast.Name(str(word), span=_token_span(word))

    def function_command(self, meta, children):
        (token,) = children
        return token[1:], _token_span(token)

    def roman(self, meta, children):
        (word,) = children
        return str(word), _token_span(word)

    def matrix(self, meta, children):
        begin, *rows, end = children
        if begin not in MATRIX_ENVIRONMENTS:
            raise ParseError(
                f"environment {begin} is not read",
                span=_token_span(begin),
                hint="write vectors and matrices as bmatrix or pmatrix",
            )
        if end != begin:
            raise ParseError(
                f"\\begin{{{begin}}} is ended by \\end{{{end}}}", span=_token_span(end), hint=f"write \\end{{{begin}}}"
            )
        if len({len(row) for row in rows}) != 1:
            raise ParseError(
                "the rows of the matrix differ in length",
                span=_span(meta),
                hint=r"separate the entries of a row with & and the rows with \\",
            )
        return _Factor((ast.Matrix(tuple(rows), span=_span(meta)),), "other")

    def row(self, meta, children):
        return tuple(children)

    def norm(self, meta, children):
        return _Factor((ast.Call("norm", (children[0],), span=_span(meta)),), "norm")

    def abs(self, meta, children):
        r"""``|x|`` is abs of a scalar, ``|\mathbf{X}|`` det of a matrix; ``|\mathbf{v}|`` of a vector is refused."""
        (content,) = children
        if _written_as_matrix(content):
            return _Factor((ast.Call("det", (content,), span=_span(meta)),), "other")
        if _written_as_vector(content):
            raise ParseError(
                "|v| of a vector: a norm or entrywise absolute values?",
                span=_span(meta),
                hint=r"write the norm as \|\mathbf{v}\| and absolute values as \operatorname{abs}(\mathbf{v})",
            )
        return _Factor((ast.Call("abs", (content,), span=_span(meta)),), "other")
