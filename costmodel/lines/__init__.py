"""Every line of the model, defined once: its inputs and its formula, with its definition in words.

The engine evaluates these over every post and year with numpy; the workbook renders the
same trees as the formulas on the option sheets; the scenario's schema and the Inputs sheet's
labels are derived from the same declarations. Nothing here reads a file, knows a scenario or
imports anything of costmodel's but this package: it is the bottom of the pipeline.

    formula      the language: inputs, series, rows, totals; numpy and Excel from one tree
    declare      how a line is declared: its rows (LineFormula, LineGroup) and inputs (InputSpec)
    categories   the cost categories, in the order a reader meets them
    timeline     the timeline every option runs on
    activity     what every line shares: when it runs, what it grows with, VAT
    staffing     posts, pay, agency cover, employer on-costs by employer
    partnership  a partner council's charge, on full cost recovery
    kinds        how a kind of line an option lists is declared, and every one declared
    amounts      sections of annual amounts (contract, non-pay, savings, ...)
    setup        one-off set-up and transition costs, with optimism bias; capital apart from revenue
    exits        exit and break costs: notice periods, unwinding, re-procurement, redundancy, pension strain
    risk         the expected cost of failure
    placements   placements of looked-after children (demand shared by the options), and an option's change
    contracts    contracts with indexation clauses: a price in cash uplifted by its own clause, a term, a break
    settlement   what the council pays a company or trust: contract sum, surplus or deficit, corporation tax
"""

from __future__ import annotations

import importlib
import pkgutil

from . import amounts, contracts, exits, partnership, placements, risk, setup, staffing, timeline  # noqa: F401 - each declares its lines
from .categories import CATEGORIES
from .contracts import INDEXED_CONTRACTS
from .declare import INPUTS, InputSpec, LineFormula, LineGroup
from .formula import Const
from .partnership import PARTNER_POSTS, PARTNERSHIP_OVERHEADS
from .placements import PLACEMENT_CHANGES, PLACEMENTS
from .risk import FAILURE_RISK
from .exits import EXIT_CAPITAL, EXIT_COSTS, EXIT_KINDS
from .setup import SETUP, SETUP_CAPITAL
from .settlement import COMPANY_SETTLEMENT, UNTAXED_SETTLEMENT
from .staffing import LEVY_ALLOWANCE, POST_GROUPS, POSTS, POSTS_RATE, POSTS_STATED
from .timeline import TIMELINE_OPENING, TIMELINE_ROWS, YEAR_INPUTS

#: The modules of the language and the registries; every other module of this package declares lines.
_NOT_LINES = {"formula", "declare", "categories", "kinds"}
# A new kind of line is a module here: found and declared without a list to add it to.
for _module in sorted(pkgutil.iter_modules(__path__), key=lambda module: module.name):
    if _module.name not in _NOT_LINES:
        importlib.import_module(f"{__name__}.{_module.name}")

from .kinds import KINDS, LineKind  # noqa: E402 - filled by the modules loaded above

#: Every group of rows a line can have.
GROUPS: tuple[LineGroup, ...] = (POSTS, POSTS_STATED, POSTS_RATE, LEVY_ALLOWANCE, PARTNER_POSTS, PARTNERSHIP_OVERHEADS,
                                 SETUP, SETUP_CAPITAL, EXIT_COSTS, EXIT_CAPITAL, FAILURE_RISK, PLACEMENTS,
                                 PLACEMENT_CHANGES, INDEXED_CONTRACTS, *(kind.group for kind in KINDS.values()),
                                 *(kind.ramped_group for kind in KINDS.values() if kind.ramped_group is not None),
                                 COMPANY_SETTLEMENT, UNTAXED_SETTLEMENT)

#: Row keys some line adds up over all instances of its option (Total("...")).
TOTALLED = frozenset(name for group in GROUPS for formula in group.rows
                     for expression in (formula.formula, formula.full_year) if expression is not None
                     for kind, name in expression.names() if kind == "total")


def _check_declarations() -> None:
    """A developer's slip, caught as costmodel loads: an input with no label, a cost with no category."""
    for group in GROUPS:
        for row in group.rows:
            for expression in (row.formula, row.full_year):
                for kind, name in (expression.names() if expression is not None else ()):
                    if kind in ("input", "input_row") and name not in INPUTS:
                        raise ValueError(f"{group.key}.{row.key} names input {name!r}, which no line declares")
            for kind, name in (row.full_year.names() if row.full_year is not None else ()):
                if kind == "before":
                    raise ValueError(f"{group.key}.{row.key}: a full-year formula cannot name Before({name})")
            for kind, name in row.formula.names():
                if kind == "before":
                    # The first year's column takes the row's full-year column as its previous one: a number.
                    target = next((other for other in group.rows if other.key == name), None)
                    if target is None or not isinstance(target.full_year, Const):
                        raise ValueError(f"{group.key}.{row.key} names Before({name}), which needs a row of its "
                                         f"group with a constant full-year value")
            if row.category is not None and row.category not in CATEGORIES:
                raise ValueError(f"{group.key}.{row.key} is in category {row.category!r}, which is not declared")


_check_declarations()

__all__ = ["CATEGORIES", "GROUPS", "INPUTS", "KINDS", "TIMELINE_OPENING", "TIMELINE_ROWS", "TOTALLED",
           "YEAR_INPUTS", "LineKind", "InputSpec", "LineFormula", "LineGroup", "FAILURE_RISK", "INDEXED_CONTRACTS", "LEVY_ALLOWANCE",
           "PARTNER_POSTS", "PARTNERSHIP_OVERHEADS", "PLACEMENTS", "PLACEMENT_CHANGES", "POSTS", "POSTS_STATED",
           "POSTS_RATE", "POST_GROUPS", "SETUP", "SETUP_CAPITAL", "COMPANY_SETTLEMENT", "UNTAXED_SETTLEMENT", "EXIT_COSTS", "EXIT_CAPITAL", "EXIT_KINDS"]
