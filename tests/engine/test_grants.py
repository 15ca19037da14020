"""Grants and income, worked by hand: a kind of line declared in one module (costmodel/lines/grants.py)."""

import json

import pytest

import costmodel
from costmodel.lines.categories import CATEGORIES
from conftest import EMPTY_BASELINE, make_scenario, project_text, rows_of

GRANT = """\
- id: improve
  name: Improvement plan
  family: in_house
  grants:
    - id: dfe
      name: DfE improvement grant
      amount: 500,000
      last_year: 2019/20
      source: DfE grant letter (illustrative)
    - id: health
      name: Contribution from the integrated care board
      amount: 100,000
      index: general
"""


def test_a_grant_is_a_negative_cost_in_its_own_category_in_the_years_it_is_received():
    projection = project_text(make_scenario(EMPTY_BASELINE + GRANT, years=3))
    # The DfE grant: £500,000 flat cash in 2018/19 and 2019/20, nothing after (its last year).
    assert rows_of(projection, "improve", "cost", "dfe") == pytest.approx([-500_000.0, -500_000.0, 0.0])
    # Health's contribution grows with general inflation (2%): -£102,000, -£104,040, -£106,120.80.
    assert rows_of(projection, "improve", "cost", "health") == pytest.approx([-102_000.0, -104_040.0, -106_120.80])
    result = projection.option("improve")
    assert result.category_cash("grants_and_income") == pytest.approx([-602_000.0, -604_040.0, -106_120.80])
    data = projection.to_json()
    grants = next(option for option in data["options"] if option["id"] == "improve")["by_category"]
    # -602,000 - 604,040 - 106,120.80 = -1,312,160.80
    assert grants["grants_and_income"]["cash"] == pytest.approx(-1_312_160.80)
    assert json.dumps(data)  # plain data throughout


def test_a_grant_is_written_positive_and_its_keys_are_checked_like_any_line():
    negative = make_scenario(EMPTY_BASELINE + GRANT.replace("amount: 500,000", "amount: -500,000"), years=3)
    with pytest.raises(costmodel.ScenarioError, match=r"grants\[0\]\.amount: .*written as positive amounts"):
        costmodel.load_scenario_text(negative)
    misspelt = make_scenario(EMPTY_BASELINE + GRANT.replace("last_year: 2019/20", "last_yaer: 2019/20"), years=3)
    with pytest.raises(costmodel.ScenarioError, match="did you mean 'last_year'"):
        costmodel.load_scenario_text(misspelt)


def test_the_workbook_shows_the_grants_rows_inputs_and_category():
    from costmodel.workbook.writer import build_workbook

    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(build_workbook(project_text(make_scenario(EMPTY_BASELINE + GRANT,
                                                                                         years=3)))))
    sheet = [[cell.value for cell in row] for row in book["improve"].iter_rows()]
    assert ["Grants and income"] == [row[0] for row in sheet if row[0] == "Grants and income"][:1]
    assert any(row[2] == CATEGORIES["grants_and_income"] and row[1] == "DfE improvement grant" for row in sheet)
    inputs = [[cell.value for cell in row] for row in book["Inputs"].iter_rows()]
    assert any(row[1] == "DfE improvement grant" and row[2] == "Amount at price-base prices, net of VAT"
               and row[3] == 500_000 for row in inputs)
    summary = [cell.value for row in book["Summary"].iter_rows() for cell in row]
    assert "Grants and income received" in summary
