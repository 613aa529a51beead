r"""Never misread: where a formula could be read two ways, typography decides, and where it cannot, an error
names the name, the two readings and the --shape that settles it; programs are read as single formulas are
(issue 14, "Never misread"). Every formula here is the project's own."""

import pytest
from click.testing import CliRunner

import symdiff
from symdiff.cli import main
from symdiff.errors import ShapeError
from symdiff.parse import parse, parse_latex
from tests.numeric import assert_matches_finite_differences


def run(*args):
    return CliRunner().invoke(main, list(args))


# --- \cdot: the dot product between vectors, a product otherwise --------------------------------------------

CDOT = [
    (r"\mathbf{p} \cdot \mathbf{q}", "dot(p, q)"),
    (r"(\mathbf{p} - \mathbf{r}) \cdot \mathbf{q}", "dot(p - r, q)"),
    (r"\mathbf{q} \cdot (\mathbf{p} + \mathbf{r}) - 1", "dot(q, p + r) - 1"),
    (r"\hat{\mathbf{p}} \cdot \mathbf{q}^{(3)}", "dot(phat, q__3)"),
    (r"5 \mathbf{p} \cdot \mathbf{q}", "5*dot(p, q)"),
    (r"\mathbf{K} \cdot \mathbf{q}", "K*q"),
    (r"\mathbf{K} \cdot \mathbf{L}", "K*L"),
    (r"g \cdot h", "g*h"),
    (r"\mathbf{p}^\top \cdot \mathbf{q}", "p.T*q"),
]


@pytest.mark.parametrize(("latex", "plain"), CDOT)
def test_cdot_is_the_dot_product_only_between_vectors(latex, plain):
    assert parse_latex(latex) == parse(plain)


def test_the_dot_product_of_a_difference_differentiates_as_one():
    result = assert_matches_finite_differences(r"(\mathbf{p} - \mathbf{r}) \cdot \mathbf{q} + g", "p")
    assert result.text == "q"


def test_a_vector_is_never_made_a_single_number_by_a_product():
    # two columns side by side: not a product, and not silently a vector times a 1-vector
    with pytest.raises(ShapeError) as caught:
        symdiff.parse(r"(\mathbf{p} + \mathbf{r}) \mathbf{q}")
    error = caught.value
    assert "q is written as a vector (bold), but the formula makes it of length 1" in error.message
    assert r"\mathbf{a} \cdot \mathbf{b}" in error.hint and "--shape q=scalar" in error.hint
    assert error.text[error.span[0] : error.span[1]] == r"\mathbf{q}"
    assert symdiff.derive(r"(\mathbf{p} + \mathbf{r}) \mathbf{q}", "q", {"q": ()}).text == "p + r"


# --- where arrays are bold, a plain name is a scalar ----------------------------------------------------------

PLAIN_SCALARS = [
    (r"\frac{1}{2}\|\mathbf{K}\mathbf{q} - g\|^2", "g", "q"),
    (r"\frac{\rho}{2}\mathbf{q}^\top \mathbf{L}^{-1} \mathbf{q} + h", "rho", "q"),
    (r"\mathbf{1}^\top \exp(\mathbf{q} - m)", "m", "m"),
    (r"\log\left(1 + \exp(-s\,\mathbf{p}^\top \mathbf{q})\right)", "s", "q"),
]


@pytest.mark.parametrize(("latex", "scalar", "wrt"), PLAIN_SCALARS)
def test_a_plain_name_beside_bold_arrays_is_a_scalar(latex, scalar, wrt):
    result = assert_matches_finite_differences(latex, wrt, positive=True)
    assert result.formula.variables[scalar] == ()


@pytest.mark.parametrize(
    "latex",
    [
        r"(\mathbf{p}^\top \mathbf{q} - g)^2",
        r"\frac{\rho}{2}\|\mathbf{q}\|^2 + \mathbf{1}^\top \max(0, 1 - g \mathbf{K}\mathbf{q})",
        r"\log \det(\mathbf{L}) + \mathbf{q}^\top \mathbf{L}^{-1} \mathbf{q} + c",
        r"\sigma(\mathbf{p}^\top \mathbf{q} + c)",
    ],
)
def test_a_loss_written_as_a_scalar_stays_a_scalar(latex):
    formula = symdiff.parse(latex).formula
    assert formula.typing.result == ()
    assert all(shape == () for name, shape in formula.variables.items() if name in ("g", "c", "rho"))
    result = assert_matches_finite_differences(latex, "q", positive=True)
    assert result.shape == formula.variables["q"][:1]  # the gradient of a scalar: a vector like q


def test_plain_syntax_keeps_its_own_rules():
    # nothing typographic: s added to a vector is a vector, as matrixcalculus.org reads it
    assert symdiff.parse("norm(K*q - s)^2").formula.variables["s"] == ("n", 1)


def test_two_readings_are_an_error_naming_the_name_both_readings_and_the_shape():
    latex = r"\frac{1}{2}\|\mathbf{t} - L u\|^2"
    result = run("derive", latex, "--wrt", "u")
    assert result.exit_code == 2
    first, _, caret, hint = result.output.splitlines()[:4]
    assert first == (
        "symdiff: error: two readings: u, not bold, a scalar (and L then a column), or u an array and L a matrix"
    )
    assert caret.index("^") - 2 == latex.index("u\\|")
    assert "--shape u=scalar" in hint and "--shape u=d" in hint
    settled = run("derive", latex, "--wrt", "u", "--shape", "u=d")
    assert (settled.exit_code, settled.output) == (0, "-L.T*(t - L*u)\n")


# --- programs: the same typography as a single formula ---------------------------------------------------------


@pytest.mark.parametrize(
    ("program", "formula"),
    [
        (
            r"\mathbf{z} = \mathbf{K}\mathbf{q} + g \\ f = \frac{1}{2}\|\mathbf{z}\|^2",
            r"\frac{1}{2}\|\mathbf{K}\mathbf{q} + g\|^2",
        ),
        (
            "z = \\mathbf{K}\\mathbf{q}\nf = \\frac{1}{2}\\|z - g\\|^2 + \\frac{\\rho}{2}\\|\\mathbf{q}\\|^2",
            r"\frac{1}{2}\|\mathbf{K}\mathbf{q} - g\|^2 + \frac{\rho}{2}\|\mathbf{q}\|^2",
        ),
    ],
)
def test_a_latex_program_reads_plain_names_as_its_single_formula_does(program, formula):
    read = symdiff.program(program)
    single = symdiff.parse(formula).formula
    assert read.expanded.variables == single.variables
    assert read.derive("g", expand=True).sympy == symdiff.derive(formula, "g").sympy


def test_a_program_with_nothing_bold_keeps_the_usage_rules():
    read = symdiff.program(r"z = K q + g \\ f = \frac{1}{2}\|z\|^2")
    assert read.expanded.variables["g"] == ("n", 1)
