r"""Formulas as their author wrote them: an answer option or a blank's candidate, typeset from its syntax tree.

A key shows an option as the worksheet gave it. Printing the expression the
model builds would not do: SymPy orders and simplifies as it builds, so
``x + x`` would show as 2x and ``2*x/2`` as x, hiding the very mistake the
option was written to test. These printers walk the syntax tree instead
(``parse.ast``), which records what was written and nothing more, and only
change its notation: ``hadamard(x, y)`` is x ⊙ y, ``A.T`` is Aᵀ, ``x1*b1`` is
x₁b₁; numbers keep their digits as written (0.50 stays 0.50). Unicode for
a terminal, LaTeX for a document; both find a method along the node's class
(SymPy's ``Printer`` dispatch), and what they do not know they print as the
author's text.
"""

from __future__ import annotations

from sympy.printing.precedence import PRECEDENCE
from sympy.printing.printer import Printer

from ..errors import SymdiffError
from ..parse import ast, parse
from .latex import reader_name
from .unicode import ACCENTS, CALLS, SUB, SUP, script, unicode_name

BINARY = {"+": PRECEDENCE["Add"], "-": PRECEDENCE["Add"], "*": PRECEDENCE["Mul"], "@": PRECEDENCE["Mul"]}
BINARY |= {"/": PRECEDENCE["Mul"], "^": PRECEDENCE["Pow"]}
"""How tightly each operator of the plain syntax binds (``plain.lark``)."""
NEGATION = (PRECEDENCE["Mul"] + PRECEDENCE["Pow"]) // 2
"""Unary minus binds tighter than * and looser than ^ (-a*b is (-a)*b, -x^2 is -(x^2))."""
ATOM = PRECEDENCE["Atom"]


class WrittenPrinter(Printer):
    """What the Unicode and LaTeX printers of a syntax tree do alike: precedence and the author's text."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source
        """The text the tree was read from: numbers print as written, unknown nodes as their text."""

    def _precedence(self, node: ast.Node) -> int:
        if isinstance(node, ast.Binary):
            return BINARY[node.op]
        if isinstance(node, ast.Neg):
            return NEGATION
        if isinstance(node, ast.Call) and node.func == "hadamard":
            return PRECEDENCE["Mul"]
        return ATOM

    def _operand(self, node: ast.Node, level: int, strict: bool = False) -> str:
        """``node`` printed, bracketed when it binds less tightly than ``level`` (or as tightly, ``strict``)."""
        precedence = self._precedence(node)
        text = self._print(node)
        return self._bracketed(text) if precedence < level or (strict and precedence == level) else text

    def _bracketed(self, text: str) -> str:
        return f"({text})"

    def _is_name(self, node: ast.Node) -> bool:
        """A one-letter name with its scripts (x₁, Aᵀ, b²): side by side with another it reads as a product."""
        if isinstance(node, ast.Transpose | ast.Index):
            return self._is_name(node.operand if isinstance(node, ast.Transpose) else node.base)
        if isinstance(node, ast.Binary) and node.op == "^":
            return self._is_name(node.left)
        if isinstance(node, ast.Name):
            stem = unicode_name(node.id).rstrip("".join(SUB.values()) + "".join(ACCENTS.values()))
            return len(stem) == 1 and stem.isalpha()
        return False

    def _side_by_side(self, left: ast.Node, right: ast.Node) -> bool:
        """Whether a product of ``left`` and ``right`` is written without a sign: 2x, x₁b₁, Aᵀx."""
        rightmost = left
        while isinstance(rightmost, ast.Binary) and rightmost.op in ("*", "@"):
            rightmost = rightmost.right
        scripted = isinstance(rightmost, ast.Transpose) or (isinstance(rightmost, ast.Call) and rightmost.func == "inv")
        return self._is_name(right) and (isinstance(rightmost, ast.Number) or self._is_name(rightmost) or scripted)

    def _print_Node(self, node: ast.Node) -> str:
        start, end = node.span
        return self.source[start:end]

    _print_Number = _print_Node

    def _print_Binary(self, node: ast.Binary) -> str:
        level = BINARY[node.op]
        left = self._operand(node.left, level, strict=node.op == "^")
        right = self._operand(node.right, level, strict=node.op in ("-", "/"))
        return self._binary(node, left, right)

    def _binary(self, node: ast.Binary, left: str, right: str) -> str:
        raise NotImplementedError

    def _print_Neg(self, node: ast.Neg) -> str:
        return "-" + self._operand(node.operand, NEGATION)


class WrittenUnicode(WrittenPrinter):
    """A syntax tree as text that reads as mathematics."""

    def _binary(self, node: ast.Binary, left: str, right: str) -> str:
        if node.op in ("*", "@"):
            return left + ("" if self._side_by_side(node.left, node.right) else "·") + right
        if node.op == "^":
            exponent = self._print(node.right)
            return left + (script(exponent, SUP) or "^" + self._operand(node.right, ATOM))
        return f"{left} {node.op} {right}" if node.op in "+-" else f"{left}{node.op}{right}"

    def _print_Name(self, node: ast.Name) -> str:
        return unicode_name(node.id)

    def _print_Call(self, node: ast.Call) -> str:
        args = [self._print(arg) for arg in node.args]
        if node.func == "hadamard":
            return " ⊙ ".join(self._operand(arg, PRECEDENCE["Mul"], strict=True) for arg in node.args)
        if node.func == "norm" and len(args) == 1:
            return f"‖{args[0]}‖"
        if node.func == "abs":
            return f"|{args[0]}|"
        if node.func == "sqrt":
            return "√" + self._operand(node.args[0], ATOM)
        if node.func == "inv":
            return self._operand(node.args[0], ATOM) + "⁻¹"
        return f"{CALLS.get(node.func, node.func)}({', '.join(args)})"

    def _print_Transpose(self, node: ast.Transpose) -> str:
        return self._operand(node.operand, ATOM) + "ᵀ"

    def _print_Index(self, node: ast.Index) -> str:
        base = self._operand(node.base, ATOM)
        scripted = script("".join(map(str, node.indices)), SUB) if isinstance(node.base, ast.Name) else None
        return (
            base + scripted if scripted and max(node.indices) < 10 else f"{base}[{', '.join(map(str, node.indices))}]"
        )

    def _print_Matrix(self, node: ast.Matrix) -> str:
        if all(len(row) == 1 for row in node.rows):
            return "[" + ", ".join(self._print(row[0]) for row in node.rows) + "]"
        return "[" + ", ".join("[" + ", ".join(self._print(item) for item in row) + "]" for row in node.rows) + "]"

    def _print_Tuple(self, node: ast.Tuple) -> str:
        return "(" + ", ".join(self._print(item) for item in node.items) + ")"


class WrittenLatex(WrittenPrinter):
    """A syntax tree in LaTeX for a reader: x_{1} b_{1}, \\mathbf{A}^\\top is A^\\top, \\odot, \\frac."""

    def _bracketed(self, text: str) -> str:
        return rf"\left({text}\right)"

    def _binary(self, node: ast.Binary, left: str, right: str) -> str:
        if node.op in ("*", "@"):
            return left + (" " if self._side_by_side(node.left, node.right) else r" \cdot ") + right
        if node.op == "/":
            return rf"\frac{{{self._print(node.left)}}}{{{self._print(node.right)}}}"
        if node.op == "^":
            return f"{_scripted(left)}^{{{self._print(node.right)}}}"
        return f"{left} {node.op} {right}"

    def _print_Name(self, node: ast.Name) -> str:
        return reader_name(node.id)

    def _print_Call(self, node: ast.Call) -> str:
        args = [self._print(arg) for arg in node.args]
        if node.func == "hadamard":
            return r" \odot ".join(self._operand(arg, PRECEDENCE["Mul"], strict=True) for arg in node.args)
        if node.func == "norm" and len(args) == 1:
            return rf"\left\|{args[0]}\right\|"
        if node.func == "abs":
            return rf"\left|{args[0]}\right|"
        if node.func == "sqrt":
            return rf"\sqrt{{{args[0]}}}"
        if node.func == "inv":
            return f"{_scripted(self._operand(node.args[0], ATOM))}^{{-1}}"
        name = r"\sigma" if node.func == "sigmoid" else node.op.latex or rf"\operatorname{{{node.func}}}"
        return rf"{name}\left({', '.join(args)}\right)"

    def _print_Transpose(self, node: ast.Transpose) -> str:
        return f"{_scripted(self._operand(node.operand, ATOM))}^\\top"

    def _print_Index(self, node: ast.Index) -> str:
        return f"{self._operand(node.base, ATOM)}_{{{','.join(map(str, node.indices))}}}"

    def _print_Matrix(self, node: ast.Matrix) -> str:
        rows = [" & ".join(self._print(item) for item in row) for row in node.rows]
        return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"

    def _print_Tuple(self, node: ast.Tuple) -> str:
        return r"\left(" + ", ".join(self._print(item) for item in node.items) + r"\right)"


def _scripted(base: str) -> str:
    """A base for a superscript: braced when it has one already, {x^{2}}^\\top."""
    return f"{{{base}}}" if "^" in base else base


def _written(printer: type[WrittenPrinter], text: str) -> str | None:
    try:
        tree = parse(text)
    except SymdiffError:
        return None
    return printer(text).doprint(tree)


def written_unicode(text: str) -> str | None:
    """A formula in plain syntax as its author wrote it, in Unicode; None when it does not parse."""
    return _written(WrittenUnicode, text)


def written_latex(text: str) -> str | None:
    """A formula in plain syntax as its author wrote it, in LaTeX for a reader; None when it does not parse."""
    return _written(WrittenLatex, text)
