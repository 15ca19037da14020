"""The cost categories, in the order a reader meets them: the Summary, the option sheets and the JSON.

Sign convention, stated once: costs are positive; savings and income are negative. A new kind
of line declares its own category with `category()` beside its rows.
"""

from __future__ import annotations

CATEGORIES: dict[str, str] = {
    "pay": "Pay",
    "employer_ni": "Employer National Insurance",
    "pension": "Employer pension contributions",
    "apprenticeship_levy": "Apprenticeship levy",
    "stated_on_costs": "On-costs as stated in a source",
    "agency_premium": "Agency premium",
    "partnership_charge": "Partnership charge",
    "contract": "Contract price",
    "non_pay": "Non-pay",
    "irrecoverable_vat": "Irrecoverable VAT",
    "corporate_and_client": "Corporate services, client-side and stranded costs",
    "setup_and_transition": "Set-up and transition (with optimism bias)",
    # One-off capital costs, and the costs of ending an arrangement: each apart (lines/setup.py, lines/exits.py).
    "setup_capital": "Set-up and transition: capital (with optimism bias)",
    "exit_costs": "Exit and break costs",
    "exit_capital": "Exit and break costs: capital",
    "failure_risk": "Failure risk (expected value)",
    "savings_and_income": "Savings and income",
}


def category(key: str, label: str) -> str:
    """Declare a category of a new kind of line; it follows the others, in the order declared."""
    if CATEGORIES.get(key, label) != label:
        raise ValueError(f"category {key!r} is declared twice, differently")
    CATEGORIES[key] = label
    return key
