"""Monte Carlo: every uncertain quantity drawn together, every option projected for every draw.

Vectorised: the engine runs once for a whole chunk of draws, and chunks keep memory bounded
whatever the number of draws. The same seed gives the same draws, and so the same figures,
on any machine and whatever the chunk size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.projection import project_draws
from ..scenario.schema import Scenario
from .draws import correlation_matrix, ranged_inputs, uniforms, values_for

#: The engine's working arrays hold about this many numbers at a time (draws x lines x years).
WORKING_NUMBERS = 4_000_000
PERCENTILES = (10, 50, 90)


@dataclass
class OptionOutcome:
    option: str
    name: str
    npc: np.ndarray
    cash: np.ndarray

    def summary(self) -> dict:
        p10, p50, p90 = np.percentile(self.npc, PERCENTILES)
        c10, c50, c90 = np.percentile(self.cash, PERCENTILES)
        return {"npc": {"mean": float(self.npc.mean()), "p10": float(p10), "p50": float(p50), "p90": float(p90)},
                "cash_total": {"mean": float(self.cash.mean()), "p10": float(c10), "p50": float(c50),
                               "p90": float(c90)}}


@dataclass
class Simulation:
    draws: int
    seed: int
    inputs: list
    outcomes: list[OptionOutcome]

    def probability_cheapest(self) -> dict[str, float]:
        table = np.stack([o.npc for o in self.outcomes])
        winners = table.argmin(axis=0)
        return {o.option: float(np.mean(winners == i)) for i, o in enumerate(self.outcomes)}

    def to_json(self) -> dict:
        cheapest = self.probability_cheapest()
        return {
            "draws": self.draws, "seed": self.seed,
            "inputs": [{"input": r.label, "path": r.path, "distribution": r.figure.drawn_as,
                        "central": r.figure.value, "low": r.figure.low, "high": r.figure.high, "sd": r.figure.sd}
                       for r in self.inputs],
            "options": [{"id": o.option, "name": o.name, **_rounded(o.summary()),
                         "probability_cheapest": round(cheapest[o.option], 6)} for o in self.outcomes],
        }


def chunk_size(scenario: Scenario) -> int:
    lines = max(1, max(sum(len(g.instances) for g in _groups(scenario, i)) for i in range(len(scenario.options))))
    return int(max(1, min(20_000, WORKING_NUMBERS // (lines * scenario.timeline.years))))


def _groups(scenario, index):
    from ..engine.instances import option_groups

    return option_groups(scenario, index)


def simulate(scenario: Scenario, draws: int, seed: int, chunk: int | None = None, progress=None) -> Simulation:
    """`progress`, if given, is called with the number of draws done after each chunk."""
    inputs = ranged_inputs(scenario)
    matrix = correlation_matrix(inputs, scenario.correlations)
    cholesky = np.linalg.cholesky(matrix) if matrix is not None else None
    generator = np.random.Generator(np.random.PCG64(seed))
    chunk = chunk or chunk_size(scenario)
    npc = {o.id: np.empty(draws) for o in scenario.options}
    cash = {o.id: np.empty(draws) for o in scenario.options}
    done = 0
    while done < draws:
        size = min(chunk, draws - done)
        u = uniforms(generator, size, len(inputs), cholesky)
        for option, (option_cash, option_pv) in project_draws(scenario, values_for(inputs, u), size).items():
            npc[option][done:done + size] = option_pv.sum(axis=1)
            cash[option][done:done + size] = option_cash.sum(axis=1)
        done += size
        if progress:
            progress(size)
    outcomes = [OptionOutcome(o.id, o.name, npc[o.id], cash[o.id]) for o in scenario.options]
    return Simulation(draws, seed, inputs, outcomes)


def _rounded(value):
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return round(value, 2)
