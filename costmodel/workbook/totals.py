"""Where the totals of costmodel/lines/totals.py are rendered: a context for each sheet that shows them.

A total's tree names rows, series and measures; each context below says which cell holds each
on its sheet, so the tree renders as the formula in that cell. The values stored beside them are
the engine's evaluation of the same trees (engine/totals.py).
"""

from __future__ import annotations

from .layout import COL_CATEGORY, COL_TOTAL, HEADER_ROW, Layout, OptionLayout, cell, column_name

#: The option sheet's block of each per-category row.
_BLOCKS = {"category_cash": "category_rows", "category_real": "real_rows", "category_pv": "pv_rows"}
#: The option sheet's total row of each block, and the economic case's row below them.
_TOTAL_ROWS = {"total_cash": "total_row", "total_real": "real_total_row", "total_pv": "pv_total_row",
               "economic_pv": "economic_total_row"}


class OptionSheetTotals:
    """The option sheet's blocks of totals: a row per category, a total row, in one column."""

    def __init__(self, layout: Layout, option: OptionLayout, col: int, category: str | None = None,
                 this: int | None = None):
        self.layout, self.option, self.col, self.category, self.this = layout, option, col, category, this

    def _at(self, row: int, row_abs: bool = False) -> str:
        """The cell of `row` in this context's column."""
        return cell(None, row, self.col, row_abs)

    def row(self, name):
        if name == "this":
            return self._at(self.this)
        return self._at(getattr(self.option, _BLOCKS[name])[self.category])

    def series(self, name):
        return self._at(self.option.timeline_rows[name], True)

    def in_category(self):
        first, last = self.option.cost_rows
        row = self.option.category_rows[self.category]
        return (f"SUMIF({cell(None, first, COL_CATEGORY, True, True)}:{cell(None, last, COL_CATEGORY, True, True)},"
                f"{cell(None, row, COL_CATEGORY, False, True)},{self._at(first, True)}:{self._at(last, True)})")

    def all_rows(self, name, excluding=frozenset()):
        block = getattr(self.option, _BLOCKS[name])
        return self.only_rows(name, [category for category in block if category not in excluding])

    def only_rows(self, name, categories):
        """The block's rows of those categories, added up: SUM of each run of adjacent rows, or 0 for none."""
        block = getattr(self.option, _BLOCKS[name])
        rows = sorted(row for category, row in block.items() if category in categories)
        if not rows:
            return "0"
        runs, start = [], rows[0]
        for before, after in zip(rows, rows[1:] + [None]):
            if after != before + 1:
                runs.append(self._at(start) if start == before else f"{self._at(start)}:{self._at(before)}")
                start = after
        return f"SUM({','.join(runs)})"

    def years(self, operand):
        """The row across the years of the horizon (for the Total column)."""
        row = self.this if operand.name == "this" else None
        layout = self.layout
        return f"{cell(None, row, layout.year_col(0))}:{cell(None, row, layout.last_year_col)}"


class OptionSheetYearsTotals(OptionSheetTotals):
    """A block's row rendered once for all its year columns, the column letters left as a marker.

    A block's row has the same formula in every year but for its column, so its tree is walked
    once, not once a year; `in_column` then puts each column's letters in. The text is the one
    `OptionSheetTotals` renders for that column (tested on every block row of the shipped scenarios).
    """

    #: A control character: no reference, function or operator contains one.
    COLUMN = "\x01"

    def __init__(self, layout: Layout, option: OptionLayout, category: str | None = None):
        super().__init__(layout, option, -1, category)

    def _at(self, row: int, row_abs: bool = False) -> str:
        return f"{self.COLUMN}{'$' if row_abs else ''}{row + 1}"

    def in_column(self, text: str, col: int) -> str:
        """The formula `text` (rendered in this context) as it reads in year column `col`."""
        return text.replace(self.COLUMN, column_name(col))


class CompareTotals:
    """Compare: one option's rows against the baseline's, in one year's column."""

    def __init__(self, layout: Layout, rows: dict[str, dict[str, int]], option_id: str, baseline_id: str,
                 col: int, this: int | None = None):
        self.layout, self.rows, self.option_id, self.baseline_id = layout, rows, option_id, baseline_id
        self.col, self.this = col, this
        self.first_year = col == layout.year_col(0)
        self.last_year = col == layout.last_year_col

    def row(self, name):
        if name in _TOTAL_ROWS:
            option = self.layout.options[self.option_id]
            return cell(option.sheet, getattr(option, _TOTAL_ROWS[name]), self.col)
        return cell(None, self.rows[self.option_id][name], self.col)

    def baseline(self):
        return CompareTotals(self.layout, self.rows, self.baseline_id, self.baseline_id, self.col)

    def series(self, name):
        # The only series Compare's rows name is the budget envelope, on its own row above them.
        if name != "budget_envelope":
            raise KeyError(f"Series({name}) on Compare")
        return cell(None, self.layout.envelope_row, self.col, True)

    def previous(self):
        return cell(None, self.this, self.col - 1)

    def following(self):
        return cell(None, self.this, self.col + 1)


class SummaryTotals:
    """Summary: one option's row of figures (each figure a column)."""

    #: The Summary table's column of each figure.
    COLUMNS = {"cash_total": 2, "npc": 3, "eac": 4, "vs_baseline_cash": 5, "vs_baseline_npc": 6,
               "break_even_year": 7, "rank": 8, "first_unaffordable_year": 9}

    def __init__(self, layout: Layout, summary_rows: dict[str, int], compare_rows: dict[str, dict[str, int]],
                 option_id: str, baseline_id: str, absolute: bool = False):
        self.layout, self.summary_rows, self.compare_rows = layout, summary_rows, compare_rows
        self.option_id, self.baseline_id, self.absolute = option_id, baseline_id, absolute

    def measure(self, name):
        return cell(None, self.summary_rows[self.option_id], self.COLUMNS[name], self.absolute)

    def baseline(self):
        return SummaryTotals(self.layout, self.summary_rows, self.compare_rows, self.baseline_id, self.baseline_id,
                             absolute=True)

    def years(self, operand):
        layout = self.layout
        first, last = layout.year_col(0), layout.last_year_col
        if operand.kind == "series":  # a row of the option sheet's timeline
            option = layout.options[self.option_id]
            row = option.timeline_rows[operand.name]
            return f"{cell(option.sheet, row, first)}:{cell(None, row, last)}"
        row = self.compare_rows[self.option_id][operand.name]  # a row of Compare
        return f"Compare!{cell(None, row, first)}:{cell(None, row, last)}"

    def year_headings(self):
        layout = self.layout
        return (f"Compare!{cell(None, HEADER_ROW, layout.year_col(0), True, True)}:"
                f"{cell(None, HEADER_ROW, layout.last_year_col, True, True)}")

    def every_option(self, operand):
        rows = self.summary_rows.values()
        col = self.COLUMNS[operand.name]
        return f"{cell(None, min(rows), col, True, True)}:{cell(None, max(rows), col, True, True)}"

    def rendered(self, name) -> str:
        """Where a figure the option sheet already adds up is: its Total column (cash total, NPC)."""
        option = self.layout.options[self.option_id]
        return cell(option.sheet, getattr(option, {"cash_total": "total_row", "npc": "economic_total_row"}[name]),
                    COL_TOTAL)


class CheckTotals:
    """Checks: one published figure's row (as published, computed, difference, tolerance)."""

    COLUMNS = {"as_published": 3, "computed": 4, "difference": 5, "tolerance": 6}

    def __init__(self, row: int):
        self.row = row

    def measure(self, name):
        return cell(None, self.row, self.COLUMNS[name])


__all__ = ["CheckTotals", "CompareTotals", "OptionSheetTotals", "SummaryTotals"]
