"""diff compares what two scenarios conclude: the shortlist, the ranks, the preferred option (and,
once a review of the model raises them, its warnings), in the table, the JSON and the workbook."""

import json

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import MINIMAL, make_scenario
from costmodel.audit.diff import diff
from costmodel.audit.outcome import Outcome, compare_outcomes, compare_warnings
from costmodel.cli import cli

# Three options, each one flat non-pay line in a single year at the price base: cash, real terms
# and present value are all the amount, so each NPC is the amount.
OPTIONS = """\
- {id: base, name: Keep it in-house, family: in_house, baseline: true,
   non_pay: [{id: running, name: Running costs, amount: "1,000,000", index: none}]}
- {id: trust, name: A trust, family: trust,
   non_pay: [{id: running, name: Running costs, amount: "800,000", index: none}]}
- {id: partner, name: A partner council, family: partnership,
   non_pay: [{id: running, name: Running costs, amount: "1,200,000", index: none}]}
"""

APPRAISAL = """\
appraisal:
  long_list:
    - id: base
      name: In-house
      category: in_house
      option: base
      gateways: {accountable: {result: pass, reason: the council runs it}}
      scores: {outcomes: {score: 4, reason: a plan in place}, control: {score: 5, reason: direct}}
    - id: trust
      name: Independent trust
      category: new_delivery_vehicle
      option: trust
      gateways: {accountable: {result: pass, reason: through the contract}}
      scores: {outcomes: {score: 3, reason: untested}, control: {score: 2, reason: at arm's length}}
    - id: partner
      name: Partner council
      category: partnership_or_collaboration
      option: partner
      gateways: {accountable: {result: pass, reason: a section 75 agreement}}
      scores: {outcomes: {score: 4, reason: a strong partner}, control: {score: 3, reason: shared}}
    - id: outsource
      name: Outsource to a private provider
      category: commissioning
      gateways:
        accountable: {result: fail, reason: statutory functions cannot be contracted out}
  gateways:
    - {id: accountable, name: Keeps statutory accountability with the council}
    - {id: affordable, name: Affordable within the budget, budget: "1,300,000"}
  criteria:
    - {id: outcomes, name: Quality of outcomes for children, weight: 50%}
    - {id: control, name: Control and accountability, weight: 30%}
    - {id: cost, name: Cost, weight: 20%, from_npc: linear}
"""

OLD = make_scenario(OPTIONS, first_year="2018/19", price_base="2018/19", years=1) + APPRAISAL
# The envelope cut to £1,100,000, and the trust's outcomes judged 5 instead of 3.
NEW = (OLD.replace('budget: "1,300,000"', 'budget: "1,100,000"')
       .replace("{outcomes: {score: 3, reason: untested}", "{outcomes: {score: 5, reason: untested}"))


def _pair(tmp_path, old: str, new: str):
    (tmp_path / "old.yaml").write_text(old)
    (tmp_path / "new.yaml").write_text(new)
    return tmp_path / "old.yaml", tmp_path / "new.yaml"


@pytest.fixture
def changed(tmp_path):
    return diff(*_pair(tmp_path, OLD, NEW))


def test_the_preferred_option_the_shortlist_and_the_ranks_worked_by_hand(changed):
    """Old: all three within £1,300,000, so all shortlisted. Cost scored 0 to 5 from NPC, linear:
    the trust (£800,000) 5, the partner (£1,200,000) 0, in-house (£1,000,000) 5 - 5 x 200/400 = 2.5.
      in-house 0.5 x 4 + 0.3 x 5 + 0.2 x 2.5 = 2.0 + 1.5 + 0.5 = 4.0  (1st)
      trust    0.5 x 3 + 0.3 x 2 + 0.2 x 5   = 1.5 + 0.6 + 1.0 = 3.1  (2nd)
      partner  0.5 x 4 + 0.3 x 3 + 0.2 x 0   = 2.0 + 0.9 + 0.0 = 2.9  (3rd)
    New: the partner's £1,200,000 is above £1,100,000, so it drops; of the two left the trust is
    cheapest (cost 5) and in-house dearest (cost 0):
      in-house 2.0 + 1.5 + 0.2 x 0 = 3.5  (2nd)
      trust    0.5 x 5 + 0.6 + 1.0 = 4.1  (1st, preferred)
    By NPC the trust is 1st and in-house 2nd, old and new: no change there."""
    part = changed.outcome.part("appraisal")
    assert (part.in_old, part.in_new, part.changed) == (True, True, True)
    assert [str(c) for c in part.changes] == [
        "Preferred option: was Keep it in-house, now A trust",
        'Shortlist: Partner council dropped (it was ranked 3rd by weighted score): fails the gateway "Affordable '
        'within the budget": cash in 2018/19 (£1,200,000) is above the budget envelope of £1,100,000',
        "Rank by weighted score: A trust was 2nd, now 1st",
        "Rank by weighted score: Keep it in-house was 1st, now 2nd",
        "Weighted score: A trust was 3.10, now 4.10 (of 5)",
        "Weighted score: Keep it in-house was 4.00, now 3.50 (of 5)",
    ]
    assert [(c.kind, c.subject, c.old, c.new) for c in part.changes[:3]] == [
        ("preferred", None, "base", "trust"), ("shortlist_dropped", "partner", True, False),
        ("rank_by_score", "trust", 2, 1)]


def test_an_option_entering_the_shortlist_and_the_rank_by_npc(tmp_path):
    # The same pair the other way round: the partner enters, 3rd by score; by NPC it is 3rd of three.
    part = diff(*_pair(tmp_path, NEW, OLD)).outcome.part("appraisal")
    words = [str(c) for c in part.changes]
    assert words[0] == "Preferred option: was A trust, now Keep it in-house"
    assert words[1] == ("Shortlist: Partner council entered (ranked 3rd by weighted score): now passes every gateway "
                        '(it failed the gateway "Affordable within the budget": cash in 2018/19 (£1,200,000) is above '
                        "the budget envelope of £1,100,000)")
    # By NPC: the trust 1st and in-house 2nd, before and after; nothing to say.
    assert not [c for c in part.changes if c.kind == "rank_by_npc"]


def test_a_changed_rank_by_npc_is_reported(tmp_path):
    # The trust's £800,000 raised to £1,100,000: now dearer than in-house (£1,000,000), so 2nd by NPC, not 1st.
    new = OLD.replace('amount: "800,000"', 'amount: "1,100,000"')
    part = diff(*_pair(tmp_path, OLD, new)).outcome.part("appraisal")
    assert "Rank by net present cost: A trust was 1st, now 2nd of the shortlist" in [str(c) for c in part.changes]
    assert "Rank by net present cost: Keep it in-house was 2nd, now 1st of the shortlist" in \
        [str(c) for c in part.changes]


def test_a_model_off_the_shortlist_failing_another_gateway_is_said(tmp_path):
    new = OLD.replace("accountable: {result: fail, reason: statutory functions cannot be contracted out}",
                      "accountable: {result: pass, reason: through the contract}\n"
                      "        affordable: {result: fail, reason: no provider at that price}")
    part = diff(*_pair(tmp_path, OLD, new)).outcome.part("appraisal")
    assert [str(c) for c in part.changes] == [
        'Long list: Outsource to a private provider still not shortlisted, now failing the gateway "Affordable within '
        'the budget": no provider at that price (it failed the gateway "Keeps statutory accountability with the '
        'council": statutory functions cannot be contracted out)']


def test_nothing_in_the_outcome_changed_is_said(tmp_path):
    report = diff(*_pair(tmp_path, OLD, OLD.replace("reason: untested", "reason: not yet tried here")))
    part = report.outcome.part("appraisal")
    assert (part.changes, part.changed) == ([], False)
    assert part.in_words == ("nothing in its outcome changed (Keep it in-house still preferred; the same 3 "
                             "shortlisted, ranked the same)")


def test_one_side_without_an_appraisal(tmp_path):
    bare = make_scenario(OPTIONS, first_year="2018/19", price_base="2018/19", years=1)
    part = diff(*_pair(tmp_path, bare, OLD)).outcome.part("appraisal")
    assert (part.in_old, part.in_new, part.changed) == (False, True, True)
    assert part.in_words == ("the old scenario has no appraisal; the new one has: 3 of 4 on the long list "
                             "shortlisted; preferred: Keep it in-house")
    part = diff(*_pair(tmp_path, OLD, bare)).outcome.part("appraisal")
    assert part.in_words.startswith("the new scenario has no appraisal; the old one had: 3 of 4")


def test_neither_side_with_an_appraisal_adds_nothing_to_the_table(tmp_path):
    old, new = _pair(tmp_path, MINIMAL, MINIMAL.replace("salary: 35,000", "salary: 36,000"))
    result = CliRunner().invoke(cli, ["diff", str(old), str(new), "--json", str(tmp_path / "d.json")])
    assert result.exit_code == 0 and "Appraisal" not in result.stdout
    data = json.loads((tmp_path / "d.json").read_text())
    assert data["outcome"]["appraisal"]["in_words"] == "neither scenario has an appraisal"
    assert (data["outcome"]["appraisal"]["old"], data["outcome"]["appraisal"]["new"]) == (None, None)


def test_the_table_the_json_and_the_workbook_show_the_outcome(tmp_path):
    old, new = _pair(tmp_path, OLD, NEW)
    out = tmp_path / "diff.xlsx"
    result = CliRunner().invoke(cli, ["diff", str(old), str(new), "--json", str(tmp_path / "d.json"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Appraisal: 6 changes in its outcome:\n  Preferred option: was Keep it in-house, now A trust\n" \
        in result.stdout
    data = json.loads((tmp_path / "d.json").read_text())
    appraisal = data["outcome"]["appraisal"]
    assert (appraisal["in_old"], appraisal["in_new"], appraisal["changed"]) == (True, True, True)
    assert appraisal["changes"][0] == {"kind": "preferred", "subject": None, "old": "base", "new": "trust",
                                       "in_words": "Preferred option: was Keep it in-house, now A trust"}
    assert (appraisal["old"]["preferred"], appraisal["new"]["preferred"]) == ("base", "trust")
    assert appraisal["old"]["shortlisted"] == ["base", "trust", "partner"]
    assert [(s["option"], s["rank_by_score"], s["weighted_score"]) for s in appraisal["new"]["shortlist"]] == [
        ("trust", 1, 4.1), ("base", 2, 3.5)]

    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Changes", "Outcome", "base", "trust", "partner"]
    cells = {c.coordinate: c.value for row in book["Outcome"].iter_rows() for c in row if c.value is not None}
    assert cells["A4"] == "Appraisal: 6 changes in its outcome"
    assert (cells["A6"], cells["B6"]) == ("Preferred option", "was Keep it in-house, now A trust")
    # Below the six changes (rows 6 to 11) and the heading (13), the shortlist side by side: the partner's
    # row says it is no longer shortlisted; the preferred marked.
    rows = {cells[f"A{r}"]: [cells.get(f"{col}{r}") for col in "BCDEFGH"] for r in range(14, 17)}
    assert rows == {"A trust": [2, pytest.approx(3.1), 1, 1, pytest.approx(4.1), 1, "new"],
                    "Keep it in-house": [1, pytest.approx(4.0), 2, 2, pytest.approx(3.5), 2, "old"],
                    "A partner council": [3, pytest.approx(2.9), 3, "not shortlisted", None, None, None]}


def test_warnings_compared_as_added_and_removed():
    old = [("W101", "the trust's set-up cost has no source"), ("W102", "a rate of 0%"), ("W102", "a rate of 0%")]
    new = [("W102", "a rate of 0%"), ("W103", "a post with no salary")]
    assert [str(c) for c in compare_warnings(old, new)] == [
        "Warning: W101 removed: the trust's set-up cost has no source",
        "Warning: W102 removed: a rate of 0%",  # raised twice, now once
        "Warning: W103 added: a post with no salary",
    ]
    assert compare_warnings(new, list(reversed(new))) == []


def test_warnings_are_a_part_of_the_outcome_once_a_scenario_carries_them():
    # A scenario not reviewed carries no warnings part at all; one reviewed on either side does.
    assert [p.name for p in compare_outcomes(Outcome(), Outcome()).parts] == ["appraisal"]
    compared = compare_outcomes(Outcome(warnings=(("W101", "no source"),)), Outcome(warnings=()))
    part = compared.part("warnings")
    assert (part.in_words, [c.kind for c in part.changes]) == ("0 added, 1 removed", ["warning_removed"])
    assert compared.to_json()["warnings"]["changes"][0] == {
        "kind": "warning_removed", "subject": "W101", "old": "no source", "new": None,
        "in_words": "Warning: W101 removed: no source"}
    assert compare_outcomes(Outcome(warnings=()), Outcome(warnings=None)).part("warnings").in_words == \
        "the new scenario was not reviewed; the old one had 0 warnings"
