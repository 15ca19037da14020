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
