"""Read a worksheet file: TOML (the standard library's tomllib) checked by ``schema.py``.

Every problem becomes one ``WorksheetError`` naming the file, the question id,
the field and the line where it can be found, so a teacher can go straight
to it. tomllib keeps no positions, so the line is found by looking for the
question's ``id = "..."`` line and the field's key after it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from ..errors import SymdiffError, WorksheetError, did_you_mean
from ..files import read_limited
from ..limits import MAX_WORKSHEET_BYTES
from ..parse.macros import expand_macros
from .schema import FIELD_NAMES, KINDS, Choice, Group, Unreadable, Worksheet


@dataclass(frozen=True)
class Source:
    """A worksheet's file name and text, for pointing at places in it."""

    path: str
    text: str

    def line_of(self, question_id: str | None, field: str | None = None, text: str | None = None) -> int | None:
        """The 1-based line of ``field`` in the question (or group) with ``question_id``.

        With ``text``, the line at or after the field's where that text stands
        (an option of a list written one per line).
        """
        lines = self.text.splitlines()
        start = 0
        if question_id is not None:
            found = next((i for i, line in enumerate(lines) if _assigns(line, "id", question_id)), None)
            if found is None:
                return None
            start = found
        if field is None:
            return start + 1
        key = field.rpartition(".")[2]
        at = next((i for i in _section(lines, start) if _assigns(lines[i], key)), None)
        if at is None:
            return start + 1
        if text is not None:
            quoted = (f'"{text}"', f"'{text}'")
            return next((i + 1 for i in _section(lines, at) if any(q in lines[i] for q in quoted)), at + 1)
        return at + 1

    def error(
        self,
        message: str,
        question_id: str | None = None,
        field: str | None = None,
        hint: str | None = None,
        text: str | None = None,
    ) -> WorksheetError:
        """A ``WorksheetError`` saying ``file:line: question ID: field 'F': message``."""
        line = self.line_of(question_id, field, text)
        where = f"{self.path}:{line}" if line else self.path
        parts = [where]
        if question_id is not None:
            parts.append(f"question {question_id}")
        if field is not None:
            parts.append(f"field '{field}'")
        return WorksheetError(": ".join(parts) + ": " + message, hint=hint)


def _section(lines: list[str], start: int) -> range:
    """Line indices from ``start`` up to the next table header ``[[...]]``."""
    end = next((i for i in range(start + 1, len(lines)) if _is_header(lines[i])), len(lines))
    return range(start, end)


def _is_header(line: str) -> bool:
    """``[group.context]`` or ``[[group.question]]``, not a row of an array such as ``[2, 2],``."""
    stripped = line.strip()
    return stripped.startswith("[") and stripped.endswith("]") and not any(c in stripped for c in ",='\"")


def _assigns(line: str, key: str, value: str | None = None) -> bool:
    name, sep, rest = line.partition("=")
    if not sep or name.strip() != key:
        return False
    return value is None or rest.strip().strip("'\"") == value


def read_source(path: str | Path) -> Source:
    """The file's text, or an error saying why it cannot be read (also when it is too large to be a worksheet)."""
    try:
        data = read_limited(path, MAX_WORKSHEET_BYTES, "a worksheet", hint="split the worksheet into smaller files")
        return Source(str(path), data.decode("utf-8"))
    except FileNotFoundError:
        raise WorksheetError(f"{path}: no such file", hint="give the path of a worksheet .toml file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise WorksheetError(f"{path}: cannot read: {exc}") from None


def load(path: str | Path) -> tuple[Worksheet, Source]:
    """The validated worksheet and its source; a ``WorksheetError`` on any problem."""
    return read(read_source(path))


def read(source: Source) -> tuple[Worksheet, Source]:
    """The validated worksheet in ``source`` (text already in hand, as the web page sends it), as ``load``."""
    try:
        data = tomllib.loads(source.text)
    except tomllib.TOMLDecodeError as exc:
        raise WorksheetError(
            f"{source.path}: not valid TOML: {exc}",
            hint="LaTeX is easiest in literal strings: options = ['\\frac{1}{2}', ...]",
        ) from None
    try:
        worksheet = Worksheet.model_validate(data)
    except ValidationError as exc:
        raise _first_problem(exc, data, source) from None
    return worksheet.model_copy(update={"groups": [_expanded(group, source) for group in worksheet.groups]}), source


def _expanded(group: Group, source: Source) -> Group:
    """The group with its context's macros expanded in its definitions, options and text, by the LaTeX reader's
    expansion (bounded as for ``--macro``), so that every later stage, and the key, sees plain LaTeX."""
    macros = group.context.macros
    if not macros:
        return group

    def expand(text: str, owner: str, field: str) -> str:
        try:
            return expand_macros(text, macros)
        except SymdiffError as exc:
            raise source.error(exc.render().replace("\n", "\n  "), owner, field) from None

    def option(text: str | Unreadable, owner: str) -> str | Unreadable:
        if isinstance(text, Unreadable):
            return text.model_copy(update={"latex": expand(text.latex, owner, "options")})
        return expand(text, owner, "options")

    questions = []
    for question in group.questions:
        update: dict[str, object] = {"text": expand(question.text, question.id, "text")}
        if isinstance(question, Choice):
            update["options"] = [option(text, question.id) for text in question.options]
        questions.append(question.model_copy(update=update))
    definitions = [expand(text, group.id, "definitions") for text in group.context.definitions]
    return group.model_copy(
        update={
            "text": expand(group.text, group.id, "text"),
            "context": group.context.model_copy(update={"definitions": definitions}),
            "questions": questions,
        }
    )


def _first_problem(exc: ValidationError, data: dict, source: Source) -> WorksheetError:
    problem = exc.errors()[0]
    location: Sequence[str | int] = problem["loc"]
    question_id, field = _describe(location, data)
    if problem["type"] == "union_tag_invalid":
        return source.error(
            f"unknown kind {problem['input'].get('kind')!r}",
            question_id,
            "kind",
            hint="kind is one of " + ", ".join(KINDS),
        )
    if problem["type"] == "union_tag_not_found":
        return source.error("missing field 'kind'", question_id, None, hint="kind is one of " + ", ".join(KINDS))
    message = problem["msg"]
    if problem["type"] == "missing":
        message = "missing"
    elif problem["type"] == "extra_forbidden":
        name = (field or "").rpartition(".")[2]
        return source.error("not a field here", question_id, field, hint=did_you_mean(name, FIELD_NAMES))
    return source.error(message, question_id, field)


def _describe(location: Sequence[str | int], data: dict) -> tuple[str | None, str | None]:
    """(question or group id, dotted field path) for a pydantic error location."""
    node: object = data
    owner_id: str | None = None
    keys: list[str] = []
    for key in location:
        if isinstance(key, str) and key in KINDS:
            continue  # the discriminated union's branch name, not a key of the data
        if isinstance(key, str):
            keys.append(key)
        if (isinstance(node, dict) and key in node) or (
            isinstance(node, list) and isinstance(key, int) and key < len(node)
        ):
            node = node[key]  # type: ignore[index]
        else:
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            owner_id, keys = node["id"], []
    return owner_id, ".".join(keys) or None
