"""Independent recalculation: every formula cell, recalculated by another engine, agrees with the
value costmodel stored beside it, to the penny. Proved twice, with two engines."""

import openpyxl
import pytest
import xlsxwriter

from bookhelpers import (
    WORKED_EXAMPLES,
    agrees,
    built,
    formula_cells,
    libreoffice_convert,
    recalculated_by_formulas,
    stored_values,
)

__all__ = ["built"]


@pytest.mark.parametrize("name", WORKED_EXAMPLES)
def test_the_formulas_package_recalculates_every_formula_cell_to_the_stored_value(built, name):
    path = built[name]
    formulas_in_file = formula_cells(path)
    stored = stored_values(path)
    recalculated = recalculated_by_formulas(path)
    differ = []
    for (sheet, ref), text in formulas_in_file.items():
        got = recalculated.get((sheet.upper(), ref), "not recalculated")
        if not agrees(stored[(sheet, ref)], got):
            differ.append(f"{sheet}!{ref} {text}: stored {stored[(sheet, ref)]!r}, recalculated {got!r}")
    assert len(formulas_in_file) > 1000
    assert not differ, f"{len(differ)} of {len(formulas_in_file)} cells differ:\n" + "\n".join(differ[:20])


def test_libreoffice_recalculates_rather_than_trusting_stored_values(tmp_path):
    """The check below means nothing unless LibreOffice really recalculates: a stored 5 for =1+1 must become 2."""
    poisoned = tmp_path / "poisoned.xlsx"
    book = xlsxwriter.Workbook(poisoned)
    book.add_worksheet().write_formula(0, 0, "=1+1", None, 5)
    book.close()
    [converted] = libreoffice_convert([poisoned], "xlsx", tmp_path)
    assert openpyxl.load_workbook(converted, data_only=True).active["A1"].value == 2


def test_libreoffice_recalculates_every_formula_cell_to_the_stored_value(built, tmp_path):
    converted = libreoffice_convert([built[name] for name in WORKED_EXAMPLES], "xlsx", tmp_path)
    for name, path in zip(WORKED_EXAMPLES, converted):
        stored = stored_values(built[name])
        recalculated = stored_values(path)
        formulas_in_file = formula_cells(built[name])
        differ = [f"{sheet}!{ref} {text}: stored {stored[(sheet, ref)]!r}, LibreOffice "
                  f"{recalculated.get((sheet, ref))!r}" for (sheet, ref), text in formulas_in_file.items()
                  if not agrees(stored[(sheet, ref)], recalculated.get((sheet, ref)))]
        assert not differ, f"{name}: {len(differ)} of {len(formulas_in_file)} cells differ:\n" + "\n".join(differ[:20])


EVERY_FAMILY = """\
- id: nothing
  name: An option with no costs
  family: in_house
  baseline: true
- id: everything
  name: Every kind of line
  family: trust
  go_live: 2019-01
  pension_rate: 21%
  staffing:
    - {id: sw, title: Social worker, count: 12, fte: 0.8, salary: "33,000", vacancy: 5%, agency_share: 20%, agency_premium: 60%}
    - {id: dir, title: Director, salary: "120,000", on_costs: "38,000", first_year: 2019/20}
  partnership:
    partner: A neighbour
    period: before_go_live
    partner_posts:
      - {id: officers, title: Officers, count: 2, annual_cost: "90,000", time_share: 40%}
    direct_overhead_rate: 15%
    direct_overhead_allowance: 5,000
    departmental_overhead_rate: 10%
    back_office_rate: 8%
    service_charges:
      - {id: hosting, name: Hosting, amount: "20,000", vat_share: 100%, period: whole_horizon}
  contract:
    - {id: contract, name: Contract, amount: "500,000", index: none, vat_share: 50%}
  non_pay:
    - {id: purchases, name: Purchases, amount: "300,000", vat_share: 100%, period: whole_horizon}
  corporate_services:
    - {id: it, name: IT, amount: "80,000"}
  client_side:
    - {id: client, name: Client unit, amount: "60,000"}
  stranded_costs:
    - {id: stranded, name: Stranded, amount: "40,000", first_year: 2019/20, last_year: 2020/21}
  setup:
    - {id: setup, name: Set-up, amount: "200,000", profile: {2018/19: 60%, 2019/20: 40%}, vat_share: 100%, optimism_bias: {upper_bound: 41%, mitigation: 20%}}
  failure_risk: {annual_probability: 8%, cost: {low: 3m, central: 6.5m, high: 10m}}
  savings:
    - {id: saving, name: Saving, amount: "25,000", index: pay}
- id: donor
  name: The council's establishment, some posts part-year
  family: in_house
  staffing:
    - {id: sw, title: Social worker, count: 12, salary: "33,000", agency_share: 20%, agency_premium: 60%}
    - {id: lead, title: Practice lead, salary: "60,000", first_month: 2019-12}
    - {id: leaver, title: Post that ends, salary: "50,000", last_month: 2020-07}
- id: transfer
  name: The same staff transferring to a company in October 2019
  family: wholly_owned_company
  go_live: 2019-10
  pension_rate: 24%
  staffing_same_as: donor
"""


def test_every_cost_family_and_an_empty_option_recalculate_to_the_stored_values(tmp_path):
    from conftest import make_scenario
    from costmodel import load_scenario_text, project
    from costmodel.workbook.writer import build_workbook

    path = tmp_path / "every.xlsx"
    path.write_bytes(build_workbook(project(load_scenario_text(make_scenario(EVERY_FAMILY, years=4)))))
    formulas_in_file = formula_cells(path)
    stored = stored_values(path)
    recalculated = recalculated_by_formulas(path)
    differ = [f"{sheet}!{ref} {text}: stored {stored[(sheet, ref)]!r}, recalculated "
              f"{recalculated.get((sheet.upper(), ref))!r}" for (sheet, ref), text in formulas_in_file.items()
              if not agrees(stored[(sheet, ref)], recalculated.get((sheet.upper(), ref), "not recalculated"))]
    assert not differ, "\n".join(differ[:20])
    master = openpyxl.load_workbook(path, data_only=True)["Cover"]
    assert any(row[1].value == "every model check passes" for row in master.iter_rows(max_col=2))
    # And LibreOffice, the second engine, on the lines only these options have (part-year posts, a
    # transfer of employer at go-live, agency VAT).
    [converted] = libreoffice_convert([path], "xlsx", tmp_path / "lo")
    recalculated = stored_values(converted)
    differ = [f"{sheet}!{ref} {text}: stored {stored[(sheet, ref)]!r}, LibreOffice {recalculated.get((sheet, ref))!r}"
              for (sheet, ref), text in formulas_in_file.items()
              if not agrees(stored[(sheet, ref)], recalculated.get((sheet, ref)))]
    assert not differ, "\n".join(differ[:20])


def _both_engines_agree(path, tmp_path) -> None:
    """Every formula cell of the workbook at `path`, recalculated by the formulas package and by
    LibreOffice, agrees with the value costmodel stored beside it."""
    formulas_in_file = formula_cells(path)
    stored = stored_values(path)
    for engine, recalculated in (("formulas", recalculated_by_formulas(path)),
                                 ("LibreOffice", stored_values(libreoffice_convert([path], "xlsx", tmp_path / "lo")[0]))):
        # The formulas package names sheets in capitals.
        key = (lambda sheet, ref: (sheet.upper(), ref)) if engine == "formulas" else (lambda sheet, ref: (sheet, ref))
        differ = [f"{sheet}!{ref} {text}: stored {stored[(sheet, ref)]!r}, {engine} {recalculated.get(key(sheet, ref))!r}"
                  for (sheet, ref), text in formulas_in_file.items()
                  if not agrees(stored[(sheet, ref)], recalculated.get(key(sheet, ref), "not recalculated"))]
        assert not differ, "\n".join(differ[:20])


PLACEMENTS = """\
placements:
  - {id: residential, name: Private children's home, children: 12, unit_cost: iow-2017-private-childrens-home}
  - {id: council-home, name: Council children's home, children_by_year: {2018/19: 8, 2020/21: 7}, unit_cost: iow-2017-council-childrens-home, index: pay}
  - {id: foster, name: Foster placement, children: 90, growth: 3%, weekly_cost: 637, price_year: 2019/20, weeks_a_year: 52}
"""

PLACEMENT_OPTIONS = """\
- id: base
  name: Placements as now
  family: in_house
  baseline: true
- id: plan
  name: A trust with an improvement plan
  family: trust
  placement_changes:
    - {id: to-foster, name: Residential to foster care, from: residential, to: foster, change: {central: 15%, low: 5%, high: 20%}, ramp: {2018/19: 50%, 2020/21: 100%}}
    - {id: home-to-foster, name: Council home to foster care, from: council-home, to: foster, change: 25%, ramp: {2019/20: 100%}}
    - {id: leave-care, name: Foster children leaving care, from: foster, to: out_of_care, change: 5%, ramp: {2019/20: 50%, 2020/21: 100%}}
"""


#: By hand: 12 x £4,000 x 1.0404 (2015/16 to 2017/18 prices) x 52.14 x 1.0404 (cash in 2019/20) = £2,709,025;
#: the move at its full effect, 12 x 15% x 52.14 x (£637 / 1.0404 - £4,161.60) = -£333,112.
PLACEMENT_CHECKS = """\
- {name: Residential placements in 2019/20, option: plan, line: residential, year: 2019/20, amount: "2,709,025"}
- {name: The move to foster care at its full effect, option: plan, line: to-foster, basis: full_year, amount: "-333,112"}
"""


def test_placements_and_changes_to_them_recalculate_to_the_stored_values(tmp_path):
    """Both demand trajectories, a shipped and a typed unit cost, uplifts both ways, every index, out of care."""
    from conftest import make_scenario
    from costmodel import load_scenario_text, project
    from costmodel.workbook.writer import build_workbook

    path = tmp_path / "placements.xlsx"
    path.write_bytes(build_workbook(project(load_scenario_text(
        make_scenario(PLACEMENT_OPTIONS, years=4, published=PLACEMENT_CHECKS) + PLACEMENTS))))
    formulas_in_file = formula_cells(path)
    assert any("^" in text for text in formulas_in_file.values())  # growth compounded in the formula
    _both_engines_agree(path, tmp_path)


CONTRACT_INDICES = """\
general_inflation: 2%
pay_awards: {value: {2018/19: 1%, 2019/20: 2.5%, 2020/21: 3%}}
pension_rate: 20%
indices:
  cpi: {name: Consumer prices index, value: {2018/19: 2.4%, 2019/20: 4.5%, 2020/21: -0.5%, 2021/22: 2%}, source: illustrative}
  rpi: 3.1%
"""

CONTRACT_OPTIONS = """\
- id: base
  name: Services as now
  family: in_house
  baseline: true
  indexed_contracts:
    - {id: fixed, name: A fixed 3% uplift running past the horizon, price: "400,000", last_year: 2026/27, uplift: 3%, reprocurement_cost: "50,000"}
- id: commission
  name: Commissioned from a provider
  family: commissioned
  go_live: 2018-10
  indexed_contracts:
    - {id: provider, name: "Provider (CPI + 0.5%, capped and floored)", price: "2,000,000", last_year: 2024/25, uplift: {index: cpi, margin: {central: 0.5%, low: 0%, high: 1%}, floor: 0%, cap: 4%}, uplift_month: October, break: {year: 2020/21, cost: "250,000", exercised: true}, reprocurement_cost: "120,000", vat_share: 20%}
    - {id: mixed, name: "Mixed clause (70% pay, 20% CPI, 10% RPI)", price: "600,000", first_year: 2019/20, last_year: 2021/22, uplift: {mix: {pay: 70%, cpi: 20%, rpi: 10%}, cap: 3.5%}, reprocurement_cost: "30,000"}
    - {id: kept, name: A break not taken, price: "300,000", last_year: 2021/22, period: whole_horizon, uplift: {index: general, floor: 1%}, break: {year: 2019/20, cost: "90,000", exercised: false}, first_uplift: 2018/19}
- id: trust
  name: A trust buying back from the council
  family: trust
  indexed_contracts:
    - {id: buy-back, name: Buy-back contract, price: "800,000", last_year: 2021/22, uplift: {index: pay, margin: -0.25%}, uplift_month: January, vat_share: 100%}
"""

#: By hand: the provider's price in 2019/20. CPI 4.5% + 0.5% = 5% is capped at 4%; from October, half the year at
#: the old price: £2,000,000 x (6/12 x 1 + 6/12 x 1.04) = £2,040,000.
CONTRACT_CHECKS = """\
- {name: "The provider in 2019/20, the cap binding from October", option: commission, line: provider, year: 2019/20, amount: "2,040,000"}
"""


def test_contracts_with_indexation_clauses_recalculate_to_the_stored_values(tmp_path):
    """A fixed uplift, an index with a margin, cap and floor, a mix of three, a pay index, October and January
    uplifts, a break taken and one not, a term past the horizon, a part-year go-live, VAT both ways."""
    from conftest import make_scenario
    from costmodel import load_scenario_text, project
    from costmodel.workbook.writer import build_workbook

    projection = project(load_scenario_text(make_scenario(CONTRACT_OPTIONS, years=4, assumptions=CONTRACT_INDICES,
                                                          published=CONTRACT_CHECKS)))
    [check] = projection.checks
    assert check.ok and check.computed == pytest.approx(2_040_000.0)
    path = tmp_path / "contracts.xlsx"
    path.write_bytes(build_workbook(projection))
    formulas_in_file = formula_cells(path)
    assert any("MIN(MAX(" in text for text in formulas_in_file.values())  # the cap and floor, live
    _both_engines_agree(path, tmp_path)
    master = openpyxl.load_workbook(path, data_only=True)["Cover"]
    assert any(row[1].value == "every model check passes" for row in master.iter_rows(max_col=2))


#: Every line issue 17 added, on option sheets (the Staffing sheet's are in test_staffing_sheet.py):
#: ramps on several kinds, pay drift and steps to the top of a scale, on-costs at a rate, capital
#: set-up and exit costs, an exit cost with optimism bias, a trust recovering no VAT on them.
BUDGET_LINES = """\
- id: base
  name: As now
  family: in_house
  baseline: true
  staffing:
    - {id: sw, title: Social worker, count: 10, salary: "30,000", pay_drift: 2%, salary_max: "31,000"}
    - {id: fsw, title: Family support worker, count: 4, salary: "25,000", pay_step: "1,000", salary_max: "27,500", first_year: 2019/20}
    - {id: tm, title: Team manager, salary: "45,000", vacancy: 10%}
    - {id: paper, title: Post costed as the paper did, salary: "40,000", on_cost_rate: 28%, agency_share: 25%, agency_premium: 50%}
- id: trust
  name: A trust, then brought back
  family: trust
  go_live: 2019-01
  staffing:
    - {id: sw, title: Social worker, count: 10, salary: "30,000", pay_drift: 2%}
    - {id: lead, title: Practice lead, salary: "50,000", on_cost_rate: 30%, first_month: 2019-10}
  non_pay:
    - {id: system, name: New system running costs, amount: "60,000", vat_share: 100%, ramp: {2018/19: 50%, 2019/20: 100%}}
  savings:
    - {id: edge, name: Edge of care, amount: {central: "400,000", low: "250,000", high: "500,000"}, ramp: {2018/19: 25%, 2019/20: 75%, 2020/21: 100%}}
  grants:
    - {id: dfe, name: DfE improvement grant, amount: "200,000", last_year: 2019/20, ramp: {2018/19: 100%, 2019/20: 50%}}
  setup:
    - {id: build, name: Case management system, amount: "500,000", year: 2018/19, capital: true, vat_share: 100%, optimism_bias: {upper_bound: 20%, mitigation: 25%}}
    - {id: programme, name: Programme team, amount: "100,000", years: [2018/19, 2019/20]}
  exit_costs:
    - {id: notice, name: Notice of ending the partnership, kind: notice_period, amount: "325,000", year: 2018/19, index: none, optimism_bias: {upper_bound: 10%, mitigation: 0%}}
    - {id: redundancy, name: Redundancy, kind: redundancy, amount: "250,000", year: 2020/21, vat_share: 0%}
    - {id: strain, name: Pension strain, kind: pension_strain, amount: "120,000", profile: {2020/21: 50%, 2021/22: 50%}, index: pay}
    - {id: fit-out, name: Fitting out a building, kind: company_unwinding, amount: "80,000", year: 2021/22, capital: true, vat_share: 50%}
"""

#: By hand: the ramped saving at its full effect, -£400,000 (full year); the capital set-up with its
#: optimism bias, £500,000 x 1.02 (2018/19 from the 2017/18 price base) x (1 + 20% x (1 - 25%)) = £586,500.
BUDGET_CHECKS = """\
- {name: The saving at its full effect, option: trust, line: edge, basis: full_year, amount: "-400,000"}
- {name: Capital set-up with its optimism bias, option: trust, category: setup_capital, year: 2018/19, amount: "586,500"}
"""


def test_the_lines_a_budget_has_recalculate_to_the_stored_values(tmp_path):
    from conftest import make_scenario
    from costmodel import load_scenario_text, project
    from costmodel.workbook.writer import build_workbook

    path = tmp_path / "budget.xlsx"
    projection = project(load_scenario_text(make_scenario(BUDGET_LINES, years=4, published=BUDGET_CHECKS)))
    assert all(check.ok for check in projection.checks)
    path.write_bytes(build_workbook(projection))
    formulas_in_file = formula_cells(path)
    assert any("MIN(" in text and "^" in text for text in formulas_in_file.values())  # pay up a scale
    _both_engines_agree(path, tmp_path)
    master = openpyxl.load_workbook(path, data_only=True)["Cover"]
    assert any(row[1].value == "every model check passes" for row in master.iter_rows(max_col=2))


def test_the_two_cases_and_the_budget_envelope_recalculate_to_the_stored_values(tmp_path):
    # The case worked by hand in tests/engine/test_two_cases.py: VAT decides the financial case but
    # not the economic case, and the trust's cash goes above the envelope from 2019/20.
    from two_cases import ENVELOPE, GATEWAY, two_options
    from costmodel import load_scenario_text, project
    from costmodel.workbook.writer import build_workbook

    path = tmp_path / "cases.xlsx"
    path.write_bytes(build_workbook(project(load_scenario_text(two_options(ENVELOPE) + GATEWAY))))
    formulas_in_file = formula_cells(path)
    # The economic case's row leaves the VAT row out of its sum; the gateway reads Compare's flags.
    assert any(text.startswith("=IF(SUM(Compare!") for text in formulas_in_file.values())
    _both_engines_agree(path, tmp_path)
    book = openpyxl.load_workbook(path, data_only=True)
    summary = {row[0].value: [cell.value for cell in row] for row in book["Summary"].iter_rows()
               if row[0].value in ("The council buys it (baseline)", "A trust buys it")}
    # Rank by the economic case's NPC: the trust first; its first year above the envelope 2019/20.
    assert summary["A trust buys it"][8] == 1 and summary["A trust buys it"][9] == "2019/20"
    assert round(summary["A trust buys it"][3], 2) == 361_155.51
    assert summary["The council buys it (baseline)"][9] == "none"


def test_what_the_council_pays_a_company_or_trust_recalculates_to_the_stored_values(tmp_path):
    # The cases worked by hand in tests/engine/test_settlement.py: a company's contract sum with corporation
    # tax under marginal relief, and a trust paid at a margin, going live part way through its first year.
    from settlement_cases import BASELINE, MARGIN, PROFIT, body
    from conftest import make_scenario
    from costmodel import load_scenario_text, project
    from costmodel.workbook.writer import build_workbook

    trust = body("trust", MARGIN, "trust", "A trust").replace("  family: trust\n", "  family: trust\n  go_live: 2022-10\n")
    text = make_scenario(BASELINE + body("wholly_owned_company", PROFIT, "company", "A company") + trust, years=2,
                         first_year="2022/23", price_base="2022/23",
                         assumptions="general_inflation: 0%\npay_awards: 0%\npension_rate: 20%\n")
    path = tmp_path / "settlement.xlsx"
    path.write_bytes(build_workbook(project(load_scenario_text(text))))
    formulas_in_file = formula_cells(path)
    # The body's own costs refer to its lines' rows, and the tax row uses MAX for the marginal relief.
    assert any("MAX(0," in text and "Inputs!" in text for text in formulas_in_file.values())
    _both_engines_agree(path, tmp_path)
    book = openpyxl.load_workbook(path, data_only=True)
    # The tax row of the company's settlement: its line (column B) is the company, its category corporation tax.
    [taxed] = [[cell.value for cell in row] for row in book["company"].iter_rows()
               if row[1].value == "The company" and str(row[2].value).startswith("Corporation tax")]
    # Corporation tax: 19% x 100,000 = 19,000 in 2022/23; 25,000 - 3/200 x 150,000 = 22,750 in 2023/24.
    assert [round(value, 2) for value in taxed[6:8]] == [19_000, 22_750]
