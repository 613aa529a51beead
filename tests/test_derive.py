"""Derivatives: printed results, each checked against central finite differences."""

import pytest
from numeric import assert_matches_finite_differences

import symdiff

C2 = {"A": (2, 2), "x": (2,)}

# formula, wrt, shapes, expected text (the Cookbook and ML identities are in tests/test_identities.py)
MATRIX_FORM = [
    ("0.5*norm(A*x)**2", "x", None, "A.T*A*x"),
    ("0.5*norm(A*x)**2", "A", None, "A*x*x.T"),
    ("0.5*norm(A*x)**2", "x", {"A": ("n", "d"), "x": ("d",)}, "A.T*A*x"),
    ("x.T*x", "x", None, "2*x"),
    ("x.T*A*x", "x", None, "(A + A.T)*x"),
    ("x.T*A*x", "A", None, "x*x.T"),
    ("a.T*X*b", "X", None, "a*b.T"),
    ("dot(a, x)", "x", None, "a"),
    ("dot(A*x, y)", "A", None, "y*x.T"),
    ("norm(x)", "x", None, "x/norm(x)"),
    ("norm(X)^2", "X", None, "2*X"),
    ("lam*norm(x)^2", "x", {"lam": ()}, "2*lam*x"),
    ("lam*norm(x)^2", "lam", {"lam": ()}, "norm(x)^2"),
    ("0.5*norm(A*x - b)^2 + 0.5*lam*norm(x)^2", "x", None, "lam*x + A.T*(A*x - b)"),
    ("sum(log(sigmoid(A*x)))", "A", None, "(1 - sigmoid(A*x))*x.T"),
    ("sum(exp(x))", "x", None, "exp(x)"),
    ("0.5*norm(W2*sigmoid(W1*x) - y)**2", "W2", None, "(W2*sigmoid(W1*x) - y)*sigmoid(W1*x).T"),
    ("sum(hadamard(a, tanh(W*x)))", "W", None, "hadamard(a, 1 - tanh(W*x)^2)*x.T"),
    ("sqrt(x.T*x + 1)", "x", None, "x/sqrt(x.T*x + 1)"),
    ("trace(A*X*B)", "X", None, "A.T*B.T"),
    ("A*x", "x", None, "A"),
    ("A*x + b", "b", None, "eye(n)"),
    ("exp(-lam)*norm(x)^2", "lam", {"lam": ()}, "-exp(-lam)*norm(x)^2"),
]


@pytest.mark.parametrize("expr, wrt, shapes, expected", MATRIX_FORM)
def test_matrix_form(expr, wrt, shapes, expected):
    result = assert_matches_finite_differences(expr, wrt, shapes)
    assert result.text == expected


def test_result_is_not_scaled_by_a_float():
    assert symdiff.derive("0.5*norm(A*x)**2", "x").text == "A.T*A*x"
    assert "1.0" not in symdiff.derive("0.25*norm(A*x)**2", "x").text


# formula, wrt, shapes, expected text: component form, scalars, Jacobians, Hessians, tuples
EXPLICIT = [
    ("0.5*norm(A*x)**2", "A11", C2, "x1*(A11*x1 + A12*x2)"),
    ("0.5*norm(A*x)**2", "x", C2,
     "[A11*(A11*x1 + A12*x2) + A21*(A21*x1 + A22*x2), A12*(A11*x1 + A12*x2) + A22*(A21*x1 + A22*x2)]"),
    ("A[1,1]*x[1] + A_12*x2", "x1", C2, "A11"),
    ("A11*x_1 + A[1, 2]*x[2]", "x1", C2, "A11"),
    ("(A11*x1 + A12*x2, A21*x1 + A22*x2)", "A11", C2, "(x1, 0)"),
    ("sigmoid(a*r)", "a", None, "r*(1 - sigmoid(a*r))*sigmoid(a*r)"),
    ("max(c*x1 + e*x2, 0)", "e", None, "x2*step(c*x1 + e*x2)"),
    ("relu(w*x)", "w", None, "x*step(w*x)"),
    ("sigmoid(x)", "x", {"x": ("n",)}, "diag(hadamard(1 - sigmoid(x), sigmoid(x)))"),
    ("[x1^2, x1*x2, sin(x2)]", "x", {"x": (2,)}, "[[2*x1, 0], [x2, x1], [0, cos(x2)]]"),
    ("0.5*norm(A*x)**2", ["x", "x"], None, "A.T*A"),
    ("x.T*x", ["x", "x"], None, "2*eye(n)"),
    ("x1^2*x2", ["x", "x"], {"x": (2,)}, "[[2*x2, 2*x1], [2*x1, 0]]"),
]


@pytest.mark.parametrize("expr, wrt, shapes, expected", EXPLICIT)
def test_explicit_forms(expr, wrt, shapes, expected):
    assert assert_matches_finite_differences(expr, wrt, shapes).text == expected


def test_component_results_have_the_shape_of_the_variable():
    assert symdiff.derive("0.5*norm(A*x)**2", "A11", C2).shape == ()
    assert symdiff.derive("0.5*norm(A*x)**2", "x", C2).shape == (2,)
    result = assert_matches_finite_differences("0.5*norm(A*x)**2", "A", C2)
    assert result.shape == (2, 2)
    assert result.text.startswith("[[x1*(A11*x1 + A12*x2), x2*(A11*x1 + A12*x2)]")


def test_scalar_calculus():
    assert assert_matches_finite_differences("log(x) + sqrt(x) + tan(x)", "x", positive=True).text


def test_jacobians():
    assert assert_matches_finite_differences("x*lam", "lam", {"x": ("n",)}).shape == ("n",)


def test_hessians():
    result = assert_matches_finite_differences("log(sum(exp(x)))", ["x", "x"])
    assert result.text == "diag(softmax(x)) - softmax(x)*softmax(x).T"


def test_unknown_variable_suggests_a_name():
    with pytest.raises(symdiff.SymdiffError) as info:
        symdiff.derive("0.5*norm(A*x)**2", "xx")
    assert "does not occur" in info.value.message
    assert "did you mean 'x'" in info.value.hint


def test_declared_but_absent_variable_gives_zero():
    result = symdiff.derive("x.T*x", "y", {"y": ("n",), "x": ("n",)})
    assert result.text == "0"
    assert result.shape == ("n",)


def test_a_vector_by_a_matrix_is_its_vec_form_jacobian():
    assert assert_matches_finite_differences("A*x", "A").text == "kron(x.T, eye(n))"
    assert assert_matches_finite_differences("A*x", "A", C2).text == "[[x1, 0, x2, 0], [0, x1, 0, x2]]"


def test_unsupported_is_an_error_not_zero():
    with pytest.raises(symdiff.UnsupportedError, match="literal"):
        symdiff.derive("[x.T*a, x.T*b]", "x")
