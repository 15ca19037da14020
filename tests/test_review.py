"""The model review: each warning given where its pattern is, not where it is not, and shown everywhere."""

from __future__ import annotations

import json
import re

import openpyxl
import pytest
from click.testing import CliRunner

import costmodel
from conftest import EMPTY_BASELINE, make_scenario
from costmodel.review import CODES, review
from costmodel.cli import cli

# make_scenario's scenarios are dated 2025-01-01, after every NI change W105 knows of; the W105 tests
# date theirs 2018-01-01, before all of them, and state NI rates where W105 is not the point.
NI_AS_KNOWN = """\
general_inflation: 2%
pay_awards: 2%
pension_rate: 20%
employer_ni:
  rates: {2017/18: 13.8%, 2022/23: 13.8%, 2025/26: 13.8%}
  thresholds: {2017/18: 8164, 2023/24: 8424, 2025/26: 8424}
"""


def warnings_of(options: str, *, published: str = "", extra: str = "", assumptions: str = NI_AS_KNOWN,
                date: str = "2025-01-01", **timeline):
    text = make_scenario(options, published=published, assumptions=assumptions, **timeline) + extra
    text = text.replace("date: 2025-01-01", f"date: {date}")
    return review(costmodel.project(costmodel.load_scenario_text(text, "s.yaml"))), text


def codes(warnings) -> list[str]:
    return [warning.code for warning in warnings]


def line_of(text: str, fragment: str, after: int = 0) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if n > after and fragment in line)


IN_HOUSE = """\
- id: in-house
  name: In-house
  family: in_house
  baseline: true
  staffing:
    - {id: sw, title: Social worker, count: 10, salary: 35000}
"""
TRUST_OWN_POSTS = """\
- id: trust
  name: Trust
  family: trust
  go_live: 2019-10
  staffing:
    - {id: sw, title: Social worker, count: 10, salary: 35000%s}
"""


# --------------------------------------------------------------------------- W101

def test_w101_staff_listed_again_after_go_live_while_the_baseline_employs_them_from_the_start():
    warnings, text = warnings_of(IN_HOUSE + TRUST_OWN_POSTS % "")
    [warning] = warnings
    assert warning.code == "W101" and warning.path == "options[1].staffing"
    assert warning.line == line_of(text, "staffing:", after=line_of(text, "id: trust"))
    assert "only after go-live (October 2019)" in warning.message and "option 'in-house'" in warning.message
    assert "staffing_same_as: in-house" in warning.message


@pytest.mark.parametrize("instead", [
    TRUST_OWN_POSTS % ", period: whole_horizon",                     # the same staff, transferring
    "- {id: trust, name: Trust, family: trust, go_live: 2019-10, staffing_same_as: in-house}\n",
    TRUST_OWN_POSTS.replace("id: sw,", "id: chief-executive,") % "",  # a different post
])
def test_w101_not_given_where_the_staff_transfer_or_the_posts_are_others(instead):
    warnings, _ = warnings_of(IN_HOUSE + instead)
    assert "W101" not in codes(warnings)


def test_w101_not_given_when_the_other_option_itself_starts_part_way():
    # Option 1 of the Isle of Wight paper: the council's own new team from June 2018, not today's staff.
    late = IN_HOUSE.replace("  baseline: true\n", "  baseline: true\n  go_live: 2018-06\n")
    warnings, _ = warnings_of(late + TRUST_OWN_POSTS % "")
    assert "W101" not in codes(warnings)


# --------------------------------------------------------------------------- W102

OPTION_A = "- id: a\n  name: A\n  family: in_house\n"
OPTION_B = "- id: b\n  name: B\n  family: trust\n"
FAILURE = "  failure_risk: {annual_probability: 8%%, cost: {low: 3m, central: 6.5m, high: 10m%s, source: LGA research}}\n"


def test_w102_one_figure_in_two_options_drawn_independently():
    options = EMPTY_BASELINE + OPTION_A + FAILURE % "" + \
        OPTION_B + FAILURE % ""
    warnings, text = warnings_of(options)
    [warning] = warnings
    assert warning.code == "W102" and warning.path == "options[2].failure_risk.cost"
    assert warning.line == len(text.splitlines())  # option b's failure risk, the file's last line
    assert "Failure risk: cost has the same range and source as in A" in warning.message


@pytest.mark.parametrize("first, second", [
    (", draw: cost-of-failure", ", draw: cost-of-failure"),  # tied to one draw
])
def test_w102_not_given_for_one_draw(first, second):
    options = EMPTY_BASELINE + OPTION_A + FAILURE % first + \
        OPTION_B + FAILURE % second
    assert codes(warnings_of(options)[0]) == []


def test_w102_not_given_for_figures_with_another_source_or_range():
    other_source = (FAILURE % "").replace("LGA research", "the council's own estimate")
    other_range = (FAILURE % "").replace("high: 10m", "high: 12m")
    for second in (other_source, other_range):
        options = EMPTY_BASELINE + OPTION_A + FAILURE % "" + \
            OPTION_B + second
        assert codes(warnings_of(options)[0]) == []


# --------------------------------------------------------------------------- W103

APPRAISED = """\
- {id: base, name: In-house, family: in_house, baseline: true,
   non_pay: [{id: running, name: Running costs, amount: "1,000,000", index: none}]}
- {id: trust, name: A trust, family: trust,
   non_pay: [{id: running, name: Running costs, amount: "800,000", index: none}]}
"""


def _appraisal(budget: str) -> str:
    return f"""\
appraisal:
  long_list:
    - {{id: base, name: In-house, category: in_house, option: base}}
    - {{id: trust, name: Independent trust, category: new_delivery_vehicle, option: trust}}
  gateways:
    - {{id: affordable, name: Affordability, budget: "{budget}"}}
  criteria:
    - {{id: cost, name: Cost, weight: 100%, from_npc: linear}}
"""


def test_w103_a_gateway_every_option_fails_the_baseline_included_and_what_the_outputs_say(tmp_path):
    # Cash: £1,000,000 in-house and £800,000 for the trust, flat, in the one year; the envelope is £700,000.
    text = make_scenario(APPRAISED, first_year="2018/19", price_base="2018/19", years=1,
                         assumptions=NI_AS_KNOWN) + _appraisal("700,000")
    warnings = review(costmodel.project(costmodel.load_scenario_text(text, "s.yaml")))
    [warning] = warnings
    assert (warning.code, warning.path) == ("W103", "appraisal.gateways[0]")
    assert warning.line == line_of(text, "id: affordable")
    assert "no option passes the Affordability gateway, the baseline included" in warning.message
    # Said on the Appraisal sheet, in the run's output and in the JSON, rather than an empty table.
    path = tmp_path / "s.yaml"
    path.write_text(text)
    result = CliRunner().invoke(cli, ["run", str(path), "-o", str(tmp_path / "b.xlsx"), "--json", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    said = "No option passes the Affordability gateway, so none is shortlisted or scored."
    assert said in result.stdout
    assert json.loads((tmp_path / "r.json").read_text())["appraisal"]["no_shortlist"] == said
    sheet = openpyxl.load_workbook(tmp_path / "b.xlsx")["Appraisal"]
    assert said in [cell.value for row in sheet.iter_rows() for cell in row]


def test_w103_not_given_where_the_baseline_passes():
    # £1,100,000 admits both (£1,000,000 and £800,000).
    text = make_scenario(APPRAISED, first_year="2018/19", price_base="2018/19", years=1,
                         assumptions=NI_AS_KNOWN) + _appraisal("1,100,000")
    assert codes(review(costmodel.project(costmodel.load_scenario_text(text)))) == []


# --------------------------------------------------------------------------- W104

MINIMAL_OPTIONS = IN_HOUSE + "- {id: other, name: Other, family: in_house}\n"
# Ten social workers at £35,000 in 2018/19 at 2017/18 prices: pay £357,000 (pay index 1.02).
PAY_CHECK = "- {{name: Pay, option: in-house, category: pay, year: 2018/19, amount: \"{amount}\"{tolerance}}}\n"


@pytest.mark.parametrize("amount, tolerance, phrase", [
    # ±£20,000 of £357,000 is 5.6%: wider than 5%.
    ("357,000", ", tolerance: 20000", "is 6% of the figure"),
    # 360k is read to the nearest £10,000: ±£5,000, 1.4%, is fine; but 400k (nearest £100,000,
    # ±£50,000) is 12.5%.
    ("400k", "", "is 12% of the figure"),
    # A tolerance of zero on a figure in whole pounds.
    ("357,000", ", tolerance: 0", "a tolerance of zero"),
])
def test_w104_a_published_figure_checked_too_loosely_or_exactly(amount, tolerance, phrase):
    warnings, _ = warnings_of(MINIMAL_OPTIONS, published=PAY_CHECK.format(amount=amount, tolerance=tolerance))
    [warning] = warnings
    assert warning.code == "W104" and phrase in warning.message


@pytest.mark.parametrize("amount, tolerance", [("357,000", ""), ("360k", ""), ("357,000", ", tolerance: 17850"),
                                               ("357,000.00", ", tolerance: 0")])
def test_w104_not_given_for_a_tolerance_within_five_per_cent(amount, tolerance):
    # ±£17,850 is exactly 5% of £357,000; a zero tolerance on a figure in pence is the author's to give.
    warnings, _ = warnings_of(MINIMAL_OPTIONS, published=PAY_CHECK.format(amount=amount, tolerance=tolerance))
    assert codes(warnings) == []


# --------------------------------------------------------------------------- W105

def test_w105_a_2018_appraisal_priced_with_rates_announced_later():
    # The default assumptions state no NI: the shipped table prices 2022/23 (14.53%) and, in a
    # horizon to 2025/26, 15% above £5,000, all announced after 1 January 2018.
    warnings, text = warnings_of(MINIMAL_OPTIONS, assumptions="general_inflation: 2%\npay_awards: 2%\n"
                                                              "pension_rate: 20%\n", years=8, date="2018-01-01")
    [warning] = warnings
    assert (warning.code, warning.path, warning.line) == ("W105", "metadata.date", line_of(text, "date:"))
    assert "dated 1 January 2018" in warning.message
    for announced in ("15.05% for 2022/23 (announced 7 September 2021)", "14.53% for the year (announced 23 September 2022)",
                      "£9,100 threshold frozen from 2023/24 (announced 17 November 2022)",
                      "15% above £5,000 from 2025/26 (announced 30 October 2024)"):
        assert announced in warning.message


def test_w105_not_given_where_the_scenario_states_its_rates_or_is_dated_after():
    # NI_AS_KNOWN states every year it uses; and a scenario dated after the last change knew them all.
    assert codes(warnings_of(MINIMAL_OPTIONS, years=8, date="2018-01-01")[0]) == []
    defaults = "general_inflation: 2%\npay_awards: 2%\npension_rate: 20%\n"
    assert codes(warnings_of(MINIMAL_OPTIONS, years=8, assumptions=defaults, date="2024-11-01")[0]) == []
    # Dated the day before the last was announced, it did not know that one.
    [warning] = warnings_of(MINIMAL_OPTIONS, years=8, assumptions=defaults, date="2024-10-29")[0]
    assert "15% above £5,000" in warning.message and "2022/23" not in warning.message


def test_w105_a_horizon_that_ends_before_a_change_does_not_use_it():
    # Five years from 2018/19 end in 2022/23: the 2022/23 changes are used, the 2023/24 and 2025/26 ones not.
    warnings, _ = warnings_of(MINIMAL_OPTIONS, assumptions="general_inflation: 2%\npay_awards: 2%\npension_rate: 20%\n",
                              date="2018-01-01")
    [warning] = warnings
    assert "2022/23" in warning.message and "£9,100" not in warning.message and "2025/26" not in warning.message


# --------------------------------------------------------------------------- W106

PLACEMENTS = """\
placements:
  - id: residential
    name: Private children's home
    children: 20
    weekly_cost: 4000
    price_year: 2017/18
"""
TRUST_PLAN = """\
- id: trust
  name: Trust
  family: trust
  go_live: %s
  placement_changes:
    - id: fewer-residential
      name: Change in placement costs from the trust's plan
      from: residential
      to: out_of_care
      change: 15%%
      ramp: {%s}
"""


def test_w106_a_placement_change_credited_before_the_trust_goes_live():
    # The horizon starts in 2018/19; the trust goes live in October 2019 (in 2019/20) but its ramp
    # moves children from 2018/19, a year before the trust exists.
    warnings, text = warnings_of(IN_HOUSE + TRUST_PLAN % ("2019-10", "2018/19: 50%, 2019/20: 100%"),
                                 extra=PLACEMENTS, years=3)
    [warning] = warnings
    assert (warning.code, warning.path, warning.line) == ("W106", "options[1].placement_changes[0].ramp.2018/19",
                                                          line_of(text, "ramp:"))
    assert "moves children from 2018/19, but the option goes live in October 2019" in warning.message
    assert "Start the ramp in 2019/20 or later" in warning.message


@pytest.mark.parametrize("go_live, ramp", [
    ("2019-10", "2019/20: 50%, 2020/21: 100%"),   # from the year it goes live in
    ("2020-03", "2019/20: 50%, 2020/21: 100%"),   # March 2020 is in 2019/20
    ("2019-10", "2018/19: 0%, 2019/20: 100%"),    # a share of nothing before go-live moves no one
])
def test_w106_not_given_for_a_change_from_the_year_the_option_goes_live(go_live, ramp):
    warnings, _ = warnings_of(IN_HOUSE + TRUST_PLAN % (go_live, ramp), extra=PLACEMENTS, years=3)
    assert codes(warnings) == []


# --------------------------------------------------------------------------- acknowledging

def test_an_acknowledged_warning_is_listed_with_its_reason_not_hidden():
    warnings, _ = warnings_of(IN_HOUSE + TRUST_OWN_POSTS % "",
                              extra="acknowledge:\n  W101: The trust recruits its own team from go-live.\n")
    [warning] = warnings
    assert warning.code == "W101" and warning.acknowledged == "The trust recruits its own team from go-live."
    assert str(warning).endswith("warning W101, acknowledged: " + CODES["W101"])


@pytest.mark.parametrize("code, phrase", [("W104", "which the review does not give"),
                                          ("W199", "which is not a warning of the model review")])
def test_w100_an_acknowledgement_of_nothing(code, phrase):
    warnings, text = warnings_of(MINIMAL_OPTIONS, extra=f"acknowledge:\n  {code}: a reason\n")
    [warning] = warnings
    assert (warning.code, warning.path, warning.line) == ("W100", f"acknowledge.{code}", line_of(text, code))
    assert phrase in warning.message and warning.acknowledged is None


def test_an_acknowledgement_needs_a_code_and_a_reason():
    text = make_scenario(MINIMAL_OPTIONS) + "acknowledge:\n  not-a-code: why\n"
    with pytest.raises(costmodel.ScenarioError, match="acknowledge"):
        costmodel.load_scenario_text(text)


# --------------------------------------------------------------------------- everywhere a person looks

def test_validate_and_run_print_each_warning_and_strict_makes_one_an_error(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(make_scenario(IN_HOUSE + TRUST_OWN_POSTS % "", assumptions=NI_AS_KNOWN))
    line = line_of(path.read_text(), "staffing:", after=line_of(path.read_text(), "id: trust"))
    runner = CliRunner()
    for command in (["validate", str(path)], ["run", str(path), "-o", str(tmp_path / "b.xlsx")]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 0, result.output
        assert re.search(rf"^\s*{re.escape(str(path))}:{line}: options\[1\]\.staffing: warning W101: ",
                         result.stderr + result.stdout, re.M)
        strict = runner.invoke(cli, command + ["--strict"])
        assert strict.exit_code == 1 and "Traceback" not in strict.output
    assert (tmp_path / "b.xlsx").exists()  # written, and listing the warning
    acknowledged = tmp_path / "ok.yaml"
    acknowledged.write_text(path.read_text() + "acknowledge:\n  W101: new posts from go-live\n")
    assert runner.invoke(cli, ["validate", str(acknowledged), "--strict"]).exit_code == 0


def test_the_checks_sheet_and_the_cover_list_the_warnings_and_the_json_carries_them(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(make_scenario(IN_HOUSE + TRUST_OWN_POSTS % "", assumptions=NI_AS_KNOWN)
                    + "acknowledge:\n  W104: nothing of the kind\n")
    result = CliRunner().invoke(cli, ["run", str(path), "-o", str(tmp_path / "b.xlsx"), "--json", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "b.xlsx")
    checks = [[cell.value for cell in row] for row in book["Checks"].iter_rows()]
    listed = {row[0]: row for row in checks if row[0] and str(row[0]).startswith("W1")}
    assert set(listed) == {f"W100: {CODES['W100']}", f"W101: {CODES['W101']}"}
    assert listed[f"W101: {CODES['W101']}"][8] == "not acknowledged"
    cover = [cell.value for row in book["Cover"].iter_rows() for cell in row]
    assert "2 warnings, not acknowledged (see Checks)" in cover
    data = json.loads((tmp_path / "r.json").read_text())
    assert [w["code"] for w in data["warnings"]] == ["W101", "W100"]


def test_every_code_is_documented_and_tested():
    from pathlib import Path

    docs = (Path(__file__).parents[1] / "docs" / "warnings.md").read_text()
    here = Path(__file__).read_text()
    for code in CODES:
        assert f"## {code}: {CODES[code]}" in docs, code
        assert f"def test_{code.lower()}_" in here, code


def test_diff_says_which_warnings_a_change_raised_or_cleared(tmp_path):
    # Listing the trust's posts afresh (after go-live) raises W101; transferring them clears it again.
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    old.write_text(make_scenario(IN_HOUSE + TRUST_OWN_POSTS % ", period: whole_horizon", assumptions=NI_AS_KNOWN))
    new.write_text(make_scenario(IN_HOUSE + TRUST_OWN_POSTS % "", assumptions=NI_AS_KNOWN))
    result = CliRunner().invoke(cli, ["diff", str(old), str(new), "--json", str(tmp_path / "d.json")])
    assert result.exit_code == 0, result.output
    assert "Model review warnings: 1 added, 0 removed" in result.stdout
    assert "W101 added: options[1].staffing: every post of this option runs only after go-live" in result.stdout
    [change] = json.loads((tmp_path / "d.json").read_text())["outcome"]["warnings"]["changes"]
    assert (change["kind"], change["subject"], change["old"]) == ("warning_added", "W101", None)
    back = CliRunner().invoke(cli, ["diff", str(new), str(old)])
    assert "Model review warnings: 0 added, 1 removed" in back.stdout
