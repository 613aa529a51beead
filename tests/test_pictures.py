"""Pictures: a program's computation graph (DOT built, then rendered by Graphviz) and blanks' decision regions.

The DOT is read back into nodes, edges and the rows of each label (value above in green, the name and
operation, gradient below in red), so the tests check what a reader sees, not how it is spelt.
"""

from __future__ import annotations

import html
import math
import os
import re
import shutil

import numpy as np
import pytest
from click.testing import CliRunner

import symdiff
from symdiff.cli import main
from symdiff.pictures import DotMissing, Picture, Plot
from symdiff.pictures.network import GRADIENT, VALUE

SEED_Q2B = (
    r"r_1 = \max(c \cdot x_1 + e \cdot x_2, 0); r_2 = \max(d \cdot x_1 + f \cdot x_2, 0); "
    r"s_1 = \frac{1}{1+\exp(-a \cdot r_1)}; s_2 = \frac{1}{1+\exp(-b \cdot r_2)}; y = s_1 + s_2"
)
WEIGHTS = {name: () for name in "abcdef"}
SEED_AT = "x_1=1, x_2=-1, a=1, b=1, c=4, d=1, e=2, f=2"
Q2C = {
    "plot 1": (
        "max(_1 + _2, _3 + _4) + _5",
        [["x1", "-x1", "0"], ["x2", "-x2", "0"], ["x1", "-x1", "0"], ["x2", "-x2", "0"], ["1", "-1", "0"]],
        [[2, 2], [-2, 2], [2, -2], [-2, -2], [1.5, 0], [-1.5, 0], [3, 1], [-3, -1]],
        [[0, 0], [0.5, 1.5], [-0.5, -1.5], [0.5, -2], [-0.5, 2.5], [0, 3], [0, -3]],
    ),
    "plot 2": (
        "_1 - max(_2 + _3, _4 + _5)",
        [["x2", "-x2", "0"], ["x1", "-x1", "0"], ["x2", "-x2", "0"], ["x1", "-x1", "0"], ["x2", "-x2", "0"]],
        [[0, 1], [0, 3], [1, 2], [-1, 2], [2, 2.5], [-2, 2.5], [0.5, 0.5], [-0.5, 0.5]],
        [[0, -1], [1, 0], [-1, 0], [2, 1], [-2, 1], [3, -1], [-3, -2], [0, -3], [1, -2], [-1, -2]],
    ),
}



@pytest.fixture
def needs_dot() -> None:
    """Graphviz's dot: skipped where it is missing, except on CI, where ``make test`` installs it: there it fails."""
    if shutil.which("dot") is None:
        if os.environ.get("CI"):
            pytest.fail("Graphviz's dot is missing on CI (make test installs the Debian package graphviz)")
        pytest.skip("Graphviz's dot is not installed (Debian package graphviz; make test installs it as root)")


def rows(label: str) -> list[tuple[str | None, str]]:
    """(colour or None, text) of each row of an HTML label."""
    found = re.findall(r'<TD>(?:<FONT COLOR="(#\w+)">)?(.*?)(?:</FONT>)?</TD>', label)
    return [(colour or None, html.unescape(text)) for colour, text in found]


def read_dot(dot: str) -> tuple[dict[str, list[tuple[str | None, str]]], dict[tuple[str, str], list]]:
    """Nodes (id -> label rows) and edges ((from, to) -> label rows) of the DOT ``draw_graph`` writes."""
    nodes, edges = {}, {}
    for line in dot.splitlines():
        edge = re.match(r"\t(\w+) -> (\w+)(?: \[label=<(.*)>\])?$", line)
        node = re.match(r"\t(\w+) \[label=<(.*)>", line)
        if edge:
            edges[edge[1], edge[2]] = rows(edge[3] or "")
        elif node:
            nodes[node[1]] = rows(node[2])
    return nodes, edges


def seed_picture(at: str | None = SEED_AT, round: int | None = 1) -> Picture:
    return symdiff.program(SEED_Q2B, WEIGHTS).graph(at, round=round)


def test_the_seed_network_has_its_nodes_and_the_weights_on_its_edges():
    nodes, edges = read_dot(seed_picture(None).dot)
    assert set(nodes) == {"x_1", "x_2", "r_1", "r_2", "s_1", "s_2", "y"}  # the weights are on edges, not nodes
    assert [text for _, text in nodes["r_1"]] == ["r₁ = max(cx₁ + ex₂, 0)"]
    assert [text for _, text in nodes["s_2"]] == ["s₂ = σ(br₂)"]
    assert [text for _, text in nodes["y"]] == ["y = s₁ + s₂"]
    weights = {pair: [text for _, text in label] for pair, label in edges.items()}
    assert weights == {
        ("x_1", "r_1"): ["c"], ("x_2", "r_1"): ["e"], ("x_1", "r_2"): ["d"], ("x_2", "r_2"): ["f"],
        ("r_1", "s_1"): ["a"], ("r_2", "s_2"): ["b"], ("s_1", "y"): [], ("s_2", "y"): [],
    }


def test_the_seed_network_with_values_shows_the_worksheets_numbers_in_two_colours():
    nodes, edges = read_dot(seed_picture().dot)
    assert nodes["s_1"] == [(VALUE, "0.9"), (None, "s₁ = σ(ar₁)"), (GRADIENT, "1")]
    assert nodes["y"] == [(VALUE, "1.4"), (None, "y = s₁ + s₂"), (GRADIENT, "1")]
    gradients = {label[1][1]: label[2][1] for label in edges.values() if label}
    assert gradients == {"a": "0.18", "b": "0", "c": "0.09", "d": "0", "e": "-0.09", "f": "0"}  # the seed's answers
    assert edges["r_1", "s_1"][0] == (VALUE, "1")  # a = 1, above


def test_the_gradients_drawn_match_finite_differences():
    """Away from the kinks (f = 0.5 makes r₂ > 0), exact values: every drawn gradient is ∂y/∂name numerically."""
    at = {"x_1": 1.0, "x_2": -1.0, "a": 1.0, "b": 1.0, "c": 4.0, "d": 1.0, "e": 2.0, "f": 0.5}
    nodes, edges = read_dot(symdiff.program(SEED_Q2B, WEIGHTS).graph(at).dot)

    def y(v):
        sigmoid = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
        return sigmoid(v["a"] * max(v["c"] * v["x_1"] + v["e"] * v["x_2"], 0)) + sigmoid(
            v["b"] * max(v["d"] * v["x_1"] + v["f"] * v["x_2"], 0)
        )

    drawn = {label[1][1]: float(label[2][1]) for label in edges.values() if label}
    drawn |= {"x_1": float(nodes["x_1"][2][1]), "x_2": float(nodes["x_2"][2][1])}
    for name, gradient in drawn.items():
        name = {"x₁": "x_1", "x₂": "x_2"}.get(name, name)
        step = 1e-6
        numeric = (y({**at, name: at[name] + step}) - y({**at, name: at[name] - step})) / (2 * step)
        assert gradient == pytest.approx(numeric, rel=1e-3, abs=1e-6), name


def test_a_matrix_program_draws_one_node_per_array_operation_with_shapes():
    picture = symdiff.program("h = sigmoid(W1*x); f = 0.5*norm(W2*h - y)**2").graph()
    nodes, edges = read_dot(picture.dot)
    labels = {node: label[0][1] for node, label in nodes.items()}
    assert {labels[name] for name in ("W1", "W2", "x", "y")} == {"W₁: n×d", "W₂: m×n", "x: d", "y: m"}
    assert labels["h"] == "h = σ(·): n" and labels["f"] == "f = ‖·‖²/2"
    by_label = {label: node for node, label in labels.items()}
    first, second, difference = by_label["W₁x: n"], by_label["W₂h: m"], by_label["· - y: m"]
    assert set(edges) == {
        ("W1", first), ("x", first), (first, "h"), ("W2", second), ("h", second),
        (second, difference), ("y", difference), (difference, "f"),
    }


def test_a_matrix_program_with_values_shows_arrays_and_their_gradients():
    nodes, _ = read_dot(symdiff.program("b = A*x; f = 0.5*norm(b)**2").graph("A=[[1, 2], [3, 4]], x=[1, -1]").dot)
    assert nodes["b"] == [(VALUE, "[-1, -1]"), (None, "b = Ax: n"), (GRADIENT, "[-1, -1]")]
    assert nodes["A"] == [(VALUE, "[[1, 2], [3, 4]]"), (None, "A: n×d"), (GRADIENT, "[[-1, 1], [-1, 1]]")]  # b xᵀ


@pytest.mark.parametrize("fmt, magic", [("svg", b"<svg"), ("png", b"\x89PNG\r\n\x1a\n"), ("pdf", b"%PDF-")])
def test_rendering_gives_a_valid_file(tmp_path, needs_dot, fmt, magic):
    path = seed_picture().save(tmp_path / f"graph.{fmt}")
    data = path.read_bytes()
    assert len(data) > 1000 and (data.startswith(magic) or magic in data[:400])
    if fmt == "svg":
        assert "r₁ = max(cx₁ + ex₂, 0)" in data.decode() and data.decode().rstrip().endswith("</svg>")


def test_a_notebook_shows_the_graph_inline(needs_dot):
    assert seed_picture()._repr_svg_().lstrip().startswith("<?xml")


def test_without_dot_the_source_is_written_and_the_error_says_how_to_render(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(DotMissing) as caught:
        seed_picture().save(tmp_path / "graph.svg")
    assert (tmp_path / "graph.dot").read_text().startswith("digraph")
    assert not (tmp_path / "graph.svg").exists()
    assert f"dot -Tsvg {tmp_path / 'graph.dot'} -o {tmp_path / 'graph.svg'}" in caught.value.render()


def test_cli_graph_writes_the_picture(tmp_path, needs_dot):
    out = tmp_path / "net.svg"
    done = CliRunner().invoke(
        main, ["graph", SEED_Q2B, "--shape", "a=scalar", "--shape", "b=scalar", "--shape", "c=scalar",
               "--shape", "d=scalar", "--shape", "e=scalar", "--shape", "f=scalar", "--at", SEED_AT, "--round", "1",
               "-o", str(out)],
    )
    assert done.exit_code == 0, done.output
    assert f"wrote {out}" in done.output and "0.18" in out.read_text()


def test_cli_graph_writes_dot_source_without_rendering(tmp_path):
    out = tmp_path / "net.dot"
    done = CliRunner().invoke(main, ["graph", "b = A*x; f = norm(b)", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "b = Ax: n" in out.read_text()


def test_cli_graph_notes_a_missing_dot_and_keeps_the_source(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    done = CliRunner().invoke(main, ["graph", "y = w*x", "-o", str(tmp_path / "g.png")])
    assert done.exit_code == 0, done.output
    assert "dot -Tpng" in done.output and (tmp_path / "g.dot").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["y = w*x", "-o", "g.txt"], "cannot tell the picture's format"),
        (["0.5*norm(x)**2", "-o", "g.dot"], "named definitions"),
        (["y = w*x", "--at", "w=1", "-o", "g.dot"], "missing value for x"),
        (["y = w*x", "--wrt", "q", "-o", "g.dot"], "--wrt q: not an input"),
    ],
)
def test_cli_graph_errors_are_clear(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(main, ["graph", *args])
    assert done.exit_code == 2 and message in done.output, done.output
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("name", Q2C)
def test_the_decision_regions_of_q2c_render(tmp_path, name):
    template, candidates, positive, negative = Q2C[name]
    found = symdiff.blanks(template, candidates, positive, negative)
    plot = found.plot()
    assert isinstance(plot, Plot)
    axes = plot.figure.axes
    assert len(axes) == len(found.functions) == 1  # equal fillings are one function, one panel
    assert axes[0].get_title().startswith("f = ") and "x₁" in axes[0].get_title()
    crosses, dots = (collection.get_offsets() for collection in axes[0].collections[-2:])
    assert np.array_equal(crosses, positive) and np.array_equal(dots, negative)
    for fmt, magic in (("png", b"\x89PNG"), ("svg", b"<?xml"), ("pdf", b"%PDF-")):
        data = plot.save(tmp_path / f"{name}.{fmt}").read_bytes()
        assert data.startswith(magic) and len(data) > 1000


def test_the_shaded_region_is_where_f_is_not_negative():
    """The region drawn: the plot's filled contour covers exactly the grid points where f(x₁, x₂) = |x₁| - 1 ≥ 0."""
    template, candidates, positive, negative = Q2C["plot 1"]
    figure = symdiff.blanks(template, candidates, positive, negative).plot().figure
    filled = figure.axes[0].collections[0]
    vertices = np.vstack([path.vertices for path in filled.get_paths()])
    assert np.all(np.abs(vertices[:, 0]) >= 1 - 0.05)  # nothing shaded strictly inside |x1| < 1


def test_no_valid_combination_plots_the_points_alone():
    found = symdiff.blanks("_1", [["x1"]], [[1, 0]], [[2, 0]])
    assert not found.functions
    assert found.plot().figure.axes[0].get_title() == "No valid combination"
