"""Hostile input through the real command line: nothing runs, every bound holds, the exit statuses are kept.

Attacks and absurd sizes go to the command line in a subprocess whose
address space is capped (so a memory blow-up would show as a crash rather
than a slow machine), each command line in a fresh working directory of its
own (so a marker file would show any code that ran); one subprocess runs them
all (``cli_batch.py``) and each test asserts on its own. Exit statuses: 0
success, 2 bad input or usage, 3 internal error; library users get
``symdiff.SymdiffError``s with spans.
"""

from __future__ import annotations

import pytest
from cli_batch import Batch, Ran, run_batch
from click.testing import CliRunner

import symdiff
from symdiff import limits
from symdiff.cli import EXIT_BAD_INPUT, EXIT_INTERNAL, main


def assert_refused(done: Ran, message: str = "") -> None:
    assert done.returncode == EXIT_BAD_INPUT, done.stderr
    assert done.stderr.startswith("symdiff: error: " + message), done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert done.stdout == ""


PLAIN_ATTACKS = [
    "__import__('os').system('touch MARKER')",
    "().__class__.__bases__",
    "x.__class__.__bases__[0].__subclasses__()",
    "lambda: 0",
    "eval(\"__import__('os').system('touch MARKER')\")",
    "exec(\"open('MARKER', 'w')\")",
    "open('MARKER', 'w')",
    "x.__class__",
    "x; import os; os.system('touch MARKER')",
    "x if __import__('os').system('touch MARKER') else x",
]
LATEX_ATTACKS = [
    r"\input{MARKER}",
    r"\write18{touch MARKER}",
    r"\immediate\write18{touch MARKER}",
    r"\def\x{\write18{touch MARKER}}\x",
    r"\catcode`\^^=12 x",
    r"\mathbf{x}^\top \input{/etc/passwd}",
    r"\csname write18\endcsname{touch MARKER}",
    r"\operatorname{\input{MARKER}}(x)",
    r"\text{\write18{touch MARKER}}",
    r"\begin{verbatim}\immediate\write18{touch MARKER}\end{verbatim}",
]


OTHER_ARGUMENTS = [
    ["derive", "x", "--wrt", "x", "--shape", "__import__('os').system('touch MARKER')=2"],
    ["derive", "x", "--wrt", "__import__('os').system('touch MARKER')"],
    ["derive", "f = x*y", "--wrt", "x", "--at", "x=__import__('os').system('touch MARKER'), y=1", "--steps"],
    ["backprop", "f = x*y", "--at", "x=eval('1'), y=1"],
    ["backprop", "f = x*y", "--at", "x=1, y=1", "--of", "__class__"],
]
PROGRAM_FILE = ("derive", "@net.txt", "--wrt", "A")
NET = "b = A*x\nimport os\nos.system('touch MARKER')\nf = 0.5*norm(b)**2\n"
ABSURD_SIZES = [
    (["derive", "x*" * (limits.MAX_INPUT_CHARS // 2) + "x", "--wrt", "x"],
     f"input is {limits.MAX_INPUT_CHARS + 1} characters long; the limit is {limits.MAX_INPUT_CHARS}"),
    (["derive", "(" * (limits.MAX_DEPTH + 1) + "x" + ")" * (limits.MAX_DEPTH + 1), "--wrt", "x"],
     f"brackets nested more than {limits.MAX_DEPTH} deep"),
    (["derive", "x^" * limits.MAX_DEPTH + "x", "--wrt", "x"], f"formula is nested more than {limits.MAX_DEPTH} levels"),
    (["derive", r"\sqrt{" * limits.MAX_DEPTH + "x" + "}" * limits.MAX_DEPTH, "--wrt", "x"],
     f"formula is nested more than {limits.MAX_DEPTH} levels"),
    (["derive", "x**(10**10**10)", "--wrt", "x"], f"number too large: this power has more than {limits.MAX_MAGNITUDE_DIGITS} digits"),
    (["derive", "x**(10**10)", "--wrt", "x"], f"exponent larger than {limits.MAX_EXPONENT}"),
    (["derive", "x*1" + "0" * limits.MAX_LITERAL_DIGITS, "--wrt", "x"], "number 10000000000000000000... is too large"),
    (["derive", "x*1e999", "--wrt", "x"], "number 1e999 is too large"),
    (["derive", "expand((x+y)**1000)", "--wrt", "x"], "unknown function 'expand'"),
    (["derive", "norm(A*x)", "--wrt", "x", "--shape", "A=100000,100000", "--shape", "x=100000"],
     f"A has 10000000000 entries; component form allows at most {limits.MAX_COMPONENTS}"),
    (["derive", "x.T*x", "--wrt", "x", "--shape", "x=" + "9" * 100], "x has 999"),
    (["derive", "x[123456789012]", "--wrt", "x", "--shape", "x=3"], "index 123456789012 is out of range"),
    (["derive", "inv(A)*x", "--wrt", "x", "--shape", "A=20,20", "--shape", "x=20"], "a symbolic inverse of a concrete 20×20"),
    (["--timeout", "1", "derive", "A^1000*x", "--wrt", "x", "--shape", "A=3,3", "--shape", "x=3"], "gave up after 1 s"),
]
LARGE_INPUTS = [
    (["derive", "(x+y)**1000", "--wrt", "x"], "1000*(x + y)^999\n"),
    (["derive", "(x+y)**" + str(limits.MAX_EXPONENT), "--wrt", "x"], f"{limits.MAX_EXPONENT}*(x + y)^{limits.MAX_EXPONENT - 1}\n"),
    (["derive", "(" * limits.MAX_DEPTH + "x" + ")" * limits.MAX_DEPTH + "^2", "--wrt", "x"], "2*x\n"),
    (["derive", "+".join(["x"] * (limits.MAX_DEPTH // 2)), "--wrt", "x"], f"{limits.MAX_DEPTH // 2}\n"),
    # about 7 s of CPU: more than the default --timeout of 60 s on a machine busy enough
    (["--timeout", "600", "derive", "x.T*x", "--wrt", "x", "--shape", f"x={limits.MAX_COMPONENTS}"], None),
]


def _formula(attack: str) -> list[str]:
    return ["derive", attack, "--wrt", "x"]


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    """Every command line of the tests below, run in one capped subprocess."""
    return run_batch(
        [
            *map(_formula, PLAIN_ATTACKS + LATEX_ATTACKS),
            *OTHER_ARGUMENTS,
            PROGRAM_FILE,
            *(args for args, _ in ABSURD_SIZES),
            *(args for args, _ in LARGE_INPUTS),
        ],
        tmp_path_factory.mktemp("hostile"),
        files={PROGRAM_FILE: {"net.txt": NET}},
    )


@pytest.mark.parametrize("attack", PLAIN_ATTACKS + LATEX_ATTACKS)
def test_code_in_a_formula_is_refused_and_never_runs(cli, attack):
    done = cli[_formula(attack)]
    assert_refused(done)
    assert list(done.cwd.iterdir()) == []  # no MARKER, nothing else either


@pytest.mark.parametrize("args", OTHER_ARGUMENTS)
def test_code_in_other_arguments_is_refused_and_never_runs(cli, args):
    done = cli[args]
    assert_refused(done)
    assert list(done.cwd.iterdir()) == []


def test_code_in_a_program_file_is_refused_and_never_runs(cli):
    done = cli[PROGRAM_FILE]
    assert_refused(done)
    assert sorted(p.name for p in done.cwd.iterdir()) == ["net.txt"]


@pytest.mark.parametrize(("args", "message"), ABSURD_SIZES)
def test_absurd_sizes_are_refused_within_the_documented_limits(cli, args, message):
    assert_refused(cli[args], message)


@pytest.mark.parametrize(("args", "output"), LARGE_INPUTS)
def test_large_input_within_the_limits_is_computed(cli, args, output):
    done = cli[args]
    assert done.returncode == 0, done.stderr
    if output is not None:
        assert done.stdout == output
    else:
        assert done.stdout.startswith("[2*x_1, 2*x_2, ") and done.stdout.endswith(f", 2*x_{limits.MAX_COMPONENTS}]\n")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("args", [
    ["derive", "x"],                                # missing --wrt
    ["derive", "--wrt", "x"],                       # missing FORMULA
    ["derive", "x", "--wrt"],                       # option without its value
    ["derive", "x", "--wrt", "x", "--bogus"],       # unknown option
    ["derive", "x", "--wrt", "x", "--format", "pdf"],
    ["derive", "x", "--wrt", "x", "--round", "99"],
    ["derive", "x", "y", "--wrt", "x"],             # extra argument
    ["frobnicate"],                                 # unknown command
    ["--timeout", "soon", "derive", "x", "--wrt", "x"],
])
def test_usage_errors_exit_with_status_2(args):
    result = run(*args)
    assert result.exit_code == EXIT_BAD_INPUT == 2
    assert "Error:" in result.output and "Traceback" not in result.output


def test_an_internal_error_exits_with_status_3_and_asks_for_a_report(monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("symdiff.cli.derive.derive_program", broken)
    monkeypatch.setattr("symdiff.result.derivative", broken)
    result = run("derive", "x*y", "--wrt", "x")
    assert result.exit_code == EXIT_INTERNAL == 3
    assert "symdiff: internal error: ZeroDivisionError: a bug" in result.output
    assert "please report this with the command you ran" in result.output


def test_success_exits_with_status_0():
    assert run("derive", "x*y", "--wrt", "x").exit_code == 0


@pytest.mark.parametrize(("call", "kind", "at"), [
    (lambda: symdiff.parse("0.5*nrom(A*x)**2"), symdiff.ParseError, "nrom"),
    (lambda: symdiff.parse("x + * y"), symdiff.ParseError, "*"),
    (lambda: symdiff.parse(""), symdiff.ParseError, ""),
    (lambda: symdiff.parse_latex(r"\input{x}"), symdiff.ParseError, r"\input"),
    (lambda: symdiff.parse_latex(r"\frac{1}{2} \check{x}"), symdiff.ParseError, r"\check"),
    (lambda: symdiff.parse("A*x + y", {"A": ("n", "d"), "x": ("d",), "y": ("m",)}), symdiff.ShapeError, "A*x + y"),
    (lambda: symdiff.parse("x**(10**10**10)"), symdiff.LimitError, "10**10**10"),
    (lambda: symdiff.parse("(" * 200 + "x" + ")" * 200), symdiff.LimitError, limits.MAX_DEPTH),
    (lambda: symdiff.derive("det(A)", "A", {"A": (2, 3)}), symdiff.ShapeError, "det(A)"),
    (lambda: symdiff.program("b = A*x\nb = x"), symdiff.SymdiffError, "b = x"),
])
def test_library_errors_are_symdiff_errors_with_a_position(call, kind, at):
    with pytest.raises(kind) as caught:
        call()
    error = caught.value
    assert isinstance(error, symdiff.SymdiffError)
    assert error.span is not None and error.text is not None
    assert error.span[0] == (at if isinstance(at, int) else error.text.index(at))
    assert error.line_column is not None
    assert "^" in str(error)


def test_library_errors_without_a_place_still_say_what_to_fix():
    with pytest.raises(symdiff.SymdiffError) as caught:
        symdiff.derive("x.T*x", "y")
    assert "'y' does not occur in the formula" in caught.value.message
    assert caught.value.hint
