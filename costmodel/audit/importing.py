"""Back to a scenario: the figures a reader changed in a workbook, written into the scenario it carries.

A councillor or a scrutiny panel changes an assumption in the workbook to see what happens. To
keep what they found, `costmodel import` reads the workbook's input cells, finds each one that no
longer holds what the scenario on its Scenario sheet gives, and writes that scenario with those
figures replaced and nothing else touched: its comments, sources, order and layout stay as they
were written, and each changed figure is marked where it is ("changed in the workbook: was
140,000"), in the unit and style the file wrote it in (2% stays a percentage, 1,130,000 an amount).

The workbook is read as verify reads it (bounded, no macros or links, nothing evaluated), and
rebuilt from its own scenario, so that every cell can be compared with what costmodel writes.
What cannot be carried back is refused, and nothing is written: a workbook costmodel did not
write, one whose formulas were edited (the scenario has no place for a formula), and a figure the
scenario format would refuse.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..engine.projection import project
from ..files import unsigned_workbook
from ..limits import DEFAULT, Limits
from ..scenario.loader import load_scenario_text, loc_of
from ..scenario.problems import ScenarioError
from ..scenario.units import financial_year_label
from ..workbook.layout import InputCell, Layout, input_cells
from ..workbook.writer import built_book
from .reader import (PublishedWorkbook, WorkbookError, cells_written, establishment_folder, open_published,
                     price_as_recorded, read_cells)


class ImportRefused(WorkbookError):
    """The workbook's changes cannot be carried back into its scenario; one line for the user."""


@dataclass(frozen=True)
class Change:
    """One figure of the scenario that a workbook's input cell changed."""

    #: Where the reader typed it: "Inputs!D80" (and each further cell showing the same figure).
    cells: tuple[str, ...]
    #: What it is, in words.
    label: str
    #: Where it is written in the scenario: its path ("options[1].staffing[0].salary") and line.
    path: str
    line: int
    #: As the scenario wrote it, and as the import writes it.
    was: str
    now: str
    value: float


@dataclass
class Imported:
    workbook: PublishedWorkbook
    #: The scenario the workbook carries, with every changed figure replaced.
    text: str
    changes: list[Change] = field(default_factory=list)


def import_workbook(path: str | Path, limits: Limits = DEFAULT) -> Imported:
    """Raises WorkbookError (ImportRefused) with one line naming the file where it cannot be done."""
    from .verify import cells_held, check_cells_held, load_published_scenario

    name = str(path)
    published = open_published(path, limits)
    if published.scenario_fingerprint() != published.fingerprint:
        raise ImportRefused(f"{name}: its Scenario sheet was edited since the workbook was written (its fingerprint "
                            f"no longer matches the Cover's); only changes to input cells can be carried back")
    scenario = load_published_scenario(published, limits)
    projection = project(scenario)
    book = built_book(projection, run_record=published.run_record)
    rebuilt = book.data
    imported = Imported(published, published.scenario_text)
    if rebuilt == unsigned_workbook(published.data):
        return imported  # untouched since it was written: its scenario, as it is
    mine = cells_written(book, stored_values=False) or read_cells(rebuilt, "the re-run", stored_values=False)
    check_cells_held(name, cells_held(published.data), len(mine.content))
    theirs = read_cells(published.data, name, stored_values=False)
    _refuse_formula_changes(name, theirs, mine)
    imported.text, imported.changes, _ = carry_back(published, projection, theirs.content, mine.content, limits)
    return imported


def carry_back(published: PublishedWorkbook, projection, theirs: dict, mine: dict, limits: Limits = DEFAULT):
    """The scenario a workbook carries with the figures of its input cells (`theirs`) where they differ from
    what its re-run writes (`mine`): (text, changes, the scenario loaded from that text, or None where nothing
    changed). ImportRefused where a change cannot be carried back."""
    name = str(published.path)
    edits = _changed_figures(name, input_cells(Layout(projection)), theirs, mine, projection.scenario)
    if not edits:
        return published.scenario_text, [], None
    text, changes = _rewrite(name, published.scenario_text, edits)
    try:
        scenario = load_scenario_text(text, published.scenario_file, limits, None, establishment_folder(published))
    except ScenarioError as exc:
        raise ImportRefused(_refused_value(name, exc, changes)) from None
    price_as_recorded(scenario, published.parameter_set, name)
    return text, changes, scenario


# --------------------------------------------------------------------------- what changed


def _refuse_formula_changes(name: str, theirs, mine) -> None:
    """A formula typed over, edited or deleted, or a sheet added or removed: not a change to the scenario."""
    missing = [sheet for sheet in mine.sheets if sheet not in theirs.sheets]
    if missing:
        raise ImportRefused(f"{name}: the sheet {missing[0]!r} was removed; its formulas cannot be carried back")
    changed = []
    for key in sorted(set(mine.content) | set(theirs.content), key=_in_sheet_order(mine.sheets)):
        if key[0] not in mine.sheets:
            continue
        new, old = _filled(theirs.content.get(key)), _filled(mine.content.get(key))
        if (_is_formula(new) or _is_formula(old)) and new != old:
            changed.append(f"{_quoted(key[0])}!{key[1]}")
    if changed:
        shown = ", ".join(changed[:8]) + (f" and {len(changed) - 8:,} more" if len(changed) > 8 else "")
        raise ImportRefused(f"{name}: formula changed: {shown}; a change to a formula cannot be carried back into "
                            f"the scenario (change inputs only, or start from the published workbook)")


@dataclass
class _Edit:
    path: str
    value: float
    cells: list[str]
    label: str
    line: int | None
    #: A year to write into the table of years at `path`, where the scenario states none for it.
    new_year: str | None = None
    #: In words on the line, where the figure is one entry of a table of years: its year.
    entry: str | None = None


def _changed_figures(name: str, cells: list[InputCell], theirs: dict, mine: dict, scenario) -> list[_Edit]:
    """Each scenario figure an input cell now differs from, with its new value: one edit a figure,
    however many cells show it (a rate for every year is one figure in the scenario)."""
    edits: dict[str, _Edit] = {}
    unchanged_paths: set[str] = set()
    by_year: dict[str, dict[int, tuple]] = {}
    for where in cells:
        key = (where.sheet, where.ref)
        ref = f"{_quoted(where.sheet)}!{where.ref}"
        new, old = _filled(theirs.get(key)), _filled(mine.get(key))
        table = _table_of_years(where, scenario)
        if table is not None:
            if not _same(new, old) and not _is_number(new):
                raise ImportRefused(f"{name}: {ref} ({where.label} in {financial_year_label(where.year)}) holds "
                                    f"{'nothing' if new is None else repr(new)}, not a number; type a figure there")
            by_year.setdefault(where.name, {})[where.year] = (ref, where, new, old, table)
            continue
        if _same(new, old):
            figure = _figure_of(where, scenario)
            if figure is not None and figure.path:
                unchanged_paths.add(figure.path)
            continue
        if not _is_number(new):
            shown = "nothing" if new is None else repr(new) if isinstance(new, str) else str(new)
            raise ImportRefused(f"{name}: {ref} ({where.label}) holds {shown}, not a number; type a figure there")
        figure = _figure_of(where, scenario)
        when = f" in {financial_year_label(where.year)}" if where.year is not None else ""
        if figure is None or not figure.path or not figure.line:
            raise ImportRefused(f"{name}: {ref} ({where.label}{when}) was changed, but the scenario does not write "
                                f"that figure (it is a default, or follows from other figures); state it in the "
                                f"scenario to change it")
        edit = edits.get(figure.path)
        if edit is None:
            edits[figure.path] = _Edit(figure.path, float(new), [ref], f"{where.label}{when}", figure.line)
        elif not _same(edit.value, float(new)):
            raise ImportRefused(f"{name}: {edit.cells[0]} and {ref} show the same figure of the scenario "
                                f"({figure.path}) but now hold different values; give both the same")
        else:
            edit.cells.append(ref)
    for path in unchanged_paths & set(edits):
        # One figure shown in several cells (a rate for every year), changed in some of them only.
        edit = edits[path]
        raise ImportRefused(f"{name}: {edit.cells[0]} ({edit.label}) was changed, but the scenario writes one figure "
                            f"({path}) for it and other cells that still hold the old value; change every cell it "
                            f"fills alike, or write the figure by year in the scenario")
    for series in by_year.values():
        for edit in _year_edits(name, series):
            edits[edit.path + (f"/{edit.new_year}" if edit.new_year else "")] = edit
    return list(edits.values())


def _table_of_years(where: InputCell, scenario) -> dict | None:
    """The scenario's table of figures by year (financial year -> Figure) a row by year shows, where it
    writes one: each year not stated follows the last one stated before it."""
    if where.year is None or where.figure is not None:
        return None
    assumptions = scenario.assumptions
    series = {"general_inflation": assumptions.general_inflation, "pay_award": assumptions.pay_awards}
    if where.name.startswith("index:"):
        series[where.name] = assumptions.indices.get(where.name.split(":", 1)[1])
    found = series.get(where.name)
    if found is not None and isinstance(found.value, dict):
        return found.value
    if where.name == "budget_envelope" and assumptions.budget_envelope is not None:
        return assumptions.budget_envelope.by_year
    return None


def _year_edits(name: str, series: dict[int, tuple]) -> list[_Edit]:
    """The fewest entries of a table of years to change or write out so that every year holds what its
    cell in the workbook holds: a year changed, and the year after it written out at its old figure
    where it was carried forward from the one changed (in the workbook it did not move)."""
    table = next(iter(series.values()))[4]
    if not any(not _same(new, old) for _, _, new, old, _ in series.values()):
        return []
    written = {year: figure.value for year, figure in table.items()}
    wanted = {year: float(new) for year, (_, _, new, _, _) in series.items()}
    result = dict(written)
    for year in sorted(wanted):
        if not _same(_carried(result, year), wanted[year]):
            result[year] = wanted[year]
    if any(not _same(_carried(result, year), wanted[year]) for year in wanted):
        ref, where = next((r, w) for r, w, new, old, _ in series.values() if not _same(new, old))
        raise ImportRefused(f"{name}: {ref} ({where.label}): the figures by year cannot be written as the scenario "
                            f"states them (each year not stated follows the one before); change them in the scenario")
    some = next(iter(table.values()))
    mapping_path = some.path.rsplit(".", 1)[0]
    edits = []
    for year in sorted(result):
        ref, where = series[year][0], series[year][1] if year in series else (None, None)
        label = f"{where.label} in {financial_year_label(year)}" if where else financial_year_label(year)
        if year in table:
            if not _same(result[year], written[year]):
                edits.append(_Edit(table[year].path, result[year], [ref], label, table[year].line,
                                   entry=financial_year_label(year)))
        else:
            edits.append(_Edit(mapping_path, result[year], [ref], label, some.line,
                               new_year=financial_year_label(year), entry=financial_year_label(year)))
    return edits


def _carried(table: dict[int, float], year: int) -> float:
    earlier = [y for y in table if y <= year]
    return table[max(earlier)] if earlier else table[min(table)]


def _figure_of(where: InputCell, scenario):
    """The scenario's figure an input cell shows (None where it shows no one figure the file writes)."""
    if where.figure is not None or where.year is None:
        return where.figure
    assumptions = scenario.assumptions
    rates = {"general_inflation": assumptions.general_inflation, "pay_award": assumptions.pay_awards}
    if where.name.startswith("index:"):
        rates[where.name] = assumptions.indices.get(where.name.split(":", 1)[1])
    series = rates.get(where.name)
    if series is not None:
        value = series.value
        if isinstance(value, dict):
            return value.get(where.year)  # a year carried forward from the last one stated is not written
        return value
    if where.name == "budget_envelope" and assumptions.budget_envelope is not None:
        return assumptions.budget_envelope.by_year.get(where.year)
    if where.name == "ni_rate":
        return assumptions.employer_ni.rates.get(where.year)
    if where.name == "ni_threshold":
        return assumptions.employer_ni.thresholds.get(where.year)
    if where.name == "discount_rate" and assumptions.discounting.schedule == "custom":
        return assumptions.discounting.rates.get(where.year)
    return None


# --------------------------------------------------------------------------- writing the scenario


def _rewrite(name: str, text: str, edits: list[_Edit]) -> tuple[str, list[Change]]:
    """The scenario text with each edited scalar replaced where it stands, and marked on its line.

    The parser only says where each scalar is; the text is changed there and nowhere else, so every
    comment, blank line, quotation and indentation of the file is kept as written."""
    from ruamel.yaml import YAML

    document = YAML(typ="rt", pure=True).load(text)
    lines = text.split("\n")
    placed: list[tuple[int, int, int, str, _Edit, str]] = []
    for edit in edits:
        if edit.new_year is not None:
            continue
        try:
            line, column = _position(document, loc_of(edit.path))
        except (KeyError, IndexError, TypeError, AttributeError):
            # Read from elsewhere: the posts of an establishment file (staffing_from) are written there.
            raise ImportRefused(f"{name}: {edit.cells[0]} ({edit.label}) was changed, but that figure is not written "
                                f"in the scenario file itself ({edit.path}); change it where it is read from, such "
                                f"as the establishment file") from None
        start, end, written = _scalar_at(lines[line], column)
        # Inside { } or [ ] a comma separates entries: an amount there is written without them, unless quoted.
        before = lines[line][:start]
        in_flow = before.count("{") + before.count("[") > before.count("}") + before.count("]")
        placed.append((line, start, end, _in_style(written, edit.value, in_flow), edit, written.strip("'\"")))
    changes: list[Change] = []
    notes: dict[int, list[str]] = {}
    # Right to left along each line, so that a replacement leaves the columns before it where they were.
    for line, start, end, now, edit, was in sorted(placed, key=lambda p: (p[0], -p[1])):
        lines[line] = lines[line][:start] + now + lines[line][end:]
        changes.append(Change(tuple(edit.cells), edit.label, edit.path, line + 1, was, now.strip("'\""), edit.value))
        notes.setdefault(line, []).insert(0, f"{edit.entry + ' ' if edit.entry else ''}was {was}")
    added: dict[int, list[str]] = {}
    for edit in sorted((e for e in edits if e.new_year is not None), key=lambda e: e.new_year):
        line, now, was = _write_year(document, lines, edit)
        changes.append(Change(tuple(edit.cells), edit.label, f"{edit.path}.{edit.new_year}", line + 1, was, now,
                              edit.value))
        notes.setdefault(line, []).append(f"{edit.new_year} written out as it was ({was})")
    for line, was in notes.items():
        lines[line] = lines[line].rstrip() + f"  # changed in the workbook: {'; '.join(was)}"
    changes.sort(key=lambda change: change.line)
    return "\n".join(lines), changes


def _write_year(document, lines: list[str], edit: _Edit) -> tuple[int, str, str]:
    """Write a year into a table of years written in { } on one line: (its line, what was written, and
    what it was before in words). A table written as a block gets a line of its own below the last."""
    node = document
    for part in loc_of(edit.path):
        node = node[part]
    last = list(node.keys())[-1]
    line, column = node.lc.value(last)
    start, end, written = _scalar_at(lines[line], column)
    before = lines[line][:start]
    in_flow = before.count("{") > before.count("}")
    now = _in_style(written, edit.value, in_flow)
    entry = f"{edit.new_year}: {now}"
    if in_flow and lines[line][end:].lstrip().startswith("}"):
        lines[line] = lines[line][:end] + f", {entry}" + lines[line][end:]
    elif not in_flow and "{" not in lines[line][column:]:
        indent = node.lc.key(last)[1]
        lines.insert(line + 1, " " * indent + entry)
        line += 1
        # What follows moves down a line: the parser's positions are taken afresh for the next year.
        from ruamel.yaml import YAML

        document.clear()
        document.update(YAML(typ="rt", pure=True).load("\n".join(lines)))
    else:
        raise ImportRefused(f"{edit.cells[0]} ({edit.label}): the table of years at {edit.path} is written in a "
                            f"way import does not extend; write {entry} in the scenario")
    return line, now.strip("'\""), f"{now.strip(chr(39) + chr(34))}, carried forward"


def _position(document, loc: tuple) -> tuple[int, int]:
    """(line, column), from 0, of the scalar at `loc`; a figure written as a mapping is its value."""
    from ruamel.yaml.comments import CommentedMap

    node, parent, key = document, None, None
    for part in loc:
        parent, key, node = node, part, node[part]
    if isinstance(node, CommentedMap):
        parent, key = node, "value" if "value" in node else "central"
    if isinstance(parent, CommentedMap):
        return tuple(parent.lc.value(key))
    return tuple(parent.lc.item(key))


def _scalar_at(line: str, column: int) -> tuple[int, int, str]:
    """The extent of the scalar that starts at `column`: quoted, or plain up to a comment, a comma or
    bracket of a flow collection, or the line's end."""
    if line[column:column + 1] in ("'", '"'):
        quote = line[column]
        end = line.index(quote, column + 1) + 1
        return column, end, line[column:end]
    before = line[:column]
    in_flow = before.count("{") + before.count("[") > before.count("}") + before.count("]")
    end = column
    while end < len(line) and not ((in_flow and line[end] in ",}]") or line.startswith(" #", end)):
        end += 1
    written = line[column:end].rstrip()
    return column, column + len(written), written


def _in_style(written: str, value: float, in_flow: bool = False) -> str:
    """`value` as the scenario wrote the figure it replaces: a percentage, a financial year, pounds with
    or without a £ sign, thousands separators or a k or m."""
    bare = written.strip("'\"")
    if bare.endswith("%"):
        return f"{_plain(value * 100)}%"
    if re.fullmatch(r"[0-9]{4}/[0-9]{2}", bare):
        year = int(round(value))
        return f"{year}/{(year + 1) % 100:02d}"
    pound = "£" if bare.startswith(("£", "-£")) else ""
    suffix = bare[-1].lower() if bare[-1:].lower() in ("k", "m") else ""
    if suffix:
        scaled = value / (1e3 if suffix == "k" else 1e6)
        if _plain(scaled) == _plain(round(scaled, 3)):
            shown = f"{'-' if value < 0 else ''}{pound}{_plain(abs(scaled))}{bare[-1]}"
            return shown
    sign = "-" if value < 0 else ""
    quoted = written[:1] in ("'", '"')
    number = _plain(abs(value), ("," in bare or bool(suffix)) and (quoted or not in_flow))
    text = f"{sign}{pound}{number}"
    return f"{written[0]}{text}{written[0]}" if quoted else text


def _plain(value: float, grouped: bool = False) -> str:
    """A number as a person writes it: no exponent, no trailing zeros, to the penny at most for pounds."""
    if math.isclose(value, round(value), abs_tol=1e-9):
        return f"{int(round(value)):,}" if grouped else str(int(round(value)))
    text = f"{value:,.10f}" if grouped else f"{value:.10f}"
    return text.rstrip("0").rstrip(".")


def _refused_value(name: str, exc: ScenarioError, changes: list[Change]) -> str:
    """The first problem the scenario format finds with an imported figure, named by its cell and field."""
    for problem in exc.problems:
        for change in changes:
            if problem.path and (problem.path == change.path or change.path.startswith(problem.path + ".")
                                 or problem.path.startswith(change.path)):
                return (f"{name}: {change.cells[0]} ({change.label}) holds {change.now}, which the scenario format "
                        f"refuses for {change.path}: {problem.message}")
            if change.path in problem.message:
                return (f"{name}: {change.cells[0]} ({change.label}) holds {change.now}, which the scenario format "
                        f"refuses for {change.path} ({problem.path}, line {problem.line}: {problem.message})")
        if problem.line in {change.line for change in changes}:
            change = next(c for c in changes if c.line == problem.line)
            return (f"{name}: {change.cells[0]} ({change.label}) holds {change.now}, which the scenario format "
                    f"refuses for {change.path}: {problem.message}")
    first = exc.problems[0]
    return (f"{name}: with the workbook's figures the scenario no longer loads (line {first.line}, "
            f"{first.path}: {first.message})")


# --------------------------------------------------------------------------- cells


def _filled(value):
    return None if value == "" else value


def _is_formula(value) -> bool:
    return isinstance(value, str) and value.startswith("=")


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _same(a, b) -> bool:
    if _is_number(a) and _is_number(b):
        # An input typed in is exact: only the last binary digits of a re-save are no change.
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


def _quoted(sheet: str) -> str:
    return sheet if re.fullmatch(r"[A-Za-z0-9_]+", sheet) else "'" + sheet.replace("'", "''") + "'"


def _in_sheet_order(sheets: list[str]):
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    order = {sheet: n for n, sheet in enumerate(sheets)}

    def key(k):
        letters, row = coordinate_from_string(k[1])
        return order.get(k[0], len(order)), row, column_index_from_string(letters)

    return key


__all__ = ["import_workbook", "Imported", "Change", "ImportRefused"]
