"""The timeline: years, indices, NI by tax year, discount factors, go-live shares.

Rates by year come from the scenario's assumptions (a table by year carries
its last stated rate forward); the rows built on them are the formulas in
`lines.TIMELINE_ROWS`, evaluated here column by column.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario.units import financial_year_of
from ..scenario.schema import Figure, Option, Scenario, YearlyRates
from ..lines import TIMELINE_OPENING, TIMELINE_ROWS
from ..lines.contracts import index_series
from ..lines.formula import Prev


def rate_for_year(table: dict[int, float], year: int) -> float:
    """The rate stated for `year`, or the last one stated before it."""
    earlier = [y for y in table if y <= year]
    if not earlier:
        return table[min(table)]
    return table[max(earlier)]


def _figures_by_year(rates: YearlyRates, years: list[int]) -> list[Figure]:
    value = rates.value
    return [value] * len(years) if isinstance(value, Figure) else [rate_for_year(value, year) for year in years]


def yearly(rates: YearlyRates, years: list[int], sampled: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """The rate for each year: (years,), or (draws, years) where a figure is drawn in a simulation."""
    figures = _figures_by_year(rates, years)
    if sampled and any(f.path in sampled for f in figures):
        draws = len(next(sampled[f.path] for f in figures if f.path in sampled))
        return np.stack([sampled.get(f.path, np.full(draws, f.value)) for f in figures], axis=1)
    return np.array([f.value for f in figures])


def drawn_into_timelines(scenario: Scenario, sampled: dict[str, np.ndarray]) -> bool:
    """Whether a drawn figure is one that timelines are built on (inflation, pay awards, a named index,
    the only figures `build_timeline` takes from `sampled`): where none is, every chunk of a
    simulation has the very same timelines, and they need building only once."""
    assumptions = scenario.assumptions
    return any(figure.path in sampled
               for rates in (assumptions.general_inflation, assumptions.pay_awards, *assumptions.indices.values())
               for figure in _figures_by_year(rates, scenario.years))


def ni_tables(scenario: Scenario) -> tuple[dict[int, float], dict[int, float]]:
    return scenario.assumptions.employer_ni_tables(scenario.priced_with)


def discount_rates(scenario: Scenario, year_numbers: np.ndarray) -> np.ndarray:
    discounting = scenario.assumptions.discounting
    if discounting.schedule == "custom":
        schedule = {year: figure.value for year, figure in discounting.rates.items()}
    else:
        schedule = dict(scenario.priced_with.set.discount_schedules[discounting.schedule].rates)
    return np.array([rate_for_year(schedule, int(t)) for t in year_numbers])


def go_live(option: Option, first_year: int) -> tuple[int, int]:
    """(financial year of go-live, months of that year before go-live)."""
    if option.go_live is None:
        return first_year, 0
    year, month = option.go_live
    return financial_year_of(year, month), (month - 4) % 12


@dataclass
class Timeline:
    years: list[int]
    #: Each series as a (1, years) array.
    series: dict[str, np.ndarray]
    #: Scalars the timeline formulas refer to.
    inputs: dict[str, float]


def build_timeline(scenario: Scenario, option: Option, reference: bool = False,
                   sampled: dict[str, np.ndarray] | None = None, draws: int | None = None) -> Timeline:
    """The timeline of one option; `reference` gives a single full year at price-base prices.

    In a simulation (`draws`), rows that depend on a drawn figure are (draws, 1, years).
    """
    first = scenario.timeline.first_year
    base = scenario.timeline.price_base
    years = [base] if reference else scenario.years
    year = np.array(years, dtype=float)
    ni_rate, ni_threshold = ni_tables(scenario)
    gl_year, gl_offset = go_live(option, first)
    inputs = {
        "horizon_first_year": float(base if reference else first),
        "price_base_year": float(base),
        "go_live_year": float(base if reference else gl_year),
        "go_live_month_offset": 0.0 if reference else float(gl_offset),
        # Staff are the council's until go-live and the new body's after (1), or the council's throughout.
        "employer_changes": 1.0 if option.employer_changes_at_go_live else 0.0,
    }
    series = {
        "year": year,
        "general_inflation": yearly(scenario.assumptions.general_inflation, years, sampled),
        "pay_award": yearly(scenario.assumptions.pay_awards, years, sampled),
        "ni_rate": np.array([rate_for_year(ni_rate, y) for y in years]),
        "ni_threshold": np.array([rate_for_year(ni_threshold, y) for y in years]),
    }
    # The scenario's named indices, which a contract's uplift clause may follow (lines/contracts.py).
    for name, rates in scenario.assumptions.indices.items():
        series[index_series(name)] = yearly(rates, years, sampled)
    envelope = scenario.assumptions.budget_envelope
    if envelope is not None and not reference:
        series["budget_envelope"] = np.array([envelope.for_year(y) for y in years])
    series["discount_rate"] = discount_rates(scenario, year - inputs["horizon_first_year"])
    if draws is None:
        series = {name: values.reshape(1, -1) for name, values in series.items()}
    else:
        series = {name: values.reshape(-1, 1, len(years)) for name, values in series.items()}
    env = _TimelineEnv(series, inputs)
    for row in TIMELINE_ROWS:
        series[row.key] = env.evaluate(row.key, row.formula)
    return Timeline(years, series, inputs)


def _step_of(key: str, formula):
    """(numpy op, the step) where `formula` is Prev(key) times or divided by a step that needs no Prev."""
    from ..lines.formula import BinOp

    if not (isinstance(formula, BinOp) and formula.op in ("*", "/") and isinstance(formula.left, Prev)
            and formula.left.name == key and not any(kind == "prev" for kind, _ in formula.right.names())):
        return None
    return (np.multiply if formula.op == "*" else np.divide), formula.right


class _TimelineEnv:
    """Evaluates timeline rows; a row that refers to its previous column goes column by column."""

    def __init__(self, series: dict[str, np.ndarray], inputs: dict[str, float]):
        self._series = series
        self._inputs = inputs
        self._column: int | None = None
        self._partial: dict[str, np.ndarray] = {}

    def evaluate(self, key: str, formula) -> np.ndarray:
        # A row takes the shape of the series it is built on, no more: in a simulation, where
        # inflation is drawn, the share of the year live stays one row for every draw, and so do
        # the lines built on it.
        shape = np.broadcast_shapes(self._series["year"].shape, *(
            self._series[name].shape for kind, name in formula.names() if kind == "series"))
        if not any(kind == "prev" for kind, _ in formula.names()):
            return np.broadcast_to(np.asarray(formula.evaluate(self), dtype=float), shape).copy()
        out = np.zeros(shape)
        self._partial[key] = out
        step = _step_of(key, formula)
        if step is not None:
            # An index or factor that moves from its previous column by a step (x (1 + inflation),
            # / (1 + discount rate)): the steps for every column at once, then one pass along them,
            # the same arithmetic as column by column without walking the formula once a column.
            op, rest = step
            steps = np.broadcast_to(np.asarray(rest.evaluate(self), dtype=float), shape)
            previous = np.full(shape[:-1], TIMELINE_OPENING[key])
            for column in range(shape[-1]):
                previous = op(previous, steps[..., column])
                out[..., column] = previous
            return out
        for column in range(shape[-1]):
            self._column = column
            out[..., column:column + 1] = np.asarray(formula.evaluate(self), dtype=float)
        self._column = None
        return out

    def _slice(self, values: np.ndarray) -> np.ndarray:
        return values if self._column is None else values[..., self._column:self._column + 1]

    def input(self, name):
        return self._inputs[name]

    def series(self, name):
        return self._slice(self._series[name])

    def prev(self, name):
        if self._column == 0:
            return TIMELINE_OPENING[name]
        return self._partial[name][..., self._column - 1:self._column]

    def input_row(self, name):
        raise KeyError(name)

    def choice(self, name):
        raise KeyError(name)

    def row(self, name):
        raise KeyError(name)

    def total(self, name):
        raise KeyError(name)


__all__ = ["Timeline", "build_timeline", "rate_for_year", "go_live", "Prev"]
