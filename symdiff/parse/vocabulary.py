"""The functions formulas may call, shared by the plain-text and LaTeX parsers.

Each function has a canonical name and an arity; aliases map other spellings
to it. What a function *means* (its shape rule, its SymPy form, its
derivative) lives in the model and derive stages, keyed by the same names.
"""

from __future__ import annotations

ELEMENTWISE: frozenset[str] = frozenset(
    {"exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "abs", "step", "sign"}
)
"""One-argument functions applied entry by entry to vectors and matrices."""

ARITY: dict[str, int] = {
    **{name: 1 for name in ELEMENTWISE},
    "max": 2,
    "min": 2,
    "hadamard": 2,
    "dot": 2,
    "sum": 1,
    "norm": 1,
    "trace": 1,
    "det": 1,
    "inv": 1,
    "logsumexp": 1,
    "softmax": 1,
    "diag": 1,
    "eye": 1,
    "ones": 1,
}
"""Canonical function name -> number of arguments."""

DIMENSIONED: frozenset[str] = frozenset({"eye", "ones"})
"""Functions whose arguments are dimensions (``eye(n)``, ``ones(n)``), not formulas."""

ALIASES: dict[str, str] = {"tr": "trace", "ln": "log", "Tr": "trace"}
"""Other spellings of canonical names (``transpose`` is a node, not a call)."""

CONSTANTS: frozenset[str] = frozenset({"pi"})
"""Names that are constants, not variables."""


def canonical(name: str) -> str | None:
    """The canonical function name for ``name``, or None if it is not a function."""
    name = ALIASES.get(name, name)
    return name if name in ARITY else None


def known_words() -> set[str]:
    """Every function spelling, for 'did you mean' hints."""
    return set(ARITY) | set(ALIASES) | {"transpose"}
