"""How symdiff reads formulas as course material prints them: the tally over the notation corpus.

The corpus (``../shared/notation-corpus/latex_corpus.toml``, outside the
project) holds formulas as public course notes print them, each with its
meaning written by hand in symdiff's plain syntax. This script reads every
formula as LaTeX with no declarations, as a new user would, and sorts each
into one of:

* read as meant: the same syntax tree as its meaning, or the same variables
  with the same kinds of shape (scalar, vector, matrix) and the same values at
  random points;
* refused: a clear error (its first line is printed); for entries whose
  ``hand`` judgement says a refusal is right, "rightly refused";
* misread: read, but as something other than its meaning (or read where the
  corpus says no reading is right);
* crashed: anything but a symdiff error;
* unjudged: where the corpus states neither a meaning nor a judgement.

Not a test: the project's tests must not need ``../shared``. Run it with
``python bench/notation.py [--corpus PATH] [--verbose]``.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
import traceback
from collections import Counter
from pathlib import Path

import numpy as np

from symdiff.errors import SymdiffError
from symdiff.evaluate import compile_for
from symdiff.model import Formula, formula
from symdiff.parse import parse, parse_latex

DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "notation-corpus" / "latex_corpus.toml"
POINTS = 3
OUTCOMES = ("read as meant", "rightly refused", "refused", "misread", "crashed", "unjudged")


def kind(shape: tuple) -> str:
    """scalar, vector or matrix: what a reading must agree on."""
    return "scalar" if shape == () else "vector" if shape[1] == 1 else "matrix"


def random_point(meaning: Formula, rng: np.random.Generator) -> tuple[dict[str, object], dict[object, int]]:
    """Positive values for the meaning's variables (logs and roots stay real), square matrices well conditioned;
    and the size drawn for each dim."""
    sizes: dict[object, int] = {}
    values: dict[str, object] = {}
    for name, shape in meaning.variables.items():
        if shape == ():
            values[name] = float(rng.uniform(0.5, 1.5))
            continue
        dims = [d if isinstance(d, int) else sizes.setdefault(d, int(rng.integers(2, 5))) for d in shape]
        value = rng.uniform(0.5, 1.5, size=dims[0] if shape[1] == 1 else tuple(dims))
        if shape[1] != 1 and dims[0] == dims[1]:
            value = value + dims[0] * np.eye(dims[0])
        values[name] = value
    return values, sizes


def same_values(read: Formula, meaning: Formula, seed: int) -> str | None:
    """None when both formulas agree at random points, else why not."""
    # a dim the meaning uses as a number (n*log(2*pi), n the size of Sigma) is a scalar variable when nothing
    # declares it: the same formula where the scalar is that size
    as_sizes = {name for name in set(read.variables) - set(meaning.variables)
                if name in meaning.typing.sizes and read.variables[name] == ()}
    # the hand spelling of a name symdiff now reads (h_t_1 for h_{t-1}, which symdiff names h_tm1): paired in
    # sorted order, a wrong pairing shows as different values
    unread = sorted(set(meaning.variables) - set(read.variables))
    unmeant = sorted(set(read.variables) - as_sizes - set(meaning.variables))
    named = dict(zip(unread, unmeant)) if len(unread) == len(unmeant) else {}
    if {named.get(name, name) for name in meaning.variables} != set(read.variables) - as_sizes:
        return f"variables {sorted(read.variables)} instead of {sorted(meaning.variables)}"
    for name, shape in meaning.variables.items():
        if kind(read.variables[named.get(name, name)]) != kind(shape):
            return f"{name} is a {kind(read.variables[named.get(name, name)])}, meant a {kind(shape)}"
    ours, theirs = compile_for(read, read.expr), compile_for(meaning, meaning.expr)
    rng = np.random.default_rng(seed)
    for _ in range(POINTS):
        point, sizes = random_point(meaning, rng)
        expected = np.asarray(theirs(**point), dtype=float)
        try:
            renamed = {named.get(name, name): value for name, value in point.items()}
            got = np.asarray(ours(**renamed, **{name: sizes.get(name, 1) for name in as_sizes}), dtype=float)
        except (ValueError, TypeError) as exc:
            return f"cannot evaluate at the meaning's shapes: {exc}"
        if got.shape != expected.shape or not np.allclose(got, expected, rtol=1e-7, atol=1e-9, equal_nan=True):
            return "different values"
    return None


def judge(entry: dict) -> tuple[str, str]:
    """(outcome, detail) for one corpus entry."""
    latex, meaning_text, hand = entry["latex"], entry.get("meaning"), entry.get("hand", "")
    try:
        read = formula(latex, None, "latex")
    except SymdiffError as exc:
        first = str(exc).splitlines()[0]
        if meaning_text is None:
            return ("rightly refused" if hand else "unjudged"), first
        return "refused", first
    except Exception:
        return "crashed", traceback.format_exc().strip().splitlines()[-1]
    if meaning_text is None and "label" in hand and _labels_as_names(read):
        return "read as meant", "labels read as parts of names (issue 14), not powers"
    if meaning_text is None:
        return ("misread", f"read although no reading is right ({hand})") if hand else ("unjudged", "")
    try:
        if parse_latex(latex) == parse(meaning_text):
            return "read as meant", ""
        meant = formula(meaning_text, entry.get("shapes"), "plain")
        why = same_values(read, meant, seed=len(latex))
    except Exception:
        return "crashed", "comparing: " + traceback.format_exc().strip().splitlines()[-1]
    return ("misread", why) if why else ("read as meant", "")


def _labels_as_names(read: Formula) -> bool:
    """Whether the labels of a formula the corpus says only a refusal reads right are names (W__1), not powers."""
    powers = [node for node in read.tree.walk() if getattr(node, "op", None) == "^"]
    return not powers and any("__" in name for name in read.variables)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the corpus TOML file")
    parser.add_argument("--verbose", "-v", action="store_true", help="print every formula, not only failures")
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        print(f"no corpus at {args.corpus}; pass --corpus PATH", file=sys.stderr)
        return 2
    entries = tomllib.loads(args.corpus.read_text())["formula"]
    tally: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for entry in entries:
        outcome, detail = judge(entry)
        tally[outcome] += 1
        if outcome == "refused":
            reasons[detail] += 1
        if args.verbose or outcome not in ("read as meant", "rightly refused", "unjudged"):
            print(f"{outcome:15} {entry['id']:28} {entry['latex']}")
            if detail:
                print(f"{'':15} {'':28} {detail}")
    total = sum(tally.values())
    print()
    for outcome in OUTCOMES:
        print(f"{outcome:15} {tally[outcome]:4}  {100 * tally[outcome] / total:5.1f}%")
    right = tally["read as meant"] + tally["rightly refused"]
    judged = total - tally["unjudged"]
    print(
        f"{'correct':15} {right:4}  {100 * right / judged:5.1f}%  (read as meant or rightly refused) of {judged} judged"
    )
    if reasons:
        print("\nrefusals by message:")
        for reason, count in reasons.most_common():
            print(f"{count:4}  {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
