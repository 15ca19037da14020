"""The comparison workbook: its sheets, its formulas, its text, its bytes, its print set-up."""

import io
import re
import subprocess

import openpyxl
import pandas as pd
import pytest

import costmodel
from bookhelpers import WORKED_EXAMPLES, built, formula_cells, libreoffice_convert
from conftest import EMPTY_BASELINE, ROOT, SCENARIOS, make_scenario
from costmodel.workbook.writer import build_workbook

__all__ = ["built"]

IOW = "isle-of-wight-2017"


def _book(built, name=IOW, values=False):
    return openpyxl.load_workbook(built[name], data_only=values)


def test_sheets_are_in_reading_order_and_none_is_hidden_but_the_published_inputs(built):
    book = _book(built)
    assert book.sheetnames == ["Cover", "Summary", "Inputs", "hampshire", "in-house", "new-partner", "trust",
                               "Compare", "Sensitivity", "Risk", "Checks", "Scenario", "Published"]
    # The inputs' published values, for the Cover's flag: hidden, so they do not print, but not very
    # hidden, so Unhide shows them; the Cover's flag names the sheet.
    assert {sheet.title: sheet.sheet_state for sheet in book if sheet.sheet_state != "visible"} == {
        "Published": "hidden"}


# Cell references (with or without a sheet), text in quotes, and function names are not constants.
_NOT_CONSTANTS = re.compile(r"""("[^"]*")|('[^']*'!|[A-Za-z_][A-Za-z0-9_.]*!)?\$?[A-Z]{1,3}\$?[0-9]+|[A-Z]+\(""")


@pytest.mark.parametrize("name", WORKED_EXAMPLES)
def test_no_constants_inside_formulas_but_0_1_12_and_100(built, name):
    offenders = {}
    for (sheet, ref), text in formula_cells(built[name]).items():
        numbers = re.findall(r"(?<![A-Za-z0-9_.])[0-9]+(?:\.[0-9]+)?", _NOT_CONSTANTS.sub(" ", text))
        bad = [n for n in numbers if float(n) not in (0, 1, 12, 100)]
        if bad:
            offenders[f"{sheet}!{ref}"] = (text, bad)
    assert not offenders, list(offenders.items())[:10]


def test_the_constants_check_can_fail():
    assert re.findall(r"(?<![A-Za-z0-9_.])[0-9]+(?:\.[0-9]+)?",
                      _NOT_CONSTANTS.sub(" ", "=Inputs!$D$12*1.138+'in-house'!G20*SUM(A1:B2)")) == ["1.138"]


def test_every_calculated_cell_stores_its_value_so_previewers_and_pandas_read_it(built):
    summary = pd.read_excel(built[IOW], sheet_name="Summary", header=5, nrows=4)
    projection = costmodel.project(costmodel.load_scenario(SCENARIOS / f"{IOW}.yaml"))
    expected = projection.summary.sort_values("rank")  # the Summary lists the options in rank order
    assert list(summary["Net present cost (NPC), economic case"]) == pytest.approx(list(expected["npc"]), abs=0.01)
    assert list(summary["Rank (1 = lowest NPC)"]) == list(expected["rank"])
    values = _book(built, values=True)
    formulas = formula_cells(built[IOW])
    empty = [key for key in formulas if values[key[0]][key[1]].value is None]
    assert not empty, empty[:10]


def test_an_input_on_inputs_drives_the_formula_that_names_it(built):
    """Follow a figure back: the Director's pay formula refers to the salary cell on Inputs."""
    book = _book(built)
    inputs = book["Inputs"]
    salary_row = next(row[0].row for row in inputs.iter_rows()
                      if row[1].value == "Director of Children's Services" and row[2].value and "Salary" in row[2].value
                      and row[0].value and row[0].value.startswith("Option 1"))
    assert inputs.cell(salary_row, 4).value == 140_000
    pay_formulas = [c.value for row in book["in-house"].iter_rows() for c in row
                    if isinstance(c.value, str) and f"Inputs!$D${salary_row}" in c.value]
    assert pay_formulas, "no formula on the in-house sheet refers to the Director's salary"


def test_summary_shows_the_answer_first(built):
    values = _book(built, values=True)["Summary"]
    assert values["A4"].value == "Lowest net present cost (economic case):"
    assert values["B4"].value == "Option 2: extend the Hampshire partnership (baseline)"


def test_checks_sheet_shows_published_figures_and_a_master_check_that_passes(built):
    values = _book(built, values=True)
    checks = values["Checks"]
    agree = [row[7].value for row in checks.iter_rows(min_row=6, max_row=12)]
    # Para 35.20 worked by hand (tests/test_shipped_scenarios.py): 4 agree, 3 differ
    assert agree == [1, 0, 0, 0, 1, 1, 1]
    cover = {row[0].value: row[1].value for row in values["Cover"].iter_rows(max_col=2) if row[0].value}
    assert cover["Master check"] == "every model check passes"
    assert cover["Published figures"] == "4 of 7 agree with the arithmetic (see Checks)"
    assert cover["Lowest net present cost"] == "Option 2: extend the Hampshire partnership (baseline)"
    assert cover["Its net present cost"] == pytest.approx(43_249_321.0, abs=1)


def test_text_from_the_scenario_is_always_text():
    hostile = {"title": "=HYPERLINK(\"http://example.invalid\",\"click\")", "name": "+1+2", "line": "-3-4",
               "note": "@SUM(A1:A2)"}
    body = EMPTY_BASELINE + f"""\
- id: hostile
  name: '{hostile["name"]}'
  family: in_house
  non_pay:
    - {{id: x, name: '{hostile["line"]}', amount: 100, note: '{hostile["note"]}'}}
"""
    text = make_scenario(body).replace("title: Test scenario", f"title: '{hostile['title']}'")
    book_bytes = build_workbook(costmodel.project(costmodel.load_scenario_text(text)))
    import io

    book = openpyxl.load_workbook(io.BytesIO(book_bytes))
    found = {value: False for value in hostile.values()}
    for sheet in book:
        for row in sheet.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    for value in found:
                        if c.data_type == "f" and value.lstrip("=+-@") in c.value:
                            pytest.fail(f"{sheet.title}!{c.coordinate} made a formula of scenario text: {c.value}")
                        if c.value == value:
                            assert c.data_type == "s", (sheet.title, c.coordinate)
                            found[value] = True
    assert all(found.values()), found


def test_the_same_scenario_gives_the_same_bytes(tmp_path):
    from click.testing import CliRunner

    from costmodel.cli import cli

    outputs = []
    for n in (1, 2):
        out = tmp_path / f"run{n}.xlsx"
        assert CliRunner().invoke(cli, ["run", str(SCENARIOS / f"{IOW}.yaml"), "-o", str(out)]).exit_code == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_money_is_formatted_consistently(built):
    sheet = _book(built)["in-house"]
    formats = {c.number_format for row in sheet.iter_rows() for c in row
               if isinstance(c.value, str) and c.value.startswith("=") and sheet.cell(c.row, 4).value == "£"}
    assert formats == {'£#,##0;(£#,##0);"–"'}


def test_print_set_up_and_freeze_panes(built):
    book = _book(built)
    wide = {"hampshire", "in-house", "new-partner", "trust", "Compare", "Checks"}
    for sheet in book:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.page_setup.paperSize == 9, sheet.title  # A4
        if sheet.title in wide:  # Inputs prints its log, a page wide; its years are left out
            # Too wide for a page at a scale that keeps 11 pt text at 8 pt or more (8.25 / 11 = 75%):
            # across pages at that scale, with the row titles repeated on each.
            assert not sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
            assert sheet.page_setup.scale == 75, sheet.title
            assert sheet.print_title_cols, sheet.title
        else:
            # One page wide, as many long (fitToWidth is left out of the file when it is 1, the default).
            assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
            assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0), sheet.title
        assert IOW in sheet.oddFooter.left.text and "&P" in sheet.oddFooter.right.text, sheet.title
    option = book["in-house"]
    assert option.freeze_panes == "G6"  # the header row and the label columns stay in view
    assert option.print_title_rows == "$5:$5"
    assert option.print_title_cols == "$A:$B"


def test_the_workbook_renders_to_pdf_with_the_answer_after_the_cover(built, tmp_path):
    """With LibreOffice's own settings, as a councillor prints it (an earlier workbook crashed it here)."""
    [pdf] = libreoffice_convert([built[IOW]], "pdf", tmp_path, recalculate=False)
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                            text=True).stdout)[1])
    assert pages >= 10  # at least a page a sheet
    text = {n: subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True,
                              text=True).stdout for n in (1, 2, 3)}
    assert "Master check" in text[1] and "every model check passes" in text[1]
    assert "Lowest net present cost" in text[1] and "Option 2: extend the Hampshire partnership" in text[1]
    # The Cover runs to a second page at a readable size; the Summary follows it.
    assert "Lowest net present cost" in text[3] and "Option 2: extend the Hampshire partnership" in text[3]
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "3", "-l", "3", str(pdf), str(tmp_path / "summary")],
                   check=True)
    png = next(tmp_path.glob("summary*.png"))
    assert png.stat().st_size > 20_000  # the tables are drawn, not a blank page


def test_formulas_are_prepared_exactly_as_xlsxwriter_prepares_them():
    # FormulaSheet skips XlsxWriter's thirty searches for Excel 365 functions when one combined search
    # finds none; every formula must come out as XlsxWriter's own preparation gives it.
    import openpyxl
    from xlsxwriter.worksheet import Worksheet

    from costmodel.workbook.book import FormulaSheet

    formulas = {c.value for path in sorted((ROOT / "workbooks").glob("*.xlsx"))
                for sheet in openpyxl.load_workbook(path) for row in sheet.iter_rows() for c in row
                if c.data_type == "f"}
    assert len(formulas) > 1000
    formulas |= {"=XLOOKUP(A1,B1:B9,C1:C9)", "=SUM(FILTER(A1:A9,B1:B9>0))", "={SUM(A1:A3)}", "=ASINGLE(A1)",
                 "=_xlfn.XLOOKUP(A1,B1:B9,C1:C9)", "=SORTBY(A1:A9,B1:B9)"}
    ours, theirs = FormulaSheet(), Worksheet()
    for formula in formulas:
        assert ours._prepare_formula(formula) == theirs._prepare_formula(formula), formula


@pytest.mark.parametrize("name", sorted(path.stem for path in SCENARIOS.glob("*.yaml")))
def test_a_row_rendered_once_for_its_years_reads_in_each_year_as_rendered_for_that_year(name):
    # The writer walks each row's formula once (YearsContext) and puts each year's column letters in;
    # every year of every row must read exactly as the formula rendered for that column on its own.
    from costmodel.lines import TIMELINE_ROWS
    from costmodel.workbook.layout import COL_FULL_YEAR, CellContext, Layout, YearsContext

    projection = costmodel.project(costmodel.load_scenario(SCENARIOS / f"{name}.yaml"))
    layout = Layout(projection)
    kinds, compared = set(), 0
    for option in layout.options.values():
        rows = [(formula, None, None) for formula in TIMELINE_ROWS]
        rows += [(formula, group, instance) for group in option.result.groups
                 for formula in group.group.rows for instance in group.instances
                 if (group.group.key, formula.key, instance.id) in option.rows]
        for formula, group, instance in rows:
            across = YearsContext(layout, option, group, instance)
            template = formula.formula.render(across)
            kinds |= {kind for kind, _ in formula.formula.names()}
            # Each year's column, and the full-year column (the price base's year) where the line has no
            # formula of its own there.
            for col in [layout.year_col(t) for t in range(len(projection.years))] + \
                    ([COL_FULL_YEAR] if formula.full_year is None else []):
                assert across.in_column(template, col) == formula.formula.render(
                    CellContext(layout, option, col, group, instance)), (option.sheet, formula.key, col)
                compared += 1
    # Every kind of column-dependent reference was among those compared.
    assert {"series", "input_row", "row", "total", "prev"} <= kinds and compared > 100


@pytest.mark.parametrize("name", sorted(path.stem for path in SCENARIOS.glob("*.yaml")))
def test_a_block_row_rendered_once_for_its_years_reads_in_each_year_as_rendered_for_that_year(name):
    # The category blocks and their totals are walked once a row (OptionSheetYearsTotals) and each
    # year's column letters put in: every year must read as the formula rendered for that column alone.
    from costmodel.lines.totals import BLOCK_TOTALS, CATEGORY_ROWS
    from costmodel.workbook.layout import Layout
    from costmodel.workbook.totals import OptionSheetTotals, OptionSheetYearsTotals

    projection = costmodel.project(costmodel.load_scenario(SCENARIOS / f"{name}.yaml"))
    layout = Layout(projection)
    compared, templates = 0, set()
    for option in layout.options.values():
        rows = [(CATEGORY_ROWS[key], category) for key, block in
                (("category_cash", option.category_rows), ("category_real", option.real_rows),
                 ("category_pv", option.pv_rows)) for category in block]
        if option.pv_rows:
            rows += [(total, None) for total in BLOCK_TOTALS.values()]
        for total, category in rows:
            across = OptionSheetYearsTotals(layout, option, category)
            template = total.formula.render(across)
            templates.add(template.replace(across.COLUMN, "?"))
            for t in range(len(projection.years)):
                col = layout.year_col(t)
                assert across.in_column(template, col) == total.formula.render(
                    OptionSheetTotals(layout, option, col, category)), (option.sheet, total.key, category, col)
                compared += 1
    # The SUMIF over a category's cost rows, a row times a series, and SUMs of rows were all compared.
    assert {template.split("(")[0] for template in templates if "(" in template} >= {"SUMIF", "SUM"}
    assert any("*?$" in template for template in templates) and compared > 100


def test_the_cover_names_corporation_tax_among_the_sets_figures_only_where_a_company_pays_it():
    """A company's settlement is taxed at the parameter set's rates (the Inputs sheet says so, row by
    row), so the Cover's sentence on where the figures come from names corporation tax too; a trust
    paid at a margin pays none, and its Cover does not."""
    from settlement_cases import MARGIN, PROFIT, settlement_scenario

    for family, contract_sum, named in (("wholly_owned_company", PROFIT, True), ("trust", MARGIN, False)):
        text = settlement_scenario(family, contract_sum, first_year="2022/23")
        book = openpyxl.load_workbook(io.BytesIO(build_workbook(costmodel.project(costmodel.load_scenario_text(text)))), read_only=True)
        [sentence] = [row[1] for row in book["Cover"].iter_rows(values_only=True) if row[0] == "Its figures"]
        assert sentence.startswith("Employer NI, apprenticeship levy, VAT, corporation tax and discount rates"
                                   if named else "Employer NI, apprenticeship levy, VAT and discount rates"), family
