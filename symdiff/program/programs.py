"""``Program``: a computation graph read from text, and what can be asked of it.

``program(text, shapes, syntax, of)`` reads definitions (or a bare formula,
a one-line program), types and builds them (``graph.py``); ``Program.derive``
differentiates the output by the chain rule through the graph (``chain.py``),
in terms of the intermediates unless asked to expand them away.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache, partial, wraps
from typing import TYPE_CHECKING, Any, TypeVar

import sympy as sp

from .. import arguments, limits
from ..derive import derivative as derive_in_turn
from ..derive.conventions import Layout, check_layout, squared, symmetric_names
from ..derive.indices import entry_target, in_index_form
from ..derive.tidy import tidy
from ..errors import LimitError, SymdiffError, did_you_mean
from ..export.unicode import SUB, script, unicode_name
from ..model import Formula, Syntax, declarations, is_latex
from ..model import formula as read_formula
from ..model.algebra import entries
from ..model.canonical import canonical
from ..model.types import Dim, Shape, Typing
from ..parse import ast
from ..parse.sums import place_samples, read_samples
from ..result import Result, wrt_steps
from .chain import derivative
from .graph import Graph, build_graph
from .printing import to_latex, to_text, to_unicode
from .reading import read_program
from .steps import Derivation, Line, derivation, index_derivation

if TYPE_CHECKING:
    from .backprop import Backprop  # the numbers, with NumPy: imported when asked for

ShapeSpec = Mapping[str, tuple[Dim, ...]]
Method = TypeVar("Method", bound=Callable[..., Any])


def _deep(method: Method) -> Method:
    """Run ``method`` with stack room for the program's nesting (``limits.nesting``): SymPy recurses
    through expressions, and a long chain of definitions substituted into each other is deep."""

    @wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        with limits.nesting(self.depth, self.described):
            return method(self, *args, **kwargs)

    return run  # type: ignore[return-value]


@dataclass(frozen=True)
class ProgramResult(Result):
    """A derivative through a program: printed with inputs before intermediates.

    ``evaluate`` takes the program's inputs only: the intermediates it is
    written in are computed from them.
    """

    intermediates: frozenset[sp.Basic] = frozenset()
    expanded: sp.Basic | None = None
    """The same derivative in terms of the inputs only."""
    depth: int = 0
    """The program's nesting with its definitions substituted (``Program.depth``)."""
    described: str = "the program"

    @cached_property
    @_deep
    def text(self) -> str:
        return to_text(self.sympy, self.intermediates)

    @cached_property
    @_deep
    def latex(self) -> str:
        components = {
            str(entry) for value in self.formula.symbols.values() if isinstance(value, sp.MatrixBase) for entry in value
        }
        return to_latex(self.sympy, self.intermediates, components=components)

    @cached_property
    @_deep
    def unicode(self) -> str:
        return to_unicode(self.sympy, self.intermediates)

    @property
    def numeric(self) -> sp.Basic:
        return self.sympy if self.expanded is None else self.expanded

    @cached_property
    @_deep
    def _compiled(self) -> Callable[..., object]:
        from ..evaluate import compile_for

        return _Evaluator(self.depth, self.described, compile_for(self.formula, self.numeric))


@dataclass(frozen=True)
class _Evaluator:
    """A compiled derivative, called with the program's stack room (its closures nest as deep as it)."""

    depth: int
    described: str
    compiled: Callable[..., object]

    @_deep
    def __call__(self, **values: object) -> object:
        return self.compiled(**values)


class Program:
    """Definitions ``name = formula`` read as a computation graph (or a bare formula)."""

    def __init__(
        self,
        text: str,
        shapes: ShapeSpec | None = None,
        syntax: Syntax = "auto",
        of: str | None = None,
        samples: Mapping[str, str] | None = None,
    ):
        r"""``samples`` says where a sample ``\mathbf{x}_i`` of an index sum lies (``{"x": "X:cols"}``), in
        the definitions and in the formulas read in the program's context (``formula``)."""
        self.text = arguments.text(text, "text")
        self.syntax: Syntax = arguments.syntax(syntax)  # type: ignore[assignment]
        of = arguments.name_or_none(of, "of")
        self._shapes, self._of, self._samples = shapes, of, samples
        placed = read_samples(samples)
        declared = declarations(arguments.shapes(shapes))  # type: ignore[arg-type]
        parsed = read_program(text, syntax, frozenset(declared))
        if isinstance(parsed, tuple):
            parsed = tuple(replace(item, value=place_samples(item.value, placed)) for item in parsed)
        self.depth, self.described = _nesting(text, parsed)
        with limits.nesting(self.depth, self.described):
            self._read(text, parsed, shapes, syntax, of, declared)

    def nesting(self) -> AbstractContextManager[None]:
        """Stack room for work on this program's expressions outside its methods (checking options
        numerically), and a ``LimitError`` rather than a ``RecursionError`` (``limits.nesting``)."""
        return limits.nesting(self.depth, self.described)

    def _read(
        self,
        text: str,
        parsed: tuple[ast.Definition, ...] | ast.Node,
        shapes: ShapeSpec | None,
        syntax: Syntax,
        of: str | None,
        declared: dict[str, Shape],
    ) -> None:
        self._bare: Formula | None = None
        if isinstance(parsed, ast.Node):
            if of is not None:
                raise SymdiffError(
                    f"--of {of}: the input is one formula, without named definitions",
                    hint="write definitions such as b = A*x; f = norm(b) to name parts",
                )
            self._bare = read_formula(text, shapes, syntax, self._samples)
            self.graph = Graph(text, (), self._bare.typing, self._bare.symbols)
            self.output: str | None = None
            self.value: sp.Basic = self._bare.expr
            return
        self.graph = build_graph(text, parsed, declared, is_latex(text, syntax))
        self.output = parsed[-1].name if of is None else of
        self.value = self._output_value(self.output)
        self.graph = replace(self.graph, output=self.output)

    def _output_value(self, name: str) -> sp.Basic:
        if name in self.graph.by_name:
            return self.graph.by_name[name].symbol
        symbol = self.graph.symbols.get(name)
        if symbol is not None and symbol in self.graph.owner:
            return symbol
        defined = list(self.graph.by_name)
        raise SymdiffError(
            f"'{name}' is not defined in the program",
            hint=did_you_mean(name, defined) or f"the output may be one of {', '.join(defined)} or a component of one",
        )

    # --- what the program holds ----------------------------------------------
    @property
    def inputs(self) -> dict[str, Shape]:
        """Names not defined in the program, with their shapes."""
        return dict(self.graph.inputs)

    @property
    def intermediates(self) -> dict[str, Shape]:
        """Defined names with their shapes, in definition order."""
        return {node.name: node.shape for node in self.graph.nodes}

    @property
    def symbols(self) -> dict[str, sp.Basic]:
        """Every name (inputs, intermediates and their components) -> its SymPy object."""
        return dict(self.graph.symbols)

    @property
    def form(self) -> str:
        return self.graph.form

    @cached_property
    @_deep
    def expanded(self) -> Formula:
        """The output as one formula of the inputs (intermediates substituted away)."""
        if self._bare is not None:
            return self._bare
        typing = Typing(dict(self.graph.inputs), dict(self.graph.typing.components), ())
        owner = self.output if self.output in self.graph.by_name else self.graph.owner[self.value]
        tree = self.graph.by_name[owner].definition.value
        return Formula(self.text, tree, typing, self.graph.symbols, self.graph.expand(self.value))

    @_deep
    def expand(self, expr: sp.Basic) -> sp.Basic:
        """``expr`` with intermediates and their components replaced by their definitions, recursively."""
        return self.graph.expand(arguments.instance(expr, sp.Basic, "expr"))  # type: ignore[arg-type]

    @_deep
    def formula(self, text: str, syntax: Syntax = "auto") -> Formula:
        """Another formula (an answer option) read with this program's names and shapes known."""
        shapes = {name: shape for name, shape in self.graph.typing.shapes.items()}
        read = read_formula(arguments.text(text, "text"), shapes, arguments.syntax(syntax), self._samples)  # type: ignore[arg-type]
        return replace(read, expr=canonical(read.expr))

    # --- derivatives -----------------------------------------------------------
    def target(self, name: str) -> sp.Basic:
        """The SymPy object of an input, intermediate or component; an error with a suggestion otherwise."""
        if arguments.text(name, "name") in self.graph.symbols:
            return self.graph.symbols[name]
        entry = entry_target(name)  # w[j], W[k, l]: the partial by an entry, in index form
        if entry is not None and entry[0] in self.graph.inputs:
            return self.graph.symbols[entry[0]]
        known = sorted(set(self.graph.typing.shapes))
        where = "program" if self._bare is None else "formula"
        raise SymdiffError(
            f"'{name}' does not occur in the {where}",
            hint=did_you_mean(name, known) or f"the names in it are {', '.join(known) or 'none'}",
        )

    @_deep
    def derive(
        self,
        wrt: str | Sequence[str],
        expand: bool = False,
        in_terms_of: Sequence[str] | None = None,
        *,
        layout: Layout | None = None,
        symmetric: Iterable[str] = (),
    ) -> Result:
        """∂output/∂wrt by the chain rule through the graph, in terms of the intermediates.

        ``expand`` writes it in terms of the inputs only; ``in_terms_of`` keeps
        the named intermediates and substitutes the others. ``layout`` and
        ``symmetric`` are the conventions of ``symdiff.derive`` (``derive.conventions``),
        applied as to one formula: the program's inputs may be declared symmetric.
        """
        steps = wrt_steps(wrt)
        symmetric = arguments.names(symmetric, "symmetric")
        check_layout(arguments.name_or_none(layout, "layout"))
        for name in symmetric:
            if name in self.graph.by_name:
                raise SymdiffError(
                    f"'{name}' is declared symmetric but is computed by the program",
                    hint="declare inputs symmetric; an intermediate is what its definition makes it",
                )
        shapes = squared(self.graph.inputs, symmetric, self._shapes)
        if shapes is not None:  # a symmetric matrix inferred n×d: read again with it square, as for one formula
            return Program(self.text, shapes, self.syntax, self._of, self._samples).derive(
                wrt, expand, in_terms_of, layout=layout, symmetric=symmetric
            )
        names = tuple(",".join(step) for step in steps)
        if self._bare is not None:
            declared = symmetric_names(self._bare, symmetric)
            return Result(self._bare, names, derive_in_turn(self._bare, self._bare.expr, steps, declared, layout))
        for step in steps:
            for name in step:
                self.target(name)
        declared = symmetric_names(self.expanded, symmetric)
        if in_index_form(self.expanded.expr):  # no matrix form: no chain rule through the graph, one formula
            self._inputs_only(steps)
            value = derive_in_turn(self.expanded, self.expanded.expr, steps, declared, layout)
        else:
            value = derive_in_turn(self.expanded, self.value, steps, declared, layout, partial(derivative, self.graph))
        full = self.graph.expand(value)
        if self.form == "matrix" and not isinstance(full, sp.Tuple):
            full = tidy(full)
        if arguments.flag(expand, "expand"):
            value = full
        elif in_terms_of is not None:
            value = self._in_terms_of(value, in_terms_of)
        return ProgramResult(self.expanded, names, value, frozenset(self.graph.owner), full, self.depth, self.described)

    def _inputs_only(self, steps: Sequence[Sequence[str]]) -> None:
        """An index sum with no matrix form is differentiated as one formula: by inputs only."""
        for name in (name for step in steps for name in step):
            if name not in self.graph.inputs and (entry_target(name) or ("",))[0] not in self.graph.inputs:
                raise SymdiffError(
                    f"{name} is an intermediate, and this program has an index sum with no matrix form",
                    hint="differentiate by an input: the chain rule is not followed through the index form",
                )

    def _in_terms_of(self, value: sp.Basic, names: Sequence[str]) -> sp.Basic:
        keep = set(arguments.names(names, "in_terms_of"))
        for name in keep:
            self.target(name)
        result = self.graph.expand(value, keep=frozenset(n for n in keep if n in self.graph.by_name))
        allowed = {s for name in keep for s in entries(self.graph.symbols[name])}
        extra = sorted(
            {
                name
                for name, symbol in self.graph.symbols.items()
                if name not in keep
                and set(entries(symbol)) & result.free_symbols
                and not set(entries(symbol)) <= allowed
            }
        )
        if extra:
            raise SymdiffError(
                f"the derivative also depends on {', '.join(extra)}",
                hint=f"add {'it' if len(extra) == 1 else 'them'} to --in-terms-of",
            )
        return result

    # --- numbers and derivations -------------------------------------------------
    def _definitions_needed(self, what: str) -> str:
        """The output's name; an error for a bare formula, whose parts have no names."""
        if self.output is None:
            raise SymdiffError(
                f"{what} follows named intermediates, and this is one formula",
                hint="name its parts, e.g. b = A*x; f = 0.5*norm(b)**2",
            )
        return self.output

    @_deep
    def backprop(
        self, at: str | Mapping[str, object], wrt: str | Sequence[str] | None = None, round: int | None = None
    ) -> Backprop:
        """Forward pass at ``at`` (``"x1=1, x2=-1"`` or a mapping), then the backward pass.

        ``wrt`` names the partials wanted (default: every input); ``round=N``
        rounds each forward value to N decimals before it is used downstream.
        """
        from .backprop import run_backprop

        output = self._definitions_needed("backprop")
        names = list(self.graph.inputs) if wrt is None else [n for step in wrt_steps(wrt) for n in step]
        return run_backprop(self.graph, self.value, output, at, names, round)

    @_deep
    def code(self, backend: str = "numpy", wrt: str | Sequence[str] | None = None) -> str:
        """The backprop as a self-contained Python function for ``backend`` "numpy", "jax" or "torch":
        ``f_and_grads(<inputs>)`` runs the definitions under their names and returns the value and the
        gradients by ``wrt`` (default every input) as a dict by name, with ``check_gradient`` comparing
        them with finite differences at a point. symdiff prints this code and never runs it."""
        from .code import backprop_code

        return backprop_code(self, backend, wrt)

    @_deep
    def steps(
        self, wrt: str | Sequence[str], at: str | Mapping[str, object] | None = None, round: int | None = None
    ) -> list[Derivation]:
        """The derivation of ∂output/∂name for each name, with the numbers when ``at`` is given.
        A formula without definitions has steps where it is written with index sums (called f)."""
        names = [n for step in wrt_steps(wrt) for n in step]
        if self._bare is not None and at is None:
            for name in names:
                self.target(name)
            bare = [index_derivation(self.graph, self.text, self._bare.tree, "f", n, self.derive) for n in names]
            found = [derivation for derivation in bare if derivation is not None]
            if len(found) == len(names):
                return found
        output = self._definitions_needed("--steps")
        for name in names:
            self.target(name)
        numbers = None
        if at is not None:
            from .backprop import run_backprop

            numbers = run_backprop(self.graph, self.value, output, at, names, round)
        tree = self.expanded.tree
        return [
            index
            if numbers is None
            and (index := index_derivation(self.graph, self.text, tree, output, name, self.derive)) is not None
            else self._entry_steps(output, name, *entry)
            if (entry := entry_target(name)) is not None and name not in self.graph.symbols
            else derivation(self.graph, self.value, output, name, numbers)
            for name in names
        ]

    def _entry_steps(self, output: str, name: str, base: str, slots: tuple[str, ...]) -> Derivation:
        """∂output/∂w_j: the entry j of the gradient by w, then that entry written out in index form."""
        gradient, answer = self.derive(base), self.derive(name)
        index = ", ".join(slots)
        entry = script("".join(slots), SUB) or f"[{index}]"
        lhs = Line(
            f"∂{output}/∂{name}",
            rf"\frac{{\partial {output}}}{{\partial {base}_{{{''.join(slots)}}}}}",
            f"∂{unicode_name(output)}/∂{unicode_name(base)}{entry}",
        )
        whole = Line(
            f"({gradient.text})[{index}]",
            rf"\left({gradient.latex}\right)_{{{''.join(slots)}}}",
            f"({gradient.unicode}){entry}",
        )
        return Derivation(output, name, lhs, (whole, Line(answer.text, answer.latex, answer.unicode)))

    def __repr__(self) -> str:
        return f"Program({self.text!r}, output={self.output!r})"


def _nesting(text: str, parsed: tuple[ast.Definition, ...] | ast.Node) -> tuple[int, str]:
    """How deep the program nests with its definitions substituted into each other, and what to call it in
    an error (the longest chain of definitions); a ``LimitError`` beyond ``limits.MAX_PROGRAM_DEPTH``."""
    if isinstance(parsed, ast.Node):
        return 0, "the formula"
    depth: dict[str, int] = {}
    chain: dict[str, int] = {}
    for definition in parsed:
        deepest, longest = 0, 0
        stack = [(definition.value, 1)]
        while stack:
            node, level = stack.pop()
            if isinstance(node, ast.Name) and node.id in depth:
                deepest, longest = max(deepest, level - 1 + depth[node.id]), max(longest, chain[node.id])
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in node.children())
        depth[definition.name], chain[definition.name] = deepest, longest + 1
    name = max(chain, key=chain.__getitem__)
    described = f"the program (a chain of {chain[name]} definitions ending in {name}, nested {depth[name]} deep)"
    worst = max(depth, key=depth.__getitem__)
    if depth[worst] > limits.MAX_PROGRAM_DEPTH:
        definition = next(d for d in parsed if d.name == worst)
        raise LimitError(
            f"{worst} is a chain of {chain[worst]} definitions that nest {depth[worst]} levels deep "
            f"when substituted into each other; the limit is {limits.MAX_PROGRAM_DEPTH}",
            text,
            definition.span,
            "split the program into shorter ones, using one's output as the next one's input",
        )
    return max(depth.values()), described


def program(
    text: str,
    shapes: ShapeSpec | None = None,
    syntax: Syntax = "auto",
    of: str | None = None,
    samples: Mapping[str, str] | None = None,
) -> Program:
    r"""Read a program: definitions ``name = formula`` separated by ``;`` or new lines, or a bare formula.

    ``samples`` places the samples ``\mathbf{x}_i`` of index sums, as ``derive``'s does.

    >>> program("b = A*x; f = 0.5*norm(b)**2").derive("A").text
    'b*x.T'
    """
    return Program(text, shapes, syntax, of, samples)


def shared(
    text: str,
    shapes: ShapeSpec | None = None,
    syntax: Syntax = "auto",
    of: str | None = None,
    samples: Mapping[str, str] | None = None,
) -> Program:
    """``program(...)``, read once per process for the same arguments: a worksheet's questions and the
    checker's neighbouring questions read one context again and again. For symdiff's own callers, which
    never change a program; ``program`` gives every user a fresh one. Arguments that are not plain text
    and shapes of names to int or str dims are read afresh (and refused there if they are wrong)."""
    key = _shapes_key(shapes)
    placed = _samples_key(samples)
    plain = isinstance(text, str) and isinstance(syntax, str) and (of is None or isinstance(of, str))
    if key is None or placed is None or not plain:
        return program(text, shapes, syntax, of, samples)
    return _shared(text, key, syntax, of, placed)


@lru_cache(maxsize=64)
def _shared(
    text: str,
    shapes: tuple[tuple[str, tuple[Dim, ...]], ...],
    syntax: Syntax,
    of: str | None,
    samples: tuple[tuple[str, str], ...],
) -> Program:
    return program(text, dict(shapes), syntax, of, dict(samples) or None)


def _samples_key(samples: object) -> tuple[tuple[str, str], ...] | None:
    if samples is None:
        return ()
    if not isinstance(samples, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in samples.items()):
        return None
    return tuple(sorted(samples.items()))


def _shapes_key(shapes: object) -> tuple[tuple[str, tuple[Dim, ...]], ...] | None:
    if shapes is None:
        return ()
    if not isinstance(shapes, dict):
        return None
    key = []
    for name, dims in shapes.items():
        if not isinstance(name, str) or not isinstance(dims, tuple) or any(type(d) not in (int, str) for d in dims):
            return None
        key.append((name, dims))
    return tuple(key)
