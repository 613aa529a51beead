"""Read a class's answers: CSV rows ``student, question, answer``, one column per question, or JSON lines.

A file that cannot be read as one of these is one error naming the file and
the line, before anything is graded; a file that reads has every one of its
answers graded, so no student's answer is lost. The format is told by the
content: a first character ``{`` is JSON lines, anything else CSV with a
header (``student,question,answer``, ``student,<question id>,...``, or
``question,answer`` for one student's submission). CSV is read as Excel
writes it (quoted fields, ``\\r\\n``, a byte-order mark), the header's names
in any case and order.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import SymdiffError, did_you_mean
from ..files import read_limited

MAX_ANSWERS_BYTES = 50_000_000
"""An answers file of at most 50 MB: 20,000 answers take about 1 MB."""

LONG = ("student", "question", "answer")
SUBMISSION = ("question", "answer")
"""One student's file (a Gradescope submission): the student is ``submission``."""


@dataclass(frozen=True)
class Answer:
    """One answer as the file gives it: where it is, whose it is, the question and the text typed."""

    line: int
    student: str
    question: str
    text: str


def read_answers(path: str | Path, questions: Sequence[str]) -> list[Answer]:
    """Every answer in the file at ``path``, in file order; a ``SymdiffError`` naming the line if it is malformed.

    ``questions`` are the worksheet's question ids: an answer to any other
    question is an error (a typo in a header or a row), not a lost answer.
    """
    try:
        data = read_limited(path, MAX_ANSWERS_BYTES, "an answers file", hint="grade the class in smaller files")
    except FileNotFoundError:
        raise SymdiffError(f"{path}: no such file", hint="give the CSV or JSON-lines file of answers") from None
    except OSError as exc:
        raise SymdiffError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SymdiffError(
            f"{path}:{line}: not UTF-8 text", hint="save the file as UTF-8 (CSV UTF-8 in Excel)"
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SymdiffError(f"{path}:{line}: a NUL character: not a text file", hint="give a CSV or JSON-lines file")
    reader = _json_lines if text.lstrip().startswith("{") else _csv
    answers = reader(str(path), text, questions)
    if not answers:
        raise SymdiffError(f"{path}: no answers in the file", hint="one row per answer: student,question,answer")
    return answers


def _known(where: str, question: str, questions: Sequence[str]) -> str:
    if question not in questions:
        hint = did_you_mean(question, questions) or "questions are " + ", ".join(questions)
        raise SymdiffError(f"{where}: no question {question!r:.60} in the worksheet", hint=hint)
    return question


def _student(where: str, student: str) -> str:
    if not student.strip():
        raise SymdiffError(f"{where}: the student is empty", hint="every answer names its student")
    return student.strip()


def _csv(path: str, text: str, questions: Sequence[str]) -> list[Answer]:
    rows = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(rows, None)
        if header is None:
            raise SymdiffError(f"{path}: no answers in the file", hint="one row per answer: student,question,answer")
        names = [name.strip().lower() for name in header]
        line = rows.line_num
        if sorted(names) in (sorted(LONG), sorted(SUBMISSION)):
            where = [names.index(name) if name in names else None for name in LONG]
            return [
                Answer(
                    rows.line_num,
                    *_long(
                        f"{path}:{rows.line_num}",
                        [row[i] if i is not None else "submission" for i in where],
                        questions,
                    ),
                )
                for row in _fields(path, rows, len(names))
            ]
        if "student" not in names:
            raise SymdiffError(
                f"{path}:{line}: the header has no column 'student'",
                hint="write a header student,question,answer or student,<question id>,...",
            )
        columns = [name for name in header if name.strip().lower() != "student"]
        ids = [_known(f"{path}:{line}: column", name.strip(), questions) for name in columns]
        if len(set(ids)) != len(ids):
            raise SymdiffError(f"{path}:{line}: a question has two columns", hint="one column per question id")
        student_at = names.index("student")
        found = []
        for row in _fields(path, rows, len(names)):
            student = _student(f"{path}:{rows.line_num}", row[student_at])
            cells = [cell for i, cell in enumerate(row) if i != student_at]
            found += [Answer(rows.line_num, student, qid, cell) for qid, cell in zip(ids, cells)]
        return found
    except csv.Error as exc:
        raise SymdiffError(f"{path}:{rows.line_num}: not CSV: {exc}", hint="check the quotes on this line") from None


def _fields(path: str, rows: Iterable[list[str]], width: int) -> Iterable[list[str]]:
    """The rows after the header, each with the header's number of fields; blank lines skipped."""
    for row in rows:
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != width:
            line = getattr(rows, "line_num", "?")
            raise SymdiffError(
                f"{path}:{line}: {len(row)} fields where the header has {width}",
                hint='quote an answer that holds a comma: "(x_1, x_2)"',
            )
        yield row


def _long(where: str, fields: list[str], questions: Sequence[str]) -> tuple[str, str, str]:
    student, question, answer = fields
    return _student(where, student), _known(where, question.strip(), questions), answer


def _json_lines(path: str, text: str, questions: Sequence[str]) -> list[Answer]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SymdiffError(f"{where}: not JSON: {exc.msg}", hint="one JSON object per line") from None
        if not isinstance(record, dict) or set(record) != set(LONG):
            raise SymdiffError(
                f"{where}: not an answer",
                hint='write {"student": "...", "question": "...", "answer": "..."} on each line',
            )
        values = [record[key] for key in LONG]
        if not all(isinstance(value, str) or _is_number(value) for value in values):
            raise SymdiffError(f"{where}: student, question and answer must be strings or numbers")
        student, question, answer = (
            value if isinstance(value, str) else json.dumps(value, allow_nan=False) for value in values
        )
        found.append(Answer(number, *_long(where, [student, question, answer], questions)))
    return found


def _is_number(value: object) -> bool:
    """A JSON number, finite (Python's reader also takes NaN and Infinity)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
