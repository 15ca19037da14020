"""verify compares everything a reader sees, not only what the cells hold.

Each tampering below was reported `verified` before: the cells all agree, and what the reader
sees is changed. Each is made on the reference workbook's parts (which claim to be costmodel's
untouched output, so every part is compared) and, where a spreadsheet program keeps it, on a
LibreOffice re-save (its own parts, compared by what they show).
"""

import re
from pathlib import Path

import pytest

from conftest import ROOT
from workbookparts import parts_of, sheet_part, write_parts
from costmodel.audit.verify import shown_format, verify

REFERENCE = ROOT / "workbooks" / "isle-of-wight-2017.xlsx"


def formats_rewritten(parts):
    # Every money figure shows £40,000,000, and every check "agrees", whatever the cell holds.
    styles = parts["xl/styles.xml"].decode()
    money = re.search(r'<numFmt numFmtId="([0-9]+)" formatCode="[^"]*£#,##0;[^"]*"/>', styles)
    check = re.search(r'<numFmt numFmtId="([0-9]+)" formatCode="&quot;agrees&quot;;;&quot;differs&quot;"/>', styles)
    assert money and check
    styles = styles.replace(money[0], f'<numFmt numFmtId="{money[1]}" formatCode="&quot;£40,000,000&quot;"/>')
    styles = styles.replace(check[0], f'<numFmt numFmtId="{check[1]}" formatCode="&quot;agrees&quot;;&quot;agrees'
                                      f'&quot;;&quot;agrees&quot;"/>')
    parts["xl/styles.xml"] = styles.encode()


def series_swapped(parts):
    chart = next(name for name in sorted(parts) if name.startswith("xl/charts/"))
    xml = parts[chart].decode()
    refs = re.findall(r"<c:val><c:numRef><c:f>([^<]*)</c:f>", xml)
    assert len(set(refs)) >= 2
    xml = xml.replace(f"<c:f>{refs[0]}</c:f>", "<c:f>SWAP</c:f>", 1).replace(f"<c:f>{refs[1]}</c:f>",
                                                                            f"<c:f>{refs[0]}</c:f>", 1)
    parts[chart] = xml.replace("<c:f>SWAP</c:f>", f"<c:f>{refs[1]}</c:f>", 1).encode()


def checks_very_hidden(parts):
    xml = parts["xl/workbook.xml"].decode()
    assert '<sheet name="Checks" ' in xml
    sheet = re.search(r'<sheet name="Checks" [^>]*>', xml)[0]
    hidden = re.sub(r' state="[^"]*"', "", sheet).replace('<sheet name="Checks" ', '<sheet name="Checks" '
                                                                                    'state="veryHidden" ')
    parts["xl/workbook.xml"] = xml.replace(sheet, hidden).encode()


def note_changed(parts):
    name = next(n for n in sorted(parts) if re.fullmatch(r"xl/comments[0-9]+\.xml", n))
    xml = parts[name].decode()
    first = re.search(r"<t[^>]*>([^<]+)</t>", xml)
    parts[name] = xml.replace(first[0], first[0].replace(first[1], "Checked and agreed by the auditor."), 1).encode()


TAMPERINGS = {
    "number formats rewritten": (formats_rewritten, "number format", r"Summary: the number format of [A-Z]+[0-9]+ "
                                                                     r"(to [A-Z]+[0-9]+ )?.*was changed: published "
                                                                     r"'\"£40,000,000\"'"),
    "a chart's series swapped": (series_swapped, "what a reader sees", r"chart 1 draws from"),
    "Checks very hidden": (checks_very_hidden, "what a reader sees",
                           r"Checks: the sheet is very hidden \(not listed in Unhide\); in the re-run it is visible"),
    "a note's text changed": (note_changed, "what a reader sees",
                              r'its note was changed to "Checked and agreed by the auditor\."'),
}


@pytest.mark.parametrize("name", list(TAMPERINGS))
def test_each_tampering_of_what_a_reader_sees_is_named(tmp_path, name):
    tamper, kind, words = TAMPERINGS[name]
    parts = parts_of(REFERENCE)
    tamper(parts)
    result = verify(write_parts(parts, tmp_path / "tampered.xlsx"))
    assert not result.ok
    named = [str(d) for d in result.differences if d.kind == kind and re.search(words, str(d))]
    assert named, [str(d) for d in result.differences]
    # The cells themselves agree: what differs is only what a reader sees.
    assert not [d for d in result.differences if d.kind in ("input or text", "input changed", "formula", "stored value")]


def test_the_checks_format_rewritten_to_agree_is_named_on_the_checks_sheet(tmp_path):
    parts = parts_of(REFERENCE)
    formats_rewritten(parts)
    result = verify(write_parts(parts, tmp_path / "tampered.xlsx"))
    assert any(d.sheet == "Checks" and d.kind == "number format" and "'\"agrees\";\"agrees\";\"agrees\"'" in str(d)
               for d in result.differences), [str(d) for d in result.differences]


def test_a_part_nothing_else_explains_is_named_by_its_part(tmp_path):
    # A colour of the theme changed: no cell, format or chart says so, but the part is not costmodel's.
    parts = parts_of(REFERENCE)
    theme = parts["xl/theme/theme1.xml"].decode()
    colour = re.search(r'<a:srgbClr val="([0-9A-F]{6})"/>', theme)
    parts["xl/theme/theme1.xml"] = theme.replace(colour[0], '<a:srgbClr val="FFFFFF"/>', 1).encode()
    result = verify(write_parts(parts, tmp_path / "theme.xlsx"))
    assert [str(d) for d in result.differences] == [
        "xl/theme/theme1.xml, the theme (colours and fonts), is not as the re-run writes it"]


def _a_chart_figure_moved_by(parts, pounds: float) -> str:
    chart = next(name for name in sorted(parts) if name.startswith("xl/charts/"))
    xml = parts[chart].decode()
    cached = re.search(r"<c:v>(-?[0-9][0-9.eE+-]*)</c:v>", xml)
    assert cached and float(cached[1]) != 0
    parts[chart] = xml.replace(cached[0], f"<c:v>{float(cached[1]) + pounds!r}</c:v>", 1).encode()
    return chart


def test_a_chart_figure_in_its_last_binary_digits_is_the_same_chart(tmp_path):
    # Written on a machine whose numpy adds in another order, a chart's stored copy of a figure can end
    # in other binary digits (59957165.872223586 against 59957165.87222359 in the county's): a
    # millionth of a penny is not a difference, as it is not in a cell.
    parts = parts_of(REFERENCE)
    _a_chart_figure_moved_by(parts, 1e-8)
    result = verify(write_parts(parts, tmp_path / "last-digits.xlsx"))
    assert result.ok, [str(d) for d in result.differences]


def test_a_chart_figure_moved_by_a_pound_is_named(tmp_path):
    parts = parts_of(REFERENCE)
    _a_chart_figure_moved_by(parts, 1.0)
    result = verify(write_parts(parts, tmp_path / "a-pound.xlsx"))
    assert [str(d) for d in result.differences if "chart 1 shows other values than its cells hold" in str(d)], \
        [str(d) for d in result.differences]


def test_number_formats_are_compared_as_what_they_show():
    # LibreOffice writes costmodel's money format with its text escaped; it shows the same.
    assert shown_format('£#,##0;(£#,##0);"–"') == shown_format('\\£#,##0;"(£"#,##0\\);\\–')
    assert shown_format('[$£-809]#,##0') == shown_format("£#,##0")
    # Quoting a code makes it text: "#,##0" shows the characters #,##0 whatever the cell holds.
    assert shown_format('£#,##0') != shown_format('"£#,##0"')
    assert shown_format('"agrees";;"differs"') != shown_format('"agrees";"agrees";"agrees"')


# --------------------------------------------------------------------------- on a LibreOffice re-save

@pytest.fixture(scope="module")
def resaved(tmp_path_factory) -> Path:
    from libreoffice import libreoffice_convert

    return libreoffice_convert([REFERENCE], "xlsx", tmp_path_factory.mktemp("resaved"), recalculate=False)[0]


@pytest.mark.parametrize("name", list(TAMPERINGS))
def test_each_tampering_is_named_on_a_libreoffice_resave_too(resaved, tmp_path, name):
    tamper, kind, words = TAMPERINGS[name]
    parts = parts_of(resaved)
    tamper(parts)
    result = verify(write_parts(parts, tmp_path / "tampered.xlsx"))
    assert [d for d in result.differences if d.kind == kind and re.search(words, str(d))], \
        [str(d) for d in result.differences]
    assert all(d.kind in ("number format", "what a reader sees") for d in result.differences), \
        [str(d) for d in result.differences]
