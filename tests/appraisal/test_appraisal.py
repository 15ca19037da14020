"""Long list, gateways, weighted scores and weights' switching values, worked by hand."""

from __future__ import annotations

import pytest

from conftest import make_scenario, project_text
from costmodel.appraisal.evaluate import appraise

# Three costed options, each one non-pay line of flat cash (index: none) in a single year, with the
# price base that year: cash, real terms and present value are all the amount, so NPC = amount.
OPTIONS = """\
- {id: base, name: Keep it in-house, family: in_house, baseline: true,
   non_pay: [{id: running, name: Running costs, amount: "1,000,000", index: none}]}
- {id: trust, name: A trust, family: trust,
   non_pay: [{id: running, name: Running costs, amount: "800,000", index: none}]}
- {id: partner, name: A partner council, family: partnership,
   non_pay: [{id: running, name: Running costs, amount: "1,200,000", index: none}]}
"""

APPRAISAL = """\
appraisal:
  long_list:
    - id: base
      name: In-house
      category: in_house
      option: base
      gateways: {accountable: {result: pass, reason: the council runs it}}
      scores: {outcomes: {score: 4, reason: a plan in place}, control: {score: 5, reason: direct}}
    - id: trust
      name: Independent trust
      category: new_delivery_vehicle
      option: trust
      gateways: {accountable: {result: pass, reason: contract and commissioning}}
      scores: {outcomes: {score: 3, reason: untested}, control: {score: 2, reason: at arm's length}}
    - id: partner
      name: Partner council
      category: partnership_or_collaboration
      option: partner
      gateways: {accountable: {result: pass, reason: a section 75 agreement}}
      # Scored, since it passes every stated gateway; the affordability gateway then drops it.
      scores: {outcomes: {score: 4, reason: a strong partner}, control: {score: 3, reason: shared}}
    - id: outsource
      name: Outsource to a private provider
      category: commissioning
      # Failing the first gateway, it is not assessed against the second.
      gateways:
        accountable: {result: fail, reason: statutory functions cannot be contracted out}
    - id: mutual
      name: Staff mutual
      category: new_delivery_vehicle
      gateways:
        accountable: {result: pass, reason: as a trust}
        affordable: {result: fail, reason: no capital to start it}
  gateways:
    - {id: accountable, name: Keeps statutory accountability with the council}
    - {id: affordable, name: Affordable within the budget, budget: "1,100,000"}
  criteria:
    - {id: outcomes, name: Quality of outcomes for children, weight: 50%}
    - {id: control, name: Control and accountability, weight: 30%}
    - {id: cost, name: Cost, weight: 20%, from_npc: linear}
"""


@pytest.fixture(scope="module")
def appraised():
    text = make_scenario(OPTIONS, first_year="2018/19", price_base="2018/19", years=1) + APPRAISAL
    return appraise(project_text(text))


def test_gateways_cut_the_long_list_and_say_why(appraised):
    outcome = {o.entry.id: o for o in appraised.long_list}
    assert [o.entry.id for o in appraised.long_list if o.shortlisted] == ["base", "trust"]
    # The partner's cash, £1,200,000 in 2018/19, is above the £1,100,000 envelope: worked out, not stated.
    affordable = outcome["partner"].gateways[1]
    assert (affordable.passed, affordable.computed) == (False, True)
    assert "2018/19 (£1,200,000) is above the budget envelope of £1,100,000" in affordable.reason
    assert outcome["outsource"].dropped_because == ("Keeps statutory accountability with the council: statutory "
                                                     "functions cannot be contracted out")
    assert outcome["base"].gateways[1].passed  # £1,000,000 is within £1,100,000
    assert outcome["outsource"].gateways[1].words == "not assessed"


def test_weighted_scores_and_both_rankings(appraised):
    scored = {s.option: s for s in appraised.scored}
    # Cost scored linearly on the shortlist: the trust (£800,000, the lowest) gets 5, base (£1,000,000) 0.
    assert scored["trust"].scores["cost"] == 5 and scored["base"].scores["cost"] == 0
    # base: 50% x 4 + 30% x 5 + 20% x 0 = 3.5; trust: 50% x 3 + 30% x 2 + 20% x 5 = 3.1.
    assert scored["base"].weighted == pytest.approx(3.5)
    assert scored["trust"].weighted == pytest.approx(3.1)
    assert (scored["base"].rank_by_score, scored["base"].rank_by_npc) == (1, 2)
    assert (scored["trust"].rank_by_score, scored["trust"].rank_by_npc) == (2, 1)
    assert appraised.preferred.option == "base"


def test_each_weights_switching_value(appraised):
    switches = {w.criterion.id: w for w in appraised.switches}
    # Outcomes at x, the others scaled by (1 - x) / 50%: base 3 + x, trust 3.2 - 0.2x; equal at x = 1/6.
    assert switches["outcomes"].below == (pytest.approx(1 / 6), "trust") and switches["outcomes"].above is None
    # Control: base 20/7 + (15/7)x, trust 25/7 - (11/7)x; equal at x = 5/26.
    assert switches["control"].below == (pytest.approx(5 / 26), "trust") and switches["control"].above is None
    # Cost: base 4.375(1 - x), trust 2.625 + 2.375x; equal at x = 1.75 / 6.75 = 7/27, above its 20%.
    assert switches["cost"].above == (pytest.approx(7 / 27), "trust") and switches["cost"].below is None
    assert appraised.in_words(switches["cost"]) == (
        "Keep it in-house stops being preferred only if the weight on Cost (now 20.0%) rises above 25.9% "
        "(to A trust), the other weights scaled to keep 100%")


def test_the_results_json_carries_the_appraisal():
    text = make_scenario(OPTIONS, first_year="2018/19", price_base="2018/19", years=1) + APPRAISAL
    from costmodel.report import assemble

    data = assemble(project_text(text), simulate=False).to_json()["appraisal"]
    assert data["preferred"] == "base"
    assert [entry["shortlisted"] for entry in data["long_list"]] == [True, True, False, False, False]
    assert data["shortlist"][1] == {"option": "trust", "name": "A trust", "scores": {"outcomes": 3, "control": 2,
                                    "cost": 5}, "weighted_score": 3.1, "rank_by_score": 2, "npc": 800000.0,
                                    "rank_by_npc": 1}


def test_run_prints_the_appraisal_and_sensitivity_reports_each_weights_switching_value(tmp_path):
    import json

    from click.testing import CliRunner

    from costmodel.cli import cli

    scenario = tmp_path / "appraisal.yaml"
    scenario.write_text(make_scenario(OPTIONS, first_year="2018/19", price_base="2018/19", years=1) + APPRAISAL,
                        encoding="utf-8")
    ran = CliRunner().invoke(cli, ["run", str(scenario), "-o", str(tmp_path / "book.xlsx")])
    assert ran.exit_code == 0, ran.output
    assert ("Options appraisal: 5 on the long list, 2 through 2 gateway criteria. Preferred by weighted score: "
            "Keep it in-house (3.50 of 5).") in ran.output
    analysed = CliRunner().invoke(cli, ["sensitivity", str(scenario), "--json", str(tmp_path / "s.json")])
    assert analysed.exit_code == 0, analysed.output
    assert "rises above 25.9% (to A trust)" in analysed.output
    weights = json.loads((tmp_path / "s.json").read_text())["weight_switching_values"]
    cost = next(w for w in weights if w["criterion"] == "cost")
    assert cost["above"] == {"at": round(7 / 27, 6), "to_option": "trust"} and cost["below"] is None


def test_each_score_that_could_change_the_preferred_option_within_the_scale(appraised):
    switches = {(w.option, w.criterion.id): w for w in appraised.score_switches}
    # base leads 3.5 to 3.1. Its outcomes score (weight 50%) falls to 4 - 0.4 / 0.5 = 3.2 before the
    # trust draws level; its control score (30%) to 5 - 0.4 / 0.3 = 3.667.
    assert switches[("base", "outcomes")].at == pytest.approx(3.2)
    assert switches[("base", "control")].at == pytest.approx(5 - 0.4 / 0.3)
    # The trust rises to base's total with outcomes 3 + 0.4 / 0.5 = 3.8, or control 2 + 0.4 / 0.3.
    assert switches[("trust", "outcomes")].at == pytest.approx(3.8)
    assert switches[("trust", "control")].at == pytest.approx(2 + 0.4 / 0.3)
    assert "cost" not in {criterion for _, criterion in switches}  # scored from NPC, not judged
    assert appraised.score_in_words(switches[("trust", "outcomes")]) == (
        "A trust becomes preferred if its score on Quality of outcomes for children rises above 3.80 (now 3)")


def _two_option_appraisal(criteria: str, base_scores: str, trust_scores: str):
    """base (NPC £1,000,000) and trust (£800,000), both shortlisted, scored as given."""
    text = make_scenario(OPTIONS, first_year="2018/19", price_base="2018/19", years=1) + f"""\
appraisal:
  long_list:
    - {{id: base, name: In-house, category: in_house, option: base, scores: {base_scores}}}
    - {{id: trust, name: Trust, category: new_delivery_vehicle, option: trust, scores: {trust_scores}}}
    - {{id: partner, name: Partner, category: partnership_or_collaboration, option: partner,
       gateways: {{fit: {{result: fail, reason: no willing partner}}}}}}
  gateways:
    - {{id: fit, name: A willing partner}}
  criteria:
{criteria}"""
    text = text.replace("scores: {outcomes", "gateways: {fit: {result: pass, reason: yes}}, scores: {outcomes")
    return appraise(project_text(text))


def test_a_meeting_only_at_the_end_of_the_range_is_no_switch():
    # base: outcomes 4, workforce 3 (3.5); trust: outcomes 2, workforce 3 (2.5); 50% each.
    # Outcomes at x: base 4x + 3(1 - x) = 3 + x, trust 2x + 3(1 - x) = 3 - x: they meet only at
    # x = 0%. Workforce at x: base 4(1 - x) + 3x = 4 - x, trust 2(1 - x) + 3x = 2 + x: only at
    # 100%. Neither is a weight at which the trust would lead, so neither is reported.
    appraised = _two_option_appraisal(
        "    - {id: outcomes, name: Outcomes, weight: 50%}\n    - {id: workforce, name: Workforce, weight: 50%}\n",
        "{outcomes: {score: 4, reason: r}, workforce: {score: 3, reason: r}}",
        "{outcomes: {score: 2, reason: r}, workforce: {score: 3, reason: r}}")
    switches = {w.criterion.id: w for w in appraised.switches}
    assert appraised.preferred.option == "base"
    assert switches["outcomes"].below is None and switches["outcomes"].above is None
    assert switches["workforce"].above is None and switches["workforce"].below is None


def test_a_tie_today_switches_at_todays_weight():
    # outcomes base 4, trust 2; control base 2, trust 4; 50% each: both 3.0, and the tie goes to the
    # trust's lower NPC (£800,000). Outcomes at x: base 2 + 2x, trust 4 - 2x: the trust leads for
    # x < 50%, base for x > 50%: base becomes preferred as soon as outcomes' weight rises above 50%.
    appraised = _two_option_appraisal(
        "    - {id: outcomes, name: Outcomes, weight: 50%}\n    - {id: control, name: Control, weight: 50%}\n",
        "{outcomes: {score: 4, reason: r}, control: {score: 2, reason: r}}",
        "{outcomes: {score: 2, reason: r}, control: {score: 4, reason: r}}")
    assert appraised.preferred.option == "trust"
    assert [s.rank_by_score for s in appraised.scored] == [2, 1]  # the tie broken by the lower NPC
    switches = {w.criterion.id: w for w in appraised.switches}
    assert switches["outcomes"].above == (pytest.approx(0.5), "base") and switches["outcomes"].below is None
    assert switches["control"].below == (pytest.approx(0.5), "base") and switches["control"].above is None
