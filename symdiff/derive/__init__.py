"""The derive stage: derivatives of a formula, in matrix form or component form.

``differentiate`` picks the route by the formula's form: symbolic dims go
through our own reverse-mode rules (``matrix.py``; forward mode in
``forward.py`` for arrays by a scalar), then a simplification pass
(``tidy.py``); concrete dims take the same route with the result's entries
written out, or SymPy's scalar calculus on explicit entries where there is no
matrix form (``components.py``). The conventions a user can ask for, layout and
symmetric matrices, are in ``conventions.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy as sp

from .. import limits
from ..errors import LimitError, SymdiffError, UnsupportedError, did_you_mean
from ..model import Formula
from ..model.build import UNDEFINED
from . import components, conventions, forward, indices, kronecker, matrix
from .recognise import recognise
from .tidy import tidy


def target_of(formula: Formula, name: str) -> sp.Basic:
    """The SymPy object to differentiate by; an error with a suggestion if ``name`` is unknown."""
    if name in formula.symbols:
        return formula.symbols[name]
    if name in formula.typing.sizes:
        raise SymdiffError(
            f"'{name}' is a dimension: where the formula uses it as a number it is that size, not a variable",
            hint="differentiate by a variable; to treat it as one, give the dimension another name",
        )
    known = sorted(formula.variables)
    raise SymdiffError(
        f"'{name}' does not occur in the formula",
        hint=did_you_mean(name, known) or f"the names in it are {', '.join(known) or 'none'}",
    )


Rule = Callable[[sp.Basic, sp.Basic], sp.Basic]
"""The plain derivative of a value by a target object, before the conventions: a formula's own
(``plain``) or, for a program, the chain rule through its graph (``program.chain``)."""


def plain(formula: Formula) -> Rule:
    """A formula's own rule: our reverse-mode rules and ``tidy``, in component form with the entries
    written out (or SymPy's scalar calculus on entries where there is no matrix form)."""
    matrix_rule: Rule = lambda value, target: tidy(_matrix_form(recognise(value), target))  # noqa: E731
    return components.rule(formula, matrix_rule) if formula.form == "component" else matrix_rule


def differentiate(
    formula: Formula, value: sp.Basic, name: str, symmetric: frozenset[str] = frozenset(), rule: Rule | None = None
) -> sp.Basic:
    """∂value/∂name, where ``value`` is the formula or a derivative of it.

    ``symmetric`` names matrices declared symmetric (checked by
    ``conventions.symmetric_names``): their transposes are written as
    themselves, and the gradient by one of them is the symmetric gradient;
    an off-diagonal entry of one (``X12``) is one variable with its mirror
    (``X21``), so the partial by it is the sum of the two partials.
    ``rule`` takes the plain derivative (default: ``plain(formula)``).
    """
    indices.check_not_index_form(value)
    entry = indices.entry_target(name)
    if entry is not None and entry[0] in formula.variables:  # w[j], W[k, l]: the partial in index form
        gradient = differentiate(formula, value, entry[0], symmetric, rule)
        return indices.by_entry(formula, gradient, *entry)
    target = target_of(formula, name)
    rule = rule or plain(formula)
    if indices.in_index_form(value):  # no matrix form (model.index_terms): the gradient's entry (k, l)
        return indices.index_gradient(value, target, rule)
    if isinstance(value, sp.Tuple):
        return sp.Tuple(*(differentiate(formula, item, name, symmetric, rule) for item in value))
    if name in symmetric and kronecker.is_tensor(value, target):
        raise UnsupportedError(
            f"the derivative of an array by the symmetric matrix {name} is not supported",
            hint=f"differentiate a scalar by {name}, or leave {name} undeclared for the vec-form derivative",
        )
    result = rule(value, target)
    mirror = conventions.mirror_entry(formula, target, symmetric)
    if mirror is not None:
        result = result + rule(value, mirror)
    result = conventions.impose_symmetry(formula, result, symmetric)
    if name in symmetric and not getattr(value, "is_Matrix", False):
        result = conventions.symmetric_gradient(formula, result, symmetric)
    atoms = _atoms(result)
    _check_constants(atoms, name)
    if atoms & set(UNDEFINED):
        raise SymdiffError(
            f"the derivative by {name} is undefined for every value of the variables (it divides by zero)",
            hint="check the formula: the derivative is taken where the formula is not differentiable",
        )
    return result


def derivative(
    formula: Formula,
    value: sp.Basic,
    steps: Sequence[Sequence[str]],
    symmetric: frozenset[str] = frozenset(),
    layout: conventions.Layout | None = None,
    rule: Rule | None = None,
) -> sp.Basic:
    """``value`` differentiated by each step in turn (a step of several names: the tuple of those partials),
    the last one arranged in ``layout``."""
    before = value
    rule = rule or plain(formula)  # one rule for every step: component form remembers each step's matrix form
    for step in steps:
        parts = [differentiate(formula, value, name, symmetric, rule) for name in step]
        before, value = value, parts[0] if len(parts) == 1 else sp.Tuple(*parts)
    if value.has(indices.FreeIndices):  # a partial by an entry: the same in every layout
        return value
    return conventions.arrange(formula, before, value, steps[-1], layout)


def _atoms(value: sp.Basic) -> set[sp.Basic]:
    """The atoms of ``value`` (of every entry of an explicit matrix), each shared subexpression visited once:
    the entries of a gradient written out share their factors (row i of (A*x)*x.T has (A*x)_i in each)."""
    seen: set[int] = set()
    found: set[sp.Basic] = set()
    stack = list(value) if isinstance(value, sp.MatrixBase) else [value]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, sp.MatrixBase):
            stack.extend(node)
        elif node.args:
            stack.extend(node.args)
        else:
            found.add(node)
    return found


def _check_constants(atoms: set[sp.Basic], name: str) -> None:
    """Differentiating multiplies constants (exp(c*x) twice gives c²): refuse one beyond the limit."""
    numbers = (atom for atom in atoms if isinstance(atom, sp.Rational))
    largest = max((limits.largest_constant(number, 0) for number in numbers), default=0)
    if largest > limits.MAX_MAGNITUDE_DIGITS:
        raise LimitError(
            f"number too large: the derivative by {name} has a constant of more than "
            f"{limits.MAX_MAGNITUDE_DIGITS} digits",
            hint="use smaller constants",
        )


def _matrix_form(value: sp.Basic, target: sp.Basic) -> sp.Basic:
    if not getattr(value, "is_Matrix", False):
        return matrix.scalar_derivative(value, target)
    if not target.is_Matrix:
        return forward.derivative(value, target)
    if kronecker.is_tensor(value, target):
        return kronecker.vec_jacobian(value, target)
    return matrix.jacobian(value, target)
