"""Answer-key printers: one class per format, one ``_print_<Kind>Key`` method per kind of answer.

Like SymPy's printers, they are kept apart from the data they print
(``symdiff.worksheet.key``): ``print_key(key, "latex")`` is all a caller needs.
"""

from __future__ import annotations

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
    printer = PRINTERS[fmt]()
    printer.figures = dict(figures or {})
    return printer.doprint(key)


__all__ = ["PRINTERS", "print_key"]
