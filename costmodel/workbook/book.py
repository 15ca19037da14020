"""Opening, writing into and closing a workbook: the one place for its safety options and print set-up.

Every workbook costmodel writes (the comparison workbook, the diff workbook, a Sensitivity or
Risk workbook) is opened here: in memory, so it is written whole or not at all by the caller;
with text never turned into a formula, a number or a link; with a fixed creation date, so the
same input gives the same bytes; and signed, so costmodel knows its own files.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import re

import numpy as np
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from .. import __version__
from ..files import SIGNATURE
from ..scale import without_cycle_collection

#: Text written into a cell stays text: never a formula (a name beginning "="), a number or a link.
SAFE = {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}

#: The functions XlsxWriter 3 renames for Excel 365 (its dynamic-array list; "INGLE(" because it
#: looks for SINGLE as "\\SINGLE\\(", any character then INGLE). A formula holding none of these
#: texts is one XlsxWriter would leave as it is.
_RENAMED_BY_XLSXWRITER = (
    "ANCHORARRAY(", "BYCOL(", "BYROW(", "CHOOSECOLS(", "CHOOSEROWS(", "DROP(", "EXPAND(", "FILTER(", "HSTACK(",
    "LAMBDA(", "MAKEARRAY(", "MAP(", "RANDARRAY(", "REDUCE(", "SCAN(", "INGLE(", "SEQUENCE(", "SORT(", "SORTBY(",
    "SWITCH(", "TAKE(", "TEXTSPLIT(", "TOCOL(", "TOROW(", "UNIQUE(", "VSTACK(", "WRAPCOLS(", "WRAPROWS(",
    "XLOOKUP(", "_xlfn.")
#: One search for any of them: a third of the time of thirty `in` tests.
_MAY_BE_RENAMED = re.compile("|".join(map(re.escape, _RENAMED_BY_XLSXWRITER)))


class FormulaSheet(Worksheet):
    """XlsxWriter's worksheet, with one search for newer function names where it makes thirty.

    XlsxWriter runs a regular expression for each Excel 365 function it renames, on every formula:
    a quarter of the time to write a small workbook. None of costmodel's formulas names one; a
    formula holding none of their names is written as XlsxWriter would write it, and any formula
    that might name one (the text appears anywhere in it) goes through XlsxWriter's own
    preparation unchanged.
    """

    def _prepare_formula(self, formula, expand_future_functions=False):
        if self.use_future_functions or expand_future_functions or _MAY_BE_RENAMED.search(formula):
            return super()._prepare_formula(formula, expand_future_functions)
        if formula.startswith("{"):
            formula = formula[1:]
        if formula.startswith("="):
            formula = formula[1:]
        if formula.endswith("}"):
            formula = formula[:-1]
        return formula

    # What the sheet's print set-up is worked out from: each column's width, each piece of text and
    # its format, merged cells, and the heights the writer asked for.
    def __init__(self):
        super().__init__()
        self.widths: dict[int, float] = {}
        self.texts: list[tuple[int, int, str, object]] = []
        self.merged: dict[tuple[int, int], int] = {}
        self.rows_asked: dict[int, tuple] = {}
        #: Runs of rows grouped in the outline and hidden (first, last): see `collapse`.
        self.collapsed: list[tuple[int, int]] = []
        #: (row, col) -> value of each cell written in an unlocked (input) format, and what the writer said
        #: of it (validation.py's InputCell).
        self.unlocked: dict[tuple[int, int], object] = {}
        self.described: dict[tuple[int, int], object] = {}

    def set_column(self, first_col, last_col, width=None, cell_format=None, options=None):
        for col in range(first_col, last_col + 1):
            self.widths[col] = DEFAULT_WIDTH if width is None else width
        return super().set_column(first_col, last_col, width, cell_format, options)

    def set_row(self, row, height=None, cell_format=None, options=None):
        self.rows_asked[row] = (height, cell_format, options)
        return super().set_row(row, height, cell_format, options)

    def merge_range(self, first_row, first_col, last_row, last_col, data, cell_format=None):
        self.merged[(first_row, first_col)] = last_col
        return super().merge_range(first_row, first_col, last_row, last_col, data, cell_format)

    def _write_string(self, row, col, string, cell_format=None):
        self.texts.append((row, col, string, cell_format))
        if cell_format is not None and not cell_format.locked:
            self.unlocked[(row, col)] = string
        return super()._write_string(row, col, string, cell_format)

    def _write_number(self, row, col, number, cell_format=None):
        if cell_format is not None and not cell_format.locked:
            self.unlocked[(row, col)] = number
        return super()._write_number(row, col, number, cell_format)

    def describe_input(self, row: int, col: int, item) -> None:
        """What the input at (row, col) is (validation.py's InputCell): its validation and note come from it."""
        self.described[(row, col)] = item

    def _write_formula(self, row, col, formula, cell_format=None, value=0):
        if isinstance(value, str):  # a formula that shows text (a name looked up) wraps as text does
            self.texts.append((row, col, value, cell_format))
        return super()._write_formula(row, col, formula, cell_format, value)

    def collapse(self, first: int, last: int) -> None:
        """Rows first to last grouped in Excel's outline and hidden, the + that shows them on the row above.

        They stay in the workbook as they are, every formula live and every value stored, and read as any
        row does on screen once shown; hidden rows do not print, so the default print is the rows around
        them (a sheet's totals, an assumption stated, not the working an analyst opens)."""
        if last >= first:
            self.collapsed.append((first, last))
            self.outline_settings(True, False, True, False)  # the + above each group, by the row it belongs to

    def collapse_each(self, rows) -> None:
        """Each run of consecutive rows among `rows` collapsed (`collapse`), under its own +."""
        run: list[int] = []
        for row in sorted(set(rows)):
            if run and row != run[-1] + 1:
                self.collapse(run[0], run[-1])
                run = []
            run.append(row)
        if run:
            self.collapse(run[0], run[-1])

    def column_points(self, first: int, last: int | None = None) -> float:
        """How wide columns first to last print, in points at 100%."""
        return sum(printed_width(self.widths.get(col, DEFAULT_WIDTH))
                   for col in range(first, (first if last is None else last) + 1))

    def fit_rows_to_text(self) -> None:
        """Every row at least as tall as its wrapped text needs, in the font it prints in (neither Excel
        nor LibreOffice sizes a row on opening); heights the writer asked for are kept where taller."""
        from ..printed.measure import line_count

        needed: dict[int, float] = {}
        # A sheet has a few formats and a few dozen column spans over its thousands of texts.
        shapes: dict[int, tuple | None] = {}
        rooms: dict[tuple[int, int], float] = {}
        merged = self.merged
        for row, col, text, fmt in self.texts:
            if fmt is None or not text:
                continue
            shape = shapes.get(id(fmt), False)
            if shape is False:
                shape = shapes[id(fmt)] = (float(fmt.font_size or 11), bool(fmt.bold),
                                           "Courier" in (fmt.font_name or "")) if fmt.text_wrap else None
            if shape is None:
                continue
            size, bold, mono = shape
            span = (col, merged.get((row, col), col))
            room = rooms.get(span)
            if room is None:
                room = rooms[span] = self.column_points(*span) - CELL_PADDING
            # A text's closing line break (a folded YAML note has one) shows no words: nothing to make room for.
            lines = line_count(text.rstrip("\n") or text, room, size, bold, mono)
            height = lines * size * LINE_SPACING + 2
            if height > needed.get(row, 0.0):
                needed[row] = height
        hidden = {row for first, last in self.collapsed for row in range(first, last + 1)}
        for row in sorted(set(needed) | hidden):
            asked, cell_format, options = self.rows_asked.get(row, (None, None, None))
            height = needed.get(row, 0.0)
            if row in hidden:
                options = {**(options or {}), "level": 1, "hidden": True}
            elif height <= (asked or DEFAULT_HEIGHT):
                continue
            super().set_row(row, round(height, 1) if height > (asked or DEFAULT_HEIGHT) else asked, cell_format,
                            options)
        for first, _ in self.collapsed:
            if first - 1 not in hidden:  # the row with the +, marked as its group's closed
                asked, cell_format, options = self.rows_asked.get(first - 1, (None, None, None))
                height = needed.get(first - 1, 0.0)
                super().set_row(first - 1, round(height, 1) if height > (asked or DEFAULT_HEIGHT) else asked,
                                cell_format, {**(options or {}), "collapsed": True})

    def smallest_text(self) -> float:
        """The size of the sheet's smallest text, in points (figures are in the default 11 pt)."""
        return min([float(fmt.font_size or 11) for _, _, _, fmt in self.texts if fmt is not None] + [11.0])

    def set_up_printing(self) -> None:
        """A page wide where the sheet fits at a scale that keeps its smallest text at SMALLEST_PRINTED or
        larger; else at that scale, across as many pages as it needs, row by row (its writer repeats its
        row titles on each)."""
        self.fit_rows_to_text()
        least = SMALLEST_PRINTED / self.smallest_text()
        used = self.dim_colmax if self.dim_colmax is not None else 0
        wide = self.column_points(0, used)
        if self.print_area_range:
            first, last = _print_area_columns(self.print_area_range)
            wide = self.column_points(first, last)
        if wide * least <= PAGE_WIDTH:
            self.fit_to_pages(1, 0)
        else:
            self.set_print_scale(math.ceil(least * 100))
            self.print_across()


def printed_width(characters: float) -> float:
    """The printed width in points of a column `characters` wide: LibreOffice sets it at 7 points a
    character (DejaVu Sans's digits at 11 pt) and 5 more; Excel, in Calibri, narrower. A page laid
    out to LibreOffice's width fits in both."""
    return 7.0 * characters + 5.0


def _print_area_columns(area: str) -> tuple[int, int]:
    from xlsxwriter.utility import xl_cell_to_rowcol

    first, _, last = area.rpartition("!")[2].replace("$", "").partition(":")
    if first.isalpha():  # whole columns, B:T
        first, last = f"{first}1", f"{last or first}1"
    return xl_cell_to_rowcol(first)[1], xl_cell_to_rowcol(last or first)[1]


#: XlsxWriter's default column width (characters) and row height (points).
DEFAULT_WIDTH, DEFAULT_HEIGHT = 8.43, 15.0
#: A4 landscape's width less XlsxWriter's default margins (0.7 inch left and right), in points.
PAGE_WIDTH = 841.89 - 2 * 0.7 * 72
#: No word prints smaller than 8 pt; this leaves room for rounding in the scale and the renderer.
SMALLEST_PRINTED = 8.25
#: A line of text, as a multiple of its size (Excel's 15 pt rows for 11 pt Calibri), and the space a
#: cell keeps either side of its text, in points.
LINE_SPACING, CELL_PADDING = 15.0 / 11.0, 6.0



class Book:
    """A workbook being written in memory; `close()` gives its bytes."""

    def __init__(self, created: _dt.datetime = _dt.datetime(2000, 1, 1), **properties):
        self._buffer = io.BytesIO()
        self.workbook = xlsxwriter.Workbook(self._buffer, SAFE)
        self.workbook.worksheet_class = FormulaSheet
        self.workbook.set_properties({**properties, "created": created, "comments": f"{SIGNATURE} {__version__}"})

    def close(self, a4: bool = False, footer: str | None = None) -> bytes:
        """Every sheet printed landscape, on A4 with a footer where asked, a page wide where its text stays
        readable (8 pt or more) and across pages where it would not; rows as tall as their wrapped text.
        The workbook's bytes."""
        for sheet in self.workbook.worksheets():
            sheet.set_landscape()
            if a4:
                sheet.set_paper(9)
            if footer is not None:
                sheet.set_footer(footer)
            sheet.set_up_printing()
        self.workbook.close()
        self.data = self._buffer.getvalue()
        return self.data

    def cells_as_read(self) -> tuple[list, dict, dict, dict] | None:
        """Every cell of the closed workbook as reading its bytes gives it (audit/reader.py, `read_cells`):
        the sheets' names, and (sheet, cell) -> formula text or value, -> stored value, -> number format.

        Worked out from what XlsxWriter wrote, as it wrote it (a number at 16 significant digits, text with its
        control characters escaped) and as the reader reads it back (the number parsed again, the escape of an
        escape undone), without parsing the file; None where a cell is of a kind this does not follow (a date,
        rich text, an array formula), so that the caller reads the file instead. tests/workbook/test_book.py
        holds it equal to reading the bytes, for every shipped scenario's workbook and for text and numbers
        chosen to catch each rule out."""
        with without_cycle_collection():  # hundreds of thousands of keys made, none of them in a cycle
            return self._cells_as_read()

    def _cells_as_read(self) -> tuple[list, dict, dict, dict] | None:
        from xlsxwriter.worksheet import CellBlankTuple, CellFormulaTuple, CellNumberTuple, CellStringTuple

        blank, number_cell, string_cell, formula_cell = CellBlankTuple, CellNumberTuple, CellStringTuple, CellFormulaTuple
        strings = [_string_as_read(string) if _LOOKED_AT.search(string) else string
                   for string in self.workbook.str_table.string_array]
        if None in strings:
            return None
        written = self.workbook.xf_formats
        shown_as: dict[int, tuple[str, bool]] = {}
        numbers: dict = {}
        letters: list[str] = []
        sheets, content, stored, formats = [], {}, {}, {}
        for sheet in self.workbook.worksheets():
            sheets.append(sheet.name)
            table = getattr(sheet, "table", None)
            if table is None or sheet.constant_memory or _IN_ATTRIBUTE.search(sheet.name):
                return None
            row_info, col_info, title = sheet.row_info, sheet.col_info, sheet.name
            for row in sorted(table):
                cells = table[row]
                if not cells:
                    continue
                suffix = str(row + 1)
                row_format = row_info[row].row_format if row in row_info else None
                for col in sorted(cells):
                    cell = cells[col]
                    kind = cell.__class__
                    if kind is blank:
                        continue  # a format alone: the reader finds nothing there
                    fmt = cell.format or row_format
                    if fmt is None and col in col_info:
                        fmt = col_info[col].column_format
                    shown = shown_as.get(id(fmt))
                    if shown is None:
                        # A format equal to one made before it is written as that one (XlsxWriter's xf index).
                        shown = shown_as[id(fmt)] = _format_as_read(written[0 if fmt is None else fmt._get_xf_index()])
                        if shown is _UNFOLLOWED:
                            return None
                    while col >= len(letters):
                        letters.append(xl_col_to_name(len(letters)))
                    key = (title, letters[col] + suffix)
                    if kind is number_cell:
                        value = cell.number
                        # Equal numbers are written alike only where they are ints or floats: Decimal("1.0")
                        # equals 1 but is written 1.0.
                        held = numbers.get(value) if value.__class__ in _WRITTEN_ALIKE else None
                        if held is None:
                            if not math.isfinite(value):
                                return None
                            held = _number_as_read(f"{value:.16G}")
                            if value.__class__ in _WRITTEN_ALIKE:
                                numbers[value] = held
                        if shown[1]:
                            return None  # read as a date
                    elif kind is string_cell:
                        held = strings[cell.string]
                    elif kind is formula_cell:
                        held = _formula_value_as_read(cell.value, shown[1])
                        if held is _UNFOLLOWED or _UNREADABLE_IN_VALUE.search(cell.formula):
                            return None
                        content[key] = "=" + cell.formula
                        formats[key] = shown[0]
                        if held is not None:
                            stored[key] = held
                        continue
                    else:
                        return None
                    content[key] = stored[key] = held
                    formats[key] = shown[0]
        return sheets, content, stored, formats


#: What a formula's value is given that the reader reads otherwise than `cells_as_read` follows.
_UNFOLLOWED = object()
#: The text XlsxWriter writes for a formula's value it marks as an error.
_ERRORS = frozenset(("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"))
#: Characters the reader does not read back as written: not allowed in XML, or (a carriage return) read as
#: another; in a shared string XlsxWriter escapes the control characters, in a formula's value it does not.
_UNREADABLE = re.compile("[\ud800-\udfff\ufffe\uffff]")
_UNREADABLE_IN_VALUE = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
#: Characters an attribute (a sheet's name, a number format's code) is not read back with as written.
_IN_ATTRIBUTE = re.compile("[\x00-\x1f\ud800-\udfff\ufffe\uffff]")
#: Numbers that, equal, XlsxWriter writes alike (at 16 significant digits): int, bool and float.
_WRITTEN_ALIKE = frozenset((int, bool, float, np.float64))
#: Text that a shared string's writing or reading may change, or that may not be read back at all.
_LOOKED_AT = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]|_x|x005F_|^<r>")


def _format_as_read(fmt) -> tuple[str, bool] | object:
    """A cell format's number format as openpyxl names it (openpyxl/cell/read_only.py, number_format):
    XlsxWriter's built-in formats by their index, the others by their code; and whether it is a date's (the
    reader reads a number in it as a date). _UNFOLLOWED for a code written as a number beyond the built-in
    ones, or one holding a control character (in an attribute, the reader reads a tab as a space)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE, is_date_format

    index = fmt.num_format_index
    if index < BUILTIN_FORMATS_MAX_SIZE:
        name = BUILTIN_FORMATS.get(index, "General")
    else:
        name = fmt.num_format
        if not isinstance(name, str) or _IN_ATTRIBUTE.search(name):
            return _UNFOLLOWED
    return name, is_date_format(name)


def _number_as_read(text: str):
    """A number the reader reads from `text`: an integer where it is written without a point or exponent."""
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _string_as_read(string: str) -> str | None:
    """Text as the reader reads it back from the shared strings XlsxWriter wrote of it; None where it
    would not be read back as plain text."""
    from xlsxwriter.xmlwriter import XMLwriter

    written = XMLwriter._escape_control_characters(string)
    if (written.startswith("<r>") and written.endswith("</r>")) or _UNREADABLE.search(written):
        return None
    return written.replace("x005F_", "")


def _formula_value_as_read(value, as_date: bool):
    """The stored value the reader reads beside a formula XlsxWriter wrote with `value` (worksheet.py,
    _write_cell); None where it reads none."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value in _ERRORS or value == "":
            return value or None
        # Written as it is, t="str", and read as it is.
        return _UNFOLLOWED if _UNREADABLE_IN_VALUE.search(value) else value
    if type(value) not in (int, float) or as_date or not math.isfinite(value):
        return _UNFOLLOWED
    return _number_as_read(str(value))


def footer_of(scenario_id: str) -> str:
    """The footer of a scenario's pages: its id, the sheet, and the page of how many."""
    return f"&L{scenario_id.replace('&', '&&')}&C&A&RPage &P of &N"


def write_formula(sheet, row: int, col: int, text: str, value, fmt) -> None:
    """A live formula that also stores its computed value (for Protected View and previewers)."""
    if isinstance(value, (bool, np.bool_)):
        sheet.write_formula(row, col, "=" + text, fmt, bool(value))
    elif isinstance(value, str):
        sheet.write_formula(row, col, "=" + text, fmt, value)
    else:
        value = float(value)
        sheet.write_formula(row, col, "=" + text, fmt, 0.0 if value == 0 else value)


def write_text(sheet, row: int, col: int, value, fmt) -> None:
    """Scenario text is always text: a name starting with '=' stays a name."""
    if value:
        sheet.write_string(row, col, str(value), fmt)


#: The size of a chart's words: at the smallest print scale (SMALLEST_PRINTED / 11) they print at 8 pt or more.
CHART_TEXT = 11
#: A line an option: its colour from the palette the pack's charts use, and a marker and dash of its own,
#: so a greyscale printer keeps the lines apart too.
_MARKERS = ("circle", "square", "triangle", "diamond", "x", "plus", "star")
_DASHES = ("solid", "dash", "dash_dot", "round_dot")


def line_style(index: int) -> dict:
    """The options XlsxWriter takes for the index-th line of a chart (options in rank order)."""
    from ..printed.palette import colour

    shade = colour(index)
    return {"line": {"color": shade, "width": 2, "dash_type": _DASHES[index % len(_DASHES)]},
            "marker": {"type": _MARKERS[index % len(_MARKERS)], "size": 6, "fill": {"color": shade},
                       "border": {"color": shade}}}


#: The second time round the palette's fills, an area comes back hatched, as in the pack.
_HATCHES = ("wide_upward_diagonal", "small_grid", "wide_downward_diagonal", "dotted_grid")


def area_style(index: int) -> dict:
    """The options XlsxWriter takes for the index-th area of a chart (categories in the order a reader meets them)."""
    from ..printed.palette import FILLS, fill

    if index < len(FILLS):
        return {"fill": {"color": fill(index)}}
    return {"pattern": {"pattern": _HATCHES[(index // len(FILLS) - 1) % len(_HATCHES)], "fg_color": fill(index),
                        "bg_color": "#FFFFFF"}}


def chart_fonts(chart, title, y_title: str | None = None, x_title: str | None = None, **axes) -> None:
    """A chart's title and axes, every word at CHART_TEXT points (XlsxWriter's own 10 pt would print under
    8 pt at the scale a wide sheet prints at). `axes`: more options for the x axis and the y axis."""
    font = {"size": CHART_TEXT}
    chart.set_title({"name": title, "name_font": {"size": CHART_TEXT + 1, "bold": True}})
    chart.set_x_axis({"num_font": font, "name_font": font, **({"name": x_title} if x_title else {}),
                      **axes.get("x", {})})
    chart.set_y_axis({"num_font": font, "name_font": font, "num_format": "£#,##0",
                      **({"name": y_title} if y_title else {}), **axes.get("y", {})})


def chart_text(text: str, sheet: str, row: int, col: int) -> str | list:
    """What to give XlsxWriter as a chart's title or a series' name so that `text` is shown as
    text; the cell (sheet, row, col) must hold that same text.

    XlsxWriter takes a name shaped like a reference (`Summary!A1 x`, `=cmd|' /C calc'!A0`) for
    one and writes it into the chart as a formula, which Excel would look up or offer to run.
    Text that could be read so (it has a `!`, or starts with `=`) is given as the cell that holds
    it, which a chart shows as written; any other text is given as itself, as it always was."""
    if "!" in text or text.startswith("="):
        return [sheet, row, col]
    return text
