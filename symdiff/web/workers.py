"""Worker processes for the JSON API's jobs, each one killed and replaced when it overruns the timeout.

SymPy may take any time over a pathological formula, and a thread cannot be stopped, so every request's job
runs in one of a few worker processes, one job at a time each. The worker bounds the job itself
(``limits.time_limit``: a 408 reply); one that has not answered ``GRACE_SECONDS`` after the deadline is stuck
where Python cannot interrupt it, and is killed and replaced. The event loop only ever waits (a thread waits on
the worker's pipe), so other users are served meanwhile.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext

from ..errors import LimitError, SymdiffError
from .jobs import Reply, error_body, run

GRACE_SECONDS = 2.0
"""How long past the deadline a worker may take to answer before it is killed."""


PRELOAD = ["symdiff.web.jobs", "symdiff.evaluate", "symdiff.evaluate.code", "symdiff.evaluate.plan"]
"""Imported once by the process workers are forked from, so that a new worker answers at once (SymPy, NumPy)."""


def default_count() -> int:
    """Two workers at least (one stuck job leaves another free), at most four."""
    return min(4, max(2, os.cpu_count() or 2))


class Worker:
    """One process running jobs sent through its pipe."""

    def __init__(self, context: BaseContext) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True, name="symdiff-web-worker")  # type: ignore[attr-defined]
        self.process.start()
        child.close()

    def call(self, job: str, request: object, seconds: float) -> Reply:
        """Send the job and wait for its reply (blocking: run in a thread)."""
        self.connection.send((job, request, seconds))
        return self.connection.recv()

    def kill(self) -> None:
        self.process.kill()
        self.process.join()


def _serve(connection: Connection) -> None:
    """A worker's life: run each job received, send back its reply; end when the server's end closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which then ends its workers
    while True:
        try:
            job, request, seconds = connection.recv()
        except (EOFError, OSError):
            return
        connection.send(run(job, request, seconds))


class Workers:
    """A few ``Worker``s; a job waits for an idle one, and a stuck one is replaced."""

    def __init__(self, count: int, seconds: float) -> None:
        self.seconds = seconds
        self._context = multiprocessing.get_context("forkserver")  # a fresh process, SymPy already imported
        self._context.set_forkserver_preload(PRELOAD)
        self._workers = [Worker(self._context) for _ in range(count)]
        self._idle: asyncio.Queue[Worker] | None = None

    async def run(self, job: str, request: object) -> Reply:
        """The job's reply: a 408 if the worker overran the deadline and was killed."""
        if self._idle is None:  # made in the event loop that serves
            self._idle = asyncio.Queue()
            for worker in self._workers:
                self._idle.put_nowait(worker)
        worker = await self._idle.get()
        deadline = self.seconds + GRACE_SECONDS if self.seconds > 0 else None
        try:
            return await asyncio.wait_for(asyncio.to_thread(worker.call, job, request, self.seconds), deadline)
        except TimeoutError:
            worker = await self._replace(worker)
            return 408, error_body(LimitError(f"gave up after {self.seconds:g} s", hint=_TIMEOUT_HINT))
        except (EOFError, OSError):  # the worker ended mid-job (killed from outside): a fresh one takes its place
            worker = await self._replace(worker)
            return 503, error_body(SymdiffError("the worker running this request stopped", hint="send it again"))
        finally:
            self._idle.put_nowait(worker)

    async def _replace(self, worker: Worker) -> Worker:
        await asyncio.to_thread(worker.kill)
        self._workers.remove(worker)
        fresh = await asyncio.to_thread(Worker, self._context)
        self._workers.append(fresh)
        return fresh

    def close(self) -> None:
        """Kill every worker (the server is stopping)."""
        for worker in self._workers:
            worker.kill()


_TIMEOUT_HINT = "simplify the input, or use symbolic dims instead of large concrete ones"
