"""Write a file whole or not at all (a key, a picture): a temporary file beside it, then a rename.

The rules (README, "Safety"): only a regular file is replaced, and it keeps
its mode (and its owner, where the system allows: root may); a new file gets
the mode the umask gives (0644 under umask 022); a symlink is written
through, so its target gets the text and the link stays; a directory, device,
FIFO or socket, a name ending in ``/`` and the file being read (``protect``,
compared as files, not as names) are refused. The temporary file has a short
name of its own, so any name the system allows can be written, and it is
removed whatever stops the write: an error, Ctrl-C, SIGTERM (``cli/app.py``
turns it into an exception) or ``--timeout``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import stat
from collections.abc import Iterable
from pathlib import Path

from .errors import WorksheetError

_DEFERRED = {signal.SIGINT, signal.SIGTERM, signal.SIGALRM}
"""Signals held back while the temporary file is created, so it is never left without an owner to remove it."""


def check_target(path: str | Path, protect: Iterable[str | Path] = ()) -> Path:
    """The file ``path`` will replace (a symlink followed); a ``WorksheetError`` if it may not be written."""
    name = os.fspath(path)
    if not name or name.endswith(os.sep) or (os.altsep and name.endswith(os.altsep)):
        raise WorksheetError(
            f"{name!r}: not a file name (it ends in a directory separator)",
            hint="give the file to write, e.g. -o out/key.tex",
        )
    target = Path(os.path.realpath(name))
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise WorksheetError(f"{name}: cannot write: {exc.strerror}", hint="choose a path you can write to") from None
    if stat.S_ISDIR(mode):
        raise WorksheetError(
            f"{name}: is a directory", hint=f"give a file name inside it, e.g. -o {Path(name) / 'key.tex'}"
        )
    if not stat.S_ISREG(mode):
        raise WorksheetError(
            f"{name}: not a regular file (a device, FIFO or socket); symdiff only replaces regular files",
            hint="give the name of a new or ordinary file, or leave out -o to print to standard output",
        )
    for source in protect:
        if os.path.exists(source) and os.path.samefile(target, source):
            raise WorksheetError(
                f"{name}: is the input file {os.fspath(source)}; writing would replace it",
                hint="give another file name to -o",
            )
    return target


def write_atomically(path: str | Path, text: str | bytes, protect: Iterable[str | Path] = ()) -> None:
    """Replace ``path`` with ``text`` (UTF-8, or bytes as they are) under the rules above; an existing file is never
    left half-written."""
    target = check_target(path, protect)
    try:
        existing: os.stat_result | None = target.stat()
    except FileNotFoundError:
        existing = None
    temporary: Path | None = None
    try:
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED)
        try:
            handle, temporary = _create_beside(target)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        with os.fdopen(handle, "wb") as out:
            if existing is not None:
                _keep_owner_and_mode(out.fileno(), existing)
            out.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.replace(temporary, target)
        temporary = None
    except OSError as exc:
        raise WorksheetError(f"{path}: cannot write: {exc.strerror}", hint="choose a path you can write to") from None
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def _keep_owner_and_mode(handle: int, existing: os.stat_result) -> None:
    """Give the new file the replaced one's mode, and its owner where the system allows (root may, others may not)."""
    if (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
        with contextlib.suppress(PermissionError):
            os.fchown(handle, existing.st_uid, existing.st_gid)  # before the mode: a chown clears set-id bits
    os.fchmod(handle, stat.S_IMODE(existing.st_mode))


def _create_beside(target: Path) -> tuple[int, Path]:
    """A new file with a short random name in ``target``'s directory, opened for writing with the umask's mode."""
    while True:
        candidate = target.with_name(f".symdiff-{secrets.token_hex(6)}.tmp")
        try:
            return os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), candidate
        except FileExistsError:
            continue
