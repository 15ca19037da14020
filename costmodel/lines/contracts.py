"""Contracts with indexation clauses: a commissioned service's or a trust's contract sum, uplifted by its own clause.

A plain `contract` line (amounts.py) is an annual amount at price-base prices grown with the
general index. A contract as a council signs it is stated otherwise: a price a year in cash at
the contract's start, uplifted each year by its clause (a fixed percentage; an index plus a
margin; a weighted mix of indices; within a cap and above a floor), from a stated month of the
year, over a term, perhaps with a break, and re-procured at its end. Each step is a row of its
own on the option sheet, so a councillor sees the index, the uplift before and after the cap and
floor (where the cap binds), and the price factor it compounds into.

The contract price is cash: it grows by its own clause, never by the general index. Its real-terms
and present-value figures divide that cash by the general index like every other line's, so a
clause running above general inflation shows as a rising cost in real terms. The break cost and
the re-procurement cost are stated at price-base prices, like set-up costs, and grown to the
year they fall in with the general index.
"""

from __future__ import annotations

from .activity import PAID_AFTER_GO_LIVE, PERIOD_SHARE, vat_on
from .categories import category
from .declare import InputSpec, LineFormula, LineGroup, inputs
from .formula import Before, Const, IndexMix, Input, Max, Min, Pick, Row, Series

#: How many indices one clause may mix ("70% pay award, 30% CPI" is two).
MIX_SLOTS = 3

#: The timeline series (rows by year on Inputs) of the indices every scenario has, by the names a clause uses.
_BUILT_IN_SERIES = {"pay": "pay_award", "general": "general_inflation"}


def index_series(name: str) -> str:
    """The timeline series holding the rates of the index a clause names: built in, or the scenario's own."""
    return _BUILT_IN_SERIES.get(name, f"index:{name}")

inputs(
    InputSpec("price", "Price a year: cash at the contract's start, net of VAT", "£ a year"),
    InputSpec("price_to_base", "From the contract's start to price-base prices", "factor"),
    InputSpec("uplift_margin", "Uplift: the fixed rate, or the margin over the index", "rate"),
    *(InputSpec(f"index_weight_{k}", f"Uplift: weight of index {k} (named in the note)", "rate")
      for k in range(1, MIX_SLOTS + 1)),
    InputSpec("uplift_cap", "Uplift: cap (the most it can be in a year)", "rate"),
    InputSpec("uplift_floor", "Uplift: floor (the least it can be in a year)", "rate"),
    InputSpec("first_uplift_year", "First year an uplift applies (year beginning April)", "year"),
    InputSpec("uplift_month_offset", "Months of each year before its uplift applies", "months"),
    InputSpec("break_year", "Break: last year it runs if the break is taken", "year"),
    InputSpec("break_taken", "Break taken", "flag"),
    InputSpec("break_cost", "Break cost, at price-base prices", "£"),
    InputSpec("reprocurement_cost", "Re-procurement cost at the end, at price-base prices", "£"),
)

END_CATEGORY = category("contract_end", "Contract break and re-procurement")

YEAR = Series("year")
_IN_TERM = PERIOD_SHARE * YEAR.at_least(Input("first_year")) * YEAR.at_most(Input("last_year"))
#: 1 in a year before any break the option takes (after it, the contract has ended).
_BEFORE_BREAK = 1 - Input("break_taken") * YEAR.above(Input("break_year"))
#: 1 in the last year the contract runs: its term's last year, or the break year where the break is taken.
_FINAL_YEAR = (YEAR.equals(Input("last_year")) * (1 - Input("break_taken"))
               + YEAR.equals(Input("break_year")) * Input("break_taken"))
_REPROCUREMENT = Input("reprocurement_cost") * Series("general_index")

_BEFORE_LIMITS = Row("uplift_before_limits")
#: The clause's cap and floor, as it states them: only those it has appear in its formula.
_LIMITED = Pick("limits", {
    "cap_and_floor": Min(Max(_BEFORE_LIMITS, Input("uplift_floor")), Input("uplift_cap")),
    "cap": Min(_BEFORE_LIMITS, Input("uplift_cap")),
    "floor": Max(_BEFORE_LIMITS, Input("uplift_floor")),
    "none": _BEFORE_LIMITS,
})

#: The share of each year at the price before that year's uplift (the months before the uplift month).
_OLD_PRICE_SHARE = Input("uplift_month_offset") / 12

INDEXED_CONTRACTS = LineGroup("indexed_contracts", "Contracts with indexation clauses", (
    LineFormula("active", "Share of the year under contract", None,
                "The share of each year the contract runs: from its first year to its term's last year (or to "
                "the break year, where the break is taken), and the part of the year after go-live, before "
                "go-live, or the whole year, as stated.",
                # Only a contract with a break has its terms (and rows on Inputs for them).
                Pick("break", {"stated": _IN_TERM * _BEFORE_BREAK, "none": _IN_TERM}),
                full_year=PERIOD_SHARE, unit="share"),
    LineFormula("index_rate", "Index rate (weighted)", None,
                "The rate of each index the clause names for the year, weighted as the clause mixes them "
                "(70% pay award + 30% CPI); 0 for a fixed uplift.",
                IndexMix("index", "index_weight", MIX_SLOTS), unit="rate"),
    LineFormula("uplift_before_limits", "Uplift before cap and floor", None,
                "The index rate plus the clause's margin; for a fixed uplift, the fixed rate.",
                Row("index_rate") + Input("uplift_margin"), unit="rate"),
    LineFormula("uplift", "Uplift after cap and floor", None,
                "The uplift before the cap and floor, held within them: MIN(MAX(uplift, floor), cap). It applies "
                "from the first uplift year, in the years the contract runs; 0 otherwise. Where it is below the "
                "row above, the cap binds; where above, the floor.",
                _LIMITED * YEAR.at_least(Input("first_uplift_year")) * Row("active").above(0), unit="rate"),
    LineFormula("price_factor", "Price factor (1 at the start)", None,
                "1 at the contract's starting price (the full-year column); each year, the previous year's "
                "factor x (1 + that year's uplift): the uplifts compounded.",
                Before("price_factor") * (1 + Row("uplift")), full_year=Const(1), unit="factor"),
    LineFormula("cost", "Contract price (indexed)", "contract",
                "Cash, grown by its own clause, not the general index: price at the start x (months before the "
                "uplift month / 12 x last year's price factor + the rest / 12 x this year's) x share of the year.",
                Input("price") * (_OLD_PRICE_SHARE * Before("price_factor")
                                  + (1 - _OLD_PRICE_SHARE) * Row("price_factor")) * Row("active"),
                full_year=Input("price") * Input("price_to_base") * Row("active")),
    vat_on(Row("cost"), PAID_AFTER_GO_LIVE),
    LineFormula("break_cost", "Break cost", END_CATEGORY,
                "Where the option takes the break: the break cost (price-base prices) x general index, in the "
                "break year, the last the contract runs.",
                Pick("break", {"stated": Input("break_cost") * Input("break_taken") * YEAR.equals(Input("break_year"))
                               * Series("general_index"), "none": Const(0)}),
                full_year=Const(0)),
    LineFormula("reprocurement", "Re-procurement at the end", END_CATEGORY,
                "The cost of re-procuring the service (price-base prices) x general index, in the last year the "
                "contract runs: its term's last year, or the break year where the break is taken.",
                Pick("break", {"stated": _REPROCUREMENT * _FINAL_YEAR,
                               "none": _REPROCUREMENT * YEAR.equals(Input("last_year"))}),
                full_year=Const(0)),
))
