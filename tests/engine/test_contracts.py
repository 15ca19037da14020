"""Contracts with indexation clauses, worked by hand: costmodel/lines/contracts.py, one declaration for numpy and Excel.

The scenario around each contract (tests/conftest.py `make_scenario`): first year 2018/19, price base
2017/18, general inflation and pay awards 2% a year, so the general index is 1.02 in 2018/19, 1.0404
in 2019/20, 1.061208 in 2020/21, 1.08243216 in 2021/22; Green Book discounting at 3.5%.
"""

import io
import json

import openpyxl
import pytest

import costmodel
from conftest import EMPTY_BASELINE, make_scenario, project_text, rows_of

#: CPI as the scenario states it: a table by year, the last carried forward.
CPI = """\
general_inflation: 2%
pay_awards: 2%
pension_rate: 20%
indices:
  cpi:
    name: Consumer prices index (CPI)
    value: {2018/19: 2%, 2019/20: 3.8%, 2020/21: 1.5%, 2021/22: -1%, 2022/23: 2.5%}
    source: OBR forecast (illustrative)
"""

#: CPI + 0.5%, at least 0% and at most 4%, from 2019/20: the cap binds in 2019/20, the floor in 2021/22.
CAPPED = """\
- id: commission
  name: Commissioned service
  family: commissioned
  indexed_contracts:
    - id: provider
      name: Children's social care contract
      price: 2,000,000
      last_year: 2022/23
      uplift: {index: cpi, margin: 0.5%, floor: 0%, cap: 4%}
      source: contract schedule 4 (illustrative)
"""

GENERAL_INDEX = [1.02, 1.0404, 1.061208, 1.08243216, 1.1040808032]
DISCOUNT = [1.0, 1 / 1.035, 1 / 1.035 ** 2, 1 / 1.035 ** 3, 1 / 1.035 ** 4]


def capped():
    return project_text(make_scenario(EMPTY_BASELINE + CAPPED, years=5, assumptions=CPI))


def test_a_fixed_uplift_compounds_from_the_year_after_the_start():
    text = CAPPED.replace("{index: cpi, margin: 0.5%, floor: 0%, cap: 4%}", "3%")
    projection = project_text(make_scenario(EMPTY_BASELINE + text, years=5, assumptions=CPI))
    # £2,000,000 in 2018/19 (the start, no uplift); then x 1.03 a year:
    # 2,060,000; 2,060,000 x 1.03 = 2,121,800; x 1.03 = 2,185,454; x 1.03 = 2,251,017.62.
    assert rows_of(projection, "commission", "cost", "provider") == pytest.approx(
        [2_000_000.0, 2_060_000.0, 2_121_800.0, 2_185_454.0, 2_251_017.62])
    assert rows_of(projection, "commission", "uplift") == pytest.approx([0.0, 0.03, 0.03, 0.03, 0.03])
    # A fixed uplift follows no index: the index row is 0 and the fixed rate stands before the cap and floor.
    assert rows_of(projection, "commission", "index_rate") == pytest.approx([0.0] * 5)


def test_an_index_plus_a_margin_is_held_by_the_cap_in_some_years_and_the_floor_in_another():
    projection = capped()
    # CPI + 0.5%: 2% + 0.5% = 2.5%; 3.8% + 0.5% = 4.3%; 1.5% + 0.5% = 2%; -1% + 0.5% = -0.5%; 2.5% + 0.5% = 3%.
    assert rows_of(projection, "commission", "index_rate") == pytest.approx([0.02, 0.038, 0.015, -0.01, 0.025])
    assert rows_of(projection, "commission", "uplift_before_limits") == pytest.approx(
        [0.025, 0.043, 0.02, -0.005, 0.03])
    # Applied from 2019/20 (the year after the start), within 0% and 4%:
    # 2019/20: 4.3% is above the cap: 4% (the cap binds); 2020/21: 2% (neither binds);
    # 2021/22: -0.5% is below the floor: 0% (the floor binds); 2022/23: 3% (neither binds).
    assert rows_of(projection, "commission", "uplift") == pytest.approx([0.0, 0.04, 0.02, 0.0, 0.03])
    # The price factor compounds them: 1; 1.04; 1.04 x 1.02 = 1.0608; 1.0608; 1.0608 x 1.03 = 1.092624.
    assert rows_of(projection, "commission", "price_factor") == pytest.approx(
        [1.0, 1.04, 1.0608, 1.0608, 1.092624])
    # £2,000,000 x the factor: 2,000,000; 2,080,000; 2,121,600; 2,121,600; 2,185,248.
    cost = rows_of(projection, "commission", "cost", "provider")
    assert cost == pytest.approx([2_000_000.0, 2_080_000.0, 2_121_600.0, 2_121_600.0, 2_185_248.0])
    # Without the cap, 2019/20 would be 4.3%: the cap saves 0.3% of £2,000,000 = £6,000 that year.
    uncapped = project_text(make_scenario(EMPTY_BASELINE + CAPPED.replace(", cap: 4%", ""), years=5,
                                          assumptions=CPI))
    assert rows_of(uncapped, "commission", "cost", "provider")[1] - cost[1] == pytest.approx(6_000.0)
    # Without the floor, 2021/22's price falls by 0.5%: 2,121,600 x 0.995 = 2,110,992.
    unfloored = project_text(make_scenario(EMPTY_BASELINE + CAPPED.replace("floor: 0%, ", ""), years=5,
                                           assumptions=CPI))
    assert rows_of(unfloored, "commission", "cost", "provider")[3] == pytest.approx(2_110_992.0)


def test_the_contract_is_cash_and_its_real_terms_and_present_value_divide_by_the_general_index():
    projection = capped()
    lines = projection.lines
    row = lines[(lines.option == "commission") & (lines.line == "provider") & (lines.row == "cost")]
    # Cash is the clause's price, not grown again with the general index; real terms take out general
    # inflation: 2019/20: £2,080,000 / 1.0404 = £1,999,231.06; present value, discounted a year at 3.5%:
    # £1,999,231.06 / 1.035 = £1,931,624.22.
    assert list(row.cash) == pytest.approx([2_000_000.0, 2_080_000.0, 2_121_600.0, 2_121_600.0, 2_185_248.0])
    assert row.real.iloc[1] == pytest.approx(2_080_000 / 1.0404)
    assert row.real.iloc[1] == pytest.approx(1_999_231.06, abs=0.01)
    assert list(row.real) == pytest.approx([c / g for c, g in zip(row.cash, GENERAL_INDEX)])
    assert list(row.pv) == pytest.approx([c / g * d for c, g, d in zip(row.cash, GENERAL_INDEX, DISCOUNT)])
    # In the full-year column, the starting price at price-base prices: £2,000,000 at 2018/19 prices taken
    # back a year with the general index, / 1.02 = £1,960,784.31.
    full_year = {r.formula.key: r.full_year for r in projection.option("commission").rows
                 if r.group == "indexed_contracts"}
    assert full_year["cost"] == pytest.approx(2_000_000 / 1.02)
    assert full_year["price_factor"] == 1.0


MIX = """\
- id: trust
  name: Trust
  family: trust
  indexed_contracts:
    - id: services
      name: Services bought from the council
      price: 1,200,000
      last_year: 2020/21
      uplift: {mix: {pay: 70%, cpi: 30%}}
      uplift_month: October
      vat_share: 50%
"""

MIX_CPI = """\
general_inflation: 2%
pay_awards: 2%
pension_rate: 20%
indices:
  cpi: {value: {2018/19: 2.5%, 2019/20: 3%, 2020/21: 1%}}
"""


def test_a_weighted_mix_uplifted_in_october_costs_half_the_year_at_the_old_price():
    projection = project_text(make_scenario(EMPTY_BASELINE + MIX, years=3, assumptions=MIX_CPI))
    # 70% pay award + 30% CPI: 2018/19 0.7 x 2% + 0.3 x 2.5% = 2.15%; 2019/20 0.7 x 2% + 0.3 x 3% = 2.3%;
    # 2020/21 0.7 x 2% + 0.3 x 1% = 1.7%.
    assert rows_of(projection, "trust", "index_rate") == pytest.approx([0.0215, 0.023, 0.017])
    # Applied from 2019/20: factors 1; 1.023; 1.023 x 1.017 = 1.040391.
    assert rows_of(projection, "trust", "price_factor") == pytest.approx([1.0, 1.023, 1.040391])
    # From October: April to September (6 months) at the price before the uplift, October to March at the new.
    # 2018/19: £1,200,000 x (6/12 x 1 + 6/12 x 1) = £1,200,000
    # 2019/20: £1,200,000 x (6/12 x 1 + 6/12 x 1.023) = £1,200,000 x 1.0115 = £1,213,800
    # 2020/21: £1,200,000 x (6/12 x 1.023 + 6/12 x 1.040391) = £1,200,000 x 1.0316955 = £1,238,034.60
    cost = rows_of(projection, "trust", "cost", "services")
    assert cost == pytest.approx([1_200_000.0, 1_213_800.0, 1_238_034.60])
    # A trust cannot recover VAT: half the price carries VAT at 20%, so VAT is 10% of the price.
    assert rows_of(projection, "trust", "irrecoverable_vat", "services") == pytest.approx(
        [120_000.0, 121_380.0, 123_803.46])


BREAK = """\
- id: commission
  name: Commissioned service
  family: commissioned
  indexed_contracts:
    - id: provider
      name: Provider contract
      price: 500,000
      last_year: 2024/25
      uplift: 0%
      break: {year: 2020/21, cost: "300,000", exercised: true, source: clause 12.3 (illustrative)}
      reprocurement_cost: 120,000
"""


def test_a_break_taken_ends_the_contract_with_its_cost_and_re_procurement_in_the_break_year():
    projection = project_text(make_scenario(EMPTY_BASELINE + BREAK, years=5))
    # The contract runs 2018/19 to 2020/21, the break year, then ends: £500,000 a year flat (0% uplift).
    assert rows_of(projection, "commission", "cost", "provider") == pytest.approx(
        [500_000.0, 500_000.0, 500_000.0, 0.0, 0.0])
    # Both costs at price-base prices, grown to 2020/21 with the general index (1.061208):
    # break £300,000 x 1.061208 = £318,362.40; re-procurement £120,000 x 1.061208 = £127,344.96.
    assert rows_of(projection, "commission", "break_cost") == pytest.approx([0.0, 0.0, 318_362.40, 0.0, 0.0])
    assert rows_of(projection, "commission", "reprocurement") == pytest.approx([0.0, 0.0, 127_344.96, 0.0, 0.0])
    assert projection.option("commission").category_cash("contract_end") == pytest.approx(
        [0.0, 0.0, 445_707.36, 0.0, 0.0])


def test_a_break_not_taken_runs_the_whole_term_and_re_procures_at_its_end_even_past_the_horizon():
    kept = BREAK.replace("exercised: true", "exercised: false")
    # A seven-year horizon reaches the term's end, 2024/25: re-procurement then, £120,000 x 1.02^7.
    projection = project_text(make_scenario(EMPTY_BASELINE + kept, years=7))
    assert rows_of(projection, "commission", "cost", "provider") == pytest.approx([500_000.0] * 7)
    assert rows_of(projection, "commission", "break_cost") == pytest.approx([0.0] * 7)
    assert rows_of(projection, "commission", "reprocurement")[-1] == pytest.approx(120_000 * 1.02 ** 7)
    assert rows_of(projection, "commission", "reprocurement")[:-1] == pytest.approx([0.0] * 6)
    # A five-year horizon ends before the term does: the contract runs to 2022/23, and its end falls outside.
    projection = project_text(make_scenario(EMPTY_BASELINE + kept, years=5))
    assert rows_of(projection, "commission", "cost", "provider") == pytest.approx([500_000.0] * 5)
    assert rows_of(projection, "commission", "reprocurement") == pytest.approx([0.0] * 5)


def test_a_contract_starting_later_uplifts_from_its_second_year_or_the_year_stated():
    later = CAPPED.replace("      last_year: 2022/23\n", "      first_year: 2020/21\n      last_year: 2022/23\n")
    projection = project_text(make_scenario(EMPTY_BASELINE + later, years=5, assumptions=CPI))
    # Nothing before 2020/21; £2,000,000 then (no uplift in its first year); 2021/22 CPI -1% + 0.5% held by the
    # floor at 0%; 2022/23 2.5% + 0.5% = 3%: £2,060,000.
    assert rows_of(projection, "commission", "cost", "provider") == pytest.approx(
        [0.0, 0.0, 2_000_000.0, 2_000_000.0, 2_060_000.0])
    # A contract already running, priced as at 2018/19 with its next uplift due then: first_uplift: 2018/19.
    running = CAPPED.replace("      last_year: 2022/23\n", "      last_year: 2022/23\n      first_uplift: 2018/19\n")
    projection = project_text(make_scenario(EMPTY_BASELINE + running, years=5, assumptions=CPI))
    # 2018/19: 2% + 0.5% = 2.5%: £2,050,000; 2019/20 capped at 4%: £2,050,000 x 1.04 = £2,132,000.
    assert rows_of(projection, "commission", "cost", "provider")[:2] == pytest.approx([2_050_000.0, 2_132_000.0])


def test_the_json_and_the_categories_carry_the_contract_and_its_end():
    projection = project_text(make_scenario(EMPTY_BASELINE + BREAK, years=5))
    data = projection.to_json()
    commission = next(option for option in data["options"] if option["id"] == "commission")
    # Price: 3 x £500,000 = £1,500,000; its end: £318,362.40 + £127,344.96 = £445,707.36.
    assert commission["by_category"]["contract"]["cash"] == pytest.approx(1_500_000.0)
    assert commission["by_category"]["contract_end"]["cash"] == pytest.approx(445_707.36)
    assert commission["cash_total"] == pytest.approx(1_945_707.36)
    assert json.dumps(data)
    assert costmodel.lines.CATEGORIES["contract_end"] == "Contract break and re-procurement"


def test_a_published_contract_figure_is_checked_like_any_line():
    published = """\
- name: The contract in 2019/20, with the cap binding
  option: commission
  line: provider
  year: 2019/20
  amount: 2,080,000
  source: worked by hand (2,000,000 x 1.04)
"""
    [check] = project_text(make_scenario(EMPTY_BASELINE + CAPPED, years=5, assumptions=CPI,
                                         published=published)).checks
    assert check.computed == pytest.approx(2_080_000.0) and check.ok


def test_the_workbook_shows_each_step_of_the_clause_and_the_index_on_inputs():
    from costmodel.workbook.writer import build_workbook

    book = openpyxl.load_workbook(io.BytesIO(build_workbook(capped())))
    sheet = [[cell.value for cell in row] for row in book["commission"].iter_rows()]
    labels = [row[0] for row in sheet if row[0]]
    steps = ["Index rate (weighted)", "Uplift before cap and floor", "Uplift after cap and floor",
             "Price factor (1 at the start)", "Contract price (indexed)"]
    assert [label for label in labels if label in steps] == steps  # in the order they are worked out
    uplift = next(row for row in sheet[sheet.index(next(r for r in sheet if r[0] == steps[2])) + 1:]
                  if row[1] == "Children's social care contract")
    assert str(uplift[7]).startswith("=MIN(MAX(")  # the cap and floor are live in the formula
    inputs = [[cell.value for cell in row] for row in book["Inputs"].iter_rows()]
    [cpi] = [row for row in inputs if row[1] == "Index: cpi"]
    assert cpi[2] == "Consumer prices index (CPI): rate a year" and cpi[5] == "OBR forecast (illustrative)"
    assert 0.038 in cpi  # 2019/20's rate, by year
    [cap] = [row for row in inputs if row[2] == "Uplift: cap (the most it can be in a year)"]
    assert cap[3] == pytest.approx(0.04)
    # A clause without a break shows no break inputs.
    assert not [row for row in inputs if row[2] == "Break taken"]


@pytest.mark.parametrize("change, message", [
    (("index: cpi, margin", "index: cpi, mix: {pay: 100%}, margin"), r"uplift: give the uplift as a fixed rate"),
    (("{index: cpi, margin: 0.5%, floor: 0%, cap: 4%}", "{fixed: 3%, cap: 4%}"), r"uplift: a fixed uplift has no cap"),
    (("index: cpi,", "mix: {pay: 25%, cpi: 25%, general: 25%, rpi: 25%},"), r"uplift\.mix: a mix names 1 to 3"),
    (("index: cpi,", "mix: {pay: {central: 70%, low: 60%, high: 80%}, cpi: 30%},"),
     r"uplift\.mix: a mix's weights cannot take a range"),
    (("      last_year: 2022/23\n", "      last_year: 2022/23\n      first_uplift: 2023/24\n"),
     r"first_uplift: 2023/24 is outside the term \(2018/19 to 2022/23\)"),
    (("      last_year: 2022/23\n", "      first_year: 2030/31\n      last_year: 2032/33\n"),
     r"first_year: 2030/31 is outside the horizon"),
    (("cap: 4%", "cap: {central: 4%, low: -1%, high: 5%}"), r"uplift\.cap: the cap \(-1% at its low\) is below"),
])
def test_a_contract_written_wrongly_is_reported_at_its_field(change, message):
    text = make_scenario(EMPTY_BASELINE + CAPPED.replace(*change), years=5, assumptions=CPI)
    with pytest.raises(costmodel.ScenarioError, match=r"options\[1\]\.indexed_contracts\[0\]\." + message):
        costmodel.load_scenario_text(text)


def test_an_index_named_like_a_built_in_one_or_starting_late_is_refused():
    for name, message in (("pay", r"assumptions\.indices\.pay: 'pay' is the pay awards"),
                          ("general", r"assumptions\.indices\.general: 'general' is general inflation")):
        with pytest.raises(costmodel.ScenarioError, match=message):
            costmodel.load_scenario_text(make_scenario(EMPTY_BASELINE + CAPPED.replace("index: cpi", "index: pay"),
                                                       years=5, assumptions=CPI.replace("  cpi:", f"  {name}:")))
    late = CPI.replace("{2018/19: 2%, 2019/20", "{2019/20")
    with pytest.raises(costmodel.ScenarioError, match=r"assumptions\.indices\.cpi\.value: the table starts at 2019/20"):
        costmodel.load_scenario_text(make_scenario(EMPTY_BASELINE + CAPPED, years=5, assumptions=late))


# --------------------------------------------------------------------------- uncertainty and diff

#: The baseline buys the same service at a flat £1,000,000 a year; the contract is £900,000 a year
#: (£800,000 to £1,100,000), flat (0% uplift), over three years.
AGAINST_FLAT = """\
- id: base
  name: Baseline
  family: in_house
  baseline: true
  non_pay:
    - {id: service, name: The service as now, amount: "1,000,000", index: none}
- id: commission
  name: Commissioned service
  family: commissioned
  indexed_contracts:
    - id: provider
      name: Provider contract
      price: {central: "900,000", low: "800,000", high: "1,100,000"}
      last_year: 2020/21
      uplift: {index: cpi, margin: {central: 0%, low: -0.5%, high: 1%}}
"""

FLAT_CPI = """\
general_inflation: 2%
pay_awards: 2%
pension_rate: 20%
indices:
  cpi: 0%
"""


def test_sensitivity_finds_the_contract_price_at_which_the_cheapest_option_switches():
    from costmodel.uncertainty.sensitivity import sensitivity

    scenario = costmodel.load_scenario_text(make_scenario(AGAINST_FLAT, years=3, assumptions=FLAT_CPI))
    result = sensitivity(scenario)
    assert result.cheapest == "commission"
    # Both flat cash (CPI 0% + a 0% margin): the contract costs less while its price is below £1,000,000 a year.
    [switch] = [s for s in result.switches if s.input.path == "options[1].indexed_contracts[0].price"]
    assert switch.value == pytest.approx(1_000_000.0, rel=1e-9)
    # The margin moves the contract's NPC: at -0.5% (the floor would be the index's 0% plus it) the price falls
    # 0.5% a year from 2019/20; at 1% it rises 1% a year. Each year's cash in real terms, discounted:
    # NPC(m) = 900,000 x (1/1.02 + (1+m)/1.0404/1.035 + (1+m)^2/1.061208/1.035^2).
    def npc(m):
        return 900_000 * (1 / 1.02 + (1 + m) / 1.0404 / 1.035 + (1 + m) ** 2 / 1.061208 / 1.035 ** 2)

    [swing] = [s for s in result.swings if s.input.path == "options[1].indexed_contracts[0].uplift.margin"]
    assert swing.npc["commission"] == pytest.approx((npc(-0.005), npc(0.01)))


def test_the_simulation_draws_the_contract_price_and_margin(tmp_path):
    from costmodel.uncertainty.simulate import simulate

    scenario = costmodel.load_scenario_text(make_scenario(AGAINST_FLAT, years=3, assumptions=FLAT_CPI))
    simulation = simulate(scenario, draws=400, seed=1)
    assert [ranged.path for ranged in simulation.inputs] == ["options[1].indexed_contracts[0].price",
                                                             "options[1].indexed_contracts[0].uplift.margin"]
    outcomes = {outcome.option: outcome.statistics["npc"] for outcome in simulation.outcomes}
    assert outcomes["base"]["p10"] == pytest.approx(outcomes["base"]["p90"])  # nothing drawn in the baseline
    assert outcomes["commission"]["p10"] < outcomes["commission"]["p90"]
    # With CPI at 0% every uplift is the margin, so no draw goes below the lowest price and margin:
    # 800,000 x (1/1.02 + 0.995/1.0404/1.035 + 0.995^2/1.061208/1.035^2).
    lowest = 800_000 * (1 / 1.02 + 0.995 / 1.0404 / 1.035 + 0.995 ** 2 / 1.061208 / 1.035 ** 2)
    assert outcomes["commission"]["p10"] > lowest


def test_diff_attributes_a_change_in_the_uplift_to_its_option(tmp_path):
    from costmodel.audit.diff import diff

    text = CAPPED.replace("{index: cpi, margin: 0.5%, floor: 0%, cap: 4%}", "0%").replace("2,000,000", "1,000,000")
    old = tmp_path / "old.yaml"
    old.write_text(make_scenario(EMPTY_BASELINE + text, years=3, assumptions=CPI), encoding="utf-8")
    new = tmp_path / "new.yaml"
    new.write_text(old.read_text(encoding="utf-8").replace("uplift: 0%", "uplift: 2%"), encoding="utf-8")
    report = diff(old, new)
    [step] = report.steps
    assert [change.where for change in step.changes] == ["options[commission].indexed_contracts[provider].uplift"]
    # A 2% uplift from 2019/20 on £1,000,000: cash +£20,000 in 2019/20 and +£40,400 in 2020/21 (1.02^2 - 1), in
    # real terms / 1.0404 and / 1.061208, discounted a year and two at 3.5%.
    assert step.cash["commission"] == pytest.approx(20_000 + 40_400)
    assert step.npc["commission"] == pytest.approx(20_000 / 1.0404 / 1.035 + 40_400 / 1.061208 / 1.035 ** 2)
    assert step.npc["base"] == pytest.approx(0.0)


def test_a_fixed_uplift_written_bare_is_a_figure_of_its_line_which_can_take_a_range():
    from costmodel.scenario.ranges import ranged_inputs

    text = CAPPED.replace("{index: cpi, margin: 0.5%, floor: 0%, cap: 4%}", "{central: 3%, low: 2%, high: 4%}")
    scenario = costmodel.load_scenario_text(make_scenario(EMPTY_BASELINE + text, years=5, assumptions=CPI))
    [ranged] = ranged_inputs(scenario)
    # Written on the line of `uplift:`, and named by its contract.
    assert ranged.path == "options[1].indexed_contracts[0].uplift"
    assert ranged.label == "Children's social care contract uplift: fixed (Commissioned service)"
    assert scenario.source_text.splitlines()[ranged.figure.line - 1].strip().startswith("uplift:")
