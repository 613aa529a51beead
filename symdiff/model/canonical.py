"""Canonical spellings: the same function written out by hand becomes our node.

Worksheets write the logistic function out, ``s1 = 1/(1 + exp(-a*r1))``; the
derivative then reads ``a*exp(-a*r1)/(1 + exp(-a*r1))**2`` where the
worksheet's hint says g(z)(1 - g(z)). Rewriting it as ``sigmoid(a*r1)`` gives
the derivative in that form, and lets a program name it (``s1*(1 - s1)``).
The rewrite is exact: 1/(1 + exp(-z)) is sigmoid(z) by definition. This is
the one recogniser of the logistic function: ``derive.entrywise`` names the
sigmoids of an entrywise body with it too.
"""

from __future__ import annotations

import sympy as sp

from .functions import sigmoid


def _logistic_argument(node: sp.Basic) -> sp.Expr | None:
    """z when ``node`` is 1/(1 + exp(-z)) (in any order of the sum), else None."""
    if not (isinstance(node, sp.Pow) and node.exp == -1 and isinstance(node.base, sp.Add)):
        return None
    terms = node.base.args
    if len(terms) != 2 or sp.S.One not in terms:
        return None
    (other,) = (term for term in terms if term != sp.S.One)
    if isinstance(other, sp.exp):
        return -other.args[0]
    return None


def canonical(expr: sp.Basic) -> sp.Basic:
    """``expr`` with every 1/(1 + exp(-z)) written as sigmoid(z), inside arrays too."""
    return expr.replace(
        lambda node: _logistic_argument(node) is not None, lambda node: sigmoid(_logistic_argument(node))
    )


__all__ = ["canonical"]
