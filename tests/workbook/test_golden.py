"""The reviewed reference workbooks in workbooks/ are what the shipped scenarios build today.

A difference means the model's output changed: review the new workbook, and if it is right,
replace the reference with `costmodel run scenarios/<name>.yaml` from the project folder.
"""

import openpyxl
import pytest

from bookhelpers import WORKED_EXAMPLES, built
from conftest import ROOT

__all__ = ["built"]


def _content(path):
    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    out = {}
    for sheet in formulas:
        for row in sheet.iter_rows():
            for c in row:
                if c.value is not None:
                    out[(sheet.title, c.coordinate)] = (c.value, values[sheet.title][c.coordinate].value)
    return formulas.sheetnames, out


@pytest.mark.parametrize("name", WORKED_EXAMPLES)
def test_reference_workbook_matches_a_rebuild(built, name):
    reference = ROOT / "workbooks" / f"{name}.xlsx"
    assert reference.exists(), f"{reference} is missing: run `costmodel run scenarios/{name}.yaml`"
    ref_sheets, ref_cells = _content(reference)
    new_sheets, new_cells = _content(built[name])
    assert ref_sheets == new_sheets
    differ = [f"{sheet}!{ref}: reference {ref_cells.get((sheet, ref))!r}, rebuilt {new_cells.get((sheet, ref))!r}"
              for (sheet, ref) in sorted(set(ref_cells) | set(new_cells))
              if ref_cells.get((sheet, ref)) != new_cells.get((sheet, ref))]
    assert not differ, f"{len(differ)} cells differ:\n" + "\n".join(differ[:25])
