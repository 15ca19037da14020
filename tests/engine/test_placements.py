"""Placements and demand, worked by hand: costmodel/lines/placements.py, one declaration for numpy and Excel."""

import io

import openpyxl
import pytest

import costmodel
from conftest import EMPTY_BASELINE, make_scenario, project_text, rows_of

TRUST = """\
- id: trust
  name: Trust
  family: trust
"""

#: 12 children in private children's homes at £4,000 a week at 2015/16 prices, no growth.
RESIDENTIAL = """\
placements:
  - id: residential
    name: Private children's home
    children: 12
    weekly_cost: 4,000
    price_year: 2015/16
    source: Isle of Wight Cabinet paper, 9 November 2017, para 37.26
"""


def test_twelve_residential_placements_cost_the_weekly_cost_times_weeks_at_its_price_year_then_uplifted():
    # At the unit cost's own price year: 12 children x £4,000 a week x 52.14 weeks = £2,502,720 a year.
    at_price_year = 12 * 4_000 * 52.14
    assert at_price_year == pytest.approx(2_502_720.0)
    # Stated at the price base (2017/18 here), no uplift: the full-year figure is that.
    projection = project_text(make_scenario(EMPTY_BASELINE + TRUST, years=3, first_year="2017/18",
                                            price_base="2017/18")
                              + RESIDENTIAL.replace("price_year: 2015/16", "price_year: 2017/18"))
    result = projection.option("trust")
    full_year = {row.formula.key: row.full_year for row in result.rows if row.group == "placements"}
    assert full_year["cost"] == pytest.approx(2_502_720.0)
    # Then it grows with the general index (2% a year) from the price base:
    # 2017/18 £2,502,720; 2018/19 x 1.02 = £2,552,774.40; 2019/20 x 1.02^2 = £2,603,829.888.
    assert rows_of(projection, "trust", "cost", "residential") == pytest.approx(
        [2_502_720.0, 2_552_774.40, 2_603_829.888])


def test_a_unit_cost_at_an_earlier_price_year_is_uplifted_to_the_price_base_with_its_index():
    # Price base 2017/18; the cost is at 2015/16 prices. The general index moves 2% in 2016/17 and 2%
    # in 2017/18: uplift 1.02 x 1.02 = 1.0404, so £4,000 a week is £4,161.60 at 2017/18 prices and
    # the full year £2,502,720 x 1.0404 = £2,603,829.888.
    projection = project_text(make_scenario(EMPTY_BASELINE + TRUST, years=3) + RESIDENTIAL)
    result = projection.option("trust")
    instance = next(group for group in result.groups if group.group.key == "placements").instances[0]
    uplift = instance.inputs["price_uplift"]
    assert uplift.value == pytest.approx(1.0404)
    assert "2015/16 prices taken to 2017/18 prices" in uplift.source and "2016/17 2%, 2017/18 2%" in uplift.source
    assert rows_of(projection, "trust", "weekly_cost_at_base", "residential") == pytest.approx([4_161.60] * 3)
    full_year = {row.formula.key: row.full_year for row in result.rows if row.group == "placements"}
    assert full_year["cost"] == pytest.approx(2_603_829.888)
    # In cash, from 2018/19 (general index 1.02 in 2018/19): £2,603,829.888 x 1.02 = £2,655,906.48576.
    assert rows_of(projection, "trust", "cost", "residential")[0] == pytest.approx(2_655_906.48576)


def test_weeks_a_year_is_an_input_and_a_flat_cash_placement_is_not_uplifted():
    text = RESIDENTIAL.replace("    source:", "    weeks_a_year: 52\n    index: none\n    source:")
    projection = project_text(make_scenario(EMPTY_BASELINE + TRUST, years=2) + text)
    # Flat cash: 12 x £4,000 x 52 weeks = £2,496,000 every year, whatever the price year.
    assert rows_of(projection, "trust", "cost", "residential") == pytest.approx([2_496_000.0, 2_496_000.0])


def test_demand_grows_at_a_rate_or_follows_numbers_by_year_and_is_the_same_in_every_option():
    growing = RESIDENTIAL.replace("    children: 12\n", "    children: 10\n    growth: 10%\n").replace(
        "price_year: 2015/16", "price_year: 2017/18")
    projection = project_text(make_scenario(EMPTY_BASELINE + TRUST, years=3) + growing)
    # 10 children, then 10 x 1.1 = 11, then 10 x 1.1^2 = 12.1.
    assert rows_of(projection, "trust", "children", "residential") == pytest.approx([10.0, 11.0, 12.1])
    # Cost at 2017/18 prices: children x £4,000 x 52.14, times the general index 1.02, 1.0404, 1.061208:
    # 10 x 208,560 x 1.02 = £2,127,312; 11 x 208,560 x 1.0404 = £2,386,843.66; 12.1 x 208,560 x 1.061208.
    assert rows_of(projection, "trust", "cost", "residential") == pytest.approx(
        [2_127_312.0, 11 * 208_560 * 1.0404, 12.1 * 208_560 * 1.061208])
    assert rows_of(projection, "base", "cost", "residential") == pytest.approx(
        rows_of(projection, "trust", "cost", "residential"))

    by_year = growing.replace("    children: 10\n    growth: 10%\n",
                              "    children_by_year: {2018/19: 10, 2019/20: 14}\n")
    projection = project_text(make_scenario(EMPTY_BASELINE + TRUST, years=3) + by_year)
    # 2020/21 is not stated: 2019/20's 14 is carried forward.
    assert rows_of(projection, "trust", "children", "residential") == pytest.approx([10.0, 14.0, 14.0])


def test_a_shipped_unit_cost_is_named_with_its_publication_paragraph_and_price_year():
    from costmodel.scenario.unit_costs import UNIT_COSTS

    shipped = RESIDENTIAL.replace("    weekly_cost: 4,000\n    price_year: 2015/16\n",
                                  "    unit_cost: iow-2017-private-childrens-home\n")
    projection = project_text(make_scenario(EMPTY_BASELINE + TRUST, years=3) + shipped)
    instance = next(group for group in projection.option("trust").groups
                    if group.group.key == "placements").instances[0]
    weekly = instance.inputs["weekly_cost"]
    assert weekly.value == 4_000.0
    assert "para 37.26" in weekly.source and "Cabinet paper D, 9 November 2017" in weekly.source
    assert "£4000 per week" in weekly.source  # the paper's own words
    assert weekly.line is not None
    assert UNIT_COSTS["iow-2017-council-childrens-home"].weekly_cost == 3_000.0
    assert UNIT_COSTS["iow-2017-foster-placement"].weekly_cost == 637.0
    assert {cost.price_year for cost in UNIT_COSTS.values()} == {2015}
    # The same arithmetic as a typed-in £4,000 at 2015/16 prices.
    typed = project_text(make_scenario(EMPTY_BASELINE + TRUST, years=3) + RESIDENTIAL)
    assert rows_of(projection, "trust", "cost") == pytest.approx(rows_of(typed, "trust", "cost"))


@pytest.mark.parametrize("change, message", [
    (("    weekly_cost: 4,000\n    price_year: 2015/16\n", "    unit_cost: iow-2017-private-childrens-hom\n"),
     r"placements\[0\]\.unit_cost: no shipped unit cost .*did you mean 'iow-2017-private-childrens-home'"),
    (("    price_year: 2015/16\n", ""), r"placements\[0\]: give weekly_cost and the price_year"),
    (("    children: 12\n", "    children: 12\n    children_by_year: {2018/19: 12}\n"),
     r"placements\[0\]: give children_by_year, or children with a growth rate, not both"),
    (("    children: 12\n", "    children: 12\n    growth: 15\n"), r"placements\[0\]\.growth: .*15%"),
    (("    children: 12\n", "    children_by_year: {2019/20: 12}\n"),
     r"placements\[0\]\.children_by_year: the table must give the number placed in the first year \(2018/19\)"),
    (("    children: 12\n", "    children: 12\n    weeks_a_yeer: 52\n"), "did you mean 'weeks_a_year'"),
])
def test_a_placement_written_wrongly_is_reported_at_its_field(change, message):
    with pytest.raises(costmodel.ScenarioError, match=message):
        costmodel.load_scenario_text(make_scenario(EMPTY_BASELINE + TRUST, years=3) + RESIDENTIAL.replace(*change))


def test_the_workbook_shows_the_placement_rows_and_its_inputs_with_the_uplift():
    from costmodel.workbook.writer import build_workbook

    book = openpyxl.load_workbook(io.BytesIO(build_workbook(project_text(
        make_scenario(EMPTY_BASELINE + TRUST, years=3) + RESIDENTIAL))))
    sheet = [[cell.value for cell in row] for row in book["trust"].iter_rows()]
    labels = [row[0] for row in sheet]
    assert "Placements" in labels
    assert any(row[2] == "placements" and row[1] == "Private children's home" for row in sheet)
    inputs = [[cell.value for cell in row] for row in book["Inputs"].iter_rows()]
    uplift = [row for row in inputs if row[1] == "Private children's home"
              and row[2] == "Uplift from the unit cost's price year to the price base"]
    assert uplift and uplift[0][3] == pytest.approx(1.0404)
    assert any("2015/16 prices taken to 2017/18 prices" in str(cell) for cell in uplift[0])
    assert any(row[1] == "Private children's home" and row[2] == "Weeks a year a placement is paid for"
               and row[3] == pytest.approx(52.14) for row in inputs)
