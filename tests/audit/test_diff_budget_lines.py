"""diff and the JSON on the lines a budget has (issue 17): a ramp's share, an exit cost, a capital item."""

import pytest

from conftest import EMPTY_BASELINE, make_scenario

OLD = EMPTY_BASELINE + """\
- id: remodel
  name: Remodelled service
  family: in_house
  savings:
    - id: edge
      name: Edge of care
      amount: 400,000
      ramp: {2018/19: 25%, 2019/20: 75%, 2020/21: 100%}
"""

NEW = OLD.replace("2018/19: 25%", "2018/19: 50%") + """\
  exit_costs:
    - id: redundancy
      name: Redundancy
      kind: redundancy
      amount: 250,000
      year: 2020/21
      index: none
      capital: true
"""


def test_diff_attributes_a_ramp_share_and_an_exit_cost_each_to_its_own_change(tmp_path):
    from costmodel.audit.diff import diff

    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(make_scenario(OLD, years=3, first_year="2018/19", price_base="2018/19"), encoding="utf-8")
    new.write_text(make_scenario(NEW, years=3, first_year="2018/19", price_base="2018/19"), encoding="utf-8")
    report = diff(old, new)
    ramp, exit_cost = report.steps
    assert [change.where for change in ramp.changes] == ["options[remodel].savings[edge].ramp.2018/19"]
    # A quarter more of the £400,000 saving in 2018/19, at an index of 1 and year 0 undiscounted: -£100,000.
    assert ramp.cash["remodel"] == pytest.approx(-100_000.0)
    assert ramp.npc["remodel"] == pytest.approx(-100_000.0)
    assert [change.where for change in exit_cost.changes] == ["options[remodel].exit_costs[redundancy]"]
    # £250,000 flat cash in 2020/21 (year 2): in real terms / 1.02^2 = 1.0404, discounted / 1.035^2.
    assert exit_cost.cash["remodel"] == pytest.approx(250_000.0)
    assert exit_cost.npc["remodel"] == pytest.approx(250_000.0 / 1.0404 / 1.035 ** 2)
    assert ramp.cash["base"] == exit_cost.cash["base"] == 0.0


def test_the_json_shows_capital_exit_costs_in_a_category_of_their_own():
    from costmodel import load_scenario_text, project

    data = project(load_scenario_text(make_scenario(NEW, years=3, first_year="2018/19", price_base="2018/19")))
    remodel = next(option for option in data.to_json()["options"] if option["id"] == "remodel")
    assert remodel["by_category"]["exit_capital"]["cash"] == pytest.approx(250_000.0)
    assert "exit_costs" not in remodel["by_category"]  # no revenue exit cost
    # Saving -400,000 x (50% + 75% x 1.02 + 100% x 1.0404) = -200,000 - 306,000 - 416,160 = -922,160; + 250,000.
    assert remodel["by_category"]["savings_and_income"]["cash"] == pytest.approx(-922_160.0)
    assert remodel["cash_total"] == pytest.approx(-922_160.0 + 250_000.0)
