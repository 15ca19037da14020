"""Totals, summaries and checks: defined once, like the lines, in the same formula language.

As lifelib defines `pv_net_cf()` "as pv_premiums() - pv_claims() - ..." beside
`check_pv_net_cf()`, every figure above the lines is a definition here: the cost of each
category and its real and present value, the totals, the cumulative cost and the difference
from the baseline, break-even, net present cost, equivalent annual cost, the rank, and the
published-figure test. The engine evaluates them with numpy (engine/totals.py) for the
projection's summary and the JSON; the workbook renders the same trees as the formulas on
the option sheets, Compare, Summary and Checks. The two cannot disagree.

The names these trees use, beyond a line's:

- `Row("category_cash")`: another total of the same option, in the same year (or category);
- `Series("pv_factor")`: a row of the option's timeline;
- `Measure("npc")`: a single figure of the option (a summary's);
- `InCategory()`: the option's cost lines of this category, added up;
- `AllRows(name)`: a total's rows for every category, added up;
- `Years(Row(...))`: a row added up over the horizon;
- `Baseline(tree)`: the tree for the baseline option;
- `RunningTotal`, `ToTheEnd`, `FirstYear`, `Rank`: the cumulative cost, "stays so from this
  year on", the first year it does, and the rank among the options.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .categories import CAPITAL, TRANSFERS
from .formula import Abs, Const, Expr, Named, Row, Series


class Measure(Named):
    kind = "measure"


@dataclass(frozen=True, eq=False)
class InCategory(Expr):
    """The option's cost lines in the category of the row, added up (SUMIF over their category)."""

    def evaluate(self, env):
        return env.in_category()

    def render(self, ctx):
        return ctx.in_category()


@dataclass(frozen=True, eq=False)
class AllRows(Expr):
    """One total's rows, for every category the option has but those `excluding` names, added up."""

    name: str
    excluding: frozenset = frozenset()

    def evaluate(self, env):
        return env.all_rows(self.name, self.excluding)

    def render(self, ctx):
        return ctx.all_rows(self.name, self.excluding)


@dataclass(frozen=True, eq=False)
class OnlyRows(Expr):
    """One total's rows, for those of the option's categories in `categories`, added up (0 for none)."""

    name: str
    categories: frozenset

    def evaluate(self, env):
        return env.only_rows(self.name, self.categories)

    def render(self, ctx):
        return ctx.only_rows(self.name, self.categories)


@dataclass(frozen=True, eq=False)
class Years(Expr):
    """A row, added up over the years of the horizon."""

    operand: Expr

    def evaluate(self, env):
        return float(np.sum(self.operand.evaluate(env)))

    def render(self, ctx):
        return f"SUM({ctx.years(self.operand)})"

    def names(self):
        return self.operand.names()


@dataclass(frozen=True, eq=False)
class Baseline(Expr):
    """The same tree, for the baseline option."""

    operand: Expr

    def evaluate(self, env):
        return self.operand.evaluate(env.baseline())

    def render(self, ctx):
        return self.operand.render(ctx.baseline())

    def names(self):
        return self.operand.names()


@dataclass(frozen=True, eq=False)
class RunningTotal(Expr):
    """Each year, the row's sum to date: the first year's value, then the year before's total plus this year's."""

    operand: Expr

    def evaluate(self, env):
        return np.cumsum(self.operand.evaluate(env))

    def render(self, ctx):
        this = self.operand.render(ctx)
        return this if ctx.first_year else f"{ctx.previous()}+{this}"

    def names(self):
        return self.operand.names()


@dataclass(frozen=True, eq=False)
class ToTheEnd(Expr):
    """1 in a year from which a flag is 1 in every year to the end of the horizon: this year's flag x next year's."""

    operand: Expr

    def evaluate(self, env):
        flags = self.operand.evaluate(env)
        out = np.zeros(len(flags))
        following = 1.0
        for t in range(len(flags) - 1, -1, -1):
            following = flags[t] * following
            out[t] = following
        return out

    def render(self, ctx):
        this = self.operand.render(ctx)
        return this if ctx.last_year else f"{this}*{ctx.following()}"

    def names(self):
        return self.operand.names()


@dataclass(frozen=True, eq=False)
class FirstYear(Expr):
    """The first year in which a row is 1, as a financial year ("2020/21"), or "none"."""

    operand: Expr

    def evaluate(self, env):
        hits = np.nonzero(self.operand.evaluate(env) == 1)[0]
        return env.year_labels()[hits[0]] if hits.size else None

    def render(self, ctx):
        return f'IFERROR(INDEX({ctx.year_headings()},MATCH(1,{ctx.years(self.operand)},0)),"none")'

    def names(self):
        return self.operand.names()


@dataclass(frozen=True, eq=False)
class Rank(Expr):
    """The option's place among the options by a figure, lowest first; ties share the higher place."""

    operand: Expr

    def evaluate(self, env):
        mine = self.operand.evaluate(env)
        others = [self.operand.evaluate(other) for other in env.every_option()]
        # Ties to the penny share a rank: a penny's difference is not a difference in a Cabinet paper.
        return 1 + sum(round(other, 2) < round(mine, 2) for other in others)

    def render(self, ctx):
        return f"RANK({self.operand.render(ctx)},{ctx.every_option(self.operand)},1)"

    def names(self):
        return self.operand.names()


@dataclass(frozen=True)
class TotalFormula:
    """A figure above the lines: a row of a block (by year, per category or for the option), or a measure."""

    key: str
    label: str
    definition: str
    formula: Expr
    unit: str = "£"


def _defined(*formulas: TotalFormula) -> dict[str, TotalFormula]:
    return {formula.key: formula for formula in formulas}


#: Less than this from the baseline, in pounds, is no difference: a penny.
PENNY = Const(1) / 100

# --------------------------------------------------------------------------- the option sheet

#: A row per category, by year, in three blocks: cash, real terms, present value.
CATEGORY_ROWS = _defined(
    TotalFormula("category_cash", "Cost by category (cash)",
                 "The option's cost lines in the category, added up.", InCategory()),
    TotalFormula("category_real", "Real terms",
                 "The category's cash x the real-terms factor (1 / the general price index).",
                 Row("category_cash") * Series("real_factor")),
    TotalFormula("category_pv", "Present value (discounted)",
                 "The category's cash x the present value factor (real-terms factor x discount factor).",
                 Row("category_cash") * Series("pv_factor")),
)

#: Each block's total row, by year.
BLOCK_TOTALS = _defined(
    TotalFormula("total_cash", "Total cost (cash)", "Every category's cash, added up.", AllRows("category_cash")),
    TotalFormula("total_real", "Total cost (real terms)", "Every category's real cost, added up.",
                 AllRows("category_real")),
    TotalFormula("total_pv", "Present value of every cost, transfers included",
                 "Every category's present value, added up.", AllRows("category_pv")),
    TotalFormula("economic_pv", "Net present cost: economic case (transfers left out)",
                 "Every category's present value but the transfers (irrecoverable VAT; a company's corporation tax "
                 "and a contract margin paid to the council's own body), which cost the public sector nothing as a "
                 "whole (Green Book: taxes treated consistently across options).", AllRows("category_pv", frozenset(TRANSFERS))),
)
#: The financial case's revenue and capital by year, for the JSON: the option sheet shows the same
#: apart already, each capital category a row of its own in the cash block.
FINANCIAL_ROWS = _defined(
    TotalFormula("capital_cash", "Of which capital (cash)", "The cash of the option's capital categories.",
                 OnlyRows("category_cash", frozenset(CAPITAL))),
    TotalFormula("revenue_cash", "Of which revenue (cash)", "The cash of every category but the capital ones.",
                 AllRows("category_cash", frozenset(CAPITAL))),
)

#: Every row's total over the horizon (the option sheet's Total column).
OVER_THE_HORIZON = TotalFormula("over_the_horizon", "Total over the horizon", "The row, added up over the years.",
                                Years(Row("this")))

# --------------------------------------------------------------------------- Compare: year by year against the baseline

COMPARE_ROWS = _defined(
    TotalFormula("annual", "Annual cost (cash)", "The option's total cost in cash.", Row("total_cash")),
    TotalFormula("cumulative", "Cumulative cost (cash)", "The annual cost, added up to the year.",
                 RunningTotal(Row("annual"))),
    TotalFormula("difference", "Difference from the baseline (cash)",
                 "The option's annual cost less the baseline's.", Row("annual") - Baseline(Row("annual"))),
    TotalFormula("cumulative_difference", "Cumulative difference from the baseline (cash)",
                 "The option's cumulative cost less the baseline's.",
                 Row("cumulative") - Baseline(Row("cumulative"))),
    TotalFormula("present_value", "Present value, economic case (the measure options are ranked by)",
                 "The option's present value, transfers to the Exchequer left out.", Row("economic_pv")),
    TotalFormula("present_value_difference", "Difference from the baseline (present value)",
                 "The option's present value less the baseline's.",
                 Row("present_value") - Baseline(Row("present_value"))),
    TotalFormula("at_or_below", "Cumulative cost at or below the baseline's",
                 "1 where the cumulative difference is less than a penny.",
                 Row("cumulative_difference").below(PENNY) * 1, unit="flag"),
    TotalFormula("stays", "Stays at or below from this year on",
                 "1 where the cumulative cost is at or below the baseline's in this year and every year after.",
                 ToTheEnd(Row("at_or_below")), unit="flag"),
)
#: Compare's rows that set an option's cash against the budget envelope, where the scenario states one.
AFFORDABILITY_ROWS = _defined(
    TotalFormula("envelope_gap", "Gap to the budget envelope (cash; above the envelope positive)",
                 "The option's annual cost less the budget envelope for the year.",
                 Row("annual") - Series("budget_envelope")),
    TotalFormula("cumulative_gap", "Cumulative gap to the budget envelope (cash)",
                 "The gap to the envelope, added up to the year.", RunningTotal(Row("envelope_gap"))),
    TotalFormula("over_envelope", "Annual cost above the budget envelope",
                 "Yes where the option's annual cost is more than a penny above the envelope.",
                 Row("envelope_gap").above(PENNY) * 1, unit="flag"),
)

#: The rows of Compare that set an option against the baseline, which the baseline has none of.
AGAINST_THE_BASELINE = ("difference", "cumulative_difference", "present_value_difference", "at_or_below", "stays")

# --------------------------------------------------------------------------- Summary: the answer

SUMMARY = _defined(
    TotalFormula("cash_total", "Cash total (financial case)",
                 "The option's total cost to the council in cash over the horizon, transfers included.",
                 Years(Row("total_cash"))),
    TotalFormula("real_total", "Real terms total", "The option's total cost in real terms over the horizon.",
                 Years(Row("total_real"))),
    TotalFormula("npc", "Net present cost (NPC), economic case",
                 "The option's present value over the horizon, transfers to the Exchequer left out.",
                 Years(Row("economic_pv"))),
    TotalFormula("transfers_pv", "Transfers left out of the economic case (present value)",
                 "The present value of every cost less the economic case's NPC: irrecoverable VAT, and any "
                 "corporation tax and contract margin.",
                 Years(Row("total_pv")) - Measure("npc")),
    TotalFormula("capital_cash_total", "Of which capital (cash)", "The option's capital spend in cash over the "
                 "horizon.", Years(Row("capital_cash"))),
    TotalFormula("eac", "Equivalent annual cost (EAC)",
                 "The constant real cost a year with the same net present cost: NPC / the sum of the discount "
                 "factors.", Measure("npc") / Years(Series("discount_factor"))),
    TotalFormula("vs_baseline_cash", "Cash vs baseline", "The option's cash total less the baseline's.",
                 Measure("cash_total") - Baseline(Measure("cash_total"))),
    TotalFormula("vs_baseline_npc", "NPC vs baseline", "The option's net present cost less the baseline's.",
                 Measure("npc") - Baseline(Measure("npc"))),
    TotalFormula("break_even_year", "Break-even year",
                 "The first year from which the option's cumulative cost stays at or below the baseline's.",
                 FirstYear(Row("stays")), unit="year"),
    TotalFormula("rank", "Rank (1 = lowest NPC)", "The option's place by net present cost, lowest first.",
                 Rank(Measure("npc")), unit="rank"),
)

#: The financial case against the budget envelope, where the scenario states one. The payback year of
#: an option's set-up costs is its break-even year: the first from which its cumulative cash cost,
#: set-up included, stays at or below the baseline's.
AFFORDABILITY = _defined(
    TotalFormula("first_unaffordable_year", "First year above the budget envelope",
                 "The first year in which the option's annual cost is above the envelope.",
                 FirstYear(Row("over_envelope")), unit="year"),
    TotalFormula("envelope_gap_total", "Gap to the envelope over the horizon (cash)",
                 "The gap to the envelope, added up over the horizon: the cumulative gap in the last year.",
                 Years(Row("envelope_gap"))),
)

# --------------------------------------------------------------------------- Checks: a published figure against the arithmetic

PUBLISHED = _defined(
    TotalFormula("difference", "Difference", "The figure computed less the figure as published.",
                 Measure("computed") - Measure("as_published")),
    TotalFormula("agrees", "Agrees", "1 where the difference is within the tolerance, either way.",
                 Abs(Measure("difference")).at_most(Measure("tolerance")) * 1, unit="flag"),
)
