"""The cost categories, in the order a reader meets them: the Summary, the option sheets and the JSON.

Sign convention, stated once: costs are positive; savings and income are negative. A new kind
of line declares its own category with `category()` beside its rows.

Each category also says what the Green Book's two cases make of it. A transfer (irrecoverable
VAT, a tax paid to the Exchequer) is a cost to the council's budget, so the financial case counts
it, but no cost to the public sector as a whole, so the economic case leaves it out: treating
taxes consistently across options, a difference in VAT treatment does not make an option worse
value for money. A capital category is shown apart from revenue in the financial case.
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


#: Categories that are transfers to the Exchequer: in the financial case, not the economic case.
TRANSFERS: set[str] = {"irrecoverable_vat"}
#: Categories of capital spend: the financial case shows them apart from revenue.
CAPITAL: set[str] = {"setup_capital", "exit_capital"}


def category(key: str, label: str, transfer: bool = False, capital: bool = False) -> str:
    """Declare a category of a new kind of line; it follows the others, in the order declared."""
    if CATEGORIES.get(key, label) != label:
        raise ValueError(f"category {key!r} is declared twice, differently")
    CATEGORIES[key] = label
    if transfer:
        TRANSFERS.add(key)
    if capital:
        CAPITAL.add(key)
    return key
