"""The cost categories, in the order a reader meets them.

Sign convention, stated once: costs are positive; savings and income are negative.
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
    "failure_risk": "Failure risk (expected value)",
    "savings_and_income": "Savings and income",
}
