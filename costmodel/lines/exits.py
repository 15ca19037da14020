"""Exit and break costs: what it costs to end an arrangement, in the year it ends.

Ending a partnership early (its notice period), unwinding a company, re-procuring a service,
redundancy and pension strain are one-off costs an option carries that the others do not. They
fall in stated years like set-up costs, without optimism bias unless an item states it, and are
costed in a category of their own (capital ones in another), so a councillor sees what leaving
costs beside what starting costs.
"""

from __future__ import annotations

from .setup import one_off_group

#: The kinds of exit or break cost an item names, and how the Inputs sheet says each.
EXIT_KINDS = {
    "notice_period": "the notice period of ending a partnership early",
    "company_unwinding": "unwinding a company or trust",
    "reprocurement": "re-procuring the service",
    "redundancy": "redundancy",
    "pension_strain": "pension strain (early release of pensions)",
    "other": "another exit or break cost",
}

_EXIT = "amount (price-base prices) x the share falling in the year x index; optimism bias only where stated."

EXIT_COSTS = one_off_group("exit_costs", "Exit and break costs", "exit_costs",
                           f"A one-off cost of ending an arrangement: {_EXIT}", "exit cost")
EXIT_CAPITAL = one_off_group("exit_capital", "Exit and break costs: capital", "exit_capital",
                             f"A one-off capital cost of ending an arrangement: {_EXIT}", "exit cost")
