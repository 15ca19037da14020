"""The cells verify, import and the re-pricing read are those openpyxl reads, for every workbook shipped.

read_cells reads each cell element once for its formula, its stored value and its style. What it gives
is held here to openpyxl's own reading of the file (read-only, once with data_only=False and once with
data_only=True), key by key and in order, for the workbooks XlsxWriter writes, for the same workbooks
as LibreOffice saves them, and for sheets edited by hand in ways neither writes.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT
from workbookparts import parts_of, sheet_part, write_parts
from costmodel.audit.reader import read_cells

SHIPPED = sorted((ROOT / "workbooks").glob("*.xlsx"))


def openpyxl_reading(path: Path):
    """Every non-empty cell as openpyxl's read-only workbook gives it: formulas (or values), the values
    stored beside them, and the number formats of the first."""
    content, stored, formats = {}, {}, {}
    for data_only, into in ((False, content), (True, stored)):
        book = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
        for sheet in book.worksheets:
            sheet.reset_dimensions()  # every row there is, as read_cells reads it
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value is not None and hasattr(cell, "coordinate"):
                        into[(sheet.title, cell.coordinate)] = cell.value
                        if not data_only:
                            formats[(sheet.title, cell.coordinate)] = cell.number_format
        book.close()
    return content, stored, formats


def assert_read_as_openpyxl_reads(path: Path) -> None:
    content, stored, formats = openpyxl_reading(path)
    read = read_cells(path.read_bytes(), path.name)
    assert list(read.content.items()) == list(content.items())
    assert list(read.stored.items()) == list(stored.items())
    assert list(read.formats.items()) == list(formats.items())


@pytest.fixture(scope="module")
def saved_by_libreoffice(tmp_path_factory) -> list[Path]:
    from libreoffice import libreoffice_convert

    # LibreOffice's default profile, as a reader has it: the stored values are kept as they open.
    return libreoffice_convert(SHIPPED, "xlsx", tmp_path_factory.mktemp("libreoffice"), recalculate=False)


def test_the_shipped_workbooks_are_those_read_here():
    assert [path.name for path in SHIPPED] == ["county-whole-service.xlsx", "isle-of-wight-2017.xlsx",
                                               "worcestershire-2017.xlsx"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
def test_a_workbook_as_written_is_read_as_openpyxl_reads_it(path):
    content, _, _ = openpyxl_reading(path)
    assert any(str(value).startswith("=") for value in content.values())  # formulas, with values beside them
    assert_read_as_openpyxl_reads(path)


def test_each_workbook_as_libreoffice_saves_it_is_read_as_openpyxl_reads_it(saved_by_libreoffice):
    for path in saved_by_libreoffice:
        assert path.read_bytes() != (ROOT / "workbooks" / path.name).read_bytes()
        assert_read_as_openpyxl_reads(path)


def _rewrite_cell(parts, sheet: str, ref: str, edit) -> None:
    part = sheet_part(parts, sheet)
    xml = parts[part].decode()
    match = re.search(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', xml)
    assert match, f"{sheet}!{ref} not found"
    parts[part] = (xml[:match.start()] + edit(match[0]) + xml[match.end():]).encode()


def _first_figure_formula(path: Path, sheet: str) -> str:
    """The first cell of the sheet whose formula gives a number."""
    content, stored, _ = openpyxl_reading(path)
    return next(ref for (name, ref), value in content.items() if name == sheet and str(value).startswith("=")
                and isinstance(stored.get((name, ref)), float))


def test_a_stored_value_and_a_formula_changed_in_the_xml_are_seen(tmp_path):
    source = ROOT / "workbooks" / "isle-of-wight-2017.xlsx"
    ref = _first_figure_formula(source, "Summary")
    before = read_cells(source.read_bytes(), source.name)
    parts = parts_of(source)
    _rewrite_cell(parts, "Summary", ref, lambda cell: re.sub(r"<f>.*?</f><v>.*?</v>", "<f>1+2</f><v>12345.5</v>", cell))
    edited = write_parts(parts, tmp_path / "edited.xlsx")
    after = read_cells(edited.read_bytes(), edited.name)
    assert (after.content[("Summary", ref)], after.stored[("Summary", ref)]) == ("=1+2", 12345.5)
    assert before.content[("Summary", ref)] != "=1+2"
    # Nothing else moved: every other cell reads as before.
    for cells in (before, after):
        del cells.content[("Summary", ref)], cells.stored[("Summary", ref)]
    assert after.content == before.content and after.stored == before.stored
    assert_read_as_openpyxl_reads(edited)


def test_cells_placed_unusually_are_placed_as_openpyxl_places_them(tmp_path):
    # References in lower case, with a leading zero, naming another row (placed there, as openpyxl's
    # read-only cells are), or missing (placed by counting from the cell before); and a value of each type
    # a sheet can hold.
    source = ROOT / "workbooks" / "isle-of-wight-2017.xlsx"
    parts = parts_of(source)
    part = sheet_part(parts, "Summary")
    row = ('<row r="900">'
           '<c r="b900" t="b"><v>1</v></c>'
           '<c t="str"><v>text held in the cell</v></c>'
           '<c r="E0900"><v>7</v></c>'
           '<c r="G901" t="e"><v>#DIV/0!</v></c>'
           '<c t="inlineStr"><is><t>inline text</t></is></c>'
           '<c r="K900"><f>1/3</f><v>0.33333333333333331</v></c>'
           '<c r="L900" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
           '<c r="M900"><v>2.5E-3</v></c>'
           '<c r="N900"><f>1+1</f></c>'
           '</row>')
    xml = parts[part].decode()
    parts[part] = xml.replace("</sheetData>", row + "</sheetData>", 1).encode()
    edited = write_parts(parts, tmp_path / "placed.xlsx")
    read = read_cells(edited.read_bytes(), edited.name)
    assert {ref: (read.content[("Summary", ref)], read.stored.get(("Summary", ref)))
            for (sheet, ref) in read.content if sheet == "Summary" and ref.endswith(("900", "901"))} == {
        "B900": (True, True), "C900": ("text held in the cell", "text held in the cell"), "E900": (7, 7),
        "H900": ("inline text", "inline text"), "K900": ("=1/3", 1 / 3),
        "L900": ('="a"&"b"', "ab"), "M900": (0.0025, 0.0025), "N900": ("=1+1", None),
        "G901": ("#DIV/0!", "#DIV/0!")}
    assert_read_as_openpyxl_reads(edited)
