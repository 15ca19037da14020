"""The scenario format as typed, checked models (pydantic).

Every number a finance officer writes is a `Figure`: its value, the unit it was
read in, and optionally a source, a note and a low/high range. Written bare
(`salary: 88,202`) or in full (`salary: {value: "88,202", source: "para 35.20"}`).

Field names here are the YAML keys; docs/scenario-format.md documents each.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import math
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    create_model,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    StrictBool,
    Tag,
    WrapSerializer,
    field_validator,
    model_validator,
)

from ..scale import derived_from
from ..lines import EXIT_KINDS, INPUTS, KINDS
from ..lines.contracts import MIX_SLOTS
from ..lines.placements import LIMITS, WEEKS_A_YEAR
from .unit_costs import UNIT_COSTS, UnitCost
from . import defaults
from .parameters import SETS, ParameterError, Parameters, latest, resolve, unknown_set_message
from .units import (
    MAX_AMOUNT,
    UnitError,
    financial_year_of,
    parse_amount,
    parse_financial_year,
    parse_month,
    parse_month_of_year,
    parse_number,
    parse_rate,
)

FAMILIES = (
    "in_house",
    "partnership",
    "wholly_owned_company",
    "trust",
    "community_interest_company",
    "mutual",
    "commissioned",
)
#: Families in which the council itself employs the staff and buys the goods.
COUNCIL_FAMILIES = ("in_house", "partnership")
#: New delivery vehicles: separate employers making exempt supplies.
VEHICLE_FAMILIES = ("wholly_owned_company", "trust", "community_interest_company", "mutual")

#: Who employs the staff of an option of each family, from go-live, where the scenario names nobody.
EMPLOYER_WORDS = {
    "in_house": "the council",
    "partnership": "the council",
    "commissioned": "the council",
    "wholly_owned_company": "the company",
    "trust": "the trust",
    "community_interest_company": "the community interest company",
    "mutual": "the mutual",
}

Family = Literal[
    "in_house", "partnership", "wholly_owned_company", "trust",
    "community_interest_company", "mutual", "commissioned",
]
Period = Literal["after_go_live", "before_go_live", "whole_horizon"]
IndexName = Literal["general", "pay", "none"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, hide_input_in_errors=True, defer_build=True)


# --------------------------------------------------------------------------- figures

class Figure(BaseModel):
    """A number with its unit, provenance and (optionally) a range."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True, defer_build=True)

    value: float
    unit: str
    low: float | None = None
    high: float | None = None
    #: How it is drawn in a simulation; with a low and high but no distribution, triangular.
    distribution: Literal["triangular", "pert", "uniform", "normal", "lognormal"] | None = None
    #: Standard deviation, for a normal or lognormal distribution (in the figure's own unit).
    sd: float | None = None
    #: Figures with the same draw name are one uncertain quantity, drawn once for all of them.
    draw: str | None = None
    source: str | None = None
    note: str | None = None
    #: The place of the last digit written (pounds only), for default tolerances.
    precision: float | None = None
    #: Line and path in the scenario file; filled in by the loader.
    line: int | None = None
    path: str | None = None

    @property
    def has_range(self) -> bool:
        return self.low is not None or self.high is not None or self.sd is not None

    @property
    def drawn_as(self) -> str | None:
        if not self.has_range:
            return None
        return self.distribution or "triangular"


_FIGURE_KEYS = ("value", "central", "low", "high", "distribution", "sd", "draw", "source", "note")
DISTRIBUTIONS = ("triangular", "pert", "uniform", "normal", "lognormal")


def figure_reader(unit: str, parse):
    def read(raw: object) -> object:
        if isinstance(raw, Figure):
            return raw
        if isinstance(raw, dict):
            unknown = [k for k in raw if k not in _FIGURE_KEYS]
            if unknown:
                raise ValueError(unknown_key_message(unknown[0], _FIGURE_KEYS))
            if "value" in raw and "central" in raw:
                raise ValueError("give either value or central, not both")
            central_key = "value" if "value" in raw else "central"
            if central_key not in raw:
                raise ValueError("a figure written as a mapping needs a value (or central)")
            value, precision = _read_one(parse, raw[central_key], central_key)
            low = _read_one(parse, raw["low"], "low")[0] if raw.get("low") is not None else None
            high = _read_one(parse, raw["high"], "high")[0] if raw.get("high") is not None else None
            if low is not None and low > value:
                raise ValueError(f"low ({in_unit(low, unit)}) is above the central value ({in_unit(value, unit)})")
            if high is not None and high < value:
                raise ValueError(f"high ({in_unit(high, unit)}) is below the central value ({in_unit(value, unit)})")
            for key in ("source", "note"):
                if key in raw and raw[key] is not None and not isinstance(raw[key], str):
                    raise ValueError(f"{key} should be text")
            distribution, sd = _distribution(raw, parse, value, low, high)
            draw = raw.get("draw")
            if draw is not None and (not isinstance(draw, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", draw)):
                raise ValueError("draw: expected a name of lower-case letters, digits, '-' or '_'")
            if draw is not None and low is None and sd is None:
                raise ValueError("draw names an uncertain quantity; give this figure its range too")
            return {"value": value, "unit": unit, "low": low, "high": high, "distribution": distribution, "sd": sd,
                    "draw": draw, "source": raw.get("source"), "note": raw.get("note"), "precision": precision}
        value, precision = _read_one(parse, raw, None)
        return {"value": value, "unit": unit, "precision": precision}

    return read


def _distribution(raw: dict, parse, value: float, low, high):
    """Check a figure's distribution has the parameters it needs, and only those."""
    distribution = raw.get("distribution")
    if distribution is not None and distribution not in DISTRIBUTIONS:
        raise ValueError(f"distribution: expected one of {', '.join(DISTRIBUTIONS)}, got {distribution!r}")
    sd = _read_one(parse, raw["sd"], "sd")[0] if raw.get("sd") is not None else None
    if distribution in ("normal", "lognormal"):
        if sd is None or sd <= 0:
            raise ValueError(f"a {distribution} distribution needs sd, its standard deviation, above 0")
        if distribution == "lognormal" and value <= 0:
            raise ValueError("a lognormal distribution needs a central value above 0 (its mean)")
    elif sd is not None:
        raise ValueError("sd is for a normal or lognormal distribution; give distribution: normal")
    elif distribution is not None and (low is None or high is None):
        raise ValueError(f"a {distribution} distribution needs both low and high")
    elif (low is None) != (high is None):
        raise ValueError("give both low and high, or neither")
    if low is not None and high is not None and low == high:
        raise ValueError("low and high are equal: there is no range; give the single value alone")
    return distribution, sd


def _read_one(parse, raw: object, key: str | None) -> tuple[float, float | None]:
    try:
        result = parse(raw)
    except UnitError as exc:
        raise ValueError(f"{key}: {exc}" if key else str(exc)) from None
    if hasattr(result, "precision"):
        return result.value, result.precision
    return result, None


Amount = Annotated[Figure, BeforeValidator(figure_reader("pounds", parse_amount))]
Rate = Annotated[Figure, BeforeValidator(figure_reader("rate", parse_rate))]
Number = Annotated[Figure, BeforeValidator(figure_reader("number", parse_number))]


def _each_bounded(table: dict, name: str, low: float, high: float) -> dict:
    """A table by year whose every figure must lie within the limits."""
    for figure in table.values():
        _bounded(figure, name, low, high)
    return table


def fixed(value: float, unit: str, source: str | None = None, note: str | None = None) -> Figure:
    """A figure the scenario did not state: a default, with where it comes from."""
    return Figure(value=value, unit=unit, source=source, note=note)


def read_financial_year(raw: object) -> int:
    try:
        return parse_financial_year(raw)
    except UnitError as exc:
        raise ValueError(str(exc)) from None


def _month(raw: object) -> tuple[int, int]:
    try:
        return parse_month(raw)
    except UnitError as exc:
        raise ValueError(str(exc)) from None


FinancialYear = Annotated[int, BeforeValidator(read_financial_year)]
Month = Annotated[tuple[int, int], BeforeValidator(_month)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
#: A code of the model review (docs/warnings.md), such as W104.
WarningCode = Annotated[str, Field(pattern=r"^W[0-9]{3}$")]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
LongText = Annotated[str, Field(max_length=20000)]


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return (slug or "line")[:64]


def split_by_comma(key: object) -> bool:
    """Whether a key looks like the tail of an amount that a comma split inside { } (35,000 -> '000')."""
    return str(key).isdigit() and len(str(key)) <= 3


def unknown_key_message(key: str, allowed) -> str:
    if split_by_comma(key):
        # `{value: 35,000}` reads as value 35 and a key "000" (0): the comma split the amount.
        return (f"unknown key '{key}': inside {{ }} a comma separates entries, so an amount such as "
                f"1,300,000 there must be quoted (\"1,300,000\") or written without commas")
    close = difflib.get_close_matches(str(key), list(allowed), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f"; expected one of: {', '.join(allowed)}"
    return f"unknown key '{key}'{hint}"


def _bounded(figure: Figure | None, name: str, low: float, high: float, why: str = "") -> Figure | None:
    if figure is None:
        return figure
    for label, value in (("", figure.value), ("low ", figure.low), ("high ", figure.high)):
        if value is not None and not low <= value <= high:
            raise ValueError(f"{label}{name} {in_unit(value, figure.unit)} is outside {in_unit(low, figure.unit)} to "
                             f"{in_unit(high, figure.unit)}{why}")
    return figure


#: The limits of the figures a scenario states outside a line's item, by the name the workbook's Inputs
#: give them (lines/ and workbook/layout.py): each checked here, and held by the workbook's validation.
FIGURE_LIMITS = {
    "rate_by_year": (-0.5, 1.0),
    "budget_envelope": (0.0, 1e12),
    "ni_rate": (0.0, 0.5),
    "ni_threshold": (0.0, 1_000_000.0),
    "levy_rate": (0.0, 0.1),
    "levy_allowance": (0.0, 1_000_000.0),
    "discount_rate": (0.0, 0.25),
    "pension_rate": (0.0, 0.6),
    "vat_rate": (0.0, 0.5),
    "index_weight": (0.0, 1.0),
}

#: Each figure of an item held within limits by `_limits`, by its key in the scenario: the limits of every
#: model that declares the key (one, where they agree), so the workbook validates what the schema accepts.
FIELD_LIMITS: dict[str, set[tuple]] = {}


def _limits(**limits: tuple):
    """A validator holding each named figure within its (low, high[, why]) limits.

    A field validator rather than a check of the whole model, so that a figure out
    of range is reported at its own line, not at the line of the post it is in.
    """
    for name, bounds in limits.items():
        FIELD_LIMITS.setdefault(name, set()).add(tuple(bounds[:2]))

    def check(cls, figure, info):
        return _bounded(figure, info.field_name, *limits[info.field_name])

    return field_validator(*limits)(check)


def in_unit(value: float, unit: str) -> str:
    """A figure in a message as it would be written in the file: 5%, £130,000, 12 or 0.5."""
    if unit == "rate":
        return f"{value * 100:g}%"
    if unit == "pounds":
        # -£100,000 as a finance officer writes it, not £-100,000; a typing slip of 40 digits as £1e+39.
        pounds = f"£{abs(value):,.2f}".replace(".00", "") if abs(value) < 1e15 else f"£{abs(value):.3g}"
        return ("-" if value < 0 else "") + pounds
    if math.isfinite(value) and value == round(value) and abs(value) < 1e15:
        return f"{round(value):,}"  # a count of 200,000, not 2e+05
    return f"{value:,.6g}"


# --------------------------------------------------------------------------- sections

class Metadata(Strict):
    id: Slug
    title: Text
    authority: Text
    author: Text
    #: The date of this version of the scenario, written 2017-11-09.
    date: _dt.date
    status: Literal["draft", "published"]
    description: LongText = ""


def _whole_number(raw: object) -> object:
    # pydantic would take `true` as 1, and a flag is never a count.
    if isinstance(raw, bool):
        raise ValueError(f"expected a whole number, got {str(raw).lower()}")
    return raw


class Timeline(Strict):
    first_year: FinancialYear
    years: Annotated[int, BeforeValidator(_whole_number), Field(ge=1, le=100)]
    price_base: FinancialYear


def _rate_or_table(raw: object) -> str:
    """A mapping of years is a table by year; anything else is one rate (possibly in figure form)."""
    if isinstance(raw, dict) and not any(key in _FIGURE_KEYS for key in raw):
        return "table"
    return "rate"


class YearlyRates(Strict):
    """A rate for every year: one rate, or a table by year carried forward."""

    value: Annotated[
        Annotated[Figure, BeforeValidator(figure_reader("rate", parse_rate)), Tag("rate")]
        | Annotated[dict[FinancialYear, Rate], Tag("table")],
        Discriminator(_rate_or_table),
    ]
    source: str | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, raw: object) -> object:
        if not isinstance(raw, dict) or ("value" not in raw and "central" not in raw):
            return {"value": raw}
        if any(key in raw for key in ("low", "high", "distribution", "sd", "draw", "central")):
            # One rate with a range: the figure is the mapping; its source and note describe the section.
            return {"value": {k: v for k, v in raw.items() if k not in ("source", "note")},
                    "source": raw.get("source"), "note": raw.get("note")}
        return raw

    @field_validator("value")
    @classmethod
    def _sane(cls, value):
        figures = value.values() if isinstance(value, dict) else [value]
        for figure in figures:
            _bounded(figure, "rate", *FIGURE_LIMITS["rate_by_year"])
        if isinstance(value, dict) and not value:
            raise ValueError("the table by year is empty")
        return value


# ---- named index series (issue 17: contracts with indexation clauses)

#: Indices every scenario has by these names, whatever it states: its pay awards and general inflation.
BUILT_IN_INDICES = {"pay": "the pay awards (assumptions.pay_awards)",
                    "general": "general inflation, the GDP deflator (assumptions.general_inflation)"}


class IndexSeries(YearlyRates):
    """A named index a contract's uplift can follow (CPI, RPI, a pay series): a rate for every year,
    one rate or a table by year carried forward, as `general_inflation` is written."""

    #: What it is, in words, for the Inputs sheet: "Consumer prices index (CPI)".
    name: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, raw: object) -> object:
        if isinstance(raw, dict) and "name" in raw:
            rest = {key: value for key, value in raw.items() if key != "name"}
            read = YearlyRates._bare.__func__(cls, rest)
            return {**read, "name": raw["name"]} if isinstance(read, dict) else read
        return YearlyRates._bare.__func__(cls, raw)


class BudgetEnvelope(Strict):
    """The most the council can spend on the service each year, in cash: the medium-term financial
    strategy's figures, by financial year. A year after the last one stated carries that figure
    forward, in cash, as every table by year does (the Inputs sheet and the model review say so)."""

    by_year: Annotated[dict[FinancialYear, Amount], Field(min_length=1)]
    source: str | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, raw: object) -> object:
        # Written as a bare table by year (`budget_envelope: {2018/19: 52m, ...}`) or with its source.
        if isinstance(raw, dict) and "by_year" not in raw and not {"source", "note"} & set(raw):
            return {"by_year": raw}
        return raw

    @field_validator("by_year")
    @classmethod
    def _amounts(cls, value):
        return _each_bounded(value, "budget envelope", *FIGURE_LIMITS["budget_envelope"])

    def for_year(self, year: int) -> float:
        """The envelope of a year: the figure stated for it, or the last one stated before it."""
        return self.by_year[max(y for y in self.by_year if y <= year)].value


class EmployerNI(Strict):
    rates: dict[FinancialYear, Rate] = Field(default_factory=dict)
    thresholds: dict[FinancialYear, Amount] = Field(default_factory=dict)
    source: str | None = None
    note: str | None = None

    @field_validator("rates")
    @classmethod
    def _rates(cls, value):
        return _each_bounded(value, "employer NI rate", *FIGURE_LIMITS["ni_rate"])

    @field_validator("thresholds")
    @classmethod
    def _thresholds(cls, value):
        return _each_bounded(value, "threshold", *FIGURE_LIMITS["ni_threshold"])


class ApprenticeshipLevy(Strict):
    rate: Rate = fixed(defaults.LEVY_RATE, "rate", defaults.LEVY_SOURCE)
    allowance: Amount = fixed(defaults.LEVY_ALLOWANCE, "pounds", defaults.LEVY_SOURCE)

    @field_validator("rate")
    @classmethod
    def _rate(cls, value):
        return _bounded(value, "levy rate", *FIGURE_LIMITS["levy_rate"])

    @field_validator("allowance")
    @classmethod
    def _allowance(cls, value):
        return _bounded(value, "levy allowance", *FIGURE_LIMITS["levy_allowance"])


class Discounting(Strict):
    schedule: Literal["green_book", "health", "custom"] = "green_book"
    #: For `custom`: year number (0 = first year) -> rate, carried forward.
    rates: dict[int, Rate] = Field(default_factory=dict)
    source: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _custom(self):
        if self.schedule == "custom":
            if not self.rates:
                raise ValueError("a custom discount schedule needs rates, e.g. rates: {0: 3.5%, 31: 3%}")
            if 0 not in self.rates:
                raise ValueError("a custom discount schedule must give the rate from year 0")
        elif self.rates:
            raise ValueError(f"rates are only given with schedule: custom (this is {self.schedule})")
        for year, figure in self.rates.items():
            if not 0 <= year <= 125:
                raise ValueError(f"discount year {year} is outside 0 to 125")
            _bounded(figure, "discount rate", *FIGURE_LIMITS["discount_rate"])
        return self


class Assumptions(Strict):
    general_inflation: YearlyRates
    pay_awards: YearlyRates
    pension_rate: Rate
    employer_ni: EmployerNI = Field(default_factory=EmployerNI)
    apprenticeship_levy: ApprenticeshipLevy = Field(default_factory=ApprenticeshipLevy)
    vat_rate: Rate = fixed(defaults.VAT_RATE, "rate", defaults.VAT_SOURCE)
    discounting: Discounting = Field(default_factory=Discounting)
    #: Named index series a contract's uplift can follow, by year; `pay` and `general` are always there.
    indices: dict[Slug, IndexSeries] = Field(default_factory=dict)
    #: The budget the financial case is set against, year by year (issue 18: affordability by year).
    budget_envelope: BudgetEnvelope | None = None

    @field_validator("pension_rate")
    @classmethod
    def _pension(cls, value):
        return _bounded(value, "pension rate", *FIGURE_LIMITS["pension_rate"])

    def employer_ni_tables(self, parameters: Parameters) -> tuple[dict[int, float], dict[int, float]]:
        """NI rate and threshold by tax year: the parameter set's table with the scenario's years over it."""
        rates = {**parameters.ni_rate, **{y: f.value for y, f in self.employer_ni.rates.items()}}
        thresholds = {**parameters.ni_threshold, **{y: f.value for y, f in self.employer_ni.thresholds.items()}}
        return rates, thresholds

    def take_defaults(self, parameters: Parameters) -> None:
        """The levy and VAT figures the scenario does not state, from its parameter set."""
        # Assigned and then taken out of the fields set, so that what the scenario states stays told
        # apart from what it was given.
        if "vat_rate" not in self.model_fields_set:
            self.vat_rate = fixed(parameters.vat_rate, "rate", parameters.source_of("vat"))
            self.model_fields_set.discard("vat_rate")
        levy = self.apprenticeship_levy
        for key, value, unit in (("rate", parameters.levy_rate, "rate"),
                                 ("allowance", parameters.levy_allowance, "pounds")):
            if key not in levy.model_fields_set:
                setattr(levy, key, fixed(value, unit, parameters.source_of("apprenticeship_levy")))
                levy.model_fields_set.discard(key)

    @field_validator("vat_rate")
    @classmethod
    def _vat(cls, value):
        return _bounded(value, "VAT rate", *FIGURE_LIMITS["vat_rate"])


class Activity(Strict):
    """When a line runs: its years, and whether before or after the option goes live."""

    first_year: FinancialYear | None = None
    last_year: FinancialYear | None = None
    period: Period = "after_go_live"

    @field_validator("last_year")
    @classmethod
    def _order(cls, last_year, info):
        # Checked on last_year (first_year is read before it) to report it at last_year's line.
        first_year = info.data.get("first_year")
        if first_year is not None and last_year is not None and last_year < first_year:
            raise ValueError("last_year is before first_year")
        return last_year


#: Each figure of a post: its limits (low, high[, why]). One definition, held by the schema (Post) and by
#: the establishment's fast path (posts.py), which must accept exactly what the schema accepts.
POST_LIMITS = {
    "count": (0.0, 100_000.0),
    "fte": (0.0, 1.0, " (FTE is the share of a full-time post)"),
    "salary": (0.0, 1_000_000.0, "; check the figure"),
    "agency_share": (0.0, 1.0),
    "agency_premium": (0.0, 5.0),
    "vacancy": (0.0, 1.0),
    "on_costs": (0.0, 1_000_000.0),
    "on_cost_rate": (0.0, 1.0, " (on-costs as a share of pay)"),
    "pay_drift": (0.0, 0.2, " (drift a year up a scale)"),
    "pay_step": (0.0, 100_000.0, "; a step is pounds a year"),
    "salary_max": (0.0, 1_000_000.0, "; check the figure"),
}


class Post(Activity):
    id: Slug | None = None
    title: Text
    #: A post that starts or ends part-way through a year, in whole months (instead of
    #: first_year or last_year): `first_month: 2028-10` costs half of 2028/29.
    first_month: Month | None = None
    last_month: Month | None = None
    count: Number = fixed(1.0, "number")
    fte: Number = fixed(1.0, "number")
    salary: Amount
    agency_share: Rate = fixed(0.0, "rate")
    agency_premium: Rate = fixed(0.0, "rate")
    vacancy: Rate = fixed(0.0, "rate")
    #: Stated annual on-costs per full-time post at price-base prices, used
    #: instead of computing NI, pension and levy where a paper gives the figure.
    on_costs: Amount | None = None
    # -- issue 17: on-costs as a rate, and pay progression (lines/staffing.py) --
    #: On-costs as a rate of pay, where a paper gives one (28%), instead of computing them.
    on_cost_rate: Rate | None = None
    #: Pay progression apart from pay awards: a drift a year (compounding), or a step up the scale a
    #: year in pounds, from the post's first year, up to the top of its scale where one is given.
    pay_drift: Rate | None = None
    pay_step: Amount | None = None
    salary_max: Amount | None = None
    source: str | None = None
    note: str | None = None

    @field_validator("on_cost_rate")
    @classmethod
    def _one_basis(cls, rate, info):
        if rate is not None and info.data.get("on_costs") is not None:
            raise ValueError("give on_costs (an amount per post) or on_cost_rate (a rate of pay), not both")
        return rate

    @field_validator("pay_step")
    @classmethod
    def _one_progression(cls, step, info):
        if step is not None and info.data.get("pay_drift") is not None:
            raise ValueError("give pay_drift (a rate a year) or pay_step (pounds a year up the scale), not both")
        return step

    @field_validator("salary_max")
    @classmethod
    def _top_of_scale(cls, top, info):
        if top is None:
            return top
        if info.data.get("pay_drift") is None and info.data.get("pay_step") is None:
            raise ValueError("salary_max is the top of a scale a post progresses up; give pay_drift or pay_step too")
        salary = info.data.get("salary")
        if salary is not None and top.value < salary.value:
            raise ValueError(f"the top of the scale ({in_unit(top.value, 'pounds')}) is below the salary "
                             f"({in_unit(salary.value, 'pounds')})")
        return top

    @property
    def progresses(self) -> bool:
        """Whether the post moves up a scale year by year (pay_drift or pay_step)."""
        return self.pay_drift is not None or self.pay_step is not None

    @model_validator(mode="after")
    def _months(self):
        for year_key, month_key in (("first_year", "first_month"), ("last_year", "last_month")):
            if getattr(self, year_key) is not None and getattr(self, month_key) is not None:
                raise ValueError(f"give {year_key} or {month_key}, not both: {month_key} says the year too")
        first, last = self.starts, self.ends
        if first is not None and last is not None and last < first:
            raise ValueError("the post ends before it starts (last_month is before first_month)")
        return self

    #: Lines of first_month and last_month in the scenario file; filled in by the loader.
    _month_lines: dict[str, int] = PrivateAttr(default_factory=dict)

    @property
    def month_lines(self) -> dict[str, int]:
        return self._month_lines

    @property
    def starts(self) -> tuple[int, int] | None:
        """(financial year, months of it before the post starts), where the post says when it starts."""
        if self.first_month is not None:
            return financial_year_of(*self.first_month), (self.first_month[1] - 4) % 12
        return (self.first_year, 0) if self.first_year is not None else None

    @property
    def ends(self) -> tuple[int, int] | None:
        """(financial year, months of it the post runs), where the post says when it ends."""
        if self.last_month is not None:
            return financial_year_of(*self.last_month), (self.last_month[1] - 4) % 12 + 1
        return (self.last_year, 12) if self.last_year is not None else None

    _sane = _limits(**POST_LIMITS)


def _ramp_shares(ramp, what: str = "the change"):
    """A ramp's checks: some years, each share between 0 and 100% and stated without a range."""
    if ramp is None:
        return ramp
    if not ramp:
        raise ValueError("the ramp is empty: give the share of the full effect reached each year, "
                         "such as {2018/19: 50%, 2020/21: 100%}")
    for figure in ramp.values():
        _bounded(figure, "ramp share", 0.0, 1.0)
        if figure.has_range:
            raise ValueError(f"the ramp's shares cannot take a range; give {what} its range instead")
    return ramp


def ramp_by_year(ramp: dict, years: list[int]) -> dict[int, float]:
    """The share of the full effect in each year: nothing before the first stated, the last carried forward."""
    out, share = {}, 0.0
    for year in years:
        if year in ramp:
            share = ramp[year].value
        out[year] = share
    return out


class LineItem(Activity):
    """An item of a kind of line an option lists (costmodel/lines/kinds.py): what every item has."""

    id: Slug | None = None
    name: Text


#: How a figure is written, by the `written_as` of its declaration, and the unit it is read in.
_WRITTEN = {"amount": ("pounds", Amount), "rate": ("rate", Rate), "number": ("number", Number)}


def _item_model(kind) -> type[LineItem]:
    """The schema of an item of a kind of line, from its declaration: each input, its index, its provenance."""
    fields: dict = {}
    limits = {}
    for name in kind.inputs:
        spec = INPUTS[name]
        unit, annotation = _WRITTEN[spec.written_as]
        value, source = kind.default_of(name)
        fields[name] = (annotation, ...) if value is None else (annotation, fixed(value, unit, source))
        if spec.limits is not None:
            limits[name] = spec.limits
    if kind.index is not None:
        fields["index"] = (IndexName, kind.index)
    validators = {"_sane": _limits(**limits)} if limits else {}
    if kind.ramped_rows is not None:
        # The share of the full-year effect reached each year; the amount stays the full-year figure.
        fields["ramp"] = (dict[FinancialYear, Rate] | None, None)
        validators["_ramp"] = field_validator("ramp")(lambda cls, ramp: _ramp_shares(ramp, "the amount"))
    fields.update(source=(str | None, None), note=(str | None, None))
    name = "".join(part.capitalize() for part in kind.section.split("_")) + "Line"
    return create_model(name, __base__=LineItem, __doc__=f"An item of {kind.section}: {kind.label.lower()}.",
                        __validators__=validators or None, **fields)


#: The schema of each kind of line's items, by the section an option lists them under.
LINE_ITEMS = {section: _item_model(kind) for section, kind in KINDS.items()}


def _sections(under: str, after_setup: bool = False) -> dict:
    """Fields for the kinds of line written under an option or its partnership."""
    return {section: (list[LINE_ITEMS[section]], Field(default_factory=list))
            for section, kind in KINDS.items() if kind.under == under and kind.after_setup == after_setup}


class PartnerPost(Strict):
    id: Slug | None = None
    title: Text
    count: Number = fixed(1.0, "number")
    annual_cost: Amount
    time_share: Rate
    source: str | None = None
    note: str | None = None

    _sane = _limits(count=(0.0, 100_000.0), annual_cost=(0.0, MAX_AMOUNT), time_share=(0.0, 1.0))


class _PartnershipTerms(Activity):
    partner: Text | None = None
    partner_posts: list[PartnerPost] = Field(default_factory=list)
    index: IndexName = "pay"
    direct_overhead_rate: Rate = fixed(0.0, "rate")
    direct_overhead_allowance: Amount = fixed(0.0, "pounds")
    departmental_overhead_rate: Rate = fixed(0.0, "rate")
    back_office_rate: Rate = fixed(0.0, "rate")

    _sane = _limits(
        direct_overhead_rate=(0.0, 2.0),
        departmental_overhead_rate=(0.0, 2.0),
        back_office_rate=(0.0, 2.0),
        direct_overhead_allowance=(0.0, MAX_AMOUNT),
    )


#: A partnership with another council: its terms, then the sections of amounts written under it.
Partnership = create_model("Partnership", __base__=_PartnershipTerms, __doc__=_PartnershipTerms.__doc__,
                           **_sections("partnership"), source=(str | None, None), note=(str | None, None))


#: The project types of the Green Book's optimism-bias table, as the latest parameter set names them.
ProjectTypeName = Literal[tuple(latest().project_types)]


class OptimismBias(Strict):
    """The Green Book's optimism bias: an uplift from the upper bound, which mitigation moves towards
    the lower bound (Supplementary Green Book Guidance: Optimism Bias, Table 1)."""

    #: The bounds as rates, or taken from the scenario's parameter set by `project_type`.
    upper_bound: Rate | None = None
    #: With an upper bound stated as a rate, the lower bound (0% unless stated).
    lower_bound: Rate | None = None
    project_type: ProjectTypeName | None = None
    mitigation: Rate = fixed(0.0, "rate")
    source: str | None = None
    note: str | None = None

    _sane = _limits(upper_bound=(0.0, 3.0), lower_bound=(0.0, 3.0), mitigation=(0.0, 1.0))

    @model_validator(mode="after")
    def _one_bound(self):
        if (self.upper_bound is None) == (self.project_type is None):
            raise ValueError("give the upper bound as a rate (upper_bound: 41%) or the Green Book project type it "
                             "is for (project_type: outsourcing), one of the two")
        if self.lower_bound is not None and self.project_type is not None:
            raise ValueError("a project type brings its own lower bound; state lower_bound only with upper_bound")
        if self.lower_bound is not None and self.lower_bound.value > self.upper_bound.value:
            raise ValueError(f"the lower bound ({self.lower_bound.value:.0%}) is above the upper bound "
                             f"({self.upper_bound.value:.0%})")
        if self.lower_bound is None and self.upper_bound is not None:
            self.lower_bound = fixed(0.0, "rate", "no lower bound stated: full mitigation removes the uplift")
        return self

    def take_bound(self, parameters: Parameters) -> None:
        """The bounds of the named project type, from the scenario's parameter set."""
        if self.project_type is not None:
            kind = parameters.set.project_types[self.project_type]
            words = parameters.set.optimism_bias_words(self.project_type)
            self.upper_bound = fixed(kind.upper_bound, "rate", words)
            self.lower_bound = fixed(kind.lower_bound, "rate", words)

    @property
    def applied(self) -> float:
        """The uplift after mitigation: upper bound - mitigation x (upper bound - lower bound)."""
        upper, lower = self.upper_bound.value, self.lower_bound.value
        return upper - self.mitigation.value * (upper - lower)


class _OneOffCost(Strict):
    """A one-off cost falling in stated years: a set-up cost, or an exit or break cost."""

    id: Slug | None = None
    name: Text
    amount: Amount
    year: FinancialYear | None = None
    years: list[FinancialYear] | None = None
    profile: dict[FinancialYear, Rate] | None = None
    index: IndexName = "general"
    vat_share: Rate = fixed(0.0, "rate")
    optimism_bias: OptimismBias | None = None
    #: A capital cost (a new system, a building), shown apart from revenue; every total counts both.
    capital: StrictBool = False
    source: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _when(self):
        given = [k for k in ("year", "years", "profile") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("say when the cost falls with exactly one of year, years or profile")
        return self

    # Checks of one field each, so that a problem is reported at that field's line.
    @field_validator("years")
    @classmethod
    def _years(cls, years):
        if years is not None and (not years or len(set(years)) != len(years)):
            raise ValueError("years must list each financial year once")
        return years

    @field_validator("profile")
    @classmethod
    def _profile(cls, profile):
        if profile is not None:
            total = sum(f.value for f in profile.values())
            if abs(total - 1.0) > 1e-6:
                raise ValueError(f"the profile's shares add up to {total * 100:g}%, not 100%")
            for figure in profile.values():
                _bounded(figure, "profile share", 0.0, 1.0)
        return profile

    _sane = _limits(amount=(0.0, MAX_AMOUNT), vat_share=(0.0, 1.0))

    def shares(self) -> dict[int, float]:
        """Financial year -> share of the amount that falls in it."""
        if self.year is not None:
            return {self.year: 1.0}
        if self.years is not None:
            return {year: 1.0 / len(self.years) for year in self.years}
        return {year: figure.value for year, figure in (self.profile or {}).items()}


class SetupItem(_OneOffCost):
    """A one-off set-up or transition cost."""


# -- issue 17: exit and break costs (lines/exits.py) --

#: The kinds of exit or break cost, as lines/exits.py words them for the Inputs sheet.
ExitKind = Literal[tuple(EXIT_KINDS)]


class ExitCost(_OneOffCost):
    """A one-off cost of ending an arrangement, in the years it falls: its kind names what it is for."""

    kind: ExitKind


class FailureRisk(Activity):
    period: Period = "whole_horizon"
    annual_probability: Rate
    cost: Amount
    source: str | None = None
    note: str | None = None

    _sane = _limits(annual_probability=(0.0, 1.0, " (a probability is between 0 and 1)"), cost=(0.0, MAX_AMOUNT))


class Placement(Strict):
    """A type of placement of looked-after children: how many, by year, and what a week of it costs.

    Demand is the scenario's, shared by every option; an option changes it with `placement_changes`.
    """

    id: Slug | None = None
    name: Text
    #: The average number placed over the first year, growing at `growth` a year ...
    children: Number | None = None
    growth: Rate | None = None
    #: ... or the average number placed in each year, the last carried forward.
    children_by_year: dict[FinancialYear, Number] | None = None
    #: The weekly cost at `price_year` prices, or the name of a shipped unit cost (scenario/unit_costs.py).
    weekly_cost: Amount | None = None
    price_year: FinancialYear | None = None
    unit_cost: str | None = None
    weeks_a_year: Number = fixed(WEEKS_A_YEAR, "number", "365 days / 7 = 52.14 weeks")
    index: IndexName = "general"
    source: str | None = None
    note: str | None = None

    @field_validator("unit_cost")
    @classmethod
    def _named(cls, name):
        if name is not None and name not in UNIT_COSTS:
            close = difflib.get_close_matches(name, list(UNIT_COSTS), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else f"; the shipped ones are {', '.join(UNIT_COSTS)}"
            raise ValueError(f"no shipped unit cost '{name}'{hint}")
        return name

    @field_validator("children_by_year")
    @classmethod
    def _by_year(cls, table):
        if table is not None:
            if not table:
                raise ValueError("the table by year is empty")
            for figure in table.values():
                _bounded(figure, "children", *LIMITS["children"])
                if figure.has_range:
                    # Numbers by year are a row of the Inputs sheet, not drawn: a range would do nothing.
                    raise ValueError("a number by year cannot take a range; to make demand uncertain, give "
                                     "children and growth, each with its range")
        return table

    _sane = _limits(**{key: LIMITS[key] for key in ("children", "growth", "weekly_cost", "weeks_a_year")})

    @model_validator(mode="after")
    def _stated_once(self):
        if self.children_by_year is not None:
            if self.children is not None or self.growth is not None:
                raise ValueError("give children_by_year, or children with a growth rate, not both")
        elif self.children is None:
            raise ValueError("say how many children are placed: children (the first year's average, with "
                             "growth if it changes) or children_by_year")
        if self.unit_cost is not None:
            if self.weekly_cost is not None or self.price_year is not None:
                raise ValueError("give unit_cost (a shipped figure with its own price year), or weekly_cost with "
                                 "price_year, not both")
        elif self.weekly_cost is None or self.price_year is None:
            raise ValueError("give weekly_cost and the price_year it is at (such as 2015/16), or name a shipped "
                             "unit_cost")
        return self

    @property
    def shipped(self) -> UnitCost | None:
        return UNIT_COSTS[self.unit_cost] if self.unit_cost is not None else None

    def weekly(self) -> Figure:
        """The weekly cost at its price year: as written, or the shipped figure with its source."""
        if self.weekly_cost is not None:
            return self.weekly_cost
        cost = self.shipped
        return fixed(cost.weekly_cost, "pounds", cost.source,
                     f"shipped unit cost '{cost.name}': \"{cost.wording}\"; at "
                     f"{cost.price_year}/{(cost.price_year + 1) % 100:02d} prices: {cost.price_year_basis}")

    def cost_price_year(self) -> int:
        return self.price_year if self.price_year is not None else self.shipped.price_year

    def by_year(self) -> dict[int, float] | None:
        """Children placed by financial year, where stated by year (the last stated carried forward)."""
        if self.children_by_year is None:
            return None
        return {year: figure.value for year, figure in self.children_by_year.items()}


#: Where children move to when a change takes them out of care (no placement cost).
OUT_OF_CARE = "out_of_care"


class PlacementChange(Strict):
    """An option's change to demand: a share of the children in one placement type moved to another,
    or out of care, reaching its full effect over a ramp."""

    id: Slug | None = None
    name: Text
    from_: Slug = Field(alias="from")
    to: Slug
    #: The share of the children placed in `from` who move, at the full effect (a range makes it uncertain).
    change: Rate
    #: The share of the full effect reached in each year; the last carried forward, nothing before the first.
    ramp: dict[FinancialYear, Rate]
    source: str | None = None
    note: str | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True, hide_input_in_errors=True, defer_build=True)

    _sane = _limits(change=LIMITS["change"])

    @field_validator("ramp")
    @classmethod
    def _ramp(cls, ramp):
        return _ramp_shares(ramp)

    def shares(self, years: list[int]) -> dict[int, float]:
        """The share of the full effect in each year: nothing before the first stated, the last carried forward."""
        return ramp_by_year(self.ramp, years)


# ---- contracts with indexation clauses (issue 17; costmodel/lines/contracts.py)

#: Keys that make a mapping one figure (a fixed uplift with a range) rather than a clause.
_RANGE_KEYS = ("value", "central", "low", "high", "distribution", "sd", "draw")


def _month_of_year(raw: object) -> int:
    try:
        return parse_month_of_year(raw)
    except UnitError as exc:
        raise ValueError(str(exc)) from None


MonthOfYear = Annotated[int, BeforeValidator(_month_of_year)]


class Uplift(Strict):
    """A contract's uplift clause: a fixed rate a year (`uplift: 3%`); or an index, or a weighted mix of
    indices, plus a margin, held above a floor and within a cap."""

    fixed: Rate | None = None
    index: Slug | None = None
    #: Index name -> its weight in the uplift: {pay: 70%, cpi: 30%}; the weights add up to 100%.
    mix: dict[Slug, Rate] | None = None
    margin: Rate | None = None
    # The floor is read before the cap, so that a cap below it is reported at the cap's line.
    floor: Rate | None = None
    cap: Rate | None = None
    source: str | None = None
    note: str | None = None

    _sane = _limits(fixed=(-0.5, 1.0), margin=(-0.5, 0.5), floor=(-0.5, 1.0), cap=(-0.5, 1.0))

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, raw: object) -> object:
        if not isinstance(raw, dict) or any(key in raw for key in _RANGE_KEYS):
            return {"fixed": raw}
        return raw

    @field_validator("mix")
    @classmethod
    def _mix(cls, mix):
        if mix is None:
            return mix
        if not 1 <= len(mix) <= MIX_SLOTS:
            raise ValueError(f"a mix names 1 to {MIX_SLOTS} indices; this names {len(mix)}")
        for figure in mix.values():
            _bounded(figure, "weight", *FIGURE_LIMITS["index_weight"])
            if figure.has_range:
                raise ValueError("a mix's weights cannot take a range (drawn apart, they would not add up to "
                                 "100%); give the margin or the index its range instead")
        total = sum(figure.value for figure in mix.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"the mix's weights add up to {total * 100:g}%, not 100%")
        return mix

    @field_validator("cap")
    @classmethod
    def _cap_above_floor(cls, cap, info):
        floor = info.data.get("floor")
        if cap is not None and floor is not None:
            highest_floor = floor.high if floor.high is not None else floor.value
            lowest_cap = cap.low if cap.low is not None else cap.value
            if lowest_cap < highest_floor:
                ranged = cap.low is not None or floor.high is not None
                raise ValueError(f"the cap ({in_unit(lowest_cap, 'rate')}{' at its low' if cap.low is not None else ''}) "
                                 f"is below the floor ({in_unit(highest_floor, 'rate')}"
                                 f"{' at its high' if floor.high is not None else ''})"
                                 + ("; their ranges must not overlap" if ranged else ""))
        return cap

    @model_validator(mode="after")
    def _one_way(self):
        given = [key for key in ("fixed", "index", "mix") if getattr(self, key) is not None]
        if len(given) != 1:
            raise ValueError("give the uplift as a fixed rate (uplift: 3%), an index (index: cpi) or a weighted mix "
                             "(mix: {pay: 70%, cpi: 30%}), one of the three")
        if self.fixed is not None:
            extra = [key for key in ("margin", "floor", "cap") if getattr(self, key) is not None]
            if extra:
                raise ValueError(f"a fixed uplift has no {' or '.join(extra)}; these go with an index or a mix")
        return self

    def indices(self) -> dict[str, Figure]:
        """Index name -> its weight: one index at 100%, the mix as written, none for a fixed uplift."""
        if self.index is not None:
            return {self.index: fixed(1.0, "rate", "a single index: all of the uplift follows it")}
        return dict(self.mix or {})

    def limits(self) -> str:
        """Which of a cap and a floor the clause has (the formula it is given follows)."""
        return {(True, True): "cap_and_floor", (True, False): "cap", (False, True): "floor",
                (False, False): "none"}[(self.cap is not None, self.floor is not None)]


class ContractBreak(Strict):
    """A break point: the last year the contract runs if the option takes the break, and its cost."""

    year: FinancialYear
    #: Whether this option takes the break (true) or runs the whole term (false).
    exercised: StrictBool
    #: At price-base prices, grown with the general index to the break year.
    cost: Amount = fixed(0.0, "pounds", "no break cost stated")
    source: str | None = None
    note: str | None = None

    _sane = _limits(cost=(0.0, MAX_AMOUNT))


class IndexedContract(Strict):
    """A contract with an indexation clause: its price in cash at its start, its term, its uplift, a break, re-procurement."""

    id: Slug | None = None
    name: Text
    #: The contract sum a year in cash at the contract's start (its first year, before any uplift), net of VAT.
    price: Amount
    #: The term: first year (the horizon's first where not stated) to last year (which may run past the horizon).
    first_year: FinancialYear | None = None
    last_year: FinancialYear
    period: Period = "after_go_live"
    uplift: Uplift
    #: The month of each year from which that year's uplift applies: `October` costs the year 6/12 at the old price.
    uplift_month: MonthOfYear = 4
    #: The first year an uplift applies; the year after the first year where not stated.
    first_uplift: FinancialYear | None = None
    vat_share: Rate = fixed(0.0, "rate")
    break_: ContractBreak | None = Field(default=None, alias="break")
    #: At price-base prices, grown with the general index to the contract's last year.
    reprocurement_cost: Amount = fixed(0.0, "pounds", "no re-procurement cost stated")
    source: str | None = None
    note: str | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True, hide_input_in_errors=True, defer_build=True)

    _sane = _limits(price=(0.0, MAX_AMOUNT, "; the price is pounds a year"), vat_share=(0.0, 1.0),
                    reprocurement_cost=(0.0, MAX_AMOUNT))

    @field_validator("last_year")
    @classmethod
    def _term(cls, last_year, info):
        first_year = info.data.get("first_year")
        if first_year is not None and last_year < first_year:
            raise ValueError("last_year is before first_year")
        return last_year


#: The families in which the body pays corporation tax on its profit, unless the scenario says otherwise:
#: a company limited by shares or guarantee does; a charitable trust, and a mutual registered as a
#: charity or exempt, need not (state `corporation_tax: true` for one that does).
TAXED_FAMILIES = ("wholly_owned_company", "community_interest_company")


class ContractSum(Strict):
    """What the council pays a company or trust: a contract sum by year or at a margin on the body's costs,
    and how a surplus or deficit is shared (lines/settlement.py)."""

    basis: Literal["by_year", "margin"]
    #: basis by_year: the cash the contract says the council pays, by financial year, from the go-live
    #: year (its part year); a later year not stated carries the last stated forward.
    by_year: dict[FinancialYear, Amount] | None = None
    #: basis margin: the contract sum is the body's own costs x (1 + margin).
    margin: Rate | None = None
    surplus_returned: Rate = fixed(0.0, "rate", "no share of a surplus returned stated: the body keeps it")
    deficit_met: Rate = fixed(0.0, "rate", "no share of a deficit met stated: the body bears it")
    #: Whether the body pays corporation tax on its profit; by default, as its family (TAXED_FAMILIES).
    corporation_tax: StrictBool | None = None
    source: str | None = None
    note: str | None = None

    _sane = _limits(margin=(-0.5, 1.0, "; a margin is a rate such as 5%"), surplus_returned=(0.0, 1.0),
                    deficit_met=(0.0, 1.0))

    @field_validator("by_year")
    @classmethod
    def _amounts(cls, value):
        if value is not None and not value:
            raise ValueError("give the contract sum for at least the go-live year")
        if value and any(figure.has_range for figure in value.values()):
            # Each year's sum is a row on Inputs, not one uncertain figure: the margin basis takes a range.
            raise ValueError("a contract sum by year is one figure a year, as agreed, without a range; put the "
                             "uncertainty in the body's costs, or use basis: margin with a range on the margin")
        return _each_bounded(value, "contract sum", 0.0, MAX_AMOUNT) if value else value

    @model_validator(mode="after")
    def _basis(self):
        if self.basis == "by_year" and (self.by_year is None or self.margin is not None):
            raise ValueError("basis by_year takes the contract sum by year under by_year, and no margin")
        if self.basis == "margin" and (self.margin is None or self.by_year is not None):
            raise ValueError("basis margin takes a margin (such as 3%) on the body's own costs, and no by_year")
        return self


class VatTreatment(Strict):
    """Overrides the VAT treatment that follows from the option's family."""

    irrecoverable_share: Rate
    reason: Text

    _sane = _limits(irrecoverable_share=(0.0, 1.0))


class LevyAllowance(Strict):
    """Overrides whether the option's employer has its own levy allowance."""

    applies: StrictBool
    reason: Text


def file_or_mapping(raw: object) -> object:
    # `staffing_from: establishment.csv` is the file alone, its columns headed as the posts' keys.
    return {"file": raw} if isinstance(raw, str) else raw


class StaffingFrom(Strict):
    """An option's posts read from a CSV or .xlsx file, one post a row (docs/scenario-format.md)."""

    #: The file, relative to the scenario file's folder.
    file: Text
    #: In an .xlsx workbook, the sheet holding the posts; without it, the first sheet.
    sheet: Text | None = None
    #: A post's key -> the heading of the column that holds it, where the file's headings are not the keys.
    columns: dict[str, Text] = Field(default_factory=dict)
    #: Headings of columns that hold nothing costmodel reads (an employee number, a cost centre).
    ignore: list[Text] = Field(default_factory=list)

    @field_validator("file")
    @classmethod
    def _kind(cls, file):
        if not file.lower().endswith((".csv", ".xlsx")):
            raise ValueError("an establishment file is a .csv or an .xlsx workbook; save it as one of those")
        return file

    @field_validator("columns")
    @classmethod
    def _keys(cls, columns):
        for key in columns:
            if key not in Post.model_fields:
                raise ValueError(unknown_key_message(key, list(Post.model_fields)))
        return columns


def _as_staffing(posts: list):
    from .posts import Staffing  # posts.py builds on this module

    return Staffing(posts)


def _dumped_as_list(posts, handler):
    return handler(list(posts))


class _OptionTerms(Strict):
    id: Slug
    name: Text
    family: Family
    baseline: StrictBool = False
    description: LongText = ""
    source: str | None = None
    note: str | None = None
    go_live: Month | None = None
    #: Who employs the staff and buys the goods from go-live, in the vehicle families (the
    #: council employs them until then): a name for the outputs.
    employer: Text | None = None
    #: The pension rate of the option's employer from go-live (an admitted body's rate, for a
    #: company or trust); before go-live the council's, `assumptions.pension_rate`.
    pension_rate: Rate | None = None
    vat: VatTreatment | None = None
    levy_allowance: LevyAllowance | None = None
    #: Held as a `posts.Staffing`, which makes a county's posts only as they are asked for.
    staffing: Annotated[list[Post], AfterValidator(_as_staffing), WrapSerializer(_dumped_as_list)] = Field(
        default_factory=lambda: _as_staffing([]))
    #: Employ the same posts as another option instead of listing them again; the loader shares
    #: that option's list. They are the same people, so they run all along and transfer to this
    #: option's employer at go-live (TUPE), unless `staffing_transfers: false`, when this option
    #: fills them afresh from go-live.
    staffing_same_as: Slug | None = None
    staffing_transfers: StrictBool = True
    #: The posts read from a file (a county's establishment, exported from its HR system) instead of
    #: listed under `staffing`; the loader reads them into `staffing`, by the same rules.
    staffing_from: Annotated[StaffingFrom, BeforeValidator(file_or_mapping)] | None = None
    partnership: Partnership | None = None
    #: What the council pays a company or trust, where it is not simply the body's own costs.
    contract_sum: ContractSum | None = None

    @field_validator("pension_rate")
    @classmethod
    def _pension(cls, value):
        return _bounded(value, "pension rate", *FIGURE_LIMITS["pension_rate"])

    @field_validator("contract_sum")
    @classmethod
    def _paid_to_a_body(cls, value, info):
        family = info.data.get("family")
        if value is not None and family is not None and family not in VEHICLE_FAMILIES:
            raise ValueError(f"a contract sum is what the council pays a company or trust; this option's family is "
                             f"{family} (one of {', '.join(VEHICLE_FAMILIES)} has one)")
        return value

    @property
    def pays_corporation_tax(self) -> bool:
        """Whether the option's body pays corporation tax on the surplus its contract sum leaves."""
        stated = self.contract_sum.corporation_tax if self.contract_sum is not None else None
        return self.family in TAXED_FAMILIES if stated is None else stated

    @property
    def employer_changes_at_go_live(self) -> bool:
        """Whether the staff are the council's until go-live and another body's after."""
        return self.family in VEHICLE_FAMILIES

    @property
    def employer_name(self) -> str:
        """Who employs the staff from go-live, in a reader's words."""
        if self.employer is not None:
            return self.employer
        return EMPLOYER_WORDS[self.family]

    # The VAT and levy treatment that follow from the family, unless overridden.
    def irrecoverable_vat_share(self) -> Figure:
        if self.vat is not None:
            figure = self.vat.irrecoverable_share.model_copy()
            figure.source = f"stated for this option: {self.vat.reason}"
            return figure
        if self.family in VEHICLE_FAMILIES:
            return fixed(1.0, "rate", "a company or trust delivering children's welfare services makes exempt "
                         "supplies and cannot recover VAT on its purchases")
        return fixed(0.0, "rate", "the council recovers VAT on its non-business activities (VAT Act 1994, s.33)")

    def own_levy_allowance(self) -> Figure:
        if self.levy_allowance is not None:
            return fixed(1.0 if self.levy_allowance.applies else 0.0, "flag",
                         f"stated for this option: {self.levy_allowance.reason}")
        if self.family in VEHICLE_FAMILIES:
            return fixed(1.0, "flag", "a new employer has its own £15,000 levy allowance")
        return fixed(0.0, "flag", "the council's allowance is used by its wider pay bill")


#: One way of delivering the service: its terms, then what it costs, section by section, in the
#: order the sections are costed: the sections of annual amounts (declared in costmodel/lines),
#: set-up, failure risk, then savings and income.
Option = create_model("Option", __base__=_OptionTerms, __doc__="One way of delivering the service.",
                      **_sections("option"),
                      indexed_contracts=(list[IndexedContract], Field(default_factory=list)),
                      setup=(list[SetupItem], Field(default_factory=list)),
                      exit_costs=(list[ExitCost], Field(default_factory=list)),
                      failure_risk=(FailureRisk | None, None),
                      placement_changes=(list[PlacementChange], Field(default_factory=list)),
                      **_sections("option", after_setup=True))

#: An option's sections of one-off costs, falling in stated years (year, years or profile).
ONE_OFF_SECTIONS = ("setup", "exit_costs")
#: An option's sections of lines with ids, in the order they are costed; and its partnership's.
LINE_SECTIONS = (tuple(_sections("option")) + ("indexed_contracts",) + ONE_OFF_SECTIONS
                 + tuple(_sections("option", after_setup=True)))
PARTNERSHIP_SECTIONS = ("partner_posts",) + tuple(_sections("partnership"))


class PublishedFigure(Strict):
    """A figure a paper states, checked against the projection like a balance assertion."""

    name: Text
    option: Slug
    post: Slug | None = None
    posts: Annotated[list[Slug], Field(min_length=1)] | None = None
    category: str | None = None
    line: Slug | None = None
    #: The figure is for one of a post's count (a per-head figure), not all of them.
    each: StrictBool = False
    basis: Literal["full_year", "horizon"] | None = None
    year: FinancialYear | None = None
    measure: Literal["cash", "real", "pv"] = "cash"
    amount: Annotated[Figure, BeforeValidator(figure_reader("pounds", parse_amount))]
    tolerance: Amount | None = None
    source: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _shape(self):
        targets = [k for k in ("post", "posts", "category", "line") if getattr(self, k) is not None]
        if len(targets) > 1:
            raise ValueError(f"check one thing at a time: give only one of {', '.join(targets)}")
        if (self.basis is None) == (self.year is None):
            raise ValueError("say what the figure covers: basis: full_year, basis: horizon, or year: 2018/19")
        if self.basis == "full_year" and self.measure != "cash":
            raise ValueError("a full-year figure at price-base prices is the same in cash, real and present "
                             "value terms; leave measure out")
        if self.each and self.post is None:
            raise ValueError("each: true is for a figure per head of a single post; name the post")
        if self.tolerance is not None and self.tolerance.value < 0:
            raise ValueError("tolerance cannot be negative")
        return self

    def tolerance_value(self) -> float:
        """Stated, or half the place of the figure's last digit (£1,300,000 -> ±£50,000)."""
        if self.tolerance is not None:
            return self.tolerance.value
        return (self.amount.precision or 1.0) / 2.0


class Correlation(Strict):
    """Two ranged figures that move together in a simulation (a Gaussian copula)."""

    between: Annotated[list[str], Field(min_length=2, max_length=2)]
    coefficient: Number
    source: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _sane(self):
        _bounded(self.coefficient, "coefficient", -1.0, 1.0)
        if self.between[0] == self.between[1]:
            raise ValueError("a figure is always perfectly correlated with itself; name two different figures")
        return self


# --------------------------------------------------------------------------- options appraisal

#: The four broad categories a long list of delivery models falls into.
AppraisalCategory = Literal["in_house", "partnership_or_collaboration", "new_delivery_vehicle", "commissioning"]


class Gateway(Strict):
    """A pass-or-fail test on the long list; an option must pass every one to be shortlisted."""

    id: Slug
    name: Text
    description: LongText = ""
    #: An affordability gateway: a costed option fails if its cash cost in any year is above
    #: this envelope (worked out from the projection); an uncosted one states its result.
    budget: Amount | None = None
    #: An affordability gateway set against the scenario's budget envelope year by year
    #: (assumptions.budget_envelope): a costed option fails in the first year its cash is above it.
    envelope: StrictBool = False
    source: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_budget(self):
        if self.envelope and self.budget is not None:
            raise ValueError("state a budget (one figure for every year) or envelope: true (the budget "
                             "envelope by year), not both")
        return self

    @property
    def affordability(self) -> bool:
        """Whether the gateway is worked out from the projection for a costed option."""
        return self.envelope or self.budget is not None


class GatewayResult(Strict):
    result: Literal["pass", "fail"]
    reason: Text
    source: str | None = None


class Score(Strict):
    score: Number
    reason: Text
    source: str | None = None


class LongListOption(Strict):
    id: Slug
    name: Text
    category: AppraisalCategory
    #: The costed option this is, for one that reaches the shortlist.
    option: Slug | None = None
    description: LongText = ""
    gateways: dict[Slug, GatewayResult] = Field(default_factory=dict)
    scores: dict[Slug, Score] = Field(default_factory=dict)
    source: str | None = None
    note: str | None = None


class Criterion(Strict):
    id: Slug
    name: Text
    weight: Rate
    description: LongText = ""
    #: Scored from net present cost instead of by judgement: "linear" gives the top of the scale
    #: to the lowest NPC on the shortlist, the bottom to the highest, and in proportion between.
    from_npc: Literal["linear"] | None = None
    source: str | None = None
    note: str | None = None


class Scale(Strict):
    low: Number = fixed(0.0, "number")
    high: Number = fixed(5.0, "number")
    note: str | None = None


class Appraisal(Strict):
    """The options appraisal beyond cost: long list, gateway criteria, weighted scoring."""

    long_list: Annotated[list[LongListOption], Field(min_length=1)]
    gateways: list[Gateway] = Field(default_factory=list)
    criteria: list[Criterion] = Field(default_factory=list)
    scale: Scale = Field(default_factory=Scale)
    source: str | None = None
    note: str | None = None


class ParameterChoice(Strict):
    """Which parameter set prices the scenario, and as known at which day (docs/parameters.md).

    Written `parameters: 2026-12`, or `parameters: {as_known_at: 2017-11-09}`, or both:
    `parameters: {set: 2026-12, as_known_at: 2017-11-09}`."""

    set: str | None = None
    as_known_at: _dt.date | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, raw: object) -> object:
        if isinstance(raw, _dt.date):
            raise ValueError(f"a day is written under as_known_at: parameters: {{as_known_at: {raw.isoformat()}}} "
                             f"prices with what had been announced by then; a set is named by its month, "
                             f"parameters: {max(SETS)}")
        if isinstance(raw, (str, int)) and not isinstance(raw, bool):
            return {"set": str(raw)}
        return raw

    @field_validator("set")
    @classmethod
    def _shipped(cls, name):
        if name is not None and name not in SETS:
            raise ValueError(unknown_set_message(name))
        return name

    @field_validator("as_known_at")
    @classmethod
    def _known(cls, day, info):
        if day is not None and "set" in info.data:
            try:
                resolve(info.data["set"], day)
            except ParameterError as exc:
                raise ValueError(str(exc)) from None
        return day


class Scenario(Strict):
    costmodel_format: Literal[1] = 1
    #: The parameter set the scenario is priced with; without it, the latest this release ships.
    parameters: ParameterChoice | None = None
    metadata: Metadata
    timeline: Timeline
    assumptions: Assumptions
    options: list[Option] = Field(min_length=1)
    #: Placements of looked-after children: demand shared by every option.
    placements: list[Placement] = Field(default_factory=list)
    published_figures: list[PublishedFigure] = Field(default_factory=list)
    correlations: list[Correlation] = Field(default_factory=list)
    appraisal: Appraisal | None = None
    #: Warnings of the model review that the scenario's author has considered: code -> why it stands.
    acknowledge: dict[WarningCode, Text] = Field(default_factory=dict)

    #: Set by the loader: the file it came from, its exact text, and the lines of its sections.
    _source_path: str | None = PrivateAttr(default=None)
    _source_text: str | None = PrivateAttr(default=None)
    _source_lines: dict | None = PrivateAttr(default=None)
    #: The establishment files its options' posts were read from (staffing_from), for the fingerprint.
    _establishments: list = PrivateAttr(default_factory=list)
    _priced_with: Parameters | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _apply_parameters(self):
        choice = self.parameters
        self.price_with(resolve(choice.set, choice.as_known_at) if choice is not None else resolve())
        return self

    def price_with(self, parameters: Parameters) -> None:
        """Price the scenario with another set's figures: those a workbook records, for one that pins none."""
        # The one change made to a loaded scenario: what was derived from it as it was is derived again.
        derived_from(self).clear()
        self._priced_with = parameters
        self.assumptions.take_defaults(parameters)
        for option in self.options:
            for item in option.setup + option.exit_costs:
                if item.optimism_bias is not None:
                    item.optimism_bias.take_bound(parameters)

    @property
    def priced_with(self) -> Parameters:
        """The figures of the parameter set the scenario is priced with."""
        if self._priced_with is None:
            choice = self.parameters
            self._priced_with = resolve(choice.set, choice.as_known_at) if choice is not None else resolve()
        return self._priced_with

    @property
    def source_lines(self) -> dict:
        """(key, index, ...) -> line in the file, for the sections (up to four keys deep)."""
        return self._source_lines or {}

    @property
    def establishments(self) -> list:
        """The establishment files (establishment.EstablishmentFile) its posts were read from, if any."""
        return self._establishments

    @property
    def source_path(self) -> str | None:
        return self._source_path

    @property
    def source_text(self) -> str | None:
        return self._source_text

    @property
    def years(self) -> list[int]:
        first = self.timeline.first_year
        return list(range(first, first + self.timeline.years))

    @property
    def baseline(self) -> Option:
        return next(option for option in self.options if option.baseline)
