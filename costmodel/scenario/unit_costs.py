"""Unit costs shipped with costmodel, each with the publication, the place in it and its price year.

A scenario names one (`unit_cost: iow-2017-private-childrens-home`) instead of typing the
figure; the Inputs sheet then shows the figure, where it was published and how it was
uplifted from its price year to the scenario's price base. Only figures whose source can be
named are here: a figure that cannot be sourced is not shipped.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UnitCost:
    name: str
    #: What it is the cost of, in a reader's words.
    what: str
    weekly_cost: float
    #: The financial year (the calendar year it begins) whose prices the figure is at.
    price_year: int
    publication: str
    #: Where in the publication: a table or a paragraph.
    where: str
    #: The publication's own words, so a reader can find and check it.
    wording: str
    #: How the price year was read from the publication, where it does not state one.
    price_year_basis: str

    @property
    def source(self) -> str:
        return f"{self.publication}, {self.where}"


_IOW = "Isle of Wight Council, Cabinet paper D, 9 November 2017"
_IOW_PRICE_YEAR = ("the paper dates the figures \"In 2015\" (citing the Personal Social Services Research Unit) and "
                   "states no price year; taken as 2015/16, the financial year beginning in 2015")

UNIT_COSTS: dict[str, UnitCost] = {cost.name: cost for cost in (
    UnitCost("iow-2017-private-childrens-home", "a placement in a private children's home", 4_000.0, 2015, _IOW,
             "para 37.26",
             "In 2015, the Personal Social Services Research Unit revealed that the cost of one placement in a "
             "private children's home was £4000 per week", _IOW_PRICE_YEAR),
    UnitCost("iow-2017-council-childrens-home", "a placement in the council's own care (a local authority home)",
             3_000.0, 2015, _IOW, "para 37.26", "In contrast to this, local authority care costs £3000",
             _IOW_PRICE_YEAR),
    UnitCost("iow-2017-foster-placement", "a foster care placement", 637.0, 2015, _IOW, "para 37.26",
             "(and a foster care placement costs £637)", _IOW_PRICE_YEAR),
)}
