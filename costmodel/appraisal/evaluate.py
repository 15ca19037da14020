"""The options appraisal beyond cost: long list -> gateways -> shortlist -> weighted scores.

A long list of delivery models is cut to a shortlist with pass-or-fail gateway criteria (an
affordability gateway worked out from the projection: cash in any year above the budget
envelope fails), and the shortlist is scored against weighted criteria, cost among them where
the scenario says so (scored from net present cost by a stated rule). The preferred option is
the one with the highest weighted score; its ranking sits beside the ranking by NPC.

A weight's switching value: the weight at which the preferred option would change, the other
weights scaled to keep the total at 100%. Each option's weighted total is then a straight line
in that weight, so the crossings are solved exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..engine.projection import Projection
from ..scenario.schema import Appraisal, Criterion, Gateway, LongListOption
from ..scenario.units import financial_year_label

CATEGORY_WORDS = {
    "in_house": "In-house",
    "partnership_or_collaboration": "Partnership or collaboration",
    "new_delivery_vehicle": "New delivery vehicle",
    "commissioning": "Commissioning",
}


@dataclass
class GatewayOutcome:
    gateway: Gateway
    #: None: not assessed, the option having failed an earlier gateway.
    passed: bool | None
    reason: str
    source: str | None
    #: Worked out from the projection (an affordability gateway for a costed option).
    computed: bool = False

    @property
    def words(self) -> str:
        return {True: "pass", False: "fail", None: "not assessed"}[self.passed]


@dataclass
class LongListOutcome:
    entry: LongListOption
    gateways: list[GatewayOutcome]

    @property
    def shortlisted(self) -> bool:
        return all(outcome.passed is True for outcome in self.gateways)

    @property
    def dropped_because(self) -> str | None:
        failed = [f"{o.gateway.name}: {o.reason}" for o in self.gateways if o.passed is False]
        return "; ".join(failed) or None


@dataclass
class ScoredOption:
    entry: LongListOption
    option: str
    npc: float
    #: criterion id -> score on the scale (stated, or from NPC)
    scores: dict[str, float]
    weighted: float = 0.0
    rank_by_score: int = 0
    rank_by_npc: int = 0


@dataclass
class WeightSwitch:
    criterion: Criterion
    weight: float
    #: (the weight at which the preferred option changes, the option it changes to), below and above
    below: tuple[float, str] | None
    above: tuple[float, str] | None


@dataclass
class ScoreSwitch:
    """The score at which one option's score on one criterion would change the preferred option."""

    option: str
    criterion: Criterion
    score: float
    at: float
    #: The preferred option losing its place (its score falling), or another taking it (rising).
    falling: bool


@dataclass
class Appraised:
    appraisal: Appraisal
    long_list: list[LongListOutcome]
    scored: list[ScoredOption]
    switches: list[WeightSwitch] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    #: Only the scores that could change the preferred option within the scale.
    score_switches: list[ScoreSwitch] = field(default_factory=list)

    @property
    def preferred(self) -> ScoredOption | None:
        return min(self.scored, key=lambda s: (s.rank_by_score, s.npc), default=None)

    @property
    def no_shortlist(self) -> str | None:
        """Why nothing is scored, where no option passes every gateway: said, never an empty table."""
        if any(outcome.shortlisted for outcome in self.long_list):
            return None
        failing = []
        for index, gateway in enumerate(self.appraisal.gateways):
            count = sum(outcome.gateways[index].passed is False for outcome in self.long_list)
            if count:
                failing.append((count, gateway.name))
        if len(failing) == 1:
            return f"No option passes the {failing[0][1]} gateway, so none is shortlisted or scored."
        return ("No option passes every gateway, so none is shortlisted or scored: "
                + "; ".join(f"{count} fail{'s' if count == 1 else ''} {name}" for count, name in failing) + ".")

    @property
    def cheapest(self) -> ScoredOption | None:
        return min(self.scored, key=lambda s: s.npc, default=None)

    def in_words(self, switch: WeightSwitch) -> str:
        preferred = self.preferred
        name = switch.criterion.name
        parts = []
        for side, found in (("falls below", switch.below), ("rises above", switch.above)):
            if found is not None:
                parts.append(f"{side} {found[0] * 100:.1f}% (to {self.names[found[1]]})")
        if not parts:
            return (f"{self.names[preferred.option]} stays preferred whatever the weight on {name} "
                    f"(0% to 100%, the others scaled to keep 100%)")
        return (f"{self.names[preferred.option]} stops being preferred only if the weight on {name} "
                f"(now {switch.weight * 100:.1f}%) {' or '.join(parts)}, the other weights scaled to keep 100%")

    def score_in_words(self, switch: ScoreSwitch) -> str:
        name = self.names[switch.option]
        if switch.falling:
            return (f"{name} stops being preferred if its score on {switch.criterion.name} falls below "
                    f"{switch.at:.2f} (now {switch.score:g})")
        return (f"{name} becomes preferred if its score on {switch.criterion.name} rises above "
                f"{switch.at:.2f} (now {switch.score:g})")

    def to_json(self) -> dict:
        appraisal = self.appraisal
        preferred = self.preferred
        return {
            "scale": {"low": appraisal.scale.low.value, "high": appraisal.scale.high.value},
            "long_list": [{
                "id": o.entry.id, "name": o.entry.name, "category": o.entry.category, "option": o.entry.option,
                "gateways": [{"gateway": g.gateway.id, "result": g.words, "reason": g.reason,
                              "computed": g.computed, "source": g.source} for g in o.gateways],
                "shortlisted": o.shortlisted, "dropped_because": o.dropped_because,
            } for o in self.long_list],
            "criteria": [{"id": c.id, "name": c.name, "weight": c.weight.value, "from_npc": c.from_npc}
                         for c in appraisal.criteria],
            "shortlist": [{
                "option": s.option, "name": self.names[s.option], "scores": {k: round(v, 6) for k, v in s.scores.items()},
                "weighted_score": round(s.weighted, 6), "rank_by_score": s.rank_by_score,
                "npc": round(s.npc, 2), "rank_by_npc": s.rank_by_npc,
            } for s in self.scored],
            "preferred": preferred.option if preferred else None,
            "no_shortlist": self.no_shortlist,
            "weight_switching_values": [{
                "criterion": w.criterion.id, "weight": w.weight,
                "below": None if w.below is None else {"at": round(w.below[0], 6), "to_option": w.below[1]},
                "above": None if w.above is None else {"at": round(w.above[0], 6), "to_option": w.above[1]},
                "in_words": self.in_words(w),
            } for w in self.switches] if preferred else [],
            "score_switching_values": [{
                "option": w.option, "criterion": w.criterion.id, "score": w.score, "at": round(w.at, 6),
                "direction": "falls below" if w.falling else "rises above", "in_words": self.score_in_words(w),
            } for w in self.score_switches],
        }


def appraise(projection: Projection) -> Appraised | None:
    """The appraisal of a projected scenario, or None where the scenario states none."""
    scenario = projection.scenario
    appraisal = scenario.appraisal
    if appraisal is None:
        return None
    names = {option.id: option.name for option in scenario.options}
    long_list = [LongListOutcome(entry, gateways(appraisal, entry, projection)) for entry in appraisal.long_list]
    scored = [ScoredOption(o.entry, o.entry.option, projection.summary_of(o.entry.option).npc, {})
              for o in long_list if o.shortlisted]
    _score(appraisal, scored)
    result = Appraised(appraisal, long_list, scored, names=names)
    if scored:
        result.switches = [_weight_switch(appraisal, criterion, scored, result.preferred)
                           for criterion in appraisal.criteria]
        result.score_switches = _score_switches(appraisal, scored, result.preferred)
    return result


def _score_switches(appraisal: Appraisal, scored: list[ScoredOption], preferred: ScoredOption) -> list[ScoreSwitch]:
    """For each judged score, the value that would change the preferred option, where the scale allows one.

    A score moves its option's weighted total by its weight for each point: the preferred option
    loses its place when its total falls to the best of the rest; another takes it when its total
    rises to the preferred one's.
    """
    low, high = appraisal.scale.low.value, appraisal.scale.high.value
    others = [option for option in scored if option is not preferred]
    if not others:
        return []
    runner_up = max(option.weighted for option in others)
    out = []
    for criterion in appraisal.criteria:
        weight = criterion.weight.value
        if criterion.from_npc is not None or weight <= 0:
            continue
        for option in scored:
            score = option.scores[criterion.id]
            if option is preferred:
                at = score - (option.weighted - runner_up) / weight
                if at >= low:
                    out.append(ScoreSwitch(option.option, criterion, score, at, falling=True))
            else:
                at = score + (preferred.weighted - option.weighted) / weight
                if at <= high:
                    out.append(ScoreSwitch(option.option, criterion, score, at, falling=False))
    return out


def gateways(appraisal: Appraisal, entry: LongListOption, projection: Projection) -> list[GatewayOutcome]:
    """Each gateway in order; after the first an option fails, the rest are not assessed."""
    out: list[GatewayOutcome] = []
    for gateway in appraisal.gateways:
        if any(outcome.passed is False for outcome in out):
            out.append(GatewayOutcome(gateway, None, "not assessed: it failed an earlier gateway", None))
        else:
            out.append(_gateway(gateway, entry, projection))
    return out


def _gateway(gateway: Gateway, entry: LongListOption, projection: Projection) -> GatewayOutcome:
    if not gateway.affordability or entry.option is None:
        stated = entry.gateways[gateway.id]
        return GatewayOutcome(gateway, stated.result == "pass", stated.reason, stated.source)
    if gateway.envelope:
        return _against_the_envelope(gateway, projection.option(entry.option).totals, projection)
    cash = projection.option(entry.option).cash()
    budget = gateway.budget.value
    over = np.nonzero(cash > budget)[0]  # exactly as the workbook's formula, MAX(cash) > budget
    if over.size:
        year = over[0]
        reason = (f"cash in {financial_year_label(projection.years[year])} (£{cash[year]:,.0f}) is above the "
                  f"budget envelope of £{budget:,.0f}")
    else:
        reason = f"cash is within the budget envelope of £{budget:,.0f} in every year (highest £{cash.max():,.0f})"
    return GatewayOutcome(gateway, over.size == 0, reason, gateway.source, computed=True)


def _against_the_envelope(gateway: Gateway, totals, projection: Projection) -> GatewayOutcome:
    """Fails in the first year the option's cash is above the budget envelope (Compare's flag, lines/totals.py)."""
    first = totals.measure("first_unaffordable_year")
    gap, envelope = totals.row("envelope_gap"), totals.series("budget_envelope")
    source = gateway.source or projection.scenario.assumptions.budget_envelope.source
    if first is not None:
        year = projection.year_labels.index(first)
        reason = (f"cash in {first} (£{envelope[year] + gap[year]:,.0f}) is £{gap[year]:,.0f} above that year's "
                  f"budget envelope of £{envelope[year]:,.0f}")
        return GatewayOutcome(gateway, False, reason, source, computed=True)
    closest = int(gap.argmax())
    reason = (f"cash is within the budget envelope in every year (closest: {projection.year_labels[closest]}, "
              f"£{-gap[closest]:,.0f} below it)")
    return GatewayOutcome(gateway, True, reason, source, computed=True)


def cost_score(npc: float, npcs: list[float], low: float, high: float) -> float:
    """The "linear" rule: the top of the scale for the lowest NPC, the bottom for the highest."""
    cheapest, dearest = min(npcs), max(npcs)
    if dearest == cheapest:
        return high
    return high - (high - low) * (npc - cheapest) / (dearest - cheapest)


def _score(appraisal: Appraisal, scored: list[ScoredOption]) -> None:
    low, high = appraisal.scale.low.value, appraisal.scale.high.value
    npcs = [s.npc for s in scored]
    for option in scored:
        for criterion in appraisal.criteria:
            if criterion.from_npc is not None:
                option.scores[criterion.id] = cost_score(option.npc, npcs, low, high)
            else:
                option.scores[criterion.id] = option.entry.scores[criterion.id].score.value
        option.weighted = sum(c.weight.value * option.scores[c.id] for c in appraisal.criteria)
    for option in scored:
        # As the workbook's formulas rank them: a tie in score goes to the lower NPC.
        option.rank_by_score = 1 + sum(other.weighted > option.weighted or (
            other.weighted == option.weighted and other.npc < option.npc) for other in scored)
        option.rank_by_npc = 1 + sum(other.npc < option.npc for other in scored)


def _weight_switch(appraisal: Appraisal, criterion: Criterion, scored: list[ScoredOption],
                   preferred: ScoredOption) -> WeightSwitch:
    """Where the preferred option changes as one weight moves from 0% to 100%, the rest scaled to match."""
    weight = criterion.weight.value
    if weight >= 1.0 or len(scored) < 2:
        return WeightSwitch(criterion, weight, None, None)

    def line(option: ScoredOption) -> tuple[float, float]:
        # total(x) = x * s_j + (1 - x) * rest / (1 - w_j): intercept and slope in x.
        rest = (option.weighted - weight * option.scores[criterion.id]) / (1 - weight)
        return rest, option.scores[criterion.id] - rest

    base, base_slope = line(preferred)
    below, above = None, None
    for rival in scored:
        if rival is preferred:
            continue
        intercept, slope = line(rival)
        gaining = slope - base_slope  # how fast the rival gains on the preferred option as x rises
        if gaining == 0:
            continue  # parallel: the gap never closes
        at = (base - intercept) / gaining
        # The rival leads beyond the crossing, on one side of it: a crossing at 0% or 100% is only a
        # tie at the end of the range (kept by the lower NPC), and one at today's weight means
        # any move that way changes the answer.
        if gaining > 0 and weight - 1e-9 <= at < 1.0 and (above is None or at < above[0]):
            above = (max(at, weight), rival.option)
        elif gaining < 0 and 0.0 < at <= weight + 1e-9 and (below is None or at > below[0]):
            below = (min(at, weight), rival.option)
    return WeightSwitch(criterion, weight, below, above)
