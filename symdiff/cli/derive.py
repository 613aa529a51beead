"""``symdiff derive``: a derivative of a formula, printed as text, LaTeX or JSON."""

from __future__ import annotations

import json

import click

from .app import FORMATS, shapes_option, main


@main.command()
@click.argument("formula")
@click.option("--wrt", "wrt", multiple=True, required=True, metavar="NAME",
              help="Variable or component to differentiate by; repeat to differentiate again (--wrt x --wrt x: Hessian).")
@click.option("--shape", "shape_specs", multiple=True, metavar="NAME=DIMS",
              help="Declare a shape: A=n,d (matrix), x=d (vector), lam=scalar. Integer dims give component form.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True, help="Output format.")
def derive(formula: str, wrt: tuple[str, ...], shape_specs: tuple[str, ...], fmt: str) -> None:
    """Differentiate FORMULA.

    \b
    Symbolic dims give the matrix form, concrete dims the components:
      symdiff derive "0.5*norm(A*x)**2" --wrt A          ->  A*x*x.T
      symdiff derive "0.5*norm(A*x)**2" --wrt A11 --shape A=2,2 --shape x=2
                                                          ->  x1*(A11*x1 + A12*x2)
    """
    from ..api import derive as derive_api

    shapes = shapes_option(shape_specs)
    result = derive_api(formula, wrt, shapes)
    if fmt == "text":
        click.echo(result.text)
    elif fmt == "latex":
        click.echo(result.latex)
    else:
        payload = {
            "input": formula,
            "wrt": list(wrt),
            "shape": list(result.shape),
            "text": result.text,
            "latex": result.latex,
        }
        click.echo(json.dumps(payload, indent=2))
