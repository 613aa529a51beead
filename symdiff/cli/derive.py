"""``symdiff derive``: a derivative of a formula, printed as text, LaTeX or JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..errors import SymdiffError
from .app import shapes_option
from .options import (
    CODE_FORMATS,
    echo_result,
    format_option,
    input_option,
    sample_option,
    samples_option,
    shape_option,
    wrt_option,
)
from .programs import derive_program, program_derive_options, read_source

if TYPE_CHECKING:
    from ..derive.conventions import Layout
    from ..model import Syntax


@click.command()
@click.argument("formula")
@wrt_option(
    "Variable or component to differentiate by; repeat to differentiate again "
    "(--wrt x --wrt x: Hessian); "
    "A11,A12 gives the tuple of those partials."
)
@shape_option("Declare a shape: A=n,d (matrix), x=d (vector), lam=scalar. Integer dims give component form.")
@format_option("text", "latex", "json", *CODE_FORMATS)
@input_option("FORMULA")
@click.option(
    "--layout",
    type=click.Choice(["numerator", "denominator"]),
    default=None,
    help="Numerator: the derivative of a scalar by x or X is transposed (a row for x). Denominator: "
    "Jacobians and derivatives by a scalar are transposed. Default: a gradient has the variable's "
    "shape, J[i, j] = df_i/dx_j.",
)
@click.option(
    "--symmetric",
    "symmetric",
    multiple=True,
    metavar="X",
    help="Declare the square matrix X symmetric: X.T is X, the gradient by X is (G + G.T)/2, "
    "and X12 is X21 (--wrt X12 moves both).",
)
@click.option(
    "--macro",
    "macros",
    multiple=True,
    metavar="\\NAME=BODY",
    help="A LaTeX shorthand the formula uses, as \\newcommand defines it: --macro '\\x=\\mathbf{x}'.",
)
@samples_option()
@program_derive_options
def derive(
    formula: str,
    wrt: tuple[str, ...],
    shape_specs: tuple[str, ...],
    fmt: str,
    syntax: Syntax,
    layout: Layout | None,
    symmetric: tuple[str, ...],
    macros: tuple[str, ...] = (),
    sample_specs: tuple[str, ...] = (),
    **program,
) -> None:
    """Differentiate FORMULA: a formula, a program of definitions, or @FILE.

    \b
    Symbolic dims give the matrix form, concrete dims the components:
      symdiff derive "0.5*norm(A*x)**2" --wrt A          ->  A*x*x.T
      symdiff derive "0.5*norm(A*x)**2" --wrt A11 --shape A=2,2 --shape x=2
                                                          ->  x1*(A11*x1 + A12*x2)
    --format numpy (jax, torch) prints a Python function computing the value and
    the derivative together, with a finite-difference check_gradient for gradients.
    LaTeX as worksheets print it (single quotes keep the backslashes):
      symdiff derive '\\frac{1}{2}\\|\\mathbf{Ax}\\|^2' --wrt x   ->  A.T*A*x
    Programs: definitions separated by ';' or new lines, the last one the output;
    derivatives are in terms of the intermediates, by the chain rule:
      symdiff derive "b = A*x; f = 0.5*norm(b)**2" --wrt A  ->  b*x.T
      ... --expand                                          ->  A*x*x.T
    """
    from ..parse.macros import definitions
    from ..result import derive as derive_result

    if fmt in CODE_FORMATS and program.get("steps"):
        raise SymdiffError(f"--steps prints the chain rule step by step, not {fmt} code", hint="drop --steps")
    shapes = shapes_option(shape_specs)
    formula = read_source(formula)
    text = definitions(macros) + formula  # expanded by the LaTeX reader, as \newcommand lines first would be
    conventions = {"layout": layout, "symmetric": symmetric}
    samples = sample_option(sample_specs)
    definitions_possible = "=" in text or any(value not in (None, False) for value in program.values())
    if definitions_possible and derive_program(text, wrt, shapes, syntax, fmt, conventions, samples=samples, **program):
        return  # a program (or a formula with a program's options): else one formula, without the program reader
    result = derive_result(text, wrt, shapes, syntax=syntax, layout=layout, symmetric=symmetric, samples=samples)
    echo_result(result, fmt, lambda: {"input": formula, "wrt": list(wrt), "shape": list(result.shape)})
