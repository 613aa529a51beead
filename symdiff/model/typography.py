r"""Typography decides what usage leaves open: in LaTeX that writes arrays bold, plain names are scalars.

Shape inference (``inference.infer``) reads a formula as matrixcalculus.org users
write it, where nothing is bold. Course notes instead print vectors and
matrices bold and scalars plain, so in ``\mathbf{X}\mathbf{w} + b`` the plain
b is a scalar added to every entry, although usage alone would make it a
vector. Once a formula writes any name bold, every name written plain is read
as a scalar, unless it is declared, or spelled as a matrix and used as one
(``\mathbf{x}^\top A \mathbf{x}``), or the formula cannot be read with it a
scalar (the typography is then not the formula's, and usage decides). A name
written as a matrix (bold, capital) is never made a column by usage.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import ShapeError
from ..parse import ast
from .inference import infer
from .types import Shape, Typing


def infer_typeset(
    tree: ast.Node, text: str, declared: Mapping[str, Shape], latex: bool, writes_bold: bool | None = None
) -> Typing:
    """``infer``, then, in LaTeX with bold names, plain names read as scalars where the formula allows it.

    ``writes_bold`` says whether the text writes arrays bold, when ``tree`` is one part of it (a definition of a
    program whose other definitions write them bold); by default, whether ``tree`` writes any name bold.
    """
    typing = _checked(infer(tree, text, declared, latex=latex), tree, text, declared)
    names = [node for node in tree.walk() if isinstance(node, ast.Name)]
    if writes_bold is None:
        writes_bold = any(node.bold for node in names)
    if not latex or not writes_bold:
        return typing
    bold = {node.id for node in names if node.bold}
    plain = {
        name: ()
        for name, shape in typing.shapes.items()
        if shape and name not in bold and name not in declared and not _used_as_matrix(name, shape)
    }
    if not plain:
        return typing
    try:
        typeset = _checked(infer(tree, text, {**declared, **plain}, latex=latex), tree, text, declared)
    except ShapeError:
        return typing
    for name, shape in typing.shapes.items():
        if _used_as_matrix(name, shape) and not _used_as_matrix(name, typeset.shapes[name]):
            raise _two_readings(tree, text, min(plain), typing.shapes, name)
    return typeset


def _checked(typing: Typing, tree: ast.Node, text: str, declared: Mapping[str, Shape]) -> Typing:
    r"""Refuse a reading that makes a name written as a matrix (\mathbf{W}: bold, capital) a column, or one
    written as a vector (\mathbf{v}) a single number (in (\mathbf{a} + \mathbf{b}) \mathbf{c})."""
    for node in tree.walk():
        if not (isinstance(node, ast.Name) and node.bold and node.id not in declared):
            continue
        shape = typing.shapes.get(node.id)
        if node.id[0].islower() and shape == (1, 1):
            raise ShapeError(
                f"{node.id} is written as a vector (bold), but the formula makes it of length 1",
                text,
                node.span,
                r"check the products around it: the dot product is \mathbf{a}^\top \mathbf{b} or "
                r"\mathbf{a} \cdot \mathbf{b}; if it is a scalar, declare it: --shape "
                f"{node.id}=scalar",
            )
        if node.id[0].isupper() and shape and shape[1] == 1:
            raise ShapeError(
                f"{node.id} is written as a matrix (bold, capital), but the formula makes it a column",
                text,
                node.span,
                f"if it is a vector, declare it: --shape {node.id}={shape[0]}; check the products around it",
            )
    return typing


def _used_as_matrix(name: str, shape: Shape) -> bool:
    """A capital letter (A, W1, Sigma) that usage left a matrix, not a column."""
    return name[0].isupper() and len(shape) == 2 and shape[1] != 1


def _two_readings(tree: ast.Node, text: str, plain: str, shapes: Mapping[str, Shape], matrix: str) -> ShapeError:
    """Typography makes ``plain`` a scalar, which makes the capital ``matrix`` a column: ask which is meant."""
    where = next(node.span for node in tree.walk() if isinstance(node, ast.Name) and node.id == plain)
    shape = shapes[plain]
    dims = ",".join(str(d) for d in (shape[:1] if len(shape) == 2 and shape[1] == 1 else shape))
    return ShapeError(
        f"two readings: {plain}, not bold, a scalar (and {matrix} then a column), or {plain} an array "
        f"and {matrix} a matrix",
        text,
        where,
        f"settle it with --shape {plain}=scalar or --shape {plain}={dims}, or write arrays bold",
    )
