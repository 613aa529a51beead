"""Derivations step by step, as a worksheet's solutions write them.

    ∂y/∂a = ∂y/∂s1 · ∂s1/∂a
          = 1 · r1*s1*(1 - s1)
          = 1 · 2*0.9*(1 - 0.9)
          = 0.18

The first line names every factor along every path from the output to the
variable (the chain rule through the graph); the second gives each local
derivative, in terms of the nodes; with values, the third puts the numbers
in and the last is the value. In matrix form the factors are
vector-Jacobian products, so the lines give each node's upstream gradient
instead. Text, Unicode and a LaTeX ``align*`` block are rendered from the same lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sympy as sp

from ..errors import SymdiffError
from ..export.numbers import format_number, latex_number
from ..export.unicode import unicode_name
from .chain import MAX_PATHS, backward, local, paths
from .graph import Graph
from .printing import to_latex, to_text, to_unicode

if TYPE_CHECKING:
    from .backprop import Backprop  # the numbers, with NumPy: imported when there are numbers


@dataclass(frozen=True)
class Line:
    """One ``= ...`` line of a derivation, in plain text, LaTeX and Unicode (``export.unicode``)."""

    text: str
    latex: str
    unicode: str


@dataclass(frozen=True)
class Derivation:
    """∂output/∂variable as a sequence of equal right-hand sides."""

    output: str
    variable: str
    lhs: Line
    lines: tuple[Line, ...]

    def render_text(self) -> str:
        head = f"{self.lhs.text} = "
        pad = " " * (len(head) - 2)
        return "\n".join((head if i == 0 else pad + "= ") + line.text for i, line in enumerate(self.lines))

    def render_unicode(self) -> str:
        """The lines as ``render_text``, the math in Unicode: ∂y/∂s₁ · ∂s₁/∂a = r₁s₁·(1 - s₁)."""
        head = f"{self.lhs.unicode} = "
        pad = " " * (len(head) - 2)
        return "\n".join((head if i == 0 else pad + "= ") + line.unicode for i, line in enumerate(self.lines))

    def render_latex(self) -> str:
        rows = [(self.lhs.latex if i == 0 else "") + " &= " + line.latex for i, line in enumerate(self.lines)]
        return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"


def _partial(top: str, bottom: str, latex_top: str, latex_bottom: str) -> Line:
    fraction = rf"\frac{{\partial {latex_top}}}{{\partial {latex_bottom}}}"
    return Line(f"∂{top}/∂{bottom}", fraction, f"∂{unicode_name(top)}/∂{unicode_name(bottom)}")


def derivation(
    graph: Graph, value: sp.Basic, output: str, variable: str, numbers: Backprop | None = None
) -> Derivation:
    """The derivation of ∂output/∂variable through ``graph``; with ``numbers``, the values substituted."""
    target = graph.symbols[variable]
    if isinstance(target, sp.MatrixBase) or isinstance(value, sp.MatrixBase):
        raise SymdiffError(
            f"--steps derives one scalar by one scalar; {variable} or {output} has components",
            hint="take a component, e.g. --wrt A11 or --of b1",
        )
    intermediates = frozenset(graph.owner)
    names = _Names(intermediates)
    lhs = _partial(output, variable, names.latex(value), names.latex(target))
    if graph.form == "matrix":
        return Derivation(output, variable, lhs, _without_repeats(lhs, _matrix_lines(graph, value, target, names)))
    found = list(paths(graph, value, target))
    if not found:
        said = f"    ({output} does not depend on {variable})"
        return Derivation(output, variable, lhs, (Line("0" + said, "0", "0" + said),))
    if len(found) > MAX_PATHS:
        raise SymdiffError(
            f"{output} depends on {variable} along more than {MAX_PATHS} paths; too many to list",
            hint="use symdiff backprop for each node's upstream gradient",
        )
    chains = [[(path[i], path[i + 1]) for i in range(len(path) - 1)] for path in found]
    named = [[names.partial(a, b) for a, b in chain] for chain in chains]
    lines = [_sum_of_products(named, " · ", r" \cdot ")]
    factors = [[local(graph, graph.scalar_nodes.get(a, a), sp.S.One, b) for a, b in chain] for chain in chains]
    lines.append(_sum_of_products([[names.line(f) for f in chain] for chain in factors], " · ", r" \cdot ", factors))
    total = backward(graph, value, sp.S.One, target).get(target, sp.S.Zero)
    total_line = names.line(total)
    if total_line.text != lines[-1].text:
        lines.append(total_line)
    if numbers is not None:
        from .backprop import number

        shown_text = {s: format_number(v) for s, v in numbers.values.items()}
        shown_latex = {s: latex_number(text) for s, text in shown_text.items()}
        lines.append(
            _sum_of_products(
                [
                    [
                        Line(
                            to_text(f, intermediates, shown_text),
                            to_latex(f, intermediates, shown_latex, reader=True),
                            to_unicode(f, intermediates, shown_text),
                        )
                        for f in chain
                    ]
                    for chain in factors
                ],
                " · ",
                r" \cdot ",
                [[numbers.values.get(f, f) for f in chain] for chain in factors],  # a negative value, too
            )
        )
        result = format_number(number(total.xreplace(numbers.values), f"∂{output}/∂{variable}"))
        lines.append(Line(result, latex_number(result), result))
    return Derivation(output, variable, lhs, _without_repeats(lhs, lines))


def _without_repeats(lhs: Line, lines: list[Line] | tuple[Line, ...]) -> tuple[Line, ...]:
    """The lines without one that says again what the one before says (``∂f/∂a = ∂f/∂a``, ``(-1) = -1``)."""
    kept: list[Line] = []
    for line in lines:
        before = kept[-1].text if kept else lhs.text
        if line.text.removeprefix("(").removesuffix(")") != before.removeprefix("(").removesuffix(")"):
            kept.append(line)
        elif kept:
            kept[-1] = line  # the same value: keep the later, plainer spelling
    return tuple(kept)


def _sum_of_products(
    terms: list[list[Line]], times: str, latex_times: str, exprs: list[list[sp.Basic]] | None = None
) -> Line:
    """Σ Π factors; a factor that is a sum or negative (per ``exprs``) is bracketed inside a product."""

    def bracket(line: Line, expr: sp.Basic | None) -> Line:
        if expr is not None and (expr.is_Add or expr.could_extract_minus_sign()):
            return Line(f"({line.text})", rf"\left({line.latex}\right)", f"({line.unicode})")
        return line

    shapes = exprs or [[None] * len(factors) for factors in terms]
    products = [
        [bracket(f, e) for f, e in zip(factors, es, strict=False)] if len(factors) > 1 else factors
        for factors, es in zip(terms, shapes, strict=False)
    ]
    return Line(
        " + ".join(times.join(f.text for f in factors) for factors in products),
        " + ".join(latex_times.join(f.latex for f in factors) for factors in products),
        " + ".join(times.join(f.unicode for f in factors) for factors in products),
    )


class _Names:
    """Prints names and expressions of one program."""

    def __init__(self, intermediates: frozenset[sp.Basic]) -> None:
        self.intermediates = intermediates

    def latex(self, symbol: sp.Basic) -> str:
        return to_latex(symbol, self.intermediates, reader=True)

    def partial(self, top: sp.Basic, bottom: sp.Basic) -> Line:
        return _partial(str(top), str(bottom), self.latex(top), self.latex(bottom))

    def line(self, expr: sp.Basic | None) -> Line:
        expr = sp.S.Zero if expr is None else expr
        return Line(
            to_text(expr, self.intermediates),
            to_latex(expr, self.intermediates, reader=True),
            to_unicode(expr, self.intermediates),
        )


def _matrix_lines(graph: Graph, value: sp.Basic, target: sp.Basic, names: _Names) -> tuple[Line, ...]:
    """Matrix form: the chain of named factors, then each node's upstream gradient, then the result."""
    found = list(paths(graph, value, target))
    if not found:
        return (Line("0", "0", "0"),)
    chains = [[names.partial(path[i], path[i + 1]) for i in range(len(path) - 1)] for path in found[:MAX_PATHS]]
    upstream = backward(graph, value, sp.S.One, target)
    notes = []
    for symbol in graph.scalar_nodes:
        if symbol in upstream and symbol != value and any(symbol in path for path in found):
            gradient, named = names.line(upstream[symbol]), names.partial(value, symbol)
            notes.append(
                Line(
                    f"{named.text} = {gradient.text}",
                    f"{named.latex} = {gradient.latex}",
                    f"{named.unicode} = {gradient.unicode}",
                )
            )
    result = names.line(upstream.get(target, sp.S.Zero))
    if notes:
        result = Line(
            result.text + "    (" + "; ".join(n.text for n in notes) + ")",
            # each note on a row of its own, so a long chain does not run off the page
            result.latex + r" \\ &\qquad \text{with } " + r", \\ &\qquad ".join(n.latex for n in notes),
            result.unicode + "    (" + "; ".join(n.unicode for n in notes) + ")",
        )
    return (_sum_of_products(chains, " · ", r" \cdot "), result)
