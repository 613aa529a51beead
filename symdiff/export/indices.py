r"""Printing the index form (``model.index_form``): ``Sum(i, n, X[i, j]*y[i])`` and ``\sum_{i=1}^{n} X_{ij} y_{i}``.

One mixin per notation, placed first among the printer's bases, so the text
and LaTeX printers gain the index-form nodes without changing how they print
anything else.
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.precedence import PRECEDENCE

from ..model.index_form import FreeIndices, IndexArray, IndexedEntry, IndexedSum, IndexPartial


class IndexText:
    """Index form in the plain syntax, which reads back (free indices: the array over them)."""

    def _print_IndexedEntry(self, expr: IndexedEntry) -> str:
        base = expr.array
        text = self._print(base)  # type: ignore[attr-defined]
        written = text if isinstance(base, sp.MatrixSymbol) else f"({text})"
        return f"{written}[{', '.join(str(slot) for slot in expr.slots)}]"

    def _print_IndexedSum(self, expr: IndexedSum) -> str:
        return f"Sum({expr.index}, {self._print(expr.dim)}, {self._print(expr.body)})"  # type: ignore[attr-defined]

    def _print_FreeIndices(self, expr: FreeIndices) -> str:
        return self._print(expr.form)  # type: ignore[attr-defined]

    def _print_IndexArray(self, expr: IndexArray) -> str:
        return self._print(expr.form)  # type: ignore[attr-defined]

    def _print_IndexPartial(self, expr: IndexPartial) -> str:  # a derivation's line, not read back
        return f"∂/∂{self._print(expr.entry)} ({self._print(expr.body)})"  # type: ignore[attr-defined]

    def _print_KroneckerDelta(self, expr: sp.KroneckerDelta) -> str:
        return f"δ({expr.args[0]}, {expr.args[1]})"


class IndexLatex:
    r"""Index form in LaTeX: entries W_{kl}, sums \sum_{i=1}^{n}; a sum inside a product is bracketed,
    since a summand runs to the next + or - (``parse.sums``)."""

    def _precedence(self, item: sp.Basic) -> int:
        if isinstance(item, IndexedSum | IndexPartial):
            return PRECEDENCE["Mul"] - 1
        return super()._precedence(item)  # type: ignore[misc]

    def _print_IndexedEntry(self, expr: IndexedEntry) -> str:
        base = expr.array
        if isinstance(base, sp.MatrixSymbol) and "_" not in base.name:  # an entry is written plain: \mu_{j}
            written = self._print(sp.Symbol(base.name))  # type: ignore[attr-defined]
        else:
            written = r"\left(" + self._print(base) + r"\right)"  # type: ignore[attr-defined]
        return f"{written}_{{{''.join(str(slot) for slot in expr.slots)}}}"

    def _print_IndexedSum(self, expr: IndexedSum) -> str:
        body = self.parenthesize(expr.body, PRECEDENCE["Mul"], strict=True)  # type: ignore[attr-defined]
        return rf"\sum_{{{expr.index}=1}}^{{{self._print(expr.dim)}}} {body}"  # type: ignore[attr-defined]

    def _print_FreeIndices(self, expr: FreeIndices) -> str:
        return self._print(expr.form)  # type: ignore[attr-defined]

    def _print_IndexArray(self, expr: IndexArray) -> str:
        return self._print(expr.form)  # type: ignore[attr-defined]

    def _print_IndexPartial(self, expr: IndexPartial) -> str:
        entry = self._print(expr.entry)  # type: ignore[attr-defined]
        return rf"\frac{{\partial}}{{\partial {entry}}} \left({self._print(expr.body)}\right)"  # type: ignore[attr-defined]

    def _print_KroneckerDelta(self, expr: sp.KroneckerDelta) -> str:
        return rf"\delta_{{{expr.args[0]}{expr.args[1]}}}"
