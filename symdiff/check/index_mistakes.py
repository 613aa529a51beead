"""Reasons for wrong options that are index mistakes: a sum's 1/n lost or doubled.

A mean over n samples written without its 1/n (or with one too many) differs
from the answer by a factor that is a size, not a constant: n times the answer
at every point, whatever n the point was drawn with. ``explain`` holds the
other rules; this one is in its table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model.build import dim_symbol
from .values import agree

if TYPE_CHECKING:
    from .explain import Case


def size_factor(case: Case) -> str | None:
    """n times the answer, or the answer over n, at points drawn with different sizes n."""
    samples = case.samples
    if not samples.points or any(a.shape != o.shape for a, o in zip(samples.answer, samples.option, strict=True)):
        return None
    dims = sorted({d for shape in case.option.variables.values() for d in shape if isinstance(d, str)})
    for dim in dims:
        sizes = [float(point.env[dim_symbol(dim)]) for point in samples.points]  # type: ignore[arg-type]
        if len(set(sizes)) < 2:
            continue
        for power, reason in ((1, f"it is {dim} times the answer: a 1/{dim} is missing"),
                              (-1, f"it is the answer divided by {dim}: a 1/{dim} too many")):  # fmt: skip
            pairs = zip(samples.answer, samples.option, sizes, strict=True)
            if all(agree(option, size**power * answer) for answer, option, size in pairs):
                return reason
    return None
