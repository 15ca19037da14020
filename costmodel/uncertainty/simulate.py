"""Monte Carlo: every uncertain quantity drawn together, every option projected for every draw.

Vectorised: the engine runs once for a whole chunk of draws, and chunks keep the engine's
memory fixed. Up to 100,000 draws each draw's totals are kept and percentiles are exact;
beyond that the same seeded draws are made twice, the first time for sums and ranges, the
second for fine histograms, so memory stays the same whatever the number of draws (and no
more than 100,000 draws' totals would take). A percentile read from the histograms is within
one band, a 200,000th of the draws' range, of the exact one (HISTOGRAM_PERCENTILES). The same
seed gives the same figures on any machine and whatever the chunk size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..engine.projection import Scratch, project_draws
from ..scenario.schema import Scenario
from .draws import correlation_matrix, ranged_inputs, uniforms, values_for

#: The engine's working arrays hold about this many numbers at a time (draws x lines x years): four
#: megabytes, so a chunk's arrays stay in the processor's cache. Measured on the shipped scenarios,
#: this is about the fastest size: the Isle of Wight's 10,000 draws take a tenth less time than in
#: one chunk, Worcestershire's a quarter less; much smaller chunks pay the engine's per-line cost
#: too often.
WORKING_NUMBERS = 2 ** 19
PERCENTILES = (10, 50, 90)
#: Up to this many draws, every draw's totals are kept and percentiles are exact. Beyond it the
#: histograms below (FINE_BINS counts for each option and measure) take twice what this many
#: draws' totals do, whatever the number of draws, so memory has no step where the method changes.
KEEP_EVERY_DRAW = 100_000
#: Beyond it, percentiles come from histograms this fine (a £30m spread gives £150 bins).
FINE_BINS = 200_000
#: The Risk sheet's histogram.
CHART_BINS = 20


@dataclass
class OptionOutcome:
    option: str
    name: str
    #: measure ("npc", "cash_total") -> {"mean", "p10", "p50", "p90"}
    statistics: dict
    #: draws in each of the simulation's chart bins (shared by all options)
    chart_counts: np.ndarray
    #: every draw's NPC and cash total, where the simulation kept them (up to a million draws)
    npc: np.ndarray | None = None
    cash: np.ndarray | None = None

    def summary(self) -> dict:
        return self.statistics


@dataclass
class Simulation:
    draws: int
    seed: int
    inputs: list
    outcomes: list[OptionOutcome]
    cheapest: dict[str, float]
    chart_edges: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: how the percentiles were found: "exact" or HISTOGRAM_PERCENTILES
    percentiles: str = "exact"

    def probability_cheapest(self) -> dict[str, float]:
        return self.cheapest

    def to_json(self) -> dict:
        return {
            "draws": self.draws, "seed": self.seed,
            "measures": {"npc": "net present cost, the economic case (ranks the options)",
                         "cash_total": "cash total, the financial case"},
            "percentiles": self.percentiles,
            "inputs": [{"input": r.label, "path": r.path, "distribution": r.figure.drawn_as,
                        "central": r.figure.value, "low": r.figure.low, "high": r.figure.high, "sd": r.figure.sd}
                       for r in self.inputs],
            "options": [{"id": o.option, "name": o.name, **_rounded(o.summary()),
                         "probability_cheapest": round(self.cheapest[o.option], 6)} for o in self.outcomes],
        }


#: How percentiles are found beyond KEEP_EVERY_DRAW draws, and how close they are (_from_histogram).
HISTOGRAM_PERCENTILES = (f"from {FINE_BINS:,}-band histograms of every draw, each within one band "
                         f"(1/{FINE_BINS:,} of the draws' range from lowest to highest) of the exact "
                         f"percentile of the same draws")


def chunk_size(scenario: Scenario) -> int:
    from ..engine.instances import option_groups

    lines = max(1, max(sum(len(g.instances) for g in option_groups(scenario, i))
                       for i in range(len(scenario.options))))
    return int(max(1, min(20_000, WORKING_NUMBERS // (lines * scenario.timeline.years))))


def _chunks(scenario: Scenario, draws: int, seed: int, chunk: int):
    """Each chunk's (npc, cash) by option, in the order the seeded stream gives them."""
    inputs = ranged_inputs(scenario)
    matrix = correlation_matrix(inputs, scenario.correlations)
    cholesky = np.linalg.cholesky(matrix) if matrix is not None else None
    generator = np.random.Generator(np.random.PCG64(seed))
    scratch, plan = Scratch(), {}  # the chunks' working arrays and line groups, made once (engine/projection.py)
    done = 0
    while done < draws:
        size = min(chunk, draws - done)
        u = uniforms(generator, size, len(inputs), cholesky)
        projected = project_draws(scenario, values_for(inputs, u), size, scratch, plan)
        yield size, {option: (pv.sum(axis=1), cash.sum(axis=1)) for option, (cash, pv) in projected.items()}
        done += size


def simulate(scenario: Scenario, draws: int, seed: int, chunk: int | None = None, progress=None,
             keep_every_draw: int = KEEP_EVERY_DRAW) -> Simulation:
    """`progress`, if given, is called with the number of draws done after each chunk."""
    chunk = chunk or chunk_size(scenario)
    options = [o.id for o in scenario.options]
    names = {o.id: o.name for o in scenario.options}
    if draws <= keep_every_draw:
        npc = {o: np.empty(draws) for o in options}
        cash = {o: np.empty(draws) for o in options}
        done = 0
        for size, chunk_totals in _chunks(scenario, draws, seed, chunk):
            for option, (option_npc, option_cash) in chunk_totals.items():
                npc[option][done:done + size] = option_npc
                cash[option][done:done + size] = option_cash
            done += size
            if progress:
                progress(size)
        winners = np.stack([npc[o] for o in options]).argmin(axis=0)
        cheapest = {o: float(np.mean(winners == i)) for i, o in enumerate(options)}
        edges = _chart_edges(min(v.min() for v in npc.values()), max(v.max() for v in npc.values()))
        outcomes = [OptionOutcome(o, names[o], {"npc": _exact(npc[o]), "cash_total": _exact(cash[o])},
                                  np.histogram(npc[o], bins=edges)[0], npc[o], cash[o]) for o in options]
        return Simulation(draws, seed, ranged_inputs(scenario), outcomes, cheapest, edges)
    return _two_passes(scenario, draws, seed, chunk, progress, options, names)


def _two_passes(scenario, draws, seed, chunk, progress, options, names) -> Simulation:
    sums = {(o, m): 0.0 for o in options for m in ("npc", "cash_total")}
    low = {(o, m): np.inf for o in options for m in ("npc", "cash_total")}
    high = {(o, m): -np.inf for o in options for m in ("npc", "cash_total")}
    wins = np.zeros(len(options))
    for size, totals in _chunks(scenario, draws, seed, chunk):
        for option, (option_npc, option_cash) in totals.items():
            for measure, values in (("npc", option_npc), ("cash_total", option_cash)):
                sums[(option, measure)] += float(values.sum())
                low[(option, measure)] = min(low[(option, measure)], float(values.min()))
                high[(option, measure)] = max(high[(option, measure)], float(values.max()))
        winners = np.stack([totals[o][0] for o in options]).argmin(axis=0)
        wins += np.bincount(winners, minlength=len(options))
        if progress:
            progress(size // 2)  # the first pass is half the work
    edges = _chart_edges(min(low[(o, "npc")] for o in options), max(high[(o, "npc")] for o in options))
    fine = {key: np.zeros(FINE_BINS, dtype=np.int64) for key in sums}
    charts = {o: np.zeros(CHART_BINS, dtype=np.int64) for o in options}
    for size, totals in _chunks(scenario, draws, seed, chunk):  # the same draws again, from the same seed
        for option, (option_npc, option_cash) in totals.items():
            for measure, values in (("npc", option_npc), ("cash_total", option_cash)):
                key = (option, measure)
                fine[key] += np.histogram(values, bins=FINE_BINS, range=_span(low[key], high[key]))[0]
            charts[option] += np.histogram(option_npc, bins=edges)[0]
        if progress:
            progress(size - size // 2)
    outcomes = []
    for option in options:
        statistics = {}
        for measure in ("npc", "cash_total"):
            key = (option, measure)
            statistics[measure] = {"mean": sums[key] / draws,
                                   **{f"p{p}": _from_histogram(fine[key], low[key], high[key], p)
                                      for p in PERCENTILES}}
        outcomes.append(OptionOutcome(option, names[option], statistics, charts[option]))
    cheapest = {o: float(wins[i] / draws) for i, o in enumerate(options)}
    return Simulation(draws, seed, ranged_inputs(scenario), outcomes, cheapest, edges, HISTOGRAM_PERCENTILES)


def _exact(values: np.ndarray) -> dict:
    p10, p50, p90 = np.percentile(values, PERCENTILES)
    return {"mean": float(values.mean()), "p10": float(p10), "p50": float(p50), "p90": float(p90)}


def _span(low: float, high: float) -> tuple[float, float]:
    return (low, high) if high > low else (low - 0.5, low + 0.5)


def _chart_edges(low: float, high: float) -> np.ndarray:
    return np.linspace(*_span(low, high), CHART_BINS + 1)


def _from_histogram(counts: np.ndarray, low: float, high: float, percentile: float) -> float:
    """A percentile read from a fine histogram of every draw, within one band of the exact one.

    The exact percentile (numpy's linear method) lies between the draws of ranks r and r + 1 in
    order, weighted by how far between them the percentile falls. Each of those two draws is
    known to lie in its band (the cumulative counts say which), and is placed within it by its
    rank among the band's draws; each placement is off by less than a band, so the same
    weighting of the two is too, however far apart the bands are.
    """
    if high <= low:
        return float(low)  # every draw the same
    span = _span(low, high)
    cumulative = np.cumsum(counts)
    n = int(cumulative[-1])
    position = (n - 1) * percentile / 100
    rank = int(np.floor(position))
    weight = position - rank
    width = (span[1] - span[0]) / len(counts)

    def placed(r: int) -> float:
        band = int(np.searchsorted(cumulative, r, side="right"))  # the band holding the draw of rank r (from 0)
        before = int(cumulative[band - 1]) if band > 0 else 0
        return span[0] + (band + (r - before + 0.5) / counts[band]) * width

    below = placed(rank)
    above = placed(min(rank + 1, n - 1))
    return float(below + weight * (above - below))


def _rounded(value):
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return round(value, 2)
