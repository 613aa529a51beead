"""Random text into the parser: always a formula or symdiff's own error, never a crash."""

from hypothesis import given, settings
from hypothesis import strategies as st

import symdiff

ALPHABET = "Axyb0123.+-*/^@()[],'T_ enorm"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=30))
def test_random_text_parses_or_fails_cleanly(text):
    try:
        symdiff.parse(text)
    except symdiff.SymdiffError as exc:
        assert exc.message
        assert exc.render().strip()
