r"""Name heuristics: the shape a name's spelling implies, and names that denote entries.

Undeclared names are inferred as matrixcalculus.org users expect: one
upper-case letter with optional digits is a matrix, and so is a name written
bold in LaTeX with an upper-case stem (``\mathbf{W}_1``,
``\boldsymbol{\Sigma}``), while a bold lower-case one is a vector. A name
like ``A11`` or ``x_2`` is an entry of a declared name with concrete dims.
"""

from __future__ import annotations

from collections.abc import Mapping

from .types import Shape, TermShape, Var


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


def is_matrix_name(name: str) -> bool:
    """One upper-case letter with optional digits (``A``, ``W1``): a matrix unless declared otherwise."""
    return name[0].isupper() and (len(name) == 1 or name[1:].isdigit())


def spelled_shape(name: str, bold: bool) -> TermShape | None:
    r"""The shape a name's spelling implies, None if it implies none.

    Bold (``\mathbf{W}_1``, ``\boldsymbol{\Sigma}``, ``\mathbf{x}``) is a matrix when its
    stem is upper case and a vector otherwise; a plain name is a matrix when it is one
    upper-case letter with optional digits.
    """
    if bold and not name[0].isupper():
        return (Var(), 1)
    if bold or is_matrix_name(name):
        return (Var(), Var())
    return None


def names_component(name: str, declared: Mapping[str, Shape]) -> bool:
    """True if ``name`` looks like an entry of a declared name with concrete dims."""
    split = split_component(name)
    shape = declared.get(split[0]) if split else None
    return bool(shape) and all(isinstance(d, int) for d in shape or ())


def component_names(
    shapes: dict[str, Shape], declared: Mapping[str, Shape], used: set[str]
) -> dict[str, tuple[str, tuple[int, int]]]:
    """Names like ``A11`` or ``x_2`` that denote entries of a name with concrete dims."""
    found = {}
    for name in used - set(declared):
        split = split_component(name)
        if split is None or shapes.get(name) != ():
            continue
        base, index = split
        rows, cols = shapes.get(base) or (None, None)
        if not (isinstance(rows, int) and isinstance(cols, int)):
            continue
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
