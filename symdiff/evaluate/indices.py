"""Evaluating the index form (``model.index_form``) by loops over its indices.

The index form of a partial is derived from the matrix form; evaluating it
independently, entry by entry, is what lets the tests check the two agree.
Index symbols are bound in the environment to 0-based positions.
"""

from __future__ import annotations

import numpy as np

from ..model.index_form import FreeIndices, IndexedEntry, IndexedSum


class IndexLoops:
    """NumPyCompiler methods for index-form nodes; a compiled node is a function of the environment."""

    def _print_IndexedEntry(self, expr: IndexedEntry):
        array = self._print(expr.array)  # type: ignore[attr-defined]
        row, col = (self._print(slot) for slot in expr.args[1:])  # type: ignore[attr-defined]
        rows, cols = (self._print(dim) for dim in expr.array.shape)  # type: ignore[attr-defined]

        def entry(env) -> float:  # a vector may be bound as 1-D
            values = np.asarray(array(env)).reshape(int(rows(env)), int(cols(env)))
            return float(values[int(row(env)), int(col(env))])

        return entry

    def _print_IndexedSum(self, expr: IndexedSum):
        body, dim, index = self._print(expr.body), self._print(expr.dim), expr.index  # type: ignore[attr-defined]
        return lambda env: sum(body({**env, index: k}) for k in range(int(dim(env))))

    def _print_FreeIndices(self, expr: FreeIndices):
        form = self._print(expr.form)  # type: ignore[attr-defined]
        dims = [self._print(dim) for dim in expr.dims]  # type: ignore[attr-defined]
        indices = expr.indices

        def evaluate(env):
            sizes = [int(dim(env)) for dim in dims]
            values = np.zeros(sizes)
            for position in np.ndindex(*sizes):
                values[position] = form({**env, **dict(zip(indices, position, strict=True))})
            return values.reshape(sizes[0], 1) if len(sizes) == 1 else values

        return evaluate
