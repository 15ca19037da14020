"""Parameter sets: the figures of public standards that change with each Budget and Green Book.

Employer NI rates and thresholds, the apprenticeship levy, the standard rate of VAT, corporation
tax (its main and small profits rates and marginal relief), the Green Book discount schedules and its optimism-bias bounds are shipped as dated, sourced data in `parameter_sets/*.json`,
one file a set, named by the month it was made (`2026-12`). A set is never edited once
released: a later Budget is a new set beside it. So a scenario that pins a set
(`parameters: 2026-12`) is priced the same by every later release, and one that gives
`as_known_at` is priced with only what had been announced by that day.

Every figure says its value, the tax year it is for (where it is by year), the day it was
announced, the day it came into force, and its public source. The files are read and checked
when this module is imported: a broken set is a fault of costmodel, not of a scenario.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from .units import financial_year_label, parse_financial_year

#: The tables of a set priced by date of announcement, and how each is named to a reader.
TABLES = {
    ("employer_ni", "rate"): "the employer NI rate",
    ("employer_ni", "threshold"): "the employer NI secondary threshold",
    ("apprenticeship_levy", "rate"): "the apprenticeship levy rate",
    ("apprenticeship_levy", "allowance"): "the apprenticeship levy allowance",
    ("vat", "standard_rate"): "the standard rate of VAT",
    ("corporation_tax", "main_rate"): "the main rate of corporation tax",
    ("corporation_tax", "small_profits_rate"): "the small profits rate of corporation tax",
    ("corporation_tax", "lower_limit"): "the lower limit for marginal relief",
    ("corporation_tax", "upper_limit"): "the upper limit for marginal relief",
    ("corporation_tax", "marginal_relief_fraction"): "the standard fraction of marginal relief",
}
#: The corporation tax tables, by the names the settlement's rows use (lines/settlement.py). Each is by
#: financial year, beginning 1 April: corporation tax's year, not the income tax year NI follows.
CORPORATION_TAX = {"ct_main_rate": "main_rate", "ct_small_profits_rate": "small_profits_rate",
                   "ct_lower_limit": "lower_limit", "ct_upper_limit": "upper_limit",
                   "ct_marginal_relief_fraction": "marginal_relief_fraction"}
#: Tables with a figure for each tax year; the others hold one figure, the latest announced.
BY_TAX_YEAR = {("employer_ni", "rate"), ("employer_ni", "threshold"),
               *(("corporation_tax", key) for key in CORPORATION_TAX.values())}
#: Tables only some scenarios need (corporation tax, for a company's settlement): a day before their first
#: figure was announced leaves them empty rather than refusing the scenario; one that needs them says so.
NEEDED_ONLY_BY_SOME = {("corporation_tax", key) for key in CORPORATION_TAX.values()}


@dataclass(frozen=True)
class Period:
    """Part of a tax year with a rate of its own (2022/23's employer NI)."""

    first_day: _dt.date
    last_day: _dt.date
    value: float


@dataclass(frozen=True)
class Announced:
    """One figure of a table: what it is, for when, announced when, and by whom."""

    value: float
    announced: _dt.date
    in_force: _dt.date
    source: str
    #: The tax year (its first calendar year) the figure is for, in a table by tax year.
    tax_year: int | None = None
    #: Where the figure for the year is the annual equivalent of rates that changed during it.
    periods: tuple[Period, ...] = ()


@dataclass(frozen=True)
class DiscountSchedule:
    #: (first year number, rate): the rate applies from that year until the next entry.
    rates: tuple[tuple[int, float], ...]
    source: str
    edition: str
    words: str


@dataclass(frozen=True)
class ProjectType:
    """A project type of the Green Book's optimism-bias table, and its upper and lower bounds."""

    upper_bound: float
    #: What the bound is measured on: capital expenditure, or operating expenditure (outsourcing).
    of: str
    words: str
    #: The bound that full mitigation reaches: what optimism bias remains once every risk is managed.
    lower_bound: float = 0.0


@dataclass(frozen=True)
class ParameterSet:
    name: str
    published: _dt.date
    about: str
    tables: dict[tuple[str, str], tuple[Announced, ...]]
    #: What the Inputs sheet says a table of the set's figures comes from.
    sources: dict[str, str]
    discount_schedules: dict[str, DiscountSchedule]
    #: The Green Book's optimism-bias upper bounds by project type, and their source.
    project_types: dict[str, ProjectType] = field(default_factory=dict)
    optimism_bias_source: str = ""

    def optimism_bias_words(self, name: str) -> str:
        """The source an upper bound taken by project type is shown with on the Inputs sheet."""
        kind = self.project_types[name]
        return (f"{self.optimism_bias_source} for {kind.words} ({kind.upper_bound:.0%} upper, {kind.lower_bound:.0%} "
                f"lower, of {kind.of}; set {self.name})")


@dataclass(frozen=True)
class Parameters:
    """The figures a scenario is priced with: a set, as known at a day or in full."""

    set: ParameterSet
    #: The set was named by the scenario; otherwise it is the latest set of the costmodel that first
    #: ran it (which `verify` reads back from the workbook's Cover).
    pinned: bool
    as_known_at: _dt.date | None
    ni_rate: dict[int, float]
    ni_threshold: dict[int, float]
    levy_rate: float
    levy_allowance: float
    vat_rate: float
    #: Corporation tax by financial year: each of CORPORATION_TAX's tables, year -> figure (empty where
    #: nothing of it had been announced by `as_known_at`).
    corporation_tax: dict[str, dict[int, float]] = field(default_factory=dict)
    #: The figures used, table by table, in the order of the set (the Cover and docs list them).
    used: dict[tuple[str, str], tuple[Announced, ...]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """What the Cover records and `verify` reads back: `2026-12`, or `2026-12 as known at 2017-11-09`."""
        if self.as_known_at is None:
            return self.set.name
        return f"{self.set.name} as known at {self.as_known_at.isoformat()}"

    def in_words(self, corporation_tax: bool = False) -> str:
        """The Cover's sentence on the parameters, saying where an unpinned scenario took the latest set;
        with `corporation_tax` where a company's settlement is taxed at the set's rates too."""
        known = (f", with only what had been announced by {_day(self.as_known_at)} (later years carry the last "
                 f"announced figure forward)" if self.as_known_at is not None else "")
        # Words that stay true when a later release re-runs the workbook with the set it records.
        how = ("the set the scenario pins" if self.pinned else
               f"the latest set of the costmodel that ran it, as the scenario pins none: write {self.pin} in the "
               f"scenario to keep these figures when costmodel is upgraded")
        taxes = "VAT, corporation tax" if corporation_tax else "VAT"
        return (f"Employer NI, apprenticeship levy, {taxes} and discount rates from parameter set {self.set.name}, "
                f"{how}{known}. Every figure and its source: docs/parameters.md")

    @property
    def pin(self) -> str:
        """The scenario's key that pins these figures."""
        if self.as_known_at is None:
            return f"parameters: {self.set.name}"
        return f"parameters: {{set: {self.set.name}, as_known_at: {self.as_known_at.isoformat()}}}"

    def source_of(self, table: str) -> str:
        """The Inputs sheet's source for a table's default figures."""
        source = self.set.sources[table]
        if self.as_known_at is None:
            return source
        return (f"{source}; as announced by {_day(self.as_known_at)} (parameters: as_known_at), later years "
                f"carrying the last announced figure forward")


class ParameterError(ValueError):
    """A scenario asks for a set or a day the shipped sets cannot price; the message says why."""


def _day(day: _dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


# --------------------------------------------------------------------------- reading the sets

def _date(raw: object, where: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(str(raw))
    except ValueError:
        raise ValueError(f"{where}: not a date written 2017-11-09: {raw!r}") from None


def _figure(raw: dict, where: str, by_year: bool) -> Announced:
    expected = {"value", "announced", "in_force", "source"} | ({"tax_year"} if by_year else set())
    missing, unknown = expected - set(raw), set(raw) - expected - {"periods"}
    if missing or unknown:
        raise ValueError(f"{where}: missing {sorted(missing)}, unknown {sorted(unknown)}")
    value = raw["value"]
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{where}: value is not a figure: {value!r}")
    if not str(raw["source"]).strip():
        raise ValueError(f"{where}: has no source")
    announced, in_force = _date(raw["announced"], where), _date(raw["in_force"], where)
    tax_year = parse_financial_year(raw["tax_year"]) if by_year else None
    periods = tuple(Period(_date(p["from"], where), _date(p["to"], where), float(p["value"]))
                    for p in raw.get("periods", ()))
    if periods:
        # The year's figure is HMRC's annual equivalent: the rates weighted by the days each ran, to
        # the hundredth of a percent it is published to.
        days = [(p.last_day - p.first_day).days + 1 for p in periods]
        whole = (_dt.date(tax_year + 1, 4, 5) - _dt.date(tax_year, 4, 6)).days + 1
        if periods[0].first_day != _dt.date(tax_year, 4, 6) or sum(days) != whole:
            raise ValueError(f"{where}: the periods do not cover the tax year {financial_year_label(tax_year)}")
        weighted = sum(d * p.value for d, p in zip(days, periods)) / whole
        if round(weighted, 4) != round(float(value), 4):
            raise ValueError(f"{where}: {value} is not the annual equivalent of its periods ({weighted:.5f})")
    return Announced(float(value), announced, in_force, str(raw["source"]), tax_year, periods)


def read_set(text: str, name: str) -> ParameterSet:
    """A set from the text of its file; raises ValueError naming what is wrong in it."""
    raw = json.loads(text)
    if raw.get("name") != name:
        raise ValueError(f"{name}: the file names itself {raw.get('name')!r}")
    published = _date(raw["published"], name)
    tables, sources = {}, {}
    for (group, key), _ in TABLES.items():
        figures = tuple(_figure(item, f"{name}: {group}.{key}[{index}]", (group, key) in BY_TAX_YEAR)
                        for index, item in enumerate(raw[group][key]))
        if not figures:
            raise ValueError(f"{name}: {group}.{key} is empty")
        late = [f for f in figures if f.announced > published]
        if late:
            raise ValueError(f"{name}: {group}.{key} has a figure announced after the set was made ({late[0].announced})")
        tables[(group, key)] = figures
        sources[group] = str(raw[group]["source"])
    schedules = {}
    for schedule, entry in raw["discount_schedules"].items():
        rates = tuple((int(year), float(rate)) for year, rate in entry["rates"])
        if not rates or rates[0][0] != 0 or [y for y, _ in rates] != sorted({y for y, _ in rates}):
            raise ValueError(f"{name}: discount schedule {schedule} must run from year 0, in order")
        schedules[schedule] = DiscountSchedule(rates, entry["source"], entry["edition"], entry["words"])
    bias = raw["optimism_bias"]
    kinds = {}
    for kind, entry in bias["project_types"].items():
        if not 0 < float(entry["upper_bound"]) <= 3 or entry["of"] not in ("capital expenditure", "operating expenditure"):
            raise ValueError(f"{name}: optimism_bias.project_types.{kind} is not an upper bound of capital or "
                             f"operating expenditure")
        lower = float(entry.get("lower_bound", 0.0))
        if not 0 <= lower <= float(entry["upper_bound"]):
            raise ValueError(f"{name}: optimism_bias.project_types.{kind}: the lower bound must be from 0 to the "
                             f"upper bound")
        kinds[kind] = ProjectType(float(entry["upper_bound"]), entry["of"], entry["words"], lower)
    if not str(bias["source"]).strip():
        raise ValueError(f"{name}: optimism_bias has no source")
    return ParameterSet(name, published, str(raw["about"]), tables, sources, schedules, kinds, str(bias["source"]))


def _shipped() -> dict[str, ParameterSet]:
    # Beside this module, as the package installs them, read as plain files: importlib.resources's readers
    # take some 10 ms of every command's start-up to import, and costmodel is never run from a zip.
    folder = Path(__file__).with_name("parameter_sets")
    found = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            name = entry.name[:-len(".json")]
            found[name] = read_set(entry.read_text(encoding="utf-8"), name)
    return dict(sorted(found.items()))


#: Every set this release ships, by name, oldest first. Names sort as the months they are.
SETS: dict[str, ParameterSet] = _shipped()


def latest() -> ParameterSet:
    return SETS[max(SETS)]


# --------------------------------------------------------------------------- pricing a scenario

def _known(figures: tuple[Announced, ...], day: _dt.date | None) -> list[Announced]:
    return [f for f in figures if day is None or f.announced <= day]


def _by_year(figures: list[Announced]) -> dict[int, Announced]:
    """The figure for each tax year: of two for one year, the one announced later."""
    chosen: dict[int, Announced] = {}
    for figure in sorted(figures, key=lambda f: f.announced):
        chosen[figure.tax_year] = figure
    return dict(sorted(chosen.items()))


def resolve(name: str | None = None, as_known_at: _dt.date | None = None,
            pinned: bool | None = None) -> Parameters:
    """The figures of the set `name` (the latest, if None), as known at a day if one is given.

    `pinned` says whether the scenario named the set (by default, whether `name` is given): a
    workbook re-run by `verify` names the set its Cover records for a scenario that pins none.
    Raises ParameterError for a set this release does not ship, or a day before a table's first
    figure was announced."""
    if name is not None and name not in SETS:
        raise ParameterError(unknown_set_message(name))
    chosen = SETS[name] if name is not None else latest()
    used = {}
    for table, words in TABLES.items():
        known = _known(chosen.tables[table], as_known_at)
        if not known and table in NEEDED_ONLY_BY_SOME:
            used[table] = ()
            continue
        if not known:
            first = min(chosen.tables[table], key=lambda f: f.announced)
            raise ParameterError(
                f"{words} was first announced on {_day(first.announced)} ({first.source}); nothing of it was known "
                f"by {_day(as_known_at)}. Give a later day, or state the figure in assumptions")
        if table in BY_TAX_YEAR:
            used[table] = tuple(_by_year(known).values())
        else:
            used[table] = (max(known, key=lambda f: f.announced),)
    ni_rate = {f.tax_year: f.value for f in used[("employer_ni", "rate")]}
    ni_threshold = {f.tax_year: f.value for f in used[("employer_ni", "threshold")]}
    corporation_tax = {name: {f.tax_year: f.value for f in used[("corporation_tax", key)]}
                       for name, key in CORPORATION_TAX.items()}
    return Parameters(chosen, name is not None if pinned is None else pinned, as_known_at, ni_rate, ni_threshold,
                      used[("apprenticeship_levy", "rate")][0].value,
                      used[("apprenticeship_levy", "allowance")][0].value,
                      used[("vat", "standard_rate")][0].value, corporation_tax, used)


def unknown_set_message(name: str) -> str:
    import difflib

    known = list(SETS)
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return (f"no parameter set '{name}' ships with this costmodel{hint}; the sets it has, each named by the month "
            f"it was made: {', '.join(known)}")


def from_label(label: str) -> tuple[str, _dt.date | None]:
    """The set and day a workbook's Cover records (`2026-12`, `2026-12 as known at 2017-11-09`)."""
    name, _, day = label.partition(" as known at ")
    return name.strip(), (_dt.date.fromisoformat(day.strip()) if day else None)


__all__ = ["CORPORATION_TAX", "Announced", "DiscountSchedule", "ParameterError", "ParameterSet", "Parameters", "Period", "ProjectType", "SETS",
           "TABLES", "from_label", "latest", "read_set", "resolve", "unknown_set_message"]
