"""The documented limits on input, in one place (README, "Safety").

Input beyond these is refused at once with a ``LimitError`` instead of being
worked on until memory or patience runs out.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import LimitError

MAX_INPUT_CHARS = 10_000
"""Longest formula text accepted."""

MAX_DEPTH = 100
"""Deepest nesting of the syntax tree (parentheses, function calls, operators)."""

MAX_LITERAL_DIGITS = 100
"""Most digits in one numeric literal."""

MAX_MAGNITUDE_DIGITS = 1_000
"""Most decimal digits of any number formed from constants (``10**10**10`` is refused)."""


def digits(number: int) -> int:
    """At least the number of decimal digits of ``number`` (from its bit length: no conversion to text)."""
    return abs(number).bit_length() * 30103 // 100000 + 1


def largest_constant(value: object, levels: int = 3) -> int:
    """Digits of the largest numerator or denominator among the numbers in the top ``levels`` of ``value``.

    A constant combined by an operation (10^999 * 10^999, 2*(x + y)) is at
    the top of its result or at most two levels down, in explicit matrices
    one more, so looking there bounds constants as they are made.
    """
    numerator, denominator = getattr(value, "p", None), getattr(value, "q", None)
    if isinstance(numerator, int) and isinstance(denominator, int):
        return max(digits(numerator), digits(denominator))
    if levels == 0:
        return 0
    parts = value if getattr(value, "is_Matrix", False) and hasattr(value, "__iter__") else getattr(value, "args", ())
    return max((largest_constant(part, levels - 1) for part in parts), default=0)


MAX_EXPONENT = 10_000
"""Largest absolute integer exponent on a non-constant base (``x**(10**10)`` is refused)."""

MAX_PROGRAM_DEPTH = 1_000
"""Deepest nesting of a program with its definitions substituted into each other (400 definitions
``b_i = sin(b_{i-1})`` nest 401 deep: each is shallow, the chain is not)."""

FRAMES_PER_LEVEL = 15
"""Python stack frames SymPy may need per level of nesting (it recurses through expressions)."""

MAX_COMPONENTS = 4_096
"""Most entries of one name in component form (concrete dims: a 64×64 matrix); use symbolic dims beyond.
A derivative that has a matrix form is that form written out entry by entry (``derive.instantiate``);
others are differentiated entry by entry, bounded by ``--timeout``."""

DEFAULT_TIMEOUT_SECONDS = 60.0
"""Wall-clock bound on one command (``symdiff --timeout SECONDS``; 0 turns it off)."""

MIN_TIMEOUT_SECONDS = 0.01
"""Shortest ``--timeout`` other than 0 (a shorter alarm would go off before the command starts)."""

MAX_TIMEOUT_SECONDS = 1_000_000.0
"""Longest ``--timeout`` (about 11 days; the system timer refuses much larger values; 0 is no limit)."""

MAX_FORMULA_FILE_BYTES = 4 * MAX_INPUT_CHARS
"""Largest ``@FILE`` formula or program read (bytes: ``MAX_INPUT_CHARS`` characters of up to 4 bytes in UTF-8)."""

MAX_WORKSHEET_BYTES = 1_000_000
"""Largest worksheet file read (``symdiff solve``); the bundled ones are under 10 kB."""


@contextmanager
def nesting(depth: int, what: str) -> Iterator[None]:
    """Room on Python's stack for work on expressions ``depth`` levels deep, and a ``LimitError``
    naming ``what`` (never a ``RecursionError``) if even that is not enough.

    SymPy recurses through expressions, so a long chain of definitions
    substituted into each other needs more than Python's default 1,000
    frames; ``depth`` is at most ``MAX_PROGRAM_DEPTH``, which bounds the stack used.
    """
    previous = sys.getrecursionlimit()
    needed = previous + FRAMES_PER_LEVEL * depth
    sys.setrecursionlimit(max(previous, needed))
    try:
        yield
    except RecursionError:
        raise LimitError(
            f"{what} is nested too deeply to process",
            hint="split it into smaller parts",
        ) from None
    finally:
        sys.setrecursionlimit(previous)


class _OutOfTime(BaseException):
    """Raised by the alarm; a BaseException so no ``except Exception`` inside SymPy swallows it."""


REPEAT_SECONDS = 0.25
"""After the deadline the alarm repeats this often, in case one lands where Python cannot raise (a ``__del__``)."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``LimitError`` if the body runs longer than ``seconds`` (0: no limit).

    Uses SIGALRM, so it bounds work in the main thread of a POSIX process, which
    is where the command line runs. The alarm repeats until it is caught: an
    exception raised while Python runs a finalizer is only reported, not
    propagated, and a one-shot alarm lost that way would let the work run on.
    """
    if seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return
    caught = False

    def _alarm(signum: int, frame: object) -> None:
        if not caught:
            raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT_SECONDS)  # inside: a short alarm may go off in the call
        yield
    except _OutOfTime:
        caught = True
        raise LimitError(
            f"gave up after {seconds:g} s",
            hint="simplify the input, use symbolic dims instead of large concrete ones, or raise --timeout",
        ) from None
    finally:
        caught = True
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def suspended() -> Iterator[None]:
    """The body runs without an enclosing ``time_limit``'s deadline, which resumes after it with the time that was
    left: for work bounded piece by piece instead (grading bounds each answer, not the class)."""
    if not hasattr(signal, "setitimer"):
        yield
        return
    left, interval = signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        yield
    finally:
        if left > 0 or interval > 0:
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), interval)
