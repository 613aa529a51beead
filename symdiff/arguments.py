"""The types of the Python API's arguments, checked where they come in.

The API is called with request data (a web page passes it on), so an argument
of the wrong type is a user's mistake like any other: a ``SymdiffError``
saying which argument and what it takes, never an ``AttributeError`` from deep
inside. Values (numbers, arrays) are not checked here but converted by
``model.numbers``; here are text, names, shapes, options and the like.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any, TypeGuard

from .errors import SymdiffError

SYNTAXES = ("auto", "plain", "latex")


def _kind(value: object) -> str:
    return type(value).__name__


def is_numpy(value: object, kind: str) -> TypeGuard[Any]:
    """Whether ``value`` is a ``numpy.<kind>`` (``ndarray``, ``floating``), asked without importing NumPy.

    No NumPy value exists before NumPy is imported, and ``symdiff derive`` has no need of it.
    """
    numpy = sys.modules.get("numpy")
    return numpy is not None and isinstance(value, getattr(numpy, kind))


def text(value: object, what: str) -> str:
    """``value`` if it is text; an error naming the argument otherwise."""
    if not isinstance(value, str):
        raise SymdiffError(f"{what} must be text, not {_kind(value)}", hint=f"pass {what} as a string")
    return value


def texts(value: object, what: str) -> list[str]:
    """A list or tuple of texts (not one text, which would be read letter by letter)."""
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        raise SymdiffError(f"{what} must be a list of texts, not {_kind(value)}", hint=f"e.g. {what}=['x', '2*x']")
    return [text(item, f"each of {what}") for item in value]


def items(value: object, what: str) -> list[object]:
    """The items of a list, tuple or NumPy array (not of a text, which would be read letter by letter)."""
    if is_numpy(value, "ndarray") and value.ndim > 0:
        return list(value)
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise SymdiffError(f"{what} must be a list, not {_kind(value)}", hint=f"e.g. {what}=[...]")
    return list(value)


def name_or_none(value: object, what: str) -> str | None:
    """None, or a name given as text."""
    return None if value is None else text(value, what)


def names(value: object, what: str) -> list[str]:
    """One text, or a list or tuple of texts."""
    return [value] if isinstance(value, str) else texts(value, what)


def syntax(value: object) -> str:
    """One of ``SYNTAXES``."""
    if not isinstance(value, str) or value not in SYNTAXES:
        raise SymdiffError(f"unknown syntax {value!r:.40}", hint="use 'auto', 'plain' or 'latex'")
    return value


def shapes(value: object) -> Mapping[str, tuple[object, ...]] | None:
    """None, or a mapping of names to tuples (or lists) of dims; the dims are checked by the model."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise SymdiffError(
            f"shapes must be a mapping of names to dims, not {_kind(value)}",
            hint="e.g. shapes={'A': ('n', 'n'), 'x': ('n',), 'lam': ()}",
        )
    for name, dims in value.items():
        text(name, "a name in shapes")
        if not isinstance(dims, tuple | list):
            raise SymdiffError(
                f"the shape of {name} must be a tuple of dims, not {_kind(dims)}",
                hint=f"e.g. shapes={{'{name}': ('n',)}}; a scalar is ()",
            )
    return {name: tuple(dims) for name, dims in value.items()}


def flag(value: object, what: str) -> bool:
    """True or False."""
    if not (isinstance(value, bool) or is_numpy(value, "bool_")):
        raise SymdiffError(f"{what} must be True or False, not {_kind(value)}")
    return bool(value)


def integer_or_none(value: object, what: str) -> int | None:
    """None, or an int (not a bool)."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise SymdiffError(f"{what} must be a whole number, not {_kind(value)}", hint=f"e.g. {what}=2")
    return value


def callable_or_none(value: object, what: str) -> Callable | None:
    """None, or something to call."""
    if value is not None and not callable(value):
        raise SymdiffError(f"{what} must be a function, not {_kind(value)}")
    return value  # type: ignore[return-value]


def instance(value: object, kind: type, what: str) -> object:
    """``value`` if it is a ``kind``; an error naming the argument otherwise."""
    if not isinstance(value, kind):
        raise SymdiffError(f"{what} must be a {kind.__name__}, not {_kind(value)}")
    return value


def parse_shape(spec: str) -> tuple[str, tuple[int | str, ...]]:
    """``A=n,d`` -> ("A", ("n", "d")); ``x=3`` -> ("x", (3,)); ``lam=scalar`` -> ("lam", ())."""
    name, sep, dims = spec.partition("=")
    name, dims = name.strip(), dims.strip()
    if not sep or not name.isidentifier() or not dims:
        raise SymdiffError(
            f"bad --shape {spec!r}",
            hint="write NAME=DIMS, e.g. --shape A=n,d --shape x=d --shape lam=scalar",
        )
    if dims == "scalar":
        return name, ()
    start = spec.index("=") + 1
    parsed: list[int | str] = []
    for piece in spec[start:].split(","):
        dim = piece.strip()
        if dim.isascii() and dim.isdigit():
            parsed.append(int(dim))
        elif dim.isidentifier() and dim[0].isalpha():
            parsed.append(dim)
        else:
            offset = start + len(piece) - len(piece.lstrip())
            raise SymdiffError(
                f"bad dimension {dim!r} in --shape",
                spec,
                (offset, offset + max(len(dim), 1)),
                "dimensions are positive integers in ASCII digits or names such as n, d: --shape A=n,3",
            )
        start += len(piece) + 1
    return name, tuple(parsed)


__all__ = [
    "callable_or_none",
    "flag",
    "instance",
    "integer_or_none",
    "is_numpy",
    "items",
    "name_or_none",
    "names",
    "parse_shape",
    "shapes",
    "syntax",
    "text",
    "texts",
]
