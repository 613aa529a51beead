"""Numbers as symdiff prints them, from the exact value.

Exact values (SymPy rationals, and floats carried with 30 digits) can lie far
outside a double's range: exp(1000) is about 1.97e+434, (10^100)^10000 has a
million digits. Such a value is never passed through ``float`` (which would
print ``inf``, or ``0`` for exp(-1000)) nor through ``Decimal`` (which
overflows): it is rounded with mpmath, from its binary form, in time that
does not grow with its digits.

In JSON a value is a JSON number when a double holds it to full precision,
and otherwise a string in scientific notation with ``JSON_DIGITS``
significant digits (``"1.9700711140170469e+434"``); JSON output never holds
``Infinity`` or ``NaN``.
"""

from __future__ import annotations

import math
import sys

import sympy as sp
from mpmath import libmp

from ..arguments import is_numpy

SHOWN_DIGITS = 6
"""Significant digits shown for values that have no short exact decimal."""
SHORT_DECIMAL = 14
"""Longest exact decimal shown as it is (0.18, -0.09, 2)."""
JSON_DIGITS = 17
"""Significant digits of a value beyond a double's range, as a JSON string (what a double's repr keeps)."""

_CONSTANT_DIGITS = 30
"""Digits a constant such as pi is evaluated to before it is rounded for printing."""
_LOWEST = sys.float_info.min
"""Smallest double with full precision; below it doubles lose digits."""
_HIGHEST = sys.float_info.max


def format_number(value: object, digits: int = SHOWN_DIGITS) -> str:
    """Exact short decimals as they are (0.18, -0.09, 2); anything else to ``digits`` significant digits.

    Beyond a double's range, scientific notation from the exact value: ``1.97007e+434``.
    """
    if isinstance(value, float) or is_numpy(value, "floating"):
        return _double(float(value), digits)
    exact = _exact(value)
    short = _short_decimal(exact)
    if short is not None:
        return short
    if _fits_double(exact):
        return _double(float(exact), digits)
    return _scientific(exact, digits)


def to_plain(value: object) -> object:
    """A number or array as JSON-ready values: floats, or strings beyond a double's range; vectors as flat lists."""
    if is_numpy(value, "ndarray"):
        array = value[:, 0] if value.ndim == 2 and value.shape[1] == 1 else value
        return [to_plain(entry) for entry in array] if array.ndim else to_plain(array.item())
    if isinstance(value, sp.MatrixBase):
        rows = [[to_plain(entry) for entry in value.row(i)] for i in range(value.rows)]
        return [row[0] for row in rows] if value.cols == 1 else rows
    if isinstance(value, float) or is_numpy(value, "floating"):
        number = float(value)
        return number if math.isfinite(number) else _double(number, SHOWN_DIGITS)
    exact = _exact(value)
    if _fits_double(exact):
        return float(exact)
    return _scientific(exact, JSON_DIGITS)


def latex_number(text: str) -> str:
    r"""A number as ``format_number`` prints it, in LaTeX: ``1.97007e+434`` as ``1.97007 \cdot 10^{434}``."""
    mantissa, marker, exponent = text.partition("e")
    if not marker:
        return text
    power = rf"10^{{{int(exponent)}}}"
    if mantissa.lstrip("-") == "1":
        return mantissa.removesuffix("1") + power
    return rf"{mantissa} \cdot {power}"


def _exact(value: object) -> sp.Number:
    if isinstance(value, int) or is_numpy(value, "integer"):
        return sp.Integer(int(value))
    if isinstance(value, str):  # a number as to_plain writes it (a JSON string)
        return sp.Float(value, JSON_DIGITS)
    if isinstance(value, sp.Expr) and not isinstance(value, sp.Number):  # a constant given exactly: pi, sqrt(2)
        value = value.evalf(_CONSTANT_DIGITS)
    if not isinstance(value, sp.Number):
        raise TypeError(f"not a number: {type(value).__name__}")
    return value


def _fits_double(exact: sp.Number) -> bool:
    """Whether ``exact`` is 0 or within the range where a double keeps its full precision."""
    if exact.is_zero:
        return True
    if not exact.is_finite:
        return False
    magnitude = abs(exact.evalf(JSON_DIGITS))  # binary, fast for a number of any size
    return bool(_LOWEST <= magnitude <= _HIGHEST)


def _double(number: float, digits: int) -> str:
    if math.isnan(number):
        return "nan"
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    return f"{number:.{digits}g}" if number != 0 else "0"


def _scientific(exact: sp.Number, digits: int) -> str:
    """``exact`` rounded to ``digits`` significant digits, as ``%g`` writes it: 1.97007e+434, -1e+1000004."""
    if not exact.is_finite:
        return {sp.oo: "inf", -sp.oo: "-inf"}.get(exact, "nan")
    text = libmp.to_str(exact.evalf(digits + 10)._mpf_, digits)
    mantissa, _, exponent = text.partition("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{exponent}" if exponent else mantissa


def _short_decimal(exact: sp.Number) -> str | None:
    """``exact`` as a decimal of at most SHORT_DECIMAL characters, if it is one; computed on integers."""
    if not isinstance(exact, sp.Rational):
        return None
    p, q = int(exact.p), int(exact.q)
    twos = (q & -q).bit_length() - 1
    rest, fives = q >> twos, 0
    while rest % 5 == 0 and fives <= SHORT_DECIMAL:
        rest, fives = rest // 5, fives + 1
    places = max(twos, fives)
    if rest != 1 or places > SHORT_DECIMAL or abs(p) >= 10**SHORT_DECIMAL * q:
        return None
    scaled = abs(p) * 10**places // q
    digits = str(scaled).rjust(places + 1, "0")
    text = ("-" if p < 0 else "") + digits[: len(digits) - places] + ("." + digits[-places:] if places else "")
    return text if len(text) <= SHORT_DECIMAL else None


__all__ = ["JSON_DIGITS", "SHOWN_DIGITS", "format_number", "latex_number", "to_plain"]
