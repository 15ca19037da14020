"""The shipped workbooks printed, and read back as a councillor reads them on paper.

Each workbook is built fresh from its scenario, printed to PDF by LibreOffice (as `soffice
--convert-to pdf` prints it: every sheet, each in its default print area) and read with poppler
(tests/pdfwords.py), never through costmodel's own layout code.
"""

from __future__ import annotations

import re

import pytest

from bookhelpers import WORKED_EXAMPLES, built, libreoffice_convert
from conftest import SCENARIOS
from pdfwords import height_at, overlapping, page_sizes, words

from costmodel.engine.projection import project
from costmodel.lines.categories import CATEGORIES
from costmodel.limits import limits
from costmodel.report import assemble
from costmodel.scenario.loader import load_scenario

__all__ = ["built"]

#: Words on successive lines of a cell's wrapped text share this much of their boxes' height in
#: LibreOffice (pdfwords.overlapping says why); words on one line, or text run into text, share more.
BETWEEN_LINES = 0.15
#: A4 landscape in points (297 mm by 210 mm).
A4_LANDSCAPE = (841.89, 595.28)
#: The periods a line runs in and what it grows with, as the scenario file spells them.
SCENARIO_KEYS = ("after_go_live", "before_go_live", "whole_horizon")


@pytest.fixture(scope="module")
def printed(built, tmp_path_factory):
    """Each worked example's workbook as LibreOffice prints it (scenario id -> PDF)."""
    folder = tmp_path_factory.mktemp("printed")
    pdfs = libreoffice_convert([built[name] for name in WORKED_EXAMPLES], "pdf", folder, recalculate=False)
    return dict(zip(WORKED_EXAMPLES, pdfs))


@pytest.fixture(scope="module")
def pages(printed):
    return {name: words(pdf) for name, pdf in printed.items()}


def _sheet_of(page) -> str:
    """The sheet a page prints, from its footer's centre (book.py: scenario, sheet, page of how many)."""
    bottom = max(w.y0 for w in page)
    footer = sorted((w for w in page if w.y0 > bottom - 2), key=lambda w: w.x0)
    return " ".join(w.text for w in footer[1:] if w.text != "Page").rsplit(" ", 3)[0]


def _sheets(pages) -> dict[str, list]:
    out: dict[str, list] = {}
    for page in pages:
        out.setdefault(_sheet_of(page), []).append(page)
    return out


def _results(name: str) -> dict:
    """The documented JSON results of the same scenario (`costmodel run --json`)."""
    with assemble(project(load_scenario(SCENARIOS / f"{name}.yaml", limits(False))), simulate=False) as report:
        return report.to_json()


@pytest.mark.parametrize("name", WORKED_EXAMPLES)
def test_every_page_is_a4_landscape(printed, name):
    sizes = page_sizes(printed[name])
    assert sizes and all(w == pytest.approx(A4_LANDSCAPE[0], abs=0.5) and h == pytest.approx(A4_LANDSCAPE[1], abs=0.5)
                         for w, h in sizes), set(sizes)


@pytest.mark.parametrize("name", WORKED_EXAMPLES)
def test_no_word_is_smaller_than_8_pt(pages, name, tmp_path):
    eight = height_at(8, tmp_path)
    small = [f"page {w.page} ({_sheet_of(pages[name][w.page - 1])}): {w.text!r} at {w.height / eight * 8:.1f} pt"
             for page in pages[name] for w in page if w.height < eight - 0.01]
    assert not small, small[:20]


@pytest.mark.parametrize("name", WORKED_EXAMPLES)
def test_no_two_words_overlap_and_no_figure_is_too_wide_for_its_column(pages, name):
    clashes = [f"page {a.page} ({_sheet_of(pages[name][a.page - 1])}): {a.text!r} and {b.text!r}"
               for page in pages[name] for a, b in overlapping(page, BETWEEN_LINES)]
    assert not clashes, clashes[:20]
    # A figure too wide for its column prints as ###.
    assert not [w.text for page in pages[name] for w in page if re.fullmatch(r"#{2,}", w.text)]


def test_the_reading_checks_tell_a_wrapped_line_from_text_run_into_text():
    from pdfwords import Word

    line, below, into = (Word(1, 0, 0, 40, 10.7, "Agreed"), Word(1, 0, 9.6, 50, 20.3, "officers'"),
                         Word(1, 30, 0.5, 60, 11.2, "Council"))
    assert overlapping([line, below], BETWEEN_LINES) == []
    assert overlapping([line, into], BETWEEN_LINES) == [(line, into)]


@pytest.mark.parametrize("name", WORKED_EXAMPLES)
def test_the_scenario_text_is_not_in_the_default_print(pages, name):
    sheets = _sheets(pages[name])
    assert len(sheets["Scenario"]) == 1
    printed = " ".join(w.text for w in sheets["Scenario"][0])
    assert "The scenario file" in printed and "left out of the printed workbook" in printed
    # Lines the scenario file has, near its top and its end, print nowhere.
    everything = " ".join(w.text for page in pages[name] for w in page)
    lines = (SCENARIOS / f"{name}.yaml").read_text().splitlines()
    keyed = [" ".join(line.split()) for line in lines if re.fullmatch(r"\s*[a-z_]+: \S.{10,}", line)]
    assert len(keyed) > 6
    for line in keyed[:3] + keyed[-3:]:
        assert line not in everything, line


@pytest.mark.parametrize("name", WORKED_EXAMPLES)
def test_the_summary_lists_the_options_in_rank_order_with_the_jsons_figures(pages, name):
    results = _results(name)
    page = _sheets(pages[name])["Summary"][0]
    texts = [w.text for w in page]
    ranked = sorted(results["options"], key=lambda o: o["rank"])
    tops = []
    for option in ranked:
        # Each figure of the table to the pound (the JSON gives pence: a half pound may round either way),
        # on the option's row: its net present cost's line, the first on the page (the category table's
        # totals are below it).
        npc = min((w for w in page if _near(w.text, option["npc"])), key=lambda w: w.y0)
        row = sorted((w for w in page if abs(w.y0 - npc.y0) < 1), key=lambda w: w.x0)
        for key in ("cash_total", "eac"):
            assert any(_near(w.text, option[key]) for w in row), (option["name"], key, [w.text for w in row])
        # The rank, in the last column; or before the first year above the budget envelope, where there is one.
        affordability = option["financial"].get("affordability")
        if affordability is None:
            assert row[-1].text == str(option["rank"]), [w.text for w in row]
        else:
            assert [w.text for w in row[-2:]] == [str(option["rank"]),
                                                  affordability["first_year_above_envelope"] or "none"], row
        tops.append(npc.y0)
    assert tops == sorted(tops)
    assert ranked[0]["name"].split()[0] in texts


def _near(text: str, pounds: float) -> bool:
    """Whether a word is a sum of money within a pound of `pounds`, as the sheets print it: £1,234 or (£1,234)."""
    found = re.fullmatch(r"(\()?£([\d,]+)\)?", text)
    if not found:
        return False
    value = float(found[2].replace(",", "")) * (-1 if found[1] else 1)
    return abs(value - pounds) <= 1


@pytest.mark.parametrize("name", WORKED_EXAMPLES)
def test_flags_print_as_yes_or_no(pages, name):
    """The option sheet's row of whether the option's employer operates, across its years."""
    sheets = _sheets(pages[name])

    def label(page):
        """The row's label, "The option's employer operates", by its words "employer operates"."""
        return next((w for w in page if w.text == "operates" and any(
            v.text == "employer" and abs(v.y0 - w.y0) < 1 and v.x0 < w.x0 for v in page)), None)

    option_pages = [page for found in sheets.values() for page in found if label(page) is not None]
    assert len(option_pages) >= len(WORKED_EXAMPLES)
    for page in option_pages:
        label_word = label(page)
        # The row's figures start on its label's first line, right of the repeated row titles.
        first_line = min(w.y0 for w in page if abs(w.x0 - label_word.x0) < 200 and abs(w.y0 - label_word.y0) < 13
                         and w.text in ("The", "option's", "operates"))
        line = [w for w in page if abs(w.y0 - first_line) < 1]
        words_of_label = {"The", "option's", "employer", "operates", "flag"}
        right_of_label = max(w.x1 for w in line if w.text in words_of_label)
        figures = [w.text for w in line if w.x0 > right_of_label]
        assert figures and set(figures) <= {"Yes", "No"}, (page[0].page, figures)


@pytest.mark.parametrize("name", WORKED_EXAMPLES)
def test_no_internal_key_reaches_the_page(pages, name):
    printed = [w.text.strip(".,;:()'\"") for page in pages[name] for w in page]
    for key in list(CATEGORIES) + list(SCENARIO_KEYS):
        if "_" in key:
            assert key not in printed, key
    # The categories' own names do reach it.
    assert "Irrecoverable" in printed and "Set-up" in printed


def test_no_flag_convention_reaches_the_page(pages):
    for name in WORKED_EXAMPLES:
        printed = " ".join(w.text for page in pages[name] for w in page)
        assert "(1 yes, 0 no)" not in printed and "first_year" not in printed, name


def _option_sheets(name: str) -> list[str]:
    from costmodel.workbook.layout import sheet_names

    return list(sheet_names(project(load_scenario(SCENARIOS / f"{name}.yaml", limits(False)))).values())


@pytest.mark.parametrize("name", WORKED_EXAMPLES)
def test_each_lines_rows_are_grouped_and_hidden_and_keep_their_formulas(built, name):
    """On an option sheet every row from the first line group's heading to the last line's row is in the
    outline at level 1 and hidden, under a visible row that says so; the totals below are not."""
    import openpyxl

    book = openpyxl.load_workbook(built[name])
    for sheet_name in _option_sheets(name):
        sheet = book[sheet_name]
        note = next(row for row in range(1, sheet.max_row + 1)
                    if str(sheet.cell(row, 1).value or "").startswith("Line by line"))
        block = next(row for row in range(1, sheet.max_row + 1) if sheet.cell(row, 1).value == "Cost by category (cash)")
        total = next(row for row in range(1, sheet.max_row + 1) if sheet.cell(row, 2).value == "Total cost (cash)")
        hidden = [row for row in range(1, sheet.max_row + 1) if sheet.row_dimensions[row].hidden]
        # Every row from below the note to the one before the cash block's gap is hidden, at level 1.
        assert hidden == list(range(note + 1, block - 1))
        assert all(sheet.row_dimensions[row].outline_level == 1 for row in hidden)
        assert not sheet.row_dimensions[note].hidden and not sheet.row_dimensions[total].hidden
        assert f"({len(hidden):,} rows)" in sheet.cell(note, 1).value
        # The hidden rows are the calculation itself: the cash totals add up formulas that are in them.
        assert sum(str(sheet.cell(row, 8).value).startswith("=") for row in hidden) > len(hidden) // 3


@pytest.mark.parametrize("name", WORKED_EXAMPLES)
def test_the_default_print_is_the_totals_not_the_working(built, pages, name):
    """What is hidden does not print; what stays prints on every option sheet."""
    import openpyxl

    sheets = _sheets(pages[name])
    for sheet_name in _option_sheets(name):
        printed = " ".join(w.text for page in sheets[sheet_name] for w in page)
        assert "Total cost (cash)" in printed and "Net present cost" in printed
        # A line's definition (lines/activity.py, the first block of nearly every line) is in the hidden rows.
        assert "The share of each year in which this line runs" not in printed
    # Each sheet but the assumptions log prints on a dozen pages at most. The log prints every figure the
    # scenario states, with its source and note in full (several lines, some of them), so its length is
    # the scenario's: a page holds at least ten of its rows, the defaults nobody stated grouped away.
    too_long = {sheet: len(found) for sheet, found in sheets.items() if sheet != "Inputs" and len(found) > 12}
    assert not too_long, too_long
    inputs = openpyxl.load_workbook(built[name])["Inputs"]
    shown = sum(not inputs.row_dimensions[row].hidden for row in range(1, inputs.max_row + 1))
    assert shown < inputs.max_row and len(sheets["Inputs"]) <= shown / 10, (shown, len(sheets["Inputs"]))
