"""Grants and income: a DfE improvement grant, traded income, a contribution from health.

Written as positive amounts in the years they are received, counted as negative costs in a
category of their own, so a councillor sees how much of an option's case rests on money from
outside. Flat cash unless an item says what it grows with.
"""

from __future__ import annotations

from .amounts import amount_kind
from .categories import category

GRANTS = amount_kind(
    "grants", "Grants and income", category("grants_and_income", "Grants and income received"),
    "A grant or income received, counted as a negative cost: minus (annual amount x index x share of the year).",
    sign=-1, vat=False, index="none", after_setup=True)
