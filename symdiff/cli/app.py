"""The cli stage: the command line's group, its commands, its error handling and shared option parsing.

Errors about the input print as one ``symdiff: error: ...`` line, the input
with a caret, and a hint, with exit status 2; anything unexpected is an
internal error with exit status 3 and a request to report it.

Commands are named in ``COMMANDS`` by import path and imported when used
(click's lazy group), so ``symdiff --help`` and ``symdiff derive`` do not load
what other commands need; a command module imports SymPy, NumPy or pydantic
inside the command, not at its top.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from importlib import import_module

import click

from ..arguments import parse_shape
from ..clean import printable
from ..errors import SymdiffError
from ..limits import DEFAULT_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, MIN_TIMEOUT_SECONDS, time_limit

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


COMMANDS: Mapping[str, str] = {
    "backprop": "symdiff.cli.backprop:backprop",
    "blanks": "symdiff.cli.blanks:blanks",
    "check": "symdiff.cli.check:check",
    "derive": "symdiff.cli.derive:derive",
    "export": "symdiff.cli.export:export",
    "grade": "symdiff.cli.grade:grade",
    "graph": "symdiff.cli.graph:graph",
    "serve": "symdiff.cli.serve:serve",
    "solve": "symdiff.cli.solve:solve",
}
"""Each command and where it lives (``module:command``); a new command is one line here."""


class _Group(click.Group):
    """Loads a command from ``COMMANDS`` when it is used; turns symdiff's errors into one clear message and an exit
    status."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, _, name = COMMANDS[cmd_name].partition(":")
        command = getattr(import_module(module), name)
        if not isinstance(command, click.Command):
            raise TypeError(f"{COMMANDS[cmd_name]} is not a click command")
        return command

    def invoke(self, ctx: click.Context):
        try:
            with terminated_as_exception(), time_limit(ctx.params.get("timeout", DEFAULT_TIMEOUT_SECONDS)):
                return super().invoke(ctx)
        except SymdiffError as exc:
            click.echo("symdiff: error: " + printable(exc.render()), err=True)  # no control character from the input
            ctx.exit(EXIT_BAD_INPUT)
        except click.NoSuchOption as exc:
            if exc.option_name.startswith("--"):
                raise
            raise click.UsageError(
                f"{exc.format_message()} (a formula that starts with '-' goes after '--': "
                f"symdiff derive --wrt x -- '-x^2')",
                exc.ctx,
            ) from None
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except RecursionError:
            click.echo("symdiff: error: formula too deeply nested to process", err=True)
            ctx.exit(EXIT_BAD_INPUT)
        except Exception as exc:
            click.echo(
                f"symdiff: internal error: {type(exc).__name__}: {exc}\n  please report this with the command you ran",
                err=True,
            )
            ctx.exit(EXIT_INTERNAL)


EXIT_TERMINATED = 128 + signal.SIGTERM
"""Exit status after SIGTERM, as a shell reports a process it ended."""


@contextmanager
def terminated_as_exception() -> Iterator[None]:
    """SIGTERM raises ``SystemExit`` in the body, so ``finally`` blocks run (a half-written file is removed).

    Python's default for SIGTERM ends the process at once; Ctrl-C already
    raises ``KeyboardInterrupt``. Only the main thread can set a handler; run
    from another thread, the command leaves SIGTERM as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _terminate(signum: int, frame: object) -> None:
        raise SystemExit(EXIT_TERMINATED)

    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Timeout(click.ParamType):
    """``--timeout``: 0 (no limit) or a finite number of seconds within the limits, else a usage error (exit 2)."""

    name = "seconds"

    def convert(self, value, param, ctx) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if seconds == 0:
            return 0.0
        if not MIN_TIMEOUT_SECONDS <= seconds <= MAX_TIMEOUT_SECONDS:  # also refuses nan and inf
            self.fail(
                f"{value!r} is out of range: give 0 (no limit) or {MIN_TIMEOUT_SECONDS:g} to "
                f"{MAX_TIMEOUT_SECONDS:,.0f} seconds",
                param,
                ctx,
            )
        return seconds


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="symdiff")
@click.option(
    "--timeout",
    type=_Timeout(),
    default=DEFAULT_TIMEOUT_SECONDS,
    show_default=True,
    metavar="SECONDS",
    help=f"Give up on a command after this long: {MIN_TIMEOUT_SECONDS:g} to {MAX_TIMEOUT_SECONDS:,.0f} "
    "seconds, or 0 for no limit; exit status 2.",
)
def main(timeout: float) -> None:
    """symdiff: derivatives you can trust, in matrix or component form.

    \b
    Examples:
      symdiff derive "0.5*norm(A*x)**2" --wrt x
      symdiff derive "0.5*norm(A*x)**2" --wrt A11 --shape A=2,2 --shape x=2
    """


def shapes_option(specs: tuple[str, ...]) -> dict[str, tuple[int | str, ...]]:
    return dict(parse_shape(spec) for spec in specs)


FORMATS = click.Choice(["text", "latex", "json"])
