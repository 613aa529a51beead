"""Characters symdiff never passes on as they are: not to a terminal, a key or TeX.

A worksheet or an input file is someone else's text, and it reaches a terminal
(error messages quote it; the text and Markdown keys), a web page (Markdown) or
TeX (LaTeX). Control characters
are dropped everywhere: an ANSI escape sequence starts with one (ESC or the
C1 CSI), and TeX refuses most of them. Bidirectional overrides and isolates,
which reorder what a reader sees without being seen themselves, are shown as
their code point.
"""

from __future__ import annotations

import unicodedata

BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Bidirectional marks, embeddings, overrides and isolates."""


def code_point(char: str) -> str:
    """A character made visible: ``[U+202E]``."""
    return f"[U+{ord(char):04X}]"


def printable(text: str) -> str:
    """``text`` without control characters: line ends become ``\\n``, tabs spaces, the others are dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        code_point(char) if char in BIDI else char
        for char in text
        if char == "\n" or unicodedata.category(char) != "Cc"
    )


def one_line(text: str) -> str:
    """``printable(text)`` on one line: line ends become spaces (for titles, labels and table cells)."""
    return printable(text).replace("\n", " ")
