r"""The operations formulas may call, one ``Op`` each: the bottom of the pipeline.

An operation has one identity, its ``Op``, and every stage keys its table by
it: the parsers read its spellings from here, the model builds its node and
its shape, derive holds its rules, export one printer method per node.
``tests/test_ops.py`` fails when an operation lacks any of them, so adding an
operation is one entry here plus its rules beside it (README, "Adding an
operation").

This module is data only: it imports nothing of symdiff and nothing of SymPy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["entrywise", "array", "dimension", "index"]
"""``entrywise``: a scalar function applied entry by entry to arrays;
``array``: a function of whole vectors or matrices (``norm``, ``det``);
``dimension``: its arguments are dimensions, not formulas (``eye(n)``);
``index``: its first argument is an index it binds (``Sum(i, n, y[i]^2)``)."""


@dataclass(frozen=True)
class Op:
    """One operation: its names, arity and how each notation writes it."""

    name: str
    """The canonical plain spelling: ``norm(v)``."""
    arity: int
    kind: Kind
    summary: str
    """What it computes, in a few words (for ``--help``, the README and hints)."""
    aliases: tuple[str, ...] = ()
    """Other plain spellings read as this operation (``ln`` for ``log``)."""
    latex: str | None = None
    r"""The LaTeX command it is printed and read as (``\exp``, ``\sigma``), or None when LaTeX writes it otherwise."""
    latex_aliases: tuple[str, ...] = ()
    r"""Other command names LaTeX input may use for it (``\operatorname{ReLU}``)."""
    latex_usage: str | None = None
    r"""How LaTeX writes it when that is not a command applied to arguments (``\|v\|``)."""
    numpy: str = ""
    """The NumPy spelling of the operation, for exported code and the docs."""

    @property
    def usage(self) -> str:
        r"""How LaTeX input writes it: ``\exp(x)``, ``\|v\|``, ``\operatorname{relu}(x)``."""
        if self.latex_usage is not None:
            return self.latex_usage
        command = self.latex or rf"\operatorname{{{self.name}}}"
        return command + ("(a, b)" if self.arity == 2 else "(x)")

    def __repr__(self) -> str:
        return f"Op({self.name})"


def _entrywise(name: str, summary: str, numpy: str, latex: str | None = None, **more: object) -> Op:
    return Op(name, 1, "entrywise", summary, latex=latex, numpy=numpy, **more)  # type: ignore[arg-type]


EXP = _entrywise("exp", "e to the power x", "np.exp", r"\exp")
LOG = _entrywise("log", "natural logarithm", "np.log", r"\log", aliases=("ln",), latex_aliases=("ln",))
SQRT = _entrywise("sqrt", "square root", "np.sqrt", latex_usage=r"\sqrt{x}")
SIN = _entrywise("sin", "sine", "np.sin", r"\sin")
COS = _entrywise("cos", "cosine", "np.cos", r"\cos")
TAN = _entrywise("tan", "tangent", "np.tan", r"\tan")
TANH = _entrywise("tanh", "hyperbolic tangent", "np.tanh", r"\tanh")
SIGMOID = _entrywise(
    "sigmoid", "logistic function 1/(1 + exp(-x))", "scipy.special.expit", r"\sigma", latex_usage=r"\sigma(z)"
)
RELU = _entrywise("relu", "max(x, 0)", "np.maximum(x, 0)", r"\operatorname{relu}", latex_aliases=("ReLU", "Relu"))
ABS = _entrywise("abs", "absolute value", "np.abs", latex_usage=r"\lvert x \rvert")
STEP = _entrywise("step", "1 where x > 0, else 0 (relu's derivative)", "np.heaviside(x, 0)", r"\operatorname{step}")
SIGN = _entrywise("sign", "-1, 0 or 1 (abs's derivative)", "np.sign", r"\operatorname{sign}")
MAX = Op("max", 2, "entrywise", "the larger of a and b, entry by entry", latex=r"\max", numpy="np.maximum")
MIN = Op("min", 2, "entrywise", "the smaller of a and b, entry by entry", latex=r"\min", numpy="np.minimum")

HADAMARD = Op("hadamard", 2, "array", "entrywise product", latex_usage=r"a \odot b", numpy="a * b")
DOT = Op("dot", 2, "array", "dot product of two vectors", latex_usage=r"\mathbf{a}^\top \mathbf{b}", numpy="a @ b")
SUM = Op("sum", 1, "array", "sum of all entries", latex_usage=r"\mathbf{1}^\top v", numpy="np.sum")
NORM = Op(
    "norm",
    1,
    "array",
    "2-norm of a vector, Frobenius norm of a matrix",
    aliases=("norm2",),
    latex_usage=r"\|v\|",
    numpy="np.linalg.norm",
)
TRACE = Op(
    "trace",
    1,
    "array",
    "trace of a square matrix",
    aliases=("tr", "Tr"),
    latex=r"\operatorname{tr}",
    latex_aliases=("tr", "Tr", "trace", "Trace"),
    latex_usage=r"\operatorname{tr}(X)",
    numpy="np.trace",
)
DET = Op("det", 1, "array", "determinant of a square matrix", latex=r"\det", numpy="np.linalg.det")
LOGDET = Op(
    "logdet",
    1,
    "array",
    "log(det(X)) of a square matrix, computed stably",
    latex=r"\operatorname{logdet}",
    numpy="np.linalg.slogdet",
)
INV = Op("inv", 1, "array", "inverse of a square matrix", latex_usage=r"X^{-1}", numpy="np.linalg.inv")
LOGSUMEXP = Op(
    "logsumexp",
    1,
    "array",
    "log(sum(exp(v))) of a vector, computed stably",
    latex=r"\operatorname{logsumexp}",
    numpy="scipy.special.logsumexp",
)
SOFTMAX = Op(
    "softmax",
    1,
    "array",
    "exp(v)/sum(exp(v)) of a vector",
    latex=r"\operatorname{softmax}",
    numpy="scipy.special.softmax",
)
DIAG = Op(
    "diag", 1, "array", "the square matrix with v on its diagonal", latex=r"\operatorname{diag}", numpy="np.diagflat"
)


def _by_rows(name: str, summary: str, numpy: str) -> Op:
    r"""``name`` applied to each row of a matrix, written ``name(X, rows)`` (``\text{rows}`` in LaTeX)."""
    return Op(
        f"{name}_rows", 1, "array", summary, latex_usage=rf"\operatorname{{{name}}}(X, \text{{rows}})", numpy=numpy
    )


SOFTMAX_ROWS = _by_rows(
    "softmax", "softmax of each row of a matrix (each row sums to 1)", "scipy.special.softmax(X, axis=1)"
)
LOGSUMEXP_ROWS = _by_rows(
    "logsumexp", "the column of the logsumexp of each row of a matrix", "scipy.special.logsumexp(X, axis=1)"
)
SUM_ROWS = _by_rows("sum", "the column of the sums of each row of a matrix (X*ones(d))", "np.sum(X, axis=1)")
MEAN = Op("mean", 1, "array", "mean of all entries (sum(v)/n)", latex=r"\operatorname{mean}", numpy="np.mean")
MEAN_ROWS = _by_rows("mean", "the column of the means of each row of a matrix", "np.mean(X, axis=1)")
VAR = Op(
    "var", 1, "array", "population variance of all entries (divides by n)", latex=r"\operatorname{var}", numpy="np.var"
)
VAR_ROWS = _by_rows("var", "the column of the variances of each row of a matrix", "np.var(X, axis=1)")
STD = Op("std", 1, "array", "population standard deviation of all entries", latex=r"\operatorname{std}", numpy="np.std")
STD_ROWS = _by_rows("std", "the column of the standard deviations of each row of a matrix", "np.std(X, axis=1)")

ONEHOT = Op(
    "onehot",
    1,
    "array",
    "the one-hot matrix of integer labels y in 1..K: row i is 1 at column y_i (n×K; e_y for one label)",
    latex=r"\operatorname{onehot}",
    numpy="np.eye(K)[y - 1]",
)
"""Its number of classes K is inferred from where it is used (``S[i, y[i]]``: the columns of S)."""
KRON = Op(
    "kron",
    2,
    "array",
    "Kronecker product: the block matrix whose block (i, j) is a_ij*B",
    latex=r"\operatorname{kron}",
    numpy="np.kron",
)
VEC = Op(
    "vec",
    1,
    "array",
    "the columns of a matrix stacked into one vector (column-major)",
    latex=r"\operatorname{vec}",
    numpy="X.reshape(-1, 1, order='F')",
)

EYE = Op("eye", 1, "dimension", "the n×n identity matrix", latex_usage=r"\mathbf{I}_n", numpy="np.eye")
ONES = Op("ones", 1, "dimension", "the vector of n ones", latex_usage=r"\mathbf{1}_n", numpy="np.ones")
COMMUTATION = Op(
    "commutation",
    2,
    "dimension",
    "the mn×mn commutation matrix K: K*vec(X) = vec(X.T) for an m×n X",
    latex=r"\operatorname{commutation}",
    numpy="np.eye(m*n)[np.arange(m*n).reshape(n, m).T.ravel()]",
)

INDEX_SUM = Op(
    "Sum",
    2,
    "index",
    "sum over an index i = 1..n: Sum(i, n, y[i]^2)",
    latex_usage=r"\sum_{i=1}^{n} x_i",
    numpy="np.sum",
)
INDEX_PROD = Op(
    "Prod",
    2,
    "index",
    "product over an index i = 1..n: Prod(i, n, y[i])",
    latex_usage=r"\prod_{i=1}^{n} x_i",
    numpy="np.prod",
)

OPS: tuple[Op, ...] = (
    EXP, LOG, SQRT, SIN, COS, TAN, TANH, SIGMOID, RELU, ABS, STEP, SIGN, MAX, MIN,
    HADAMARD, DOT, SUM, NORM, TRACE, DET, LOGDET, INV, LOGSUMEXP, SOFTMAX, DIAG,
    SOFTMAX_ROWS, LOGSUMEXP_ROWS, SUM_ROWS, MEAN, MEAN_ROWS, VAR, VAR_ROWS, STD, STD_ROWS, ONEHOT,
    KRON, VEC,
    EYE, ONES, COMMUTATION,
    INDEX_SUM, INDEX_PROD,
)  # fmt: skip
"""Every operation, in the order the README lists them."""

BY_NAME: dict[str, Op] = {spelling: op for op in OPS for spelling in (op.name, *op.aliases)}
"""Every plain spelling (canonical names and aliases) -> its operation."""

BY_LATEX: dict[str, Op] = {
    spelling: op
    for op in OPS
    for spelling in (
        op.name,
        *op.aliases,
        *op.latex_aliases,
        *([op.latex[1:]] if op.latex and op.latex[1:].isalpha() else []),
    )
}
r"""Every name a LaTeX command or ``\operatorname{...}`` may give an operation (``sigma``, ``ReLU``, ``ln``)."""

LATEX_COMMANDS: dict[str, Op] = {
    spelling: op
    for op in OPS
    for spelling in (*op.latex_aliases, *([op.latex[1:]] if op.latex and op.latex[1:].isalpha() else []))
}
r"""The command names LaTeX input may write an operation as without ``\operatorname`` (``\tr``, ``\Tr``, ``\ReLU``)."""


AXES: tuple[str, ...] = ("rows", "cols")
"""The words a reduction's second argument may be: ``softmax(X, rows)`` works along each row."""

BY_AXIS: dict[tuple[str, str], Op] = {
    (op.name.removesuffix("_rows"), "rows"): op
    for op in (SOFTMAX_ROWS, LOGSUMEXP_ROWS, SUM_ROWS, MEAN_ROWS, VAR_ROWS, STD_ROWS)
}
"""(operation, ``rows``) -> the operation applied to each row: ``softmax(X, rows)`` is SOFTMAX_ROWS.
``f(X, cols)`` is read as ``f(X.T, rows)``, transposed back where f keeps the shape (softmax)."""

AXIS_OF: dict[Op, tuple[str, str]] = {op: key for key, op in BY_AXIS.items()}
"""Each row-wise operation -> (the operation's name, ``rows``): how both notations write it."""
