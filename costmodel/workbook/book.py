"""Opening, writing into and closing a workbook: the one place for its safety options and print set-up.

Every workbook costmodel writes (the comparison workbook, the diff workbook, a Sensitivity or
Risk workbook) is opened here: in memory, so it is written whole or not at all by the caller;
with text never turned into a formula, a number or a link; with a fixed creation date, so the
same input gives the same bytes; and signed, so costmodel knows its own files.
"""

from __future__ import annotations

import datetime as _dt
import io
import re

import numpy as np
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from .. import __version__
from ..files import SIGNATURE

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



class Book:
    """A workbook being written in memory; `close()` gives its bytes."""

    def __init__(self, created: _dt.datetime = _dt.datetime(2000, 1, 1), **properties):
        self._buffer = io.BytesIO()
        self.workbook = xlsxwriter.Workbook(self._buffer, SAFE)
        self.workbook.worksheet_class = FormulaSheet
        self.workbook.set_properties({**properties, "created": created, "comments": f"{SIGNATURE} {__version__}"})

    def close(self, a4: bool = False, footer: str | None = None, one_page=()) -> bytes:
        """Every sheet printed landscape, a page wide (`one_page`: a page in all); on A4 with a footer where
        asked. The workbook's bytes."""
        for sheet in self.workbook.worksheets():
            sheet.set_landscape()
            if a4:
                sheet.set_paper(9)
            sheet.fit_to_pages(1, 0)
            if footer is not None:
                sheet.set_footer(footer)
        for sheet in one_page:
            sheet.fit_to_pages(1, 1)
        self.workbook.close()
        return self._buffer.getvalue()


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
