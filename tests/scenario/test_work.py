"""The work a scenario asks for (scenario/work.py), and the bound read before a file is checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from costmodel.scenario.loader import load_scenario
from costmodel.scenario.ranges import ranged_inputs
from costmodel.scenario.work import least_work_as_written, line_years
from costmodel.scenario.yamlread import read_yaml

SHIPPED = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
def test_the_bound_as_written_is_never_more_than_the_work_and_sees_every_range(path):
    # verify refuses on the bound before the scenario is checked, so it must never exceed the work
    # the checked scenario asks for, or a workbook within the limits would be refused.
    scenario = load_scenario(path)
    size, ranged = least_work_as_written(read_yaml(scenario._source_text).data)
    assert size <= line_years(scenario)
    assert ranged == bool(ranged_inputs(scenario))


def test_the_bound_counts_the_lists_written_out_and_not_one_borrowed(minimal_text):
    data = read_yaml(minimal_text).data
    # The minimal scenario over 5 years: the in-house option lists one post, the trust one non-pay line,
    # and each option has its own rows too: (1 + 1) + (1 + 1) = 4 lines, x 5 years = 20 line-years.
    assert least_work_as_written(data) == (4 * 5, False)
    # The trust employing the in-house posts by staffing_same_as: its borrowed post is not written out
    # in its own list, so the bound stays 20, below the 25 the checked scenario counts.
    data["options"][1]["staffing_same_as"] = "in-house"
    assert least_work_as_written(data) == (4 * 5, False)
    data["options"][1]["staffing"] = [{"id": "manager", "title": "Manager", "count": 1, "salary": 50000}]
    assert least_work_as_written(data) == (5 * 5, False)


@pytest.mark.parametrize("data", [None, [], {"timeline": {"years": True}, "options": []},
                                  {"timeline": {"years": 5}, "options": {"a": 1}},
                                  {"timeline": {"years": 500}, "options": []}])
def test_data_not_shaped_like_a_scenario_has_no_bound_and_is_left_to_the_loader(data):
    assert least_work_as_written(data) is None


def test_a_range_where_nothing_is_drawn_asks_for_no_draws():
    data = {"timeline": {"years": 1}, "options": [],
            "assumptions": {"employer_ni": {"rates": {"low": 1, "high": 2}}, "pay_awards": 2}}
    assert least_work_as_written(data) == (0, False)
    data["assumptions"]["pay_awards"] = {"value": 2, "low": 1, "high": 3}
    assert least_work_as_written(data) == (0, True)
