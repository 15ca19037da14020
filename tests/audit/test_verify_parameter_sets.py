"""A workbook records the parameter set it was priced with, and a later release re-runs it with that set.

The later release is made here by adding a set to the registry, as the release would ship it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import costmodel
from costmodel.audit.reader import WorkbookError
from costmodel.audit.verify import verify
from costmodel.scenario import parameters
from costmodel.text import render_verification
from costmodel.workbook.writer import build_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scenario"))
from test_parameters import _future_set, _one_post  # noqa: E402


def _book(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "book.xlsx"
    path.write_bytes(build_workbook(costmodel.project(costmodel.load_scenario_text(text, "council.yaml"))))
    return path


def _cover(path: Path) -> dict:
    import openpyxl

    sheet = openpyxl.load_workbook(path)["Cover"]
    return {row[0].value: row[1].value for row in sheet.iter_rows(max_col=2) if row[0].value}


def test_an_unpinned_workbook_verifies_with_the_set_its_cover_records_after_a_later_set_ships(tmp_path, monkeypatch):
    book = _book(tmp_path, _one_post())
    cover = _cover(book)
    assert cover["Parameter set"] == "2026-12"
    assert "pins none" in cover["Its figures"]
    monkeypatch.setitem(parameters.SETS, "2027-04", _future_set())
    result = verify(book)
    # Re-run with 2027-04, the unpinned scenario would cost more from 2027/28 and no cell would agree
    # there; re-run with the recorded 2026-12, every cell does.
    assert result.ok, [str(d) for d in result.differences[:5]]
    assert result.parameter_set == "2026-12"
    assert (result.to_json()["parameter_set"], result.to_json()["parameter_set_pinned"]) == ("2026-12", False)
    assert render_verification(result).splitlines()[0].endswith("cells agree (parameter set 2026-12, recorded on the Cover)")


def test_a_workbook_priced_as_known_at_a_day_records_it_and_verifies(tmp_path):
    book = _book(tmp_path, "parameters: {as_known_at: 2022-03-01}\n" + _one_post(first_year="2022/23", years=2))
    assert _cover(book)["Parameter set"] == "2026-12 as known at 2022-03-01"
    result = verify(book)
    assert result.ok and result.parameter_set == "2026-12 as known at 2022-03-01"


def test_an_unpinned_workbook_known_at_a_day_verifies_with_its_recorded_set_after_a_later_set_ships(
        tmp_path, monkeypatch):
    book = _book(tmp_path, "parameters: {as_known_at: 2026-11-01}\n" + _one_post())
    assert _cover(book)["Parameter set"] == "2026-12 as known at 2026-11-01"
    assert "write parameters: {set: 2026-12, as_known_at: 2026-11-01} in the scenario" in _cover(book)["Its figures"]
    later = _future_set()
    # The later set corrects a figure announced before that day: 2026/27's threshold, £5,500.
    threshold = next(f for f in later.tables[("employer_ni", "threshold")] if f.tax_year == 2026)
    import dataclasses

    later.tables[("employer_ni", "threshold")] = tuple(
        dataclasses.replace(f, value=5500.0) if f is threshold else f for f in later.tables[("employer_ni", "threshold")])
    monkeypatch.setitem(parameters.SETS, "2027-04", later)
    result = verify(book)
    assert result.ok, [str(d) for d in result.differences[:5]]
    assert result.parameter_set == "2026-12 as known at 2026-11-01"


def test_a_workbook_of_a_set_this_release_does_not_ship_is_refused_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setitem(parameters.SETS, "2027-04", _future_set())
    book = _book(tmp_path, _one_post())
    assert _cover(book)["Parameter set"] == "2027-04"
    monkeypatch.delitem(parameters.SETS, "2027-04")
    with pytest.raises(WorkbookError) as caught:
        verify(book)
    assert "was priced with parameter set 2027-04, which this costmodel does not ship" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_diff_prices_an_unpinned_workbook_with_its_recorded_set_and_shows_the_change_of_set_as_its_own_step(
        tmp_path, monkeypatch):
    from costmodel.audit.diff import diff

    book = _book(tmp_path, _one_post())
    scenario = tmp_path / "council.yaml"
    scenario.write_text(_one_post(), encoding="utf-8")
    monkeypatch.setitem(parameters.SETS, "2027-04", _future_set())
    report = diff(book, scenario)
    # The same file on both sides; only the set differs: 2026-12 as published, 2027-04 the latest now.
    [step] = report.steps
    assert [str(change) for change in step.changes] == ["parameters: 2026-12 -> 2027-04"]
    # By hand, one social worker on £40,000, 2025/26 to 2028/29, no inflation:
    # levy 1% instead of 0.5% in every year: 4 x 40,000 x 0.5% = £800;
    # NI in 2027/28 and 2028/29, 17% above £6,000 instead of 15% above £5,000:
    # 2 x (34,000 x 17% - 35,000 x 15%) = 2 x (5,780 - 5,250) = £1,060. In all, £1,860.
    assert step.cash["team"] == pytest.approx(1_860, abs=0.01)
    assert report.old_totals["team"][0] + 1_860 == pytest.approx(report.new_totals["team"][0], abs=0.01)
    # The workbook against itself: the same set, so nothing moved.
    assert diff(book, book).steps == []
