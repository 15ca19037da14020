"""Partnership charge, VAT, set-up with optimism bias, failure risk and savings, worked by hand.

Common set-up: first year 2018/19, price base 2017/18, general inflation and pay awards
2% a year, so both indices are 1.02 in 2018/19 and 1.0404 in 2019/20.
"""

import pytest

from conftest import EMPTY_BASELINE, make_scenario, project_text, rows_of


def _option(family: str, body: str, extra: str = "") -> str:
    return make_scenario(EMPTY_BASELINE + f"""\
- id: subject
  name: Subject
  family: {family}
{extra}{body}""", years=3)


PARTNERSHIP = """\
  partnership:
    partner: Neighbouring council
    partner_posts:
      - {id: officers, title: Officers, count: 2, annual_cost: "100,000", time_share: 50%}
    direct_overhead_rate: 10%
    direct_overhead_allowance: 5,000
    departmental_overhead_rate: 20%
    back_office_rate: 5%
"""


def test_full_cost_recovery_charge_compounds_each_overhead_on_the_costs_before_it():
    projection = project_text(_option("partnership", PARTNERSHIP))
    # Direct salaries: 2 x £100,000 x 50% x pay index 1.02 = £102,000
    assert rows_of(projection, "subject", "partner_time")[0] == pytest.approx(102_000.0)
    # Direct overheads: 10% x £102,000 + £5,000 x 1.02 = £10,200 + £5,100 = £15,300
    assert rows_of(projection, "subject", "direct_overheads")[0] == pytest.approx(15_300.0)
    # Departmental: 20% x (£102,000 + £15,300) = £23,460
    assert rows_of(projection, "subject", "departmental_overheads")[0] == pytest.approx(23_460.0)
    # Back office: 5% x (£102,000 + £15,300 + £23,460) = 5% x £140,760 = £7,038
    assert rows_of(projection, "subject", "back_office")[0] == pytest.approx(7_038.0)
    # Whole charge £147,798, all in the partnership_charge category
    lines = projection.lines
    year_one = lines[(lines.option == "subject") & (lines.year == "2018/19")]
    assert year_one.groupby("category")["cash"].sum().to_dict() == pytest.approx({"partnership_charge": 147_798.0})


def test_a_partnership_before_go_live_stops_at_go_live():
    body = PARTNERSHIP + "    period: before_go_live\n"
    projection = project_text(_option("partnership", body, extra="  go_live: 2018-06\n"))
    # Two months of 2018/19 before a June go-live: 2/12 x £102,000 = £17,000; nothing after
    assert rows_of(projection, "subject", "partner_time") == pytest.approx([17_000.0, 0.0, 0.0])


NON_PAY = """\
  non_pay:
    - {id: purchases, name: Purchases, amount: "100,000", vat_share: 100%}
"""


@pytest.mark.parametrize("family, expected_vat", [
    # A trust makes exempt supplies: 20% of £102,000 is a cost, £20,400
    ("trust", 20_400.0),
    ("wholly_owned_company", 20_400.0),
    ("community_interest_company", 20_400.0),
    ("mutual", 20_400.0),
    # The council recovers VAT under s.33: no VAT row at all
    ("in_house", 0.0),
    ("partnership", 0.0),
    ("commissioned", 0.0),
])
def test_irrecoverable_vat_follows_the_family(family, expected_vat):
    projection = project_text(_option(family, NON_PAY))
    assert rows_of(projection, "subject", "cost")[0] == pytest.approx(102_000.0)
    vat_rows = [r for r in projection.option("subject").rows if r.formula.key == "irrecoverable_vat"]
    assert sum(r.cash[0] for r in vat_rows) == pytest.approx(expected_vat)


def test_a_stated_vat_treatment_overrides_the_family():
    extra = "  vat:\n    irrecoverable_share: 0%\n    reason: told the company would not be liable for VAT\n"
    projection = project_text(_option("wholly_owned_company", NON_PAY, extra=extra))
    # The VAT row is there (so the workbook's input stays live) and is zero
    assert rows_of(projection, "subject", "irrecoverable_vat") == pytest.approx([0.0, 0.0, 0.0])
    figure = projection.option("subject").inputs["irrecoverable_share"]
    assert figure.value == 0.0 and "not be liable" in figure.source


def test_vat_applies_only_to_the_vat_bearing_share():
    body = NON_PAY.replace("vat_share: 100%", "vat_share: 40%")
    projection = project_text(_option("trust", body))
    # 40% x £102,000 x 20% = £8,160
    assert rows_of(projection, "subject", "irrecoverable_vat")[0] == pytest.approx(8_160.0)


def test_corporate_services_bought_back_carry_vat_by_default():
    body = "  corporate_services:\n    - {id: it, name: IT and HR, amount: \"50,000\"}\n"
    projection = project_text(_option("trust", body))
    # £50,000 x 1.02 = £51,000, VAT 20% = £10,200, which the trust cannot recover
    assert rows_of(projection, "subject", "cost")[0] == pytest.approx(51_000.0)
    assert rows_of(projection, "subject", "irrecoverable_vat")[0] == pytest.approx(10_200.0)


def test_setup_spread_over_years_with_optimism_bias():
    body = """\
  setup:
    - id: setup
      name: Set-up
      amount: 100,000
      years: [2018/19, 2019/20]
      optimism_bias: {upper_bound: 41%, mitigation: 25%}
"""
    projection = project_text(_option("trust", body))
    # Half in each year at the general index: £50,000 x 1.02 = £51,000; x 1.0404 = £52,020
    assert rows_of(projection, "subject", "spend") == pytest.approx([51_000.0, 52_020.0, 0.0])
    # Uplift 41% x (1 - 25%) = 30.75%: £15,682.50 and £15,996.15
    assert rows_of(projection, "subject", "optimism_bias") == pytest.approx([15_682.50, 15_996.15, 0.0])


def test_setup_profile_shares():
    body = """\
  setup:
    - {id: setup, name: Set-up, amount: "100,000", profile: {2018/19: 70%, 2020/21: 30%}, index: none}
"""
    projection = project_text(_option("trust", body))
    assert rows_of(projection, "subject", "spend") == pytest.approx([70_000.0, 0.0, 30_000.0])


def test_failure_risk_is_counted_at_expected_value():
    body = "  failure_risk: {annual_probability: 10%, cost: {low: 3m, central: 6.5m, high: 10m}}\n"
    projection = project_text(_option("in_house", body))
    # 10% x £6,500,000 x general index 1.02 = £663,000 in 2018/19
    assert rows_of(projection, "subject", "expected_cost")[0] == pytest.approx(663_000.0)


def test_savings_are_written_positive_and_counted_negative():
    body = "  savings:\n    - {id: efficiency, name: Efficiencies, amount: \"50,000\", index: none}\n"
    projection = project_text(_option("in_house", body))
    assert rows_of(projection, "subject", "cost") == pytest.approx([-50_000.0] * 3)
    lines = projection.lines
    assert set(lines[lines.option == "subject"].category) == {"savings_and_income"}


def test_contract_and_client_side_lines():
    body = """\
  contract:
    - {id: contract, name: Contract price, amount: 1m, index: none}
  client_side:
    - {id: client, name: Contract management, amount: "80,000"}
"""
    projection = project_text(_option("commissioned", body))
    lines = projection.lines
    first = lines[(lines.option == "subject") & (lines.year == "2018/19")]
    # Contract £1,000,000 (no index); client side follows pay by default: £80,000 x 1.02 = £81,600
    assert first.groupby("category")["cash"].sum().to_dict() == pytest.approx(
        {"contract": 1_000_000.0, "corporate_and_client": 81_600.0, "irrecoverable_vat": 0.0})


def test_vat_is_irrecoverable_only_once_the_vehicle_is_live():
    body = NON_PAY.replace("vat_share: 100%}", "vat_share: 100%, period: whole_horizon}")
    projection = project_text(_option("trust", body, extra="  go_live: 2018-07\n"))
    # Before July 2018 the council buys and recovers VAT; from July the trust cannot:
    # 2018/19: £102,000 x 20% x 9/12 = £15,300; 2019/20: £104,040 x 20% = £20,808
    assert rows_of(projection, "subject", "irrecoverable_vat")[:2] == pytest.approx([15_300.0, 20_808.0])


def test_vat_on_a_line_that_starts_at_go_live_is_not_cut_twice():
    """A trust going live in June: the line runs 10/12 of 2018/19, and all of that is the trust's."""
    body = NON_PAY.replace('amount: "100,000"', 'amount: "120,000", index: none')
    projection = project_text(_option("trust", body, extra="  go_live: 2018-06\n"))
    # Cost: £120,000 x 10/12 = £100,000; VAT: £100,000 x 20% = £20,000 (not x 10/12 again)
    assert rows_of(projection, "subject", "cost")[0] == pytest.approx(100_000.0)
    assert rows_of(projection, "subject", "irrecoverable_vat")[0] == pytest.approx(20_000.0)


def test_vat_on_setup_counts_only_what_falls_after_go_live():
    body = """\
  setup:
    - {id: setup, name: Set-up, amount: "100,000", years: [2018/19, 2019/20], index: none, vat_share: 100%}
"""
    projection = project_text(_option("trust", body, extra="  go_live: 2019-01\n"))
    # 2018/19: £50,000, of which January to March (3/12) is the trust's: VAT 20% x £12,500 = £2,500
    # 2019/20: £50,000, all the trust's: VAT £10,000
    assert rows_of(projection, "subject", "irrecoverable_vat")[:2] == pytest.approx([2_500.0, 10_000.0])
