"""Derivatives that are higher-order tensors, written as the matrices of their vec form.

A matrix F (p×q) of a matrix X (m×n) has a derivative with four indices. Vec
form (Magnus & Neudecker) stacks columns: vec is column-major, entry i + m*j
of vec(X) is X[i, j], and the derivative is the (pq)×(mn) matrix
J = ∂vec F/∂vec(X)ᵀ, whose entry (i + p*j, k + m*l) is ∂F[i, j]/∂X[k, l]. A
vector F is its own vec, so ∂(W*x)/∂W is p×(mn); the Hessian of a scalar by X
is the vec form of its gradient's derivative, mn×mn.

The differential dF in a direction D comes from forward mode
(``forward.tangent`` by the matrix X); ``coefficient`` reads J off it, one
rule per node in ``COEFFICIENTS``: vec(A D B) = (Bᵀ ⊗ A) vec D,
vec(Dᵀ) = K(m, n) vec D with K the commutation matrix, vec(M ∘ D) =
diag(vec M) vec D, vec(diag(v)) = diag(vec I) (1 ⊗ I) v, vec(A ⊗ B) through
(I ⊗ K ⊗ I)(vec A ⊗ vec B), and vec(s M) = vec(M) vec(G)ᵀ vec D for a scalar s =
⟨G, D⟩. A differential with a node no rule covers is an ``UnsupportedError``
naming it.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from .. import ops
from ..errors import UnsupportedError
from ..model.algebra import coefficient_and_factors, product
from ..model.build import CALLS
from ..model.nodes import Diag, Vec
from .forward import direction, tangent
from .matrix import construct_name, gradient
from .rules import kron_pair

_commutation = CALLS[ops.COMMUTATION]
"""K(m, n), as the model builds it: the identity when m or n is 1 (a vector's transpose keeps its order)."""


def is_tensor(value: sp.Basic, target: sp.Basic) -> bool:
    """True when ∂value/∂target has more than two indices: a matrix by a matrix, a vector by a matrix, a
    matrix by a vector."""
    if not (getattr(value, "is_Matrix", False) and getattr(target, "is_Matrix", False)):
        return False
    return value.shape[1] != 1 or target.shape[1] != 1


def vec_jacobian(value: sp.Basic, target: sp.MatrixSymbol) -> sp.Basic:
    """J = ∂vec(value)/∂vec(target)ᵀ, (p*q)×(m*n), vec column-major."""
    if isinstance(value, sp.MatrixBase):
        raise UnsupportedError(
            "the derivative of a [...] literal by a matrix is not supported in matrix form",
            hint="declare concrete dims (e.g. --shape X=2,2) for components, or differentiate a scalar of it",
        )
    rows, cols = value.shape
    size = target.shape[0] * target.shape[1]
    differential = tangent(value, target)
    if differential is None:
        return sp.ZeroMatrix(rows * cols, size)
    return coefficient(differential, direction(target))


def coefficient(expr: sp.Basic, D: sp.MatrixSymbol) -> sp.Basic:
    """M with vec(expr) = M vec(D), for ``expr`` linear in D."""
    if expr == D:
        return sp.Identity(D.shape[0] * D.shape[1])
    if isinstance(expr, sp.ZeroMatrix):
        return sp.ZeroMatrix(expr.shape[0] * expr.shape[1], D.shape[0] * D.shape[1])
    rule = COEFFICIENTS.get(type(expr))
    if rule is None:
        raise UnsupportedError(
            f"cannot write the derivative through {construct_name(expr)} with Kronecker products",
            hint="differentiate a scalar of it (e.g. its sum or trace), or take one component",
        )
    return rule(expr, D)


def vec(matrix: sp.Basic) -> sp.Basic:
    """vec(M); a column is its own vec, a row's is its transpose."""
    rows, cols = matrix.shape
    return matrix if cols == 1 else matrix.T if rows == 1 else Vec(matrix)


def kron(a: sp.Basic, b: sp.Basic) -> sp.Basic:
    """a ⊗ b, with a 1×1 identity factor left out."""
    if a.shape == (1, 1) and isinstance(a, sp.Identity):
        return b
    if b.shape == (1, 1) and isinstance(b, sp.Identity):
        return a
    return sp.KroneckerProduct(a, b)


def chain(factors: list[sp.Basic]) -> sp.Basic:
    """The product of ``factors``, adjacent Kronecker products multiplied block by block where the shapes fit:
    (A ⊗ B)(C ⊗ D) = AC ⊗ BD."""
    scalar: sp.Expr = sp.S.One
    flat: list[sp.Basic] = []
    for factor in factors:
        coefficient_of, matrices = coefficient_and_factors(factor)
        scalar, flat = scalar * coefficient_of, [*flat, *matrices]
    merged: list[sp.Basic] = []
    for factor in flat:
        if merged and isinstance(merged[-1], sp.KroneckerProduct) and isinstance(factor, sp.KroneckerProduct):
            (a, b), (c, d) = kron_pair(merged[-1]), kron_pair(factor)
            if a.shape[1] == c.shape[0] and b.shape[1] == d.shape[0]:
                merged[-1] = kron(product([a, c]), product([b, d]))
                continue
        merged.append(factor)
    return scalar * product(merged)


def _sum(expr: sp.MatAdd, D: sp.MatrixSymbol) -> sp.Basic:
    return sp.MatAdd(*(coefficient(term, D) for term in expr.args if term.has(D))).doit()


def _transpose(expr: sp.Transpose, D: sp.MatrixSymbol) -> sp.Basic:
    """vec(Tᵀ) = K(r, c) vec(T) for an r×c T."""
    rows, cols = expr.arg.shape
    inner = coefficient(expr.arg, D)
    return inner if rows == 1 or cols == 1 else chain([_commutation(rows, cols), inner])


def _product(expr: sp.MatMul, D: sp.MatrixSymbol) -> sp.Basic:
    """vec(c L T R) = c (Rᵀ ⊗ L) vec(T) for the one factor T holding D; vec(s M) = vec(M) vec(G)ᵀ vec(D) when
    the scalar s = ⟨G, D⟩ holds it."""
    scalar, factors = expr.as_coeff_matrices()
    factors = list(factors)
    if scalar.has(D):
        rest = product(factors)
        G = gradient(scalar, sp.S.One, D)
        return product([vec(rest), vec(G).T])
    (where,) = [i for i, factor in enumerate(factors) if factor.has(D)]
    held = factors[where]
    left, right = factors[:where], factors[where + 1 :]
    rows, cols = held.shape
    L = product(left) if left else sp.Identity(rows)
    R = product(right).T if right else sp.Identity(cols)
    return scalar * chain([kron(R, L), coefficient(held, D)])


def _hadamard(expr: sp.HadamardProduct, D: sp.MatrixSymbol) -> sp.Basic:
    """vec(M ∘ T) = diag(vec M) vec(T)."""
    (held,) = [arg for arg in expr.args if arg.has(D)]
    others = [arg for arg in expr.args if arg is not held]
    weights = others[0] if len(others) == 1 else sp.HadamardProduct(*others)
    return chain([Diag(vec(weights)), coefficient(held, D)])


def _diag(expr: Diag, D: sp.MatrixSymbol) -> sp.Basic:
    """vec(diag(v)) = diag(vec(I_n)) (1_n ⊗ I_n) v: the rows i + n*i of 1_n ⊗ I_n, which picks v_i for each row
    i + n*j, kept where i = j."""
    n = expr.vector.shape[0]
    spread = kron(sp.OneMatrix(n, 1), sp.Identity(n))
    return chain([Diag(Vec(sp.Identity(n))), spread, coefficient(expr.vector, D)])


def _kron(expr: sp.KroneckerProduct, D: sp.MatrixSymbol) -> sp.Basic:
    """vec(A ⊗ B) = P (vec A ⊗ vec B) with P = I_q ⊗ K(s, p) ⊗ I_r for a p×q A and an r×s B (Magnus & Neudecker,
    Theorem 3.10), and vec A ⊗ vec B is (I_pq ⊗ vec B) vec A, or (vec A ⊗ I_rs) vec B."""
    A, B = kron_pair(expr)
    (p, q), (r, s) = A.shape, B.shape
    shuffle = kron(kron(sp.Identity(q), _commutation(s, p)), sp.Identity(r))
    if A.has(D):
        return chain([shuffle, kron(sp.Identity(p * q), vec(B)), coefficient(A, D)])
    return chain([shuffle, kron(vec(A), sp.Identity(r * s)), coefficient(B, D)])


def _vec(expr: Vec, D: sp.MatrixSymbol) -> sp.Basic:
    return coefficient(expr.matrix, D)


COEFFICIENTS: dict[type, Callable[[sp.Basic, sp.MatrixSymbol], sp.Basic]] = {
    sp.MatAdd: _sum,
    sp.Transpose: _transpose,
    sp.MatMul: _product,
    sp.HadamardProduct: _hadamard,
    Diag: _diag,
    sp.KroneckerProduct: _kron,
    Vec: _vec,
}
"""How the vec-form coefficient of a differential is read off, by the type of its top node."""
