"""The options several commands share, and how a derivative is echoed, written once.

Each command module declares only what is its own; ``--wrt``, ``--shape``,
``--input`` and ``--format`` read alike everywhere, with help that names the
command's own argument.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ..result import Result

Decorator = Callable[[Callable], Callable]

CODE_FORMATS = ("numpy", "jax", "torch")
"""``--format`` values that print the derivative as a Python function (``Result.code``, ``evaluate.code``)."""


def wrt_option(help: str) -> Decorator:
    """``--wrt NAME``, repeatable (a second one differentiates again)."""
    return click.option("--wrt", "wrt", multiple=True, required=True, metavar="NAME", help=help)


def shape_option(help: str = "Declare a shape: A=n,d (matrix), x=d (vector), lam=scalar.") -> Decorator:
    """``--shape NAME=DIMS``, repeatable."""
    return click.option("--shape", "shape_specs", multiple=True, metavar="NAME=DIMS", help=help)


def input_option(what: str) -> Decorator:
    """``--input auto|plain|latex``: the syntax of ``what``, the command's formula argument(s)."""
    return click.option(
        "--input",
        "syntax",
        type=click.Choice(["auto", "plain", "latex"]),
        default="auto",
        show_default=True,
        help=f"Syntax of {what}; auto reads LaTeX when it has a backslash.",
    )


def samples_option() -> Decorator:
    """``--samples x=X:rows|cols``, repeatable: where the samples of index sums lie (``sample_option`` reads it)."""
    return click.option(
        "--samples",
        "sample_specs",
        multiple=True,
        metavar="x=X:rows|cols",
        help="Where a sample \\mathbf{x}_i of an index sum lies: row i (default) or column i of X.",
    )


def round_option() -> Decorator:
    """``--round N``: forward values rounded as a worksheet rounds them (backprop, graph)."""
    return click.option(
        "--round",
        "rounding",
        type=click.IntRange(0, 12),
        metavar="N",
        help="Round each forward value to N decimals before it is used downstream (default: exact).",
    )


def format_option(*formats: str) -> Decorator:
    """``--format``, the first of ``formats`` by default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(formats)),
        default=formats[0],
        show_default=True,
        help="Output format.",
    )


def echo_result(result: Result, fmt: str, payload: Callable[[], Mapping[str, object]]) -> None:
    """A derivative as text, LaTeX, JSON (what ``payload()`` gives, plus its text and LaTeX) or code."""
    if fmt == "text":
        click.echo(result.text)
    elif fmt == "latex":
        click.echo(result.latex)
    elif fmt in CODE_FORMATS:
        click.echo(result.code(fmt), nl=False)
    else:
        click.echo(json.dumps({**payload(), "text": result.text, "latex": result.latex}, indent=2, allow_nan=False))


def sample_option(specs: tuple[str, ...]) -> dict[str, str]:
    """``--samples x=X:cols`` as ``{"x": "X:cols"}`` (read by ``parse.sums.read_samples``)."""
    return dict(spec.partition("=")[::2] for spec in specs)
