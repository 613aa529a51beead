"""Every derivative the tests check, in one place, for tests that run over all of them.

The printers' round trips (text and LaTeX must read back to an equal
expression) take their cases from here rather than from copies.
"""

from test_derive import EXPLICIT, MATRIX_FORM
from test_export import CORPUS

DERIVATIVES: list[tuple] = []
"""(formula, wrt, shapes): the matrix-form table, the printers' corpus and the explicit forms, each once."""
for expr, wrt, shapes, *_ in [*MATRIX_FORM, *CORPUS, *EXPLICIT]:
    if (expr, wrt, shapes) not in DERIVATIVES:
        DERIVATIVES.append((expr, wrt, shapes))
