"""Independent recalculation: every formula cell, recalculated by another engine, agrees with the
value costmodel stored beside it, to the penny. Proved twice, with two engines."""

import openpyxl
import pytest
import xlsxwriter

from bookhelpers import WORKED_EXAMPLES, agrees, built, formula_cells, libreoffice_convert, stored_values

__all__ = ["built"]


@pytest.mark.parametrize("name", WORKED_EXAMPLES)
def test_the_formulas_package_recalculates_every_formula_cell_to_the_stored_value(built, name):
    import formulas

    path = built[name]
    formulas_in_file = formula_cells(path)
    stored = stored_values(path)
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    recalculated = {}
    for key, value in solution.items():
        key = str(key)
        if "!" not in key or ":" in key.split("!")[1]:
            continue  # ranges and the model itself
        sheet, ref = key.split("]", 1)[1].rsplit("!", 1)
        recalculated[(sheet.strip("'").upper(), ref)] = value.value[0, 0] if hasattr(value, "value") else value
    differ = []
    for (sheet, ref), text in formulas_in_file.items():
        got = recalculated.get((sheet.upper(), ref), "not recalculated")
        if not agrees(stored[(sheet, ref)], got):
            differ.append(f"{sheet}!{ref} {text}: stored {stored[(sheet, ref)]!r}, recalculated {got!r}")
    assert len(formulas_in_file) > 1000
    assert not differ, f"{len(differ)} of {len(formulas_in_file)} cells differ:\n" + "\n".join(differ[:20])


def test_libreoffice_recalculates_rather_than_trusting_stored_values(tmp_path):
    """The check below means nothing unless LibreOffice really recalculates: a stored 5 for =1+1 must become 2."""
    poisoned = tmp_path / "poisoned.xlsx"
    book = xlsxwriter.Workbook(poisoned)
    book.add_worksheet().write_formula(0, 0, "=1+1", None, 5)
    book.close()
    [converted] = libreoffice_convert([poisoned], "xlsx", tmp_path)
    assert openpyxl.load_workbook(converted, data_only=True).active["A1"].value == 2


def test_libreoffice_recalculates_every_formula_cell_to_the_stored_value(built, tmp_path):
    converted = libreoffice_convert([built[name] for name in WORKED_EXAMPLES], "xlsx", tmp_path)
    for name, path in zip(WORKED_EXAMPLES, converted):
        stored = stored_values(built[name])
        recalculated = stored_values(path)
        formulas_in_file = formula_cells(built[name])
        differ = [f"{sheet}!{ref} {text}: stored {stored[(sheet, ref)]!r}, LibreOffice "
                  f"{recalculated.get((sheet, ref))!r}" for (sheet, ref), text in formulas_in_file.items()
                  if not agrees(stored[(sheet, ref)], recalculated.get((sheet, ref)))]
        assert not differ, f"{name}: {len(differ)} of {len(formulas_in_file)} cells differ:\n" + "\n".join(differ[:20])
