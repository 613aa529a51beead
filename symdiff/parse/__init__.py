"""Stage 1: text -> syntax tree. Plain text here; LaTeX beside it."""

from .plain import parse

__all__ = ["parse"]
