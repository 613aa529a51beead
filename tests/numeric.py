"""Central finite differences: the numeric check every derivative in the tests gets."""

from __future__ import annotations

import numpy as np

import symdiff
from symdiff.model import Formula

STEP = 1e-6


def random_values(formula: Formula, rng: np.random.Generator, positive: bool = False) -> dict[str, object]:
    """Random values for every variable; symbolic dims drawn at random sizes 2..4."""
    sizes: dict[str, int] = {}
    values: dict[str, object] = {}

    def draw(shape):
        if positive:
            return rng.uniform(0.5, 1.5, size=shape)
        return rng.normal(size=shape)

    labels = formula.labels
    for name, shape in formula.variables.items():
        dims = [d if isinstance(d, int) else sizes.setdefault(d, int(rng.integers(2, 5))) for d in shape]
        if name in labels:  # class labels: integers 1..K
            classes = sizes.setdefault(labels[name], int(rng.integers(2, 5)))
            drawn = rng.integers(1, classes + 1, size=dims[0] if shape else ())
            values[name] = drawn.astype(float) if shape else float(drawn)
            continue
        if shape == ():
            values[name] = float(draw(()))
            continue
        values[name] = draw(dims[0]) if shape[1] == 1 else draw(tuple(dims))
        if dims[0] == dims[1] and shape[1] != 1 and name[0].isupper():  # A, W1, Sigma
            values[name] = values[name] + dims[0] * np.eye(dims[0])  # well conditioned, positive det
    return values


def _locate(formula: Formula, name: str) -> tuple[str, tuple[int, ...] | None]:
    """A variable name -> (name, None); a component name -> (base, index into the array)."""
    if name in formula.variables:
        return name, None
    for base, shape in formula.variables.items():
        symbol = formula.symbols[base]
        if shape and hasattr(symbol, "shape"):
            for i in range(symbol.shape[0]):
                for j in range(symbol.shape[1]):
                    if str(symbol[i, j]) == name:
                        return base, (i,) if shape[1] == 1 else (i, j)
    raise KeyError(name)


def numeric_derivative(
    function, values: dict[str, object], formula: Formula, name: str, step: float = STEP
) -> np.ndarray:
    """d function / d name by central differences; Jacobian layout J[i, j] = ∂f_i/∂x_j."""
    base, index = _locate(formula, name)
    point = np.asarray(values[base], dtype=float)
    positions = [index] if index is not None else list(np.ndindex(point.shape)) if point.shape else [()]
    columns = []
    for position in positions:
        plus, minus = point.copy(), point.copy()
        plus[position] += step
        minus[position] -= step
        up = np.asarray(function(**{**values, base: plus if plus.shape else float(plus)}), dtype=float)
        down = np.asarray(function(**{**values, base: minus if minus.shape else float(minus)}), dtype=float)
        columns.append((up - down) / (2 * step))
    if index is not None or not point.shape:
        return columns[0]
    out_shape = columns[0].shape
    stacked = np.stack(columns, axis=-1)
    if out_shape == ():
        return stacked.reshape(point.shape)
    return stacked.reshape(out_shape + point.shape)


def assert_matches_finite_differences(
    expr: str, wrt, shapes=None, points: int = 3, positive: bool = False, seed: int = 0
) -> symdiff.Result:
    """Derive, then compare with central differences at ``points`` random points and sizes."""
    names = [wrt] if isinstance(wrt, str) else list(wrt)
    result = symdiff.derive(expr, names, shapes)
    rng = np.random.default_rng(seed)
    for _ in range(points):
        values = random_values(result.formula, rng, positive)
        previous = symdiff.derive(expr, names[:-1], shapes) if len(names) > 1 else symdiff.parse(expr, shapes)
        expected = numeric_derivative(previous.lambdify(), values, result.formula, names[-1])
        actual = np.asarray(result.evaluate(**values), dtype=float)
        if actual.ndim == 2 and expected.ndim == 3 and expected.shape[1] == 1:
            expected = expected[:, 0, :]
        if expected.ndim >= 3:  # an array by a matrix, a matrix by a vector: symdiff gives its vec form
            expected = vec_form(expected, expected.ndim - np.ndim(values[names[-1]]))
        np.testing.assert_allclose(actual, expected.reshape(actual.shape), rtol=1e-5, atol=1e-6)
    return result


def vec_form(tensor: np.ndarray, value_ndim: int) -> np.ndarray:
    """T[i, j, k, l] = ∂F[i, j]/∂X[k, l] (a vector F or x with one index fewer, its first ``value_ndim`` axes
    F's) as the matrix ∂vec F/∂vec(X)ᵀ, vec column-major: entry (i + p*j, k + m*l)."""
    p, q = (*tensor.shape[:value_ndim], 1)[:2]
    m, n = (*tensor.shape[value_ndim:], 1)[:2]
    return tensor.reshape(p, q, m, n).transpose(1, 0, 3, 2).reshape(q * p, n * m)


def symmetrize_values(values: dict[str, object], names) -> dict[str, object]:
    """The same values with each matrix named in ``names`` made symmetric, (V + Vᵀ)/2."""
    return {name: (v + v.T) / 2 if name in names else v for name, v in values.items()}


def assert_matches_symmetric_finite_differences(
    expr: str, wrt: str, symmetric, shapes=None, points: int = 3, positive: bool = False, seed: int = 0
) -> symdiff.Result:
    """The symmetric gradient sym(G) = (G + Gᵀ)/2 by central differences, perturbing X symmetrically.

    At a symmetric point, moving X along E_ij + E_ji (i ≠ j) changes f at the
    rate 2*sym(G)_ij, and along E_ii at the rate sym(G)_ii; other variables
    declared symmetric just take symmetric values.
    """
    result = symdiff.derive(expr, wrt, shapes, symmetric=symmetric)
    function = symdiff.parse(expr, shapes).lambdify()
    rng = np.random.default_rng(seed)
    for _ in range(points):
        values = symmetrize_values(random_values(result.formula, rng, positive), symmetric)
        if wrt not in symmetric:
            expected = numeric_derivative(function, values, result.formula, wrt)
        else:
            expected = symmetric_numeric_gradient(function, values, wrt)
        actual = np.asarray(result.evaluate(**values), dtype=float)
        np.testing.assert_allclose(actual, expected.reshape(actual.shape), rtol=1e-5, atol=1e-6)
    return result


def symmetric_numeric_gradient(function, values: dict[str, object], wrt: str) -> np.ndarray:
    """sym(G) by central differences at a symmetric point: along E_ij + E_ji (i ≠ j) f changes at the
    rate 2*sym(G)_ij, along E_ii at the rate sym(G)_ii."""
    point = values[wrt]
    expected = np.zeros_like(point)
    for i, j in np.ndindex(point.shape):
        if i > j:
            continue
        direction = np.zeros_like(point)
        direction[i, j] = direction[j, i] = 1.0
        up = function(**{**values, wrt: point + STEP * direction})
        down = function(**{**values, wrt: point - STEP * direction})
        rate = (up - down) / (2 * STEP)
        expected[i, j] = expected[j, i] = rate if i == j else rate / 2
    return expected
