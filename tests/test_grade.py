"""``symdiff grade``: a generated class graded through the real command line, every row checked.

The class answers the small worksheet (``worksheets/quadratic.toml``) with
``[grading] partial`` and 2 points on question 1.a. Each kind of answer a
class types is a template with its known verdict, reason and share of the
points: right ones (an option number, an option's text, a typed formula in
plain syntax or LaTeX, with other spacing), wrong ones (transpose, factor,
sign, shape, numbers), unreadable and empty ones; students answer some
questions twice (the last answer counts) and skip others.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from symdiff.cli import main

ROOT = Path(__file__).parent.parent
PARTIAL = {"factor": 0.5, "transpose": 0.5, "sign": 0.25}
POINTS = {"1.a": 2.0, "2.a": 1.0, "2.b": 1.0, "2.c": 1.0}

# (question, answer typed, verdict, reason, share of the points)
TEMPLATES = [
    ("1.a", "1", "correct", None, 1),
    ("1.a", " ( 1 ) ", "correct", None, 1),
    ("1.a", r"(\mathbf{A} + \mathbf{A}^\top) \mathbf{x}", "correct", None, 1),  # option 1's text
    ("1.a", "(A + A.T)*x", "correct", None, 1),  # plain syntax in a LaTeX worksheet
    ("1.a", "( A + A.T ) * x", "correct", None, 1),  # the same up to spacing
    ("1.a", r"(A + A^\top) x", "correct", None, 1),
    ("1.a", "A*x + A.T*x", "correct", None, 1),
    ("1.a", "2", "wrong", "transpose", 0.5),
    ("1.a", "x.T*(A + A.T)", "wrong", "transpose", 0.5),
    ("1.a", "3", "wrong", "factor", 0.5),
    ("1.a", "2*(A+A.T)*x", "wrong", "factor", 0.5),
    ("1.a", "-(A + A.T)*x", "wrong", "sign", 0.25),
    ("1.a", "4", "wrong", "shape", 0),
    ("1.a", "7, 1", "unreadable", "unreadable", 0),
    ("1.a", "(A + A.T*x", "unreadable", "unreadable", 0),
    ("1.a", "", "unreadable", "unreadable", 0),
    ("2.a", "x*h*(1 - h)*(h - t)", "correct", None, 1),
    ("2.a", "x*h*(1-h)*(h-t)", "correct", None, 1),
    ("2.a", r"x \cdot h \cdot (1 - h) \cdot (h - t)", "correct", None, 1),
    ("2.a", "x*h*(1 - h)*(t - h)", "wrong", "sign", 0.25),
    ("2.a", "2*x*h*(1 - h)*(h - t)", "wrong", "factor", 0.5),
    ("2.a", "y", "wrong", "differs", 0),
    ("2.a", "x h (1 - h", "unreadable", "unreadable", 0),
    ("2.a", "foo(x)", "unreadable", "unreadable", 0),
    ("2.a", "   ", "unreadable", "unreadable", 0),
    ("2.b", "0.9, 0.4", "correct", None, 1),
    ("2.b", "0.9; 0.4", "correct", None, 1),
    ("2.b", "9/10, 2/5", "correct", None, 1),
    ("2.b", "0.9, 0.5", "wrong", "numbers", 0.5),
    ("2.b", "1, 0", "wrong", "numbers", 0),
    ("2.b", "0.9", "unreadable", "unreadable", 0),
    ("2.b", "0.9, abc", "unreadable", "unreadable", 0),
    ("2.c", "0.162", "correct", None, 1),
    ("2.c", "0.1621", "correct", None, 1),  # within 0.1%
    ("2.c", "81/500", "correct", None, 1),
    ("2.c", "0.185", "wrong", "numbers", 0),  # the exact value, not the worksheet's rounding
    ("2.c", "1e400", "unreadable", "unreadable", 0),
]
FEEDBACK = {  # what some answers tell the student
    "(A + A.T*x": "formula ends too early",
    "foo(x)": "unknown function 'foo'",
    "": "no answer",
    "2": "option 2: it is the transpose of the answer",
    "0.9, 0.5": "wrong: (ii) (1 of 2 right)",
    "0.9": "1 number where 2 are asked for",
}


def worksheet(tmp_path: Path) -> Path:
    text = (ROOT / "worksheets" / "quadratic.toml").read_text(encoding="utf-8")
    text = text.replace(
        'title = "A quadratic form and a neuron"\n',
        'title = "A quadratic form and a neuron"\n\n[grading]\npartial = { factor = 0.5, transpose = 0.5, sign = 0.25 }\n',
    )
    text = text.replace('kind = "choice"\n', 'kind = "choice"\npoints = 2\n')
    path = tmp_path / "ws.toml"
    path.write_text(text, encoding="utf-8")
    return path


def generated_class(students: int) -> tuple[list[list[str]], list[tuple]]:
    """Rows of the CSV and, per row, its expected (verdict, reason, share, counted)."""
    by_question: dict[str, list[tuple]] = {}
    for template in TEMPLATES:
        by_question.setdefault(template[0], []).append(template)
    rows: list[list[str]] = []
    expected: list[tuple] = []
    for s in range(students):
        student = f"student{s:03d}"
        for q, (qid, templates) in enumerate(by_question.items()):
            if qid == "2.c" and s % 9 == 4:
                continue  # not answered
            answers = [templates[(s * 7 + q * 3) % len(templates)]]
            if s % 6 == 1:
                answers.insert(0, templates[(s + q) % len(templates)])  # answered twice: the last counts
            for n, (_, text, verdict, reason, share) in enumerate(answers):
                rows.append([student, qid, text])
                expected.append((verdict, reason, share, n == len(answers) - 1))
    return rows, expected


def write_csv(path: Path, rows: list[list[str]], header=("student", "question", "answer")) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.mark.slow
def test_a_generated_class_every_verdict_reason_score_and_total(tmp_path):
    ws = worksheet(tmp_path)
    rows, expected = generated_class(80)
    assert len(rows) > 300
    answers = write_csv(tmp_path / "class.csv", rows)
    result = CliRunner().invoke(
        main,
        [
            "grade",
            str(ws),
            str(answers),
            "-o",
            str(tmp_path / "book.csv"),
            "--feedback",
            str(tmp_path / "fb.json"),
            "--jobs",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    feedback = json.loads((tmp_path / "fb.json").read_text(encoding="utf-8"))
    assert feedback["max_score"] == 5
    records = feedback["answers"]
    assert len(records) == len(rows)  # every row once, in the file's order
    totals: dict[str, float] = {}
    cells: dict[tuple[str, str], float] = {}
    for line, (record, row, (verdict, reason, share, counted)) in enumerate(zip(records, rows, expected), start=2):
        assert (record["line"], record["student"], record["question"], record["answer"]) == (line, *row)
        assert (record["verdict"], record["reason"], record["counted"]) == (verdict, reason, counted), row
        assert record["score"] == pytest.approx(share * POINTS[row[1]]), row
        if row[2].strip() in FEEDBACK or row[2] in FEEDBACK:
            assert FEEDBACK[row[2] if row[2] in FEEDBACK else row[2].strip()] in record["feedback"], row
        if counted:
            totals[row[0]] = totals.get(row[0], 0) + share * POINTS[row[1]]
            cells[(row[0], row[1])] = share * POINTS[row[1]]
    book = list(csv.reader(io.StringIO((tmp_path / "book.csv").read_text(encoding="utf-8"))))
    assert book[0] == ["student", "1.a", "2.a", "2.b", "2.c", "total"]
    assert [line[0] for line in book[1:]] == list(totals)
    for line in book[1:]:
        for qid, cell in zip(book[0][1:-1], line[1:-1]):
            assert cell == ("" if (line[0], qid) not in cells else f"{cells[(line[0], qid)]:g}")
        assert float(line[-1]) == pytest.approx(totals[line[0]])
    verdicts = [e[0] for e in expected]
    assert f"graded {len(rows)} answers of 80 students" in result.output
    assert all(f"{verdicts.count(v)} {v}" in result.output for v in ("correct", "wrong", "unreadable"))
    assert {e[0] for e in expected} == {"correct", "wrong", "unreadable"}
    assert "''" not in (tmp_path / "book.csv").read_text()


def test_answers_the_same_up_to_spacing_are_decided_once(tmp_path):
    ws = worksheet(tmp_path)
    answers = write_csv(
        tmp_path / "a.csv",
        [
            ["ann", "2.a", "x*h*(1-h)*(h-t)"],
            ["bob", "2.a", "x * h * (1 - h) * (h - t)"],
            ["cy", "2.a", " x*h*(1 - h)*(h - t) "],
        ],
    )
    result = CliRunner().invoke(main, ["grade", str(ws), str(answers), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "graded 3 answers of 3 students (1 distinct): 3 correct" in result.output


@pytest.mark.slow
def test_a_process_pool_grades_as_one_process_does(tmp_path, monkeypatch):
    import symdiff.grade.grading as grading

    pools = []
    in_pool = grading._in_pool
    monkeypatch.setattr(grading, "_in_pool", lambda *args: pools.append(args[2]) or in_pool(*args))
    ws = worksheet(tmp_path)
    rows, _ = generated_class(30)
    rows += [[f"extra{i}", "2.c", f"{0.100 + i / 1000:.3f}"] for i in range(grading.POOL_THRESHOLD + 10)]
    answers = write_csv(tmp_path / "class.csv", rows)
    outputs = []
    for jobs in ("1", "2"):
        result = CliRunner().invoke(
            main, ["grade", str(ws), str(answers), "--feedback", str(tmp_path / f"fb{jobs}.json"), "--jobs", jobs]
        )
        assert result.exit_code == 0, result.output
        outputs.append(((tmp_path / f"fb{jobs}.json").read_text(), result.stdout))
    assert pools == [2]
    assert outputs[0] == outputs[1]
    extra = [a for a in json.loads(outputs[1][0])["answers"] if a["student"].startswith("extra")]
    assert [a["answer"] for a in extra if a["verdict"] == "correct"] == ["0.162"]


def test_one_column_per_question_and_json_lines(tmp_path):
    ws = worksheet(tmp_path)
    wide = write_csv(
        tmp_path / "wide.csv",
        [["ann", "1", "0.9, 0.4"], ["=cmd|' /C calc'!A0", "2", ""]],
        header=("Student", "1.a", "2.b"),
    )
    result = CliRunner().invoke(main, ["grade", str(ws), str(wide), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "student,1.a,2.a,2.b,2.c,total",
        "ann,2,,1,,3",
        "'=cmd|' /C calc'!A0,1,,0,,1",  # a spreadsheet formula is not a formula here
    ]
    lines = tmp_path / "a.jsonl"
    lines.write_text(
        '{"student": "ann", "question": "2.c", "answer": "0.162"}\n\n{"student": "bob", "question": "2.c", "answer": 0.2}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["grade", str(ws), str(lines), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == ["ann,,,,1,1", "bob,,,,0,0"]


BAD_FILES = [
    ("student,question,answer\nann,1.a,1\nbob,1.a\n", "bad.csv:3: 2 fields where the header has 3"),
    ("student,question,answer\nann,1.a,1\nbob,9.z,1\n", "bad.csv:3: no question '9.z' in the worksheet"),
    ("student,question,answer\nann,1.aa,1\n", "did you mean '1.a'?"),
    ("student,question,answer\n,1.a,1\n", "bad.csv:2: the student is empty"),
    ('student,question,answer\nann,1.a,"1\n', "bad.csv:2: not CSV"),
    ("name,1.a\nann,1\n", "bad.csv:1: the header has no column 'student'"),
    ("student,1.a,9.z\nann,1,2\n", "bad.csv:1: column: no question '9.z'"),
    ("student,question,answer\n", "bad.csv: no answers in the file"),
    ("", "bad.csv: no answers in the file"),
    ('{"student": "ann", "question": "1.a", "answer": "1"}\n{"student": "bob"\n', "bad.csv:2: not JSON"),
    ('{"student": "ann", "question": "1.a", "answer": "1"}\n[1, 2]\n', "bad.csv:2: not an answer"),
    ('{"student": "ann", "question": "1.a", "answer": null}\n', "bad.csv:1: student, question and answer must be"),
    ("student,question,answer\nann,1.a,\x00\n", "bad.csv:2: a NUL character"),
    ('{"student": "ann", "question": "1.a", "answer": NaN}\n', "bad.csv:1: student, question and answer must be"),
]


@pytest.mark.parametrize(("content", "message"), BAD_FILES, ids=[m for _, m in BAD_FILES])
def test_a_malformed_answers_file_is_one_error_naming_the_line_and_nothing_is_written(tmp_path, content, message):
    ws = worksheet(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    book, notes = tmp_path / "book.csv", tmp_path / "fb.json"
    book.write_text("old gradebook\n")
    result = CliRunner().invoke(main, ["grade", str(ws), str(bad), "-o", str(book), "--feedback", str(notes)])
    assert result.exit_code == 2
    assert result.output.startswith("symdiff: error: ") and result.output.count("symdiff: error") == 1
    assert message in result.output.replace(str(tmp_path) + "/", "")
    assert "Traceback" not in result.output
    assert book.read_text() == "old gradebook\n" and not notes.exists()


def test_answers_not_utf8_and_a_missing_file(tmp_path):
    ws = worksheet(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"student,question,answer\nann,1.a,\xff\n")
    result = CliRunner().invoke(main, ["grade", str(ws), str(bad)])
    assert result.exit_code == 2 and "bad.csv:2: not UTF-8 text" in result.output
    result = CliRunner().invoke(main, ["grade", str(ws), str(tmp_path / "none.csv")])
    assert result.exit_code == 2 and "none.csv: no such file" in result.output


def test_the_gradebook_may_not_replace_an_input_or_the_feedback(tmp_path):
    ws = worksheet(tmp_path)
    answers = write_csv(tmp_path / "a.csv", [["ann", "2.c", "0.162"]])
    result = CliRunner().invoke(main, ["grade", str(ws), str(answers), "-o", str(answers)])
    assert result.exit_code == 2 and "is the input file" in result.output
    result = CliRunner().invoke(
        main, ["grade", str(ws), str(answers), "-o", str(tmp_path / "x"), "--feedback", str(tmp_path / "x")]
    )
    assert result.exit_code == 2 and "-o and --feedback are the same file" in result.output
    assert answers.read_text().startswith("student,question,answer")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("partial = { factr = 0.5 }", "unknown reason 'factr'"),
        ("partial = { factor = 1.5 }", "less than or equal to 1"),
        ("tolerance = -1", "greater than 0"),
        ("points = 2", "not a field here"),
    ],
)
def test_a_bad_grading_table_is_a_worksheet_error(tmp_path, table, message):
    text = (ROOT / "worksheets" / "quadratic.toml").read_text(encoding="utf-8")
    ws = tmp_path / "ws.toml"
    ws.write_text(text + f"\n[grading]\n{table}\n", encoding="utf-8")
    answers = write_csv(tmp_path / "a.csv", [["ann", "2.c", "0.162"]])
    result = CliRunner().invoke(main, ["grade", str(ws), str(answers)])
    assert result.exit_code == 2 and message in result.output, result.output


def test_a_worksheet_tolerance_and_blanks_answers(tmp_path):
    text = (ROOT / "worksheets" / "backprop.toml").read_text(encoding="utf-8")
    ws = tmp_path / "ws.toml"
    ws.write_text(text.replace("[[group]]", "[grading]\ntolerance = 0.01\n\n[[group]]", 1), encoding="utf-8")
    rows = [
        ["ann", "2.b", "0.18, 0, 0.09, 0, -0.09, 0"],
        ["bob", "2.b", "0.189, 0, 0.09, 0, -0.09, 0.011"],  # 0.009 off: within 0.01; 0.011 off: not
        ["ann", "2.c.1", "x1, 0, -x1, 0, -1"],
        ["bob", "2.c.1", "x1,0,x1,0,-1"],
        ["cy", "2.c.1", "none"],
        ["dan", "2.c.1", "x1, 0, y, 0, -1"],
        ["ann", "2.a", "2, 3, 4, 5, 4, 3, 5"],
    ]
    answers = write_csv(tmp_path / "a.csv", rows)
    result = CliRunner().invoke(
        main, ["grade", str(ws), str(answers), "--feedback", str(tmp_path / "fb.json"), "--jobs", "1"]
    )
    assert result.exit_code == 0, result.output
    got = [(a["verdict"], a["reason"], a["score"]) for a in json.loads((tmp_path / "fb.json").read_text())["answers"]]
    assert got == [
        ("correct", None, 1),
        ("wrong", "numbers", pytest.approx(5 / 6)),
        ("correct", None, 1),
        ("wrong", "blanks", 0),
        ("wrong", "blanks", 0),
        ("unreadable", "unreadable", 0),
        ("correct", None, 1),
    ]


def test_gradescope_results_json_in_its_documented_format(tmp_path):
    """Gradescope's autograder specification (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
    results.json has a top-level ``score`` (required unless every test has one) and ``tests``, a list of objects
    with ``score``, ``max_score``, ``name``, ``number``, ``output`` and ``status`` ("passed" or "failed")."""
    ws = worksheet(tmp_path)
    submission = write_csv(
        tmp_path / "sub.csv",
        [["1.a", "2"], ["2.a", "x*h*(1 - h)*(h - t)"], ["2.b", "0.9"]],
        header=("question", "answer"),
    )
    out = tmp_path / "results.json"
    result = CliRunner().invoke(main, ["grade", str(ws), str(submission), "--gradescope", "-o", str(out)])
    assert result.exit_code == 0, result.output
    results = json.loads(out.read_text(encoding="utf-8"))
    assert set(results) == {"score", "tests"}
    assert all(set(test) == {"name", "number", "score", "max_score", "status", "output"} for test in results["tests"])
    assert [(t["name"], t["score"], t["max_score"], t["status"]) for t in results["tests"]] == [
        ("question 1.a", 1.0, 2, "failed"),
        ("question 2.a", 1.0, 1, "passed"),
        ("question 2.b", 0, 1, "failed"),
        ("question 2.c", 0, 1, "failed"),
    ]
    assert results["score"] == 2
    assert results["tests"][0]["output"].startswith("wrong: option 2: it is the transpose")
    assert results["tests"][2]["output"].startswith("unreadable: 1 number where 2")
    assert results["tests"][3]["output"] == "not answered"
    two = write_csv(tmp_path / "two.csv", [["ann", "1.a", "1"], ["bob", "1.a", "1"]])
    result = CliRunner().invoke(main, ["grade", str(ws), str(two), "--gradescope"])
    assert result.exit_code == 2 and "a Gradescope submission is one student's" in result.output


def _die(task):
    os._exit(1)


def test_a_grading_process_that_dies_is_one_clear_error(tmp_path, monkeypatch):
    import symdiff.grade.grading as grading

    monkeypatch.setattr(grading, "_worker_task", _die)
    ws = worksheet(tmp_path)
    rows = [[f"s{i}", "2.c", f"{i / 1000:.3f}"] for i in range(grading.POOL_THRESHOLD + 1)]
    answers = write_csv(tmp_path / "a.csv", rows)
    result = CliRunner().invoke(main, ["grade", str(ws), str(answers), "--jobs", "2", "-o", str(tmp_path / "book.csv")])
    assert result.exit_code == 2, result.output
    assert "symdiff: error: a grading process ended unexpectedly" in result.output
    assert not (tmp_path / "book.csv").exists()


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_progress_bar_shows_after_a_second_on_a_terminal(monkeypatch):
    from symdiff.cli import grade as command

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    bar = command._progress_bar()
    bar(1, 4)
    assert terminal.getvalue() == ""  # a run shorter than a second shows none
    bar.start -= 2
    bar(2, 4)
    bar(4, 4)
    assert "grading" in terminal.getvalue() and "100%" in terminal.getvalue()
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert command._progress_bar() is None


def test_timeout_bounds_each_answer_not_the_class(tmp_path, monkeypatch):
    """A class that takes longer than --timeout is graded whole; an answer that alone takes longer is undecided."""
    import time

    import symdiff.grade.grading as grading

    mark_one = grading._mark_one

    def slow(marker, text, seconds):
        return mark_one(_Slow(marker, 3.0 if text == "0.777" else 0.15), text, seconds)

    monkeypatch.setattr(grading, "_mark_one", slow)
    ws = worksheet(tmp_path)
    rows = [[f"s{i}", "2.c", f"{0.100 + i / 1000:.3f}"] for i in range(8)] + [["slowpoke", "2.c", "0.777"]]
    answers = write_csv(tmp_path / "class.csv", rows)
    started = time.monotonic()
    result = CliRunner().invoke(
        main, ["--timeout", "0.6", "grade", str(ws), str(answers), "--jobs", "1", "--feedback", str(tmp_path / "f.json")]
    )
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started > 0.6 * 2  # the class took longer than --timeout, and was graded whole
    verdicts = {row["student"]: row for row in json.loads((tmp_path / "f.json").read_text())["answers"]}
    assert verdicts["slowpoke"]["verdict"] == "undecided"
    assert "gave up after 0.6 s" in verdicts["slowpoke"]["feedback"]
    assert all(verdicts[f"s{i}"]["verdict"] != "undecided" for i in range(8))


class _Slow:
    """A marker that takes ``pause`` seconds before marking."""

    def __init__(self, marker, pause):
        self.marker, self.pause = marker, pause

    def mark(self, text):
        import time

        time.sleep(self.pause)
        return self.marker.mark(text)
