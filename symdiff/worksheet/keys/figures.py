"""The figures of a key written beside it: a backprop question's network, a blanks question's regions.

``-o answers.tex`` writes ``answers-2-b.pdf`` (LaTeX includes PDF) and
``-o answers.md`` writes ``answers-2-b.svg`` (Markdown links SVG); the key
refers to each by its name, relative to the key. A figure that cannot be
drawn here (no Graphviz ``dot``, no ``symdiff[plot]``) is left out with a
note saying why; the key is still written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from ... import pictures  # noqa: F401 - registers the drawers the key's figures are made with
from ...errors import SymdiffError
from ..key import Key

FIGURE_FORMATS = {"latex": "pdf", "markdown": "svg"}
"""The format of a key's figures, by the key's format."""


def write_figures(key: Key, output: str | Path, fmt: str, note: Callable[[str], None]) -> dict[str, str]:
    """Draw each question's figure beside the key at ``output``; question id -> file name relative to the key.

    ``note`` is told each file written, and each figure left out and why.
    """
    if fmt not in FIGURE_FORMATS:
        return {}
    target = Path(output)
    stem = re.sub(r"[^A-Za-z0-9-]", "-", target.stem) or "key"  # a name LaTeX and Markdown take as it is
    written: dict[str, str] = {}
    for group in key.groups:
        for question in group.questions:
            draw = getattr(question, "figure", None)
            if draw is None:
                continue
            path = target.with_name(f"{stem}-{question.id.replace('.', '-')}.{FIGURE_FORMATS[fmt]}")
            try:
                draw().save(path)
            except SymdiffError as exc:
                note(f"figure for {question.id} left out: {exc.message}")
                continue
            note(f"wrote {path}")
            written[question.id] = path.name
    return written
