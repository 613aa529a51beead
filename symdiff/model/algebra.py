"""Small algebra on SymPy forms that every later stage needs, written once.

Splitting a matrix product into its scalar coefficient and matrix factors,
multiplying factors back, the entries of an explicit array, and the one
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
