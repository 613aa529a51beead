"""Unit tests of the one walker (model/walk.py), the placeholder allocator and the logistic recogniser."""

from __future__ import annotations

import pytest
import sympy as sp

from symdiff.errors import LimitError
from symdiff.model.canonical import canonical
from symdiff.model.functions import sigmoid
from symdiff.model.matrices import Placeholders, elementwise
from symdiff.model.nodes import BOUND, Elementwise, Norm
from symdiff.model.walk import by_type, in_scope, nodes, opaque, rebind, rewrite, scope, whole

n = sp.Symbol("n")
x, y = sp.MatrixSymbol("x", n, 1), sp.MatrixSymbol("y", n, 1)
t0, t1 = BOUND[0], BOUND[1]


def _nested_body() -> sp.Expr:
    """_t0 / norm(x^2 entrywise): the inner _t0 stands for x, whatever the outer one stands for."""
    return t0 / Norm(Elementwise(t0**2, (x,)))


def test_rebind_stays_in_the_body_scope():
    body = _nested_body()
    renamed = rebind(body, {t0: t1})
    assert renamed == t1 / Norm(Elementwise(t0**2, (x,)))
    assert body.xreplace({t0: t1}) != renamed  # what xreplace would do instead


def test_scope_visits_arrays_without_entering_them():
    visited = list(scope(_nested_body()))
    assert Elementwise(t0**2, (x,)) in visited
    assert x not in visited
    assert t0**2 not in visited
    assert t0**2 in set(nodes(_nested_body(), whole))


def test_whole_does_not_enter_named_arrays():
    assert list(nodes(x, whole)) == [x]
    assert len(list(nodes(x, lambda node: True))) > 1


def test_opaque_hides_scalars_of_arrays_and_maps_back():
    body = 2 * Norm(x + y) + t0
    hidden, back = opaque(body)
    assert not any(getattr(node, "is_Matrix", False) for node in nodes(hidden, lambda node: True))
    assert hidden.xreplace(back) == body
    assert set(back.values()) == {Norm(x + y)}


def test_rewrite_bottom_up_by_type_in_the_chosen_scope():
    zero_symbols = by_type({sp.Symbol: lambda node: sp.S.Zero})  # leaves are never rewritten
    assert rewrite(_nested_body(), zero_symbols, whole) == _nested_body()
    to_two = by_type({sp.Pow: lambda node: sp.Integer(2) if node == t0**2 else node})
    assert rewrite(_nested_body(), to_two, in_scope) == _nested_body()
    assert rewrite(_nested_body(), to_two, whole) == t0 / Norm(Elementwise(sp.Integer(2), (x,)))


def test_placeholders_one_per_distinct_array_and_a_limit():
    slot = Placeholders((x,))
    assert slot(y) == t1 and slot(x) == t0 and slot(y) == t1
    assert slot.operands == [x, y]
    arrays = [sp.MatrixSymbol(f"a{i}", n, 1) for i in range(len(BOUND))]
    many = Placeholders()
    for array in arrays:
        many(array)
    with pytest.raises(LimitError):
        many(x)


def test_elementwise_fuses_nested_bodies_through_placeholders():
    inner = elementwise(sp.exp, x)
    assert elementwise(lambda a, b: a * b, inner, y) == Elementwise(sp.exp(t0) * t1, (x, y))


def test_one_logistic_recogniser():
    z = sp.Symbol("z")
    assert canonical(1 / (1 + sp.exp(-z))) == sigmoid(z)
    assert canonical(1 / (sp.exp(-2 * z) + 1)) == sigmoid(2 * z)
    assert canonical(1 / (2 + sp.exp(-z))) == 1 / (2 + sp.exp(-z))
