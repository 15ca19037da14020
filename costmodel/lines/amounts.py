"""Sections of annual amounts: a contract price, non-pay, corporate services, savings, and the like.

Each is a kind of line (`kinds.py`) whose items state an amount a year and the share of it that
carries VAT, and are costed by the same two rows: the amount, and the VAT on it that the body
delivering the service cannot recover. An item may reach its full-year amount over a ramp
(`ramp: {2018/19: 25%, 2019/20: 75%, 2020/21: 100%}`); its amount stays the full-year figure, so
a range on it is a range on the full-year effect.
"""

from __future__ import annotations

from .activity import INDEX, PAID_AFTER_GO_LIVE, vat_on
from .declare import LineFormula
from .formula import Input, Row
from .kinds import LineKind, line_kind

#: How each amount grows, in words a definition uses.
_AMOUNT = "annual amount (price-base prices, net of VAT) x index x share of the year"


def amount_kind(section: str, label: str, category: str, definition: str, sign: int = 1, vat: bool = True,
                **terms) -> LineKind:
    """Declare a section of annual amounts: a cost (or, with sign -1, a saving or income) a year."""
    def rows_of(amount, definition):
        cost = LineFormula("cost", label, category, definition, amount if sign > 0 else -amount)
        return (cost, vat_on(Row("cost"), PAID_AFTER_GO_LIVE)) if vat else (cost,)

    amount = Input("amount") * INDEX * Row("active")
    ramped = rows_of(amount * Row("ramp"), definition.rstrip(".") + ", x the share of the full-year effect reached.")
    return line_kind(section, label, rows_of(amount, definition), ("amount", "vat_share"), ramped_rows=ramped,
                     **terms)


SERVICE_CHARGES = amount_kind("service_charges", "Partnership: fixed service charges", "partnership_charge",
                              f"A fixed annual service charge: {_AMOUNT}.", under="partnership")
CONTRACT = amount_kind("contract", "Contract price", "contract", f"The contract price: {_AMOUNT}.")
NON_PAY = amount_kind("non_pay", "Non-pay", "non_pay", f"A non-pay cost: {_AMOUNT}.")
CORPORATE_SERVICES = amount_kind(
    "corporate_services", "Corporate services bought back", "corporate_and_client",
    f"Corporate services bought back: {_AMOUNT}.",
    defaults=(("vat_share", 1.0, "corporate services sold by the council to a separate body are standard-rated"),))
CLIENT_SIDE = amount_kind("client_side", "Client-side commissioning", "corporate_and_client",
                          f"The council's client-side commissioning team: {_AMOUNT}.", index="pay")
STRANDED = amount_kind("stranded_costs", "Stranded council costs", "corporate_and_client",
                       f"Council costs that stay when services leave: {_AMOUNT}.")
SAVINGS = amount_kind("savings", "Savings and income", "savings_and_income",
                      f"A saving or income, counted as a negative cost: minus ({_AMOUNT}).", sign=-1, vat=False,
                      after_setup=True)
