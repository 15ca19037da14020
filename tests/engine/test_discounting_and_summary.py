"""Green Book discounting, the NPV convention, and the summary measures (NPC, EAC, break-even, rank)."""

import numpy as np
import numpy_financial as npf
import pytest

from conftest import EMPTY_BASELINE, make_scenario, project_text

FLAT = "general_inflation: 0%\npay_awards: 0%\npension_rate: 20%\n"


def _factors(years: int, schedule: str = "green_book", first: str = "2018/19", base: str = "2018/19"):
    assumptions = FLAT + (f"discounting: {{schedule: {schedule}}}\n" if schedule != "green_book" else "")
    text = make_scenario(EMPTY_BASELINE + "- {id: other, name: Other, family: in_house}\n",
                         years=years, first_year=first, price_base=base, assumptions=assumptions)
    return project_text(text).option("base").timeline.series["discount_factor"][0]


def test_green_book_discount_factors_match_the_published_table():
    """Green Book (2022) Annex A6: DF(1)=0.9662, DF(5)=0.8420, DF(10)=0.7089, DF(30)=0.3563."""
    df = _factors(40)
    assert df[0] == 1.0  # year 0 is undiscounted
    assert [round(df[t], 4) for t in (1, 5, 10, 30)] == [0.9662, 0.8420, 0.7089, 0.3563]


def test_the_rate_falls_to_3_percent_from_year_31():
    df = _factors(40)
    # DF(31) = DF(30) / 1.03, not / 1.035
    assert df[31] == pytest.approx(df[30] / 1.03)
    assert df[30] == pytest.approx(1.035 ** -30)


def test_health_schedule_uses_1_5_percent():
    df = _factors(10, schedule="health")
    assert df[5] == pytest.approx(1.015 ** -5)


def test_custom_schedule():
    assumptions = FLAT + "discounting: {schedule: custom, rates: {0: 5%, 3: 1%}}\n"
    text = make_scenario(EMPTY_BASELINE + "- {id: other, name: Other, family: in_house}\n", years=5,
                         first_year="2018/19", price_base="2018/19", assumptions=assumptions)
    df = project_text(text).option("base").timeline.series["discount_factor"][0]
    # Years 1 and 2 at 5%; years 3 and 4 at 1%
    assert df == pytest.approx([1, 1 / 1.05, 1 / 1.05 ** 2, 1 / 1.05 ** 2 / 1.01, 1 / 1.05 ** 2 / 1.01 ** 2])


def _flat_option_npc(amount: str = "100") -> tuple:
    body = EMPTY_BASELINE + f"""\
- id: flat
  name: Flat
  family: in_house
  non_pay:
    - {{id: cost, name: Cost, amount: {amount}, index: none}}
"""
    text = make_scenario(body, years=3, first_year="2018/19", price_base="2018/19", assumptions=FLAT)
    projection = project_text(text)
    return projection, projection.summary.set_index("option").loc["flat"]


def test_npc_counts_year_zero_undiscounted_like_numpy_financial_not_excel_npv():
    """£100 a year for 3 years at 3.5%.

    Green Book / numpy_financial.npv (values[0] is year 0): 100 + 100/1.035 + 100/1.035^2 = 289.9694...
    Excel NPV(3.5%, 100, 100, 100) discounts the first value by a year:  289.9694.../1.035 = 280.1637...
    """
    _, row = _flat_option_npc()
    green_book = 100 + 100 / 1.035 + 100 / 1.035 ** 2
    assert row["npc"] == pytest.approx(green_book)
    assert npf.npv(0.035, [100, 100, 100]) == pytest.approx(green_book)
    excel_npv = sum(100 / 1.035 ** i for i in (1, 2, 3))
    assert excel_npv == pytest.approx(green_book / 1.035)
    # So an Excel formula must be =v0 + NPV(rate, v1..vn), never NPV(rate, v0..vn).
    assert row["npc"] == pytest.approx(100 + excel_npv - 100 / 1.035 ** 3)


def test_eac_of_a_constant_real_cost_is_that_cost():
    _, row = _flat_option_npc("250")
    # EAC = NPC / (sum of discount factors over the horizon) = 250 for a flat £250 a year
    assert row["eac"] == pytest.approx(250.0)


def test_real_terms_deflate_cash_by_the_general_index():
    body = EMPTY_BASELINE + "- id: x\n  name: X\n  family: in_house\n  non_pay:\n    - {id: c, name: C, amount: 102, index: none}\n"
    projection = project_text(make_scenario(body, years=2))
    lines = projection.lines
    first = lines[(lines.option == "x") & (lines.year == "2018/19")].iloc[0]
    # Cash £102 in 2018/19 at 2017/18 prices, inflation 2%: real £100; PV = £100 x DF(0) = £100
    assert (first.cash, first.real, first.pv) == pytest.approx((102.0, 100.0, 100.0))


@pytest.mark.parametrize("option, baseline, expected", [
    ([150, 50, 50], [100, 100, 100], "2019/20"),   # cumulative 150, 200, 250 v 100, 200, 300
    ([150, 100, 100], [100, 100, 100], None),     # always behind by 50
    ([90, 100, 100], [100, 100, 100], "2018/19"),  # ahead from the start
    ([90, 200, 0], [100, 100, 100], "2020/21"),    # ahead, behind (290 v 200), ahead (290 v 300)
    ([90, 200, 50], [100, 100, 100], None),        # ahead, then behind to the end (340 v 300)
])
def test_break_even_year(option, baseline, expected):
    # Each option's cost, year by year, as one-off costs in flat prices (no inflation, price base the first year).
    def by_year(option_id: str, costs: list[int], extra: str = "") -> str:
        items = ", ".join(f'{{id: y{t}, name: Year {t}, amount: {cost}, year: "{2018 + t}/{19 + t}"}}'
                          for t, cost in enumerate(costs))
        return f"- {{id: {option_id}, name: {option_id}, family: in_house{extra}, setup: [{items}]}}\n"

    body = by_year("base", baseline, ", baseline: true") + by_year("x", option)
    projection = project_text(make_scenario(body, years=3, price_base="2018/19", assumptions=FLAT))
    assert projection.option("x").cash() == pytest.approx(option)
    summary = projection.summary.set_index("option")
    assert summary.loc["x", "break_even_year"] == expected


def test_rank_by_npc_with_ties_sharing_a_rank_and_difference_from_baseline():
    body = """\
- {id: base, name: Base, family: in_house, baseline: true, non_pay: [{id: c, name: C, amount: 200, index: none}]}
- {id: cheap, name: Cheap, family: in_house, non_pay: [{id: c, name: C, amount: 100, index: none}]}
- {id: twin, name: Twin, family: in_house, non_pay: [{id: c, name: C, amount: 100, index: none}]}
"""
    projection = project_text(make_scenario(body, years=2, price_base="2018/19", assumptions=FLAT))
    summary = projection.summary.set_index("option")
    assert summary["rank"].to_dict() == {"base": 3, "cheap": 1, "twin": 1}
    # Cheap saves £100 a year on the baseline: cash -£200; NPC -(100 + 100/1.035)
    assert summary.loc["cheap", "vs_baseline_cash"] == pytest.approx(-200.0)
    assert summary.loc["cheap", "vs_baseline_npc"] == pytest.approx(-(100 + 100 / 1.035))
    assert summary.loc["cheap", "break_even_year"] == "2018/19"
    assert summary.loc["base", "break_even_year"] is None


def test_published_figure_for_a_year_and_for_the_horizon():
    body = EMPTY_BASELINE + "- {id: x, name: X, family: in_house, non_pay: [{id: c, name: C, amount: 100, index: none}]}\n"
    published = """\
- {name: one year, option: x, line: c, year: 2019/20, amount: 100}
- {name: horizon cash, option: x, basis: horizon, amount: 300}
- {name: horizon pv, option: x, basis: horizon, measure: pv, amount: 290}
- {name: wrong, option: x, basis: horizon, amount: 310}
"""
    text = make_scenario(body, years=3, price_base="2018/19", assumptions=FLAT, published=published)
    checks = {c.name: c for c in project_text(text).checks}
    assert checks["one year"].computed == pytest.approx(100.0) and checks["one year"].ok
    assert checks["horizon cash"].computed == pytest.approx(300.0) and checks["horizon cash"].ok
    # PV 289.97 against 290 written to the nearest 10: tolerance ±5
    assert checks["horizon pv"].computed == pytest.approx(289.9694, abs=1e-4)
    assert checks["horizon pv"].tolerance == 5.0 and checks["horizon pv"].ok
    # 300 against 310 (nearest 10, ±5): differs by -10
    assert checks["wrong"].difference == pytest.approx(-10.0) and not checks["wrong"].ok


def test_a_full_year_counts_what_runs_once_the_option_is_live():
    """A full year at price-base prices, for an option that replaces staff with a contract at go-live:
    the staff who run only before go-live drop out; the contract and a three-year stranded cost count.
    """
    body = EMPTY_BASELINE + """\
- id: commission
  name: Commission
  family: commissioned
  go_live: 2019-04
  staffing:
    - {id: staff, title: Staff, count: 10, salary: "30,000", period: before_go_live}
  contract:
    - {id: contract, name: Contract, amount: 1m}
  stranded_costs:
    - {id: stranded, name: Stranded, amount: "100,000", first_year: 2019/20, last_year: 2020/21}
"""
    published = """\
- {name: full year, option: commission, basis: full_year, amount: 1.1m}
- {name: staff, option: commission, post: staff, basis: full_year, amount: 0}
"""
    checks = {c.name: c for c in project_text(make_scenario(body, years=4, published=published)).checks}
    # £1,000,000 contract + £100,000 stranded; no staff once live
    assert checks["full year"].computed == pytest.approx(1_100_000.0)
    assert checks["staff"].computed == 0.0
