"""``symdiff export``: a worksheet as PrairieLearn questions, a Moodle quiz or a Gradescope autograder."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..clean import printable
from ..errors import SymdiffError

OUTPUT = click.option("-o", "--output", required=True, metavar="PATH", help="Where to write the export.")


@click.group()
def export() -> None:
    """Export a worksheet to a course's grading system.

    \b
      symdiff export prairielearn worksheets/backprop.toml -o questions/
      symdiff export moodle worksheets/backprop.toml -o quiz.xml
      symdiff export gradescope worksheets/backprop.toml -o autograder.zip
    """


def _solved(worksheet: str):
    from ..worksheet.load import load
    from ..worksheet.solve import solve_worksheet

    loaded, source = load(worksheet)
    return loaded, solve_worksheet(loaded, source)


def _report(lines: list[str]) -> None:
    for line in lines:
        click.echo(printable(line), err=True)


@export.command()
@click.argument("worksheet", type=click.Path(dir_okay=False))
@OUTPUT
def prairielearn(worksheet: str, output: str) -> None:
    """One PrairieLearn question folder per question of WORKSHEET, in the folder PATH."""
    from ..deploy.prairielearn import export as to_prairielearn
    from ..writing import check_target, write_atomically

    folder = Path(output)
    if folder.exists() and not folder.is_dir():
        raise SymdiffError(f"{output}: not a folder", hint="give the course's questions/ folder, or a new one")
    loaded, key = _solved(worksheet)
    exported = to_prairielearn(loaded, key)
    for name in exported.files:
        if (folder / name).parent.exists():
            check_target(folder / name, protect=[worksheet])
    for name, text in exported.files.items():
        os.makedirs((folder / name).parent, exist_ok=True)
        write_atomically(folder / name, text, protect=[worksheet])
    _report(exported.report)
    click.echo(f"wrote {len(exported.files) // 2} questions in {output}", err=True)


@export.command()
@click.argument("worksheet", type=click.Path(dir_okay=False))
@OUTPUT
def moodle(worksheet: str, output: str) -> None:
    """WORKSHEET as a Moodle XML quiz in the file PATH."""
    from ..deploy.moodle import export as to_moodle
    from ..writing import check_target, write_atomically

    check_target(output, protect=[worksheet])
    loaded, key = _solved(worksheet)
    exported = to_moodle(loaded, key)
    write_atomically(output, exported.files["quiz.xml"], protect=[worksheet])
    _report(exported.report)
    click.echo(f"wrote {output}", err=True)


@export.command()
@click.argument("worksheet", type=click.Path(dir_okay=False))
@OUTPUT
def gradescope(worksheet: str, output: str) -> None:
    """A Gradescope autograder for WORKSHEET (setup.sh, run_autograder) as the zip file PATH."""
    from ..deploy.gradescope import bundle
    from ..worksheet.load import load
    from ..writing import check_target, write_atomically

    check_target(output, protect=[worksheet])
    _, source = load(worksheet)  # a worksheet that does not load is refused now, not at the first submission
    write_atomically(output, bundle(source.text), protect=[worksheet])
    click.echo(f"wrote {output}", err=True)
