"""Sensitivity analysis and switching values: the Green Book's minimum for an appraisal.

For each uncertain quantity, one at a time, with everything else at its central value: each
option's net present cost at the quantity's low and high (the data of a tornado chart), and
the value at which the cheapest option would change, if it changes in a wide bracket around
the range. All of it is the engine run for many draws at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..engine.projection import project_draws
from ..scenario.schema import Scenario
from .draws import RangedInput, ranged_inputs

#: Grid points per search round for a switching value; two rounds narrow the bracket 1,600-fold,
#: and the crossing is then found exactly for costs that are straight lines in the input.
GRID = 41


def sensitivity_draws(ranged: int) -> int:
    """The draws a sensitivity analysis of `ranged` inputs projects: each input at its low and high,
    then two rounds of a grid searching for its switching value."""
    return ranged * (2 + 2 * GRID) + 1 if ranged else 0


@dataclass
class Swing:
    input: RangedInput
    low: float
    high: float
    #: option id -> (NPC at low, NPC at high): the economic case, which ranks the options
    npc: dict[str, tuple[float, float]]
    #: the gap between the two options cheapest at central values, at low and at high
    gap: tuple[float, float]
    #: option id -> (cash total at low, at high): the financial case, from the same projection
    cash: dict[str, tuple[float, float]] = field(default_factory=dict)

    def swing(self, option: str | None = None) -> float:
        low, high = self.gap if option is None else self.npc[option]
        return abs(high - low)


@dataclass
class Crossing:
    value: float
    to_option: str
    below: bool


@dataclass
class Switch:
    """Where, on either side of its central value, an input would change the cheapest option."""

    input: RangedInput
    bracket: tuple[float, float]
    crossings: list[Crossing] = field(default_factory=list)

    @property
    def value(self) -> float | None:
        """The crossing nearest the central value, or None if there is none in the bracket."""
        if not self.crossings:
            return None
        return min(self.crossings, key=lambda c: abs(c.value - self.input.figure.value)).value


@dataclass
class Sensitivity:
    central: dict[str, float]
    cheapest: str
    runner_up: str | None
    names: dict[str, str]
    swings: list[Swing] = field(default_factory=list)
    switches: list[Switch] = field(default_factory=list)

    def ranked(self, option: str | None = None) -> list[Swing]:
        """Largest swing first: the tornado's order, for one option or for the gap."""
        return sorted(self.swings, key=lambda s: -s.swing(option))

    def in_words(self, switch: Switch) -> str:
        name, unit = switch.input.label, switch.input.figure.unit
        central = _amount(switch.input.figure.value, unit)
        if not switch.crossings:
            a, b = switch.bracket
            return (f"{self.names[self.cheapest]} stays the cheapest whatever {name} is, from {_amount(a, unit)} "
                    f"to {_amount(b, unit)}: no switch (central {central}).")
        only = "only " if len(switch.crossings) == 1 else ""
        parts = [f"{self.names[c.to_option]} becomes cheaper than {self.names[self.cheapest]} {only}if {name} is "
                 f"{'below' if c.below else 'above'} {_amount(c.value, unit)}" for c in switch.crossings]
        return "; ".join(parts) + f" (central {central})."

    def to_json(self) -> dict:
        return {
            "measures": {"npc": "net present cost, the economic case (ranks the options)",
                         "cash": "cash total, the financial case"},
            "cheapest": self.cheapest,
            "runner_up": self.runner_up,
            "npc_at_central": {k: round(v, 2) for k, v in self.central.items()},
            "inputs": [{
                "input": s.input.label, "path": s.input.path, "unit": s.input.figure.unit,
                "central": s.input.figure.value, "low": s.low, "high": s.high,
                "npc_at_low": {k: round(v[0], 2) for k, v in s.npc.items()},
                "npc_at_high": {k: round(v[1], 2) for k, v in s.npc.items()},
                "cash_at_low": {k: round(v[0], 2) for k, v in s.cash.items()},
                "cash_at_high": {k: round(v[1], 2) for k, v in s.cash.items()},
                "gap_swing": round(s.swing(), 2),
            } for s in self.ranked()],
            # Each option's tornado: its inputs ranked by how far they move its own net present cost.
            "tornado_by_option": {option: [{"input": w.input.label, "npc_at_low": round(w.npc[option][0], 2),
                                            "npc_at_high": round(w.npc[option][1], 2),
                                            "swing": round(w.swing(option), 2)} for w in self.ranked(option)]
                                  for option in self.names},
            "switching_values": [{
                "input": w.input.label, "path": w.input.path, "bracket": list(w.bracket),
                "crossings": [{"at": c.value, "to_option": c.to_option, "side": "below" if c.below else "above"}
                              for c in w.crossings],
                "in_words": self.in_words(w),
            } for w in self.switches],
        }


def sensitivity(scenario: Scenario) -> Sensitivity:
    inputs = ranged_inputs(scenario)
    names = {option.id: option.name for option in scenario.options}
    central = {k: float(v[1].sum()) for k, v in project_draws(scenario, {}, 1).items()}
    order = sorted(central, key=central.get)
    result = Sensitivity(central, order[0], order[1] if len(order) > 1 else None, names)
    if not inputs:
        return result
    # One draw a row: row 2k is input k at its low, row 2k+1 at its high, everything else central.
    sampled = {}
    for k, ranged in enumerate(inputs):
        values = np.full(2 * len(inputs), ranged.figure.value)
        values[2 * k], values[2 * k + 1] = ranged.low, ranged.high
        for figure in ranged.members:
            sampled[figure.path] = values
    projected = project_draws(scenario, sampled, 2 * len(inputs))
    npc = {option: pv.sum(axis=1) for option, (_, pv) in projected.items()}
    cash = {option: flows.sum(axis=1) for option, (flows, _) in projected.items()}
    for k, ranged in enumerate(inputs):
        by_option = {option: (float(v[2 * k]), float(v[2 * k + 1])) for option, v in npc.items()}
        cash_by_option = {option: (float(v[2 * k]), float(v[2 * k + 1])) for option, v in cash.items()}
        gap = (0.0, 0.0) if result.runner_up is None else tuple(
            by_option[result.runner_up][i] - by_option[result.cheapest][i] for i in (0, 1))
        result.swings.append(Swing(ranged, ranged.low, ranged.high, by_option, gap, cash_by_option))
    result.switches.extend(_switching_values(scenario, inputs, result.cheapest))
    return result


def bracket_for(ranged: RangedInput) -> tuple[float, float]:
    """A wide search bracket: twice the range's width beyond each end, kept to what the unit allows."""
    low, high = ranged.low, ranged.high
    width = max(high - low, abs(ranged.figure.value) * 0.1, 1e-9)
    a, b = low - 2 * width, high + 2 * width
    if ranged.figure.unit in ("pounds", "rate", "number"):
        a = max(a, 0.0)
    if ranged.figure.unit == "rate" and high <= 1:
        b = min(b, 1.0)
    return a, b


@dataclass(eq=False)
class _Search:
    """Walking from an input's central value towards one end of its bracket, for a change of cheapest."""

    switch: Switch
    below: bool
    lo: float
    hi: float
    found: bool = False


def _npc_batch(scenario: Scenario, blocks: list[tuple[RangedInput, np.ndarray]],
               limit: int) -> list[dict[str, np.ndarray]]:
    """Each option's NPC for each (input, values) block, in as few projections as memory allows.

    The blocks take consecutive draws: in its own block an input takes the values given, and
    everywhere else its central value, so each block is that input alone, as if run by itself.
    A projection takes blocks up to `limit` draws (a simulation's chunk), so a large
    establishment's arrays stay the size a simulation's do.
    """
    out: list[dict[str, np.ndarray]] = []
    start = 0
    while start < len(blocks):
        stop, draws = start, 0
        while stop < len(blocks) and (stop == start or draws + len(blocks[stop][1]) <= limit):
            draws += len(blocks[stop][1])
            stop += 1
        out += _npc_of_blocks(scenario, blocks[start:stop])
        start = stop
    return out


def _npc_of_blocks(scenario: Scenario, blocks: list[tuple[RangedInput, np.ndarray]]) -> list[dict[str, np.ndarray]]:
    total = sum(len(xs) for _, xs in blocks)
    sampled: dict[str, np.ndarray] = {}
    offset = 0
    for ranged, xs in blocks:
        for figure in ranged.members:
            if figure.path not in sampled:
                sampled[figure.path] = np.full(total, figure.value)
            sampled[figure.path][offset:offset + len(xs)] = xs
        offset += len(xs)
    npc = {option: pv.sum(axis=1) for option, (_, pv) in project_draws(scenario, sampled, total).items()}
    out, offset = [], 0
    for _, xs in blocks:
        out.append({option: values[offset:offset + len(xs)] for option, values in npc.items()})
        offset += len(xs)
    return out


def _switching_values(scenario: Scenario, inputs: list[RangedInput], cheapest: str) -> list[Switch]:
    """Each input's switching values: searched below and above its central value, every search at once.

    Each round puts GRID points between a search's ends and keeps the interval where another
    option first becomes cheaper (three rounds); the crossing in it is then solved as a straight
    line. All the searches of a round are one projection, not one each.
    """
    from .simulate import chunk_size

    limit = chunk_size(scenario)
    switches, searches = [], []
    for ranged in inputs:
        a, b = bracket_for(ranged)
        switch = Switch(ranged, (a, b))
        switches.append(switch)
        searches += [_Search(switch, True, ranged.figure.value, a), _Search(switch, False, ranged.figure.value, b)]
    active = searches
    for _ in range(3):  # each round narrows the interval GRID - 1 times
        if not active:
            break
        grids = [np.linspace(search.lo, search.hi, GRID) for search in active]
        narrowing = []
        blocks = [(search.switch.input, xs) for search, xs in zip(active, grids)]
        for search, xs, npc in zip(active, grids, _npc_batch(scenario, blocks, limit)):
            others = np.min([v for option, v in npc.items() if option != cheapest], axis=0)
            overtaken = np.nonzero(others < npc[cheapest])[0]
            if overtaken.size == 0:
                continue  # none here: no crossing at all, or (found before) the last interval holds it
            search.found = True
            i = overtaken[0]
            search.lo, search.hi = xs[max(i - 1, 0)], xs[i]
            narrowing.append(search)
        active = narrowing
    found = [search for search in searches if search.found]
    ends = _npc_batch(scenario, [(s.switch.input, np.array([s.lo, s.hi])) for s in found], limit)
    for search, npc in zip(found, ends):
        value, rival = _crossing_between(npc, cheapest, search.lo, search.hi)
        search.switch.crossings.append(Crossing(value, rival, search.below))
    return switches


def _crossing_between(ends: dict[str, np.ndarray], cheapest: str, lo: float, hi: float):
    """The crossing in a narrow interval, solved as a straight line, and who overtakes there."""
    options = [o for o in ends if o != cheapest]
    rival = min(options, key=lambda o: ends[o][1])
    g_lo = ends[rival][0] - ends[cheapest][0]
    g_hi = ends[rival][1] - ends[cheapest][1]
    x = hi if g_hi == g_lo else lo + (hi - lo) * g_lo / (g_lo - g_hi)
    return float(x), rival


def _amount(value: float, unit: str) -> str:
    if unit == "rate":
        return f"{value * 100:.1f}%"
    if unit == "pounds":
        return f"£{value:,.0f}" if abs(value) >= 100 else f"£{value:,.2f}"
    return f"{value:,.4g}"
