r"""Random mutations of the bundled worksheets through ``symdiff solve``: one clear error or a key that is safe.

Each generated worksheet is one of ``worksheets/*.toml`` cut down to a group
and a question or two (to keep the run short), then mutated a few times:
hostile text in a text field (HTML, Markdown syntax, ANSI escapes, malformed
math, ``\input`` and ``\write18``, Unicode homoglyphs, zero-width and bidi
characters, control characters, blank lines, a line past TeX's buffer), an
unreadable option, a Unicode dimension name, a label, a deleted or retyped
field. ``symdiff solve`` runs it for every key format: the exit status is 2
with one ``symdiff: error:`` line, or 0 with a key; never 3. Every LaTeX key
compiles with pdflatex (all in one document, each again alone if that
fails), the Markdown keys carry no HTML tag or link from the worksheet, and no
key carries a control character.

``SYMDIFF_FUZZ_WORKSHEETS=200`` generates that many worksheets from a random
seed (printed on failure) instead of 25 from a fixed one.
"""

from __future__ import annotations

import copy
import json
import os
import random
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdflatex import compile_latex

import symdiff.worksheet.solve as solving
from symdiff.cli import main
from symdiff.errors import SymdiffError

ROOT = Path(__file__).resolve().parent.parent
SHEETS = sorted((ROOT / "worksheets").glob("*.toml"))
_ASKED = os.environ.get("SYMDIFF_FUZZ_WORKSHEETS", "").strip()
COUNT = int(_ASKED) if _ASKED else 25
SEED = random.randrange(2**32) if _ASKED else 12
FORMATS = ("text", "markdown", "json", "latex")

HOSTILE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<iframe src='javascript:alert(1)'></iframe>",
    "[click](javascript:alert(1))", "<javascript:alert(1)>", "# heading", "- item", "1. item", "a | b | c",
    "**bold** _em_ `code` ~~strike~~ {: onclick=x}", "&lt;script&gt;", "\x1b[31mred\x1b[0m\x1b]0;title\x07",
    "\x9b2J", "$\\left( x$", "$x^$", "$\\frac$", "$$", "$x$ $", "$ $", "$x^2'$", "$x_1_2$", "$\\sqrt[3$",
    "$\\begin{bmatrix} a & b \\end{bmatrix}$", "$a & b \\\\ c$", "${{{{{{x}}}}}}$", "${" * 60 + "x" + "}" * 60 + "$",
    "$\\text{a^b}$", "$\\mathbf\\frac12$", "$x^\\max$", "$\\left( \\right.$", "$\\begin{array}{c} x \\end{array}$",
    "\\input{/etc/passwd}", "\\write18{touch pwned}", "$\\input{/etc/passwd}$", "$\\write18{touch pwned}$",
    "$x^^5cinput$", "\\def\\x{y}", "$\\catcode`\\^=12$", "%", "&", "#", "~", "^", "_", "\\", "{", "}", "\\\\",
    "α β Γ ω", "$\\alpha + α + ϕ$", "аbсdе (Cyrillic)", "$а + b$", "😀 $😀$", "zero\u200bwidth $x\u200b$",
    "bidi \u202eevil\u202c $\u2066x\u2069$", "\x00\x01\x07\x08\x0b\x0c\x7f\x85", "line\n\nbreak", "$a \n\n b$",
    "tab\tand\r\nCRLF", "\u00ad\ufeff\ufffd", "x" * 250_000, "$" + "x+" * 120_000 + "x$",
]
UNICODE_DIMS = ["α", "n\u200b", "д", "😀", "n_1", "N"]


def text_fields(sheet: dict) -> list[tuple[dict, str]]:
    """Every (table, key) of free text: the title and text of the sheet, its groups and questions."""
    fields = [(sheet, "title"), (sheet, "text")]
    for group in sheet["group"]:
        fields += [(group, "title"), (group, "text")]
        fields += [(question, "text") for question in group["question"]]
    return fields


def hostile(rng: random.Random) -> str:
    text = rng.choice(HOSTILE)
    return rng.choice([text, f"Find {text} here.", f"{text} and {rng.choice(HOSTILE)}"])


def mutate(sheet: dict, rng: random.Random) -> None:
    """One random change; most keep the worksheet legal, some do not."""
    group = rng.choice(sheet["group"])
    question = rng.choice(group["question"])
    roll = rng.random()
    if roll < 0.45:
        table, key = rng.choice(text_fields(sheet))
        table[key] = hostile(rng)
    elif roll < 0.55 and isinstance(question.get("options"), list):
        question["options"].insert(rng.randrange(len(question["options"]) + 1),
                                   {"latex": hostile(rng), "unreadable": hostile(rng)})
    elif roll < 0.62 and isinstance(question.get("values"), dict) and question["values"]:
        label = rng.choice(list(question["values"]))
        question["values"][hostile(rng)[:200]] = question["values"].pop(label)
    elif roll < 0.7:
        shapes = group.setdefault("context", {}).setdefault("shapes", {})
        name = rng.choice(list(shapes) or ["x"])
        shapes[name] = [rng.choice(UNICODE_DIMS)] * rng.randint(1, 2)
    elif roll < 0.8 and isinstance(question.get("options"), list) and question["options"]:
        question["options"][rng.randrange(len(question["options"]))] = hostile(rng)
    elif roll < 0.9:
        field = rng.choice([f for f in question if f not in ("id", "kind")] or ["text"])
        question[field] = rng.choice([hostile(rng), 7, [], None, "x"])
        if question[field] is None:
            del question[field]
    else:
        context = group.setdefault("context", {})
        context[rng.choice(["round", "syntax", "at", "definitions"])] = rng.choice([13, -1, "plain", {"x": 1e308}, [hostile(rng)]])


def generate(rng: random.Random) -> dict:
    """A bundled worksheet cut to one group of at most two questions, mutated one to three times."""
    sheet = tomllib.loads(rng.choice(SHEETS).read_text(encoding="utf-8"))
    group = copy.deepcopy(rng.choice(sheet["group"]))
    group["question"] = rng.sample(group["question"], min(len(group["question"]), rng.randint(1, 2)))
    sheet["group"] = [group]
    for _ in range(rng.randint(1, 3)):
        mutate(sheet, rng)
    return sheet


def toml(value, top: bool = True) -> str:
    """``value`` written as TOML (the standard library reads TOML but does not write it)."""
    if top:
        return "".join(f"{toml_key(k)} = {toml(v, False)}\n" for k, v in value.items())
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")  # a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(toml(v, False) for v in value) + "]"
    return "{" + ", ".join(f"{toml_key(k)} = {toml(v, False)}" for k, v in value.items()) + "}"


def toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


@pytest.fixture
def solve_once(monkeypatch):
    """``symdiff solve`` solves each worksheet once for its four formats (solving is deterministic)."""
    solved: dict[str, object] = {}
    real = solving.solve

    def cached(path, progress=None, strict=False):
        text = Path(path).read_bytes()
        key = text.decode("utf-8", "replace") + f"\n# strict={strict}"
        if key not in solved:
            try:
                solved[key] = real(path, progress, strict)
            except SymdiffError as error:
                solved[key] = error
        if isinstance(solved[key], SymdiffError):
            raise solved[key]
        return solved[key]

    monkeypatch.setattr(solving, "solve", cached)


@pytest.mark.slow
def test_mutated_worksheets_give_one_clear_error_or_a_safe_key(tmp_path, solve_once):
    rng = random.Random(SEED)
    runner = CliRunner()
    keys: dict[str, str] = {}
    outcomes = {0: 0, 2: 0}
    for index in range(COUNT):
        sheet = generate(rng)
        path = tmp_path / f"sheet{index}.toml"
        path.write_text(toml(sheet), encoding="utf-8")
        assert tomllib.loads(path.read_text(encoding="utf-8")) == sheet, "the fuzz's TOML writer"
        where = f"seed {SEED}, worksheet {index}: {path.read_text(encoding='utf-8')[:3000]}"
        for fmt in FORMATS:
            result = runner.invoke(main, ["solve", str(path), "--format", fmt])
            assert result.exit_code in (0, 2), f"{where}\nexit {result.exit_code}: {result.output[-3000:]}"
            assert "Traceback" not in result.output, where
            assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", result.output), f"{where}: a control character"
            if result.exit_code == 2:
                assert result.output.startswith("symdiff: error:"), f"{where}\n{result.output}"
                break
            key = result.stdout  # warnings (a choice question without a correct option) go to standard error
            if fmt == "markdown":
                outside_code = re.sub(r"(`+).*?\1", "", key)  # code spans are literal text
                assert not re.search(r"<[a-zA-Z/!?]|(?<!\\)\]\(\s*javascript:", outside_code, re.IGNORECASE), where
            if fmt == "json":
                json.loads(key)
            if fmt == "latex":
                assert not re.search(r"\\(input|write|def|catcode|immediate|csname)(?![a-z])", key), where
                assert "^^" not in key, where
                keys[where] = key
        outcomes[result.exit_code] += 1
    assert outcomes[0] >= COUNT // 4, f"too few worksheets were legal to test the keys: {outcomes}"
    compile_all(keys, tmp_path)
    assert not (tmp_path / "pwned").exists()


def compile_all(keys: dict[str, str], directory: Path) -> None:
    """Every key compiles: in one document (fast), else each alone to name the one that does not."""
    bodies = [key.split("\\begin{document}", 1)[1].rsplit("\\end{document}", 1)[0] for key in keys.values()]
    preamble = next(iter(keys.values())).split("\\begin{document}", 1)[0]
    document = preamble + "\\begin{document}\n" + "\n\\clearpage\n".join(bodies) + "\n\\end{document}\n"
    try:
        compile_latex(document, directory, "all")
    except AssertionError:
        for index, (where, key) in enumerate(keys.items()):
            try:
                compile_latex(key, directory, f"key{index}")
            except AssertionError as error:
                raise AssertionError(f"{where}\n{error}") from None
        raise
