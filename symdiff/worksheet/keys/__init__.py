"""Answer-key printers: one class per format, one ``_print_<Kind>Key`` method per kind of answer.

Like SymPy's printers, they are kept apart from the data they print
(``symdiff.worksheet.key``): ``print_key(key, "latex")`` is all a caller needs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ...arguments import instance
from ...errors import SymdiffError
from ..key import Key
from .base import KeyPrinter
from .json import JsonKeyPrinter
from .latex import LatexKeyPrinter
from .markdown import MarkdownKeyPrinter
from .text import TextKeyPrinter

PRINTERS: dict[str, type[KeyPrinter]] = {
    "text": TextKeyPrinter,
    "markdown": MarkdownKeyPrinter,
    "json": JsonKeyPrinter,
    "latex": LatexKeyPrinter,
}


def print_key(key: Key, fmt: str, figures: Mapping[str, str] | None = None) -> str:
    """The answer key in ``fmt`` (text, markdown, json or latex); ``figures`` maps a question id to its figure's
    file, relative to the key (``write_figures``), which the LaTeX and Markdown keys include."""
    instance(key, Key, "key")
    if not isinstance(fmt, str) or fmt not in PRINTERS:
        raise SymdiffError(f"unknown key format {fmt!r:.40}", hint=f"use one of {', '.join(PRINTERS)}")
    return PRINTERS[fmt](_figure_names(figures)).doprint(key)


FIGURE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}")
"""A figure's file name as ``write_figures`` makes it: one the LaTeX and Markdown keys can hold as it is."""


def _figure_names(figures: object) -> dict[str, str]:
    """``figures`` checked: question ids to plain file names, nothing a key would read as markup."""
    if figures is None:
        return {}
    if not isinstance(figures, Mapping):
        raise SymdiffError(f"figures must be a mapping of question ids to file names, not {type(figures).__name__}")
    for question_id, name in figures.items():
        if not isinstance(question_id, str) or not isinstance(name, str) or not FIGURE_NAME.fullmatch(name):
            raise SymdiffError(
                f"figure {str(name)[:60]!r} for {str(question_id)[:40]!r}: not a plain file name",
                hint="letters, digits, '.', '-' and '_' only, as write_figures names them",
            )
    return dict(figures)


__all__ = ["PRINTERS", "print_key"]
