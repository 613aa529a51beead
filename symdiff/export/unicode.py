"""The Unicode printer: results as text that reads as mathematics, for a terminal or a picture.

    x₁b₁    Aᵀ(Ax - b)    (AᵀA)⁻¹x    ‖x‖²    σ(z)    hadamard(x, y) as x ⊙ y    Σᵢ₌₁ⁿ Xᵢⱼyᵢ

It is printed, never read back: the plain syntax (``text.py``) is what
symdiff reads, and this printer differs from it only in notation. It
subclasses the text printer, so which factor needs parentheses is decided in
one place, and adds one ``_print_<Node>`` per node type whose notation
differs. Subscripts and superscripts come from SymPy's own tables
(``pretty_symbology``); what has no Unicode script (xᵃ has, xᵠ has not) keeps
the plain ``_`` or ``^``.
"""

from __future__ import annotations

from itertools import pairwise

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.pretty.pretty_symbology import greek_unicode, sub, sup

from ..model.index_form import IndexedEntry, IndexedSum
from ..model.nodes import Elementwise
from ..ops import Op
from .latex import INDEXED, stepped
from .text import TextPrinter

CALLS = {"sigmoid": "σ"}
"""Operations mathematics writes with a symbol of its own (norm is written ‖x‖)."""
ACCENTS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "dot": "\u0307"}
"""Names written with an accent (yhat, xbar; as ``parse.vocabulary.DECORATIONS``) -> the combining accent."""
SUB = {**sub, "j": "ⱼ"}
SUP = {**sup, **dict(zip("abcdefghjklmoprstuvwxyzT", "ᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵀ", strict=True))}
"""Characters with a Unicode subscript (superscript): SymPy's tables, and the letters they leave out."""


def script(text: str, table: dict[str, str]) -> str | None:
    """``text`` in subscript or superscript characters, or None when one of its characters has none."""
    scripted = [table.get(char) for char in text]
    return None if None in scripted else "".join(scripted)  # type: ignore[arg-type]


def unicode_name(name: str) -> str:
    """A variable's name as mathematics writes it: x1, x_1 -> x₁; W12 -> W₁₂; alpha -> α; yhat -> ŷ; W__1 -> W⁽¹⁾."""
    named, _, label = name.partition("__")
    if label.isalnum() and named:  # W__1 was written W^{(1)}
        return unicode_name(named) + (script(f"({label})", SUP) or f"^({label})")
    match = INDEXED.match(name)
    if match is not None:
        return _stem(match.group(1)) + (script(match.group(2), SUB) or "")
    stem, _, index = name.partition("_")
    if stem and index.isalnum():  # x_i -> xᵢ where Unicode has the letters; h_tm1 was written h_{t-1}
        scripted = script(stepped(index), SUB)
        if scripted is not None:
            return _stem(stem) + scripted
    return _stem(name)


def _stem(name: str) -> str:
    if name in greek_unicode:
        return greek_unicode[name]
    for accent, mark in ACCENTS.items():
        base = name.removesuffix(accent)
        if base != name and len(_stem(base)) == 1:
            return _stem(base) + mark
    return name


class UnicodePrinter(TextPrinter):
    """SymPy expression -> text that reads as mathematics."""

    _times = "·"
    """Between two factors that would run together side by side."""

    # --- names ------------------------------------------------------------------
    def _print_Symbol(self, expr):
        if expr in self._bound:
            return self._print(self._bound[expr])
        return unicode_name(expr.name)

    def _print_MatrixSymbol(self, expr):
        return unicode_name(expr.name)

    def _print_Pi(self, expr):
        return "π"

    def _print_Exp1(self, expr):
        return "e"

    # --- products: names side by side (x₁b₁, Aᵀx), other factors with · ---------------
    def _is_name(self, factor: sp.Basic) -> bool:
        """Whether ``factor`` prints as a one-letter name with scripts (x₁, Aᵀ, b², W⁻¹): side by side it reads."""
        factor = self._bound.get(factor, factor)
        if isinstance(factor, sp.Pow | sp.MatPow | sp.Transpose | sp.Inverse | MatrixElement | IndexedEntry):
            return self._is_name(factor.args[0]) and self._print(factor)[0] != "("
        if isinstance(factor, sp.Symbol | sp.MatrixSymbol):
            stem = self._print(factor).rstrip("".join(SUB.values()) + "".join(ACCENTS.values()))
            return len(stem) == 1 and stem.isalpha()
        return False

    def _product(self, parts: list[tuple[sp.Basic, str]]) -> str:
        out = parts[0][1]
        for (previous, _), (factor, text) in pairwise(parts):
            scripted = isinstance(previous, sp.Inverse | sp.Transpose)  # (AᵀA)⁻¹x reads as a product too
            before = previous.is_Number or self._is_name(previous) or scripted
            out += ("" if self._is_name(factor) and before else self._times) + text
        return out

    def _print_Mul(self, expr):
        arrays = [f for f in expr.args if self._is_array(f)]
        if len(arrays) >= 2:
            return self._hadamard(expr)
        if expr.as_coeff_Mul()[0].is_negative:
            return "-" + self.parenthesize(-expr, PRECEDENCE["Mul"])
        numerator, denominator = sp.fraction(expr, exact=True)
        if denominator != 1:
            over = self.parenthesize(denominator, PRECEDENCE["Mul"], strict=True)
            return self.parenthesize(numerator, PRECEDENCE["Mul"]) + "/" + over
        factors = list(expr.as_ordered_factors())
        return self._product([(f, self.parenthesize(f, PRECEDENCE["Mul"])) for f in factors])

    def _hadamard(self, expr: sp.Mul) -> str:
        """An entrywise product of arrays in a body: scalars in front, the arrays joined by ⊙."""
        scalars = [f for f in expr.args if not self._is_array(f)]
        arrays = [f for f in expr.args if self._is_array(f)]
        product = " ⊙ ".join(self.parenthesize(f, PRECEDENCE["Mul"], strict=True) for f in arrays)
        if not scalars:
            return product
        scalar = sp.Mul(*scalars)
        if scalar == -1:
            return "-" + product
        return self.parenthesize(scalar, PRECEDENCE["Mul"]) + "·(" + product + ")"

    def _print_HadamardProduct(self, expr):
        return " ⊙ ".join(
            self._print(arg) if self._is_odot_chain(arg) else self.parenthesize(arg, PRECEDENCE["Mul"], strict=True)
            for arg in expr.args
        )

    def _is_odot_chain(self, item: sp.Basic) -> bool:
        """An entrywise product of arrays alone: inside another it needs no brackets, x ⊙ y ⊙ z."""
        if isinstance(item, sp.HadamardProduct):
            return True
        if not isinstance(item, Elementwise) or not isinstance(item.body, sp.Mul):
            return False
        return all(self._within(item, self._is_array, factor) for factor in item.body.args)

    def _print_MatMul(self, expr):
        coefficient, factors = expr.as_coeff_matrices()
        parts = [(f, self.parenthesize(f, PRECEDENCE["Mul"], strict=True)) for f in factors]
        numerator, denominator = sp.fraction(coefficient)
        sign = ""
        if numerator.could_extract_minus_sign():
            sign, numerator = "-", -numerator
        if numerator != 1:
            parts.insert(0, (numerator, self.parenthesize(numerator, PRECEDENCE["Mul"])))
        product = self._product(parts)
        if denominator != 1:
            product += "/" + self.parenthesize(denominator, PRECEDENCE["Mul"], strict=True)
        return sign + product

    def _precedence(self, item: sp.Basic) -> int:
        """A ⊙ product ranks as a product; a body of one array factor as the factor, ``x ⊙ y`` with others."""
        if isinstance(item, sp.HadamardProduct):
            return PRECEDENCE["Mul"]
        if isinstance(item, IndexedSum):  # a summand runs to the next + or -: a sum in a product is bracketed
            return PRECEDENCE["Mul"] - 1
        return super()._precedence(item)

    # --- powers and scripts ------------------------------------------------------------
    def _print_Pow(self, expr, rational=False):
        base, exponent = expr.args
        if exponent is sp.S.Half:
            return "√" + self.parenthesize(base, PRECEDENCE["Pow"], strict=True)
        if exponent.is_negative:
            denominator = base if exponent == -1 else base**-exponent
            return "1/" + self.parenthesize(denominator, PRECEDENCE["Mul"], strict=True)
        if self._is_array(base) and exponent.is_Integer and self._of_full_matrix(base):
            return " ⊙ ".join([self.parenthesize(base, PRECEDENCE["Mul"], strict=True)] * int(exponent))
        return self._raised(base, self._print(exponent))

    def _raised(self, base: sp.Basic, exponent: str) -> str:
        """``base`` with a superscript: x², (a + b)ⁿ; x^(p/q) where Unicode has no script for it."""
        text = self.parenthesize(base, PRECEDENCE["Pow"], strict=True)
        scripted = script(exponent, SUP)
        if scripted is not None:
            return text + scripted
        return f"{text}^({exponent})" if not exponent.isalnum() else f"{text}^{exponent}"

    def _print_MatPow(self, expr):
        return self._raised(expr.args[0], self._print(expr.args[1]))

    def _print_Transpose(self, expr):
        if isinstance(expr.arg, sp.Inverse):
            return self.parenthesize(expr.arg.arg, PRECEDENCE["Pow"], strict=True) + "⁻ᵀ"
        return self.parenthesize(expr.arg, PRECEDENCE["Pow"], strict=True) + "ᵀ"

    def _print_Inverse(self, expr):
        if isinstance(expr.arg, sp.Transpose):
            return self.parenthesize(expr.arg.arg, PRECEDENCE["Pow"], strict=True) + "⁻ᵀ"
        return self.parenthesize(expr.arg, PRECEDENCE["Pow"], strict=True) + "⁻¹"

    def _print_MatrixElement(self, expr):
        parent, i, j = expr.args
        index = f"{i + 1}" if parent.shape[1] == 1 else f"{i + 1}{j + 1}"
        scripted = script(index, SUB) if isinstance(parent, sp.MatrixSymbol) else None
        if scripted is None:
            return super()._print_MatrixElement(expr)
        return self._print(parent) + scripted

    # --- operations ----------------------------------------------------------------------
    def _call(self, op: Op, args: str) -> str:
        if op.name == "norm":
            return f"‖{args}‖"
        return f"{CALLS.get(op.name, op.name)}({args})"

    def _print_Abs(self, expr):
        return f"|{self._print(expr.args[0])}|"

    def _print_OneMatrix(self, expr):
        rows, cols = (f"ones({self._print(dim)})" for dim in expr.shape)
        if expr.shape[1] == 1:
            return rows
        return cols + "ᵀ" if expr.shape[0] == 1 else f"{rows}·{cols}ᵀ"

    def _print_Identity(self, expr):
        return "I" + (script(self._print(expr.rows), SUB) or "")

    # --- index form --------------------------------------------------------------------------
    def _print_IndexedEntry(self, expr: IndexedEntry) -> str:
        base = expr.array
        written = self._print(base) if isinstance(base, sp.MatrixSymbol) else f"({self._print(base)})"
        slots = "".join(str(slot) for slot in expr.slots)
        scripted = script(slots, SUB)
        return written + scripted if scripted is not None else f"{written}[{', '.join(map(str, expr.slots))}]"

    def _print_IndexedSum(self, expr: IndexedSum) -> str:
        bounds = script(f"{expr.index}=1", SUB), script(self._print(expr.dim), SUP)
        sigma = "Σ" + (bounds[0] + bounds[1] if None not in bounds else f"({expr.index}=1..{self._print(expr.dim)})")  # type: ignore[operator]
        return f"{sigma} {self.parenthesize(expr.body, PRECEDENCE['Mul'])}"  # the summand runs to the end


def to_unicode(expr: sp.Basic) -> str:
    """``expr`` as text that reads as mathematics (``UnicodePrinter``)."""
    return UnicodePrinter().doprint(expr)
