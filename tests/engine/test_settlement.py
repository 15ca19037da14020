"""What the council pays a company or trust, worked by hand (costmodel/lines/settlement.py).

The financial case counts what the council pays the body (the contract sum, less any surplus
returned, plus any deficit met) and the lines that remain the council's; the economic case counts
the body's own costs, the contract margin and corporation tax being transfers. Corporation tax:
HMRC, "Corporation Tax: main rate and small profits rate" (3 March 2021) and CTM03900 (marginal
relief = standard fraction x (upper limit - profit), the fraction 3/200).
"""

import datetime as _dt

import pytest

import costmodel
from conftest import project_text, rows_of
from settlement_cases import DEFICIT, MARGIN, PROFIT, settlement_scenario

#: The Green Book discount factors of two years at 3.5%: 1 + 1/1.035.
TWO_YEARS_OF_FACTORS = 1 + 1 / 1.035


def test_a_margin_on_the_bodys_costs_with_a_quarter_of_the_surplus_returned():
    projection = project_text(settlement_scenario("trust", MARGIN))
    trust = projection.option("body")
    # The body's own costs: £1,000,000 a year (the client side is the council's, not covered).
    assert list(rows_of(projection, "body", "own_costs")) == pytest.approx([1_000_000, 1_000_000])
    # Contract sum: 1,000,000 x (1 + 4%) = £1,040,000; surplus 1,040,000 - 1,000,000 = £40,000.
    assert list(rows_of(projection, "body", "contract_sum")) == pytest.approx([1_040_000, 1_040_000])
    assert list(rows_of(projection, "body", "surplus")) == pytest.approx([40_000, 40_000])
    # A trust pays no corporation tax: a quarter of the whole surplus comes back, 25% x 40,000 = £10,000.
    assert list(rows_of(projection, "body", "surplus_returned")) == pytest.approx([10_000, 10_000])
    # The council pays 1,040,000 - 10,000 = £1,030,000; the margin, 1,030,000 - 1,000,000 = £30,000, a transfer.
    assert list(rows_of(projection, "body", "council_pays")) == pytest.approx([1_030_000, 1_030_000])
    assert list(trust.category_cash("contract_margin")) == pytest.approx([30_000, 30_000])
    assert "corporation_tax" not in {row.formula.key for row in trust.rows}
    # Financial case: what it pays the trust and its own client side, (1,030,000 + 50,000) x 2 = £2,160,000.
    assert trust.totals.measure("cash_total") == pytest.approx(2_160_000)
    # Economic case: the resource cost, (1,000,000 + 50,000) x (1 + 1/1.035) = £2,064,492.75.
    assert trust.totals.measure("npc") == pytest.approx(1_050_000 * TWO_YEARS_OF_FACTORS)
    assert round(trust.totals.measure("npc"), 2) == 2_064_492.75


def test_the_economic_case_is_the_same_with_or_without_a_contract_sum():
    for contract_sum in (MARGIN, DEFICIT):
        with_sum = project_text(settlement_scenario("trust", contract_sum)).option("body").totals
        without = project_text(settlement_scenario("trust", "")).option("body").totals
        assert with_sum.measure("npc") == pytest.approx(without.measure("npc"))
        assert with_sum.measure("cash_total") != pytest.approx(without.measure("cash_total"))


def test_a_deficit_the_council_meets_in_part():
    projection = project_text(settlement_scenario("trust", DEFICIT))
    trust = projection.option("body")
    # Contract sum £950,000 (2018/19, carried forward to 2019/20); surplus 950,000 - 1,000,000 = -£50,000.
    assert list(rows_of(projection, "body", "contract_sum")) == pytest.approx([950_000, 950_000])
    assert list(rows_of(projection, "body", "surplus")) == pytest.approx([-50_000, -50_000])
    # The council meets 60% x 50,000 = £30,000 and pays 950,000 + 30,000 = £980,000; nothing is returned.
    assert list(rows_of(projection, "body", "deficit_met")) == pytest.approx([30_000, 30_000])
    assert list(rows_of(projection, "body", "surplus_returned")) == pytest.approx([0, 0])
    assert list(rows_of(projection, "body", "council_pays")) == pytest.approx([980_000, 980_000])
    # The margin is 980,000 - 1,000,000 = -£20,000: the 40% of the deficit the trust bears itself.
    assert list(trust.category_cash("contract_margin")) == pytest.approx([-20_000, -20_000])
    # Financial case (980,000 + 50,000) x 2 = £2,060,000.
    assert trust.totals.measure("cash_total") == pytest.approx(2_060_000)


def test_corporation_tax_at_19_percent_before_2023_and_with_marginal_relief_after():
    projection = project_text(settlement_scenario("wholly_owned_company", PROFIT, first_year="2022/23"))
    company = projection.option("body")
    # Taxable profit 1,100,000 - 1,000,000 = £100,000 in both years.
    assert list(rows_of(projection, "body", "taxable_profit")) == pytest.approx([100_000, 100_000])
    # 2022/23: one rate for all profits, 19% x 100,000 = £19,000.
    # 2023/24: between the limits, 25% x 100,000 - 3/200 x (250,000 - 100,000) = 25,000 - 2,250 = £22,750.
    assert list(company.category_cash("corporation_tax")) == pytest.approx([19_000, 22_750])
    # Nothing returned: the council pays the contract sum, the margin is what the company keeps after
    # tax, 1,100,000 - 1,000,000 - 19,000 = £81,000 and - 22,750 = £77,250.
    assert list(rows_of(projection, "body", "council_pays")) == pytest.approx([1_100_000, 1_100_000])
    assert list(company.category_cash("contract_margin")) == pytest.approx([81_000, 77_250])
    # Both are transfers: the financial case is the contract sum and the client side, (1,100,000 + 50,000) x 2;
    # the economic case the resource cost alone, 1,050,000 x (1 + 1/1.035).
    assert company.totals.measure("cash_total") == pytest.approx(2_300_000)
    assert company.totals.measure("npc") == pytest.approx(1_050_000 * TWO_YEARS_OF_FACTORS)


@pytest.mark.parametrize("contract_sum, tax", [
    # A profit of £40,000, at or below the lower limit of £50,000: the small profits rate, 19% x 40,000 = £7,600.
    ("1040000", 7_600),
    # £300,000, above the upper limit of £250,000: the main rate on it all, 25% x 300,000 = £75,000.
    ("1300000", 75_000),
    # A deficit of £100,000: no taxable profit, no tax (the loss is not carried forward).
    ("900000", 0),
])
def test_corporation_tax_at_the_small_profits_rate_the_main_rate_and_on_a_deficit(contract_sum, tax):
    text = settlement_scenario("wholly_owned_company", f"basis: by_year\nby_year: {{2023/24: {contract_sum}}}",
                               first_year="2023/24", years=1)
    assert list(project_text(text).option("body").category_cash("corporation_tax")) == pytest.approx([tax])


def test_surplus_returned_is_a_share_of_the_surplus_after_tax():
    text = settlement_scenario("wholly_owned_company", PROFIT.replace("2022/23", "2023/24") + "\nsurplus_returned: 50%",
                               first_year="2023/24", years=1)
    projection = project_text(text)
    # 50% x (100,000 - 22,750) = £38,625 back; the council pays 1,100,000 - 38,625 = £1,061,375; the margin
    # 1,061,375 - 1,000,000 - 22,750 = £38,625, what the company keeps.
    assert list(rows_of(projection, "body", "surplus_returned")) == pytest.approx([38_625])
    assert list(rows_of(projection, "body", "council_pays")) == pytest.approx([1_061_375])
    assert list(projection.option("body").category_cash("contract_margin")) == pytest.approx([38_625])


def test_priced_as_known_in_november_2017_the_2020_21_rate_is_the_17_percent_then_legislated():
    text = settlement_scenario("wholly_owned_company", PROFIT.replace("2022/23", "2019/20"), first_year="2019/20")
    as_known = project_text("parameters: {set: 2026-12, as_known_at: 2017-11-09}\n" + text) \
        .option("body").category_cash("corporation_tax")
    latest = project_text(text).option("body").category_cash("corporation_tax")
    # 2019/20 at 19% = £19,000 both ways; 2020/21 at the Finance Act 2016's 17% = £17,000 as known in 2017,
    # at 19% = £19,000 once Budget 2020 (11 March 2020) cancelled the cut.
    assert list(as_known) == pytest.approx([19_000, 17_000])
    assert list(latest) == pytest.approx([19_000, 19_000])


def test_the_parameter_set_holds_the_corporation_tax_rates_by_financial_year():
    from costmodel.scenario.parameters import resolve

    tables = resolve("2026-12").corporation_tax
    assert tables["ct_main_rate"] == {2017: 0.19, 2018: 0.19, 2019: 0.19, 2020: 0.19, 2021: 0.19, 2022: 0.19,
                                      2023: 0.25}
    assert (tables["ct_lower_limit"][2023], tables["ct_upper_limit"][2023]) == (50_000, 250_000)
    assert tables["ct_marginal_relief_fraction"][2023] == pytest.approx(3 / 200)
    # Known at 1 January 2017: the Summer Budget 2015's 19% for 2017/18 to 2019/20, then Budget 2016's 17%.
    assert resolve("2026-12", _dt.date(2017, 1, 1)).corporation_tax["ct_main_rate"] == {2017: 0.19, 2018: 0.19,
                                                                                          2019: 0.19, 2020: 0.17}


def test_in_the_go_live_year_the_body_is_paid_for_its_months_only():
    # Go-live on 1 October 2018: the council runs the service for six months and pays for them itself.
    # The non-pay runs from go-live (£500,000 in 2018/19, all the body's); a £200,000 team runs all year,
    # transferring at go-live, so half of its 2018/19 cost is the council's.
    team = "      - {id: team, name: A team all year, amount: '200,000', period: whole_horizon}\n"
    text = settlement_scenario("trust", MARGIN).replace("    family: trust\n", "    family: trust\n    go_live: 2018-10\n")
    text = text.replace("    client_side:\n", team + "    client_side:\n")
    projection = project_text(text)
    # Own costs in 2018/19: 500,000 + 200,000 x 6/12 = £600,000; then 1,000,000 + 200,000 = £1,200,000.
    assert list(rows_of(projection, "body", "own_costs")) == pytest.approx([600_000, 1_200_000])
    # Contract sum 600,000 x 1.04 = £624,000; surplus £24,000, 25% returned = £6,000; the margin
    # 624,000 - 6,000 - 600,000 = £18,000; in 2019/20, 48,000 - 12,000 = £36,000.
    assert list(projection.option("body").category_cash("contract_margin")) == pytest.approx([18_000, 36_000])


def test_the_json_and_the_categories_say_the_margin_and_tax_are_transfers():
    options = project_text(settlement_scenario("wholly_owned_company", PROFIT, first_year="2022/23")).to_json()
    company = next(option for option in options["options"] if option["id"] == "body")
    left_out = company["economic"]["transfers_left_out"]["categories"]
    assert {"corporation_tax", "contract_margin", "irrecoverable_vat"} <= set(left_out)
    # Present value of what is left out: 100,000 in 2022/23 (81,000 margin + 19,000 tax), and 100,000 / 1.035.
    assert company["economic"]["transfers_left_out"]["pv"] == round(100_000 * TWO_YEARS_OF_FACTORS, 2)


@pytest.mark.parametrize("change, path, words", [
    (("family: trust", "family: in_house"), r"options\[1\]\.contract_sum", r"what the council pays a company or trust"),
    (("basis: margin\nmargin: {central: 4%, low: 2%, high: 6%, source: Draft contract}", "basis: margin"),
     r"options\[1\]\.contract_sum", r"basis margin takes a margin"),
    (("surplus_returned: 25%", "surplus_returned: 125%"), r"options\[1\]\.contract_sum\.surplus_returned", r""),
    (("basis: margin", "basis: cost_plus"), r"options\[1\]\.contract_sum\.basis", r""),
    (("surplus_returned: 25%", "surplus_retained: 25%"), r"options\[1\]\.contract_sum", r"surplus_retained"),
])
def test_a_contract_sum_written_wrongly_is_one_problem_at_its_line_and_field(change, path, words):
    contract_sum = MARGIN.replace(*change) if change[0] in MARGIN else MARGIN
    text = settlement_scenario("trust", contract_sum)
    if change[0] not in MARGIN:
        text = text.replace(*change)
    with pytest.raises(costmodel.ScenarioError) as raised:
        costmodel.load_scenario_text(text)
    [problem] = raised.value.problems
    assert problem.line is not None and problem.line > 1
    assert __import__("re").search(path, problem.path) and __import__("re").search(words, problem.message)


@pytest.mark.parametrize("by_year, path, words", [
    ("{2017/18: 950000}", r"by_year\.2017/18", r"outside the horizon"),
    ("{2019/20: 950000}", r"by_year", r"give the contract sum for the go-live year, 2018/19"),
    ("{2018/19: {central: 950000, low: 900000, high: 1000000}}", r"by_year", r"without a range"),
])
def test_a_contract_sum_by_year_must_run_from_go_live_without_a_range(by_year, path, words):
    text = settlement_scenario("trust", DEFICIT.replace("{2018/19: 950000}", by_year))
    with pytest.raises(costmodel.ScenarioError) as raised:
        costmodel.load_scenario_text(text)
    [problem] = raised.value.problems
    assert problem.line is not None and problem.path.startswith("options[1].contract_sum")
    assert __import__("re").search(path, problem.path) and __import__("re").search(words, problem.message)


def test_a_contract_sum_before_go_live_is_refused():
    text = settlement_scenario("trust", "basis: by_year\nby_year: {2018/19: 950000, 2019/20: 960000}") \
        .replace("    family: trust\n", "    family: trust\n    go_live: 2019-04\n")
    with pytest.raises(costmodel.ScenarioError, match=r"options\[1\]\.contract_sum\.by_year\.2018/19: 2018/19 is "
                                                      r"before go-live \(2019/20\)"):
        costmodel.load_scenario_text(text)


def test_sensitivity_and_simulation_move_the_cash_with_the_margin_but_not_the_npc():
    from costmodel.uncertainty.sensitivity import sensitivity
    from costmodel.uncertainty.simulate import simulate

    scenario = costmodel.load_scenario_text(settlement_scenario("trust", MARGIN))
    [swing] = [s for s in sensitivity(scenario).swings if s.input.path == "options[1].contract_sum.margin"]
    # The NPC is the resource cost whatever the margin: 1,050,000 x (1 + 1/1.035) at 2% and at 6%.
    assert swing.npc["body"] == pytest.approx((1_050_000 * TWO_YEARS_OF_FACTORS,) * 2)
    # The cash: at 2%, 1,000,000 + 75% x 20,000 + 50,000 = £1,065,000 a year; at 6%, 1,000,000 + 75% x 60,000
    # + 50,000 = £1,095,000 a year; over two years £2,130,000 and £2,190,000.
    assert swing.cash["body"] == pytest.approx((2_130_000, 2_190_000))
    # In a simulation the margin is drawn from 2% to 6% (triangular, mode 4%): the NPC never moves, the cash does.
    outcome = next(o for o in simulate(scenario, draws=200, seed=1).outcomes if o.option == "body")
    assert outcome.npc == pytest.approx(1_050_000 * TWO_YEARS_OF_FACTORS)
    assert 2_130_000 <= outcome.cash.min() < outcome.cash.max() <= 2_190_000


def test_run_refuses_a_bad_contract_sum_in_one_line_naming_file_line_and_field_and_writes_nothing(tmp_path):
    from click.testing import CliRunner

    from costmodel.cli import cli

    path = tmp_path / "scenario.yaml"
    path.write_text(settlement_scenario("trust", MARGIN.replace("surplus_returned: 25%", "surplus_returned: 25")),
                    encoding="utf-8")
    book = tmp_path / "book.xlsx"
    result = CliRunner().invoke(cli, ["run", str(path), "-o", str(book)])
    assert result.exit_code == 1
    [message] = [line for line in result.stderr.splitlines() if "contract_sum" in line]
    # The line of surplus_returned: in the file, counted from its text rather than typed in.
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "surplus_returned" in text)
    assert message.startswith(f"{path}:{line}: options[1].contract_sum.surplus_returned: ")
    assert "Traceback" not in result.output and not book.exists()
