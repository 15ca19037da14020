"""Placements and demand, worked by hand: costmodel/lines/placements.py, one declaration for numpy and Excel."""

import io

import openpyxl
import pytest

import costmodel
from costmodel.lines.categories import CATEGORIES
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
    assert uplift.source == "derived from the scenario's general inflation"
    assert uplift.note == ("2015/16 prices taken to 2017/18 prices with the general index (GDP deflator): "
                           "2016/17 2%, 2017/18 2%")
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
    assert weekly.source == "Isle of Wight Council, Cabinet paper D, 9 November 2017, para 37.26"
    assert "£4000 per week" in weekly.note and "2015/16 prices" in weekly.note  # the paper's own words
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
    (("    children: 12\n", "    children_by_year: {2018/19: {central: 12, low: 10, high: 14}}\n"),
     r"placements\[0\]\.children_by_year: a number by year cannot take a range"),
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
    assert any(row[2] == CATEGORIES["placements"] and row[1] == "Private children's home" for row in sheet)
    inputs = [[cell.value for cell in row] for row in book["Inputs"].iter_rows()]
    uplift = [row for row in inputs if row[1] == "Private children's home"
              and row[2] == "Uplift from the unit cost's price year to the price base"]
    assert uplift and uplift[0][3] == pytest.approx(1.0404)
    assert any("2015/16 prices taken to 2017/18 prices" in str(cell) for cell in uplift[0])
    assert any(row[1] == "Private children's home" and row[2] == "Weeks a year a placement is paid for"
               and row[3] == pytest.approx(52.14) for row in inputs)


# --------------------------------------------------------------------------- an option's change to placements

#: 20 children in private homes at £4,000 a week and 100 in foster care at £637, both at 2017/18 prices
#: (the price base): no uplift.
TWO_TYPES = """\
placements:
  - id: residential
    name: Private children's home
    children: 20
    weekly_cost: 4,000
    price_year: 2017/18
  - id: foster
    name: Foster placement
    children: 100
    weekly_cost: 637
    price_year: 2017/18
"""

#: "Residential placements fall by 15% by year 3, half of that in year 1": the children move to foster care.
PLAN = """\
- id: trust
  name: Trust
  family: trust
  placement_changes:
    - id: fewer-residential
      name: Change in placement costs from the improvement plan
      from: residential
      to: foster
      change: {central: 15%, low: 5%, high: 20%, source: illustrative}
      ramp: {2018/19: 50%, 2019/20: 75%, 2020/21: 100%}
      source: the trust's improvement plan (illustrative)
"""


def test_a_step_change_with_a_ramp_moves_children_and_is_costed_as_its_own_line_worked_for_three_years():
    projection = project_text(make_scenario(EMPTY_BASELINE + PLAN, years=3) + TWO_TYPES)
    # Children moved: 20 x 15% x the ramp: 20 x 0.15 x 50% = 1.5; x 75% = 2.25; x 100% = 3.
    assert rows_of(projection, "trust", "children_moved") == pytest.approx([1.5, 2.25, 3.0])
    # A week of each moved child costs £637 - £4,000 = -£3,363; a year of 52.14 weeks -£175,346.82.
    year_of_one_move = 52.14 * (637 - 4_000)
    assert year_of_one_move == pytest.approx(-175_346.82)
    # In cash with the general index (1.02, 1.0404, 1.061208):
    # 2018/19: 1.5 x -175,346.82 x 1.02 = -£268,280.6346
    # 2019/20: 2.25 x -175,346.82 x 1.0404 = -£410,469.37...
    # 2020/21: 3 x -175,346.82 x 1.061208 = -£558,238.95...
    change = rows_of(projection, "trust", "cost", "fewer-residential")
    assert change[0] == pytest.approx(-268_280.6346)
    assert change == pytest.approx([1.5 * year_of_one_move * 1.02, 2.25 * year_of_one_move * 1.0404,
                                    3.0 * year_of_one_move * 1.061208])
    trust = projection.option("trust")
    assert trust.category_cash("placement_changes") == pytest.approx(change)
    # The demand itself is the same in both options; only the change differs.
    assert trust.category_cash("placements") == pytest.approx(
        projection.option("base").category_cash("placements"))
    assert trust.cash() - projection.option("base").cash() == pytest.approx(change)
    full_year = {row.formula.key: row.full_year for row in trust.rows if row.group == "placement_changes"}
    # At the full effect, a full year at price-base prices: 3 children x -£175,346.82 = -£526,040.46.
    assert full_year["cost"] == pytest.approx(-526_040.46)
    by_category = next(o for o in projection.to_json()["options"] if o["id"] == "trust")["by_category"]
    assert by_category["placement_changes"]["cash"] == pytest.approx(round(float(sum(change)), 2))


def test_the_json_tells_two_placements_apart_year_by_year():
    projection = project_text(make_scenario(EMPTY_BASELINE + PLAN, years=3) + TWO_TYPES)
    trust = next(o for o in projection.to_json()["options"] if o["id"] == "trust")
    lines = {(line["line"], line["row"]): line for line in trust["lines"]}
    # 20 residential children at £4,000 a week x 52.14 weeks = £4,171,200 a year at 2017/18 prices, x 1.02
    # in 2018/19 = £4,254,624; 100 foster children at £637: 100 x 637 x 52.14 x 1.02 = £3,387,746.52.
    assert lines[("residential", "cost")]["annual"][0] == pytest.approx(4_254_624.00)
    assert lines[("foster", "cost")]["annual"][0] == pytest.approx(3_387_746.52)
    assert lines[("residential", "cost")]["category"] == lines[("foster", "cost")]["category"] == "placements"
    # The change is its own line; the category's year-by-year cash is the sum of its lines'.
    assert lines[("fewer-residential", "cost")]["annual"][0] == pytest.approx(-268_280.63)
    placements = trust["by_category"]["placements"]["annual"]
    assert placements == pytest.approx([a + b for a, b in zip(lines[("residential", "cost")]["annual"],
                                                              lines[("foster", "cost")]["annual"])])


def test_children_moved_out_of_care_save_the_whole_weekly_cost():
    out = PLAN.replace("to: foster", "to: out_of_care")
    projection = project_text(make_scenario(EMPTY_BASELINE + out, years=3) + TWO_TYPES)
    # 1.5 children x 52.14 weeks x (0 - £4,000) x 1.02 = -£319,096.80.
    assert rows_of(projection, "trust", "cost", "fewer-residential")[0] == pytest.approx(-319_096.80)


@pytest.mark.parametrize("change, message", [
    (("from: residential", "from: residental"), r"placement_changes\[0\]\.from: no placement 'residental'; "
                                                r"did you mean 'residential'\?"),
    (("to: foster", "to: residential"), r"placement_changes\[0\]\.to: the children move from and to the same"),
    (("to: foster", "to: out-of-care"), r"placement_changes\[0\]\.to: no placement 'out-of-care'; did you mean "
                                        r"'out_of_care'\?"),
    (("{2018/19: 50%, 2019/20: 75%, 2020/21: 100%}", "{2018/19: 50%, 2024/25: 100%}"),
     r"placement_changes\[0\]\.ramp\.2024/25: 2024/25 is outside the horizon"),
    (("{2018/19: 50%, 2019/20", "{2018/19: {central: 50%, low: 40%, high: 60%}, 2019/20"),
     r"placement_changes\[0\]\.ramp: the ramp's shares cannot take a range; give the change its range"),
    (("{central: 15%, low: 5%, high: 20%, source: illustrative}", "150%"),
     r"placement_changes\[0\]\.change: change 150% is outside 0% to 100%"),
])
def test_a_change_written_wrongly_is_reported_at_its_field(change, message):
    with pytest.raises(costmodel.ScenarioError, match=message):
        costmodel.load_scenario_text(make_scenario(EMPTY_BASELINE + PLAN.replace(*change), years=3) + TWO_TYPES)


#: A second change from the same placement: with the first, 15% + 80% = 95% of the residential children
#: move at the central values, and 20% + 85% = 105% at the highs.
SECOND_CHANGE = """\
    - id: residential-to-out-of-care
      name: Children leaving care under the plan
      from: residential
      to: out_of_care
      change: {central: 80%, low: 70%, high: 85%, source: illustrative}
      ramp: {2018/19: 100%}
"""


def test_changes_from_one_placement_that_would_move_more_than_all_its_children_are_refused():
    # 20% + 85% = 105% of the 20 residential children at the highs: 21 children moved of 20, which a
    # simulation would draw and cost; refused at the change that takes the total past 100%.
    with pytest.raises(costmodel.ScenarioError, match=r"placement_changes\[1\]\.change: with the option's other "
                                                      r"changes from 'residential', 105% of its children would "
                                                      r"move at their highs; at most 100% of them can move"):
        costmodel.load_scenario_text(make_scenario(EMPTY_BASELINE + PLAN + SECOND_CHANGE, years=3) + TWO_TYPES)
    # 20% + 80% = 100% at the highs moves every child, and no more: accepted, and costed as two lines.
    every_child = SECOND_CHANGE.replace("high: 85%", "high: 80%").replace("central: 80%, low: 70%",
                                                                          "central: 75%, low: 70%")
    projection = project_text(make_scenario(EMPTY_BASELINE + PLAN + every_child, years=3) + TWO_TYPES)
    # 20 x 75% x 100% = 15 children out of care in 2018/19: 15 x 52.14 x -£4,000 x 1.02 = -£3,190,968.
    assert rows_of(projection, "trust", "cost", "residential-to-out-of-care")[0] == pytest.approx(-3_190_968.0)


def test_sensitivity_and_switching_values_treat_the_change_like_any_other_input():
    from costmodel.uncertainty.sensitivity import sensitivity

    # The trust also costs £350,693.64 a year more to run (non-pay, grown with the general index). With
    # the full effect from the first year, the change saves 20 x c x 175,346.82 x index a year, so the
    # two are equal in every year, and in present value, at c = 350,693.64 / (20 x 175,346.82) = 10%.
    plan = PLAN.replace("{2018/19: 50%, 2019/20: 75%, 2020/21: 100%}", "{2018/19: 100%}") + """\
  non_pay:
    - {id: running, name: Running the trust, amount: "350,693.64"}
"""
    result = sensitivity(costmodel.load_scenario_text(make_scenario(EMPTY_BASELINE + plan, years=3) + TWO_TYPES))
    assert result.cheapest == "trust"  # at 15%, the change saves more than the trust costs to run
    [switch] = [s for s in result.switches if s.input.path == "options[1].placement_changes[0].change"]
    assert switch.value == pytest.approx(0.10, abs=1e-9)
    assert "Baseline becomes cheaper than Trust only if" in result.in_words(switch)
    assert "is below 10.0% (central 15.0%)" in result.in_words(switch)
    [swing] = [s for s in result.swings if s.input.path == "options[1].placement_changes[0].change"]
    # From 5% to 20% the trust's NPC moves by 15% of 20 x 175,346.82 a year in real terms, discounted:
    # 0.15 x 3,506,936.40 x (1/1.035 ... ) summed over three years at the Green Book's 3.5%.
    factors = [1.0, 1 / 1.035, 1 / 1.035 ** 2]
    assert swing.swing("trust") == pytest.approx(0.15 * 3_506_936.40 * sum(factors))


def test_a_published_placement_cost_is_checked_like_any_line():
    # The paper's arithmetic: 12 children x £4,000 a week x 52.14 weeks = £2,502,720 a year, at the price
    # base where the unit cost is at the price base's prices.
    published = """\
- name: Residential placements, a full year
  option: trust
  line: residential
  basis: full_year
  amount: 2,502,720
  source: worked by hand
"""
    text = make_scenario(EMPTY_BASELINE + TRUST, years=3, first_year="2017/18", price_base="2017/18",
                         published=published) + RESIDENTIAL.replace("price_year: 2015/16", "price_year: 2017/18")
    [check] = project_text(text).checks
    assert check.computed == pytest.approx(2_502_720.0) and check.ok
    with pytest.raises(costmodel.ScenarioError, match=r"published_figures\[0\]\.line: no line 'residentail'"):
        costmodel.load_scenario_text(text.replace("line: residential", "line: residentail"))


def test_diff_and_the_simulation_move_the_change_like_any_other_figure(tmp_path):
    from costmodel.audit.diff import diff
    from costmodel.uncertainty.simulate import simulate

    plan = PLAN.replace("{2018/19: 50%, 2019/20: 75%, 2020/21: 100%}", "{2018/19: 100%}")
    old = tmp_path / "old.yaml"
    old.write_text(make_scenario(EMPTY_BASELINE + plan, years=3) + TWO_TYPES, encoding="utf-8")
    new = tmp_path / "new.yaml"
    new.write_text(old.read_text(encoding="utf-8").replace("central: 15%", "central: 10%"), encoding="utf-8")
    report = diff(old, new)
    [step] = report.steps
    assert [change.where for change in step.changes] == ["options[trust].placement_changes[fewer-residential].change"]
    # Five points fewer of 20 children move, each saving £175,346.82 a year at price-base prices: the
    # trust's NPC rises by 0.05 x 3,506,936.40 x (1 + 1/1.035 + 1/1.035^2); the baseline's does not move.
    assert step.npc["trust"] == pytest.approx(0.05 * 3_506_936.40 * (1 + 1 / 1.035 + 1 / 1.035 ** 2))
    assert step.npc["base"] == pytest.approx(0.0)

    simulation = simulate(costmodel.load_scenario(old), draws=400, seed=1)
    assert [ranged.path for ranged in simulation.inputs] == ["options[1].placement_changes[0].change"]
    outcomes = {outcome.option: outcome.statistics["npc"] for outcome in simulation.outcomes}
    assert outcomes["base"]["p10"] == pytest.approx(outcomes["base"]["p90"])  # the baseline has no change
    # The more children move, the lower the trust's cost: its NPC spreads between the draws.
    assert outcomes["trust"]["p10"] < outcomes["trust"]["p90"]
