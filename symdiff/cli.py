"""Stage 6: the command line, a thin layer over the Python API.

Errors about the input print as one ``symdiff: error: ...`` line, the input
with a caret, and a hint, with exit status 2; anything unexpected is an
internal error with exit status 3 and a request to report it.
"""

from __future__ import annotations

import json
import sys

import click

from .errors import SymdiffError

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


class _Group(click.Group):
    """Turns symdiff's errors into one clear message and an exit status."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SymdiffError as exc:
            click.echo("symdiff: error: " + exc.render(), err=True)
            ctx.exit(EXIT_BAD_INPUT)
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
def main() -> None:
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


def _shapes(specs: tuple[str, ...]) -> dict[str, tuple[int | str, ...]]:
    return dict(parse_shape(spec) for spec in specs)


FORMATS = click.Choice(["text", "latex", "json"])


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
    from .api import derive as derive_api

    shapes = _shapes(shape_specs)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
