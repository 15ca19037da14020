"""run --manifest: the run record, in a file and on the Cover; and published figures reconciled."""

import hashlib
import json

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import EMPTY_BASELINE, SCENARIOS, make_scenario, project_text
from costmodel import __version__
from costmodel.audit.verify import verify
from costmodel.cli import cli

IOW = SCENARIOS / "isle-of-wight-2017.yaml"


def test_manifest_records_hashes_versions_command_and_checks(tmp_path):
    book, results, manifest = tmp_path / "book.xlsx", tmp_path / "r.json", tmp_path / "run.json"
    result = CliRunner().invoke(cli, ["run", str(IOW), "-o", str(book), "--json", str(results),
                                      "--manifest", str(manifest)])
    assert result.exit_code == 0, result.output
    record = json.loads(manifest.read_text())
    assert record["costmodel_version"] == __version__
    assert record["command"] == f"costmodel run {IOW} -o {book} --json {results} --manifest {manifest}"
    assert record["scenario"]["sha256"] == hashlib.sha256(IOW.read_bytes()).hexdigest()
    assert len(record["scenario"]["fingerprint"]) == 64
    assert set(record["libraries"]) >= {"python", "numpy", "pandas", "pydantic", "XlsxWriter", "openpyxl"}
    assert record["checks"]["published_figures"] == 7 and record["checks"]["agree"] == 4
    assert {o["path"]: o["sha256"] for o in record["outputs"]} == {
        str(book): hashlib.sha256(book.read_bytes()).hexdigest(),
        str(results): hashlib.sha256(results.read_bytes()).hexdigest()}
    cover = {row[0].value: row[1].value for row in openpyxl.load_workbook(book)["Cover"].iter_rows(max_col=2)
             if row[0].value}
    assert cover["Scenario file SHA-256"] == record["scenario"]["sha256"]
    assert "4 of 7 agree" in cover["Published figures"]


def test_a_workbook_with_a_run_record_still_verifies(tmp_path):
    book = tmp_path / "book.xlsx"
    assert CliRunner().invoke(cli, ["run", str(IOW), "-o", str(book), "--manifest", str(tmp_path / "m.json")]
                              ).exit_code == 0
    result = verify(book)
    assert result.ok and any("run record" in finding for finding in result.findings)


def test_an_options_total_in_one_year_reconciles():
    """Published figure against an option's total in one year: £100 flat + £50 flat = £150 in 2019/20."""
    body = EMPTY_BASELINE + """\
- id: x
  name: X
  family: in_house
  non_pay:
    - {id: a, name: A, amount: 100, index: none}
    - {id: b, name: B, amount: 50, index: none}
"""
    published = "- {name: the year's total, option: x, year: 2019/20, amount: 150}\n" \
                "- {name: off by ten, option: x, year: 2019/20, amount: 160, tolerance: 5}\n"
    checks = project_text(make_scenario(body, years=3, published=published)).checks
    assert [(c.computed, c.ok) for c in checks] == [(pytest.approx(150.0), True), (pytest.approx(150.0), False)]
    assert checks[1].tolerance == 5.0 and checks[1].difference == pytest.approx(-10.0)


def test_manifest_dash_writes_the_record_to_standard_output_and_no_file_named_dash(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    book = tmp_path / "book.xlsx"
    result = CliRunner().invoke(cli, ["run", str(IOW), "-o", str(book), "--manifest", "-"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)  # standard output holds the record alone; the tables went to stderr
    assert record["command"] == f"costmodel run {IOW} -o {book} --manifest -"
    assert record["outputs"] == [{"path": str(book), "sha256": hashlib.sha256(book.read_bytes()).hexdigest()}]
    assert "Published figures: 4 of 7 agree" in result.stderr
    assert result.stderr.rstrip().endswith(f"wrote {book}")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["book.xlsx"]


def test_manifest_and_json_cannot_both_go_to_standard_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["run", str(IOW), "-o", "book.xlsx", "--manifest", "-", "--json", "-"])
    assert result.exit_code == 2 and "would both write to standard output" in result.stderr
    assert list(tmp_path.iterdir()) == []
