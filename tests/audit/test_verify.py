"""verify names the cell for every kind of tampering, each made on a real workbook built here.

Tampering is done on the workbook's XML, one cell at a time, as a hand edit would leave it:
re-saving through a library would also drop the stored values and hide what was changed.
"""

import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import costmodel
from conftest import ROOT, SCENARIOS
from workbookparts import parts_of, sheet_part, write_parts
from costmodel.audit.reader import fingerprint_of
from costmodel.audit.verify import verify
from costmodel.cli import cli
from costmodel.text import render_verification
from costmodel.workbook.writer import build_workbook
from costmodel.lines.categories import CATEGORIES

IOW = SCENARIOS / "isle-of-wight-2017.yaml"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("published") / "isle-of-wight-2017.xlsx"
    path.write_bytes(build_workbook(costmodel.project(costmodel.load_scenario(IOW))))
    return path




def _edit_cell(parts, sheet, ref, edit) -> None:
    part = sheet_part(parts, sheet)
    xml = parts[part].decode()
    match = re.search(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', xml)
    assert match, f"{sheet}!{ref} not found"
    parts[part] = (xml[:match.start()] + edit(match[0]) + xml[match.end():]).encode()


def _find(path, sheet, predicate) -> str:
    book = openpyxl.load_workbook(path)
    for row in book[sheet].iter_rows():
        for c in row:
            if predicate(c):
                return c.coordinate
    raise AssertionError("no such cell")


def _salary_cell(path) -> str:
    book = openpyxl.load_workbook(path)
    inputs = book["Inputs"]
    for row in inputs.iter_rows():
        if row[1].value == "Director of Children's Services" and str(row[2].value).startswith("Salary") \
                and str(row[0].value).startswith("Option 1"):
            return row[3].coordinate
    raise AssertionError("no Director salary on Inputs")


def _pay_formula_cell(path) -> str:
    return _find(path, "in-house", lambda c: isinstance(c.value, str) and c.value.startswith("=")
                 and c.column == 8 and "Inputs!" in c.value and c.offset(0, -6).value == "Director of Children's Services"
                 and c.offset(0, -5).value == CATEGORIES["pay"])


def test_an_untouched_workbook_verifies(published):
    result = verify(published)
    assert result.ok and not result.findings
    assert result.cells_compared > 5000


def test_an_untouched_workbook_counts_every_cell_it_holds(published):
    # Untouched, it is byte for byte the re-run, so verify does not read it cell by cell; the count
    # it reports must still be every cell holding something, as reading them all finds.
    from costmodel.audit.reader import read_cells

    assert verify(published).cells_compared == len(read_cells(published.read_bytes(), "published").content)


def test_a_workbook_resaved_with_the_same_cells_is_compared_cell_by_cell(published, tmp_path):
    # Other bytes (here the same parts, recompressed) but the same cells: verified the slow way.
    parts = parts_of(published)
    resaved = write_parts(parts, tmp_path / "resaved.xlsx")
    assert resaved.read_bytes() != published.read_bytes()
    result = verify(resaved)
    assert result.ok and result.cells_compared == verify(published).cells_compared


def test_a_workbook_compared_cell_by_cell_is_opened_once_and_each_sheet_parsed_once(published, tmp_path,
                                                                                     monkeypatch):
    # The published workbook's Cover and Scenario are read to re-run it, then every other sheet to compare:
    # one opening of it, and each sheet's XML parsed once for formulas and values (and its shared strings
    # once). The re-run's cells are taken from what was written into it (Book.cells_as_read), not read back.
    from xml.etree import ElementTree

    from openpyxl.reader.excel import ExcelReader

    resaved = write_parts(parts_of(published), tmp_path / "resaved.xlsx")
    sheets = len(openpyxl.load_workbook(published, read_only=True).sheetnames)
    opened, parsed = [], []
    read, iterparse = ExcelReader.read, ElementTree.iterparse
    monkeypatch.setattr(ExcelReader, "read", lambda self: opened.append(self) or read(self))
    monkeypatch.setattr(ElementTree, "iterparse", lambda source, *a, **k: parsed.append(source) or
                        iterparse(source, *a, **k))
    assert verify(resaved).ok
    assert len(opened) == 1  # the published workbook alone
    assert len(parsed) == sheets + 1  # each of its sheets, and the strings they share


def test_every_committed_reference_workbook_verifies():
    for path in sorted((ROOT / "workbooks").glob("*.xlsx")):
        result = verify(path)
        assert result.ok, (path, [str(d) for d in result.differences[:5]], result.findings)


def test_an_input_typed_over(published, tmp_path):
    parts = parts_of(published)
    ref = _salary_cell(published)
    _edit_cell(parts, "Inputs", ref, lambda xml: re.sub(r"<v>140000</v>", "<v>150000</v>", xml))
    result = verify(write_parts(parts, tmp_path / "typed-over.xlsx"))
    assert not result.ok
    first = result.differences[0]
    assert (first.sheet, first.cell, first.published, first.rerun, first.kind) == \
        ("Inputs", ref, 150000, 140000, "input changed")
    assert str(first).startswith(f"input changed: Inputs!{ref} (Option 1: take strategic management back in-house: "
                                 f"Director of Children's Services: Salary") and str(first).endswith(
        "was 140,000, now 150,000")


def test_a_formula_edited(published, tmp_path):
    parts = parts_of(published)
    ref = _pay_formula_cell(published)
    _edit_cell(parts, "in-house", ref, lambda xml: xml.replace("*(1-", "*1.1*(1-", 1))
    result = verify(write_parts(parts, tmp_path / "formula-edited.xlsx"))
    hit = [d for d in result.differences if (d.sheet, d.cell) == ("in-house", ref)]
    assert hit and hit[0].kind == "formula" and "1.1" in hit[0].published


def test_a_formula_replaced_by_a_number(published, tmp_path):
    parts = parts_of(published)
    ref = _pay_formula_cell(published)
    _edit_cell(parts, "in-house", ref, lambda xml: re.sub(r"<f>.*?</f>", "", xml))
    result = verify(write_parts(parts, tmp_path / "hard-coded.xlsx"))
    hit = [d for d in result.differences if (d.sheet, d.cell) == ("in-house", ref)]
    assert hit and hit[0].kind == "formula" and not str(hit[0].published).startswith("=")


def test_a_stored_value_changed(published, tmp_path):
    parts = parts_of(published)
    ref = _pay_formula_cell(published)
    _edit_cell(parts, "in-house", ref, lambda xml: re.sub(r"<v>[^<]*</v>", "<v>1</v>", xml))
    result = verify(write_parts(parts, tmp_path / "value-changed.xlsx"))
    assert [(d.sheet, d.cell, d.kind, d.published) for d in result.differences] == \
        [("in-house", ref, "stored value", 1)]


def test_a_row_removed_and_a_row_added(published, tmp_path):
    parts = parts_of(published)
    part = sheet_part(parts, "Compare")
    xml = parts[part].decode()
    removed = re.search(r'<row r="8".*?</row>', xml)[0]
    xml = xml.replace(removed, "").replace("</sheetData>", '<row r="500"><c r="A500"><v>42</v></c></row></sheetData>')
    parts[part] = xml.encode()
    result = verify(write_parts(parts, tmp_path / "rows.xlsx"))
    kinds = {(d.cell, d.kind) for d in result.differences}
    assert ("A500", "only in the published workbook") in kinds
    assert any(cell.endswith("8") and kind == "only in the re-run" for cell, kind in kinds)


def test_a_sheet_removed(published, tmp_path):
    parts = parts_of(published)
    parts["xl/workbook.xml"] = re.sub(rb'<sheet name="Compare"[^>]*/>', b"", parts["xl/workbook.xml"])
    result = verify(write_parts(parts, tmp_path / "sheet-removed.xlsx"))
    assert ("Compare", "(sheet)", "absent", "present") in \
        [(d.sheet, d.cell, d.published, d.rerun) for d in result.differences]


def test_a_sheet_added(published, tmp_path):
    parts = parts_of(published)
    sheets = len(re.findall(rb"<sheet ", parts["xl/workbook.xml"]))
    new = sheets + 1
    parts[f"xl/worksheets/sheet{new}.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>')
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"</sheets>", f'<sheet name="Extra" sheetId="{new}" r:id="rIdExtra"/></sheets>'.encode())
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rIdExtra" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'worksheet" Target="worksheets/sheet{new}.xml"/></Relationships>'.encode())
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", f'<Override PartName="/xl/worksheets/sheet{new}.xml" ContentType="application/'
                     f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'.encode())
    result = verify(write_parts(parts, tmp_path / "sheet-added.xlsx"))
    assert [(d.sheet, d.cell, d.published, d.rerun) for d in result.differences] == \
        [("Extra", "(sheet)", "present", "absent")]


def test_an_embedded_scenario_edited(published, tmp_path):
    parts = parts_of(published)
    shared = parts["xl/sharedStrings.xml"].decode()
    assert shared.count("    value: 23%<") == 1
    parts["xl/sharedStrings.xml"] = shared.replace("    value: 23%<", "    value: 25%<").encode()
    result = verify(write_parts(parts, tmp_path / "scenario-edited.xlsx"))
    assert result.scenario_edited and not result.ok
    assert any("edited since publication" in finding for finding in result.findings)
    # Re-run from the edited scenario, the pension rate on Inputs no longer matches what was published
    assert any(d.sheet == "Inputs" and d.published == 0.23 and d.rerun == 0.25 for d in result.differences)


def test_a_workbook_from_another_tool_version_is_said_plainly_and_compared(published, tmp_path):
    parts = parts_of(published)
    book = openpyxl.load_workbook(published)
    text = "\n".join(str(book["Scenario"].cell(r, 2).value or "") for r in range(5, book["Scenario"].max_row + 1))
    old_print = fingerprint_of(text, "0.0.9")
    shared = parts["xl/sharedStrings.xml"].decode()
    version = costmodel.__version__
    new_print = fingerprint_of(text, version)
    assert f">costmodel {version}<" in shared and new_print in shared
    shared = shared.replace(f">costmodel {version}<", ">costmodel 0.0.9<").replace(new_print, old_print)
    parts["xl/sharedStrings.xml"] = shared.encode()
    result = verify(write_parts(parts, tmp_path / "old-version.xlsx"))
    assert result.published_version == "0.0.9" and not result.scenario_edited
    assert any("published with costmodel 0.0.9" in finding for finding in result.findings)
    assert {d.sheet for d in result.differences} == {"Cover"}  # the version and fingerprint cells, nothing else


def test_cli_reports_cells_and_exits_1_and_json(published, tmp_path):
    parts = parts_of(published)
    ref = _salary_cell(published)
    _edit_cell(parts, "Inputs", ref, lambda xml: re.sub(r"<v>140000</v>", "<v>150000</v>", xml))
    tampered = write_parts(parts, tmp_path / "tampered.xlsx")
    result = CliRunner().invoke(cli, ["verify", str(published), str(tampered), "--json", str(tmp_path / "r.json")])
    assert result.exit_code == 1
    assert f"{published}: verified: " in result.stdout
    assert f"  input changed: Inputs!{ref} (" in result.stdout and "was 140,000, now 150,000\n" in result.stdout
    import json

    report = json.loads((tmp_path / "r.json").read_text())
    assert report["costmodel_version"] == costmodel.__version__
    assert [r["verified"] for r in report["workbooks"]] == [True, False]
    assert report["workbooks"][1]["differences"][0]["cell"] == ref


@pytest.mark.parametrize("content, phrase", [
    (b"not a spreadsheet at all", "is not an Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "password-protected"),
])
def test_files_that_are_not_workbooks_get_one_line(tmp_path, content, phrase):
    path = tmp_path / "book.xlsx"
    path.write_bytes(content)
    result = CliRunner().invoke(cli, ["verify", str(path)])
    assert result.exit_code == 1 and phrase in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


# --------------------------------------------------------------------------- re-saved without a change

REFERENCE = ROOT / "workbooks" / "isle-of-wight-2017.xlsx"


@pytest.fixture(scope="module")
def resaved_by_libreoffice(tmp_path_factory) -> dict[str, Path]:
    """The reference workbook opened and saved by LibreOffice: as a councillor's copy does (trusting the
    stored values), and recalculating every formula on opening, as Excel does with a costmodel workbook."""
    from libreoffice import libreoffice_convert

    return {name: libreoffice_convert([REFERENCE], "xlsx", tmp_path_factory.mktemp(name), recalculate=recalculate)[0]
            for name, recalculate in (("as-opened", False), ("recalculated", True))}


def test_a_libreoffice_resave_without_a_change_verifies(resaved_by_libreoffice):
    # LibreOffice drops the cells holding an empty string (headings over blank columns): an empty
    # cell and an empty string look the same, and must not be reported.
    for name, resaved in resaved_by_libreoffice.items():
        assert resaved.read_bytes() != REFERENCE.read_bytes()
        result = verify(resaved)
        assert result.ok, (name, [str(d) for d in result.differences[:5]])
        assert result.cells_compared == verify(REFERENCE).cells_compared


def _lo_cell(parts, sheet, ref) -> str:
    match = re.search(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', parts[sheet_part(parts, sheet)].decode())
    assert match, f"{sheet}!{ref} not in the re-saved workbook"
    return match[0]


def test_real_edits_to_a_libreoffice_resave_are_still_named(resaved_by_libreoffice, tmp_path):
    salary, pay = _salary_cell(REFERENCE), _pay_formula_cell(REFERENCE)
    label = "B5"  # Compare!B5, the heading over the options' names
    assert openpyxl.load_workbook(REFERENCE)["Compare"][label].value
    edits = {
        "typed over": ("Inputs", salary, lambda xml: re.sub(r"<v>140000</v>", "<v>150000</v>", xml)),
        "hard-coded": ("in-house", pay, lambda xml: re.sub(r"<f[^>]*>.*?</f>", "", xml)),
        "value changed": ("in-house", pay, lambda xml: re.sub(r"<v>[^<]*</v>", "<v>1</v>", xml)),
        "label emptied": ("Compare", label,
                          lambda xml: re.sub(r' t="s"><v>[0-9]+</v>', ' t="inlineStr"><is><t></t></is>', xml)),
    }
    found = {}
    for name, (sheet, ref, edit) in edits.items():
        parts = parts_of(resaved_by_libreoffice["recalculated"])
        before = _lo_cell(parts, sheet, ref)
        _edit_cell(parts, sheet, ref, edit)
        assert _lo_cell(parts, sheet, ref) != before, name
        result = verify(write_parts(parts, tmp_path / f"{name}.xlsx"))
        found[name] = [(d.sheet, d.cell, d.kind) for d in result.differences]
    assert found == {
        "typed over": [("Inputs", salary, "input changed")],
        "hard-coded": [("in-house", pay, "formula")],
        "value changed": [("in-house", pay, "stored value")],
        "label emptied": [("Compare", label, "only in the re-run")],
    }


def _as_excel_saves(parts) -> int:
    """What Excel may change when it saves a costmodel workbook untouched: a formula filled along a row
    becomes one shared formula (written once, the other cells pointing to it), an empty string is
    dropped, and each value is its own recalculation, written to 17 significant figures and perhaps a
    last binary digit away. Returns how many cells joined a shared formula."""
    from html import unescape

    from openpyxl.formula.translate import Translator
    from openpyxl.utils.cell import column_index_from_string

    empty = re.findall(r"<si>(.*?)</si>", parts["xl/sharedStrings.xml"].decode(), re.S).index("<t></t>")
    formula_cell = re.compile(r'<c r="([A-Z]+)([0-9]+)"([^>]*)><f>([^<]*)</f>(.*?)</c>')
    shared = 0
    for part in [name for name in parts if re.fullmatch(r"xl/worksheets/sheet[0-9]+\.xml", name)]:
        xml = parts[part].decode()
        xml = re.sub(rf'(<c r="[A-Z]+[0-9]+"[^>]*?) t="s"><v>{empty}</v></c>', r"\1/>", xml)
        xml = re.sub(r"(</f><v>)([-0-9.E]+)(</v>)",
                     lambda m: f"{m[1]}{float(m[2]) * (1 + 2 ** -52):.17g}{m[3]}", xml)
        rows, group = [], 0  # shared formulas are numbered across the sheet
        for row in re.split(r"(?=<row )", xml):
            cells, out, last, i = list(formula_cell.finditer(row)), [], 0, 0
            while i < len(cells):
                master = cells[i]
                j = i + 1
                while j < len(cells) and column_index_from_string(cells[j][1]) == \
                        column_index_from_string(cells[j - 1][1]) + 1 and \
                        Translator("=" + unescape(master[4]), master[1] + master[2]).translate_formula(
                            cells[j][1] + cells[j][2]) == "=" + unescape(cells[j][4]):
                    j += 1
                if j - i > 1:
                    out.append(row[last:master.start()])
                    out.append(f'<c r="{master[1]}{master[2]}"{master[3]}><f t="shared" ref="{master[1]}{master[2]}:'
                               f'{cells[j - 1][1]}{master[2]}" si="{group}">{master[4]}</f>{master[5]}</c>')
                    for k in range(i + 1, j):
                        out.append(row[cells[k - 1].end():cells[k].start()])
                        out.append(f'<c r="{cells[k][1]}{cells[k][2]}"{cells[k][3]}><f t="shared" si="{group}"/>'
                                   f'{cells[k][5]}</c>')
                    last, group, shared = cells[j - 1].end(), group + 1, shared + j - i
                i = j
            rows.append("".join(out) + row[last:])
        parts[part] = "".join(rows).encode()
    return shared


def test_a_workbook_saved_as_excel_saves_it_verifies(tmp_path):
    parts = parts_of(REFERENCE)
    assert _as_excel_saves(parts) > 1000
    sheet = parts[sheet_part(parts, "in-house")].decode()
    assert re.search(r'<f t="shared" ref="[A-Z]+[0-9]+:[A-Z]+[0-9]+" si="[0-9]+">', sheet)
    assert '<f t="shared" si="1"/>' in sheet
    result = verify(write_parts(parts, tmp_path / "as-excel-saves.xlsx"))
    assert result.ok, [str(d) for d in result.differences[:5]]
    assert result.cells_compared == verify(REFERENCE).cells_compared


def test_a_formula_changed_inside_a_shared_formula_is_named(tmp_path):
    # One cell of a row Excel wrote as a shared formula, given a formula of its own.
    parts = parts_of(REFERENCE)
    _as_excel_saves(parts)
    part = sheet_part(parts, "in-house")
    xml = parts[part].decode()
    dependent = re.search(r'<c r="([A-Z]+[0-9]+)"[^>]*><f t="shared" si="[0-9]+"/>', xml)
    parts[part] = xml.replace(dependent[0], dependent[0].replace(dependent[0][dependent[0].index("<f"):],
                                                                 "<f>1+1</f>"), 1).encode()
    result = verify(write_parts(parts, tmp_path / "shared-edited.xlsx"))
    assert [(d.sheet, d.cell, d.kind, d.published) for d in result.differences] == \
        [("in-house", dependent[1], "formula", "=1+1")]


# --------------------------------------------------------------------------- saved by openpyxl

@pytest.fixture(scope="module")
def saved_by_openpyxl(tmp_path_factory) -> Path:
    """The reference workbook opened and saved by openpyxl, which keeps formulas but writes no values."""
    path = tmp_path_factory.mktemp("openpyxl") / "isle-of-wight-2017.xlsx"
    openpyxl.load_workbook(REFERENCE).save(path)
    return path


def test_an_openpyxl_save_without_an_edit_says_why_it_is_not_verified(saved_by_openpyxl, tmp_path):
    result = verify(saved_by_openpyxl)
    # Every formula and input agrees, but the figures a reader sees are not in the file to check.
    assert result.differences == [] and result.stored_values_missing and not result.ok
    assert result.findings[0].startswith("saved by a tool that keeps formulas but drops the values stored beside "
                                         "them (as openpyxl does): none of its ")
    assert "so stored values cannot be compared; inputs and formulas are" in result.findings[0]
    cli_result = CliRunner().invoke(cli, ["verify", str(saved_by_openpyxl), "--json", str(tmp_path / "r.json")])
    assert cli_result.exit_code == 1
    lines = cli_result.stdout.splitlines()
    assert lines[0] == (f"{saved_by_openpyxl}: not verified: inputs and formulas agree "
                        f"({result.cells_compared:,} cells), but it holds no stored values (parameter set 2026-12, "
                        f"recorded on the Cover)")
    assert lines[1].startswith("  note: saved by a tool that keeps formulas but drops") and len(lines) == 2
    import json

    report = json.loads((tmp_path / "r.json").read_text())["workbooks"][0]
    assert (report["verified"], report["stored_values_compared"], report["differences"]) == (False, False, [])


def test_an_openpyxl_save_with_edits_names_them_inputs_first(saved_by_openpyxl, tmp_path):
    salary = _salary_cell(REFERENCE)
    book = openpyxl.load_workbook(saved_by_openpyxl)
    assert book["Summary"]["B4"].value.startswith("=")
    book["Summary"]["B4"] = "Option 1"  # a formula typed over on a sheet before Inputs
    book["Inputs"][salary] = 150000
    book.save(tmp_path / "edited.xlsx")
    result = verify(tmp_path / "edited.xlsx")
    assert result.stored_values_missing
    assert [(d.sheet, d.cell, d.kind, d.published) for d in result.differences] == [
        ("Inputs", salary, "input changed", 150000), ("Summary", "B4", "formula", "Option 1")]
    lines = render_verification(result).splitlines()
    assert lines[0] == (f"{tmp_path / 'edited.xlsx'}: 2 of {result.cells_compared:,} cells differ (parameter set "
                        f"2026-12, recorded on the Cover)")
    assert lines[1].startswith("  note: saved by a tool that keeps formulas but drops")
    assert lines[2].startswith(f"  input changed: Inputs!{salary} (") and lines[2].endswith("was 140,000, now 150,000")


def test_one_stored_value_removed_by_hand_is_that_cell_not_a_tool(published, tmp_path):
    parts = parts_of(published)
    ref = _pay_formula_cell(published)
    _edit_cell(parts, "in-house", ref, lambda xml: re.sub(r"<v>[^<]*</v>", "", xml))
    result = verify(write_parts(parts, tmp_path / "value-removed.xlsx"))
    assert not result.stored_values_missing
    assert [(d.sheet, d.cell, d.kind, d.published) for d in result.differences] == \
        [("in-house", ref, "stored value", None)]


def test_differences_come_inputs_first_then_formulas(published, tmp_path):
    # Three edits, on sheets in the order Summary, Inputs, in-house: a stored value on the Summary,
    # a formula on in-house, an input on Inputs. Reported cause first: the input, the formula, the value.
    parts = parts_of(published)
    salary, pay = _salary_cell(published), _pay_formula_cell(published)
    summary = _find(published, "Summary", lambda c: isinstance(c.value, str) and c.value.startswith("="))
    _edit_cell(parts, "Summary", summary, lambda xml: re.sub(r"<v>[^<]*</v>", "<v>7</v>", xml))
    _edit_cell(parts, "in-house", pay, lambda xml: xml.replace("*(1-", "*1.1*(1-", 1))
    _edit_cell(parts, "Inputs", salary, lambda xml: re.sub(r"<v>140000</v>", "<v>150000</v>", xml))
    result = verify(write_parts(parts, tmp_path / "three.xlsx"))
    assert [(d.sheet, d.cell, d.kind) for d in result.differences] == [
        ("Inputs", salary, "input changed"), ("in-house", pay, "formula"), ("Summary", summary, "stored value")]


def test_verify_reads_an_untouched_workbook_once(monkeypatch):
    # The Cover and the Scenario sheet are all an untouched workbook needs reading for: one reading of
    # the file by openpyxl, not one for its formulas and another for its stored values.
    from openpyxl.reader.excel import ExcelReader

    readings = []
    real = ExcelReader.read
    monkeypatch.setattr(ExcelReader, "read", lambda self: readings.append((self.read_only, self.data_only)) or
                        real(self))
    assert verify(ROOT / "workbooks" / "isle-of-wight-2017.xlsx").ok
    assert readings == [(True, False)]
