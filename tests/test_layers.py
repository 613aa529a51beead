"""The pipeline's order, enforced: an import may only point down it.

The stages (README, "How it works") from the bottom up; a module may import
from its own stage and from any stage below it, never from one above. The
test reads every ``import`` of ``symdiff/`` (including those inside
functions), so a late import cannot hide an arrow that runs back up.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import symdiff

STAGES: tuple[tuple[str, ...], ...] = (
    ("ops", "errors", "limits", "arguments", "files", "clean", "writing"),
    ("parse",),
    ("model",),
    ("export",),
    ("derive",),
    ("evaluate",),
    ("result",),
    ("program",),
    ("check",),
    ("pictures",),
    ("worksheet",),
    ("grade", "deploy"),
    ("api",),
    ("web",),
    ("cli", "__main__"),
)
"""Bottom first. ``symdiff/__init__.py`` re-exports the API and is the top. The printers (``export``)
print model expressions and need nothing else, so they sit right above the model: derive's tidy pass
chooses among equal forms the one that prints shortest."""

PACKAGE = Path(symdiff.__file__).parent


def stage_of(module: str) -> int:
    """The stage index of a dotted module name inside symdiff (``symdiff.derive.rules`` -> 3)."""
    top = module.split(".")[1] if "." in module else ""
    for index, names in enumerate(STAGES):
        if top in names:
            return index
    return len(STAGES)  # the package itself


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every symdiff import in ``path``."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module.rpartition(".")[0] if path.name != "__init__.py" else module.removesuffix(".__init__")
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                targets = [".".join([*base, node.module])] if node.module else [".".join([*base, a.name]) for a in node.names]
            else:
                targets = [node.module or ""]
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            continue
        found += [(node.lineno, target) for target in targets if target.split(".")[0] == "symdiff"]
    return found


MODULES = sorted(path for path in PACKAGE.rglob("*.py") if path.name != "__init__.py" or path.parent != PACKAGE)


def test_every_module_has_a_stage():
    unplaced = {str(path.relative_to(PACKAGE)) for path in MODULES if stage_of("symdiff." + path.relative_to(PACKAGE).parts[0].removesuffix(".py")) == len(STAGES)}
    assert not unplaced, f"modules in no stage of STAGES: {sorted(unplaced)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_pipeline(path: Path):
    own = stage_of("symdiff." + path.relative_to(PACKAGE).parts[0].removesuffix(".py"))
    upward = [
        f"line {line}: {target} ({STAGES[stage_of(target)][0]} is above {STAGES[own][0]})"
        for line, target in imports(path)
        if stage_of(target) > own
    ]
    assert not upward, "\n".join(upward)


def test_the_check_sees_an_upward_import(tmp_path):
    """The reader above is not vacuous: it finds a relative import that runs up."""
    fake = PACKAGE / "derive" / "rules.py"
    found = dict(imports(fake))
    assert any(target.startswith("symdiff.model") for target in found.values())
    assert stage_of("symdiff.api") > stage_of("symdiff.derive.rules")
