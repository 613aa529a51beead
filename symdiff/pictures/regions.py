"""A blanks question drawn: the labelled points, and where each solution's f ≥ 0.

One panel per valid function (the seed's plots show one function each): the
region f ≥ 0 shaded, the boundary f = 0 drawn, the points labelled × (f ≥ 0
wanted) and • (f < 0 wanted) on top. With no valid function, one panel shows
the points alone, titled "No valid combination".
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import sympy as sp

from ..check.blanks import BlanksResult
from ..errors import SymdiffError
from ..evaluate.numpy import compile_expr
from ..export.unicode import unicode_name
from ..program.printing import to_unicode
from .picture import Plot, _extra

GRID = 400
"""Samples along each axis for the shaded region and its boundary."""
MARGIN = 1.0
"""Room around the points, in the units of the axes."""
SHADE = "#c6dbef"
BOUNDARY = "#08519c"


def plot_blanks(result: BlanksResult) -> Plot:
    """The decision regions of every valid function of ``result`` (two variables), with the labelled points."""
    if len(result.variables) != 2:
        raise SymdiffError(
            f"a plot needs two variables; this question has {len(result.variables)}",
            hint="plot questions in x1, x2",
        )
    _extra("matplotlib")
    from matplotlib.figure import Figure

    positive = np.array(result.positive, dtype=float).reshape(-1, 2)
    negative = np.array(result.negative, dtype=float).reshape(-1, 2)
    points = np.vstack([positive, negative])
    low, high = points.min(axis=0) - MARGIN, points.max(axis=0) + MARGIN
    grid = list(np.meshgrid(np.linspace(low[0], high[0], GRID), np.linspace(low[1], high[1], GRID)))
    groups = result.functions or ((),)
    figure = Figure(figsize=(3.4 * len(groups), 3.6), layout="constrained")
    axes = figure.subplots(1, len(groups), squeeze=False)[0]
    names = [unicode_name(v) for v in result.variables]
    for ax, group in zip(axes, groups):
        if group:
            values = _on_grid(group[0].expr, result.variables, grid)
            ax.contourf(*grid, values >= 0, levels=[0.5, 1.5], colors=[SHADE])
            ax.contour(*grid, values, levels=[0], colors=[BOUNDARY], linewidths=1.5)
            ax.set_title(_wrapped("f = " + to_unicode(group[0].expr)), fontsize=9)
        else:
            ax.set_title("No valid combination", fontsize=9)
        ax.scatter(positive[:, 0], positive[:, 1], marker="x", color="black", s=40, label="× (f ≥ 0)")
        ax.scatter(negative[:, 0], negative[:, 1], marker="o", color="black", s=22, label="• (f < 0)")
        ax.set_xlim(low[0], high[0])
        ax.set_ylim(low[1], high[1])
        ax.set_aspect("equal")
        ax.set_xlabel(names[0])
        ax.set_ylabel(names[1])
        ax.grid(True, linewidth=0.3, alpha=0.5)
    return Plot(figure)


def _on_grid(expr: sp.Basic, variables: Sequence[str], grid: list[np.ndarray]) -> np.ndarray:
    symbols = {str(s): s for s in expr.free_symbols}
    env: dict[sp.Basic, object] = {symbols[name]: grid[i] for i, name in enumerate(variables) if name in symbols}
    with np.errstate(all="ignore"):
        values = np.broadcast_to(np.asarray(compile_expr(expr)(env), dtype=np.float64), grid[0].shape)
    return np.nan_to_num(values, nan=-1.0)


def _wrapped(title: str, width: int = 34) -> str:
    """A long title over lines, broken at spaces."""
    lines: list[str] = []
    for word in title.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)
