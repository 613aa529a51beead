"""What a worksheet file may say: the TOML format, as pydantic models.

A worksheet is a title and groups of questions; a group's context declares
shapes, definitions (the program the questions are about), given values and
the worksheet's rounding convention. Validation is pydantic's, so every
mistake comes back with the path of the field it concerns; ``load.py`` turns
that path into a file, a question id and a line.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from ..check.explain import RULES
from ..errors import ParseError
from ..parse.macros import check_macro
from ..parse.sums import read_samples

QuestionId = Annotated[str, StringConstraints(pattern=r"^[0-9]+(\.[0-9a-z]+)*$")]
"""The worksheet's own numbering, dot-separated: ``1.a.i``, ``1.d.ii``, ``2.a``, ``2.c.1``."""

Dims = list[Annotated[int, Field(gt=0)] | str] | Literal["scalar"]
Formula = Annotated[str, StringConstraints(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Context(_Strict):
    """What the questions of a group share."""

    shapes: dict[str, Dims] = {}
    """``A = [2, 2]``, ``x = [2]``, ``A = ["n", "d"]``, ``lam = "scalar"``."""
    definitions: list[Formula] = []
    """The program: ``'b = \\mathbf{Ax}'``, ``'f = \\frac{1}{2}\\|\\mathbf{b}\\|^2'`` (plain syntax or LaTeX)."""
    at: dict[str, float] = {}
    """Given values of the inputs, for the numeric kinds."""
    round: Annotated[int, Field(ge=0, le=12)] | None = None
    """Decimals each forward value is rounded to before use, as the worksheet does; exact when absent."""
    syntax: Literal["latex", "plain"] = "latex"
    """How definitions and options are written: LaTeX as worksheets print them, or symdiff's plain syntax."""
    macros: dict[str, str] = {}
    r"""The document's shorthands, as ``--macro`` takes them: ``x = '\mathbf{x}'`` (or ``'\x' = ...``),
    ``ip = '#1^\top #2'``; expanded in the group's definitions, options and text (``load.py``)."""

    samples: dict[str, str] = {}
    r"""Where a sample ``\mathbf{x}_i`` of an index sum lies, as ``--samples`` takes it: ``x = "X:cols"``
    (column i of X; row i, ``"X:rows"``, when absent)."""

    @field_validator("samples")
    @classmethod
    def _placed(cls, samples: dict[str, str]) -> dict[str, str]:
        try:
            read_samples(samples)
        except ParseError as exc:
            raise ValueError(exc.message) from None
        return samples

    @field_validator("macros")
    @classmethod
    def _commands(cls, macros: dict[str, str]) -> dict[str, str]:
        named = {(name if name.startswith("\\") else "\\" + name): body for name, body in macros.items()}
        for name, body in named.items():
            if not check_macro(name, body):
                raise ValueError(
                    f"a macro is a command's name (x or \\x) and a body with balanced braces, not {name} = {body!r}"
                )
        return named

    @model_validator(mode="after")
    def _macros_are_latex(self) -> Context:
        if self.macros and self.syntax != "latex":
            raise ValueError("macros are LaTeX shorthands; this group's syntax is plain")
        return self


class _Question(_Strict):
    id: QuestionId
    text: str = ""
    """The question as printed (text, LaTeX in ``$...$``); escaped in answer keys."""
    points: Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False)] = 1
    """What the question is worth when students' answers are graded (``symdiff grade``)."""


class _Derivative(_Question):
    of: str | None = None
    """The quantity differentiated: a definition or a component of one; the last definition when absent."""
    wrt: Formula
    """A name, or names separated by commas for a tuple of partials (``A11, A12``)."""
    expand: bool = False
    """Write the answer in the inputs only ("in terms of A and x only")."""


class Unreadable(_Strict):
    """An option that is not a formula (the seed's ``f(b_1)``), marked so by the worksheet's author.

    Any other option that does not parse is an error in the worksheet, so a
    typo never passes as a wrong option.
    """

    latex: Formula
    unreadable: Annotated[str, StringConstraints(min_length=1)]
    """Why it is not a formula, in the author's words; the key shows it."""


class Choice(_Derivative):
    """Pick the options equal to a derivative."""

    kind: Literal["choice"]
    options: Annotated[list[Formula | Unreadable], Field(min_length=2)]
    steps: bool = False
    """Show the derivation of the answer in the key, as a worksheet's solutions do (also set for a whole group)."""


class Derive(_Derivative):
    """An open question: the key shows the result and the chain rule."""

    kind: Literal["derive"]


class Forward(_Question):
    """Node values for the context's inputs, labelled as the worksheet labels them."""

    kind: Literal["forward"]
    values: Annotated[dict[str, str], Field(min_length=1)]
    """Label -> node name: ``"(i)" = "h1"``."""


class Backprop(_Question):
    """Numeric partials of the output, with the context's rounding."""

    kind: Literal["backprop"]
    wrt: Annotated[list[str], Field(min_length=1)]
    of: str | None = None


Coordinate = Annotated[float, Field(allow_inf_nan=False)]
"""A point's coordinate: a finite number (TOML's nan and inf are refused)."""


class Blanks(_Question):
    """Fill the blanks of a template so that it labels every point correctly."""

    kind: Literal["blanks"]
    template: Formula
    """``max(_1 + _2, _3 + _4) + _5``: blanks are ``_1``, ``_2``, ... ."""
    candidates: Annotated[list[Annotated[list[Formula], Field(min_length=1)]], Field(min_length=1)]
    """One list of candidate expressions per blank, in blank order."""
    variables: Annotated[list[str], Field(min_length=1)] = ["x1", "x2"]
    positive: list[list[Coordinate]] = []
    """Points labelled × (f ≥ 0), coordinates in ``variables`` order."""
    negative: list[list[Coordinate]] = []
    """Points labelled • (f < 0)."""

    @model_validator(mode="after")
    def _points_fit(self) -> Blanks:
        for label, points in (("positive", self.positive), ("negative", self.negative)):
            for point in points:
                if len(point) != len(self.variables):
                    raise ValueError(
                        f"a point in '{label}' has {len(point)} coordinates; variables are {', '.join(self.variables)}"
                    )
        if not self.positive and not self.negative:
            raise ValueError("give labelled points in 'positive' and/or 'negative'")
        return self


Question = Annotated[Choice | Derive | Forward | Backprop | Blanks, Field(discriminator="kind")]
KINDS = ("choice", "derive", "forward", "backprop", "blanks")


PARTIAL_REASONS = frozenset(name for name, _ in RULES) | {"differs", "ill-formed", "sign", "incomplete"}
"""Reasons a wrong answer may earn partial credit for: the checker's (``check/explain.py``), ``sign`` (minus the
answer, which the checker counts as a ``factor``) and ``incomplete`` (some of several correct options chosen)."""


class Grading(_Strict):
    """How students' typed answers are graded (``symdiff grade``): ``[grading]``."""

    partial: dict[str, Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]] = {}
    """Reason -> the share of the points a wrong answer with that reason earns: ``{ factor = 0.5, sign = 0.25 }``."""
    tolerance: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = None
    """Absolute tolerance for numeric answers; 0.1% of the value (at least 1e-9) when absent."""

    @field_validator("partial")
    @classmethod
    def _known_reasons(cls, partial: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(partial) - PARTIAL_REASONS)
        if unknown:
            raise ValueError(f"unknown reason {unknown[0]!r}; reasons are {', '.join(sorted(PARTIAL_REASONS))}")
        return partial


class Group(_Strict):
    """Questions sharing a context (a worksheet's Q1, Q2, ...)."""

    id: QuestionId
    title: str = ""
    text: str = ""
    context: Context = Context()
    steps: bool = False
    """Show the derivation of the answer of every choice question of the group."""
    questions: Annotated[list[Question], Field(alias="question", min_length=1)]


class Worksheet(_Strict):
    """A whole worksheet: ``[[group]]`` tables, each with ``[[group.question]]`` tables."""

    title: Annotated[str, StringConstraints(min_length=1)]
    text: str = ""
    groups: Annotated[list[Group], Field(alias="group", min_length=1)]
    grading: Grading = Grading()
    """Partial credit and numeric tolerance for ``symdiff grade``."""

    @field_validator("groups")
    @classmethod
    def _unique_ids(cls, groups: list[Group]) -> list[Group]:
        seen: set[str] = set()
        for group in groups:
            for question in group.questions:
                if question.id in seen:
                    raise ValueError(f"question id {question.id} is used twice")
                seen.add(question.id)
        return groups


FIELD_NAMES = frozenset(
    field.alias or name
    for model in (Worksheet, Group, Context, Choice, Derive, Forward, Backprop, Blanks, Unreadable, Grading)
    for name, field in model.model_fields.items()
)
"""Every field a worksheet may have, to suggest one for a misspelt name."""
