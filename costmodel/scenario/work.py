"""The work a scenario asks for, measured before any is done, against the limits (costmodel/limits.py).

A projection's size is its posts and cost lines times its years; an analysis projects it once a
draw. A scenario beyond a limit is refused at its `timeline.years`, naming the limit and how to
raise it for a trusted file.
"""

from __future__ import annotations

from ..limits import RAISE, Limits
from .problems import Problem, ScenarioError
from .schema import LINE_SECTIONS


def line_years(scenario) -> int:
    """Each option's posts and cost lines, times the years: the projection's size."""
    lines = 0
    for option in scenario.options:
        lines += len(option.staffing) + sum(len(getattr(option, section)) for section in LINE_SECTIONS)
        if option.partnership is not None:
            lines += len(option.partnership.partner_posts) + len(option.partnership.service_charges)
        # The scenario's placements are lines of every option; its changes to them, of its own.
        lines += len(scenario.placements) + len(option.placement_changes)
        lines += 1  # the option's own rows (risk, timeline), however few lines it lists
    return lines * scenario.timeline.years


#: Where a range is drawn: a range elsewhere (employer NI, the discount schedule, a profile, the
#: published figures, the appraisal) is refused by the loader, so it asks for no draws.
_UNDRAWN = ("employer_ni", "discounting", "profile")


def least_work_as_written(data: object) -> tuple[int, bool] | None:
    """From a file's data as read, before any of it is checked: the projection's size counting only the
    lists the file writes out (never more than `line_years` of the scenario it loads as, which also
    counts a list one option borrows from another), and whether any figure states a range to draw.
    None where the data is not shaped like a scenario; the loader then says why."""
    try:
        years, options = data["timeline"]["years"], data["options"]
    except (KeyError, TypeError):
        return None
    if type(years) is not int or not 1 <= years <= 100 or not isinstance(options, list):
        return None
    lines = 0
    for option in options:
        if not isinstance(option, dict):
            return None
        lists = [option.get(section) for section in ("staffing",) + LINE_SECTIONS]
        partnership = option.get("partnership")
        if isinstance(partnership, dict):
            lists += [partnership.get("partner_posts"), partnership.get("service_charges")]
        lines += 1 + sum(len(items) for items in lists if isinstance(items, list))
    return lines * years, _states_a_range(data.get("assumptions")) or _states_a_range(options)


def _states_a_range(node: object) -> bool:
    if isinstance(node, dict):
        if "low" in node and "high" in node:
            return True
        return any(_states_a_range(value) for key, value in node.items() if key not in _UNDRAWN)
    if isinstance(node, list):
        return any(_states_a_range(value) for value in node)
    return False


def work_problem(scenario, chosen: Limits, draws: int = 0, doing: str = "its workbook's analysis") -> str | None:
    """Why the projection, or `draws` draws of it, is beyond the limits; None if within them."""
    size = line_years(scenario)
    options, years = len(scenario.options), scenario.timeline.years
    if size > chosen.line_years:
        return (f"the projection is {size:,} line-years ({options} options' posts and cost lines over {years} "
                f"years); the limit is {chosen.line_years:,} ({RAISE})")
    if draws and draws * size > chosen.drawn_line_years:
        return (f"{doing} projects {draws:,} draws of {size:,} line-years, {draws * size:,} in all; the limit is "
                f"{chosen.drawn_line_years:,} ({RAISE})")
    return None


def check_work(scenario, chosen: Limits, draws: int = 0, doing: str = "its workbook's analysis") -> None:
    """Raises ScenarioError naming the scenario's file where its work is beyond the limits."""
    problem = work_problem(scenario, chosen, draws, doing)
    if problem is not None:
        lines = getattr(scenario, "_source_lines", None) or {}
        raise ScenarioError([Problem(scenario.source_path or "<scenario>", lines.get(("timeline", "years")),
                                     "timeline.years" if ("timeline", "years") in lines else "", problem)])
