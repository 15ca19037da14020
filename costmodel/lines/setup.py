"""Set-up and transition: one-off costs by year, with Green Book optimism bias."""

from __future__ import annotations

from .activity import INDEX, vat_on
from .declare import InputSpec, LineFormula, LineGroup, inputs
from .formula import Const, Input, InputRow, Row, Series

inputs(
    InputSpec("optimism_bias_upper", "Optimism bias: upper bound", "rate"),
    InputSpec("optimism_bias_mitigation", "Optimism bias: mitigation", "rate"),
    InputSpec("share", "Share of the amount falling in each year", "rate"),
)

SETUP_SPEND = LineFormula(
    "spend", "Set-up and transition", "setup_and_transition",
    "A one-off cost: amount (price-base prices) x the share falling in the year x index.",
    Input("amount") * InputRow("share") * INDEX,
    full_year=Const(0),
)
OPTIMISM_BIAS = LineFormula(
    "optimism_bias", "Optimism bias", "setup_and_transition",
    "Green Book optimism bias on the set-up cost: cost x upper bound x (1 - mitigation).",
    Row("spend") * Input("optimism_bias_upper") * (1 - Input("optimism_bias_mitigation")),
)
SETUP = LineGroup("setup", "Set-up and transition",
                  (SETUP_SPEND, OPTIMISM_BIAS, vat_on(Row("spend") + Row("optimism_bias"), Series("live"))))
