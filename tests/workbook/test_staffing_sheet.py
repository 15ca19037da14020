"""A large establishment goes on a Staffing sheet; its options add the posts up with SUMPRODUCT.

The same line definitions render over the Staffing sheet's columns, so every formula cell
must recalculate to the value the engine stored, in two independent engines, and verify
must name a post's input typed over on the Staffing sheet.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from bookhelpers import agrees, formula_cells, libreoffice_convert, recalculated_by_formulas, stored_values
from conftest import make_scenario
from costmodel import load_scenario_text, project
from costmodel.audit.verify import verify
from costmodel.workbook.layout import STAFFING_SHEET_FROM
from costmodel.workbook.writer import build_workbook

PERIODS = ["after_go_live", "before_go_live", "whole_horizon"]


def _posts(count: int, prefix: str, periods=PERIODS, months: bool = False, progression: bool = False) -> str:
    """`count` posts varied in every input the staffing lines use.

    Every seventh is part-time on £7,000, below the 2018/19 NI threshold (£8,424), so the
    element-by-element MAX in the SUMPRODUCT matters; every eleventh has stated on-costs.
    With `months`, some posts start or end part-way through a year. With `progression`, some
    drift up a scale (to a top that binds within the horizon), some step up one, and some have
    on-costs at a stated rate, so the element-by-element MIN and the power matter too.
    """
    lines = []
    for n in range(count):
        fields = [f"id: {prefix}{n:03d}", f"title: Post {n}", f"count: {1 + n % 3}",
                  f"fte: {1 if n % 4 else 0.5}", f"salary: {7000 if n % 7 == 0 else 20000 + 150 * n}",
                  f"vacancy: {n % 5}%", f"period: {periods[n % len(periods)]}"]
        if n % 6 == 0:
            fields += ["agency_share: 25%", "agency_premium: 60%"]
        if n % 11 == 0:
            fields.append(f"on_costs: {6000 + 10 * n}")
        elif progression and n % 8 == 3:
            fields.append("on_cost_rate: 30%")
        if progression and n % 9 == 0:
            fields += ["pay_drift: 3%", f"salary_max: {(7000 if n % 7 == 0 else 20000 + 150 * n) + 1000}"]
        elif progression and n % 10 == 1:
            fields.append("pay_step: 400")
        if n % 13 == 0:
            fields += ["first_year: 2019/20", "last_year: 2020/21"]
        elif months and n % 17 == 5:
            fields.append("first_month: 2018-11")
        elif months and n % 19 == 3:
            fields.append("last_month: 2020-08")
        lines.append("    - {" + ", ".join(fields) + "}")
    return "\n".join(lines)


SCENARIO = make_scenario(f"""\
- id: in-house
  name: In-house
  family: in_house
  baseline: true
  staffing:
{_posts(STAFFING_SHEET_FROM + 20, "a", periods=["after_go_live", "whole_horizon"], months=True)}
- id: company
  name: Company
  family: wholly_owned_company
  go_live: 2019-01
  pension_rate: 25%
  staffing_same_as: in-house
- id: partner
  name: Partner
  family: partnership
  go_live: 2019-10
  staffing:
{_posts(STAFFING_SHEET_FROM + 5, "b", progression=True)}
- id: small
  name: Small
  family: trust
  staffing:
    - {{id: director, title: Director, salary: 90000}}
""", years=4, published="""\
- {name: A post's full year each, option: company, post: a010, each: true, basis: full_year, amount: 60000}
- {name: A post over the horizon in present value, option: company, post: a005, basis: horizon, measure: pv, amount: 100000}
- {name: Posts in one year, option: partner, posts: [b001, b002], year: 2019/20, amount: 50000}
- {name: NI in a year, option: company, category: employer_ni, year: 2020/21, amount: 700000}
""")


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> tuple[Path, object]:
    projection = project(load_scenario_text(SCENARIO, "establishment.yaml"))
    path = tmp_path_factory.mktemp("staffing") / "establishment.xlsx"
    path.write_bytes(build_workbook(projection))
    return path, projection


def test_large_staffing_lists_are_on_staffing_sheets_and_small_ones_on_the_option_sheet(book):
    path, _ = book
    workbook = openpyxl.load_workbook(path)
    # One sheet for the list in-house and company share, one for the partner's own.
    assert "Staffing" in workbook.sheetnames and "Staffing 2" in workbook.sheetnames
    staffing = workbook["Staffing"]
    ids = [row[0].value for row in staffing.iter_rows(min_col=1, max_col=1)]
    assert ids.count("a000") == 1 and "a119" in ids  # every post once, whichever options employ it
    # The company's sheet adds up 120 posts in a few rows a line, not one row per post.
    assert workbook["company"].max_row < STAFFING_SHEET_FROM
    items = [c.value for c in workbook["company"]["B"] if isinstance(c.value, str)]
    # The company employs the in-house posts all along, transferring at go-live: all 120 run the
    # whole horizon there, less the 11 with stated on-costs (n % 11 == 0: 0, 11, ..., 110), which are
    # their own group: 109 in the computed group, in one row a line.
    assert "109 posts running the whole horizon (listed on Staffing)" in items
    # The partner's own list keeps each post's period: of its 105 posts, n % 3 == 0 run after go-live
    # (35), less the 4 with stated on-costs among them (0, 33, 66, 99) and the 4 with on-costs at a
    # stated rate (n % 8 == 3 and n % 3 == 0: n % 24 == 3, so 3, 27, 51, 75; 99 states its on-costs): 27.
    partner = [c.value for c in workbook["partner"]["B"] if isinstance(c.value, str)]
    assert "27 posts running after go-live (listed on Staffing 2)" in partner
    lines = [c.value for c in workbook["partner"]["A"] if isinstance(c.value, str)]
    assert "Staffing (on-costs as a rate of pay)" in lines and "On-costs at a stated rate" in lines
    # The small option keeps a row per post, its inputs on Inputs.
    assert "Director" in [c.value for c in workbook["small"]["B"]]
    cover = " ".join(str(c.value) for row in workbook["Cover"].iter_rows() for c in row if c.value)
    assert "listed on the Staffing sheet" in cover


def test_the_formulas_package_recalculates_every_formula_cell_to_the_stored_value(book):
    path, _ = book
    formulas_in_file = formula_cells(path)
    assert sum("SUMPRODUCT((Staffing" in text for text in formulas_in_file.values()) > 50
    stored, recalculated = stored_values(path), recalculated_by_formulas(path)
    differ = [f"{sheet}!{ref} {text[:200]}: stored {stored[(sheet, ref)]!r}, recalculated "
              f"{recalculated.get((sheet.upper(), ref))!r}" for (sheet, ref), text in formulas_in_file.items()
              if not agrees(stored[(sheet, ref)], recalculated.get((sheet.upper(), ref), "not recalculated"))]
    assert not differ, f"{len(differ)} of {len(formulas_in_file)} differ:\n" + "\n".join(differ[:10])


def test_libreoffice_recalculates_every_formula_cell_to_the_stored_value(book, tmp_path):
    path, _ = book
    [converted] = libreoffice_convert([path], "xlsx", tmp_path)
    stored, recalculated = stored_values(path), stored_values(converted)
    formulas_in_file = formula_cells(path)
    differ = [f"{sheet}!{ref}: stored {stored[(sheet, ref)]!r}, LibreOffice {recalculated.get((sheet, ref))!r}"
              for (sheet, ref) in formulas_in_file if not agrees(stored[(sheet, ref)], recalculated.get((sheet, ref)))]
    assert not differ, f"{len(differ)} of {len(formulas_in_file)} differ:\n" + "\n".join(differ[:10])


def test_published_figures_about_posts_on_a_staffing_sheet_are_live_formulas_with_the_engines_values(book):
    path, projection = book
    checks = openpyxl.load_workbook(path)["Checks"]
    values = openpyxl.load_workbook(path, data_only=True)["Checks"]
    by_name = {row[0].value: row for row in checks.iter_rows() if row[0].value}
    for check in projection.checks:
        row = by_name[check.name]
        computed = next(c for c in row if isinstance(c.value, str) and c.value.startswith("=SUM("))
        assert "Staffing" in computed.value or check.name == "NI in a year"
        assert values[computed.coordinate].value == pytest.approx(check.computed, abs=0.01)


def test_verify_names_a_post_typed_over_on_the_staffing_sheet(book, tmp_path):
    path, _ = book
    parts = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            parts[info.filename] = archive.read(info.filename)
    # Staffing is the fourth sheet (after Cover, Summary, Inputs). Its first table (the posts whose
    # on-costs are computed) has its heading on row 7 and column headings on row 8; a000 states its
    # on-costs, so is in the second table, and a001 is on row 9. Salary is the third input (column F,
    # after count and FTE): 20,000 + 150 x 1 = £20,150.
    name = "xl/worksheets/sheet4.xml"
    xml = parts[name].decode()
    edited = re.sub(r'(<c r="F9"[^>]*><v>)20150(</v>)', r"\g<1>21150\g<2>", xml)
    assert edited != xml
    parts[name] = edited.encode()
    tampered = tmp_path / "tampered.xlsx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, data in parts.items():
            archive.writestr(filename, data)
    tampered.write_bytes(buffer.getvalue())
    result = verify(tampered)
    assert not result.ok
    first = result.differences[0]
    assert (first.sheet, first.cell, first.published, first.rerun) == ("Staffing", "F9", 21150, 20150)


def test_import_carries_a_post_typed_over_on_the_staffing_sheet_back_to_its_line(book, tmp_path):
    from costmodel.audit.importing import import_workbook

    path, _ = book
    parts = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            parts[info.filename] = archive.read(info.filename)
    # As above: Staffing!F9 is a001's salary, 20,000 + 150 x 1 = £20,150.
    name = "xl/worksheets/sheet4.xml"
    parts[name] = re.sub(r'(<c r="F9"[^>]*><v>)20150(</v>)', r"\g<1>21150\g<2>", parts[name].decode()).encode()
    tampered = tmp_path / "what-if.xlsx"
    with zipfile.ZipFile(tampered, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, data in parts.items():
            archive.writestr(filename, data)
    imported = import_workbook(tampered)
    [change] = imported.changes
    assert change.cells == ("Staffing!F9",) and change.path == "options[0].staffing[1].salary"
    assert (change.was, change.now) == ("20150", "21150")
    changed = [line for line in imported.text.split("\n") if "changed in the workbook" in line]
    assert len(changed) == 1 and "id: a001" in changed[0] and "salary: 21150" in changed[0]
    assert load_scenario_text(imported.text, "establishment.yaml").options[0].staffing[1].salary.value == 21150


def test_each_column_of_posts_is_validated_by_the_posts_limits_a_rule_a_run_of_posts(book):
    path, _ = book
    staffing = openpyxl.load_workbook(path)["Staffing"]
    salary_col = next(c.column_letter for c in staffing[8] if isinstance(c.value, str) and c.value.startswith("Salary"))
    # The first table's 109 posts, rows 9 to 117; the salaries the scenario states are typed in (unlocked).
    typed = [row[0] for row in staffing[f"{salary_col}9:{salary_col}117"] if not row[0].protection.locked]
    assert len(typed) > 50
    rules = [v for v in staffing.data_validations.dataValidation if str(v.sqref).startswith(salary_col)]
    for c in typed:
        [rule] = [v for v in rules if c.coordinate in v.sqref]
        # A post's salary is 0 to £1,000,000 (scenario/schema.py POST_LIMITS).
        assert (rule.formula1, rule.formula2) == ("0.0", "1000000.0"), c.coordinate
    # One rule for each run of posts down the column, not one for each post.
    assert len([v for v in rules if any(c.coordinate in v.sqref for c in typed)]) < len(typed) / 4
    assert staffing.protection.sheet and not staffing.protection.password
