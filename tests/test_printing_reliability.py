"""How numbers are printed (issue 12): substituted numbers keep a visible operator, and values beyond a
double's range print from the exact value, in every format, with JSON that is JSON.

A product of substituted numbers written ``2 0.9`` reads "20.9" once TeX drops the space, so the LaTeX
checks read the numbers back with the spaces removed, as TeX does, and from ``pdftotext`` of the compiled key.
"""

from __future__ import annotations

import ast
import json
import math
import re
from pathlib import Path

import mpmath
import pytest
import sympy as sp
from click.testing import CliRunner
from pdflatex import compile_latex, pdf_text

import symdiff
from symdiff.cli import main
from symdiff.export.latex import to_latex as formula_latex
from symdiff.export.numbers import format_number, to_plain
from symdiff.program.printing import to_latex, to_text

ROOT = Path(__file__).resolve().parent.parent
WORKSHEET = ROOT / "worksheets" / "backprop.toml"

SUBSTITUTED = {
    # ∂y/∂name at the worksheet's rounded values r1 = 2, r2 = 0, s1 = 0.9, s2 = 0.5, c = 4, d = 1, e = f = 2,
    # x1 = 1, x2 = -1: the numbers of its substituted step, in order, without signs, and its value
    "a": (["1", "2", "0.9", "1", "0.9"], 0.18),
    "b": (["1", "0", "0.5", "1", "0.5"], 0.0),
    "c": (["1", "1", "0.9", "1", "0.9", "1", "4", "1", "2", "1"], 0.09),
    "d": (["1", "1", "0.5", "1", "0.5", "1", "1", "1", "2", "1"], 0.0),
    "e": (["1", "1", "0.9", "1", "0.9", "1", "4", "1", "2", "1"], -0.09),
    "f": (["1", "1", "0.5", "1", "0.5", "1", "1", "1", "2", "1"], 0.0),
}
NUMBER = re.compile(r"\d+(?:\.\d+)?")
EXP_1000 = mpmath.mpf(mpmath.exp(mpmath.mpf(1000)))


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def strict_json(text: str) -> object:
    """JSON as the standard reads it: Infinity and NaN are not JSON."""

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in JSON output")

    return json.loads(text, parse_constant=refuse)


def as_tex_reads(latex: str) -> str:
    """Math as TeX sets it: spaces between tokens vanish."""
    return re.sub(r"\s+", "", latex)


# --- substituted numbers keep an operator: each printer, directly ---------------------------------------
@pytest.mark.parametrize("values", [("2", "0.9"), ("1", "0.5"), ("4", "1")])
def test_a_product_of_two_substituted_numbers_keeps_its_operator(values):
    r, s = sp.symbols("r s")
    shown = dict(zip((r, s), values))
    latex = to_latex(r * s, frozenset(), shown)
    text = to_text(r * s, frozenset(), shown)
    assert sorted(NUMBER.findall(as_tex_reads(latex))) == sorted(values), latex
    assert sorted(NUMBER.findall(text)) == sorted(values), text
    product = float(values[0]) * float(values[1])
    assert float(symdiff.parse_latex(as_tex_reads(latex)).evaluate()) == pytest.approx(product)
    assert float(symdiff.parse(text).evaluate()) == pytest.approx(product)


def test_a_substituted_product_in_a_reordered_product_keeps_its_operator():
    x, s = sp.symbols("x s")  # s an intermediate: inputs go first, through the program's own ordering
    latex = to_latex(3 * s * x, frozenset({s}), {x: "2", s: "0.9"})
    assert NUMBER.findall(as_tex_reads(latex)) == ["3", "2", "0.9"], latex
    assert float(symdiff.parse_latex(as_tex_reads(latex)).evaluate()) == pytest.approx(5.4)


def test_a_number_before_a_power_of_a_number_is_not_read_as_one_number():
    x = sp.Symbol("x")
    latex = formula_latex(2 * 3**x)
    assert as_tex_reads(latex) != "23^{x}"
    assert float(symdiff.parse_latex(as_tex_reads(latex)).evaluate(x=2)) == 18


# --- the seed's key: LaTeX (read back, and through pdftotext), text and Markdown -------------------------
def _key(fmt: str, tmp_path: Path) -> str:
    target = tmp_path / f"key.{fmt}"
    done = run("solve", str(WORKSHEET), "--format", fmt, "-o", str(target))
    assert done.exit_code == 0, done.output
    return target.read_text(encoding="utf-8")


def _substituted_latex_rows(latex: str) -> list[str]:
    """The rows of ∂y/∂a ... ∂y/∂f that have numbers in place of every name."""
    rows = []
    for row in latex.splitlines():
        body = row.strip().removeprefix("&=").removesuffix(r"\\").strip()
        words = re.sub(r"\\(cdot|left|right|operatorname)|step", "", body)
        if row.strip().startswith("&=") and r"\cdot" in body and not re.search(r"[A-Za-z]", words):
            rows.append(body)
    return rows


def _check_latex_rows(latex: str) -> None:
    rows = _substituted_latex_rows(latex)
    assert len(rows) == len(SUBSTITUTED), rows
    for row, (name, (numbers, value)) in zip(rows, SUBSTITUTED.items()):
        read = as_tex_reads(row)
        assert NUMBER.findall(read) == numbers, (name, row)
        assert float(symdiff.parse_latex(read).evaluate()) == pytest.approx(value, abs=1e-12), (name, row)


def test_latex_key_steps_read_back_as_the_substituted_numbers(tmp_path):
    _check_latex_rows(_key("latex", tmp_path))


def test_markdown_key_steps_read_back_as_the_substituted_numbers(tmp_path):
    _check_latex_rows(_key("markdown", tmp_path))


def test_text_key_steps_read_back_as_the_substituted_numbers(tmp_path):
    lines = [line.strip() for line in _key("text", tmp_path).splitlines()]
    rows = [line.removeprefix("= ") for line in lines
            if line.startswith("= ") and "·" in line and not re.search(r"[A-Za-z]", line.replace("step", ""))]
    assert len(rows) == len(SUBSTITUTED), rows
    for row, (name, (numbers, value)) in zip(rows, SUBSTITUTED.items()):
        assert NUMBER.findall(row) == numbers, (name, row)
        assert float(symdiff.parse(row.replace("·", "*")).evaluate()) == pytest.approx(value, abs=1e-12), (name, row)


def test_compiled_latex_key_shows_exactly_the_substituted_numbers(tmp_path):
    pdf = compile_latex(_key("latex", tmp_path), tmp_path, "seed")
    text = pdf_text(pdf)
    rows = [line.strip() for line in text.splitlines()
            if line.startswith("= 1 ·") and not re.search(r"[A-Za-z]", line.replace("step", ""))]
    assert len(rows) == len(SUBSTITUTED), rows
    for row, (name, (numbers, _)) in zip(rows, SUBSTITUTED.items()):
        assert NUMBER.findall(row) == numbers, (name, row)
    assert "20.9" not in text and "00.5" not in text


# --- values beyond a double's range ------------------------------------------------------------------------
def test_huge_exact_power_prints_from_the_exact_value():
    done = run("backprop", "y = x^10000", "--at", "x=10^100")
    assert done.exit_code == 0, done.output
    assert "y     = 1e+1000000" in done.output  # (10^100)^10000
    assert "∂y/∂x     = 1e+999904" in done.output  # 10000 * (10^100)^9999
    payload = strict_json(run("backprop", "y = x^10000", "--at", "x=10^100", "--format", "json").output)
    assert payload["forward"]["y"] == "1e+1000000" and payload["gradients"]["x"] == "1e+999904"


def test_huge_value_with_steps_in_every_format():
    for fmt in ("text", "latex"):
        done = run("backprop", "y = x^10000", "--at", "x=10^100", "--steps", "--format", fmt)
        assert done.exit_code == 0, done.output
    assert r"10000 \cdot \left(10^{100}\right)^{9999}" in done.output and "10^{999904}" in done.output
    payload = strict_json(run("backprop", "y = x^10000", "--at", "x=10^100", "--steps", "--format", "json").output)
    assert payload["steps"][0]["text"].endswith("= 10000*(1e+100)^9999\n      = 1e+999904")


def test_a_negative_huge_value_in_a_power_is_bracketed_once():
    done = run("backprop", "z = 2*x; y = z*x^2", "--at", "x=-10^200", "--steps", "--format", "latex")
    assert done.exit_code == 0, done.output
    assert r"\left(-10^{200}\right)^{2} \cdot 2 + 2 \cdot \left(-10^{200}\right) \cdot \left(-2 \cdot 10^{200}\right)" in done.output
    assert "= 6 \\cdot 10^{400}" in done.output
    assert r"\left(\left(" not in done.output


def test_exp_1000_prints_in_scientific_notation_not_inf():
    done = run("backprop", "y = exp(x)", "--at", "x=1000", "--steps")
    assert done.exit_code == 0, done.output
    assert "inf" not in done.output
    assert "y     = 1.97007e+434" in done.output and "= 1.97007e+434" in done.output.splitlines()[-1]
    latex = run("backprop", "y = exp(x)", "--at", "x=1000", "--format", "latex").output
    assert r"y &= 1.97007 \cdot 10^{434}" in latex and "inf" not in latex


def test_exp_1000_json_is_json_and_holds_the_exact_value():
    payload = strict_json(run("backprop", "y = exp(x)", "--at", "x=1000", "--format", "json", "--steps").output)
    for value in (payload["forward"]["y"], payload["gradients"]["x"]):
        assert isinstance(value, str)
        assert abs(mpmath.mpf(value) / EXP_1000 - 1) < 1e-15
    assert payload["inputs"]["x"] == 1000  # a double holds it: a JSON number


def test_tiny_values_are_not_printed_as_zero():
    done = run("backprop", "y = exp(-x)", "--at", "x=1000")
    assert "y     = 5.07596e-435" in done.output and "∂y/∂x     = -5.07596e-435" in done.output
    payload = strict_json(run("backprop", "y = exp(-x)", "--at", "x=1000", "--format", "json").output)
    assert abs(mpmath.mpf(payload["forward"]["y"]) * EXP_1000 - 1) < 1e-15


def test_exact_constants_given_as_values_print():
    done = run("backprop", "y = 2*x", "--at", "x=pi", "--format", "json")
    assert done.exit_code == 0, done.output
    assert strict_json(done.output)["inputs"]["x"] == pytest.approx(math.pi, rel=1e-15)
    assert "y     = 6.28319" in run("backprop", "y = 2*x", "--at", "x=pi").output
    beyond = run("backprop", "y = 2*x", "--at", "x=sqrt(2)*10^400", "--format", "json")
    given = strict_json(beyond.output)["inputs"]["x"]
    assert given == "1.414213562373095e+400"  # 17 significant digits, the trailing 0 dropped
    assert abs(mpmath.mpf(given) / (mpmath.sqrt(2) * mpmath.mpf(10) ** 400) - 1) < 1e-15


def test_matrix_form_overflow_is_a_clear_error_not_inf():
    for fmt in ("text", "json"):
        done = run("backprop", "b = A*x; f = sum(exp(b))", "--at", "A=[[1000, 0], [0, 1]], x=[1, 1]", "--format", fmt)
        assert done.exit_code == 2, done.output
        assert "f is infinite here" in done.output and "--shape" in done.output and "Infinity" not in done.output
    exact = run("backprop", "b = A*x; f = sum(exp(b))", "--shape", "A=2,2", "--shape", "x=2",
                "--at", "A=[[1000, 0], [0, 1]], x=[1, 1]", "--format", "json")
    assert exact.exit_code == 0, exact.output
    assert abs(mpmath.mpf(strict_json(exact.output)["forward"]["f"]) / (EXP_1000 + mpmath.e) - 1) < 1e-15


WORKSHEET_BIG = r"""
title = "Big"

[[group]]
id = "1"
title = "Big numbers"

[group.context]
definitions = ['h = \exp(x)', 'y = h \cdot x']
at = { x = 1000 }

[[group.question]]
id = "1.a"
kind = "forward"
text = "Values."
values = { "(i)" = "h", "(ii)" = "y" }

[[group.question]]
id = "1.b"
kind = "backprop"
text = "Partials."
of = "y"
wrt = ["x"]
"""


@pytest.mark.parametrize("fmt", ["text", "markdown", "latex", "json"])
def test_keys_print_huge_values_from_the_exact_value(tmp_path, fmt):
    source = tmp_path / "big.toml"
    source.write_text(WORKSHEET_BIG, encoding="utf-8")
    target = tmp_path / f"key.{fmt}"
    done = run("solve", str(source), "--format", fmt, "-o", str(target))
    assert done.exit_code == 0, done.output
    key = target.read_text(encoding="utf-8")
    assert not re.search(r"\binf\b|Infinity|NaN", key), key
    if fmt == "json":
        questions = strict_json(key)["questions"]
        assert abs(mpmath.mpf(questions[0]["values"]["(ii)"]) / (1000 * EXP_1000) - 1) < 1e-15
        assert abs(mpmath.mpf(questions[1]["exact"]["x"]) / (1001 * EXP_1000) - 1) < 1e-15
        return
    assert "1.9701e+437" in key  # y = 1000 e^1000, to the keys' 5 significant digits
    if fmt == "latex":
        compile_latex(key, tmp_path, "big")


# --- the formatter -----------------------------------------------------------------------------------------
def test_format_number_keeps_short_exact_decimals_and_rounds_the_rest():
    assert [format_number(sp.Rational(*q)) for q in [(9, 50), (-9, 100), (2, 1), (1, 3), (0, 1)]] == [
        "0.18", "-0.09", "2", "0.333333", "0"]
    assert format_number(sp.Rational(123456789012345, 100)) == "1.23457e+12"
    assert format_number(-(sp.Integer(10) ** 400) * 3) == "-3e+400"
    assert format_number(sp.Integer(999_999_9) * sp.Integer(10) ** 400) == "1e+407"  # the carry of rounding
    assert format_number(sp.Rational(1, 3) * sp.Integer(10) ** -500) == "3.33333e-501"
    assert format_number(0.5) == "0.5" and format_number(float("inf")) == "inf"


def test_to_plain_gives_json_numbers_in_range_and_strings_beyond():
    assert to_plain(sp.Rational(1, 4)) == 0.25 and to_plain(sp.Integer(10) ** 300) == 1e300
    assert to_plain(sp.Integer(10) ** 400) == "1e+400"
    assert to_plain(sp.Matrix([[1], [sp.Integer(2) ** 2000]])) == [1.0, "1.1481306952742545e+602"]
    assert math.isclose(float(to_plain(sp.Integer(2) ** 1000)), 2.0**1000)


def test_every_json_dumps_in_symdiff_refuses_nan_and_infinity():
    calls = []
    for path in (ROOT / "symdiff").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in ("dumps", "dump"):
                allow = [k for k in node.keywords if k.arg == "allow_nan"]
                calls.append((path.name, node.lineno, bool(allow) and getattr(allow[0].value, "value", True) is False))
    assert calls and all(ok for *_, ok in calls), calls
