"""Compile LaTeX with pdflatex in a test; missing pdflatex fails on CI (``.ci/run`` installs it) and skips elsewhere."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def _require(program: str, package: str) -> None:
    """Skip when ``program`` is missing, except on CI, where ``make test`` installs it: there it fails."""
    if shutil.which(program) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{program} is missing on CI (make test installs the Debian package {package})")
        pytest.skip(f"{program} is not installed (Debian package {package}; make test installs it as root)")


def compile_latex(document: str, directory: Path, name: str = "doc") -> Path:
    """Compile ``document`` with ``pdflatex -no-shell-escape`` in ``directory``; the PDF's path."""
    _require("pdflatex", "texlive-latex-base")
    (directory / f"{name}.tex").write_text(document, encoding="utf-8")
    done = subprocess.run(
        ["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
        cwd=directory, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    return directory / f"{name}.pdf"


def pdf_text(pdf: Path) -> str:
    """The text of a compiled PDF, as ``pdftotext`` reads it (what a reader of the key sees)."""
    _require("pdftotext", "poppler-utils")
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
