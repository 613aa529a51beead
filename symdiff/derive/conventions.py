"""Conventions a user can ask for: the layout of a result, and symmetric matrices.

Layout. By default a gradient has the variable's shape and a Jacobian is
J[i, j] = ∂f_i/∂x_j (the "mixed" layout most ML texts use). ``numerator``
layout writes the derivative of a scalar by an array transposed (∂f/∂x is a
row); ``denominator`` layout transposes Jacobians and derivatives by a scalar
(∂y/∂x is n×m, ∂y/∂t a row). Only the last differentiation decides, so a
Hessian is the same symmetric matrix in both.

Symmetric matrices. When X is declared symmetric, its values satisfy
X = Xᵀ, so Xᵀ is written X in results, and the gradient by X is the
symmetric gradient sym(G) = (G + Gᵀ)/2 of the unconstrained gradient G: the
one matrix in the space of symmetric matrices with df = tr(sym(G)ᵀ dX) for
every symmetric dX. (The Matrix Cookbook's G + Gᵀ - diag(diag(G)) is the
vector of partials by the independent entries instead; it does not satisfy
that identity and gradient steps along it are not steepest descent.)

A component of a symmetric matrix is one variable with its mirror: X12 and X21
are both the entry that moves when either does, so ∂f/∂X12 is the partial by
that one variable, ∂f/∂X12 + ∂f/∂X21 taken as if they were free. Off the
diagonal it is twice entry (1, 2) of the symmetric gradient (it is the
Cookbook's entry); on the diagonal the two agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import sympy as sp

from ..errors import ShapeError, SymdiffError, did_you_mean
from ..model import Formula, Syntax, formula
from ..model.types import Shape
from .tidy import product, tidy

Layout = Literal["numerator", "denominator"]
LAYOUTS: tuple[str, ...] = ("numerator", "denominator")


def check_layout(layout: str | None) -> None:
    """An error naming the choices unless ``layout`` is None or one of ``LAYOUTS``."""
    if layout is not None and layout not in LAYOUTS:
        raise SymdiffError(
            f"unknown layout {layout!r}",
            hint="use 'numerator' or 'denominator', or leave it out (gradients in the variable's shape)",
        )


def symmetric_names(formula: Formula, names: Iterable[str]) -> frozenset[str]:
    """The names declared symmetric, each checked to be a square matrix of the formula."""
    checked = set()
    for name in names:
        shape = formula.variables.get(name)
        if shape is None:
            known = [n for n, s in formula.variables.items() if s and s[1] != 1]
            raise SymdiffError(
                f"'{name}' is declared symmetric but does not occur in the formula",
                hint=did_you_mean(name, known) or f"its matrices are {', '.join(known) or 'none'}",
            )
        if not shape or shape[0] != shape[1]:
            what = "a scalar" if not shape else "a vector" if shape[1] == 1 else f"of shape {shape[0]}×{shape[1]}"
            raise ShapeError(
                f"'{name}' is declared symmetric but is {what}",
                hint="only square matrices can be symmetric (declare e.g. --shape X=n,n)",
            )
        checked.add(name)
    return frozenset(checked)


def square_symmetric(parsed: Formula, symmetric: Iterable[str], shapes: Mapping | None, syntax: Syntax) -> Formula:
    """The formula read again with each undeclared symmetric matrix declared square, if inference left it n×d."""
    declared = squared(parsed.variables, symmetric, shapes)
    return formula(parsed.text, declared, syntax) if declared is not None else parsed


def squared(variables: Mapping[str, Shape], symmetric: Iterable[str], shapes: Mapping | None) -> dict | None:
    """The declarations ``shapes`` with each undeclared symmetric matrix of ``variables`` declared square where
    inference left it n×d (to read the input again with); None when none is."""
    declared = dict(shapes or {})
    extra = {}
    for name in symmetric:
        shape = variables.get(name)
        if name not in declared and shape and shape[1] != 1 and shape[0] != shape[1]:
            extra[name] = (shape[0], shape[0])
    return {**declared, **extra} if extra else None


def impose_symmetry(formula: Formula, value: sp.Basic, symmetric: frozenset[str]) -> sp.Basic:
    """``value`` with Xᵀ written X (matrix form) or X21 written X12 (components)."""
    replacements: dict[sp.Basic, sp.Basic] = {}
    for name in symmetric:
        X = formula.symbols[name]
        if isinstance(X, sp.MatrixBase):
            replacements.update((X[i, j], X[j, i]) for i in range(X.rows) for j in range(i))
        else:
            replacements.update({X.T: X, sp.Inverse(X).T: sp.Inverse(X), sp.Inverse(X.T): sp.Inverse(X)})
    return tidy(value.xreplace(replacements)) if replacements else value


def mirror_entry(formula: Formula, target: sp.Basic, symmetric: frozenset[str]) -> sp.Basic | None:
    """X21 for the target X12 of a matrix X declared symmetric (the same variable); else None."""
    for name in symmetric:
        X = formula.symbols[name]
        if isinstance(X, sp.MatrixBase):
            for i in range(X.rows):
                for j in range(X.cols):
                    if i != j and X[i, j] == target:
                        return X[j, i]
    return None


def symmetric_gradient(formula: Formula, gradient: sp.Basic, symmetric: frozenset[str]) -> sp.Basic:
    """(G + Gᵀ)/2, or G itself when it is already symmetric."""
    transposed = impose_symmetry(formula, gradient.T, symmetric)
    if transposed == gradient:
        return gradient
    if isinstance(gradient, sp.MatrixBase):
        return sp.ImmutableMatrix((gradient + transposed) / 2).applyfunc(sp.factor_terms)
    return tidy(product(sp.Rational(1, 2), [sp.MatAdd(gradient, transposed).doit(deep=False)]))


def arrange(
    formula: Formula, before: sp.Basic, value: sp.Basic, names: Sequence[str], layout: Layout | None
) -> sp.Basic:
    """``value`` = ∂before/∂names in the requested layout (several names: a tuple of partials)."""
    if layout is None:
        return value
    if len(names) > 1:
        parts = zip(value, names, strict=True)
        return sp.Tuple(*(arrange(formula, before, part, (name,), layout) for part, name in parts))
    if isinstance(value, sp.Tuple):
        return sp.Tuple(*(arrange(formula, b, v, names, layout) for b, v in zip(before, value, strict=True)))
    if not getattr(value, "is_Matrix", False):
        return value
    by_array = bool(getattr(formula.symbols[names[0]], "is_Matrix", False))
    of_array = bool(getattr(before, "is_Matrix", False))
    transpose = (layout == "numerator" and by_array and not of_array) or (layout == "denominator" and of_array)
    if not transpose:
        return value
    return value.T if isinstance(value, sp.MatrixBase) else tidy(value.T)
