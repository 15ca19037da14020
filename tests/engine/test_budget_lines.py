"""The lines a budget has (issue 17), worked by hand: ramps, pay progression, on-costs as a rate,
capital apart from revenue, and exit and break costs.

Every scenario here prices at 2018/19, its first year, so the indices are 1 in the first year and
grow 2% a year after: 1.02, 1.0404, 1.061208.
"""

import io
import json

import openpyxl
import pytest

import costmodel
from conftest import EMPTY_BASELINE, make_scenario, project_text, rows_of
from costmodel.lines.categories import CATEGORIES

SAME_BASE = {"first_year": "2018/19", "price_base": "2018/19"}


def scenario(options: str, years: int = 4, **terms) -> str:
    return make_scenario(EMPTY_BASELINE + options, years=years, **SAME_BASE, **terms)


def sheet_rows(projection, name: str) -> list[list]:
    from costmodel.workbook.writer import build_workbook

    book = openpyxl.load_workbook(io.BytesIO(build_workbook(projection)))
    return [[cell.value for cell in row] for row in book[name].iter_rows()]


# --------------------------------------------------------------------------- savings and cost ramps

RAMPED = """\
- id: remodel
  name: Remodelled service
  family: in_house
  savings:
    - id: edge-of-care
      name: Edge-of-care team avoids placements
      amount: {central: "400,000", low: "250,000", high: "500,000"}
      ramp: {2018/19: 25%, 2019/20: 75%, 2020/21: 100%}
    - id: late
      name: Saving from the second year
      amount: 100,000
      index: none
      ramp: {2019/20: 50%}
  non_pay:
    - id: licences
      name: Licences
      amount: 10,000
      index: none
"""


def test_a_saving_reaches_its_full_year_effect_over_its_ramp_and_carries_the_last_share_forward():
    projection = project_text(scenario(RAMPED))
    # -£400,000 x 25% x 1 = -£100,000; x 75% x 1.02 = -£306,000; x 100% x 1.0404 = -£416,160;
    # the last share carried forward: x 100% x 1.061208 = -£424,483.20.
    assert rows_of(projection, "remodel", "cost", "edge-of-care") == pytest.approx(
        [-100_000.0, -306_000.0, -416_160.0, -424_483.20])
    assert rows_of(projection, "remodel", "ramp", "edge-of-care") == pytest.approx([0.25, 0.75, 1.0, 1.0])
    # Nothing before its first stated year, then 50% of -£100,000 (flat cash), carried forward.
    assert rows_of(projection, "remodel", "cost", "late") == pytest.approx([0.0, -50_000.0, -50_000.0, -50_000.0])
    # The full-year column shows the full effect: -£400,000 and -£100,000.
    full = {row.instance.id: row.full_year for row in projection.option("remodel").rows if row.formula.key == "cost"}
    assert full["edge-of-care"] == pytest.approx(-400_000.0)
    assert full["late"] == pytest.approx(-100_000.0)
    # A line without a ramp is costed as it always was, in its own group.
    assert rows_of(projection, "remodel", "cost", "licences") == pytest.approx([10_000.0] * 4)
    groups = {row.instance.id: row.group for row in projection.option("remodel").rows}
    assert groups == {"edge-of-care": "savings_ramped", "late": "savings_ramped", "licences": "non_pay"}


def test_a_ramped_line_keeps_its_range_on_the_full_year_figure_for_sensitivity():
    from costmodel.uncertainty.sensitivity import sensitivity

    result = sensitivity(costmodel.load_scenario_text(scenario(RAMPED)))
    [swing] = [s for s in result.swings if s.input.path == "options[1].savings[0].amount"]
    # In present value the saving is amount x the share reached x the discount factor (the index and
    # the real-terms factor cancel): amount x (25% + 75%/1.035 + 100%/1.035^2 + 100%/1.035^3). From
    # £250,000 to £500,000 the option's NPC moves by 250,000 x that sum.
    shares = 0.25 + 0.75 / 1.035 + 1 / 1.035 ** 2 + 1 / 1.035 ** 3
    assert swing.swing("remodel") == pytest.approx(250_000 * shares)
    assert swing.swing("base") == pytest.approx(0.0)


def test_a_ramp_is_a_row_on_inputs_and_the_option_sheet_with_live_formulas():
    projection = project_text(scenario(RAMPED))
    sheet = sheet_rows(projection, "remodel")
    headings = [row[0] for row in sheet if row[0]]
    assert "Savings and income: reaching the full-year effect over a ramp" in headings
    assert "Share of the full-year effect reached" in headings
    inputs = sheet_rows(projection, "Inputs")
    ramp_rows = [row for row in inputs if row[1] == "Edge-of-care team avoids placements"
                 and row[2] == "Share of the full effect reached"]
    assert len(ramp_rows) == 1
    # Inputs years start at the price base (2018/19) in column J: 25%, 75%, 100%, 100%.
    assert ramp_rows[0][9:13] == [0.25, 0.75, 1.0, 1.0]


def test_a_ramp_share_out_of_bounds_or_outside_the_horizon_is_refused_at_its_line():
    too_big = scenario(RAMPED.replace("2020/21: 100%}", "2020/21: 120%}"))
    with pytest.raises(costmodel.ScenarioError, match=r"savings\[0\]\.ramp.*ramp share 120% is outside 0% to 100%"):
        costmodel.load_scenario_text(too_big)
    outside = scenario(RAMPED.replace("ramp: {2019/20: 50%}", "ramp: {2030/31: 50%}"))
    with pytest.raises(costmodel.ScenarioError, match=r"savings\[1\]\.ramp\.2030/31: 2030/31 is outside the horizon"):
        costmodel.load_scenario_text(outside)
    ranged = scenario(RAMPED.replace("2018/19: 25%", "2018/19: {central: 25%, low: 10%, high: 40%}"))
    with pytest.raises(costmodel.ScenarioError, match="give the amount its range instead"):
        costmodel.load_scenario_text(ranged)


# --------------------------------------------------------------------------- pay progression

PROGRESSION = """\
- id: keep
  name: Keep the team
  family: in_house
  staffing:
    - id: sw
      title: Social worker
      salary: 30,000
      pay_drift: 2%
      salary_max: 31,000
    - id: stays
      title: Team manager
      salary: 45,000
    - id: step
      title: Family support worker
      salary: 25,000
      pay_step: 1,000
      salary_max: 27,500
    - id: later
      title: New practitioner
      salary: 30,000
      pay_drift: 2%
      first_year: 2020/21
"""


def test_pay_drifts_up_a_scale_to_its_top_and_pay_awards_move_the_whole_scale():
    projection = project_text(scenario(PROGRESSION))
    # 2018/19: £30,000 x 1 = £30,000. 2019/20: min(30,000 x 1.02, 31,000) = £30,600 x 1.02 = £31,212.
    # 2020/21: min(30,000 x 1.02^2 = 31,212, 31,000) = £31,000 x 1.0404 = £32,252.40.
    # 2021/22: £31,000 at the top x 1.061208 = £32,897.448.
    assert rows_of(projection, "keep", "pay", "sw") == pytest.approx([30_000.0, 31_212.0, 32_252.40, 32_897.448])
    # A post with no progression in the same list is costed as without: £45,000 x the pay index.
    assert rows_of(projection, "keep", "pay", "stays") == pytest.approx(
        [45_000.0, 45_900.0, 46_818.0, 47_754.36])
    # Steps of £1,000 a year to £27,500: 25,000; 26,000 x 1.02 = 26,520; 27,000 x 1.0404 = 28,090.80;
    # min(28,000, 27,500) = 27,500 x 1.061208 = 29,183.22.
    assert rows_of(projection, "keep", "pay", "step") == pytest.approx([25_000.0, 26_520.0, 28_090.80, 29_183.22])
    # Drift counts from the post's own first year: 2020/21 £30,000 x 1.0404 = £31,212;
    # 2021/22 £30,600 x 1.061208 = £32,472.9648.
    assert rows_of(projection, "keep", "pay", "later") == pytest.approx([0.0, 0.0, 31_212.0, 32_472.9648])


def test_employer_ni_and_pension_follow_the_progressed_salary():
    projection = project_text(scenario(PROGRESSION))
    # 2019/20: NI at 13.8% above the £8,632 threshold on £31,212: (31,212 - 8,632) x 13.8% = £3,116.04.
    assert rows_of(projection, "keep", "employer_ni", "sw")[1] == pytest.approx(3_116.04)
    # Pension at 20% of the same pay: £31,212 x 20% = £6,242.40.
    assert rows_of(projection, "keep", "pension", "sw")[1] == pytest.approx(6_242.40)


def test_a_list_without_progression_renders_the_formulas_it_always_had():
    plain = project_text(scenario(PROGRESSION.split("    - id: step")[0].replace(
        "      pay_drift: 2%\n      salary_max: 31,000\n", "")))
    # The category column names the category as the sheet's totals do (lines/categories.py).
    pay = next(row for row in sheet_rows(plain, "keep") if row[0] is None and row[1] == "Social worker"
               and row[2] == CATEGORIES["pay"])
    assert "MIN" not in str(pay[7]) and "^" not in str(pay[7])
    drifting = project_text(scenario(PROGRESSION))
    pay = next(row for row in sheet_rows(drifting, "keep") if row[1] == "Social worker" and row[2] == CATEGORIES["pay"])
    assert "MIN(" in pay[8] and ")^(" in pay[8]


def test_pay_progression_is_checked_where_it_is_written():
    both = scenario(PROGRESSION.replace("      pay_drift: 2%\n      salary_max: 31,000\n",
                                        "      pay_drift: 2%\n      pay_step: 500\n"))
    with pytest.raises(costmodel.ScenarioError, match=r"staffing\[0\]\.pay_step: give pay_drift .* or pay_step"):
        costmodel.load_scenario_text(both)
    below = scenario(PROGRESSION.replace("salary_max: 31,000", "salary_max: 29,000"))
    with pytest.raises(costmodel.ScenarioError,
                       match=r"staffing\[0\]\.salary_max: the top of the scale \(£29,000\) is below the salary"):
        costmodel.load_scenario_text(below)
    alone = scenario(PROGRESSION.replace("      salary: 45,000\n", "      salary: 45,000\n      salary_max: 50,000\n"))
    with pytest.raises(costmodel.ScenarioError, match=r"staffing\[1\]\.salary_max: .*give pay_drift or pay_step"):
        costmodel.load_scenario_text(alone)
    bare = scenario(PROGRESSION.replace("pay_drift: 2%\n      salary_max", "pay_drift: 2\n      salary_max"))
    with pytest.raises(costmodel.ScenarioError, match=r"staffing\[0\]\.pay_drift"):
        costmodel.load_scenario_text(bare)


# --------------------------------------------------------------------------- on-costs as a rate

RATED = """\
- id: rated
  name: On-costs from the paper
  family: in_house
  staffing:
    - id: sw
      title: Social worker
      count: 2
      salary: 40,000
      vacancy: 10%
      agency_share: 25%
      on_cost_rate: 28%
"""


def test_on_costs_at_a_stated_rate_are_that_rate_of_employees_pay():
    projection = project_text(scenario(RATED))
    # Pay: 2 x £40,000 x (1 - 10%) = £72,000; employees' share (1 - 25% agency) = £54,000; x 28% = £15,120.
    # Then with the pay index: x 1.02 = £15,422.40.
    assert rows_of(projection, "rated", "rate_on_costs", "sw")[:2] == pytest.approx([15_120.0, 15_422.40])
    result = projection.option("rated")
    assert result.category_cash("stated_on_costs")[0] == pytest.approx(15_120.0)
    # Neither NI nor pension nor levy is computed for it.
    for category in ("employer_ni", "pension", "apprenticeship_levy"):
        assert result.category_cash(category) == pytest.approx([0.0] * 4)
    inputs = sheet_rows(projection, "Inputs")
    assert any(row[1] == "Social worker" and row[2].startswith("On-costs as a stated rate of pay")
               and row[3] == 0.28 for row in inputs)


def test_a_post_gives_its_on_costs_one_way():
    both = scenario(RATED.replace("      on_cost_rate: 28%\n", "      on_costs: 11,000\n      on_cost_rate: 28%\n"))
    with pytest.raises(costmodel.ScenarioError,
                       match=r"staffing\[0\]\.on_cost_rate: give on_costs .* or on_cost_rate .*, not both"):
        costmodel.load_scenario_text(both)


# --------------------------------------------------------------------------- capital and exit costs

ONE_OFF = """\
- id: company
  name: A company, then brought back
  family: in_house
  setup:
    - id: case-system
      name: Case management system
      amount: 500,000
      year: 2019/20
      capital: true
    - id: programme
      name: Programme team
      amount: 100,000
      year: 2018/19
  exit_costs:
    - id: redundancy
      name: Redundancy of the company's board
      kind: redundancy
      amount: 250,000
      year: 2020/21
      index: none
    - id: notice
      name: Three months' notice of ending the partnership
      kind: notice_period
      amount: 325,000
      year: 2019/20
      index: none
      optimism_bias: {upper_bound: 20%, mitigation: 50%}
    - id: reprocure
      name: Re-procuring the contract
      kind: reprocurement
      amount: 200,000
      profile: {2020/21: 40%, 2021/22: 60%}
    - id: fit-out
      name: Fitting out the council's building again
      kind: company_unwinding
      amount: 80,000
      year: 2021/22
      index: none
      capital: true
"""


def test_a_capital_setup_item_is_costed_apart_from_revenue_and_both_count_in_the_totals():
    projection = project_text(scenario(ONE_OFF))
    result = projection.option("company")
    # Capital: £500,000 in 2019/20 x 1.02 = £510,000. Revenue: £100,000 in 2018/19 x 1.
    assert result.category_cash("setup_capital") == pytest.approx([0.0, 510_000.0, 0.0, 0.0])
    assert result.category_cash("setup_and_transition") == pytest.approx([100_000.0, 0.0, 0.0, 0.0])
    data = projection.to_json()
    company = next(option for option in data["options"] if option["id"] == "company")
    assert company["by_category"]["setup_capital"]["cash"] == pytest.approx(510_000.0)
    assert company["by_category"]["setup_and_transition"]["cash"] == pytest.approx(100_000.0)
    # Every total counts both: 100,000 + 510,000 + exit costs (below) 357,500 + 250,000 + 83,232
    # + 127,344.96 + capital 80,000 = 1,508,076.96.
    assert company["cash_total"] == pytest.approx(1_508_076.96)
    assert json.dumps(data)


def test_exit_and_break_costs_fall_in_their_years_in_their_own_category():
    projection = project_text(scenario(ONE_OFF))
    # Redundancy: £250,000 flat cash in 2020/21.
    assert rows_of(projection, "company", "spend", "redundancy") == pytest.approx([0.0, 0.0, 250_000.0, 0.0])
    # Notice: £325,000 in 2019/20 (three months of a £1.3m charge: 1,300,000 / 4), optimism bias stated:
    # 325,000 x 20% x (1 - 50%) = £32,500.
    assert rows_of(projection, "company", "optimism_bias", "notice") == pytest.approx([0.0, 32_500.0, 0.0, 0.0])
    # Re-procurement over a profile with the general index: 40% x £200,000 x 1.0404 = £83,232;
    # 60% x £200,000 x 1.061208 = £127,344.96.
    assert rows_of(projection, "company", "spend", "reprocure") == pytest.approx([0.0, 0.0, 83_232.0, 127_344.96])
    result = projection.option("company")
    # 325,000 + 32,500 = 357,500 in 2019/20; 250,000 + 83,232 = 333,232 in 2020/21; 127,344.96 in 2021/22.
    assert result.category_cash("exit_costs") == pytest.approx([0.0, 357_500.0, 333_232.0, 127_344.96])
    assert result.category_cash("exit_capital") == pytest.approx([0.0, 0.0, 0.0, 80_000.0])
    # No optimism bias unless stated: the redundancy has none.
    assert rows_of(projection, "company", "optimism_bias", "redundancy") == pytest.approx([0.0] * 4)


def test_the_workbook_shows_capital_and_exit_costs_apart_and_names_each_kind_on_inputs():
    projection = project_text(scenario(ONE_OFF))
    sheet = sheet_rows(projection, "company")
    headings = [row[0] for row in sheet if row[0]]
    for heading in ("Set-up and transition", "Set-up and transition: capital", "Exit and break costs",
                    "Exit and break costs: capital"):
        assert heading in headings
    categories = {row[2] for row in sheet if row[2]}
    assert {CATEGORIES[key] for key in ("setup_capital", "exit_costs", "exit_capital", "setup_and_transition")} \
        <= categories
    inputs = sheet_rows(projection, "Inputs")
    said = [(row[2], row[3]) for row in inputs if row[2] in ("Kind of exit or break cost", "Capital or revenue")]
    assert ("Kind of exit or break cost", "redundancy") in said
    assert ("Kind of exit or break cost", "the notice period of ending a partnership early") in said
    assert ("Capital or revenue", "capital") in said and ("Capital or revenue", "revenue") in said
    summary = [cell for row in sheet_rows(projection, "Summary") for cell in row]
    assert "Set-up and transition: capital (with optimism bias)" in summary
    assert "Exit and break costs" in summary


def test_an_exit_cost_names_a_kind_from_the_list_and_says_when_it_falls():
    unknown = scenario(ONE_OFF.replace("kind: redundancy", "kind: redundancies"))
    with pytest.raises(costmodel.ScenarioError, match=r"exit_costs\[0\]\.kind"):
        costmodel.load_scenario_text(unknown)
    no_year = scenario(ONE_OFF.replace("      year: 2020/21\n      index: none\n", "      index: none\n"))
    with pytest.raises(costmodel.ScenarioError, match="exactly one of year, years or profile"):
        costmodel.load_scenario_text(no_year)
    outside = scenario(ONE_OFF.replace("year: 2020/21", "year: 2030/31"))
    with pytest.raises(costmodel.ScenarioError, match=r"exit_costs\[0\]\.year: 2030/31 is outside the horizon"):
        costmodel.load_scenario_text(outside)


def test_a_published_figure_checks_an_exit_cost_but_not_for_a_full_year():
    checked = scenario(ONE_OFF, published="""\
- {name: Redundancy, option: company, line: redundancy, year: 2020/21, amount: "250,000"}
""")
    assert project_text(checked).checks[0].ok
    full_year = scenario(ONE_OFF, published="""\
- {name: Redundancy, option: company, line: redundancy, basis: full_year, amount: "250,000"}
""")
    with pytest.raises(costmodel.ScenarioError, match="exit and break costs are one-off and have no full-year figure"):
        costmodel.load_scenario_text(full_year)


def test_simulation_draws_a_ramped_saving_and_a_progressing_salary():
    from costmodel.uncertainty.simulate import simulate

    text = scenario(RAMPED + PROGRESSION.replace("salary: 30,000\n      pay_drift: 2%\n      salary_max",
                                                 'salary: {central: "30,000", low: "28,000", high: "30,500"}\n'
                                                 "      pay_drift: 2%\n      salary_max"))
    simulation = simulate(costmodel.load_scenario_text(text), draws=400, seed=1)
    assert [ranged.path for ranged in simulation.inputs] == ["options[1].savings[0].amount",
                                                             "options[2].staffing[0].salary"]
    outcomes = {outcome.option: outcome.statistics["npc"] for outcome in simulation.outcomes}
    assert outcomes["base"]["p10"] == pytest.approx(outcomes["base"]["p90"])
    # The drawn saving and the drawn salary (drifting up to the same top of the scale) spread each NPC.
    assert outcomes["remodel"]["p10"] < outcomes["remodel"]["p90"]
    assert outcomes["keep"]["p10"] < outcomes["keep"]["p90"]
