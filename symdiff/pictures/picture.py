"""Drawings and how they are written: SVG, PNG or PDF by suffix, whole or not at all.

A ``Picture`` is Graphviz source, rendered by Graphviz's ``dot``: ``dot`` is
a program, not a Python package, so where it is missing the source is
written as ``.dot`` and the error says how to render it later. A ``Plot`` is
a matplotlib figure. Both show inline in a notebook (``_repr_svg_``). The
libraries are the extra ``symdiff[plot]``, imported when a drawing is made,
so ``import symdiff`` works without them.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import SymdiffError
from ..writing import write_atomically

FORMATS = ("svg", "png", "pdf", "dot")
"""What ``save`` writes, chosen by the file name's suffix (``dot``: a graph's source)."""

INSTALL_DOT = "install Graphviz (Debian: apt-get install graphviz; macOS: brew install graphviz)"


def _extra(module: str) -> ModuleType:
    try:
        return __import__(module)
    except ImportError:
        raise SymdiffError(
            f"drawing needs the Python package {module}, which is not installed",
            hint="pip install 'symdiff[plot]'",
        ) from None


def need_graphviz() -> ModuleType:
    """The ``graphviz`` package (builds DOT), or an error saying how to install it."""
    return _extra("graphviz")


class DotMissing(SymdiffError):
    """Graphviz's ``dot`` is not installed: the source was written instead, to ``written``."""

    def __init__(self, written: Path, wanted: Path) -> None:
        fmt = wanted.suffix.lstrip(".")
        super().__init__(
            f"Graphviz's dot was not found, so {wanted} was not drawn; wrote its source to {written}",
            hint=f"{INSTALL_DOT}, then: dot -T{fmt} {written} -o {wanted}",
        )
        self.written = written


def suffix_format(path: str | Path, formats: tuple[str, ...] = FORMATS) -> str:
    """``graph.svg`` -> ``svg``; an error naming the formats for any other suffix."""
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in formats:
        raise SymdiffError(
            f"cannot tell the picture's format from the file name {str(path)!r:.80}",
            hint="end it in " + ", ".join("." + f for f in formats),
        )
    return fmt


class Drawing:
    """What every drawing offers: ``render(fmt)`` to bytes, ``save(path)``, an inline SVG in a notebook."""

    formats: tuple[str, ...] = ("svg", "png", "pdf")

    def render(self, fmt: str) -> bytes:
        raise NotImplementedError

    def save(self, path: str | Path) -> Path:
        """Write the drawing in the format its file name's suffix names; returns the file written."""
        target = Path(path)
        write_atomically(target, self.render(suffix_format(target, self.formats)))
        return target

    def _repr_svg_(self) -> str:
        return self.render("svg").decode()


@dataclass(frozen=True)
class Picture(Drawing):
    """A graph as Graphviz source (``.dot``), rendered by Graphviz's ``dot``."""

    dot: str
    formats = FORMATS

    def render(self, fmt: str) -> bytes:
        """The picture as ``svg``, ``png`` or ``pdf`` bytes (``dot`` must be installed); ``dot`` gives the source."""
        if fmt == "dot":
            return self.dot.encode()
        suffix_format("picture." + fmt)
        program = shutil.which("dot")
        if program is None:
            raise SymdiffError("Graphviz's dot was not found", hint=INSTALL_DOT)
        done = subprocess.run([program, f"-T{fmt}"], input=self.dot.encode(), capture_output=True, check=False)
        if done.returncode != 0:
            raise SymdiffError(f"Graphviz's dot failed: {done.stderr.decode(errors='replace').strip()[:400]}")
        return done.stdout

    def save(self, path: str | Path) -> Path:
        """As ``Drawing.save``; without ``dot``, the source goes to the same name ending in ``.dot`` and a
        ``DotMissing`` error says how to render it."""
        target = Path(path)
        if suffix_format(target) != "dot" and shutil.which("dot") is None:
            written = target.with_suffix(".dot")
            write_atomically(written, self.dot)
            raise DotMissing(written, target)
        return super().save(target)


@dataclass(frozen=True)
class Plot(Drawing):
    """A matplotlib figure (``.figure``)."""

    figure: Any = field(repr=False)

    def render(self, fmt: str) -> bytes:
        buffer = io.BytesIO()
        fmt = suffix_format("picture." + fmt, self.formats)
        stamp = {"Date": None} if fmt in ("svg", "pdf") else {}  # the same plot gives the same file
        matplotlib = _extra("matplotlib")
        with matplotlib.rc_context({"pdf.fonttype": 42}):  # TrueType, not bitmap Type 3, in a PDF
            self.figure.savefig(buffer, format=fmt, bbox_inches="tight", metadata=stamp)
        return buffer.getvalue()
