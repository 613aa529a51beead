"""Compile LaTeX with pdflatex in a test; missing pdflatex fails on CI (``.ci/run`` installs it) and skips elsewhere."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def compile_latex(document: str, directory: Path, name: str = "doc") -> Path:
    """Compile ``document`` with ``pdflatex -no-shell-escape`` in ``directory``; the PDF's path."""
    if shutil.which("pdflatex") is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing on CI (.ci/run installs texlive-latex-base)")
        pytest.skip("pdflatex is not installed")
    (directory / f"{name}.tex").write_text(document, encoding="utf-8")
    done = subprocess.run(
        ["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
        cwd=directory, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    return directory / f"{name}.pdf"
