"""``symdiff graph``: a program's computation graph as SVG, PNG, PDF or Graphviz source."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .app import shapes_option
from .options import input_option, round_option, shape_option
from .programs import of_option, read_source

if TYPE_CHECKING:
    from ..model import Syntax


@click.command()
@click.argument("program_text", metavar="PROGRAM")
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="FILE",
    help="The picture to write: .svg, .png, .pdf, or .dot for Graphviz's source.",
)
@click.option(
    "--at", "at", metavar="VALUES", help='Input values: "x1=1, x2=-1, a=1"; each node then shows value and gradient.'
)
@click.option(
    "--wrt", "wrt", multiple=True, metavar="NAMES", help="Weights to draw on the edges, comma-separated (a,b,c)."
)
@round_option()
@of_option
@shape_option()
@input_option("PROGRAM")
def graph(
    program_text: str,
    output: str,
    at: str | None,
    wrt: tuple[str, ...],
    rounding: int | None,
    of: str | None,
    shape_specs: tuple[str, ...],
    syntax: Syntax,  # one of the click.Choice values
) -> None:
    """Draw PROGRAM's computation graph to FILE (-o).

    PROGRAM is definitions 'b = A*x; f = 0.5*norm(b)**2' (or @FILE). Nodes are
    the inputs, intermediates and output in math notation; a weight that
    multiplies a value into a node is drawn on the edge. With --at, each node
    shows its forward value above (green) and its gradient below (red).
    Matrix programs draw one node per array operation, with its shape.
    Rendering needs Graphviz's dot; without it the .dot source is written.

    \b
      symdiff graph "r1 = max(c*x1 + e*x2, 0); s1 = sigmoid(a*r1)" \\
          --at "x1=1, x2=-1, a=1, c=4, e=2" -o graph.svg
    """
    from ..pictures import DotMissing
    from ..pictures.picture import suffix_format
    from ..program import Program
    from ..writing import check_target

    suffix_format(output)
    check_target(output)
    program = Program(read_source(program_text), shapes_option(shape_specs), syntax, of)
    picture = program.graph(at, list(wrt) or None, rounding)
    try:
        written = picture.save(output)
    except DotMissing as missing:
        click.echo(f"symdiff: note: {missing.render()}", err=True)
        return
    click.echo(f"wrote {written}", err=True)
