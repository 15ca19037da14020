"""How much costmodel will read and work through for one file, and how to raise it for a trusted one.

A scenario or a workbook may come from anyone, and an auditor runs `verify` on what they are
sent. Every file is measured against these limits before the work it asks for starts: its bytes
before they are read, the lines of its scenario before they are parsed, the size of its
projection and of its analysis before either runs. Beyond a limit costmodel refuses in one line
that names the limit and says how to raise it; `--allow-large` raises every limit for a file the
user trusts, and even then reads stay bounded (no file is read for ever).

Each value below says what it bounds and why it is where it is. docs/limits.md lists them.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass

#: What the user types to raise the limits, said in every refusal.
RAISE = "for a file you trust, add --allow-large"


@dataclass(frozen=True)
class Limits:
    #: Bytes of a workbook file, checked before reading it. A costmodel workbook is about 1.2 MB
    #: at 10,000 posts and grows with the posts; 64 MB is far more than the largest scenario
    #: allowed below can write.
    workbook_bytes: int
    #: Bytes a workbook's parts would unpack to, from its zip directory, before any is unpacked.
    #: The 10,000-post workbook unpacks to about 12 MB.
    unpacked_bytes: int
    #: Bytes of a scenario file, checked while reading it. The 10,000-post benchmark scenario is
    #: 1 MB; the shipped ones are under 100 KB.
    scenario_bytes: int
    #: Lines of a scenario, in a file or on a workbook's Scenario sheet, counted before parsing.
    #: Reading a scenario costs about half a second per 10,000 lines, and a scenario's text is
    #: rebuilt from the Scenario sheet's line numbers, so this bounds both. A county listing every
    #: post individually, 20,000 of them, fits.
    scenario_lines: int
    #: The projection's size: each option's posts and cost lines, times the years. What the engine
    #: and the workbook's option sheets grow with. 100,000,000 (100,000 posts x 10 options x 100
    #: years) ran 89 s to a MemoryError; 10,000,000 projects in about half a second in 30 MB.
    line_years: int
    #: The analysis's size: the draws a simulation or a sensitivity analysis projects, times the
    #: projection's size. 10,000 draws of one ranged input over 1,000 posts x 2 options x 100 years
    #: (2,000,000,000) did not finish in 300 s; 400,000,000 took 88 s on a shared 2-core machine. The
    #: shipped scenarios' workbooks need under 17,000,000 (Worcestershire's).
    drawn_line_years: int
    #: A diff's size: it re-projects the scenario once for each change, one change at a time, so its
    #: changes times the projection's size (counted as at least 10,000 line-years, what a projection's
    #: fixed costs come to). Two drafts differ in tens of changes; 20,000,000 allows 2,000 changes of a
    #: small scenario (about a minute) or 100 of a 200,000-line-year one.
    diff_line_years: int


#: The least a projection is counted as, in line-years, when a diff re-projects for each change.
PROJECTION_FLOOR = 10_000

DEFAULT = Limits(
    workbook_bytes=64 * 2**20,
    unpacked_bytes=256 * 2**20,
    scenario_bytes=8 * 2**20,
    scenario_lines=20_000,
    line_years=10_000_000,
    drawn_line_years=200_000_000,
    diff_line_years=20_000_000,
)

#: With --allow-large: the work may take hours and gigabytes, but a read still ends.
LARGE = Limits(
    workbook_bytes=2 * 2**30,
    unpacked_bytes=4 * 2**30,
    scenario_bytes=256 * 2**20,
    scenario_lines=5_000_000,
    line_years=1_000_000_000,
    drawn_line_years=10**13,
    diff_line_years=10**12,
)


def limits(allow_large: bool = False) -> Limits:
    return LARGE if allow_large else DEFAULT


class TooLarge(Exception):
    """A file beyond a limit; the message is one line, without the file's name (the caller adds it)."""


def megabytes(count: int) -> str:
    return f"{count / 2**20:,.0f} MB" if count >= 2**20 else f"{count / 1024:,.0f} KB"


#: Real spreadsheets compress text about 5 to 20 times; a zip bomb, thousands of times.
MOST_EXPANSION = 200
#: Parts of an .xlsx: a workbook of a few sheets has tens; far more is not a spreadsheet.
MOST_PARTS = 5000


def bound_zip_directory(members, limits: Limits, what: str) -> None:
    """Refuse, from its zip directory alone, an .xlsx that would unpack far beyond what `what` (a
    workbook, an establishment workbook) can be, before any part is unpacked (TooLarge)."""
    if len(members) > MOST_PARTS:
        raise TooLarge(f"holds {len(members):,} parts; {what} has far fewer")
    unpacked = sum(member.file_size for member in members)
    if unpacked > limits.unpacked_bytes:
        raise TooLarge(f"would unpack to {megabytes(unpacked)}; {what} is at most {megabytes(limits.unpacked_bytes)} "
                       f"unpacked ({RAISE})")
    for member in members:
        expands = member.file_size // max(member.compress_size, 1)
        if member.file_size > 1_000_000 and expands > MOST_EXPANSION:
            raise TooLarge(f"its part {member.filename} expands {expands:,} times; refusing a likely zip bomb")


def read_bounded(path, most: int, what: str, refuse_nul: bool = False) -> bytes:
    """A file's bytes, reading no more than `most` (and one byte to know there is more).

    A regular file's size is checked before reading it (a sparse file claims gigabytes it does not
    hold); a device or pipe is read a megabyte at a time. With `refuse_nul`, a NUL byte stops the
    read at once: text never holds one, and /dev/zero holds nothing else.
    Raises OSError as `open` does, and TooLarge."""
    with open(path, "rb") as stream:
        info = os.fstat(stream.fileno())
        if stat.S_ISREG(info.st_mode) and info.st_size > most:
            raise TooLarge(f"the file is {info.st_size / 1e6:.1f} MB; {what} is at most {megabytes(most)} ({RAISE})")
        chunks, total = [], 0
        while True:
            chunk = stream.read(min(1 << 20, most + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if refuse_nul and b"\x00" in chunk:
                break  # decode() says where, in words
            if total > most:
                raise TooLarge(f"the file goes on past {megabytes(most)}; {what} is at most {megabytes(most)} "
                               f"({RAISE})")
    return b"".join(chunks)
