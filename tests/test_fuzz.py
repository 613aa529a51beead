"""Random text and mangled formulas into both parsers and the model: symdiff's own error or a formula.

Whatever the text, reading it either succeeds or raises a ``SymdiffError``
subclass with a message; a ``ParseError`` also says where (a span inside the
text). Texts are random strings over the characters formulas are made of, and
formulas of the test corpus (plain and LaTeX) with random edits.
"""

import re
import tomllib
from pathlib import Path

import pytest
from budget import budget
from corpus import DERIVATIVES
from hypothesis import given
from hypothesis import strategies as st

import symdiff
from symdiff.errors import ParseError
from symdiff.model import Formula, formula
from symdiff.parse import ast, parse, parse_latex

ALPHABET = "Axyb0123.+-*/^@()[],'T_ enorm"
LATEX_ALPHABET = "\\{}^_&|AxXy0129.+-*/()[],' \n" + "fracmathbf|leftright"

SEEDS = Path(__file__).parent / "data" / "seed_latex.toml"
PLAIN_CORPUS = sorted({expr for expr, _, _ in DERIVATIVES})
PLAIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
LATEX_CORPUS = sorted({entry["latex"] for entries in tomllib.loads(SEEDS.read_text()).values() for entry in entries})


@st.composite
def mutations(draw, corpus: list[str], alphabet: str) -> str:
    """A corpus formula with a few random deletions, insertions, duplications and swaps."""
    text = draw(st.sampled_from(corpus))
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 8)))
        edit = draw(st.sampled_from(["delete", "insert", "duplicate", "swap"]))
        if edit == "delete":
            text = text[:i] + text[j:]
        elif edit == "insert":
            text = text[:i] + draw(st.text(alphabet=alphabet, min_size=1, max_size=4)) + text[i:]
        elif edit == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        else:
            text = text[i:j] + text[:i] + text[j:]
    return text


def well_formed(read: object, text: str) -> None:
    """What a successful read returns: a tree whose nodes point inside the text, each plain name
    spelled there as written, every letter of a LaTeX name written at its place; a formula whose
    variables are names of that tree, each a scalar, vector or matrix."""
    if isinstance(read, Formula):
        names = {node.id for node in read.tree.walk() if isinstance(node, ast.Name)}
        assert set(read.variables) <= names, (set(read.variables), names)
        assert all(len(shape) in (0, 2) for shape in read.variables.values()), read.variables
        return
    assert isinstance(read, ast.Node)
    for node in read.walk():
        span = getattr(node, "span", ast.NO_SPAN)
        assert 0 <= span[0] <= span[1] <= len(text), (node, span)
        if isinstance(node, ast.Name) and span != ast.NO_SPAN:
            written = text[span[0] : span[1]]
            if PLAIN_NAME.fullmatch(text[span[0] : span[1]] or " "):
                assert written == node.id, (written, node.id)
            else:
                assert node.id.replace("_", "")[0] in written, (written, node.id)


def reads_or_refuses(read, text: str) -> None:
    """``read(text)`` returns something well formed, or raises symdiff's own error, with a span
    inside the text if it is a parse error."""
    try:
        well_formed(read(text), text)
    except symdiff.SymdiffError as exc:
        assert exc.message and exc.render().strip()
        if isinstance(exc, ParseError):
            assert exc.span is not None, exc.message
            assert 0 <= exc.span[0] <= exc.span[1] <= len(text) + 1, (exc.span, len(text))


@budget()
@given(st.text(alphabet=ALPHABET, max_size=30))
def test_random_text_parses_or_fails_cleanly(text):
    reads_or_refuses(parse, text)


@budget()
@given(st.one_of(mutations(PLAIN_CORPUS, ALPHABET), st.text(alphabet=ALPHABET, max_size=40)))
def test_mangled_plain_formulas_are_read_or_refused(text):
    reads_or_refuses(parse, text)
    reads_or_refuses(formula, text)


@budget()
@given(st.one_of(mutations(LATEX_CORPUS, LATEX_ALPHABET), st.text(alphabet=LATEX_ALPHABET, max_size=40)))
def test_mangled_latex_formulas_are_read_or_refused(text):
    reads_or_refuses(parse_latex, text)
    reads_or_refuses(lambda t: formula(t, syntax="latex"), text)


@budget(1 / 3)
@given(st.text(max_size=40))
def test_any_unicode_is_read_or_refused(text):
    reads_or_refuses(lambda t: formula(t, syntax="plain"), text)
    reads_or_refuses(lambda t: formula(t, syntax="latex"), text)


def test_a_misread_name_is_not_well_formed():
    """The check on successful reads is not vacuous: a name read from the wrong place fails it."""
    well_formed(parse("x + y"), "x + y")
    with pytest.raises(AssertionError):
        well_formed(ast.Binary("+", ast.Name("x", span=(0, 1)), ast.Name("z", span=(4, 5)), span=(0, 5)), "x + y")
    with pytest.raises(AssertionError):
        well_formed(ast.Name("x", span=(0, 9)), "x")
