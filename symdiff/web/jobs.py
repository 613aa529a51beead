"""The work behind each endpoint of the JSON API, as run in a worker process (``workers.py``).

A job takes the request's JSON, parsed but not trusted, and gives back JSON-ready data, through symdiff's
API only: formulas go to symdiff's parser, never to Python. Fields of the wrong type are ``SymdiffError``s
naming the field, like any other mistake in the input, and ``run`` turns every error into the status and
``{"error": ...}`` body the page shows (408 when the time ran out).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .. import arguments
from ..api import Result
from ..api import derive as derive_formula
from ..check import check as check_options
from ..clean import printable
from ..errors import LimitError, SymdiffError
from ..export.latex import to_latex
from ..export.text import to_text
from ..limits import time_limit
from ..model.types import Shape, dims_text
from ..program import Program
from ..worksheet.key import Key
from ..worksheet.keys import print_key
from ..worksheet.load import Source, read
from ..worksheet.solve import solve_worksheet

Json = dict[str, Any]
Reply = tuple[int, Json | bytes]
"""An HTTP status and a JSON body, or the bytes of a PDF."""

WORKSHEET_NAME = "worksheet.toml"
"""The name a pasted or uploaded worksheet goes by in error messages (``worksheet.toml:12: question ...``)."""


def _field(request: Json, name: str, kind: type | tuple[type, ...], default: object) -> Any:
    value = request.get(name, default)
    if not isinstance(value, kind):
        raise SymdiffError(f"field {name!r} has the wrong type ({type(value).__name__})", hint=_HINTS.get(name))
    return value


_HINTS = {
    "shapes": 'an object of names and dims: {"A": "n,n", "x": "n", "lam": "scalar"}',
    "samples": 'an object of samples and where they lie: {"x": "X:rows"}',
    "wrt": 'a name ("x"), a comma list of partials ("A11,A12"), or a list to differentiate in turn (["x", "x"])',
    "options": "a list of answer options, one string each",
}


def _texts(request: Json, name: str) -> dict[str, str]:
    """An object of names to text (``shapes``, ``samples``)."""
    value = _field(request, name, dict, {})
    if not all(isinstance(item, str) for item in value.values()):
        raise SymdiffError(f"field {name!r}: every value must be text", hint=_HINTS[name])
    return value


def _shapes(request: Json) -> dict[str, tuple[int | str, ...]]:
    """``{"A": "n,n"}`` read as ``--shape A=n,n`` is."""
    return dict(arguments.parse_shape(f"{name}={dims}") for name, dims in _texts(request, "shapes").items())


def _wrt(request: Json) -> tuple[str, ...]:
    wrt = _field(request, "wrt", (str, list), "")
    return tuple(arguments.names(wrt, "wrt"))


def _program(request: Json, text_field: str = "formula") -> Program:
    syntax = arguments.syntax(_field(request, "input", str, "auto"))
    text = _field(request, text_field, str, "")
    return Program(text, _shapes(request), syntax, None, _texts(request, "samples"))  # type: ignore[arg-type]


def _shape_text(shape: Shape) -> str:
    """``n×d``, ``d`` for a vector, ``scalar``: the dims as the page shows them."""
    return dims_text(shape) or "scalar"


def read_formula(request: Json) -> Json:
    """What symdiff read: the formula (or each definition of a program) as text and LaTeX, and the inputs' shapes."""
    program = _program(request)
    shapes = {name: _shape_text(shape) for name, shape in program.inputs.items()}
    if program.output is None:
        shown = Result(program.expanded, (), program.expanded.expr)
        return {"text": shown.text, "latex": shown.latex, "shapes": shapes}
    names = [*program.inputs, *program.intermediates]
    text = "; ".join(f"{node.name} = {to_text(node.expr)}" for node in program.graph.nodes)
    lines = [f"{to_latex(node.symbol, names)} &= {to_latex(node.expr, names)}" for node in program.graph.nodes]
    return {"text": text, "latex": r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}", "shapes": shapes}


def derive(request: Json) -> Json:
    """The derivative, as ``symdiff derive`` gives it for a formula or a program, with its NumPy code and steps."""
    program = _program(request)
    wrt = _wrt(request)
    symmetric = arguments.names(_field(request, "symmetric", (str, list), []), "symmetric")
    layout = _field(request, "layout", (str, type(None)), None) or None
    steps = _field(request, "steps", bool, False)
    at = _field(request, "at", (str, type(None)), None) or None
    if at is not None and not steps:
        raise SymdiffError("values (at) go with steps", hint='add "steps": true')
    if steps and symmetric:
        raise SymdiffError("steps derive by one variable, not with its symmetric mirror", hint="untick steps")
    if program.output is None:  # one formula, already read: derived as ``symdiff derive`` derives it
        formula = program.expanded
        result = derive_formula(
            formula, wrt, _shapes(request), syntax=program.syntax, layout=layout, symmetric=symmetric
        )
    else:
        result = program.derive(wrt, layout=layout, symmetric=symmetric)
    reply: Json = {
        "text": result.text,
        "latex": result.latex,
        "code": {"numpy": _code(result)},
        "shapes": {name: _shape_text(shape) for name, shape in program.inputs.items()},
    }
    if steps:
        reply["steps"] = [{"text": d.render_text(), "latex": d.render_latex()} for d in program.steps(wrt, at)]
    if at is not None and program.output is not None:  # the numbers of both passes, as ``symdiff backprop`` gives
        numbers = program.backprop(at, wrt).to_json()
        reply["backprop"] = {part: numbers[part] for part in ("forward", "gradients")}
    return reply


def _code(result: Result) -> str | None:
    """``Result.code("numpy")``, or None for a derivative no code is printed for (a tuple of partials)."""
    try:
        return result.code("numpy")
    except SymdiffError:
        return None


def check(request: Json) -> Json:
    """Each option's verdict and reason, as ``symdiff check`` prints them, and the answer."""
    wrt = _wrt(request)
    options = _field(request, "options", list, [])
    question = _field(request, "question", str, "")
    syntax = arguments.syntax(_field(request, "input", str, "auto"))
    result = check_options(question, wrt if len(wrt) > 1 else wrt[0], options, _shapes(request), syntax=syntax)  # type: ignore[arg-type]
    return {
        "answer": {"text": result.answer.text, "latex": result.answer.latex},
        "correct": list(result.correct),
        "options": [
            {
                "option": option.text,
                "verdict": option.verdict,
                "reason": option.error.render() if option.error is not None else option.why,
            }
            for option in result.options
        ],
    }


def _key(request: Json) -> Key:
    worksheet, source = read(Source(WORKSHEET_NAME, _field(request, "toml", str, "")))
    return solve_worksheet(worksheet, source)


def worksheet(request: Json) -> Json:
    """The answer key: what ``symdiff solve --format json`` prints (parsed), and the LaTeX and Markdown keys."""
    key = _key(request)
    return {
        "key": json.loads(print_key(key, "json")),
        "latex": print_key(key, "latex"),
        "markdown": print_key(key, "markdown"),
        "warnings": list(key.warnings),
        "pdf": shutil.which("pdflatex") is not None,
    }


def worksheet_pdf(request: Json) -> bytes:
    """The LaTeX key compiled by pdflatex (no shell escape), in a directory of its own that is then removed."""
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        raise _NoPdflatex
    latex = print_key(_key(request), "latex")
    with tempfile.TemporaryDirectory(prefix="symdiff-key-") as folder:
        Path(folder, "key.tex").write_text(latex, encoding="utf-8")
        command = [pdflatex, "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", "key.tex"]
        done = subprocess.run(command, cwd=folder, capture_output=True, stdin=subprocess.DEVNULL, check=False)
        if done.returncode != 0:
            raise SymdiffError("pdflatex could not compile the key", hint="download the LaTeX key and run pdflatex")
        return Path(folder, "key.pdf").read_bytes()


class _NoPdflatex(Exception):
    """pdflatex is not installed: the PDF key is not available here (501)."""


JOBS: Mapping[str, Callable[[Json], Json | bytes]] = {
    "read": read_formula,
    "derive": derive,
    "check": check,
    "worksheet": worksheet,
    "worksheet/pdf": worksheet_pdf,
}
"""Each endpoint under ``/api/`` and its job."""


def run(job: str, request: object, seconds: float) -> Reply:
    """Run ``job`` on ``request`` within ``seconds`` (0: no limit): the reply's status and body, never an exception."""
    start = time.monotonic()
    try:
        if not isinstance(request, dict):
            raise SymdiffError("the request body must be a JSON object", hint='e.g. {"formula": "x^2", "wrt": "x"}')
        with time_limit(seconds):
            return 200, JOBS[job](request)
    except LimitError as exc:
        timed_out = seconds > 0 and time.monotonic() - start >= seconds
        return (408 if timed_out else 400), error_body(exc)
    except SymdiffError as exc:
        return 400, error_body(exc)
    except RecursionError:
        return 400, error_body(SymdiffError("formula too deeply nested to process"))
    except MemoryError:
        return 400, error_body(LimitError("out of memory", hint="simplify the input, or use symbolic dims"))
    except _NoPdflatex:
        return 501, error_body(SymdiffError("pdflatex is not installed here", hint="install texlive-latex-base"))
    except Exception as exc:  # a bug: reported as one, never as a traceback
        return 500, error_body(SymdiffError(f"internal error: {type(exc).__name__}: {exc}", hint="please report this"))


_AT_LINE = re.compile(rf"^{re.escape(WORKSHEET_NAME)}:(\d+):|at line (\d+), column (\d+)")
"""Where a worksheet error points: ``worksheet.toml:12:`` from the worksheet reader, or TOML's own position."""


def error_body(exc: SymdiffError) -> Json:
    """``{"error": ...}``: the message, the caret block as the command line prints it, where, and the hint."""
    where = exc.line_column
    found = _AT_LINE.search(exc.message)
    if where is None and found is not None:
        where = (int(found[1] or found[2]), int(found[3]) if found[3] else None)  # type: ignore[assignment]
    line, column = where if where is not None else (None, None)
    return {
        "error": {
            "message": printable(exc.message),
            "caret": printable(exc.caret()),
            "line": line,
            "column": column,
            "hint": printable(exc.hint) if exc.hint else None,
        }
    }
