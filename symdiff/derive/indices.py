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
from typing import NamedTuple

import sympy as sp

from ..errors import SymdiffError, UnsupportedError
from ..model import Formula
from ..model.functions import diff
from ..model.index_form import FreeIndices, IndexArray, IndexedEntry, IndexedSum, IndexPartial, index_symbol
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
    if isinstance(gradient, FreeIndices):  # from the index form: its free indices renamed
        return _renamed(gradient, tuple(index_symbol(slot) for slot in slots))
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
    if isinstance(value, FreeIndices) and isinstance(value.matrix, IndexArray):
        raise SymdiffError(
            "a gradient in index form (the formula has no matrix form) is not differentiated again",
            hint="differentiate the formula once, or write it in matrix form",
        )
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
    if not inside:  # Σᵢ c = n c
        return dim * sp.Mul(*outside)
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


# --- the gradient of a formula in index form (no matrix form: model.index_terms) ------------------


def in_index_form(value: sp.Basic) -> bool:
    """Whether ``value`` holds sums or entries in index form (a formula with no matrix form)."""
    return value.has(IndexedSum, IndexedEntry, IndexArray)


def index_gradient(
    value: sp.Basic, target: sp.Basic, matrix_rule: Callable[[sp.Basic, sp.Basic], sp.Basic]
) -> sp.Basic:
    """∂value/∂target by its entry (k, l), in index form: each entry of the target in the formula gives
    Kronecker deltas (∂W_ij/∂W_kl = δ_ik δ_jl), each sum over an index in a delta collapses to the term
    at the other index. ``matrix_rule`` differentiates the parts of ``value`` in matrix form."""
    if getattr(value, "is_Matrix", False):
        raise UnsupportedError(
            "the derivative of an array in index form is not taken", hint="differentiate a scalar formula"
        )
    return index_steps(value, target, matrix_rule).answer


class IndexSteps(NamedTuple):
    """The bookkeeping of a partial in index form, as a course writes it."""

    entry: sp.Expr
    """The entry differentiated by, at the free indices (a scalar target itself)."""
    pulled: sp.Expr
    """The sums pulled out (linearity): ∂/∂w_k of each summand."""
    deltas: sp.Expr
    """Each summand's partial, with its Kronecker deltas."""
    answer: sp.Basic
    """The deltas resolved: the sums over their indices collapsed (``FreeIndices`` by an array)."""


def index_steps(
    value: sp.Basic,
    target: sp.Basic,
    matrix_rule: Callable[[sp.Basic, sp.Basic], sp.Basic],
    slots: tuple[str, ...] | None = None,
) -> IndexSteps:
    """The partial of the scalar ``value`` (in index form) by the entry of ``target`` at ``slots``
    (default: letters the formula does not use), step by step."""
    taken = {str(s) for s in sp.preorder_traversal(value) if isinstance(s, sp.Symbol | sp.MatrixSymbol)}
    rows, cols = getattr(target, "shape", (1, 1))
    taken |= {str(rows), str(cols)} | set(slots or ())
    writer = _Writer(name for name in INDEX_NAMES if name not in taken)
    value = _rebound(value, set(map(index_symbol, slots or ())), writer)
    vector = cols == 1
    if not isinstance(target, sp.MatrixSymbol):
        free: tuple[sp.Symbol, ...] = ()
    elif slots is not None:
        free = tuple(index_symbol(slot) for slot in slots)
    else:
        free = (writer.fresh(),) if vector else (writer.fresh(), writer.fresh())
    partial = _Partial(writer, target, free, matrix_rule)
    deltas = partial.of(value)
    form = sp.factor_terms(resolved(deltas))
    if form.has(sp.KroneckerDelta):
        raise UnsupportedError(
            f"the partial by {target.name}[{', '.join(map(str, free))}] keeps a Kronecker delta between its indices "
            f"(an entry such as {target.name}[i, i] is on the diagonal only)",
            hint="write the diagonal as a vector of its own",
        )
    if not free:
        return IndexSteps(target, _pulled(value, target), deltas, form)
    dims = (rows,) if vector else (rows, cols)
    entry = IndexedEntry(target, free[0], free[1] if len(free) == 2 else ZERO)
    answer = FreeIndices(form, free, dims, IndexArray(form, free, dims))
    return IndexSteps(entry, _pulled(value, entry), deltas, answer)


def _rebound(value: sp.Basic, avoid: set[sp.Symbol], writer: _Writer) -> sp.Basic:
    """``value`` with each sum over an index in ``avoid`` (the entry's indices asked for) over a fresh one."""
    if not avoid:
        return value
    if isinstance(value, IndexedSum) and value.index in avoid:
        fresh = writer.fresh()
        return IndexedSum(_rebound(value.body.xreplace({value.index: fresh}), avoid, writer), fresh, value.dim)
    if not value.args or getattr(value, "is_Matrix", False):
        return value
    return value.func(*(_rebound(arg, avoid, writer) for arg in value.args))


def _pulled(expr: sp.Expr, entry: sp.Expr) -> sp.Expr:
    """``expr`` with its sums and constant factors outside ∂/∂entry (the partial of a sum is the sum of partials)."""
    target = entry.array if isinstance(entry, IndexedEntry) else entry
    if target not in expr.free_symbols:
        return ZERO
    if isinstance(expr, sp.Add):
        return sp.Add(*(_pulled(term, entry) for term in expr.args))
    if isinstance(expr, IndexedSum):
        return IndexedSum(_pulled(expr.body, entry), expr.index, expr.dim)
    if isinstance(expr, sp.Mul):
        constant = [factor for factor in expr.args if target not in factor.free_symbols]
        rest = sp.Mul(*(factor for factor in expr.args if target in factor.free_symbols))
        if constant:
            return sp.Mul(*constant) * _pulled(rest, entry)
    return IndexPartial(expr, entry)


def _bound_indices(value: sp.Basic) -> set[sp.Symbol]:
    return {node.index for node in sp.preorder_traversal(value) if isinstance(node, IndexedSum)}


def _renamed(gradient: FreeIndices, slots: tuple[sp.Symbol, ...]) -> FreeIndices:
    """The index-form gradient at the indices asked for; a sum over one of them is over a fresh index."""
    taken = {str(s) for s in sp.preorder_traversal(gradient.form) if isinstance(s, sp.Symbol)} | set(map(str, slots))
    writer = _Writer(name for name in INDEX_NAMES if name not in taken)
    form = _rebound(gradient.form, set(slots), writer).xreplace(dict(zip(gradient.indices, slots)))
    return FreeIndices(form, slots, gradient.dims, IndexArray(form, slots, gradient.dims))


class _Partial:
    """∂/∂target[free] of scalars in index form, one rule per node type; deltas left for ``resolved``."""

    def __init__(
        self, writer: _Writer, target: sp.MatrixSymbol, free: tuple[sp.Symbol, ...], matrix_rule: Callable
    ) -> None:
        self.writer = writer
        self.target = target
        self.free = free
        self.matrix_rule = matrix_rule

    def of(self, expr: sp.Basic) -> sp.Expr:
        if self.target not in expr.free_symbols:
            return ZERO
        for kind, rule in PARTIALS.items():
            if isinstance(expr, kind):
                return rule(self, expr)
        if not in_index_form(expr):  # a part in matrix form: its gradient's entry
            gradient = self.matrix_rule(expr, self.target)
            if not self.free:
                return gradient
            return self.writer.entry(gradient, self.free[0], self.free[1] if len(self.free) == 2 else ZERO)
        return self.chain(expr)

    def symbol(self, expr: sp.Symbol) -> sp.Expr:
        return sp.Integer(1) if expr == self.target else ZERO

    def entry(self, expr: IndexedEntry) -> sp.Expr:
        if expr.array != self.target:  # an entry of a matrix expression: written with entries of its symbols
            return self.of(self.writer.entry(expr.array, *expr.args[1:]))
        slots = expr.args[1:2] if len(self.free) == 1 else expr.args[1:3]
        return sp.Mul(*(sp.KroneckerDelta(slot, index) for slot, index in zip(slots, self.free, strict=True)))

    def sum(self, expr: IndexedSum) -> sp.Expr:
        return IndexedSum(self.of(expr.body), expr.index, expr.dim)

    def add(self, expr: sp.Add) -> sp.Expr:
        return sp.Add(*(self.of(term) for term in expr.args))

    def product(self, expr: sp.Mul) -> sp.Expr:
        factors = expr.args
        return sp.Add(*(sp.Mul(*factors[:k], self.of(factor), *factors[k + 1 :]) for k, factor in enumerate(factors)))

    def chain(self, expr: sp.Expr) -> sp.Expr:
        """f(u, v, ...): Σ ∂f/∂u · ∂u, the outer derivative taken by SymPy (with symdiff's kinks)."""
        dummies = [sp.Dummy(real=True) for _ in expr.args]
        outer = expr.func(*dummies)
        back = dict(zip(dummies, expr.args, strict=True))
        return sp.Add(
            *(diff(outer, dummy).xreplace(back) * self.of(arg) for dummy, arg in zip(dummies, expr.args, strict=True))
        )


PARTIALS: dict[type, Callable[[_Partial, sp.Basic], sp.Expr]] = {
    sp.Symbol: _Partial.symbol,
    IndexedEntry: _Partial.entry,
    IndexedSum: _Partial.sum,
    sp.Add: _Partial.add,
    sp.Mul: _Partial.product,
}
"""The partial of each kind of index-form node; any other function of its arguments by the chain rule."""


def resolved(expr: sp.Expr) -> sp.Expr:
    """``expr`` with every sum over an index in a Kronecker delta collapsed: Σᵢ δ_ik fᵢ = f_k, innermost first;
    the factors of a sum that do not depend on its index are taken out of it."""
    if isinstance(expr, IndexedSum):
        body = sp.factor_terms(resolved(expr.body))
        return sp.Add(*(_collapsed(term, expr.index, expr.dim) for term in _terms(body, expr.index)))
    if not expr.args or not isinstance(expr, sp.Expr) or getattr(expr, "is_Matrix", False):
        return expr
    return expr.func(*(resolved(arg) for arg in expr.args))


def _terms(body: sp.Expr, index: sp.Symbol) -> list[sp.Expr]:
    """The terms of ``body``, a product multiplied out only where a delta in ``index`` is inside a sum of it."""
    terms = []
    for term in sp.Add.make_args(body):
        if any(isinstance(f, sp.Add) and _delta_in(f, index) for f in sp.Mul.make_args(term)):
            terms.extend(_terms(sp.expand_mul(term, deep=False), index))
        else:
            terms.append(term)
    return terms


def _delta_in(expr: sp.Expr, index: sp.Symbol) -> bool:
    return any(index in delta.args for delta in expr.atoms(sp.KroneckerDelta))


def _collapsed(term: sp.Expr, index: sp.Symbol, dim: sp.Expr) -> sp.Expr:
    for factor in sp.Mul.make_args(term):
        if isinstance(factor, sp.KroneckerDelta) and index in factor.args:
            other = factor.args[1] if factor.args[0] == index else factor.args[0]
            return (term / factor).xreplace({index: other})
    return summed(term, index, dim)
