"""The plain-text printer: results in the syntax symdiff reads.

One ``_print_<Node>`` method per node type, as in SymPy's own printers.
Whatever this prints parses back to an equal expression: ``*`` between
arrays is the matrix product, so entrywise products print as ``hadamard``.
"""

from __future__ import annotations

import sympy as sp
from sympy.core.mul import _keep_coeff
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.str import StrPrinter

from ..model.nodes import BOUND, Elementwise, ScalarOf, op_of
from ..ops import Op
from .indices import IndexText
from .printing import ArrayPrinting


class TextPrinter(IndexText, ArrayPrinting, StrPrinter):
    """SymPy expression -> symdiff's plain syntax."""

    # --- precedence: what needs parentheses ----------------------------------
    def _precedence(self, item: sp.Basic) -> int:
        if isinstance(item, ScalarOf):
            return PRECEDENCE["Mul"] - 1
        if isinstance(item, Elementwise):
            return precedence(item.body)
        if isinstance(item, sp.OneMatrix) and 1 not in item.shape:
            return PRECEDENCE["Mul"]
        if isinstance(item, sp.Function) or op_of(item) is not None:  # printed name(args)
            return PRECEDENCE["Func"]
        return precedence(item)

    def parenthesize(self, item, level, strict=False):
        item = self._bound.get(item, item)
        prec = self._precedence(item)
        if prec < level or (strict and prec <= level):
            return f"({self._print(item)})"
        return self._print(item)

    def _print_Symbol(self, expr):
        if expr in self._bound:
            return self._print(self._bound[expr])
        return expr.name

    def _print_Mul(self, expr):
        arrays = [f for f in expr.args if self._is_array(f)]
        if len(arrays) < 2:
            coefficient, rest = expr.as_coeff_Mul()
            if coefficient.is_negative:
                # SymPy ranks a negative product with sums, so its factors would be bracketed
                # against + rather than *: print the sign, then the positive product.
                return "-" + self.parenthesize(_keep_coeff(-coefficient, rest), PRECEDENCE["Mul"])
            return super()._print_Mul(expr)
        scalars = [f for f in expr.args if not self._is_array(f)]
        product = self._print(arrays[0])
        for factor in arrays[1:]:
            product = f"hadamard({product}, {self._print(factor)})"
        if not scalars:
            return product
        scalar = sp.Mul(*scalars)
        if scalar.could_extract_minus_sign():  # -hadamard(x, y), not (-1)*hadamard(x, y)
            return "-" + (product if scalar == -1 else self.parenthesize(-scalar, PRECEDENCE["Mul"]) + "*" + product)
        return self.parenthesize(scalar, PRECEDENCE["Mul"]) + "*" + product

    def _print_Pow(self, expr, rational=False):
        base, exponent = expr.args
        if exponent is sp.S.Half:
            return f"sqrt({self._print(base)})"
        if exponent.is_negative:
            denominator = base if exponent == -1 else base**-exponent
            return "1/" + self.parenthesize(denominator, PRECEDENCE["Mul"], strict=True)
        if self._is_array(base) and exponent.is_Integer and self._of_full_matrix(base):
            product = self._print(base)
            for _ in range(int(exponent) - 1):
                product = f"hadamard({product}, {self._print(base)})"
            return product
        return (
            self.parenthesize(base, PRECEDENCE["Pow"], strict=True)
            + "^"
            + self.parenthesize(exponent, PRECEDENCE["Pow"], strict=True)
        )

    def _as_ordered_terms(self, expr, order=None):
        """SymPy's order, except that a sum never starts with a negative term: step(b - a)."""
        terms = list(super()._as_ordered_terms(expr, order=order))
        positive = next((t for t in terms if not t.could_extract_minus_sign()), None)
        if positive is not None and terms[0].could_extract_minus_sign():
            terms.remove(positive)
            terms.insert(0, positive)
        return terms

    def _print_Rational(self, expr):
        return f"{expr.p}/{expr.q}" if expr.q != 1 else str(expr.p)

    def _call(self, op: Op, args: str) -> str:
        return f"{op.name}({args})"

    def _along(self, name: str, matrix: str, axis: str) -> str:
        return f"{name}({matrix}, {axis})"

    def _product(self, parts: list[tuple[sp.Basic, str]]) -> str:
        return "*".join(text for _, text in parts)

    def _over(self, numerator: str, denominator: str) -> str:
        return f"{numerator}/{denominator}"

    def _print_Function(self, expr):
        return self._print_Call(expr) if op_of(expr) else super()._print_Function(expr)

    _print_Abs = _print_Function

    def _print_Exp1(self, expr):
        return "exp(1)"

    def _print_Pi(self, expr):
        return "pi"

    # --- matrices ------------------------------------------------------------
    def _print_MatrixSymbol(self, expr):
        return expr.name

    def _print_MatrixElement(self, expr):
        parent, i, j = expr.args
        index = f"{i + 1}" if parent.shape[1] == 1 else f"{i + 1}, {j + 1}"
        return f"{self._print(parent)}[{index}]"

    def _print_Transpose(self, expr):
        arg = expr.arg
        if isinstance(arg, sp.Inverse):
            return f"inv({self._print(arg.arg)}).T"
        return self.parenthesize(arg, PRECEDENCE["Pow"], strict=True) + ".T"

    def _print_Inverse(self, expr):
        if isinstance(expr.arg, sp.Transpose):
            return f"inv({self._print(expr.arg.arg)}).T"
        return f"inv({self._print(expr.arg)})"

    def _print_MatPow(self, expr):
        base, exponent = expr.args
        return self.parenthesize(base, PRECEDENCE["Pow"], strict=True) + "^" + self._print(exponent)

    def _print_MatMul(self, expr):
        coefficient, factors = expr.as_coeff_matrices()
        # a quotient after the first factor is bracketed: A*(x/y) is not (A*x)/y
        parts = [
            f"({self._print(f)})" if i > 0 and _is_quotient(f) else self.parenthesize(f, PRECEDENCE["Mul"])
            for i, f in enumerate(factors)
        ]
        numerator, denominator = sp.fraction(coefficient)
        sign = ""
        if numerator.could_extract_minus_sign():
            sign, numerator = "-", -numerator
        if numerator != 1:
            parts.insert(0, self.parenthesize(numerator, PRECEDENCE["Mul"]))
        product = "*".join(parts)
        if denominator != 1:
            product += "/" + self.parenthesize(denominator, PRECEDENCE["Mul"], strict=True)
        return sign + product

    def _print_MatAdd(self, expr):
        out = ""
        texts = [self._print(term) for term in expr.args]
        for text in sorted(texts, key=lambda text: text.startswith("-")):
            if not out:
                out = text
            elif text.startswith("-"):
                out += " - " + text[1:]
            else:
                out += " + " + text
        return out

    def _print_HadamardProduct(self, expr):
        args = sorted(expr.args, key=lambda arg: isinstance(arg, Elementwise))
        product = self._print(args[0])
        for arg in args[1:]:
            product = f"hadamard({product}, {self._print(arg)})"
        return product

    def _print_Identity(self, expr):
        product = self._identity_of_product(expr)
        if product is not None:
            return product
        return f"eye({self._print(expr.rows)})"

    def _print_OneMatrix(self, expr):
        rows, cols = expr.shape
        if cols == 1:
            return f"ones({self._print(rows)})"
        if rows == 1:
            return f"ones({self._print(cols)}).T"
        return f"ones({self._print(rows)})*ones({self._print(cols)}).T"

    def _print_ZeroMatrix(self, expr):
        return "0"

    def _print_ImmutableDenseMatrix(self, expr):
        rows, cols = expr.shape
        if cols == 1:
            return "[" + ", ".join(self._print(e) for e in expr) + "]"
        return "[" + ", ".join("[" + ", ".join(self._print(e) for e in expr.row(i)) + "]" for i in range(rows)) + "]"

    _print_MutableDenseMatrix = _print_ImmutableDenseMatrix

    def _print_Tuple(self, expr):
        return "(" + ", ".join(self._print(item) for item in expr) + ")"


def to_text(expr: sp.Basic) -> str:
    """``expr`` in symdiff's plain syntax."""
    return TextPrinter().doprint(expr)


def _is_quotient(factor: sp.Basic) -> bool:
    """Whether an array prints as a quotient, x/(1 + y^2): after * it needs brackets.

    An entrywise product of two or more arrays prints as hadamard(x, 1/(1 + y^2)) instead."""
    if not isinstance(factor, Elementwise):
        return False
    arrays = [f for f in sp.Mul.make_args(factor.body) if f.free_symbols & set(BOUND)]
    return len(arrays) < 2 and sp.fraction(factor.body)[1] != 1
