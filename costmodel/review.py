"""The model review: patterns that are legal in a scenario but usually a mistake, said in words.

A scenario can pass every check of the format and still be quietly wrong: staff who should
transfer costing nothing before go-live, a figure drawn independently in each option that is
one quantity, a gateway nobody passes, a published figure checked so loosely that any
arithmetic agrees with it, rates that were announced after the appraisal was made. Each such
pattern is a warning with a stable code (docs/warnings.md), its file, line and field, and what
to do. A scenario may acknowledge a code with a reason (`acknowledge: {W104: "..."}`): the
warning is then listed as acknowledged, never hidden, and `--strict` lets it pass.

Warnings are values, like the loader's problems; the command line prints them.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from .appraisal.evaluate import gateways
from .engine.projection import Projection
from .scenario import defaults
from .scenario.loader import loc_of
from .scenario.posts import Staffing
from .scenario.problems import format_path
from .scenario.schema import Option, Scenario
from .scenario.units import financial_year_label, month_label
from .scenario.yamlread import line_of
from .scenario.ranges import ranged_figures

#: Every code the review can give, and what it is about (the first words of its documentation).
CODES = {
    "W100": "an acknowledgement of a warning the review does not give",
    "W101": "staff who seem to transfer are paid only after go-live",
    "W102": "one uncertain figure, drawn independently in several options",
    "W103": "a gateway that every option fails, the baseline included",
    "W104": "a published figure checked too loosely, or exactly against a rounded figure",
    "W105": "defaults announced after the scenario's date",
    "W106": "an option's placement change that starts before the option goes live",
}

#: A published figure's tolerance wider than this share of it lets almost any arithmetic agree.
LOOSE_TOLERANCE = 0.05


@dataclass(frozen=True)
class Warning:  # noqa: A001 - the domain's word; shadows the builtin only inside this module
    code: str
    file: str
    line: int | None
    path: str
    message: str
    #: The scenario's reason, where it acknowledges this code.
    acknowledged: str | None = None

    def __str__(self) -> str:
        """One line: in full where it needs reading; where acknowledged, what it is about."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.path}:" if self.path else ""
        if self.acknowledged:
            return f"{where}:{field} warning {self.code}, acknowledged: {CODES[self.code]}"
        return f"{where}:{field} warning {self.code}: {self.message}"

    def to_json(self) -> dict:
        return {"code": self.code, "line": self.line, "path": self.path, "message": self.message,
                "acknowledged": self.acknowledged}


def review(projection: Projection) -> list[Warning]:
    """Every warning about a projected scenario, in the order of the file."""
    scenario = projection.scenario
    found = [*_transfer_trap(scenario), *_independent_draws(scenario), *_gateways_nobody_passes(projection),
             *_loose_checks(scenario), *_later_announcements(scenario), *_changes_before_go_live(scenario)]
    acknowledged = scenario.acknowledge
    given = {code for code, _, _ in found}
    found += [("W100", ("acknowledge", code),
               f"acknowledges {code}, which the review does not give for this scenario; remove it, so that a "
               f"later {code} is not passed unread" if code in CODES else
               f"acknowledges {code}, which is not a warning of the model review ({', '.join(CODES)}); "
               f"see docs/warnings.md")
              for code in acknowledged if code not in given]
    name = scenario.source_path or "<scenario>"
    out = [Warning(code, name, _line(scenario, loc), format_path(loc), message,
                   " ".join(acknowledged[code].split()) if code in acknowledged and code != "W100" else None)
           for code, loc, message in found]
    return sorted(out, key=lambda w: (w.line or 0, w.code, w.path))


def _line(scenario: Scenario, loc: tuple) -> int | None:
    """The line of a section, or of a figure (whose line it carries)."""
    node = scenario
    for part in loc:
        if isinstance(node, dict) and part not in node:
            # A table by year is keyed by the year's number and named in a path by its label (2018/19).
            node = next((value for key, value in node.items()
                         if isinstance(key, int) and financial_year_label(key) == part), None)
        else:
            node = node[part] if isinstance(node, (list, dict, Staffing)) else getattr(node, str(part), None)
        if node is None:
            break
    figure_line = getattr(node, "line", None)
    if isinstance(figure_line, int):
        return figure_line
    return line_of(scenario.source_lines, loc)


def unacknowledged(warnings: list[Warning]) -> list[Warning]:
    return [warning for warning in warnings if warning.acknowledged is None]


def compared(warning: Warning) -> tuple[str, str]:
    """(code, what it says), as two versions of a scenario are compared: the field and message, and
    whether it is acknowledged, but not the line numbers, which move whenever a line is added above."""
    said = re.sub(r" \(line [0-9]+\)", "", f"{warning.path}: {warning.message}" if warning.path else warning.message)
    return warning.code, said + (" (acknowledged)" if warning.acknowledged else "")




def in_words(warnings: list[Warning]) -> str:
    """'no warnings', or '3 warnings, 2 of them acknowledged'."""
    count = len(warnings)
    acknowledged = sum(warning.acknowledged is not None for warning in warnings)
    said = f"{count} warning{'s' if count != 1 else ''}"
    if not count:
        return "no warnings"
    if acknowledged == count:
        return f"{said}, {'all ' if count > 1 else ''}acknowledged"
    return f"{said}, {acknowledged} of them acknowledged" if acknowledged else f"{said}, not acknowledged"


# --------------------------------------------------------------------------- W101

def _months(year: int, month: int) -> int:
    """A month as a count, to compare them."""
    return year * 12 + month


def _go_live_month(option: Option, scenario: Scenario) -> int:
    start = _months(scenario.timeline.first_year, 4)
    return start if option.go_live is None else max(start, _months(*option.go_live))


def _employed_from_the_start(option: Option, period: str, post, scenario: Scenario) -> bool:
    """Whether `option` employs `post` from the first day of the appraisal (the staff there today)."""
    if post.starts and _months(post.starts[0], 4) + post.starts[1] > _months(scenario.timeline.first_year, 4):
        return False
    live_from_start = _go_live_month(option, scenario) == _months(scenario.timeline.first_year, 4)
    return period == "whole_horizon" or (period == "after_go_live") == live_from_start


def _posts_of(option: Option, scenario: Scenario):
    """(its index, its id, the period it runs in for this option) for every post an option employs, read
    from the list without making its posts."""
    staffing = Staffing.of(option.staffing)
    ids = staffing.values_of("id")
    if option.staffing_same_as is not None:
        shared = "whole_horizon" if option.staffing_transfers else "after_go_live"
        return [(index, post_id, shared) for index, post_id in enumerate(ids)]
    return list(zip(range(len(ids)), ids, staffing.values_of("period")))


def _transfer_trap(scenario: Scenario):
    start = _months(scenario.timeline.first_year, 4)
    for index, option in enumerate(scenario.options):
        if option.staffing_same_as is not None or not option.staffing or option.go_live is None:
            continue
        moment = _go_live_month(option, scenario)
        staffing = Staffing.of(option.staffing)
        if moment <= start or any(period != "after_go_live" for period in staffing.values_of("period")):
            continue
        ids = set(staffing.values_of("id"))
        for other in scenario.options:
            if other is option:
                continue
            same = [post_id for index, post_id, period in _posts_of(other, scenario)
                    if post_id in ids and _employed_from_the_start(other, period, other.staffing[index], scenario)]
            if same:
                shown = ", ".join(same[:5]) + (f" and {len(same) - 5} more" if len(same) > 5 else "")
                yield ("W101", ("options", index, "staffing"),
                       f"every post of this option runs only after go-live ({month_label(*option.go_live)}), but "
                       f"option '{other.id}' employs the same posts ({shown}) from the start. If they are the same "
                       f"staff, transferring under TUPE, they are paid before go-live too: give them period: "
                       f"whole_horizon, or write staffing_same_as: {other.id}. If they are new posts, "
                       f"acknowledge W101 with the reason")
                break


# --------------------------------------------------------------------------- W102

def _independent_draws(scenario: Scenario):
    groups: dict[tuple, list] = {}
    for ranged in ranged_figures(scenario):
        figure = ranged.figure
        if ranged.option is None:
            continue  # a shared assumption is one figure already
        key = (ranged.what, figure.unit, figure.value, figure.low, figure.high, figure.drawn_as, figure.sd,
               figure.source)
        groups.setdefault(key, []).append(ranged)
    for members in groups.values():
        options = {ranged.option for ranged in members}
        draws = {ranged.figure.draw for ranged in members}
        if len(options) < 2 or (len(draws) == 1 and None not in draws):
            continue
        first = members[0]
        for ranged in members[1:]:
            yield ("W102", loc_of(ranged.figure.path),
                   f"{ranged.what} has the same range and source as in {first.option} (line {first.figure.line}) "
                   f"but is drawn independently, so a simulation takes them as two quantities that never move "
                   f"together. If it is one, give both the same draw name (draw: a-name); if two, acknowledge "
                   f"W102 with the reason")


# --------------------------------------------------------------------------- W103

def _gateways_nobody_passes(projection: Projection):
    appraisal = projection.scenario.appraisal
    if appraisal is None:
        return
    baseline = projection.scenario.baseline.id
    outcomes = [(entry, gateways(appraisal, entry, projection)) for entry in appraisal.long_list]
    for index, gateway in enumerate(appraisal.gateways):
        results = [(entry, gates[index].passed) for entry, gates in outcomes]
        assessed = [passed for _, passed in results if passed is not None]
        baseline_fails = any(entry.option == baseline and passed is False for entry, passed in results)
        if assessed and not any(assessed) and baseline_fails:
            yield ("W103", ("appraisal", "gateways", index),
                   f"no option passes the {gateway.name} gateway, the baseline included, so nothing reaches the "
                   f"shortlist and nothing is scored. A gateway the business-as-usual option fails is usually set "
                   f"wrong (a budget envelope below what the service costs today, or in the wrong prices)")


# --------------------------------------------------------------------------- W104

def _loose_checks(scenario: Scenario):
    for index, check in enumerate(scenario.published_figures):
        amount, tolerance = abs(check.amount.value), check.tolerance_value()
        where = ("published_figures", index, "tolerance" if check.tolerance is not None else "amount")
        if amount and tolerance > LOOSE_TOLERANCE * amount:
            yield ("W104", where,
                   f"the tolerance (±£{tolerance:,.0f}) is {tolerance / amount:.0%} of the figure (£{amount:,.0f}): "
                   f"a figure checked this loosely agrees with almost any arithmetic. Give a tolerance of at most "
                   f"{LOOSE_TOLERANCE:.0%}, or write the figure to the digits the paper gives")
        elif check.tolerance is not None and tolerance == 0 and (check.amount.precision or 1.0) >= 1.0:
            yield ("W104", where,
                   f"a tolerance of zero on a figure given to the pound or rounder (£{amount:,.0f}): the arithmetic "
                   f"is in pence, so it cannot agree exactly. Leave tolerance out (half the last digit written) or "
                   f"give the paper's rounding")


# --------------------------------------------------------------------------- W105

def _later_announcements(scenario: Scenario):
    made = scenario.metadata.date
    stated = scenario.assumptions.employer_ni
    years = range(min(scenario.timeline.first_year, scenario.timeline.price_base), scenario.years[-1] + 1)
    priced_with = scenario.priced_with
    later = []
    for year, what, day, event in defaults.NI_ANNOUNCEMENTS:
        announced = _dt.date.fromisoformat(day)
        if priced_with.as_known_at is not None and announced > priced_with.as_known_at:
            continue  # not in the figures the scenario is priced with
        table = stated.thresholds if "threshold" in what else stated.rates
        defaulted = priced_with.ni_threshold if "threshold" in what else priced_with.ni_rate
        # The default of `year` prices a year of the appraisal where it is the latest entry by then of the
        # shipped table with the scenario's over it, and the scenario states none for `year` itself.
        used = year not in table and any(max(k for k in (*table, *defaulted) if k <= each) == year for each in years
                                         if any(k <= each for k in (*table, *defaulted)))
        if used and announced > made:
            later.append(f"{what} (announced {_day(announced)})")
    if later:
        yield ("W105", ("metadata", "date"),
               f"this scenario is dated {_day(made)} but prices employer NI with defaults announced later: "
               f"{'; '.join(later)}. To reproduce the appraisal as it was made, write parameters: {{as_known_at: "
               f"{made.isoformat()}}} (only what had been announced by then), or state assumptions.employer_ni as "
               f"then known (from {financial_year_label(years[0])}); or acknowledge W105 with the reason")


# --------------------------------------------------------------------------- W106

def _changes_before_go_live(scenario: Scenario):
    """A placement change whose ramp starts in a financial year before the one its option goes live in: the
    children move before the body whose plan moves them exists, and the option's case is credited with it."""
    for index, option in enumerate(scenario.options):
        if option.go_live is None or not option.placement_changes:
            continue
        year, month = option.go_live
        live_year = year if month >= 4 else year - 1
        for number, change in enumerate(option.placement_changes):
            starts = min((y for y, share in change.ramp.items() if share.value > 0), default=None)
            if starts is not None and starts < live_year:
                yield ("W106", ("options", index, "placement_changes", number, "ramp", financial_year_label(starts)),
                       f"the change's ramp moves children from {financial_year_label(starts)}, but the option goes "
                       f"live in {month_label(*option.go_live)}: the plan is credited with savings before the "
                       f"body that carries it out exists. Start the ramp in {financial_year_label(live_year)} or "
                       f"later, or acknowledge W106 with the reason (the council starts the plan itself first)")


def _day(day: _dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


__all__ = ["CODES", "Warning", "in_words", "review", "unacknowledged"]
