"""The timeline every option's lines run on: years, go-live, indices, discount and present value factors.

Timeline series every formula may use: `year` (the calendar year in which the financial year
starts), `year_number` (0 for the first year), `live` and `pre_live` (the share of the year
after and before the option goes live), `employer_operates`, `general_index` and `pay_index`
(1 in the price base year), `ni_rate` and `ni_threshold` (by tax year), `discount_rate` and
`discount_factor`, `real_factor` and `pv_factor`.
"""

from __future__ import annotations

from .declare import InputSpec, LineFormula, inputs
from .formula import Const, Input, Min, Prev, Series

inputs(
    InputSpec("horizon_first_year", "First year of the appraisal (year beginning April)", "year"),
    InputSpec("price_base_year", "Price base year (prices are stated at this year's prices)", "year"),
    InputSpec("go_live_year", "Go-live: financial year (beginning April)", "year"),
    InputSpec("go_live_month_offset", "Go-live: months of that year before go-live", "months"),
    InputSpec("employer_changes", "Staff change employer at go-live", "flag"),
)

#: Rows by year on Inputs, from the assumptions: the timeline series a formula names.
YEAR_INPUTS = {
    "general_inflation": ("General inflation (GDP deflator)", "rate"),
    "pay_award": ("Pay award", "rate"),
    "ni_rate": ("Employer NI rate", "rate"),
    "ni_threshold": ("Employer NI secondary threshold", "£ a year"),
    "discount_rate": ("Discount rate (by year number from year 0)", "rate"),
}

TIMELINE_ROWS = (
    LineFormula("year_number", "Year number (0 = first year)", None,
                "Years since the first year of the appraisal.",
                Series("year") - Input("horizon_first_year"), unit="year"),
    LineFormula("live", "Share of the year live", None,
                "1 after the go-live year; in the go-live year, the months from go-live to March over 12.",
                Series("year").above(Input("go_live_year"))
                + Series("year").equals(Input("go_live_year")) * (12 - Input("go_live_month_offset")) / 12,
                unit="share"),
    LineFormula("pre_live", "Share of the year before go-live", None, "1 - share of the year live.",
                1 - Series("live"), unit="share"),
    LineFormula("employer_operates", "The option's employer operates", None,
                "1 in a year in which the option's employer employs staff: every year where the council "
                "employs them throughout; from the go-live year where the staff change employer at go-live.",
                1 - Input("employer_changes") * Series("live").equals(0), unit="flag"),
    LineFormula("general_index", "General price index (GDP deflator)", None,
                "1 in the price base year; each later year, the previous year's index x (1 + inflation).",
                Prev("general_index") * (1 + Series("general_inflation")
                                         * Series("year").above(Input("price_base_year"))), unit="index"),
    LineFormula("pay_index", "Pay index", None,
                "1 in the price base year; each later year, the previous year's index x (1 + pay award).",
                Prev("pay_index") * (1 + Series("pay_award") * Series("year").above(Input("price_base_year"))),
                unit="index"),
    LineFormula("discount_factor", "Discount factor", None,
                "Green Book: 1 in year 0; each later year, the previous factor / (1 + that year's rate).",
                Prev("discount_factor") / (1 + Series("discount_rate") * Min(Const(1), Series("year_number"))),
                unit="factor"),
    LineFormula("real_factor", "Real-terms factor", None,
                "Turns cash into price-base prices: 1 / general price index.",
                1 / Series("general_index"), unit="factor"),
    LineFormula("pv_factor", "Present value factor", None,
                "Turns cash into present value: real-terms factor x discount factor.",
                Series("real_factor") * Series("discount_factor"), unit="factor"),
)

#: The opening value (the column before the first year) of each row that uses Prev.
TIMELINE_OPENING = {"general_index": 1.0, "pay_index": 1.0, "discount_factor": 1.0}
