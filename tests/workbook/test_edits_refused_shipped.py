"""On the Isle of Wight workbook, built fresh: LibreOffice refuses typing over a formula on an option
sheet, judges a rate outside its declared limits invalid, and takes a valid salary, recalculating
the pay it drives. tests/lo_edit.py says how LibreOffice is driven, and what it enforces on which path.

The cells are found by their labels, not by address, so a change of layout moves them with it.
"""

from __future__ import annotations

import openpyxl
import pytest

import costmodel
from conftest import SCENARIOS
from costmodel.workbook.writer import build_workbook
from lo_edit import Edit, edits_in_libreoffice, typed_in_libreoffice

HAMPSHIRE = "Option 2: extend the Hampshire partnership"
IN_HOUSE = "Option 1: take strategic management back in-house"
DIRECTOR = "Director of Children's Services"


def input_cell(inputs, option: str, line: str, label: str) -> str:
    """The Value cell (column D) of the Inputs row for this option, line and input."""
    rows = [r for r in range(1, inputs.max_row + 1)
            if inputs.cell(r, 1).value == option and inputs.cell(r, 2).value == line
            and str(inputs.cell(r, 3).value).startswith(label)]
    assert len(rows) == 1, f"Inputs has {len(rows)} rows {option!r} / {line!r} / {label!r}"
    return f"D{rows[0]}"


def prepared(folder):
    """The workbook built fresh, the three edits, and what the tests compare with."""
    path = folder / "isle-of-wight-2017.xlsx"
    path.write_bytes(build_workbook(costmodel.project(costmodel.load_scenario(SCENARIOS / "isle-of-wight-2017.yaml"))))
    book = openpyxl.load_workbook(path)
    assert book["Inputs"].protection.sheet, "costmodel writes every sheet protected (issue 20, section 1)"
    inputs = book["Inputs"]
    overhead_rate = input_cell(inputs, HAMPSHIRE, "Overheads charged by Hampshire County Council",
                               "Direct overhead rate")
    salary = input_cell(inputs, IN_HOUSE, DIRECTOR, "Salary, full-time")
    # The Director's pay in the first year: the formula on the in-house sheet, in column F, that
    # reads the salary and is labelled Pay.
    in_house = book["in-house"]
    [pay] = [f"F{r}" for r in range(1, in_house.max_row + 1)
             if in_house.cell(r, 6).data_type == "f" and f"Inputs!$D${salary[1:]}" in in_house.cell(r, 6).value
             and in_house.cell(r, 3).value == "Pay"]
    # A formula on an option sheet: Hampshire's general price index in the second year.
    hampshire = book["hampshire"]
    [row] = [r for r in range(1, hampshire.max_row + 1)
             if str(hampshire.cell(r, 2).value).startswith("General price index")]
    index = f"G{row}"
    assert hampshire[index].data_type == "f"
    edits = [
        Edit("hampshire", index, "1", watch=(index,)),
        Edit("Inputs", overhead_rate, "2.5", watch=(overhead_rate,)),   # 250%, above the 200% allowed
        Edit("Inputs", salary, "150000", watch=(salary, f"in-house!{pay}")),
    ]
    before = openpyxl.load_workbook(path, data_only=True)
    return path, edits, {"pay before": before["in-house"][pay].value,
                         "salary before": before["Inputs"][salary].value,
                         "rate before": before["Inputs"][overhead_rate].value,
                         "pay": f"in-house!{pay}", "salary": salary}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shipped-edits")
    path, edits, facts = prepared(folder)
    return {"outcomes": edits_in_libreoffice(path, edits, folder / "lo"), **facts}


@pytest.fixture(scope="module")
def shipped_typed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shipped-typed")
    path, edits, facts = prepared(folder)
    # Typed into a cell formatted as a percentage, Calc reads a number as a percentage: 250 is
    # 250% (where the dispatcher's 2.5 is 2.5 = 250%). So a reader's 250 for the same rate.
    edits[1] = Edit(edits[1].sheet, edits[1].cell, "250", watch=edits[1].watch)
    return {"outcomes": typed_in_libreoffice(path, edits, folder / "lo"), **facts}


def test_typing_over_a_formula_on_an_option_sheet_is_refused(shipped):
    over_formula = shipped["outcomes"][0]
    assert over_formula.sheet_protected and over_formula.locked
    assert over_formula.before["formula"].startswith("=")
    assert over_formula.refused, f"LibreOffice let '1' replace {over_formula.before['formula']}"


def test_a_rate_above_its_limit_is_judged_invalid(shipped):
    outside = shipped["outcomes"][1]
    assert not outside.locked
    rule = outside.rule
    assert (rule["type"], rule["operator"], float(rule["formula1"]), float(rule["formula2"])) == \
        ("DECIMAL", "BETWEEN", 0.0, 2.0)
    assert rule["alert_style"] == "STOP" and rule["show_error"]
    assert "200%" in rule["error_message"]
    assert outside.circled_invalid == [outside.edit.cell]


def test_a_valid_salary_is_taken_and_the_pay_it_drives_recalculates(shipped):
    salary = shipped["outcomes"][2]
    assert not salary.locked
    assert not salary.refused
    assert salary.value(shipped["salary"]) == 150000
    assert shipped["salary"] not in salary.circled_invalid  # (the rate above is still there, and circled)
    # Pay is the salary times posts, full-time share, index and months in post: a product, so it
    # moves in proportion, 150,000 / 140,000 of what it was.
    assert shipped["salary before"] == 140000
    assert salary.value(shipped["pay"]) == pytest.approx(shipped["pay before"] * 150000 / 140000, abs=0.005)


def test_typed_over_a_formula_on_an_option_sheet_is_refused(shipped_typed):
    over_formula = shipped_typed["outcomes"][0]
    assert over_formula.before["formula"].startswith("=")
    assert over_formula.refused, f"LibreOffice let '1' replace {over_formula.before['formula']}"


def test_typed_a_rate_above_its_limit_is_refused(shipped_typed):
    outside = shipped_typed["outcomes"][1]
    assert shipped_typed["rate before"] == 0.15
    assert outside.refused, "LibreOffice took 250% for a rate whose rule allows 0% to 200%"
    assert outside.value(outside.edit.cell) == 0.15  # Cabinet Paper D's 15 per cent, as published


def test_typed_a_valid_salary_is_taken_and_the_pay_it_drives_recalculates(shipped_typed):
    salary = shipped_typed["outcomes"][2]
    assert salary.value(shipped_typed["salary"]) == 150000
    assert shipped_typed["salary before"] == 140000
    # As above: the pay is a product with the salary, so it moves by 150,000 / 140,000.
    assert salary.value(shipped_typed["pay"]) == pytest.approx(
        shipped_typed["pay before"] * 150000 / 140000, abs=0.005)
