"""A large establishment on a Staffing sheet: one row per post, options adding them up.

Up to `STAFFING_SHEET_FROM` posts, each post has its own rows on every option sheet,
with its inputs on Inputs: the clearest layout for a paper's dozen posts. Beyond it,
a county's thousands of posts would make option sheets of millions of cells, so the
posts are listed once, with their inputs, on a Staffing sheet, and each option sheet
has one row per cost line and per period (after go-live, before it, the whole
horizon) whose formula adds up every post running in that period:

    SUMPRODUCT((Staffing!$C$7:$C$10006="after go-live")*(<the line's formula over the columns>))

The formula is the same line definition from `costmodel/lines`, rendered over the
Staffing sheet's columns instead of one post's cells, so the two layouts cannot
disagree. MAX and MIN become 1/0 flags there (MAX over a column would give one number
for the whole column).
"""

from __future__ import annotations

from ..lines import LineFormula
from .layout import COL_FULL_YEAR, IN_VALUE, Layout, OptionLayout, StaffingTable, cell

class StaffingContext:
    """Resolves a posts formula over the Staffing sheet, for one option sheet column.

    With `post` (an index into the table), the post's own cells; otherwise the whole
    column of each input, for SUMPRODUCT. With `years` (first and last option sheet
    column), every timeline name is the range across the years, so SUMPRODUCT adds a
    post's cost over the horizon.
    """

    elementwise = True

    def __init__(self, layout: Layout, option: OptionLayout, table: StaffingTable, col: int,
                 period: str | None = None, post: int | None = None, years: tuple[int, int] | None = None,
                 elsewhere: bool = False):
        self.layout, self.option, self.table, self.col = layout, option, table, col
        self.period, self.post, self.years = period, post, years
        # Written on another sheet (Checks): the option sheet's cells need its name.
        self.here = option.sheet if elsewhere else None

    def input(self, name):
        layout, option, table = self.layout, self.option, self.table
        if name in layout.scenario_inputs:
            return layout.scenario_input_ref(name)
        if name in option.option_inputs:
            return cell("Inputs", option.option_inputs[name], IN_VALUE, True, True)
        if self.post is not None:
            return cell(table.sheet, table.first_row + self.post, table.columns[name], True, True)
        return table.column_range(table.columns[name])

    def choice(self, name):
        group = self.table.group
        if self.post is not None:
            return group.choice_of(group.instances[self.post], name)
        if name in ("months", "progression"):
            return group.instances[0].choices[name]  # the same for every post of a list
        if name != "period":
            raise KeyError(f"a staffing formula chooses by {name!r}, which the Staffing sheet does not hold")
        return self.period

    def series(self, name):
        layout = self.layout
        if self.years is None:
            if name in layout.year_inputs:
                year = layout.option_col_year(self.col)
                return cell("Inputs", layout.year_inputs[name], layout.input_year_col(year), True, True)
            return cell(self.here, self.option.timeline_rows[name], self.col, True, True)
        first, last = self.years
        if name in layout.year_inputs:
            row = layout.year_inputs[name]
            return (f"{cell('Inputs', row, layout.input_year_col(layout.option_col_year(first)), True, True)}:"
                    f"{cell(None, row, layout.input_year_col(layout.option_col_year(last)), True, True)}")
        row = self.option.timeline_rows[name]
        return f"{cell(self.here, row, first, True, True)}:{cell(None, row, last, True, True)}"

    def row(self, name):
        # There are no per-post cells to refer to: the row's own formula, in brackets.
        formula = next(f for f in self.table.group.group.rows if f.key == name)
        return f"({_expression(formula, self.col).render(self)})"

    def total(self, name):
        raise KeyError(f"Total({name}) in a staffing formula")

    def prev(self, name):
        raise KeyError(f"Prev({name}) in a staffing formula")


def _expression(formula: LineFormula, col: int):
    if col == COL_FULL_YEAR and formula.full_year is not None:
        return formula.full_year
    return formula.formula


def period_sum(layout: Layout, option: OptionLayout, table: StaffingTable, formula: LineFormula,
               period: str, col: int) -> str:
    """The formula adding up one line for every post running in `period`, in one column."""
    expression = _expression(formula, col).render(StaffingContext(layout, option, table, col, period=period))
    return f"SUMPRODUCT({table.period_filter(period)}*({expression}))"


def post_formula(layout: Layout, option: OptionLayout, table: StaffingTable, formula: LineFormula,
                 post: int, col: int | None, factor: str | None = None) -> str:
    """One post's line, for the Checks sheet: in one column, or (col None) over the horizon;
    times a timeline factor row (real_factor, pv_factor) where given."""
    if col is not None:
        context = StaffingContext(layout, option, table, col, post=post, elsewhere=True)
        text = _expression(formula, col).render(context)
        return text if factor is None else f"({text})*{context.series(factor)}"
    years = (layout.year_col(0), layout.last_year_col)
    context = StaffingContext(layout, option, table, years[0], post=post, years=years, elsewhere=True)
    text = formula.formula.render(context)
    if factor is not None:
        text = f"({text})*{context.series(factor)}"
    return f"SUMPRODUCT({text})"
