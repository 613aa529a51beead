"""Shape inference: every name typed by unification, before anything is built.

A name (or a sum of names) multiplied from the right onto an array,
transposed, passed to ``norm``/``sum``/``dot``, or added to a vector is a
vector, but a scalar when multiplied onto a column (``x*t``), as is a factor
before an array (``lam`` in ``lam*W*x``); the rest are scalars, unless the
name's spelling says otherwise (``naming``). A conflict names both operands
and their shapes, with hints in the syntax the formula was written in.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from .. import limits
from ..errors import LimitError, ShapeError
from ..parse import ast
from ..parse.sums import Entry, IndexSum
from ..parse.vocabulary import SIZED
from . import index_shapes
from .naming import component_names, names_component, spelled_shape
from .shape_rules import CALL_RULES
from .types import UNKNOWN, Dim, Shape, Term, TermShape, Typing, Unknown, Var, describe

DIM_LETTERS = ("n", "d", "m", "k", "p", "q", "r", "s", "t", "u", "v", "w")

NOTATION: dict[str, tuple[str, str]] = {
    "entrywise product": ("hadamard(a, b)", r"a \odot b"),
    "inner product of matrices": ("trace(A.T*B)", r"\operatorname{tr}(\mathbf{A}^\top \mathbf{B})"),
    "literal": ("[[a, b], [c, d]] by rows", r"\begin{bmatrix} a & b \\ c & d \end{bmatrix}"),
}
"""How hints write a construct: (plain syntax, LaTeX), to match the formula's syntax."""


@dataclass
class Inference:
    text: str
    latex: bool = False
    parent: dict[Var, Term] = field(default_factory=dict)
    names: dict[str, TermShape | None] = field(default_factory=dict)
    changed: bool = False
    scaling: list[ast.Node] = field(default_factory=list)
    """Untyped factors on the left of an array (``lam`` in ``lam*W*x``): scalars if nothing else types them."""
    sizes: dict[int, tuple[ast.Call, Var]] = field(default_factory=dict)
    r"""The unknown size of each constant array written without one (``\mathbf{I}``), by its key."""
    indices: dict[str, Term] = field(default_factory=dict)
    """The summation indices in scope -> the dimension each runs over (``index_shapes``)."""
    index_dims: dict[int, Var] = field(default_factory=dict)
    """The dimension of each sum written without a bound, by the sum's id."""
    free: dict[str, Var] = field(default_factory=dict)
    """Indices no sum binds -> their dimensions: the formula is the array over them."""
    classes: dict[ast.Node, Term] = field(default_factory=dict)
    """The labels of each ``onehot`` -> their number of classes, one for every ``onehot`` of the same labels."""

    # --- unification -------------------------------------------------------
    def find(self, term: Term) -> Term:
        while isinstance(term, Var) and term in self.parent:
            term = self.parent[term]
        return term

    def unify(self, a: Term, b: Term) -> bool:
        a, b = self.find(a), self.find(b)
        if a == b:
            return True
        if isinstance(a, Var):
            self.parent[a] = b
            return True
        if isinstance(b, Var):
            self.parent[b] = a
            return True
        return False

    def fresh(self) -> Var:
        return Var()

    def show(self, node: ast.Node, shape: TermShape) -> str:
        start, end = node.span  # type: ignore[attr-defined]
        return f"{self.text[start:end] or 'operand'} ({describe(shape, self.find)})"

    def conflict(self, node: ast.Node, message: str, hint: str | None = None) -> ShapeError:
        return ShapeError(message, self.text, node.span, hint)  # type: ignore[attr-defined]

    def spell(self, construct: str) -> str:
        """A construct of ``NOTATION`` as the formula's syntax writes it."""
        return NOTATION[construct][self.latex]

    # --- typing of names ---------------------------------------------------
    def assign(self, node: ast.Node, shape: TermShape) -> None:
        """Give the bare unknown names of ``node`` a shape, looking through transposes, minus,
        entrywise calls and sums: in ``(x - s).T`` both x and s are arrays, as x is in ``x.T``."""
        stack = [node]
        while stack:
            node = stack.pop()
            if (
                isinstance(node, ast.Transpose | ast.Neg)
                or (isinstance(node, ast.Call) and node.op.kind == "entrywise" and node.op.arity == 1)
                or (isinstance(node, ast.Binary) and node.op in "+-")
            ):
                stack.extend(node.children())
            elif isinstance(node, ast.Name) and node.id in self.names and self.names[node.id] is None:
                self.names[node.id] = shape
                self.changed = True

    def vector(self) -> TermShape:
        return (self.fresh(), 1)

    def size(self, call: ast.Call) -> Var:
        """The unknown size of ``call`` (``eye`` or ``ones`` of an ``ast.Size``, the classes of ``onehot(y)``,
        its last argument), the same on every pass."""
        size = call.args[-1]
        return self.sizes.setdefault(cast(ast.Size, size).key, (call, self.fresh()))[1]

    # --- shape rules -------------------------------------------------------
    def shape(self, node: ast.Node) -> Any:
        """``node``'s ``TermShape``, or ``UNKNOWN`` while its names are not all typed."""
        method = getattr(self, "shape_" + type(node).__name__)
        return method(node)

    def shape_Number(self, node: ast.Number) -> TermShape:
        return ()

    def shape_Name(self, node: ast.Name) -> TermShape | Unknown:
        if node.id == "pi":
            return ()
        shape = self.names[node.id]
        return UNKNOWN if shape is None else shape

    def shape_Neg(self, node: ast.Neg) -> TermShape | Unknown:
        return self.shape(node.operand)

    def shape_Transpose(self, node: ast.Transpose) -> TermShape | Unknown:
        shape = self.shape(node.operand)
        if shape is UNKNOWN:
            self.assign(node.operand, self.vector())  # only arrays are transposed
        if shape is UNKNOWN or shape == ():
            return shape
        return (shape[1], shape[0])

    def shape_Tuple(self, node: ast.Tuple) -> TermShape:
        raise self.conflict(node, "a tuple can only be the whole formula", "write (a, b) at the top level only")

    def shape_Matrix(self, node: ast.Matrix) -> TermShape:
        for item in node.children():
            if self.shape(item) not in ((), UNKNOWN):
                message = "entries of a literal vector or matrix must be scalars"
                raise self.conflict(item, message, f"write {self.spell('literal')}")
            self.assign(item, ())
        return (len(node.rows), len(node.rows[0]))

    def shape_Index(self, node: ast.Index) -> TermShape:
        shape = self.shape(node.base)
        if shape is UNKNOWN or shape == ():
            raise self.conflict(node, "only a vector or matrix can be indexed", "declare its shape, e.g. --shape x=2")
        rows, cols = (self.find(d) for d in shape)
        if not (isinstance(rows, int) and isinstance(cols, int)):
            raise self.conflict(node, "components need concrete dims", "declare them, e.g. --shape A=2,2")
        wanted = 1 if cols == 1 else 2
        indices = node.indices if len(node.indices) == 2 or wanted == 1 else None
        if indices is None or (len(indices) == 2 and cols == 1 and indices[1] != 1):
            raise self.conflict(node, f"{describe(shape, self.find)} takes {wanted} index(es)")
        full = indices if len(indices) == 2 else (indices[0], 1)
        if full[0] > rows or full[1] > cols:
            raise self.conflict(node, f"index out of range for a {describe(shape, self.find)}", "indices start at 1")
        return ()

    def shape_Binary(self, node: ast.Binary) -> TermShape | Unknown:
        left, right = self.shape(node.left), self.shape(node.right)
        op = node.op
        if op in "+-":
            return self.broadcast(node, left, right, "add" if op == "+" else "subtract")
        if op in "*@":
            if op == "*" and (left == () or right == ()):
                return right if left == () else left
            if left is UNKNOWN or right is UNKNOWN:
                if right is UNKNOWN and left not in (UNKNOWN, ()):
                    # A factor on the right of an array is a vector (A*x), but after a column
                    # it is a scalar (x*t): symdiff's vectors are columns, and 1×1 is a scalar.
                    column = op == "*" and self.find(left[1]) == 1
                    self.assign(node.right, () if column else self.vector())
                elif op == "@" and not (left is UNKNOWN and right is UNKNOWN):
                    self.assign(node.left if left is UNKNOWN else node.right, self.vector())
                elif right not in (UNKNOWN, ()):
                    self.scaling.append(node.left)
                return UNKNOWN
            if op == "@" and (left == () or right == ()):
                raise self.conflict(node, "@ multiplies two arrays", "use * to scale by a scalar")
            return self.matmul(node, left, right)
        if op == "/":
            if right == ():
                return left
            if right is UNKNOWN:
                return UNKNOWN
            return self.broadcast(node, left, right, "divide")
        return self.power(node, left, right)

    def broadcast(self, node: ast.Binary | ast.Call, left, right, verb: str) -> TermShape | Unknown:
        left_node, right_node = node.children()
        if left is UNKNOWN or right is UNKNOWN:
            known, other = (left, right_node) if right is UNKNOWN else (right, left_node)
            if known not in (UNKNOWN, ()) and self.find(known[1]) == 1 and verb in ("add", "subtract"):
                self.assign(other, self.vector())
            return UNKNOWN
        if left == () or right == ():
            return right if left == () else left
        if not all(self.unify(a, b) for a, b in zip(left, right, strict=True)):
            raise self.conflict(
                node,
                f"cannot {verb} {self.show(left_node, left)} and {self.show(right_node, right)}",
                "the shapes must agree",
            )
        return left

    def matmul(self, node: ast.Node, left: tuple[Term, Term], right: tuple[Term, Term]) -> TermShape:
        left_node, right_node = node.children()
        if not self.unify(left[1], right[0]):
            raise self.conflict(
                node,
                f"cannot multiply {self.show(left_node, left)} by {self.show(right_node, right)}",
                "the columns of the left must match the rows of the right; "
                f"for entrywise products use {self.spell('entrywise product')}",
            )
        rows, cols = self.find(left[0]), self.find(right[1])
        return () if rows == 1 and cols == 1 else (rows, cols)

    def power(self, node: ast.Binary, base, exponent) -> TermShape | Unknown:
        if exponent is UNKNOWN:
            self.assign(node.right, ())
            return UNKNOWN
        if exponent != ():
            raise self.conflict(node.right, "an exponent must be a scalar")
        if base is UNKNOWN or base == ():
            return base
        rows, cols = (self.find(d) for d in base)
        if rows == 1 or cols == 1:
            return base  # entrywise power of a vector
        if not (isinstance(node.right, ast.Number) and node.right.value.denominator == 1) and not (
            isinstance(node.right, ast.Neg) and isinstance(node.right.operand, ast.Number)
        ):
            hint = f"for entrywise powers use {self.spell('entrywise product')}"
            raise self.conflict(node, "a matrix power needs an integer exponent", hint)
        if not self.unify(rows, cols):
            raise self.conflict(node, f"only a square matrix has powers, not {self.show(node.left, base)}")
        return base

    def shape_Call(self, node: ast.Call) -> TermShape | Unknown:
        rule = CALL_RULES[node.op]
        if node.op.kind == "dimension":
            return rule(self, node, [])
        arguments = node.args[:-1] if node.op in SIZED else node.args  # onehot(y, K): K is its size
        return rule(self, node, [self.shape(arg) for arg in arguments])

    def shape_IndexSum(self, node: IndexSum) -> TermShape | Unknown:
        return CALL_RULES[node.op](self, node, [])

    def shape_Entry(self, node: Entry) -> TermShape | Unknown:
        return index_shapes.entry(self, node)

    # --- driving -----------------------------------------------------------
    def run(self, tree: ast.Node) -> TermShape | tuple:
        items = tree.items if isinstance(tree, ast.Tuple) else (tree,)
        while True:
            self.changed = False
            self.scaling.clear()
            for item in items:
                self.shape(item)
            if not self.changed:
                for node in self.scaling:  # settled last, so that lam*W*x still makes x a vector
                    self.assign(node, ())
            if not self.changed:
                break
        for name, shape in self.names.items():
            if shape is None:
                self.names[name] = ()
        if self.free and len(items) > 1:
            raise self.conflict(tree, "a tuple with free indices", "sum over every index in a tuple")
        return tuple(index_shapes.free_shape(self, item, self.shape(item)) for item in items)


def infer(tree: ast.Node, text: str, declared: Mapping[str, Shape] | None = None, latex: bool = False) -> Typing:
    """Type every name of ``tree``; raise ``ShapeError`` on a conflict (hints in LaTeX if ``latex``)."""
    declared = dict(declared or {})
    dimensions = [  # a list: equal names (K in ones(K)*ones(K).T) are each an argument
        arg
        for node in tree.walk()
        if isinstance(node, ast.Call) and (node.op.kind == "dimension" or node.op in SIZED)
        for arg in (node.args if node.op.kind == "dimension" else node.args[-1:])
    ]
    arguments = {id(arg) for arg in dimensions}  # by identity: n in eye(n) equals the name n elsewhere
    used = {
        node.id for node in tree.walk() if isinstance(node, ast.Name) and node.id != "pi" and id(node) not in arguments
    }
    bold = {node.id for node in tree.walk() if isinstance(node, ast.Name) and node.bold}
    bounds = {node.bound for node in tree.walk() if isinstance(node, IndexSum) and isinstance(node.bound, str)}
    inf = Inference(text, latex)
    for name in sorted(used | set(declared)):
        if name in declared:
            inf.names[name] = declared[name]
        elif names_component(name, declared):
            inf.names[name] = None
        elif name in bounds:  # N in \frac{1}{N}\sum_{i=1}^{N}: the size of the dim, never a matrix by its capital
            inf.names[name] = ()
        else:
            inf.names[name] = spelled_shape(name, name in bold)
    results = inf.run(tree)

    taken = used | set(declared) | {d for s in declared.values() for d in s if isinstance(d, str)}
    taken |= bounds
    candidates = itertools.chain(DIM_LETTERS, (f"n{i}" for i in itertools.count(1)))
    letters = (letter for letter in candidates if letter not in taken)
    names: dict[Var, str] = {}

    def final(term: Term) -> Dim:
        term = inf.find(term)
        if isinstance(term, Var):
            if term not in names:
                names[term] = next(letters)
            return names[term]
        return term

    def finished(shape: TermShape | None) -> Shape:
        return (final(shape[0]), final(shape[1])) if shape else ()

    shapes = {name: finished(shape) for name, shape in inf.names.items()}
    inferred = _inferred(inf, text, shapes, final)
    sizes = _sizes(tree, text, shapes, declared, {arg.id for arg in dimensions if isinstance(arg, ast.Name)})
    for name in sizes:
        del shapes[name]
    components = component_names(shapes, declared, used)
    for name in components:
        shapes.pop(name, None)
    for name, shape in shapes.items():
        rows, cols = shape or (0, 0)
        if isinstance(rows, int) and isinstance(cols, int) and rows * cols > limits.MAX_COMPONENTS:
            raise LimitError(
                f"{name} has {rows * cols} entries; component form allows at most {limits.MAX_COMPONENTS}",
                hint="use symbolic dims (e.g. --shape A=n,d) for the matrix form",
            )
    result_shapes = tuple(finished(shape) for shape in results)
    if isinstance(tree, ast.Tuple):
        return Typing(shapes, components, result_shapes, is_tuple=True, sizes=sizes, inferred=inferred)
    return Typing(shapes, components, result_shapes[0], sizes=sizes, inferred=inferred)


def _inferred(inf: Inference, text: str, shapes: Mapping[str, Shape], final: Callable[[Term], Dim]) -> dict[int, Dim]:
    r"""The size of each constant array written without one; an error if nothing it is used with gives it."""
    given = {dim for shape in shapes.values() for dim in shape}
    inferred = {}
    for key, (call, var) in inf.sizes.items():
        dim = final(var)
        if isinstance(inf.find(var), Var) and dim not in given:
            written = text[call.span[0] : call.span[1]] or "the constant array"
            raise ShapeError(
                f"the size of {written} cannot be inferred: nothing it is used with has that size",
                text,
                call.span,
                _size_hint(call.func, shapes, inf.latex),
            )
        inferred[key] = dim
    return inferred


def _size_hint(function: str, shapes: Mapping[str, Shape], latex: bool) -> str:
    r"""How to give a constant array its size: a dim of an array of the formula, declared with ``--shape``."""
    array = next(((name, shape) for name, shape in sorted(shapes.items()) if shape and isinstance(shape[0], str)), None)
    dim, declared = ("n", "x=n") if array is None else (array[1][0], f"{array[0]}={array[1][0]}")
    if array is not None and array[1][1] != 1:
        declared += f",{array[1][1]}"
    if function == "onehot":
        return "use the labels' one-hot matrix with an array of K columns (S*onehot(y).T), or index by them: s[y[i]]"
    sized = (rf"\mathbf{{I}}_{dim}" if function == "eye" else rf"\mathbf{{1}}_{dim}") if latex else f"{function}({dim})"
    return f"write its size, {sized}, with the dim of an array it goes with (--shape {declared}), or a number"


def _sizes(
    tree: ast.Node, text: str, shapes: Mapping[str, Shape], declared: Mapping[str, Shape], dimensions: set[str]
) -> frozenset[str]:
    """The names used both as a dimension and as a number (``n`` in ``n*eye(n)``): the number is the size.

    A dimension cannot also be a variable: declaring one, or using it as an
    array, is an error pointing at the name.
    """
    dims = dimensions | {d for shape in shapes.values() for d in shape if isinstance(d, str)}
    sizes = set()
    for node in tree.walk():
        if not (isinstance(node, ast.Name) and node.id in dims and node.id in shapes):
            continue
        if node.id in declared or shapes[node.id] != ():
            raise ShapeError(
                f"{node.id} is a dimension, so it cannot also be a variable ({describe(shapes[node.id])})",
                text,
                node.span,
                "a dimension used as a number is its size; rename the variable or the dimension",
            )
        sizes.add(node.id)
    return frozenset(sizes)
