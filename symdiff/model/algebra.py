"""Small algebra on SymPy forms that every later stage needs, written once.

Splitting a matrix product into its scalar coefficient and matrix factors,
multiplying factors back, the cheapest order of a matrix chain, the entries of an explicit array, and the one
refusal of derivatives that would be higher-order tensors.
"""

from __future__ import annotations

import sympy as sp

from ..errors import UnsupportedError


def coefficient_and_factors(matrix: sp.Basic) -> tuple[sp.Expr, list[sp.Basic]]:
    """``2*A*B`` -> (2, [A, B]); anything that is not a product -> (1, [matrix])."""
    if isinstance(matrix, sp.MatMul):
        coefficient, factors = matrix.as_coeff_matrices()
        return coefficient, list(factors)
    return sp.S.One, [matrix]


def product(factors: list[sp.Basic]) -> sp.Basic:
    """The matrix product of ``factors`` (at least one), flattened."""
    return sp.MatMul(*factors).doit() if len(factors) > 1 else factors[0]


def entries(value: sp.Basic) -> list[sp.Basic]:
    """The entries of an explicit array in row order; a scalar or matrix expression is its one entry."""
    return list(value) if isinstance(value, sp.MatrixBase) else [value]


def higher_order(hint: str) -> UnsupportedError:
    """The refusal of a derivative that is a tensor of order 3 or more (a matrix by a matrix, say)."""
    return UnsupportedError(
        "the derivative of a matrix, or of a vector by a matrix, is a higher-order tensor", hint=hint
    )


def chain_order(dims: list[int]) -> list[list[int]]:
    """Matrix chain order, the classic dynamic programme over the sizes (factor k is dims[k]×dims[k+1]):
    split[i][j] is where the product of factors i..j is best split. The planner orders the products it
    computes by it, the component form the products it writes out."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j], split[i][j] = min(
                (cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1], k) for k in range(i, j)
            )
    return split
