"""Book.cells_as_read: a workbook's cells as reading its bytes gives them, without reading them.

`verify` and `import` compare a published workbook's cells with their re-run's. The re-run's are taken
from what was written into it rather than parsed back from its bytes, so each rule here (how XlsxWriter
writes a number or a piece of text, and how the reader reads it) must give exactly what the reader
gives: every test compares the two, cell for cell and type for type.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import costmodel
from costmodel.audit.reader import cells_written, read_cells
from costmodel.workbook.book import Book
from costmodel.workbook.writer import built_book

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))


def _as_read(book: Book):
    """(as written, as read from the bytes): each a tuple of sheets, content, stored values and formats."""
    read = read_cells(book.data, "test")
    return book.cells_as_read(), (read.sheets, read.content, read.stored, read.formats)


def _typed(cells) -> list:
    """Every part with each value's type beside it: 1 and 1.0, or True and 1, are not the same reading."""
    sheets, *parts = cells
    return [sheets] + [{key: (type(value), value) for key, value in part.items()} for part in parts]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
def test_a_shipped_scenarios_workbook_as_written_is_its_workbook_as_read(path):
    written, read = _as_read(built_book(costmodel.project(costmodel.load_scenario(path))))
    assert written is not None
    assert _typed(written) == _typed(read)
    assert len(written[1]) > 5_000  # thousands of cells compared, not a sheet or two


def _small_book(fill) -> Book:
    book = Book()
    sheet = book.workbook.add_worksheet("Sheet")
    fill(book.workbook, sheet)
    book.close()
    return book


#: Text each rule of the reading must follow: XlsxWriter escapes control characters as _xHHHH_ and an
#: _xHHHH_ already written as _x005F_xHHHH_; the reader undoes the second only (every "x005F_").
AWKWARD_TEXT = ["plain", " leading and trailing ", "tab\tand\nnew line", "carriage\rreturn", "bell\x07",
                "_x0041_ looks escaped", "x005F_ alone", "_x005F_x0041_", "&amp; <b> & < >", "£40,000 – “quoted”",
                "", "<r>not rich</r>x", "=1+1", "0012"]
#: Numbers whose 16 significant digits the reader parses back to another float, or to an int.
AWKWARD_NUMBERS = [0, -0.0, 1, 1.0, 0.1 + 0.2, 1 / 3, 2 ** 53 + 1, 10 ** 17, 1e-300, 123456789.123456789,
                   -7.5, 1e16, 99999999999999999.0]


def test_awkward_text_and_numbers_as_written_are_as_read():
    def fill(workbook, sheet):
        money = workbook.add_format({"num_format": "£#,##0;(£#,##0)"})
        same = workbook.add_format({"num_format": "£#,##0;(£#,##0)"})  # written as the one made before it
        whole = workbook.add_format({"num_format": "0"})
        for row, text in enumerate(AWKWARD_TEXT):
            sheet.write_string(row, 0, text)
            sheet.write_string(row, 1, text, money)
        for row, number in enumerate(AWKWARD_NUMBERS):
            sheet.write_number(row, 2, number, same if row % 2 else money)
            sheet.write_number(row, 3, number, whole)
            sheet.write_formula(row, 4, f"=C{row + 1}", money, number)
        for row, value in enumerate([True, False, "", "#N/A", "#DIV/0!", "text shown", "tab\there"]):
            sheet.write_formula(row, 5, f"=A{row + 1}", None, value)
        sheet.set_row(20, None, workbook.add_format({"num_format": "0.00"}))
        sheet.write_number(20, 0, 2.5)  # no format of its own: the row's
        sheet.set_column(7, 7, None, workbook.add_format({"num_format": "0.000"}))
        sheet.write_number(21, 7, 2.5)  # the column's
        sheet.write_blank(22, 0, None, money)  # a format alone: nothing read

    written, read = _as_read(_small_book(fill))
    assert written is not None
    assert _typed(written) == _typed(read)
    # Each rule was exercised: a control character read back as its escape, an escape as written, a sum
    # read back at 16 digits (0.1 + 0.2 is 0.30000000000000004, written 0.3), and 2**53 + 1 written as
    # the float nearest it, 2**53 = 9,007,199,254,740,992 (16 digits, whole, no point), read back as an int.
    assert read[1][("Sheet", "A5")] == "bell_x0007_"
    assert read[1][("Sheet", "A6")] == "_x0041_ looks escaped"
    assert read[1][("Sheet", "C5")] == 0.3 != 0.1 + 0.2
    assert read[1][("Sheet", "C7")] == 9_007_199_254_740_992 and type(read[1][("Sheet", "C7")]) is int


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FFF), max_size=12),
                min_size=1, max_size=8),
       st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=8))
def test_any_text_and_numbers_as_written_are_as_read_or_read_from_the_file(texts, numbers):
    def fill(workbook, sheet):
        for row, text in enumerate(texts):
            sheet.write_string(row, 0, text)
        for row, number in enumerate(numbers):
            sheet.write_number(row, 1, number)

    written, read = _as_read(_small_book(fill))
    if written is not None:  # None: a cell the rules do not follow, read from the file instead
        assert _typed(written) == _typed(read)


def test_a_date_a_number_read_as_a_date_and_rich_text_are_left_to_the_reader():
    import datetime

    def dated(workbook, sheet):
        sheet.write_datetime(0, 0, datetime.datetime(2027, 4, 1), workbook.add_format({"num_format": "yyyy-mm-dd"}))

    def number_as_date(workbook, sheet):
        sheet.write_number(0, 0, 46000, workbook.add_format({"num_format": "dd/mm/yyyy"}))

    def rich(workbook, sheet):
        sheet.write_rich_string(0, 0, "plain ", workbook.add_format({"bold": True}), "bold")

    for fill in (dated, number_as_date, rich):
        book = _small_book(fill)
        assert book.cells_as_read() is None, fill.__name__
        assert cells_written(book) is None
        assert read_cells(book.data, "test").content  # the reader reads it all the same


def test_equal_numbers_written_otherwise_are_read_as_written():
    # 1 and Decimal("1.0") are equal (and hash alike), but XlsxWriter writes "1" and "1.0": an int and a float.
    from decimal import Decimal

    for first, second in ((1, Decimal("1.0")), (Decimal("1.0"), 1), (10, Decimal("1E+1"))):
        def fill(workbook, sheet, first=first, second=second):
            sheet.write_number(0, 0, first)
            sheet.write_number(1, 0, second)

        written, read = _as_read(_small_book(fill))
        assert written is not None
        assert _typed(written) == _typed(read), (first, second)


def test_a_sheet_name_or_format_code_the_reader_reads_otherwise_is_left_to_the_reader():
    # In an attribute the reader reads a tab or a carriage return as a space, and a control character
    # not at all (the file is refused); a code given as a number beyond the built-in ones has no text.
    def tab_in_code(workbook, sheet):
        sheet.write_number(0, 0, 1, workbook.add_format({"num_format": "0\t0"}))

    def code_as_number(workbook, sheet):
        sheet.write_number(0, 0, 1, workbook.add_format({"num_format": 170}))

    for fill in (tab_in_code, code_as_number):
        assert _small_book(fill).cells_as_read() is None, fill.__name__
    for name in ("a\tb", "a\rb", "a\x01b"):
        book = Book()
        book.workbook.add_worksheet(name).write_number(0, 0, 1)
        book.close()
        assert book.cells_as_read() is None, repr(name)
    tabbed = Book()
    tabbed.workbook.add_worksheet("a\tb").write_number(0, 0, 1)
    tabbed.close()
    assert read_cells(tabbed.data, "test").sheets == ["a b"]  # why: read otherwise than written
