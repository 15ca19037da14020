"""Verify a published workbook: re-run its embedded scenario and compare every cell.

The auditor's question is "is every number in this workbook still what the scenario and
the model produce?". We rebuild the workbook from the scenario text it carries and compare
inputs, formulas and stored values cell by cell, naming each cell that differs, inputs first.

What a spreadsheet program changes when it saves an unchanged workbook is no difference: its
own XML and shared formulas (openpyxl reads formulas back as text either way), values written
to 17 figures (numbers agree to the penny), and cells holding only an empty string, dropped. A
file in which no formula has a stored value was saved by a tool that never writes them: inputs
and formulas are still compared, and it is said first, and not verified.
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
    #: Saved by a tool that keeps formulas but drops the values stored beside them (openpyxl):
    #: formulas and inputs are compared, stored values cannot be.
    stored_values_missing: bool = False

    @property
    def ok(self) -> bool:
        # Not verified without stored values even if every formula and input agrees: the figures a
        # reader of the file sees (in Protected View, a previewer, pandas, a printed pack) are not in
        # it to check, and "verified" must mean every figure was.
        return not self.differences and not self.scenario_edited and not self.stored_values_missing

    def to_json(self) -> dict:
        return {
            "workbook": str(self.path),
            "verified": self.ok,
            "cells_compared": self.cells_compared,
            "published_with": f"costmodel {self.published_version}" if self.published_version else None,
            "verified_with": f"costmodel {__version__}",
            "scenario_edited": self.scenario_edited,
            "stored_values_compared": not self.stored_values_missing,
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
    formulas = [key for key, value in published.content.items() if _is_formula(value)]
    # Every formula without a stored value is a tool that never writes them, not an edit: a hand
    # edit removing one value leaves the rest, and is reported as that cell's stored value.
    result.stored_values_missing = bool(formulas) and not any(_filled(published.stored.get(key)) is not None
                                                              for key in formulas)
    if result.stored_values_missing:
        result.findings.insert(0, f"saved by a tool that keeps formulas but drops the values stored beside them "
                                  f"(as openpyxl does): none of its {len(formulas):,} formulas has one, so stored "
                                  f"values cannot be compared; inputs and formulas are. To check the values too, open "
                                  f"and save it in Excel or LibreOffice (they recalculate and store them) and verify "
                                  f"that copy")
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
        mine, theirs = _filled(rerun.content.get(key)), _filled(published.content.get(key))
        if theirs is None and mine is None:
            continue
        if theirs is None or mine is None:
            kind = "only in the re-run" if theirs is None else "only in the published workbook"
            result.differences.append(Difference(key[0], key[1], theirs, mine, kind))
            continue
        if _is_formula(mine) or _is_formula(theirs):
            if mine != theirs:
                result.differences.append(Difference(key[0], key[1], theirs, mine, "formula"))
                continue
            if result.stored_values_missing:
                continue
            stored_mine, stored_theirs = _filled(rerun.stored.get(key)), _filled(published.stored.get(key))
            if not _same(stored_theirs, stored_mine):
                result.differences.append(Difference(key[0], key[1], stored_theirs, stored_mine, "stored value"))
        elif not _same(theirs, mine):
            result.differences.append(Difference(key[0], key[1], theirs, mine, "input or text"))
    # Causes before effects: an input typed over, then a formula changed, then what they moved.
    order = {sheet: n for n, sheet in enumerate(dict.fromkeys(rerun.sheets + published.sheets))}
    result.differences.sort(key=lambda d: (0 if d.sheet == INPUTS else 1 if d.kind == "formula" else 2,
                                           order[d.sheet], _row_col(d.cell) if d.cell != "(sheet)" else (0, 0)))


#: The sheet where every typed-in assumption is.
INPUTS = "Inputs"


def _filled(value):
    """A cell's value, with an empty string as no value: LibreOffice and openpyxl drop a cell holding
    only "" when they save (Excel may), and it shows the same as an empty cell."""
    return None if value == "" else value


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
