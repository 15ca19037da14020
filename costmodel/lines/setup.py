"""Set-up and transition: one-off costs by year, with Green Book optimism bias; capital apart from revenue.

A one-off cost is capital (a new case management system, a building) or revenue (the default).
Both are costs the Green Book counts, so every total includes both; capital items are costed
in a category of their own so that a finance officer, whose capital and revenue budgets are
separate, sees the two apart on the option sheet, the Summary and in the JSON.
"""

from __future__ import annotations

from .activity import INDEX, vat_on
from .declare import InputSpec, LineFormula, LineGroup, inputs
from .formula import Const, Input, InputRow, Row, Series

inputs(
    InputSpec("optimism_bias_upper", "Optimism bias: upper bound", "rate"),
    InputSpec("optimism_bias_mitigation", "Optimism bias: mitigation", "rate"),
    InputSpec("share", "Share of the amount falling in each year", "rate"),
)


def one_off_group(key: str, label: str, category: str, definition: str, bias_on: str) -> LineGroup:
    """The rows of a one-off cost falling in stated years: its spend, its optimism bias, the VAT on both.

    The VAT on a one-off cost, capital or revenue, stays in the VAT category, so that the VAT the
    option's body cannot recover is seen whole.
    """
    spend = LineFormula("spend", label, category, definition, Input("amount") * InputRow("share") * INDEX,
                        full_year=Const(0))
    bias = LineFormula(
        "optimism_bias", "Optimism bias", category,
        f"Green Book optimism bias on the {bias_on}: cost x upper bound x (1 - mitigation).",
        Row("spend") * Input("optimism_bias_upper") * (1 - Input("optimism_bias_mitigation")))
    return LineGroup(key, label, (spend, bias, vat_on(Row("spend") + Row("optimism_bias"), Series("live"))))


_ONE_OFF = "amount (price-base prices) x the share falling in the year x index."

SETUP = one_off_group("setup", "Set-up and transition", "setup_and_transition", f"A one-off cost: {_ONE_OFF}",
                      "set-up cost")
SETUP_CAPITAL = one_off_group("setup_capital", "Set-up and transition: capital", "setup_capital",
                              f"A one-off capital cost (a new system, a building): {_ONE_OFF}", "set-up cost")
