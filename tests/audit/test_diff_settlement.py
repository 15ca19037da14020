"""diff on what the council pays a company or trust: a change of margin moves the cash, not the NPC."""

import pytest

from settlement_cases import MARGIN, settlement_scenario


def test_diff_charges_a_change_of_margin_to_the_cash_and_nothing_to_the_npc(tmp_path):
    from costmodel.audit.diff import diff

    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(settlement_scenario("trust", MARGIN), encoding="utf-8")
    new.write_text(settlement_scenario("trust", MARGIN.replace("central: 4%", "central: 5%")), encoding="utf-8")
    [step] = diff(old, new).steps
    assert [change.where for change in step.changes] == ["options[body].contract_sum.margin"]
    # One point more margin on £1,000,000 a year, of which the trust keeps 75%: £7,500 a year, £15,000 in two.
    assert step.cash["body"] == pytest.approx(15_000.0)
    # The margin is a transfer: the economic case does not move.
    assert step.npc["body"] == pytest.approx(0.0)
