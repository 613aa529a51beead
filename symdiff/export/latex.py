"""The LaTeX printer: results as worksheets print them.

Bold vectors and matrices, ``^\\top``, components ``A_{11}``, ``\\frac``,
norms ``\\|v\\|``. One ``_print_<Node>`` method per node type, on top of
SymPy's ``LatexPrinter``.

Whatever it prints, ``symdiff.parse.latex`` reads back to an equal expression
(given the same shapes): names of several characters are ``\\mathit{lam}``,
entrywise products ``\\odot`` with parenthesized operands, a name before a
parenthesis gets ``\\cdot`` (``x(...)`` would apply a function x), functions
always take ``\\left(...\\right)``, the identity is ``\\mathbf{I}_{n}``, and
``e^{z}`` becomes ``\\exp(z)`` when a variable is named e.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

import sympy as sp
from sympy.printing.latex import LatexPrinter as SympyLatexPrinter
from sympy.printing.precedence import PRECEDENCE, precedence_traditional

from .. import ops
from ..errors import SymdiffError
from ..model.naming import split_component
from ..model.nodes import BOUND, Elementwise, ScalarOf, SumEntries, op_of
from ..ops import Op
from ..parse import ast, parse_latex
from ..parse.vocabulary import DECORATIONS
from .indices import IndexLatex
from .printing import ArrayPrinting

ACCENTS = tuple(sorted({suffix for suffix in DECORATIONS.values() if suffix}))
r"""Suffixes of names written with an accent: yhat is \hat{y}, xbar \bar{x}."""


@lru_cache(maxsize=1024)
def latex_name(name: str, bold: bool = False) -> str:
    r"""A variable's name as LaTeX that reads back as that name: x, \beta_{0}, \mathit{lam}, \mathbf{x}_{1}."""
    named, _, label = name.partition("__")
    if label.isalnum() and named:  # W__1 is W^{(1)}, as it was written
        return f"{latex_name(named, bold)}^{{({label})}}"
    stem, _, index = name.partition("_")
    parts = index.split("_")
    if not (index and all(part.isalnum() for part in parts)):
        return _stem(name, bold)
    parts = [stepped(part) for part in parts]  # h_tm1: h_{t-1}
    if bold and stem == "I":  # \mathbf{I}_{n} is the identity
        return rf"\mathbf{{I_{{{','.join(parts)}}}}}"
    return f"{_stem(stem, bold)}_{{{','.join(parts)}}}"


def _stem(name: str, bold: bool) -> str:
    if len(name) == 1:
        return rf"\mathbf{{{name}}}" if bold else name
    if name.isalpha() and _is_greek(name):
        return rf"\boldsymbol{{\{name}}}" if bold else "\\" + name
    for accent in ACCENTS:  # yhat is \hat{y}, as it was written
        base = name.removesuffix(accent)
        if base != name and (len(base) == 1 or (base.isalpha() and _is_greek(base))):
            return rf"\{accent}{{{_stem(base, bold)}}}"
    escaped = name.replace("_", r"\_")
    italic = rf"\mathit{{{escaped}}}"
    return rf"\boldsymbol{{{italic}}}" if bold else italic


def _is_greek(name: str) -> bool:
    r"""Whether \name reads back as the variable name (\lambda does; \sigma is the sigmoid)."""
    try:
        return parse_latex("\\" + name) == ast.Name(name)
    except SymdiffError:
        return False


STEP = re.compile(r"^(.*[A-Za-z])([mp])([0-9]+)$")
r"""A subscript that is a step from a label: h_tm1 was written h_{t-1} (``symdiff.parse.latex.STEPS``)."""

INDEXED = re.compile(r"^([A-Za-z]+?)_?\{?([0-9]+)\}?$")
"""A name with a numeric index: ``x1``, ``x_1``, ``W_{12}`` (letters, then digits)."""


def reader_name(name: str, bold: bool = False) -> str:
    """A name in LaTeX for a reader, not for reading back: ``r_1`` and ``r1`` -> ``r_{1}``, ``W12`` -> ``W_{12}``
    (``bold``: ``\\mathbf{W}_{12}``); others as ``latex_name`` writes them."""
    match = INDEXED.match(name)
    if match is None:
        return latex_name(name, bold)
    return latex_name(match.group(1), bold) + "_{" + match.group(2) + "}"


def stepped(index: str) -> str:
    """A subscript as it was written: ``tm1`` is t-1, ``tp1`` t+1 (``STEP``); others unchanged."""
    return STEP.sub(lambda m: m[1] + {"m": "-", "p": "+"}[m[2]] + m[3], index)


_STARTS_WITH_NUMBER = re.compile(r"[-+.\d]|\\frac")
"""A factor whose text begins with a number, a sign or a fraction: after a number it needs \\cdot."""


class LatexPrinter(IndexLatex, ArrayPrinting, SympyLatexPrinter):
    """SymPy expression -> LaTeX in worksheet notation."""

    def __init__(self, names: Collection[str] = (), components: Collection[str] = ()) -> None:
        super().__init__({"mat_str": "bmatrix", "mat_delim": "", "mul_symbol": None})
        self._names = frozenset(names)
        """Every name in the formula: e^{z} and \\mathbf{I}_n are not written when e or I is one."""
        self._components = frozenset(components)
        """Names of entries of concrete arrays (A11), printed A_{11}; other names print as variables."""
        self._times = " "
        """What stands between two factors that read unambiguously side by side."""
        self._in_norm = False
        """Inside \\| ... \\| a bare \\| after an operand closes the norm: a norm there is \\left\\| ... \\right\\|."""

    # --- precedence: what needs parentheses ----------------------------------
    def _precedence(self, item: sp.Basic) -> int:
        item = self._bound.get(item, item)
        if isinstance(item, Elementwise):  # with its operands bound, so x^2 of a matrix is seen as x ⊙ x
            return self._within(item, self._precedence, item.body)
        if isinstance(item, SumEntries | sp.HadamardProduct | sp.HadamardPower) or self._is_hadamard_power(item):
            return PRECEDENCE["Mul"]
        if isinstance(item, sp.OneMatrix | sp.ZeroMatrix) and item.shape[1] != 1 and item.shape[0] != 1:
            return PRECEDENCE["Mul"]
        if isinstance(item, sp.Inverse) or (isinstance(item, sp.exp) and "e" not in self._names):
            return PRECEDENCE["Pow"]
        return precedence_traditional(item)

    def parenthesize(self, item, level, is_neg=False, strict=False):
        item = self._bound.get(item, item)
        precedence = self._precedence(item)
        bracketed = isinstance(item, ScalarOf) or (is_neg and strict)
        if bracketed or precedence < level or (not strict and precedence <= level):
            return r"\left(" + self._print(item) + r"\right)"
        return self._print(item)

    def _product(self, factors: list[tuple[sp.Basic, str]]) -> str:
        r"""Factors side by side, with \cdot where juxtaposition would misread.

        After a name before a parenthesis (``x(...)`` would apply a function x), and
        between a number and a factor that starts with one (``2 3^{x}`` reads 23^x,
        ``2 0.9`` reads 20.9, ``2 \frac{1}{3}`` reads as a mixed number)."""
        out = ""
        previous = None
        for factor, text in factors:
            if out:
                named = self._ends_with_name(previous) and text.startswith((r"\left(", "("))
                numbers = out[-1].isdigit() and _STARTS_WITH_NUMBER.match(text) is not None
                out += r" \cdot " if named or numbers else self._times
            out += text
            previous = factor
        return out

    def _ends_with_name(self, factor: sp.Basic | None) -> bool:
        """Whether ``factor`` prints ending in a name: a, pi, or a product such as 2 a."""
        factor = self._bound.get(factor, factor)
        if isinstance(factor, sp.Mul) and sp.fraction(factor, exact=True)[1] == 1:
            return self._ends_with_name(factor.as_ordered_factors()[-1])
        return factor is not None and (factor.is_Symbol or factor is sp.pi)

    def _over(self, numerator: str, denominator: str) -> str:
        return rf"\frac{{{numerator}}}{{{denominator}}}"

    def _of_a_matrix(self, expr: sp.Basic) -> bool:
        """Whether an entrywise function applies to a full matrix (not a vector)."""
        operands = [self._bound[s] for s in expr.free_symbols if s in self._bound]
        return any(operand.shape[0] != 1 and operand.shape[1] != 1 for operand in operands)

    def _is_hadamard_power(self, expr: sp.Basic) -> bool:
        """Entrywise integer powers of full matrices print as \\odot (a power would be the matrix power)."""
        return (
            isinstance(expr, sp.Pow)
            and self._is_array(expr.base)
            and expr.exp.is_Integer
            and expr.exp > 1
            and self._of_full_matrix(expr.base)
        )

    # --- scalars ---------------------------------------------------------------
    def _print_Symbol(self, expr, style="plain"):
        if expr in self._bound:
            return self._print(self._bound[expr])
        if expr.name in self._components:
            base, indices = split_component(expr.name)
            separator = "," if "_" in expr.name else ""
            return f"{latex_name(base)}_{{{separator.join(map(str, indices))}}}"
        return latex_name(expr.name)

    def _print_Mul(self, expr):
        if expr.could_extract_minus_sign():
            return "- " + self.parenthesize(-expr, PRECEDENCE["Mul"], strict=True)
        numerator, denominator = sp.fraction(expr, exact=True)
        if denominator != 1:
            return self._over(self._print(numerator), self._print(denominator))
        factors = expr.as_ordered_factors()
        arrays = [f for f in factors if self._is_array(f)]
        if len(arrays) < 2:
            return self._product([(f, self.parenthesize(f, PRECEDENCE["Mul"])) for f in factors])
        hadamard = r" \odot ".join(self.parenthesize(f, PRECEDENCE["Mul"]) for f in arrays)
        scalars = [(f, self.parenthesize(f, PRECEDENCE["Mul"])) for f in factors if not self._is_array(f)]
        return self._product([*scalars, (expr, rf"\left({hadamard}\right)")]) if scalars else hadamard

    def _print_Pow(self, expr):
        base, exponent = expr.args
        if self._is_hadamard_power(expr):
            return r" \odot ".join([self.parenthesize(base, PRECEDENCE["Mul"])] * int(exponent))
        if exponent.is_negative:
            return self._over("1", self._print(sp.Pow(base, -exponent)))
        if isinstance(base, sp.Symbol) and base.name == "e":  # e^{z} would be exp(z)
            return rf"\left(e\right)^{{{self._print(exponent)}}}"
        if exponent == sp.S.Half and self._of_a_matrix(base):  # \sqrt{\mathbf{X}} would be the matrix root
            return rf"\operatorname{{sqrt}}\left({self._print(base)}\right)"
        return super()._print_Pow(expr)

    def _print_ExpBase(self, expr, exp=None):
        if "e" in self._names or self._of_a_matrix(expr):
            return self._print_Function(expr, exp)
        text = rf"e^{{{self._print(expr.args[0])}}}"
        return rf"\left({text}\right)^{{{exp}}}" if exp is not None else text

    def _print_Exp1(self, expr):
        return r"\exp\left(1\right)" if "e" in self._names else "e^{1}"

    def _call(self, op: Op, args: str) -> str:
        return rf"{op.latex}\left({args}\right)"

    def _along(self, name: str, matrix: str, axis: str) -> str:
        return rf"\operatorname{{{name}}}\left({matrix}, \text{{{axis}}}\right)"

    def _entrywise_call(self, op: Op, args: str) -> str:
        r"""``\exp(\mathbf{X})`` would be the matrix exponential: of a matrix, the entrywise function is named."""
        return rf"\operatorname{{{op.name}}}\left({args}\right)"

    def _print_Function(self, expr, exp=None):
        """A function LaTeX writes as a command, \\sigma\\left(z\\right), and the power SymPy hands a function."""
        op = op_of(expr)
        of_a_matrix = op is not None and self._of_a_matrix(expr)
        if op is None or (op.latex is None and not of_a_matrix):
            return super()._print_Function(expr, exp)
        args = ", ".join(self._print(arg) for arg in expr.args)
        text = self._entrywise_call(op, args) if of_a_matrix else self._call(op, args)
        return f"{text}^{{{exp}}}" if exp is not None else text

    _print_log = _print_Function

    # --- matrices ----------------------------------------------------------------
    def _print_MatrixSymbol(self, expr):
        return latex_name(expr.name, bold=True)

    def _print_MatrixElement(self, expr):
        parent, i, j = expr.args
        index = f"{i + 1}" if parent.shape[1] == 1 else f"{i + 1},{j + 1}"
        return f"{self._print(parent)}_{{{index}}}"

    def _print_Transpose(self, expr):
        return self._script_base(expr.arg) + r"^\top"

    def _print_Inverse(self, expr):
        if isinstance(expr.arg, sp.Transpose):
            return rf"\left({self._print(sp.Inverse(expr.arg.arg))}\right)^\top"
        return self._script_base(expr.arg) + "^{-1}"

    def _script_base(self, arg: sp.Basic) -> str:
        r"""What a superscript goes on; a labelled name, W^{(1)}, in braces: {W^{(1)}}^\top."""
        text = self.parenthesize(arg, PRECEDENCE["Pow"])
        return f"{{{text}}}" if isinstance(arg, sp.MatrixSymbol) and "^" in text else text

    def _print_MatMul(self, expr):
        coefficient, factors = expr.as_coeff_matrices()
        parts = [(f, self._print_factor(f)) for f in factors]
        sign = ""
        if coefficient.could_extract_minus_sign():  # -b \cdot (...), not - b (...) read as b(...)
            sign, coefficient = "-", -coefficient
        if coefficient == 1:
            return sign + self._product(parts)
        # \mathbf{1}^\top \mathbf{z} before more factors would leave where the sum ends unclear
        strict = not isinstance(coefficient, SumEntries)
        return sign + self._product(
            [(coefficient, self.parenthesize(coefficient, PRECEDENCE["Mul"], strict=strict)), *parts]
        )

    def _print_factor(self, factor: sp.Basic) -> str:
        """A matrix factor of a product; a Kronecker product prints as a call, which needs no parentheses."""
        if isinstance(factor, sp.KroneckerProduct):
            return self._print(factor)
        return self.parenthesize(factor, PRECEDENCE["Mul"])

    def _print_HadamardProduct(self, expr):
        return r" \odot ".join(
            self._print(arg) if self._is_odot_chain(arg) else self.parenthesize(arg, PRECEDENCE["Mul"])
            for arg in expr.args
        )

    def _is_odot_chain(self, item: sp.Basic) -> bool:
        """An entrywise product of arrays alone: inside another, it needs no parentheses."""
        if isinstance(item, Elementwise) and isinstance(item.body, sp.Mul):
            return all(factor.free_symbols & set(BOUND) for factor in item.body.args)
        return False

    def _print_Norm(self, expr, exp=None):
        outer, self._in_norm = self._in_norm, True
        try:
            inner = self._print(expr.matrix)
        finally:
            self._in_norm = outer
        text = rf"\left\|{inner}\right\|" if outer else rf"\|{inner}\|"
        return f"{text}^{{{exp}}}" if exp is not None else text

    def _print_SumEntries(self, expr):
        return r"\mathbf{1}^\top " + self.parenthesize(expr.matrix, PRECEDENCE["Mul"])

    def _print_Identity(self, expr):
        product = self._identity_of_product(expr)
        if product is not None:
            return product
        # \mathbf{I}_n would be the variable I_n when I is a name
        return self._sized(None if "I" in self._names else "I", ops.EYE, expr.rows)

    def _print_OneMatrix(self, expr):
        return self._sized_matrix("1", *expr.shape)

    def _print_ZeroMatrix(self, expr):
        return self._sized_matrix("0", *expr.shape)

    def _sized_matrix(self, symbol: str, rows: sp.Expr, cols: sp.Expr) -> str:
        r"""A vector of ones or zeros, \mathbf{1}_{n}; a matrix as that vector times \mathbf{1}_{m}^\top."""
        if rows == 1 and cols != 1 and symbol == "1":  # a row of ones (a bias spread along rows: v 1ᵀ)
            return f"{self._sized('1', ops.ONES, cols)}^\\top"
        vector = self._sized(symbol, ops.ONES, rows)
        return vector if cols == 1 else f"{vector} {self._sized('1', ops.ONES, cols)}^\\top"

    def _sized(self, symbol: str | None, op: Op, dim: sp.Expr) -> str:
        r"""\mathbf{I}_{n}, \mathbf{1}_{3}; without a symbol, or with a dimension the subscript cannot hold (n_1),
        the call of ``op``: eye(n_1), ones(n_1), and 0 ones(n_1) for the zero vector."""
        text = str(dim)
        if symbol is not None and text.isalnum():
            return rf"\mathbf{{{symbol}}}_{{{text}}}"
        call = rf"\operatorname{{{op.name}}}\left({self._print(dim)}\right)"
        return "0 " + call if symbol == "0" else call

    def _print_Tuple(self, expr):
        return r"\left(" + ", ".join(self._print(item) for item in expr) + r"\right)"


def to_latex(expr: sp.Basic, variables: Collection[str] = (), components: Collection[str] = ()) -> str:
    """``expr`` in LaTeX, as worksheets print it.

    ``variables`` are the formula's variable names and ``components`` the names
    of entries of its concrete arrays (``A11``, printed ``A_{11}``); without
    them a name like A11 prints as the variable ``\\mathit{A11}``.
    """
    names = {str(getattr(atom, "name", "")) for atom in expr.atoms(sp.Symbol, sp.MatrixSymbol)}
    return LatexPrinter(names | set(variables), components).doprint(expr)
