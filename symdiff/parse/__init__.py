"""The parse stage: text -> syntax tree. Plain text here; LaTeX beside it."""

from .latex import parse_latex
from .plain import parse

__all__ = ["parse", "parse_latex"]
