"""diff: what changed between two scenarios, and what each change did, adding up to the whole."""

import json

import pytest
from click.testing import CliRunner

import costmodel
from conftest import MINIMAL, SCENARIOS
from costmodel.audit.diff import diff
from costmodel.cli import cli
from costmodel.workbook.writer import build_workbook

IOW = SCENARIOS / "isle-of-wight-2017.yaml"


def _pair(tmp_path, old: str, new: str):
    (tmp_path / "old.yaml").write_text(old)
    (tmp_path / "new.yaml").write_text(new)
    return tmp_path / "old.yaml", tmp_path / "new.yaml"


def test_one_salary_change_worked_by_hand(tmp_path):
    """Ten social workers, £35,000 -> £36,000, in-house: pension 20%, levy 0.5%, and employer NI of
    13.8% to 2021/22 and 14.53% in 2022/23 (the shipped table); the threshold is below both
    salaries, so each extra pound of pay costs 1.343 to 2021/22 and 1.3503 in 2022/23.
    Pay index 1.02^t: 1.02, 1.0404, 1.061208, 1.08243216 (sum 4.20404016), then 1.1040808032.
    Cash change = 10 x £1,000 x (1.343 x 4.20404016 + 1.3503 x 1.1040808032)
                = £10,000 x (5.64602593488 + 1.49084030856) = £71,368.6624344.
    """
    old, new = _pair(tmp_path, MINIMAL, MINIMAL.replace("salary: 35,000", "salary: 36,000"))
    report = diff(old, new)
    assert [str(c) for step in report.steps for c in step.changes] == [
        "options[in-house].staffing[social-worker].salary: 35,000 -> 36,000"]
    assert report.steps[0].changes[0].line == 25
    assert report.steps[0].cash["in-house"] == pytest.approx(71_368.6624344, abs=1e-4)
    assert report.steps[0].cash["trust"] == 0.0


def test_the_parts_add_up_to_the_whole(tmp_path):
    text = IOW.read_text()
    changed = (text.replace("    value: 23%", "    value: 25%")
               .replace("          value: 140,000", "          value: 150,000")
               .replace("          value: 800,000", "          value: 900,000"))
    old, new = _pair(tmp_path, text, changed)
    report = diff(old, new)
    assert len(report.steps) >= 3
    for option in report.options:
        for measure, position in (("npc", 1), ("cash", 0)):
            whole = report.new_totals[option][position] - report.old_totals[option][position]
            parts = sum(getattr(step, measure)[option] for step in report.steps)
            assert parts == pytest.approx(whole, abs=1e-6), (option, measure)


def test_reordering_options_and_lines_is_no_change(tmp_path):
    scenario = costmodel.load_scenario_text(MINIMAL)
    assert len(scenario.options) == 2
    lines = MINIMAL.split("\n")
    start = lines.index("  - id: trust")
    reordered = "\n".join(lines[:16] + lines[start:] + lines[16:start]) + "\n"
    old, new = _pair(tmp_path, MINIMAL, reordered)
    report = diff(old, new)
    assert report.steps == [] and report.text_changes == []


def test_an_added_line_and_a_removed_option_are_one_change_each(tmp_path):
    added = MINIMAL + "      - id: rent\n        name: Rent\n        amount: 5,000\n"
    old, new = _pair(tmp_path, MINIMAL, added)
    report = diff(old, new)
    assert [c.where for s in report.steps for c in s.changes] == ["options[trust].non_pay[rent]"]
    # £5,000 a year x general index 1.02^t, summed over five years: 5,000 x 5.3081210432 = £26,540.61
    assert report.steps[0].cash["trust"] == pytest.approx(26_540.605216)
    third = MINIMAL + "  - id: extra\n    name: Extra\n    family: commissioned\n"
    old, new = _pair(tmp_path, third, MINIMAL)
    report = diff(old, new)
    assert [(c.where, c.new) for s in report.steps for c in s.changes] == [("options[extra]", "(absent)")]


def test_text_only_changes_move_nothing(tmp_path):
    old, new = _pair(tmp_path, MINIMAL, MINIMAL.replace("title: Minimal scenario", "title: A new title"))
    report = diff(old, new)
    assert report.steps == []
    assert [str(c) for c in report.text_changes] == ["metadata.title: Minimal scenario -> A new title"]


def test_changes_invalid_on_their_own_are_applied_together(tmp_path):
    moved = MINIMAL.replace("first_year: 2018/19", "first_year: 2019/20").replace(
        "price_base: 2017/18", "price_base: 2018/19")
    old, new = _pair(tmp_path, MINIMAL, moved)
    report = diff(old, new)
    # A first year of 2019/20 with a price base of 2017/18 is not a valid scenario: one step of two changes
    assert [[c.where for c in step.changes] for step in report.steps] == [
        ["timeline.first_year", "timeline.price_base"]]


def test_a_workbook_can_be_either_side(tmp_path):
    book = tmp_path / "published.xlsx"
    book.write_bytes(build_workbook(costmodel.project(costmodel.load_scenario(IOW))))
    new = tmp_path / "new.yaml"
    new.write_text(IOW.read_text().replace("    value: 23%", "    value: 25%"))
    report = diff(book, new)
    assert [c.where for s in report.steps for c in s.changes] == ["assumptions.pension_rate"]


def test_cli_table_json_and_waterfall_workbook(tmp_path):
    old, new = _pair(tmp_path, MINIMAL, MINIMAL.replace("salary: 35,000", "salary: 36,000"))
    out = tmp_path / "diff.xlsx"
    result = CliRunner().invoke(cli, ["diff", str(old), str(new), "--json", str(tmp_path / "d.json"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "[1] options[in-house].staffing[social-worker].salary: 35,000 -> 36,000 (line 25)" in result.stdout
    assert "+£71,369" in result.stdout
    data = json.loads((tmp_path / "d.json").read_text())
    assert data["changes"][0]["cash"]["in-house"] == pytest.approx(71_368.66)
    import openpyxl

    book = openpyxl.load_workbook(out)
    # Outcome: the model review's warnings of each (none here), compared, before the options' waterfalls.
    assert book.sheetnames == ["Changes", "Outcome", "in-house", "trust"]
    assert book["in-house"]._charts, "each option has its waterfall chart"


def test_a_bad_scenario_in_a_diff_is_reported_with_its_line(tmp_path):
    old, new = _pair(tmp_path, MINIMAL, MINIMAL.replace("salary: 35,000", "salary: 35,0O0"))
    result = CliRunner().invoke(cli, ["diff", str(old), str(new)])
    assert result.exit_code == 1
    assert f"{new}:25: options[0].staffing[0].salary:" in result.stderr and "Traceback" not in result.output


def test_text_in_a_diff_workbook_stays_text(tmp_path):
    old, new = _pair(tmp_path, MINIMAL, MINIMAL.replace("title: Minimal scenario", "title: '=1+1'")
                     .replace("name: Purchases", "name: '@SUM(A1)'").replace("amount: 100,000", "amount: 90,000"))
    out = tmp_path / "diff.xlsx"
    assert CliRunner().invoke(cli, ["diff", str(old), str(new), "-o", str(out)]).exit_code == 0
    import openpyxl

    cells = [c for sheet in openpyxl.load_workbook(out) for row in sheet.iter_rows() for c in row]
    assert [c.value for c in cells if c.value == "=1+1"] == ["=1+1"]
    assert all(c.data_type != "f" for c in cells), [c.value for c in cells if c.data_type == "f"]


def test_a_change_to_one_option_moves_no_other_when_options_share_staffing(tmp_path):
    # The trust employs the in-house posts (staffing_same_as). Two changes: the in-house purchases,
    # then the trust's. Each scenario in between must keep the trust's staff, or change [1] would
    # seem to cut the trust's cost by all its pay.
    old_text = MINIMAL.replace("    non_pay:\n", "    staffing_same_as: in-house\n    non_pay:\n")
    new_text = old_text.replace("amount: 100,000", "amount: 150,000")
    new_text = new_text.replace("    staffing:\n", "    non_pay:\n      - {id: office, name: Office, amount: 10000}\n"
                                "    staffing:\n", 1)
    old, new = _pair(tmp_path, old_text, new_text)
    report = diff(old, new)
    [first, second] = report.steps
    assert "in-house" in str(first.changes[0]) and first.cash["trust"] == 0.0
    assert "trust" in str(second.changes[0]) and second.cash["in-house"] == 0.0


def test_an_option_added_and_one_dropped_diff_with_their_totals(tmp_path):
    # The trust option under a new id: one option dropped, one added, each with its own totals.
    from costmodel.audit.diff import diff as diff_scenarios

    old = SCENARIOS / "isle-of-wight-2017.yaml"
    new = tmp_path / "renamed.yaml"
    text = old.read_text(encoding="utf-8")
    assert text.count("  - id: trust\n") == 1
    new.write_text(text.replace("  - id: trust\n", "  - id: trust-2\n"), encoding="utf-8")
    report = diff_scenarios(old, new)
    options = {o["id"]: o for o in report.to_json()["options"]}
    assert (options["trust"]["status"], options["trust"]["new"]) == ("dropped", None)
    assert (options["trust-2"]["status"], options["trust-2"]["old"]) == ("added", None)
    # The same option under another name costs the same: its old totals are the added one's new.
    assert options["trust-2"]["new"] == options["trust"]["old"]
    result = CliRunner().invoke(cli, ["diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert "option added: Option 3: commission a not-for-profit trust (trust-2)" in result.stdout
    assert "(option dropped)" in result.stdout and "(option added)" in result.stdout
