"""Scenario rules for who employs the staff and when a post runs: each mistake one line, at its line."""

import pytest

import costmodel
from conftest import make_scenario

IN_HOUSE = """\
- id: in-house
  name: In-house
  family: in_house
  baseline: true
  staffing:
    - id: sw
      title: Social worker
      salary: 35,000
{post}"""


def problems_of(text: str) -> list[tuple[int, str, str]]:
    with pytest.raises(costmodel.ScenarioError) as caught:
        costmodel.load_scenario_text(text, "s.yaml")
    return [(p.line, p.path, p.message) for p in caught.value.problems]


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_a_post_gives_its_first_year_or_its_first_month_not_both():
    text = make_scenario(IN_HOUSE.format(post="      first_year: 2019/20\n      first_month: 2019-10\n")
                         + "- {id: other, name: Other, family: in_house}\n")
    [(line, path, message)] = problems_of(text)
    assert path == "options[0].staffing[0]" and "first_year or first_month, not both" in message
    assert line == line_of(text, "- id: sw")


def test_a_post_cannot_end_before_it_starts():
    text = make_scenario(IN_HOUSE.format(post="      first_month: 2019-10\n      last_month: 2019-06\n")
                         + "- {id: other, name: Other, family: in_house}\n")
    [(_, path, message)] = problems_of(text)
    assert path == "options[0].staffing[0]" and "ends before it starts" in message


def test_a_month_outside_the_horizon_is_named_as_a_month():
    text = make_scenario(IN_HOUSE.format(post="      first_month: 2031-01\n")
                         + "- {id: other, name: Other, family: in_house}\n")
    [(line, path, message)] = problems_of(text)
    assert (line, path) == (line_of(text, "first_month"), "options[0].staffing[0].first_month")
    assert message == "January 2031 is outside the horizon (2018/19 to 2022/23)"


def test_staffing_transfers_belongs_with_staffing_same_as():
    text = make_scenario(IN_HOUSE.format(post="") + "- id: trust\n  name: Trust\n  family: trust\n"
                                                    "  staffing_transfers: false\n")
    [(line, path, message)] = problems_of(text)
    assert (line, path) == (line_of(text, "staffing_transfers"), "options[1].staffing_transfers")
    assert "this option lists its own" in message


def test_posts_that_start_at_another_options_go_live_cannot_transfer_all_along():
    text = make_scenario(IN_HOUSE.format(post="").replace("  baseline: true\n", "  baseline: true\n"
                                                                                "  go_live: 2019-06\n")
                         + "- id: trust\n  name: Trust\n  family: trust\n  staffing_same_as: in-house\n")
    [(line, path, message)] = problems_of(text)
    assert (line, path) == (line_of(text, "staffing_same_as"), "options[1].staffing_same_as")
    assert "goes live part-way (June 2019)" in message and "staffing_transfers: false" in message
    # Filled afresh from the trust's own go-live, the same posts are fine.
    costmodel.load_scenario_text(text + "    staffing_transfers: false\n")


def test_a_shared_post_that_runs_only_before_go_live_is_refused_at_its_period():
    text = make_scenario(IN_HOUSE.format(post="      period: before_go_live\n")
                         + "- id: trust\n  name: Trust\n  family: trust\n  staffing_same_as: in-house\n")
    [(line, path, message)] = problems_of(text)
    assert (line, path) == (line_of(text, "period: before_go_live"), "options[0].staffing[0].period")
    assert "cannot be shared with option 'trust'" in message
