"""User values into numbers: the one converter every value a user binds goes through.

Values reach symdiff from Python (``Result.evaluate``, ``Program.backprop``,
``blanks`` points) and from request data passed on to it. SymPy's own
constructors (``Matrix``, ``S``, ``sympify``) would read a string in such a
value as Python and run it, so no user value is handed to them: this module
walks the value itself and accepts only

- numbers: ``int``, ``float``, ``fractions.Fraction``, ``decimal.Decimal``,
  NumPy integer and floating scalars and 0-d arrays, SymPy's own ``Integer``,
  ``Rational`` and ``Float``; finite, and never ``bool`` or complex;
- lists, tuples and NumPy arrays of them (numeric dtypes, or dtype object or
  str holding such numbers), at most two levels deep and rectangular, and
  explicit SymPy matrices of numbers;
- strings, read by symdiff's own grammar as a constant formula (``"1/3"``,
  ``"sqrt(2)"``, ``"[[1, 2], [3, 4]]"``), exactly as ``--at`` reads them.

Anything else is an ``EvaluationError`` naming the value and the entry. A 1-D
value is a column vector, a 2-D one a matrix. ``exact`` gives SymPy numbers
(``0.1`` is one tenth, as the grammar reads it); ``floats`` gives NumPy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import numpy as np
import sympy as sp

from ..errors import EvaluationError, LimitError, SymdiffError
from ..limits import MAX_MAGNITUDE_DIGITS
from ..parse import ast
from ..parse.plain import parse
from .build import Builder
from .canonical import canonical

Index = tuple[int, ...]
NUMERIC_KINDS = "iuf"
"""NumPy dtype kinds that hold numbers (signed, unsigned, floating); not bool, complex, bytes, str or object."""
MAX_BITS = int(MAX_MAGNITUDE_DIGITS * math.log2(10)) + 1
"""Integers (and numerators, denominators) of more than ``MAX_MAGNITUDE_DIGITS`` digits are refused."""
HINT = "give numbers, lists of numbers or NumPy arrays (or text such as '1/3' or '[[1, 2], [3, 4]]')"


def constant(tree: ast.Node, text: str) -> sp.Basic:
    """A parsed constant formula as an exact real number or an explicit matrix of them."""
    for node in tree.walk():
        if isinstance(node, ast.Name) and node.id != "pi":
            raise EvaluationError(
                f"a value must be a number, not the name {node.id}",
                span=node.span,
                hint="write e.g. x1=1, A=[[1, 2], [3, 4]]",
            )
    value = canonical(Builder(text, {}).build(tree))
    entries = list(value) if isinstance(value, sp.MatrixBase) else [value]
    if not all(isinstance(entry, sp.Expr) and entry.is_number and entry.is_real for entry in entries):
        raise EvaluationError("a value must be a real number", span=getattr(tree, "span", None))
    return value


def read_constant(text: str, where: str | None = None) -> sp.Basic:
    """Text such as ``"-1/2"`` or ``"[1, 2]"`` through the plain grammar, never Python; errors name ``where``."""
    try:
        return constant(parse(text), text)
    except SymdiffError as exc:
        if where is not None:
            exc.message = f"the value of {where}: {exc.message}"
            exc.args = (exc.message,)
        raise exc.at(text) from None


def exact(value: object, name: str) -> sp.Basic:
    """``value`` as an exact SymPy number, or an ``ImmutableMatrix`` of them (a 1-D value a column)."""
    if isinstance(value, str):
        return read_constant(value, name)
    if isinstance(value, sp.MatrixBase):
        _check_rank(value.shape, name)
        rows = [[value[i, j] for j in range(value.cols)] for i in range(value.rows)]
        return _matrix([[_number(v, name, (i, j)) for j, v in enumerate(row)] for i, row in enumerate(rows)])
    nested = _nested(value, name)
    if not isinstance(nested, list):
        return _number(nested, name, ())
    if nested and isinstance(nested[0], list):
        return _matrix([[_number(v, name, (i, j)) for j, v in enumerate(row)] for i, row in enumerate(nested)])
    return _matrix([[_number(v, name, (i,))] for i, v in enumerate(nested)])


def floats(value: object, name: str) -> np.ndarray:
    """``value`` as a float array: 0-d for a number, 1-D for a vector, 2-D for a matrix."""
    if isinstance(value, np.ndarray | np.generic) and value.dtype.kind in NUMERIC_KINDS:
        array = np.asarray(value, dtype=float)
        _check_rank(array.shape, name)
        if not np.all(np.isfinite(array)):
            bad = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
            raise _refused(name, bad, array[bad] if bad else array.item())
        return array
    if isinstance(value, str | sp.MatrixBase):  # a column read from text or given by SymPy is a vector
        read = exact(value, name)
        if not isinstance(read, sp.MatrixBase):
            return np.asarray(_float(read, name))
        array = np.array([[_float(v, name) for v in read.row(i)] for i in range(read.rows)], dtype=float)
        return array[:, 0] if read.cols == 1 else array
    nested = _nested(value, name)
    if not isinstance(nested, list):
        return np.asarray(_entry(nested, name, ()))
    if isinstance(nested[0], list):
        return np.array(
            [[_entry(v, name, (i, j)) for j, v in enumerate(row)] for i, row in enumerate(nested)], dtype=float
        )
    return np.array([_entry(v, name, (i,)) for i, v in enumerate(nested)], dtype=float)


def coordinates(rows: Sequence[object], width: int, what: str) -> np.ndarray:
    """Points as a (count, width) float array: each row a sequence of ``width`` numbers."""
    points = [floats(row, f"{what} {k + 1}") for k, row in enumerate(rows)]
    for k, point in enumerate(points):
        if point.shape != (width,):
            raise EvaluationError(
                f"{what} {k + 1} has {point.size if point.ndim else 'no list of'} coordinates; it needs {width}",
                hint=f"write each point as a list of {width} numbers",
            )
    return np.array(points, dtype=float).reshape(-1, width)


# --- the walk ------------------------------------------------------------------------
def _nested(value: object, name: str) -> object:
    """Arrays and sequences as nested lists (at most two levels, rectangular); scalars as they are."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in NUMERIC_KINDS + "OU":
            raise _refused(name, (), value)
        _check_rank(value.shape, name)
        return value.tolist() if value.ndim else value[()]
    if not isinstance(value, list | tuple):
        return value
    if not value:
        raise EvaluationError(f"the value of {name} is an empty list", hint=HINT)
    rows = [_row(item, name, (i,)) for i, item in enumerate(value)]
    nested = [isinstance(row, list) for row in rows]
    if any(nested) and not all(nested):
        raise EvaluationError(
            f"the value of {name} mixes numbers and lists", hint="write a vector [1, 2] or a matrix [[1, 2], [3, 4]]"
        )
    if all(nested) and len({len(row) for row in rows}) != 1:  # type: ignore[arg-type]
        raise EvaluationError(
            f"the rows of {name} have different lengths", hint="every row of a matrix needs the same length"
        )
    return rows


def _row(item: object, name: str, at: Index) -> object:
    if isinstance(item, np.ndarray) and item.ndim == 1:
        item = item.tolist()
    if isinstance(item, list | tuple):
        if not item:
            raise EvaluationError(f"{_where(name, at)} is an empty list", hint=HINT)
        for entry in item:
            if isinstance(entry, list | tuple | np.ndarray) and np.ndim(entry) != 0:
                raise EvaluationError(
                    f"the value of {name} has more than two levels of lists",
                    hint="symdiff's values are scalars, vectors and matrices",
                )
        return [entry[()] if isinstance(entry, np.ndarray) else entry for entry in item]
    return item


def _check_rank(shape: tuple[int, ...], name: str) -> None:
    if len(shape) > 2:
        raise EvaluationError(
            f"the value of {name} has {len(shape)} dimensions",
            hint="symdiff's values are scalars, vectors and matrices",
        )
    if 0 in shape:
        raise EvaluationError(f"the value of {name} is empty (shape {shape})", hint=HINT)


def _number(value: object, name: str, at: Index) -> sp.Expr:
    """One entry as an exact SymPy number, or an error naming it."""
    if isinstance(value, bool | np.bool_ | complex | np.complexfloating):
        raise _refused(name, at, value)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, int | np.integer):
        return sp.Integer(_bounded(int(value), name, at))
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            raise _refused(name, at, value)
        fraction = Fraction(str(value) if isinstance(value, np.floating) else repr(value))
        return _rational(fraction, name, at)
    if isinstance(value, Fraction):
        return _rational(value, name, at)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _refused(name, at, value)
        if abs(int(value.as_tuple().exponent)) + len(value.as_tuple().digits) > MAX_MAGNITUDE_DIGITS:
            raise _too_long(name, at)
        return _rational(Fraction(value), name, at)
    if isinstance(value, sp.Rational):
        return _rational(Fraction(int(value.p), int(value.q)), name, at)
    if isinstance(value, sp.Float):
        if not value.is_finite:
            raise _refused(name, at, value)
        return value
    if isinstance(value, str):
        read = read_constant(value, _where(name, at))
        if isinstance(read, sp.MatrixBase):
            raise EvaluationError(f"{_where(name, at)} is the array {value!r}; an entry must be a number", hint=HINT)
        return read
    raise _refused(name, at, value)


def _rational(value: Fraction, name: str, at: Index) -> sp.Rational:
    return sp.Rational(_bounded(value.numerator, name, at), _bounded(value.denominator, name, at))


def _bounded(n: int, name: str, at: Index) -> int:
    if n.bit_length() > MAX_BITS:
        raise _too_long(name, at)
    return n


def _too_long(name: str, at: Index) -> LimitError:
    return LimitError(
        f"{_where(name, at)} has more than {MAX_MAGNITUDE_DIGITS} digits",
        hint="give a number of a size symdiff can work with exactly",
    )


def _matrix(rows: list[list[sp.Expr]]) -> sp.ImmutableMatrix:
    return sp.ImmutableMatrix(len(rows), len(rows[0]), [entry for row in rows for entry in row])


def _entry(value: object, name: str, at: Index) -> float:
    """One entry as a float: floats and machine integers directly, anything else through ``_number``."""
    # The exact-type tests keep bool and other subclasses out; each isinstance, implied by its test, narrows for mypy.
    exact = type(value)
    float_types = (float, np.float64, np.float32, np.float16)
    if exact in float_types and isinstance(value, float | np.floating) and math.isfinite(value):
        return float(value)
    if exact is int and isinstance(value, int) and abs(value) < 2**53:
        return float(value)
    if exact in (np.int64, np.int32) and isinstance(value, np.integer) and abs(value) < 2**53:
        return float(value)
    return _float(_number(value, name, at), _where(name, at))


def _float(value: sp.Expr, name: str) -> float:
    try:
        number = float(value)
    except (OverflowError, TypeError):
        number = math.inf
    if not math.isfinite(number):
        raise EvaluationError(
            f"the value of {name} is beyond the range of floating point ({value})",
            hint="give numbers below about 1.8e308 in size",
        )
    return number


def _where(name: str, at: Index) -> str:
    return f"{name}[{', '.join(map(str, at))}]" if at else name


def _refused(name: str, at: Index, value: object) -> EvaluationError:
    shown = repr(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    what = type(value).__name__
    return EvaluationError(f"{_where(name, at)} is not a finite real number: {shown} ({what})", hint=HINT)


__all__ = ["constant", "coordinates", "exact", "floats", "read_constant"]
