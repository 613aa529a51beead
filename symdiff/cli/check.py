"""``symdiff check``: which answer options equal a derivative, and why the others do not.

Every option is printed with its verdict and reason. An option that cannot
be read is reported in its place with the parse error; the others are still
checked, and the exit status is then 2 (bad input) instead of 0.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from .app import EXIT_BAD_INPUT, shapes_option
from .options import format_option, input_option, sample_option, samples_option, shape_option, wrt_option
from .programs import of_option, read_source

if TYPE_CHECKING:
    from ..check import CheckResult, OptionCheck
    from ..model import Syntax


@click.command()
@click.argument("question")
@wrt_option("What to differentiate by, as for derive: x, A11,A12 (a tuple of partials); repeat to differentiate again.")
@click.option(
    "--option",
    "options",
    multiple=True,
    required=True,
    metavar="ANSWER",
    help="An answer option, plain syntax or LaTeX; repeat for each option, in the worksheet's order.",
)
@shape_option("Declare a shape: A=n,d (matrix), x=d (vector), lam=scalar. Integer dims give component form.")
@format_option("text", "json")
@input_option("QUESTION and the options")
@samples_option()
@of_option
def check(
    question: str,
    wrt: tuple[str, ...],
    options: tuple[str, ...],
    shape_specs: tuple[str, ...],
    fmt: str,
    syntax: Syntax,  # one of the click.Choice values
    sample_specs: tuple[str, ...],
    of: str | None,
) -> None:
    """Check answer OPTIONs against the derivative of QUESTION.

    QUESTION is a formula, a program of definitions or @FILE, as for derive.
    Options may use the program's intermediates (b1, b2). Each option is
    equivalent (symbolically, or at 10 random points), not equivalent (with
    the reason: wrong shape, transposed, a constant factor, swapped
    components, the wrong row, a point where it differs), undecided, or
    unreadable (exit status 2, after every option is reported).

    \b
      symdiff check "0.5*norm(A*x)^2" --wrt A --option "x.T*A.T*A*x" --option "A*x*x.T"
      symdiff check "b = A*x; f = 0.5*norm(b)^2" --shape A=2,2 --shape x=2 \\
          --wrt A11,A12 --option "(x1*b1, x2*b1)" --option "(x1*b2, x2*b2)"
    """
    from ..check import check as check_api

    steps = wrt if len(wrt) > 1 else wrt[0]
    result = check_api(
        read_source(question),
        steps,
        options,
        shapes_option(shape_specs),
        of=of,
        syntax=syntax,
        samples=sample_option(sample_specs),
    )
    if fmt == "json":
        click.echo(json.dumps(result.as_json(), indent=2, ensure_ascii=False, allow_nan=False))
    else:
        click.echo(render(result))
    if result.unreadable:
        numbers = ", ".join(map(str, result.unreadable))
        click.echo(
            f"symdiff: error: option{'s' if len(result.unreadable) > 1 else ''} {numbers} could not be read", err=True
        )
        click.get_current_context().exit(EXIT_BAD_INPUT)


def render(result: CheckResult) -> str:
    """The answer, then each option: number, verdict, text, and the reason indented below."""
    lines = [f"answer: {result.answer.text}"]
    for number, option in enumerate(result.options, 1):
        lines.append(f"{number}. {option.verdict}: {option.text}")
        lines.extend("   " + line for line in _why(option).splitlines())
    correct = ", ".join(map(str, result.correct)) or "none"
    lines.append(f"correct: {correct}")
    return "\n".join(lines)


def _why(option: OptionCheck) -> str:
    return option.error.render() if option.error is not None else option.why
