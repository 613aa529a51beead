"""Program options shared by ``symdiff derive`` and ``symdiff backprop``.

Reading ``@FILE`` arguments, the options that only programs have (``--of``,
``--expand``, ``--in-terms-of``, ``--steps``, ``--at``, ``--round``) and
printing derivations step by step. The work is ``symdiff.program``'s.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import LimitError, SymdiffError
from ..files import read_limited
from ..limits import MAX_FORMULA_FILE_BYTES, MAX_INPUT_CHARS
from .options import echo_result

if TYPE_CHECKING:
    from ..model import Syntax
    from ..program.steps import Derivation


def read_source(argument: str) -> str:
    """The text of a FORMULA/PROGRAM argument; ``@net.txt`` reads the file.

    The file is read up to ``MAX_FORMULA_FILE_BYTES``, and only a file that can
    be a formula (UTF-8 text, a byte-order mark allowed, no control or
    invisible characters, at most ``MAX_INPUT_CHARS``) goes on to the parser,
    whose errors quote the line at fault; any other file is refused by its
    size alone, never quoted (``@/proc/self/environ``).
    """
    if not argument.startswith("@"):
        return argument
    path = Path(argument[1:])
    hint = "give a text file holding a formula or definitions after @, e.g. @net.txt"
    try:
        data = read_limited(path, MAX_FORMULA_FILE_BYTES, "a formula file", hint)
    except OSError as exc:
        raise SymdiffError(f"cannot read {path}: {exc.strerror or exc}", hint=hint) from None
    not_a_formula = f"{path} is not a formula: a file of {len(data):,} bytes"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SymdiffError(f"{not_a_formula} that is not UTF-8 text", hint=hint) from None
    if any(unicodedata.category(c).startswith("C") and c not in _LINE_BREAKS for c in text):
        raise SymdiffError(f"{not_a_formula} with control or invisible characters", hint=hint)
    if _FOREIGN.search(text):
        raise SymdiffError(f'{not_a_formula} with characters neither syntax reads (such as : " ? < %)', hint=hint)
    if len(text) > MAX_INPUT_CHARS:
        raise LimitError(
            f"{path}: a formula file of {len(text):,} characters; the limit is {MAX_INPUT_CHARS:,}",
            hint="split the program, or name the parts of a long formula",
        )
    return text


_LINE_BREAKS = frozenset("\t\n\r")
"""The only control characters a formula file may hold."""
_FOREIGN = re.compile(r'(?<!\\)[:!>]|["?<%`]')
"""Characters no formula holds (``:``, ``!`` and ``>`` only as LaTeX spacing after a backslash): a file
with them (``/etc/passwd``, a config file) is refused by its size, never quoted."""


def of_option(function: Callable) -> Callable:
    return click.option(
        "--of",
        "of",
        metavar="NAME",
        help="Output to differentiate: a defined name or a component of one (default: the last definition).",
    )(function)


def values_options(function: Callable) -> Callable:
    function = click.option(
        "--round",
        "rounding",
        type=click.IntRange(0, 12),
        metavar="N",
        help="Round each forward value to N decimals before it is used downstream (default: exact).",
    )(function)
    return click.option(
        "--at",
        "at",
        metavar="VALUES",
        help='Input values: "x1=1, x2=-1, a=1" (arrays as x=[1, -1], A=[[1, 2], [3, 4]]).',
    )(function)


def program_derive_options(function: Callable) -> Callable:
    """The options ``symdiff derive`` has for programs."""
    function = values_options(function)
    function = click.option(
        "--steps", is_flag=True, help="Print the derivation step by step (with --at: the numbers too)."
    )(function)
    function = click.option(
        "--in-terms-of",
        "in_terms_of",
        metavar="NAMES",
        help="Keep these names (e.g. A,x) and substitute the other intermediates away.",
    )(function)
    function = click.option(
        "--expand", is_flag=True, help="Substitute the intermediates away: the result in terms of the inputs only."
    )(function)
    return of_option(function)


def render_steps(derivations: list[Derivation], fmt: str) -> str:
    if fmt == "latex":
        return "\n".join(d.render_latex() for d in derivations)
    if fmt == "json":
        return json.dumps(
            [
                {"output": d.output, "wrt": d.variable, "text": d.render_text(), "latex": d.render_latex()}
                for d in derivations
            ],
            indent=2,
            allow_nan=False,
        )
    return "\n\n".join(d.render_text() for d in derivations)


def derive_program(
    text: str,
    wrt: tuple[str, ...],
    shapes: dict,
    syntax: Syntax,
    fmt: str,
    conventions: dict,
    *,
    of: str | None,
    expand: bool,
    in_terms_of: str | None,
    steps: bool,
    at: str | None,
    rounding: int | None,
    samples: Mapping[str, str] | None = None,
) -> bool:
    """Print the derivative of a program; False for a bare formula without program options (derive's own path).

    ``conventions`` holds derive's --layout and --symmetric, applied to a program as to one formula;
    ``samples`` its --samples, placing the samples of index sums in every definition.
    """
    from ..program import Program

    if (at is not None or rounding is not None) and not steps:
        raise SymdiffError(
            "--at and --round go with --steps", hint="or use: symdiff backprop PROGRAM --at ... --wrt ..."
        )
    if expand and in_terms_of:
        raise SymdiffError("give --expand or --in-terms-of, not both")
    program = Program(text, shapes, syntax, of, samples)
    if program.output is None and not (expand or in_terms_of or steps):
        return False
    if steps:
        if conventions["symmetric"]:
            raise SymdiffError(
                "--symmetric: not with --steps, which derives by one variable and not with its mirror",
                hint="drop --steps for the derivative with X declared symmetric",
            )
        if len(wrt) != 1:
            raise SymdiffError("--steps derives once", hint="give one --wrt (a comma list is fine: --wrt a,b)")
        click.echo(render_steps(program.steps(wrt[0], at, rounding), fmt))
        return True
    keep = [name.strip() for name in in_terms_of.split(",")] if in_terms_of else None
    result = program.derive(wrt, expand=expand, in_terms_of=keep, **conventions)
    echo_result(
        result,
        fmt,
        lambda: {"input": text, "output": program.output, "wrt": list(result.wrt), "shape": _shape(result.sympy)},
    )
    return True


def _shape(value) -> list:
    import sympy as sp

    from ..api import shape_of

    if isinstance(value, sp.Tuple):
        return [list(shape_of(item)) for item in value]
    return list(shape_of(value))
