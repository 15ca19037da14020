"""A workbook that is safe to change: its inputs open, its formulas locked, each input held to its limits.

Every cell the writer writes in an input's format (yellow, `Styles.number(unit, "input")`) is unlocked
(styles.py) and noted by its sheet (`FormulaSheet.unlocked`, book.py); the writer says what each is
(`describe_input`). When the sheets are written, `make_safe` protects every sheet without a password,
gives each input the data validation of its declaration (the limits the scenario's schema holds it to,
never restated here) and its source and note as a cell note, and keeps every input's published value on a
hidden sheet, for the Cover's flag "inputs changed since publication".
"""

from __future__ import annotations

from dataclasses import dataclass

from ..lines import INPUTS
from ..scenario.schema import FIELD_LIMITS, FIGURE_LIMITS, POST_LIMITS, in_unit
from ..scenario.units import financial_year_label
from .layout import cell

#: The hidden sheet of every input's published value, and the test of each against its cell now.
PUBLISHED_SHEET = "Published"

#: Each sheet protected, without a password, so a formula is not overwritten by accident: a reader may still
#: select any cell and size columns and rows, so reading and printing are as before. (Neither Excel nor
#: XlsxWriter has an option for the outline's + and -: a protected sheet's grouped rows stay as they are
#: until it is unprotected, Review > Unprotect Sheet, which asks for no password.)
PROTECTION = {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True,
              "format_rows": True}

#: An input of the workbook by a name its limits are declared under in the schema, where the two differ.
_DECLARED_AS = {
    "council_pension_rate": "pension_rate",
    "general_inflation": "rate_by_year", "pay_award": "rate_by_year",
    "index_weight_1": "index_weight", "index_weight_2": "index_weight", "index_weight_3": "index_weight",
    "optimism_bias_upper": "upper_bound", "optimism_bias_lower": "lower_bound",
    "optimism_bias_mitigation": "mitigation",
    "uplift_margin": "margin", "uplift_cap": "cap", "uplift_floor": "floor",
}
#: Units whose figures are whole numbers (a year, a count of months, a flag of 1 or 0).
WHOLE_UNITS = ("count", "year", "months", "flag")
_UNIT_OF_MESSAGE = {"rate": "rate", "£": "pounds", "£ a year": "pounds", "£ a week": "pounds", "pounds": "pounds"}


@dataclass
class InputCell:
    """One input the workbook holds: where it is, what it is, and what it may be."""

    sheet: str
    row: int
    col: int
    value: float | str
    #: The input's name in lines/ or workbook/layout.py (INPUT_LABELS, YEAR_INPUTS), an index's series
    #: name (index:<name>), or "published_figure" / "tolerance"; None where the writer did not say.
    name: str | None = None
    unit: str = ""
    label: str = ""
    source: str = ""
    note: str = ""
    #: Where the scenario states it (its line in the file and its path), where it does.
    line: int | None = None
    path: str | None = None
    #: The financial year of a figure in a row by year.
    year: int | None = None
    #: The words it may be (a choice), else None.
    choices: tuple[str, ...] | None = None
    #: (lowest, highest): numbers, or formulas (a score within the scale's cells); None: the declaration's.
    bounds: tuple | None = None
    #: The validation's title, where it is shorter than the label (a column of posts shares one).
    title: str = ""

    @property
    def reference(self) -> str:
        return cell(self.sheet, self.row, self.col, True, True)


def declared_limits(name: str | None) -> tuple | None:
    """The (lowest, highest[, why]) the scenario's schema holds an input to, where it declares limits."""
    if name is None:
        return None
    if name.startswith("index:"):
        name = "rate_by_year"
    spec = INPUTS.get(name)
    if spec is not None and spec.limits is not None:
        return tuple(spec.limits)
    if name in POST_LIMITS:
        return tuple(POST_LIMITS[name])
    declared = _DECLARED_AS.get(name, name)
    if declared in FIGURE_LIMITS:
        return tuple(FIGURE_LIMITS[declared])
    found = FIELD_LIMITS.get(declared, set())
    return next(iter(found)) if len(found) == 1 else None


def validation_of(item: InputCell) -> dict:
    """XlsxWriter's data_validation options for an input: its choices, or its limits, said in words."""
    what = _short(item.title or item.label or "This input", 32)
    if item.choices is not None:
        listed = ", ".join(item.choices)
        return {"validate": "list", "source": list(item.choices),
                "input_title": what, "input_message": _short(f"One of: {listed}.", 255),
                "error_title": "Not one of the choices", "error_message": _short(f"Choose one of: {listed}.", 255)}
    whole = item.unit in WHOLE_UNITS
    kind, words = ("integer", "a whole number") if whole else ("decimal", "a number")
    bounds = item.bounds or declared_limits(item.name)
    if item.unit == "flag":
        bounds = (0, 1)
    if bounds is None:
        # Nothing declared: any number a cell can hold, so that text typed into a figure is refused.
        options = {"validate": kind, "criteria": "between", "minimum": -1e15, "maximum": 1e15}
        said, why = f"{words}", ""
    else:
        low, high = bounds[:2]
        why = bounds[2] if len(bounds) > 2 else ""
        options = {"validate": kind, "criteria": "between", "minimum": low, "maximum": high}
        said = f"{words} from {_said(low, item.unit)} to {_said(high, item.unit)}"
    if item.unit == "flag":
        said, why = "1 (yes) or 0 (no)", ""
    message = f"It must be {said}, as the scenario's rules allow{why}."
    if item.unit == "rate":
        # A cell shown as a percentage reads a typed 0.05 as 0.05% in LibreOffice (and in Excel with its
        # automatic percent entry, on by default); the sign makes it 5% in both.
        message += " Type a rate with its percent sign: 5% for five per cent."
    return {**options, "input_title": what, "input_message": _short(f"Typed in: {said}.", 255),
            "error_title": "Outside what is allowed", "error_message": _short(message, 255)}


def _said(bound, unit: str) -> str:
    if isinstance(bound, str):  # a cell: the scale's lowest or highest score
        return "the scale's lowest score" if "low" in bound else "the scale's highest score"
    return in_unit(float(bound), _UNIT_OF_MESSAGE.get(unit, unit))


def _short(text: str, most: int) -> str:
    """Excel's limit on a validation's words: a title 32 characters, a message 255; cut at a word."""
    if len(text) <= most:
        return text
    cut = text[:most - 1].rsplit(" ", 1)[0].rstrip(",:;") if " " in text[:most - 1] else text[:most - 1]
    return cut + "…"


def note_of(item: InputCell) -> str:
    """The cell note an input carries: its source and note, as the Inputs sheet has them."""
    parts = []
    if item.source:
        parts.append(f"Source: {item.source.strip()}")
    if item.note:
        parts.append(f"Note: {item.note.strip()}")
    return "\n".join(parts)


def every_input(workbook) -> list[InputCell]:
    """Every unlocked cell of the workbook, in sheet order, as the writer described it."""
    found = []
    for sheet in workbook.worksheets():
        for (row, col), value in sheet.unlocked.items():
            item = sheet.described.get((row, col)) or InputCell(sheet.name, row, col, value)
            item.value = value
            found.append(item)
    return found


def _runs(items: list[InputCell]):
    """(sheet, first row, last row, column, options): one validation for each run of cells down a column
    that are validated alike (a column of posts on a Staffing sheet is one), not one a cell."""
    run = None
    # A column of 10,000 posts asks for a handful of distinct validations: each is worked out once.
    worked_out: dict[tuple, dict] = {}
    for item in sorted(items, key=lambda i: (i.sheet, i.col, i.row)):
        said = (item.title or item.label, item.choices, item.unit, item.bounds, item.name)
        options = worked_out.get(said)
        if options is None:
            options = worked_out[said] = validation_of(item)
        if run is not None and (run[0], run[2] + 1, run[3], run[4]) == (item.sheet, item.row, item.col, options):
            run[2] = item.row
            continue
        if run is not None:
            yield tuple(run)
        run = [item.sheet, item.row, item.row, item.col, options]
    if run is not None:
        yield tuple(run)


def flag_words(changed: int) -> str:
    """What the Cover's flag says with `changed` inputs differing from their published values (its formula's words)."""
    if changed == 0:
        return "Inputs as published"
    return f"{changed} input{'' if changed == 1 else 's'} changed since publication (see the Published sheet, hidden)"


def make_safe(workbook, styles, cover, flag_row: int, flag_col: int,
              published: dict[tuple[str, str], float | str] | None = None) -> list[InputCell]:
    """Protect every sheet, validate and note every input, and write the Cover's flag at (flag_row, flag_col)
    from a hidden sheet of published values. Returns the inputs.

    `published` (("Inputs", "D80") to value) is given where the workbook re-prices a publication whose inputs a
    reader changed (verify, judging a what-if): each input's published value is then the publication's, not
    this workbook's own, so its flags say what the reader's workbook says."""
    items = every_input(workbook)
    published = published or {}
    sheets = {sheet.name: sheet for sheet in workbook.worksheets()}
    for sheet_name, first, last, col, options in _runs(items):
        sheets[sheet_name].data_validation(first, col, last, col, options)
    for item in items:
        sheet = sheets[item.sheet]
        words = note_of(item)
        if words and item.col not in sheet.comments.get(item.row, {}):  # a note of its own kept
            sheet.write_comment(item.row, item.col, words, {"x_scale": 2, "y_scale": 1.5})
    sheet = workbook.add_worksheet(PUBLISHED_SHEET)
    sheet.write_string(0, 0, "Every input's value as published, and whether its cell now differs (1) "
                                 "or not (0); the Cover counts the differences.", styles.bold_line)
    # Where each is stated in the scenario, so that a changed input can be carried back to its line.
    for col, heading in enumerate(("Input", "Cell", "As published", "Changed", "Scenario line", "Scenario path")):
        sheet.write_string(1, col, heading, styles.heading)
    first, count = 2, 0
    for offset, item in enumerate(items):
        row = first + offset
        label = item.label or item.name or ""
        # Unformatted: the sheet is hidden and does not print, so no row is sized to its text.
        sheet.write_string(row, 0, f"{label}, {financial_year_label(item.year)}" if item.year else label)
        reference = item.reference
        sheet.write_string(row, 1, reference.replace("$", ""))
        as_published = published.get((item.sheet, cell(None, item.row, item.col)), item.value) if published \
            else item.value
        if isinstance(as_published, str):
            sheet.write_string(row, 2, as_published)
        else:
            sheet.write_number(row, 2, float(as_published))
        differs = int(as_published != item.value)
        count += differs
        sheet.write_formula(row, 3, f"=IF({reference}={cell(None, row, 2)},0,1)", None, differs)
        if item.line:
            sheet.write_number(row, 4, item.line)
        if item.path:
            sheet.write_string(row, 5, item.path)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 1, 20)
    sheet.set_column(5, 5, 40)
    sheet.hide()
    changed = (f"SUM({cell(PUBLISHED_SHEET, first, 3, True, True)}:{cell(None, first + len(items) - 1, 3, True, True)})"
               if items else "0")
    cover.write_formula(flag_row, flag_col,
                        f'=IF({changed}=0,"Inputs as published",{changed}&IF({changed}=1," input"," inputs")'
                        f'&" changed since publication (see the Published sheet, hidden)")',
                        styles.bold, flag_words(count))
    for sheet in workbook.worksheets():
        sheet.protect("", PROTECTION)
    return items
