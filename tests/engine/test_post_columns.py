"""A staffing list's figures read a column at a time from the posts, as its instances would give them.

The engine reads a list's inputs straight from the posts (instances.py, PostInstances), making
an instance for each post only when something asks for one. Whatever it reads that way must be
what the instances say, input by input and post by post, for every kind of list.
"""

import numpy as np
import pytest

import costmodel
from conftest import EMPTY_BASELINE, SCENARIOS, make_scenario

from costmodel.engine.instances import PostInstances, option_groups

#: Posts of every kind: on-costs computed, stated and as a rate; with and without their own years;
#: after go-live and all along; part-time, vacant and covered by agency staff.
POSTS = """\
    - id: sw
      title: Social worker
      count: 10
      fte: 0.8
      salary: 35,000
      vacancy: 10%
      agency_share: 20%
      agency_premium: 40%
      first_year: 2019/20
    - id: tm
      title: Team manager
      salary: 48,000
      last_year: 2020/21
      period: whole_horizon
    - id: pa
      title: Personal adviser
      count: 3
      salary: 27,000
      on_costs: 9,000
    - id: ed
      title: Education officer
      salary: 41,000
      on_cost_rate: 28%
"""


def _scenario(extra_post: str = "") -> str:
    return make_scenario(EMPTY_BASELINE + """\
- id: team
  name: Team
  family: trust
  go_live: 2019-10
  staffing:
""" + POSTS + extra_post + """\
- id: same
  name: The same posts
  family: in_house
  staffing_same_as: team
  staffing_transfers: false
""", years=4)


CASES = {
    "in whole years": _scenario(),
    # a post part-way through a year costs every post of its list by months
    "by months": _scenario("    - id: late\n      title: Late starter\n      salary: 30,000\n"
                           "      first_month: 2019-01\n      last_month: 2021-06\n"),
    # a post up a scale gives every post of its list a drift, a step and a top
    "up a scale": _scenario("    - id: scale\n      title: On a scale\n      salary: 30,000\n      pay_drift: 2%\n"),
}


def _staffing_groups(scenario):
    shared: dict = {}
    for index in range(len(scenario.options)):
        for group in option_groups(scenario, index, shared):
            if isinstance(group.instances, PostInstances):
                yield group


def _check_columns(scenario) -> int:
    """Checks every staffing group's columns against its instances; returns how many groups it checked."""
    checked = 0
    for group in _staffing_groups(scenario):
        instances = list(group.instances)  # made here, once, from the posts
        assert len(instances) == len(group.instances)
        names = {name for instance in instances for name in instance.inputs}
        assert group.input_names() == names
        for name in names:
            by_instance = np.array([instance.inputs[name].value for instance in instances]).reshape(-1, 1)
            np.testing.assert_array_equal(group.gather(name), by_instance, err_msg=name)
        assert list(group.chosen("period")) == [group.choice_of(instance, "period") for instance in instances]
        assert group.all_choose("period")
        checked += 1
    return checked


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_lists_columns_are_its_instances_inputs(case):
    scenario = costmodel.load_scenario_text(CASES[case])
    # three kinds of post in the list's own option, and the same three in the option sharing them
    assert _check_columns(scenario) == 6


@pytest.mark.parametrize("name", ["isle-of-wight-2017", "worcestershire-2017", "county-whole-service"])
def test_the_shipped_scenarios_columns_are_their_instances_inputs(name):
    scenario = costmodel.load_scenario(SCENARIOS / f"{name}.yaml")
    assert _check_columns(scenario) > 0


def test_a_projection_makes_no_instance_of_a_post():
    scenario = costmodel.load_scenario_text(CASES["in whole years"])
    costmodel.project(scenario)
    groups = list(_staffing_groups(scenario))
    # option_groups gathers afresh; the projection's own groups are those of its results
    projection = costmodel.project(scenario)
    posts = [result.instances.instances for option in projection.options for result in option.results
             if isinstance(result.instances.instances, PostInstances)]
    assert groups and posts
    assert all(instances._built is None for instances in posts)
    # asked for, the rows of each post are there, one instance a post
    team = projection.option("team")
    assert {row.instance.id for row in team.rows if row.group == "posts"} == {"sw", "tm"}


def _totals(projection) -> dict:
    return {(option.option.id, result.group.key, key): values for option in projection.options
            for result in option.results for key, values in result.totals.items()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_rows_written_into_lent_arrays_are_the_rows_made_afresh(case, monkeypatch):
    # Every array through the lent ones (comparisons, MAX and MIN among them), then none: the same sums.
    from costmodel.lines import formula

    scenario = costmodel.load_scenario_text(CASES[case])
    monkeypatch.setattr(formula, "SCRATCH_FROM", 1)
    lent = _totals(costmodel.project(scenario))
    monkeypatch.setattr(formula, "SCRATCH_FROM", 10 ** 12)
    afresh = _totals(costmodel.project(scenario))
    assert lent.keys() == afresh.keys()
    for key, values in afresh.items():
        np.testing.assert_array_equal(lent[key], values, err_msg=str(key))


def test_a_scenarios_posts_are_gathered_by_its_first_projection_alone(monkeypatch):
    import gc
    import weakref

    from costmodel import scale
    from costmodel.engine.instances import GroupInstances

    scenario = costmodel.load_scenario_text(CASES["in whole years"])
    gathered = []
    gather = GroupInstances.gather
    monkeypatch.setattr(GroupInstances, "gather", lambda group, name: gathered.append(name) or gather(group, name))
    first = _totals(costmodel.project(scenario))
    assert {"salary", "count", "first_year"} <= set(gathered)
    gathered.clear()
    again = _totals(costmodel.project(scenario))
    # the posts' columns are the scenario's, derived once: the second projection reads none again,
    # the other lines' inputs (a handful each) are gathered afresh
    assert not {"salary", "count", "first_year"} & set(gathered)
    assert first.keys() == again.keys()
    for key, values in first.items():
        np.testing.assert_array_equal(again[key], values, err_msg=str(key))
    # the same text loaded again is another scenario, with its own columns; each let go of with it
    other = costmodel.load_scenario_text(CASES["in whole years"])
    assert scale.derived_from(other) is not scale.derived_from(scenario)
    let_go = [weakref.ref(scenario), weakref.ref(other)]
    del scenario, other
    gc.collect()
    assert all(ref() is None for ref in let_go)
    assert all(ref() is not None for ref, _ in scale._DERIVED.values())
