"""What grading one answer gives: a verdict, the reason, feedback for the student and a share of the points.

Kept apart from the markers that produce it and the gradebook that adds it
up, so both print the same thing and a worker process can send it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Verdict = Literal["correct", "wrong", "undecided", "unreadable"]
VERDICTS: tuple[Verdict, ...] = ("correct", "wrong", "undecided", "unreadable")


@dataclass(frozen=True)
class Mark:
    """The grade of one answer, before it is weighted by the question's points."""

    verdict: Verdict
    reason: str | None
    """Why a wrong answer is wrong (the checker's rule: ``transpose``, ``factor``, ...; ``sign``; ``numbers``)."""
    feedback: str
    """What the student reads: how it was found right, why it is wrong, or the caret message of a parse error."""
    credit: float
    """The share of the question's points it earns, 0 to 1."""


def right(feedback: str) -> Mark:
    return Mark("correct", None, feedback, 1.0)


def wrong(reason: str, feedback: str, partial: Mapping[str, float]) -> Mark:
    """A wrong answer, earning what the worksheet's ``[grading] partial`` gives its reason (nothing by default)."""
    return Mark("wrong", reason, feedback, partial.get(reason, 0.0))


def unreadable(feedback: str) -> Mark:
    return Mark("unreadable", "unreadable", feedback, 0.0)


def undecided(feedback: str) -> Mark:
    return Mark("undecided", None, feedback, 0.0)
