"""The reviewed reference workbooks in workbooks/ are what the shipped scenarios build today.

A difference means the model's output changed: review the new workbook, and if it is right,
replace the reference with `costmodel run scenarios/<name>.yaml` from the project folder.

Inputs, text and formulas must be the same; a stored value may differ in its last binary digits
(within a millionth of a pound), and so may a result the Sensitivity and Risk sheets hold as a
value, as they do when the reference was written on a processor whose
numpy adds in another order: the county's differ so by up to 8e-9 pounds between machines.
"""

import math

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


def _same(reference, rebuilt) -> bool:
    """(formula or value, stored value) alike: text and formulas exactly, numbers to their last digits (the
    Sensitivity and Risk sheets hold their results as values, worked out by the same sums)."""
    if reference is None or rebuilt is None:
        return reference == rebuilt
    return all(math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-6) if isinstance(a, float) and isinstance(b, float)
               else a == b for a, b in zip(reference, rebuilt))


def test_a_stored_value_is_the_same_to_its_last_digits_but_no_further():
    # Compare!J46 of the county's, written on two processors: 7.5e-9 pounds apart, the same figure.
    assert _same(("=J8-J$43", -12380.949379190803), ("=J8-J$43", -12380.949379183352))
    # A penny is a difference, and so is another formula giving the same value.
    assert not _same(("=J8-J$43", -12380.94), ("=J8-J$43", -12380.95))
    assert not _same(("=J8-J$43", 1.0), ("=J9-J$43", 1.0))


@pytest.mark.parametrize("name", WORKED_EXAMPLES)
def test_reference_workbook_matches_a_rebuild(built, name):
    reference = ROOT / "workbooks" / f"{name}.xlsx"
    assert reference.exists(), f"{reference} is missing: run `costmodel run scenarios/{name}.yaml`"
    ref_sheets, ref_cells = _content(reference)
    new_sheets, new_cells = _content(built[name])
    assert ref_sheets == new_sheets
    differ = [f"{sheet}!{ref}: reference {ref_cells.get((sheet, ref))!r}, rebuilt {new_cells.get((sheet, ref))!r}"
              for (sheet, ref) in sorted(set(ref_cells) | set(new_cells))
              if not _same(ref_cells.get((sheet, ref)), new_cells.get((sheet, ref)))]
    assert not differ, f"{len(differ)} cells differ:\n" + "\n".join(differ[:25])
