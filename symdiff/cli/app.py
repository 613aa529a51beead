"""Stage 6: the command line's group, its error handling and shared option parsing.

Errors about the input print as one ``symdiff: error: ...`` line, the input
with a caret, and a hint, with exit status 2; anything unexpected is an
internal error with exit status 3 and a request to report it.
"""

from __future__ import annotations

import click

from ..errors import SymdiffError
from ..export.keys.clean import printable
from ..limits import DEFAULT_TIMEOUT_SECONDS, time_limit

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


class _Group(click.Group):
    """Turns symdiff's errors into one clear message and an exit status."""

    def invoke(self, ctx: click.Context):
        try:
            with time_limit(ctx.params.get("timeout", DEFAULT_TIMEOUT_SECONDS)):
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
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            click.echo(
                f"symdiff: internal error: {type(exc).__name__}: {exc}\n"
                "  please report this with the command you ran",
                err=True,
            )
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="symdiff")
@click.option("--timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT_SECONDS, show_default=True,
              metavar="SECONDS", help="Give up on a command after this long (0: never); exit status 2.")
def main(timeout: float) -> None:
    """symdiff: derivatives you can trust, in matrix or component form.

    \b
    Examples:
      symdiff derive "0.5*norm(A*x)**2" --wrt x
      symdiff derive "0.5*norm(A*x)**2" --wrt A11 --shape A=2,2 --shape x=2
    """


def parse_shape(spec: str) -> tuple[str, tuple[int | str, ...]]:
    """``A=n,d`` -> ("A", ("n", "d")); ``x=3`` -> ("x", (3,)); ``lam=scalar`` -> ("lam", ())."""
    name, sep, dims = spec.partition("=")
    name, dims = name.strip(), dims.strip()
    if not sep or not name.isidentifier() or not dims:
        raise SymdiffError(
            f"bad --shape {spec!r}",
            hint="write NAME=DIMS, e.g. --shape A=n,d --shape x=d --shape lam=scalar",
        )
    if dims == "scalar":
        return name, ()
    parsed = tuple(int(d) if d.strip().isdigit() else d.strip() for d in dims.split(","))
    return name, parsed


def shapes_option(specs: tuple[str, ...]) -> dict[str, tuple[int | str, ...]]:
    return dict(parse_shape(spec) for spec in specs)


FORMATS = click.Choice(["text", "latex", "json"])
