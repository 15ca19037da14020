"""The Scenario sheet carries any text the loader accepts, so an untouched workbook verifies.

The sheet holds the scenario file line by line, one cell to a line, and `verify` re-runs what it
reads back. Each line below is one that a cell, the workbook's XML, or Excel's escapes could
change on the way: a line of exactly the most characters a cell holds, tabs and trailing spaces,
a line of spaces only, text shaped like a formula or a reference, Excel's own escape `_x0041_`,
XML's special characters, and characters outside the Basic Multilingual Plane.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from conftest import MINIMAL
from costmodel.cli import cli
from costmodel.scenario.text import CELL_CHARACTERS

LINES = [
    "# " + "x" * (CELL_CHARACTERS - 2),  # 32,767 characters: the most a cell holds, carried whole
    "#\ta comment with tabs\tand trailing spaces  ",
    "   ",
    "# =SUM(A1) and Summary!A1 and =cmd|' /C calc'!A0",
    "# _x0041_ and _x005f_x0041_ are Excel's escape for 'A', written as text",
    "# &amp; <b> ]]> \" ' and a face \U0001F600",
]


@pytest.mark.parametrize("line", LINES, ids=["longest", "tabs", "spaces", "formula", "excel-escape", "xml"])
def test_an_untouched_workbook_verifies_whatever_text_its_scenario_holds(tmp_path, line):
    text = MINIMAL.replace("metadata:\n", line + "\nmetadata:\n", 1)
    text = text.replace("name: Trust", 'name: "Trust \\U0001F600 =A1 & <b>"')
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(text, encoding="utf-8")
    book = tmp_path / "book.xlsx"
    ran = CliRunner().invoke(cli, ["run", str(scenario), "-o", str(book)])
    assert ran.exit_code == 0, ran.output
    verified = CliRunner().invoke(cli, ["verify", str(book)])
    assert verified.exit_code == 0, verified.output
    assert "verified" in verified.stdout
