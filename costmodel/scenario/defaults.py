"""Figures from public standards, shipped so a scenario need not repeat them.

Every default is stated with its source; a scenario may override any of them,
and the Inputs sheet shows which were overridden.
"""

from __future__ import annotations

NI_SOURCE = ("HMRC, rates and thresholds for employers, by tax year. 2022/23 is HMRC's annual equivalent, "
             "14.53%, of 15.05% to 5 November 2022 and 13.8% after; later years carry the last stated forward")

#: Employer (secondary) Class 1 NI rate by tax year (year starting April).
#: 2022/23: 15.05% to 5 November 2022, then 13.8%; HMRC's annual equivalent is 14.53%.
EMPLOYER_NI_RATE = {
    2017: 0.138, 2018: 0.138, 2019: 0.138, 2020: 0.138, 2021: 0.138,
    2022: 0.1453, 2023: 0.138, 2024: 0.138, 2025: 0.15, 2026: 0.15,
}

#: Secondary threshold, pounds a year, by tax year.
EMPLOYER_NI_THRESHOLD = {
    2017: 8164.0, 2018: 8424.0, 2019: 8632.0, 2020: 8788.0, 2021: 8840.0,
    2022: 9100.0, 2023: 9100.0, 2024: 9100.0, 2025: 5000.0, 2026: 5000.0,
}

LEVY_SOURCE = "Apprenticeship levy: 0.5% of the pay bill less a £15,000 annual allowance (HMRC)"
LEVY_RATE = 0.005
LEVY_ALLOWANCE = 15000.0

VAT_SOURCE = "Standard rate of VAT, 20% (VAT Act 1994)"
VAT_RATE = 0.20

GREEN_BOOK_SOURCE = "HM Treasury Green Book (2022), social time preference rate"
#: (first year number, rate): the rate applies from that year until the next entry.
DISCOUNT_SCHEDULES = {
    "green_book": ((0, 0.035), (31, 0.030), (76, 0.025)),
    "health": ((0, 0.015), (31, 0.01286), (76, 0.01071)),
}
DISCOUNT_SOURCES = {
    "green_book": GREEN_BOOK_SOURCE + ": 3.5% for years 0-30, 3.0% for 31-75, 2.5% for 76-125",
    "health": "HM Treasury Green Book (2022), health discount rate: 1.5% for years 0-30, 1.286% for 31-75, 1.071% for 76-125",
}

#: How each schedule is named to a reader.
DISCOUNT_WORDS = {
    "green_book": "the Green Book rate (3.5% to year 30)",
    "health": "the Green Book health rate (1.5% to year 30)",
    "custom": "the scenario's own rates",
}

#: When the employer NI defaults that changed were announced: (the first tax year the figure is
#: used for, what it is, the day it was announced, by what). An appraisal dated before one of
#: these could not have known it; the model review (W105) says so where a scenario uses it.
#: Each is a public announcement of HM Government; the rate or threshold itself is in the tables above.
NI_ANNOUNCEMENTS = (
    (2022, "15.05% for 2022/23", "2021-09-07", "Build Back Better: Our Plan for Health and Social Care"),
    (2022, "its reversal, 14.53% for the year", "2022-09-23", "The Growth Plan 2022"),
    (2023, "the £9,100 threshold frozen from 2023/24", "2022-11-17", "the Autumn Statement 2022"),
    (2025, "15% above £5,000 from 2025/26", "2024-10-30", "the Autumn Budget 2024"),
)
