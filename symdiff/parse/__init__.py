"""The parse stage: text -> syntax tree. Plain text here; LaTeX beside it (``parse.latex``, imported when a
LaTeX formula is read: a plain one needs none of it)."""

from typing import TYPE_CHECKING

from .plain import parse

if TYPE_CHECKING:
    from .latex import parse_latex

__all__ = ["parse", "parse_latex"]


def __getattr__(name: str) -> object:
    if name == "parse_latex":
        from .latex import parse_latex

        return parse_latex
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
