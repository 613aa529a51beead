"""Grading a class's typed answers against a worksheet: verdicts, reasons, partial credit and a gradebook.

Modules: ``answer_file`` (reading the answers file), ``marks`` (what grading an
answer gives), ``markers`` (one marker per kind of question), ``grading``
(the class: distinct answers marked once, over the cores), ``gradebook``
(the gradebook CSV, the feedback JSON and Gradescope's ``results.json``).
"""

from .grading import Gradebook, Graded, grade

__all__ = ["Gradebook", "Graded", "grade"]
