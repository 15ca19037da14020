"""Text from a scenario in a chart is text: an option name shaped like a cell reference
(`=cmd|' /C calc'!A0`, `Summary!A1 x`) is a name in the legend and the title, never a formula.

XlsxWriter reads a series name or a title shaped like `Sheet!A1` as a reference and writes it
into the chart as one (`<c:f>`), where Excel would look it up, or try to run it. So every
formula in every chart of these workbooks must be a reference to cells of a sheet the workbook
has, and each name must still be shown, as text, in the chart that names it.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import MINIMAL, SCENARIOS
from costmodel.cli import cli

#: The two names of issue 16: a DDE command Excel would offer to run, and text that is merely shaped
#: like a reference to a cell of the Summary sheet.
HOSTILE = ["=cmd|' /C calc'!A0", "Summary!A1 x"]
TEMPLATE_NAME = 'name: "Option 1: keep the service in-house"'
#: A reference to a cell or a range, as XlsxWriter writes one: Sheet!$A$1 or 'A sheet'!$A$1:$B$2.
REFERENCE = re.compile(r"(?P<sheet>'(?:[^']|'')+'|[A-Za-z0-9_.-]+)!\$[A-Z]{1,3}\$[0-9]+(?::\$[A-Z]{1,3}\$[0-9]+)?")


def _yaml_quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _charts(book: Path) -> dict[str, str]:
    with zipfile.ZipFile(book) as package:
        return {name: package.read(name).decode("utf-8") for name in package.namelist()
                if name.startswith("xl/charts/chart")}


def _sheets(book: Path) -> set[str]:
    with zipfile.ZipFile(book) as package:
        return set(re.findall(r'<sheet name="([^"]*)"', package.read("xl/workbook.xml").decode("utf-8")))


def _assert_only_references(book: Path) -> None:
    sheets = _sheets(book)
    for part, xml in _charts(book).items():
        for formula in re.findall(r"<c:f>(.*?)</c:f>", xml, re.S):
            match = REFERENCE.fullmatch(formula)
            assert match, f"{part}: {formula!r} is a formula in the chart, not a reference to cells"
            sheet = match["sheet"].strip("'").replace("''", "'")
            assert sheet in sheets, f"{part}: {formula!r} refers to no sheet of the workbook"


@pytest.mark.parametrize("name", HOSTILE)
def test_an_option_name_shaped_like_a_reference_is_text_in_the_charts_and_the_workbook_verifies(tmp_path, name):
    text = (SCENARIOS / "template.yaml").read_text(encoding="utf-8")
    assert text.count(TEMPLATE_NAME) == 1
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(text.replace(TEMPLATE_NAME, "name: " + _yaml_quoted(name)), encoding="utf-8")
    book = tmp_path / "book.xlsx"
    result = CliRunner().invoke(cli, ["run", str(scenario), "-o", str(book)])
    assert result.exit_code == 0, result.output
    _assert_only_references(book)
    # The appraisal's value-for-money chart still shows the option under its name, as text.
    escaped = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    appraisal = [xml for xml in _charts(book).values() if "Value for money" in xml]
    assert len(appraisal) == 1 and f"<c:v>{escaped}</c:v>" in appraisal[0]
    verified = CliRunner().invoke(cli, ["verify", str(book)])
    assert verified.exit_code == 0, verified.output


@pytest.mark.parametrize("name", HOSTILE)
def test_the_diff_workbook_titles_its_charts_with_text(tmp_path, name):
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    renamed = MINIMAL.replace("name: Trust", "name: " + _yaml_quoted(name))
    assert renamed != MINIMAL
    old.write_text(renamed, encoding="utf-8")
    new.write_text(renamed.replace("amount: 100,000", "amount: 90,000"), encoding="utf-8")
    book = tmp_path / "diff.xlsx"
    result = CliRunner().invoke(cli, ["diff", str(old), str(new), "-o", str(book)])
    assert result.exit_code == 0, result.output
    _assert_only_references(book)
    # The trust's waterfall is titled with its name; the title is the text of a cell, not a formula.
    escaped = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    titled = [xml for xml in _charts(book).values() if escaped in xml]
    assert titled, "the trust's waterfall chart shows its name"
