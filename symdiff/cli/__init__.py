"""The cli stage: the command line, a thin layer over the Python API.

One module per command, each named in ``app.COMMANDS`` and imported when it
is used; ``app.py`` holds the group that turns symdiff's errors into one clear
message and an exit status (2 bad input, 3 internal error).
"""

from .app import EXIT_BAD_INPUT, EXIT_INTERNAL, main

__all__ = ["EXIT_BAD_INPUT", "EXIT_INTERNAL", "main"]
