"""Opening a workbook someone sent us, safely, and finding the scenario inside it.

An auditor may be sent anything with an .xlsx name. Before any XML is parsed we
check that it is a zip, how far it would expand, and that it carries no macros
or external links; the XML itself is parsed through defusedxml (openpyxl uses it
when it is installed, and it is a dependency of costmodel). Nothing in the file is
ever evaluated: formulas are compared as text.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from ..errors import CostmodelError
from ..limits import DEFAULT, RAISE, Limits, TooLarge, bound_zip_directory, read_bounded
from ..scale import without_cycle_collection
from ..scenario.parameters import SETS, from_label, resolve, unknown_set_message


class WorkbookError(CostmodelError):
    """The file cannot be verified; the message is one line for the user."""


@dataclass
class Cells:
    """Every non-empty cell of a workbook: (sheet, cell) -> formula text or value, and stored values."""

    sheets: list[str]
    content: dict[tuple[str, str], object]
    stored: dict[tuple[str, str], object]
    #: the number format each of those cells is shown with
    formats: dict[tuple[str, str], str] = None


@dataclass
class PublishedWorkbook:
    path: Path
    tool_version: str
    fingerprint: str
    scenario_file: str
    scenario_text: str
    #: The file's bytes, checked by check_archive.
    data: bytes
    run_record: list[tuple[str, str]] | None = None
    #: The parameter set its Cover records (`2026-12`, `2026-12 as known at 2017-11-09`); None from a
    #: release before parameter sets were recorded.
    parameter_set: str | None = None
    #: The establishment files the Cover records its posts were read from (staffing_from), with their hashes.
    establishments: list = field(default_factory=list)
    #: The workbook as opened to read its Cover and Scenario sheets, and those sheets' cells: the rest of
    #: its cells are read from it, the file not opened again nor those sheets parsed again.
    opened: tuple[Book, Cells] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def cells(self) -> Cells:
        """Every cell, read when a comparison needs them (a large workbook takes seconds)."""
        if self.opened is None:
            return read_cells(self.data, str(self.path))
        book, known = self.opened
        self.opened = None
        try:
            return book.cells(known=known)
        finally:
            book.close()

    def scenario_fingerprint(self) -> str:
        """The fingerprint the embedded scenario has now, under the version that wrote the workbook."""
        return fingerprint_of(self.scenario_text, self.tool_version, self.establishments)


def establishment_folder(published: PublishedWorkbook) -> Path:
    """Where the establishment files of a workbook's scenario are looked for: the folder of the scenario
    file the Cover names (as the command that wrote it was run), or else the workbook's own folder."""
    recorded = Path(published.scenario_file).parent
    if all((recorded / found.file).is_file() for found in published.establishments):
        return recorded
    return Path(published.path).parent


def fingerprint_of(text: str, version: str, establishments=()) -> str:
    """A scenario's fingerprint as projection.fingerprint makes it, from its text, the version and the
    establishment files recorded beside it."""
    from ..scenario.establishment import fingerprint_lines

    digest = hashlib.sha256()
    digest.update(f"costmodel {version}\n".encode())
    digest.update(text.encode("utf-8"))
    digest.update(fingerprint_lines(establishments).encode("utf-8"))
    return digest.hexdigest()


#: Content types of parts that run code or reach outside the file. A costmodel workbook has none;
#: judged by what the package says a part is, not by its name, which anyone can choose.
_REFUSED_TYPES = [
    ("vbaproject", "contains macros"), ("macroenabled", "contains macros"), ("macrosheet", "contains macros"),
    ("dialogsheet", "contains macros"), ("activex", "contains ActiveX controls"),
    ("oleobject", "contains embedded objects"), ("externallink", "links to other workbooks"),
]
#: The first bytes of an OLE compound file: what a macro project (vbaProject.bin) or an embedded object
#: is, whatever its part is called.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_archive(data: bytes, name: str, limits: Limits = DEFAULT) -> None:
    """Refuse what is not a plain xlsx before parsing any of it."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise WorkbookError(f"{name}: is password-protected or an old .xls file; save it as an unprotected .xlsx")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data[:4] == b"PK\x03\x04":
            raise WorkbookError(f"{name}: is damaged or truncated (its zip directory is missing)")
        raise WorkbookError(f"{name}: is not an Excel workbook (.xlsx files are zip archives; this is not one)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookError(f"{name}: is damaged or truncated ({exc})") from None
    try:
        bound_zip_directory(members, limits, "a workbook")
    except TooLarge as exc:
        raise WorkbookError(f"{name}: {exc}") from None
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
        raise WorkbookError(f"{name}: is a zip archive but not an Excel workbook")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise WorkbookError(f"{name}: contains macros; a costmodel workbook never does")
    if any(n.startswith("xl/externalLinks/") for n in names):
        raise WorkbookError(f"{name}: links to other workbooks; a costmodel workbook never does")
    # Before every part is read through: a scenario too long to re-run is refused on its first
    # rows beyond the limit, not after reading (and parsing) the whole of a sheet that size.
    _check_scenario_rows(archive, name, limits)
    try:
        for member in members:
            # Reading each part checks its CRC, so a truncated or corrupt part is found here; a chunk
            # at a time, so memory stays bounded whatever the part claims.
            with archive.open(member) as stream:
                first = stream.read(1 << 16)
                if b"<!ENTITY" in first:
                    raise WorkbookError(f"{name}: {member.filename} declares XML entities, a known way to attack "
                                        f"XML readers; a spreadsheet has no need of them")
                if first.startswith(_OLE):
                    raise WorkbookError(f"{name}: contains macros or embedded objects ({member.filename} is a "
                                        f"binary OLE part); a costmodel workbook never does")
                # Every XML part must be well formed, found now rather than after the re-run; VML is the
                # one kind spreadsheet programs write loosely, and is not read.
                checker = _well_formed(name, member.filename) if member.filename.endswith((".xml", ".rels")) \
                    else None
                chunk = first
                while chunk:
                    if checker is not None:
                        checker(chunk, False)
                    chunk = stream.read(1 << 20)
                if checker is not None:
                    checker(b"", True)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise WorkbookError(f"{name}: is damaged or truncated ({exc})") from None
    _check_content(archive, names, name)


def _well_formed(name: str, part: str):
    """A function fed a part's bytes a chunk at a time, raising WorkbookError where they stop being
    well-formed XML. A document type declaration is refused before anything in it is read, so no
    entity is ever expanded."""
    from xml.parsers import expat

    parser = expat.ParserCreate()

    def no_doctype(*_):
        raise WorkbookError(f"{name}: {part} declares a document type (DTD), a known way to attack XML "
                            f"readers; a spreadsheet has no need of one")

    parser.StartDoctypeDeclHandler = no_doctype

    def feed(chunk: bytes, last: bool) -> None:
        try:
            parser.Parse(chunk, last)
        except expat.ExpatError as exc:
            raise WorkbookError(f"{name}: is damaged: its part {part} is not well-formed XML "
                                f"({expat.ErrorString(exc.code)} at line {exc.lineno})") from None

    return feed


def _check_content(archive: zipfile.ZipFile, names: set[str], name: str) -> None:
    """Macros and links to outside the file, found by what the parts are and where they point."""
    from .package import Package, PartError, parse, rels_part

    try:
        types = parse(archive.read("[Content_Types].xml"), "[Content_Types].xml")
        for element in types:
            kind = (element.get("ContentType") or "").lower()
            part = element.get("PartName") or f"*.{element.get('Extension')}"
            for marker, words in _REFUSED_TYPES:
                if marker in kind:
                    raise WorkbookError(f"{name}: {words} ({part.lstrip('/')} is {element.get('ContentType')}); "
                                        f"a costmodel workbook never does")
        package = Package(archive=archive)
        for rels in sorted(n for n in names if n.endswith(".rels")):
            source = "" if rels == "_rels/.rels" else rels.replace("_rels/", "").removesuffix(".rels")
            if rels_part(source) != rels and source:
                continue
            for rel in package.relationships(source):
                for marker, words in _REFUSED_TYPES:
                    if marker in rel["type"].lower():
                        raise WorkbookError(f"{name}: {words} ({rels} refers to {rel['target']}); a costmodel "
                                            f"workbook never does")
                if rel["external"]:
                    raise WorkbookError(f"{name}: links to an external address ({rel['target']}, from "
                                        f"{source or 'the package'}); a costmodel workbook never does, and a "
                                        f"link can reach out when the file is opened")
    except PartError as exc:
        raise WorkbookError(f"{name}: is damaged ({exc})") from None


def read_cells(data: bytes, name: str, only: tuple[str, ...] | None = None, stored_values: bool = True) -> Cells:
    """Formulas (as text) and stored values of every non-empty cell, without evaluating anything.

    With `only`, the cells of those sheets alone (but every sheet's name); without `stored_values`,
    the formulas and inputs alone (stored is then empty). The file is opened once and each sheet's
    XML parsed once, for its formulas and its stored values together."""
    book = open_book(data, name)
    try:
        return book.cells(only, stored_values)
    finally:
        book.close()


def cells_written(book, stored_values: bool = True) -> Cells | None:
    """The cells of a workbook costmodel has just written (workbook/book.py's `Book`, closed), as `read_cells`
    would read them from its bytes, taken from what was written rather than parsed again; None where the
    workbook holds a cell whose reading that does not follow, for the caller to read the bytes instead."""
    written = book.cells_as_read()
    if written is None:
        return None
    sheets, content, stored, formats = written
    return Cells(sheets, content, stored if stored_values else {}, formats)


class Book:
    """A workbook opened once by openpyxl (read-only: each sheet is parsed only when its cells are read).

    A cell holding a formula carries the value last calculated beside it; openpyxl gives one or the
    other, as two readings of the whole file. Here each cell element is read as both readings read it,
    by openpyxl's own sheet parser, in one pass."""

    def __init__(self, workbook, name: str):
        self.workbook, self.name = workbook, name

    @property
    def sheets(self) -> list[str]:
        return list(self.workbook.sheetnames)

    def cells(self, only=None, stored_values: bool = True, known: Cells | None = None) -> Cells:
        """The cells of the sheets named in `only` (every sheet where None), in the workbook's order; those
        of a sheet already read into `known` (with its stored values) are taken from there."""
        content: dict[tuple[str, str], object] = {}
        stored: dict[tuple[str, str], object] = {}
        formats: dict[tuple[str, str], str] = {}
        read = {}
        for key in known.content if known is not None else ():
            read.setdefault(key[0], []).append(key)
        try:
            with without_cycle_collection():
                for sheet in self.workbook.worksheets:
                    if only is not None and sheet.title not in only:
                        continue
                    if sheet.title in read:
                        for key in read[sheet.title]:
                            content[key], formats[key] = known.content[key], known.formats[key]
                        for key in (known.stored if stored_values else ()):
                            if key[0] == sheet.title:
                                stored[key] = known.stored[key]
                        continue
                    self._read_sheet(sheet, content, stored if stored_values else None, formats)
        except Exception as exc:  # read-only sheets are parsed as they are read: malformed XML is found here
            raise WorkbookError(f"{self.name}: cannot be read as a workbook ({type(exc).__name__}: {exc})") from None
        return Cells(self.sheets, content, stored, formats)

    def _read_sheet(self, sheet, content: dict, stored: dict | None, formats: dict) -> None:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

        book, title = self.workbook, sheet.title
        styles, custom = book._cell_styles, book._number_formats

        def number_format(style_id: int) -> str:
            # As openpyxl's read-only cell names its format (openpyxl/cell/read_only.py, number_format).
            code = styles[style_id].numFmtId
            return BUILTIN_FORMATS.get(code, "General") if code < BUILTIN_FORMATS_MAX_SIZE \
                else custom[code - BUILTIN_FORMATS_MAX_SIZE]

        with sheet._get_source() as source:
            _both_readings(sheet, source).read(title, content, stored, formats, number_format)

    def close(self) -> None:
        self.workbook.close()


def open_book(data: bytes, name: str) -> Book:
    """The workbook's parts that every sheet shares (its sheets, strings and styles), read once.

    `data` is a workbook check_archive has passed (or one costmodel wrote): its cells and shared strings
    are parsed by the standard library's C parser, not defusedxml's, which calls back into Python for
    every element. What defusedxml guards against (entities, expanded or fetched) needs a document type
    declaration, and check_archive has refused any in every part before this."""
    import warnings

    try:
        # openpyxl warns about parts it cannot place; verify reports what matters itself.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = _excel_reader()(io.BytesIO(data), read_only=True, data_only=False)
            with without_cycle_collection():
                reader.read()
            return Book(reader.wb, name)
    except Exception as exc:  # openpyxl raises many kinds for malformed parts; all mean the same to a user
        raise WorkbookError(f"{name}: cannot be read as a workbook ({type(exc).__name__}: {exc})") from None


def _both_readings(sheet, source):
    """openpyxl's parser of a sheet's XML, reading each cell's formula as openpyxl reads it and, as its
    stored value, what its reading with data_only=True gives (for a cell without a formula, the same value).

    openpyxl reads each cell element once a reading, into a dictionary a cell; here each is read once for
    both, straight into the Cells, as openpyxl's parse_row and parse_cell read it."""
    from xml.etree import ElementTree

    from openpyxl.cell.text import Text
    from openpyxl.utils import coordinate_to_tuple, get_column_letter
    from openpyxl.utils.datetime import from_excel, from_ISO8601
    from openpyxl.worksheet._reader import (FORMULA_TAG, INLINE_STRING, ROW_TAG, VALUE_TAG, WorkSheetParser,
                                            _cast_number)

    class BothReadings(WorkSheetParser):
        def read(self, title: str, content: dict, stored: dict | None, formats: dict, number_format) -> None:
            """Every row there is, not only as far as the sheet's declared dimension says: a cell added
            beyond it must not escape the comparison. Only the rows: the sheet's other elements (its views,
            print setup, validation) hold no cells."""
            style_ids: dict = {}
            shown: dict = {}
            for _, element in ElementTree.iterparse(self.source):
                if element.tag == ROW_TAG:
                    self.read_row(element, title, content, stored, formats, style_ids, shown, number_format)
                    element.clear()

        def read_row(self, row, title, content, stored, formats, style_ids, shown, number_format) -> None:
            number = row.get("r")
            if number is not None:
                try:
                    self.row_counter = int(number)
                except ValueError:
                    whole = float(number)
                    if not whole.is_integer():
                        raise ValueError(f"{number} is not a valid row number") from None
                    self.row_counter = int(whole)
            else:
                self.row_counter += 1
            self.col_counter = 0
            suffix = str(self.row_counter)
            cut = -len(suffix)
            shared_strings, date_formats = self.shared_strings, self.date_formats
            for element in row:
                coordinate = element.get("r")
                if coordinate:
                    # A reference in its usual form, in this row, is its own key; any other is placed as
                    # openpyxl's read-only cell places it, by its own row and column.
                    column = _COLUMNS.get(coordinate[:cut]) if coordinate.endswith(suffix) else None
                    if column is None:
                        place, column = coordinate_to_tuple(coordinate)
                        ref = f"{get_column_letter(column)}{place}"
                    else:
                        ref = coordinate
                    self.col_counter = column
                else:
                    self.col_counter += 1
                    ref = f"{get_column_letter(self.col_counter)}{suffix}"
                style = element.get("s", 0)
                style_id = style_ids.get(style)
                if style_id is None:
                    style_id = style_ids[style] = int(style) if style else style
                data_type = element.get("t", "n")
                # Numbers and shared strings, nearly every cell, read here as parse_cell reads them (the number as
                # _cast_number casts it), without a call a cell.
                if data_type == "n" and style_id not in date_formats:
                    held = element.findtext(VALUE_TAG, None)
                    if held:
                        held = float(held) if "." in held or "E" in held or "e" in held else int(held)
                    else:
                        held = None
                elif data_type == "s":
                    held = element.findtext(VALUE_TAG, None)
                    held = shared_strings[int(held)] if held else None
                else:
                    held = self.stored_value(element, data_type, style_id, coordinate)
                # A formula is never None (at least "="): a cell without one or a value holds nothing.
                value = self.parse_formula(element) if element.find(FORMULA_TAG) is not None else held
                if value is None:
                    continue
                key = (title, ref)
                content[key] = value
                name = shown.get(style_id)
                if name is None:
                    name = shown[style_id] = number_format(style_id)
                formats[key] = name
                if held is not None and stored is not None:
                    stored[key] = held

        def stored_value(self, element, data_type, style_id, coordinate):
            """What parse_cell gives as data_only, for the cells read_row does not read itself."""
            if data_type == "inlineStr":
                child = element.find(INLINE_STRING)
                return Text.from_tree(child).content if child is not None else None
            value = element.findtext(VALUE_TAG, None) or None
            if value is None:
                return None
            if data_type == "n":  # a number in a date's format (read_row reads the others)
                value = _cast_number(value)
                try:
                    return from_excel(value, self.epoch, timedelta=style_id in self.timedelta_formats)
                except (OverflowError, ValueError):
                    warnings.warn(f"Cell {coordinate} is marked as a date but the serial value {value} is "
                                  f"outside the limits for dates. The cell will be treated as an error.")
                    return "#VALUE!"
            if data_type == "b":
                return bool(int(value))
            if data_type == "d":
                return from_ISO8601(value)
            return value

    import warnings

    if not _COLUMNS:
        _COLUMNS.update((get_column_letter(n), n) for n in range(1, 18279))
    book = sheet.parent
    return BothReadings(source, sheet._shared_strings, data_only=False, epoch=book.epoch,
                        date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)


@lru_cache(maxsize=1)
def _excel_reader():
    """openpyxl's reader of a workbook, reading its shared strings as openpyxl's read_string_table does."""
    from xml.etree import ElementTree

    from openpyxl.cell.text import Text
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

    string, text = f"{{{SHEET_MAIN_NS}}}si", f"{{{SHEET_MAIN_NS}}}t"

    def read_string_table(source) -> list[str]:
        strings = []
        for _, node in ElementTree.iterparse(source):
            if node.tag == string:
                only = node[0] if len(node) == 1 else None
                # Plain text, nearly every string a workbook holds, is its one <t>'s text; rich text and
                # phonetic runs are read by openpyxl's Text.
                if only is not None and only.tag == text and only.text is not None and not len(only):
                    strings.append(only.text.replace("x005F_", ""))
                else:
                    strings.append(Text.from_tree(node).content.replace("x005F_", ""))
                node.clear()
        return strings

    class Reader(ExcelReader):
        def read_strings(self):
            found = self.package.find(SHARED_STRINGS)
            if found is not None:
                with self.archive.open(found.PartName[1:]) as source:
                    self.shared_strings = read_string_table(source)

    return Reader


#: Each column's letters, as openpyxl writes them (A to ZZZ), and its number: filled when a sheet is first read.
_COLUMNS: dict[str, int] = {}


def count_cells(data: bytes) -> int:
    """How many cells hold something (a value, text or formula), read from the sheets' XML.

    The number `read_cells` finds, without parsing each cell: a cell that is only a format is
    written as an empty element (<c r="A1" s="3"/>) and holds nothing.
    """
    filled = re.compile(rb"<c [^>]*[^/]>")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(len(filled.findall(archive.read(member)))
                   for member in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet[0-9]+\.xml", member))


def read_workbook_file(path: Path, limits: Limits = DEFAULT) -> bytes:
    """A workbook's bytes: a regular file (a zip is read from its end), no larger than the limit allows."""
    import stat

    name = str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):
            raise WorkbookError(f"{name}: is not a file but a device, pipe or socket; save the workbook as a file "
                                f"and verify that")
        return read_bounded(path, limits.workbook_bytes, "a workbook")
    except TooLarge as exc:
        raise WorkbookError(f"{name}: {exc}") from None
    except IsADirectoryError:
        raise WorkbookError(f"{name}: is a folder, not a workbook") from None
    except FileNotFoundError:
        raise WorkbookError(f"{name}: no such file") from None
    except OSError as exc:
        raise WorkbookError(f"{name}: cannot be read ({exc.strerror or exc})") from None


def open_published(path: str | Path, limits: Limits = DEFAULT) -> PublishedWorkbook:
    path = Path(path)
    name = str(path)
    data = read_workbook_file(path, limits)
    check_archive(data, name, limits)
    # The Cover and the Scenario sheet hold text and figures, no formulas: their cells are all that is
    # needed to re-run it. The workbook stays open for the rest of its cells, read if they are compared.
    book = open_book(data, name)
    try:
        cells = book.cells(only=("Cover", "Scenario"))
        if "Cover" not in cells.sheets or "Scenario" not in cells.sheets:
            raise WorkbookError(f"{name}: is not a costmodel workbook (it has no Cover and Scenario sheets)")
        return _published(path, name, data, cells, book, limits)
    except BaseException:
        book.close()
        raise


def _published(path: Path, name: str, data: bytes, cells: Cells, book: Book, limits: Limits) -> PublishedWorkbook:
    cover = {str(cells.content.get(("Cover", f"A{r}"))): cells.content.get(("Cover", f"B{r}"))
             for r in range(1, 200) if ("Cover", f"A{r}") in cells.content}
    tool = str(cover.get("Tool") or "")
    version = re.fullmatch(r"costmodel (\S+)", tool)
    if not version or not cover.get("Scenario fingerprint") or not cover.get("Scenario file"):
        raise WorkbookError(f"{name}: is not a costmodel workbook (its Cover has no tool version, fingerprint "
                            f"and scenario file)")
    try:
        text = embedded_scenario(cells, limits)
    except TooLarge as exc:
        raise WorkbookError(f"{name}: {exc}") from None
    from ..workbook.writer import PARAMETER_SET

    recorded = cover.get(PARAMETER_SET)
    from ..scenario.establishment import from_cover

    establishments = [found for label, value in cover.items() if isinstance(value, str)
                      for found in [from_cover(label, value)] if found is not None]
    return PublishedWorkbook(path, version[1], str(cover["Scenario fingerprint"]), str(cover["Scenario file"]),
                             text, data, run_record_of(cells), str(recorded) if recorded is not None else None,
                             establishments, (book, cells))


def _check_scenario_rows(archive: zipfile.ZipFile, name: str, limits: Limits) -> None:
    """Count the Scenario sheet's rows in its XML before any is parsed: each is a line of the scenario.

    The sheet is found through the workbook's own parts (read by defusedxml, which refuses
    entities) and its rows counted a chunk at a time, stopping at the first row beyond the limit."""
    from .package import Package, PartError

    try:
        package = Package(archive=archive)
        part = next((part for sheet, part, _ in package.sheets() if sheet == "Scenario"), None)
        if part is None or part not in package.names:
            return
        allowed = limits.scenario_lines + SCENARIO_FIRST_ROW
        rows = 0
        carried = b""
        with archive.open(part) as stream:
            while chunk := stream.read(1 << 20):
                # Every row starts at a "<" and holds no other, so none is split by cutting before the last one.
                text = carried + chunk
                cut = text.rfind(b"<")
                whole, carried = (text[:cut], text[cut:]) if cut > 0 else (b"", text)
                rows += len(_ROW.findall(whole))
                if rows > allowed:
                    break
            rows += len(_ROW.findall(carried))
    except PartError as exc:
        raise WorkbookError(f"{name}: is damaged ({exc})") from None
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise WorkbookError(f"{name}: is damaged or truncated ({exc})") from None
    if rows > allowed:
        raise WorkbookError(f"{name}: its Scenario sheet has more than {limits.scenario_lines:,} rows; a scenario "
                            f"is at most {limits.scenario_lines:,} lines ({RAISE})")


#: The start of a row element, with or without a namespace prefix.
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")


def run_record_of(cells: Cells) -> list[tuple[str, str]] | None:
    """The run record on the Cover, if the run that wrote it was asked for one (--manifest)."""
    from ..workbook.writer import RUN_RECORD

    rows = sorted(int(ref[1:]) for (sheet, ref) in cells.content if sheet == "Cover" and ref.startswith("A"))
    start = next((r for r in rows if cells.content[("Cover", f"A{r}")] == RUN_RECORD), None)
    if start is None:
        return None
    record = []
    for r in rows:
        if r > start:
            record.append((str(cells.content[("Cover", f"A{r}")]), str(cells.content.get(("Cover", f"B{r}"), ""))))
    return record


#: The heading row on the Scenario sheet; the scenario's lines are in the rows below it.
SCENARIO_FIRST_ROW = 4


def embedded_scenario(cells: Cells, limits: Limits = DEFAULT) -> str:
    """The scenario text from the Scenario sheet: line numbers in column A, text in column B.

    Raises TooLarge for a line number that is not a whole number from 1 to the limit on lines:
    the text is as long as the largest line number, so that is checked before it is built."""
    line_of_row: dict[int, int] = {}
    text_of_row: dict[int, str] = {}
    for (sheet, ref), value in cells.content.items():
        match = re.fullmatch(r"([AB])([0-9]+)", ref) if sheet == "Scenario" else None
        if not match or int(match[2]) <= SCENARIO_FIRST_ROW:
            continue
        row = int(match[2])
        if match[1] == "A" and isinstance(value, (int, float)) and not isinstance(value, bool):
            if not (value == value and 1 <= value <= limits.scenario_lines and value == int(value)):
                raise TooLarge(f"Scenario!{ref} numbers a line {_number(value)}; a scenario's lines are numbered 1 "
                               f"to at most {limits.scenario_lines:,} ({RAISE})")
            line_of_row[row] = int(value)
        elif match[1] == "B":
            text_of_row[row] = str(value)
    lines = {line: text_of_row.get(row, "") for row, line in line_of_row.items()}
    if not lines:
        return ""
    text = "\n".join(lines.get(n, "") for n in range(1, max(lines) + 1))
    if len(text) > limits.scenario_bytes:
        raise TooLarge(f"its Scenario sheet holds {len(text) / 1e6:.1f} MB of text; a scenario is at most "
                       f"{limits.scenario_bytes // 2**20:,} MB ({RAISE})")
    return text


def _number(value: float) -> str:
    if value != value:
        return "NaN (not a number)"
    if value in (float("inf"), float("-inf")):
        return "beyond the largest number a file can hold" if value > 0 else "below the smallest"
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


def price_as_recorded(scenario, recorded: str | None, path) -> None:
    """Price a scenario read from a workbook with the parameter set its Cover records, where the
    scenario pins none: a later release, whose latest set is another, then gives the figures the
    workbook was published with (verify re-runs it so; diff compares it so)."""
    choice = scenario.parameters
    if (choice is not None and choice.set is not None) or recorded is None:
        return
    try:
        name, day = from_label(recorded)
    except ValueError:
        raise WorkbookError(f"{path}: its Cover's parameter set, {recorded!r}, is not one costmodel "
                            f"writes (written 2026-12, or 2026-12 as known at 2017-11-09)") from None
    if name not in SETS:
        raise WorkbookError(f"{path}: was priced with parameter set {recorded}, which this costmodel "
                            f"does not ship ({unknown_set_message(name)})")
    # The day is the scenario's own (`as_known_at`), which the Cover's label repeats.
    scenario.price_with(resolve(name, choice.as_known_at if choice is not None else day, pinned=False))
