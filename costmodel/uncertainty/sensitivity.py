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


@dataclass
class Swing:
    input: RangedInput
    low: float
    high: float
    #: option id -> (NPC at low, NPC at high)
    npc: dict[str, tuple[float, float]]
    #: the gap between the two options cheapest at central values, at low and at high
    gap: tuple[float, float]

    def swing(self, option: str | None = None) -> float:
        low, high = self.gap if option is None else self.npc[option]
        return abs(high - low)


@dataclass
class Switch:
    input: RangedInput
    bracket: tuple[float, float]
    #: the value where the cheapest option changes, and to which option; None if it does not
    value: float | None = None
    to_option: str | None = None
    below: bool = False


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
        if switch.value is None:
            a, b = switch.bracket
            return (f"{self.names[self.cheapest]} stays the cheapest whatever {name} is, from {_amount(a, unit)} "
                    f"to {_amount(b, unit)}: no switch (central {central}).")
        side = "below" if switch.below else "above"
        return (f"{self.names[switch.to_option]} becomes cheaper than {self.names[self.cheapest]} only if "
                f"{name} is {side} {_amount(switch.value, unit)} (central {central}).")

    def to_json(self) -> dict:
        return {
            "cheapest": self.cheapest,
            "runner_up": self.runner_up,
            "npc_at_central": {k: round(v, 2) for k, v in self.central.items()},
            "inputs": [{
                "input": s.input.label, "path": s.input.path, "unit": s.input.figure.unit,
                "central": s.input.figure.value, "low": s.low, "high": s.high,
                "npc_at_low": {k: round(v[0], 2) for k, v in s.npc.items()},
                "npc_at_high": {k: round(v[1], 2) for k, v in s.npc.items()},
                "gap_swing": round(s.swing(), 2),
            } for s in self.ranked()],
            "switching_values": [{
                "input": w.input.label, "path": w.input.path, "switch_at": w.value, "to_option": w.to_option,
                "bracket": list(w.bracket), "in_words": self.in_words(w),
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
            sampled[id(figure)] = values
    npc = {option: pv.sum(axis=1) for option, (_, pv) in project_draws(scenario, sampled, 2 * len(inputs)).items()}
    for k, ranged in enumerate(inputs):
        by_option = {option: (float(v[2 * k]), float(v[2 * k + 1])) for option, v in npc.items()}
        gap = (0.0, 0.0) if result.runner_up is None else tuple(
            by_option[result.runner_up][i] - by_option[result.cheapest][i] for i in (0, 1))
        result.swings.append(Swing(ranged, ranged.low, ranged.high, by_option, gap))
        result.switches.append(_switching_value(scenario, ranged, result.cheapest))
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


def _npc_at(scenario: Scenario, ranged: RangedInput, xs: np.ndarray) -> dict[str, np.ndarray]:
    sampled = {id(figure): xs for figure in ranged.members}
    return {option: pv.sum(axis=1) for option, (_, pv) in project_draws(scenario, sampled, len(xs)).items()}


def _switching_value(scenario: Scenario, ranged: RangedInput, cheapest: str) -> Switch:
    a, b = bracket_for(ranged)
    switch = Switch(ranged, (a, b))
    central = ranged.figure.value
    for side, (start, end) in (("below", (central, a)), ("above", (central, b))):
        xs = np.linspace(start, end, GRID)
        npc = _npc_at(scenario, ranged, xs)
        options = list(npc)
        table = np.stack([npc[o] for o in options])
        winner = table.argmin(axis=0)
        changed = np.nonzero(winner != options.index(cheapest))[0]
        if changed.size == 0:
            continue
        i = changed[0]
        rival = options[winner[i]]
        # Between xs[i-1] (cheapest still wins) and xs[i]: refine, then solve the last step as a straight line.
        lo, hi = xs[i - 1], xs[i]
        for _ in range(2):
            fine = np.linspace(lo, hi, GRID)
            fine_npc = _npc_at(scenario, ranged, fine)
            gap = fine_npc[rival] - fine_npc[cheapest]
            j = int(np.nonzero(gap <= 0)[0][0]) if np.any(gap <= 0) else GRID - 1
            lo, hi = fine[max(j - 1, 0)], fine[j]
        ends = _npc_at(scenario, ranged, np.array([lo, hi]))
        g_lo, g_hi = (ends[rival] - ends[cheapest])
        x = lo if g_hi == g_lo else lo + (hi - lo) * g_lo / (g_lo - g_hi)
        candidate = Switch(ranged, (a, b), float(x), rival, side == "below")
        if switch.value is None or abs(x - central) < abs(switch.value - central):
            switch = candidate
    return switch


def _amount(value: float, unit: str) -> str:
    if unit == "rate":
        return f"{value * 100:.1f}%"
    if unit == "pounds":
        return f"£{value:,.0f}"
    return f"{value:,.4g}"
