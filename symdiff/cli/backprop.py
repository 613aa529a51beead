"""``symdiff backprop``: a program's forward and backward pass with numbers."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from ..errors import SymdiffError
from .app import shapes_option
from .options import CODE_FORMATS, format_option, input_option, round_option, shape_option
from .programs import of_option, read_source, render_steps

if TYPE_CHECKING:
    from ..model import Syntax


@click.command()
@click.argument("program_text", metavar="PROGRAM")
@click.option(
    "--at",
    "at",
    metavar="VALUES",
    help='Input values: "x1=1, x2=-1, a=1" (arrays as x=[1, -1], A=[[1, 2], [3, 4]]); '
    "not with --format numpy|jax|torch, whose function takes them as arguments.",
)
@click.option(
    "--wrt",
    "wrt",
    multiple=True,
    metavar="NAMES",
    help="Partials to report, comma-separated (a,b,c); default: every input.",
)
@round_option()
@click.option("--steps", is_flag=True, help="Also print each requested partial's derivation with the numbers.")
@of_option
@shape_option()
@format_option("text", "latex", "json", *CODE_FORMATS)
@input_option("PROGRAM")
def backprop(
    program_text: str,
    at: str | None,
    wrt: tuple[str, ...],
    rounding: int | None,
    steps: bool,
    of: str | None,
    shape_specs: tuple[str, ...],
    fmt: str,
    syntax: Syntax,  # one of the click.Choice values
) -> None:
    """Run PROGRAM forward at --at, then backward: every node's value and gradient.

    PROGRAM is definitions 'b = A*x; f = 0.5*norm(b)**2' (separated by ';' or
    new lines), or @FILE to read them from a file.

    \b
    The worksheet's network (Q2b), rounded as the worksheet does:
      symdiff backprop "r1 = max(c*x1 + e*x2, 0); r2 = max(d*x1 + f*x2, 0);
                        s1 = 1/(1 + exp(-a*r1)); s2 = 1/(1 + exp(-b*r2)); y = s1 + s2" \\
          --at "x1=1, x2=-1, a=1, b=1, c=4, d=1, e=2, f=2" --wrt a,b,c,d,e,f --round 1
    gives dy/da = 0.18, dy/dc = 0.09, dy/de = -0.09 and 0 for the rest.
    --format numpy (jax, torch) prints the backprop as a Python function instead:
    f_and_grads(<inputs>) runs the definitions and returns the value and the
    gradients by --wrt as a dict, with a finite-difference check_gradient.
    Kinks follow PyTorch and JAX: relu'(0) = 0, and at a tie max passes the
    gradient to its second argument; nodes evaluated at a kink are listed.
    """
    from ..program import Program
    from ..program.tables import render_latex, render_text

    program = Program(read_source(program_text), shapes_option(shape_specs), syntax, of)
    names = list(wrt) or None
    if fmt in CODE_FORMATS:
        given = [option for option, value in (("--at", at), ("--round", rounding), ("--steps", steps)) if value]
        if given:
            raise SymdiffError(
                f"{', '.join(given)}: not with --format {fmt}, which prints the backprop as a function",
                hint="the function takes the input values as its arguments; drop " + ", ".join(given),
            )
        click.echo(program.code(fmt, names), nl=False)
        return
    if at is None:
        raise click.UsageError("Missing option '--at' (the input values; or --format numpy|jax|torch for code).")
    result = program.backprop(at, names, round=rounding)
    if fmt == "json":
        payload = result.to_json()
        if steps:
            payload["steps"] = json.loads(render_steps(program.steps(list(result.gradients), at, rounding), "json"))
        click.echo(json.dumps(payload, indent=2, allow_nan=False))
        return
    click.echo(render_text(result) if fmt == "text" else render_latex(result))
    if steps:
        click.echo("")
        click.echo(render_steps(program.steps(list(result.gradients), at, rounding), fmt))
