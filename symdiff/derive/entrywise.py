"""Entrywise arithmetic as one scalar body, so that SymPy can simplify it.

The gradient of a logistic loss reaches ``X*w`` as a sum of entrywise
products, ``hadamard(y, 1 - sigmoid(X*w)) - hadamard(1 - y, sigmoid(X*w))``,
which is ``y - sigmoid(X*w)`` entry by entry. ``fuse`` writes a sum or
entrywise product of same-shaped arrays as one ``Elementwise`` whose body is
a scalar expression in one placeholder per operand; ``simplify_body``
expands that body and pulls out its common factors, or names the sigmoids
in it (1/(1 + exp(-z)) is sigmoid(z)), whichever is smaller. Both are plain algebra
on the entries, so the value never changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy as sp

from ..errors import LimitError
from ..model.canonical import canonical
from ..model.functions import sigmoid
from ..model.matrices import Placeholders
from ..model.nodes import BOUND, Elementwise
from ..model.walk import opaque, rebind

Slot = Callable[[sp.Basic], sp.Symbol]


def fuse(expr: sp.Basic) -> sp.Basic | None:
    """``expr`` (a sum or entrywise product) as one entrywise function; None if nothing to fuse."""
    if not _has_entrywise(expr):
        return None
    slot = Placeholders()
    try:
        body = _body(expr, slot)
    except LimitError:
        return None  # more arrays than placeholders: left unfused, as it is
    return entrywise(_simplest(body), slot.operands, expr.shape)


def simplify_body(expr: Elementwise) -> sp.Basic:
    """``expr`` with its body expanded and common factors pulled out."""
    return entrywise(_simplest(expr.body), list(expr.operands), expr.shape)


def entrywise(body: sp.Expr, operands: Sequence[sp.Basic], shape: tuple[sp.Expr, sp.Expr]) -> sp.Basic:
    """The array whose entries are ``body``, keeping only the operands the body uses."""
    used = [i for i in range(len(operands)) if BOUND[i] in body.free_symbols]
    body = rebind(body, {BOUND[i]: BOUND[k] for k, i in enumerate(used)})
    kept = [operands[i] for i in used]
    if not kept:
        return sp.ZeroMatrix(*shape) if body == 0 else body * sp.OneMatrix(*shape)
    if body == BOUND[0]:
        return kept[0]
    return Elementwise(body, tuple(kept))


def _has_entrywise(expr: sp.Basic) -> bool:
    """An entrywise node at the top, among the arguments, or scaled among them."""
    parts = [expr, *expr.args]
    parts += [factor for part in parts if isinstance(part, sp.MatMul) for factor in part.args]
    return any(isinstance(part, ENTRYWISE) for part in parts)


def _simplest(body: sp.Expr) -> sp.Expr:
    """The body, expanded with common factors pulled out, or with sigmoids named, if that is smaller.

    The scalars of arrays in it are hidden meanwhile (``opaque``)."""
    hidden, back = opaque(body)
    candidates = [hidden, sp.factor_terms(sp.expand(hidden)), _sigmoids(hidden)]
    return min(candidates, key=sp.count_ops).xreplace(back)


def _sigmoids(body: sp.Expr) -> sp.Expr:
    """1/(1 + exp(u)) is sigmoid(-u) (``canonical``), and exp(u)*sigmoid(-u) is sigmoid(u): logistic losses."""
    return canonical(body).replace(_has_pair, _merge_pair)


def _pairs(product: sp.Mul) -> list[tuple[sp.Basic, sp.Basic]]:
    exps = [f for f in product.args if isinstance(f, sp.exp)]
    sigmoids = [f for f in product.args if isinstance(f, sigmoid)]
    return [(e, s) for e in exps for s in sigmoids if s.args[0] == -e.args[0]]


def _has_pair(expr: sp.Basic) -> bool:
    return isinstance(expr, sp.Mul) and bool(_pairs(expr))


def _merge_pair(product: sp.Mul) -> sp.Expr:
    e, s = _pairs(product)[0]
    rest = [f for f in product.args if f is not e and f is not s]
    return sp.Mul(*rest) * sigmoid(e.args[0])


def _body(expr: sp.Basic, slot: Slot) -> sp.Expr:
    rule = BODIES.get(type(expr))
    return rule(expr, slot) if rule is not None else slot(expr)


def _elementwise(expr: Elementwise, slot: Slot) -> sp.Expr:
    return rebind(expr.body, {BOUND[i]: _body(operand, slot) for i, operand in enumerate(expr.operands)})


def _scaled(expr: sp.MatMul, slot: Slot) -> sp.Expr:
    coefficient, factors = expr.as_coeff_matrices()
    return coefficient * (_body(factors[0], slot) if len(factors) == 1 else slot(sp.MatMul(*factors)))


BODIES: dict[type, Callable[[sp.Basic, Slot], sp.Expr]] = {
    Elementwise: _elementwise,
    sp.HadamardProduct: lambda expr, slot: sp.Mul(*(_body(arg, slot) for arg in expr.args)),
    sp.HadamardPower: lambda expr, slot: _body(expr.base, slot) ** expr.exp,
    sp.MatAdd: lambda expr, slot: sp.Add(*(_body(arg, slot) for arg in expr.args)),
    sp.MatMul: _scaled,
    sp.OneMatrix: lambda expr, slot: sp.S.One,
    sp.ZeroMatrix: lambda expr, slot: sp.S.Zero,
}
"""The scalar body of each entrywise node; any other array is an operand."""

ENTRYWISE = (Elementwise, sp.HadamardProduct, sp.HadamardPower)
"""Nodes whose presence makes fusing worth trying."""
