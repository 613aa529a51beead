"""Answer keys a teaching assistant hands out as they are: figures, math that reads as math, no overfull boxes.

The LaTeX keys are compiled with pdflatex and their log read; the terminal key is read as a person would.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdflatex import pdf_text

import symdiff
from symdiff.cli import main

ROOT = Path(__file__).parent.parent
WORKSHEETS = sorted((ROOT / "worksheets").glob("*.toml"))
SEED = ROOT / "worksheets" / "backprop.toml"

SMALL = """
title = "Small"

[[group]]
id = "1"
title = "A neuron"

[group.context]
syntax = "plain"
definitions = ["y = w*x", "f = 0.5*(y - t)^2"]
at = { x = 1, w = 0.000294, t = 0 }

[[group.question]]
id = "1.a"
kind = "choice"
text = 'Find $\\\\frac{\\\\partial f}{\\\\partial w}$.'
wrt = "w"
options = ["x*(y - t)", "y - t"]
STEPS

[[group.question]]
id = "1.b"
kind = "forward"
values = { "(i)" = "y" }
"""


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def sheet(tmp_path: Path, steps: str = "") -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL.replace("STEPS", steps), encoding="utf-8")
    return path


def compile_key(directory: Path, name: str) -> str:
    """pdflatex on a key written with its figures; the log (failing on CI when pdflatex is missing)."""
    if shutil.which("pdflatex") is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing on CI (make test installs texlive-latex-base)")
        pytest.skip("pdflatex is not installed (Debian package texlive-latex-base)")
    done = subprocess.run(
        ["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", name],
        cwd=directory, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    return (directory / name).with_suffix(".log").read_text(encoding="utf-8", errors="replace")


@pytest.mark.slow
@pytest.mark.parametrize("worksheet", WORKSHEETS, ids=lambda p: p.name)
def test_every_bundled_key_compiles_without_overfull_boxes_with_its_figures(tmp_path, worksheet):
    said = run("solve", str(worksheet), "--format", "latex", "-o", str(tmp_path / "key.tex"))
    figures = sorted(p.name for p in tmp_path.glob("key-*.pdf"))
    assert [f"wrote {tmp_path / name}" for name in figures] == re.findall(r"wrote .*key-.*\.pdf", said)
    log = compile_key(tmp_path, "key.tex")
    assert "Overfull" not in log, re.findall(r"Overfull.*\n.*", log)
    for name in figures:
        assert f"<{name}" in log  # pdflatex read it into the key
    if worksheet == SEED:
        assert figures == ["key-2-b.pdf", "key-2-c-1.pdf", "key-2-c-2.pdf"]
        text = pdf_text(tmp_path / "key.pdf")
        assert "gradient ∂y/∂node" in text and "x₁" in text  # the network, inside the key
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(tmp_path / "key.pdf")], capture_output=True, text=True).stdout
        assert "Type 3" not in fonts  # vector fonts only: lmodern, and the figures' own


def test_the_markdown_key_links_its_figures_as_svg(tmp_path):
    said = run("solve", str(SEED), "--format", "markdown", "-o", str(tmp_path / "answers.md"))
    key = (tmp_path / "answers.md").read_text(encoding="utf-8")
    for qid, name in [("2.b", "answers-2-b.svg"), ("2.c.1", "answers-2-c-1.svg"), ("2.c.2", "answers-2-c-2.svg")]:
        assert f"![figure for {qid}]({name})" in key
        assert (tmp_path / name).read_text(encoding="utf-8").lstrip().startswith("<?xml")
        assert f"wrote {tmp_path / name}" in said


def test_a_fresh_symdiff_process_draws_the_keys_figures(tmp_path):
    """As a user runs it: no earlier import in the same process has registered the drawers."""
    done = subprocess.run(
        [sys.executable, "-m", "symdiff", "solve", str(SEED), "--format", "markdown", "-o", str(tmp_path / "key.md")],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "left out" not in done.stderr
    for name in ["key-2-b.svg", "key-2-c-1.svg", "key-2-c-2.svg"]:
        assert (tmp_path / name).read_text(encoding="utf-8").lstrip().startswith("<?xml"), name


def test_a_key_on_standard_output_has_no_figures(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    key = run("solve", str(SEED), "--format", "latex")
    assert "includegraphics" not in key and not list(tmp_path.iterdir())


def test_without_dot_the_graph_is_left_out_with_a_note_and_the_key_is_written(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    said = run("solve", str(SEED), "--format", "latex", "-o", str(tmp_path / "key.tex"))
    assert "figure for 2.b left out: Graphviz's dot was not found" in said
    key = (tmp_path / "key.tex").read_text(encoding="utf-8")
    assert "key-2-b" not in key and "key-2-c-1.pdf" in key  # the plots need no dot


def test_figure_names_handed_to_print_key_are_plain_file_names():
    key = symdiff.solve(str(SEED))
    assert r"\includegraphics[width=\linewidth,height=0.3\textheight,keepaspectratio]{k-2-b.pdf}" in symdiff.print_key(
        key, "latex", {"2.b": "k-2-b.pdf"}
    )
    with pytest.raises(symdiff.SymdiffError, match="not a plain file name"):
        symdiff.print_key(key, "latex", {"2.b": "}\\input{/etc/passwd}"})


def test_the_terminal_key_reads_the_worksheets_latex_as_math():
    key = run("solve", str(SEED))
    assert "1.a.i  Find ∂f/∂b." in key
    assert "1.b.i  Find (∂b₁/∂A₁₁, ∂b₁/∂A₁₂)." in key
    assert "f = ½ ‖Ax‖², with b = Ax and f = ½ ‖b‖² = ½ (b₁² + b₂²)." in key
    assert "  * 2. [b₁; b₂]" in key and "  * 5. Aᵀ Ax" in key  # options, as printed
    assert "  answer: (x₁b₁, x₂b₁)" in key  # answers with subscripts, inputs first
    assert "only its 1st component is right: x₂b₂ where the answer has x₂b₁" in key  # reasons too
    assert "\\frac" not in key and "\\mathbf" not in key


def test_node_names_and_partials_are_math_in_every_key():
    key = symdiff.solve(str(SEED))
    latex, markdown, text = (symdiff.print_key(key, fmt) for fmt in ("latex", "markdown", "text"))
    assert "$r_{1}$ & 2" in latex and r"$\partial/\partial a$ & 0.18" in latex
    assert "| $r_{1}$ | 2 |" in markdown and r"| $\partial/\partial a$ | 0.18 |" in markdown
    assert "  r₁    2" in text and "∂/∂a     0.18" in text
    assert "r_1" not in text


def test_reasons_typeset_the_formulas_they_quote():
    key = symdiff.solve(str(SEED))
    latex, markdown = symdiff.print_key(key, "latex"), symdiff.print_key(key, "markdown")
    for printed in (latex, markdown):
        assert "right: $x_{2} b_{2}$ where the answer has $x_{2} b_{1}$" in printed
        assert "for $A_{21}$, $A_{22}$ (row 2 of $A$)" in printed
        assert "x2*b2" not in printed


def test_terms_are_in_the_order_a_person_writes_them():
    program = symdiff.program("y = w*x; f = 0.5*(y - t)^2")
    assert program.derive("w").latex == r"x \cdot \left(y - t\right)"
    assert "y - t" in program.steps("w")[0].render_latex() and "- t + y" not in program.steps("w")[0].render_latex()


def test_numbers_keep_their_significant_digits(tmp_path):
    key = run("solve", str(sheet(tmp_path)))
    assert "value  0.000294" in key and "0.0003" not in key


@pytest.mark.parametrize("where", ["question", "group"])
def test_steps_true_shows_the_derivation_of_a_choice_answer(tmp_path, where):
    path = sheet(tmp_path, "steps = true" if where == "question" else "")
    if where == "group":
        path.write_text(path.read_text().replace('title = "A neuron"\n', 'title = "A neuron"\nsteps = true\n'))
    text = run("solve", str(path))
    assert "  steps:\n    ∂f/∂w = ∂f/∂y · ∂y/∂w\n          = (y - t) · x\n          = x·(y - t)\n" in text
    latex = run("solve", str(path), "--format", "latex")
    assert r"\frac{\partial f}{\partial w} &= \frac{\partial f}{\partial y} \cdot \frac{\partial y}{\partial w}" in latex
    markdown = run("solve", str(path), "--format", "markdown")
    assert "$$\\begin{aligned}\n\\frac{\\partial f}{\\partial w} &=" in markdown
    assert '"steps": "∂f/∂w = ∂f/∂y · ∂y/∂w' in run("solve", str(path), "--format", "json")


def test_without_steps_a_choice_answer_has_none(tmp_path):
    assert "steps" not in run("solve", str(sheet(tmp_path)))
    assert '"steps"' not in run("solve", str(sheet(tmp_path)), "--format", "json")
