"""What a scenario concludes beyond its totals, and what changed in it between two versions.

A diff's totals say how far each option's cost moved; a reader acts on the conclusion: which
long-list models the gateways let through, how the shortlist ranks, which option is preferred,
and the warnings a review of the model raises. An `Outcome` holds one scenario's conclusion;
`compare_outcomes` says, part by part, what changed between two, in words a councillor follows.

Each part is compared on its own and reported as an `OutcomePart`: the appraisal always (saying
so where a side has none), the warnings wherever either side carries a list of them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

#: A warning from a review of the model, as (code, message): ("W101", "...").
ModelWarning = tuple[str, str]

#: How a reader names each part of what a scenario concludes.
TITLES = {"appraisal": "Appraisal", "warnings": "Model review warnings"}


@dataclass(frozen=True)
class LongListResult:
    """Where one long-list model ended up."""

    name: str
    #: The costed option it is, or None.
    option: str | None
    shortlisted: bool
    #: Each gateway it failed, as (gateway name, reason).
    failed: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Standing:
    """A shortlisted option's place."""

    name: str
    weighted: float
    rank_by_score: int
    rank_by_npc: int


@dataclass(frozen=True)
class AppraisalOutcome:
    #: Long-list id -> result, in the scenario's order.
    long_list: dict[str, LongListResult]
    #: Option id -> its standing, for each shortlisted option.
    shortlist: dict[str, Standing]
    #: True where weighted criteria rank the shortlist; without them there is no preferred option.
    scored: bool
    preferred: str | None
    scale_high: float

    @classmethod
    def of(cls, appraised) -> "AppraisalOutcome":
        long_list = {o.entry.id: LongListResult(o.entry.name, o.entry.option, o.shortlisted,
                                                tuple((g.gateway.name, g.reason) for g in o.gateways
                                                      if g.passed is False))
                     for o in appraised.long_list}
        shortlist = {s.option: Standing(appraised.names.get(s.option, s.option), s.weighted, s.rank_by_score,
                                        s.rank_by_npc) for s in appraised.scored}
        scored = bool(appraised.appraisal.criteria)
        preferred = appraised.preferred.option if scored and appraised.preferred is not None else None
        return cls(long_list, shortlist, scored, preferred, appraised.appraisal.scale.high.value)

    def in_words(self) -> str:
        shortlisted = sum(result.shortlisted for result in self.long_list.values())
        words = f"{shortlisted} of {len(self.long_list)} on the long list shortlisted"
        if self.preferred is not None:
            words += f"; preferred: {self.shortlist[self.preferred].name}"
        return words

    def to_json(self) -> dict:
        return {
            "shortlisted": [entry for entry, result in self.long_list.items() if result.shortlisted],
            "shortlist": [{"option": option, "name": s.name, "weighted_score": round(s.weighted, 6),
                           "rank_by_score": s.rank_by_score, "rank_by_npc": s.rank_by_npc}
                          for option, s in sorted(self.shortlist.items(), key=lambda kv: kv[1].rank_by_score)],
            "preferred": self.preferred,
        }


@dataclass(frozen=True)
class Outcome:
    """One scenario's conclusion. None for a part means the scenario has none of it."""

    appraisal: AppraisalOutcome | None = None
    #: The model review's warnings; None where the scenario was not reviewed.
    warnings: tuple[ModelWarning, ...] | None = None


def outcome_of(projection, warnings: Sequence[ModelWarning] | None = None) -> Outcome:
    """The outcome of a projected scenario, with the warnings a review of it raised, if it was reviewed."""
    from ..appraisal.evaluate import appraise

    appraised = appraise(projection)
    return Outcome(AppraisalOutcome.of(appraised) if appraised is not None else None,
                   tuple(warnings) if warnings is not None else None)


@dataclass(frozen=True)
class OutcomeChange:
    """One thing the conclusion says differently: `topic: words`, with the values for a program."""

    part: str
    #: preferred, shortlist_entered, shortlist_dropped, long_list, scoring, rank_by_score,
    #: weighted_score, rank_by_npc, warning_added, warning_removed
    kind: str
    #: The long-list id, option id or warning code it is about, or None.
    subject: str | None
    old: object
    new: object
    topic: str
    words: str

    def __str__(self) -> str:
        return f"{self.topic}: {self.words}"

    def to_json(self) -> dict:
        return {"kind": self.kind, "subject": self.subject, "old": self.old, "new": self.new, "in_words": str(self)}


@dataclass
class OutcomePart:
    """One part of the conclusion (the appraisal, the warnings), old against new."""

    name: str
    in_old: bool
    in_new: bool
    changes: list[OutcomeChange]
    #: One line: nothing changed, what changed in brief, or which side lacks it.
    in_words: str

    @property
    def title(self) -> str:
        return TITLES[self.name]

    @property
    def changed(self) -> bool:
        return bool(self.changes) or self.in_old != self.in_new

    def to_json(self) -> dict:
        return {"in_old": self.in_old, "in_new": self.in_new, "changed": self.changed, "in_words": self.in_words,
                "changes": [change.to_json() for change in self.changes]}


@dataclass
class OutcomeComparison:
    old: Outcome
    new: Outcome
    parts: list[OutcomePart] = field(default_factory=list)

    def part(self, name: str) -> OutcomePart | None:
        return next((part for part in self.parts if part.name == name), None)

    def to_json(self) -> dict:
        out = {}
        for part in self.parts:
            out[part.name] = part.to_json()
            if part.name == "appraisal":
                out[part.name]["old"] = self.old.appraisal.to_json() if self.old.appraisal else None
                out[part.name]["new"] = self.new.appraisal.to_json() if self.new.appraisal else None
        return out


def compare_outcomes(old: Outcome, new: Outcome) -> OutcomeComparison:
    parts = [_appraisal_part(old.appraisal, new.appraisal)]
    if old.warnings is not None or new.warnings is not None:
        parts.append(_warnings_part(old.warnings, new.warnings))
    return OutcomeComparison(old, new, parts)


# --------------------------------------------------------------------------- the appraisal

def _appraisal_part(old: AppraisalOutcome | None, new: AppraisalOutcome | None) -> OutcomePart:
    if old is None and new is None:
        return OutcomePart("appraisal", False, False, [], "neither scenario has an appraisal")
    if old is None:
        return OutcomePart("appraisal", False, True, [],
                           f"the old scenario has no appraisal; the new one has: {new.in_words()}")
    if new is None:
        return OutcomePart("appraisal", True, False, [],
                           f"the new scenario has no appraisal; the old one had: {old.in_words()}")
    changes = compare_appraisals(old, new)
    if not changes:
        words = "nothing in its outcome changed"
        if new.preferred is not None:
            words += f" ({new.shortlist[new.preferred].name} still preferred"
        else:
            words += " (no weighted criteria, so no preferred option"
        words += f"; the same {len(new.shortlist)} shortlisted"
        words += ", ranked the same)" if new.shortlist else ")"
        return OutcomePart("appraisal", True, True, [], words)
    return OutcomePart("appraisal", True, True, changes,
                       f"{len(changes)} change{'s' if len(changes) != 1 else ''} in its outcome")


def compare_appraisals(old: AppraisalOutcome, new: AppraisalOutcome) -> list[OutcomeChange]:
    """What the appraisal concludes differently: the preferred option first, then the shortlist, then
    each shortlisted option's ranks and score, then the long-list models that stay off the shortlist."""
    changes: list[OutcomeChange] = []

    def add(kind, subject, was, now, topic, words):
        changes.append(OutcomeChange("appraisal", kind, subject, was, now, topic, words))

    def name_of(outcome: AppraisalOutcome, option: str | None) -> str:
        return "none" if option is None else outcome.shortlist[option].name

    if old.scored != new.scored:
        add("scoring", None, old.scored, new.scored, "Weighted scoring",
            "the new appraisal scores the shortlist against weighted criteria; the old one did not" if new.scored
            else "the new appraisal has no weighted criteria, so no preferred option; the old one had")
    if old.preferred != new.preferred and (old.scored or new.scored):
        add("preferred", None, old.preferred, new.preferred, "Preferred option",
            f"was {name_of(old, old.preferred)}, now {name_of(new, new.preferred)}")

    for entry in _in_order(old.long_list, new.long_list):
        was, now = old.long_list.get(entry), new.long_list.get(entry)
        was_in, now_in = bool(was and was.shortlisted), bool(now and now.shortlisted)
        name = (now or was).name
        if now_in and not was_in:
            why = ("new on the long list" if was is None
                   else f"now passes every gateway (it failed {_failures(was.failed)})")
            add("shortlist_entered", entry, False, True, "Shortlist", f"{name} entered{_place(new, now)}: {why}")
        elif was_in and not now_in:
            why = "no longer on the long list" if now is None else f"fails {_failures(now.failed)}"
            add("shortlist_dropped", entry, True, False, "Shortlist",
                f"{name} dropped{_place(old, was, 'it was')}: {why}")
        elif not was_in and not now_in:
            if was is None:
                add("long_list", entry, None, "added", "Long list",
                    f"{name} added, not shortlisted: fails {_failures(now.failed)}")
            elif now is None:
                add("long_list", entry, "removed", None, "Long list", f"{name} removed (it was not shortlisted)")
            elif was.failed != now.failed:
                add("long_list", entry, [g for g, _ in was.failed], [g for g, _ in now.failed], "Long list",
                    f"{name} still not shortlisted, now failing {_failures(now.failed)} (it failed "
                    f"{_failures(was.failed)})")

    # Best first, as the new appraisal ranks them.
    for option in sorted((o for o in new.shortlist if o in old.shortlist),
                         key=lambda o: (new.shortlist[o].rank_by_score, new.shortlist[o].rank_by_npc)):
        was, now = old.shortlist[option], new.shortlist[option]
        if old.scored and new.scored:
            if was.rank_by_score != now.rank_by_score:
                add("rank_by_score", option, was.rank_by_score, now.rank_by_score, "Rank by weighted score",
                    f"{now.name} was {_ordinal(was.rank_by_score)}, now {_ordinal(now.rank_by_score)}")
            if round(was.weighted, 6) != round(now.weighted, 6):
                before, after = _two_scores(was.weighted, now.weighted)
                add("weighted_score", option, round(was.weighted, 6), round(now.weighted, 6), "Weighted score",
                    f"{now.name} was {before}, now {after} (of {new.scale_high:g})")
        if was.rank_by_npc != now.rank_by_npc:
            add("rank_by_npc", option, was.rank_by_npc, now.rank_by_npc, "Rank by net present cost",
                f"{now.name} was {_ordinal(was.rank_by_npc)}, now {_ordinal(now.rank_by_npc)} of the shortlist")
    order = ("scoring", "preferred", "shortlist_dropped", "shortlist_entered", "rank_by_score", "weighted_score",
             "rank_by_npc", "long_list")
    return sorted(changes, key=lambda change: order.index(change.kind))


def _in_order(old: dict, new: dict) -> list:
    """The new file's order, then what only the old one holds."""
    return list(new) + [key for key in old if key not in new]


def _failures(failed: tuple[tuple[str, str], ...]) -> str:
    return "; ".join(f'the gateway "{gateway}": {reason}' for gateway, reason in failed) or "no gateway"


def _place(outcome: AppraisalOutcome, result: LongListResult, tense: str = "") -> str:
    standing = outcome.shortlist.get(result.option) if result.option else None
    if standing is None or not outcome.scored:
        return ""
    return f" ({tense + ' ' if tense else ''}ranked {_ordinal(standing.rank_by_score)} by weighted score)"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _two_scores(a: float, b: float) -> tuple[str, str]:
    """Two scores with as many places as it takes to see that they differ (two, four or six)."""
    for places in (2, 4, 6):
        if f"{a:.{places}f}" != f"{b:.{places}f}":
            break
    return f"{a:.{places}f}", f"{b:.{places}f}"


# --------------------------------------------------------------------------- warnings

def compare_warnings(old: Sequence[ModelWarning], new: Sequence[ModelWarning]) -> list[OutcomeChange]:
    """The warnings raised only by the new scenario (added) and only by the old (removed).

    Compared as (code, message) pairs, counting repeats: a code raised once for each of two
    options, and then for one, has one removed."""
    changes = []
    left = Counter(new)
    for warning in old:
        if left[warning]:
            left[warning] -= 1
        else:
            changes.append(OutcomeChange("warnings", "warning_removed", warning[0], warning[1], None, "Warning",
                                         f"{warning[0]} removed: {warning[1]}"))
    kept = Counter(old)
    for warning in new:
        if kept[warning]:
            kept[warning] -= 1
        else:
            changes.append(OutcomeChange("warnings", "warning_added", warning[0], None, warning[1], "Warning",
                                         f"{warning[0]} added: {warning[1]}"))
    return changes


def _warnings_part(old: Sequence[ModelWarning] | None, new: Sequence[ModelWarning] | None) -> OutcomePart:
    if old is None:
        return OutcomePart("warnings", False, True, [],
                           f"the old scenario was not reviewed; the new one has {_count(new)}")
    if new is None:
        return OutcomePart("warnings", True, False, [],
                           f"the new scenario was not reviewed; the old one had {_count(old)}")
    changes = compare_warnings(old, new)
    if not changes:
        return OutcomePart("warnings", True, True, [], f"the same {_count(new)}" if new else "none, old or new")
    added = sum(change.kind == "warning_added" for change in changes)
    return OutcomePart("warnings", True, True, changes, f"{added} added, {len(changes) - added} removed")


def _count(warnings: Sequence[ModelWarning]) -> str:
    return f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}"
