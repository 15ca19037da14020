"""Verify a published workbook: re-run its embedded scenario and compare every cell.

The auditor's question is "is every number in this workbook still what the scenario and
the model produce?". We rebuild the workbook from the scenario text it carries and compare
inputs, formulas and stored values cell by cell, naming each cell that differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..engine.projection import project
from ..scenario.loader import load_scenario_text
from ..scenario.problems import ScenarioError
from ..workbook.writer import build_workbook
from .reader import Cells, PublishedWorkbook, WorkbookError, count_cells, open_published, read_cells

#: Numbers agree to the penny: a workbook resaved by Excel or LibreOffice may store a value
#: recalculated in another order, differing in its last binary digits.
PENNY = 0.005


@dataclass(frozen=True)
class Difference:
    sheet: str
    cell: str
    published: object
    rerun: object
    #: what differs: 'input or text', 'formula', 'stored value', 'only in the published workbook',
    #: 'only in the re-run', 'sheet'
    kind: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}: published {_show(self.published)}, re-run {_show(self.rerun)}"


@dataclass
class Verification:
    path: Path
    cells_compared: int = 0
    differences: list[Difference] = field(default_factory=list)
    #: Things an auditor must know that are not differences of a cell (another tool version, an edited scenario).
    findings: list[str] = field(default_factory=list)
    published_version: str | None = None
    scenario_edited: bool = False

    @property
    def ok(self) -> bool:
        return not self.differences and not self.scenario_edited

    def to_json(self) -> dict:
        return {
            "workbook": str(self.path),
            "verified": self.ok,
            "cells_compared": self.cells_compared,
            "published_with": f"costmodel {self.published_version}" if self.published_version else None,
            "verified_with": f"costmodel {__version__}",
            "scenario_edited": self.scenario_edited,
            "findings": self.findings,
            "differences": [{"sheet": d.sheet, "cell": d.cell, "kind": d.kind, "published": _plain(d.published),
                             "rerun": _plain(d.rerun)} for d in self.differences],
        }


def verify(path: str | Path) -> Verification:
    """Raises WorkbookError for a file that cannot be verified at all."""
    published = open_published(path)
    result = Verification(Path(path), published_version=published.tool_version)
    if published.tool_version != __version__:
        result.findings.append(f"published with costmodel {published.tool_version}; re-run with costmodel "
                               f"{__version__}: compared all the same, so expect differences where the model changed")
    if published.scenario_fingerprint() != published.fingerprint:
        result.scenario_edited = True
        result.findings.append("the scenario on the Scenario sheet has been edited since publication: its "
                               "fingerprint no longer matches the one on the Cover")
    try:
        scenario = load_scenario_text(published.scenario_text, published.scenario_file)
    except ScenarioError as exc:
        first = exc.problems[0]
        raise WorkbookError(f"{path}: the scenario on its Scenario sheet no longer loads (line {first.line}: "
                            f"{first.message})") from None
    if published.run_record:
        result.findings.append("the Cover's run record says how it was made; it is copied into the re-run, not "
                               "re-derived (see the manifest file for the workbook's own hash)")
    rebuilt = build_workbook(project(scenario), run_record=published.run_record)
    if rebuilt == published.data:
        # The writer gives the same bytes for the same scenario, so a workbook untouched since it
        # was written is the re-run itself, every cell; only one that differs is read cell by cell.
        result.cells_compared = count_cells(rebuilt)
        return result
    compare(published.cells, read_cells(rebuilt, "the re-run"), result)
    return result


def compare(published: Cells, rerun: Cells, result: Verification) -> None:
    for sheet in published.sheets:
        if sheet not in rerun.sheets:
            result.differences.append(Difference(sheet, "(sheet)", "present", "absent", "sheet"))
    for sheet in rerun.sheets:
        if sheet not in published.sheets:
            result.differences.append(Difference(sheet, "(sheet)", "absent", "present", "sheet"))
    shared = [s for s in rerun.sheets if s in published.sheets]
    keys = {key for key in set(published.content) | set(rerun.content) if key[0] in shared}
    for key in sorted(keys, key=lambda k: (shared.index(k[0]), _row_col(k[1]))):
        result.cells_compared += 1
        mine, theirs = rerun.content.get(key), published.content.get(key)
        if theirs is None or mine is None:
            kind = "only in the re-run" if theirs is None else "only in the published workbook"
            result.differences.append(Difference(key[0], key[1], theirs, mine, kind))
            continue
        if _is_formula(mine) or _is_formula(theirs):
            if mine != theirs:
                result.differences.append(Difference(key[0], key[1], theirs, mine, "formula"))
                continue
            stored_mine, stored_theirs = rerun.stored.get(key), published.stored.get(key)
            if not _same(stored_theirs, stored_mine):
                result.differences.append(Difference(key[0], key[1], stored_theirs, stored_mine, "stored value"))
        elif not _same(theirs, mine):
            result.differences.append(Difference(key[0], key[1], theirs, mine, "input or text"))


def _is_formula(value) -> bool:
    return isinstance(value, str) and value.startswith("=")


def _same(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= PENNY
    return a == b


def _row_col(ref: str) -> tuple[int, int]:
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

    letters, row = coordinate_from_string(ref)
    return row, column_index_from_string(letters)


def _show(value) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,.2f}"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _plain(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


__all__ = ["verify", "Verification", "Difference", "WorkbookError", "PublishedWorkbook"]
