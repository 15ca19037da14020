"""Helpers for the workbook tests: workbooks built once per test session from the shipped scenarios,
and two independent recalculations of them: the `formulas` package, and LibreOffice headless."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

import costmodel
from costmodel.workbook.writer import build_workbook
from conftest import SCENARIOS

WORKED_EXAMPLES = ["isle-of-wight-2017", "worcestershire-2017"]


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


# --------------------------------------------------------------------------- LibreOffice

#: Without this, LibreOffice trusts the values stored beside each formula and recalculates nothing.
RECALCULATE_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    """The LibreOffice command, or a skip that says why (a failure where CI requires it)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    reason = ("LibreOffice (soffice) is not installed; .ci/run installs it with apt-get "
              "(libreoffice-calc-nogui), and CI requires it")
    if os.environ.get("COSTMODEL_REQUIRE_LIBREOFFICE"):
        pytest.fail(reason)
    pytest.skip(reason)


def libreoffice_convert(sources: list[Path], to: str, folder: Path, recalculate: bool = True) -> list[Path]:
    """Convert with a private profile; check each output exists.

    `recalculate` forces recalculation on load. Without it the profile is LibreOffice's
    default, as a councillor has it: the stored values are trusted, as they open.
    """
    profile = folder / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    if recalculate:
        (profile / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ON_LOAD)
    out = folder / "out"
    out.mkdir(exist_ok=True)
    command = [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", to, "--outdir", str(out)] + [str(s) for s in sources]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=300)
    results = [out / f"{s.stem}.{to.split(':')[0]}" for s in sources]
    # soffice exits 0 even when a conversion fails, so the files themselves are the evidence.
    missing = [r for r in results if not r.exists()]
    assert not missing, f"LibreOffice did not write {missing}: {completed.stdout} {completed.stderr}"
    return results
