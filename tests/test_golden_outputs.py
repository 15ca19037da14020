"""Every output, byte for byte, as reviewed: the results JSON of each shipped scenario, and the
workbook and JSON of two synthetic scenarios made by bench/make_scenario.py.

A change that moves any byte of these (a figure, a cell, a formula, a word) fails here, and
says which file; regenerate the goldens only for a change that is meant to move them, and
review the difference:

    .venv/bin/python tests/test_golden_outputs.py

(The shipped scenarios' workbooks are the reference workbooks in workbooks/, compared by
tests/workbook/test_golden.py and re-verified by CI.)
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
SHIPPED = sorted(path.stem for path in (ROOT / "scenarios").glob("*.yaml"))
#: (posts, options, years): one list on a Staffing sheet (over 100 posts), one long horizon.
SYNTHETIC = [(150, 4, 10), (20, 3, 40)]


def _outputs_of(text: str, name: str) -> tuple[bytes, bytes]:
    """(workbook, results JSON) of a scenario, as `costmodel run SCENARIO --json` writes them."""
    from costmodel.engine.projection import project
    from costmodel.report import assemble
    from costmodel.scenario.loader import load_scenario_text
    from costmodel.workbook.writer import write_workbook

    with assemble(project(load_scenario_text(text, name))) as report:
        return write_workbook(report), report.json_text().encode("utf-8")


def _synthetic(posts: int, options: int, years: int) -> tuple[str, str]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from make_scenario import scenario_text
    finally:
        sys.path.pop(0)
    return f"synthetic-{posts}-{options}-{years}", scenario_text(posts, options, years)


def _hashes() -> dict:
    return json.loads((GOLDEN / "synthetic-workbooks.json").read_text())


@pytest.mark.parametrize("name", SHIPPED)
def test_the_results_json_of_each_shipped_scenario_is_as_reviewed(name):
    path = ROOT / "scenarios" / f"{name}.yaml"
    _, results = _outputs_of(path.read_text(encoding="utf-8"), f"scenarios/{name}.yaml")
    assert results == (GOLDEN / f"{name}.json").read_bytes(), f"the results JSON of {name} changed"


@pytest.mark.parametrize("size", SYNTHETIC, ids=lambda size: "x".join(map(str, size)))
def test_the_workbook_and_json_of_a_synthetic_scenario_are_as_reviewed(size):
    name, text = _synthetic(*size)
    workbook, results = _outputs_of(text, f"{name}.yaml")
    assert results == (GOLDEN / f"{name}.json").read_bytes(), f"the results JSON of {name} changed"
    assert hashlib.sha256(workbook).hexdigest() == _hashes()[name], f"the workbook of {name} changed"


def regenerate() -> None:
    """Write every golden file anew from this checkout."""
    for name in SHIPPED:
        path = ROOT / "scenarios" / f"{name}.yaml"
        _, results = _outputs_of(path.read_text(encoding="utf-8"), f"scenarios/{name}.yaml")
        (GOLDEN / f"{name}.json").write_bytes(results)
    hashes = {}
    for size in SYNTHETIC:
        name, text = _synthetic(*size)
        workbook, results = _outputs_of(text, f"{name}.yaml")
        (GOLDEN / f"{name}.json").write_bytes(results)
        hashes[name] = hashlib.sha256(workbook).hexdigest()
    (GOLDEN / "synthetic-workbooks.json").write_text(json.dumps(hashes, indent=2) + "\n")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    regenerate()
    print(f"wrote {GOLDEN}")
