r"""Shapes: declared, inferred and checked, before anything is built.

Every name gets a shape: ``()`` for a scalar, ``(rows, cols)`` otherwise, a
vector being ``(d, 1)``. Dimensions are positive integers, dimension names
(``"n"``) or unknowns that unification resolves. Undeclared names are inferred
as matrixcalculus.org users expect: one upper-case letter with optional digits
is a matrix, and so is a name written bold in LaTeX with an upper-case stem
(``\mathbf{W}_1``, ``\boldsymbol{\Sigma}``), while a bold lower-case one is a
vector. A name (or a sum of names) multiplied from the right onto an array,
transposed, passed to ``norm``/``sum``/``dot``, or added to a vector is a
vector, but a scalar when multiplied onto a column (``x*t``), as is a factor
before an array (``lam`` in ``lam*W*x``); the rest are scalars. A conflict names both operands and their shapes, with hints in the
syntax the formula was written in.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .. import limits, ops
from ..errors import LimitError, ShapeError
from ..parse import ast

Dim = int | str
Shape = tuple[()] | tuple[Dim, Dim]
"""A finished shape: () or (rows, cols); a vector is (d, 1)."""

DIM_LETTERS = ("n", "d", "m", "k", "p", "q", "r", "s", "t", "u", "v", "w")

NOTATION: dict[str, tuple[str, str]] = {
    "entrywise product": ("hadamard(a, b)", r"a \odot b"),
    "inner product of matrices": ("trace(A.T*B)", r"\operatorname{tr}(\mathbf{A}^\top \mathbf{B})"),
    "literal": ("[[a, b], [c, d]] by rows", r"\begin{bmatrix} a & b \\ c & d \end{bmatrix}"),
}
"""How hints write a construct: (plain syntax, LaTeX), to match the formula's syntax."""


class _Var:
    """An unknown dimension, resolved by unification."""

    counter = itertools.count()

    def __init__(self) -> None:
        self.id = next(self.counter)

    def __repr__(self) -> str:
        return f"?{self.id}"


Term = int | str | _Var
TermShape = tuple[()] | tuple[Term, Term]


class _Unknown:
    """The shape of an expression whose names are not all typed yet."""


UNKNOWN = _Unknown()


@dataclass(frozen=True)
class Typing:
    """What shape inference found: each name's shape, and which names are components."""

    shapes: dict[str, Shape]
    components: dict[str, tuple[str, tuple[int, int]]]
    """A component name (``A11``) -> its base name and 0-based (row, col)."""
    result: Shape | tuple[Shape, ...]
    """The shape of the whole formula; a tuple formula has a tuple of shapes."""
    is_tuple: bool = False

    @property
    def concrete(self) -> bool:
        """True when every array name has integer dims: component form."""
        return all(all(isinstance(d, int) for d in shape) for shape in self.shapes.values())


def normalize_declaration(name: str, dims: tuple[Dim, ...]) -> Shape:
    """A user's declaration (``("n", "d")``, ``("d",)``, ``()``) as a Shape."""
    for dim in dims:
        if isinstance(dim, bool) or not (
            (isinstance(dim, int) and dim > 0) or (isinstance(dim, str) and dim.isidentifier() and dim[0].isalpha())
        ):
            raise ShapeError(
                f"bad dimension {dim!r} for {name}",
                hint="dimensions are positive integers or names such as n, d",
            )
    if len(dims) == 0:
        return ()
    if len(dims) == 1:
        return (dims[0], 1)
    if len(dims) == 2:
        return (dims[0], dims[1])
    raise ShapeError(f"{name} has {len(dims)} dimensions; symdiff handles scalars, vectors and matrices")


def describe(shape: TermShape | Shape, resolve: Callable[[Term], Term] = lambda t: t) -> str:
    """``scalar``, ``vector of length d``, ``n×d matrix``, as error messages say it."""
    if shape == ():
        return "scalar"
    rows, cols = (resolve(t) for t in shape)
    name = lambda t: "?" if isinstance(t, _Var) else str(t)  # noqa: E731
    if cols == 1 and rows != 1:
        return f"vector of length {name(rows)}"
    if rows == 1 and cols != 1:
        return f"row vector of length {name(cols)}"
    return f"{name(rows)}×{name(cols)} matrix"


def split_component(name: str) -> tuple[str, tuple[int, ...]] | None:
    """``A11`` -> ("A", (1, 1)) candidates: ``A_1_2``, ``x_10``, ``x3``; None if no digits."""
    if "_" in name:
        base, *parts = name.split("_")
        if base and parts and all(p.isdigit() and p[0] != "0" for p in parts):
            return base, tuple(int(p) for p in parts)
        return None
    stem = name.rstrip("0123456789")
    digits = name[len(stem) :]
    if not stem or not digits or digits[0] == "0":
        return None
    return stem, (int(digits),)


@dataclass
class _Inference:
    text: str
    latex: bool = False
    parent: dict[_Var, Term] = field(default_factory=dict)
    names: dict[str, TermShape | None] = field(default_factory=dict)
    changed: bool = False
    scaling: list[ast.Node] = field(default_factory=list)
    """Untyped factors on the left of an array (``lam`` in ``lam*W*x``): scalars if nothing else types them."""

    # --- unification -------------------------------------------------------
    def find(self, term: Term) -> Term:
        while isinstance(term, _Var) and term in self.parent:
            term = self.parent[term]
        return term

    def unify(self, a: Term, b: Term) -> bool:
        a, b = self.find(a), self.find(b)
        if a == b:
            return True
        if isinstance(a, _Var):
            self.parent[a] = b
            return True
        if isinstance(b, _Var):
            self.parent[b] = a
            return True
        return False

    def fresh(self) -> _Var:
        return _Var()

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

    # --- shape rules -------------------------------------------------------
    def shape(self, node: ast.Node) -> TermShape | _Unknown | tuple:
        method = getattr(self, "shape_" + type(node).__name__)
        return method(node)

    def shape_Number(self, node: ast.Number) -> TermShape:
        return ()

    def shape_Name(self, node: ast.Name) -> TermShape | _Unknown:
        if node.id == "pi":
            return ()
        shape = self.names[node.id]
        return UNKNOWN if shape is None else shape

    def shape_Neg(self, node: ast.Neg) -> TermShape | _Unknown:
        return self.shape(node.operand)

    def shape_Transpose(self, node: ast.Transpose) -> TermShape | _Unknown:
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
        dims = tuple(self.find(d) for d in shape)
        if not all(isinstance(d, int) for d in dims):
            raise self.conflict(node, "components need concrete dims", "declare them, e.g. --shape A=2,2")
        wanted = 1 if dims[1] == 1 else 2
        indices = node.indices if len(node.indices) == 2 or wanted == 1 else None
        if indices is None or (len(indices) == 2 and dims[1] == 1 and indices[1] != 1):
            raise self.conflict(node, f"{describe(shape, self.find)} takes {wanted} index(es)")
        full = indices if len(indices) == 2 else (indices[0], 1)
        if full[0] > dims[0] or full[1] > dims[1]:
            raise self.conflict(node, f"index out of range for a {describe(shape, self.find)}", "indices start at 1")
        return ()

    def shape_Binary(self, node: ast.Binary) -> TermShape | _Unknown:
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

    def broadcast(self, node: ast.Binary | ast.Call, left, right, verb: str) -> TermShape | _Unknown:
        left_node, right_node = node.children()
        if left is UNKNOWN or right is UNKNOWN:
            known, other = (left, right_node) if right is UNKNOWN else (right, left_node)
            if known not in (UNKNOWN, ()) and self.find(known[1]) == 1 and verb in ("add", "subtract"):
                self.assign(other, self.vector())
            return UNKNOWN
        if left == () or right == ():
            return right if left == () else left
        if not all(self.unify(a, b) for a, b in zip(left, right)):
            raise self.conflict(
                node,
                f"cannot {verb} {self.show(left_node, left)} and {self.show(right_node, right)}",
                "the shapes must agree",
            )
        return left

    def matmul(self, node: ast.Node, left: TermShape, right: TermShape) -> TermShape:
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

    def power(self, node: ast.Binary, base, exponent) -> TermShape | _Unknown:
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

    def shape_Call(self, node: ast.Call) -> TermShape | _Unknown:
        rule = CALL_RULES[node.op]
        if node.op.kind == "dimension":
            return rule(self, node, [])
        return rule(self, node, [self.shape(arg) for arg in node.args])

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
        return tuple(self.shape(item) for item in items)


def _elementwise(inf: _Inference, node: ast.Call, shapes: list) -> TermShape | _Unknown:
    return shapes[0]


def _binary_elementwise(inf: _Inference, node: ast.Call, shapes: list) -> TermShape | _Unknown:
    return inf.broadcast(node, shapes[0], shapes[1], f"take {node.func} of")


def _to_scalar(kind: str) -> Callable:
    """``sum``, ``norm``, ``logsumexp``: an array (a bare unknown name: a vector) to a scalar."""

    def rule(inf: _Inference, node: ast.Call, shapes: list) -> TermShape | _Unknown:
        (shape,) = shapes
        if shape is UNKNOWN:
            inf.assign(node.args[0], inf.vector())
            return UNKNOWN
        if kind == "vector" and shape != () and inf.find(shape[1]) != 1:
            raise inf.conflict(node, f"{node.func} takes a vector, not {inf.show(node.args[0], shape)}")
        return ()

    return rule


def _vector_to_vector(inf: _Inference, node: ast.Call, shapes: list) -> TermShape | _Unknown:
    (shape,) = shapes
    if shape is UNKNOWN:
        inf.assign(node.args[0], inf.vector())
        return UNKNOWN
    if shape == () or inf.find(shape[1]) != 1:
        raise inf.conflict(node, f"{node.func} takes a vector, not {inf.show(node.args[0], shape)}")
    return shape if node.op is ops.SOFTMAX else (shape[0], shape[0])


def _dot(inf: _Inference, node: ast.Call, shapes: list) -> TermShape | _Unknown:
    for arg, shape in zip(node.args, shapes):
        if shape is UNKNOWN:
            inf.assign(arg, inf.vector())
    if UNKNOWN in shapes:
        return UNKNOWN
    if any(s == () or inf.find(s[1]) != 1 for s in shapes):
        raise inf.conflict(node, "dot takes two vectors", f"for matrices use {inf.spell('inner product of matrices')}")
    inf.broadcast(node, shapes[0], shapes[1], "take the dot product of")
    return ()


def _hadamard(inf: _Inference, node: ast.Call, shapes: list) -> TermShape | _Unknown:
    for arg, other in ((node.args[0], shapes[1]), (node.args[1], shapes[0])):
        if other not in (UNKNOWN, ()):
            inf.assign(arg, other)
    return inf.broadcast(node, shapes[0], shapes[1], "take the entrywise product of")


def _dimension(inf: _Inference, node: ast.Call) -> Dim:
    """The dimension named by the argument of ``eye(n)`` or ``ones(n)``."""
    (arg,) = node.args
    if isinstance(arg, ast.Name):
        return arg.id
    if isinstance(arg, ast.Number) and arg.value.denominator == 1 and 0 < arg.value <= limits.MAX_COMPONENTS:
        return int(arg.value)
    raise inf.conflict(arg, f"{node.func} takes a dimension: a name such as n, or a positive integer")


def _square(result: str) -> Callable:
    def rule(inf: _Inference, node: ast.Call, shapes: list) -> TermShape | _Unknown:
        (shape,) = shapes
        if shape is UNKNOWN:  # det(S), inv(S): a bare unknown name is a square matrix
            size = inf.fresh()
            inf.assign(node.args[0], (size, size))
            return UNKNOWN
        if shape == () or not inf.unify(shape[0], shape[1]):
            raise inf.conflict(node, f"{node.func} needs a square matrix, not {inf.show(node.args[0], shape)}")
        return () if result == "scalar" else shape

    return rule


CALL_RULES: dict[ops.Op, Callable] = {
    **{op: _elementwise for op in ops.OPS if op.kind == "entrywise" and op.arity == 1},
    ops.MAX: _binary_elementwise,
    ops.MIN: _binary_elementwise,
    ops.HADAMARD: _hadamard,
    ops.DOT: _dot,
    ops.SUM: _to_scalar("any"),
    ops.NORM: _to_scalar("any"),
    ops.LOGSUMEXP: _to_scalar("vector"),
    ops.SOFTMAX: _vector_to_vector,
    ops.DIAG: _vector_to_vector,
    ops.TRACE: _square("scalar"),
    ops.DET: _square("scalar"),
    ops.INV: _square("matrix"),
    ops.EYE: lambda inf, node, shapes: (_dimension(inf, node),) * 2,
    ops.ONES: lambda inf, node, shapes: (_dimension(inf, node), 1),
}
"""Shape rule of each operation."""


def _is_matrix_name(name: str) -> bool:
    return name[0].isupper() and (len(name) == 1 or name[1:].isdigit())


def _spelled_shape(inf: _Inference, name: str, bold: bool) -> TermShape | None:
    r"""The shape a name's spelling implies, None if it implies none.

    Bold (``\mathbf{W}_1``, ``\boldsymbol{\Sigma}``, ``\mathbf{x}``) is a matrix when its
    stem is upper case and a vector otherwise; a plain name is a matrix when it is one
    upper-case letter with optional digits.
    """
    if bold and not name[0].isupper():
        return inf.vector()
    if bold or _is_matrix_name(name):
        return (inf.fresh(), inf.fresh())
    return None


def _names_component(name: str, declared: Mapping[str, Shape]) -> bool:
    """True if ``name`` looks like an entry of a declared name with concrete dims."""
    split = split_component(name)
    shape = declared.get(split[0]) if split else None
    return bool(shape) and all(isinstance(d, int) for d in shape)


def infer(tree: ast.Node, text: str, declared: Mapping[str, Shape] | None = None, latex: bool = False) -> Typing:
    """Type every name of ``tree``; raise ``ShapeError`` on a conflict (hints in LaTeX if ``latex``)."""
    declared = dict(declared or {})
    dimensions = {
        arg for node in tree.walk() if isinstance(node, ast.Call) and node.op.kind == "dimension" for arg in node.args
    }
    used = {node.id for node in tree.walk() if isinstance(node, ast.Name) and node.id != "pi" and node not in dimensions}
    bold = {node.id for node in tree.walk() if isinstance(node, ast.Name) and node.bold}
    inf = _Inference(text, latex)
    for name in sorted(used | set(declared)):
        if name in declared:
            inf.names[name] = declared[name]
        elif _names_component(name, declared):
            inf.names[name] = None
        else:
            inf.names[name] = _spelled_shape(inf, name, name in bold)
    results = inf.run(tree)

    taken = used | set(declared) | {d for s in declared.values() for d in s if isinstance(d, str)}
    letters = (letter for letter in itertools.chain(DIM_LETTERS, (f"n{i}" for i in itertools.count(1))) if letter not in taken)
    names: dict[_Var, str] = {}

    def final(term: Term) -> Dim:
        term = inf.find(term)
        if isinstance(term, _Var):
            if term not in names:
                names[term] = next(letters)
            return names[term]
        return term

    shapes = {name: tuple(final(d) for d in shape) for name, shape in inf.names.items()}  # type: ignore[union-attr]
    components = _components(shapes, declared, used)
    for name in components:
        shapes.pop(name, None)
    for name, shape in shapes.items():
        if shape and all(isinstance(d, int) for d in shape) and shape[0] * shape[1] > limits.MAX_COMPONENTS:
            raise LimitError(
                f"{name} has {shape[0] * shape[1]} entries; component form allows at most {limits.MAX_COMPONENTS}",
                hint="use symbolic dims (e.g. --shape A=n,d) for the matrix form",
            )
    result_shapes = tuple(tuple(final(d) for d in shape) for shape in results)
    if isinstance(tree, ast.Tuple):
        return Typing(shapes, components, result_shapes, is_tuple=True)
    return Typing(shapes, components, result_shapes[0])


def _components(
    shapes: dict[str, Shape], declared: Mapping[str, Shape], used: set[str]
) -> dict[str, tuple[str, tuple[int, int]]]:
    """Names like ``A11`` or ``x_2`` that denote entries of a name with concrete dims."""
    found = {}
    for name in used - set(declared):
        split = split_component(name)
        if split is None or shapes.get(name) != ():
            continue
        base, index = split
        shape = shapes.get(base)
        if not shape or not all(isinstance(d, int) for d in shape):
            continue
        rows, cols = shape
        if cols == 1 and len(index) == 1:
            position = (index[0], 1)
        elif len(index) == 2:
            position = index
        elif len(index) == 1 and rows < 10 and cols < 10 and 10 < index[0] < 100:
            position = divmod(index[0], 10)
        else:
            continue
        if 1 <= position[0] <= rows and 1 <= position[1] <= cols:
            found[name] = (base, (position[0] - 1, position[1] - 1))
    return found
