"""Reverse-mode rules of the matrix form, one small rule per operation.

Each rule takes a node and ``G``, the gradient of the final scalar with
respect to the node's value (a matrix of the node's shape, or a scalar for
scalar nodes and 1×1 products), and yields each argument with a thunk for the
gradient that argument receives. This is the differential method read
backwards: df = tr(Gᵀ d(node)) rewritten as Σ tr(Gᵢᵀ d(argᵢ)).

Rules for scalar functions of scalars are not here: SymPy differentiates
those, with ``fdiff`` of our own functions beside their definitions in
``symdiff.model.functions``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from ..errors import UnsupportedError
from ..model.algebra import product
from ..model.functions import diff
from ..model.matrices import as_scalar
from ..model.nodes import (
    BOUND,
    Diag,
    Elementwise,
    LogDet,
    LogSumExp,
    LogSumExpRows,
    Norm,
    OneHot,
    ScalarOf,
    Softmax,
    SoftmaxRows,
    SumEntries,
    Vec,
)
from ..model.walk import in_scope, is_array, nodes
from .diagonal import diagonal
from .entrywise import entrywise

Thunk = Callable[[], sp.Basic]
Rule = Callable[[sp.Basic, sp.Basic], Iterator[tuple[sp.Basic, Thunk]]]


def inner(G: sp.Basic, M: sp.Basic) -> sp.Expr:
    """⟨G, M⟩ = tr(Gᵀ M), the scalar a coefficient of M receives."""
    if not getattr(G, "is_Matrix", False):
        return G * as_scalar(M)
    for a, b in ((M, G), (G, M)):
        coefficient, ones = _scaled_ones(a)
        if ones is not None:
            return coefficient * sum_entries(b)
    rows, cols = M.shape
    if cols == 1:
        return as_scalar(G.T * M)
    if rows == 1:
        return as_scalar(M * G.T)
    return sp.Trace(G.T * M)


def hadamard(G: sp.Basic, M: sp.Basic) -> sp.Basic:
    """G ∘ M, with the cases that need no product written out (c*ones ∘ M = c*M)."""
    if isinstance(G, sp.ZeroMatrix) or isinstance(M, sp.ZeroMatrix):
        return sp.ZeroMatrix(*M.shape)
    for a, b in ((M, G), (G, M)):
        coefficient, ones = _scaled_ones(a)
        if ones is not None:
            return coefficient * b
    return sp.HadamardProduct(G, M)


def _scaled_ones(M: sp.Basic) -> tuple[sp.Expr, sp.OneMatrix | None]:
    """(c, ones) if M is c*ones(...), else (1, None)."""
    coefficient, factors = M.as_coeff_matrices() if isinstance(M, sp.MatMul) else (sp.S.One, [M])
    if len(factors) == 1 and isinstance(factors[0], sp.OneMatrix):
        return coefficient, factors[0]
    return sp.S.One, None


def sum_entries(M: sp.Basic) -> sp.Expr:
    """The sum of the entries of M; n*m for ones(n, m)."""
    coefficient, ones = _scaled_ones(M)
    if ones is not None:
        return coefficient * ones.shape[0] * ones.shape[1]
    return SumEntries(M)


def _product(factors: list[sp.Basic]) -> sp.Basic | None:
    return product(factors) if factors else None


def _matmul(node: sp.MatMul, G: sp.Basic):
    coefficient, factors = node.as_coeff_matrices()
    factors = list(factors)
    product = _product(factors)
    yield coefficient, lambda: inner(G, product)
    for i, factor in enumerate(factors):

        def thunk(i: int = i) -> sp.Basic:
            parts = [coefficient]
            left, right = _product(factors[:i]), _product(factors[i + 1 :])
            if left is not None:
                parts.append(left.T)
            parts.append(G)
            if right is not None:
                parts.append(right.T)
            return sp.Mul(*[p for p in parts if not p.is_Matrix]) * _product([p for p in parts if p.is_Matrix])

        yield factor, thunk


def _matadd(node: sp.MatAdd, G: sp.Basic):
    for term in node.args:
        yield term, lambda: G


def _transpose(node: sp.Transpose, G: sp.Basic):
    yield node.arg, lambda: G.T


def _inverse(node: sp.Inverse, G: sp.Basic):
    yield node.arg, lambda: -(node.T * G * node.T)


def _matpow(node: sp.MatPow, G: sp.Basic):
    base, exponent = node.args
    if not (exponent.is_Integer and exponent != 0):
        raise UnsupportedError(
            f"derivative of a matrix power with exponent {exponent}",
            hint="matrix powers need nonzero integer exponents",
        )
    k = int(exponent)
    if k > 0:
        yield base, lambda: _power_pullback(base, k, G)
    else:  # d(X^-k) = -Σ X^-(i+1) dX X^-(k-i), i = 0..k-1
        yield base, lambda: -sp.MatAdd(*((base ** -(i + 1)).T * G * (base ** (k + i)).T for i in range(-k))).doit()


def _power_pullback(base: sp.Basic, k: int, G: sp.Basic) -> sp.Basic:
    """The gradient reaching ``base`` from G at base^k: Σ (base^i)ᵀ G (base^(k-1-i))ᵀ."""
    return sp.MatAdd(*((base**i).T * G * (base ** (k - 1 - i)).T for i in range(k))).doit()


def _hadamard(node: sp.HadamardProduct, G: sp.Basic):
    for i, arg in enumerate(node.args):
        others = node.args[:i] + node.args[i + 1 :]
        yield arg, lambda others=others: hadamard(G, others[0] if len(others) == 1 else sp.HadamardProduct(*others))


def _element(node: MatrixElement, g: sp.Basic):
    """An entry M[i, j] of a matrix of concrete shape: M receives g at (i, j)."""
    parent, i, j = node.args
    unit = sp.ImmutableMatrix(*parent.shape, lambda r, c: int((r, c) == (i, j)))
    yield parent, lambda: g * unit


def _diag(node: Diag, G: sp.Basic):
    yield node.vector, lambda: diagonal(G)


def _literal(node: sp.ImmutableMatrix, G: sp.Basic):
    """A matrix literal: each entry is a scalar, receiving the matching entry of G."""
    entries = G.as_explicit()
    for i in range(node.rows):
        for j in range(node.cols):
            yield node[i, j], lambda i=i, j=j: entries[i, j]


def labels_error(node: OneHot) -> UnsupportedError:
    """Labels are integers: the one-hot matrix has no derivative by them."""
    return UnsupportedError(
        f"{node.labels} holds class labels (integers 1..K, in onehot({node.labels})): "
        "nothing is differentiable by them",
        hint="labels are data, like the samples: differentiate by the scores, the weights or the centroids",
    )


def _onehot(node: OneHot, G: sp.Basic):
    def refuse() -> sp.Basic:
        raise labels_error(node)

    yield node.labels, refuse


def _elementwise(node: Elementwise, G: sp.Basic):
    for i, operand in enumerate(node.operands):
        yield operand, lambda i=i: hadamard(G, entrywise(diff(node.body, BOUND[i]), node.operands, node.shape))
    for parameter, partial in partials(node.body):
        yield parameter, lambda partial=partial: inner(G, entrywise(partial, node.operands, node.shape))


def _scalar(node: sp.Expr, g: sp.Basic):
    for parameter, partial in partials(node):
        yield parameter, lambda partial=partial: g * partial


def partials(expr: sp.Expr) -> Iterator[tuple[sp.Basic, sp.Expr]]:
    """Each parameter of a scalar expression with the partial derivative by it.

    Parameters are free symbols and the outermost scalar functions of
    matrices (``norm(A*x)``), which SymPy's ``diff`` sees as opaque symbols.
    """
    found = nodes(expr, lambda node: in_scope(node) and not isinstance(node, SCALAR_ATOMS))
    atoms = {node: sp.Dummy(real=True) for node in found if isinstance(node, SCALAR_ATOMS)}
    opaque = expr.xreplace(atoms)
    back = {dummy: atom for atom, dummy in atoms.items()}
    for atom, dummy in atoms.items():
        yield atom, diff(opaque, dummy).xreplace(back)
    for symbol in opaque.free_symbols - set(back) - set(BOUND):
        if not is_array(symbol):
            yield symbol, diff(opaque, symbol).xreplace(back)


def _softmax(node: Softmax, G: sp.Basic):
    yield node.vector, lambda: sp.HadamardProduct(node, G) - node * as_scalar(node.T * G)


def row_sums(M: sp.Basic) -> sp.Basic:
    """M*ones(d): the column of the sums of M's rows."""
    return M * sp.OneMatrix(M.shape[1], 1)


def along_rows(v: sp.Basic, like: sp.Basic) -> sp.Basic:
    """The column v repeated along each row of a matrix of ``like``'s shape: v*ones(d).T."""
    return v * sp.OneMatrix(1, like.shape[1])


def _softmax_rows(node: SoftmaxRows, G: sp.Basic):
    """Each row as softmax: dS = S ∘ (dX - ((S ∘ dX) 1) 1ᵀ), so X receives S ∘ (G - ((S ∘ G) 1) 1ᵀ)."""
    yield node.matrix, lambda: sp.HadamardProduct(node, G - along_rows(row_sums(hadamard(node, G)), node))


def _logsumexp_rows(node: LogSumExpRows, G: sp.Basic):
    """Each row as logsumexp: dL = (S ∘ dX) 1, so X receives S ∘ (G 1ᵀ) with S = softmax(X, rows)."""
    yield node.matrix, lambda: hadamard(along_rows(G, node.matrix), SoftmaxRows(node.matrix))


def _scalar_of(node: ScalarOf, g: sp.Basic):
    yield node.matrix, lambda: g


def _norm(node: Norm, g: sp.Basic):
    yield node.matrix, lambda: (g / node) * node.matrix


def _sum_entries(node: SumEntries, g: sp.Basic):
    yield node.matrix, lambda: g * sp.OneMatrix(*node.matrix.shape)


def _logsumexp(node: LogSumExp, g: sp.Basic):
    yield node.matrix, lambda: g * Softmax(node.matrix)


def _trace(node: sp.Trace, g: sp.Basic):
    yield node.arg, lambda: g * sp.Identity(node.arg.shape[0])


def _determinant(node: sp.Determinant, g: sp.Basic):
    yield node.arg, lambda: g * node * sp.Inverse(node.arg).T


def _logdet(node: LogDet, g: sp.Basic):
    yield node.matrix, lambda: g * sp.Inverse(node.matrix).T


def kron_pair(node: sp.KroneckerProduct) -> tuple[sp.Basic, sp.Basic]:
    """kron(A, B, C) as kron(A, kron(B, C)): every rule sees two factors."""
    first, *rest = node.args
    return first, rest[0] if len(rest) == 1 else sp.KroneckerProduct(*rest)


def _kron(node: sp.KroneckerProduct, G: sp.Basic):
    """⟨G, A ⊗ B⟩ sums each r×s block (i, j) of G times B into entry (i, j) of A's gradient: summing within
    blocks is (I_p ⊗ 1_rᵀ) · (I_q ⊗ 1_s), so A receives (I_p ⊗ 1_rᵀ)(G ∘ (1_p 1_qᵀ ⊗ B))(I_q ⊗ 1_s), and B
    likewise (1_pᵀ ⊗ I_r)(G ∘ (A ⊗ 1_r 1_sᵀ))(1_q ⊗ I_s)."""
    A, B = kron_pair(node)
    (p, q), (r, s) = A.shape, B.shape
    yield (
        A,
        lambda: (
            sp.KroneckerProduct(sp.Identity(p), sp.OneMatrix(1, r))
            * sp.HadamardProduct(G, sp.KroneckerProduct(sp.OneMatrix(p, q), B))
            * sp.KroneckerProduct(sp.Identity(q), sp.OneMatrix(s, 1))
        ),
    )
    yield (
        B,
        lambda: (
            sp.KroneckerProduct(sp.OneMatrix(1, p), sp.Identity(r))
            * sp.HadamardProduct(G, sp.KroneckerProduct(A, sp.OneMatrix(r, s)))
            * sp.KroneckerProduct(sp.OneMatrix(q, 1), sp.Identity(s))
        ),
    )


def _vec(node: Vec, G: sp.Basic):
    """⟨g, vec X⟩ = ⟨unvec(g), X⟩ for the m×n X, and unvec(g) = (vec(I_n)ᵀ ⊗ I_m)(I_n ⊗ g): column j of it is
    block j of g."""
    m, n = node.matrix.shape
    yield (
        node.matrix,
        lambda: sp.KroneckerProduct(Vec(sp.Identity(n)).T, sp.Identity(m)) * sp.KroneckerProduct(sp.Identity(n), G),
    )


RULES: dict[type, Rule] = {
    sp.MatMul: _matmul,
    sp.MatAdd: _matadd,
    sp.Transpose: _transpose,
    sp.Inverse: _inverse,
    sp.MatPow: _matpow,
    sp.HadamardProduct: _hadamard,
    Diag: _diag,
    OneHot: _onehot,
    sp.ImmutableMatrix: _literal,
    Elementwise: _elementwise,
    Softmax: _softmax,
    SoftmaxRows: _softmax_rows,
    LogSumExpRows: _logsumexp_rows,
    ScalarOf: _scalar_of,
    Norm: _norm,
    SumEntries: _sum_entries,
    LogSumExp: _logsumexp,
    sp.Trace: _trace,
    sp.Determinant: _determinant,
    LogDet: _logdet,
    MatrixElement: _element,
    sp.KroneckerProduct: _kron,
    Vec: _vec,
}
"""Reverse-mode rule of each matrix-form node type."""

SCALAR_ATOMS: tuple[type, ...] = (
    ScalarOf, Norm, SumEntries, LogSumExp, sp.Trace, sp.Determinant, LogDet, MatrixElement,
)  # fmt: skip
"""Scalar-valued nodes of matrix arguments: opaque to SymPy's scalar ``diff``."""
