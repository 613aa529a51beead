"""Worksheets deployed to a course's grading system: PrairieLearn questions, a Moodle quiz, a Gradescope autograder.

Modules: ``html_safe`` (worksheet text and formulas into HTML, math kept only
when it is allow-listed LaTeX), ``prairielearn`` (a folder per question),
``moodle`` (Moodle XML), ``gradescope`` (the autograder zip that runs
``symdiff grade``). Each export is computed whole from the answer key before
anything is written, and says in its report what it could not express.
"""
