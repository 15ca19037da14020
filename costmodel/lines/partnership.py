"""A partnership with another council: its officers' time and overheads, on full cost recovery.

The fixed service charges under a partnership are a section of annual amounts (`amounts.py`).
"""

from __future__ import annotations

from .activity import ACTIVE, INDEX
from .declare import InputSpec, LineFormula, LineGroup, inputs
from .formula import Input, Row, Total

inputs(
    InputSpec("annual_cost", "Annual cost of each officer", "£ a year"),
    InputSpec("time_share", "Share of their time", "rate"),
    InputSpec("direct_overhead_rate", "Direct overhead rate", "rate"),
    InputSpec("direct_overhead_allowance", "Direct overhead allowance", "£ a year"),
    InputSpec("departmental_overhead_rate", "Departmental overhead rate", "rate"),
    InputSpec("back_office_rate", "Back office and support rate", "rate"),
)

PARTNER_TIME = LineFormula(
    "partner_time", "Partner officers' time", "partnership_charge",
    "Direct salary costs of the partner's officers: count x annual cost x share of their time x index x "
    "share of the year.",
    Input("count") * Input("annual_cost") * Input("time_share") * INDEX * Row("active"),
)
PARTNER_POSTS = LineGroup("partner_posts", "Partnership: partner officers", (ACTIVE, PARTNER_TIME))

DIRECT_OVERHEADS = LineFormula(
    "direct_overheads", "Direct overheads", "partnership_charge",
    "Allowance for direct overheads: direct salary costs x direct overhead rate, plus any fixed allowance "
    "x index x share of the year.",
    Total("partner_time") * Input("direct_overhead_rate")
    + Input("direct_overhead_allowance") * INDEX * Row("active"),
)
DEPARTMENTAL_OVERHEADS = LineFormula(
    "departmental_overheads", "Departmental overheads", "partnership_charge",
    "Departmental overheads recovered at a percentage of direct costs (salaries and direct overheads).",
    (Total("partner_time") + Row("direct_overheads")) * Input("departmental_overhead_rate"),
)
BACK_OFFICE = LineFormula(
    "back_office", "Back office and support", "partnership_charge",
    "Back office and support recovered at a percentage of all the costs before it.",
    (Total("partner_time") + Row("direct_overheads") + Row("departmental_overheads"))
    * Input("back_office_rate"),
)
PARTNERSHIP_OVERHEADS = LineGroup("partnership_overheads", "Partnership: overheads (full cost recovery)",
                                  (ACTIVE, DIRECT_OVERHEADS, DEPARTMENTAL_OVERHEADS, BACK_OFFICE))
