"""``symdiff grade``: a class's typed answers graded against a worksheet, into a gradebook and feedback."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from ..clean import printable
from ..errors import SymdiffError

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar  # the type click.progressbar returns

BAR_AFTER_SECONDS = 1.0


@click.command()
@click.argument("worksheet", type=click.Path(dir_okay=False))
@click.argument("answers", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    default=None,
    metavar="FILE",
    help="Write the gradebook CSV (with --gradescope: results.json) to FILE, whole or not at all, instead of "
    "standard output.",
)
@click.option("--feedback", default=None, metavar="FILE", help="Write every answer's verdict and feedback as JSON.")
@click.option(
    "--gradescope",
    is_flag=True,
    default=False,
    help="ANSWERS is one student's submission: write Gradescope's results.json (a test per question).",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 256),
    default=None,
    metavar="N",
    help="Processes to grade in (default: every core).",
)
def grade(
    worksheet: str, answers: str, output: str | None, feedback: str | None, gradescope: bool, jobs: int | None
) -> None:
    """Grade the typed answers in ANSWERS against WORKSHEET (a .toml file).

    \b
    ANSWERS is a CSV with a header, student,question,answer (or one column per
    question id, student,1.a,2.b,...), or JSON lines of such records. Each answer
    gets a verdict (correct, wrong, undecided, unreadable), the reason a wrong
    one is wrong, and a score; the gradebook has a row per student:
      symdiff grade worksheets/quadratic.toml class.csv -o gradebook.csv --feedback feedback.json
    --timeout bounds each distinct answer, not the whole class: an answer that
    takes longer is graded undecided, saying so.
    """
    from ..grade import grade as grade_class
    from ..grade.gradebook import feedback_json, gradebook_csv, gradescope_results, summary
    from ..grade.grading import available_cores
    from ..limits import suspended
    from ..writing import check_target, write_atomically

    inputs = [worksheet, answers]
    targets = [path for path in (output, feedback) if path is not None]
    if len(targets) == 2 and check_target(targets[0]) == check_target(targets[1]):
        raise SymdiffError(f"-o and --feedback are the same file, {output}", hint="give two file names")
    for target in targets:
        check_target(target, protect=inputs)  # before the work, and again when writing
    seconds = click.get_current_context().find_root().params.get("timeout", 0)
    with suspended():  # the class may take minutes; each answer gets --timeout instead
        book = grade_class(worksheet, answers, jobs or available_cores(), _progress_bar(), seconds)
    text = gradescope_results(book) if gradescope else gradebook_csv(book)
    notes = feedback_json(book) if feedback is not None else None
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomically(output, text, protect=inputs)
    if feedback is not None and notes is not None:
        write_atomically(feedback, notes, protect=inputs)
    click.echo(printable(summary(book)), err=True)
    for target in targets:
        click.echo(f"wrote {target}", err=True)


class _Bar:
    """A progress bar on standard error, shown once the run has taken a second."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.bar: ProgressBar[int] | None = None
        self.at = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if time.monotonic() - self.start < BAR_AFTER_SECONDS:
                return
            self.bar = click.progressbar(length=total, label="grading", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.at)
        self.at = done
        if done == total:
            self.bar.__exit__(None, None, None)


def _progress_bar() -> Callable[[int, int], None] | None:
    """The bar when standard error is a terminal, else nothing."""
    return _Bar() if sys.stderr.isatty() else None
