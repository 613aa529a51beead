"""``symdiff serve``: the web page on this computer (``symdiff.web``), for those who never open a terminal."""

from __future__ import annotations

import ipaddress
import socket
import sys

import click

from ..errors import SymdiffError
from ..limits import DEFAULT_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, MIN_TIMEOUT_SECONDS, suspended


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (this computer only).")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port; 0 picks a free one."
)
@click.option("--open", "open_page", is_flag=True, help="Open the page in the web browser.")
@click.option(
    "--timeout",
    type=click.FloatRange(MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS),
    default=DEFAULT_TIMEOUT_SECONDS,
    show_default=True,
    metavar="SECONDS",
    help="Give up on one request after this long (its worker process is stopped; the page answers 408).",
)
def serve(host: str, port: int, open_page: bool, timeout: float) -> None:
    """Serve the web page: derive, check answer options, solve a worksheet.

    \b
    The first line printed is the page's address:
      symdiff serve: http://127.0.0.1:8000/
    The JSON API the page uses (POST /api/read, /api/derive, /api/check,
    /api/worksheet, /api/worksheet/pdf) is documented in the README, "Web page".
    Stop it with Ctrl-C.
    """
    try:
        import uvicorn

        from ..web.app import create_app
        from ..web.katex import INSTALL_HINT, katex_dir
        from ..web.workers import Workers, default_count
    except ImportError as exc:
        raise SymdiffError(f"symdiff serve needs {exc.name}", hint="pip install 'symdiff[web]'") from None
    listening = _listen(host, port)
    address = listening.getsockname()
    if not ipaddress.ip_address(address[0]).is_loopback:
        click.echo(
            f"symdiff serve: WARNING: listening on {host}, which is not only this computer: anyone who can reach "
            "it can use the page and its CPU time. Use --host 127.0.0.1 unless you mean it.",
            err=True,
        )
    katex = katex_dir()
    if katex is None:
        click.echo(f"symdiff serve: {INSTALL_HINT}", err=True)
    workers = Workers(default_count(), timeout)
    app = create_app(workers, katex)
    url = f"http://{f'[{host}]' if ':' in host else host}:{address[1]}/"
    click.echo(f"symdiff serve: {url}")
    sys.stdout.flush()
    if open_page:
        import webbrowser

        webbrowser.open(url)
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    try:
        with suspended():  # the page runs until stopped, not within symdiff's --timeout for one command
            uvicorn.Server(config).run(sockets=[listening])
    except KeyboardInterrupt:
        pass  # Ctrl-C: uvicorn has already stopped serving
    finally:
        workers.close()
        listening.close()


def _listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host``:``port`` (connections wait in its queue until the server takes them)."""
    listening = None
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        listening = socket.socket(family, socket.SOCK_STREAM)
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # accepted connections inherit it: a small reply is sent at once, not held ~40 ms for the client's
        # delayed acknowledgement (uvicorn sets it on the sockets it makes, not on one handed to it)
        listening.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        listening.bind((host, port))
        listening.listen(1024)
    except OSError as exc:
        if listening is not None:
            listening.close()
        raise SymdiffError(f"cannot listen on {host}:{port}: {exc.strerror or exc}", hint="try --port 0") from None
    return listening
