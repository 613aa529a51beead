"""Random text and mangled formulas into both parsers and the model: symdiff's own error or a formula.

Whatever the text, reading it either succeeds or raises a ``SymdiffError``
subclass with a message; a ``ParseError`` also says where (a span inside the
text). Texts are random strings over the characters formulas are made of, and
formulas of the test corpus (plain and LaTeX) with random edits.
"""

import tomllib
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import symdiff
from budget import budget
from corpus import DERIVATIVES
from symdiff.errors import ParseError
from symdiff.model import formula
from symdiff.parse import parse, parse_latex

ALPHABET = "Axyb0123.+-*/^@()[],'T_ enorm"
LATEX_ALPHABET = "\\{}^_&|AxXy0129.+-*/()[],' \n" + "fracmathbf|leftright"

SEEDS = Path(__file__).parent / "data" / "seed_latex.toml"
PLAIN_CORPUS = sorted({expr for expr, _, _ in DERIVATIVES})
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


def reads_or_refuses(read, text: str) -> None:
    """``read(text)`` returns, or raises symdiff's own error, with a span inside the text if it is a parse error."""
    try:
        read(text)
    except symdiff.SymdiffError as exc:
        assert exc.message and exc.render().strip()
        if isinstance(exc, ParseError):
            assert exc.span is not None, exc.message
            assert 0 <= exc.span[0] <= exc.span[1] <= len(text) + 1, (exc.span, len(text))


@budget()
@given(st.text(alphabet=ALPHABET, max_size=30))
def test_random_text_parses_or_fails_cleanly(text):
    reads_or_refuses(symdiff.parse, text)


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
