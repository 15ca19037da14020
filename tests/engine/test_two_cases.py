"""The Green Book's two cases, and affordability by year, worked by hand.

The economic case (value for money to the public sector) is real terms, discounted, and leaves
out transfers to the Exchequer; the financial case (the council's budget) is cash, VAT included,
not discounted. HM Treasury's Green Book (2022): taxes paid from one public body to another are
transfers, and the economic case compares options as if VAT were treated alike; VAT Act 1994,
s.33: the council recovers
the VAT on what it buys for its non-business activities; a company or trust making exempt
supplies cannot.
"""

import pytest

import costmodel
from conftest import project_text
from two_cases import ENVELOPE, GATEWAY, two_options

#: The sum of the Green Book discount factors over four years at 3.5%: 1 + 1/1.035 + 1/1.035^2 + 1/1.035^3.
FOUR_YEARS_OF_FACTORS = 1 + 1 / 1.035 + 1 / 1.035 ** 2 + 1 / 1.035 ** 3


def test_vat_decides_the_financial_case_but_not_the_economic_case():
    projection = project_text(two_options())
    council, trust = projection.option("council").totals, projection.option("trust").totals
    # Financial case, cash over four years: the council 4 x £100,000 = £400,000; the trust pays
    # £95,000 + 20% VAT it cannot recover (£19,000) = £114,000 a year, 4 x £114,000 = £456,000.
    assert council.measure("cash_total") == pytest.approx(400_000.0)
    assert trust.measure("cash_total") == pytest.approx(456_000.0)
    # Economic case: the VAT is a transfer, left out. NPC = the real cost a year x the sum of the
    # discount factors (3.8016...): the council £380,163.70, the trust 95,000 x 3.8016 = £361,155.51.
    assert council.measure("npc") == pytest.approx(100_000 * FOUR_YEARS_OF_FACTORS)
    assert trust.measure("npc") == pytest.approx(95_000 * FOUR_YEARS_OF_FACTORS)
    assert round(trust.measure("npc"), 2) == 361_155.51
    # The trust is the better value for money, though it costs the council's budget more...
    assert (trust.measure("rank"), council.measure("rank")) == (1, 2)
    assert trust.measure("vs_baseline_cash") == pytest.approx(56_000.0)
    # ... and what the economic case leaves out is that VAT: 19,000 x 3.8016 = £72,231.10.
    assert round(trust.measure("transfers_pv"), 2) == round(19_000 * FOUR_YEARS_OF_FACTORS, 2) == 72_231.10
    assert council.measure("transfers_pv") == pytest.approx(0.0)


def test_the_json_keeps_the_two_cases_apart_and_says_which_is_which():
    options = project_text(two_options()).to_json()["options"]
    trust = next(option for option in options if option["id"] == "trust")
    economic, financial = trust["economic"], trust["financial"]
    assert (economic["npc"], economic["rank"]) == (361_155.51, 1)
    assert economic["transfers_left_out"] == {"categories": ["irrecoverable_vat"], "pv": 72_231.10}
    # Year 1 (2019/20) in present value: 95,000 / 1.035 = £91,787.44.
    assert economic["annual_pv"][1] == {"year": "2019/20", "pv": 91_787.44}
    assert financial["cash_total"] == 456_000.0
    assert financial["annual"][0] == {"year": "2018/19", "revenue": 114_000.0, "capital": 0.0, "cash": 114_000.0}
    # No budget envelope stated: no affordability block, rather than one against nothing.
    assert "affordability" not in financial


def test_the_gap_to_the_envelope_by_year_worked_by_hand():
    projection = project_text(two_options(ENVELOPE))
    trust, council = projection.option("trust").totals, projection.option("council").totals
    # The envelope: £120,000, £113,000, £110,000, and 2021/22 carries 2020/21's £110,000 forward.
    assert list(trust.series("budget_envelope")) == [120_000, 113_000, 110_000, 110_000]
    # The trust's cash is £114,000 a year: gaps 114 - 120 = -6,000; 114 - 113 = +1,000; 114 - 110 = +4,000; +4,000.
    assert list(trust.row("envelope_gap")) == pytest.approx([-6_000, 1_000, 4_000, 4_000])
    # Cumulative: -6,000; -6,000 + 1,000 = -5,000; -5,000 + 4,000 = -1,000; -1,000 + 4,000 = +3,000.
    assert list(trust.row("cumulative_gap")) == pytest.approx([-6_000, -5_000, -1_000, 3_000])
    assert list(trust.row("over_envelope")) == [0, 1, 1, 1]
    assert trust.measure("first_unaffordable_year") == "2019/20"
    assert trust.measure("envelope_gap_total") == pytest.approx(3_000)
    # The council's £100,000 a year is within it every year: -20,000, -13,000, -10,000, -10,000.
    assert list(council.row("envelope_gap")) == pytest.approx([-20_000, -13_000, -10_000, -10_000])
    assert council.measure("first_unaffordable_year") is None


def test_the_json_sets_the_financial_case_against_the_envelope():
    options = project_text(two_options(ENVELOPE)).to_json()["options"]
    trust = next(option for option in options if option["id"] == "trust")
    affordability = trust["financial"]["affordability"]
    assert affordability["first_year_above_envelope"] == "2019/20"
    assert affordability["gap_over_the_horizon"] == 3_000.0
    assert affordability["annual"][2] == {"year": "2020/21", "envelope": 110_000.0, "gap": 4_000.0,
                                          "cumulative_gap": -1_000.0}


def test_the_affordability_gateway_uses_the_envelope_year_by_year():
    from costmodel.appraisal.evaluate import appraise

    projection = project_text(two_options(ENVELOPE) + GATEWAY)
    outcomes = {outcome.entry.id: outcome.gateways[0] for outcome in appraise(projection).long_list}
    # The trust's £114,000 is within 2018/19's £120,000 but £1,000 above 2019/20's £113,000.
    assert outcomes["trust"].passed is False
    assert outcomes["trust"].reason == ("cash in 2019/20 (£114,000) is £1,000 above that year's budget envelope "
                                        "of £113,000")
    # The council's £100,000 is £10,000 below the envelope in its closest years (2020/21 and 2021/22).
    assert outcomes["council"].passed is True
    assert outcomes["council"].reason == ("cash is within the budget envelope in every year (closest: 2020/21, "
                                          "£10,000 below it)")


@pytest.mark.parametrize("envelope, gateway, words", [
    ("budget_envelope: {2019/20: 100000}\n", "", "assumptions.budget_envelope.by_year: the envelope starts at "
     "2019/20; it must give the budget from the horizon's first year, 2018/19"),
    ("budget_envelope: {2018/19: 100000, 2030/31: 1}\n", "", "2030/31 is outside the horizon"),
    ("budget_envelope: {2018/19: -5}\n", "", "budget envelope"),
    ("", GATEWAY, "the gateway is set against the budget envelope, but the scenario states none"),
])
def test_an_envelope_that_cannot_be_used_is_refused_with_its_line(envelope, gateway, words):
    with pytest.raises(costmodel.ScenarioError) as raised:
        costmodel.load_scenario_text(two_options(envelope) + gateway, name="s.yaml")
    assert words in str(raised.value)
    assert "s.yaml:" in str(raised.value)
