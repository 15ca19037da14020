"""Each command loads only what it needs: `costmodel --help` does not wait for pandas.

Each case runs a command in a fresh Python process, in-process through click, and then
lists which of the heavy libraries are loaded. (How long start-up takes is measured by
bench/startup.py; here only what is loaded, which does not depend on the machine.)
"""

import json
import subprocess
import sys

import pytest

from conftest import ROOT, SCENARIOS

HEAVY = ["numpy", "pandas", "pydantic", "ruamel.yaml", "xlsxwriter", "openpyxl", "multiprocessing", "docx", "matplotlib",
         "matplotlib.backends.backend_agg"]

AFTER = """
import json, sys
from costmodel.cli import cli
try:
    cli.main(sys.argv[2:], standalone_mode=False)
except SystemExit as exit:
    assert not exit.code, exit.code
print(json.dumps([name for name in json.loads(sys.argv[1]) if name in sys.modules]))
"""


def loaded_after(*args, cwd=ROOT) -> set[str]:
    result = subprocess.run([sys.executable, "-c", AFTER, json.dumps(HEAVY), *map(str, args)], cwd=cwd,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_import_costmodel_loads_no_library():
    result = subprocess.run([sys.executable, "-c", "import json, sys, costmodel; "
                             f"print(json.dumps([m for m in {HEAVY + ['click']!r} if m in sys.modules]))"],
                            capture_output=True, text=True, cwd=ROOT)
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["run", "--help"], ["verify", "--help"]])
def test_help_and_version_load_no_heavy_library(args):
    assert loaded_after(*args) == set()


def test_init_loads_no_heavy_library(tmp_path):
    assert loaded_after("init", tmp_path / "mine.yaml", cwd=tmp_path) == set()


def test_validate_reads_the_scenario_without_the_workbook_or_table_libraries():
    loaded = loaded_after("validate", SCENARIOS / "isle-of-wight-2017.yaml")
    assert "ruamel.yaml" in loaded or "pydantic" in loaded  # it did read and check the file
    assert loaded.isdisjoint({"pandas", "xlsxwriter", "openpyxl", "multiprocessing"}), loaded


def test_run_writes_a_workbook_without_the_workbook_reader_or_processes(tmp_path):
    loaded = loaded_after("run", SCENARIOS / "isle-of-wight-2017.yaml", "-o", tmp_path / "book.xlsx")
    assert "xlsxwriter" in loaded and (tmp_path / "book.xlsx").exists()
    assert loaded.isdisjoint({"openpyxl", "multiprocessing"}), loaded


@pytest.mark.parametrize("name", ["isle-of-wight-2017", "worcestershire-2017"])
def test_run_shows_and_writes_its_summary_without_pandas(tmp_path, name):
    # Worcestershire states an appraisal, which ranks the options by their NPC; the JSON has every summary figure.
    loaded = loaded_after("run", SCENARIOS / f"{name}.yaml", "-o", tmp_path / "book.xlsx", "--json",
                          tmp_path / "results.json")
    assert "numpy" in loaded and (tmp_path / "book.xlsx").exists() and (tmp_path / "results.json").exists()
    assert "pandas" not in loaded


def test_run_sizes_its_rows_without_matplotlibs_renderer_or_the_word_library(tmp_path):
    # The workbook's rows are sized by measuring their text (printed/measure.py) from the table of the font's
    # metrics (printed/dejavu.json), without loading matplotlib at all.
    loaded = loaded_after("run", SCENARIOS / "isle-of-wight-2017.yaml", "-o", tmp_path / "book.xlsx")
    assert "xlsxwriter" in loaded and (tmp_path / "book.xlsx").exists()
    assert loaded.isdisjoint({"matplotlib", "matplotlib.backends.backend_agg", "docx"}), loaded
