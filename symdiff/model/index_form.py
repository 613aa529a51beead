r"""Index form: entries at symbolic indices and sums over them, as courses write a partial by an entry.

∂/∂W_kl of Σᵢⱼ Wᵢⱼ² is 2W_kl; ∂/∂w_j of the squared error is
-2 Σᵢ X_ij (yᵢ − Σₘ X_im wₘ). These nodes hold such an answer: ``IndexedEntry``
(W[k, l]), ``IndexedSum`` (Sum(i, n, ...)) and ``FreeIndices``, the answer
with the indices it is a function of. They print as symdiff reads them (text
``Sum(i, n, X[i, j]*y[i])``, LaTeX ``\sum_{i=1}^{n} X_{ij} y_{i}``), and the
text reads back through the lifting of index sums (``model.indices``), an
independent path the tests compare with the matrix form. ``derive.indices``
builds them.
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixExpr


def index_symbol(name: str) -> sp.Symbol:
    """The symbol of a summation or free index (0-based when evaluated)."""
    return sp.Symbol(name, integer=True, nonnegative=True)


class IndexedEntry(sp.Expr):
    """Entry (row, col) of an array at symbolic indices; col is 0 for a vector."""

    is_commutative = True
    is_real = True

    def __new__(cls, array: MatrixExpr, row: sp.Expr, col: sp.Expr):
        return sp.Expr.__new__(cls, array, row, col)

    @property
    def array(self) -> MatrixExpr:
        return self.args[0]

    @property
    def slots(self) -> tuple[sp.Expr, ...]:
        """The indices written: (row,) for a vector, (row, col) for a matrix."""
        return self.args[1:2] if self.array.shape[1] == 1 else self.args[1:3]


class IndexedSum(sp.Expr):
    """The sum of ``body`` for ``index`` = 1..``dim``."""

    is_commutative = True
    is_real = True

    def __new__(cls, body: sp.Expr, index: sp.Symbol, dim: sp.Expr):
        return sp.Expr.__new__(cls, body, index, dim)

    @property
    def body(self) -> sp.Expr:
        return self.args[0]

    @property
    def index(self) -> sp.Symbol:
        return self.args[1]

    @property
    def dim(self) -> sp.Expr:
        return self.args[2]

    @property
    def free_symbols(self):
        return (self.body.free_symbols - {self.index}) | self.dim.free_symbols


class _OverIndices(MatrixExpr):
    """An index-form scalar (args[0]) and the free indices (args[1]) and their dims (args[2]) it is an array over."""

    @property
    def form(self) -> sp.Expr:
        return self.args[0]

    @property
    def indices(self) -> tuple[sp.Symbol, ...]:
        return tuple(self.args[1])

    @property
    def dims(self) -> tuple[sp.Expr, ...]:
        return tuple(self.args[2])


class FreeIndices(_OverIndices):
    """An index-form answer, the free indices it is a function of, and the matrix form it was written from.

    It prints as the partial at those indices and stands for the array of its
    values over all of them (rows along the first), as a formula with free
    indices reads (``2*W[k, l]`` is the matrix 2W); its numbers are the matrix
    form's. The tests read the printed index form back and compare."""

    def __new__(cls, form: sp.Expr, indices: tuple[sp.Symbol, ...], dims: tuple[sp.Expr, ...], matrix: MatrixExpr):
        return sp.Basic.__new__(cls, form, sp.Tuple(*indices), sp.Tuple(*dims), matrix)

    @property
    def matrix(self) -> MatrixExpr:
        """The matrix form of the same array."""
        return self.args[3]

    @property
    def shape(self):
        return self.matrix.shape

    @property
    def free_symbols(self):
        return self.matrix.free_symbols


class IndexArray(_OverIndices):
    """The array of an index-form scalar's values over its free indices (rows along the first).

    The matrix form of a formula, or of a gradient, that has no other: ``model.index_terms`` and
    ``derive.indices`` make it, ``evaluate.indices`` computes it."""

    def __new__(cls, form: sp.Expr, indices: tuple[sp.Symbol, ...], dims: tuple[sp.Expr, ...]):
        return sp.Basic.__new__(cls, form, sp.Tuple(*indices), sp.Tuple(*dims))

    @property
    def shape(self):
        dims = self.dims
        return (dims[0], dims[1]) if len(dims) == 2 else (dims[0], sp.Integer(1))

    @property
    def free_symbols(self):
        return self.form.free_symbols - set(self.indices)


class IndexPartial(sp.Expr):
    """∂/∂W_kl of ``body``, not yet taken: a line of a derivation (``program.steps``), never an answer."""

    is_commutative = True

    def __new__(cls, body: sp.Expr, entry: sp.Expr):
        return sp.Expr.__new__(cls, body, entry)

    @property
    def body(self) -> sp.Expr:
        return self.args[0]

    @property
    def entry(self) -> sp.Expr:
        """The entry differentiated by (an ``IndexedEntry`` at the free indices)."""
        return self.args[1]
