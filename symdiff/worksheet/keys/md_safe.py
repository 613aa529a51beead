r"""Worksheet text into a Markdown key, which course websites show: no HTML, no Markdown syntax, math kept readable.

A worksheet is someone else's file: ``<script>``, ``<img onerror=...>``, a
``[link](javascript:...)``, a ``#`` heading or a ``|`` in a table cell must
reach the page as the characters they are. So text outside ``$...$`` has
``&``, ``<`` and ``>`` written as HTML entities and every character Markdown
gives a meaning (``* _ [ ] { } | ~ # $`` and ``\``, and ``- + = :`` or
``1.`` at the start of a paragraph) escaped with a backslash. A math part is
kept as math if it reads as well-formed, allow-listed math (``tex_safe``),
with ``<`` and ``>`` as ``\lt`` and ``\gt`` and never ``](`` (a link, where a
renderer does not know math); otherwise it is escaped text, dollars included.
Plain-syntax formulas go in code spans, fenced by more backticks than they hold.
"""

from __future__ import annotations

import re

from ...clean import one_line, printable
from .tex_safe import checked_math

ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", **{char: "\\" + char for char in "\\`*_[]{}|~#$"}}
PARAGRAPH_START = re.compile(r"^([-+=:]|\d+[.)])")
"""What makes a list, a setext heading or a definition at the start of a paragraph."""


def escape_text(text: str) -> str:
    """Plain text on one line, shown as its characters by any Markdown renderer."""
    return _start(_escape(one_line(text)))


def inline(text: str) -> str:
    """Plain text on one line inside a line (a table cell, after a label): escaped, as it starts no paragraph."""
    return _escape(one_line(text))


def _escape(text: str) -> str:
    return "".join(ESCAPES.get(char, char) for char in text)


def _start(markdown: str) -> str:
    """``markdown`` as the start of a paragraph: no leading space (code), list marker or heading underline."""
    return PARAGRAPH_START.sub(lambda m: m.group()[:-1] + "\\" + m.group()[-1], markdown.strip())


def math(latex: str) -> str:
    """LaTeX made harmless where a renderer reads it as Markdown: no HTML tag, no link."""
    return printable(latex).replace("<", r"\lt ").replace(">", r"\gt ").replace("](", "] (")


def worksheet_text(text: str) -> str:
    """Text with ``$...$`` math: text escaped, safe math kept, blank lines kept as paragraph breaks."""
    paragraphs = re.split(r"\n[ \t]*\n\s*", printable(text).strip())
    return "\n\n".join(_paragraph(paragraph) for paragraph in paragraphs)


def _paragraph(text: str) -> str:
    parts = one_line(text).split("$")
    if len(parts) % 2 == 0:  # an unpaired $: all text
        return escape_text(text)
    out = []
    for index, part in enumerate(parts):
        checked = checked_math(part) if index % 2 else None
        if index % 2 == 0:
            out.append(_escape(part))
        elif checked is not None:
            out.append(f"${math(checked)}$")
        else:
            out.append(_escape(f"${part}$"))
    return _start("".join(out))


def formula(latex: str) -> str:
    """An option written in LaTeX: in ``$...$`` if it is safe math, else escaped text."""
    checked = checked_math(one_line(latex))
    return f"${math(checked)}$" if checked is not None else escape_text(latex)


def code(text: str) -> str:
    """``text`` in a code span: literal, whatever it holds."""
    text = one_line(text)
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
