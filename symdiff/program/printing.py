"""Printing a program's results as worksheets write them.

Two things differ from printing a formula: in a product the inputs come
before the intermediates (the worksheet's x₁b₁, not SymPy's b₁x₁), and a
step of a derivation may show numbers in place of names (2*0.9*(1 - 0.9)).
Both are settings of the text and LaTeX printers, subclassed here.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

import sympy as sp
from sympy.printing.precedence import PRECEDENCE

from ..export.latex import LatexPrinter
from ..export.printing import ArrayPrinting
from ..export.text import TextPrinter


class _ProgramOrder(ArrayPrinting):
    """Mixin: factors of a scalar product ordered inputs, then intermediates.

    Only products without denominators are reordered; their coefficient keeps
    its place in front (``-2*x1*b1``), a fraction's denominator goes last.
    """

    intermediates: frozenset[sp.Basic]
    shown: Mapping[sp.Basic, str]

    def _print_Mul(self, expr):
        coefficient, rest = expr.as_coeff_Mul()
        factors = sp.Mul.make_args(rest)
        ranked = sorted(factors, key=lambda factor: bool(factor.free_symbols & self.intermediates))
        if ranked == list(factors) or any(f.is_Pow and f.exp.is_negative for f in factors):
            return super()._print_Mul(expr)  # type: ignore[misc]
        numerator, denominator = sp.fraction(coefficient)
        sign = "-" if numerator < 0 else ""
        parts = [(f, self.parenthesize(f, PRECEDENCE["Mul"])) for f in ranked]
        if abs(numerator) != 1:
            parts.insert(0, (abs(numerator), self._print(abs(numerator))))
        product = self._product(parts)
        return sign + (product if denominator == 1 else self._over(product, self._print(denominator)))


class ProgramTextPrinter(_ProgramOrder, TextPrinter):
    """symdiff's plain syntax; ``shown`` prints chosen symbols as given numbers."""

    def __init__(self, intermediates: frozenset[sp.Basic] = frozenset(), shown: Mapping[sp.Basic, str] | None = None):
        super().__init__()
        self.intermediates = intermediates
        self.shown = shown or {}

    def _print_Symbol(self, expr):
        if expr in self.shown:
            return self.shown[expr]
        return super()._print_Symbol(expr)


class ProgramLatexPrinter(_ProgramOrder, LatexPrinter):
    """LaTeX; with ``shown`` numbers, every product is written with ``\\cdot``."""

    def __init__(
        self,
        intermediates: frozenset[sp.Basic] = frozenset(),
        shown: Mapping[sp.Basic, str] | None = None,
        components: Collection[str] = (),
    ):
        names = {str(getattr(atom, "name", "")) for atom in intermediates}
        super().__init__(names, components)
        self.intermediates = intermediates
        self.shown = shown or {}
        if self.shown:  # numbers side by side would run together: 2 0.9 reads 20.9
            self._times = r" \cdot "

    def _print_Symbol(self, expr, style="plain"):
        if expr in self.shown:
            return self.shown[expr]
        return super()._print_Symbol(expr, style)

    def _as_ordered_terms(self, expr, order=None):
        """A sum starts with a positive term, as a person writes it and the text printer prints it: y - t, not
        -t + y."""
        terms = list(super()._as_ordered_terms(expr, order=order))
        first = next((i for i, term in enumerate(terms) if not term.could_extract_minus_sign()), 0)
        return [terms[first], *terms[:first], *terms[first + 1 :]]

    def _print_Pow(self, expr):
        base, exponent = expr.args
        shown = self.shown.get(base, "")
        if shown.startswith(r"\left(") and exponent.is_Integer and exponent > 1:  # bracketed already: (-10^{200})^{2}
            return f"{shown}^{{{self._print(exponent)}}}"
        return super()._print_Pow(expr)


def to_text(expr: sp.Basic, intermediates: frozenset[sp.Basic] = frozenset(), shown=None) -> str:
    """``expr`` in plain syntax, inputs before intermediates in products."""
    return ProgramTextPrinter(intermediates, shown).doprint(expr)


def to_latex(
    expr: sp.Basic, intermediates: frozenset[sp.Basic] = frozenset(), shown=None, components: Collection[str] = ()
) -> str:
    """``expr`` in LaTeX, inputs before intermediates in products; ``components`` print as ``b_{1}``."""
    names = {str(getattr(atom, "name", "")) for atom in expr.atoms(sp.Symbol, sp.MatrixSymbol)}
    printer = ProgramLatexPrinter(intermediates, shown, components)
    printer._names = printer._names | names
    return printer.doprint(expr)


SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
NAME = re.compile(r"^([A-Za-z]+?)_?\{?(\d+)\}?$")
"""A name with a numeric index: ``x1``, ``x_1``, ``W_{12}`` (letters, then digits)."""


def math_name(name: str) -> str:
    """A name as mathematics writes it in plain text: ``r_1`` and ``r1`` -> r₁, ``W12`` -> W₁₂; others unchanged."""
    match = NAME.match(name)
    return name if match is None else match.group(1) + match.group(2).translate(SUBSCRIPTS)


def latex_name(name: str) -> str:
    """A name in LaTeX math: ``r_1`` and ``r1`` -> ``r_{1}``, ``W12`` -> ``W_{12}``; a Greek letter's name as
    its command (``LatexPrinter``)."""
    match = NAME.match(name)
    if match is None:
        return LatexPrinter().doprint(sp.Symbol(name))
    return LatexPrinter().doprint(sp.Symbol(match.group(1))) + "_{" + match.group(2) + "}"


CALLS = {"sigmoid": "σ"}
"""Operations mathematics writes with a symbol of its own."""


class MathTextPrinter(ProgramTextPrinter):
    """Plain text that reads as mathematics: w₁, W₁₂, xᵀ, x², ‖b‖, σ(z), 2·x₁ (for pictures and terminal keys)."""

    def _print_Symbol(self, expr):
        if expr in self.shown or expr in self._bound:
            return super()._print_Symbol(expr)
        return math_name(expr.name)

    def _print_MatrixSymbol(self, expr):
        return math_name(expr.name)

    def _product(self, parts: list[tuple[sp.Basic, str]]) -> str:
        return "·".join(text for _, text in parts)

    def _print_Mul(self, expr):
        return super()._print_Mul(expr).replace("*", "·")

    def _print_Pow(self, expr, rational=False):
        base, exponent = expr.args
        if exponent.is_Integer and exponent > 1 and not self._is_array(base):
            return self.parenthesize(base, PRECEDENCE["Pow"], strict=True) + str(exponent).translate(SUPERSCRIPTS)
        return super()._print_Pow(expr, rational).replace("^", "**").replace("**", "^")

    def _print_MatMul(self, expr):
        return super()._print_MatMul(expr).replace("*", "")

    def _print_Transpose(self, expr):
        return super()._print_Transpose(expr).removesuffix(".T") + "ᵀ"

    def _call(self, op, args: str) -> str:
        if op.name == "norm":
            return f"‖{args}‖"
        return f"{CALLS.get(op.name, op.name)}({args})"


def to_math_text(expr: sp.Basic, intermediates: frozenset[sp.Basic] = frozenset()) -> str:
    """``expr`` as plain text that reads as mathematics (``MathTextPrinter``)."""
    return MathTextPrinter(intermediates).doprint(expr)
