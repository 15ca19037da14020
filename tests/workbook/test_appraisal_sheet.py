"""The Appraisal sheet: long list and gateways, a live scoring matrix, recalculated by two engines."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pytest

from bookhelpers import agrees, formula_cells, libreoffice_convert, recalculated_by_formulas, stored_values
from conftest import make_scenario
from costmodel import load_scenario_text, project
from costmodel.workbook.writer import build_workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "appraisal"))
from test_appraisal import APPRAISAL, OPTIONS  # noqa: E402  (the hand-worked appraisal)


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    text = make_scenario(OPTIONS, first_year="2018/19", price_base="2018/19", years=1) + APPRAISAL
    path = tmp_path_factory.mktemp("appraisal") / "appraisal.xlsx"
    path.write_bytes(build_workbook(project(load_scenario_text(text, "appraisal.yaml"))))
    return path


def _rows(sheet) -> dict[str, list]:
    return {row[0].value: [c.value for c in row[1:]] for row in sheet.iter_rows() if row[0].value}


def test_the_sheet_shows_the_long_list_gateways_matrix_and_rankings(book):
    values = openpyxl.load_workbook(book, data_only=True)
    rows = _rows(values["Appraisal"])
    # The partner fails the affordability gateway, worked out by formula from its cash row.
    assert rows["Partner council"][:5] == ["Partnership or collaboration", "A partner council", "pass", "fail",
                                           "dropped"]
    assert rows["In-house"][4] == "shortlisted"
    assert rows["Weighted score"][2:4] == [pytest.approx(3.5), pytest.approx(3.1)]
    assert rows["Rank by weighted score (1 = preferred; a tie to the lower NPC)"][2:4] == [1, 2]
    assert rows["Rank by net present cost (1 = cheapest)"][2:4] == [2, 1]
    assert rows["Preferred by weighted score"][0] == "Keep it in-house"
    # The trust's NPC (£800,000) is below in-house's (£1,000,000): first by cost.
    assert rows["Lowest net present cost on the shortlist"][0] == "A trust"
    formulas = openpyxl.load_workbook(book)["Appraisal"]
    assert any(isinstance(c.value, str) and c.value.startswith("=SUMPRODUCT($B$") for row in formulas.iter_rows()
               for c in row), "the weighted score is a live formula over the weights"
    assert formulas._charts, "the value-for-money chart"
    inputs = [row[2].value for row in values["Inputs"].iter_rows() if row[0].value == "Appraisal"]
    assert inputs.count("Weight") == 3 and inputs.count("Score") == 6
    cover = " ".join(str(c.value) for row in values["Cover"].iter_rows() for c in row if c.value)
    assert "Keep it in-house: 3.50 of 5, from a long list of 5 cut to 2 by gateway criteria" in cover


def test_the_formulas_package_recalculates_every_formula_to_the_stored_value(book):
    formulas_in_file, stored, recalculated = formula_cells(book), stored_values(book), recalculated_by_formulas(book)
    differ = [f"{sheet}!{ref} {text}: stored {stored[(sheet, ref)]!r}, recalculated "
              f"{recalculated.get((sheet.upper(), ref))!r}" for (sheet, ref), text in formulas_in_file.items()
              if not agrees(stored[(sheet, ref)], recalculated.get((sheet.upper(), ref), "not recalculated"))]
    assert not differ, "\n".join(differ[:10])


def test_libreoffice_recalculates_every_formula_to_the_stored_value(book, tmp_path):
    [converted] = libreoffice_convert([book], "xlsx", tmp_path)
    stored, recalculated = stored_values(book), stored_values(converted)
    differ = [f"{key}: stored {stored[key]!r}, LibreOffice {recalculated.get(key)!r}"
              for key in formula_cells(book) if not agrees(stored[key], recalculated.get(key))]
    assert not differ, "\n".join(differ[:10])


def test_a_weight_changed_in_libreoffice_moves_the_ranking(book, tmp_path):
    # A councillor types outcomes' weight down from 50% to 10% on Inputs (control 30% and cost 20%
    # unchanged): base 0.1 x 4 + 0.3 x 5 + 0.2 x 0 = 1.9 and trust 0.1 x 3 + 0.3 x 2 + 0.2 x 5 = 1.9,
    # a tie, which goes to the trust's lower NPC (£800,000 against £1,000,000): base 2, trust 1.
    import re
    import zipfile

    parts = {}
    with zipfile.ZipFile(book) as archive:
        for name in archive.namelist():
            parts[name] = archive.read(name)
    workbook = openpyxl.load_workbook(book)
    inputs_index = workbook.sheetnames.index("Inputs") + 1
    weight_row = next(row[0].row for row in workbook["Inputs"].iter_rows()
                      if row[1].value == "Criterion: Quality of outcomes for children")
    name = f"xl/worksheets/sheet{inputs_index}.xml"
    xml = parts[name].decode()
    edited = re.sub(rf'(<c r="D{weight_row}"[^>]*><v>)0.5(</v>)', r"\g<1>0.1\g<2>", xml)
    assert edited != xml
    parts[name] = edited.encode()
    changed = tmp_path / "changed.xlsx"
    with zipfile.ZipFile(changed, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            archive.writestr(part, data)
    [converted] = libreoffice_convert([changed], "xlsx", tmp_path)
    rows = _rows(openpyxl.load_workbook(converted, data_only=True)["Appraisal"])
    assert rows["Weighted score"][2:4] == [pytest.approx(1.9), pytest.approx(1.9)]
    assert rows["Rank by weighted score (1 = preferred; a tie to the lower NPC)"][2:4] == [2, 1]
    # The preferred option is looked up from the live ranks, so it follows them; cost did not change.
    assert rows["Preferred by weighted score"][0] == "A trust"
