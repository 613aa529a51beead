r"""Worksheet text and formulas into HTML for a course site: no tag or script gets through, math stays math.

PrairieLearn's ``question.html`` and Moodle's question text are HTML that a
browser renders and MathJax typesets. Worksheet text is someone else's, so
every character is HTML-escaped (``<script>`` shows as those characters), and
a math part is kept as math, in ``\( ... \)``, only when it reads as the same
well-formed, allow-listed LaTeX the answer keys keep (``tex_safe``); anything
else is shown as text in a span MathJax leaves alone, dollars included.
"""

from __future__ import annotations

import html
import re

from ..clean import one_line, printable
from ..worksheet.keys.tex_safe import checked_math

IGNORED = '<span class="mathjax_ignore tex2jax_ignore">{}</span>'
"""Text MathJax must not read as math (MathJax 3 and 2 class names)."""


def text(source: str) -> str:
    """Escaped text, a ``$`` or ``\\(`` in it kept from MathJax."""
    escaped = html.escape(one_line(source), quote=True)
    return IGNORED.format(escaped) if re.search(r"\$|\\[()\[\]]", source) else escaped


def math(latex: str) -> str:
    r"""A formula as ``\( ... \)`` if it is safe math, else its text, escaped, in a ``<code>``."""
    checked = checked_math(one_line(latex))
    if checked is not None:
        return r"\(" + html.escape(checked, quote=True) + r"\)"
    return "<code>" + text(latex) + "</code>"


def code(plain: str) -> str:
    """A formula in symdiff's plain syntax, shown as code."""
    return "<code>" + text(plain) + "</code>"


def formula(source: str, is_latex: bool) -> str:
    return math(source) if is_latex else code(source)


def worksheet_text(source: str) -> str:
    """Text with ``$...$`` math, as ``<p>`` paragraphs."""
    paragraphs = re.split(r"\n[ \t]*\n\s*", printable(source).strip())
    return "\n".join(f"<p>{_paragraph(p)}</p>" for p in paragraphs if p)


def _paragraph(source: str) -> str:
    parts = source.split("$")
    if len(parts) % 2 == 0:  # an unpaired $: all text
        return text(source)
    return "".join(math(part) if index % 2 else text(part) for index, part in enumerate(parts))
