"""``symdiff blanks``: fill a template's blanks so that it labels every point correctly."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from ..limits import DEFAULT_TIMEOUT_SECONDS
from .options import format_option

if TYPE_CHECKING:
    from ..check.blanks import BlanksResult


@click.command()
@click.argument("template")
@click.option(
    "--blank",
    "candidates",
    multiple=True,
    required=True,
    metavar="CANDIDATES",
    help="The candidates of one blank, separated by commas: 'x1, -x1, 0'. Once per blank, in order _1, _2, ...",
)
@click.option(
    "--positive",
    "positive",
    multiple=True,
    metavar="POINTS",
    help="Points labelled × (need f >= 0): '(2, 0), (-2, 0)'. Repeatable.",
)
@click.option(
    "--negative",
    "negative",
    multiple=True,
    metavar="POINTS",
    help="Points labelled • (need f < 0): '(0, 0), (0.5, 1)'. Repeatable.",
)
@click.option(
    "--variables",
    "variables",
    default="x1, x2",
    show_default=True,
    metavar="NAMES",
    help="The variables, in the order of the points' coordinates.",
)
@format_option("text", "json")
def blanks(
    template: str,
    candidates: tuple[str, ...],
    positive: tuple[str, ...],
    negative: tuple[str, ...],
    variables: str,
    fmt: str,
) -> None:
    """Fill the blanks _1, _2, ... of TEMPLATE so that f >= 0 at every --positive point (×)
    and f < 0 at every --negative point (•).

    Every combination of candidates is tried (vectorised, ruled out at the
    first point it mislabels); valid combinations that make the same function
    are grouped. Without one: "No valid combination".

    \b
      symdiff blanks "max(_1 + _2, _3 + _4) + _5" \\
          --blank "x1, -x1, 0" --blank "x2, -x2, 0" --blank "x1, -x1, 0" \\
          --blank "x2, -x2, 0" --blank "1, -1, 0" \\
          --positive "(2, 2), (-2, 2), (1.5, 0), (-1.5, 0)" --negative "(0, 0), (0.5, 1.5)"
    """
    from ..check.blanks import blanks as blanks_api
    from ..check.blanks import read_names, read_points

    names = read_names(variables)
    result = blanks_api(
        template,
        candidates,
        [point for text in positive for point in read_points(text, names)],
        [point for text in negative for point in read_points(text, names)],
        names,
        timeout=click.get_current_context().find_root().params.get("timeout", DEFAULT_TIMEOUT_SECONDS),
    )
    click.echo(
        json.dumps(result.as_json(), indent=2, ensure_ascii=False, allow_nan=False) if fmt == "json" else render(result)
    )


def render(result: BlanksResult) -> str:
    """Each function with the combinations making it, then what was tried."""
    tried = (
        f"{result.tried} combinations tried on {result.points} points, with {result.evaluations} "
        f"of the {result.tried * result.points} evaluations a full search makes"
    )
    if not result.functions:
        return f"No valid combination\n({tried})"
    found = len(result.combinations)
    lines = [
        (
            f"{found} valid combination{'s' if found != 1 else ''}, "
            f"{len(result.functions)} function{'s' if len(result.functions) != 1 else ''}:"
        )
    ]
    for number, group in enumerate(result.functions, 1):
        lines.append(f"function {number}:")
        width = max(len(c.text) for c in group)
        for combination in group:
            chosen = ", ".join(f"{blank} = {choice}" for blank, choice in zip(result.blanks, combination.choices))
            lines.append(f"  {combination.text.ljust(width)}   {chosen}")
    lines.append(f"({tried})")
    return "\n".join(lines)
