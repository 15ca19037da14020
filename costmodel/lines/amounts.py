"""Sections of annual amounts: a contract price, non-pay, corporate services, savings, and the like.

Each section is one declaration (`amount_kind`): its key under an option, its label, its
category and definition, and its items' defaults. The scenario's schema for its items, its
rows on the option sheets and its inputs on Inputs all follow from that declaration; a new
section of amounts is one call here, or in a module of its own imported by `lines/__init__`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .activity import ACTIVE, INDEX, PAID_AFTER_GO_LIVE, vat_on
from .declare import LineFormula, LineGroup
from .formula import Input, Row

#: How each amount grows, in words a definition uses.
_AMOUNT = "annual amount (price-base prices, net of VAT) x index x share of the year"


@dataclass(frozen=True)
class AmountKind:
    """A section of annual amounts: its items are costed by the same rows."""

    section: str
    label: str
    category: str
    definition: str
    #: 1 for a cost; -1 for a saving or income, written positive and counted negative.
    sign: int = 1
    #: Whether a VAT-bearing share of it can be VAT the delivering body cannot recover.
    vat: bool = True
    #: What its items grow with unless they say, and the share of each that carries VAT.
    index: str = "general"
    vat_share: float = 0.0
    vat_share_source: str | None = None
    #: Where its items are written: under each option, or under an option's partnership.
    under: str = "option"
    #: Costed after the set-up and the failure risk (savings and income), rather than before.
    after_setup: bool = False
    group: LineGroup = field(init=False, compare=False)

    def __post_init__(self):
        amount = Input("amount") * INDEX * Row("active")
        cost = LineFormula("cost", self.label, self.category, self.definition,
                           amount if self.sign > 0 else -amount)
        rows = (ACTIVE, cost, vat_on(Row("cost"), PAID_AFTER_GO_LIVE)) if self.vat else (ACTIVE, cost)
        object.__setattr__(self, "group", LineGroup(self.section, self.label, rows))


#: Every section of annual amounts, in the order an option's lines are costed and shown.
AMOUNT_KINDS: dict[str, AmountKind] = {}


def amount_kind(section: str, label: str, category: str, definition: str, **terms) -> AmountKind:
    """Declare a section of annual amounts."""
    if section in AMOUNT_KINDS:
        raise ValueError(f"a section of amounts named {section!r} is declared twice")
    kind = AmountKind(section, label, category, definition, **terms)
    AMOUNT_KINDS[section] = kind
    return kind


SERVICE_CHARGES = amount_kind("service_charges", "Partnership: fixed service charges", "partnership_charge",
                              f"A fixed annual service charge: {_AMOUNT}.", under="partnership")
CONTRACT = amount_kind("contract", "Contract price", "contract", f"The contract price: {_AMOUNT}.")
NON_PAY = amount_kind("non_pay", "Non-pay", "non_pay", f"A non-pay cost: {_AMOUNT}.")
CORPORATE_SERVICES = amount_kind(
    "corporate_services", "Corporate services bought back", "corporate_and_client",
    f"Corporate services bought back: {_AMOUNT}.", vat_share=1.0,
    vat_share_source="corporate services sold by the council to a separate body are standard-rated")
CLIENT_SIDE = amount_kind("client_side", "Client-side commissioning", "corporate_and_client",
                          f"The council's client-side commissioning team: {_AMOUNT}.", index="pay")
STRANDED = amount_kind("stranded_costs", "Stranded council costs", "corporate_and_client",
                       f"Council costs that stay when services leave: {_AMOUNT}.")
SAVINGS = amount_kind("savings", "Savings and income", "savings_and_income",
                      f"A saving or income, counted as a negative cost: minus ({_AMOUNT}).", sign=-1, vat=False,
                      after_setup=True)
