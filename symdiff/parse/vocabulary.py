"""The names formulas may use, for both parsers, read off ``symdiff.ops``.

An operation's spellings live on its ``Op``; this module only answers the
questions the parsers ask of them: which operation a word names, and every
word there is (for "did you mean" hints).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from ..ops import BY_NAME, ONEHOT, Op
from . import ast

CONSTANTS: frozenset[str] = frozenset({"pi"})
"""Names that are constants, not variables."""

TRANSPOSE = "transpose"
"""``transpose(X)`` is written like a call but is a node of its own (``X.T``)."""

GREEK_CAPITALS = frozenset({"Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega"})
r"""Capital Greek letters (\Sigma): in LaTeX, matrices by their spelling, like a capital Latin letter."""

DECORATIONS: dict[str, str] = {
    "hat": "hat",
    "widehat": "hat",
    "tilde": "tilde",
    "widetilde": "tilde",
    "bar": "bar",
    "overline": "bar",
    "vec": "",
}
r"""LaTeX accents -> the suffix of the name they make: ``\hat{y}`` is the name yhat, ``\vec{x}`` the (bold) name x."""


def _norm1(arg: ast.Node, span: tuple[int, int]) -> ast.Node:
    return ast.Call("sum", (ast.Call("abs", (arg,), span=span),), span=span)


COMPOSITES: dict[str, Callable[[ast.Node, tuple[int, int]], ast.Node]] = {"norm1": _norm1}
"""matrixcalculus.org's functions that are compositions of symdiff's: norm1(v) is sum(abs(v)), entrywise for a
matrix."""


def unsized_ones(span: tuple[int, int]) -> ast.Node:
    r"""The vector of ones, its size left to inference (``\mathbf{1}``, ``vector(1)``)."""
    return ast.Call("ones", (ast.Size(span=span),), span=span)


def unsized_identity(span: tuple[int, int]) -> ast.Node:
    r"""The identity, its size left to inference (``\mathbf{I}``, ``eye``)."""
    return ast.Call("eye", (ast.Size(span=span),), span=span)


def _scaled(scale: ast.Node, array: ast.Node, span: tuple[int, int]) -> ast.Node:
    return array if scale == ast.Number(Fraction(1)) else ast.Binary("*", scale, array, span=span)


CONSTANT_ARRAYS: dict[str, Callable[[tuple[ast.Node, ...], tuple[int, int]], ast.Node]] = {
    "vector": lambda args, span: _scaled(args[0], unsized_ones(span), span),
    "matrix": lambda args, span: _scaled(
        args[0], ast.Binary("*", unsized_ones(span), ast.Transpose(unsized_ones(span), span=span), span=span), span
    ),
}
"""matrixcalculus.org's constant arrays, ``vector(c)`` and ``matrix(c)``: every entry c, the size inferred from
where they are used (``c*ones(n)``, ``c*ones(n)*ones(d).T``)."""
SIZED = frozenset({ONEHOT})
"""Operations with a size left to shape inference after their arguments: ``onehot(y)`` and its classes."""

UNSIZED = {"eye": unsized_identity}
"""Arrays written without arguments whose size is inferred: matrixcalculus.org's bare ``eye``."""


def operation(name: str) -> Op | None:
    """The operation ``name`` spells (``ln`` -> log), None if it names none."""
    return BY_NAME.get(name)


def canonical(name: str) -> str | None:
    """The canonical function name for ``name``, or None if it is not a function."""
    op = operation(name)
    return op.name if op else None


def known_words() -> set[str]:
    """Every function spelling, for 'did you mean' hints."""
    return set(BY_NAME) | {TRANSPOSE} | set(COMPOSITES) | set(CONSTANT_ARRAYS)
