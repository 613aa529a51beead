"""A real ``symdiff serve`` and a real browser, for the web page's tests and the load benchmark.

``serving`` starts ``python -m symdiff serve --port 0`` as a user would (the
symdiff this process imports, through PYTHONPATH), reads the URL from the first line it
prints and stops it with SIGTERM afterwards. ``chromium`` opens Debian's
Chromium through playwright (``executable_path``: playwright downloads no
browser), headless, in a fresh profile. Both are plain context managers so
that ``bench/serve_load.py`` uses the same server start as the tests.
"""

from __future__ import annotations

import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import symdiff

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
FIRST_LINE = re.compile(r"symdiff serve: (http://[^/\s]+:\d+/)\n")
START_SECONDS = 120.0
"""How long the server may take to print its URL (SymPy's import on a busy machine; not a timing test)."""
STOP_SECONDS = 20.0


def _environment() -> dict[str, str]:
    """The symdiff this process imports first on the server's path (this checkout's, or PYTHONPATH's)."""
    path = [str(Path(symdiff.__file__).parent.parent), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path), "PYTHONUNBUFFERED": "1"}


def _first_line(process: subprocess.Popen[bytes]) -> str:
    """The first line the server prints on stdout, or "" when it exits (or stays silent) first."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(START_SECONDS):
            return ""
    return process.stdout.readline().decode("utf-8", "replace")


def _drain(stream: object) -> None:
    """Read a pipe to its end, so that the server never blocks on a full pipe (its access log)."""
    for _ in stream:  # type: ignore[attr-defined]
        pass


@contextmanager
def serving(*options: str) -> Iterator[str]:
    """``symdiff serve --port 0 OPTIONS`` running; its URL (``http://127.0.0.1:PORT/``) while inside."""
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [sys.executable, "-P", "-m", "symdiff", "serve", "--port", "0", *options],  # -P: PYTHONPATH before cwd
            stdout=subprocess.PIPE, stderr=errors, cwd=ROOT, env=_environment(),
        )
        try:
            line = _first_line(process)
            found = FIRST_LINE.fullmatch(line)
            if found is None:
                process.kill()
                process.wait()
                errors.seek(0)
                stderr = errors.read().decode("utf-8", "replace")
                raise RuntimeError(
                    f"symdiff serve did not print 'symdiff serve: http://HOST:PORT/' first; it printed {line!r},"
                    f" exit status {process.returncode}, stderr:\n{stderr}"
                    "\n(the server needs the web extra: pip install -e '.[web]'; make test installs it)"
                )
            threading.Thread(target=_drain, args=(process.stdout,), daemon=True).start()
            yield found.group(1)
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(STOP_SECONDS)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def missing_browser() -> str | None:
    """What to install for the browser tests, or None when playwright and Debian's chromium are there."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright (Python) is not installed: pip install -e '.[test]' (make test installs it)"
    if shutil.which(CHROMIUM) is None:
        return f"{CHROMIUM} is missing: apt-get install chromium (make test installs it as root)"
    return None


@contextmanager
def chromium() -> Iterator[BrowserContext]:
    """Debian's Chromium, headless, in a fresh profile, as a playwright browser context."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="symdiff-chromium-") as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
        )
        try:
            yield context
        finally:
            context.close()
