"""The totals, summaries and checks of costmodel/lines/totals.py, evaluated with numpy.

Each is evaluated once for an option and kept: the projection's summary and JSON read them,
and the workbook stores them beside the formulas it renders from the same trees, so a cell
stores exactly the value of the formula it holds.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from ..lines import CATEGORIES, POST_GROUPS
from ..lines.totals import (AFFORDABILITY, AFFORDABILITY_ROWS, BLOCK_TOTALS, CATEGORY_ROWS, COMPARE_ROWS,
                            FINANCIAL_ROWS, SUMMARY)

#: Every row by option and year a total may name, and every figure for the option.
_ROWS = {**BLOCK_TOTALS, **FINANCIAL_ROWS, **COMPARE_ROWS, **AFFORDABILITY_ROWS}
_MEASURES = {**SUMMARY, **AFFORDABILITY}


class OptionTotals:
    """Names in a total's tree -> values, for one option: in every year, or for a full year once live.

    `category` narrows the rows that are per category (CATEGORY_ROWS) to one; `others` is the
    option's totals these are narrowed from (the option's own, in every year), which knows every option's.
    """

    def __init__(self, result, full_year: bool = False, category: str | None = None, others=None):
        self.result = result
        self.full_year = full_year
        self.category = category
        #: Every option's totals, for the baseline and the rank: the projection knows them all (`among`).
        self._root = others or self
        self._every: list[OptionTotals] = [self]
        self._rows: dict[str, object] = {}
        self._measures: dict[str, object] = {}
        self._categories: dict[str, OptionTotals] = {}

    # ------------------------------------------------------------------ what the option has

    @cached_property
    def categories(self) -> list[str]:
        """The categories of the option's cost lines, in the order a reader meets them."""
        present = {formula.category for group in self.result.results for formula in group.cost_formulas}
        return [category for category in CATEGORIES if category in present]

    def of(self, category: str) -> "OptionTotals":
        """These totals, narrowed to one category."""
        if category not in self._categories:
            self._categories[category] = OptionTotals(self.result, self.full_year, category, self._root)
        return self._categories[category]

    @cached_property
    def full(self) -> "OptionTotals":
        """These totals for a full year once live, at price-base prices (the option sheet's full-year column)."""
        return self if self.full_year else OptionTotals(self.result, True, self.category, self._root)

    # ------------------------------------------------------------------ the names a tree uses

    def row(self, name: str):
        if name not in self._rows:
            if name in CATEGORY_ROWS and self.category is not None:
                formula = CATEGORY_ROWS[name]
            else:
                formula = _ROWS[name]
            self._rows[name] = np.asarray(formula.formula.evaluate(self), dtype=float)
        return self._rows[name]

    def measure(self, name: str):
        if name not in self._measures:
            self._measures[name] = _MEASURES[name].formula.evaluate(self)
        return self._measures[name]

    @property
    def has_envelope(self) -> bool:
        """Whether the scenario states a budget envelope, which the affordability rows are set against."""
        return "budget_envelope" in self.result.timeline.series

    def series(self, name: str):
        if self.full_year:
            return REFERENCE_TIMELINE[name]
        return self.result.timeline.series[name][0]

    def in_category(self):
        result, category = self.result, self.category
        if self.full_year:
            return sum(float(group.full_year[formula.key].sum()) for group in result.results
                       for formula in group.cost_formulas if formula.category == category)
        return result.category_cash(category)

    def all_rows(self, name: str, excluding=frozenset()):
        return self.only_rows(name, [category for category in self.categories if category not in excluding])

    def only_rows(self, name: str, categories):
        # Added in the order the categories are shown, one after another, as a reader would add them.
        total = 0
        for category in self.categories:
            if category in categories:
                total = total + self.of(category).row(name)
        if isinstance(total, int):  # no cost lines of those categories: they cost nothing
            return 0.0 if self.full_year else np.zeros(len(self.result.timeline.years))
        return total

    def among(self, every: list["OptionTotals"]) -> None:
        """Set these totals among every option's (the projection's), for the baseline and the rank."""
        self._every = every

    def baseline(self) -> "OptionTotals":
        return next(other for other in self._root._every if other.result.option.baseline)

    def every_option(self) -> list["OptionTotals"]:
        return [other for other in self._root._every if other is not self._root]

    def year_labels(self) -> list[str]:
        from ..scenario.units import financial_year_label

        return [financial_year_label(year) for year in self.result.timeline.years]

    def input(self, name):
        raise KeyError(f"Input({name}) in a total: totals name rows, series and measures")

    def total(self, name):
        raise KeyError(f"Total({name}) in a total")

    def prev(self, name):
        raise KeyError(f"Prev({name}) in a total")


#: The option sheet's full-year column: year 0, live all year, indices and factors at 1.
REFERENCE_TIMELINE = {"year_number": 0.0, "live": 1.0, "pre_live": 0.0, "employer_operates": 1.0,
                      "general_index": 1.0, "pay_index": 1.0, "discount_factor": 1.0, "real_factor": 1.0,
                      "pv_factor": 1.0}


class RowValues:
    """Rows already evaluated, by name: to evaluate a total over them (a row's total over the horizon)."""

    def __init__(self, **rows):
        self._rows = rows

    def row(self, name):
        return self._rows[name]


class Selection:
    """What a published figure adds up: the option's total, or some of its cost rows, and how.

    `parts` are (group result, cost formula, the instances chosen: a mask, or None for all of
    them). The engine sums their values; the workbook renders the cells that hold them. The
    figure is for a full year once live, one year, or the horizon; in cash, real terms or present
    value; for all of a post's count or one head.
    """

    def __init__(self, check, result):
        self.check, self.result = check, result
        self.whole_option = all(getattr(check, key) is None for key in ("post", "posts", "category", "line"))
        wanted = {check.post} if check.post else set(check.posts or [])
        self.parts = []
        if self.whole_option:
            return
        for group in result.results:
            ids = [instance.id for instance in group.instances.instances]
            if wanted:
                if group.group.key not in POST_GROUPS or not wanted & set(ids):
                    continue
                chosen = np.array([instance_id in wanted for instance_id in ids])
            elif check.line is not None:
                if check.line not in ids:
                    continue
                chosen = np.array([instance_id == check.line for instance_id in ids])
            else:
                chosen = None  # every instance of the category's lines
            for formula in group.cost_formulas:
                if check.category is None or formula.category == check.category:
                    self.parts.append((group, formula, chosen))

    @property
    def what(self) -> str:
        """The figure in words, for the Checks sheet: "post hos, per head, a full year at price-base prices"."""
        check = self.check
        if check.post is not None:
            what = "post " + check.post
        elif check.posts is not None:
            what = "posts " + ", ".join(check.posts)
        elif check.category is not None:
            what = CATEGORIES[check.category]  # by its name, as the sheets name it
        elif check.line is not None:
            what = "line " + check.line
        else:
            what = "option total"
        if check.each:
            what += ", per head"
        if check.basis == "full_year":
            return what + ", a full year at price-base prices"
        if check.year is not None:
            from ..scenario.units import financial_year_label

            return what + f", {financial_year_label(check.year)} {check.measure}"
        return what + f", total over the horizon, {check.measure}"

    @property
    def heads(self) -> float:
        """What the figure is divided by: a post's count for a figure per head, else 1."""
        if not self.check.each:
            return 1.0
        return next(post.count.value for post in self.result.option.staffing if post.id == self.check.post)

    def computed(self, years: list[int]) -> float:
        """The figure the arithmetic gives."""
        check, totals = self.check, self.result.totals
        if check.basis == "full_year":
            if self.whole_option:
                value = float(totals.full.row("total_cash"))
            else:
                value = 0.0
                for group, formula, chosen in self.parts:
                    values = group.full_year[formula.key]
                    value += float((values if chosen is None else values[chosen]).sum())
        else:
            if self.whole_option:
                cash = totals.row({"cash": "total_cash", "real": "total_real", "pv": "total_pv"}[check.measure])
                factor = 1.0
            else:
                cash = np.zeros(len(years))
                for group, formula, chosen in self.parts:
                    cash = cash + (group.totals[formula.key] if chosen is None
                                   else group.cash[formula.key][chosen].sum(axis=0))
                factor = 1.0 if check.measure == "cash" else totals.series(f"{check.measure}_factor")
            values = cash * factor
            value = float(values[years.index(check.year)]) if check.year is not None else float(values.sum())
        heads = self.heads
        return value / heads if heads else 0.0
