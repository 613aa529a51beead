"""The cli stage: the command line, a thin layer over the Python API.

One module per command; ``app.py`` holds the group that turns symdiff's errors
into one clear message and an exit status (2 bad input, 3 internal error).
"""

from . import (
    backprop,  # noqa: F401 - registers the command
    blanks,  # noqa: F401 - registers the command
    check,  # noqa: F401 - registers the command
    derive,  # noqa: F401 - registers the command
    graph,  # noqa: F401 - registers the command
    solve,  # noqa: F401 - registers the command
)
from .app import EXIT_BAD_INPUT, EXIT_INTERNAL, main

__all__ = ["EXIT_BAD_INPUT", "EXIT_INTERNAL", "main"]
