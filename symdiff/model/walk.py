"""The one traversal and rewriter of SymPy forms, with scope said once.

An ``Elementwise`` body is a scalar expression in placeholders ``BOUND[i]``;
a body can hold arrays (``1/norm(hadamard(y, x^2))``), and an entrywise
function among them has placeholders of its own, whatever the outer ones
stand for. So each walker says which nodes it enters:

- ``in_scope`` (the default): a body's own scope, where arrays are visited
  but not entered. Renaming placeholders (``rebind``), hiding the scalars of
  arrays from SymPy's scalar algebra (``opaque``), finding the parameters of
  a scalar expression (``derive.rules.partials``, which also stops at the
  scalars of arrays it takes as parameters), merging factors of a body
  (``derive.recognise``) and counting the leaves of a body
  (``derive.tidy.leaves``) need it: inside an array, a ``_t0`` is another
  variable.
- ``whole``: the whole expression, arrays and their bodies included, but not
  a named array (``MatrixSymbol``, ``Identity``, ``OneMatrix``,
  ``ZeroMatrix``), whose arguments are only its name and dims. Passes that
  rewrite every node of a result (``derive.tidy``, ``derive.recognise``)
  need it; ``derive.tidy.leaves`` counts through it, but an entrywise
  function counts its body's leaves itself.

``nodes`` visits, ``replace`` substitutes top-down (outermost match first,
like ``xreplace``) and ``rewrite`` rebuilds bottom-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import sympy as sp

Enter = Callable[[sp.Basic], bool]
Rebuild = Callable[[sp.Basic, tuple[sp.Basic, ...]], sp.Basic]

NAMED_ARRAYS = (sp.MatrixSymbol, sp.Identity, sp.OneMatrix, sp.ZeroMatrix)
"""Arrays whose arguments are only a name and dims: nothing in them to rewrite."""


def is_array(node: sp.Basic) -> bool:
    """Whether ``node`` is a matrix-valued expression (an explicit matrix included)."""
    return bool(getattr(node, "is_Matrix", False))


def in_scope(node: sp.Basic) -> bool:
    """Enter everything but arrays: a scalar body's own scope."""
    return not is_array(node)


def whole(node: sp.Basic) -> bool:
    """Enter everything but named arrays: the whole expression."""
    return not isinstance(node, NAMED_ARRAYS)


def nodes(expr: sp.Basic, enter: Enter = in_scope) -> Iterator[sp.Basic]:
    """Every node of ``expr``, parents first, left to right; a node's arguments only if ``enter(node)``
    (``in_scope``, ``whole``, or a narrower scope: see the module docstring)."""
    yield expr
    if enter(expr):
        for arg in expr.args:
            yield from nodes(arg, enter)


def scope(body: sp.Basic) -> Iterator[sp.Basic]:
    """Every node of ``body`` in its own scope: arrays in it are visited but not entered."""
    return nodes(body, in_scope)


def rebuilt(expr: sp.Basic, args: tuple[sp.Basic, ...]) -> sp.Basic:
    """``expr`` with ``args``; ``expr`` itself when they are its own."""
    return expr if args == expr.args else expr.func(*args)


def replace(expr: sp.Basic, replacement: Callable[[sp.Basic], sp.Basic | None], enter: Enter = in_scope) -> sp.Basic:
    """``expr`` with every outermost node that ``replacement`` maps (not None) replaced, at once."""
    new = replacement(expr)
    if new is not None:
        return new
    if not expr.args or not enter(expr):
        return expr
    return rebuilt(expr, tuple(replace(arg, replacement, enter) for arg in expr.args))


def rebind(body: sp.Basic, mapping: Mapping[sp.Basic, sp.Basic]) -> sp.Basic:
    """``body`` with ``mapping`` applied at once, like ``xreplace``, in the body's own scope only.

    ``xreplace`` would also rename the placeholders of an entrywise function
    inside a norm in the body; this leaves every array inside the body as it is.
    """
    return replace(body, mapping.get)


def opaque(body: sp.Expr) -> tuple[sp.Expr, dict[sp.Symbol, sp.Expr]]:
    """``body`` with each scalar of arrays in it (``norm(x + y)``, ``x.T*y``) as a plain symbol,
    and the map back.

    SymPy's scalar algebra (``expand``, ``factor_terms``) descends into every
    argument and would rewrite the arrays inside those scalars as if they
    were scalars; a body with them hidden is a plain scalar expression.
    """
    hidden: dict[sp.Basic, sp.Symbol] = {}

    def hide(node: sp.Basic) -> sp.Symbol | None:
        if not any(is_array(arg) for arg in node.args):
            return None
        if node not in hidden:
            hidden[node] = sp.Dummy(real=True, nonnegative=bool(node.is_nonnegative) or None)
        return hidden[node]

    return replace(body, hide), {symbol: node for node, symbol in hidden.items()}


def by_type(table: Mapping[type, Callable[[sp.Basic], sp.Basic]]) -> Callable[[sp.Basic], sp.Basic]:
    """A ``rewrite`` rule from a table of rules keyed by node type; other nodes stay as they are."""

    def rule(node: sp.Basic) -> sp.Basic:
        method = table.get(type(node))
        return method(node) if method is not None else node

    return rule


def rewrite(
    expr: sp.Basic,
    rule: Callable[[sp.Basic], sp.Basic] | None = None,
    enter: Enter = in_scope,
    rebuild: Rebuild = rebuilt,
) -> sp.Basic:
    """``expr`` rewritten bottom-up: each entered node is rebuilt from its rewritten arguments, then ``rule``
    rewrites it. Leaves and nodes not entered stay as they are; an explicit matrix is rewritten entry by entry.
    ``enter`` is the scope (module docstring): ``whole`` for ``tidy`` and ``recognise``, ``in_scope`` for
    rewriting a body alone.
    """
    if not expr.args or not enter(expr):
        return expr
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(lambda entry: rewrite(entry, rule, enter, rebuild))
    node = rebuild(expr, tuple(rewrite(arg, rule, enter, rebuild) for arg in expr.args))
    return rule(node) if rule is not None else node
