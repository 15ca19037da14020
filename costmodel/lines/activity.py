"""What every kind of line shares: when it runs (its period and years), what it grows with, and VAT."""

from __future__ import annotations

from .declare import MAX_AMOUNT, InputSpec, LineFormula, inputs
from .formula import Const, Expr, Input, Pick, Series

inputs(
    InputSpec("first_year", "First year it runs (year beginning April)", "year"),
    InputSpec("last_year", "Last year it runs (year beginning April)", "year"),
    InputSpec("amount", "Amount at price-base prices, net of VAT", "£", "amount",
              (0.0, MAX_AMOUNT, "; savings are written as positive amounts under savings")),
    InputSpec("vat_share", "Share of the amount that carries VAT", "rate", "rate", (0.0, 1.0), 0.0),
    InputSpec("vat_rate", "VAT rate", "rate"),
    InputSpec("irrecoverable_share", "Share of VAT the delivering body cannot recover", "rate"),
)

INDEX = Pick("index", {"general": Series("general_index"), "pay": Series("pay_index"), "none": Const(1)})

PERIOD_SHARE = Pick("period", {"after_go_live": Series("live"), "before_go_live": Series("pre_live"),
                               "whole_horizon": Const(1)})

ACTIVE = LineFormula(
    "active", "Share of the year running", None,
    "The share of each year in which this line runs: its years (its first year to its last year), and the part "
    "of the year after go-live, before go-live, or the whole year, as stated.",
    PERIOD_SHARE
    * Series("year").at_least(Input("first_year"))
    * Series("year").at_most(Input("last_year")),
    full_year=PERIOD_SHARE, unit="share",
)


#: The share of a line's cost the option's own body pays, not the council before go-live: all of it
#: for a line that runs after go-live, none for one that runs before, the share of the year live for
#: one that runs all year.
PAID_AFTER_GO_LIVE = Pick("period", {"after_go_live": Const(1), "before_go_live": Const(0),
                                     "whole_horizon": Series("live")})


def vat_on(base: Expr, paid_after_go_live: Expr) -> LineFormula:
    return LineFormula(
        "irrecoverable_vat", "Irrecoverable VAT", "irrecoverable_vat",
        "VAT on the line (its VAT-bearing share at the VAT rate) that the body delivering the service "
        "cannot recover: only on what that body pays, from go-live. Before go-live the council is the "
        "buyer and recovers the VAT.",
        base * Input("vat_share") * Input("vat_rate") * Input("irrecoverable_share") * paid_after_go_live,
    )
