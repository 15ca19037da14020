"""The risk of failure: the expected cost of an inadequate Ofsted judgement."""

from __future__ import annotations

from .activity import ACTIVE
from .declare import InputSpec, LineFormula, LineGroup, inputs
from .formula import Input, Row, Series

inputs(
    InputSpec("annual_probability", "Annual probability of an inadequate judgement", "rate"),
    InputSpec("cost", "Cost of failure, at price-base prices", "£"),
)

FAILURE_RISK = LineGroup("failure_risk", "Failure risk", (
    ACTIVE,
    LineFormula(
        "expected_cost", "Failure risk (expected value)", "failure_risk",
        "The expected cost of an inadequate judgement: annual probability x cost of failure "
        "(price-base prices) x general index x share of the year.",
        Input("annual_probability") * Input("cost") * Series("general_index") * Row("active"),
    ),
))
