"""Helpers for the workbook tests: workbooks built once per test session from the shipped scenarios,
and two independent recalculations of them: the `formulas` package, and LibreOffice headless
(driven from `libreoffice`, which the audit tests share)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import costmodel
from costmodel.workbook.writer import build_workbook
from conftest import SCENARIOS
from libreoffice import RECALCULATE_ON_LOAD, libreoffice_convert, soffice  # noqa: F401 (the workbook tests' names)

WORKED_EXAMPLES = ["isle-of-wight-2017", "worcestershire-2017", "county-whole-service"]


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Path]:
    """Each worked example's workbook, written to a file (scenario id -> path)."""
    folder = tmp_path_factory.mktemp("built")
    out = {}
    for name in WORKED_EXAMPLES:
        projection = costmodel.project(costmodel.load_scenario(SCENARIOS / f"{name}.yaml"))
        path = folder / f"{name}.xlsx"
        path.write_bytes(build_workbook(projection))
        out[name] = path
    return out


def formula_cells(path: Path) -> dict[tuple[str, str], str]:
    """(sheet, cell) -> formula text, for every formula in the file."""
    book = openpyxl.load_workbook(path)
    return {(sheet.title, c.coordinate): c.value for sheet in book for row in sheet.iter_rows() for c in row
            if c.data_type == "f"}


def stored_values(path: Path) -> dict[tuple[str, str], object]:
    book = openpyxl.load_workbook(path, data_only=True)
    return {(sheet.title, c.coordinate): c.value for sheet in book for row in sheet.iter_rows() for c in row}


def recalculated_by_formulas(path: Path) -> dict[tuple[str, str], object]:
    """Every cell's value as the `formulas` package recalculates it: (SHEET in capitals, cell) -> value."""
    import formulas

    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    out = {}
    for key, value in solution.items():
        key = str(key)
        if "!" not in key or ":" in key.split("!")[1]:
            continue  # ranges and the model itself
        sheet, ref = key.split("]", 1)[1].rsplit("!", 1)
        out[(sheet.strip("'").upper(), ref)] = value.value[0, 0] if hasattr(value, "value") else value
    return out


def agrees(stored, recalculated) -> bool:
    """To the penny for numbers (half a penny either way); exactly for text and truth values."""
    if isinstance(stored, bool) or isinstance(recalculated, bool):
        return bool(stored) == bool(recalculated) and stored is not None and recalculated is not None
    if isinstance(stored, (int, float)):
        return isinstance(recalculated, (int, float)) and abs(float(recalculated) - stored) <= 0.005
    return str(stored) == str(recalculated)
