"""Where everything goes in the workbook: one place that knows every cell.

The writer asks the layout for cells; the formulas ask it (through
`CellContext`) for references. Because both ask the same object, a formula
always points at the cell that holds what it names.

Columns on an option sheet: A line, B item, C category, D unit, E total over
the horizon, F a full year once live at price-base prices, then one column a
year. Inputs keeps its values in column D and its rows by year from column J,
starting at the price base year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from xlsxwriter.utility import quote_sheetname, xl_col_to_name

from ..engine.instances import GroupInstances, LineInstance
from ..lines import CATEGORIES, EXIT_KINDS, INPUTS, POST_GROUPS, TIMELINE_ROWS, TOTALLED, YEAR_INPUTS, LineFormula
from ..lines.contracts import index_series
from ..lines.totals import AFFORDABILITY_ROWS, AGAINST_THE_BASELINE, COMPARE_ROWS
from ..engine.projection import OptionResult, Projection

# Option sheets
COL_LINE, COL_ITEM, COL_CATEGORY, COL_UNIT, COL_TOTAL, COL_FULL_YEAR, COL_FIRST_YEAR = range(7)
HEADER_ROW = 4
# Inputs
IN_GROUP, IN_LINE, IN_NAME, IN_VALUE, IN_UNIT, IN_SOURCE, IN_NOTE, IN_SCENARIO_LINE = range(8)
IN_FIRST_YEAR_COL = 9

FIXED_SHEETS = ("Cover", "Summary", "Inputs", "Compare", "Appraisal", "Sensitivity", "Risk", "Checks", "Scenario",
                "Published")

#: The words and units the Inputs sheet shows for each input: those a formula names are declared
#: with their lines (costmodel/lines); the appraisal's own, which no formula of a line names, here.
INPUT_LABELS = {name: (spec.label, spec.unit) for name, spec in INPUTS.items()} | {
    "scale_low": ("Scoring scale: the lowest score", "points"),
    "scale_high": ("Scoring scale: the highest score", "points"),
    "budget": ("Budget envelope: the most cash a year", "£"),
    "weight": ("Weight", "rate"),
    "score": ("Score", "points"),
}

_CHOICE_WORDS = {
    "period": ("Runs", {"after_go_live": "after go-live", "before_go_live": "before go-live",
                        "whole_horizon": "the whole horizon"}),
    "index": ("Grows with", {"general": "the general price index", "pay": "the pay index", "none": "nothing (flat cash)"}),
    "exit_kind": ("Kind of exit or break cost", EXIT_KINDS),
    "treatment": ("Capital or revenue", {"capital": "capital", "revenue": "revenue"}),
}
#: What the Inputs sheet says of a choice, where it is not which timeline row the line's formulas use.
CHOICE_NOTES = {
    "exit_kind": "set in the scenario: what the cost is for",
    "treatment": "set in the scenario: capital is costed in a category of its own; every total counts both",
}

SCENARIO_WIDE = ("horizon_first_year", "price_base_year", "vat_rate", "levy_rate", "levy_allowance")
OPTION_WIDE = ("go_live_year", "go_live_month_offset", "employer_changes", "council_pension_rate", "pension_rate",
               "own_levy_allowance", "irrecoverable_share")
#: A choice as the words on its line's row of Inputs say it.
CHOICE_PHRASES = {"period": "runs {}", "index": "grows with {}", "exit_kind": "for {}", "treatment": "{}"}
#: The choices a line makes that a reader is shown on Inputs (a list counted in months shows its months).
SHOWN_CHOICES = ("period", "index", "exit_kind", "treatment")


def cell(sheet: str | None, row: int, col: int, row_abs: bool = False, col_abs: bool = False) -> str:
    """A reference such as E7, $D$5 or 'in-house'!F12 (a workbook's formulas make tens of thousands)."""
    return _reference(sheet, row, column_name(col), row_abs, col_abs)


def _reference(sheet: str | None, row: int, column: str, row_abs: bool = False, col_abs: bool = False) -> str:
    ref = f"{'$' if col_abs else ''}{column}{'$' if row_abs else ''}{row + 1}"
    return f"{_quoted(sheet)}!{ref}" if sheet else ref


@lru_cache(maxsize=None)
def column_name(col: int) -> str:
    return xl_col_to_name(col)


@lru_cache(maxsize=None)
def _quoted(sheet: str) -> str:
    return quote_sheetname(sheet)


def choice_words(name: str, value: str) -> tuple[str, str]:
    label, words = _CHOICE_WORDS[name]
    return label, words[value]


def sheet_names(projection: Projection, reserved: tuple[str, ...] = ()) -> dict[str, str]:
    """Option id -> a sheet name Excel accepts (31 characters, unique, not a fixed or reserved sheet's)."""
    names: dict[str, str] = {}
    taken = {name.lower() for name in FIXED_SHEETS + tuple(reserved)}
    for result in projection.options:
        base = re.sub(r"[\[\]:*?/\\']", "-", result.option.id)[:28] or "option"
        name, n = base, 2
        while name.lower() in taken:
            name = f"{base[:26]}-{n}"
            n += 1
        taken.add(name.lower())
        names[result.option.id] = name
    return names


@dataclass
class RowSpec:
    """One row on an option sheet: a timeline row, or one instance's row of a line group."""

    row: int
    formula: LineFormula | None
    instance: LineInstance | None = None
    group: GroupInstances | None = None
    values: object = None
    full_year: float | None = None


@dataclass
class OptionLayout:
    result: OptionResult
    sheet: str
    timeline_rows: dict[str, int] = field(default_factory=dict)
    #: Who employs the staff and buys the goods, year by year, in words.
    employer_row: int = 0
    #: (group key, formula key, instance id) -> row
    rows: dict[tuple[str, str, str], int] = field(default_factory=dict)
    #: formula key -> (first row, last row) of the block holding that key's rows, for Total()
    blocks: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    cost_rows: tuple[int, int] = (0, 0)
    #: Every line group's rows, from the first group's heading to the last line's row (empty: none)
    lines_rows: tuple[int, int] = (0, -1)
    last_row: int = 0
    category_rows: dict[str, int] = field(default_factory=dict)
    total_row: int = 0
    real_rows: dict[str, int] = field(default_factory=dict)
    real_total_row: int = 0
    pv_rows: dict[str, int] = field(default_factory=dict)
    pv_total_row: int = 0
    #: The economic case's present value: the block's total with transfers left out.
    economic_total_row: int = 0
    #: Inputs rows of this option's own inputs: option-wide by name, and (instance id, name) -> row
    option_inputs: dict[str, int] = field(default_factory=dict)
    instance_inputs: dict[tuple[str, str], int] = field(default_factory=dict)
    instance_input_rows: dict[tuple[str, str], int] = field(default_factory=dict)


class Layout:
    def __init__(self, projection: Projection):
        self.projection = projection
        self.scenario = projection.scenario
        self.years = projection.years
        base = self.scenario.timeline.price_base
        self.input_years = list(range(min(base, self.years[0]), self.years[-1] + 1))
        self._place_staffing()
        self.names = sheet_names(projection, tuple(self.staffing_sheets))
        self.scenario_inputs: dict[str, int] = {}
        self.year_inputs: dict[str, int] = {}
        self.options: dict[str, OptionLayout] = {}
        self.published_rows: dict[int, int] = {}
        self._place_inputs()
        for result in projection.options:
            self.options[result.option.id] = self._place_option(result)
        self._place_compare()
        self._place_summary()
        self._place_checks()

    # ------------------------------------------------------------------ Compare, Summary, Checks

    def _place_compare(self) -> None:
        """Compare: a block for each of its rows (lines/totals.py), a row an option in each."""
        #: option id -> Compare row name -> row
        self.compare_rows: dict[str, dict[str, int]] = {r.option.id: {} for r in self.projection.options}
        row = HEADER_ROW + 2
        #: The budget envelope's own row, above the rows set against it, where the scenario states one.
        self.envelope_row: int | None = None
        for block in self.compare_blocks:
            if block == next(iter(AFFORDABILITY_ROWS)):
                self.envelope_row = row + 1  # below its heading
                row += 3
            row += 1  # the block's heading
            for result in self.projection.options:
                if block in AGAINST_THE_BASELINE and result.option.baseline:
                    continue
                self.compare_rows[result.option.id][block] = row
                row += 1
            row += 1

    @property
    def compare_blocks(self) -> dict:
        """Compare's blocks: against the baseline, and against the budget envelope where there is one."""
        if self.scenario.assumptions.budget_envelope is None:
            return COMPARE_ROWS
        return {**COMPARE_ROWS, **AFFORDABILITY_ROWS}

    #: Summary: the row of the table's headings, and the cell naming the option with the lowest NPC.
    SUMMARY_HEADINGS = 5
    BEST_OPTION = (3, 1)

    def _place_summary(self) -> None:
        """Summary: a row an option in the table, in rank order; below it, NPC by category (a column an
        option, in the same order), then the charts."""
        options = self.projection.options
        first = self.SUMMARY_HEADINGS + 1
        #: The options as the Summary lists them: by rank (1 = lowest net present cost), as the pack does.
        self.ranked = sorted(options, key=lambda r: (r.totals.measure("rank"), r.option.name))
        #: option id -> its row of the Summary table
        self.summary_rows = {result.option.id: first + i for i, result in enumerate(self.ranked)}
        #: option id -> its column of the table of NPC by category
        self.category_columns = {result.option.id: 1 + i for i, result in enumerate(self.ranked)}
        last = first + len(options) - 1
        self.best_option_cell = cell("Summary", *self.BEST_OPTION, True, True)
        #: NPC by category: the heading row, and the categories any option has, in the order a reader meets them
        self.category_table_row = last + 3
        self.category_table = [c for c in CATEGORIES if any(c in self.options[r.option.id].pv_rows for r in options)]
        self.category_total_row = self.category_table_row + 1 + len(self.category_table)
        self.charts_row = self.category_table_row + len(self.category_table) + 4

    def _place_checks(self) -> None:
        """Checks: the published figures, their count agreeing, the model's checks, the master check, the review."""
        #: The headings of the published figures; the first figure's row
        self.checks_headings = 4
        row = self.checks_headings + 1
        self.check_rows = {index: row + index for index in range(len(self.scenario.published_figures))}
        row += len(self.check_rows)
        # The count of figures that agree, and of figures: cells the Cover shows.
        self.published_summary = (f"Checks!{cell(None, row + 1, 1, True, True)}",
                                  f"Checks!{cell(None, row + 1, 3, True, True)}") if self.check_rows else None
        row += 3 if self.check_rows else 2
        self.model_checks_row = row  # the section's heading; its column headings below it
        row += 2
        #: option id -> the first of its rows of model checks, and how many: six, or five for an
        #: option with no cost lines, which has no lines to add up
        self.model_check_rows: dict[str, tuple[int, int]] = {}
        for result in self.projection.options:
            first, last = self.options[result.option.id].cost_rows
            count = 6 if last >= first else 5
            self.model_check_rows[result.option.id] = (row, count)
            row += count
        self.master_check_row = row + 1
        self.master_check = f"Checks!{cell(None, self.master_check_row, 1, True, True)}"
        self.review_row = row + 4

    # ------------------------------------------------------------------ columns

    def year_col(self, t: int) -> int:
        """Option sheet column of year t (0 = first year)."""
        return COL_FIRST_YEAR + t

    @property
    def last_year_col(self) -> int:
        return self.year_col(len(self.years) - 1)

    def input_year_col(self, year: int) -> int:
        return IN_FIRST_YEAR_COL + (year - self.input_years[0])

    def option_col_year(self, col: int) -> int:
        """The financial year an option sheet column stands for (the full-year column: price base)."""
        if col == COL_FULL_YEAR:
            return self.scenario.timeline.price_base
        return self.years[col - COL_FIRST_YEAR]

    def scenario_input_ref(self, name: str) -> str:
        return cell("Inputs", self.scenario_inputs[name], IN_VALUE, True, True)

    # ------------------------------------------------------------------ Staffing sheets

    def _place_staffing(self) -> None:
        """Tables of posts for options with more than STAFFING_SHEET_FROM: a sheet per staffing list."""
        #: id of a post group (shared by options employing the same posts) -> its table
        self.staffing_tables: dict[int, StaffingTable] = {}
        #: sheet name -> its tables, in order
        self.staffing_sheets: dict[str, list[StaffingTable]] = {}
        sheet_of_list: dict[int, str] = {}
        for result in self.projection.options:
            if not uses_staffing_sheet(len(result.option.staffing)):
                continue
            for group in result.groups:
                if group.group.key not in POST_GROUPS:
                    continue
                # Options employing the same posts (staffing_same_as) share the list's one table.
                table = self.staffing_tables.get(id(group.instances))
                if table is None:
                    listing = id(result.option.staffing)
                    if listing not in sheet_of_list:
                        number = len(sheet_of_list) + 1
                        sheet_of_list[listing] = "Staffing" if number == 1 else f"Staffing {number}"
                        self.staffing_sheets[sheet_of_list[listing]] = []
                    sheet = sheet_of_list[listing]
                    tables = self.staffing_sheets[sheet]
                    heading = tables[-1].last_row + 3 if tables else 6
                    first = heading + 2  # the table's heading, then its column headings
                    table = StaffingTable(group, sheet, heading, first, first + len(group.instances) - 1)
                    names = sorted(group.instances[0].inputs, key=lambda name: (
                        STAFFING_COLUMNS.index(name) if name in STAFFING_COLUMNS else len(STAFFING_COLUMNS), name))
                    for offset, name in enumerate(names):
                        table.columns[name] = ST_FIRST_INPUT + offset
                    tables.append(table)
                    self.staffing_tables[id(group.instances)] = table
                table.options.append(result.option.name)

    def staffing_table(self, group: GroupInstances):
        """The Staffing sheet table of a group's posts, as the option employing them sees it (or None)."""
        table = self.staffing_tables.get(id(group.instances))
        return None if table is None else table.seen_by(group)

    # ------------------------------------------------------------------ Inputs rows

    def _place_inputs(self) -> None:
        row = 5  # below the title, the key and the column headings
        row += 1  # section heading: the timeline and shared assumptions
        for name in SCENARIO_WIDE:
            self.scenario_inputs[name] = row
            row += 1
        row += 2  # gap; section heading: assumptions by year (with its own year headings)
        for name in YEAR_INPUTS:
            self.year_inputs[name] = row
            row += 1
        # The scenario's named indices, which contracts' uplift clauses follow, below the assumptions by year.
        for name in self.scenario.assumptions.indices:
            self.year_inputs[index_series(name)] = row
            row += 1
        if self.scenario.assumptions.budget_envelope is not None:
            self.year_inputs["budget_envelope"] = row
            row += 1
        self.options_start_row = row + 1
        row = self.options_start_row
        self._option_input_rows = {}
        for result in self.projection.options:
            self._option_input_rows[result.option.id], row = self._place_option_inputs(result, row)
        row += 1
        self.published_start_row = row
        for index, _ in enumerate(self.scenario.published_figures):
            row += 1
            self.published_rows[index] = row
        #: Appraisal inputs on Inputs: ("scale", "low"|"high"), ("budget", gateway),
        #: ("weight", criterion), ("score", long-list id, criterion) -> row
        self.appraisal_rows: dict[tuple, int] = {}
        appraisal = self.scenario.appraisal
        if appraisal is not None:
            row += 2  # a gap, then the section's heading
            self.appraisal_start_row = row
            keys = [("scale", "low"), ("scale", "high")]
            keys += [("budget", gateway.id) for gateway in appraisal.gateways if gateway.budget is not None]
            keys += [("weight", criterion.id) for criterion in appraisal.criteria]
            keys += [("score", entry.id, criterion.id) for entry in appraisal.long_list
                     for criterion in appraisal.criteria if criterion.id in entry.scores]
            for key in keys:
                row += 1
                self.appraisal_rows[key] = row
        self.inputs_last_row = row

    def _place_option_inputs(self, result: OptionResult, row: int):
        """Rows on Inputs for one option: its option-wide inputs, then each line's, in sheet order."""
        inputs: dict[str, int] = {}
        instance_inputs: dict[tuple[str, str], int] = {}
        instance_rows: dict[tuple[str, str], int] = {}
        row += 1  # option heading
        for name in OPTION_WIDE:
            inputs[name] = row
            row += 1
        for group in result.groups:
            if self.staffing_table(group) is not None:
                continue  # its posts' inputs are on the Staffing sheet
            for instance in group.instances:
                if not instance.own_inputs and not instance.own_input_rows:
                    continue
                # The line's heading, then what it runs in and grows with.
                row += 1 + sum(name in instance.choices for name in SHOWN_CHOICES)
                for name in instance.own_inputs:
                    instance_inputs[(instance.id, name)] = row
                    row += 1
                for name in instance.own_input_rows:
                    instance_rows[(instance.id, name)] = row
                    row += 1
        return (inputs, instance_inputs, instance_rows), row + 1

    # ------------------------------------------------------------------ option sheet rows

    def _place_option(self, result: OptionResult) -> OptionLayout:
        option_id = result.option.id
        layout = OptionLayout(result, self.names[option_id])
        layout.option_inputs, layout.instance_inputs, layout.instance_input_rows = self._option_input_rows[option_id]
        row = HEADER_ROW + 1
        layout.timeline_rows["year"] = row
        row += 1
        for formula in TIMELINE_ROWS:
            layout.timeline_rows[formula.key] = row
            row += 1
        layout.employer_row = row
        row += 2
        first_cost_row = None
        for group in result.groups:
            row += 1  # group heading
            table = self.staffing_table(group)
            for formula in group.group.rows:
                if table is not None and formula.category is None and formula.key not in TOTALLED:
                    # A working row (the share of the year in post) is written into each line's formula;
                    # one that a later line adds up over the option (Total) keeps rows of its own.
                    continue
                row += 1  # block heading
                start = row
                # On the Staffing sheet: one row for the posts running in each period; else one row a post.
                members = [f"period:{period}" for period in table.periods] if table is not None else \
                    [instance.id for instance in group.instances]
                for member in members:
                    layout.rows[(group.group.key, formula.key, member)] = row
                    if formula.category is not None and first_cost_row is None:
                        first_cost_row = row
                    row += 1
                layout.blocks[(group.group.key, formula.key)] = (start, row - 1)
        layout.cost_rows = (first_cost_row if first_cost_row is not None else row, row - 1)
        layout.lines_rows = (layout.employer_row + 2, row - 1)
        present = [c for c in CATEGORIES
                   if any(formula.category == c for group in result.results for formula in group.cost_formulas)]
        for block, target, total in (("cash", layout.category_rows, "total_row"),
                                     ("real", layout.real_rows, "real_total_row"),
                                     ("pv", layout.pv_rows, "pv_total_row")):
            row += 2  # gap and block heading
            for category in present:
                target[category] = row
                row += 1
            setattr(layout, total, row)
            row += 1
        layout.economic_total_row = row
        row += 1
        layout.last_row = row
        return layout



class CellContext:
    """Resolves the names in a formula to cells, for one instance in one column of an option sheet."""

    def __init__(self, layout: Layout, option: OptionLayout, col: int, group: GroupInstances | None = None,
                 instance: LineInstance | None = None):
        self.layout, self.option, self.col = layout, option, col
        self.group_instances, self.instance = group, instance
        self.group = group.group.key if group is not None else None

    # The three columns a formula in column `col` refers to, as letters.
    def _this_column(self) -> str:
        return column_name(self.col)

    def _previous_column(self) -> str:
        return column_name(self.col - 1)

    def _inputs_year_column(self) -> str:
        """The Inputs sheet's column for this column's year."""
        return column_name(self.layout.input_year_col(self.layout.option_col_year(self.col)))

    def input(self, name):
        layout, option = self.layout, self.option
        if name in layout.scenario_inputs:
            return cell("Inputs", layout.scenario_inputs[name], IN_VALUE, True, True)
        if name in option.option_inputs:
            return cell("Inputs", option.option_inputs[name], IN_VALUE, True, True)
        return cell("Inputs", option.instance_inputs[self.instance.inputs_of.get(name, (self.instance.id, name))],
                    IN_VALUE, True, True)

    def input_row(self, name):
        row = self.option.instance_input_rows[self.instance.inputs_of.get(name, (self.instance.id, name))]
        return _reference("Inputs", row, self._inputs_year_column(), True, False)

    def choice(self, name):
        return self.group_instances.choice_of(self.instance, name)

    def series(self, name):
        if name in self.layout.year_inputs:
            return _reference("Inputs", self.layout.year_inputs[name], self._inputs_year_column(), True, False)
        return _reference(None, self.option.timeline_rows[name], self._this_column(), True, False)

    def row(self, name):
        return _reference(None, self.option.rows[(self.group, name, self.instance.id)], self._this_column())

    def total(self, name):
        column = self._this_column()
        ranges = [f"{_reference(None, first, column)}:{_reference(None, last, column)}"
                  for (group, key), (first, last) in self.option.blocks.items() if key == name]
        return f"SUM({','.join(ranges)})" if ranges else "0"

    def group_costs(self, node):
        """The body's share of those groups' cost rows: SUM(rows in full)+SUM(rows all year)*share live."""
        column = self._this_column()
        categories = {(group.group.key, formula.key): formula.category for group in self.option.result.groups
                      for formula in group.group.rows}
        instances = {(group.group.key, instance.id): (group, instance) for group in self.option.result.groups
                     for instance in group.instances}
        counted: dict[str, list[int]] = {"full": [], "live": []}
        for (group_key, key, member), row in self.option.rows.items():
            if group_key not in node.groups or categories[(group_key, key)] is None:
                continue
            if member.startswith("period:"):  # the posts of one period, on a Staffing sheet
                period = member[len("period:"):]
            else:
                group, instance = instances[(group_key, member)]
                period = group.choice_of(instance, "period") if group.period is not None \
                    or "period" in instance.choices else "whole_horizon"
            weight = node.weight(categories[(group_key, key)], period)
            if weight != "none":
                counted[weight].append(row)
        parts = []
        for weight, rows in counted.items():
            if rows:
                total = self._sum_of_rows(sorted(rows), column)
                parts.append(total if weight == "full" else f"{total}*{self.series('live')}")
        return "+".join(parts) if parts else "0"

    @staticmethod
    def _sum_of_rows(rows: list[int], column: str) -> str:
        """SUM of each run of adjacent rows."""
        runs, start = [], rows[0]
        for before, after in zip(rows, rows[1:] + [None]):
            if after != before + 1:
                runs.append(_reference(None, start, column) if start == before else
                            f"{_reference(None, start, column)}:{_reference(None, before, column)}")
                start = after
        return f"SUM({','.join(runs)})"

    def prev(self, name):
        return _reference(None, self.option.timeline_rows[name], self._previous_column())

    def before(self, name):
        # In the first year's column, the column before is the full-year one, which holds the row's opening value.
        return _reference(None, self.option.rows[(self.group, name, self.instance.id)], self._previous_column())

    def chosen_series(self, name):
        chosen = self.choice(name)
        return "0" if chosen == "none" else self.series(chosen)


class YearsContext(CellContext):
    """A formula rendered once for every year column of its row, its column letters left as markers.

    A row has the same formula across its years but for its column letters, so its tree is walked
    once, not once a year; `in_column` then puts each column's letters in. The text is the same as
    a `CellContext` for that column renders (tested on every row of the shipped scenarios).
    """

    # Control characters: no reference, function or operator contains one.
    THIS, PREVIOUS, INPUTS_YEAR = "\x01", "\x02", "\x03"

    def __init__(self, layout: Layout, option: OptionLayout, group: GroupInstances | None = None,
                 instance: LineInstance | None = None):
        super().__init__(layout, option, -1, group, instance)

    def _this_column(self) -> str:
        return self.THIS

    def _previous_column(self) -> str:
        return self.PREVIOUS

    def _inputs_year_column(self) -> str:
        return self.INPUTS_YEAR

    def in_column(self, text: str, col: int) -> str:
        """The formula `text` (rendered in this context) as it reads in year column `col`."""
        text = text.replace(self.THIS, column_name(col))
        if self.PREVIOUS in text:
            text = text.replace(self.PREVIOUS, column_name(col - 1))
        if self.INPUTS_YEAR in text:
            text = text.replace(self.INPUTS_YEAR,
                                column_name(self.layout.input_year_col(self.layout.option_col_year(col))))
        return text


# --------------------------------------------------------------------------- Staffing sheets

#: An option's posts go on a Staffing sheet when it has more than this many.
STAFFING_SHEET_FROM = 100

#: Staffing sheet columns: the post, when it runs, its inputs (in the order the group has them),
#: then where it comes from.
ST_ID, ST_TITLE, ST_PERIOD, ST_FIRST_INPUT = range(4)

PERIODS = ("after_go_live", "before_go_live", "whole_horizon")

#: The order a reader looks for a post's inputs in: what it is, then when it runs.
STAFFING_COLUMNS = ("count", "fte", "salary", "pay_drift", "pay_step", "salary_max", "vacancy", "agency_share",
                    "agency_premium", "on_costs", "on_cost_rate", "first_year", "first_month_offset", "last_year",
                    "last_month_count")


@dataclass
class StaffingTable:
    """One staffing group's posts on a Staffing sheet: rows first_row to last_row."""

    group: GroupInstances
    sheet: str
    heading_row: int
    first_row: int
    last_row: int
    #: Input name -> column.
    columns: dict[str, int] = field(default_factory=dict)
    #: Option names whose posts these are.
    options: list[str] = field(default_factory=list)

    def seen_by(self, group: GroupInstances) -> "StaffingTable":
        """This table as `group` uses it: the same cells, the periods the posts run in for that option."""
        return self if group is self.group else replace(self, group=group)

    @property
    def periods(self) -> list[str]:
        """The periods the posts run in, in a fixed order."""
        present = set(self.group.chosen("period"))
        return [period for period in PERIODS if period in present]

    @property
    def source_col(self) -> int:
        return ST_FIRST_INPUT + len(self.columns)

    def column_range(self, col: int) -> str:
        return f"{cell(self.sheet, self.first_row, col, True, True)}:{cell(None, self.last_row, col, True, True)}"

    def period_filter(self, period: str) -> str:
        if self.group.period is not None:
            # Another option's posts, every one running in this option's period: a 1 for each row.
            return f'({self.column_range(ST_ID)}<>"")'
        return f'({self.column_range(ST_PERIOD)}="{choice_words("period", period)[1]}")'


def uses_staffing_sheet(option_posts: int) -> bool:
    return option_posts > STAFFING_SHEET_FROM


# --------------------------------------------------------------------------- where each input is

@dataclass(frozen=True)
class InputCell:
    """One cell a reader may type a figure into, and what in the scenario it holds."""

    sheet: str
    #: The cell, as A1 ("D80").
    ref: str
    #: The input's name as the formulas know it (`salary`), or the series of a row by year
    #: (`pay_award`, `index:<name>`, `budget_envelope`, an instance's own row).
    name: str
    #: Words for a reader: the option and line the figure belongs to.
    label: str
    #: The scenario's figure it shows (its path says where it is written), if it is one figure.
    figure: object | None = None
    #: For a row by year: the financial year of this cell.
    year: int | None = None
    #: The unit the Inputs sheet shows it in ("£", "rate", ...).
    unit: str = ""


def input_cells(layout: Layout) -> list[InputCell]:
    """Every cell the writer puts a figure of the scenario in (Inputs, Staffing), in sheet order: what
    `costmodel import` reads back, each with the figure or series it came from."""
    cells: list[InputCell] = []
    tables_seen: set[tuple[str, int]] = set()
    shared = layout.projection.options[0].inputs
    for name, row in layout.scenario_inputs.items():
        cells.append(InputCell("Inputs", cell(None, row, IN_VALUE), name, INPUT_LABELS[name][0], shared.get(name)))
    for name, row in layout.year_inputs.items():
        words = YEAR_INPUTS[name][0] if name in YEAR_INPUTS else f"index {name.split(':', 1)[-1]}" \
            if name.startswith("index:") else "budget envelope (cash)"
        for year in layout.input_years:
            cells.append(InputCell("Inputs", cell(None, row, layout.input_year_col(year)), name, words, None, year))
    for result in layout.projection.options:
        option = layout.options[result.option.id]
        where = result.option.name
        for name, row in option.option_inputs.items():
            cells.append(InputCell("Inputs", cell(None, row, IN_VALUE), name, f"{where}: {INPUT_LABELS[name][0]}",
                                   result.inputs.get(name)))
        for group in result.groups:
            table = layout.staffing_table(group)
            if table is not None and (table.sheet, table.first_row) in tables_seen:
                continue  # another option's posts (staffing_same_as), listed under the option that owns them
            for offset, instance in enumerate(group.instances):
                if table is not None:
                    for name, col in table.columns.items():
                        cells.append(InputCell(table.sheet, cell(None, table.first_row + offset, col), name,
                                               f"{where}: {instance.label}: {INPUT_LABELS[name][0]}",
                                               instance.inputs.get(name)))
                    tables_seen.add((table.sheet, table.first_row))
                    continue
                for name in instance.own_inputs:
                    row = option.instance_inputs[(instance.id, name)]
                    cells.append(InputCell("Inputs", cell(None, row, IN_VALUE), name,
                                           f"{where}: {instance.label}: {INPUT_LABELS[name][0]}",
                                           instance.inputs[name]))
                for name in instance.own_input_rows:
                    row = option.instance_input_rows[(instance.id, name)]
                    for year in layout.input_years:
                        cells.append(InputCell("Inputs", cell(None, row, layout.input_year_col(year)), name,
                                               f"{where}: {instance.label}: {INPUT_LABELS[name][0]}", None, year))
    for index, row in layout.published_rows.items():
        check = layout.scenario.published_figures[index]
        cells.append(InputCell("Inputs", cell(None, row, IN_VALUE), "published_figure",
                               f"published figure: {check.name}", check.amount))
    appraisal = layout.scenario.appraisal
    if appraisal is not None:
        criteria = {criterion.id: criterion for criterion in appraisal.criteria}
        gateways = {gateway.id: gateway for gateway in appraisal.gateways}
        entries = {entry.id: entry for entry in appraisal.long_list}
        for key, row in layout.appraisal_rows.items():
            if key[0] == "scale":
                figure, words = getattr(appraisal.scale, key[1]), f"scoring scale, the {key[1]}est score"
            elif key[0] == "budget":
                figure, words = gateways[key[1]].budget, f"gateway {gateways[key[1]].name}: budget"
            elif key[0] == "weight":
                figure, words = criteria[key[1]].weight, f"criterion {criteria[key[1]].name}: weight"
            else:
                figure = entries[key[1]].scores[key[2]].score
                words = f"{entries[key[1]].name}: score on {criteria[key[2]].name}"
            cells.append(InputCell("Inputs", cell(None, row, IN_VALUE), key[0], words, figure))
    units = {name: unit for name, (_, unit) in INPUT_LABELS.items()} | {
        name: unit for name, (_, unit) in YEAR_INPUTS.items()} | {"published_figure": "£", "budget_envelope": "£"}
    return [replace(where, unit="rate" if where.name.startswith("index:") else units.get(where.name, ""))
            for where in cells]
