"""The model stage: syntax tree -> a typed formula with its SymPy form.

``formula(text, shapes)`` parses, infers and checks shapes, and builds the
SymPy expression in matrix form (symbolic dims) or component form (concrete
dims). Everything after this stage works on ``Formula`` objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import sympy as sp

from ..errors import SymdiffError
from ..parse import ast, parse
from ..parse.macros import expand_macros
from ..parse.sums import free_indices, place_samples, read_samples
from .build import Builder, symbol_table
from .indices import build_free
from .nodes import labels_of
from .types import Dim, Shape, Typing, normalize_declaration
from .typography import infer_typeset

Form = Literal["matrix", "component"]
Syntax = Literal["auto", "plain", "latex"]


@dataclass(frozen=True)
class Formula:
    """A parsed, shape-checked formula and its SymPy form."""

    text: str
    tree: ast.Node
    typing: Typing
    symbols: dict[str, sp.Basic]
    """Every name (variables and components) -> its SymPy object."""
    expr: sp.Basic

    @property
    def form(self) -> Form:
        return "component" if self.typing.concrete else "matrix"

    @property
    def variables(self) -> dict[str, Shape]:
        """The variables (not components) and their shapes, in sorted order."""
        return dict(sorted(self.typing.shapes.items()))

    @property
    def labels(self) -> dict[str, str]:
        """The variables that are class labels (integers 1..K in ``onehot``) -> their number of classes K."""
        return labels_of(self.expr)


def declarations(shapes: Mapping[str, tuple[Dim, ...] | Shape] | None) -> dict[str, Shape]:
    """Normalize ``{"A": ("n", "d"), "x": ("d",), "lam": ()}`` to shapes."""
    return {name: normalize_declaration(name, tuple(dims)) for name, dims in (shapes or {}).items()}


def is_latex(text: str, syntax: Syntax = "auto") -> bool:
    """Whether ``text`` is read as LaTeX: asked for, or (auto) it has a backslash."""
    return syntax == "latex" or (syntax == "auto" and "\\" in text)


def read(text: str, syntax: Syntax = "auto", declared: frozenset[str] = frozenset()) -> ast.Node:
    """The syntax tree of ``text`` in plain syntax or LaTeX (see ``is_latex``)."""
    if not is_latex(text, syntax):
        return parse(text)
    from ..parse.latex import parse_latex  # only for LaTeX: a plain formula does not import the LaTeX reader

    return parse_latex(text, declared)


def formula(
    text: str,
    shapes: Mapping[str, tuple[Dim, ...]] | None = None,
    syntax: Syntax = "auto",
    samples: Mapping[str, str] | None = None,
) -> Formula:
    r"""Parse ``text`` (plain syntax or LaTeX) and give it shapes and a SymPy form.

    ``samples`` says where a sample ``\mathbf{x}_i`` lies: ``{"x": "X:cols"}`` is column i of X
    (by default it is row i of X)."""
    try:
        declared = declarations(shapes)
        tree = place_samples(read(text, syntax, frozenset(declared)), read_samples(samples))
        if is_latex(text, syntax):  # later errors point into the formula its macros expand to
            text = expand_macros(text)
        typing = infer_typeset(tree, text, declared, latex=is_latex(text, syntax))
        symbols = symbol_table(typing)
        builder = Builder(text, symbols, typing.sizes, typing.inferred)
        free = free_indices(tree)
        expr = build_free(builder, tree, free) if free else builder.build(tree)
    except SymdiffError as exc:
        raise exc.at(text) from None
    return Formula(text, tree, typing, symbols, expr)


__all__ = ["Form", "Formula", "Syntax", "declarations", "formula", "is_latex", "read"]
