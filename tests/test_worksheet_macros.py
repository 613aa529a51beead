r"""A worksheet's ``macros`` table: the document's shorthands, expanded as ``--macro`` expands them, through
``symdiff solve`` (issue 14)."""

import json
import re

import pytest
from click.testing import CliRunner

from symdiff.cli import main

SHEET = r"""
title = "Shorthands"

[[group]]
id = "1"
text = 'Let $g = \tfrac{1}{2}\|\M\v - \t\|^2$.'

[group.context]
macros = { v = '\mathbf{v}', '\M' = '\mathbf{M}', t = '\mathbf{t}', ip = '#1^\top #2' }
definitions = ['e = \M\v - \t', 'g = \frac{1}{2}\ip{e}{e} + \lambda \ip{\v}{\v}']

[[group.question]]
id = "1.a"
kind = "choice"
text = 'Find $\frac{\partial g}{\partial \v}$.'
wrt = "v"
expand = true
options = [
    '\M^\top (\M\v - \t) + 2\lambda\v',
    '\M^\top (\M\v - \t)',
    { latex = '\nabla_{\v} g', unreadable = "a name for the answer, not a formula" },
]

[[group.question]]
id = "1.b"
kind = "derive"
wrt = "M"
"""


def solve(tmp_path, text, *args):
    sheet = tmp_path / "sheet.toml"
    sheet.write_text(text)
    return CliRunner().invoke(main, ["solve", str(sheet), *args])


def test_macros_are_expanded_in_definitions_options_and_text(tmp_path):
    result = solve(tmp_path, SHEET, "--format", "json")
    assert result.exit_code == 0, result.output
    first, second = json.loads(result.output)["questions"]
    assert first["correct"] == [0]
    assert first["text"] == r"Find $\frac{\partial g}{\partial \mathbf{v}}$."
    assert first["options"][0]["text"] == r"\mathbf{M}^\top (\mathbf{M}\mathbf{v} - \mathbf{t}) + 2\lambda\mathbf{v}"
    assert first["options"][2]["verdict"] == "unreadable"
    # g = e.T*e/2 + lambda*v.T*v with e = M*v - t: dg/dM = e*v.T
    assert second["answer"] == "e*v.T"


def test_the_same_formula_without_macros_gives_the_same_key(tmp_path):
    plain = (
        SHEET.replace(r"macros = { v = '\mathbf{v}', '\M' = '\mathbf{M}', t = '\mathbf{t}', ip = '#1^\top #2' }", "")
        .replace(r"\ip{e}{e}", r"e^\top e")
        .replace(r"\ip{\v}{\v}", r"\v^\top \v")
    )
    for letter in "vMt":  # \t, not the \t of \top
        plain = re.sub(rf"\\{letter}(?![A-Za-z])", rf"\\mathbf{{{letter}}}", plain)
    with_macros, without = solve(tmp_path, SHEET, "--format", "json"), solve(tmp_path, plain, "--format", "json")
    assert without.exit_code == 0, without.output
    assert json.loads(with_macros.output) == json.loads(without.output)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ((r"ip = '#1^\top #2'", r"ip = '#1^\top {#2'"), "a macro is a command's name"),
        ((r"ip = '#1^\top #2'", r"'\q1' = 'x'"), "a macro is a command's name"),
        ((r"ip = '#1^\top #2'", r"ip = '\ip \ip'"), "macros expanded more than"),
        (("[group.context]", '[group.context]\nsyntax = "plain"'), "macros are LaTeX shorthands"),
    ],
)
def test_a_bad_macro_is_an_error_naming_the_field(tmp_path, edit, message):
    result = solve(tmp_path, SHEET.replace(*edit))
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "sheet.toml:" in result.output and "Traceback" not in result.output
