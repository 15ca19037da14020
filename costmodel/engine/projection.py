"""Scenario -> Projection: every option, line and year, in cash, real and present value.

Pure: no files, no printing. Each line group is evaluated once for all its
instances and all years (numpy broadcasting over an instances x years array).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from functools import cached_property, partial
from typing import TYPE_CHECKING

import numpy as np

from .. import __version__
from ..scale import derived_from, without_cycle_collection
from ..scenario.schema import Figure, Option, PublishedFigure, Scenario
from ..scenario.units import financial_year_label
from ..lines import TOTALLED, LineFormula, LineGroup
from ..lines.categories import TRANSFERS
from ..lines.formula import Before, BinOp, by_shape
from ..lines.totals import PUBLISHED
from .instances import GroupInstances, LineInstance, PostInstances, option_groups, option_inputs
from .timeline import Timeline, build_timeline, drawn_into_timelines
from .totals import OptionTotals, Selection

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class RowResult:
    """One row of one instance: its cash by year, and its value for a full year at price-base prices."""

    option: str
    group: str
    instance: LineInstance
    formula: LineFormula
    cash: np.ndarray
    full_year: float

    @property
    def category(self) -> str | None:
        return self.formula.category

    @property
    def label(self) -> str:
        if self.formula.key in ("cost", "expected_cost") or self.formula.label == self.instance.label:
            return self.instance.label
        return f"{self.formula.label}: {self.instance.label}"


@dataclass(eq=False)
class GroupResult:
    """One line group of one option, as the engine computes it: each row for every instance at once."""

    option: str
    instances: GroupInstances
    #: Row key -> cash summed over the instances, by year.
    totals: dict[str, np.ndarray]
    #: Works out every instance's rows again (see `cash`).
    _evaluate: Callable[[], dict[str, np.ndarray]] = field(repr=False)
    #: The option's full-year values, group by group (see `full_year`).
    _full_years: _FullYears = field(repr=False)
    _position: int = field(repr=False)

    @property
    def group(self) -> LineGroup:
        return self.instances.group

    @property
    def cost_formulas(self) -> list[LineFormula]:
        return [formula for formula in self.group.rows if formula.category is not None]

    @cached_property
    def cash(self) -> dict[str, np.ndarray]:
        """Row key -> each instance's cash by year, an (instances, years) array.

        Worked out again when first asked for (by the workbook, or a published figure about one
        post), not kept from the projection: the totals are all most uses need, and 100,000 posts
        x 10 options x 30 years of rows would be gigabytes.
        """
        return self._evaluate()

    @property
    def full_year(self) -> dict[str, np.ndarray]:
        """Row key -> each instance's value for a full year at price-base prices, an (instances,) array."""
        return self._full_years.by_group[self._position]


class _FullYears:
    """One option's full-year values (at price-base prices, once live), every group's together.

    Only the workbook's full-year column and published figures stated for a full year need
    them, so they are worked out when first asked for, not with every projection (a
    sensitivity analysis makes hundreds).
    """

    def __init__(self, scenario: Scenario, option: Option, inputs: dict[str, Figure], groups: list[GroupInstances]):
        self._args = scenario, option, inputs, groups

    @cached_property
    def by_group(self) -> list[dict[str, np.ndarray]]:
        scenario, option, inputs, groups = self._args
        reference = build_timeline(scenario, option, reference=True)
        totals: dict[str, np.ndarray] = {}
        out = []
        for group in groups:
            sums, rows = evaluate_group(group, reference, inputs, totals, reference=True)
            out.append({key: values[:, 0] for key, values in rows.items()})
            for key, values in sums.items():
                totals[key] = totals.get(key, 0.0) + values.reshape(1, -1)
        return out


@dataclass(eq=False)
class OptionResult:
    option: Option
    timeline: Timeline
    inputs: dict[str, Figure]
    groups: list[GroupInstances]
    results: list[GroupResult]

    @cached_property
    def rows(self) -> list[RowResult]:
        """Every row of every instance, one object each: for the workbook, which shows them all."""
        out = []
        for result in self.results:
            key = result.group.key
            for formula in result.group.rows:
                cash, full_year = result.cash[formula.key], result.full_year[formula.key]
                out.extend(RowResult(self.option.id, key, instance, formula, cash[i], float(full_year[i]))
                           for i, instance in enumerate(result.instances.instances))
        return out

    @property
    def cost_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.category is not None]

    @cached_property
    def totals(self) -> OptionTotals:
        """Its totals, summaries and checks (costmodel/lines/totals.py); the projection sets it among the others."""
        return OptionTotals(self)

    def category_cash(self, category: str) -> np.ndarray:
        """Cash by year of one category's lines, summed over instances."""
        total = np.zeros(len(self.timeline.years))
        for result in self.results:
            for formula in result.cost_formulas:
                if formula.category == category:
                    total = total + result.totals[formula.key]
        return total

    def cash(self) -> np.ndarray:
        """Total cash by year (the option sheet's total row); an option with no cost lines costs nothing."""
        return self.totals.row("total_cash").copy()

    def real(self) -> np.ndarray:
        return self.totals.row("total_real").copy()

    def pv(self) -> np.ndarray:
        return self.totals.row("total_pv").copy()


@dataclass
class CheckResult:
    name: str
    option: str
    what: str
    expected: float
    computed: float
    tolerance: float
    source: str | None
    note: str | None
    line: int | None

    def measure(self, name: str) -> float:
        """Its figures, by the names the published-figure test uses (costmodel/lines/totals.py)."""
        if name == "difference":
            return PUBLISHED["difference"].formula.evaluate(self)
        return {"computed": self.computed, "as_published": self.expected, "tolerance": self.tolerance}[name]

    @property
    def difference(self) -> float:
        return self.measure("difference")

    @property
    def ok(self) -> bool:
        # The Checks sheet's test, the same tree: within the tolerance, either way.
        return bool(PUBLISHED["agrees"].formula.evaluate(self) == 1)


#: The totals a summary gives for each option, in its columns' order after the option's name and family.
_SUMMARY_MEASURES = ("cash_total", "real_total", "npc", "eac", "vs_baseline_cash", "vs_baseline_npc", "transfers_pv",
                     "capital_cash_total")


@dataclass(frozen=True)
class OptionSummary:
    """One option's totals over the horizon, as the Summary sheet, the terminal and the JSON give them."""

    option: str
    name: str
    family: str
    baseline: bool
    cash_total: float
    real_total: float
    npc: float
    eac: float
    vs_baseline_cash: float
    vs_baseline_npc: float
    transfers_pv: float
    capital_cash_total: float
    break_even_year: str | None
    rank: int


@dataclass
class Projection:
    scenario: Scenario
    years: list[int]
    options: list[OptionResult]
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def year_labels(self) -> list[str]:
        return [financial_year_label(year) for year in self.years]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.scenario)

    def option(self, option_id: str) -> OptionResult:
        return next(result for result in self.options if result.option.id == option_id)

    @property
    def lines(self) -> pd.DataFrame:
        """One row per option x cost line x year: category, cash, real and present value."""
        import pandas as pd  # only here and in `summary`: checking a scenario needs no table library

        records = []
        labels = self.year_labels
        for result in self.options:
            real_factor = result.timeline.series["real_factor"][0]
            pv_factor = result.timeline.series["pv_factor"][0]
            for row in result.cost_rows:
                real, pv = row.cash * real_factor, row.cash * pv_factor
                for t, year in enumerate(self.years):
                    records.append((result.option.id, row.group, row.instance.id, row.formula.key, row.label,
                                    row.category, labels[t], year, row.cash[t], real[t], pv[t]))
        return pd.DataFrame.from_records(records, columns=[
            "option", "group", "line", "row", "label", "category", "year", "year_start", "cash", "real", "pv"])

    @cached_property
    def summaries(self) -> list[OptionSummary]:
        """Per option, in the scenario's order: totals, NPC, EAC, difference from the baseline, break-even
        year, rank. Plain records, worked out once: `run` shows and writes them without a table library."""
        return [OptionSummary(
            option=result.option.id, name=result.option.name, family=result.option.family,
            baseline=result.option.baseline,
            **{key: float(result.totals.measure(key)) for key in _SUMMARY_MEASURES},
            break_even_year=None if result.option.baseline else result.totals.measure("break_even_year"),
            rank=int(result.totals.measure("rank")),
        ) for result in self.options]

    @property
    def ranked(self) -> list[OptionSummary]:
        """The summaries from the lowest net present cost (rank 1) up; options of one rank by id."""
        return sorted(self.summaries, key=lambda summary: (summary.rank, summary.option))

    def summary_of(self, option_id: str) -> OptionSummary:
        return next(summary for summary in self.summaries if summary.option == option_id)

    @property
    def summary(self) -> pd.DataFrame:
        """`summaries` as a table, one row per option, for a caller who wants pandas."""
        import pandas as pd  # only here and in `lines`: nothing costmodel itself runs needs a table

        records = [asdict(summary) for summary in self.summaries]
        frame = pd.DataFrame.from_records(records, columns=[f.name for f in fields(OptionSummary)])
        # Keep None (not NaN) where an option never breaks even, so the JSON says null.
        frame["break_even_year"] = pd.Series([r["break_even_year"] for r in records], dtype=object)
        return frame

    def to_json(self) -> dict:
        """The projection's part of the documented results (docs/results-json.md), as plain data; the
        whole, with the appraisal and the model review, is `costmodel.report.Report.to_json()`."""
        options = []
        for result, row in zip(self.options, self.summaries):
            option = result.option
            cash, real, pv = result.cash(), result.real(), result.pv()
            by_category = {}
            for category in result.totals.categories:
                rows = result.totals.of(category)
                cash_by_year = rows.row("category_cash")
                by_category[category] = {"cash": _money(cash_by_year.sum()),
                                         "npc": _money(rows.row("category_pv").sum()),
                                         "annual": [_money(value) for value in cash_by_year]}
            options.append({
                "id": option.id,
                "name": option.name,
                "family": option.family,
                "baseline": option.baseline,
                "cash_total": _money(row.cash_total),
                "real_total": _money(row.real_total),
                "npc": _money(row.npc),
                "eac": _money(row.eac),
                "rank": int(row.rank),
                "vs_baseline": {"cash": _money(row.vs_baseline_cash), "npc": _money(row.vs_baseline_npc)},
                "break_even_year": row.break_even_year,
                "annual": [{"year": label, "cash": _money(cash[t]), "real": _money(real[t]), "pv": _money(pv[t])}
                           for t, label in enumerate(self.year_labels)],
                "by_category": by_category,
                "lines": self._lines(result),
                "economic": self._economic_case(result, row),
                "financial": self._financial_case(result, row),
            })
        return {
            "costmodel_version": __version__,
            "scenario": {
                "id": self.scenario.metadata.id,
                "title": self.scenario.metadata.title,
                "fingerprint": self.fingerprint,
                "price_base": financial_year_label(self.scenario.timeline.price_base),
                "discounting": self.scenario.assumptions.discounting.schedule,
                "parameter_set": self.scenario.priced_with.label,
                "parameter_set_pinned": self.scenario.priced_with.pinned,
            },
            "units": {"money": "GBP", "sign": "costs positive; savings and income negative"},
            "years": self.year_labels,
            "options": options,
            "checks": [{
                "name": check.name, "option": check.option, "what": check.what,
                "expected": _money(check.expected), "computed": _money(check.computed),
                "difference": _money(check.difference), "tolerance": _money(check.tolerance),
                "ok": check.ok, "source": check.source, "note": check.note, "line": check.line,
            } for check in self.checks],
        }

    def _lines(self, result: OptionResult) -> list[dict]:
        """Each cost row of each line but the posts, so two placements or two contracts in one category are
        told apart; a county's posts (tens of thousands) are in `by_category` and on the Staffing sheet."""
        pv_factor = result.timeline.series["pv_factor"][0]
        out = []
        for group in result.results:
            if isinstance(group.instances.instances, PostInstances):
                continue
            for formula in group.cost_formulas:
                for instance, cash in zip(group.instances.instances, group.cash[formula.key]):
                    row = RowResult(result.option.id, group.group.key, instance, formula, cash, 0.0)
                    out.append({"line": instance.id, "name": row.label, "group": group.group.key,
                                "row": formula.key, "category": formula.category, "cash": _money(cash.sum()),
                                "npc": _money((cash * pv_factor).sum()), "annual": [_money(value) for value in cash]})
        return out

    def _economic_case(self, result: OptionResult, row) -> dict:
        """Value for money to the public sector: real terms, discounted, transfers left out; it ranks the options."""
        economic = result.totals.row("economic_pv")
        return {
            "npc": _money(row.npc), "eac": _money(row.eac), "rank": int(row.rank),
            "vs_baseline": _money(row.vs_baseline_npc),
            "transfers_left_out": {"categories": sorted(TRANSFERS & set(result.totals.categories)),
                                   "pv": _money(row.transfers_pv)},
            "annual_pv": [{"year": label, "pv": _money(economic[t])} for t, label in enumerate(self.year_labels)],
        }

    def _financial_case(self, result: OptionResult, row) -> dict:
        """The council's budget: cash, year by year, undiscounted, transfers included, capital apart."""
        totals = result.totals
        cash, capital, revenue = totals.row("total_cash"), totals.row("capital_cash"), totals.row("revenue_cash")
        financial = {
            "cash_total": _money(row.cash_total), "capital_total": _money(row.capital_cash_total),
            "vs_baseline": _money(row.vs_baseline_cash),
            "payback_year": row.break_even_year,
            "annual": [{"year": label, "revenue": _money(revenue[t]), "capital": _money(capital[t]),
                        "cash": _money(cash[t])} for t, label in enumerate(self.year_labels)],
        }
        if totals.has_envelope:
            envelope = totals.series("budget_envelope")
            gap, cumulative = totals.row("envelope_gap"), totals.row("cumulative_gap")
            financial["affordability"] = {
                "first_year_above_envelope": totals.measure("first_unaffordable_year"),
                "gap_over_the_horizon": _money(totals.measure("envelope_gap_total")),
                "annual": [{"year": label, "envelope": _money(envelope[t]), "gap": _money(gap[t]),
                            "cumulative_gap": _money(cumulative[t])} for t, label in enumerate(self.year_labels)],
            }
        return financial


def _money(value: float) -> float:
    """Pounds to the penny for output; the engine itself never rounds."""
    return round(float(value), 2) + 0.0


def fingerprint(scenario: Scenario) -> str:
    """SHA-256 of the scenario text and the tool version, and of any establishment file its posts were
    read from (by its own SHA-256): what an auditor re-runs."""
    from ..scenario.establishment import fingerprint_lines

    digest = hashlib.sha256()
    digest.update(f"costmodel {__version__}\n".encode())
    digest.update((scenario.source_text or scenario.model_dump_json()).encode("utf-8"))
    digest.update(fingerprint_lines(scenario.establishments).encode("utf-8"))
    return digest.hexdigest()


# --------------------------------------------------------------------------- evaluation

#: Instances are evaluated a slice at a time, each working array about a megabyte (2**17 numbers),
#: so it stays in the processor's cache: time then grows in step with the number of posts instead
#: of jumping once arrays outgrow the cache.
CHUNK_CELLS = 2 ** 17


class Scratch:
    """Working arrays lent to a group's evaluation and taken back when it is done, to lend again.

    A simulation makes the same large arrays (draws x instances x years) chunk after chunk. Made
    afresh each time, the memory allocator hands every one back to the system and gets it again
    at the next chunk, and the system's zeroing of those pages cost more than the arithmetic: 1.7
    times the time on a synthetic scenario of 80 uncertain amounts. Lent again, they stay in use.
    It never holds more arrays than one group had lent at once.
    """

    def __init__(self):
        self.free: list[np.ndarray] = []
        self.lent: list[np.ndarray] = []

    def take(self, shape: tuple) -> np.ndarray:
        size = math.prod(shape)
        sizes = [array.size for array in self.free]
        fitting = [i for i, free in enumerate(sizes) if free >= size]
        if fitting:
            array = self.free.pop(min(fitting, key=sizes.__getitem__))
        else:
            if self.free:  # none is large enough: let the largest go, so their number does not grow
                self.free.pop(max(range(len(sizes)), key=sizes.__getitem__))
            array = np.empty(size)
        self.lent.append(array)
        return array[:size].reshape(shape)

    def take_back(self) -> None:
        """Once nothing lent is looked at again."""
        self.free += self.lent
        self.lent = []


def evaluate_group(group: GroupInstances, timeline: Timeline, inputs: dict[str, Figure],
                   totals: dict[str, np.ndarray], reference: bool = False,
                   sampled: dict[str, np.ndarray] | None = None, draws: int | None = None,
                   keep: bool = True, scratch: Scratch | None = None
                   ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray] | None]:
    """Every row of a line group: (row key -> sum over the instances by year, row key -> every instance's).

    The second is None unless `keep`. `totals` holds the option's rows summed over the groups
    before this one (for Total()). In a simulation (`draws`), every array gains a leading draws axis.
    With `scratch` (and not `keep`), large working arrays are borrowed from it and given back at the end.
    """
    # A line's own input must not share a name with an option-wide one, or one would hide the other.
    if ("names",) not in group.columns:
        group.columns[("names",)] = group.input_names()
    clash = group.columns[("names",)] & (set(inputs) | set(timeline.inputs))
    if clash:
        raise ValueError(f"input names {sorted(clash)} are both a line's own and option-wide")
    count, years = len(group.instances), len(timeline.years)
    lead = () if draws is None else (draws,)
    # Totals for the rows that cost something or that a later line adds up (Total()); a working
    # row such as the share of the year in post is only ever needed instance by instance.
    sums = {formula.key: np.zeros(lead + (years,)) for formula in group.group.rows
            if formula.category is not None or formula.key in TOTALLED}
    rows = {formula.key: np.empty(lead + (count, years)) for formula in group.group.rows} if keep else None
    # A simulation sizes its chunks of draws by the number of instances (uncertainty/simulate.py);
    # its instances go at once, so a draw's figures do not depend on how the draws are chunked.
    step = max(1, CHUNK_CELLS // years) if draws is None else max(1, count)
    for start in range(0, count, step):
        span = slice(start, min(count, start + step))
        env = _GroupEnv(group, span, timeline, inputs, totals, reference, sampled, draws,
                        None if keep else scratch)
        members = span.stop - span.start
        for formula in group.group.rows:
            values = np.asarray(env.evaluate(formula))
            values = values.reshape((1,) * max(0, 2 - values.ndim) + values.shape)
            if formula.key in sums:
                # Add up over the instances at the row's own shape: in a simulation, a row no drawn
                # figure reaches is (instances, years), and summing it at (draws, instances, years)
                # would do the same sum once for every draw.
                part = _sum_over_instances(values) if values.shape[-2] == members else values[..., 0, :] * members
                sums[formula.key] += part
            if formula.category is not None:
                _add_by_period(sums, group, env, formula, values, members, part)
            if keep:
                rows[formula.key][..., span, :] = values
        if env.scratch is not None:
            env.scratch.take_back()  # the slice's rows are added up: nothing lent is read again
    return sums, rows


#: The period a line without one of its own is taken to run in: all year (placements, the levy allowance).
_ALL_YEAR = "whole_horizon"


def _add_by_period(sums: dict, group: GroupInstances, env: "_GroupEnv", formula: LineFormula, values: np.ndarray,
                   members: int, total: np.ndarray) -> None:
    """A cost row added up by the period its instances run in, as ("costs", group, category, period);
    `total` is the row summed over the slice's instances.

    For a later line that adds up some groups' costs by who pays them (GroupCosts: what a company's
    contract sum covers is the lines after go-live, and the share of the year live of those all year)."""
    columns = group.columns
    if ("periods",) not in columns:
        columns[("periods",)] = group.period is not None or group.all_choose("period")
    chosen = env.choice("period") if columns[("periods",)] else np.array([_ALL_YEAR])
    prefix = ("costs", group.group.key, formula.category)
    if chosen.size == 1:
        # Every instance in one period (the usual case): the row's sum, already worked out, is that period's.
        key = prefix + (str(chosen[0]),)
        sums[key] = sums[key] + total if key in sums else total
        return
    for period in sorted({str(value) for value in chosen}):
        mask = chosen == period
        part = _sum_over_instances(values[..., mask, :]) if values.shape[-2] == members else \
            values[..., 0, :] * int(mask.sum())
        key = prefix + (period,)
        sums[key] = sums[key] + part if key in sums else part


def _sum_over_instances(values: np.ndarray) -> np.ndarray:
    """A row summed over its instances (the second axis from the end), adding them in order."""
    if values.ndim < 3:
        return values.sum(axis=-2)
    # (draws, instances, years): numpy reduces a middle axis a few numbers at a time; adding whole
    # (draws, years) planes is the same sums in the same order, two to four times faster.
    out = values[..., 0, :].copy()
    for instance in range(1, values.shape[-2]):
        out += values[..., instance, :]
    return out


class _GroupEnv:
    """Names -> arrays for a slice of one group's instances: inputs (n, 1), series (1, T), rows (n, T)."""

    def __init__(self, group: GroupInstances, span: slice, timeline: Timeline, shared: dict[str, Figure],
                 totals: dict[str, np.ndarray], reference: bool, sampled: dict[str, np.ndarray] | None,
                 draws: int | None, scratch: Scratch | None = None):
        self.group = group
        #: where large working arrays are borrowed from (lines/formula.py, BinOp), if anywhere
        self.scratch = scratch
        self.span = span
        self.timeline = timeline
        self.shared = shared
        self.totals = totals
        self.reference = reference
        # In a simulation: figure (by its path) -> its value in each draw; arrays gain a leading draws axis.
        self.sampled = sampled or {}
        self.draws = draws
        # How a product orders its factors (lines/formula.py, BinOp): in a projection, each instance's
        # figures together first, then the rows of years; in a simulation, by size, as it always has
        # (a figure there may vary by draw, by instance, or both).
        self.factor_order = by_shape if draws is None else np.size
        self.rows: dict[str, np.ndarray] = {}
        self._drawn: dict[str, np.ndarray] = {}
        #: Choices (Pick) already worked out for this slice, by node: the same node in several rows is one array.
        self.memo: dict[int, np.ndarray] = {}

    def _column(self, key: tuple, build) -> np.ndarray:
        """An input gathered over every instance of the group, once; this slice of it."""
        columns = self.group.columns
        if key not in columns:
            columns[key] = build(self.group.instances)
        return columns[key][self.span]

    def input(self, name):
        if name in self.shared:
            figure = self.shared[name]
            drawn = self.sampled.get(figure.path) if figure.path else None
            return figure.value if drawn is None else drawn.reshape(-1, 1, 1)
        if name in self.timeline.inputs:
            return self.timeline.inputs[name]
        values = self._column(("input", name), lambda instances: self.group.gather(name))
        if not self.sampled:
            return values
        if name not in self._drawn:
            figures = [instance.inputs[name] for instance in self.group.instances[self.span]]
            drawn = [(i, self.sampled[f.path]) for i, f in enumerate(figures) if f.path in self.sampled]
            if drawn:
                values = np.repeat(values[np.newaxis], self.draws, axis=0)
                for i, samples in drawn:
                    values[:, i, 0] = samples
            self._drawn[name] = values
        return self._drawn[name]

    def input_row(self, name):
        # A row some instances do not have (a placement's numbers by year, where others grow at a rate)
        # is read as zeros for them: only the branch each instance chose (Pick) keeps its values.
        years = self.timeline.years
        return self._column(("input_row", name, tuple(years)), lambda instances: np.array(
            [[instance.input_rows.get(name, {}).get(year, 0.0) for year in years] for instance in instances]))

    def choice(self, name):
        group = self.group
        # Options sharing a list share its columns; one running it in another period keys its own.
        key = ("choice", name, group.period if name == "period" else None)
        columns = group.columns
        if key not in columns:
            if group.period is not None and name == "period":
                chosen = np.array([group.period])
            else:
                chosen = np.array(group.chosen(name))
                if chosen.size and (chosen == chosen[0]).all():
                    # Every instance chose alike (every post of a list is costed by months, or without
                    # pay progression): one value stands for them all, and Pick takes its one branch
                    # without comparing a column of them in every slice.
                    chosen = chosen[:1]
            columns[key] = chosen
        chosen = columns[key]
        return chosen if chosen.size == 1 else chosen[self.span]

    def series(self, name):
        return self.timeline.series[name]

    def row(self, name):
        return self.rows[name]

    def total(self, name):
        return self.totals.get(name, np.zeros((1, len(self.timeline.years))))

    def group_costs(self, node):
        out = np.zeros((1, len(self.timeline.years)))
        for key, values in self.totals.items():
            if isinstance(key, tuple) and key[1] in node.groups:
                weight = node.weight(key[2], key[3])
                if weight != "none":
                    out = out + (values if weight == "full" else values * self.series("live"))
        return out

    def prev(self, name):
        raise KeyError(f"Prev({name}) is only for timeline rows")

    def before(self, name):
        """This slice's row `name` one column later: the first column takes the row's opening value."""
        values = self.rows[name]
        out = np.empty(values.shape)
        out[..., 0] = _opening(self.group.group, name)
        out[..., 1:] = values[..., :-1]
        return out

    def chosen_series(self, name):
        """The series each instance chose by `name` (the index its uplift follows), zeros where it chose none."""
        chosen = self.choice(name)
        out = 0.0
        for series in sorted({str(value) for value in chosen} - {"none"}):
            mask = (chosen == series).astype(float).reshape(-1, 1)
            out = out + mask * self.timeline.series[series]
        return np.asarray(out, dtype=float)

    def evaluate(self, formula: LineFormula) -> np.ndarray:
        """One row for this slice, at whatever shape broadcasting gives (the caller fills the full one)."""
        use_full_year = self.reference and formula.full_year is not None
        expression = formula.full_year if use_full_year else formula.formula
        step = None if use_full_year else _recurrence(formula.key, expression)
        if step is not None:
            # A row that is its own previous column times a step (a price factor compounding its
            # uplifts): every column's step at once, then their running product from the opening value.
            steps = np.asarray(step.evaluate(self), dtype=float)
            values = _opening(self.group.group, formula.key) * np.cumprod(steps, axis=-1)
        else:
            values = np.asarray(expression.evaluate(self), dtype=float)
        self.rows[formula.key] = values
        return values


#: id of a row's expression -> (the expression, the row's key, its step or None): a line's tree is the same in every
#: slice and every projection, and finding its names walks all of it.
_STEPS: dict[int, tuple] = {}


def _recurrence(key: str, expression) -> object | None:
    """The step, where `expression` is Before(key) x step: the row's previous column times something else."""
    held = _STEPS.get(id(expression))
    if held is None or held[0] is not expression or held[1] != key:
        held = _STEPS[id(expression)] = (expression, key, _find_recurrence(key, expression))
    return held[2]


def _find_recurrence(key: str, expression) -> object | None:
    if (isinstance(expression, BinOp) and expression.op == "*" and isinstance(expression.left, Before)
            and expression.left.name == key and ("before", key) not in expression.right.names()):
        return expression.right
    if any(kind == "before" and name == key for kind, name in expression.names()):
        raise ValueError(f"row {key!r} refers to its own previous column other than as Before({key}) x a step")
    return None


def _opening(group: LineGroup, key: str) -> float:
    """The value a row takes in the column before the first year: its full-year value, a constant."""
    return next(row.full_year.value for row in group.rows if row.key == key)


def _evaluate_option(scenario: Scenario, index: int, shared: dict, scratch: Scratch | None = None) -> OptionResult:
    option = scenario.options[index]
    timeline = build_timeline(scenario, option)
    inputs = option_inputs(scenario, option)
    groups = option_groups(scenario, index, shared)
    full_years = _FullYears(scenario, option, inputs, groups)
    totals: dict[str, np.ndarray] = {}
    results: list[GroupResult] = []
    for position, group in enumerate(groups):
        rows_again = partial(lambda *args: evaluate_group(*args)[1], group, timeline, inputs, dict(totals))
        sums, _ = evaluate_group(group, timeline, inputs, totals, keep=False, scratch=scratch)
        results.append(GroupResult(option.id, group, sums, rows_again, full_years, position))
        for key, values in sums.items():
            totals[key] = totals.get(key, 0.0) + values.reshape(1, -1)
    return OptionResult(option, timeline, inputs, groups, results)


def project_draws(scenario: Scenario, sampled: dict[str, np.ndarray], draws: int,
                  scratch: Scratch | None = None, plan: dict | None = None) -> dict[str, tuple]:
    """Each option's cash and present value by draw and year, with drawn values for some figures.

    The same line definitions as `project`, evaluated for every draw at once: arrays are
    (draws, instances, years). Returns option id -> (cash, present value), each (draws, years):
    the cash of the financial case, transfers included, and the present value of the economic
    case, transfers left out (lines/totals.py, `economic_pv`). A simulation calling it chunk after
    chunk passes one `scratch` and one `plan` for them all: the plan keeps each option's line groups
    and inputs, which no draw changes, so they are gathered once, and its timeline where no draw
    moves that either.
    """
    out = {}
    plan = {} if plan is None else plan
    shared_groups = plan.setdefault("shared", {})
    for index, option in enumerate(scenario.options):
        timeline = plan.get(("timeline", index))
        if timeline is None:
            timeline = build_timeline(scenario, option, sampled=sampled, draws=draws)
            if not drawn_into_timelines(scenario, sampled):
                plan[("timeline", index)] = timeline  # the same for every chunk: no draw moves it
        if index not in plan:
            plan[index] = (option_inputs(scenario, option), option_groups(scenario, index, shared_groups))
        inputs, groups = plan[index]
        totals: dict[str, np.ndarray] = {}
        cash = np.zeros((draws, len(timeline.years)))
        transfers = np.zeros((draws, len(timeline.years)))
        for group in groups:
            sums, _ = evaluate_group(group, timeline, inputs, totals, sampled=sampled, draws=draws, keep=False,
                                     scratch=scratch)
            for formula in group.group.rows:
                if formula.category is not None:
                    cash += sums[formula.key]
                    if formula.category in TRANSFERS:
                        transfers += sums[formula.key]
            for key, values in sums.items():
                totals[key] = totals.get(key, 0.0) + values[..., np.newaxis, :]
        pv_factor = timeline.series["pv_factor"].reshape(-1, len(timeline.years))
        out[option.id] = (cash, (cash - transfers) * pv_factor)
    return out


def project(scenario: Scenario) -> Projection:
    """Project every option of a checked scenario, year by year."""
    # Post groups of each staffing list, gathered once for every option employing it, and once for
    # every projection of this scenario.
    shared = derived_from(scenario)
    with without_cycle_collection():
        scratch = Scratch()  # each slice of posts' working arrays, lent again to the next (Scratch)
        options = [_evaluate_option(scenario, index, shared, scratch) for index in range(len(scenario.options))]
    projection = Projection(scenario, scenario.years, options)
    every = [result.totals for result in options]
    for totals in every:
        totals.among(every)
    projection.checks = [_check(projection, check) for check in scenario.published_figures]
    return projection


# --------------------------------------------------------------------------- published figures

def _check(projection: Projection, check: PublishedFigure) -> CheckResult:
    selection = Selection(check, projection.option(check.option))
    return CheckResult(check.name, check.option, selection.what, check.amount.value,
                       selection.computed(projection.years), check.tolerance_value(), check.source, check.note,
                       check.amount.line)
