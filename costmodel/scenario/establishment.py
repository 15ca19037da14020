"""A county's establishment from its HR or payroll export: a CSV or .xlsx file, one post a row.

`staffing_from: establishment.csv` (or a mapping with `file`, `sheet`, `columns` and `ignore`)
reads an option's posts from a file beside the scenario. The first row holds the headings; a
heading is a post's key (`salary`, `fte`, `agency share`: case, spaces and hyphens aside) unless
`columns` maps a key to the heading the export uses (`salary: Annual salary`). A column of
anything else must be listed under `ignore`, so a misspelt heading is never passed over in silence.
An empty cell is a key not written. The posts are then checked by the very rules of posts written
in the scenario (posts.py), and each problem names the file, the row's line and the column.

The file may come from anyone, so it is measured before it is read: its bytes and lines against
the limits of a scenario (costmodel/limits.py); an .xlsx's zip directory (how far it unpacks, and
how far each part expands) before any part is opened, then read by openpyxl in read-only mode,
which parses its XML through defusedxml. A cell holding a formula is refused: costmodel reads
values, and a formula's value is whatever the program that last saved it made of it.

Its SHA-256 goes into the scenario's fingerprint and onto the workbook's Cover, so `verify` and
`diff` can say when the file an auditor has is not the one the workbook was made from.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import operator
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..limits import RAISE, Limits, TooLarge, bound_zip_directory, read_bounded
from .schema import Post, StaffingFrom, slugify
from .text import CELL_CHARACTERS
from .yamlread import PlainRow

#: Any character text.py might refuse in a value, looked for in a whole CSV file at once (line breaks
#: aside, which end its rows).
_REFUSED_TEXT = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")

#: The keys a column can hold: a post's, as the scenario writes them.
KEYS = tuple(Post.model_fields)
#: Columns of an establishment file: a post has about twenty keys; an export has a few dozen columns.
MOST_COLUMNS = 500


@dataclass(frozen=True)
class EstablishmentFile:
    """Where an option's posts were read from: what an auditor needs to know it is the same file."""

    option: str
    #: As the scenario writes it (relative to the scenario's folder).
    file: str
    sha256: str
    posts: int

    @property
    def cover_label(self) -> str:
        return f"{COVER_LABEL} ({self.option})"

    @property
    def cover_value(self) -> str:
        return f"{self.file}, {self.posts:,} posts, SHA-256 {self.sha256}"


#: How the Cover names each establishment file, followed by its option's id in brackets.
COVER_LABEL = "Establishment file"
_COVER_VALUE = re.compile(r"(?P<file>.+), (?P<posts>[0-9,]+) posts?, SHA-256 (?P<sha256>[0-9a-f]{64})")


def from_cover(label: str, value: str) -> EstablishmentFile | None:
    """An establishment file as a workbook's Cover records it; None for another row."""
    match = re.fullmatch(re.escape(COVER_LABEL) + r" \((?P<option>[^)]+)\)", label)
    found = _COVER_VALUE.fullmatch(value) if match else None
    if found is None:
        return None
    return EstablishmentFile(match["option"], found["file"], found["sha256"], int(found["posts"].replace(",", "")))


def fingerprint_lines(establishments) -> str:
    """The lines the establishment files add to what a scenario's fingerprint covers."""
    return "".join(f"\nstaffing_from {e.option}: {e.file} sha256:{e.sha256}" for e in establishments)


@dataclass
class Establishment:
    """The rows of an establishment file, as posts' keys, with where each row and cell is."""

    #: The file as shown in a message: the scenario's folder joined to the name it writes.
    shown: str
    rows: list[dict] = field(default_factory=list)
    #: The line (CSV) or row (xlsx) of each row.
    lines: list[int] = field(default_factory=list)
    #: key -> the column's heading as the file has it, and (xlsx) its letter.
    headings: dict[str, str] = field(default_factory=dict)
    letters: dict[str, str] = field(default_factory=dict)
    sha256: str = ""
    #: Problems with the file as a whole, and with its headings: (line or None, column or "", message).
    problems: list[tuple[int | None, str, str]] = field(default_factory=list)
    #: Whether the file gives each post's id; without, each is its title's and its line's.
    has_ids: bool = True

    def column(self, key: str | None, index: int | None = None) -> str:
        """How a problem names the column of `key` (in row `index`)."""
        if key is None or key not in self.headings:
            return "" if key is None else str(key)
        heading = self.headings[key]
        named = heading if heading == key else f"{heading} ({key})"
        if key in self.letters and index is not None:
            return f"{named}, cell {self.letters[key]}{self.lines[index]}"
        return named


class FileProblem(Exception):
    """The file cannot be read at all. With a line, a problem at that line of the file; without, one
    with the whole file, said at the scenario's staffing_from (the message names the file)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message, self.line = message, line


def read_establishment(spec: StaffingFrom, folder: Path, shown_folder: str, limits: Limits) -> Establishment:
    """Read an establishment file's rows. Raises FileProblem for a file that cannot be read at all."""
    path = folder / spec.file
    shown = os.path.normpath(os.path.join(shown_folder, spec.file)) if shown_folder else spec.file
    try:
        raw = read_bounded(path, limits.scenario_bytes, "an establishment file", refuse_nul=not _is_xlsx(spec))
    except TooLarge as exc:
        raise FileProblem(f"{shown}: {exc}") from None
    except IsADirectoryError:
        raise FileProblem(f"{shown}: is a folder, not an establishment file") from None
    except FileNotFoundError:
        raise FileProblem(f"{shown}: no such file (staffing_from names a file in the scenario's folder)") from None
    except OSError as exc:
        raise FileProblem(f"{shown}: cannot be read: {exc.strerror or exc}") from None
    found = Establishment(shown, sha256=hashlib.sha256(raw).hexdigest())
    if _is_xlsx(spec):
        table = _xlsx_table(raw, spec, shown, limits)
    else:
        table = _csv_table(raw, shown, limits)
    _rows_of(table, spec, found, letters=_is_xlsx(spec))
    return found


def _is_xlsx(spec: StaffingFrom) -> bool:
    return spec.file.lower().endswith(".xlsx")


def _csv_table(raw: bytes, shown: str, limits: Limits):
    """(line, cells) of each row of a CSV file, the headings first."""
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise FileProblem("is not a CSV file (it holds NUL bytes)", line)
    lines = raw.count(b"\n") + (not raw.endswith(b"\n"))
    if lines > limits.scenario_lines + 1:
        raise FileProblem(f"{shown}: has {lines:,} lines; an establishment file is at most {limits.scenario_lines:,} "
                          f"posts and a line of headings ({RAISE})")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FileProblem(f"is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as 'CSV UTF-8'", line) from None
    text = text.replace("\r\n", "\n")  # a Windows export's line endings
    # Text a workbook could not hold is looked for in the whole file at once; a line break inside a quoted
    # cell is the one such character that is not, so a file holding one has each row looked at.
    clean = _REFUSED_TEXT.search(text) is None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 1
    try:
        for cells in reader:
            yield line, cells, clean and reader.line_num == line
            line = reader.line_num + 1
    except csv.Error as exc:
        raise FileProblem(f"cannot be read as CSV ({exc})", reader.line_num) from None


def _xlsx_table(raw: bytes, spec: StaffingFrom, shown: str, limits: Limits):
    """(row, cells) of each row of a workbook's sheet, the headings first; formulas refused."""
    _check_zip(raw, shown, limits)
    import warnings

    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of parts it does not read (data validation)
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a malformed file; all mean the same to a user
        raise FileProblem(f"{shown}: cannot be read as a workbook ({type(exc).__name__}: {exc})") from None
    try:
        if spec.sheet is not None and spec.sheet not in book.sheetnames:
            raise FileProblem(f"{shown}: has no sheet '{spec.sheet}' (its sheets: {', '.join(book.sheetnames)})")
        sheet = book[spec.sheet] if spec.sheet is not None else book.worksheets[0]
        if not hasattr(sheet, "iter_rows"):
            raise FileProblem(f"{shown}: its sheet '{sheet.title}' is a chart, not a table of posts")
        sheet.reset_dimensions()  # read every row there is, whatever the sheet says its size is
        try:
            for number, row in enumerate(sheet.iter_rows(max_col=MOST_COLUMNS + 1), start=1):
                if number > limits.scenario_lines + 1:
                    raise FileProblem(f"{shown}: has more than {limits.scenario_lines:,} rows of posts; an "
                                      f"establishment file is at most that ({RAISE})")
                cells = []
                for column, cell in enumerate(row, start=1):
                    if getattr(cell, "data_type", None) == "f":
                        raise FileProblem(f"cell {get_column_letter(column)}{number} holds a formula "
                                          f"({str(cell.value)[:60]}); costmodel reads values, so paste the sheet as "
                                          f"values (Paste Special, Values) and save it", number)
                    cells.append(cell.value)
                yield number, cells, False
        except FileProblem:
            raise
        except Exception as exc:  # read-only sheets are parsed as they are read: malformed XML is found here
            raise FileProblem(f"{shown}: cannot be read as a workbook ({type(exc).__name__}: {exc})") from None
    finally:
        book.close()


def _check_zip(raw: bytes, shown: str, limits: Limits) -> None:
    """Refuse what is not a plain .xlsx, or would unpack far beyond its size, before opening any part."""
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileProblem(f"{shown}: is password-protected or an old .xls file; save it as an unprotected .xlsx "
                          f"or as CSV UTF-8")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileProblem(f"{shown}: is not an .xlsx workbook (an .xlsx is a zip archive; this is not one, or it "
                          f"is damaged)") from None
    try:
        bound_zip_directory(members, limits, "an establishment workbook")
    except TooLarge as exc:
        raise FileProblem(f"{shown}: {exc}") from None
    if not any(member.filename.startswith("xl/worksheets/") for member in members):
        raise FileProblem(f"{shown}: is a zip archive but not an Excel workbook")


def get_column_letter(number: int) -> str:
    """1 -> A, 27 -> AA: a column as a spreadsheet names it (without importing openpyxl for a CSV)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _normal(heading: str) -> str:
    """A heading as a key: `Agency share`, `agency-share` and `AGENCY_SHARE` are agency_share."""
    return re.sub(r"[\s\-]+", "_", heading.strip().lower())


def _rows_of(table, spec: StaffingFrom, found: Establishment, letters: bool) -> None:
    """The headings, then each row as a post's keys (empty cells left out), into `found`; with `letters`,
    the column letter of each key too (a workbook's cells are named so)."""
    mapped = {heading.strip(): key for key, heading in spec.columns.items()}
    ignored = {heading.strip() for heading in spec.ignore}
    rows = iter(table)
    try:
        heading_line, headings, _ = next(rows)
    except StopIteration:
        raise FileProblem(f"{found.shown}: is empty; its first row holds the headings, and each row below a post")
    headings = ["" if cell is None else str(cell).strip() for cell in headings]
    while headings and not headings[-1]:
        headings.pop()  # a spreadsheet's empty columns to the right
    if len(headings) > MOST_COLUMNS:
        raise FileProblem(f"{found.shown}: has {len(headings):,} columns; an establishment file has far fewer")
    keys: list[str | None] = []
    seen: dict[str, str] = {}
    for position, heading in enumerate(headings):
        key = None
        if heading in ignored:
            pass
        elif heading in mapped:
            key = mapped[heading]
        elif not heading:
            found.problems.append((heading_line, f"column {get_column_letter(position + 1)}",
                                   "this column has no heading; give it one (and list it under ignore if it holds "
                                   "nothing costmodel reads)"))
        elif _normal(heading) in KEYS and _normal(heading) not in spec.columns:
            key = _normal(heading)
        else:
            close = difflib.get_close_matches(_normal(heading), KEYS, n=1, cutoff=0.7)
            hint = f"did you mean '{close[0]}'? " if close else ""
            found.problems.append((heading_line, heading,
                                   f"no post has a key '{heading}'; {hint}say which key it holds under columns "
                                   f"(salary: {heading}), or list it under ignore"))
        if key is not None and key in seen:
            found.problems.append((heading_line, heading, f"a second column of {key} (the first is headed "
                                                          f"'{seen[key]}'); keep one"))
            key = None
        if key is not None:
            seen[key] = heading
            found.headings[key] = heading
            if letters:
                found.letters[key] = get_column_letter(position + 1)
        keys.append(key)
    for key, heading in spec.columns.items():
        if heading.strip() not in headings:
            found.problems.append((heading_line, heading, f"columns says {key} is headed '{heading}', but no column "
                                                          f"is (the headings: {', '.join(headings) or 'none'})"))
    for key in ("title", "salary"):
        if key not in found.headings and key not in spec.columns:
            found.problems.append((heading_line, key, f"no column of {key}, which every post has; head one "
                                                      f"'{key}', or say which under columns ({key}: ...)"))
    found.has_ids = "id" in found.headings
    width = len(keys)
    wanted = [(position, key) for position, key in enumerate(keys) if key is not None]
    wanted_keys = [key for _, key in wanted]
    pick = operator.itemgetter(*[position for position, _ in wanted]) if len(wanted) > 1 else \
        (lambda cells: [cells[wanted[0][0]]] if wanted else [])
    for line, cells, clean in rows:
        if len(cells) > width and any(cell not in (None, "") for cell in cells[width:]):
            found.problems.append((line, "", f"this row has {len(cells)} cells but the headings only "
                                             f"{width}; a cell beyond the last heading is refused"))
            continue
        if clean and len(cells) == width and max(map(len, cells), default=0) <= CELL_CHARACTERS:
            # A CSV row of text checked with the whole file: its cells, stripped, the empty ones left out.
            row = PlainRow({key: cell for key, cell in zip(wanted_keys, map(str.strip, pick(cells))) if cell})
            if not row and not any(cells):
                continue
            _identify(row, line, found)
            continue
        row = PlainRow() if clean else {}
        for position, key in wanted:
            if position >= len(cells):
                break
            cell = cells[position]
            if type(cell) is str:
                if len(cell) > CELL_CHARACTERS:
                    found.problems.append((line, found.headings[key], f"the cell holds {len(cell):,} characters; "
                                                                      f"a cell holds at most {CELL_CHARACTERS:,}"))
                cell = cell.strip()
                if not cell:
                    continue
            elif cell is None:
                continue
            row[key] = cell
        if not row and not any(cell not in (None, "") for cell in cells):
            continue  # an empty row (an export's last lines)
        _identify(row, line, found)


def _identify(row: dict, line: int, found: Establishment) -> None:
    """Keep a row, with an id where the file gives none: an establishment lists many posts of one
    title, each told apart by its line."""
    if not found.has_ids and isinstance(row.get("title"), str):
        suffix = f"-{line}"
        row["id"] = slugify(row["title"])[: 64 - len(suffix)].rstrip("-") + suffix
    found.rows.append(row)
    found.lines.append(line)
