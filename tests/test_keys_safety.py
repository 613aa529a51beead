r"""Answer keys are safe to show and always compile, whatever the worksheet's text says.

Markdown keys go on course websites: worksheet HTML and Markdown syntax show
as the characters they are. Text and Markdown keys go to terminals: no control
character gets through. LaTeX keys compile with pdflatex for every legal
worksheet: malformed math is shown as text, Unicode is typeset or shown as its
code point, and an answer past the size limit is a note pointing to the JSON
key, which has it whole.
"""

from __future__ import annotations

import json
import re

import pytest
import sympy as sp
from click.testing import CliRunner
from pdflatex import compile_latex, pdf_text

import symdiff
from symdiff.cli import main
from symdiff.program.printing import Math, to_latex
from symdiff.worksheet.key import DeriveKey, GroupKey, Key

SMALL = """
title = "Small"

[[group]]
id = "1"
title = "Q1"
text = "A group."
[group.context]
syntax = "plain"
definitions = ["f = 0.5*norm(A*x)^2"]

[[group.question]]
id = "1.a"
kind = "choice"
text = "Find the gradient."
wrt = "x"
options = ["A.T*A*x", "A*A.T*x"]

[[group]]
id = "2"
[group.context]
syntax = "plain"
definitions = ["h = 2*x"]
at = { x = 1 }

[[group.question]]
id = "2.a"
kind = "forward"
values = { "(i)" = "h" }
"""


def solve(tmp_path, sheet: str, fmt: str) -> str:
    path = tmp_path / "sheet.toml"
    path.write_text(sheet, encoding="utf-8")
    result = CliRunner().invoke(main, ["solve", str(path), "--format", fmt])
    assert result.exit_code == 0, result.output
    return result.stdout


def toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def edit(title: str = '"Small"', text: str = '"Find the gradient."', group: str = '"A group."',
         label: str = '"(i)"', option: str = '"A*A.T*x"') -> str:
    return (SMALL.replace('title = "Small"', f"title = {title}")
            .replace('text = "Find the gradient."', f"text = {text}")
            .replace('text = "A group."', f"text = {group}")
            .replace('"(i)" = "h"', f'{label} = "h"')
            .replace('"A*A.T*x"]', f"{option}]"))


def outside_code(markdown: str) -> str:
    """Markdown without its code spans (whose text no renderer reads as HTML)."""
    return re.sub(r"(`+).*?\1", "", markdown)


HTML = "<script>alert(1)</script> <img src=x onerror=alert(1)> <iframe src=x></iframe> [click](javascript:alert(1))"


def test_markdown_key_shows_worksheet_html_and_markdown_as_text(tmp_path):
    sheet = edit(title=toml_string(HTML), text=toml_string(f"{HTML} $x < y$ and $<b>$"),
                 group=toml_string("# not a heading\n\n- not a list"), label=toml_string("a|b"),
                 option=toml_string("A*A.T*x") + ', { latex = "<script>x</script> | y", unreadable = "<b>why</b>" }')
    key = solve(tmp_path, sheet, "markdown")
    assert "`<script>x</script> \\| y`" in key  # a code span is literal text
    assert not re.search(r"<[a-zA-Z/]", outside_code(key)), key
    assert not re.search(r"(?<!\\)\]\(javascript:", key)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in key and r"\[click\](javascript:alert(1))" in key
    assert r"$x \lt  y$" in key  # math stays math, without an HTML tag
    header, rule, row = key.split("**2.a**")[1].strip().splitlines()
    assert [len(re.findall(r"(?<!\\)\|", line)) for line in (header, rule, row)] == [2, 2, 2], (header, row)
    assert r"a\|b" in header
    assert [line for line in key.splitlines() if line.startswith("#")] == [
        ("# &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; &lt;iframe src=x&gt;&lt;/iframe&gt; "
         r"\[click\](javascript:alert(1)): answer key"),
        "## Q1", "## 2"]


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_no_key_passes_control_characters_to_the_terminal(tmp_path, fmt):
    ansi = "\x1b[31mred\x1b[0m \x9b2J \x07bell\x00 \u202eevil\u202c"
    key = solve(tmp_path, edit(title=toml_string(ansi), text=toml_string(ansi), label=toml_string(ansi)), fmt)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", key), repr(key)
    assert "red" in key and "bell" in key
    if fmt == "json":
        assert json.loads(key)["title"] == ansi  # escaped, not lost
    else:
        assert "[U+202E]evil[U+202C]" in key.replace("\\[", "[").replace("\\]", "]")


def in_latex(option: str) -> str:
    """SMALL with its first group in LaTeX syntax and ``option`` added to the choice question."""
    return (SMALL.replace('syntax = "plain"\ndefinitions = ["f = 0.5*norm(A*x)^2"]',
                          r"definitions = ['f = \frac{1}{2} \|\mathbf{Ax}\|^2']")
            .replace('options = ["A.T*A*x", "A*A.T*x"]', r"options = ['\mathbf{A}^\top \mathbf{Ax}', " + option + "]"))


# Legal worksheets whose LaTeX key did not compile: each edit to SMALL, and what the key must show instead.
UNCOMPILABLE = {
    "unbalanced left": ({"text": r"'Find $\left( x$.'"}, r"\texttt{\$\textbackslash{}left( x\$}"),
    "script without argument": ({"text": r"'Find $x^$ and $x_1_2$ and $x^2^3$.'"}, r"\texttt{\$x\textasciicircum{}\$}"),
    "command without argument": ({"group": r"'Let $\frac$ and $\sqrt$.'"}, r"\texttt{\$\textbackslash{}frac\$}"),
    "empty math": ({"text": r"'Find $$ here.'"}, r"Find \texttt{\$\$} here."),
    "dollar in an unreadable option": (in_latex("{ latex = 'a $ b', unreadable = \"not a formula\" }"), r"\texttt{a \$ b}"),
    "unicode in math": ({"text": toml_string("Find $α + а + 😀 + x\u200b + \u202ex$ and $β_1$.")},
                        r"$\beta _1$"),
    "unicode in an option": (in_latex('{ latex = "α + а 😀", unreadable = "ωhy" }'),
                             r"\texttt{$\alpha$ + [U+0430] [U+1F600]}"),
    "control characters": ({"title": toml_string("Small\x00\x07\x1b[31m\x7f"), "text": toml_string("a\x0cb $x\x1b$")},
                           r"\section*{Small[31m: answer key}"),
    "blank line in a title": ({"title": toml_string("Small\n\nkey")}, r"\section*{Small key: answer key}"),
    "long line": ({"text": toml_string("word " * 50_000 + "$" + "x+" * 30_000 + "x$")}, "word word"),
    "align outside an environment": ({"text": r"'$a & b \\ c$ and $\begin{array}{c} x \end{array}$'"},
                                     r"\texttt{\$a \& b"),
    "deep braces": ({"text": toml_string("$" + "{" * 300 + "x" + "}" * 300 + "$")}, r"\texttt{\$\{\{"),
}


@pytest.mark.parametrize("case", UNCOMPILABLE)
def test_latex_key_of_a_legal_worksheet_compiles(tmp_path, case):
    edits, shown = UNCOMPILABLE[case]
    key = solve(tmp_path, edits if isinstance(edits, str) else edit(**edits), "latex")
    compile_latex(key, tmp_path, "key")
    assert shown in key
    assert max(len(line) for line in key.splitlines()) <= 1100


def test_unicode_dimension_names_are_typeset(tmp_path):
    sheet = SMALL.replace('definitions = ["f = 0.5*norm(A*x)^2"]',
                          'shapes = { A = ["α", "д"], x = ["д"] }\ndefinitions = ["f = sum(A*x) + sum(x)"]')
    key = solve(tmp_path, sheet, "latex")
    assert r"\mathbf{1}_{{\ensuremath{\alpha}}}" in key and r"{\text{[U+0434]}}" in key
    pdf = compile_latex(key, tmp_path, "key")
    text = pdf_text(pdf)
    assert "α" in text and "[U+0434]" in text


@pytest.mark.slow
def test_an_answer_too_long_to_typeset_is_a_note_and_whole_in_the_json_key(tmp_path):
    sheet = """
title = "Long"
[[group]]
id = "1"
[group.context]
syntax = "plain"
shapes = { A = [4, 4] }
definitions = ["f = sum(exp(inv(A)*inv(A)))"]
[[group.question]]
id = "1.a"
kind = "derive"
wrt = "A11"
"""
    path = tmp_path / "long.toml"
    path.write_text(sheet)
    key = symdiff.solve(str(path))  # solved once (it takes a while), printed in three formats
    outputs = {fmt: symdiff.print_key(key, fmt) for fmt in ("latex", "markdown", "json")}
    answer_latex = json.loads(outputs["json"])["questions"][0]["answer_latex"]
    assert len(answer_latex) > 200_000
    note = f"Answer: too long to print: {len(answer_latex):,} characters of LaTeX; see the JSON key."
    for fmt in ("latex", "markdown"):
        assert note in outputs[fmt] and "Steps: too long to print: " in outputs[fmt]
    compile_latex(outputs["latex"], tmp_path, "long")


def test_a_long_answer_is_typeset_over_lines(tmp_path):
    A11, A12, A13, A21, A22, A23, x = sp.symbols("A11 A12 A13 A21 A22 A23 x")
    terms = [(A12 * A23 - A13 * A22) * sp.exp(k * A11) / (A11 * A22 - A12 * A21) ** 3 for k in range(1, 81)]
    answer = sp.Add(*terms[:60]) * sp.exp(x) - sp.Add(*terms[60:])
    long = to_latex(answer, reader=True)
    key = Key("Long", "", (GroupKey("1", "", "", (
        DeriveKey("1.a", "", "f", long, Math(answer), "= f", r"\frac{\partial f}{\partial x} &= " + long + " \\\\\n &= 0", "= f"),)),))
    latex = symdiff.print_key(key, "latex")
    answer = latex.split(r"\begin{multline*}")[1].split(r"\end{multline*}")[0]
    lines = answer.strip().split("\\\\\n")
    assert len(lines) >= 30 and all(len(line) < 400 for line in lines)
    inside = [line for line in lines if r"\right) e^{x}" not in line and line.startswith(r"\left.")]
    assert len(inside) >= 20 and all(line.rstrip().endswith(r"\right.") for line in inside[:-1])
    compile_latex(latex, tmp_path, "long")


def test_an_error_quoting_the_worksheet_sends_no_control_character(tmp_path):
    path = tmp_path / "sheet.toml"
    path.write_text(edit(option=toml_string("A*\x1b[31mx\x9b2J\x07")), encoding="utf-8")
    result = CliRunner().invoke(main, ["solve", str(path)])
    assert result.exit_code == 2 and "option 2 does not parse" in result.output
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", result.output), repr(result.output)
