"""Figures from public standards, shipped so a scenario need not repeat them.

Every default is stated with its source; a scenario may override any of them,
and the Inputs sheet shows which were overridden. The figures that change with a
Budget or a Green Book revision live in dated, sourced parameter sets
(`parameters.py`, `parameter_sets/*.json`); the names here are those of the latest
set, for what is not priced for one scenario (the words of the outputs, the
defaults of the schema before a scenario's set is applied to it).
"""

from __future__ import annotations

from .parameters import latest, resolve

_LATEST = latest()
_FIGURES = resolve()

NI_SOURCE = _LATEST.sources["employer_ni"]

#: Employer (secondary) Class 1 NI rate by tax year (year starting April).
#: 2022/23: 15.05% to 5 November 2022, then 13.8%; HMRC's annual equivalent is 14.53%.
EMPLOYER_NI_RATE = _FIGURES.ni_rate

#: Secondary threshold, pounds a year, by tax year.
EMPLOYER_NI_THRESHOLD = _FIGURES.ni_threshold

LEVY_SOURCE = _LATEST.sources["apprenticeship_levy"]
LEVY_RATE = _FIGURES.levy_rate
LEVY_ALLOWANCE = _FIGURES.levy_allowance

VAT_SOURCE = _LATEST.sources["vat"]
VAT_RATE = _FIGURES.vat_rate

#: (first year number, rate): the rate applies from that year until the next entry.
DISCOUNT_SCHEDULES = {name: schedule.rates for name, schedule in _LATEST.discount_schedules.items()}
DISCOUNT_SOURCES = {name: schedule.source for name, schedule in _LATEST.discount_schedules.items()}

#: How each schedule is named to a reader.
DISCOUNT_WORDS = {**{name: schedule.words for name, schedule in _LATEST.discount_schedules.items()},
                  "custom": "the scenario's own rates"}

#: The changes of policy among the employer NI figures: (the first tax year the figure is used for,
#: what it is, the day it was announced, by what). An appraisal dated before one of these could not
#: have known it; the model review (W105) says so where a scenario uses it. Each day is that of a
#: figure of the parameter set (tests/scenario/test_parameters.py holds them to it), whose record
#: names its source.
NI_ANNOUNCEMENTS = (
    (2022, "15.05% for 2022/23", "2021-09-07", "Build Back Better: Our Plan for Health and Social Care"),
    (2022, "its reversal, 14.53% for the year", "2022-09-23", "The Growth Plan 2022"),
    (2023, "the £9,100 threshold frozen from 2023/24", "2022-11-17", "the Autumn Statement 2022"),
    (2025, "15% above £5,000 from 2025/26", "2024-10-30", "the Autumn Budget 2024"),
)
