"""The LaTeX printer: results as worksheets print them.

Bold vectors and matrices, ``^\\top``, components ``A_{11}``, ``\\frac``,
norms ``\\|v\\|``. One ``_print_<Node>`` method per node type, on top of
SymPy's ``LatexPrinter``.
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.latex import LatexPrinter as SympyLatexPrinter
from sympy.printing.precedence import PRECEDENCE

from ..model.matrices import BOUND, Elementwise, ScalarOf
from ..model.shapes import split_component

FUNCTION_COMMANDS = {
    "sigmoid": r"\sigma",
    "relu": r"\operatorname{relu}",
    "step": r"\operatorname{step}",
    "maximum": r"\max",
    "minimum": r"\min",
    "sign": r"\operatorname{sign}",
}


class LatexPrinter(SympyLatexPrinter):
    """SymPy expression -> LaTeX in worksheet notation."""

    def __init__(self) -> None:
        super().__init__({"mat_str": "bmatrix", "mat_delim": "", "mul_symbol": None})
        self._bound: dict[sp.Symbol, sp.Basic] = {}

    def parenthesize(self, item, level, is_neg=False, strict=False):
        item = self._bound.get(item, item)
        if isinstance(item, ScalarOf):
            return r"\left(" + self._print(item) + r"\right)"
        return super().parenthesize(item, level, is_neg, strict)

    def _print_Symbol(self, expr, style="plain"):
        if expr in self._bound:
            return self._print(self._bound[expr])
        split = split_component(expr.name)
        if split is not None and split[0].isalpha():
            base, indices = split
            separator = "," if any(i > 9 for i in indices) else ""
            return f"{super()._print_Symbol(sp.Symbol(base))}_{{{separator.join(map(str, indices))}}}"
        return super()._print_Symbol(expr, style)

    def _print_Elementwise(self, expr: Elementwise) -> str:
        outer = self._bound
        self._bound = {**outer, **dict(zip(BOUND, expr.operands))}
        try:
            return self._print(expr.body)
        finally:
            self._bound = outer

    def _print_Function(self, expr, exp=None):
        command = FUNCTION_COMMANDS.get(type(expr).__name__)
        if command is None:
            return super()._print_Function(expr, exp)
        args = ", ".join(self._print(arg) for arg in expr.args)
        text = rf"{command}\left({args}\right)"
        return f"{text}^{{{exp}}}" if exp is not None else text

    def _print_MatrixSymbol(self, expr):
        return rf"\mathbf{{{expr.name}}}"

    def _print_Transpose(self, expr):
        return self.parenthesize(expr.arg, PRECEDENCE["Pow"], strict=True) + r"^\top"

    def _print_Inverse(self, expr):
        if isinstance(expr.arg, sp.Transpose):
            return rf"\left({self._print(sp.Inverse(expr.arg.arg))}\right)^\top"
        return self.parenthesize(expr.arg, PRECEDENCE["Pow"], strict=True) + "^{-1}"

    def _print_MatMul(self, expr):
        coefficient, factors = expr.as_coeff_matrices()
        parts = [self.parenthesize(f, PRECEDENCE["Mul"]) for f in factors]
        product = " ".join(parts)
        if coefficient == -1:
            return "-" + product
        if coefficient == 1:
            return product
        return self.parenthesize(coefficient, PRECEDENCE["Mul"]) + " " + product

    def _print_HadamardProduct(self, expr):
        return r" \odot ".join(self.parenthesize(arg, PRECEDENCE["Mul"], strict=True) for arg in expr.args)

    def _print_ScalarOf(self, expr):
        return self._print(expr.matrix)

    def _print_Norm(self, expr, exp=None):
        text = rf"\|{self._print(expr.matrix)}\|"
        return f"{text}^{{{exp}}}" if exp is not None else text

    def _print_SumEntries(self, expr):
        return r"\mathbf{1}^\top " + self.parenthesize(expr.matrix, PRECEDENCE["Mul"], strict=True)

    def _print_LogSumExp(self, expr):
        return rf"\operatorname{{logsumexp}}\left({self._print(expr.matrix)}\right)"

    def _print_Softmax(self, expr):
        return rf"\operatorname{{softmax}}\left({self._print(expr.vector)}\right)"

    def _print_Diag(self, expr):
        return rf"\operatorname{{diag}}\left({self._print(expr.vector)}\right)"

    def _print_Trace(self, expr):
        return rf"\operatorname{{tr}}\left({self._print(expr.arg)}\right)"

    def _print_Determinant(self, expr, exp=None):
        text = rf"\det\left({self._print(expr.arg)}\right)"
        return f"{text}^{{{exp}}}" if exp is not None else text

    def _print_Identity(self, expr):
        return r"\mathbf{I}"

    def _print_OneMatrix(self, expr):
        return r"\mathbf{1}"

    def _print_ZeroMatrix(self, expr):
        return r"\mathbf{0}"

    def _print_Tuple(self, expr):
        return r"\left(" + ", ".join(self._print(item) for item in expr) + r"\right)"


def to_latex(expr: sp.Basic) -> str:
    """``expr`` in LaTeX, as worksheets print it."""
    return LatexPrinter().doprint(expr)
