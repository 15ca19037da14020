"""LibreOffice itself refuses a reader's edit to a locked cell, and judges a value outside its rule invalid.

A small workbook written here with XlsxWriter, as costmodel writes its own: one sheet protected
without a password, a rate in an unlocked input cell with a rule (a decimal between 0 and 1, an
error that stops the entry, in words), and a cost, a locked formula on the rate. LibreOffice
attempts each edit twice: entered through the dispatcher in a hidden document, and typed into a
Calc view (tests/lo_edit.py says how, and what LibreOffice enforces on which path).
The same edits on the same workbook without protection and without the rule are the controls:
there LibreOffice takes the edit and judges nothing invalid, so a refusal or a verdict below is
the protection's and the rule's doing, not the harness failing to type.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from lo_edit import Edit, edits_in_libreoffice, typed_in_libreoffice

#: The stored rate, and the cost the formula makes of it: 0.5 x 1,000 = 500.
RATE = 0.5
COST_PER_UNIT_RATE = 1000

EDITS = [
    Edit("Model", "B2", "7", watch=("B2",)),         # over the locked formula
    Edit("Model", "B1", "0.25", watch=("B2",)),      # a rate inside its rule
    Edit("Model", "B1", "5", watch=("B1", "B2")),    # a rate outside it
]


def small_book(path: Path, protected: bool, validated: bool) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Model")
    entry = book.add_format({"locked": False, "bg_color": "#FFF2CC"})
    sheet.write("A1", "Rate")
    sheet.write_number("B1", RATE, entry)
    if validated:
        sheet.data_validation("B1", {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1,
                                     "error_type": "stop", "error_title": "Rate",
                                     "error_message": "A rate is a decimal between 0 and 1."})
    sheet.write("A2", "Cost")
    sheet.write_formula("B2", f"=B1*{COST_PER_UNIT_RATE}", None, RATE * COST_PER_UNIT_RATE)
    if protected:
        sheet.protect()  # no password: a reader who knows can unprotect, nobody overwrites by accident
    book.close()
    return path


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("guarded")
    return edits_in_libreoffice(small_book(folder / "guarded.xlsx", True, True), EDITS, folder / "lo")


@pytest.fixture(scope="module")
def open_book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("open")
    return edits_in_libreoffice(small_book(folder / "open.xlsx", False, False), EDITS, folder / "lo")


def test_libreoffice_reads_the_sheet_as_protected_the_formula_locked_and_the_input_unlocked(guarded):
    over_formula, valid_rate, _ = guarded
    assert over_formula.sheet_protected
    assert over_formula.locked
    assert not valid_rate.locked


def test_typing_over_a_locked_formula_cell_is_refused(guarded):
    over_formula = guarded[0]
    assert over_formula.refused, f"LibreOffice let {over_formula.edit.text!r} replace {over_formula.before}"
    assert over_formula.after["formula"] == "=B1*1000"
    assert over_formula.value("B2") == 500  # 0.5 x 1,000, as it opened


def test_without_protection_the_same_edit_replaces_the_formula(open_book):
    over_formula = open_book[0]
    assert not over_formula.sheet_protected
    assert not over_formula.refused
    assert over_formula.after["formula"] == "7"


def test_a_rate_inside_its_rule_is_taken_and_the_cost_recalculates(guarded):
    valid_rate = guarded[1]
    assert not valid_rate.refused
    assert valid_rate.after["value"] == 0.25
    assert valid_rate.value("B2") == 250  # 0.25 x 1,000
    assert valid_rate.circled_invalid == []


def test_libreoffice_reads_the_rate_s_rule_as_written(guarded):
    rule = guarded[2].rule
    assert (rule["type"], rule["operator"], float(rule["formula1"]), float(rule["formula2"])) == \
        ("DECIMAL", "BETWEEN", 0.0, 1.0)
    # STOP refuses the entry (WARNING and INFO would let a reader keep it), and says why in words.
    assert rule["alert_style"] == "STOP"
    assert rule["show_error"]
    assert (rule["error_title"], rule["error_message"]) == ("Rate", "A rate is a decimal between 0 and 1.")


def test_libreoffice_judges_a_rate_outside_its_rule_invalid(guarded):
    assert guarded[2].circled_invalid == ["B1"]


def test_without_the_rule_the_same_rate_is_judged_nothing(open_book):
    outside = open_book[2]
    assert outside.rule["type"] == "ANY"
    assert outside.circled_invalid == []


# --------------------------------------------------------------------------- typed into a Calc view
# Through Calc's input handler, key by key, as a reader types: where a rule's STOP is enforced.


@pytest.fixture(scope="module")
def typed_guarded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("typed-guarded")
    return typed_in_libreoffice(small_book(folder / "guarded.xlsx", True, True), EDITS, folder / "lo")


@pytest.fixture(scope="module")
def typed_open(tmp_path_factory):
    folder = tmp_path_factory.mktemp("typed-open")
    return typed_in_libreoffice(small_book(folder / "open.xlsx", False, False), EDITS, folder / "lo")


def test_typed_over_a_locked_formula_cell_is_refused(typed_guarded):
    over_formula = typed_guarded[0]
    assert over_formula.sheet_protected and over_formula.locked
    assert over_formula.after["formula"] == "=B1*1000"
    assert over_formula.value("B2") == 500  # 0.5 x 1,000, as it opened


def test_typed_a_rate_inside_its_rule_is_taken_and_the_cost_recalculates(typed_guarded):
    valid_rate = typed_guarded[1]
    assert valid_rate.after["value"] == 0.25
    assert valid_rate.value("B2") == 250  # 0.25 x 1,000


def test_typed_a_rate_outside_its_rule_is_refused(typed_guarded):
    outside = typed_guarded[2]
    assert outside.rule["alert_style"] == "STOP"
    assert outside.refused, f"LibreOffice took {outside.edit.text!r} in a cell whose rule allows 0 to 1"
    assert outside.value("B1") == 0.25
    assert outside.value("B2") == 250  # still 0.25 x 1,000


def test_typed_without_protection_or_rule_both_edits_are_taken(typed_open):
    over_formula, _, outside = typed_open
    assert over_formula.after["formula"] == "7"
    assert outside.value("B1") == 5  # (the cost is 7 now, typed over its formula above)


def test_entered_through_the_dispatcher_a_rate_outside_its_rule_is_written(guarded):
    """What the typed tests are for: the dispatcher's path does not consult the rule at all (if this
    ever fails, LibreOffice has begun to, and the hidden path proves the refusal on its own)."""
    outside = guarded[2]
    assert not outside.refused
    assert outside.value("B2") == 5000  # 5 x 1,000
