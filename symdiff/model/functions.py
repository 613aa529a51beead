"""Scalar functions SymPy lacks, each with its derivative beside its value.

``sigmoid``, ``relu``, ``step`` (the derivative of relu), ``maximum`` and
``minimum``. SymPy's own ``Max`` differentiates to ``Heaviside`` with
H(0) = 1/2 and reorders its arguments; symdiff states one convention instead
(README, "Kinks"): at a tie, ``max``/``min`` pass the whole gradient to their
second argument, so ``relu(z) = max(z, 0)`` has relu'(0) = 0 as in PyTorch
and JAX.
"""

from __future__ import annotations

import sympy as sp

from .. import ops


class sigmoid(sp.Function):
    """The logistic function 1/(1 + exp(-z))."""

    op = ops.SIGMOID

    nargs = 1
    is_real = True

    @classmethod
    def eval(cls, z):
        if z.is_zero:
            return sp.S.Half

    def fdiff(self, argindex=1):
        return self * (1 - self)

    def _eval_rewrite_as_exp(self, z, **kwargs):
        return 1 / (1 + sp.exp(-z))

    def _eval_evalf(self, prec):
        """A number as the real function it is: 1/(1 + exp(-z)) at ``prec`` bits, never through complex exps."""
        z = self.args[0]._eval_evalf(prec)
        if z is None or not z.is_Number:
            return None
        return (1 / (1 + sp.exp(-z)))._eval_evalf(prec)


class step(sp.Function):
    """1 for z > 0, else 0: the derivative of relu, with step(0) = 0."""

    op = ops.STEP

    nargs = 1
    is_real = True

    @classmethod
    def eval(cls, z):
        if z.is_extended_positive:
            return sp.S.One
        if z.is_extended_nonpositive:
            return sp.S.Zero

    def fdiff(self, argindex=1):
        return sp.S.Zero


class relu(sp.Function):
    """max(z, 0)."""

    op = ops.RELU

    nargs = 1
    is_real = True

    @classmethod
    def eval(cls, z):
        if z.is_extended_nonnegative:
            return z
        if z.is_extended_negative:
            return sp.S.Zero

    def fdiff(self, argindex=1):
        return step(self.args[0])


class _Extremum(sp.Function):
    """max (sign +1) or min (sign -1) of two arguments, kept in the order written."""

    nargs = 2
    is_real = True
    sign = 1

    @classmethod
    def eval(cls, a, b):
        if a == b:
            return a
        lead = cls.sign * (a - b)
        if lead.is_extended_positive:
            return a
        if lead.is_extended_nonpositive:
            return b

    def fdiff(self, argindex=1):
        a, b = self.args
        first = step(self.sign * (a - b))
        return first if argindex == 1 else 1 - first


class maximum(_Extremum):
    """max(a, b)."""

    op = ops.MAX

    sign = 1


class minimum(_Extremum):
    """min(a, b)."""

    op = ops.MIN

    sign = -1


def diff(expr: sp.Basic, variable: sp.Basic) -> sp.Basic:
    """SymPy's ``diff`` with symdiff's kink convention (README, "Kinks").

    Where a piecewise constant function jumps (``sign``, SymPy's ``Heaviside``)
    SymPy differentiates to ``DiracDelta``, the derivative in the sense of
    distributions; a gradient means the derivative where it exists, which is 0
    there, as ``step``'s is. Every scalar derivative symdiff takes comes through here.
    """
    result = expr.diff(variable)
    return result.replace(sp.DiracDelta, lambda *args: sp.S.Zero) if result.has(sp.DiracDelta) else result
