"""A workbook that is safe to change (issue 20, part 1): its inputs open and held to their declared limits,
each with its source and note where a reader types, every formula locked on sheets protected without a
password, and a Cover flag, live in LibreOffice, that counts the inputs changed since publication."""

from __future__ import annotations

import re

import openpyxl
import pytest

from bookhelpers import libreoffice_convert
from conftest import make_scenario
from costmodel import load_scenario_text, project
from costmodel.workbook.layout import IN_LINE, IN_NAME, IN_VALUE, INPUT_LABELS
from costmodel.workbook.writer import build_workbook
from workbookparts import parts_of, sheet_part, write_parts

OPTIONS = """\
- id: nothing
  name: An option with no costs
  family: in_house
  baseline: true
- id: bought
  name: Bought in
  family: trust
  go_live: 2019-01
  staffing:
    - {id: sw, title: Social worker, count: 12, vacancy: 5%, salary: {value: "33,000", source: NJC pay spine 2018, note: Grade 7 midpoint}}
  non_pay:
    - {id: purchases, name: Purchases, amount: "300,000", vat_share: 100%}
  stranded_costs:
    - {id: stranded, name: Stranded, amount: "40,000", first_year: 2019/20, last_year: 2020/21}
  failure_risk: {annual_probability: 8%, cost: {low: 3m, central: 6.5m, high: 10m}}
"""
INPUT_FILL = "FFFFF2CC"


@pytest.fixture(scope="module")
def book_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("safe") / "safe.xlsx"
    path.write_bytes(build_workbook(project(load_scenario_text(make_scenario(OPTIONS, years=4)))))
    return path


@pytest.fixture(scope="module")
def book(book_path):
    return openpyxl.load_workbook(book_path)


def _input_cell(book, line: str, name: str):
    """The value cell on Inputs of the input `name` of the line `line`."""
    sheet = book["Inputs"]
    for row in sheet.iter_rows(min_row=1):
        if row[IN_LINE].value == line and row[IN_NAME].value == INPUT_LABELS[name][0]:
            return row[IN_VALUE]
    raise AssertionError(f"no row for {name} of {line} on Inputs")


def _validation_of(sheet, coordinate: str):
    found = [v for v in sheet.data_validations.dataValidation if coordinate in v.sqref]
    assert len(found) == 1, f"{sheet.title}!{coordinate}: {len(found)} validations"
    return found[0]


def test_every_sheet_is_protected_without_a_password_a_reader_can_still_select_and_size(book_path):
    parts = parts_of(book_path)
    sheets = re.findall(r'<sheet name="([^"]+)"', parts["xl/workbook.xml"].decode())
    assert {"Cover", "Inputs", "bought", "Checks", "Published"} <= set(sheets)
    for sheet in sheets:
        xml = parts[sheet_part(parts, sheet)].decode()
        [protection] = re.findall(r"<sheetProtection[^>]*>", xml) or [f"{sheet}: not protected"]
        assert 'sheet="1"' in protection, protection
        assert "password" not in protection.lower() and "hash" not in protection.lower(), protection
        # 0 is "not protected": columns and rows may be sized, cells selected (no selectLockedCells="1").
        assert 'formatColumns="0"' in protection and 'formatRows="0"' in protection, protection
        assert "selectLockedCells" not in protection and "selectUnlockedCells" not in protection, protection


def test_inputs_are_unlocked_and_every_formula_and_every_other_cell_is_locked(book):
    unlocked, formulas = [], 0
    for sheet in book:
        for row in sheet.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                if c.data_type == "f":
                    formulas += 1
                    assert c.protection.locked, f"{sheet.title}!{c.coordinate} {c.value} is a formula left unlocked"
                yellow = c.fill.fgColor.rgb == INPUT_FILL
                if not c.protection.locked:
                    unlocked.append(c)
                    assert yellow, f"{sheet.title}!{c.coordinate} is unlocked but not an input"
                elif yellow:
                    # The one yellow cell that is not an input: the key's example, in words.
                    assert c.value == "an input (typed in, from the scenario)", f"{sheet.title}!{c.coordinate}"
    assert formulas > 100
    assert {_input_cell(book, "Social worker", "salary").coordinate,
            _input_cell(book, "Purchases", "amount").coordinate} <= {c.coordinate for c in unlocked}


def test_every_input_is_validated_by_its_declaration_and_says_why_in_words(book):
    sheet = book["Inputs"]
    unlocked = [c for row in sheet.iter_rows() for c in row if c.value is not None and not c.protection.locked]
    assert len(unlocked) > 10
    for c in unlocked:
        validation = _validation_of(sheet, c.coordinate)
        assert validation.showErrorMessage and validation.error and validation.errorTitle, c.coordinate
        assert validation.showInputMessage and validation.prompt, c.coordinate
    # A post's salary: 0 to £1,000,000 (scenario/schema.py POST_LIMITS, "check the figure" above it).
    salary = _validation_of(sheet, _input_cell(book, "Social worker", "salary").coordinate)
    # (No operator written is "between", the default.)
    assert (salary.type, salary.operator, salary.formula1, salary.formula2) == ("decimal", None, "0.0", "1000000.0")
    assert "£1,000,000" in salary.error
    # A share of VAT is a share: 0 to 1 (the InputSpec of vat_share in lines/activity.py).
    vat = _validation_of(sheet, _input_cell(book, "Purchases", "vat_share").coordinate)
    assert (vat.type, vat.formula1, vat.formula2) == ("decimal", "0.0", "1.0")
    # An amount is at least zero: savings are written as positive amounts (InputSpec of amount).
    amount = _validation_of(sheet, _input_cell(book, "Purchases", "amount").coordinate)
    assert amount.formula1 == "0.0" and "£0" in amount.error


def test_a_figure_in_whole_units_must_be_a_whole_number_and_a_flag_one_or_nought():
    # A post's count may be part of a head (the schema reads it as a number), so no input the test
    # scenario states is in whole units: a year and a flag are checked on their validation directly.
    from costmodel.workbook.validation import InputCell, validation_of

    year = validation_of(InputCell("Inputs", 9, 3, 2019.0, name="first_uplift_year", unit="year", label="First uplift"))
    assert year["validate"] == "integer" and "whole number" in year["error_message"]
    flag = validation_of(InputCell("Inputs", 9, 3, 1.0, name="break_taken", unit="flag", label="Break taken"))
    assert (flag["validate"], flag["minimum"], flag["maximum"]) == ("integer", 0, 1)
    assert "1 (yes) or 0 (no)" in flag["error_message"]


def test_each_input_carries_its_source_and_note_as_a_cell_note(book):
    salary = _input_cell(book, "Social worker", "salary")
    assert salary.comment is not None, "the salary has no cell note"
    assert "NJC pay spine 2018" in salary.comment.text and "Grade 7 midpoint" in salary.comment.text


def test_the_result_sheets_say_they_were_computed_for_the_inputs_as_published(book):
    for name in ("Sensitivity", "Risk"):
        top = " ".join(str(c.value) for row in book[name].iter_rows(max_row=3) for c in row if c.value)
        assert "computed for the inputs as published" in top.lower(), f"{name}: {top}"
        assert "do not recalculate" in top, f"{name}: {top}"


def test_the_cover_says_the_sheets_are_protected_without_a_password_and_what_a_change_does(book):
    words = " ".join(str(c.value) for row in book["Cover"].iter_rows() for c in row if c.value)
    assert "protected without a password" in words
    assert "yellow cells can be changed" in words
    assert "Sensitivity and Risk sheets do not recalculate" in words


def _cover_flag(path) -> str:
    cover = openpyxl.load_workbook(path, data_only=True)["Cover"]
    [flag] = [row[1].value for row in cover.iter_rows(max_col=2) if row[0].value == "Input changes"]
    return flag


def test_the_cover_flag_counts_the_inputs_changed_since_publication_in_libreoffice(book, book_path, tmp_path):
    salary = _input_cell(book, "Social worker", "salary").coordinate
    parts = parts_of(book_path)
    part = sheet_part(parts, "Inputs")
    xml = parts[part].decode()
    # The salary as published, 33,000, typed over with 35,000 in the file, as a reader's edit is saved.
    edited_xml, count = re.subn(rf'(<c r="{salary}"[^>]*><v>)33000(</v>)', r"\g<1>35000\2", xml)
    assert count == 1, f"no 33000 in {salary}"
    edited = write_parts({**parts, part: edited_xml.encode()}, tmp_path / "edited.xlsx")
    as_published, changed = libreoffice_convert([book_path, edited], "xlsx", tmp_path)
    assert _cover_flag(as_published) == "Inputs as published"
    assert _cover_flag(changed).startswith("1 input changed since publication"), _cover_flag(changed)


def test_cell_notes_and_the_published_values_do_not_print(book_path, tmp_path):
    from pdfwords import words

    [pdf] = libreoffice_convert([book_path], "pdf", tmp_path)
    printed = " ".join(word.text for page in words(pdf) for word in page)
    # The source prints in its column on Inputs; the cell note, which says "Source: ..." before it, does not.
    assert "NJC pay spine 2018" in printed
    assert "Source: NJC" not in printed and "Note: Grade" not in printed
    # Nor does the hidden sheet of published values (its heading's words).
    assert "the Cover counts the differences" not in printed


def test_an_option_whose_id_is_published_gets_a_sheet_of_its_own_name():
    # Excel's sheet names ignore case: an option sheet "published" would clash with the hidden sheet.
    text = make_scenario("""\
- id: base
  name: Base
  family: in_house
  baseline: true
- id: published
  name: An option called published
  family: in_house
  non_pay:
    - {id: p, name: P, amount: "1,000"}
""", years=3)
    import io

    names = openpyxl.load_workbook(io.BytesIO(build_workbook(project(load_scenario_text(text))))).sheetnames
    assert names[-1] == "Published" and "published-2" in names
