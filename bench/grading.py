"""Grading throughput (``python bench/grading.py``): a class of 1,000 students × 20 questions, timed end to end.

The worksheet is ``worksheets/matrix-calculus.toml`` (15 questions: choice,
derive in matrix and component form, forward, backprop, blanks) with five
questions about a neuron added (derive, forward, backprop), 20 in all. Each
student's answer to a question is drawn, with a fixed seed, from a
realistic mix: mostly right (an option number, the option's text, a typed
formula with the student's own spacing, plain syntax or LaTeX), common
mistakes (a transpose, a factor 2, the wrong sign, a wrong option, a wrong
number), answers of their own (a formula or a number nobody else typed),
typos that do not parse, and blanks. The time is that of
``symdiff.grade.grade`` on every core: reading the file, deriving each
question, marking every distinct answer, building the gradebook. Speed is
measured here, never in tests. Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from symdiff.grade.grading import available_cores, grade

NEURON = """
[[group]]
id = "7"
title = "Q7. A neuron"

[group.context]
syntax = "plain"
definitions = ["h = sigmoid(w*x + c)", "y = 0.5*(h - t)^2"]
at = { x = 2, w = 1, c = 0, t = 0 }
round = 2

[[group.question]]
id = "7.a"
kind = "derive"
wrt = "w"

[[group.question]]
id = "7.b"
kind = "derive"
wrt = "c"

[[group.question]]
id = "7.c"
kind = "derive"
wrt = "t"

[[group.question]]
id = "7.d"
kind = "forward"
values = { "(i)" = "h", "(ii)" = "y" }

[[group.question]]
id = "7.e"
kind = "backprop"
wrt = ["w", "c"]
"""

# question -> (right answers, common mistakes, a template for an answer of one's own ({k}: a random integer))
ANSWERS: dict[str, tuple[list[str], list[str], str]] = {
    "1.a": (["2, 4", "2*A.T*(A*x - b)"], ["2", "1", "3", "5", "A.T*(A*x - b)"], "{k}*A.T*(A*x - b)"),
    "1.b": (["3", r"2 \mathbf{r} \mathbf{x}^\top", "2*r*x.T"], ["1", "2", "4", "2*x*r.T"], "{k}*r*x.T"),
    "1.c": (["2*A.T*r", "2*A.T*(A*x - b)", r"2 A^\top r"], ["2*r.T*A", "A.T*r", "-2*A.T*r"], "{k}*A.T*r + x"),
    "2.a": (["2, 5", "(S + S.T)*x"], ["5", "1", "3", "4", "2*S*x"], "{k}*S*x"),
    "2.b": (["3", "x*x.T", r"\mathbf{x}\mathbf{x}^\top"], ["1", "2", "4", "x.T*x"], "{k}*x*x.T"),
    "2.c.i": (["2", "(2*S11*x1 + (S12 + S21)*x2, (S12 + S21)*x1 + 2*S22*x2)"], ["1", "3", "4"], "({k}*x1, x2)"),
    "2.c.ii": (["3, 4", "(x1*x2, x1*x2)"], ["3", "1", "2", "5"], "(x1*x2, {k}*x1*x2)"),
    "3.a": (["2, 3", "P.T*Q.T", "(Q*P).T"], ["2", "1", "4", "5", "Q*P"], "{k}*P.T*Q.T"),
    "4.a": (["2", "softmax(z2) - y"], ["1", "3", "4", "y - softmax(z2)"], "{k}*softmax(z2) - y"),
    "4.b": (["2", "(softmax(z2) - y)*a1.T"], ["1", "3", "4", "a1*(softmax(z2) - y).T"], "{k}*(softmax(z2) - y)*a1.T"),
    "4.c": (
        ["hadamard(W2.T*(softmax(z2) - y), step(z1))*x.T"],
        ["W2.T*(softmax(z2) - y)*x.T", "hadamard(W2.T*(softmax(z2) - y), step(z1))*x"],
        "{k}*hadamard(W2.T*(softmax(z2) - y), step(z1))*x.T",
    ),
    "5.a": (["-1, 1.5, 0, 1.5, 3, 1.5, 0.8176, 0.1824, 0.2014"], ["-1, 1.5, 0, 1.5, 3, 1.5, 0.82, 0.18, 0.2"], "{n}"),
    "5.b": (["0, 0, -0.1824, -0.3649, 0, -0.2736, 0, 0.2736"], ["0, 0, -0.18, -0.36, 0, -0.27, 0, 0.27"], "{n}"),
    "6.a": (["u, -u, v, -v, -1", "-u, u, -v, v, -1"], ["u, -u, v, -v, 1", "u, v, v, u, -1"], "{b}"),
    "6.b": (["none", "No valid combination"], ["u, v, 0", "2*u, -v, 1"], "{b}"),
    "7.a": (["x*h*(1 - h)*(h - t)"], ["h*(1 - h)*(h - t)", "x*h*(1 - h)*(t - h)"], "{k}*x*h*(1 - h)*(h - t)"),
    "7.b": (["h*(1 - h)*(h - t)"], ["x*h*(1 - h)*(h - t)", "h*(1 - h)"], "{k}*h*(1 - h)*(h - t)"),
    "7.c": (["t - h", "-(h - t)"], ["h - t", "h"], "{k}*(t - h)"),
    "7.d": (["0.88, 0.39", "0.88; 0.39"], ["0.9, 0.4", "0.88, 0.3872"], "{n}"),
    "7.e": (["0.1859, 0.0929", "0.1859; 0.0929"], ["0.2, 0.1", "0.0929, 0.1859"], "{n}"),
}
MIX = (("right", 0.62), ("mistake", 0.22), ("own", 0.06), ("typo", 0.05), ("blank", 0.05))
"""Share of each kind of answer."""
TYPOS = ["A*x*x.T*", "(A + A.T*x", "x h (1 - h", "2**", "foo(x)", "softmax(z2 - y", "0..5", "[1, 2"]


def worksheet(folder: Path) -> Path:
    path = folder / "worksheet.toml"
    text = (ROOT / "worksheets" / "matrix-calculus.toml").read_text(encoding="utf-8")
    path.write_text(text + NEURON, encoding="utf-8")
    return path


def respaced(text: str, rng: random.Random) -> str:
    """The same answer typed with the student's own spacing (spaces kept after a LaTeX command and between words)."""
    squeezed = text if "\\" in text or text.replace(" ", "").isalpha() else text.replace(" ", "")
    return rng.choice([text, squeezed, text.replace("*", " * "), " " + text + " "])


def answer(question: str, rng: random.Random) -> tuple[str, str]:
    right, mistakes, own = ANSWERS[question]
    kind = rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
    if kind == "right":
        return kind, respaced(rng.choice(right), rng)
    if kind == "mistake":
        return kind, respaced(rng.choice(mistakes), rng)
    if kind == "own":
        numbers = ", ".join(f"{rng.uniform(-2, 2):.2f}" for _ in range(len(right[0].split(","))))
        blanks = ", ".join(rng.choice(["u", "-u", "v", "-v", "0", "1", "-1"]) for _ in range(len(right[0].split(","))))
        return kind, own.format(k=rng.randint(3, 40), n=numbers, b=blanks)
    if kind == "typo":
        return kind, rng.choice(TYPOS)
    return kind, ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=available_cores())
    args = parser.parse_args()
    rng = random.Random(20261201)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ws = worksheet(folder)
        answers = folder / "class.csv"
        kinds: Counter[str] = Counter()
        with answers.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["student", "question", "answer"])
            for s in range(args.students):
                for question in ANSWERS:
                    kind, text = answer(question, rng)
                    kinds[kind] += 1
                    writer.writerow([f"student{s:04d}", question, text])
        start = time.perf_counter()
        book = grade(ws, answers, args.jobs)
        seconds = time.perf_counter() - start
    verdicts = Counter(row.mark.verdict for row in book.rows)
    print("| answers | students × questions | distinct | jobs | seconds | answers per second |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    print(
        f"| {len(book.rows):,} | {args.students:,} × {len(ANSWERS)} | {book.distinct:,} | {args.jobs} "
        f"| {seconds:.1f} | {len(book.rows) / seconds:,.0f} |"
    )
    print()
    print("mix typed: " + ", ".join(f"{kinds[k]} {k}" for k, _ in MIX))
    print("verdicts:  " + ", ".join(f"{n} {v}" for v, n in verdicts.items()))


if __name__ == "__main__":
    main()
