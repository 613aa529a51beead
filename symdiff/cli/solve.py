"""``symdiff solve``: a worksheet's answer key as text, Markdown, JSON or LaTeX."""

from __future__ import annotations

import sys

import click

from ..clean import printable

KEY_FORMATS = click.Choice(["text", "markdown", "json", "latex"])


@click.command()
@click.argument("worksheet", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=KEY_FORMATS, default="text", show_default=True, help="Format of the key.")
@click.option(
    "-o",
    "--output",
    default=None,
    metavar="FILE",
    help="Write the key to this file (whole or not at all; an existing file keeps its mode, a symlink "
    "is written through) instead of standard output.",
)
@click.option(
    "--strict",
    is_flag=True,
    default=False,
    help="A choice question with no correct option is an error (exit status 2), not a warning.",
)
def solve(worksheet: str, fmt: str, output: str | None, strict: bool) -> None:
    """Solve WORKSHEET (a .toml file) and print its answer key.

    \b
    Every answer is derived, checked numerically, and each option of a
    multiple-choice question gets a verdict and a reason:
      symdiff solve worksheets/backprop.toml
      symdiff solve worksheets/backprop.toml --format latex -o answers.tex
    """
    from ..worksheet.keys import print_key
    from ..worksheet.keys.figures import write_figures
    from ..worksheet.solve import solve as solve_file
    from ..writing import check_target, write_atomically

    if output is not None:
        check_target(output, protect=[worksheet])  # before the work, and again when writing
    show = sys.stderr.isatty()
    key = solve_file(
        worksheet,
        progress=lambda qid: click.echo(f"\rsolving {qid} ...   ", err=True, nl=False) if show else None,
        strict=strict,
    )
    if show:
        click.echo("\r" + " " * 30 + "\r", err=True, nl=False)
    for warning in key.warnings:
        click.echo("symdiff: warning: " + printable(warning), err=True)
    if output is None:
        click.echo(print_key(key, fmt), nl=False)
    else:
        figures = write_figures(key, output, fmt, note=lambda said: click.echo(printable(said), err=True))
        write_atomically(output, print_key(key, fmt, figures), protect=[worksheet])
        click.echo(f"wrote {output}", err=True)
