"""Printing a forward and backward pass: the tables of ``symdiff backprop``.

Text lists every node's value, each node's upstream gradient and the
requested partials, and says whether values were rounded and where a kink
was met; LaTeX gives the same as ``align*`` blocks. JSON is
``Backprop.to_json()``.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..export.latex import to_latex as expr_latex
from ..export.numbers import SHOWN_DIGITS, format_number, latex_number
from .backprop import Backprop, format_value


def _latex_name(name: str) -> str:
    return expr_latex(sp.Symbol(name))


def _latex_value(value: object) -> str:
    if isinstance(value, np.ndarray) and value.ndim:
        value = sp.ImmutableMatrix(value)
    if isinstance(value, sp.MatrixBase):
        rows = [" & ".join(latex_number(format_number(entry)) for entry in value.row(i)) for i in range(value.rows)]
        return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"
    return latex_number(format_number(value))


def _mode_line(result: Backprop) -> str:
    if result.rounding is None:
        return f"values: exact (no rounding); shown to {SHOWN_DIGITS} significant digits"
    return f"values: {result.mode}"


def render_text(result: Backprop) -> str:
    width = max(len(name) for name in [*result.forward, *result.gradients, *result.inputs]) + 4
    out = [_mode_line(result), "", "forward"]

    def partial(name: str) -> str:
        return f"∂{result.output}/∂{name}"

    out += [f"  {name:<{width}} = {format_value(value)}" for name, value in result.forward.items()]
    out += ["", f"backward (upstream gradient ∂{result.output}/∂node)"]
    out += [f"  {partial(name):<{width + 4}} = {format_value(v)}" for name, v in result.upstream.items()]
    out += ["", "gradients"]
    out += [f"  {partial(name):<{width + 4}} = {format_value(v)}" for name, v in result.gradients.items()]
    out += ["", "kinks: " + ("none" if not result.kinks else "")]
    out += [f"  {kink.note}" for kink in result.kinks]
    return "\n".join(out).replace("kinks: \n", "kinks:\n")


def render_latex(result: Backprop) -> str:
    def block(rows: list[str]) -> str:
        return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"

    out = "% " + _mode_line(result) + "\n% forward pass\n"
    out += block([f"{_latex_name(name)} &= {_latex_value(value)}" for name, value in result.forward.items()])
    top = _latex_name(result.output)
    partial = lambda name: rf"\frac{{\partial {top}}}{{\partial {_latex_name(name)}}}"  # noqa: E731
    out += "\n% backward pass: upstream gradients, then the requested partials\n"
    out += block(
        [f"{partial(name)} &= {_latex_value(v)}" for name, v in result.upstream.items()]
        + [f"{partial(name)} &= {_latex_value(v)}" for name, v in result.gradients.items()]
    )
    if result.kinks:
        out += "\n" + "\n".join(f"% kink: {kink.note}" for kink in result.kinks)
    return out
