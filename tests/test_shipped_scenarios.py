"""Every shipped scenario validates and runs; the Isle of Wight checks say what the paper says."""

import json
import math

import pytest
from pydantic import BaseModel

import costmodel
from conftest import SCENARIOS

SHIPPED = sorted(SCENARIOS.glob("*.yaml"))


def test_the_shipped_scenarios_are_there():
    names = {path.name for path in SHIPPED}
    assert {"isle-of-wight-2017.yaml", "worcestershire-2017.yaml", "template.yaml"} <= names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_scenario_validates_and_projects(path):
    projection = costmodel.project(costmodel.load_scenario(path))
    summary = projection.summary
    assert len(summary) >= 2 and summary.baseline.sum() == 1
    assert all(math.isfinite(v) for v in summary.npc)
    data = json.loads(json.dumps(projection.to_json()))
    assert data["scenario"]["id"] == projection.scenario.metadata.id


# The template's figures are placeholders a user replaces; the worked examples must explain theirs.
WORKED_EXAMPLES = [path for path in SHIPPED if path.name != "template.yaml"]


@pytest.mark.parametrize("path", WORKED_EXAMPLES, ids=lambda p: p.name)
def test_every_figure_in_a_worked_example_says_where_it_comes_from(path):
    """A number with neither a source nor a note is an unexplained assumption in a Cabinet paper."""
    from costmodel.scenario.schema import Figure

    scenario = costmodel.load_scenario(path)

    unexplained = []

    def walk(node, where, explained):
        if isinstance(node, Figure):
            # Figures the loader filled in (no line) are defaults and carry their own source.
            if node.line is not None and not (node.source or node.note or explained):
                unexplained.append(f"{where} (line {node.line})")
            return
        if isinstance(node, BaseModel):
            # A source, note or reason on a post, line or section explains the figures inside it.
            here = explained or any(getattr(node, key, None) for key in ("source", "note", "reason"))
            for name in type(node).model_fields:
                walk(getattr(node, name), f"{where}.{name}", here)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{where}[{i}]", explained)
        elif isinstance(node, dict):
            for key, item in node.items():
                walk(item, f"{where}.{key}", explained)

    walk(scenario, "scenario", False)
    assert not unexplained, "figures with no source or note:\n" + "\n".join(unexplained)


def test_isle_of_wight_checks_agree_where_the_paper_agrees_with_itself():
    """Cabinet Paper D, para 35.20, worked by hand with 2017/18 NI (13.8% above £8,164),
    pension 23% and the 0.5% levy (a full year at 2017/18 prices):

    AD:  91,452 + 11,493.744 + 21,033.96 + 457.26          = 124,436.964 (paper £124,437)
    HoS: 88,202 + (88,202-8,164) x 13.8% = 11,045.244, + 20,286.46 + 441.01 = 119,974.714
         each (paper £119,202: differs by +772.714); seven = 839,822.998 (paper £839,852: -29.002)
    DD:  95,515 + (95,515-8,164) x 13.8% = 12,054.438, + 21,968.45 + 477.575 = 130,015.463
         each (paper £120,015: +10,000.463); two = 260,030.926 (paper £260,000 to the £10,000: agrees)
    AD + 7 HoS + 2 DD = 1,224,290.888 (paper "in the region of £1.2 million": agrees within £50,000)
    Partnership: £1,130,000 x 1.15 = £1,299,500 (paper "circa £1.3 million": agrees)
    """
    projection = costmodel.project(costmodel.load_scenario(SCENARIOS / "isle-of-wight-2017.yaml"))
    checks = {check.name: check for check in projection.checks}
    expected = {
        "Assistant Director, with on-costs": (124_436.964, True),
        "Head of Service, with on-costs, each": (119_974.714, False),
        "Seven Heads of Service, with on-costs": (839_822.998, False),
        "Deputy Director, with on-costs, each": (130_015.463, False),
        "Two Deputy Directors, with on-costs": (260_030.926, True),
        'Replacing Hampshire\'s senior team, "in the region of £1.2 million"': (1_224_290.888, True),
        'Partnership budget, "circa £1.3 million per annum"': (1_299_500.0, True),
    }
    assert set(checks) == set(expected)
    for name, (computed, ok) in expected.items():
        assert checks[name].computed == pytest.approx(computed, abs=0.001), name
        assert checks[name].ok is ok, name


def test_isle_of_wight_ranks_the_papers_recommendation_first():
    """The paper recommends extending the Hampshire partnership (para 2); the scenario agrees."""
    summary = costmodel.project(costmodel.load_scenario(SCENARIOS / "isle-of-wight-2017.yaml")).summary
    assert summary.set_index("option").loc["hampshire", "rank"] == 1


def test_worcestershire_carries_its_long_list_of_16_cut_to_5_and_scores_the_shortlist():
    """Seed 002 (the panel minutes): 16 models in 4 categories, cut to a shortlist of 5 by gateway criteria."""
    from collections import Counter

    from costmodel.appraisal.evaluate import appraise

    projection = costmodel.project(costmodel.load_scenario(SCENARIOS / "worcestershire-2017.yaml"))
    appraised = appraise(projection)
    assert len(appraised.long_list) == 16
    assert set(Counter(o.entry.category for o in appraised.long_list)) == {
        "in_house", "partnership_or_collaboration", "new_delivery_vehicle", "commissioning"}
    shortlisted = [o.entry.option for o in appraised.long_list if o.shortlisted]
    assert shortlisted == [option.id for option in projection.scenario.options]  # the 5 costed options
    assert all(o.dropped_because for o in appraised.long_list if not o.shortlisted)
    assert sum(c.weight.value for c in appraised.appraisal.criteria) == pytest.approx(1.0)
    assert {s.option for s in appraised.scored} == set(shortlisted)
    assert len(appraised.switches) == len(appraised.appraisal.criteria)


def _county():
    return costmodel.project(costmodel.load_scenario(SCENARIOS / "county-whole-service.yaml"))


def _cash(projection, option: str, line: str, row: str = "cost") -> list[float]:
    """A row of one line of an option, year by year (a working row, such as an uplift, as well as a cost)."""
    [found] = [r for r in projection.option(option).rows if r.instance.id == line and r.formula.key == row]
    return list(found.cash)


def test_the_county_example_states_a_whole_service_at_the_scale_of_600_staff_and_50m():
    """Seed 002: 'approximately 600 staff and services costing in the region of £50m'."""
    projection = _county()
    scenario = projection.scenario
    staff = sum(post.count.value * post.fte.value for post in scenario.options[0].staffing)
    # 1 + 6 + 14 + 38 + 60 + 200 + 18 + 100 + 45 + 100 x 0.9 = 572 full-time posts, with the council's
    # children's homes' staff inside the weekly cost of a council home (not listed).
    assert staff == pytest.approx(572)
    assert [check.ok for check in projection.checks] == [True]
    assert {placement.id for placement in scenario.placements} == {
        "private-home", "council-home", "council-foster", "agency-foster", "supported-accommodation"}


def test_the_county_examples_private_home_placements_worked_by_hand():
    # 45 children at the Isle of Wight paper's £4,000 a week (para 37.26, 2015/16 prices), uplifted two
    # years at 2% to 2017/18 prices (x 1.0404), for 52.14 weeks, in 2018/19 cash (general index 1.02):
    # 45 x 4,000 = 180,000; x 1.0404 = 187,272; x 52.14 = 9,764,362.08; x 1.02 = £9,959,649.32.
    cash = _cash(_county(), "in-house", "private-home")
    assert cash[0] == pytest.approx(9_959_649.32, abs=0.01)


def test_the_county_examples_contract_clause_is_capped_in_the_year_cpi_rises():
    projection = _county()
    uplift = _cash(projection, "commissioned", "provider-contract", "uplift")
    price = _cash(projection, "commissioned", "provider-contract", "cost")
    # From 2020/21 (year 2) at £28,500,000. Each April: 70% of the 2% pay award + 30% of CPI + 0.5%.
    # 2021/22: 1.4% + 30% x 2% + 0.5% = 2.5%; 2022/23: 1.4% + 30% x 5% + 0.5% = 3.4%, held at the 3% cap;
    # 2023/24: 1.4% + 30% x 3.5% + 0.5% = 2.95%, under the cap.
    assert uplift[3:6] == pytest.approx([0.025, 0.03, 0.0295])
    assert price[2:6] == pytest.approx([28_500_000, 28_500_000 * 1.025, 28_500_000 * 1.025 * 1.03,
                                        28_500_000 * 1.025 * 1.03 * 1.0295])
    assert price[5] == pytest.approx(30_976_496.81, abs=0.01)


def test_the_county_examples_trust_is_cheapest_only_if_its_placements_plan_goes_far_enough():
    """The trust's case rests on its placements plan: its switching value lies inside the plan's range."""
    from costmodel.uncertainty.sensitivity import sensitivity

    result = sensitivity(_county().scenario)
    assert result.cheapest == "trust"
    [switch] = [s for s in result.switches if s.input.path.endswith("placement_changes[0].change")]
    # Below the switching value the in-house service is cheaper: a plan falling short of it loses the case.
    [crossing] = switch.crossings
    assert crossing.to_option == "in-house" and crossing.below
    assert 0.0 < switch.value < 0.25
