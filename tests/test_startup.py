"""Start-up: what a command imports, and the Lark parser cache.

``symdiff --help`` and each command's ``--help`` import neither SymPy, NumPy
nor pydantic; ``symdiff derive`` imports SymPy but neither NumPy nor
pydantic; ``import symdiff`` imports none of them until a name is used. That
is only visible in a fresh process, so one subprocess runs them all in turn
and reports what each step had imported. The parser cache is tested in this
process with the real grammar. How long start-up takes is measured in
``bench/startup.py``, never here.
"""

from __future__ import annotations

import fcntl
import importlib
import json
import os
import pickle
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from lark import Lark

import symdiff
from symdiff import api
from symdiff.cli import main
from symdiff.cli.app import COMMANDS
from symdiff.parse import grammar_cache, plain
from symdiff.parse.grammar_cache import cache_file, cached_lark

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sympy", "numpy", "pydantic")
PLAIN_DERIVE_SKIPS = ("symdiff.export.latex", "symdiff.parse.latex", "symdiff.program")
"""symdiff's own modules a plain ``symdiff derive`` of one formula does without: the LaTeX reader and printer,
and the program reader."""
PLAIN_GRAMMAR = (ROOT / "symdiff" / "parse" / "plain.lark").read_text()
PLAIN_OPTIONS = {
    "parser": "lalr",
    "start": ["start", "program", "bindings", "template", "formulas"],
    "propagate_positions": True,
    "maybe_placeholders": True,
}
FORMULA = "0.5*norm(A*x)**2 + trace(inv(X)*B)"
LATEX_FORMULA = r"\frac{1}{2}x^2"

STEPS = f"""
import contextlib, io, json, sys
WATCHED = {HEAVY + PLAIN_DERIVE_SKIPS!r}
loaded = {{}}
def note(step):
    loaded[step] = sorted(m for m in WATCHED if m in sys.modules)
import symdiff
note("import symdiff")
from symdiff.cli import main
from symdiff.cli.app import COMMANDS
def run(*args):
    with contextlib.redirect_stdout(io.StringIO()) as out:
        try:
            main(list(args), prog_name="symdiff")
        except SystemExit:
            pass
    note("symdiff " + " ".join(args))
    return out.getvalue()
run("--help")
for command in sorted(COMMANDS):
    run(command, "--help")
answer = run("derive", "x^2", "--wrt", "x")
latex = run("derive", {LATEX_FORMULA!r}, "--wrt", "x")
print(json.dumps({{"loaded": loaded, "answer": answer, "latex": latex}}))
"""


@pytest.fixture(scope="module")
def fresh_process(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """What each step of STEPS had imported, in one new process whose parser cache starts empty."""
    cache_home = tmp_path_factory.mktemp("cache-home")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(cache_home)}
    done = subprocess.run([sys.executable, "-c", STEPS], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return {**json.loads(done.stdout), "cache": cache_home / "symdiff"}


def test_import_symdiff_imports_no_heavy_package(fresh_process):
    assert fresh_process["loaded"]["import symdiff"] == []


@pytest.mark.parametrize("step", ["symdiff --help", *(f"symdiff {name} --help" for name in sorted(COMMANDS))])
def test_help_imports_no_heavy_package(fresh_process, step):
    assert fresh_process["loaded"][step] == []


def test_derive_imports_sympy_but_not_numpy_or_pydantic(fresh_process):
    assert fresh_process["answer"] == "2*x\n"
    assert fresh_process["loaded"]["symdiff derive x^2 --wrt x"] == ["sympy"]


def test_a_plain_derive_imports_no_latex_reader_and_no_program_reader_and_a_latex_one_does(fresh_process):
    assert not set(fresh_process["loaded"]["symdiff derive x^2 --wrt x"]) & set(PLAIN_DERIVE_SKIPS)
    assert fresh_process["latex"] == "x\n"
    assert "symdiff.parse.latex" in fresh_process["loaded"][f"symdiff derive {LATEX_FORMULA} --wrt x"]


def test_a_new_process_writes_its_parser_to_the_cache(fresh_process):
    written = [path for path in fresh_process["cache"].iterdir() if path.suffix == ".lark"]
    assert written and all(path.stat().st_size > 0 for path in written)


def test_help_lists_every_command():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    listed = result.output.partition("Commands:")[2].split()
    assert set(COMMANDS) <= set(listed)


def test_public_names_are_the_api_objects_whichever_is_imported_first():
    """``symdiff.derive`` is the function though ``symdiff/derive/`` is a package of the same name."""
    importlib.import_module("symdiff.derive.rules")  # the package symdiff/derive/, by its full name

    assert symdiff.derive is api.derive
    assert symdiff.parse is api.parse
    assert callable(symdiff.check) and callable(symdiff.program)
    for name in symdiff.__all__:
        assert getattr(symdiff, name).__name__ == name
    assert set(symdiff.__all__) <= set(dir(symdiff))
    assert symdiff.derive("x^2", "x").text == "2*x"


# The parser cache, with the plain grammar (quick to build) and the options plain.py gives it.


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path


def parses_as_symdiff_does(parser) -> bool:
    return parser.parse(FORMULA, start="start") == plain._parser().parse(FORMULA, start="start")


def test_a_fresh_cache_directory_gets_the_file_and_the_next_parser_loads_it(cache_home):
    assert parses_as_symdiff_does(cached_lark(PLAIN_GRAMMAR, **PLAIN_OPTIONS))
    path = cache_file(PLAIN_GRAMMAR, PLAIN_OPTIONS)
    assert path is not None and path.parent == cache_home / "symdiff" and path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = path.stat().st_mtime_ns
    assert parses_as_symdiff_does(cached_lark(PLAIN_GRAMMAR, **PLAIN_OPTIONS))
    assert path.stat().st_mtime_ns == written  # loaded, not built and written again


def test_lark_reads_and_writes_the_cache_file_holding_the_lock(cache_home, monkeypatch):
    """Processes take turns: two writing at once could mix their bytes, each ordering the tables its own way."""
    path = cache_file(PLAIN_GRAMMAR, PLAIN_OPTIONS)
    assert path is not None
    lock = path.with_name(path.name + ".lock")
    seen = []

    def free() -> bool:
        other = os.open(lock, os.O_RDWR)
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        finally:
            os.close(other)
        return True

    def watched(*args, **kwargs):
        seen.append(free())
        return Lark(*args, **kwargs)

    monkeypatch.setattr(grammar_cache, "Lark", watched)
    assert parses_as_symdiff_does(cached_lark(PLAIN_GRAMMAR, **PLAIN_OPTIONS))
    assert seen == [False]
    assert free()  # and let go afterwards


def test_the_file_name_holds_the_grammar_hash(cache_home):
    edited = PLAIN_GRAMMAR + "\n// a comment\n"
    assert cache_file(edited, PLAIN_OPTIONS) != cache_file(PLAIN_GRAMMAR, PLAIN_OPTIONS)
    assert cache_file(PLAIN_GRAMMAR, {**PLAIN_OPTIONS, "start": ["start"]}) != cache_file(PLAIN_GRAMMAR, PLAIN_OPTIONS)


def test_without_xdg_cache_home_the_cache_is_in_dot_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    for unset in (None, "relative/cache"):  # the XDG rule: a relative path is ignored
        if unset is None:
            monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
        else:
            monkeypatch.setenv("XDG_CACHE_HOME", unset)
        path = cache_file(PLAIN_GRAMMAR, PLAIN_OPTIONS)
        assert path is not None and path.parent == tmp_path / ".cache" / "symdiff"


def test_a_cache_directory_that_cannot_be_made_builds_the_parser(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))
    assert cache_file(PLAIN_GRAMMAR, PLAIN_OPTIONS) is None
    assert parses_as_symdiff_does(cached_lark(PLAIN_GRAMMAR, **PLAIN_OPTIONS))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes to a read-only directory")
def test_a_read_only_cache_directory_builds_the_parser(cache_home):
    directory = cache_home / "symdiff"
    directory.mkdir(mode=0o500)
    try:
        assert parses_as_symdiff_does(cached_lark(PLAIN_GRAMMAR, **PLAIN_OPTIONS))
        assert list(directory.iterdir()) == []
    finally:
        directory.chmod(0o700)


def test_a_corrupt_cache_file_is_replaced_and_the_parser_is_right(cache_home):
    path = cache_file(PLAIN_GRAMMAR, PLAIN_OPTIONS)
    assert path is not None
    for corrupt in (b"", b"\x80\x04garbage", b"0123abcd\n\x80\x04\x95truncated", os.urandom(4096)):
        path.write_bytes(corrupt)
        assert parses_as_symdiff_does(cached_lark(PLAIN_GRAMMAR, **PLAIN_OPTIONS))
        assert path.read_bytes() != corrupt


class _Planted:
    """A pickle that makes a directory when it is loaded: the stand-in for code run from a cache file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


def _plant(path: Path, marker: Path) -> None:
    path.write_bytes(b"0" * 64 + b"\n" + pickle.dumps(_Planted(marker)))


def test_a_cache_file_others_may_write_is_never_loaded(cache_home, tmp_path):
    directory = cache_home / "symdiff"
    marker = tmp_path / "ran"
    path = cache_file(PLAIN_GRAMMAR, PLAIN_OPTIONS)
    assert path is not None
    _plant(path, marker)
    cached_lark(PLAIN_GRAMMAR, **PLAIN_OPTIONS)
    assert marker.is_dir()  # the user's own cache is trusted as their own files are: a planted file would run
    marker.rmdir()
    for others_may_write in (directory, path):
        _plant(path, marker)
        others_may_write.chmod(0o777 if others_may_write.is_dir() else 0o622)
        assert cache_file(PLAIN_GRAMMAR, PLAIN_OPTIONS) is None
        assert parses_as_symdiff_does(cached_lark(PLAIN_GRAMMAR, **PLAIN_OPTIONS))
        assert not marker.exists()
        others_may_write.chmod(0o700 if others_may_write.is_dir() else 0o600)


def test_a_symlinked_cache_file_is_never_loaded(cache_home, tmp_path):
    marker = tmp_path / "ran"
    elsewhere = tmp_path / "elsewhere.lark"
    _plant(elsewhere, marker)
    path = cache_file(PLAIN_GRAMMAR, PLAIN_OPTIONS)
    assert path is not None
    path.symlink_to(elsewhere)
    assert cache_file(PLAIN_GRAMMAR, PLAIN_OPTIONS) is None
    assert parses_as_symdiff_does(cached_lark(PLAIN_GRAMMAR, **PLAIN_OPTIONS))
    assert not marker.exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="only root can give a file to another user")
def test_a_cache_file_of_another_user_is_never_loaded(cache_home, tmp_path):
    marker = tmp_path / "ran"
    path = cache_file(PLAIN_GRAMMAR, PLAIN_OPTIONS)
    assert path is not None
    _plant(path, marker)
    os.chown(path, 65534, 65534)
    assert cache_file(PLAIN_GRAMMAR, PLAIN_OPTIONS) is None
    assert parses_as_symdiff_does(cached_lark(PLAIN_GRAMMAR, **PLAIN_OPTIONS))
    assert not marker.exists()
