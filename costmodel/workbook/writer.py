"""Projection -> a comparison workbook a councillor can follow, formula by formula.

Every calculated cell is a live formula rendered from the same line definitions
the engine evaluates, and stores the engine's value beside it, so the file reads
right in Protected View and in previewers, and recalculates to the same figures.
Text from the scenario is always written as text, never as a formula.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import numpy as np

from .. import __version__
from ..engine.totals import RowValues
from ..lines import CATEGORIES, TIMELINE_ROWS
from ..lines.categories import TRANSFERS
from ..lines.contracts import index_series
from ..lines.totals import AFFORDABILITY, BLOCK_TOTALS, CATEGORY_ROWS, OVER_THE_HORIZON, PUBLISHED, SUMMARY
from ..engine.projection import Projection
from ..engine.timeline import discount_rates, ni_tables, rate_for_year, yearly
from ..scenario.defaults import DISCOUNT_WORDS
from ..scenario.parameters import CORPORATION_TAX
from ..scenario.schema import EMPLOYER_WORDS
from ..scenario.units import financial_year_label, month_label
from .layout import (
    CHOICE_NOTES,
    CHOICE_PHRASES,
    COL_CATEGORY,
    COL_FIRST_YEAR,
    COL_FULL_YEAR,
    COL_ITEM,
    COL_LINE,
    COL_TOTAL,
    COL_UNIT,
    HEADER_ROW,
    IN_GROUP,
    IN_LINE,
    IN_NAME,
    IN_NOTE,
    IN_SCENARIO_LINE,
    IN_SOURCE,
    IN_UNIT,
    IN_VALUE,
    INPUT_LABELS,
    OPTION_WIDE,
    SCENARIO_WIDE,
    SHOWN_CHOICES,
    YEAR_INPUTS,
    CellContext,
    Layout,
    OptionLayout,
    YearsContext,
    cell,
    choice_words,
)
from .book import CHART_TEXT, Book, area_style, chart_fonts, footer_of, line_style, write_formula, write_text
from .styles import MONEY, Styles
from .totals import CheckTotals, CompareTotals, OptionSheetTotals, OptionSheetYearsTotals, SummaryTotals
from .validation import InputCell, make_safe

#: The Cover's label of the parameter set the workbook was priced with, which `verify` reads back.
PARAMETER_SET = "Parameter set"
#: The heading of the run record on the Cover, written with --manifest.
RUN_RECORD = "Run record"

#: The Summary's charts, a page each: their size in pixels, and the rows each is given.
CHART_SIZE = {"width": 1000, "height": 560}
CHART_ROWS = 40

SHEET_PURPOSES = [
    ("Cover", "What this workbook is, how to read it, the master check, and how to re-run it."),
    ("Summary", "The answer: each option's cash total, net present cost, equivalent annual cost, difference "
                "from the baseline, break-even year and rank; cost by category; charts."),
    ("Inputs", "Every input and assumption with its value, unit, source and note (the assumptions log). "
               "Input cells are shaded yellow with blue figures."),
    ("(one sheet per option)", "The calculation: one column a year, one row per cost line, the same formula "
                               "across each row, referring to Inputs; totals by category in cash, real terms "
                               "and present value."),
    ("Compare", "Year by year, each option against the baseline: annual and cumulative cost, and break-even."),
    ("Appraisal", "Where the scenario states one: the long list with each gateway's result and why options dropped "
                  "out, the scoring matrix (weights and scores from Inputs, live weighted totals), the ranking by "
                  "score beside the ranking by net present cost, a value-for-money chart, and how far each weight "
                  "would have to move to change the preferred option."),
    ("Sensitivity, Risk", "Where the scenario gives ranges: what moves the answer, the switching values in "
                          "words, and a Monte Carlo simulation (results, not formulas)."),
    ("Checks", "Every published figure against the arithmetic, and the model's own checks, with a master check."),
    ("Scenario", "The scenario file itself, so this workbook alone is enough to re-run it."),
]


#: How the source of a figure nobody stated begins: a default, or an input the line's formula does not use.
UNSTATED = ("default", "not used")


class WorkbookWriter:
    """Lays out a Report (costmodel/report.py) as the comparison workbook; works nothing out."""

    def __init__(self, report, published: dict | None = None):
        self.report = report
        #: Each input's value as published, where this workbook re-prices a publication's changed inputs.
        self.published = published
        self.projection = projection = report.projection
        self.warnings = report.warnings
        self.run_record = report.run_record
        self.appraised = report.appraised
        self.scenario = projection.scenario
        self.layout = Layout(projection)
        # The file's name, not the path it was run from, so the workbook is the same wherever it is built.
        scenario_file = Path(self.scenario.source_path).name if self.scenario.source_path else "scenario.yaml"
        self.rerun = report.rerun_command or f"costmodel run {scenario_file}"
        self.scenario_file = scenario_file
        # Where everything is, known before anything is written, so the sheets can be written in any order.
        layout = self.layout
        self.summary_rows, self.compare_rows = layout.summary_rows, layout.compare_rows
        self.master_check, self.published_summary = layout.master_check, layout.published_summary

    def build(self) -> bytes:
        """The workbook: the Sensitivity and Risk sheets where any figure has a range."""
        # A fixed creation date (the scenario's) makes the same scenario give the same bytes.
        book = Book(created=_dt.datetime.combine(self.scenario.metadata.date, _dt.time(0, 0)),
                    title=self.scenario.metadata.title, author=self.scenario.metadata.author,
                    company=self.scenario.metadata.authority)
        workbook = book.workbook
        workbook.set_calc_mode("auto")
        self.workbook = workbook
        self.styles = Styles(workbook)
        sheets = {name: workbook.add_worksheet(name) for name in ("Cover", "Summary", "Inputs")}
        staffing_sheets = {name: workbook.add_worksheet(name) for name in self.layout.staffing_sheets}
        option_sheets = {oid: workbook.add_worksheet(ol.sheet) for oid, ol in self.layout.options.items()}
        sheets["Compare"] = workbook.add_worksheet("Compare")
        appraised = self.appraised
        if appraised is not None:
            sheets["Appraisal"] = workbook.add_worksheet("Appraisal")
        uncertain = {name: workbook.add_worksheet(name) for name in ("Sensitivity", "Risk")} \
            if self.report.uncertain else {}
        for name in ("Checks", "Scenario"):
            sheets[name] = workbook.add_worksheet(name)
        self._inputs(sheets["Inputs"])
        for name, sheet in staffing_sheets.items():
            self._staffing_sheet(sheet, self.layout.staffing_sheets[name])
        for option_id, sheet in option_sheets.items():
            self._option_sheet(sheet, self.layout.options[option_id])
        self._compare(sheets["Compare"])
        if appraised is not None:
            from .appraisal_sheet import appraisal_sheet

            appraisal_sheet(self, sheets["Appraisal"], appraised)
        self._summary(sheets["Summary"])
        self._checks(sheets["Checks"])
        self._scenario_text(sheets["Scenario"])
        self._cover(sheets["Cover"])
        if uncertain:
            from .uncertainty_sheets import risk_sheet, sensitivity_sheet

            sensitivity_sheet(workbook, self.styles, self.report.sensitivity, sheet=uncertain["Sensitivity"])
            risk_sheet(workbook, self.styles, self.report.simulation, sheet=uncertain["Risk"])
        #: Every input, where it is and what it is (validation.py), once the sheets are protected.
        self.input_cells = make_safe(workbook, self.styles, sheets["Cover"], *self.cover_flag, published=self.published)
        sheets["Cover"].activate()
        #: The closed workbook, for what it wrote as well as its bytes (Book.cells_as_read).
        self.book = book
        return book.close(a4=True, footer=footer_of(self.scenario.metadata.id))

    # ------------------------------------------------------------------ helpers

    def formula(self, sheet, row, col, text, value, fmt):
        write_formula(sheet, row, col, text, value, fmt)

    def _year_headers(self, sheet, row, first_col, years, fmt):
        for i, year in enumerate(years):
            sheet.write_string(row, first_col + i, financial_year_label(year), fmt)

    # ------------------------------------------------------------------ Inputs

    def _inputs(self, sheet) -> None:
        s, layout, scenario = self.styles, self.layout, self.scenario
        #: Rows of defaults nobody stated, and of the choices a line's formulas follow, grouped and hidden.
        self.inputs_to_collapse: set[int] = set()
        # Column A names each row's option, for sorting and filtering; on paper the option's heading says
        # it, so the printed sheet starts at column B, and so do its headings.
        sheet.write_string(0, IN_LINE, "Inputs and assumptions", s.title)
        sheet.merge_range(1, IN_LINE, 1, IN_SCENARIO_LINE, "", s.subtitle_wrap)
        sheet.write_string(1, IN_LINE, "Every number the calculation uses, with its unit, source and note. "
                                       "The scenario line says where it is written in the scenario file. On paper, "
                                       "the assumptions log: values by year are in columns J on, and the indices "
                                       "they give print on each option sheet.", s.subtitle_wrap)
        sheet.write_string(2, IN_LINE, "Key:", s.bold)
        sheet.write_string(2, IN_NAME, "an input (typed in, from the scenario)", s.input_key)
        sheet.write_string(2, IN_SOURCE, "a calculation (a formula)", s.text)
        sheet.write_string(2, IN_NOTE, "a default, or derived from the scenario", s.fixed_text)
        headings = ["Option", "Line", "Input", "Value", "Unit", "Source", "Note", "Scenario line"]
        for col, text in enumerate(headings):
            sheet.write_string(4, col, text, s.heading_right if col == IN_VALUE else s.heading)
        self._year_headers(sheet, 4, layout.input_year_col(layout.input_years[0]), layout.input_years,
                           s.heading_right)
        sheet.freeze_panes(5, 3)
        sheet.repeat_rows(4)
        sheet.repeat_columns(IN_LINE, IN_NAME)
        sheet.set_column(IN_GROUP, IN_GROUP, 22)
        # The widths add up to a page across at the scale that keeps 11 pt text at 8 pt; the note, the
        # longest text, has the most of them, so that its rows are not many lines tall.
        sheet.set_column(IN_LINE, IN_LINE, 22)
        sheet.set_column(IN_NAME, IN_NAME, 26)
        sheet.set_column(IN_VALUE, IN_VALUE, 12)
        sheet.set_column(IN_UNIT, IN_UNIT, 7)
        sheet.set_column(IN_SOURCE, IN_SOURCE, 20, s.wrap)
        sheet.set_column(IN_NOTE, IN_NOTE, 30, s.wrap)
        sheet.set_column(IN_SCENARIO_LINE, IN_SCENARIO_LINE, 8)
        sheet.set_column(IN_SCENARIO_LINE + 1, IN_SCENARIO_LINE + 1, 9)
        sheet.set_column(layout.input_year_col(layout.input_years[0]), layout.input_year_col(layout.input_years[-1]), 10)

        timeline = scenario.timeline
        shared = self.projection.options[0].inputs
        first_row = layout.scenario_inputs[SCENARIO_WIDE[0]]
        sheet.write_string(first_row - 1, IN_LINE, "Timeline and shared assumptions", s.section)
        figures = {
            "horizon_first_year": (timeline.first_year, f"{financial_year_label(timeline.first_year)}; "
                                   f"{timeline.years} years to {financial_year_label(self.projection.years[-1])}", None),
            "price_base_year": (timeline.price_base, financial_year_label(timeline.price_base), None),
            "vat_rate": (shared["vat_rate"].value, shared["vat_rate"].note, shared["vat_rate"]),
            "levy_rate": (shared["levy_rate"].value, shared["levy_rate"].note, shared["levy_rate"]),
            "levy_allowance": (shared["levy_allowance"].value, shared["levy_allowance"].note,
                               shared["levy_allowance"]),
        }
        for name in SCENARIO_WIDE:
            value, note, figure = figures[name]
            self._input_row(sheet, layout.scenario_inputs[name], "All options", "", name, value, figure, note=note)

        first = layout.year_inputs[next(iter(YEAR_INPUTS))]
        sheet.write_string(first - 1, IN_LINE, "Assumptions by year", s.section)
        assumptions = scenario.assumptions
        ni_rate, ni_threshold = ni_tables(scenario)
        years = layout.input_years
        by_year = {
            "general_inflation": (yearly(assumptions.general_inflation, years), assumptions.general_inflation),
            "pay_award": (yearly(assumptions.pay_awards, years), assumptions.pay_awards),
            "ni_rate": (np.array([rate_for_year(ni_rate, y) for y in years]), assumptions.employer_ni),
            "ni_threshold": (np.array([rate_for_year(ni_threshold, y) for y in years]), assumptions.employer_ni),
            "discount_rate": (discount_rates(scenario, np.array(years) - timeline.first_year),
                              assumptions.discounting),
        }
        # Years the scenario states (yellow); None: every year follows from what it states.
        stated_years = {
            "general_inflation": None, "pay_award": None,
            "ni_rate": set(assumptions.employer_ni.rates), "ni_threshold": set(assumptions.employer_ni.thresholds),
            "discount_rate": None if assumptions.discounting.schedule == "custom" else set(),
        }
        priced_with = scenario.priced_with
        schedule = priced_with.set.discount_schedules.get(assumptions.discounting.schedule)
        default_sources = {"ni_rate": priced_with.source_of("employer_ni"),
                           "ni_threshold": priced_with.source_of("employer_ni"),
                           "discount_rate": schedule.source if schedule is not None else None}
        # The figures each row by year is read from, where the scenario states them, for their lines and paths.
        stated_figures = {"general_inflation": assumptions.general_inflation.value,
                          "pay_award": assumptions.pay_awards.value, "ni_rate": assumptions.employer_ni.rates,
                          "ni_threshold": assumptions.employer_ni.thresholds}
        for name, (label, unit) in YEAR_INPUTS.items():
            row = layout.year_inputs[name]
            values, section = by_year[name]
            sheet.write_string(row, IN_GROUP, "All options", s.text)
            sheet.write_string(row, IN_NAME, label, s.text)
            sheet.write_string(row, IN_UNIT, unit, s.text)
            source = getattr(section, "source", None) or default_sources.get(name) or ""
            write_text(sheet, row, IN_SOURCE, source, s.wrap)
            write_text(sheet, row, IN_NOTE, getattr(section, "note", None) or "", s.wrap)
            stated = stated_years[name]
            for year, value in zip(years, values):
                kind = "input" if stated is None or year in stated else "fixed"
                sheet.write_number(row, layout.input_year_col(year), float(value), s.number(unit, kind))
                self._describe(sheet, row, layout.input_year_col(year), name, unit, label, source,
                               getattr(section, "note", None), year=year,
                               figure=_stated_for(stated_figures.get(name), year))

        for name, index in assumptions.indices.items():
            # A named index a contract's uplift follows: its rates by year, stated (yellow) or carried forward.
            row = layout.year_inputs[index_series(name)]
            sheet.write_string(row, IN_GROUP, "All options", s.text)
            write_text(sheet, row, IN_LINE, f"Index: {name}", s.text)
            write_text(sheet, row, IN_NAME, f"{index.name}: rate a year" if index.name else "Index rate a year", s.text)
            sheet.write_string(row, IN_UNIT, "rate", s.text)
            write_text(sheet, row, IN_SOURCE, index.source or "", s.wrap)
            write_text(sheet, row, IN_NOTE, index.note or "", s.wrap)
            stated = set(index.value) if isinstance(index.value, dict) else None
            for year, value in zip(years, yearly(index, years)):
                kind = "input" if stated is None or year in stated else "fixed"
                sheet.write_number(row, layout.input_year_col(year), float(value), s.number("rate", kind))
                self._describe(sheet, row, layout.input_year_col(year), index_series(name), "rate",
                               f"Index {name}: rate a year", index.source, index.note, year=year,
                               figure=_stated_for(index.value, year))

        if assumptions.budget_envelope is not None:
            self._envelope_inputs(sheet, assumptions.budget_envelope)

        for option_id, option_layout in layout.options.items():
            self._option_inputs(sheet, option_layout)

        if scenario.published_figures:
            sheet.write_string(layout.published_start_row, IN_LINE, "Published figures to check (see Checks)",
                               s.section)
            for index, check in enumerate(scenario.published_figures):
                row = layout.published_rows[index]
                sheet.write_string(row, IN_GROUP, "Published figure", s.text)
                write_text(sheet, row, IN_LINE, check.name, s.text)
                sheet.write_string(row, IN_NAME, "Figure as published", s.text)
                sheet.write_number(row, IN_VALUE, check.amount.value, s.number("£", "input"))
                self._describe(sheet, row, IN_VALUE, "published_figure", "£", f"Published: {check.name}",
                               check.source, check.note, figure=check.amount)
                sheet.write_string(row, IN_UNIT, "£", s.text)
                write_text(sheet, row, IN_SOURCE, check.source or "", s.wrap)
                write_text(sheet, row, IN_NOTE, check.note or "", s.wrap)
                if check.amount.line:
                    sheet.write_number(row, IN_SCENARIO_LINE, check.amount.line, s.number("year"))
                tolerance = check.tolerance_value()
                sheet.write_number(row, IN_SCENARIO_LINE + 1, tolerance, s.number("£", "input"))
                self._describe(sheet, row, IN_SCENARIO_LINE + 1, "tolerance", "£", f"Tolerance: {check.name}",
                               bounds=(0, 1e15))
            sheet.write_string(layout.published_start_row, IN_SCENARIO_LINE + 1, "Tolerance (±)", s.heading)
        if scenario.appraisal is not None:
            self._appraisal_inputs(sheet, scenario.appraisal)
        # On paper, every row written, from the line to the tolerance: the years, mostly empty cells, left out;
        # and the assumptions log is what the scenario states, each default a + away.
        sheet.print_area(0, IN_LINE, sheet.dim_rowmax, IN_SCENARIO_LINE + 1)
        sheet.collapse_each(self.inputs_to_collapse)

    def _envelope_inputs(self, sheet, envelope) -> None:
        """The budget envelope by year: stated years yellow, later ones the last stated figure carried forward."""
        s, layout = self.styles, self.layout
        row = layout.year_inputs["budget_envelope"]
        last = max(envelope.by_year)
        carried = (f"From {financial_year_label(last + 1)}, the {financial_year_label(last)} figure carried "
                   "forward in cash." if last < self.projection.years[-1] else "")
        sheet.write_string(row, IN_GROUP, "All options", s.text)
        sheet.write_string(row, IN_LINE, "Affordability", s.text)
        sheet.write_string(row, IN_NAME, "Budget envelope (cash): the most the council can spend a year", s.text)
        sheet.write_string(row, IN_UNIT, "£", s.text)
        write_text(sheet, row, IN_SOURCE, envelope.source or "", s.wrap)
        write_text(sheet, row, IN_NOTE, " ".join(part for part in (envelope.note or "", carried) if part), s.wrap)
        first_line = envelope.by_year[min(envelope.by_year)].line
        if first_line:
            sheet.write_number(row, IN_SCENARIO_LINE, first_line, s.number("year"))
        for year in self.projection.years:
            kind = "input" if year in envelope.by_year else "fixed"
            sheet.write_number(row, layout.input_year_col(year), envelope.for_year(year), s.number("£", kind))
            self._describe(sheet, row, layout.input_year_col(year), "budget_envelope", "£", "Budget envelope",
                           envelope.source, envelope.note, figure=envelope.by_year.get(year), year=year)

    def _appraisal_inputs(self, sheet, appraisal) -> None:
        """The appraisal's scale, budget envelopes, weights and scores: inputs like any other."""
        s, rows = self.styles, self.layout.appraisal_rows
        sheet.write_string(self.layout.appraisal_start_row, IN_LINE, "Options appraisal (see Appraisal)", s.section)
        group = "Appraisal"
        self._input_row(sheet, rows[("scale", "low")], group, "Scoring scale", "scale_low",
                        appraisal.scale.low.value, appraisal.scale.low, note=appraisal.scale.note)
        self._input_row(sheet, rows[("scale", "high")], group, "Scoring scale", "scale_high",
                        appraisal.scale.high.value, appraisal.scale.high, note=appraisal.scale.note)
        for gateway in appraisal.gateways:
            if gateway.budget is not None:
                self._input_row(sheet, rows[("budget", gateway.id)], group, f"Gateway: {gateway.name}", "budget",
                                gateway.budget.value, gateway.budget)
        for criterion in appraisal.criteria:
            self._input_row(sheet, rows[("weight", criterion.id)], group, f"Criterion: {criterion.name}", "weight",
                            criterion.weight.value, criterion.weight)
        criteria = {criterion.id: criterion for criterion in appraisal.criteria}
        # A score lies on the scale, whatever its ends are changed to.
        scale = tuple("=" + cell("Inputs", rows[("scale", end)], IN_VALUE, True, True) for end in ("low", "high"))
        for entry in appraisal.long_list:
            for criterion_id, score in entry.scores.items():
                figure = score.score.model_copy()
                figure.source, figure.note = score.source or figure.source, score.reason
                self._input_row(sheet, rows[("score", entry.id, criterion_id)], group,
                                f"{entry.name}: {criteria[criterion_id].name}", "score", figure.value, figure,
                                bounds=scale)

    def _describe(self, sheet, row, col, name, unit, label, source=None, note=None, figure=None, year=None,
                  choices=None, bounds=None, title="") -> None:
        """What the input in (row, col) is, for its validation, its cell note and the Cover's flag."""
        sheet.describe_input(row, col, InputCell(
            sheet.name, row, col, None, name=name, unit=unit, label=label, source=source or "", note=note or "",
            line=getattr(figure, "line", None), path=getattr(figure, "path", None), year=year, choices=choices,
            bounds=bounds, title=title))

    def _input_row(self, sheet, row, group, line, name, value, figure, note=None, kind="input", bounds=None):
        s = self.styles
        label, unit = INPUT_LABELS[name]
        write_text(sheet, row, IN_GROUP, group, s.text)
        write_text(sheet, row, IN_LINE, line, s.text)
        sheet.write_string(row, IN_NAME, label, s.text)
        # Yellow only for what the scenario file states; defaults and values derived from it are grey.
        written = figure is not None and figure.line is not None
        sheet.write_number(row, IN_VALUE, float(value), s.number(unit, kind if written else "fixed"))
        sheet.write_string(row, IN_UNIT, unit, s.text)
        if figure is not None:
            # A line's first and last year are stated (in the line or its section) where no default is named.
            stated_year = name in ("first_year", "last_year") and figure.source is None
            source = figure.source or ("" if written else "stated in the scenario" if stated_year else "default")
            if not written and not stated_year and not (figure.note or note) and source.startswith(UNSTATED):
                self.inputs_to_collapse.add(row)  # a default nobody stated: there on screen, not on paper
            write_text(sheet, row, IN_SOURCE, source, s.wrap)
            write_text(sheet, row, IN_NOTE, figure.note or note or "", s.wrap)
            self._describe(sheet, row, IN_VALUE, name, unit, f"{line}: {label}" if line else label, source,
                           figure.note or note, figure=figure, bounds=bounds, title=label)
            if figure.line:
                sheet.write_number(row, IN_SCENARIO_LINE, figure.line, s.number("year"))
        else:
            write_text(sheet, row, IN_SOURCE, "derived from the scenario" if note else "", s.wrap)
            write_text(sheet, row, IN_NOTE, note or "", s.wrap)

    def _option_inputs(self, sheet, option: OptionLayout) -> None:
        s = self.styles
        result = option.result
        name = result.option.name
        heading_row = option.option_inputs[OPTION_WIDE[0]] - 1
        write_text(sheet, heading_row, IN_LINE, f"Option: {name}", s.section)
        from ..engine.timeline import go_live

        gl_year, gl_offset = go_live(result.option, self.scenario.timeline.first_year)
        live_note = (f"goes live {month_label(*result.option.go_live)}" if result.option.go_live
                     else "live from the start of the first year")
        option_ = result.option
        changes = option_.employer_changes_at_go_live
        employer = option_.employer_name
        employment = f"the council until go-live, then {employer} (TUPE)" if changes else "the council throughout"
        values = {
            "go_live_year": (gl_year, None, f"{financial_year_label(gl_year)}: {live_note}"),
            "go_live_month_offset": (gl_offset, None, live_note),
            "employer_changes": (result.timeline.inputs["employer_changes"], None, employment),
            "council_pension_rate": (result.inputs["council_pension_rate"].value,
                                     result.inputs["council_pension_rate"], None),
            "pension_rate": (result.inputs["pension_rate"].value, result.inputs["pension_rate"], None),
            "own_levy_allowance": (result.inputs["own_levy_allowance"].value, result.inputs["own_levy_allowance"],
                                   None),
            "irrecoverable_share": (result.inputs["irrecoverable_share"].value,
                                    result.inputs["irrecoverable_share"], None),
        }
        # Whose term each is: the council's before go-live, the option's employer's from it.
        whose = {"council_pension_rate": "the council" + (", before go-live" if changes else ""),
                 "pension_rate": employer + (", from go-live" if changes else ""),
                 "own_levy_allowance": employer, "irrecoverable_share": employer}
        for key in OPTION_WIDE:
            value, figure, note = values[key]
            self._input_row(sheet, option.option_inputs[key], name, whose.get(key, ""), key, value, figure, note=note)
        for group in result.groups:
            if self.layout.staffing_table(group) is not None:
                continue  # on the Staffing sheet
            for instance in group.instances:
                rows = [option.instance_inputs[(instance.id, n)] for n in instance.own_inputs] + \
                       [option.instance_input_rows[(instance.id, n)] for n in instance.own_input_rows]
                if not rows:
                    continue
                shown = [choice for choice in SHOWN_CHOICES if choice in instance.choices]
                top = min(rows) - 1 - len(shown)
                write_text(sheet, top, IN_LINE, instance.label, s.bold)
                # What it runs in and grows with, in words on the line's own row: on paper its rows below
                # (the values its formulas read) are grouped away with the defaults.
                said = ", ".join(CHOICE_PHRASES[choice].format(choice_words(choice, group.choice_of(instance, choice))[1])
                                 for choice in shown)
                sheet.write_string(top, IN_NAME, f"{group.group.label}: {said}" if said else group.group.label,
                                   s.note_wrap)
                write_text(sheet, top, IN_SOURCE, instance.source, s.wrap)
                write_text(sheet, top, IN_NOTE, instance.note, s.wrap)
                if instance.line:
                    sheet.write_number(top, IN_SCENARIO_LINE, instance.line, s.number("year"))
                for offset, choice in enumerate(shown, start=1):
                    label, words = choice_words(choice, group.choice_of(instance, choice))
                    sheet.write_string(top + offset, IN_NAME, label, s.text)
                    sheet.write_string(top + offset, IN_VALUE, words, s.fixed_text)
                    sheet.write_string(top + offset, IN_NOTE, CHOICE_NOTES.get(
                        choice, "set in the scenario: it decides which timeline row this line's formulas use"),
                        s.fixed_text)
                    self.inputs_to_collapse.add(top + offset)
                for input_name in instance.own_inputs:
                    figure = instance.inputs[input_name]
                    self._input_row(sheet, option.instance_inputs[(instance.id, input_name)], name, instance.label,
                                    input_name, figure.value, figure)
                for row_name in instance.own_input_rows:
                    by_year = instance.input_rows[row_name]
                    row = option.instance_input_rows[(instance.id, row_name)]
                    label, unit = INPUT_LABELS[row_name]
                    write_text(sheet, row, IN_GROUP, name, s.text)
                    write_text(sheet, row, IN_LINE, instance.label, s.text)
                    sheet.write_string(row, IN_NAME, label, s.text)
                    sheet.write_string(row, IN_UNIT, unit, s.text)
                    if row_name in CORPORATION_TAX:
                        # A company's tax rates by year come from the parameter set, as NI's do.
                        write_text(sheet, row, IN_SOURCE, self.scenario.priced_with.source_of("corporation_tax"), s.wrap)
                    for year in self.layout.input_years:
                        sheet.write_number(row, self.layout.input_year_col(year), by_year.get(year, 0.0),
                                           s.number(unit, "input"))
                        self._describe(sheet, row, self.layout.input_year_col(year), row_name, unit,
                                       f"{instance.label}: {label}", instance.source, instance.note, year=year)

    # ------------------------------------------------------------------ Staffing sheets

    def _staffing_sheet(self, sheet, tables) -> None:
        """Every post of a large establishment, one a row, with its inputs (see workbook/staffing.py)."""
        from .layout import ST_FIRST_INPUT, ST_ID, ST_PERIOD, ST_TITLE, STAFFING_SHEET_FROM

        s = self.styles
        sheet.write_string(0, 0, "Staffing: every post, with its inputs", s.title)
        sheet.write_string(1, 0, f"Options with more than {STAFFING_SHEET_FROM} posts list them here, one a row, "
                                 "instead of on Inputs and their own sheets. Each option sheet adds them up: one row "
                                 "per cost line and per period the posts run in, each cell a SUMPRODUCT over these "
                                 "columns with the line's own formula.", s.subtitle)
        sheet.write_string(2, 0, "Key:", s.bold)
        sheet.write_string(2, 1, "an input (typed in, from the scenario)", s.input_key)
        sheet.write_string(2, 2, "a default, or derived from the scenario", s.fixed_text)
        widest = max(tables, key=lambda table: len(table.columns))
        sheet.set_column(ST_ID, ST_ID, 16)
        sheet.set_column(ST_TITLE, ST_TITLE, 36)
        sheet.set_column(ST_PERIOD, ST_PERIOD, 18)
        sheet.set_column(ST_FIRST_INPUT, widest.source_col - 1, 13)
        sheet.set_column(widest.source_col, widest.source_col + 1, 32)
        sheet.freeze_panes(tables[0].first_row, ST_FIRST_INPUT)
        for table in tables:
            group = table.group
            write_text(sheet, table.heading_row, 0, f"{group.group.label}: {len(group.instances):,} posts, "
                                               f"employed by {', '.join(table.options)}", s.section)
            header = table.first_row - 1
            for col, text in ((ST_ID, "Post"), (ST_TITLE, "Title"), (ST_PERIOD, "Runs")):
                sheet.write_string(header, col, text, s.heading)
            for name, col in table.columns.items():
                label, unit = INPUT_LABELS[name]
                sheet.write_string(header, col, f"{label} ({unit})", s.heading_right)
            for offset, text in enumerate(("Source", "Note", "Scenario line")):
                sheet.write_string(header, table.source_col + offset, text, s.heading)
            sheet.set_row(header, 45, s.wrap)
            formats = {name: (s.number(INPUT_LABELS[name][1], "input"), s.number(INPUT_LABELS[name][1], "fixed"))
                       for name in table.columns}
            for index, instance in enumerate(group.instances):
                row = table.first_row + index
                write_text(sheet, row, ST_ID, instance.id, s.text)
                write_text(sheet, row, ST_TITLE, instance.label, s.text)
                sheet.write_string(row, ST_PERIOD, choice_words("period", instance.choices["period"])[1], s.text)
                for name, col in table.columns.items():
                    figure = instance.inputs[name]
                    written, default = formats[name]
                    sheet.write_number(row, col, figure.value, written if figure.line is not None else default)
                    if figure.line is not None:
                        self._describe(sheet, row, col, name, INPUT_LABELS[name][1],
                                       f"{instance.id}: {INPUT_LABELS[name][0]}", figure.source, figure.note,
                                       figure=figure, title=INPUT_LABELS[name][0])
                write_text(sheet, row, table.source_col, instance.source, s.text)
                write_text(sheet, row, table.source_col + 1, instance.note, s.text)
                if instance.line:
                    sheet.write_number(row, table.source_col + 2, instance.line, s.number("year"))

    # ------------------------------------------------------------------ option sheets

    def _option_sheet(self, sheet, option: OptionLayout) -> None:
        s, layout = self.styles, self.layout
        result = option.result
        years = self.projection.years
        last_col = layout.last_year_col
        base_label = financial_year_label(self.scenario.timeline.price_base)
        sheet.merge_range(0, COL_LINE, 0, COL_ITEM, "", s.title_wrap)  # whole on every page across
        write_text(sheet, 0, 0, result.option.name, s.title_wrap)
        family = result.option.family.replace("_", " ")
        gl = f"; goes live {month_label(*result.option.go_live)}" if result.option.go_live else ""
        write_text(sheet, 1, 0, f"Family: {family}{'; the baseline' if result.option.baseline else ''}{gl}", s.subtitle)
        # Over the row titles, which every page repeats, so that it is whole on each.
        sheet.merge_range(2, COL_LINE, 2, COL_ITEM, "", s.subtitle_wrap)
        sheet.write_string(2, 0, "Pounds in cash unless a block says otherwise; costs positive, savings negative. "
                                 "Each row has one formula across its years, referring to Inputs; the "
                                 f"full-year column is a full year once the option is live, at {base_label} "
                                 "prices.", s.subtitle_wrap)
        headings = ["Line", "Item", "Category", "Unit", "Total over the horizon",
                    f"Full year once live ({base_label} prices)"]
        for col, text in enumerate(headings):
            sheet.write_string(HEADER_ROW, col, text, s.heading_right if col >= COL_TOTAL else s.heading)
        self._year_headers(sheet, HEADER_ROW, COL_FIRST_YEAR, years, s.heading_right)
        sheet.freeze_panes(HEADER_ROW + 1, COL_FIRST_YEAR)
        # On paper the years run on across pages, each with the line and item repeated at its left.
        sheet.set_column(COL_LINE, COL_LINE, 24)
        sheet.set_column(COL_ITEM, COL_ITEM, 34)
        sheet.set_column(COL_CATEGORY, COL_CATEGORY, 22)
        sheet.set_column(COL_UNIT, COL_UNIT, 6)
        sheet.set_column(COL_TOTAL, COL_FULL_YEAR, 15)
        sheet.set_column(COL_FIRST_YEAR, last_col, 13)
        sheet.repeat_rows(HEADER_ROW)
        sheet.repeat_columns(COL_LINE, COL_ITEM)

        # The timeline.
        series = result.timeline.series
        year_row = option.timeline_rows["year"]
        sheet.write_string(year_row, COL_LINE, "Timeline", s.bold)
        sheet.write_string(year_row, COL_ITEM, "Year (beginning April)", s.text)
        sheet.write_string(year_row, COL_UNIT, "year", s.text)
        self.formula(sheet, year_row, COL_FULL_YEAR, layout.scenario_input_ref("price_base_year"),
                      self.scenario.timeline.price_base, s.number("year"))
        self.formula(sheet, year_row, COL_FIRST_YEAR, layout.scenario_input_ref("horizon_first_year"),
                      years[0], s.number("year"))
        for t in range(1, len(years)):
            col = layout.year_col(t)
            self.formula(sheet, year_row, col, f"{cell(None, year_row, col - 1)}+1", years[t], s.number("year"))
        reference = _reference_timeline(result)
        for formula in TIMELINE_ROWS:
            row = option.timeline_rows[formula.key]
            sheet.write_string(row, COL_ITEM, formula.label, s.text)
            sheet.write_string(row, COL_UNIT, formula.unit, s.text)
            sheet.write_comment(row, COL_ITEM, formula.definition, {"x_scale": 2, "y_scale": 1.2})
            # A full year once live is year 0 with indices at 1, by definition.
            sheet.write_number(row, COL_FULL_YEAR, reference[formula.key], s.number(formula.unit, "fixed"))
            across = YearsContext(layout, option)
            template = formula.formula.render(across)
            for t in range(len(years)):
                col = layout.year_col(t)
                self.formula(sheet, row, col, across.in_column(template, col), series[formula.key][0, t],
                              s.number(formula.unit))

        who = result.option
        named = f" ({EMPLOYER_WORDS[who.family]}: {who.employer})" if who.employer else ""
        write_text(sheet, option.employer_row, COL_ITEM, f"Who employs the staff and buys the goods{named}", s.wrap)
        sheet.write_comment(option.employer_row, COL_ITEM, "The council until go-live; the option's own employer "
                            "from go-live, where it is a company or trust (staff transfer under TUPE). Its pension "
                            "rate, levy allowance and VAT position apply from then.", {"x_scale": 2, "y_scale": 1.2})
        by_year = employers_by_year(who, years, self.scenario.timeline.first_year)
        write_text(sheet, option.employer_row, COL_FULL_YEAR, EMPLOYER_WORDS[who.family], s.fixed_wrap)
        for t, words in enumerate(by_year):
            write_text(sheet, option.employer_row, layout.year_col(t), words, s.fixed_wrap)

        # Each line group: a heading, then a block per row kind, one row per instance (or per period,
        # for posts on the Staffing sheet).
        for group, computed in zip(result.groups, result.results):
            keys = [k for k in option.blocks if k[0] == group.group.key]
            if not keys:
                continue
            first_block_row = option.blocks[keys[0]][0]
            sheet.write_string(first_block_row - 2, COL_LINE, group.group.label, s.section)
            table = layout.staffing_table(group)
            for formula in group.group.rows:
                block = option.blocks.get((group.group.key, formula.key))
                if block is None:
                    continue
                head = block[0] - 1
                sheet.write_string(head, COL_LINE, formula.label, s.bold)
                sheet.write_string(head, COL_ITEM, formula.definition, s.note_wrap)
                cash, full_year = computed.cash[formula.key], computed.full_year[formula.key]
                if table is not None:
                    periods = np.array(group.chosen("period"))
                    for period in table.periods:
                        chosen = periods == period
                        self._staffing_row(sheet, option, table, formula, period, int(chosen.sum()),
                                           cash[chosen].sum(axis=0), float(full_year[chosen].sum()))
                    continue
                for index, instance in enumerate(group.instances):
                    self._line_row(sheet, option, group, formula, instance, cash[index], float(full_year[index]))

        # On paper the sheet is its timeline and its totals; each line's own rows are the working an analyst
        # opens, grouped under the + on this row (a scenario's many posts printed hundreds of pages).
        first, last = option.lines_rows
        if last >= first:
            sheet.merge_range(first - 1, COL_LINE, first - 1, COL_ITEM, "", s.note_wrap)
            sheet.write_string(first - 1, COL_LINE, f"Line by line: each line's definition and rows ({last - first + 1:,} "
                                                    "rows), grouped and hidden, so the sheet prints its totals. "
                                                    "The + at the left shows them.", s.note_wrap)
            sheet.collapse(first, last)

        self._category_blocks(sheet, option)

    def _line_row(self, sheet, option, group, formula, instance, cash, full_year_value) -> None:
        layout = self.layout
        row = option.rows[(group.group.key, formula.key, instance.id)]
        write_text(sheet, row, COL_ITEM, instance.label, self.styles.text)
        across = YearsContext(layout, option, group, instance)
        template = formula.formula.render(across)
        # The full-year column holds the same formula, at the price base, unless the line defines its own.
        full_year = across.in_column(template, COL_FULL_YEAR) if formula.full_year is None else \
            formula.full_year.render(CellContext(layout, option, COL_FULL_YEAR, group, instance))
        self._calculated_row(sheet, row, formula, cash, full_year_value, full_year,
                             lambda col: across.in_column(template, col))

    def _staffing_row(self, sheet, option, table, formula, period, posts, cash, full_year_value) -> None:
        """Every post on the Staffing sheet running in one period, added up by SUMPRODUCT."""
        from .staffing import period_sum

        layout = self.layout
        row = option.rows[(table.group.group.key, formula.key, f"period:{period}")]
        words = choice_words("period", period)[1]
        write_text(sheet, row, COL_ITEM, f"{posts:,} post{'s' if posts != 1 else ''} running {words} "
                                    f"(listed on {table.sheet})", self.styles.text)
        self._calculated_row(sheet, row, formula, cash, full_year_value,
                             period_sum(layout, option, table, formula, period, COL_FULL_YEAR),
                             lambda col: period_sum(layout, option, table, formula, period, col))

    def _calculated_row(self, sheet, row, formula, cash, full_year_value, full_year_text, year_text) -> None:
        s, layout = self.styles, self.layout
        if formula.category:
            # By its name, as the category blocks below name it: their SUMIFs match this column to theirs.
            sheet.write_string(row, COL_CATEGORY, CATEGORIES[formula.category], s.text)
        unit = "£" if formula.unit == "£" else formula.unit
        sheet.write_string(row, COL_UNIT, unit, s.text)
        fmt = s.number(unit)
        if formula.category:
            first, last = cell(None, row, layout.year_col(0)), cell(None, row, layout.last_year_col)
            self.formula(sheet, row, COL_TOTAL, f"SUM({first}:{last})", float(cash.sum()), fmt)
        self.formula(sheet, row, COL_FULL_YEAR, full_year_text, full_year_value, fmt)
        for t in range(len(self.projection.years)):
            col = layout.year_col(t)
            self.formula(sheet, row, col, year_text(col), cash[t], fmt)

    def _category_blocks(self, sheet, option: OptionLayout) -> None:
        """The totals by category, in cash, real terms and present value: lines/totals.py, rendered."""
        s, layout = self.styles, self.layout
        totals = option.result.totals
        cols = [COL_FULL_YEAR] + [layout.year_col(t) for t in range(len(self.projection.years))]
        base = financial_year_label(self.scenario.timeline.price_base)
        blocks = (
            (CATEGORY_ROWS["category_cash"].label, "category_cash", option.category_rows, option.total_row, "total_cash"),
            (f"{CATEGORY_ROWS['category_real'].label} ({base} prices)", "category_real", option.real_rows,
             option.real_total_row, "total_real"),
            (CATEGORY_ROWS["category_pv"].label, "category_pv", option.pv_rows, option.pv_total_row, "total_pv"),
        )
        for title, key, rows, total_row, total_key in blocks:
            total_label = BLOCK_TOTALS[total_key].label
            if not rows:
                # An option with no cost lines costs nothing: its totals are zero by definition.
                sheet.write_string(total_row, COL_ITEM, total_label, s.bold)
                for col in [COL_TOTAL] + cols:
                    sheet.write_number(total_row, col, 0, s.number("£", "fixed", bold=True))
                continue
            sheet.write_string(min(rows.values()) - 1, COL_LINE, title, s.section)
            for category, row in rows.items():
                sheet.write_string(row, COL_ITEM, CATEGORIES[category], s.text)
                sheet.write_string(row, COL_CATEGORY, CATEGORIES[category], s.text)
                sheet.write_string(row, COL_UNIT, "£", s.text)
                values = totals.of(category)
                self._block_row(sheet, option, row, CATEGORY_ROWS[key], values, category, s.number("£"))
            sheet.write_string(total_row, COL_ITEM, total_label, s.bold)
            sheet.write_string(total_row, COL_UNIT, "£", s.bold)
            self._block_row(sheet, option, total_row, BLOCK_TOTALS[total_key], totals, None, s.number("£", bold=True))
        economic = BLOCK_TOTALS["economic_pv"]
        sheet.write_string(option.economic_total_row, COL_ITEM, economic.label, s.bold)
        sheet.write_string(option.economic_total_row, COL_UNIT, "£", s.bold)
        if option.pv_rows:
            self._block_row(sheet, option, option.economic_total_row, economic, totals, None,
                            s.number("£", bold=True))
        else:
            for col in [COL_TOTAL] + cols:
                sheet.write_number(option.economic_total_row, col, 0, s.number("£", "fixed", bold=True))

    def _block_row(self, sheet, option, row, total, values, category, fmt) -> None:
        """One row of a block of totals: its full year, each year, and its total over the horizon."""
        layout = self.layout
        key = total.key
        self.formula(sheet, row, COL_FULL_YEAR,
                      total.formula.render(OptionSheetTotals(layout, option, COL_FULL_YEAR, category)),
                      values.full.row(key), fmt)
        by_year = values.row(key)
        across = OptionSheetYearsTotals(layout, option, category)
        template = total.formula.render(across)
        for t in range(len(self.projection.years)):
            col = layout.year_col(t)
            self.formula(sheet, row, col, across.in_column(template, col), by_year[t], fmt)
        self._over_the_horizon(sheet, option, row, by_year, fmt)

    def _over_the_horizon(self, sheet, option, row, by_year, fmt) -> None:
        """A row's total over the horizon, in its Total column."""
        context = OptionSheetTotals(self.layout, option, COL_TOTAL, this=row)
        self.formula(sheet, row, COL_TOTAL, OVER_THE_HORIZON.formula.render(context),
                      OVER_THE_HORIZON.formula.evaluate(RowValues(this=by_year)), fmt)

    # ------------------------------------------------------------------ Compare

    def _compare(self, sheet) -> None:
        s, layout = self.styles, self.layout
        years = self.projection.years
        sheet.merge_range(0, 0, 0, 1, "", s.title_wrap)
        sheet.write_string(0, 0, "Compare: each option year by year, against the baseline", s.title_wrap)
        sheet.merge_range(1, 0, 1, 1, "", s.subtitle_wrap)  # over the row titles every page repeats
        sheet.write_string(1, 0, "Cash, in pounds; costs positive. The break-even year is the first year from "
                                 "which an option's cumulative cost stays at or below the baseline's.", s.subtitle_wrap)
        # Column A is a margin for the blocks' headings: a heading in it would wrap a letter a line.
        headings = ["", "Option", "", "", "Total", ""]
        for col, text in enumerate(headings):
            sheet.write_string(HEADER_ROW, col, text, s.heading_right if col >= COL_TOTAL else s.heading)
        self._year_headers(sheet, HEADER_ROW, COL_FIRST_YEAR, years, s.heading_right)
        sheet.freeze_panes(HEADER_ROW + 1, COL_FIRST_YEAR)
        # Each block's heading is over columns A and B; the option names wrap in B; both are repeated at the
        # left of each page the years run on to.
        sheet.set_column(0, 0, 3)
        sheet.set_column(1, 1, 36)
        sheet.set_column(2, 3, 2)
        sheet.set_column(COL_TOTAL, COL_TOTAL, 15)
        sheet.set_column(COL_FULL_YEAR, COL_FULL_YEAR, 2)
        sheet.set_column(COL_FIRST_YEAR, layout.last_year_col, 13)
        sheet.repeat_rows(HEADER_ROW)
        sheet.repeat_columns(0, 1)

        results = self.projection.options
        baseline = next(r for r in results if r.option.baseline).option.id
        blocks = layout.compare_blocks
        for block, total in blocks.items():
            first = min(rows[block] for rows in self.compare_rows.values() if block in rows)
            # Whole over the row titles on every page the years run on to, wrapped where it is longer.
            sheet.merge_range(first - 1, 0, first - 1, 1, "", s.section_wrap)
            sheet.write_string(first - 1, 0, total.label, s.section_wrap)
        if layout.envelope_row is not None:
            self._envelope_row(sheet, layout.envelope_row)
        for result in results:
            option_id = result.option.id
            for block, row in self.compare_rows[option_id].items():
                total = blocks[block]
                write_text(sheet, row, 1, result.option.name, s.text)
                values = result.totals.row(block)
                fmt = s.number(total.unit)
                for t in range(len(years)):
                    col = layout.year_col(t)
                    context = CompareTotals(layout, self.compare_rows, option_id, baseline, col, this=row)
                    self.formula(sheet, row, col, total.formula.render(context), values[t], fmt)
                if block in ("annual", "difference", "present_value", "present_value_difference", "envelope_gap"):
                    self._over_the_horizon(sheet, None, row, values, s.number("£"))

    def _envelope_row(self, sheet, row: int) -> None:
        """Compare's row of the budget envelope by year, from Inputs: what the gaps below are measured from."""
        s, layout = self.styles, self.layout
        envelope = self.scenario.assumptions.budget_envelope
        sheet.merge_range(row - 1, 0, row - 1, 1, "", s.section_wrap)
        sheet.write_string(row - 1, 0, "Budget envelope (cash), from Inputs", s.section_wrap)
        sheet.write_string(row, 1, "Budget envelope", s.text)
        inputs_row = layout.year_inputs["budget_envelope"]
        for t, year in enumerate(self.projection.years):
            col = layout.year_col(t)
            self.formula(sheet, row, col, cell("Inputs", inputs_row, layout.input_year_col(year), True, True),
                         envelope.for_year(year), s.number("£"))

    # ------------------------------------------------------------------ Summary

    def _summary(self, sheet) -> None:
        s, layout, projection = self.styles, self.layout, self.projection
        results = layout.ranked  # lowest net present cost first
        baseline = next(r for r in results if r.option.baseline)
        sheet.write_string(0, 0, f"{self.scenario.metadata.title}", s.title)
        write_text(sheet, 1, 0, f"{self.scenario.metadata.authority}. {len(projection.years)} years from "
                           f"{projection.year_labels[0]}; real terms at "
                           f"{financial_year_label(self.scenario.timeline.price_base)} prices; discounted at "
                           f"{DISCOUNT_WORDS[self.scenario.assumptions.discounting.schedule]}. Pounds; costs "
                           "positive.", s.subtitle)
        envelope = self.scenario.assumptions.budget_envelope is not None
        columns = ["Option", "Family", "Cash total (financial case)", "Net present cost (NPC), economic case",
                   "Equivalent annual cost (EAC), economic case", "Cash vs baseline", "NPC vs baseline",
                   "Break-even (payback) year", "Rank (1 = lowest NPC)"]
        if envelope:
            columns.append("First year above the budget envelope")
        table_row = layout.SUMMARY_HEADINGS
        for col, text in enumerate(columns):
            sheet.write_string(table_row, col, text, s.heading_right if 2 <= col <= 6 else s.heading)
        # Which figure is which case, over the table's width so that it wraps within the page.
        sheet.merge_range(2, 0, 2, len(columns) - 1, "", s.subtitle_wrap)
        if any(option.contract_sum is not None for option in self.scenario.options):
            cases = ("Economic case (value for money, ranks the options): real terms, discounted, irrecoverable VAT, "
                     "corporation tax and contract margins left out as transfers. Financial case (the council's "
                     "budget): cash, what it pays a company or trust rather than the body's costs, VAT included, "
                     "not discounted.")
        else:
            cases = ("Economic case (value for money, ranks the options): real terms, discounted, irrecoverable VAT "
                     "left out as a transfer to the Exchequer. Financial case (the council's budget): cash, VAT "
                     "included, not discounted.")
        sheet.write_string(2, 0, cases, s.subtitle_wrap)
        # A page wide at a scale that keeps every word at 8 pt or more (book.py): names wrap, figures fit;
        # with the budget envelope's column too, the names wrap sooner to leave it room (column B is also
        # the first option's in the table by category below, so it keeps its width).
        name_width, family_width, figure_width = (22, 12, 12.5) if envelope else (30, 12, 13)
        sheet.set_column(0, 0, name_width)
        sheet.set_column(1, 1, family_width)
        sheet.set_column(2, len(columns) - 1, figure_width)
        first, last = min(self.summary_rows.values()), max(self.summary_rows.values())
        for result in results:
            option_id = result.option.id
            row = self.summary_rows[option_id]
            write_text(sheet, row, 0, result.option.name + (" (baseline)" if result.option.baseline else ""), s.text)
            sheet.write_string(row, 1, result.option.family.replace("_", " "), s.text)
            money = s.number("£")
            totals = result.totals
            here = SummaryTotals(layout, self.summary_rows, self.compare_rows, option_id, baseline.option.id)
            # The cash total and NPC are the option sheet's: referred to there, not added up again.
            for key in ("cash_total", "npc"):
                self.formula(sheet, row, here.COLUMNS[key], here.rendered(key), totals.measure(key), money)
            for key in ("eac", "vs_baseline_cash", "vs_baseline_npc"):
                self.formula(sheet, row, here.COLUMNS[key], SUMMARY[key].formula.render(here), totals.measure(key),
                              money)
            if result.option.baseline:
                sheet.write_string(row, 7, "(baseline)", s.centred)
            else:
                self.formula(sheet, row, 7, SUMMARY["break_even_year"].formula.render(here),
                              totals.measure("break_even_year") or "none", s.centred)
            self.formula(sheet, row, 8, SUMMARY["rank"].formula.render(here), int(totals.measure("rank")),
                          s.number("count"))
            if envelope:
                self.formula(sheet, row, 9, AFFORDABILITY["first_unaffordable_year"].formula.render(here),
                             totals.measure("first_unaffordable_year") or "none", s.centred)
        best = _lowest_npc(projection)
        names = f"{cell(None, first, 0, True, True)}:{cell(None, last, 0, True, True)}"
        ranks = f"{cell(None, first, 8, True, True)}:{cell(None, last, 8, True, True)}"
        sheet.write_string(3, 0, "Lowest net present cost (economic case):", s.bold)
        best_name = best.name + (" (baseline)" if best.baseline else "")
        self.formula(sheet, *layout.BEST_OPTION, f"INDEX({names},MATCH(1,{ranks},0))", best_name, s.bold_line)

        # Cost by category, NPC, option by option.
        present, cat_row = layout.category_table, layout.category_table_row
        sheet.write_string(cat_row - 1, 0, "Present value by category (the economic case leaves out transfers)",
                           s.section)
        sheet.write_string(cat_row, 0, "Category", s.heading)
        columns = layout.category_columns
        for result in results:
            write_text(sheet, cat_row, columns[result.option.id], result.option.name, s.heading_right)
        for i, category in enumerate(present):
            row = cat_row + 1 + i
            sheet.write_string(row, 0, CATEGORIES[category], s.text)
            for result in results:
                j = columns[result.option.id] - 1
                ol = layout.options[result.option.id]
                value = float(result.totals.of(category).row("category_pv").sum())
                first_pv = min(ol.pv_rows.values(), default=ol.pv_total_row)
                last_pv = max(ol.pv_rows.values(), default=ol.pv_total_row)
                labels = f"{cell(ol.sheet, first_pv, COL_ITEM, True, True)}:{cell(None, last_pv, COL_ITEM, True, True)}"
                totals = f"{cell(ol.sheet, first_pv, COL_TOTAL, True, True)}:{cell(None, last_pv, COL_TOTAL, True, True)}"
                self.formula(sheet, row, 1 + j, f"SUMIF({labels},{cell(None, row, 0, False, True)},{totals})", value,
                              s.number("£"))
        total_row = layout.category_total_row
        sheet.write_string(total_row, 0, BLOCK_TOTALS["total_pv"].label, s.bold)
        sheet.write_string(total_row + 1, 0, BLOCK_TOTALS["economic_pv"].label, s.bold)
        transfers = [cat_row + 1 + i for i, category in enumerate(present) if category in TRANSFERS]
        for result in results:
            j = columns[result.option.id] - 1
            npc, transfers_pv = result.totals.measure("npc"), result.totals.measure("transfers_pv")
            every = cell(None, total_row, 1 + j)
            self.formula(sheet, total_row, 1 + j,
                          f"SUM({cell(None, cat_row + 1, 1 + j)}:{cell(None, total_row - 1, 1 + j)})",
                          npc + transfers_pv, s.number("£", bold=True))
            less = "".join(f"-{cell(None, row, 1 + j)}" for row in transfers)
            self.formula(sheet, total_row + 1, 1 + j, every + less, npc, s.number("£", bold=True))
        self._charts(sheet, layout.charts_row)

    def _charts(self, sheet, row: int) -> None:
        """The charts, each on a page of its own below the tables: a line an option (in rank order, in the
        pack's colours), and the net present cost of each option by category."""
        layout, results = self.layout, self.layout.ranked
        years_ref = ["Compare", HEADER_ROW, layout.year_col(0), HEADER_ROW, layout.last_year_col]
        breaks = []
        # Units in the title: a turned axis title is hard to read on paper.
        for title, block in (("Annual cost by option (cash, £ a year)", "annual"),
                             ("Cumulative cost by option (cash, £)", "cumulative")):
            chart = self.workbook.add_chart({"type": "line"})
            for index, result in enumerate(results):
                r = self.compare_rows[result.option.id][block]
                chart.add_series({"name": ["Compare", r, 1], "categories": years_ref,
                                  "values": ["Compare", r, layout.year_col(0), r, layout.last_year_col],
                                  **line_style(index)})
            if block == "annual" and layout.envelope_row is not None:
                # Each option's cash against the budget envelope it must fit within: a dashed black line.
                r = layout.envelope_row
                chart.add_series({"name": ["Compare", r, 1], "categories": years_ref,
                                  "values": ["Compare", r, layout.year_col(0), r, layout.last_year_col],
                                  "line": {"color": "black", "dash_type": "dash", "width": 2}})
            chart_fonts(chart, title)
            chart.set_legend({"position": "right", "font": {"size": CHART_TEXT}})
            chart.set_size(CHART_SIZE)
            breaks.append(row)
            sheet.insert_chart(row + 1, 0, chart)  # a row below the break, so no edge of it shows above
            row += CHART_ROWS
        cat_row, present = self.layout.category_table_row, self.layout.category_table
        # Bars across, as in the pack: the options' names have the room of the left-hand axis.
        chart = self.workbook.add_chart({"type": "bar", "subtype": "stacked"})
        for i, category in enumerate(present):
            r = cat_row + 1 + i
            chart.add_series({"name": ["Summary", r, 0], "categories": ["Summary", cat_row, 1, cat_row, len(results)],
                              "values": ["Summary", r, 1, r, len(results)],
                              **area_style(i), "border": {"color": "#FFFFFF", "width": 0.5}})
        # XlsxWriter's x axis of a bar chart is the pounds, across; its y axis the options, first ranked at the top.
        chart_fonts(chart, "Net present cost by category (£)", x={"num_format": "£#,##0"},
                    y={"reverse": True, "num_format": "General"})
        chart.set_legend({"position": "right", "font": {"size": CHART_TEXT}})
        chart.set_size(CHART_SIZE)
        breaks.append(row)
        sheet.insert_chart(row + 1, 0, chart)
        sheet.set_h_pagebreaks(breaks)

    # ------------------------------------------------------------------ Checks

    def _checks(self, sheet) -> None:
        s, layout, projection = self.styles, self.layout, self.projection
        sheet.write_string(0, 0, "Checks", s.title)
        sheet.write_string(1, 0, "Published figures are checked against the arithmetic (a figure that differs is "
                                 "a finding about the paper, reported, not a fault in the model). Model checks "
                                 "must all pass: each option's are grouped under the + above the master check, "
                                 "which passes only where every one does.", s.subtitle_wrap)
        headings = ["Published figure", "Option", "What is computed", "As published", "Computed", "Difference",
                    "Tolerance (±)", "Agrees", "Source", "Note"]
        start = layout.checks_headings
        for col, text in enumerate(headings):
            sheet.write_string(start, col, text, s.heading_right if 3 <= col <= 7 else s.heading)
        sheet.repeat_rows(start)
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, 1, 16)
        sheet.set_column(2, 2, 24)
        sheet.set_column(3, 6, 14)
        sheet.set_column(7, 7, 9)
        sheet.set_column(8, 9, 30)
        sheet.repeat_columns(0, 0)
        pence, agrees = s.number("pence"), s.number("agrees")
        row = start + 1
        checks = projection.checks
        first_check = row
        for index, (spec, check) in enumerate(zip(self.scenario.published_figures, checks)):
            ol = layout.options[check.option]
            inputs_row = layout.published_rows[index]
            write_text(sheet, row, 0, check.name, s.wrap)
            write_text(sheet, row, 1, ol.result.option.name, s.text)
            write_text(sheet, row, 2, check.what, s.wrap)
            self.formula(sheet, row, 3, cell("Inputs", inputs_row, IN_VALUE, True, True), check.expected, pence)
            self.formula(sheet, row, 4, self._computed_formula(spec, ol), check.computed, pence)
            here = CheckTotals(row)
            self.formula(sheet, row, 5, PUBLISHED["difference"].formula.render(here), check.difference, pence)
            self.formula(sheet, row, 6, cell("Inputs", inputs_row, IN_SCENARIO_LINE + 1, True, True),
                          check.tolerance, pence)
            self.formula(sheet, row, 7, PUBLISHED["agrees"].formula.render(here), int(check.ok), agrees)
            write_text(sheet, row, 8, check.source or "", s.wrap)
            write_text(sheet, row, 9, check.note or "", s.wrap)
            row += 1
        if checks:
            self._flag_colours(sheet, first_check, row - 1, 7)
            agree_range = f"{cell(None, first_check, 7)}:{cell(None, row - 1, 7)}"
            sheet.write_string(row + 1, 0, "Published figures that agree:", s.bold)
            self.formula(sheet, row + 1, 1, f"SUM({agree_range})", sum(c.ok for c in checks), s.number("count"))
            sheet.write_string(row + 1, 2, "of", s.text)
            self.formula(sheet, row + 1, 3, f"ROWS({agree_range})", len(checks), s.number("count"))
            row += 3
        else:
            sheet.write_string(row, 0, "The scenario states no published figures.", s.note)
            row += 2

        # The model's own checks: each compares two routes to the same figure.
        row = layout.model_checks_row
        sheet.write_string(row, 0, "Model checks", s.section)
        for col, text in enumerate(["Check", "Option", "", "One way", "Another way", "Difference", "", "Passes"]):
            sheet.write_string(row + 1, col, text, s.heading_right if 3 <= col <= 7 else s.heading)
        first_model = row + 2
        for j, result in enumerate(projection.options):
            row = layout.model_check_rows[result.option.id][0]
            ol = layout.options[result.option.id]
            first, last = ol.cost_rows
            years = (layout.year_col(0), layout.last_year_col)
            total = cell(ol.sheet, ol.total_row, COL_TOTAL)
            pv_total = cell(ol.sheet, ol.pv_total_row, COL_TOTAL)
            cash_range = f"{cell(ol.sheet, ol.total_row, years[0])}:{cell(None, ol.total_row, years[1])}"
            factor_row = ol.timeline_rows["pv_factor"]
            factor_range = f"{cell(ol.sheet, factor_row, years[0])}:{cell(None, factor_row, years[1])}"
            df_row = ol.timeline_rows["discount_factor"]
            df_range = f"{cell(ol.sheet, df_row, years[0])}:{cell(None, df_row, years[1])}"
            annual = self.compare_rows[result.option.id]["annual"]
            summary_row = self.summary_rows[result.option.id]
            cash_total, npc = result.totals.measure("cash_total"), result.totals.measure("npc")
            every_cost_pv = npc + result.totals.measure("transfers_pv")
            economic = cell(ol.sheet, ol.economic_total_row, COL_TOTAL)
            # An option with no cost lines has no lines to sum; its other checks still apply.
            sum_of_lines = [("Total cost equals the sum of its lines",
                             f"SUM({cell(ol.sheet, first, COL_TOTAL)}:{cell(None, last, COL_TOTAL)})", total,
                             cash_total)] if last >= first else []
            checks_here = sum_of_lines + [
                ("Present value of every cost equals cash x present value factor, year by year",
                 f"SUMPRODUCT({cash_range},{factor_range})", pv_total, every_cost_pv),
                ("Compare's annual costs add up to the cash total",
                 f"SUM({cell('Compare', annual, years[0])}:{cell(None, annual, years[1])})", total, cash_total),
                ("Summary's present value by category adds up to the present value of every cost",
                 cell("Summary", layout.category_total_row, layout.category_columns[result.option.id]), pv_total,
                 every_cost_pv),
                ("Summary's net present cost is the option sheet's, transfers left out",
                 cell("Summary", layout.category_total_row + 1, layout.category_columns[result.option.id]), economic,
                 npc),
                ("Equivalent annual cost x the sum of the discount factors is the net present cost",
                 f"{cell('Summary', summary_row, 4)}*SUM({df_range})", economic, npc),
            ]
            for label, one_way, other_way, value in checks_here:
                sheet.write_string(row, 0, label, s.wrap)
                write_text(sheet, row, 1, result.option.name, s.text)
                self.formula(sheet, row, 3, one_way, value, pence)
                self.formula(sheet, row, 4, other_way, value, pence)
                self.formula(sheet, row, 5, f"{cell(None, row, 4)}-{cell(None, row, 3)}", 0.0, pence)
                # To the penny: sums taken in another order may differ in their last binary digits.
                self.formula(sheet, row, 7, f"(ABS({cell(None, row, 5)})<1/100)*1", 1, s.number("passes"))
                row += 1
        master = layout.master_check_row
        self._flag_colours(sheet, first_model, master - 2, 7)
        # On paper the master check stands for them; each check is a + away, and fails show in the master.
        sheet.collapse(first_model, master - 1)
        sheet.write_string(master, 0, "Master check: every model check passes", s.bold)
        self.formula(sheet, master, 1, f"MIN({cell(None, first_model, 7)}:{cell(None, master - 2, 7)})", 1,
                      s.number("passes"))
        self._flag_colours(sheet, master, master, 1)
        self._review(sheet, layout.review_row)

    def _review(self, sheet, row: int) -> None:
        """The model review's warnings: legal patterns that are usually a mistake, and how each stands."""
        from ..review import CODES

        s = self.styles
        sheet.write_string(row, 0, "Model review: patterns that are usually a mistake (docs/warnings.md)", s.section)
        row += 1
        if not self.warnings:
            sheet.write_string(row, 0, "The model review gives no warning for this scenario.", s.note)
            return
        for col, text in ((0, "Warning"), (1, "Scenario line"), (2, "What it says"), (8, "Acknowledged, with the reason")):
            sheet.write_string(row, col, text, s.heading)
        for col in range(3, 8):
            sheet.write_blank(row, col, None, s.heading)
        row += 1
        for warning in self.warnings:
            write_text(sheet, row, 0, f"{warning.code}: {CODES[warning.code]}", s.wrap)
            if warning.line:
                sheet.write_string(row, 1, f"line {warning.line}", s.text)  # at the top, by its warning
            # The scenario line beside it says where; the key's path is the terminal's (`costmodel check`).
            said = warning.message
            sheet.merge_range(row, 2, row, 7, "", s.wrap)
            sheet.write_string(row, 2, said, s.wrap)
            write_text(sheet, row, 8, warning.acknowledged or "not acknowledged", s.wrap if warning.acknowledged else s.bad_text)
            row += 1

    def _flag_colours(self, sheet, first_row: int, last_row: int, col: int) -> None:
        """Green for 1, red for 0, on the check rows only."""
        for value, fmt in ((1, self.styles.good), (0, self.styles.bad)):
            sheet.conditional_format(first_row, col, last_row, col,
                                     {"type": "cell", "criteria": "==", "value": value, "format": fmt})

    def _computed_formula(self, spec, ol: OptionLayout) -> str:
        """The cells a published figure adds up, on the option's sheet (engine/totals.py's Selection)."""
        from ..engine.totals import Selection

        layout = self.layout
        selection = Selection(spec, ol.result)
        if spec.basis == "full_year":
            cols = [COL_FULL_YEAR]
        elif spec.year is not None:
            cols = [layout.year_col(self.projection.years.index(spec.year))]
        else:
            cols = None  # the whole horizon
        factor = {"real": "real_factor", "pv": "pv_factor"}.get(spec.measure)
        factor_row = ol.timeline_rows[factor] if factor else None
        # Posts on a Staffing sheet have no rows of their own: their lines are written out for them.
        parts = []
        if selection.whole_option:
            rows = [ol.total_row]
        else:
            wanted = set()
            for result, formula, chosen in selection.parts:
                group = result.instances
                table = layout.staffing_table(group)
                members = [(index if spec.post or spec.posts else None, instance.id)
                           for index, instance in enumerate(group.instances) if chosen is None or chosen[index]]
                for index, member in members:
                    if table is None:
                        wanted.add(ol.rows[(group.group.key, formula.key, member)])
                    elif index is not None:
                        from .staffing import post_formula

                        parts.append(post_formula(layout, ol, table, formula, index,
                                                  cols[0] if cols else None, factor))
                    else:
                        wanted.update(ol.rows[(group.group.key, formula.key, f"period:{period}")]
                                      for period in table.periods)
            rows = sorted(wanted)
        for r in rows:
            if cols is None and factor_row is None:
                parts.append(cell(ol.sheet, r, COL_TOTAL))
            elif cols is None:
                parts.append(f"SUMPRODUCT({cell(ol.sheet, r, layout.year_col(0))}:{cell(None, r, layout.last_year_col)},"
                             f"{cell(ol.sheet, factor_row, layout.year_col(0))}:{cell(None, factor_row, layout.last_year_col)})")
            else:
                term = cell(ol.sheet, r, cols[0])
                if factor_row is not None:
                    term += "*" + cell(ol.sheet, factor_row, cols[0])
                parts.append(term)
        text = f"SUM({','.join(parts)})" if parts else "0"
        if spec.each:
            text += "/" + self._count_cell(ol, spec.post)
        return text

    def _count_cell(self, ol: OptionLayout, post_id: str) -> str:
        """Where a post's number of posts is: on Inputs, or on the Staffing sheet."""
        for group in ol.result.groups:
            table = self.layout.staffing_table(group)
            ids = [instance.id for instance in group.instances]
            if table is not None and post_id in ids:
                return cell(table.sheet, table.first_row + ids.index(post_id), table.columns["count"], True, True)
        return cell("Inputs", ol.instance_inputs[(post_id, "count")], IN_VALUE, True, True)

    # ------------------------------------------------------------------ Scenario and Cover

    def _scenario_text(self, sheet) -> None:
        s = self.styles
        sheet.write_string(0, 0, "The scenario file", s.title)
        write_text(sheet, 1, 0, f"{self.scenario_file}: the text this workbook was built from, line by line. "
                           "Copy column B into a file of that name to re-run it.", s.subtitle)
        sheet.write_string(3, 0, "Line", s.heading)
        sheet.write_string(3, 1, "Text", s.heading)
        sheet.repeat_rows(3)
        sheet.set_column(0, 0, 6)
        sheet.set_column(1, 1, 110)
        mono = self.workbook.add_format({"font_name": "Courier New", "font_size": 10})
        lines = (self.scenario.source_text or "").split("\n")
        # The file is for re-running, not for reading on paper: the default print is this sheet's heading.
        sheet.write_string(2, 0, f"The {len(lines):,} lines below are left out of the printed workbook; "
                                 "print them from the file, or select them and print the selection.", s.note)
        sheet.print_area(0, 0, 3, 1)
        for i, line in enumerate(lines, start=1):
            sheet.write_number(3 + i, 0, i, s.number("year"))
            if line:
                sheet.write_string(3 + i, 1, line, mono)

    def _cover(self, sheet) -> None:
        s, meta, projection = self.styles, self.scenario.metadata, self.projection
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, 1, 100)
        write_text(sheet, 0, 0, meta.title, s.title)
        rows = [
            ("Authority", meta.authority), ("Status", meta.status), ("Date", meta.date.isoformat()),
            ("Author", meta.author), ("Scenario id", meta.id),
        ]
        row = 2
        for label, value in rows:
            sheet.write_string(row, 0, label, s.bold)
            write_text(sheet, row, 1, value, s.text)
            row += 1
        if meta.description:
            sheet.write_string(row, 0, "Description", s.bold)
            write_text(sheet, row, 1, meta.description.strip(), s.wrap)
            row += 1
        row += 1
        sheet.write_string(row, 0, "Lowest net present cost", s.bold)
        best = _lowest_npc(projection)
        best_name = best.name + (" (baseline)" if best.baseline else "")
        first, last = min(self.summary_rows.values()), max(self.summary_rows.values())
        npcs = f"{cell('Summary', first, 3, True, True)}:{cell(None, last, 3, True, True)}"
        ranks = f"{cell('Summary', first, 8, True, True)}:{cell(None, last, 8, True, True)}"
        self.formula(sheet, row, 1, self.layout.best_option_cell, best_name, s.bold)
        row += 1
        sheet.write_string(row, 0, "Its net present cost", s.bold)
        self.formula(sheet, row, 1, f"INDEX({npcs},MATCH(1,{ranks},0))", best.npc,
                      self.workbook.add_format({"num_format": MONEY, "bold": True, "align": "left"}))
        row += 1
        if self.appraised is not None and self.appraised.preferred is not None:
            appraised = self.appraised
            preferred = appraised.preferred
            shortlisted = sum(outcome.shortlisted for outcome in appraised.long_list)
            sheet.write_string(row, 0, "Preferred by weighted score", s.bold)
            write_text(sheet, row, 1, f"{appraised.names[preferred.option]}: {preferred.weighted:.2f} of "
                                 f"{appraised.appraisal.scale.high.value:g}, from a long list of "
                                 f"{len(appraised.long_list)} cut to {shortlisted} by gateway criteria "
                                 f"(see Appraisal)", s.bold)
            row += 1
        sheet.write_string(row, 0, "Master check", s.bold)
        self.formula(sheet, row, 1, f'IF({self.master_check}=1,"every model check passes","A MODEL CHECK FAILS: see Checks")',
                      "every model check passes", s.bold)
        row += 1
        sheet.write_string(row, 0, "Model review", s.bold)
        from ..review import in_words

        write_text(sheet, row, 1, in_words(self.warnings) + " (see Checks)", s.text)
        row += 1
        sheet.write_string(row, 0, "Published figures", s.bold)
        if self.published_summary:
            agree, total = self.published_summary
            checks = projection.checks
            self.formula(sheet, row, 1, f'{agree}&" of "&{total}&" agree with the arithmetic (see Checks)"',
                          f"{sum(c.ok for c in checks)} of {len(checks)} agree with the arithmetic (see Checks)",
                          s.text)
        else:
            sheet.write_string(row, 1, "none stated", s.text)
        row += 1
        sheet.write_string(row, 0, "Input changes", s.bold)
        # The flag itself is written with the inputs it counts, once every sheet is written (validation.py).
        self.cover_flag = (row, 1)
        row += 2
        sheet.write_string(row, 0, "What each sheet holds", s.section)
        row += 1
        row = self._labelled_rows(sheet, row, SHEET_PURPOSES) + 1
        sheet.write_string(row, 0, "How to read the figures", s.section)
        row += 1
        reading = [
            ("Signs", "Costs are positive; savings and income are negative (shown in brackets)."),
            ("Units", "Pounds. Cash is what the budget sees each year. Real terms are cash at "
                      f"{financial_year_label(self.scenario.timeline.price_base)} prices (deflated by the general "
                      "price index)."),
            ("Present value", "Real terms discounted the Green Book way: the first year is year 0 and is not "
                              "discounted. Net present cost (NPC) is the sum of present values; equivalent "
                              "annual cost (EAC) is NPC over the sum of the discount factors."),
            ("Colours", "Yellow cells with blue figures are inputs; grey italic figures are defaults from a "
                        "public standard or fixed by definition; everything else is a formula."),
            ("Changing an input", "The sheets are protected without a password, so that no formula is overwritten "
                                  "by accident (Review > Unprotect Sheet lifts it; Excel opens rows grouped under a + "
                                  "only on a sheet unprotected). The yellow cells can be changed: "
                                  "each accepts only what the scenario's rules allow, and its cell note gives its "
                                  "source. Every figure, total and check then recalculates, and Input changes "
                                  "above counts the inputs changed since publication; the Sensitivity and Risk "
                                  "sheets do not recalculate, being results for the inputs as published."),
            ("Following a figure", "Click a cell to see its formula; each refers to Inputs or to rows above it. "
                                   "Each block on an option sheet starts with its definition in plain English."),
        ]
        for name, tables in self.layout.staffing_sheets.items():
            posts = sum(len(table.group.instances) for table in tables)
            reading.append((name, f"{posts:,} posts, employed by {', '.join(tables[0].options)}, are listed on the "
                                  f"{name} sheet with their inputs, not on Inputs. Their option sheets show one row "
                                  "per cost line and per period the posts run in, adding the posts up with the "
                                  "line's formula (SUMPRODUCT), not a row for each post."))
        row = self._labelled_rows(sheet, row, reading) + 1
        sheet.write_string(row, 0, "Re-running it", s.section)
        row += 1
        priced_with = self.scenario.priced_with
        for label, value in (("Tool", f"costmodel {__version__}"),
                             (PARAMETER_SET, priced_with.label),
                             ("Its figures", priced_with.in_words(corporation_tax=any(
                                 option.contract_sum is not None and option.pays_corporation_tax
                                 for option in self.scenario.options))),
                             ("Scenario file", self.scenario_file),
                             # The files its posts were read from (staffing_from), each by its hash: the
                             # Scenario sheet holds the scenario, not them, and verify must know they are the same.
                             *((e.cover_label, e.cover_value) for e in self.scenario.establishments),
                             ("Scenario fingerprint", projection.fingerprint),
                             ("Command", self.rerun),
                             ("Verify it", "costmodel verify <this workbook>: re-runs the scenario on the Scenario "
                                           "sheet and compares every cell")):
            sheet.write_string(row, 0, label, s.bold)
            if label == "Its figures":
                write_text(sheet, row, 1, value, s.wrap)
            else:
                write_text(sheet, row, 1, value, s.text)
            row += 1
        if self.run_record:
            row += 1
            sheet.write_string(row, 0, RUN_RECORD, s.section)
            row += 1
            for label, value in self.run_record:
                sheet.write_string(row, 0, label, s.bold)
                write_text(sheet, row, 1, value, s.text)
                row += 1


    def _labelled_rows(self, sheet, row: int, pairs) -> int:
        """A bold label and its wrapped text, a row each; returns the row after them."""
        for label, text in pairs:
            sheet.write_string(row, 0, label, self.styles.bold)
            sheet.write_string(row, 1, text, self.styles.wrap)
            row += 1
        return row


# ---------------------------------------------------------------------- module helpers

def _stated_for(stated, year: int):
    """The figure a row by year states for a year: its table's, or the one figure for every year (or None)."""
    return stated.get(year) if isinstance(stated, dict) else stated


def _factored(cash: np.ndarray, series: dict, factor: str | None) -> np.ndarray:
    return cash if factor is None else cash * series[factor][0]


def employers_by_year(option, years: list[int], first_year: int) -> list[str]:
    """Who employs the option's staff in each year, in words (the council, the trust, or both)."""
    from ..engine.timeline import go_live

    if not option.employer_changes_at_go_live:
        return ["the council"] * len(years)
    year, months_before = go_live(option, first_year)
    new = EMPLOYER_WORDS[option.family]  # short enough for a year's column; the row's label names it
    out = []
    for each in years:
        if each < year:
            out.append("the council")
        elif each == year and months_before:
            # The month before go-live: the financial year's months run from April.
            last = _dt.date(2000, (months_before + 2) % 12 + 1, 1).strftime("%B")
            out.append(f"the council to {last}, then {new}")
        else:
            out.append(new)
    return out


def _reference_timeline(result) -> dict[str, float]:
    """The timeline in the full-year column: year 0, live all year, indices and factors at 1."""
    values = {"year_number": 0.0, "live": 1.0, "pre_live": 0.0, "employer_operates": 1.0, "general_index": 1.0,
              "pay_index": 1.0, "discount_factor": 1.0, "real_factor": 1.0, "pv_factor": 1.0}
    return {formula.key: values[formula.key] for formula in TIMELINE_ROWS}


def write_workbook(report, published: dict | None = None) -> bytes:
    """The comparison workbook of a Report, as bytes (written to disk by the caller, atomically).

    `published` (each input's (sheet, cell) to its value as published) is for a workbook that re-prices a
    publication whose inputs a reader changed: its Cover flag and Published sheet then say what the reader's do."""
    return WorkbookWriter(report, published).build()


def build_workbook(projection: Projection, rerun_command: str | None = None,
                   run_record: list[tuple[str, str]] | None = None, uncertainty: tuple | None = None,
                   warnings: list | None = None, published: dict | None = None) -> bytes:
    """The comparison workbook of a projection: its Report assembled, written, and closed.

    `uncertainty` is (sensitivity, simulation), and `warnings` the model review's, where the
    caller has them already.
    """
    return built_book(projection, rerun_command, run_record, uncertainty, warnings, published).data


def built_book(projection: Projection, rerun_command: str | None = None,
               run_record: list[tuple[str, str]] | None = None, uncertainty: tuple | None = None,
               warnings: list | None = None, published: dict | None = None) -> Book:
    """`build_workbook`'s workbook, closed: its bytes (`data`) and what was written into it, for a caller
    that compares its cells with another workbook's (verify) and need not read them back from the bytes."""
    from ..report import assemble

    with assemble(projection, warnings=warnings, run_record=run_record, rerun_command=rerun_command,
                  uncertainty=uncertainty) as report:
        writer = WorkbookWriter(report, published)
        writer.build()
        return writer.book


def _lowest_npc(projection):
    """The option ranked first; of options tied for it, the first the scenario lists."""
    return min(projection.summaries, key=lambda summary: summary.rank)
