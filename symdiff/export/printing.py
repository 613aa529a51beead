"""What the text and LaTeX printers do alike, written once.

Both print an ``Elementwise`` by printing its body with each placeholder
(``_t0``) standing for its operand, so both keep the scope of the bound
placeholders; both then ask the same questions of a factor (is it an array,
is its power entrywise), print a call of an operation from its ``Op``
(``op_of``) rather than from a class name, and print the nodes that need no
notation of their own alike. ``TextPrinter`` and ``LatexPrinter`` each add
one ``_print_<Node>`` per node type where their notations differ; SymPy's
printer finds a method along the node's class hierarchy, so a method here
serves a node in both until a printer overrides it.
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.printer import Printer

from .. import ops
from ..model.nodes import BOUND, Elementwise, op_of
from ..ops import AXIS_OF, Op


class ArrayPrinting(Printer):
    """Base of the text and LaTeX printers: bound placeholders, operation calls, products."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._bound: dict[sp.Symbol, sp.Basic] = {}
        """Each placeholder of the ``Elementwise`` bodies being printed -> the operand it stands for."""
        self._given: set[sp.Basic] = set()
        """The dims of the variables of the expression being printed: those a reader infers a size from."""

    # --- the scope of bound placeholders -------------------------------------
    def _within(self, node: Elementwise, method, *args):
        """``method(*args)`` with the placeholders of ``node`` bound to its operands (inner scopes shadow outer)."""
        outer = self._bound
        self._bound = {**outer, **dict(zip(BOUND, node.operands, strict=False))}  # BOUND holds more than used
        try:
            return method(*args)
        finally:
            self._bound = outer

    def _print_Elementwise(self, expr: Elementwise) -> str:
        return self._within(expr, self._print, expr.body)

    def _is_array(self, expr: sp.Basic) -> bool:
        """Whether a factor of a body varies entry by entry (holds a bound placeholder)."""
        return any(symbol in self._bound for symbol in expr.free_symbols)

    def _of_full_matrix(self, base: sp.Basic) -> bool:
        """Whether ``base`` holds an operand with more than one row and column: its integer
        power is then entrywise, an entrywise product (``^`` would be the matrix power)."""
        operands = [self._bound[s] for s in base.free_symbols if s in self._bound]
        return any(operand.shape[0] != 1 and operand.shape[1] != 1 for operand in operands)

    # --- products, as each notation writes them --------------------------------
    def _product(self, parts: list[tuple[sp.Basic, str]]) -> str:
        """Printed factors (each with its expression) written as one product."""
        raise NotImplementedError

    def _over(self, numerator: str, denominator: str) -> str:
        """A printed numerator over a printed denominator."""
        raise NotImplementedError

    # --- operations, keyed by their Op --------------------------------------------
    def _call(self, op: Op, args: str) -> str:
        """``op`` applied to printed, comma-separated ``args``."""
        raise NotImplementedError

    def _print_Call(self, expr: sp.Basic) -> str:
        """A node that is an application of an operation, printed as that operation's call."""
        op = op_of(expr)
        assert op is not None, f"{type(expr)} names no operation"
        return self._call(op, ", ".join(self._print(arg) for arg in expr.args))

    # the nodes of array operations written as calls; LaTeX writes norm and sum otherwise (\|v\|, \mathbf{1}^\top v)
    _print_Norm = _print_SumEntries = _print_LogSumExp = _print_Softmax = _print_Diag = _print_Call
    _print_Trace = _print_Determinant = _print_LogDet = _print_Call
    _print_Vec = _print_Commutation = _print_Call

    def _print_KroneckerProduct(self, expr: sp.KroneckerProduct) -> str:
        """``kron(A, kron(B, C))``: SymPy's product of three factors printed as the two-argument calls that read."""
        first, *rest = expr.args
        inner = rest[0] if len(rest) == 1 else sp.KroneckerProduct(*rest)
        return self._call(ops.KRON, f"{self._print(first)}, {self._print(inner)}")

    def doprint(self, expr, *args, **kwargs):
        if isinstance(expr, sp.Basic):
            self._given = {dim for symbol in expr.atoms(sp.MatrixSymbol) for dim in symbol.shape}
        return super().doprint(expr, *args, **kwargs)

    def _print_OneHot(self, expr) -> str:
        """``onehot(y)`` as written, its number of classes K given by an array of the same expression;
        ``onehot(y, K)`` where nothing else has K (a gradient by the scores s, ``onehot(y).T*a``)."""
        given = expr.classes in self._given
        classes = "" if given else ", " + self._print(expr.classes)
        return self._call(expr.op, self._print(expr.labels) + classes)

    def _along(self, name: str, matrix: str, axis: str) -> str:
        """The operation ``name`` applied along ``axis`` of a printed matrix: ``softmax(X, rows)``."""
        raise NotImplementedError

    def _print_RowWise(self, expr: sp.Basic) -> str:
        """A node of an operation applied to each row, printed as the reduction with its axis."""
        op = op_of(expr)
        assert op is not None, f"{type(expr)} names no operation"
        name, axis = AXIS_OF[op]
        return self._along(name, self._print(expr.args[0]), axis)

    _print_SoftmaxRows = _print_LogSumExpRows = _print_RowWise

    def _identity_of_product(self, expr: sp.Identity) -> str | None:
        """The identity of a size that is a product of dims (m*n, from Kronecker products) as
        ``kron(eye(m), eye(n))``, which reads back; None for one dim."""
        size = expr.rows
        if not isinstance(size, sp.Mul | sp.Pow):
            return None
        powers = [power for term in sp.Mul.make_args(size) for power in term.as_powers_dict().items()]
        factors = [base for base, times in powers for _ in range(times)]
        return self._call(ops.KRON, ", ".join(self._print(sp.Identity(factor)) for factor in factors))

    # --- nodes printed alike ----------------------------------------------------------
    def _print_ScalarOf(self, expr) -> str:
        return self._print(expr.matrix)

    def _print_HadamardPower(self, expr) -> str:
        base, exponent = expr.args
        if exponent.is_Integer and exponent > 1:
            return self._print(sp.HadamardProduct(*[base] * int(exponent), evaluate=False))
        return self._print(Elementwise(BOUND[0] ** exponent, (base,)))
