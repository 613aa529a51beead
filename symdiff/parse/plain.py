"""Parse the plain-text syntax (``0.5*norm(A*x)**2``) into the syntax tree.

The grammar is ``plain.lark``; the Transformer below has one method per
grammar rule. Nothing here evaluates text: tokens become syntax nodes, and
numbers become exact fractions, so ``0.5`` is one half.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import cast

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from .. import limits
from ..errors import LimitError, ParseError, SymdiffError, did_you_mean
from ..ops import AXES, BY_AXIS, SOFTMAX_ROWS
from . import ast
from .grammar_cache import cached_lark
from .sums import Entry, Skipping, index_call
from .vocabulary import COMPOSITES, CONSTANT_ARRAYS, SIZED, TRANSPOSE, UNSIZED, known_words, operation

OPERAND_TOKENS = {"NAME", "NUMBER", "LPAR", "LSQB"}
MAX_ENTRYWISE_POWER = 16
"""x.^k is written out as k - 1 entrywise products."""


@lru_cache(maxsize=1)
def _parser() -> Lark:
    grammar = (Path(__file__).with_name("plain.lark")).read_text()
    return cached_lark(
        grammar,
        parser="lalr",
        start=["start", "program", "bindings", "template", "formulas"],
        propagate_positions=True,
        maybe_placeholders=True,
    )


def parse(text: str) -> ast.Node:
    """Parse one formula in the plain syntax; raise ``ParseError`` or ``LimitError``."""
    return _read(text, "start")


def parse_program(text: str) -> tuple[ast.Definition, ...] | ast.Node:
    """Parse definitions ``name = expr`` (separated by ``;`` or new lines), or a bare formula."""
    return _read(text, "program")


def parse_bindings(text: str) -> tuple[ast.Definition, ...]:
    """Parse values ``x1=1, x2=-1, A=[[1, 2], [3, 4]]`` into definitions."""
    return _read(text, "bindings")


def parse_template(text: str) -> ast.Node:
    """Parse a template with numbered blanks (``max(_1 + _2, _3 + _4) + _5``); blank ``_k`` is the name ``_k``."""
    return _read(text, "template")


def parse_formulas(text: str) -> tuple[ast.Node, ...]:
    """Parse formulas separated by commas (``x1, -x1, 0``); each keeps its span in ``text``."""
    return _read(text, "formulas")


def _read(text: str, start: str):
    check_length(text)
    try:
        tree = _parser().parse(text, start=start)
    except UnexpectedInput as exc:
        raise _syntax_error(text, exc, start) from None
    check_depth(tree, text)
    try:
        return _ToAst(text, blanks=start == "template").transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, SymdiffError):
            raise exc.orig_exc.at(text) from None
        raise


def check_length(text: str) -> None:
    if len(text) > limits.MAX_INPUT_CHARS:
        raise LimitError(
            f"input is {len(text)} characters long; the limit is {limits.MAX_INPUT_CHARS}",
            hint="split the formula into smaller parts",
        )
    if not text.strip():
        raise ParseError("empty formula", text, (0, len(text)), hint="write a formula such as 0.5*norm(A*x)**2")
    depth = 0
    for position, char in enumerate(text):
        depth += (char in "([{") - (char in ")]}")
        if depth > limits.MAX_DEPTH:
            raise LimitError(
                f"brackets nested more than {limits.MAX_DEPTH} deep",
                text,
                (position, position + 1),
                "simplify the formula or split it into named parts",
            )


def check_depth(tree: object, text: str) -> None:
    """Refuse trees nested deeper than ``limits.MAX_DEPTH``, without recursing."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limits.MAX_DEPTH:
            meta = getattr(node, "meta", None)
            span = (meta.start_pos, meta.end_pos) if meta is not None and not meta.empty else None
            raise LimitError(
                f"formula is nested more than {limits.MAX_DEPTH} levels deep",
                text,
                span,
                "simplify the formula or split it into named parts",
            )
        stack.extend((child, depth + 1) for child in getattr(node, "children", ()))


def _syntax_error(text: str, exc: UnexpectedInput, start: str = "start") -> ParseError:
    if isinstance(exc, UnexpectedCharacters):
        position = exc.pos_in_stream or 0
        char = text[position]
        hint = {
            "\\": "this looks like LaTeX; pass --input latex",
            "_": "names start with a letter",
            "=": "write the formula only, without 'name ='",
        }.get(char, "operators are + - * / ^ ** @, transpose is A.T or A'")
        if char in "=;":
            hint = _definition_hint(char, start)
        return ParseError(f"unexpected character {char!r}", text, (position, position + 1), hint)
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        end = len(text.rstrip())
        return ParseError("formula ends too early", text, (end, end + 1), "an operand or a closing bracket is missing")
    assert isinstance(exc, UnexpectedToken)
    token = exc.token
    span = (token.start_pos, token.end_pos)
    before = text[: token.start_pos].rstrip()
    if token.type in OPERAND_TOKENS and before and (before[-1].isalnum() or before[-1] in ")]'"):
        return ParseError(
            f"missing operator before {str(token)!r}",
            text,
            span,
            f"write the product with '*', e.g. {before.split()[-1][-8:]}*{token}",
        )
    if str(token) in ("=", ";"):
        return ParseError(f"unexpected {str(token)!r}", text, span, _definition_hint(str(token), start))
    return ParseError(f"unexpected {str(token)!r}", text, span, "check the brackets and operators around it")


def _definition_hint(token: str, start: str) -> str:
    """What an '=' or ';' out of place means: a formula given as a definition, or a malformed program."""
    if start == "start":
        return "write the formula only, without 'name ='"
    if start == "bindings":
        return "write values as name=value, separated by commas: x1=1, x2=-1"
    if token == ";":
        return "each part between ';' is a definition name = formula"
    return "a definition is name = formula; write one per line or separate them with ';'"


def _span(meta: object) -> tuple[int, int]:
    return (meta.start_pos, meta.end_pos)  # type: ignore[attr-defined]


@v_args(meta=True)
class _ToAst(Transformer):
    """One method per grammar rule: Lark parse tree -> ``symdiff.parse.ast``."""

    def __init__(self, text: str, blanks: bool = False) -> None:
        super().__init__()
        self.text = text
        self.blanks = blanks

    def add(self, meta, children):
        return ast.Binary("+", *children, span=_span(meta))

    def sub(self, meta, children):
        return ast.Binary("-", *children, span=_span(meta))

    def mul(self, meta, children):
        return ast.Binary("*", *children, span=_span(meta))

    def matmul(self, meta, children):
        return ast.Binary("@", *children, span=_span(meta))

    def div(self, meta, children):
        return ast.Binary("/", *children, span=_span(meta))

    def entrywise_mul(self, meta, children):
        return ast.Call("hadamard", tuple(children), span=_span(meta))

    def entrywise_div(self, meta, children):  # / between arrays is entrywise
        return ast.Binary("/", *children, span=_span(meta))

    def entrywise_pow(self, meta, children):
        """``X.^2``: a whole power as entrywise products (``X^2`` of a square matrix is its matrix power).

        Any other exponent is the power ``^``: entrywise for scalars and vectors, refused for a matrix."""
        base, exponent = children
        count = exponent.value if isinstance(exponent, ast.Number) else Fraction(0)
        if count.denominator != 1 or count < 1:
            return ast.Binary("^", base, exponent, span=_span(meta))
        if count > MAX_ENTRYWISE_POWER:
            raise ParseError(
                f".^ takes a whole exponent up to {MAX_ENTRYWISE_POWER}", span=exponent.span, hint="write exp(k*log(X))"
            )
        result = base
        for _ in range(int(count) - 1):
            result = ast.Call("hadamard", (result, base), span=_span(meta))
        return result

    def pow(self, meta, children):
        base, _, exponent = children
        return ast.Binary("^", base, exponent, span=_span(meta))

    def neg(self, meta, children):
        return ast.Neg(children[0], span=_span(meta))

    def pos(self, meta, children):
        return children[0]

    def attribute(self, meta, children):
        base, attr = children
        if attr != "T":
            raise ParseError(
                f"unknown attribute '.{attr}'",
                span=(attr.start_pos - 1, attr.end_pos),
                hint="the only attribute is .T (transpose); for the inverse write inv(A)",
            )
        return ast.Transpose(base, span=_span(meta))

    def prime(self, meta, children):
        return ast.Transpose(children[0], span=_span(meta))

    def index(self, meta, children):
        base, *indices = children
        values = []
        for token in indices:
            value = int(token) if len(token) <= 6 else 0
            if value < 1:
                raise ParseError(
                    f"index {token} is out of range",
                    span=(token.start_pos, token.end_pos),
                    hint="indices start at 1, as on worksheets",
                )
            values.append(value)
        if len(values) > 2:
            raise ParseError("at most two indices", span=_span(meta), hint="write A[i, j] or x[i]")
        return ast.Index(base, tuple(values), span=_span(meta))

    def entry(self, meta, children):
        base, *slots = children
        if len(slots) > 2:
            raise ParseError("at most two indices", span=_span(meta), hint="write W[i, j] or y[i]")
        return Entry(base, tuple(slots), span=_span(meta))

    def slot(self, meta, children):
        (token,) = children
        return None if token.type == "COLON" else str(token)

    def value_slot(self, meta, children):
        """``y[i]`` in ``s[y[i]]``: the label whose value picks the entry."""
        return self.entry(meta, children)

    def skipping(self, meta, children):
        name, label = children
        return Skipping(ast.Name(str(name), span=(name.start_pos, name.end_pos)), label, span=_span(meta))

    def skip_call(self, meta, children):
        name, *args = children
        if getattr(operation(str(name)), "kind", None) != "index":
            raise ParseError(
                f"only a sum skips a value: {name}(j != ...) is not read",
                span=args[0].span,
                hint="write Sum(j != y[i], K, body), the sum over j = 1..K but y[i]",
            )
        return make_call(str(name), tuple(args), _span(meta), (name.start_pos, name.end_pos))

    def number(self, meta, children):
        return ast.Number(literal_value(children[0]), span=_span(meta))

    def name(self, meta, children):
        if str(children[0]) in UNSIZED:  # eye: the identity, its size inferred
            return UNSIZED[str(children[0])](_span(meta))
        return ast.Name(str(children[0]), span=_span(meta))

    def call(self, meta, children):
        name, *args = children
        args = tuple(arg for arg in args if arg is not None)
        return make_call(str(name), args, _span(meta), (name.start_pos, name.end_pos))

    def tuple(self, meta, children):
        return ast.Tuple(tuple(children), span=_span(meta))

    def brackets(self, meta, children):
        return make_matrix(children, _span(meta))

    def definition(self, meta, children):
        name, value = children
        return ast.Definition(str(name), value, span=_span(meta), name_span=(name.start_pos, name.end_pos))

    binding = definition

    def definitions(self, meta, children):
        found: list[ast.Definition] = []
        separated = True
        for child in children:
            if isinstance(child, Token):
                separated = True
                continue
            if not separated and "\n" not in self.text[found[-1].span[1] : child.span[0]]:
                raise ParseError(
                    f"definition of {child.name} starts on the line of the previous one",
                    span=child.name_span,
                    hint="separate definitions with ';' or a new line",
                )
            found.append(child)
            separated = False
        return tuple(found)

    def bare(self, meta, children):
        return children[0]

    def blank(self, meta, children):
        if not self.blanks:
            raise ParseError(
                f"a blank {children[0]} outside a template",
                span=_span(meta),
                hint="blanks _1, _2, ... are for templates (symdiff blanks); names start with a letter",
            )
        return ast.Name(str(children[0]), span=_span(meta))

    def template(self, meta, children):
        return children[0]

    def formulas(self, meta, children):
        return tuple(children)

    def bindings(self, meta, children):
        return tuple(children)


def literal_value(token: Token | str) -> Fraction:
    """The exact value of a numeric literal, refusing absurd ones before computing them."""
    text = str(token)
    mantissa, _, exponent = text.lower().partition("e")
    span = (token.start_pos or 0, token.end_pos or 0) if isinstance(token, Token) else None
    digits = sum(ch.isdigit() for ch in mantissa)
    if digits > limits.MAX_LITERAL_DIGITS or (exponent and abs(int(exponent)) > limits.MAX_LITERAL_DIGITS):
        raise LimitError(
            f"number {text[:20]}{'...' if len(text) > 20 else ''} is too large",
            span=span,
            hint=f"numbers may have at most {limits.MAX_LITERAL_DIGITS} digits "
            f"and exponents up to e{limits.MAX_LITERAL_DIGITS}",
        )
    return Fraction(text)


def make_call(name: str, args: tuple[ast.Node, ...], span: tuple[int, int], name_span: tuple[int, int]) -> ast.Node:
    """A call node for a known function with the right number of arguments."""
    along = axis_call(name, args, span)
    if along is not None:
        return along
    if name in COMPOSITES and len(args) == 1:
        return COMPOSITES[name](args[0], span)
    if name in CONSTANT_ARRAYS:
        if len(args) != 1:
            raise ParseError(
                f"{name} takes 1 argument, got {len(args)}",
                span=span,
                hint=f"write {name}(c): every entry c, its size inferred from where it is used",
            )
        return CONSTANT_ARRAYS[name](args, span)
    op = operation(name)
    if op is not None and op.kind == "index":
        return index_call(op, args, span)
    if op is None and name != TRANSPOSE:
        raise ParseError(
            f"unknown function '{name}'",
            span=name_span,
            hint=did_you_mean(name, known_words()) or f"to multiply, write {name}*(...)",
        )
    arity = op.arity if op else 1
    if op in SIZED and len(args) == arity + 1:  # onehot(y, K): the size given
        return ast.Call(op.name, args, span=span)
    if len(args) != arity:
        plural = "s" if arity != 1 else ""
        by_rows = op is not None and (op.name, "rows") in BY_AXIS
        hint = (
            f"{name}(v) takes all entries; {name}(X, rows) each row, {name}(X, cols) each column" if by_rows else None
        )
        raise ParseError(f"{name} takes {arity} argument{plural}, got {len(args)}", span=span, hint=hint)
    if op is None:
        return ast.Transpose(args[0], span=span)
    if op in SIZED:  # onehot(y): its number of classes left to inference
        args = (*args, ast.Size(span=span))
    return ast.Call(op.name, args, span=span)


def axis_call(name: str, args: tuple[ast.Node, ...], span: tuple[int, int]) -> ast.Node | None:
    """``softmax(X, rows)``: the row-wise operation; ``f(X, cols)`` is ``f(X.T, rows)`` (transposed back
    where f keeps the shape); None when the call names no axis."""
    op = operation(name)
    along = BY_AXIS.get((op.name, "rows")) if op is not None else None
    if along is None or len(args) != 2 or not isinstance(args[1], ast.Name) or args[1].id not in AXES:
        return None
    matrix = args[0] if args[1].id == "rows" else ast.Transpose(args[0], span=args[0].span)
    call = ast.Call(along.name, (matrix,), span=span)
    keeps_shape = along is SOFTMAX_ROWS
    return ast.Transpose(call, span=span) if args[1].id == "cols" and keeps_shape else call


def make_matrix(items: list[ast.Node], span: tuple[int, int]) -> ast.Matrix:
    """``[a, b]`` -> a column; ``[[a, b], [c, d]]`` (items that are bracket literals) -> rows."""
    nested = [isinstance(item, ast.Matrix) and all(len(row) == 1 for row in item.rows) for item in items]
    if not any(nested):
        return ast.Matrix(tuple((item,) for item in items), span=span)
    if not all(nested):
        raise ParseError("a matrix literal mixes rows and single entries", span=span, hint="write [[a, b], [c, d]]")
    rows = tuple(tuple(entry for (entry,) in cast(ast.Matrix, item).rows) for item in items)
    if len({len(row) for row in rows}) != 1:
        raise ParseError("the rows of a matrix literal differ in length", span=span)
    return ast.Matrix(rows, span=span)
