"""Reasons for wrong options that are index mistakes: a sum's 1/n lost or doubled, the indices of an outer
product or an entry swapped, a sum over the wrong index of a matrix.

A mean over n samples written without its 1/n (or with one too many) differs
from the answer by a factor that is a size, not a constant: n times the answer
at every point, whatever n the point was drawn with. Σᵢ xᵢyᵢᵀ where the answer
is Σᵢ yᵢxᵢᵀ is its transpose, and the reason names the outer product whose
indices are swapped. Σᵢ Wᵢₖ where the answer sums Σᵢ Wₖᵢ is found by reading
the option again with that entry's indices swapped: if it then equals the
answer, the sum runs over the wrong index. ``explain`` holds the other rules;
these are in its table.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..errors import SymdiffError
from ..model.build import dim_symbol
from ..parse import ast
from ..parse.sums import Entry, IndexSum, free_indices
from .kinds import kind_of
from .values import agree

if TYPE_CHECKING:
    from .explain import Case

OUTER = {"plain": ("*", ".T"), "latex": (" ", r"^\top")}
"""How an outer product yᵢxᵢᵀ is spelt, by the option's syntax."""

MAX_VARIANTS = 8
"""Entries of an option tried with their indices swapped, at most."""


def size_factor(case: Case) -> str | None:
    """n times the answer, or the answer over n, at points drawn with different sizes n."""
    samples = case.samples
    if not samples.points or any(a.shape != o.shape for a, o in zip(samples.answer, samples.option, strict=True)):
        return None
    dims = sorted({d for shape in case.option.variables.values() for d in shape if isinstance(d, str)})
    for dim in dims:
        sizes = [float(point.env[dim_symbol(dim)]) for point in samples.points]  # type: ignore[arg-type]
        if len(set(sizes)) < 2:
            continue
        for power, reason in ((1, f"it is {dim} times the answer: a 1/{dim} is missing"),
                              (-1, f"it is the answer divided by {dim}: a 1/{dim} too many")):  # fmt: skip
            pairs = zip(samples.answer, samples.option, sizes, strict=True)
            if all(agree(option, size**power * answer) for answer, option, size in pairs):
                return reason
    return None


def swapped_indices(case: Case) -> str | None:
    """The transpose of the answer, written with indices: the two free indices, or an outer product's sides."""
    answer = case.question.answer
    if len(kind_of(answer).dims) != 2 or not case.samples.option_equals(answer.T):
        return None
    tree, text = case.option.tree, case.option.text
    free = free_indices(tree)
    if len(free) == 2:
        return f"it is the transpose of the answer: its indices {free[0]} and {free[1]} are swapped"
    for node in tree.walk():
        if isinstance(node, ast.Binary) and node.op == "*" and isinstance(node.right, ast.Transpose):
            column, row = node.left, node.right.operand
            if _in_a_sum(tree, node) and _indexed(column) and _indexed(row):
                times, transposed = OUTER["latex" if "\\" in text else "plain"]
                fixed = _spelt(text, row) + times + _spelt(text, column) + transposed
                written = _spelt(text, node)
                return (
                    f"it is the transpose of the answer: the indices of {_spelt(text, column)} and "
                    f"{_spelt(text, row)} are swapped in {written} (the answer has {fixed})"
                )
    return None


def wrong_summation_index(case: Case) -> str | None:
    """Σᵢ W[i, k] where the answer needs Σᵢ W[k, i]: the option read again with one entry's indices swapped."""
    samples = case.samples
    if not samples.points:
        return None
    text = case.option.text
    for entry, index in _summed_entries(case.option.tree):
        swapped = _swapped(text, entry)
        if swapped is None:
            continue
        variant = text[: entry.span[0]] + swapped + text[entry.span[1] :]  # type: ignore[attr-defined]
        try:
            values = samples.values_of(case.question.expand(case.question.read(variant).expr))
        except SymdiffError:
            continue
        if values is not None and all(agree(v, a) for v, a in zip(values, samples.answer, strict=True)):
            return (
                f"the sum over {index} runs over the wrong index of {_base(text, entry)}: "
                f"{_spelt(text, entry)} where the answer needs {swapped}"
            )
    return None


def _summed_entries(tree: ast.Node) -> Iterator[tuple[Entry, str]]:
    """Entries with two different slots, one of them the index of a sum around them (at most ``MAX_VARIANTS``)."""
    found = 0
    for node in tree.walk():
        if not isinstance(node, IndexSum):
            continue
        entries = (item for item in node.body.walk() if isinstance(item, Entry) and len(item.slots) == 2)
        for item in entries:
            named = all(slot is None or isinstance(slot, str) for slot in item.slots)  # not at a label's value
            if named and item.slots[0] != item.slots[1] and node.index in item.slots and found < MAX_VARIANTS:
                found += 1
                yield item, node.index


def _swapped(text: str, entry: Entry) -> str | None:
    """The entry spelt with its two slots swapped, in the syntax it was written in; None where LaTeX cannot."""
    base = _base(text, entry)
    second, first = (":" if slot is None else slot for slot in entry.slots)
    if "[" in _spelt(text, entry):
        return f"{base}[{first}, {second}]"
    if ":" in (first, second):
        return None
    return f"{base}_{{{first}{second}}}"


def _base(text: str, entry: Entry) -> str:
    """What an entry is of, as written: W of ``W[i, k]``, of ``W_{ik}`` (whose name spans the subscript too)."""
    written = _spelt(text, entry)
    return written[: written.index("[")] if "[" in written else written[: written.rindex("_")]


def _spelt(text: str, node: ast.Node) -> str:
    start, end = node.span  # type: ignore[attr-defined]
    return text[start:end]


def _indexed(node: ast.Node) -> bool:
    return any(isinstance(item, Entry) for item in node.walk())


def _in_a_sum(tree: ast.Node, node: ast.Node) -> bool:
    return any(isinstance(item, IndexSum) and any(inner is node for inner in item.walk()) for item in tree.walk())
