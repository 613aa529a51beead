"""Random well-typed formulas in the plain syntax, for the property tests.

A small typed grammar over scalars, vectors and matrices: every product has
matching dims, every function gets an argument it is smooth at for any real
input (log and sqrt only of positive expressions, no relu/abs/max kinks, no
x - x, whose norm would sit at its kink), so central finite differences are a
fair check of the derivative at random points.
A formula is drawn for a wanted shape; its text and the names in it come back.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

SYMBOLIC = {
    "a": (), "b": (), "c": (),
    "x": ("n",), "y": ("n",), "z": ("m",),
    "A": ("n", "n"), "B": ("n", "n"), "C": ("n", "m"),
}
"""Declared shapes in matrix form; n and m are symbolic dims."""

CONCRETE = {name: tuple({"n": 2, "m": 3}[d] for d in dims) for name, dims in SYMBOLIC.items()}
"""The same names with n = 2, m = 3: component form."""

Type = tuple[str, ...]
"""() a scalar, ("n",) a vector of length n, ("n", "m") an n×m matrix."""

LEAVES: dict[Type, list[str]] = {
    (): ["a", "b", "c", "2", "0.5"],
    ("n",): ["x", "y"],
    ("m",): ["z"],
    ("n", "n"): ["A", "B"],
    ("n", "m"): ["C"],
    ("m", "n"): ["C.T"],
    ("m", "m"): ["(C.T*C)"],
}
SMOOTH = ["sin", "cos", "tanh", "sigmoid", "exp"]
"""Entrywise functions smooth everywhere."""
DIMS = ["n", "m"]
VECTOR_KINDS = ["add", "sub", "scale", "hadamard", "matvec", "fn", "square", "divide", "softmax"]


@dataclass(frozen=True)
class Drawn:
    """A formula's text in the plain syntax and the variables it mentions."""

    text: str
    names: frozenset[str]


def _leaf(draw, shape: Type) -> Drawn:
    text = draw(st.sampled_from(LEAVES[shape]))
    return Drawn(text, frozenset(ch for ch in text if ch in SYMBOLIC))


def _join(template: str, *parts: Drawn) -> Drawn:
    return Drawn(template.format(*(p.text for p in parts)), frozenset().union(*(p.names for p in parts)))


def _difference(left: Drawn, right: Drawn) -> Drawn:
    """left - right, or their sum when they are the same (x - x is a zero, where norm has its kink)."""
    return _join("({} + {})" if left.text == right.text else "({} - {})", left, right)


def _scalar(draw, depth: int) -> Drawn:
    sub = lambda shape: expression(draw, shape, depth - 1)  # noqa: E731
    dim = draw(st.sampled_from(DIMS))
    kind = draw(st.sampled_from([
        "add", "sub", "mul", "div", "fn", "log", "sqrt", "pow", "norm", "norm2", "normF",
        "sum", "sumM", "trace", "dot", "inner", "bilinear", "logsumexp",
    ]))
    if kind == "sub":
        return _difference(sub(()), sub(()))
    if kind in ("add", "mul"):
        return _join("({} + {})" if kind == "add" else "{}*{}", sub(()), sub(()))
    if kind == "div":
        return _join("{}/(1 + ({})^2)", sub(()), sub(()))
    if kind == "fn":
        return _join(draw(st.sampled_from(SMOOTH)) + "({})", sub(()))
    if kind == "log":
        return _join("log(1 + ({})^2)", sub(()))
    if kind == "sqrt":
        return _join("sqrt(1 + ({})^2)", sub(()))
    if kind == "pow":
        return _join("({})^" + draw(st.sampled_from(["2", "3"])), sub(()))
    if kind in ("norm", "norm2"):
        return _join("norm({})" + ("^2" if kind == "norm2" else ""), sub((dim,)))
    if kind == "normF":
        return _join("norm({})", sub(("n", dim)))
    if kind == "sum":
        return _join("sum({})", sub((dim,)))
    if kind == "sumM":
        return _join("sum({})", sub((dim, draw(st.sampled_from(DIMS)))))
    if kind == "trace":
        return _join("trace({})", sub((dim, dim)))
    if kind == "dot":
        return _join("dot({}, {})", sub((dim,)), sub((dim,)))
    if kind == "inner":
        return _join("({}).T*({})", sub((dim,)), sub((dim,)))
    if kind == "bilinear":
        other = draw(st.sampled_from(DIMS))
        return _join("({}).T*({})*({})", sub((dim,)), sub((dim, other)), sub((other,)))
    return _join("logsumexp({})", sub((dim,)))


def _vector(draw, dim: str, depth: int) -> Drawn:
    sub = lambda shape: expression(draw, shape, depth - 1)  # noqa: E731
    kind = draw(st.sampled_from(VECTOR_KINDS))
    if kind == "sub":
        return _difference(sub((dim,)), sub((dim,)))
    if kind == "add":
        return _join("({} + {})", sub((dim,)), sub((dim,)))
    if kind == "scale":
        return _join("{}*({})", sub(()), sub((dim,)))
    if kind == "hadamard":
        return _join("hadamard({}, {})", sub((dim,)), sub((dim,)))
    if kind == "matvec":
        inner = draw(st.sampled_from(DIMS))
        return _join("({})*({})", sub((dim, inner)), sub((inner,)))
    if kind == "fn":
        return _join(draw(st.sampled_from(SMOOTH)) + "({})", sub((dim,)))
    if kind == "square":
        return _join("({})^2", sub((dim,)))
    if kind == "softmax":
        return _join("softmax({})", sub((dim,)))
    return _join("({})/(1 + ({})^2)", sub((dim,)), sub((dim,)))


def _matrix(draw, rows: str, cols: str, depth: int) -> Drawn:
    sub = lambda shape: expression(draw, shape, depth - 1)  # noqa: E731
    kinds = ["add", "sub", "scale", "product", "transpose", "hadamard", "fn", "outer"]
    kind = draw(st.sampled_from(kinds + (["power"] if rows == cols else [])))
    if kind == "sub":
        return _difference(sub((rows, cols)), sub((rows, cols)))
    if kind == "add":
        return _join("({} + {})", sub((rows, cols)), sub((rows, cols)))
    if kind == "scale":
        return _join("{}*({})", sub(()), sub((rows, cols)))
    if kind == "product":
        inner = draw(st.sampled_from(DIMS))
        return _join("({})*({})", sub((rows, inner)), sub((inner, cols)))
    if kind == "transpose":
        return _join("({}).T", sub((cols, rows)))
    if kind == "hadamard":
        return _join("hadamard({}, {})", sub((rows, cols)), sub((rows, cols)))
    if kind == "fn":
        return _join(draw(st.sampled_from(SMOOTH)) + "({})", sub((rows, cols)))
    if kind == "outer":
        return _join("({})*({}).T", sub((rows,)), sub((cols,)))
    return _join("({})^2", sub((rows, rows)))


def expression(draw, shape: Type, depth: int) -> Drawn:
    """A random formula of ``shape`` at most ``depth`` operations deep."""
    if depth <= 0 or draw(st.integers(0, 4)) == 0:
        return _leaf(draw, shape)
    if shape == ():
        return _scalar(draw, depth)
    if len(shape) == 1:
        return _vector(draw, shape[0], depth)
    return _matrix(draw, *shape, depth)


@st.composite
def formulas(draw, shape: Type = (), depth: int = 4) -> Drawn:
    """A formula of ``shape`` that mentions at least one variable."""
    drawn = expression(draw, shape, depth)
    if not drawn.names:  # only scalars can be constant: every array leaf is a variable
        drawn = Drawn(f"({drawn.text} + a)", frozenset("a"))
    return drawn
