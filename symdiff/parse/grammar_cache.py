"""Lark parsers kept in the user's cache directory, so that a process does not build them again.

Building the LALR tables of ``latex.lark`` takes more than a second of CPU in
every process that reads LaTeX; Lark's ``cache=`` option saves the tables to a
file and loads them in a few hundredths of a second. The file lives in
``$XDG_CACHE_HOME/symdiff`` (``~/.cache/symdiff``) and its name holds a hash of
the grammar, the options, Lark's version and Python's, so an edited grammar
gets a file of its own. Lark checks the hash written inside the file as well
and builds the parser again, silently, when the file is stale or unreadable,
writing the file anew. Processes take turns (a lock beside the file): two
writing at once could mix their bytes, the tables differing in order from one
process to the next.

Lark's cache file is a pickle, and loading a pickle runs what it holds. The
cache is therefore used only from a directory that belongs to the user and
that no one else may write, and only a file of the user's that no one else
may write (README, "Safety"); anywhere else, when the directory cannot be
made, or on a system without POSIX permissions and locks, the parser is built
as it is without a cache, with the same result.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
from pathlib import Path
from typing import Any

import lark
from lark import Lark

_OTHERS_WRITE = stat.S_IWGRP | stat.S_IWOTH


def cached_lark(grammar: str, **options: Any) -> Lark:
    """``Lark(grammar, **options)``, its tables loaded from the user's cache when they are there and trusted."""
    cache = cache_file(grammar, options)
    lock = None if cache is None else _lock(cache)
    if cache is None or lock is None:
        return Lark(grammar, **options)
    try:
        with contextlib.suppress(OSError):  # made with mode 0600 before Lark writes it, which keeps the mode
            os.close(os.open(cache, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        return Lark(grammar, cache=str(cache), **options)
    finally:
        os.close(lock)


def cache_file(grammar: str, options: dict[str, Any]) -> Path | None:
    """Where the tables of ``grammar`` are kept; None when there is no directory the user alone may write."""
    directory = _cache_directory()
    if directory is None:
        return None
    hashed = {name: value for name, value in sorted(options.items()) if name != "postlex"}  # not saved by Lark
    key = f"{grammar}\0{hashed!r}\0{lark.__version__}\0{sys.version_info[:2]}"
    path = directory / f"grammar-{hashlib.sha256(key.encode()).hexdigest()[:32]}.lark"
    try:
        found = path.lstat()
    except FileNotFoundError:
        return path
    except OSError:
        return None
    return path if stat.S_ISREG(found.st_mode) and _owned_by_user(found) else None


def _cache_directory() -> Path | None:
    """``$XDG_CACHE_HOME/symdiff`` (``~/.cache/symdiff``), made if missing; None unless only the user may write it."""
    if os.name != "posix":
        return None
    base = os.environ.get("XDG_CACHE_HOME", "")
    try:
        root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"  # the XDG rule: a relative one is ignored
        directory = root / "symdiff"
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        found = directory.stat()
    except (OSError, RuntimeError):  # RuntimeError: no home directory
        return None
    return directory if stat.S_ISDIR(found.st_mode) and _owned_by_user(found) else None


def _owned_by_user(found: os.stat_result) -> bool:
    """Whether the user owns the file or directory and no one else may write it."""
    return found.st_uid == os.getuid() and not found.st_mode & _OTHERS_WRITE


def _lock(cache: Path) -> int | None:
    """A descriptor holding the lock beside ``cache`` (closing it lets the next process in); None without one."""
    import fcntl  # POSIX, as _cache_directory made sure

    try:
        lock = os.open(cache.with_name(cache.name + ".lock"), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError:
        return None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
    except OSError:
        os.close(lock)
        return None
    return lock
