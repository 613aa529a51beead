"""Files symdiff reads and writes: ``-o`` keeps modes and replaces only regular files, input is read with a bound.

Writing: an existing key keeps its mode, a new one gets the umask's; a
symlink is written through; a directory, a FIFO, a trailing ``/`` and the
worksheet being solved are refused; any name the system allows can be
written; Ctrl-C or SIGTERM in the middle of a write leaves no temporary file.
Reading: ``/dev/zero`` is refused by its size at once, and a file that is not
a formula is never quoted in an error.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_batch import Batch, run_batch
from click.testing import CliRunner

from symdiff import limits
from symdiff.cli import main

SHEET = Path(__file__).parent.parent / "worksheets" / "quadratic.toml"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_key_gets_the_umask_default_mode(tmp_path, umask_022):
    out = tmp_path / "key.txt"
    assert run("solve", str(SHEET), "-o", str(out)).exit_code == 0
    assert mode(out) == 0o644


def test_an_existing_key_keeps_its_mode(tmp_path, umask_022):
    out = tmp_path / "key.txt"
    out.write_text("old key\n")
    out.chmod(0o640)
    result = run("solve", str(SHEET), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert mode(out) == 0o640
    assert "quadratic" in out.read_text().lower()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_a_key_replaced_by_root_keeps_its_owner(tmp_path):
    out = tmp_path / "key.txt"
    out.write_text("old key\n")
    os.chown(out, 4321, 4321)
    assert run("solve", str(SHEET), "-o", str(out)).exit_code == 0
    assert (out.stat().st_uid, out.stat().st_gid) == (4321, 4321)
    assert "quadratic" in out.read_text().lower()


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old\n")
    link = tmp_path / "key.json"
    link.symlink_to("real.json")
    result = run("solve", str(SHEET), "--format", "json", "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == "real.json"
    assert target.read_text().startswith("{")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["key.json", "real.json"]


def test_a_fifo_is_refused_and_left_in_place(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run("solve", str(SHEET), "-o", str(fifo))
    assert result.exit_code == 2
    assert f"symdiff: error: {fifo}: not a regular file" in result.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_a_directory_or_a_name_ending_in_a_slash_is_refused(tmp_path):
    (tmp_path / "keys").mkdir()
    result = run("solve", str(SHEET), "-o", str(tmp_path / "keys"))
    assert result.exit_code == 2 and "keys: is a directory" in result.output
    result = run("solve", str(SHEET), "-o", str(tmp_path / "out") + "/")
    assert result.exit_code == 2 and "not a file name (it ends in a directory separator)" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keys"]
    assert list((tmp_path / "keys").iterdir()) == []


@pytest.mark.parametrize("how", ["same path", "other spelling", "symlink", "hard link"])
def test_the_worksheet_being_solved_is_never_the_output(tmp_path, monkeypatch, how):
    monkeypatch.chdir(tmp_path)
    sheet = tmp_path / "sheet.toml"
    sheet.write_text(SHEET.read_text())
    out = {"same path": "sheet.toml", "other spelling": f"../{tmp_path.name}/./sheet.toml",
           "symlink": "alias.toml", "hard link": "twin.toml"}[how]
    if how == "symlink":
        Path("alias.toml").symlink_to("sheet.toml")
    if how == "hard link":
        os.link("sheet.toml", "twin.toml")
    result = run("solve", "sheet.toml", "-o", out)
    assert result.exit_code == 2
    assert f"symdiff: error: {out}: is the input file sheet.toml" in result.output
    assert sheet.read_text() == SHEET.read_text()


def test_the_longest_file_name_the_system_allows_can_be_written(tmp_path):
    longest = os.pathconf(tmp_path, "PC_NAME_MAX")
    out = tmp_path / ("k" * (longest - 6) + ".txt.x")
    assert len(out.name) == longest
    result = run("solve", str(SHEET), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


STALLED_WRITE = """
import os, sys, time
from pathlib import Path

ready = Path(sys.argv[1])


def stalled(source, target):  # the key is written to its temporary file; wait there to be interrupted
    ready.write_text(str(source))
    for _ in range(1000):  # short sleeps: a signal that reached another thread (NumPy's) is acted on within 0.1 s
        time.sleep(0.1)


os.replace = stalled
from symdiff.cli import main
main(sys.argv[2:], prog_name="symdiff")
"""


@pytest.mark.slow
@pytest.mark.parametrize(("sent", "status"), [(signal.SIGTERM, 128 + signal.SIGTERM), (signal.SIGINT, 1)])
def test_a_signal_in_the_middle_of_a_write_leaves_no_temporary_file(tmp_path, sent, status):
    keys, ready = tmp_path / "keys", tmp_path / "ready"
    keys.mkdir()
    out = keys / "key.txt"
    out.write_text("old key\n")
    process = subprocess.Popen([sys.executable, "-c", STALLED_WRITE, str(ready), "--timeout", "0", "solve", str(SHEET),
                                "-o", str(out)],  # no time limit: on a busy machine it could end the wait first
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not ready.exists() or not ready.read_text():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the write never started"
            time.sleep(0.05)
        temporary = Path(ready.read_text())
        assert temporary.parent == keys and temporary.exists()  # interrupted in the middle of the write
        process.send_signal(sent)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == status, stderr
    assert "Traceback" not in stderr
    assert [p.name for p in keys.iterdir()] == ["key.txt"]
    assert out.read_text() == "old key\n"


ENDLESS_INPUTS = [
    (["derive", "@/dev/zero", "--wrt", "x"],
     (f"symdiff: error: /dev/zero: a formula file of more than {limits.MAX_FORMULA_FILE_BYTES:,} bytes; "
      f"the limit is {limits.MAX_FORMULA_FILE_BYTES:,} bytes")),
    (["solve", "/dev/zero"],
     (f"symdiff: error: /dev/zero: a worksheet of more than {limits.MAX_WORKSHEET_BYTES:,} bytes; "
      f"the limit is {limits.MAX_WORKSHEET_BYTES:,} bytes")),
]


@pytest.fixture(scope="module")
def endless(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    """The endless inputs, read in one subprocess with a capped address space (``cli_batch.py``)."""
    return run_batch([["--timeout", "100", *args] for args, _ in ENDLESS_INPUTS], tmp_path_factory.mktemp("endless"))


@pytest.mark.parametrize(("args", "message"), ENDLESS_INPUTS)
def test_an_endless_input_is_refused_by_its_size(endless, args, message):
    done = endless[["--timeout", "100", *args]]
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(message), done.stderr


def test_a_large_file_is_refused_with_its_size(tmp_path):
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * limits.MAX_WORKSHEET_BYTES + "\n")
    result = run("solve", str(big))
    assert result.exit_code == 2
    assert f"a worksheet of {limits.MAX_WORKSHEET_BYTES + 3:,} bytes; the limit is {limits.MAX_WORKSHEET_BYTES:,}" in result.output


SECRET = "hunter2-Secret"


@pytest.mark.parametrize(("content", "why"), [
    (f"HOME=/root\0PASSWORD={SECRET}\0".encode(), "with control or invisible characters"),  # like /proc/self/environ
    (b"\x7fELF\x02\x01\x01\0" + SECRET.encode(), "with control or invisible characters"),
    (f"x + {SECRET}\xff".encode("latin-1"), "that is not UTF-8 text"),
    (f"x + \u202e{SECRET}".encode(), "with control or invisible characters"),
    (f"root:x:0:0:{SECRET}:/root:/bin/bash\n".encode(), "with characters neither syntax reads"),  # like /etc/passwd
    (f'[server]\ntoken = "{SECRET}"\n'.encode(), "with characters neither syntax reads"),
])
def test_a_file_that_is_not_a_formula_is_never_quoted(tmp_path, content, why):
    source = tmp_path / "secrets"
    source.write_bytes(content)
    result = run("derive", f"@{source}", "--wrt", "x")
    assert result.exit_code == 2
    assert result.output.startswith(f"symdiff: error: {source} is not a formula: a file of {len(content):,} bytes {why}")
    assert SECRET not in result.output and "PASSWORD" not in result.output


def test_a_formula_file_over_the_input_limit_is_refused_by_its_size(tmp_path):
    source = tmp_path / "long.txt"
    source.write_text(f"{SECRET} = 1\n" * (limits.MAX_INPUT_CHARS // 10))
    result = run("derive", f"@{source}", "--wrt", "x")
    assert result.exit_code == 2
    assert result.output.startswith(f"symdiff: error: {source}: a formula file of {limits.MAX_INPUT_CHARS // 10 * 19:,} "
                                    f"characters; the limit is {limits.MAX_INPUT_CHARS:,}")
    assert SECRET not in result.output


def test_a_formula_file_with_a_mistake_shows_the_line_and_a_caret(tmp_path):
    source = tmp_path / "net.txt"
    source.write_text("\ufeffb = A*x\nf = 0.5*nrom(b)**2\n")
    result = run("derive", f"@{source}", "--wrt", "A")
    assert result.exit_code == 2
    assert "  f = 0.5*nrom(b)**2\n          ^^^^" in result.output
