"""A small simplification pass over results: the form a textbook prints.

Reverse mode leaves sums of products uncollected: ``A.T*(2*A*x - 2*b)``,
``X*b*c.T + X*c*b.T``, three terms over one denominator. ``tidy`` rewrites
a result bottom-up, one rule per node type (``TIDY``), with rewrites that
cannot change the value:

- in a sum, like terms are collected (SymPy's ``MatAdd``), then a scalar
  factor common to every term is pulled out (``2*(A*x - b)``, a common
  denominator) and terms sharing a leftmost or rightmost matrix factor are
  grouped (``X*(b*c.T + c*b.T)``);
- sums and entrywise products of entrywise functions are fused into one
  entrywise function whose body SymPy simplifies (``y - sigmoid(X*w)``);
- the body of an entrywise function is expanded and its common factors
  pulled out.

A rewrite is kept only when it makes the printed result strictly shorter,
so ``A*x + A.T*x`` stays as the Cookbook prints it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce

import sympy as sp

from ..export.text import to_text
from ..model.nodes import BOUND, Elementwise, ScalarOf, SumEntries
from ..model.walk import by_type, is_array, nodes, rebuilt, rewrite, scope, whole
from .entrywise import entrywise, fuse, simplify_body
from .rules import sum_entries

MAX_GROUPED_TERMS = 12
"""Sums longer than this keep their terms ungrouped (the search is quadratic per step)."""


def tidy(expr: sp.Basic) -> sp.Basic:
    """``expr`` rewritten to a shorter equal form, bottom-up."""
    return rewrite(expr, by_type(TIDY), whole, lambda node, args: REBUILD.get(type(node), rebuilt)(node, args))


def shorter(candidates: list[sp.Basic]) -> sp.Basic:
    """The smallest candidate: fewest leaves, then shortest text; the first one on a tie."""
    return min(candidates, key=lambda candidate: (leaves(candidate), len(to_text(candidate))))


def leaves(expr: sp.Basic) -> int:
    """How many names and numbers the printed expression has (an entrywise body counts its operands)."""
    return sum(_leaf_count(node) for node in nodes(expr, _counted_through))


def _counted_through(node: sp.Basic) -> bool:
    return whole(node) and not isinstance(node, Elementwise)


def _leaf_count(node: sp.Basic) -> int:
    if isinstance(node, Elementwise):
        bound = dict(zip(BOUND, node.operands, strict=False))
        body_leaves = (leaf for leaf in scope(node.body) if not leaf.args or is_array(leaf))
        return sum(leaves(bound[leaf]) if leaf in bound else leaves(leaf) for leaf in body_leaves)
    if node is sp.S.NegativeOne:  # a sign is not a leaf: x - a has two
        return 0
    return 1 if not _counted_through(node) or not node.args else 0


# --- rebuilding a node from tidied arguments ---------------------------------
def product(coefficient: sp.Expr, factors: list[sp.Basic]) -> sp.Basic:
    """coefficient * F1 * F2 ... as one flat ``MatMul``, without SymPy distributing 2*(A + B)."""
    flat: list[sp.Basic] = []
    for factor in factors:
        if isinstance(factor, sp.MatMul):
            inner, inner_factors = factor.as_coeff_matrices()
            coefficient *= inner
            flat.extend(inner_factors)
        else:
            flat.append(factor)
    if coefficient == 0:
        return sp.ZeroMatrix(*_shape(flat))
    if len(flat) == 1 and coefficient == 1:
        return flat[0]
    return sp.MatMul(coefficient, *flat) if coefficient != 1 else sp.MatMul(*flat)


def _shape(factors: list[sp.Basic]) -> tuple[sp.Expr, sp.Expr]:
    return factors[0].shape[0], factors[-1].shape[1]


def _rebuild_matmul(expr: sp.MatMul, args: tuple[sp.Basic, ...]) -> sp.Basic:
    scalars = [arg for arg in args if not getattr(arg, "is_Matrix", False)]
    factors = [arg for arg in args if getattr(arg, "is_Matrix", False)]
    if args == expr.args:
        return expr
    if any(isinstance(f, sp.ZeroMatrix) for f in factors):
        return sp.ZeroMatrix(*expr.shape)
    return product(sp.Mul(*scalars), factors)


def _rebuild_matadd(expr: sp.MatAdd, args: tuple[sp.Basic, ...]) -> sp.Basic:
    return expr if args == expr.args else reduce(lambda a, b: a + b, args)


REBUILD: dict[type, Callable[[sp.Basic, tuple[sp.Basic, ...]], sp.Basic]] = {
    sp.MatMul: _rebuild_matmul,
    sp.MatAdd: _rebuild_matadd,
    sp.Transpose: lambda expr, args: args[0].T,
    sp.MatPow: lambda expr, args: args[0] ** args[1],
    sp.HadamardProduct: lambda expr, args: sp.HadamardProduct(*args).doit(deep=False),
    Elementwise: lambda expr, args: Elementwise(args[0], tuple(args[1])),
}
"""How a node is put back together when its arguments changed."""


# --- sums -----------------------------------------------------------------------
def _sum(expr: sp.MatAdd) -> sp.Basic:
    return shorter([expr, factor_sum(list(expr.args)), *_fused(expr)])


def factor_sum(terms: list[sp.Basic]) -> sp.Basic:
    """Σ terms with common factors pulled out, greedily, while the text gets shorter."""
    current = _add(terms)
    while isinstance(current, sp.MatAdd) and len(current.args) <= MAX_GROUPED_TERMS:
        terms = list(current.args)
        options = [_pull_scalar(terms), *_groupings(terms)]
        best = shorter([current, *(option for option in options if option is not None)])
        if best is current:
            break
        current = best
    return current


def _add(terms: list[sp.Basic]) -> sp.Basic:
    return sp.MatAdd(*terms).doit(deep=False) if len(terms) > 1 else terms[0]


def _split(term: sp.Basic) -> tuple[sp.Expr, list[sp.Basic]]:
    if isinstance(term, sp.MatMul):
        coefficient, factors = term.as_coeff_matrices()
        return coefficient, list(factors)
    return sp.S.One, [term]


def _pull_scalar(terms: list[sp.Basic]) -> sp.Basic | None:
    """c * Σ (term / c) for the scalar c common to every term, if there is one."""
    common = common_factor([_split(term)[0] for term in terms])
    if common == 1:
        return None
    inner = factor_sum([product(_split(term)[0] / common, _split(term)[1]) for term in terms])
    return product(common, [inner])


def common_factor(coefficients: list[sp.Expr]) -> sp.Expr:
    """The largest product of powers dividing every coefficient (a common denominator included).

    A base common to all coefficients with exponents of one sign contributes
    its smallest exponent: x and x**2 share x; 1/q and 1/q**2 share 1/q**2.
    Numbers contribute gcd(numerators)/lcm(denominators), negative if all are.
    """
    numbers, powers = [], []
    for coefficient in coefficients:
        number, rest = coefficient.as_coeff_Mul()
        numbers.append(number)
        exponents: dict[sp.Expr, sp.Expr] = {}
        for factor in sp.Mul.make_args(rest):
            base, exponent = factor.as_base_exp()
            exponents[base] = exponents.get(base, 0) + exponent
        powers.append(exponents)
    common = _common_number(numbers)
    for base in set.intersection(*(set(p) for p in powers)):
        of_base = [p[base] for p in powers]
        if all(e.is_Rational and e > 0 for e in of_base) or all(e.is_Rational and e < 0 for e in of_base):
            common *= base ** min(of_base)
    return common


def _common_number(numbers: list[sp.Expr]) -> sp.Expr:
    if not all(n.is_Rational for n in numbers):
        return sp.S.One
    numerator = reduce(sp.igcd, (abs(n.p) for n in numbers))
    denominator = reduce(sp.ilcm, (n.q for n in numbers))
    sign = -1 if all(n < 0 for n in numbers) else 1
    return sign * sp.Rational(numerator, denominator)


def _groupings(terms: list[sp.Basic]) -> list[sp.Basic]:
    """Each way of grouping two or more terms that share a leftmost or rightmost matrix factor."""
    options = []
    split = [_split(term) for term in terms]
    for side in (0, -1):
        groups: dict[sp.Basic, list[int]] = {}
        for i, (_, factors) in enumerate(split):
            if len(factors) > 1:
                groups.setdefault(factors[side], []).append(i)
        for key, members in groups.items():
            if len(members) < 2:
                continue
            rests = [product(split[i][0], split[i][1][1:] if side == 0 else split[i][1][:-1]) for i in members]
            inner = _sum_of(rests)
            grouped = product(sp.S.One, [key, inner] if side == 0 else [inner, key])
            options.append(_add([grouped, *(terms[i] for i in range(len(terms)) if i not in members)]))
    return options


def _sum_of(terms: list[sp.Basic]) -> sp.Basic:
    total = _add(terms)
    return _sum(total) if isinstance(total, sp.MatAdd) else total


def _fused(expr: sp.Basic) -> list[sp.Basic]:
    fused = fuse(expr)
    return [] if fused is None else [fused]


def _entrywise_product(expr: sp.Basic) -> sp.Basic:
    return shorter([expr, *_fused(expr)])


def _elementwise(expr: Elementwise) -> sp.Basic:
    simpler = simplify_body(expr)
    candidates = [expr, simpler]
    if isinstance(simpler, Elementwise):
        number, rest = content(simpler)
        candidates.insert(0, product(number, [rest]))
    return shorter(candidates)


def _product(expr: sp.MatMul) -> sp.Basic:
    """A product with the common scalar factor of each sum in it pulled to the front: 2*A.T*(A*x - b)."""
    coefficient, factors = _split(expr)
    pulled = []
    for factor in factors:
        common, rest = content(factor)
        coefficient *= common
        pulled.append(rest)
    candidates = [product(coefficient, pulled), expr]
    summed, rest = through_ones(coefficient, pulled)
    if rest:
        candidates.insert(0, product(summed, rest))
    return shorter(candidates)


def through_ones(coefficient: sp.Expr, factors: list[sp.Basic]) -> tuple[sp.Expr, list[sp.Basic]]:
    """ones(r, k) = ones(r)*ones(k).T, then ones(k).T*v and v.T*ones(k) are sum(v) for a vector v."""
    expanded: list[sp.Basic] = []
    for factor in factors:
        if isinstance(factor, sp.OneMatrix) and 1 not in factor.shape:
            expanded += [sp.OneMatrix(factor.shape[0], 1), sp.OneMatrix(1, factor.shape[1])]
        else:
            expanded.append(factor)
    out: list[sp.Basic] = []
    for factor in expanded:
        previous = out[-1] if out else None
        if isinstance(previous, sp.OneMatrix) and previous.shape[0] == 1 and factor.shape[1] == 1:
            out.pop()
            coefficient *= sum_entries(factor)
        elif (
            previous is not None
            and previous.shape[0] == 1
            and isinstance(factor, sp.OneMatrix)
            and factor.shape[1] == 1
        ):
            out.pop()
            coefficient *= sum_entries(tidy(previous.T))
        else:
            out.append(factor)
    return coefficient, out


def content(matrix: sp.Basic) -> tuple[sp.Expr, sp.Basic]:
    """(c, M) with ``matrix`` = c*M: the common factor of a sum, the number in an entrywise body."""
    if isinstance(matrix, sp.MatAdd):
        common = common_factor([_split(term)[0] for term in matrix.args])
        if common != 1:
            return common, _add([product(_split(term)[0] / common, _split(term)[1]) for term in matrix.args])
    if isinstance(matrix, Elementwise):
        number, rest = matrix.body.as_coeff_Mul()
        if number != 1:
            return number, entrywise(rest, list(matrix.operands), matrix.shape)
    if isinstance(matrix, sp.HadamardProduct):
        parts = [content(arg) for arg in matrix.args]
        common = sp.Mul(*(number for number, _ in parts))
        if common != 1:
            return common, sp.HadamardProduct(*(rest for _, rest in parts))
    if isinstance(matrix, sp.MatMul):
        coefficient, factors = _split(matrix)
        if len(factors) == 1:
            inner, rest = content(factors[0])
            return coefficient * inner, rest
    return sp.S.One, matrix


def _inverse(expr: sp.Inverse) -> sp.Basic:
    """inv(B.T*X.T*A.T) reads better as inv(A*X*B).T, inv(A.T + B.T) as inv(A + B).T."""
    if not isinstance(expr.arg, sp.MatMul | sp.MatAdd):
        return expr
    return shorter([expr, sp.Transpose(sp.Inverse(expr.arg.T))])


def _scalar_of(expr: ScalarOf) -> sp.Expr:
    """A 1×1 product read in whichever direction is shorter: x.T*hadamard(a, b) rather than hadamard(a.T, b.T)*x."""
    summed, rest = through_ones(*_split(expr.matrix))
    if not rest:
        return summed
    return shorter([expr, ScalarOf(tidy(expr.matrix.T))])


def _sum_entries(expr: SumEntries) -> sp.Expr:
    coefficient, factors = _split(expr.matrix)
    if len(factors) == 1 and isinstance(factors[0], Elementwise):
        return coefficient * _sum_of_affine(SumEntries(factors[0]))
    if coefficient == 1 or len(factors) != 1:
        return expr
    return coefficient * sum_entries(factors[0])


def _sum_of_affine(expr: SumEntries) -> sp.Expr:
    """sum(a*v + b) = a*sum(v) + b*n for an entrywise body affine in its one operand (a centred vector sums
    to 0: ``sum(x - sum(x)/n)``)."""
    node = expr.matrix
    if len(node.operands) != 1:
        return expr
    (operand,) = node.operands
    slope = sp.diff(node.body, BOUND[0])
    if slope.has(BOUND[0]):
        return expr
    offset = node.body.subs(BOUND[0], 0)
    rows, cols = operand.shape
    return shorter([expr, tidy(slope * sum_entries(operand) + offset * rows * cols)])


TIDY: dict[type, Callable[[sp.Basic], sp.Basic]] = {
    SumEntries: _sum_entries,
    ScalarOf: _scalar_of,
    sp.MatMul: _product,
    sp.Inverse: _inverse,
    sp.MatAdd: _sum,
    sp.HadamardProduct: _entrywise_product,
    sp.HadamardPower: lambda expr: fuse(expr) or expr,
    Elementwise: _elementwise,
}
"""The rewrite tried at each node type, after its arguments are tidied."""
