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

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sympy as sp

from ..derive import plain
from ..derive.indices import entry_target, in_index_form, index_steps
from ..errors import SymdiffError
from ..export.numbers import format_number, latex_number
from ..export.unicode import unicode_name
from ..model import Formula
from ..model.build import Builder
from ..model.index_form import FreeIndices
from ..model.index_terms import whole_index_form
from ..parse import ast
from .chain import MAX_PATHS, backward, local, paths
from .graph import Graph
from .printing import to_latex, to_text, to_unicode

if TYPE_CHECKING:
    from ..result import Result
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


# --- index sums: the bookkeeping of a course ----------------------------------------------------

INDEX_NOTES = (
    ("the sums pulled out", r"\text{the sums pulled out}"),
    ("the partial of each summand, with Kronecker deltas", r"\text{the partial of each summand}"),
    ("each delta resolved: the sum over its index collapses", r"\text{each delta resolved}"),
    ("the matrix form", r"\text{the matrix form}"),
)
"""What each line of an index-sum derivation does, in text and LaTeX."""


def index_derivation(
    graph: Graph, text: str, tree: ast.Node, output: str, name: str, matrix: Callable[[str], Result]
) -> Derivation | None:
    """∂output/∂w_k of a definition written with index sums, as a course writes it: the sums pulled out,
    the partial of each summand with its Kronecker deltas, the deltas resolved, the matrix form (from
    ``matrix``, the program's derivative by a name) where there is one. None where this does not apply:
    no index sum, an intermediate inside it, or an index form that cannot be read."""
    entry = entry_target(name)
    base, slots = (name, None) if entry is None else entry
    names = {node.id for node in tree.walk() if isinstance(node, ast.Name)}
    target = graph.symbols.get(base)
    if not isinstance(target, sp.MatrixSymbol | sp.Symbol) or not names <= set(graph.inputs) | graph.typing.sizes | {
        "pi"
    }:
        return None
    builder = Builder(text, graph.symbols, graph.typing.sizes, graph.typing.inferred)
    value = whole_index_form(text, tree, builder)
    if value is None:
        return None
    steps = index_steps(value, target, plain(Formula(text, tree, graph.typing, graph.symbols, value)), slots)
    lines = [steps.pulled, steps.deltas, steps.answer]
    rendered = [Line(to_text(line), to_latex(line), to_unicode(line)) for line in lines]
    whole = matrix(base)
    if isinstance(steps.answer, FreeIndices) and not in_index_form(whole.sympy):
        indices = [str(index) for index in steps.answer.indices]
        rendered.append(
            Line(
                f"({whole.text})[{', '.join(indices)}]",
                rf"\left({whole.latex}\right)_{{{''.join(indices)}}}",
                f"({whole.unicode})[{', '.join(indices)}]",
            )
        )
    elif not in_index_form(whole.sympy):
        rendered.append(Line(whole.text, whole.latex, whole.unicode))
    notes = list(INDEX_NOTES)
    if not steps.deltas.has(sp.KroneckerDelta):  # by a scalar: no deltas to resolve
        notes[1:3] = [("the partial of each summand", r"\text{the partial of each summand}"), ("", "")]
    noted = [
        Line(
            f"{line.text}    ({note})" if note else line.text,
            rf"{line.latex} && {latex_note}",
            f"{line.unicode}    ({note})" if note else line.unicode,
        )
        for line, (note, latex_note) in zip(rendered, notes, strict=False)
    ]
    lhs = Line(
        f"∂{output}/∂{to_text(steps.entry)}",
        rf"\frac{{\partial {output}}}{{\partial {to_latex(steps.entry)}}}",
        f"∂{unicode_name(output)}/∂{to_unicode(steps.entry)}",
    )
    return Derivation(output, name, lhs, _without_repeats(lhs, noted))
