"""Imports point one way, down the pipeline, and no module reaches into another's private names.

The pipeline (docs/architecture.md): the line definitions, then scenario -> engine ->
(appraisal, uncertainty, the model review) -> report -> workbook -> (audit, text) -> batch
-> cli. A module may import its own layer or any layer before it, never one after: so the
engine never needs the workbook, and a reader of one layer can stop reading there. Every
import counts, including those inside functions, which are how such a cycle hides.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "costmodel"

#: costmodel's first-level modules and packages, by layer: lower numbers come first in the pipeline.
LAYERS = {
    # what everything may use: errors, limits on input, processes, file writing
    "__init__": 0, "errors": 0, "limits": 0, "interrupts": 0, "lifetime": 0, "background": 0, "scale": 0,
    "files": 0,
    "lines": 1,
    "scenario": 2,
    "engine": 3,
    "appraisal": 4, "uncertainty": 4, "review": 4,
    "report": 5, "printed": 5,
    "workbook": 6, "pack": 6,
    "audit": 7, "text": 7,
    "batch": 8,
    "cli": 9, "__main__": 9,
}


def _imports():
    """(file, line, the importing first-level unit, the imported module, the names imported) for every
    relative import in costmodel."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        package = parts[:-1]  # the package the file is in (for __init__.py, the package itself)
        unit = parts[1]  # cli for costmodel/cli.py, engine for costmodel/engine/..., __init__ for the package's own
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join(base + ((node.module,) if node.module else ()))
                yield path, node.lineno, unit, module, [alias.name for alias in node.names]


def _unit_of(module: str, name: str | None = None) -> str:
    parts = module.split(".")
    if len(parts) > 1:
        return parts[1]
    return name if name in LAYERS else "__init__"  # `from . import background`


def test_every_first_level_module_has_a_layer():
    units = {path.stem if path.is_file() else path.name for path in PACKAGE.iterdir()
             if (path.suffix == ".py" or (path / "__init__.py").exists())}
    assert units - set(LAYERS) == set(), "give each new module a layer in LAYERS (and docs/architecture.md)"


def test_no_module_imports_a_later_layer():
    upward = []
    for path, line, unit, module, names in _imports():
        targets = [_unit_of(module)] if module.count(".") else [_unit_of(module, name) for name in names]
        for target in targets:
            if LAYERS[target] > LAYERS[unit]:
                upward.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {unit} imports {module} ({target})")
    assert upward == []


def test_no_module_imports_another_modules_private_names():
    private = [f"{path.relative_to(PACKAGE.parent)}:{line}: {name} from {module}"
               for path, line, unit, module, names in _imports()
               for name in names if name.startswith("_") and not name.startswith("__")]
    assert private == []


def test_the_check_finds_an_upward_import(tmp_path, monkeypatch):
    # The check must be able to fail: an engine module importing the workbook is named.
    engine = tmp_path / "costmodel" / "engine"
    engine.mkdir(parents=True)
    (tmp_path / "costmodel" / "__init__.py").write_text("")
    (engine / "__init__.py").write_text("")
    (engine / "leak.py").write_text("def f():\n    from ..workbook.writer import _private\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", tmp_path / "costmodel")
    found = list(_imports())
    assert [(unit, module, names) for _, _, unit, module, names in found] == [
        ("engine", "costmodel.workbook.writer", ["_private"])]
    assert LAYERS[_unit_of(found[0][3])] > LAYERS[found[0][2]]
