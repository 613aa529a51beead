"""Printing a program's results as worksheets write them.

Two things differ from printing a formula: in a product the inputs come
before the intermediates (the worksheet's x₁b₁, not SymPy's b₁x₁), and a
step of a derivation may show numbers in place of names (2*0.9*(1 - 0.9)).
Both are settings of the text, LaTeX and Unicode printers, subclassed here; the numbers are bracketed
by precedence like any operand (step(-1), 2*(-1)), so a value is given unbracketed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import sympy as sp
from sympy.printing.precedence import PRECEDENCE

from ..export.latex import LatexPrinter, reader_name
from ..export.printing import ArrayPrinting
from ..export.text import TextPrinter
from ..export.unicode import UnicodePrinter


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


class _Shown(ArrayPrinting):
    """Mixin: chosen symbols printed as given numbers (a step with the values put in), bracketed as the
    printer brackets any operand: 2*(-1) and (1.97e+434)^2, but step(-1) and -1 + x."""

    shown: Mapping[sp.Basic, str]

    def _print_Symbol(self, expr, *style):
        if expr in self.shown:
            return self.shown[expr]
        return super()._print_Symbol(expr, *style)  # type: ignore[misc]

    def _precedence(self, item: sp.Basic) -> int:
        text = self.shown.get(item)
        if text is None:
            return super()._precedence(item)  # type: ignore[misc]
        if text.startswith("-"):  # a negative number ranks with a sum: -1 is bracketed after *
            return PRECEDENCE["Add"]
        if "e" in text or "10^" in text:  # 1.97e+434, 1.97 \cdot 10^{434}: a product, bracketed under ^
            return PRECEDENCE["Mul"]
        return PRECEDENCE["Atom"]


class ProgramTextPrinter(_ProgramOrder, _Shown, TextPrinter):
    """symdiff's plain syntax; ``shown`` prints chosen symbols as given numbers."""

    def __init__(self, intermediates: frozenset[sp.Basic] = frozenset(), shown: Mapping[sp.Basic, str] | None = None):
        super().__init__()
        self.intermediates = intermediates
        self.shown = shown or {}


class ProgramLatexPrinter(_ProgramOrder, _Shown, LatexPrinter):
    """LaTeX; with ``shown`` numbers, every product is written with ``\\cdot``."""

    def __init__(
        self,
        intermediates: frozenset[sp.Basic] = frozenset(),
        shown: Mapping[sp.Basic, str] | None = None,
        components: Collection[str] = (),
        reader: bool = False,
    ):
        names = {str(getattr(atom, "name", "")) for atom in intermediates}
        super().__init__(names, components)
        self.reader = reader
        """For a reader, not for reading back: x1 and W12 subscripted, x_{1} and \\mathbf{W}_{12}."""
        self.intermediates = intermediates
        self.shown = shown or {}
        if self.shown:  # numbers side by side would run together: 2 0.9 reads 20.9
            self._times = r" \cdot "

    def _print_Symbol(self, expr, style="plain"):
        if self.reader and expr not in self._bound and expr not in self.shown and expr.name not in self._components:
            return reader_name(expr.name)
        return super()._print_Symbol(expr, style)

    def _print_MatrixSymbol(self, expr, style="plain"):
        return reader_name(expr.name, bold=True) if self.reader else super()._print_MatrixSymbol(expr)

    def _print_Pow(self, expr):
        """A power of a number shown for a name, bracketed by its precedence alone: (-1)^{2},
        \\left(10^{100}\\right)^{9} (SymPy would bracket a base with a ^ once more)."""
        base, exponent = expr.args
        if base in self.shown and exponent.is_Integer and exponent > 1:
            return f"{self.parenthesize(base, PRECEDENCE['Pow'], strict=True)}^{{{self._print(exponent)}}}"
        return super()._print_Pow(expr)

    def _needs_add_brackets(self, expr) -> bool:
        """A negative number shown for a name is bracketed in a sum, 2 + \\left(-2\\right); SymPy's printer
        decides the sign of a term from the expression, where the name is not negative."""
        shown_negative = expr in self.shown and self._precedence(expr) == PRECEDENCE["Add"]
        return shown_negative or super()._needs_add_brackets(expr)

    def _as_ordered_terms(self, expr, order=None):
        """A sum starts with a positive term, as a person writes it and the text printer prints it: y - t, not
        -t + y."""
        terms = list(super()._as_ordered_terms(expr, order=order))
        first = next((i for i, term in enumerate(terms) if not term.could_extract_minus_sign()), 0)
        return [terms[first], *terms[:first], *terms[first + 1 :]]


class ProgramUnicodePrinter(_ProgramOrder, _Shown, UnicodePrinter):
    """Text that reads as mathematics (``export.unicode``): w₁, W₁₂, xᵀ, x², ‖b‖, σ(z), 2·0.9, for keys and pictures."""

    def __init__(self, intermediates: frozenset[sp.Basic] = frozenset(), shown: Mapping[sp.Basic, str] | None = None):
        super().__init__()
        self.intermediates = intermediates
        self.shown = shown or {}


def to_text(expr: sp.Basic, intermediates: frozenset[sp.Basic] = frozenset(), shown=None) -> str:
    """``expr`` in plain syntax, inputs before intermediates in products."""
    return ProgramTextPrinter(intermediates, shown).doprint(expr)


def to_latex(
    expr: sp.Basic,
    intermediates: frozenset[sp.Basic] = frozenset(),
    shown=None,
    components: Collection[str] = (),
    reader: bool = False,
) -> str:
    """``expr`` in LaTeX, inputs before intermediates in products; ``components`` print as ``b_{1}``; for a
    ``reader`` (a key, not LaTeX to read back), every name with an index as a subscript."""
    names = {str(getattr(atom, "name", "")) for atom in expr.atoms(sp.Symbol, sp.MatrixSymbol)}
    printer = ProgramLatexPrinter(intermediates, shown, components, reader)
    printer._names = printer._names | names
    return printer.doprint(expr)


@dataclass(frozen=True)
class Math:
    """An expression kept to be printed where it is shown, in that place's notation (a key's answer, a formula
    a reason quotes): plain text, LaTeX or Unicode, with its program's intermediates after the inputs in
    products."""

    expr: sp.Basic
    intermediates: frozenset[sp.Basic] = frozenset()


Said = tuple[str | Math, ...]
"""Prose with the formulas it quotes as expressions: ``("it is the derivative of ", Math(b2), ...)``."""


def reader_latex(formula: Math) -> str:
    """An expression in LaTeX for a reader (a key): names with an index subscripted, x_{1}."""
    return to_latex(formula.expr, formula.intermediates, reader=True)


def said_text(said: Said) -> str:
    """Prose and formulas as plain text, the formulas in symdiff's syntax."""
    return "".join(part if isinstance(part, str) else to_text(part.expr, part.intermediates) for part in said)


def to_unicode(expr: sp.Basic, intermediates: frozenset[sp.Basic] = frozenset(), shown=None) -> str:
    """``expr`` as text that reads as mathematics, inputs before intermediates in products."""
    return ProgramUnicodePrinter(intermediates, shown).doprint(expr)
