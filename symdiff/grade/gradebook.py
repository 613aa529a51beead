"""A gradebook printed: the CSV of scores, the feedback JSON per answer, Gradescope's ``results.json``.

The CSV has a row per student, a column per question and the total, as a
spreadsheet or a course site imports it; a cell a spreadsheet would run as a
formula (a student named ``=HYPERLINK(...)``) starts with ``'``. The feedback
has every row of the answers file once, in its order. Gradescope's format is
its autograder specification's (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
a top-level ``score`` and one test per question with ``score``, ``max_score``,
``status``, ``name`` and the feedback as ``output``.
"""

from __future__ import annotations

import csv
import io
import json

from ..errors import SymdiffError
from .grading import Gradebook
from .marks import VERDICTS

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def number(value: float) -> str:
    """A score as people write it: ``1``, ``0.5``, ``2.25``."""
    return f"{round(value, 6):g}"


def _cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def gradebook_csv(book: Gradebook) -> str:
    """``student,<question ids>,total``; a question not answered is an empty cell and counts 0."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", *(qid for qid, _ in book.questions), "total"])
    for student, scores in book.scores().items():
        cells = [number(scores[qid]) if qid in scores else "" for qid, _ in book.questions]
        writer.writerow([_cell(student), *cells, number(sum(scores.values()))])
    return out.getvalue()


def feedback_json(book: Gradebook) -> str:
    """``{"title", "max_score", "answers": [...]}``: one record per row of the answers file, in its order."""
    answers = [
        {
            "line": row.answer.line,
            "student": row.answer.student,
            "question": row.answer.question,
            "answer": row.answer.text,
            "verdict": row.mark.verdict,
            "reason": row.mark.reason,
            "feedback": row.mark.feedback,
            "score": round(row.score, 6),
            "points": row.points,
            "counted": row.counted,
        }
        for row in book.rows
    ]
    data = {"title": book.title, "max_score": book.max_score, "answers": answers}
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def summary(book: Gradebook) -> str:
    """One line: how many answers, students and distinct answers, and how many of each verdict."""
    counts = {verdict: sum(row.mark.verdict == verdict for row in book.rows) for verdict in VERDICTS}
    return f"graded {len(book.rows)} answers of {len(book.students)} students ({book.distinct} distinct): " + ", ".join(
        f"{n} {verdict}" for verdict, n in counts.items()
    )


def gradescope_results(book: Gradebook) -> str:
    """Gradescope's ``results.json`` for a submission of one student: a test per question of the worksheet."""
    if len(book.students) != 1:
        raise SymdiffError(
            f"a Gradescope submission is one student's; this one has {len(book.students)}",
            hint="grade a class with symdiff grade without --gradescope",
        )
    counted = {row.answer.question: row for row in book.rows if row.counted}
    tests = []
    for number_, (qid, points) in enumerate(book.questions, start=1):
        row = counted.get(qid)
        score = row.score if row is not None else 0.0
        output = f"{row.mark.verdict}: {row.mark.feedback}" if row is not None else "not answered"
        tests.append(
            {
                "name": f"question {qid}",
                "number": str(number_),
                "score": round(score, 6),
                "max_score": points,
                "status": "passed" if row is not None and row.mark.verdict == "correct" else "failed",
                "output": output,
            }
        )
    total = round(sum(test["score"] for test in tests), 6)  # type: ignore[misc]
    return json.dumps({"score": total, "tests": tests}, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
