"""Workbooks a hostile sender could make, built from the reference workbook by editing its parts.

Shared by the tests of verify and diff and by bench/hostile.py, which measures what each costs.
Each is what a sender can write with a zip tool and a text editor: no spreadsheet program needed.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "workbooks" / "isle-of-wight-2017.xlsx"
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from workbookparts import parts_of, sheet_part  # noqa: E402


def packed(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def reference_parts() -> dict[str, bytes]:
    return parts_of(REFERENCE)


def with_line_number(value: str) -> bytes:
    """The reference workbook with the Scenario sheet's last line number set to `value` (as XML text)."""
    parts = reference_parts()
    part = sheet_part(parts, "Scenario")
    xml = parts[part].decode()
    last = list(re.finditer(r'(<c r="A[0-9]+" s="[0-9]+"><v>)([0-9]+)(</v>)', xml))[-1]
    parts[part] = (xml[:last.start(2)] + value + xml[last.end(2):]).encode()
    return packed(parts)


def with_scenario(text: str) -> bytes:
    """The reference workbook carrying another scenario on its Scenario sheet, with the Cover's
    fingerprint made to match it (anyone can: it is a SHA-256 of the version and the text)."""
    from costmodel import __version__
    from costmodel.audit.reader import fingerprint_of

    parts = reference_parts()
    part = sheet_part(parts, "Scenario")
    xml = parts[part].decode()
    head, rest = xml.split("<sheetData>", 1)
    rows, tail = rest.split("</sheetData>", 1)
    kept = "".join(re.findall(r'<row r="[1-4]".*?</row>', rows))
    lines = [f'<row r="{n + 4}"><c r="A{n + 4}"><v>{n}</v></c><c r="B{n + 4}" t="inlineStr"><is><t xml:space='
             f'"preserve">{escape(line, quote=False)}</t></is></c></row>'
             for n, line in enumerate(text.split("\n"), start=1)]
    head = re.sub(r'<dimension ref="[^"]*"/>', "", head)
    parts[part] = (head + "<sheetData>" + kept + "".join(lines) + "</sheetData>" + tail).encode()
    strings = parts["xl/sharedStrings.xml"].decode()
    published = re.search(r"<t>([0-9a-f]{64})</t>", strings)[1]
    parts["xl/sharedStrings.xml"] = strings.replace(published, fingerprint_of(text, __version__)).encode()
    return packed(parts)


def large_establishment(posts: int, options: int, years: int) -> bytes:
    """A workbook whose embedded scenario employs `posts` posts in each of `options` options for `years` years."""
    from make_scenario import scenario_text

    return with_scenario(scenario_text(posts, options, years))


def ranged_establishment(posts: int, years: int) -> bytes:
    """A small workbook whose scenario has one uncertain input over a large establishment: the work is
    in the Risk sheet's simulation, every draw projecting every post."""
    from make_scenario import scenario_text

    text = scenario_text(posts, 2, years).replace("  general_inflation: {value: 2%, note: synthetic}",
                                                  "  general_inflation: {value: 2%, low: 1%, high: 3%, note: synthetic}")
    assert "low: 1%" in text
    return with_scenario(text)
