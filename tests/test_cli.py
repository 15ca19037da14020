"""The command line, as a finance officer uses it (click's CliRunner)."""

import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from costmodel import __version__
from costmodel.cli import cli
from conftest import ROOT, SCENARIOS

IOW = SCENARIOS / "isle-of-wight-2017.yaml"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"costmodel {__version__}"


@pytest.mark.parametrize("command", [[], ["validate"], ["run"], ["init"]])
def test_every_command_has_help_with_an_example_and_the_exit_codes(command):
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output
    assert "Exit codes" in result.output


def test_validate_a_good_scenario():
    result = invoke("validate", IOW)
    assert result.exit_code == 0
    # The scenario acknowledges its two warnings of the model review (W102, W105), with reasons.
    assert "isle-of-wight-2017.yaml: ok (4 options, 10 years, 7 published figures; 2 warnings, all acknowledged)" \
        in result.stdout
    assert result.stderr.count("acknowledged:") == 2


def test_validate_reports_bad_files_and_still_checks_the_rest(write_scenario, minimal_text):
    bad = write_scenario(minimal_text.replace("salary: 35,000", "salary: 35,0O0"), "bad.yaml")
    result = invoke("validate", IOW, bad)
    assert result.exit_code == 1
    assert "isle-of-wight-2017.yaml: ok" in result.stdout
    assert f"{bad}:" in result.stderr and "letter O" in result.stderr
    assert "1 of 2 scenario files have problems" in result.stderr


def test_run_prints_the_documented_json_for_all_four_options(tmp_path):
    result = invoke("run", IOW, "--json", "-", "-o", tmp_path / "book.xlsx")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert invoke("run", IOW, "--json", tmp_path / "results.json", "-o", tmp_path / "book.xlsx").exit_code == 0
    assert json.loads((tmp_path / "results.json").read_text()) == data
    assert data["costmodel_version"] == __version__
    assert set(data["scenario"]) >= {"id", "title", "fingerprint"}
    assert len(data["scenario"]["fingerprint"]) == 64
    assert data["years"][0] == "2018/19" and len(data["years"]) == 10
    assert [o["id"] for o in data["options"]] == ["hampshire", "in-house", "new-partner", "trust"]
    for option in data["options"]:
        assert set(option) >= {"id", "name", "family", "baseline", "cash_total", "npc", "eac", "rank",
                               "vs_baseline", "break_even_year", "annual", "by_category"}
        assert set(option["vs_baseline"]) == {"cash", "npc"}
        assert [a["year"] for a in option["annual"]] == data["years"]
        assert set(option["annual"][0]) == {"year", "cash", "real", "pv"}
        # The annual figures add up to the totals, to the penny of rounding
        assert sum(a["cash"] for a in option["annual"]) == pytest.approx(option["cash_total"], abs=0.06)
        # The NPC is the economic case's: every year's present value less the transfers it leaves out.
        economic = option["economic"]
        assert sum(a["pv"] for a in option["annual"]) == pytest.approx(
            option["npc"] + economic["transfers_left_out"]["pv"], abs=0.06)
        assert sum(a["pv"] for a in economic["annual_pv"]) == pytest.approx(option["npc"], abs=0.06)
        assert sum(c["npc"] for c in option["by_category"].values()) == pytest.approx(
            option["npc"] + economic["transfers_left_out"]["pv"], abs=0.2)
    assert sum(o["baseline"] for o in data["options"]) == 1
    assert {c["ok"] for c in data["checks"]} == {True, False}
    assert set(data["checks"][0]) >= {"name", "expected", "computed", "difference", "tolerance", "ok",
                                      "source", "note", "line"}
    hos_each = next(c for c in data["checks"] if c["name"] == "Head of Service, with on-costs, each")
    assert "Disagrees with the paper's own total" in hos_each["note"]
    # The table goes to stderr so stdout stays JSON
    assert "Rank" in result.stderr and "Published figures" in result.stderr


def test_run_writes_the_workbook_to_workbooks_by_default_and_shows_the_ranked_table(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("run", IOW)
    assert result.exit_code == 0, result.output
    written = tmp_path / "workbooks" / "isle-of-wight-2017.xlsx"
    assert written.read_bytes()[:2] == b"PK"  # an xlsx is a zip
    assert "wrote workbooks/isle-of-wight-2017.xlsx" in result.stdout
    lines = result.stdout.splitlines()
    ranked = [line for line in lines if re.match(r"^\s*\d+  Option", line)]
    assert ranked[0].strip().startswith("1  Option 2: extend the Hampshire partnership (baseline)")
    assert "Published figures: 4 of 7 agree; 3 differ (warning)" in result.stdout


def test_strict_makes_a_published_figure_that_differs_an_error(tmp_path):
    result = invoke("run", IOW, "-o", tmp_path / "out.xlsx", "--strict")
    assert result.exit_code == 1
    assert (tmp_path / "out.xlsx").exists()  # the results are still written, and say what differs


def test_strict_passes_when_every_figure_agrees(tmp_path, write_scenario, minimal_text):
    text = minimal_text + ("published_figures:\n  - {name: Ten social workers, option: in-house, category: pay, "
                           "basis: full_year, amount: \"350,000\"}\n")
    result = invoke("run", write_scenario(text), "-o", tmp_path / "out.xlsx", "--strict")
    assert result.exit_code == 0, result.output
    assert "1 of 1 agree" in result.stdout


@pytest.mark.parametrize("args", [["run"], ["run", IOW, "--no-such-option"], ["frobnicate"], ["validate"],
                                  ["run", IOW, "-o", "results.json"]])
def test_a_bad_command_line_exits_2(args):
    result = invoke(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_an_output_path_that_is_a_folder_is_a_clean_error(tmp_path):
    folder = tmp_path / "looks-like-a-file.xlsx"
    folder.mkdir()
    result = invoke("run", IOW, "-o", folder)
    assert result.exit_code == 1
    assert "is a folder" in result.stderr and "Traceback" not in result.output


def test_a_missing_scenario_is_a_clean_error(tmp_path):
    result = invoke("run", tmp_path / "nowhere.yaml", "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 1
    assert "nowhere.yaml: no such file" in result.stderr
    assert not (tmp_path / "out.xlsx").exists()


def test_init_writes_the_shipped_template(tmp_path):
    target = tmp_path / "mine.yaml"
    result = invoke("init", target)
    assert result.exit_code == 0
    assert target.read_bytes() == (SCENARIOS / "template.yaml").read_bytes()
    assert invoke("validate", target).exit_code == 0


def test_init_refuses_to_overwrite_without_force(tmp_path):
    target = tmp_path / "mine.yaml"
    target.write_text("my work\n")
    result = invoke("init", target)
    assert result.exit_code == 1 and "exists" in result.stderr
    assert target.read_text() == "my work\n"
    assert invoke("init", target, "--force").exit_code == 0
    assert target.read_text() != "my work\n"


def test_packaged_template_is_the_shipped_template():
    assert (ROOT / "costmodel" / "templates" / "template.yaml").read_bytes() == \
        (SCENARIOS / "template.yaml").read_bytes()


def test_python_dash_m_runs_the_cli():
    import subprocess

    result = subprocess.run([sys.executable, "-m", "costmodel", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == f"costmodel {__version__}"


def test_console_script_is_installed_beside_python():
    script = Path(sys.executable).parent / "costmodel"
    assert script.exists(), f"{script} is missing: install with pip install -e ."


def test_run_never_writes_over_the_scenario_it_reads(tmp_path):
    scenario = tmp_path / "iow.yaml"
    scenario.write_bytes(IOW.read_bytes())
    result = invoke("run", scenario, "-o", tmp_path / "out.xlsx", "--json", scenario)
    assert result.exit_code == 1 and "is the scenario being read" in result.stderr
    assert scenario.read_bytes() == IOW.read_bytes()
    assert not (tmp_path / "out.xlsx").exists()  # nothing written when any target is refused
    named_like_a_workbook = tmp_path / "iow.xlsx"
    named_like_a_workbook.write_bytes(IOW.read_bytes())
    result = invoke("run", named_like_a_workbook, "-o", named_like_a_workbook)
    assert result.exit_code == 1 and named_like_a_workbook.read_bytes() == IOW.read_bytes()
