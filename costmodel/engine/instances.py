"""A scenario option -> the instances of each line group, with their inputs.

This is the one place that maps scenario keys onto the names the formulas in
`lines.py` use. The engine evaluates these instances; the workbook writes
the same inputs on its Inputs sheet and the same formulas on the option sheet.
"""

from __future__ import annotations

import datetime as _dt
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial

import numpy as np

from ..scenario.schema import (BUILT_IN_INDICES, OUT_OF_CARE, Activity, Figure, IndexedContract, LineItem, Option,
                               Placement, Scenario, fixed, ramp_by_year)
from ..scenario.units import financial_year_label, month_label
from .. import lines as L
from ..scenario.posts import Staffing
from ..lines.contracts import MIX_SLOTS, index_series
from ..lines.settlement import COVERS
from .timeline import rate_for_year

YEAR = "financial year (starting April)"


@dataclass
class LineInstance:
    id: str
    label: str
    #: Where it was written in the scenario: the YAML path and line.
    path: str
    line: int | None
    inputs: dict[str, Figure] = field(default_factory=dict)
    choices: dict[str, str] = field(default_factory=dict)
    #: Inputs by year, such as the share of a set-up cost falling in each year.
    input_rows: dict[str, dict[int, float]] = field(default_factory=dict)
    source: str | None = None
    note: str | None = None
    #: Inputs (and input rows) this line shares with another line of its option: name -> (that line's
    #: id, its name there). The workbook shows each once, on the other line, and refers to it there.
    inputs_of: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: Inputs the branch this line chose (Pick) does not use, held only so that every line of its group
    #: has the same inputs (a placement stated by year has no growth rate); not shown on Inputs.
    unused: frozenset[str] = frozenset()

    @property
    def own_inputs(self) -> list[str]:
        """The inputs shown under this line on Inputs: those not another line's, and used."""
        return [name for name in self.inputs if name not in self.inputs_of and name not in self.unused]

    @property
    def own_input_rows(self) -> list[str]:
        return [name for name in self.input_rows if name not in self.inputs_of]


@dataclass(eq=False)
class GroupInstances:
    group: L.LineGroup
    instances: list[LineInstance]
    #: Each input (and choice) as one array over the instances, built once and kept: options
    #: sharing a staffing list share these too, so 100,000 posts are gathered once, not per option.
    columns: dict[str, object] = field(default_factory=dict, repr=False)
    #: When every instance runs in this period, whatever its own says: the posts another option
    #: lists, which this one employs all along (transferring at go-live) or fills from go-live.
    period: str | None = None

    def choice_of(self, instance: LineInstance, name: str) -> str:
        """What `instance` chose for `name` (its period, its index) in this group."""
        if name == "period" and self.period is not None:
            return self.period
        return instance.choices[name]

    def input_names(self) -> set[str]:
        """The inputs of its own its instances have, any of them."""
        if isinstance(self.instances, PostInstances):
            return set(self.instances.names)
        return {name for instance in self.instances for name in instance.inputs}

    def gather(self, name: str) -> np.ndarray:
        """Input `name` of every instance, as an (instances, 1) column."""
        instances = self.instances
        if isinstance(instances, PostInstances):
            column = instances.column(name)
            if column is not None:
                return column
        return np.fromiter((instance.inputs[name].value for instance in instances), float,
                           len(instances)).reshape(-1, 1)

    def chosen(self, name: str) -> Sequence[str]:
        """What every instance chose for `name`, in order."""
        if name == "period" and self.period is not None:
            return [self.period] * len(self.instances)
        if name == "period" and isinstance(self.instances, PostInstances):
            return self.instances.periods()
        return [self.choice_of(instance, name) for instance in self.instances]

    def all_choose(self, name: str) -> bool:
        """Whether every instance makes a choice of `name`."""
        if name == "period" and isinstance(self.instances, PostInstances):
            return True  # every post runs in a period (lines/activity.py), its own or its list's
        return all(name in instance.choices for instance in self.instances)

    def sharing(self, period: str) -> "GroupInstances":
        """The same instances, and the same gathered inputs, all running in `period`."""
        return GroupInstances(self.group, self.instances, self.columns, period)


def option_inputs(scenario: Scenario, option: Option) -> dict[str, Figure]:
    """Inputs every line of an option shares, with where each comes from."""
    assumptions = scenario.assumptions
    levy = assumptions.apprenticeship_levy
    council, employer = _pension_rates(assumptions.pension_rate, option)
    return {
        "council_pension_rate": council,
        "pension_rate": employer,
        "levy_rate": levy.rate,
        "levy_allowance": levy.allowance,
        "own_levy_allowance": option.own_levy_allowance(),
        "vat_rate": assumptions.vat_rate,
        "irrecoverable_share": option.irrecoverable_vat_share(),
    }


def _pension_rates(council_rate: Figure, option: Option) -> tuple[Figure, Figure]:
    """(the council's pension rate, the rate of the option's employer from go-live).

    Stated per employer: the council's in the assumptions, a new body's on its option. In the
    council families the employer is the council throughout, and an option's own rate is its.
    """
    if not option.employer_changes_at_go_live:
        rate = option.pension_rate or council_rate
        return rate, rate
    if option.pension_rate is not None:
        return council_rate, option.pension_rate
    assumed = council_rate.model_copy()  # the same figure, drawn with it in a simulation
    assumed.note = (f"{option.employer_name.capitalize()}'s rate is not stated, so the council's is used; "
                    f"state an admitted body's rate with pension_rate")
    return council_rate, assumed


@lru_cache(maxsize=1024)
def _year(value: int, source: str | None = None) -> Figure:
    # One figure per year and source, shared by every line that starts or ends then (never
    # changed once made): a large establishment would otherwise make two for every post.
    return fixed(float(value), YEAR, source)


def _activity(item: Activity, scenario: Scenario, holder: Activity | None = None) -> tuple[dict, dict]:
    """first_year/last_year inputs and the period choice, from the item or the section holding it."""
    holder = holder or item
    first = scenario.timeline.first_year
    last = first + scenario.timeline.years - 1
    inputs = {
        "first_year": _year(holder.first_year if holder.first_year is not None else first,
                            None if holder.first_year is not None else "default: the first year"),
        "last_year": _year(holder.last_year if holder.last_year is not None else last,
                           None if holder.last_year is not None else "default: the last year"),
    }
    return inputs, {"period": holder.period}


def _kind_instances(kind: L.LineKind, items: list[LineItem], scenario: Scenario,
                    path: str) -> tuple[list[LineInstance], list[LineInstance]]:
    """Each item of a kind of line: its years and period, its declared inputs, what it grows with;
    (those at their full amount from the start, those reaching it over a ramp)."""
    plain, ramped = [], []
    for index, item in enumerate(items):
        inputs, choices = _activity(item, scenario)
        inputs.update((name, getattr(item, name)) for name in kind.inputs)
        if kind.index is not None:
            choices["index"] = item.index
        ramp = getattr(item, "ramp", None)
        rows = {"ramp": ramp_by_year(ramp, scenario.years)} if ramp is not None else {}
        line = getattr(item, kind.inputs[0]).line if kind.inputs else None
        (ramped if ramp is not None else plain).append(
            LineInstance(item.id, item.name, f"{path}.{kind.section}[{index}]", line, inputs, choices, rows,
                         source=item.source, note=item.note))
    return plain, ramped


#: A post's figures the engine reads straight from the post, by the names its inputs have.
_POST_FIGURES = ("count", "fte", "salary", "vacancy", "agency_share", "agency_premium", "on_costs", "on_cost_rate")


class PostInstances(Sequence):
    """One kind of post of a staffing list (on-costs computed, stated or as a rate): the engine's
    instances, each made only when something asks for them one by one.

    A projection reads a list's figures a column at a time (`column`), straight from the list
    (`Staffing.values_of`, which makes no post): 100,000 posts of instances, made on every call only
    to be read back into arrays, were a third of a projection's time. The workbook, the review and
    published figures about one post ask for the instances themselves (indexing, iterating), and get
    them, made once.
    """

    def __init__(self, staffing, indices: list[int], names: frozenset[str], years: tuple[int, int], by_month: bool,
                 build):
        self._staffing = staffing
        self._indices = indices  # where this kind's posts are in the list, in its order
        #: The inputs every post of it has (as its instances would say).
        self.names = names
        self._years = years  # (the first year, the last year): a post's own, where it states none
        self._by_month = by_month
        self._build = build  # () -> the list of instances, in the posts' order
        self._built: list[LineInstance] | None = None
        self._figures: dict[str, np.ndarray] = {}  # each of _POST_FIGURES asked for, as a column
        self._periods: tuple[str, ...] | None = None

    @property
    def built(self) -> list[LineInstance]:
        if self._built is None:
            self._built = self._build()
        return self._built

    def __len__(self) -> int:
        return len(self._indices)

    def __getitem__(self, index):
        return self.built[index]

    def __iter__(self):
        return iter(self.built)

    def _of_kind(self, name: str) -> list:
        values = self._staffing.values_of(name)
        return values if len(self._indices) == len(values) else [values[i] for i in self._indices]

    def column(self, name: str) -> np.ndarray | None:
        """Every post's value of input `name`, as a (posts, 1) column; None for an input only its
        instance works out (a post's months, its scale), gathered from the instances instead."""
        if name in _POST_FIGURES:
            if name not in self.names:
                return None
            if name not in self._figures:
                self._figures[name] = np.array(self._of_kind(name), dtype=float).reshape(-1, 1)
            return self._figures[name]
        if name in ("first_year", "last_year") and not self._by_month:
            default = self._years[name == "last_year"]
            values = [default if year is None else year for year in self._of_kind(name)]
        else:
            return None
        return np.array(values, dtype=float).reshape(-1, 1)

    def periods(self) -> tuple[str, ...]:
        """Every post's period, as its instance's choice of "period" says: read once (a workbook asks
        for them for every row a staffing table shows), kept as a tuple no caller can change."""
        if self._periods is None:
            self._periods = tuple(self._of_kind("period"))
        return self._periods


def _staffing_groups(scenario: Scenario, option_index: int) -> tuple[GroupInstances | None, ...]:
    """The posts of an option: those whose on-costs are computed, those stated as an amount, and as a rate."""
    option = scenario.options[option_index]
    staffing = Staffing.of(option.staffing)
    # A list in which any post starts or ends part-way through a year is costed month by month,
    # every post of it alike, so that a large one is one table with the same columns throughout.
    by_month = any(month is not None for name in ("first_month", "last_month") for month in staffing.values_of(name))
    # Likewise a list in which any post progresses up a scale: every post of it has a drift, a step and
    # a top of its scale (none, none and its salary, for a post that stays where it is).
    progression = any(rate is not None for name in ("pay_drift", "pay_step") for rate in staffing.values_of(name))
    kinds = [0 if amount is None and rate is None else 1 if amount is not None else 2
             for amount, rate in zip(staffing.values_of("on_costs"), staffing.values_of("on_cost_rate"))]
    built: list[list[LineInstance]] = []
    # Held by what projections derive from the scenario (projection.py, _DERIVED), which must not
    # keep the scenario alive: a reference that lets it go.
    of_scenario = weakref.ref(scenario)

    def build(kind: int) -> list[LineInstance]:
        if not built:  # every kind's at once: one pass over the list, in its order
            built.extend(_staffing_instances(of_scenario(), option_index, by_month, progression))
        return built[kind]

    names = {"first_year", "last_year", "count", "fte", "salary", "vacancy", "agency_share", "agency_premium"}
    if by_month:
        names |= {"first_month_offset", "last_month_count"}
    if progression:
        names |= {"pay_drift", "pay_step", "salary_max"}
    first = scenario.timeline.first_year
    years = (first, first + scenario.timeline.years - 1)
    # The choices every post of the list makes alike, gathered once for the group, not post by post.
    alike = {("choice", "months", None): np.array(["months" if by_month else "years"]),
             ("choice", "progression", None): np.array(["scale" if progression else "none"])}
    out = []
    for kind, (group, extra) in enumerate(((L.POSTS, ()), (L.POSTS_STATED, ("on_costs",)),
                                           (L.POSTS_RATE, ("on_cost_rate",)))):
        indices = [index for index, of in enumerate(kinds) if of == kind]
        out.append(GroupInstances(group, PostInstances(staffing, indices, frozenset(names.union(extra)), years,
                                                       by_month, partial(build, kind)), dict(alike))
                   if indices else None)
    return tuple(out)


def _staffing_instances(scenario: Scenario, option_index: int, by_month: bool,
                        progression: bool) -> tuple[list[LineInstance], ...]:
    """Each post of an option's list as an instance: (on-costs computed, stated, as a rate)."""
    option = scenario.options[option_index]
    owner = option_index
    if option.staffing_same_as is not None:
        owner = next(i for i, other in enumerate(scenario.options) if other.id == option.staffing_same_as)
    path = f"options[{owner}]"  # where the posts are written
    computed, stated, rated = [], [], []
    for index, post in enumerate(option.staffing):
        inputs, choices = _activity(post, scenario)
        choices["months"] = "months" if by_month else "years"
        choices["progression"] = "scale" if progression else "none"
        if by_month:
            inputs.update(_months(post, scenario, f"{path}.staffing[{index}]"))
        inputs.update(count=post.count, fte=post.fte, salary=post.salary, vacancy=post.vacancy,
                      agency_share=post.agency_share, agency_premium=post.agency_premium)
        if post.on_costs is not None:
            inputs["on_costs"] = post.on_costs
        if post.on_cost_rate is not None:
            inputs["on_cost_rate"] = post.on_cost_rate
        instance = LineInstance(post.id, post.title, f"{path}.staffing[{index}]", post.salary.line,
                                inputs, choices, source=post.source, note=post.note)
        if progression:
            inputs.update(_progression(post, scenario))
            if not post.progresses:
                instance.inputs_of["salary_max"] = (post.id, "salary")  # its top is its salary: one cell on Inputs
        (stated if post.on_costs is not None else rated if post.on_cost_rate is not None else computed).append(instance)
    return computed, stated, rated


def _progression(post, scenario: Scenario) -> dict[str, Figure]:
    """A post's drift, step and top of its scale, for a list in which some post progresses."""
    none = "no pay progression stated"
    drift = post.pay_drift or fixed(0.0, "rate", none)
    step = post.pay_step or fixed(0.0, "pounds", none)
    if post.salary_max is not None:
        top = post.salary_max
    elif post.progresses:
        # No top stated: one the salary cannot reach within the horizon, at the top of its range.
        years = scenario.timeline.years
        salary, growth = _highest(post.salary), _highest(drift)
        top = fixed(salary * (1 + growth) ** years + _highest(step) * years, "pounds",
                    "no top of the scale stated", "above what the salary can reach by the end of the horizon")
    else:
        top = post.salary  # the same figure (drawn with it in a simulation); shown once, as the salary
    return {"pay_drift": drift, "pay_step": step, "salary_max": top}


def _highest(figure: Figure) -> float:
    """The top of a figure's range: its high, six standard deviations above it, or the figure."""
    if figure.high is not None:
        return figure.high
    return figure.value + 6 * figure.sd if figure.sd is not None else figure.value


def _months(post, scenario: Scenario, path: str) -> dict[str, Figure]:
    """first_year and last_year from a post's months, and the months of those years it runs."""
    starts = post.starts or (scenario.timeline.first_year, 0)
    ends = post.ends or (scenario.timeline.first_year + scenario.timeline.years - 1, 12)
    first_line = _line_of(post, "first_month")
    last_line = _line_of(post, "last_month")
    out = {"first_month_offset": Figure(value=float(starts[1]), unit="months", line=first_line,
                                        path=f"{path}.first_month" if first_line else None,
                                        note=f"starts {month_label(*post.first_month)}" if post.first_month
                                        else None, source=None if post.first_month else "default: the whole year"),
           "last_month_count": Figure(value=float(ends[1]), unit="months", line=last_line,
                                      path=f"{path}.last_month" if last_line else None,
                                      note=f"ends {month_label(*post.last_month)}" if post.last_month else None,
                                      source=None if post.last_month else "default: the whole year")}
    if post.first_month is not None:
        out["first_year"] = _year(starts[0], None)
    if post.last_month is not None:
        out["last_year"] = _year(ends[0], None)
    return out


def _line_of(post, key: str) -> int | None:
    return post.month_lines.get(key)


def option_groups(scenario: Scenario, option_index: int, shared: dict | None = None) -> list[GroupInstances]:
    """Every line group of an option, in the order the engine computes them.

    Give the same `shared` dict for every option of a scenario and options that employ the
    same posts (`staffing_same_as`) get the same post groups, gathered once.
    """
    option = scenario.options[option_index]
    path = f"options[{option_index}]"
    groups: list[GroupInstances] = []

    if shared is None:
        shared = {}
    key = ("staffing", id(option.staffing))
    if key not in shared:
        shared[key] = _staffing_groups(scenario, option_index)
    computed, stated, rated = shared[key]
    if option.staffing_same_as is not None:
        # Another option's posts: the same people, employed here all along and transferring to this
        # option's employer at go-live, or (staffing_transfers: false) filled afresh from go-live.
        period = "whole_horizon" if option.staffing_transfers else "after_go_live"
        computed, stated, rated = (group.sharing(period) if group else None for group in (computed, stated, rated))
    if computed:
        groups.append(computed)
        groups.append(GroupInstances(L.LEVY_ALLOWANCE, [
            LineInstance("_levy_allowance", "Apprenticeship levy allowance", f"{path}", None)]))
    groups += [group for group in (stated, rated) if group]

    partnership = option.partnership
    if partnership is not None:
        partner_posts = []
        for index, post in enumerate(partnership.partner_posts):
            inputs, choices = _activity(partnership, scenario)
            inputs.update(count=post.count, annual_cost=post.annual_cost, time_share=post.time_share)
            choices["index"] = partnership.index
            partner_posts.append(LineInstance(post.id, post.title, f"{path}.partnership.partner_posts[{index}]",
                                              post.annual_cost.line, inputs, choices,
                                              source=post.source, note=post.note))
        groups.append(GroupInstances(L.PARTNER_POSTS, partner_posts))
        inputs, choices = _activity(partnership, scenario)
        inputs.update(direct_overhead_rate=partnership.direct_overhead_rate,
                      direct_overhead_allowance=partnership.direct_overhead_allowance,
                      departmental_overhead_rate=partnership.departmental_overhead_rate,
                      back_office_rate=partnership.back_office_rate)
        choices["index"] = partnership.index
        label = f"Overheads charged by {partnership.partner}" if partnership.partner else "Partnership overheads"
        groups.append(GroupInstances(L.PARTNERSHIP_OVERHEADS, [
            LineInstance("_partnership_overheads", label, f"{path}.partnership",
                         partnership.direct_overhead_rate.line, inputs, choices,
                         source=partnership.source, note=partnership.note)]))
        groups += _kind_groups(partnership, "partnership", scenario, f"{path}.partnership")

    groups += _kind_groups(option, "option", scenario, path)

    contracts = [_contract_instance(scenario, contract, f"{path}.indexed_contracts[{index}]")
                 for index, contract in enumerate(option.indexed_contracts)]
    if contracts:
        groups.append(GroupInstances(L.INDEXED_CONTRACTS, contracts))

    groups += _placement_groups(scenario, option, path)

    groups += _one_off_groups(option.setup, f"{path}.setup", L.SETUP, L.SETUP_CAPITAL)
    groups += _one_off_groups(option.exit_costs, f"{path}.exit_costs", L.EXIT_COSTS, L.EXIT_CAPITAL)

    risk = option.failure_risk
    if risk is not None:
        inputs, choices = _activity(risk, scenario)
        inputs.update(annual_probability=risk.annual_probability, cost=risk.cost)
        groups.append(GroupInstances(L.FAILURE_RISK, [
            LineInstance("_failure_risk", "Cost of an inadequate Ofsted judgement", f"{path}.failure_risk",
                         risk.annual_probability.line, inputs, choices, source=risk.source, note=risk.note)]))

    groups += _kind_groups(option, "option", scenario, path, after_setup=True)
    if option.contract_sum is not None:
        # Last: what the council pays the body is worked out from the body's lines, all costed by now.
        groups.append(_settlement(scenario, option, f"{path}.contract_sum"))
    return [group for group in groups if group.instances]


def _settlement(scenario: Scenario, option: Option, path: str) -> GroupInstances:
    """What the council pays the option's company or trust: its contract sum, surplus or deficit, and tax."""
    settlement = option.contract_sum
    years = scenario.years
    inputs = {"surplus_returned": settlement.surplus_returned, "deficit_met": settlement.deficit_met,
              "contract_margin": settlement.margin or fixed(0.0, "rate", "the contract sum is stated by year")}
    rows: dict[str, dict[int, float]] = {}
    if settlement.basis == "by_year":
        stated = {year: figure.value for year, figure in settlement.by_year.items()}
        # Before the first year stated (go-live) there is no contract: 0; after the last, carried forward.
        rows["contract_sum"] = {year: rate_for_year(stated, year) if year >= min(stated) else 0.0 for year in years}
    if option.pays_corporation_tax:
        for name, table in scenario.priced_with.corporation_tax.items():
            rows[name] = _carried(table, years)
    group = L.COMPANY_SETTLEMENT if option.pays_corporation_tax else L.UNTAXED_SETTLEMENT
    line = (settlement.margin or next(iter(settlement.by_year.values()))).line
    return GroupInstances(group, [LineInstance(
        "_settlement", option.employer_name[:1].upper() + option.employer_name[1:], path, line, inputs, {"basis": settlement.basis}, rows,
        source=settlement.source, note=" ".join(filter(None, (COVERS, settlement.note))),
        unused=frozenset({"contract_margin"} if settlement.basis == "by_year" else ()))])


def _one_off_groups(items, path: str, revenue: L.LineGroup, capital: L.LineGroup) -> list[GroupInstances]:
    """One-off costs by the years they fall in: the revenue ones, then the capital ones (a category apart)."""
    by_treatment: dict[bool, list[LineInstance]] = {False: [], True: []}
    for index, item in enumerate(items):
        bias = item.optimism_bias
        inputs = {
            "amount": item.amount,
            "vat_share": item.vat_share,
            "optimism_bias_upper": bias.upper_bound if bias else fixed(0.0, "rate", "no optimism bias stated"),
            "optimism_bias_lower": bias.lower_bound if bias else fixed(0.0, "rate", "no optimism bias stated"),
            "optimism_bias_mitigation": bias.mitigation if bias else fixed(0.0, "rate", "no optimism bias stated"),
        }
        choices = {"index": item.index}
        kind = getattr(item, "kind", None)
        if kind is not None:
            choices["exit_kind"] = kind
        # The Inputs sheet says an item is capital; a set-up item that says nothing is revenue, as always.
        if item.capital or kind is not None:
            choices["treatment"] = "capital" if item.capital else "revenue"
        by_treatment[item.capital].append(LineInstance(item.id, item.name, f"{path}[{index}]", item.amount.line,
                                                       inputs, choices, {"share": item.shares()},
                                                       source=item.source, note=item.note))
    return [GroupInstances(revenue, by_treatment[False]), GroupInstances(capital, by_treatment[True])]


def _kind_groups(holder, under: str, scenario: Scenario, path: str, after_setup: bool = False) -> list[GroupInstances]:
    """The kinds of line written under an option or its partnership, in the order they are declared."""
    out = []
    for kind in L.KINDS.values():
        if kind.under == under and kind.after_setup == after_setup:
            plain, ramped = _kind_instances(kind, getattr(holder, kind.section), scenario, path)
            out.append(GroupInstances(kind.group, plain))
            if ramped:
                out.append(GroupInstances(kind.ramped_group, ramped))
    return out


#: The assumptions each index grows with, and its name in a reader's words.
_INDEX_RATES = {"general": ("general_inflation", "the general index (GDP deflator)"),
                "pay": ("pay_awards", "the pay index (pay awards)")}


def price_uplift(scenario: Scenario, index: str, price_year: int) -> Figure:
    """The factor that takes a cost at `price_year` prices to the price base, with the index it grows with.

    The index moves by each year's rate from the year after the price year up to the price base
    (back, where the price year is later); a year before the scenario's table of rates takes its
    earliest rate, and the note says so.
    """
    base = scenario.timeline.price_base
    if index == "none" or price_year == base:
        why = "flat cash: not uplifted" if index == "none" else "already at price-base prices"
        return fixed(1.0, "factor", "derived from the scenario", f"{financial_year_label(price_year)} prices; {why}")
    key, words = _INDEX_RATES[index]
    value = getattr(scenario.assumptions, key).value
    table = {year: figure.value for year, figure in value.items()} if isinstance(value, dict) else None
    steps = range(price_year + 1, base + 1) if price_year < base else range(base + 1, price_year + 1)
    factor, parts, carried = 1.0, [], False
    for year in steps:
        rate = value.value if table is None else rate_for_year(table, year)
        carried = carried or (table is not None and year < min(table))
        factor *= 1 + rate
        parts.append(f"{financial_year_label(year)} {rate * 100:g}%")
    if price_year > base:
        factor = 1 / factor
    direction = "back " if price_year > base else ""
    note = (f"{financial_year_label(price_year)} prices taken {direction}to {financial_year_label(base)} prices "
            f"with {words}: {', '.join(parts)}" + (" (years before the table take its earliest rate)" if carried else ""))
    return fixed(factor, "factor", f"derived from the scenario's {key.replace('_', ' ')}", note)


def _placement_instance(scenario: Scenario, placement: Placement, index: int) -> LineInstance:
    """A placement type's inputs: its demand, its weekly cost and the uplift to the price base."""
    path = f"placements[{index}]"
    by_year = placement.by_year()
    if by_year is not None:
        first = scenario.timeline.first_year
        children = placement.children_by_year[first]
        inputs = {"children": children, "growth": fixed(0.0, "rate", "not used: the numbers are stated by year")}
        rows, demand, unused = {"children_by_year": _carried(by_year, scenario.years)}, "by_year", {"growth"}
    else:
        growth = placement.growth or fixed(0.0, "rate", "no growth stated: the same number every year")
        inputs, rows, demand, unused = {"children": placement.children, "growth": growth}, {}, "growth", set()
    weekly = placement.weekly()
    if placement.unit_cost is not None:
        line = scenario.source_lines.get(("placements", index, "unit_cost"))
        weekly = weekly.model_copy(update={"line": line})
    inputs.update(weekly_cost=weekly,
                  price_uplift=price_uplift(scenario, placement.index, placement.cost_price_year()),
                  weeks_a_year=placement.weeks_a_year)
    line = (placement.children or weekly).line
    return LineInstance(placement.id, placement.name, path, line, inputs, {"demand": demand, "index": placement.index},
                        rows, source=placement.source or (placement.shipped.source if placement.shipped else None),
                        note=placement.note, unused=frozenset(unused))


def _carried(by_year: dict[int, float], years: list[int]) -> dict[int, float]:
    """A table by year for every year of the horizon, the last stated carried forward."""
    return {year: rate_for_year(by_year, year) for year in years}


def _placement_groups(scenario: Scenario, option: Option, path: str) -> list[GroupInstances]:
    """The scenario's placements, the same in every option, and this option's changes to them."""
    if not scenario.placements:
        return []
    placements = {placement.id: _placement_instance(scenario, placement, index)
                  for index, placement in enumerate(scenario.placements)}
    changes = []
    for index, change in enumerate(option.placement_changes):
        source = placements[change.from_]
        shared = [name for name in source.inputs] + list(source.input_rows)
        inputs = dict(source.inputs)
        inputs["change"] = change.change
        inputs_of = {name: (source.id, name) for name in shared if name not in source.unused}
        choices = {"demand": source.choices["demand"], "index": source.choices["index"]}
        if change.to == OUT_OF_CARE:
            inputs["to_weekly_cost"] = fixed(0.0, "pounds", "out of care: no placement cost")
            inputs["to_price_uplift"] = fixed(1.0, "factor", "out of care: no placement cost")
            choices["to_index"] = "none"
        else:
            target = placements[change.to]
            inputs["to_weekly_cost"] = target.inputs["weekly_cost"]
            inputs["to_price_uplift"] = target.inputs["price_uplift"]
            inputs_of.update(to_weekly_cost=(target.id, "weekly_cost"), to_price_uplift=(target.id, "price_uplift"))
            choices["to_index"] = target.choices["index"]
        rows = {**source.input_rows, "ramp": change.shares(scenario.years)}
        changes.append(LineInstance(change.id, change.name, f"{path}.placement_changes[{index}]", change.change.line,
                                    inputs, choices, rows, source=change.source, note=change.note,
                                    inputs_of=inputs_of, unused=source.unused))
    return [GroupInstances(L.PLACEMENTS, list(placements.values())), GroupInstances(L.PLACEMENT_CHANGES, changes)]


# --------------------------------------------------------------------------- contracts with indexation clauses

def _contract_instance(scenario: Scenario, contract: IndexedContract, path: str) -> LineInstance:
    """A contract's inputs: its price and term, its clause (the indices it mixes, margin, cap, floor), its end."""
    first = contract.first_year if contract.first_year is not None else scenario.timeline.first_year
    uplift = contract.uplift
    first_uplift = contract.first_uplift if contract.first_uplift is not None else first + 1
    months_before = (contract.uplift_month - 4) % 12
    month = _dt.date(2000, contract.uplift_month, 1).strftime("%B")
    inputs = {
        "first_year": _year(first, "the term, as stated" if contract.first_year is not None
                            else "default: the first year"),
        "last_year": _year(contract.last_year, "the term's last year, as stated (a break taken ends it sooner)"),
        "price": contract.price,
        "price_to_base": price_uplift(scenario, "general", first),
    }
    unused = set()
    choices = {"period": contract.period, "limits": uplift.limits(),
               "break": "stated" if contract.break_ is not None else "none"}
    mixed = list(uplift.indices().items())
    for slot in range(1, MIX_SLOTS + 1):
        weight, choice = f"index_weight_{slot}", f"index_{slot}"
        if slot <= len(mixed):
            name, figure = mixed[slot - 1]
            words = BUILT_IN_INDICES.get(name) or _index_words(scenario, name)
            inputs[weight] = figure.model_copy(update={"note": f"index {slot}: {words}"})
            choices[choice] = index_series(name)
        else:
            inputs[weight] = fixed(0.0, "rate", "not used: the clause names fewer indices")
            choices[choice] = "none"
            unused.add(weight)
    inputs.update({
        "uplift_margin": _stated(uplift.fixed, uplift.margin) or fixed(0.0, "rate", "no margin stated"),
        "uplift_floor": _stated(uplift.floor) or fixed(0.0, "rate", "not used: no floor stated"),
        "uplift_cap": _stated(uplift.cap) or fixed(0.0, "rate", "not used: no cap stated"),
        "first_uplift_year": _year(first_uplift, "stated: first_uplift" if contract.first_uplift is not None
                                   else "default: the year after the first year"),
        "uplift_month_offset": fixed(float(months_before), "months",
                                     f"stated: uplift_month: {month}" if "uplift_month" in contract.model_fields_set
                                     else "default: April, the start of the year",
                                     f"the uplift applies from {month}: {months_before} months of each year at the "
                                     f"price before it"),
        "vat_share": contract.vat_share,
    })
    if uplift.floor is None:
        unused.add("uplift_floor")
    if uplift.cap is None:
        unused.add("uplift_cap")
    terms = contract.break_
    if terms is not None:
        inputs.update(break_year=_year(terms.year, "stated: the break"), break_cost=terms.cost,
                      break_taken=fixed(1.0 if terms.exercised else 0.0, "flag",
                                        f"stated: break exercised: {str(terms.exercised).lower()}",
                                        "this option takes the break" if terms.exercised
                                        else "this option runs the whole term"))
    else:
        inputs.update(break_year=_year(contract.last_year, "no break: the term's last year"),
                      break_cost=fixed(0.0, "pounds", "no break"), break_taken=fixed(0.0, "flag", "no break"))
        unused |= {"break_year", "break_cost", "break_taken"}
    inputs["reprocurement_cost"] = contract.reprocurement_cost
    return LineInstance(contract.id, contract.name, path, contract.price.line, inputs, choices,
                        source=contract.source, note=contract.note, unused=frozenset(unused))


def _stated(*figures: Figure | None) -> Figure | None:
    """The first of these the scenario states."""
    return next((figure for figure in figures if figure is not None), None)


def _index_words(scenario: Scenario, name: str) -> str:
    index = scenario.assumptions.indices[name]
    return f"{index.name} (assumptions.indices.{name})" if index.name else f"assumptions.indices.{name}"
