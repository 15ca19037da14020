"""What the council pays a company or trust: the contract sum, the surplus or deficit, corporation tax.

A council that sets up a company or trust pays it a contract sum, not the body's costs. Where
the two differ, the body makes a surplus (some of which it may return to the council) or a
deficit (some of which the council may meet), and a company pays corporation tax on its profit.
The option's lines stay the body's own costs (the resource the service uses); this settlement,
costed after every other line of the option, says what the council pays for them:

    the body's own costs   the lines the contract sum covers (BODY_GROUPS): from go-live in full, all year
                           x the share of the year live
    contract sum           by year, in cash as agreed; or the body's own costs x (1 + a margin)
    surplus                contract sum - the body's own costs (a deficit is negative)
    corporation tax        a company's, on its taxable profit (the surplus, where positive), at the
                           rates of the parameter set, with marginal relief between the limits
    surplus returned       a stated share of the surplus after tax, paid back to the council
    deficit met            a stated share of a deficit, paid by the council on top of the contract sum
    council pays           contract sum - surplus returned + deficit met

Two rows are costs, both transfers (lines/categories.py), so the financial case counts them
and the economic case leaves them out: corporation tax (to the Exchequer), and the contract
margin, what the council pays less the body's own costs and tax (money moved between the council
and its own body, which uses no resource). The financial case is then what the council pays plus
the lines that remain the council's; the economic case the body's own costs plus those lines.

Which lines are the body's: its staff (pay and on-costs, the levy, agency cover), what it buys
(contracts, non-pay, the corporate services it buys back, contracts with indexation clauses, and
the VAT on all of these it cannot recover), the placements it commissions and the savings it makes
in running the service. The council keeps its client side, stranded costs, set-up and exit costs,
a contract's break and re-procurement, the failure risk (its statutory duty does not transfer) and
the grants it receives.
Before go-live the council runs the service: of a line that runs all year (staff transferring at
go-live), only the share of the year live is the body's; of one that runs from go-live, all of it.

Corporation tax follows HMRC's rules for one company with a twelve-month accounting period ending
31 March and no associated companies: below the lower limit, the small profits rate x profit; above
it, main rate x profit - standard fraction x (upper limit - profit), where profit is below the upper
limit (CTM03900). From 2017/18 to 2022/23 one rate applied to all profits (the limits are 0 then).
A deficit's loss is not carried forward against later profits (see docs/economic-and-financial-cases.md).
"""

from __future__ import annotations

from .categories import category
from .contracts import END_CATEGORY, INDEXED_CONTRACTS
from .declare import InputSpec, LineFormula, LineGroup, inputs
from .formula import Const, GroupCosts, Input, InputRow, Max, Pick, Row
from .kinds import KINDS
from .placements import PLACEMENT_CHANGES, PLACEMENTS
from .staffing import LEVY_ALLOWANCE, POSTS, POSTS_RATE, POSTS_STATED

inputs(
    InputSpec("contract_sum", "Contract sum: cash paid a year (by year)", "£ a year"),
    InputSpec("contract_margin", "Contract sum: margin on the body's own costs", "rate"),
    InputSpec("surplus_returned", "Share of the body's surplus (after any corporation tax) returned to the council", "rate"),
    InputSpec("deficit_met", "Share of the body's deficit the council meets", "rate"),
    InputSpec("ct_main_rate", "Corporation tax: main rate", "rate"),
    InputSpec("ct_small_profits_rate", "Corporation tax: small profits rate", "rate"),
    InputSpec("ct_lower_limit", "Corporation tax: lower limit (marginal relief from)", "£ a year"),
    InputSpec("ct_upper_limit", "Corporation tax: upper limit (marginal relief to)", "£ a year"),
    InputSpec("ct_marginal_relief_fraction", "Corporation tax: standard fraction of marginal relief", "rate"),
)

CORPORATION_TAX = category("corporation_tax", "Corporation tax (a company's, on its profit)", transfer=True)
CONTRACT_MARGIN = category("contract_margin", "Contract margin: what the council pays less the body's costs and tax",
                           transfer=True)

#: The line groups whose costs are the body's, which its contract sum covers; every other group of an
#: option stays the council's.
BODY_GROUPS = frozenset(
    [POSTS.key, POSTS_STATED.key, POSTS_RATE.key, LEVY_ALLOWANCE.key, INDEXED_CONTRACTS.key, PLACEMENTS.key,
     PLACEMENT_CHANGES.key]
    + [group.key
       for name in ("contract", "non_pay", "corporate_services", "savings")
       for group in (KINDS[name].group, KINDS[name].ramped_group) if group is not None])
#: Rows of the body's groups that stay the council's: ending a contract is the council's decision.
COUNCIL_CATEGORIES = frozenset({END_CATEGORY})
#: Rows already only what the body pays, whatever their line's period: VAT it cannot recover, from go-live.
IN_FULL = frozenset({"irrecoverable_vat"})

#: What the Inputs sheet says under the settlement: which lines the contract sum covers.
COVERS = ("The contract sum covers the body's own lines: its staff, what it buys (contracts, non-pay, the corporate "
          "services it buys back, and the VAT it cannot recover), its placements and its savings, from go-live. The "
          "client side, stranded costs, set-up, exit costs, a contract's break and re-procurement, the failure risk "
          "and grants remain the council's.")

_SURPLUS = Row("surplus")
_PROFIT = Row("taxable_profit")
#: HMRC's marginal relief, as one formula for every year: at or below the lower limit the small profits
#: rate; above it the main rate less the standard fraction x what is left to the upper limit.
_TAX = (_PROFIT.at_most(InputRow("ct_lower_limit")) * InputRow("ct_small_profits_rate") * _PROFIT
        + _PROFIT.above(InputRow("ct_lower_limit"))
        * (InputRow("ct_main_rate") * _PROFIT
           - InputRow("ct_marginal_relief_fraction") * Max(Const(0), InputRow("ct_upper_limit") - _PROFIT)))


def _row(key, label, category_, definition, formula, unit="£"):
    # The settlement is paid in cash, year by year: it has no full-year value at price-base prices.
    return LineFormula(key, label, category_, definition, formula, full_year=Const(0), unit=unit)


_OWN_COSTS = _row("own_costs", "The body's own costs: the lines the contract sum covers", None,
                  "The lines that are the body's, added up: its staff, what it buys and the VAT on it, its "
                  "placements, its savings. A line from go-live in full; a line all year for the share of the year live (before "
                  "go-live the council runs the service and pays for it); a line before go-live not at all.",
                  GroupCosts(BODY_GROUPS, COUNCIL_CATEGORIES, IN_FULL))
_CONTRACT_SUM = _row("contract_sum", "Contract sum", None,
                     "What the contract says the council pays: the cash stated for the year; or the body's own "
                     "costs x (1 + the margin).",
                     Pick("basis", {"by_year": InputRow("contract_sum"),
                                    "margin": Row("own_costs") * (1 + Input("contract_margin"))}))
_SURPLUS_ROW = _row("surplus", "Surplus (a deficit negative)", None,
                    "The contract sum less the body's own costs.", Row("contract_sum") - Row("own_costs"))


def _returned(tax: bool) -> LineFormula:
    return _row("surplus_returned", "Surplus returned to the council", None,
                "The stated share of the surplus" + (" after corporation tax" if tax else "") + ", where there is one.",
                Input("surplus_returned") * Max(Const(0), _SURPLUS - Row("corporation_tax") if tax else _SURPLUS))


_DEFICIT_MET = _row("deficit_met", "Deficit the council meets", None,
                    "The stated share of the deficit, where there is one: the council pays it on top of the "
                    "contract sum.", Input("deficit_met") * Max(Const(0), -_SURPLUS))
_COUNCIL_PAYS = _row("council_pays", "What the council pays the body", None,
                     "The contract sum, less the surplus returned, plus the deficit met.",
                     Row("contract_sum") - Row("surplus_returned") + Row("deficit_met"))


def _margin(tax: bool) -> LineFormula:
    return _row("margin", "Contract margin (transfer)", CONTRACT_MARGIN,
                "What the council pays less the body's own costs" + (" and its corporation tax" if tax else "")
                + ": money moved between the council and its own body, in the financial case only.",
                Row("council_pays") - Row("own_costs") - Row("corporation_tax") if tax
                else Row("council_pays") - Row("own_costs"))


#: A company's settlement: it pays corporation tax on its profit.
COMPANY_SETTLEMENT = LineGroup("company_settlement", "What the council pays the company (the settlement)", (
    _OWN_COSTS, _CONTRACT_SUM, _SURPLUS_ROW,
    _row("taxable_profit", "Taxable profit", None, "The surplus, where there is one; 0 in a year of deficit.",
         Max(Const(0), _SURPLUS)),
    _row("corporation_tax", "Corporation tax", CORPORATION_TAX,
         "At or below the lower limit: small profits rate x taxable profit. Above it: main rate x taxable profit "
         "- standard fraction x (upper limit - taxable profit), the marginal relief, where the profit is below "
         "the upper limit (HMRC CTM03900). A transfer to the Exchequer: in the financial case only.", _TAX),
    _returned(True), _DEFICIT_MET, _COUNCIL_PAYS, _margin(True),
))
#: A trust's (or another body's that pays no corporation tax): the same settlement without tax.
UNTAXED_SETTLEMENT = LineGroup("untaxed_settlement", "What the council pays the body (the settlement)", (
    _OWN_COSTS, _CONTRACT_SUM, _SURPLUS_ROW, _returned(False), _DEFICIT_MET, _COUNCIL_PAYS,
    _margin(False),
))
