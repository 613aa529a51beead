"""The plan: an expression as a short list of steps, ``register = kind(registers)``, for the sizes at hand.

One ``Planner`` serves every numeric use of an expression: ``evaluate.numpy``
runs a plan, ``evaluate.code`` prints one as Python source. Planning is where
the cost is decided, once per set of sizes:

- every step is hash-consed (value numbering), so a subexpression computed
  twice, a product of the same factors or the same input, is computed once;
- a matrix chain is multiplied in the cheapest order for the sizes bound at
  call time (dynamic programming over the dims; without sizes, as when code
  is printed for any size, ``multi_dot`` decides at run time);
- ``diag(v)*M`` and ``M*diag(v)`` scale the rows or columns of M by broadcasting,
  never building the n×n diagonal; ``inv(X)*B`` is ``solve(X, B)``;
  ``trace(A*B)`` is a sum of entrywise products, never the product A*B;
- ``hadamard`` and entrywise functions are ufuncs on whole arrays, their
  bodies inlined with the operands' registers;
- ``log(sigmoid(z))`` and ``log(1 - sigmoid(z))`` are ``-softplus(-z)`` and ``-softplus(z)``, softplus
  from ``logaddexp``: finite at z = ±800, where sigmoid rounds to 0 or 1 and its log to -inf;
- sums of exponentials are shifted by their largest exponent before exp is
  taken (component form writes ``log(exp(x1) + exp(x2))`` out, and at
  x = [1000, 1000] the plain evaluation overflows), and ``log(det(X))`` is
  ``slogdet``'s.

Column vectors are (n, 1) arrays inside a plan; callers convert at the boundary.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import sympy as sp
from sympy.printing.printer import Printer

from .. import ops
from ..errors import UnsupportedError
from ..model.algebra import chain_order
from ..model.nodes import BOUND, Diag, Norm, op_of
from . import indices

Sizes = Mapping[sp.Basic, int]

GUESS = 1000
"""The size a chain's unknown dims are planned for when some are known (printed code, A.T*A*x with x a vector):
the order then depends on where the vectors are, not on the sizes, and the factors shared with other
expressions (A*x) are shared. A chain of matrices of unknown sizes only is left to ``multi_dot``."""


@dataclass(frozen=True, slots=True)
class Step:
    """``kind`` applied to the values in registers ``args``; ``data`` holds what is not a value (a name, an index)."""

    kind: str
    args: tuple[int, ...] = ()
    data: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Plan:
    """Register i holds the value of ``steps[i]``; ``output`` is the register of the result."""

    steps: tuple[Step, ...]
    output: int
    outputs: tuple[int, ...] = ()
    """Several results planned together (``plan_all``), sharing their common steps."""


class _Item(NamedTuple):
    """A factor of a matrix product: a matrix, the inverse of one, or diag(v) given by v."""

    kind: str  # "mat", "inv" or "diag"
    reg: int
    rows: int | None
    cols: int | None
    name: str = ""


def _name(matrix: sp.Basic) -> str:
    text = str(matrix)
    return text if len(text) <= 40 else "a matrix"


class Planner(Printer):
    """SymPy expression -> steps appended to ``self.steps``; ``_print`` returns the register of the value."""

    printmethod = "_symdiff_plan"

    def __init__(self, sizes: Sizes | None = None) -> None:
        super().__init__()
        self.sizes = sizes
        self.steps: list[Step] = []
        self._numbers: dict[Step, int] = {}
        self._memo: dict[tuple[sp.Basic, tuple], int] = {}
        self._scope: dict[sp.Basic, int] = {}
        self.index_axes: dict[sp.Symbol, int] = {}
        """The axis of each index of the index form (``evaluate.indices``)."""

    # --- the machinery ----------------------------------------------------------------
    def emit(self, kind: str, args: tuple[int, ...] = (), data: tuple[Any, ...] = ()) -> int:
        """The register of ``kind(args)``: a new step, or the one that already computes it."""
        step = Step(kind, args, data)
        found = self._numbers.get(step)
        if found is None:
            self.steps.append(step)
            found = self._numbers[step] = len(self.steps) - 1
        return found

    def const(self, value: float) -> int:
        return self.emit("const", data=(float(value),))

    def _print(self, expr, **settings) -> int:
        key = (expr, tuple(self._scope.items()))
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = super()._print(expr, **settings)
        return found

    def emptyPrinter(self, expr):
        raise UnsupportedError(f"cannot evaluate {type(expr).__name__} numerically")

    def _size(self, dim: sp.Basic) -> int | None:
        if isinstance(dim, int | sp.Integer):
            return int(dim)
        return None if self.sizes is None or dim not in self.sizes else int(self.sizes[dim])

    def _shape(self, expr: sp.Basic) -> tuple[int | None, int | None]:
        rows, cols = expr.shape
        return self._size(rows), self._size(cols)

    def _dim(self, dim: sp.Basic) -> int:
        """A dim as a register: a number when known, else the dim's symbol, read at run time."""
        size = self._size(dim)
        if size is None and isinstance(dim, sp.Mul | sp.Pow):  # the side m*n of kron, vec and commutation
            return self._print(dim)
        return self.emit("size", data=(int(size),)) if size is not None else self.emit("input", data=(dim,))

    def times(self, coefficient: int, value: int) -> int:
        """``coefficient*value``, with 1 and -1 spelt as nothing and as a negation."""
        if coefficient == self.const(1.0):
            return value
        if coefficient == self.const(-1.0):
            return self.emit("neg", (value,))
        return self.emit("mul", (coefficient, value))

    def _many(self, kind: str, regs: list[int]) -> int:
        return regs[0] if len(regs) == 1 else self.emit(kind, tuple(regs))

    # --- scalars ------------------------------------------------------------------------
    def _print_Symbol(self, expr):
        if expr in self._scope:
            return self._scope[expr]
        return self.emit("input", data=(expr,))

    _print_MatrixSymbol = _print_Symbol

    def _print_Number(self, expr):
        return self.const(float(expr))

    _print_Rational = _print_Integer = _print_Float = _print_NumberSymbol = _print_Pi = _print_Exp1 = _print_Number

    def _print_Add(self, expr):
        positive, negative = [], []
        for term in expr.args:
            flipped = _negated(term)
            (positive if flipped is None else negative).append(self._print(term if flipped is None else flipped))
        if not positive:
            return self.emit("neg", (self._many("add", negative),))
        total = self._many("add", positive)
        return total if not negative else self.emit("sub", (total, self._many("add", negative)))

    _print_MatAdd = _print_Add

    def _print_Mul(self, expr):
        if any(_is_power_of_exp_sum(factor) for factor in expr.args):
            return self._scaled_product(list(expr.args))
        top, bottom = [], []
        for factor in expr.args:
            if isinstance(factor, sp.Pow) and factor.exp.is_Number and factor.exp < 0:
                bottom.append(self._print(factor.base if factor.exp == -1 else sp.Pow(factor.base, -factor.exp)))
            else:
                top.append(self._print(factor))
        sign = self.const(1.0)
        if len(top) > 1 and top[0] == self.const(-1.0):
            sign, top = top[0], top[1:]
        numerator = self._many("mul", top) if top else self.const(1.0)
        return self.times(sign, numerator if not bottom else self.emit("div", (numerator, self._many("mul", bottom))))

    _print_HadamardProduct = _print_Mul

    def _print_Pow(self, expr):
        if _is_power_of_exp_sum(expr):
            return self._scaled_product([expr])
        if isinstance(expr.base, Norm) and expr.exp == 2:
            return self.emit("sumsq", (self._print(expr.base.matrix),))
        if expr.exp == sp.S.Half:
            return self.emit("sqrt", (self._print(expr.base),))
        if expr.exp == 2:
            base = self._print(expr.base)
            return self.emit("mul", (base, base))
        return self.emit("power", (self._print(expr.base), self._print(expr.exp)))

    _print_HadamardPower = _print_Pow

    def _print_Function(self, expr):
        op = op_of(expr)
        if op is None or op.kind != "entrywise":
            return self.emptyPrinter(expr)
        return self.emit("call", tuple(self._print(arg) for arg in expr.args), (op.name,))

    _print_Abs = _print_Function

    def _print_log(self, expr):
        if isinstance(expr.args[0], sp.Determinant):  # log(det(X)) as logdet(X), without overflow
            return self._print_LogDet(expr.args[0])
        for arg, sign in ((expr.args[0], -1), (1 - expr.args[0], 1)):
            if op_of(arg) is ops.SIGMOID:  # log(sigmoid(z)) = -softplus(-z), log(1 - sigmoid(z)) = -softplus(z)
                return self.emit("neg", (self.emit("softplus", (self._print(sign * arg.args[0]),)),))
        if not _has_exp_term(expr.args[0]):
            return self._print_Function(expr)
        total, peak = self._scaled_sum(expr.args[0])
        return self.emit("add", (peak, self.emit("call", (total,), ("log",))))

    # --- sums of exponentials, shifted by their peak --------------------------------------
    def _scaled_sum(self, expr: sp.Add) -> tuple[int, int]:
        """``sum c_i*exp(b_i)`` as the registers of (sum c_i*exp(b_i - peak), peak), peak the largest finite b_i."""
        terms = [(self._print(c), self._print(b)) for c, b in map(_split_exp, expr.args)]
        largest = functools.reduce(lambda a, b: self.emit("call", (a, b), ("max",)), [b for _, b in terms])
        peak = self.emit("finite_or_zero", (largest,))
        scaled = [self.times(c, self.emit("call", (self._minus(b, peak),), ("exp",))) for c, b in terms]
        return self._many("add", scaled), peak

    def _minus(self, a: int, b: int) -> int:
        return self.emit("neg", (b,)) if a == self.const(0.0) else self.emit("sub", (a, b))

    def _scaled_product(self, factors: list[sp.Basic]) -> int:
        """A product of exps and powers of sums of exps: the exponents added up before one exp is taken."""
        plain = [self._print(f) for f in factors if not isinstance(f, sp.exp) and not _is_power_of_exp_sum(f)]
        value = self._many("mul", plain) if plain else self.const(1.0)
        scale = [self._print(f.args[0]) for f in factors if isinstance(f, sp.exp)]
        for f in factors:
            if _is_power_of_exp_sum(f):
                total, peak = self._scaled_sum(f.base)
                power = self.const(float(f.exp))
                value = self.emit("mul", (value, self.emit("power", (total, power))))
                scale.append(self.emit("mul", (power, peak)))
        exponent = self._many("add", scale) if scale else self.const(0.0)
        return self.emit("mul", (value, self.emit("call", (exponent,), ("exp",))))

    # --- matrix products -------------------------------------------------------------------
    def _item(self, factor: sp.Basic) -> _Item:
        if isinstance(factor, Diag):
            size = self._size(factor.shape[0])
            return _Item("diag", self._print(factor.vector), size, size)
        if isinstance(factor, sp.Inverse):
            return _Item("inv", self._print(factor.arg), *self._shape(factor), _name(factor.arg))
        return _Item("mat", self._print(factor), *self._shape(factor))

    def _items(self, factors: list[sp.Basic]) -> list[_Item]:
        """The factors of a product, X^k as k factors X, so that the chain order sees through powers."""
        expanded: list[sp.Basic] = []
        for f in factors:
            power = f.args[1] if isinstance(f, sp.MatPow) else None
            expanded += [f.args[0]] * int(power) if power is not None and power.is_Integer and power > 0 else [f]
        return [self._item(f) for f in expanded]

    def _print_MatMul(self, expr):
        coefficient, factors = expr.as_coeff_matrices()
        return self.times(self._print(coefficient), self._product(self._items(factors)))

    def _product(self, items: list[_Item]) -> int:
        """The register of the product of ``items``: inverses as solves, diagonals as broadcasting, then the chain."""
        for i, item in enumerate(items):
            if item.kind != "inv":
                continue
            left, right = items[:i], items[i + 1 :]
            if right:  # inv(X)*B = solve(X, B)
                solved = self.emit("solve", (item.reg, self._product(right)), (item.name,))
                return self._product([*left, _Item("mat", solved, item.rows, right[-1].cols)])
            if left:  # B*inv(X) = solve(X.T, B.T).T
                rest = self.emit("transpose", (self._product(left),))
                solved = self.emit("solve", (self.emit("transpose", (item.reg,)), rest), (item.name,))
                return self.emit("transpose", (solved,))
            return self.emit("inv", (item.reg,), (item.name,))
        items = self._fold_diagonals(items)
        if len(items) == 1 and items[0].kind == "diag":
            return self.emit("diag", (items[0].reg,))
        return self._chain(items)

    def _fold_diagonals(self, items: list[_Item]) -> list[_Item]:
        """diag(v)*M as v*M (rows scaled), M*diag(v) as M*v.T (columns scaled), diag(v)*diag(w) as diag(v*w)."""
        while True:
            where = next((i for i, item in enumerate(items) if item.kind == "diag"), None)
            if where is None or len(items) == 1:
                return items
            v = items[where]
            before = items[where - 1] if where > 0 else None
            after = items[where + 1] if where + 1 < len(items) else None
            if after is not None and after.kind == "diag":
                merged = _Item("diag", self.emit("mul", (v.reg, after.reg)), v.rows, v.cols)
                items = [*items[:where], merged, *items[where + 2 :]]
            elif after is not None and (before is None or _cells(after) <= _cells(before)):
                scaled = _Item("mat", self.emit("mul", (v.reg, after.reg)), after.rows, after.cols)
                items = [*items[:where], scaled, *items[where + 2 :]]
            else:
                assert before is not None
                row = self.emit("transpose", (v.reg,))
                scaled = _Item("mat", self.emit("mul", (before.reg, row)), before.rows, before.cols)
                items = [*items[: where - 1], scaled, *items[where + 1 :]]

    def _chain(self, items: list[_Item]) -> int:
        """A product of matrices in the cheapest order for the sizes (``multi_dot`` decides when they are unknown)."""
        regs = [item.reg for item in items]
        if len(items) == 1:
            return regs[0]
        dims = [items[0].rows, *(item.cols for item in items)]
        if len(items) == 2:
            return self._matmul(regs[0], regs[1], dims[1])
        if all(d is None for d in dims):
            return self.emit("multidot", tuple(regs))
        split = chain_order([GUESS if d is None else d for d in dims])

        def build(i: int, j: int) -> int:
            if i == j:
                return regs[i]
            k = split[i][j]
            return self._matmul(build(i, k), build(k + 1, j), dims[k + 1])

        return build(0, len(items) - 1)

    def _matmul(self, left: int, right: int, inner: int | None) -> int:
        """``left*right``; over an inner dim of 1 (an outer product ``b*x.T``) the broadcast product, which
        NumPy computes in half the time of ``matmul``'s."""
        return self.emit("mul" if inner == 1 else "matmul", (left, right))

    # --- matrices --------------------------------------------------------------------
    def _print_Transpose(self, expr):
        return self.emit("transpose", (self._print(expr.arg),))

    def _print_Inverse(self, expr):
        return self.emit("inv", (self._print(expr.arg),), (_name(expr.arg),))

    def _print_MatPow(self, expr):
        base, power = expr.args
        if power.is_Integer and power > 0:
            return self._product(self._items([expr]))
        return self.emit("matpow", (self._print(base),), (int(power), _name(base)))

    def _print_Trace(self, expr):
        """trace(P*Q) as the sum of P∘Qᵀ: the product P*Q is never formed."""
        arg = expr.arg
        if isinstance(arg, sp.MatMul):
            coefficient, factors = arg.as_coeff_matrices()
            items = self._items(factors)
            if len(items) >= 2 and items[-1].kind == "mat":
                value = self.emit("trace_product", (self._product(items[:-1]), items[-1].reg))
                return self.times(self._print(coefficient), value)
        return self.emit("trace", (self._print(arg),))

    def _print_Determinant(self, expr):
        return self.emit("det", (self._print(expr.arg),))

    def _print_LogDet(self, expr):
        """``LogDet(X)``, or ``log(det(X))`` read before recognition: both have the matrix as their one argument."""
        matrix = expr.args[0]
        return self.emit("logdet", (self._print(matrix),), (_name(matrix),))

    def _print_Identity(self, expr):
        return self.emit("eye", (self._dim(expr.shape[0]),))

    def _print_OneMatrix(self, expr):
        return self.emit("ones", tuple(self._dim(d) for d in expr.shape))

    def _print_ZeroMatrix(self, expr):
        return self.emit("zeros", tuple(self._dim(d) for d in expr.shape))

    def _print_MatrixElement(self, expr):
        return self.emit("entry", (self._print(expr.parent),), (int(expr.i), int(expr.j)))

    def _print_ImmutableDenseMatrix(self, expr):
        entries = tuple(self._print(e) for e in expr)
        return self.emit("dense", entries, (expr.rows, expr.cols))

    _print_MutableDenseMatrix = _print_ImmutableDenseMatrix

    def _print_Tuple(self, expr):
        return self.emit("tuple", tuple(self._print(arg) for arg in expr.args))

    # --- symdiff's own nodes -----------------------------------------------------------
    def _print_ScalarOf(self, expr):
        return self.emit("item", (self._print(expr.matrix),))

    def _print_Norm(self, expr):
        return self.emit("sqrt", (self.emit("sumsq", (self._print(expr.matrix),)),))

    def _print_SumEntries(self, expr):
        return self.emit("sum", (self._print(expr.matrix),))

    def _shifted_exp(self, value: int, largest: str) -> tuple[int, int]:
        """(exp(value - peak), peak), the peak ``largest`` of the value (``max``, or ``rowmax`` for each row):
        so entries of 1000 stay finite."""
        peak = self.emit(largest, (value,))
        return self.emit("call", (self.emit("sub", (value, peak)),), ("exp",)), peak

    def _logsumexp(self, value: int, largest: str, total: str) -> int:
        shifted, peak = self._shifted_exp(value, largest)
        return self.emit("add", (peak, self.emit("call", (self.emit(total, (shifted,)),), ("log",))))

    def _softmax(self, value: int, largest: str, total: str) -> int:
        shifted, _ = self._shifted_exp(value, largest)
        return self.emit("div", (shifted, self.emit(total, (shifted,))))

    def _print_LogSumExp(self, expr):
        return self._logsumexp(self._print(expr.matrix), "max", "sum")

    def _print_Softmax(self, expr):
        return self._softmax(self._print(expr.vector), "max", "sum")

    def _print_SoftmaxRows(self, expr):
        return self._softmax(self._print(expr.matrix), "rowmax", "rowsum")

    def _print_LogSumExpRows(self, expr):
        """The column of each row's logsumexp."""
        return self._logsumexp(self._print(expr.matrix), "rowmax", "rowsum")

    def _print_Diag(self, expr):
        return self._product([self._item(expr)])

    def _print_OneHot(self, expr):
        """Rows of the identity at the labels; of one label, the column e_y."""
        rows = self.emit("onehot", (self._print(expr.labels), self._dim(expr.classes)), (_name(expr.labels),))
        return rows if expr.labels.is_Matrix else self.emit("transpose", (rows,))

    def _print_KroneckerProduct(self, expr):
        return self._many("kron", [self._print(arg) for arg in expr.args])

    def _print_Vec(self, expr):
        """vec(X): the columns of X stacked (column-major)."""
        return self.emit("vec", (self._print(expr.matrix),))

    def _print_Commutation(self, expr):
        return self.emit("commutation", tuple(self._dim(d) for d in expr.args))

    def _print_FreeIndices(self, expr):  # a partial by an entry (model.index_form): its matrix form's numbers
        return self._print(expr.matrix)

    def _print_IndexedEntry(self, expr):  # the index form, where there is no matrix form (evaluate.indices)
        return indices.plan_entry(self, expr)

    def _print_IndexedSum(self, expr):
        return indices.plan_sum(self, expr)

    def _print_IndexArray(self, expr):
        return indices.plan_array(self, expr)

    def _print_Elementwise(self, expr):
        """The body inlined, its placeholders standing for the operands' registers: one ufunc call per node."""
        operands = [self._print(op) for op in expr.operands]
        outer, self._scope = self._scope, {**self._scope, **dict(zip(BOUND, operands))}
        try:
            body = self._print(expr.body)
        finally:
            self._scope = outer
        used = [op for slot, op in zip(BOUND, expr.operands) if slot in expr.body.free_symbols]
        if any(getattr(op, "is_Matrix", False) for op in used):
            return body
        return self.emit("full_like", (operands[0], body))  # a constant body: an array of the operand's shape


def _cells(item: _Item) -> float:
    return float("inf") if item.rows is None or item.cols is None else item.rows * item.cols


def _negated(term: sp.Basic) -> sp.Basic | None:
    """``-t`` when ``term`` is written with a minus sign (``-x``, ``-2*A*B``), else None."""
    if isinstance(term, sp.MatMul):
        coefficient, factors = term.as_coeff_matrices()
        if coefficient.is_Number and coefficient < 0:
            return sp.MatMul(-coefficient, *factors) if coefficient != -1 else sp.MatMul(*factors)
        return None
    if isinstance(term, sp.Mul) and term.args[0].is_Number and term.args[0] < 0:
        return -term
    return None


def _split_exp(term: sp.Basic) -> tuple[sp.Expr, sp.Expr]:
    """A term as coefficient * exp(exponent), its exp factors pulled out (exponent 0 if none)."""
    factors = sp.Mul.make_args(term)
    return (
        sp.Mul(*(f for f in factors if not isinstance(f, sp.exp))),
        sp.Add(*(f.args[0] for f in factors if isinstance(f, sp.exp))),
    )


def _has_exp_term(expr: sp.Basic) -> bool:
    return isinstance(expr, sp.Add) and any(_split_exp(term)[1] != 0 for term in expr.args)


def _is_power_of_exp_sum(expr: sp.Basic) -> bool:
    return isinstance(expr, sp.Pow) and expr.exp.is_Number and _has_exp_term(expr.base)


def plan(expr: sp.Basic, sizes: Sizes | None = None) -> Plan:
    """The steps computing ``expr``; ``sizes`` gives the dims their numbers (None: any size, as printed code)."""
    return plan_all([expr], sizes)


def plan_all(exprs: list[sp.Basic], sizes: Sizes | None = None) -> Plan:
    """One plan computing every expression of ``exprs``, their common subexpressions once."""
    planner = Planner(sizes)
    outputs = tuple(planner._print(expr) for expr in exprs)
    return Plan(tuple(planner.steps), outputs[-1], outputs)


def dims_of(expr: sp.Basic) -> tuple[sp.Basic, ...]:
    """The symbolic dims of ``expr``'s matrices: what a plan's sizes are keyed by."""
    found: set[sp.Basic] = set()
    for node in sp.preorder_traversal(expr):
        if getattr(node, "is_Matrix", False) and hasattr(node, "shape"):
            for dim in node.shape:
                if isinstance(dim, sp.Basic):
                    found |= dim.free_symbols
    return tuple(sorted(found, key=str))
