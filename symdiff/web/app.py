"""The web page's routes: the page, its static files, KaTeX, and the JSON API under ``/api/``.

Each API request's body is bounded and parsed here, then its work goes to a worker process
(``workers.py``), which runs it through symdiff's API (``jobs.py``); the event loop never runs SymPy.
Every response carries a Content-Security-Policy allowing this origin's scripts, styles and fonts only.
"""

from __future__ import annotations

import json
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import LimitError, SymdiffError
from .jobs import JOBS, error_body
from .workers import Workers

STATIC = Path(__file__).parent / "static"

MAX_BODY_BYTES = 256 * 1024
"""Largest request body read; a larger one is a 413 (a worksheet is a few kB, a formula at most 10,000 characters)."""

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; font-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]

KATEX_TAGS = (
    '<link rel="stylesheet" href="/static/katex/katex.min.css">\n'
    '  <script src="/static/katex/katex.min.js" defer></script>'
)
"""What stands for ``<!-- katex -->`` in the page when KaTeX is found."""


class _Headers:
    """ASGI middleware: the security headers on every response, also on static files and errors."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _TooLarge(Exception):
    pass


async def _body(request: Request) -> bytes:
    """The request body, read no further than ``MAX_BODY_BYTES``."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY_BYTES:
        raise _TooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise _TooLarge
    return bytes(body)


def _error(status: int, error: SymdiffError) -> JSONResponse:
    return JSONResponse(error_body(error), status_code=status)


def create_app(workers: Workers, katex: Path | None) -> Starlette:
    """The app: the page, ``/static/`` (KaTeX under ``/static/katex/`` when found), and the JSON API."""
    page = (STATIC / "index.html").read_text(encoding="utf-8").replace("<!-- katex -->", KATEX_TAGS if katex else "")

    async def index(request: Request) -> HTMLResponse:
        return HTMLResponse(page)

    def endpoint(job: str):
        async def handle(request: Request) -> Response:
            try:
                data = json.loads(await _body(request))
            except _TooLarge:
                return _error(413, LimitError(f"request body over {MAX_BODY_BYTES:,} bytes", hint="send less"))
            except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
                return _error(400, SymdiffError("the request body is not JSON", hint="send a JSON object"))
            status, reply = await workers.run(job, data)
            if isinstance(reply, bytes):
                headers = {"content-disposition": 'attachment; filename="key.pdf"'}
                return Response(reply, status_code=status, media_type="application/pdf", headers=headers)
            return JSONResponse(reply, status_code=status)

        return handle

    routes = [
        Route("/", index),
        *(Route(f"/api/{job}", endpoint(job), methods=["POST"]) for job in JOBS),
        *([Mount("/static/katex", StaticFiles(directory=katex, follow_symlink=True))] if katex else []),
        Mount("/static", StaticFiles(directory=STATIC)),
    ]
    app = Starlette(routes=routes)
    app.add_middleware(_Headers)
    return app
