"""Grade a class: every answer in the file marked, each distinct one once, the work spread over the cores.

Answers the same up to spacing (``A*x*x.T`` and ``A * x * x.T``) are marked
once: a class types a few hundred distinct answers to a question, so a
class of a thousand costs little more than one of a hundred. Each question
is derived once per process (its marker is built on first use). With more
than one job and enough distinct answers, the marking runs in a process
pool (``concurrent.futures``); the result is the same as in one process, in the file's order. An
answer whose marking fails unexpectedly is ``undecided`` with the error as
its feedback, so one strange answer never costs the class its grades.
"""

from __future__ import annotations

import os
import re
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from ..errors import SymdiffError
from ..limits import time_limit
from ..worksheet.load import Source, load
from ..worksheet.schema import Worksheet
from .answer_file import Answer, read_answers
from .markers import Marker, marker
from .marks import Mark, undecided

POOL_THRESHOLD = 64
"""Fewer distinct answers than this are marked in this process: starting workers would cost more."""
CHUNK = 40
"""Distinct answers per task sent to a worker: small enough for the progress bar and an even spread."""

Progress = Callable[[int, int], None]
"""Told (answers marked so far, distinct answers in all) as the work goes on."""


@dataclass(frozen=True)
class Graded:
    """One row of the answers file with its mark."""

    answer: Answer
    mark: Mark
    points: float
    counted: bool
    """False when a later row answers the same question for the same student: the last one counts."""

    @property
    def score(self) -> float:
        return self.mark.credit * self.points


@dataclass(frozen=True)
class Gradebook:
    """A class's grades: every row of the answers file, in its order, and the worksheet's questions."""

    title: str
    questions: tuple[tuple[str, float], ...]
    """(question id, points) in the worksheet's order."""
    rows: tuple[Graded, ...]
    distinct: int
    """How many answers were marked, after merging those equal up to spacing."""

    @property
    def students(self) -> tuple[str, ...]:
        """Students in the order they first appear."""
        return tuple(dict.fromkeys(row.answer.student for row in self.rows))

    def scores(self) -> dict[str, dict[str, float]]:
        """Student -> question -> score of the counted answer (questions not answered are absent)."""
        table: dict[str, dict[str, float]] = {student: {} for student in self.students}
        for row in self.rows:
            if row.counted:
                table[row.answer.student][row.answer.question] = row.score
        return table

    @property
    def max_score(self) -> float:
        return sum(points for _, points in self.questions)


def spacing(text: str) -> str:
    """``text`` with spaces that cannot matter removed: runs become one, and only a space between two letters or
    digits (``\\top x``, ``A x``) is kept."""
    text = " ".join(text.split())
    return re.sub(r"(?<=[^0-9A-Za-z]) | (?=[^0-9A-Za-z])", "", text)


def grade(
    worksheet_path: str | Path,
    answers_path: str | Path,
    jobs: int = 1,
    progress: Progress | None = None,
    answer_seconds: float = 0,
) -> Gradebook:
    """Grade every answer in ``answers_path`` against the worksheet at ``worksheet_path``.

    ``jobs``: processes to mark in (1: this one). ``answer_seconds``: the most
    one distinct answer may take (0: no limit); one that takes longer is
    ``undecided``, saying so. Errors in the worksheet or the answers file are a
    ``SymdiffError`` before anything is marked.
    """
    worksheet, source = load(worksheet_path)
    questions = tuple((q.id, q.points) for g in worksheet.groups for q in g.questions)
    answers = read_answers(answers_path, [qid for qid, _ in questions])
    distinct: dict[tuple[str, str], str] = {}
    for answer in answers:
        distinct.setdefault((answer.question, spacing(answer.text)), answer.text)
    marks = _mark_all(worksheet, source, Path(worksheet_path), list(distinct.items()), jobs, progress, answer_seconds)
    points = dict(questions)
    last = {(a.student, a.question): i for i, a in enumerate(answers)}
    rows = tuple(
        Graded(a, marks[(a.question, spacing(a.text))], points[a.question], last[(a.student, a.question)] == i)
        for i, a in enumerate(answers)
    )
    return Gradebook(worksheet.title, questions, rows, len(distinct))


Task = tuple[str, list[tuple[str, str]]]
"""A question id and (spacing key, text) of distinct answers to it."""


def _tasks(work: list[tuple[tuple[str, str], str]]) -> list[Task]:
    by_question: dict[str, list[tuple[str, str]]] = {}
    for (question, key), text in work:
        by_question.setdefault(question, []).append((key, text))
    return [(q, items[i : i + CHUNK]) for q, items in by_question.items() for i in range(0, len(items), CHUNK)]


def _mark_all(
    worksheet: Worksheet,
    source: Source,
    path: Path,
    work: list[tuple[tuple[str, str], str]],
    jobs: int,
    progress: Progress | None,
    seconds: float,
) -> dict[tuple[str, str], Mark]:
    tasks = _tasks(work)
    marks: dict[tuple[str, str], Mark] = {}
    done = 0
    if jobs > 1 and len(work) >= POOL_THRESHOLD:
        results = _in_pool(path, tasks, jobs, seconds)
    else:
        markers: dict[str, Marker] = {}
        results = (_mark_task(worksheet, source, markers, seconds, task) for task in tasks)
    for question, marked in results:
        marks.update(((question, key), mark) for key, mark in marked)
        done += len(marked)
        if progress is not None:
            progress(done, len(work))
    return marks


def _mark_task(
    worksheet: Worksheet, source: Source, markers: dict[str, Marker], seconds: float, task: Task
) -> tuple[str, list[tuple[str, Mark]]]:
    question, items = task
    if question not in markers:
        markers[question] = marker(worksheet, source, question)
    return question, [(key, _mark_one(markers[question], text, seconds)) for key, text in items]


def _mark_one(marker: Marker, text: str, seconds: float) -> Mark:
    try:
        with time_limit(seconds):
            return marker.mark(text)
    except SymdiffError as exc:  # a limit or an evaluation the checker does not turn into a verdict itself
        return undecided(exc.render())
    except RecursionError:
        return undecided("the answer is too deeply nested to check")
    except Exception as exc:  # one strange answer must not cost the class its grades
        return undecided(f"symdiff could not check this answer ({type(exc).__name__}: {exc}); please report it")


def _in_pool(path: Path, tasks: list[Task], jobs: int, seconds: float) -> Iterator[tuple[str, list[tuple[str, Mark]]]]:
    """Tasks marked by ``jobs`` worker processes, as they finish, the largest first.

    Whatever stops the caller (``--timeout``, Ctrl-C, an error) cancels the
    tasks not started; a worker that dies (out of memory) is an error, not a
    run that never ends.
    """
    executor = ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=(str(path), seconds))
    try:
        futures = [executor.submit(_worker_task, task) for task in sorted(tasks, key=lambda t: -len(t[1]))]
        for future in as_completed(futures):
            yield future.result()
    except BrokenProcessPool:
        raise SymdiffError(
            "a grading process ended unexpectedly (out of memory?)", hint="grade with fewer --jobs, or --jobs 1"
        ) from None
    finally:
        executor.shutdown(wait=False, cancel_futures=True)


_WORKER: dict[str, object] = {}


def _start_worker(path: str, seconds: float) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it ends the pool
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    worksheet, source = load(path)
    _WORKER.update(worksheet=worksheet, source=source, markers={}, seconds=seconds)


def _worker_task(task: Task) -> tuple[str, list[tuple[str, Mark]]]:
    return _mark_task(
        _WORKER["worksheet"],  # type: ignore[arg-type]
        _WORKER["source"],  # type: ignore[arg-type]
        _WORKER["markers"],  # type: ignore[arg-type]
        _WORKER["seconds"],  # type: ignore[arg-type]
        task,
    )


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
