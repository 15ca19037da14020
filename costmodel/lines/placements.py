"""Placements of looked-after children, and an option's change to them.

The largest and most option-sensitive costs of a children's service. Demand (how many
children are placed in each type of placement, by year) is the scenario's, shared by every
option; each option costs it alike. What an option changes (fewer children in residential
care, more in foster care, some leaving care) is a line of its own, so a reader sees how
much of the option's case rests on that change.

A weekly unit cost is stated at its own price year; it is uplifted to the scenario's price
base with the index the placement grows with, and the uplift is an input on the Inputs
sheet, shown beside the weekly cost it multiplies.
"""

from __future__ import annotations

from .categories import category
from .declare import MAX_AMOUNT, InputSpec, LineFormula, LineGroup, inputs
from .formula import Const, Input, InputRow, Pick, Power, Row, Series

#: How many weeks a year a placement is paid for, where a scenario does not say: 365 / 7.
WEEKS_A_YEAR = 52.14

inputs(
    InputSpec("children", "Children placed, first year (average over the year)", "children"),
    InputSpec("growth", "Change in the number placed each year", "rate"),
    InputSpec("children_by_year", "Children placed (average over the year)", "children"),
    InputSpec("weekly_cost", "Weekly cost of a placement, at its price year", "£ a week"),
    InputSpec("price_uplift", "Uplift from the unit cost's price year to the price base", "factor"),
    InputSpec("weeks_a_year", "Weeks a year a placement is paid for", "weeks"),
    InputSpec("change", "Share of these children moved, at the full effect", "rate"),
    InputSpec("ramp", "Share of the full effect reached", "rate"),
    InputSpec("to_weekly_cost", "Weekly cost where they move to, at its price year", "£ a week"),
    InputSpec("to_price_uplift", "Uplift of that cost to the price base", "factor"),
)

#: The limits of what a scenario writes about a placement (checked where it is written).
LIMITS = {
    "children": (0.0, 100_000.0),
    "growth": (-0.5, 1.0),
    "weekly_cost": (0.0, MAX_AMOUNT / 52, "; a weekly cost is pounds a week"),
    "weeks_a_year": (0.0, 53.0, " (there are at most 53 weeks in a year)"),
    "change": (0.0, 1.0, " (the share of the children placed who move)"),
}

PLACEMENTS_CATEGORY = category("placements", "Placements (demand shared by every option)")
CHANGE_CATEGORY = category("placement_changes", "Change in placement costs from the option's plan")


def _index(choice: str) -> Pick:
    return Pick(choice, {"general": Series("general_index"), "pay": Series("pay_index"), "none": Const(1)})


#: The number placed in a year: the first year's number grown at a rate, or a number for each year.
CHILDREN = Pick("demand", {
    "growth": Input("children") * Power(1 + Input("growth"), Series("year_number")),
    "by_year": InputRow("children_by_year"),
})

#: The weekly cost at price-base prices of the type the children are placed in, and where they move to.
WEEKLY_AT_BASE = Input("weekly_cost") * Input("price_uplift")
TO_WEEKLY_AT_BASE = Input("to_weekly_cost") * Input("to_price_uplift")

PLACEMENTS = LineGroup("placements", "Placements", (
    LineFormula("children", "Children placed (average over the year)", None,
                "The first year's number grown each year at the stated rate (first year x (1 + growth) ^ "
                "year number), or the number stated for the year.",
                CHILDREN, full_year=Input("children"), unit="children"),
    LineFormula("weekly_cost_at_base", "Weekly cost at price-base prices", None,
                "The weekly unit cost at its own price year x the uplift to the price base.",
                WEEKLY_AT_BASE, unit="£ a week"),
    LineFormula("cost", "Placements", PLACEMENTS_CATEGORY,
                "Children placed x weekly cost at price-base prices x weeks a year x index.",
                Row("children") * Row("weekly_cost_at_base") * Input("weeks_a_year") * _index("index")),
))

PLACEMENT_CHANGES = LineGroup("placement_changes", "Change in placements", (
    LineFormula("children_moved", "Children moved (average over the year)", None,
                "Children placed in the type they move from x share moved at the full effect x share of "
                "the full effect reached that year.",
                CHILDREN * Input("change") * InputRow("ramp"),
                full_year=Input("children") * Input("change"), unit="children"),
    LineFormula("cost", "Change in placement costs", CHANGE_CATEGORY,
                "Children moved x weeks a year x (weekly cost where they move to, at price-base prices x its "
                "index - weekly cost where they move from, at price-base prices x its index): negative where "
                "they move to a cheaper placement or out of care.",
                Row("children_moved") * Input("weeks_a_year")
                * (TO_WEEKLY_AT_BASE * _index("to_index") - WEEKLY_AT_BASE * _index("index"))),
))
