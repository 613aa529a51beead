r"""The partial by an entry (``W[k, l]``, ``w[j]``), in index form, as a course asks for it.

The gradient by the whole array is derived in matrix form first (the rules
are written once there); its entry at the indices asked for is then written
out in index form, one rule per kind of matrix node: a product is a sum over
its inner index, a transpose swaps the indices, an entrywise function applies
to the entries. A diagonal matrix in a product merges two indices, so no
Kronecker delta is ever left. ∂/∂W_kl of Σᵢⱼ Wᵢⱼ² is 2W[k, l].
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import sympy as sp

from ..errors import SymdiffError
from ..model import Formula
from ..model.index_form import FreeIndices, IndexedEntry, IndexedSum, index_symbol
from ..model.nodes import BOUND, Diag, Elementwise

ENTRY = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*\[\s*([A-Za-z])\s*(?:,\s*([A-Za-z])\s*)?\]\s*")
"""``W[k, l]`` or ``w[j]``: a variable at index names."""

INDEX_NAMES = "ijklmpqrstuvabcefgh"
"""Names for the summation indices of an answer, first unused first."""

ZERO = sp.Integer(0)


def entry_target(name: str) -> tuple[str, tuple[str, ...]] | None:
    """``W[k, l]`` -> ("W", ("k", "l")); None when ``name`` is not an entry at index names."""
    match = ENTRY.fullmatch(name)
    if match is None:
        return None
    base, row, col = match.groups()
    return base, (row,) if col is None else (row, col)


def by_entry(formula: Formula, gradient: sp.Basic, base: str, slots: tuple[str, ...]) -> sp.Basic:
    """The entry ``slots`` of ``gradient`` (the derivative by ``base``) in index form."""
    shape = formula.variables[base]
    wanted = 1 if shape[1:] == (1,) else 2
    if formula.form == "component":
        raise SymdiffError(
            f"{base} has concrete dims: differentiate by a component such as {base}1",
            hint="an entry at index names (w[j]) is for symbolic dims",
        )
    if len(slots) != wanted or len(set(slots)) != len(slots):
        raise SymdiffError(
            f"{base} is a {'vector' if wanted == 1 else 'matrix'}: its entry takes {wanted} different index names",
            hint=f"write {base}[j]" if wanted == 1 else f"write {base}[k, l]",
        )
    taken = set(formula.symbols) | set(formula.typing.sizes) | {str(d) for s in formula.variables.values() for d in s}
    clash = [slot for slot in slots if slot in taken]
    if clash:
        raise SymdiffError(
            f"the index {clash[0]} is also a name of the formula", hint="use another letter for the index"
        )
    if getattr(gradient, "is_Matrix", False) is False or gradient.shape != formula.symbols[base].shape:
        raise SymdiffError(f"the partial by an entry of {base} is of a scalar formula", hint=f"differentiate by {base}")
    rows, cols = formula.symbols[base].shape
    row = index_symbol(slots[0])
    col = index_symbol(slots[1]) if wanted == 2 else ZERO
    names = (name for name in INDEX_NAMES if name not in taken and name not in slots)
    form = _Writer(names).entry(gradient, row, col)
    indices = (row,) if wanted == 1 else (row, col)
    return FreeIndices(form, indices, (rows,) if wanted == 1 else (rows, cols), gradient)


def check_not_index_form(value: sp.Basic) -> None:
    """A partial by an entry is differentiated no further: its index form is an answer, not a formula."""
    if value.has(FreeIndices):
        raise SymdiffError(
            "a partial by an entry (in index form) is not differentiated again",
            hint="differentiate by the whole arrays (--wrt w --wrt w), then take the entry",
        )


class _Writer:
    """Entries of matrix expressions in index form, with fresh summation indices."""

    def __init__(self, names: Iterator[str]) -> None:
        self.names = names

    def fresh(self) -> sp.Symbol:
        name = next(self.names, None)
        if name is None:
            raise SymdiffError("the index form needs more summation indices than there are letters")
        return index_symbol(name)

    def entry(self, expr: sp.Basic, row: sp.Expr, col: sp.Expr) -> sp.Expr:
        for kind, rule in RULES.items():
            if isinstance(expr, kind):
                return rule(self, expr, row, col)
        return IndexedEntry(expr, row, col)

    def product(self, expr: sp.MatMul, row: sp.Expr, col: sp.Expr) -> sp.Expr:
        """(AB)_rc = Σ_m A_rm B_mc; a diagonal factor merges its two indices, a column has none between."""
        coefficient, factors = expr.as_coeff_matrices()
        terms: list[sp.Expr] = []
        sums: list[tuple[sp.Symbol, sp.Expr]] = []
        current = row
        for position, factor in enumerate(factors):
            last = position == len(factors) - 1
            if isinstance(factor, Diag):
                terms.append(self.entry(factor.vector, current, ZERO))
                if last:
                    if not any(index == current for index, _ in sums):
                        return IndexedEntry(expr, row, col)
                    terms = [term.xreplace({current: col}) for term in terms]
                    sums = [(index, dim) for index, dim in sums if index != current]
                continue
            if last:
                following = col
            elif factor.shape[1] == 1:
                following = ZERO
            else:
                following = self.fresh()
                sums.append((following, factor.shape[1]))
            terms.append(self.entry(factor, current, following))
            current = following
        body: sp.Expr = sp.Mul(*terms)
        for index, dim in reversed(sums):
            body = summed(body, index, dim)
        return coefficient * body

    def transposed(self, expr: sp.Transpose, row: sp.Expr, col: sp.Expr) -> sp.Expr:
        return self.entry(expr.arg, col, row)

    def sum(self, expr: sp.MatAdd, row: sp.Expr, col: sp.Expr) -> sp.Expr:
        return sp.Add(*(self.entry(term, row, col) for term in expr.args))

    def hadamard(self, expr: sp.HadamardProduct, row: sp.Expr, col: sp.Expr) -> sp.Expr:
        return sp.Mul(*(self.entry(factor, row, col) for factor in expr.args))

    def entrywise(self, expr: Elementwise, row: sp.Expr, col: sp.Expr) -> sp.Expr:
        entries = {BOUND[i]: self.entry(operand, row, col) for i, operand in enumerate(expr.operands)}
        return expr.body.xreplace(entries)


def summed(body: sp.Expr, index: sp.Symbol, dim: sp.Expr) -> sp.Expr:
    """Σ over ``index`` of ``body``, with the factors that do not depend on it outside."""
    factors = sp.Mul.make_args(body)
    outside = [factor for factor in factors if index not in factor.free_symbols]
    inside = [factor for factor in factors if index in factor.free_symbols]
    return sp.Mul(*outside) * IndexedSum(sp.Mul(*inside), index, dim)


def _matrix_entry(writer: _Writer, expr: sp.MatrixSymbol, row: sp.Expr, col: sp.Expr) -> sp.Expr:
    return IndexedEntry(expr, row, col)


RULES: dict[type, Callable[[_Writer, sp.Basic, sp.Expr, sp.Expr], sp.Expr]] = {
    sp.MatrixSymbol: _matrix_entry,
    sp.MatMul: _Writer.product,
    sp.Transpose: _Writer.transposed,
    sp.MatAdd: _Writer.sum,
    sp.HadamardProduct: _Writer.hadamard,
    Elementwise: _Writer.entrywise,
    sp.OneMatrix: lambda writer, expr, row, col: sp.Integer(1),
    sp.ZeroMatrix: lambda writer, expr, row, col: sp.Integer(0),
}
"""The entry (row, col) of each kind of matrix node; any other is written as its entry, (expr)[row, col]."""
