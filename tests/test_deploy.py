"""``symdiff export``: PrairieLearn questions, a Moodle quiz and a Gradescope autograder, checked against their formats.

The format facts below are the documented ones, cited where they come from;
the exports of the bundled worksheets are checked against them, and hostile
worksheet text must reach none of them as markup.
"""

from __future__ import annotations

import json
import re
import stat
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from symdiff.cli import main
from symdiff.deploy import moodle, prairielearn
from symdiff.worksheet.load import load
from symdiff.worksheet.solve import solve_worksheet

ROOT = Path(__file__).parent.parent

# PrairieLearn's question info schema, apps/prairielearn/src/schemas/schemas/infoQuestion.json in
# github.com/PrairieLearn/PrairieLearn: an object, additionalProperties false, required uuid, type, title, topic;
# uuid a string matching the pattern below; type one of the enum below; title, topic strings; tags an array of
# strings; singleVariant a boolean.
INFO_REQUIRED = {"uuid", "type", "title", "topic"}
INFO_PROPERTIES = {
    "comment", "uuid", "type", "title", "topic", "tags", "clientFiles", "clientTemplates", "template",
    "gradingMethod", "singleVariant", "showCorrectAnswer", "partialCredit", "options", "externalGradingOptions",
    "dependencies", "workspaceOptions", "sharingSets", "sharePublicly", "shareSourcePublicly",
}  # fmt: skip
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
TYPES = {"Calculation", "MultipleChoice", "Checkbox", "File", "MultipleTrueFalse", "v3"}

# Element attributes, from PrairieLearn's docs/elements/pl-multiple-choice.md, pl-checkbox.md,
# pl-symbolic-input.md and pl-number-input.md: (required, allowed).
ELEMENTS = {
    "pl-multiple-choice": ({"answers-name"}, {
        "all-of-the-above", "all-of-the-above-feedback", "allow-blank", "answers-name", "aria-label", "display",
        "hide-letter-keys", "hide-score-badge", "none-of-the-above", "none-of-the-above-feedback", "number-answers",
        "order", "placeholder", "size", "weight"}),
    "pl-checkbox": ({"answers-name"}, {
        "allow-blank", "answers-name", "detailed-help-text", "display", "hide-answer-panel", "hide-help-text",
        "hide-letter-keys", "hide-score-badge", "max-correct", "max-select", "min-correct", "min-select",
        "number-answers", "order", "partial-credit", "show-number-correct", "weight"}),
    "pl-symbolic-input": ({"answers-name"}, {
        "additional-simplifications", "allow-blank", "allow-complex", "allow-set-notation", "allow-trig-functions",
        "answers-name", "aria-label", "blank-value", "correct-answer", "custom-functions", "display",
        "display-log-as-ln", "display-simplified-expression", "formula-editor", "imaginary-unit-for-display",
        "initial-value", "label", "placeholder", "show-help-text", "show-score", "size", "suffix", "variables",
        "weight"}),
    "pl-number-input": ({"answers-name"}, {
        "allow-blank", "allow-complex", "allow-fractions", "answers-name", "aria-label", "atol", "blank-value",
        "comparison", "correct-answer", "custom-format", "digits", "display", "initial-value", "label", "placeholder",
        "rtol", "show-correct-answer", "show-help-text", "show-placeholder", "show-score", "size", "suffix", "weight"}),
    "pl-answer": (set(), {"correct", "feedback", "score"}),
    "pl-question-panel": (set(), set()),
}  # fmt: skip
ORDERS = {"pl-multiple-choice": {"random", "ascend", "descend", "fixed"}, "pl-checkbox": {"random", "fixed"}}
COMPARISONS = {"relabs", "sigfig", "decdig"}


class _Elements(HTMLParser):
    """Every element of a question.html with its attributes, and each pl-answer's content."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.answers: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))
        self.open.append(tag)
        if tag == "pl-answer":
            self.answers.append("")

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open}"
        self.open.pop()

    def handle_data(self, data):
        if "pl-answer" in self.open:
            self.answers[-1] += data


def elements(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    assert not parser.open, f"unclosed {parser.open}"
    return parser


@pytest.fixture(scope="module")
def solved():
    cache = {}

    def get(name: str):
        if name not in cache:
            worksheet, source = load(ROOT / "worksheets" / name)
            cache[name] = (worksheet, solve_worksheet(worksheet, source))
        return cache[name]

    return get


def check_prairielearn(worksheet, key) -> prairielearn.Export:
    exported = prairielearn.export(worksheet, key)
    ids = [q.id for g in worksheet.groups for q in g.questions]
    options = {q.id: q for g in key.groups for q in g.questions}
    folders = {name.split("/")[0] for name in exported.files}
    assert len(exported.report) == len(ids)  # every question is exported or said not to be
    for qid in ids:
        folder = prairielearn.folder(qid)
        if folder not in folders:
            assert any(line.startswith(f"{qid}: not exported: ") for line in exported.report)
            continue
        info = json.loads(exported.files[f"{folder}/info.json"])
        assert INFO_REQUIRED <= set(info) <= INFO_PROPERTIES
        assert re.fullmatch(UUID_PATTERN, info["uuid"]) and info["type"] in TYPES
        assert isinstance(info["title"], str) and isinstance(info["topic"], str)
        assert all(isinstance(tag, str) for tag in info["tags"]) and isinstance(info["singleVariant"], bool)
        parsed = elements(exported.files[f"{folder}/question.html"])
        for tag, attrs in parsed.found:
            if tag.startswith("pl-"):
                required, allowed = ELEMENTS[tag]
                assert required <= set(attrs) and set(attrs) <= allowed | required, (qid, tag, attrs)
            if tag in ORDERS and "order" in attrs:
                assert attrs["order"] in ORDERS[tag]
            if tag == "pl-answer":
                assert attrs["correct"] in ("true", "false")
            if tag == "pl-number-input":
                assert attrs["comparison"] in COMPARISONS and float(attrs["atol"]) > 0
                float(attrs["correct-answer"])
        names = [attrs["answers-name"] for _, attrs in parsed.found if "answers-name" in attrs]
        assert len(names) == len(set(names)) >= 1  # answers-name unique within a question
        answers = [attrs for tag, attrs in parsed.found if tag == "pl-answer"]
        if answers:
            key_options = options[qid].options
            assert [a["correct"] == "true" for a in answers] == [o.equivalent is True for o in key_options]
            assert [a.get("feedback") for a in answers] == [None if o.equivalent else o.why for o in key_options]
            assert all(text.strip() for text in parsed.answers)
            multiple = any(tag == "pl-multiple-choice" for tag, _ in parsed.found)
            assert not multiple or sum(a["correct"] == "true" for a in answers) == 1  # one correct answer
    return exported


def test_prairielearn_export_of_the_small_worksheet(solved):
    worksheet, key = solved("quadratic.toml")
    exported = check_prairielearn(worksheet, key)
    assert exported.report == [
        "1.a: q1_a/ (pl-multiple-choice, 1 points)",
        "2.a: q2_a/ (pl-symbolic-input, 1 points)",
        "2.b: q2_b/ (pl-number-input, 1 points)",
        "2.c: q2_c/ (pl-number-input, 1 points)",
    ]
    html = exported.files["q2_a/question.html"]
    assert 'variables="h, t, x" correct-answer="x*h*(1 - h)*(h - t)"' in html
    assert 'correct-answer="0.162" comparison="relabs" rtol="0" atol="0.000162"' in exported.files["q2_c/question.html"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["backprop.toml", "matrix-calculus.toml"])
def test_prairielearn_export_of_the_bundled_worksheets(solved, name):
    worksheet, key = solved(name)
    exported = check_prairielearn(worksheet, key)
    report = "\n".join(exported.report)
    if name == "backprop.toml":
        assert "1.a.i: q1_a_i/ (pl-multiple-choice, 1 points)" in report
        assert "2.c.1: not exported: blanks questions" in report
        assert "2.b: q2_b/ (pl-number-input, 1 points)" in report
    else:
        assert "1.a: q1_a/ (pl-checkbox, 1 points)" in report  # two correct options
        assert "1.c: not exported: the answer is in matrix form" in report
        assert "5.b: q5_b/ (pl-number-input, 1 points)" in report
        assert "<code>y - softmax(z2)</code>" in exported.files["q4_a/question.html"]  # plain syntax as code


def test_question_uuids_are_the_same_across_exports_and_differ_between_questions():
    first = prairielearn.question_uuid("Backpropagation", "1.a.i")
    assert first == prairielearn.question_uuid("Backpropagation", "1.a.i")
    assert uuid.UUID(first).version == 5
    others = {prairielearn.question_uuid(t, q) for t in ("Backpropagation", "Other") for q in ("1.a.i", "1.a.ii")}
    assert len(others) == 4 and first in others


def test_the_export_commands_write_whole_files(tmp_path):
    out = tmp_path / "questions"
    result = CliRunner().invoke(
        main, ["export", "prairielearn", str(ROOT / "worksheets" / "quadratic.toml"), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["q1_a", "q2_a", "q2_b", "q2_c"]
    info = json.loads((out / "q1_a" / "info.json").read_text(encoding="utf-8"))
    assert info["uuid"] == prairielearn.question_uuid("A quadratic form and a neuron", "1.a")
    assert "1.a: q1_a/ (pl-multiple-choice, 1 points)" in result.output
    assert not list(out.rglob(".symdiff-*"))
    quiz = tmp_path / "quiz.xml"
    result = CliRunner().invoke(
        main, ["export", "moodle", str(ROOT / "worksheets" / "quadratic.toml"), "-o", str(quiz)]
    )
    assert result.exit_code == 0, result.output
    assert "2.a: not exported: no Moodle question type checks a typed formula" in result.output
    ET.fromstring(quiz.read_text(encoding="utf-8"))
    broken = tmp_path / "broken.toml"
    broken.write_text('title = "x"\n[[group]]\nid = "1"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["export", "moodle", str(broken), "-o", str(tmp_path / "none.xml")])
    assert result.exit_code == 2 and not (tmp_path / "none.xml").exists()
    result = CliRunner().invoke(main, ["export", "prairielearn", str(broken), "-o", str(tmp_path / "none")])
    assert result.exit_code == 2 and not (tmp_path / "none").exists()


# Moodle XML (docs.moodle.org/en/Moodle_XML_format): <quiz> holds <question type="...">; every question needs
# <name><text> and <questiontext format=...><text>; a multichoice has <single> (true or false) and <answer
# fraction="..."> elements with <text> and <feedback><text>; a numerical has <answer fraction="100"> with <text> and
# <tolerance>; a type="category" question holds <category><text>.
def check_moodle(worksheet, key) -> moodle.Export:
    exported = moodle.export(worksheet, key)
    root = ET.fromstring(exported.files["quiz.xml"])
    assert root.tag == "quiz"
    questions = root.findall("question")
    assert questions[0].get("type") == "category" and questions[0].findtext("category/text")
    for question in questions[1:]:
        kind = question.get("type")
        assert kind in ("multichoice", "numerical")
        assert question.findtext("name/text").strip()
        assert question.find("questiontext").get("format") == "html" and question.find("questiontext/text") is not None
        answers = question.findall("answer")
        if kind == "multichoice":
            assert question.findtext("single") in ("true", "false") and len(answers) >= 2
            fractions = [float(a.get("fraction")) for a in answers]
            assert sum(fractions) == pytest.approx(100, abs=1e-3)
            assert all(a.findtext("text").strip() and a.find("feedback/text") is not None for a in answers)
            assert (question.findtext("single") == "true") == (sum(f > 0 for f in fractions) == 1)
        else:
            (answer,) = answers
            assert answer.get("fraction") == "100"
            float(answer.findtext("text"))
            assert float(answer.findtext("tolerance")) > 0
    return exported


def test_moodle_export_of_the_small_worksheet(solved):
    worksheet, key = solved("quadratic.toml")
    exported = check_moodle(worksheet, key)
    xml = exported.files["quiz.xml"]
    assert r"\((\mathbf{A} + \mathbf{A}^\top) \mathbf{x}\)" in xml  # math for MathJax
    assert "<tolerance>0.000162</tolerance>" in xml


@pytest.mark.slow
@pytest.mark.parametrize("name", ["backprop.toml", "matrix-calculus.toml"])
def test_moodle_export_of_the_bundled_worksheets(solved, name):
    worksheet, key = solved(name)
    exported = check_moodle(worksheet, key)
    root = ET.fromstring(exported.files["quiz.xml"])
    kinds = [q.get("type") for q in root.findall("question")]
    assert kinds.count("multichoice") >= 5 and kinds.count("numerical") >= 6


HOSTILE = r"""title = "<script>alert(1)</script> & \\input{/etc/passwd}"

[[group]]
id = "1"
text = 'Let $x</p><script>alert(2)</script>$ and $\input{/etc/passwd}$ and <img src=x onerror=alert(3)>.'

[group.context]
syntax = "plain"
definitions = ["f = x^2"]

[[group.question]]
id = "1.a"
kind = "choice"
text = 'A "quote" \( not math \) and $$ and $x < y$.'
wrt = "x"
options = ["2*x", "x"]
"""


def test_hostile_worksheet_text_reaches_no_export_as_markup(tmp_path):
    path = tmp_path / "hostile.toml"
    path.write_text(HOSTILE, encoding="utf-8")
    worksheet, source = load(path)
    key = solve_worksheet(worksheet, source)
    html = prairielearn.export(worksheet, key).files["q1_a/question.html"]
    parsed = elements(html)
    assert {tag for tag, _ in parsed.found} <= {
        "pl-question-panel",
        "p",
        "span",
        "code",
        "pl-multiple-choice",
        "pl-answer",
    }
    assert "<script" not in html and "<img" not in html
    assert r"\input" not in re.sub(r"<code>.*?</code>", "", html)  # not allow-listed: shown as code, never as math
    assert r"\(x &lt; y\)" in html
    xml = moodle.export(worksheet, key).files["quiz.xml"]
    for question in ET.fromstring(xml).findall("question")[1:]:
        text = question.findtext("questiontext/text")
        assert "<script" not in text and "<img" not in text
        assert {tag for tag, _ in elements(text).found} <= {"p", "span", "code"}


def test_gradescope_autograder_bundle(tmp_path):
    out = tmp_path / "autograder.zip"
    ws = ROOT / "worksheets" / "quadratic.toml"
    result = CliRunner().invoke(main, ["export", "gradescope", str(ws), "-o", str(out)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        # Gradescope's autograder specification: setup.sh and run_autograder at the root of the zip
        assert {
            "setup.sh",
            "run_autograder",
            "worksheet.toml",
            "symdiff/cli/grade.py",
            "symdiff/parse/plain.lark",
        } <= set(names)
        for name in ("setup.sh", "run_autograder"):
            assert stat.S_IMODE(archive.getinfo(name).external_attr >> 16) & 0o111
            assert archive.read(name).startswith(b"#!/usr/bin/env bash\n")
        assert archive.read("worksheet.toml") == ws.read_bytes()
        run = archive.read("run_autograder").decode()
        assert "/autograder/results/results.json" in run and "--gradescope" in run
        assert "pip install" in archive.read("setup.sh").decode() and "sympy" in archive.read("setup.sh").decode()
    again = tmp_path / "again.zip"
    CliRunner().invoke(main, ["export", "gradescope", str(ws), "-o", str(again)])
    assert again.read_bytes() == out.read_bytes()


@pytest.mark.slow
def test_the_bundled_symdiff_grades_a_submission(tmp_path):
    out = tmp_path / "autograder.zip"
    CliRunner().invoke(main, ["export", "gradescope", str(ROOT / "worksheets" / "quadratic.toml"), "-o", str(out)])
    source = tmp_path / "source"
    zipfile.ZipFile(out).extractall(source)
    (tmp_path / "sub.csv").write_text("question,answer\n2.c,0.162\n", encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "symdiff",
            "grade",
            "worksheet.toml",
            str(tmp_path / "sub.csv"),
            "--gradescope",
            "--jobs",
            "1",
        ],
        cwd=source,
        env={"PYTHONPATH": str(source), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert results["score"] == 1 and [t["status"] for t in results["tests"]] == ["failed", "failed", "failed", "passed"]


COMPONENTS = r"""title = "Components"

[[group]]
id = "1"

[group.context]
shapes = { A = [2, 2], x = [2] }
definitions = ['\mathbf{b} = \mathbf{Ax}', 'f = \frac{1}{2} \|\mathbf{b}\|^2']

[[group.question]]
id = "1.a"
kind = "derive"
wrt = "x1, x2"

[[group]]
id = "2"

[group.context]
syntax = "plain"
definitions = ["y = e*x^2 + relu(w)"]

[[group.question]]
id = "2.a"
kind = "derive"
wrt = "x"

[[group.question]]
id = "2.b"
kind = "derive"
wrt = "w"

[[group.question]]
id = "2.c"
kind = "derive"
wrt = "e"
"""


def test_a_derive_answer_in_components_is_one_symbolic_input_per_component(tmp_path):
    path = tmp_path / "components.toml"
    path.write_text(COMPONENTS, encoding="utf-8")
    worksheet, source = load(path)
    exported = check_prairielearn(worksheet, solve_worksheet(worksheet, source))
    parsed = elements(exported.files["q1_a/question.html"])
    inputs = [attrs for tag, attrs in parsed.found if tag == "pl-symbolic-input"]
    assert [(a["label"], a["correct-answer"]) for a in inputs] == [
        ("(1)", "A11*b1 + A21*b2"),
        ("(2)", "A12*b1 + A22*b2"),
    ]
    assert inputs[0]["variables"] == "A11, A12, A21, A22, b1, b2"
    assert exported.report[1:] == [
        "2.a: not exported: the answer uses the name e, which pl-symbolic-input keeps for itself",
        "2.b: not exported: the answer uses step, which pl-symbolic-input does not know",
        "2.c: q2_c/ (pl-symbolic-input, 1 points)",
    ]
    assert 'variables="x" correct-answer="x**2"' in exported.files["q2_c/question.html"]
