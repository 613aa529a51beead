"""The documented limits on input, in one place (README, "Safety").

Input beyond these is refused at once with a ``LimitError`` instead of being
worked on until memory or patience runs out.
"""

MAX_INPUT_CHARS = 10_000
"""Longest formula text accepted."""

MAX_DEPTH = 100
"""Deepest nesting of the syntax tree (parentheses, function calls, operators)."""

MAX_LITERAL_DIGITS = 100
"""Most digits in one numeric literal."""

MAX_MAGNITUDE_DIGITS = 1_000
"""Most decimal digits of any number formed from constants (``10**10**10`` is refused)."""

MAX_EXPONENT = 10_000
"""Largest absolute integer exponent on a non-constant base (``x**(10**10)`` is refused)."""

MAX_COMPONENTS = 400
"""Most entries of one name in component form (concrete dims); use symbolic dims beyond."""
