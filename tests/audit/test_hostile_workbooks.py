"""Workbooks from outside that are not what they seem: each gets a one-line error, exit 1,
within a second and in bounded memory, from verify and from diff alike."""

import io
import time
import tracemalloc
import zipfile

import pytest
from click.testing import CliRunner

import costmodel.audit.diff  # noqa: F401  (imported here so the timings below measure refusing, not importing)
import costmodel.audit.verify  # noqa: F401
from conftest import ROOT
from costmodel.cli import cli

REFERENCE = ROOT / "workbooks" / "isle-of-wight-2017.xlsx"


def _with(parts_changed: dict[str, bytes]) -> bytes:
    """The reference workbook with some parts added or replaced."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(REFERENCE) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name in source.namelist():
            out.writestr(name, parts_changed.pop(name, None) or source.read(name))
        for name, data in parts_changed.items():
            out.writestr(name, data)
    return buffer.getvalue()


def zip_bomb_by_size() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("[Content_Types].xml", "<Types/>")
        with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 24)
            for _ in range(17):  # 272 MB of zeros, a few hundred kilobytes packed
                member.write(chunk)
    return buffer.getvalue()


def zip_bomb_by_ratio() -> bytes:
    return _with({"xl/worksheets/sheet99.xml": b" " * (40 << 20)})


def entity_bomb() -> bytes:
    lol = "".join(f'<!ENTITY l{n} "{"&l%d;" % (n - 1) * 10}">' for n in range(1, 10))
    xml = ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY l0 "lol">' + lol + ']>'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&l9;</t></si></sst>')
    return _with({"xl/sharedStrings.xml": xml.encode()})


HOSTILE = {
    "zip bomb (size)": (zip_bomb_by_size, "would unpack to"),
    "zip bomb (ratio)": (zip_bomb_by_ratio, "likely zip bomb"),
    "XML entity bomb": (entity_bomb, "declares XML entities"),
    "external links": (lambda: _with({"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}),
                       "links to other workbooks"),
    "truncated": (lambda: REFERENCE.read_bytes()[: REFERENCE.stat().st_size // 2], "damaged or truncated"),
    "password-protected": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096, "password-protected"),
    "xlsm with macros": (lambda: _with({"xl/vbaProject.bin": b"\0" * 512}), "contains macros"),
    "renamed non-zip": (lambda: b"Option,NPC\nIn-house,50571482\n", "is not an Excel workbook"),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
@pytest.mark.parametrize("command", ["verify", "diff"])
def test_hostile_workbooks_are_refused_quickly_in_one_line(tmp_path, kind, command):
    make, phrase = HOSTILE[kind]
    path = tmp_path / ("book.xlsm" if "xlsm" in kind else "book.xlsx")
    path.write_bytes(make())
    args = ["verify", str(path)] if command == "verify" else ["diff", str(path), str(REFERENCE)]
    tracemalloc.start()
    # Processor time, not the clock: what refusing costs this process, whatever else the machine runs.
    started = time.process_time()
    result = CliRunner().invoke(cli, args)
    elapsed = time.process_time() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.exit_code == 1, result.output
    assert phrase in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert elapsed < 1.0, f"{kind}: {elapsed:.2f} s of processor time to refuse"
    assert peak < 64 * 2**20, f"{kind}: peak {peak / 2**20:.0f} MB"
