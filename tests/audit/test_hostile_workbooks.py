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


# --------------------------------------------------------------------------- bounded, whatever they are sent

import json  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import hostile  # noqa: E402
from workbookparts import parts_of, sheet_part  # noqa: E402

#: Runs the command after its imports, then reports the processor time it took and the process's
#: peak resident memory (Linux's VmHWM). Peak resident memory, not tracemalloc or an address-space cap: tracemalloc sees
#: only Python's own allocations (not expat's, zlib's or libyaml's buffers), and an address-space cap
#: counts what numpy's libraries reserve without using (over 200 MB at import). The caps below only
#: stop a case that has come undone from taking the machine with it.
CHILD = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))
resource.setrlimit(resource.RLIMIT_CPU, (20, 20))
import costmodel.cli, costmodel.audit.verify, costmodel.audit.diff, openpyxl
started = time.process_time()
sys.argv = ["costmodel"] + json.loads(sys.argv[1])
code = costmodel.cli._command_line()
elapsed = time.process_time() - started
# The peak of this program's own memory (VmHWM, since it began): ru_maxrss would also count what the
# process that started it held when it forked.
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
with open(REPORT, "w") as out:
    json.dump({"code": code, "seconds": elapsed, "peak_mb": peak / 1024}, out)
"""


def _refused(tmp_path, args: list[str]) -> tuple[dict, str]:
    report = tmp_path / "report.json"
    completed = subprocess.run([sys.executable, "-c", f"REPORT = {str(report)!r}\n" + CHILD, json.dumps(args)],
                               capture_output=True, text=True, cwd=ROOT)
    assert report.exists(), completed.stderr[-2000:]
    return json.loads(report.read_text()), completed.stderr


def _malformed_sheet() -> bytes:
    parts = hostile.reference_parts()
    part = sheet_part(parts, "Summary")
    parts[part] = parts[part].replace(b"</sheetData>", b"<row r='999'><c r='A999'></sheetData>")
    return hostile.packed(parts)


def _macros_renamed() -> bytes:
    """A macro project under a name of the sender's choosing, declared as one in the content types."""
    parts = hostile.reference_parts()
    parts["xl/styles2.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/styles2.bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                     b"</Types>").replace(b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
    return hostile.packed(parts)


def _external_picture() -> bytes:
    parts = hostile.reference_parts()
    rels = "xl/drawings/_rels/drawing1.xml.rels"
    parts[rels] = parts[rels].replace(
        b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                             b'relationships/image" Target="https://tracker.example/pixel.png" TargetMode="External"/>'
                             b"</Relationships>")
    return hostile.packed(parts)


BOUNDED = {
    # name: (how to make it, what the one line must say)
    "line number 1,000,000,000": (lambda: hostile.with_line_number("1000000000"), "numbers a line 1,000,000,000"),
    "line number 1e400": (lambda: hostile.with_line_number("1e400"), "beyond the largest number"),
    "line number NaN": (lambda: hostile.with_line_number("NaN"), "cannot be read as a workbook"),
    "100,000 posts x 10 options x 100 years": (lambda: hostile.large_establishment(100_000, 10, 100),
                                               "a scenario is at most 20,000 lines"),
    "one ranged input over 1,000 posts x 100 years": (lambda: hostile.ranged_establishment(1_000, 100),
                                                      "the limit is 200,000,000"),
    "malformed sheet XML": (_malformed_sheet, "is not well-formed XML (mismatched tag at line 2)"),
    "macros under another name": (_macros_renamed, "contains macros"),
    "an external picture": (_external_picture, "links to an external address (https://tracker.example/pixel.png"),
}


# diff draws nothing, so a ranged input asks no more of it than of `run` without a workbook: the
# ranged workbook is hostile to verify (its Risk sheet's re-run) alone.
@pytest.mark.parametrize("kind, command", [(kind, command) for kind in BOUNDED for command in ("verify", "diff")
                                           if not ("ranged" in kind and command == "diff")])
def test_hostile_workbooks_are_refused_within_a_second_in_bounded_memory(tmp_path, kind, command):
    make, phrase = BOUNDED[kind]
    path = tmp_path / "book.xlsx"
    path.write_bytes(make())
    args = ["verify", str(path)] if command == "verify" else ["diff", str(path), str(REFERENCE)]
    report, stderr = _refused(tmp_path, args)
    assert report["code"] == 1, stderr
    assert stderr.startswith(f"error: {path}: ") and phrase in stderr, stderr
    assert len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr
    if "ranged" in kind or "lines" in phrase:
        assert "--allow-large" in stderr
    assert report["seconds"] < 1.0, f"{kind}: {report['seconds']:.2f} s of processor time to refuse"
    assert report["peak_mb"] < 200, f"{kind}: peak {report['peak_mb']:.0f} MB"


@pytest.mark.parametrize("kind", ["a link to /dev/zero", "a 3 GB sparse file"])
def test_files_that_would_be_read_for_ever_are_refused_before_reading(tmp_path, kind):
    path = tmp_path / "book.xlsx"
    if kind == "a link to /dev/zero":
        path.symlink_to("/dev/zero")
        phrase = "is not a file but a device"
    else:
        with open(path, "wb") as out:
            out.truncate(3 * 2**30)
        phrase = "the file is 3221.2 MB; a workbook is at most 64 MB"
    report, stderr = _refused(tmp_path, ["verify", str(path)])
    assert report["code"] == 1 and phrase in stderr and len(stderr.strip().splitlines()) == 1, stderr
    assert report["seconds"] < 1.0 and report["peak_mb"] < 200, report


def test_validate_reads_dev_zero_no_further_than_its_first_megabyte(tmp_path):
    report, stderr = _refused(tmp_path, ["validate", "/dev/zero"])
    assert report["code"] == 1 and "/dev/zero:1: this is not a text file (it contains NUL bytes)" in stderr, stderr
    assert report["seconds"] < 1.0 and report["peak_mb"] < 200, report


def test_allow_large_lets_a_trusted_workbook_past_the_line_limit(tmp_path):
    # 25,000 lines of comment after the scenario: over the 20,000-line limit, nothing else changed.
    text = (ROOT / "scenarios" / "isle-of-wight-2017.yaml").read_text(encoding="utf-8").rstrip("\n")
    path = tmp_path / "long.xlsx"
    path.write_bytes(hostile.with_scenario(text + "\n" + "# padding\n" * 25_000))
    refused = CliRunner().invoke(cli, ["verify", str(path)])
    assert refused.exit_code == 1 and "at most 20,000 lines" in refused.stderr
    allowed = CliRunner().invoke(cli, ["verify", str(path), "--allow-large"])
    # Past the limit it is verified as any other, and differs: its Scenario sheet is not as costmodel writes it.
    assert allowed.exit_code == 1 and allowed.stderr == "", allowed.output
    assert "Scenario: the number format of A5 to A25449 was changed" in allowed.stdout, allowed.stdout


@pytest.mark.parametrize("lines, refused", [(5_000, False), (5_001, True)])
def test_the_scenario_sheet_is_counted_to_the_line_across_the_chunks_it_is_read_in(lines, refused):
    """The Scenario sheet's rows are counted a megabyte at a time and the count stops past the limit:
    a sheet of exactly the limit passes and one line more is refused. Its first line is padded so
    that the first megabyte ends two characters into a row's opening tag, the one place a count by
    chunks could miss a row."""
    from dataclasses import replace

    from costmodel.audit.reader import WorkbookError, check_archive
    from costmodel.limits import DEFAULT

    chunk = 1 << 20

    def workbook(padding: int) -> tuple[bytes, bytes]:
        text = "\n".join(f"# line {n:05d} " + "x" * (286 + (padding if n == 0 else 0)) for n in range(lines))
        data = hostile.with_scenario(text)
        parts = parts_of(io.BytesIO(data))
        return data, parts[sheet_part(parts, "Scenario")]

    _, xml = workbook(0)
    last_in_the_first = xml.rindex(b"<row ", 0, chunk)  # each padding character moves every later row on one byte
    data, xml = workbook(chunk - 2 - last_in_the_first)
    assert xml[chunk - 2:chunk + 3] == b"<row ", "the padding did not put a row across the chunk's edge"
    limits = replace(DEFAULT, scenario_lines=5_000)
    if refused:
        with pytest.raises(WorkbookError, match="its Scenario sheet has more than 5,000 rows"):
            check_archive(data, "book.xlsx", limits)
    else:
        check_archive(data, "book.xlsx", limits)


def test_a_scenario_sheet_whose_bytes_fail_their_check_is_refused_as_damaged():
    # The Scenario sheet stored unpacked and one digit changed in place: its length stays, its CRC-32
    # no longer matches, which the row count (the first read of that part) meets first.
    from costmodel.audit.reader import WorkbookError, check_archive

    parts = hostile.reference_parts()
    part = sheet_part(parts, "Scenario")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data, compress_type=zipfile.ZIP_STORED if name == part else zipfile.ZIP_DEFLATED)
    data = buffer.getvalue()
    assert data.count(b'<row r="10"') == 1
    damaged = data.replace(b'<row r="10"', b'<row r="19"')
    with pytest.raises(WorkbookError, match=rf"^book.xlsx: is damaged or truncated \(Bad CRC-32 for file '{part}'\)$"):
        check_archive(damaged, "book.xlsx")
