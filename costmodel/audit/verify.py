"""Verify a published workbook: re-run its embedded scenario and compare every cell.

The auditor's question is "is every number in this workbook still what the scenario and
the model produce?". We rebuild the workbook from the scenario text it carries and compare
inputs, formulas and stored values cell by cell, naming each cell that differs, inputs first.

What a spreadsheet program changes when it saves an unchanged workbook is no difference: its
own XML and shared formulas (openpyxl reads formulas back as text either way), values written
to 17 figures (numbers agree to the penny), and cells holding only an empty string, dropped. A
file in which no formula has a stored value was saved by a tool that never writes them: inputs
and formulas are still compared, and it is said first, and not verified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..engine.projection import project
from ..files import unsigned_workbook
from ..limits import DEFAULT, RAISE, Limits
from ..report import WORKBOOK_DRAWS, workbook_draws
from ..scenario.work import least_work_as_written, work_problem
from ..uncertainty.sensitivity import sensitivity_draws
from ..scenario.loader import load_scenario_text
from ..scenario.problems import ScenarioError
from ..workbook.writer import built_book
from .package import (Package, PartError, compare_presentation, part_words, presentation_of,
                      sheet_outside_cells)
from .reader import (Cells, PublishedWorkbook, WorkbookError, cells_written, count_cells, establishment_folder,
                     open_published, price_as_recorded, read_cells)

#: Numbers agree to the penny: a workbook resaved by Excel or LibreOffice may store a value
#: recalculated in another order, differing in its last binary digits.
PENNY = 0.005


@dataclass(frozen=True)
class Difference:
    sheet: str
    cell: str
    published: object
    rerun: object
    #: what differs: 'input or text', 'input changed' (an input cell of the scenario's), 'formula', 'stored value', 'only in the published workbook',
    #: 'only in the re-run', 'sheet', 'number format', 'what a reader sees', 'part'
    kind: str
    #: For what is not one cell's content: what differs, in words ("Summary: the number format of ...").
    words: str | None = None

    def __str__(self) -> str:
        if self.words is not None:
            return self.words
        return f"{self.sheet}!{self.cell}: published {_show(self.published)}, re-run {_show(self.rerun)}"


@dataclass
class Verification:
    path: Path
    cells_compared: int = 0
    differences: list[Difference] = field(default_factory=list)
    #: Things an auditor must know that are not differences of a cell (another tool version, an edited scenario).
    findings: list[str] = field(default_factory=list)
    published_version: str | None = None
    #: The parameter set the workbook was priced with, and re-run with (`2026-12`).
    parameter_set: str | None = None
    #: Whether the scenario names that set; if not, it is the one the Cover records.
    parameter_set_pinned: bool = False
    scenario_edited: bool = False
    #: An establishment file the scenario reads its posts from (staffing_from) is not the one the Cover records.
    establishment_changed: bool = False
    #: Saved by a tool that keeps formulas but drops the values stored beside them (openpyxl):
    #: formulas and inputs are compared, stored values cannot be.
    stored_values_missing: bool = False

    @property
    def ok(self) -> bool:
        # Not verified without stored values even if every formula and input agrees: the figures a
        # reader of the file sees (in Protected View, a previewer, pandas, a printed pack) are not in
        # it to check, and "verified" must mean every figure was.
        return (not self.differences and not self.scenario_edited and not self.establishment_changed
                and not self.stored_values_missing)

    def to_json(self) -> dict:
        return {
            "workbook": str(self.path),
            "verified": self.ok,
            "cells_compared": self.cells_compared,
            "published_with": f"costmodel {self.published_version}" if self.published_version else None,
            "verified_with": f"costmodel {__version__}",
            "parameter_set": self.parameter_set,
            "parameter_set_pinned": self.parameter_set_pinned,
            "scenario_edited": self.scenario_edited,
            "establishment_changed": self.establishment_changed,
            "stored_values_compared": not self.stored_values_missing,
            "findings": self.findings,
            "differences": [{"sheet": d.sheet, "cell": d.cell, "kind": d.kind, "published": _plain(d.published),
                             "rerun": _plain(d.rerun), "in_words": str(d)} for d in self.differences],
        }


#: The published workbook's cells are read one by one only up to this many more than the re-run has:
#: a re-save adds none, and a workbook padded with millions is not a re-save of this one.
EXTRA_CELLS = 100_000


def verify(path: str | Path, limits: Limits = DEFAULT) -> Verification:
    """Raises WorkbookError for a file that cannot be verified at all, or is beyond the limits."""
    published = open_published(path, limits)
    result = Verification(Path(path), published_version=published.tool_version)
    if published.tool_version != __version__:
        result.findings.append(f"published with costmodel {published.tool_version}; re-run with costmodel "
                               f"{__version__}: compared all the same, so expect differences where the model changed")
    if published.scenario_fingerprint() != published.fingerprint:
        result.scenario_edited = True
        result.findings.append("the scenario on the Scenario sheet has been edited since publication: its "
                               "fingerprint no longer matches the one on the Cover")
    scenario = load_published_scenario(published, limits)
    _same_establishments(published, scenario.establishments, result)
    _price_as_published(scenario, published, result)
    if published.run_record:
        result.findings.append("the Cover's run record says how it was made; it is copied into the re-run, not "
                               "re-derived (see the manifest file for the workbook's own hash)")
    projection = project(scenario)
    book = built_book(projection, run_record=published.run_record)
    rebuilt = book.data
    if rebuilt == unsigned_workbook(published.data):
        # The writer gives the same bytes for the same scenario, so a workbook untouched since it
        # was written is the re-run itself, every cell (its zip comment, which holds the fingerprint
        # of the file as written, aside); only one that differs is read cell by cell.
        result.cells_compared = count_cells(rebuilt)
        return result
    # The re-run's cells as its bytes read, taken from what was written into them.
    rerun = cells_written(book) or read_cells(rebuilt, "the re-run")
    check_cells_held(str(path), cells_held(published.data), len(rerun.content))
    compare(published.cells, rerun, result)
    repriced = judge_inputs_changed(published, projection, rerun, result, limits)
    if not result.stored_values_missing:
        # A tool that drops stored values drops charts and drawings too (openpyxl does); the copy
        # that the finding asks for is compared in full.
        try:
            compare_formats(published.cells, rerun, result)
            if repriced is None:
                compare_what_a_reader_sees(published.data, rebuilt, result)
            else:
                # A chart shows what its cells hold: those re-priced with the workbook's own inputs, and on
                # Sensitivity and Risk (results held as values, for the inputs as published) the published ones.
                seen = []
                for against in (rebuilt, repriced):
                    seen.append(Verification(result.path, differences=list(result.differences)))
                    compare_what_a_reader_sees(published.data, against, seen[-1])
                both = {str(d) for d in seen[1].differences}
                result.differences += [d for d in seen[0].differences[len(result.differences):] if str(d) in both]
        except PartError as exc:
            raise WorkbookError(f"{path}: is damaged ({exc})") from None
    _in_order(result, rerun.sheets + published.cells.sheets)
    return result


def load_published_scenario(published: PublishedWorkbook, limits: Limits = DEFAULT):
    """The scenario a workbook carries, loaded within the limits and priced with the parameter set its
    Cover records; WorkbookError where it cannot be re-run (verify and import alike)."""
    path = published.path

    def beyond_the_limits_as_written(data: object) -> None:
        # A county's establishment takes longer to check than to read: where the lists the file writes
        # out, drawn as the Risk sheet draws them, are already beyond the limits, it is refused unchecked.
        least = least_work_as_written(data)
        if least is not None and least[1]:
            size, draws = least[0], WORKBOOK_DRAWS + sensitivity_draws(1)
            if draws * size > limits.drawn_line_years:
                raise WorkbookError(f"{path}: its scenario is beyond the limits: re-running its Sensitivity and Risk "
                                    f"sheets projects at least {draws:,} draws of {size:,} line-years, "
                                    f"{draws * size:,} in all; the limit is {limits.drawn_line_years:,} ({RAISE})")

    try:
        scenario = load_scenario_text(published.scenario_text, published.scenario_file, limits,
                                      beyond_the_limits_as_written, establishment_folder(published))
    except ScenarioError as exc:
        first = exc.problems[0]
        if published.establishments and first.file != published.scenario_file:
            # A problem in an establishment file, not in the scenario the sheet carries.
            raise WorkbookError(f"{path}: the posts of its scenario are read from an establishment file, which "
                                f"does not load as it did: {first}") from None
        raise WorkbookError(f"{path}: the scenario on its Scenario sheet no longer loads (line {first.line}: "
                            f"{first.message})") from None
    price_as_recorded(scenario, published.parameter_set, path)
    # Before any of the work: a scenario of a few kilobytes can ask for hours of it.
    problem = work_problem(scenario, limits, workbook_draws(scenario), "re-running its Sensitivity and Risk sheets")
    if problem is not None:
        raise WorkbookError(f"{path}: its scenario is beyond the limits: {problem}")
    return scenario


def check_cells_held(name: str, held: int, expected: int) -> None:
    """A workbook padded with far more cells (`held`, `cells_held`) than its re-run has (`expected`) is not
    read one by one."""
    if held > 2 * expected + EXTRA_CELLS:
        raise WorkbookError(f"{name}: holds {held:,} cells where its re-run has {expected:,}; not read one by one "
                            f"beyond {2 * expected + EXTRA_CELLS:,} (twice the re-run's and {EXTRA_CELLS:,}), so "
                            f"not verified")


def judge_inputs_changed(published: PublishedWorkbook, projection, rerun: Cells, result: Verification,
                         limits: Limits = DEFAULT) -> bytes | None:
    """An input typed over is an input change, said as one ("input changed: Inputs!D90 (...): was 91,452,
    now 95,000"); and where every formula is intact, the workbook is re-priced with its own inputs (as
    `costmodel import` carries them back) and each formula's stored value compared with that, so that
    only the inputs are reported, not every figure they moved. Returns the re-priced workbook, if it was."""
    from ..workbook.layout import Layout, input_cells
    from .importing import ImportRefused, carry_back

    if not any(d.kind == "input or text" for d in result.differences):
        return None  # no cell typed over: the input cells (a second laying out of the workbook) are not needed
    inputs = {(where.sheet, where.ref): where for where in input_cells(Layout(projection))}
    typed = [d for d in result.differences if d.kind == "input or text" and (d.sheet, d.cell) in inputs]
    if not typed:
        return None
    for n, d in enumerate(result.differences):
        where = inputs.get((d.sheet, d.cell))
        if d.kind == "input or text" and where is not None:
            result.differences[n] = Difference(
                d.sheet, d.cell, d.published, d.rerun, "input changed",
                f"input changed: {d.sheet}!{d.cell} ({where.label}"
                f"{' in ' + _year_label(where.year) if where.year is not None else ''}): was "
                f"{_in_words(d.rerun, where.unit)}, now {_in_words(d.published, where.unit)}")
    if any(d.kind in ("formula", "sheet", "only in the re-run", "only in the published workbook")
           for d in result.differences) or result.stored_values_missing:
        return None  # the formulas are not the re-run's: their values are judged against the published scenario
    try:
        _, changes, scenario = carry_back(published, projection, published.cells.content, rerun.content, limits)
    except ImportRefused as exc:
        result.findings.append(f"the changed inputs cannot be carried back into the scenario "
                               f"({str(exc).split(': ', 1)[-1]}); each formula's value is compared with the "
                               f"published scenario's")
        return None
    if scenario is None:
        return None
    # Re-priced as the reader's workbook is: the publication with its inputs typed over, each input's
    # published value the re-run's, so its Cover flag and Published sheet count the same changes.
    repriced_book = built_book(project(scenario), run_record=published.run_record, published=rerun.content)
    repriced = cells_written(repriced_book) or read_cells(repriced_book.data, "the re-priced re-run")
    result.differences = [d for d in result.differences if not (
        d.kind == "stored value" and _same(d.published, _filled(repriced.stored.get((d.sheet, d.cell)))))]
    result.findings.append(f"{len(typed)} input cell{'s' if len(typed) != 1 else ''} changed; every formula's value "
                           f"is compared with the workbook re-priced with "
                           f"its own inputs (as costmodel import writes them back), so only the inputs are reported "
                           f"where the formulas are intact")
    return repriced_book.data


def _year_label(year: int) -> str:
    from ..scenario.units import financial_year_label

    return financial_year_label(year)


def _in_words(value, unit: str = "") -> str:
    """A figure as the Inputs sheet shows it: 91,452, 30%, 8."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and unit == "rate":
        return f"{value * 100:,.4f}".rstrip("0").rstrip(".") + "%"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    return _show(value)


def _same_establishments(published: PublishedWorkbook, read: list, result: Verification) -> None:
    """Each establishment file read for the re-run is the one the workbook was made from, by its hash."""
    now = {found.option: found for found in read}
    for then in published.establishments:
        found = now.get(then.option)
        if found is None or found.sha256 != then.sha256:
            result.establishment_changed = True
            said = f"now {found.sha256[:12]}…, {found.posts:,} posts" if found else "not read at all now"
            result.findings.append(f"the establishment file {then.file} (the posts of option '{then.option}') is "
                                   f"not the one the workbook was made from: SHA-256 then {then.sha256[:12]}…, "
                                   f"{then.posts:,} posts; {said}. The re-run uses the file as it is now")


def _price_as_published(scenario, published: PublishedWorkbook, result: Verification) -> None:
    """Re-run with the parameter set the Cover records where the scenario pins none, so that a later
    release, whose latest set is another, reproduces the workbook; and say which set that is."""
    recorded = published.parameter_set
    price_as_recorded(scenario, recorded, published.path)
    priced_with = scenario.priced_with
    result.parameter_set, result.parameter_set_pinned = priced_with.label, priced_with.pinned
    if recorded is None:
        result.findings.append(f"the Cover records no parameter set (made by a costmodel before they were "
                               f"recorded): re-run with {priced_with.label}")
    elif recorded != priced_with.label:
        result.findings.append(f"the Cover says parameter set {recorded}, but the scenario pins "
                               f"{priced_with.label}: re-run with the scenario's")


def cells_held(data: bytes) -> int:
    """How many cells the workbook's sheets hold, counted in their XML without parsing it."""
    import re

    package = Package(data)
    element = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")
    return sum(len(element.findall(package.read(part) or b"")) for _, part, _ in package.sheets() if part)


def compare_formats(published: Cells, rerun: Cells, result: Verification) -> None:
    """The number format of every cell both hold, as a reader sees it: a format can show any figure
    as any text ("£40,000,000", "agrees"), whatever the cell holds."""
    changed: dict[tuple[str, str, str], list[str]] = {}
    for key, code in (published.formats or {}).items():
        mine = (rerun.formats or {}).get(key)
        # The same code shows the same; a workbook has a few dozen codes over its thousands of cells.
        if mine is not None and mine != code and shown_format(code) != shown_format(mine):
            changed.setdefault((key[0], code, mine), []).append(key[1])
    for (sheet, theirs, mine), refs in changed.items():
        refs.sort(key=_row_col)
        result.differences.append(Difference(
            sheet, refs[0], theirs, mine, "number format",
            f"{sheet}: the number format of {_cells_in_words(refs)} was changed: published {theirs!r}, re-run "
            f"{mine!r}"))


def compare_what_a_reader_sees(data: bytes, rebuilt: bytes, result: Verification) -> None:
    """Sheet states, defined names, charts, drawings and notes; and, for a workbook with the very parts
    costmodel writes (one that claims to be untouched), every part, byte for byte."""
    for sheet, cell, words in compare_presentation(presentation_of(data), presentation_of(rebuilt)):
        result.differences.append(Difference(sheet or WORKBOOK, cell or "(sheet)", None, None, "what a reader sees",
                                             f"{sheet + ': ' if sheet else ''}{words}"))
    published, rerun = Package(data), Package(rebuilt)
    if sorted(published.names) != sorted(rerun.names):
        return  # saved by a spreadsheet program: its own parts, compared by what they show above
    sheet_of = {part: name for name, part, _ in rerun.sheets()}
    kinds = {d.kind for d in result.differences}
    explained = {
        "xl/sharedStrings.xml": bool(kinds & {"input or text", "input changed", "only in the published workbook",
                                              "only in the re-run", "formula"}),
        "xl/styles.xml": "number format" in kinds,
        "xl/workbook.xml": bool(kinds & {"sheet", "what a reader sees"}),
    }
    for part in rerun.names:
        theirs, mine = published.read(part), rerun.read(part)
        if theirs == mine or (part.startswith("xl/charts/") and same_chart_to_the_penny(theirs, mine)):
            continue
        sheet = sheet_of.get(part)
        if sheet is not None:
            if sheet_outside_cells(theirs, part) != sheet_outside_cells(mine, part):
                result.differences.append(Difference(
                    sheet, "(sheet)", None, None, "what a reader sees",
                    f"{sheet}: the sheet's layout differs from the re-run's (cell styles, column widths, hidden rows "
                    f"or columns, merged cells or print setup)"))
            continue
        drawn = part.startswith(("xl/charts/", "xl/drawings/", "xl/comments")) or "_rels/" in part \
            or part == "[Content_Types].xml"
        if explained.get(part, drawn and bool(kinds & {"what a reader sees", "sheet"})):
            continue
        result.differences.append(Difference(WORKBOOK, part, None, None, "part",
                                             f"{part}, {part_words(part)}, is not as the re-run writes it"))


#: A chart's stored copy of the figures it draws, one number to a <c:v> element.
_CACHED_NUMBER = re.compile(rb"<c:v>([^<]*)</c:v>")


def same_chart_to_the_penny(theirs: bytes, mine: bytes) -> bool:
    """The same chart, its stored copy of the figures it draws agreeing to the penny, as cells do.

    The figures are the engine's sums, whose last binary digits depend on the processor numpy runs
    on (its vector instructions add in another order): a workbook written on one machine and re-run
    on another draws the same chart from figures that differ by a millionth of a penny."""
    theirs_parts, mine_parts = _CACHED_NUMBER.split(theirs), _CACHED_NUMBER.split(mine)
    if len(theirs_parts) != len(mine_parts):
        return False
    for index, (a, b) in enumerate(zip(theirs_parts, mine_parts)):
        if a == b:
            continue
        if index % 2 == 0:  # the chart's own XML, between its cached figures
            return False
        try:
            if not abs(float(a) - float(b)) <= PENNY:
                return False
        except ValueError:  # a cached label, not a figure
            return False
    return True


#: Where a difference of the whole workbook, not of one sheet, is filed.
WORKBOOK = "(workbook)"


@lru_cache(maxsize=4096)
def shown_format(code: str) -> tuple:
    """A number format as what it shows: text written quoted, escaped or bare is the same text
    ("£" and \\£ both show £), while a character that formats a number stays a code."""
    import re

    out: list[tuple[str, str]] = []
    i = 0
    while i < len(code):
        ch = code[i]
        if ch == '"':
            end = code.find('"', i + 1)
            end = len(code) if end < 0 else end
            out += [("text", c) for c in code[i + 1:end]]
            i = end + 1
        elif ch == "\\" and i + 1 < len(code):
            out.append(("text", code[i + 1]))
            i += 2
        elif ch in "_*" and i + 1 < len(code):
            out.append((ch, code[i + 1]))  # space as wide as, or fill with, the next character
            i += 2
        elif ch == "[":
            end = code.find("]", i)
            end = len(code) if end < 0 else end
            currency = re.fullmatch(r"\$([^-]*)(-[0-9A-Fa-f]+)?", code[i + 1:end])
            out += [("text", c) for c in currency[1]] if currency else [("code", code[i + 1:end].lower())]
            i = end + 1
        elif ch.isascii() and (ch.isalnum() or ch in "#?.,%@;/:"):
            out.append(("code", ch.lower()))
            i += 1
        else:
            out.append(("text", ch))
            i += 1
    return tuple(out)


def _cells_in_words(refs: list[str]) -> str:
    """C5, C6, C7, C8 and E5 -> "C5 to C8 and E5" (runs down a column), the first few runs."""
    from openpyxl.utils.cell import coordinate_from_string

    runs: list[list] = []
    for ref in sorted(refs, key=lambda r: (coordinate_from_string(r)[0].rjust(3), coordinate_from_string(r)[1])):
        column, row = coordinate_from_string(ref)
        if runs and runs[-1][0] == column and runs[-1][2] == row - 1:
            runs[-1][2] = row
        else:
            runs.append([column, row, row])
    words = [f"{c}{a}" if a == b else f"{c}{a} to {c}{b}" for c, a, b in runs]
    if len(words) > 6:
        return ", ".join(words[:6]) + f" and {len(words) - 6:,} more"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def compare(published: Cells, rerun: Cells, result: Verification) -> None:
    formulas = [key for key, value in published.content.items() if _is_formula(value)]
    # Every formula without a stored value is a tool that never writes them, not an edit: a hand
    # edit removing one value leaves the rest, and is reported as that cell's stored value.
    result.stored_values_missing = bool(formulas) and not any(_filled(published.stored.get(key)) is not None
                                                              for key in formulas)
    if result.stored_values_missing:
        result.findings.insert(0, f"saved by a tool that keeps formulas but drops the values stored beside them "
                                  f"(as openpyxl does): none of its {len(formulas):,} formulas has one, so stored "
                                  f"values cannot be compared; inputs and formulas are. To check the values too, open "
                                  f"and save it in Excel or LibreOffice (they recalculate and store them) and verify "
                                  f"that copy")
    for sheet in published.sheets:
        if sheet not in rerun.sheets:
            result.differences.append(Difference(sheet, "(sheet)", "present", "absent", "sheet"))
    for sheet in rerun.sheets:
        if sheet not in published.sheets:
            result.differences.append(Difference(sheet, "(sheet)", "absent", "present", "sheet"))
    shared = {s for s in rerun.sheets if s in published.sheets}
    # Each cell of the sheets both have once, in no particular order: _in_order puts the differences,
    # a few among hundreds of thousands of cells, in the order they are reported.
    keys = [key for key in rerun.content if key[0] in shared]
    keys += [key for key in published.content if key[0] in shared and key not in rerun.content]
    result.cells_compared += len(keys)
    mine_of, theirs_of, mine_stored, theirs_stored = rerun.content, published.content, rerun.stored, published.stored
    missing = result.stored_values_missing
    for key in keys:
        mine, theirs = mine_of.get(key), theirs_of.get(key)
        # Nearly every cell is as the re-run has it, stored value and all: equal as written, it can differ in
        # none of the ways below (an input, text or formula the same; a stored value the same to the bit).
        if mine == theirs and (missing or mine_stored.get(key) == theirs_stored.get(key)):
            continue
        mine, theirs = _filled(mine), _filled(theirs)
        if theirs is None and mine is None:
            continue
        if theirs is None or mine is None:
            kind = "only in the re-run" if theirs is None else "only in the published workbook"
            result.differences.append(Difference(key[0], key[1], theirs, mine, kind))
            continue
        if _is_formula(mine) or _is_formula(theirs):
            if mine != theirs:
                result.differences.append(Difference(key[0], key[1], theirs, mine, "formula"))
                continue
            if result.stored_values_missing:
                continue
            stored_mine, stored_theirs = _filled(rerun.stored.get(key)), _filled(published.stored.get(key))
            if not _same(stored_theirs, stored_mine):
                result.differences.append(Difference(key[0], key[1], stored_theirs, stored_mine, "stored value"))
        elif not _same(theirs, mine):
            result.differences.append(Difference(key[0], key[1], theirs, mine, "input or text"))
    _in_order(result, rerun.sheets + published.sheets)


def _in_order(result: Verification, sheets: list[str]) -> None:
    """Causes before effects: an input typed over, then a formula changed, then what they moved; what a
    reader sees beyond the cells' contents last, each in sheet order."""
    order = {sheet: n for n, sheet in enumerate(dict.fromkeys(sheets))}

    def rank(d: Difference) -> int:
        if d.kind in ("number format", "what a reader sees", "part"):
            return 3
        return 0 if d.sheet == INPUTS else 1 if d.kind == "formula" else 2

    result.differences.sort(key=lambda d: (rank(d), order.get(d.sheet, len(order)), _position(d.cell)))


def _position(cell: str) -> tuple[int, int]:
    try:
        return _row_col(cell.split(":")[0])
    except Exception:  # "(sheet)", or a part's name: not a cell
        return (0, 0)


#: The sheet where every typed-in assumption is.
INPUTS = "Inputs"


def _filled(value):
    """A cell's value, with an empty string as no value: LibreOffice and openpyxl drop a cell holding
    only "" when they save (Excel may), and it shows the same as an empty cell."""
    return None if value == "" else value


def _is_formula(value) -> bool:
    return isinstance(value, str) and value.startswith("=")


def _same(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= PENNY
    return a == b


def _row_col(ref: str) -> tuple[int, int]:
    """A cell reference's row and column numbers, for sorting: every cell is sorted, so without a parser."""
    letters = ref.rstrip("0123456789")
    name = letters.replace("$", "")
    if not (name.isascii() and name.isalpha()):
        raise ValueError(f"{ref!r} is not a cell reference")
    column = 0
    for letter in name:
        column = column * 26 + ord(letter.upper()) - 64
    return int(ref[len(letters):]), column


def _show(value) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,.2f}"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _plain(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


__all__ = ["verify", "Verification", "Difference", "WorkbookError", "PublishedWorkbook"]
