"""Scenario -> Projection: every option, line and year, in cash, real and present value.

Pure: no files, no printing. Each line group is evaluated once for all its
instances and all years (numpy broadcasting over an instances x years array).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import __version__
from ..scenario.schema import Figure, Option, PublishedFigure, Scenario
from ..scenario.units import financial_year_label
from .categories import CATEGORIES
from .instances import GroupInstances, LineInstance, option_groups, option_inputs
from .lines import LineFormula
from .timeline import Timeline, build_timeline


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


@dataclass
class OptionResult:
    option: Option
    timeline: Timeline
    inputs: dict[str, Figure]
    groups: list[GroupInstances]
    rows: list[RowResult]

    @property
    def cost_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.category is not None]

    def cash(self) -> np.ndarray:
        """Total cash by year; an option with no cost lines costs zero in every year."""
        return _sum((row.cash for row in self.cost_rows), len(self.timeline.years))

    def real(self) -> np.ndarray:
        return self.cash() * self.timeline.series["real_factor"][0]

    def pv(self) -> np.ndarray:
        return self.cash() * self.timeline.series["pv_factor"][0]


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

    @property
    def difference(self) -> float:
        return self.computed - self.expected

    @property
    def ok(self) -> bool:
        # A hair of slack so a figure exactly on the tolerance passes despite float noise.
        return abs(self.difference) <= self.tolerance + 1e-9 * max(1.0, abs(self.expected))


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

    @property
    def summary(self) -> pd.DataFrame:
        """Per option: totals, NPC, EAC, difference from the baseline, break-even year, rank."""
        baseline = next(result for result in self.options if result.option.baseline)
        base_cash, base_npc = baseline.cash(), baseline.pv().sum()
        records = []
        for result in self.options:
            cash, pv = result.cash(), result.pv()
            npc = float(pv.sum())
            annuity = float(result.timeline.series["discount_factor"][0].sum())
            records.append({
                "option": result.option.id,
                "name": result.option.name,
                "family": result.option.family,
                "baseline": result.option.baseline,
                "cash_total": float(cash.sum()),
                "real_total": float(result.real().sum()),
                "npc": npc,
                "eac": npc / annuity,
                "vs_baseline_cash": float(cash.sum() - base_cash.sum()),
                "vs_baseline_npc": float(npc - base_npc),
                "break_even_year": None if result.option.baseline else break_even_year(cash, base_cash, self.year_labels),
            })
        frame = pd.DataFrame.from_records(records)
        # Keep None (not NaN) where an option never breaks even, so the JSON says null.
        frame["break_even_year"] = pd.Series([r["break_even_year"] for r in records], dtype=object)
        # Ties share a rank; a penny's difference is not a difference in a Cabinet paper.
        frame["rank"] = frame["npc"].round(2).rank(method="min").astype(int)
        return frame

    def to_json(self) -> dict:
        """The documented results (docs/results-json.md) as plain data."""
        summary = self.summary.set_index("option")
        options = []
        for result in self.options:
            option = result.option
            row = summary.loc[option.id]
            cash, real, pv = result.cash(), result.real(), result.pv()
            by_category = {}
            for category in CATEGORIES:
                members = [r for r in result.cost_rows if r.category == category]
                if members:
                    cat_cash = _sum((r.cash for r in members), len(self.years))
                    cat_pv = cat_cash * result.timeline.series["pv_factor"][0]
                    by_category[category] = {"cash": _money(cat_cash.sum()), "npc": _money(cat_pv.sum())}
            options.append({
                "id": option.id,
                "name": option.name,
                "family": option.family,
                "baseline": option.baseline,
                "cash_total": _money(row["cash_total"]),
                "real_total": _money(row["real_total"]),
                "npc": _money(row["npc"]),
                "eac": _money(row["eac"]),
                "rank": int(row["rank"]),
                "vs_baseline": {"cash": _money(row["vs_baseline_cash"]), "npc": _money(row["vs_baseline_npc"])},
                "break_even_year": row["break_even_year"],
                "annual": [{"year": label, "cash": _money(cash[t]), "real": _money(real[t]), "pv": _money(pv[t])}
                           for t, label in enumerate(self.year_labels)],
                "by_category": by_category,
            })
        return {
            "costmodel_version": __version__,
            "scenario": {
                "id": self.scenario.metadata.id,
                "title": self.scenario.metadata.title,
                "fingerprint": self.fingerprint,
                "price_base": financial_year_label(self.scenario.timeline.price_base),
                "discounting": self.scenario.assumptions.discounting.schedule,
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


def _sum(arrays, width: int) -> np.ndarray:
    total = np.zeros(width)
    for values in arrays:
        total = total + values
    return total


def _money(value: float) -> float:
    """Pounds to the penny for output; the engine itself never rounds."""
    return round(float(value), 2) + 0.0


def break_even_year(cash: np.ndarray, baseline_cash: np.ndarray, labels: list[str]) -> str | None:
    """The first year from which the option's cumulative cash cost stays at or below the baseline's.

    "At or below" allows a difference of less than a penny, as the workbook's formula does.
    """
    ahead = np.cumsum(cash) - np.cumsum(baseline_cash) < 0.01
    if not ahead[-1]:
        return None
    behind = np.nonzero(~ahead)[0]
    return labels[0 if behind.size == 0 else behind[-1] + 1]


def fingerprint(scenario: Scenario) -> str:
    """SHA-256 of the scenario text and the tool version: what an auditor re-runs."""
    digest = hashlib.sha256()
    digest.update(f"costmodel {__version__}\n".encode())
    digest.update((scenario.source_text or scenario.model_dump_json()).encode("utf-8"))
    return digest.hexdigest()


# --------------------------------------------------------------------------- evaluation

class _GroupEnv:
    """Names -> arrays for one group: inputs (n, 1), series (1, T), rows (n, T)."""

    def __init__(self, group: GroupInstances, timeline: Timeline, shared: dict[str, Figure],
                 totals: dict[str, np.ndarray], reference: bool, sampled: dict[str, np.ndarray] | None = None,
                 draws: int | None = None):
        self.instances = group.instances
        self.timeline = timeline
        self.shared = shared
        self.totals = totals
        self.reference = reference
        # In a simulation: figure (by its path) -> its value in each draw; arrays gain a leading draws axis.
        self.sampled = sampled or {}
        self.draws = draws
        self.rows: dict[str, np.ndarray] = {}
        self._cache: dict[str, np.ndarray] = {}
        # A line's own input must not share a name with an option-wide one, or one would hide the other.
        clash = {name for inst in self.instances for name in inst.inputs} & (set(shared) | set(timeline.inputs))
        if clash:
            raise ValueError(f"input names {sorted(clash)} are both a line's own and option-wide")

    def input(self, name):
        if name in self.shared:
            figure = self.shared[name]
            drawn = self.sampled.get(figure.path) if figure.path else None
            return figure.value if drawn is None else drawn.reshape(-1, 1, 1)
        if name in self.timeline.inputs:
            return self.timeline.inputs[name]
        if name not in self._cache:
            figures = [inst.inputs[name] for inst in self.instances]
            values = np.array([[figure.value] for figure in figures])
            drawn = [(i, self.sampled[f.path]) for i, f in enumerate(figures) if f.path in self.sampled]
            if drawn:
                values = np.repeat(values[np.newaxis], self.draws, axis=0)
                for i, samples in drawn:
                    values[:, i, 0] = samples
            self._cache[name] = values
        return self._cache[name]

    def input_row(self, name):
        key = "row:" + name
        if key not in self._cache:
            years = self.timeline.years
            self._cache[key] = np.array([[inst.input_rows[name].get(y, 0.0) for y in years]
                                         for inst in self.instances])
        return self._cache[key]

    def choice(self, name):
        key = "choice:" + name
        if key not in self._cache:
            self._cache[key] = np.array([inst.choices[name] for inst in self.instances])
        return self._cache[key]

    def series(self, name):
        return self.timeline.series[name]

    def row(self, name):
        return self.rows[name]

    def total(self, name):
        return self.totals.get(name, np.zeros((1, len(self.timeline.years))))

    @property
    def shape(self) -> tuple:
        rows = (len(self.instances), len(self.timeline.years))
        return rows if self.draws is None else (self.draws,) + rows

    def prev(self, name):
        raise KeyError(f"Prev({name}) is only for timeline rows")

    def evaluate(self, formula: LineFormula) -> np.ndarray:
        shape = self.shape
        use_full_year = self.reference and formula.full_year is not None
        expression = formula.full_year if use_full_year else formula.formula
        values = np.broadcast_to(np.asarray(expression.evaluate(self), dtype=float), shape).copy()
        self.rows[formula.key] = values
        return values


def _evaluate_option(scenario: Scenario, index: int) -> OptionResult:
    option = scenario.options[index]
    timeline = build_timeline(scenario, option)
    reference = build_timeline(scenario, option, reference=True)
    shared = option_inputs(scenario, option)
    groups = option_groups(scenario, index)
    totals: dict[str, np.ndarray] = {}
    reference_totals: dict[str, np.ndarray] = {}
    rows: list[RowResult] = []
    for group in groups:
        env = _GroupEnv(group, timeline, shared, totals, reference=False)
        reference_env = _GroupEnv(group, reference, shared, reference_totals, reference=True)
        for formula in group.group.rows:
            values = env.evaluate(formula)
            full_year = reference_env.evaluate(formula)[:, 0]
            for i, instance in enumerate(group.instances):
                rows.append(RowResult(option.id, group.group.key, instance, formula, values[i], float(full_year[i])))
        for key, values in env.rows.items():
            totals[key] = totals.get(key, 0.0) + values.sum(axis=0, keepdims=True)
        for key, values in reference_env.rows.items():
            reference_totals[key] = reference_totals.get(key, 0.0) + values.sum(axis=0, keepdims=True)
    return OptionResult(option, timeline, shared, groups, rows)


def project_draws(scenario: Scenario, sampled: dict[str, np.ndarray], draws: int) -> dict[str, tuple]:
    """Each option's cash and present value by draw and year, with drawn values for some figures.

    The same line definitions as `project`, evaluated for every draw at once: arrays are
    (draws, instances, years). Returns option id -> (cash, present value), each (draws, years).
    """
    out = {}
    for index, option in enumerate(scenario.options):
        timeline = build_timeline(scenario, option, sampled=sampled, draws=draws)
        shared = option_inputs(scenario, option)
        totals: dict[str, np.ndarray] = {}
        cash = np.zeros((draws, len(timeline.years)))
        for group in option_groups(scenario, index):
            env = _GroupEnv(group, timeline, shared, totals, reference=False, sampled=sampled, draws=draws)
            for formula in group.group.rows:
                values = env.evaluate(formula)
                if formula.category is not None:
                    cash += values.sum(axis=1)
            for key, values in env.rows.items():
                totals[key] = totals.get(key, 0.0) + values.sum(axis=-2, keepdims=True)
        pv_factor = timeline.series["pv_factor"].reshape(-1, len(timeline.years))
        out[option.id] = (cash, cash * pv_factor)
    return out


def project(scenario: Scenario) -> Projection:
    """Project every option of a checked scenario, year by year."""
    options = [_evaluate_option(scenario, index) for index in range(len(scenario.options))]
    projection = Projection(scenario, scenario.years, options)
    projection.checks = [_check(projection, check) for check in scenario.published_figures]
    return projection


# --------------------------------------------------------------------------- published figures

def _check(projection: Projection, check: PublishedFigure) -> CheckResult:
    result = projection.option(check.option)
    rows = result.cost_rows
    if check.post is not None or check.posts is not None:
        wanted = {check.post} if check.post else set(check.posts or [])
        rows = [row for row in rows if row.group in ("posts", "posts_stated") and row.instance.id in wanted]
        what = "post " + check.post if check.post else "posts " + ", ".join(check.posts or [])
    elif check.category is not None:
        rows = [row for row in rows if row.category == check.category]
        what = "category " + check.category
    elif check.line is not None:
        rows = [row for row in rows if row.instance.id == check.line]
        what = "line " + check.line
    else:
        what = "option total"
    heads = 1.0
    if check.each:
        heads = next(post.count.value for post in result.option.staffing if post.id == check.post)
        what += ", per head"
    if check.basis == "full_year":
        computed = sum(row.full_year for row in rows)
        what += ", a full year at price-base prices"
    else:
        factor = {"cash": 1.0, "real": result.timeline.series["real_factor"][0],
                  "pv": result.timeline.series["pv_factor"][0]}[check.measure]
        values = _sum((row.cash for row in rows), len(projection.years)) * factor
        if check.year is not None:
            computed = float(values[projection.years.index(check.year)])
            what += f", {financial_year_label(check.year)} {check.measure}"
        else:
            computed = float(values.sum())
            what += f", total over the horizon, {check.measure}"
    computed = computed / heads if heads else 0.0
    return CheckResult(check.name, check.option, what, check.amount.value, float(computed),
                       check.tolerance_value(), check.source, check.note, check.amount.line)


def projection_json(projection: Projection) -> str:
    return json.dumps(projection.to_json(), indent=2, ensure_ascii=False) + "\n"
