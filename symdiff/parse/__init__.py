"""The parse stage: text -> syntax tree. Plain text here; LaTeX beside it (``parse.latex``, imported when a
LaTeX formula is read: a plain one needs none of it)."""

from .plain import parse

__all__ = ["parse", "parse_latex"]


def __getattr__(name: str) -> object:
    if name == "parse_latex":
        from .latex import parse_latex

        return parse_latex
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
